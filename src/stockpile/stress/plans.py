"""The plans a stress test evaluates: the version-2 plan, the plan that ignores
disruptions, and optionally the plan with a risk weight; each solved as ``solve`` does."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from stockpile.data.inputs import Inputs
from stockpile.result import SolveResult
from stockpile.solver.highs import SolveOptions
from stockpile.solver.policy import Resolver
from stockpile.stress.recourse import PLAN_VARS, PlanValues

#: The version-2 plan (the workbook as it is).
PLAN = "plan"
#: The plan that ignores disruptions: every probability 0, no coverage floors.
IGNORES = "ignores_disruptions"
#: The plan solved with a risk weight (``stockpile stress --risk-weight``).
RISK = "risk_weight"

LABELS = {
    PLAN: "the plan",
    IGNORES: "plan ignoring disruptions",
}


def ignoring_disruptions(inputs: Inputs) -> Inputs:
    """The inputs with every disruption's probability 0 and every min_coverage 0: the
    plan of a planner who does not expect disruptions (the listed futures remain, as
    stress tests that weigh nothing and ask no coverage)."""
    return inputs.model_copy(
        update={
            "disruptions": tuple(
                d.model_copy(update={"probability": 0.0}) for d in inputs.disruptions
            ),
            "materials": tuple(
                m.model_copy(update={"min_coverage": 0.0}) for m in inputs.materials
            ),
        }
    )


def with_risk_weight(inputs: Inputs, weight: float) -> Inputs:
    return inputs.model_copy(
        update={"settings": inputs.settings.model_copy(update={"risk_weight": weight})}
    )


def plan_values(name: str, label: str, result: SolveResult) -> PlanValues:
    """The plan's part of a solve: the values of its own variables, E and each K[f]."""
    return PlanValues(
        name,
        label,
        {var: dict(result.values.get(var, {})) for var in PLAN_VARS},
        result.expected_cost_usd,
        {f.future: f.cost_usd for f in result.futures},
    )


@dataclass
class Solved:
    """The plans to evaluate, and the solves behind them."""

    plans: list[PlanValues] = field(default_factory=list)
    results: dict[str, SolveResult] = field(default_factory=dict)
    #: plans that could not be evaluated (no plan): name -> why
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def solve_plans(
    inputs: Inputs, options: SolveOptions | None = None, risk_weight: float | None = None
) -> Solved:
    """Solve the plan (as ``stockpile solve`` does), the plan that ignores disruptions
    and, with ``risk_weight``, the plan with that risk weight. The first must have a
    plan (the caller checks ``results[PLAN].has_plan``); the others are skipped with a
    note when they have none."""
    import time

    tick = time.perf_counter()
    # the stress report ranks no shadow prices: no re-solves to check them (solver.margins)
    resolver = Resolver(replace(options or SolveOptions(), check_margins=False))
    out = Solved()
    variants: list[tuple[str, str, Inputs]] = [
        (PLAN, LABELS[PLAN], inputs),
        (IGNORES, LABELS[IGNORES], ignoring_disruptions(inputs)),
    ]
    if risk_weight is not None:
        variants.append(
            (
                RISK,
                f"plan with risk_weight {risk_weight:g}",
                with_risk_weight(inputs, risk_weight),
            )
        )
    for name, label, variant in variants:
        _params, result = resolver.solve(variant)
        out.results[name] = result
        if result.has_plan:
            out.plans.append(plan_values(name, label, result))
        else:
            out.skipped[name] = f"{label}: {result.status} ({result.message})"
        if name == PLAN and not result.has_plan:
            break
    out.seconds = time.perf_counter() - tick
    return out
