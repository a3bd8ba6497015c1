"""What the samples say: shortfall statistics per plan and material, and what the
futures are worth. Plain numbers (numpy), read by the report, the terminal and JSON.

Every statistic is over all samples of the run, those without a disruption included
(their unmet need is 0), and only over samples with an answer (``Outcome.answered``;
the count of those without one is reported). A percentile is a value some sample had
(numpy's "inverted_cdf": the smallest value with at least that share of samples at or
below it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stockpile.stress.recourse import Outcome
from stockpile.stress.run import StressRun
from stockpile.stress.uncertainty import Draw

QUANTILES = (0.95, 0.99)


def quantile(values: np.ndarray, q: float) -> float:
    """The q-quantile of ``values`` as a value some sample had (0 for no values)."""
    if len(values) == 0:
        return 0.0
    return float(np.quantile(values, q, method="inverted_cdf"))


@dataclass
class MaterialRisk:
    """The shortfall of one material under one plan, across the samples."""

    material: str
    probability: float  # share of samples with unmet need of the material
    expected_t: float  # mean unmet need over all samples [t]
    p95_t: float
    p99_t: float
    worst_t: float
    worst_sample: int | None
    #: mean unmet need as a share of the mean need (over all samples)
    expected_share: float
    first_year: dict[int, float] = field(default_factory=dict)  # year -> share of samples
    below_floor: float = 0.0  # share of samples with need left below min_coverage
    target_missed: float = 0.0  # share of samples whose stock target is not restored


@dataclass
class PlanRisk:
    """One plan across the samples."""

    plan: str
    label: str
    answered: int
    unanswered: dict[str, int]  # status -> samples without an answer
    expected_cost_usd: float
    p95_cost_usd: float
    base_cost_usd: float  # K[base]: no disruption
    expected_penalty_usd: float
    any_shortfall: float  # share of samples with unmet need of any material
    limits_missed: float  # share of samples that missed the floor or a target
    materials: dict[str, MaterialRisk]
    cost_usd: np.ndarray  # K per answered sample, sample order
    solve_expected_cost_usd: float | None = None  # E of the plan's own solve


@dataclass
class Summary:
    samples: int
    seed: int | None
    plans: dict[str, PlanRisk]
    draws: list[Draw]
    struck: Counter[str]  # type -> samples in which it struck (first)
    later: int  # samples with a later event that is not modelled
    undisrupted: int  # samples without any disruption
    seconds: float
    workers: str
    outcomes: dict[str, dict[int, Outcome]]  # plan -> sample -> outcome

    @property
    def samples_per_second(self) -> float:
        return self.samples / self.seconds if self.seconds > 0 else float("inf")

    def vss_usd(self, plan: str, other: str) -> float | None:
        """What ``plan`` saves over ``other`` in expected cost on the same samples
        (the value of the stochastic solution when ``other`` ignores disruptions),
        over the samples both answered."""
        a, b = self.outcomes.get(plan), self.outcomes.get(other)
        if a is None or b is None:
            return None
        both = [s for s in a if a[s].answered and b[s].answered]
        if not both:
            return None
        return float(np.mean([b[s].cost_usd - a[s].cost_usd for s in both]))  # type: ignore[operator]


def summarize(
    run: StressRun,
    materials: tuple[str, ...],
    years: tuple[int, ...],
    labels: dict[str, str],
    base_cost: dict[str, float],
    seed: int | None,
    solve_cost: dict[str, float | None] | None = None,
) -> Summary:
    """The statistics of a stress run."""
    by_plan: dict[str, dict[int, Outcome]] = {}
    for o in run.outcomes:
        by_plan.setdefault(o.plan, {})[o.sample] = o
    n = len(run.draws)
    order = [name for name in labels if name in by_plan]
    order += [name for name in by_plan if name not in labels]
    by_plan = {name: by_plan[name] for name in order}
    plans = {
        name: _plan_risk(name, labels.get(name, name), outs, materials, years, base_cost[name])
        for name, outs in by_plan.items()
    }
    for name, risk in plans.items():
        risk.solve_expected_cost_usd = (solve_cost or {}).get(name)
    struck: Counter[str] = Counter()
    for d in run.draws:
        struck.update(d.types)
    return Summary(
        samples=n,
        seed=seed,
        plans=plans,
        draws=run.draws,
        struck=struck,
        later=sum(1 for d in run.draws if d.later),
        undisrupted=sum(1 for d in run.draws if not d.disrupted),
        seconds=run.seconds,
        workers=run.workers,
        outcomes=by_plan,
    )


def _plan_risk(
    name: str,
    label: str,
    outs: dict[int, Outcome],
    materials: tuple[str, ...],
    years: tuple[int, ...],
    base_cost: float,
) -> PlanRisk:
    answered = [o for _s, o in sorted(outs.items()) if o.answered]
    unanswered = Counter(o.status for o in outs.values() if not o.answered)
    n = max(1, len(answered))
    cost = np.asarray([o.cost_usd for o in answered], dtype=float)
    risks = {}
    for m in materials:
        unmet = np.asarray([o.unmet_t.get(m, 0.0) for o in answered])
        need = np.asarray([o.need_t.get(m, 0.0) for o in answered])
        firsts = Counter(o.first_unmet_year[m] for o in answered if m in o.first_unmet_year)
        worst = int(np.argmax(unmet)) if len(unmet) and unmet.max() > 0 else None
        risks[m] = MaterialRisk(
            material=m,
            probability=float((unmet > 0).sum()) / n,
            expected_t=float(unmet.mean()) if len(unmet) else 0.0,
            p95_t=quantile(unmet, 0.95),
            p99_t=quantile(unmet, 0.99),
            worst_t=float(unmet.max()) if len(unmet) else 0.0,
            worst_sample=answered[worst].sample if worst is not None else None,
            expected_share=float(unmet.sum() / need.sum()) if need.sum() > 0 else 0.0,
            first_year={t: firsts[t] / n for t in years if firsts[t]},
            below_floor=sum(1 for o in answered if m in o.floor_missed_t) / n,
            target_missed=sum(1 for o in answered if m in o.target_missed_t) / n,
        )
    return PlanRisk(
        plan=name,
        label=label,
        answered=len(answered),
        unanswered=dict(unanswered),
        expected_cost_usd=float(cost.mean()) if len(cost) else float("nan"),
        p95_cost_usd=quantile(cost, 0.95),
        base_cost_usd=base_cost,
        expected_penalty_usd=float(np.mean([o.penalty_usd for o in answered])) if answered else 0,
        any_shortfall=sum(1 for o in answered if o.unmet_t) / n,
        limits_missed=sum(1 for o in answered if o.status == "limits_missed") / n,
        materials=risks,
        cost_usd=cost,
    )


def headline(summary: Summary, plan: str = "plan") -> dict[str, Any]:
    """The answer of page one in numbers (JSON, README)."""
    risk = summary.plans[plan]
    ranked = sorted(risk.materials.values(), key=lambda r: (-r.probability, -r.expected_share))
    return {
        "samples": summary.samples,
        "any_shortfall": risk.any_shortfall,
        "materials": [
            {
                "material": r.material,
                "probability": r.probability,
                "expected_unmet_t": r.expected_t,
                "p95_unmet_t": r.p95_t,
                "p99_unmet_t": r.p99_t,
            }
            for r in ranked
        ],
        "expected_cost_usd": risk.expected_cost_usd,
    }
