"""The two interfaces to HiGHS and the warm re-solve give the same answers, and the
default path builds no Pyomo object.

``direct`` (the default) passes the LP rows to HiGHS; ``pyomo`` builds the Pyomo model
from the same rows (``stockpile.model.pyomo.build_model``) and lets Pyomo's persistent
HiGHS interface read it. The Resolver re-solves a variant in the previous HiGHS model
when only numbers changed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hand as fam
from oracle import rel_close
from stockpile.data.inputs import Inputs
from stockpile.data.params import build_params
from stockpile.model import formulate
from stockpile.model.objective import PARTS
from stockpile.pipeline import optimize, solve_inputs
from stockpile.result import SolveResult
from stockpile.solver.highs import SolveOptions
from stockpile.solver.policy import Resolver
from strategies import (
    CAPACITY_FIELDS,
    PRICE_FIELDS,
    build,
    disruption_case,
    hand_case,
    raw_inputs_st,
    scale_fields,
)

TESTS = Path(__file__).resolve().parents[1]


def _parts_add_up(result: SolveResult) -> None:
    """A plan's own parts sum to its expected cost E (each with its sign); E is the
    objective unless a risk term weighs in."""
    total = sum(part.sign * result.parts[part.json_key] for part in PARTS)
    assert rel_close(total, result.expected_cost_usd, 1e-9, scale=max(result.parts.values()))


def _same(a, b) -> None:
    """Same status and objective, same variables and rows. Only the objective is unique
    among optimal plans: two optima may split it differently into parts (a found case:
    holding 20.125 against 11.375 at the same objective 188.125, a tonne bought a year
    earlier from a cheaper source), so each plan's parts are checked against its own
    objective, not against the other's."""
    assert a.status == b.status
    if a.status != "optimal":
        return
    assert rel_close(a.objective_usd, b.objective_usd, 1e-7)
    _parts_add_up(a)
    _parts_add_up(b)
    assert set(a.rows) == set(b.rows)
    for family in a.rows:
        assert set(a.rows[family]) == set(b.rows[family]), family
    assert {k: set(v) for k, v in a.values.items()} == {k: set(v) for k, v in b.values.items()}


def _both(inputs: Inputs) -> tuple[SolveResult, SolveResult]:
    """The default solve and the solve through Pyomo's HiGHS interface."""
    direct = solve_inputs(inputs, SolveOptions())[1]
    pyomo = solve_inputs(inputs, SolveOptions(interface="pyomo"))[1]
    assert direct.solver["interface"] == "direct"
    assert pyomo.solver["interface"] == "pyomo"
    return direct, pyomo


def _agree(direct: SolveResult, pyomo: SolveResult) -> None:
    """Same status; when optimal the objective within 1e-9 relative, parts that add up
    to it (the split into parts is not unique, see ``_same``), and the same variables
    and rows."""
    assert direct.status == pyomo.status
    if direct.status != "optimal":
        return
    assert rel_close(direct.objective_usd, pyomo.objective_usd, 1e-9)
    _parts_add_up(direct)
    _parts_add_up(pyomo)
    assert {k: set(v) for k, v in direct.values.items()} == {
        k: set(v) for k, v in pyomo.values.items()
    }
    assert {f: set(rows) for f, rows in direct.rows.items()} == {
        f: set(rows) for f, rows in pyomo.rows.items()
    }


# --- hand cases: unique duals, so both interfaces report the same ones ------------------


def _hand_cases() -> dict[str, Inputs]:
    """The hand-solved instances of tests/model/families (helpers in tests/hand.py) whose
    docstrings derive a unique optimum and every binding dual (one or more per family);
    stock_target is MODEL.md's hand case A."""
    tgt = fam.targets
    return {
        "stock_target": hand_case(),
        "output_split": fam.build(
            materials=["Ni", {"material": "Co", "resale_usd_per_t": 6}],
            sources=[fam.source("N", 10, 100, kind="seabed")],
            outputs=[("N", "Ni", 2), ("N", "Co", 0.5)],
            routes=[("N", "L", 1)],
            targets=tgt(("Ni", fam.T0, 40)),
        ),
        "source_capacity": fam.build(
            sources=[fam.source("A", 10, 30), fam.source("B", 14, 100)],
            targets=tgt(("X", fam.T0, 50)),
        ),
        "stock_balance": fam.build(
            end=2027,
            sources=[fam.source("A", 10, 100)],
            sites=[fam.site("L", hold=1)],
            routes=[("A", "L", 2)],
            initial_stock=[{"material": "X", "site": "L", "stock_t": 5}],
            targets=tgt(("X", 2026, 20), ("X", 2027, 40)),
        ),
        "site_capacity": fam.build(
            materials=[{"material": "X", "volume_m3_per_t": 0.5}],
            sources=[fam.source("A", 10, 1000)],
            sites=[fam.site("L1", hold=1, cap_m3=30), fam.site("L2", hold=3, cap_m3=1000)],
            targets=tgt(("X", fam.T0, 100)),
        ),
        "budget": fam.build(
            end=2027,
            sources=[fam.source("A", 10, 200)],
            sites=[fam.site("L", hold=1)],
            routes=[("A", "L", 2)],
            targets=tgt(("X", 2027, 100)),
            budget=[{"year": 2027, "budget_usd": 700}],
        ),
        "site_dispersion": fam.build(
            sources=[fam.source("A", 10, 1000)],
            sites=[fam.site("L1", hold=1), fam.site("L2", hold=4)],
            targets=tgt(("X", fam.T0, 100)),
            rules=[
                {
                    "rule": "R3",
                    "material": "X",
                    "group_type": "site",
                    "group": "*",
                    "limit": "max_share",
                    "share": 0.6,
                }
            ],
        ),
        "disruption_cover": fam.disruption_case(penalty=40),
        "coverage_floor": fam.disruption_case(penalty=10, min_coverage=0.25),
    }


HAND_CASES = _hand_cases()


@pytest.mark.parametrize("name", list(HAND_CASES))
def test_both_interfaces_agree_on_the_hand_cases(name: str) -> None:
    """Status, objective (1e-9 relative), variables, and the value and dual of every
    row: each of these optima is unique with a unique dual (the docstrings derive
    them in tests/model/families), so any correct interface must report exactly these numbers."""
    direct, pyomo = _both(HAND_CASES[name])
    assert direct.status == "optimal", direct.message
    _agree(direct, pyomo)
    for var, values in direct.values.items():
        for idx, v in values.items():
            assert rel_close(v, pyomo.values[var][idx], 1e-9), (var, idx)
    for family, rows in direct.rows.items():
        for key, row in rows.items():
            other = pyomo.rows[family][key]
            assert (row.lower, row.upper) == (other.lower, other.upper), (family, key)
            assert rel_close(row.body, other.body, 1e-9), (family, key)
            assert row.dual is not None and other.dual is not None
            assert rel_close(row.dual, other.dual, 1e-9), (family, key, row.dual, other.dual)


def test_both_interfaces_agree_when_infeasible() -> None:
    """A target no capacity can reach: both say infeasible, and both diagnose it."""
    direct, pyomo = _both(hand_case(targets=[{"material": "X", "year": 2027, "min_stock_t": 1e3}]))
    assert direct.status == pyomo.status == "infeasible"
    assert direct.diagnosis is not None and pyomo.diagnosis is not None
    assert {m.family for m in direct.diagnosis.members} == {
        m.family for m in pyomo.diagnosis.members
    }


def test_scaled_budget_rows_report_unscaled_duals():
    """Prices of millions of USD make the direct hand-over scale budget rows by a power
    of two; the duals it reports must be those of the rows as written.

    Hand case with prices x 1e6 and a 2026 budget of 500e6 USD (below A's 60 units at
    10e6 plus their holding), so the budget binds. The Pyomo hand-over (no scaling) is
    the reference.
    """
    from stockpile.data.inputs import Budget

    base = hand_case()
    inputs = base.model_copy(
        update={
            "sources": tuple(
                s.model_copy(update={"cost_usd_per_unit": s.cost_usd_per_unit * 1e6})
                for s in base.sources
            ),
            "sites": tuple(
                s.model_copy(
                    update={"holding_cost_usd_per_t_yr": s.holding_cost_usd_per_t_yr * 1e6}
                )
                for s in base.sites
            ),
            "budget": (Budget(year=2026, budget_usd=500e6),),
        }
    )
    direct, pyomo = _both(inputs)
    assert direct.status == pyomo.status == "optimal"
    assert rel_close(direct.objective_usd, pyomo.objective_usd, 1e-9)
    for family in ("budget", "stock_target", "source_capacity"):
        for key, row in pyomo.rows[family].items():
            got = direct.rows[family][key]
            assert rel_close(got.dual, row.dual, 1e-7, scale=1.0), (family, key)
            assert rel_close(got.body, row.body, 1e-9, scale=1.0), (family, key)
    assert direct.rows["budget"][(2026,)].dual < 0  # the budget binds


# --- random instances: duals may be degenerate, so each set is certified optimal --------


def _certify_duals(inputs: Inputs, result: SolveResult) -> float:
    """Check that ``result``'s duals are an optimal dual solution of the LP and return
    the dual objective.

    With every variable >= 0 and no other bound, duals y (d objective / d limit) are
    optimal when (1) each nonzero y presses on a limit the row has and meets (a
    requirement y > 0 at its lower limit, a limit y < 0 at its upper one), (2) every
    reduced cost c_j - sum_r y_r a_rj is >= 0, and (3) the dual objective
    sum_r y_r * limit_r equals the objective (strong duality).
    """
    lp = formulate(build_params(inputs))
    reduced = lp.objective_costs()
    dual_objective, size = 0.0, 0.0
    for family, rows in lp.families.items():
        for key, row in rows.items():
            got = result.rows[family][key]
            y = got.dual
            assert y is not None, (family, key)
            for col, a in zip(row.cols, row.coefs, strict=True):
                reduced[col] -= y * a
            if abs(y) <= 1e-9:
                continue
            limit = row.lower if y > 0 else row.upper
            assert limit is not None, f"{family}{key}: dual {y} has the wrong sign"
            assert rel_close(got.body, limit, 1e-6), f"{family}{key}: dual {y} on a slack row"
            dual_objective += y * limit
            size = max(size, abs(y * limit))
    costs = lp.objective_costs()
    for col, rc in enumerate(reduced):
        assert rc >= -1e-6 * max(1.0, abs(costs[col])), (lp.columns.keys[col], rc)
    assert rel_close(dual_objective, result.objective_usd, 1e-7, scale=size)
    return dual_objective


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raw_inputs_st())
def test_both_interfaces_agree_on_random_instances(raw):
    """Status, objective (1e-9 relative), the same variables and rows, and duals.

    A random instance's dual is often not unique (degenerate optima: ties in prices,
    slack capacities at zero), and two correct interfaces may then report different
    duals. Instead of comparing them number by number, each interface's duals are
    certified to be an optimal dual solution of the same LP (right signs, dual
    feasible, strong duality: ``_certify_duals``), and the two dual objectives agree.
    Where the dual is unique this forces the same duals.
    """
    direct, pyomo = _both(build(raw))
    _agree(direct, pyomo)
    if direct.status == "optimal":
        inputs = build(raw)
        assert rel_close(
            _certify_duals(inputs, direct),
            _certify_duals(inputs, pyomo),
            1e-7,
            scale=abs(direct.objective_usd),
        )


# --- the warm re-solve ----------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raw_inputs_st(), k_cap=st.sampled_from([0.5, 1.5]), k_price=st.sampled_from([0.7, 2]))
def test_warm_resolve_equals_fresh_solve(raw, k_cap, k_price):
    base = build(raw)
    variant = build(scale_fields(scale_fields(raw, CAPACITY_FIELDS, k_cap), PRICE_FIELDS, k_price))
    resolver = Resolver()
    _same(resolver.solve(base)[1], solve_inputs(base, SolveOptions())[1])
    warm = resolver.solve(variant)[1]
    assert resolver.last_was_warm  # only numbers changed
    _same(warm, solve_inputs(variant, SolveOptions())[1])


def test_resolver_after_an_infeasible_variant_and_without_time_limit():
    """Base, a 30 % budget cut (infeasible), base again: every answer equals a fresh
    solve, and a limit used internally for a warm attempt never leaks into the next
    solve (no time limit was asked for)."""
    from stockpile.data.default_dataset import default_inputs

    base = default_inputs()
    cut = base.model_copy(
        update={
            "budget": tuple(
                b.model_copy(update={"budget_usd": 0.7 * b.budget_usd}) for b in base.budget
            )
        }
    )
    resolver = Resolver()
    first = resolver.solve(base)[1]
    assert first.status == "optimal"
    assert resolver.solve(cut)[1].status == "infeasible"
    again = resolver.solve(base)[1]
    assert again.status == "optimal"
    assert rel_close(again.objective_usd, first.objective_usd, 1e-9)


# --- the Pyomo model is for users and --interface pyomo only -------------------------------


def test_the_pyomo_model_can_be_extended_and_solved_with_pyomo():
    """``build_model(inputs)`` is a ConcreteModel a user can extend and solve with a
    Pyomo solver: MODEL.md's hand case costs 1665; capping B's 2027 purchase at 20 t
    moves 10 t to B in 2026 (one more year held): 1665 + 10 * 0.5 = 1670."""
    import pyomo.environ as pyo
    from pyomo.contrib.solver.solvers.highs import Highs

    from stockpile.model import build_model

    model = build_model(hand_case())
    assert isinstance(model, pyo.ConcreteModel)
    Highs().solve(model)
    assert pyo.value(model.total_cost) == pytest.approx(1665, rel=1e-9)
    model.cap_b = pyo.Constraint(expr=model.Buy["B", 2027] <= 20)
    Highs().solve(model)
    assert pyo.value(model.total_cost) == pytest.approx(1670, rel=1e-9)
    assert pyo.value(model.Buy["B", 2026]) == pytest.approx(10, rel=1e-9)


def test_a_default_solve_constructs_no_pyomo_component(monkeypatch):
    """Every Pyomo component (model, set, variable, constraint, expression, objective)
    runs ``Component.__init__``: with it refusing, default solves (optimal, infeasible
    with its diagnosis, a warm re-solve, the co-product and disruption case) still
    work. The interface="pyomo" solve is refused, which shows the guard bites."""
    from pyomo.core.base.component import Component

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"a Pyomo {type(self).__name__} was constructed")

    monkeypatch.setattr(Component, "__init__", refuse)
    with pytest.raises(AssertionError, match="a Pyomo"):
        optimize(hand_case(), interface="pyomo")

    assert optimize(hand_case()).status == "optimal"
    assert optimize(disruption_case()).status == "optimal"
    short = hand_case(targets=[{"material": "X", "year": 2027, "min_stock_t": 1e3}])
    assert optimize(short, iis_time_limit=0.0).diagnosis.method == "elastic"
    resolver = Resolver()
    resolver.solve(hand_case())
    resolver.solve(hand_case(targets=[{"material": "X", "year": 2027, "min_stock_t": 100}]))
    assert resolver.last_was_warm


def test_the_default_path_imports_no_pyomo(tmp_path):
    """In a fresh process, importing the pipeline, solving (optimal, infeasible with
    its IIS and with the elastic fallback, warm) and ``pipeline.run`` with its report
    import no Pyomo module at all."""
    code = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        sys.path.insert(0, {str(TESTS)!r})

        def pyomo_modules():
            return sorted(m for m in sys.modules if m.split(".")[0] == "pyomo")

        import stockpile.pipeline as pipeline
        seen = {{"import": pyomo_modules()}}

        from stockpile.data.template import write_workbook
        from stockpile.solver.highs import SolveOptions
        from stockpile.solver.policy import Resolver
        from strategies import hand_case

        short = hand_case(targets=[{{"material": "X", "year": 2027, "min_stock_t": 1e3}}])
        assert pipeline.optimize(hand_case()).status == "optimal"
        assert pipeline.optimize(short).diagnosis.method == "iis"
        assert pipeline.optimize(short, iis_time_limit=0.0).diagnosis.method == "elastic"
        resolver = Resolver()
        resolver.solve(hand_case())
        resolver.solve(hand_case(targets=[{{"material": "X", "year": 2027, "min_stock_t": 9}}]))
        assert resolver.last_was_warm
        seen["solve"] = pyomo_modules()

        tmp = Path({str(tmp_path)!r})
        write_workbook(tmp / "hand.xlsx", hand_case())
        done = pipeline.run(tmp / "hand.xlsx", tmp / "report.xlsx", SolveOptions())
        assert done.result.status == "optimal" and (tmp / "report.xlsx").exists()
        seen["run"] = pyomo_modules()
        print(json.dumps(seen))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"import": [], "solve": [], "run": []}
