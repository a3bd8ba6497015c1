"""The decomposition over the futures (``SolveOptions(decompose=True)``,
``stockpile.solver.benders``) gives the answer of the direct solve.

Expected numbers come from MODEL.md's hand checks (derived there) or from a second
solve: the independent oracle (tests/oracle.py) for the optimum, its checker for the
plan, and the duals are checked as an optimal dual solution of the whole LP (every
reduced cost has the sign its column allows, and sum dual * limit equals the
objective: strong duality), which is what the decomposition promises; the direct solve
may pick another optimal dual of a degenerate LP.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import hand
from oracle import check_plan, oracle_solve, plan_from_result
from stockpile.data.params import build_params
from stockpile.model import formulate
from stockpile.pipeline import optimize, solve_inputs
from stockpile.result import SolveResult
from stockpile.solver.highs import SolveOptions
from strategies import build, raw_inputs_st

C_BUILD = {
    "capacity_units_per_yr": 0,
    "expansion_cost_usd_per_unit": 3,
    "expansion_lead_years": 0,
    "max_expansion_units": 200,
}


def decomposed(inputs) -> SolveResult:
    # a tight gap: the hand checks hold exactly (the default, 1e-6, is for large models)
    result = optimize(inputs, decompose=True, gap=1e-9, iis_time_limit=0.0)
    return result


def iterations(result: SolveResult) -> dict:
    assert "decomposition" in result.solver, result.log
    return result.solver["decomposition"]


def assert_optimal_duals(inputs, result: SolveResult) -> None:
    """The reported duals are an optimal dual solution of the whole LP: each column's
    reduced cost c_j - sum_r a_rj y_r is >= 0 (every column is >= 0 without an upper
    bound; Eta is free: 0), and sum_r y_r * the limit it presses on = the objective."""
    lp = formulate(build_params(inputs))
    cost = np.asarray(lp.objective_costs(), dtype=float)
    reduced = cost.copy()
    for family, rows in lp.families.items():
        for key, row in rows.items():
            y = result.rows[family][key].dual
            for c, a in zip(row.cols, row.coefs, strict=True):
                reduced[c] -= a * y
    scale = max(1.0, float(np.abs(cost).max(initial=0.0)))
    bad = [lp.columns.keys[k] for k in np.flatnonzero(reduced < -1e-7 * scale)]
    assert bad == [], bad[:5]
    total = hand.dual_objective(result)
    assert total == pytest.approx(result.objective_usd, rel=1e-7, abs=1e-6)


@pytest.mark.parametrize(
    ("case", "objective", "cover_dual"),
    [
        ("B", 650.0, 6.5),
        ("C", 650.0, 6.5),
        ("C variant", 750.0, 7.5),
    ],
)
def test_hand_checks(case, objective, cover_dual):
    """MODEL.md hand checks B and C: objective, parts, K[f] and the disruption_cover
    dual (conditional: / 0.5), as derived there."""
    if case == "B":
        inputs = hand.check_b()
        parts = {"purchase_usd": 500.0, "holding_usd": 150.0}
        k = {"base": 700.0, "ban": 600.0}
    elif case == "C":
        inputs = hand.check_b(a=C_BUILD)
        parts = {"purchase_usd": 500.0, "holding_usd": 150.0}
        k = {"base": 700.0, "ban": 600.0}
    else:
        inputs = hand.check_b(a={**C_BUILD, "expansion_cost_usd_per_unit": 1}, b_cost=8)
        parts = {"purchase_usd": 700.0, "investment_usd": 50.0}
        # nothing bought in the plan; in ban 100 units added (100) and bought (1400)
        k = {"base": 0.0, "ban": 1500.0}
    result = decomposed(inputs)
    assert result.status == "optimal"
    assert iterations(result)["gap"] <= 1e-9
    assert result.objective_usd == hand.approx(objective)
    hand.assert_parts(result, **parts)
    assert hand.costs(result) == hand.approx(k)
    row = result.rows["disruption_cover"]["ban", "X", 2027]
    assert row.dual == hand.approx(cover_dual)
    assert row.conditional == hand.approx(cover_dual / 0.5)
    assert_optimal_duals(inputs, result)
    assert check_plan(inputs, plan_from_result(result)) == []


def test_hand_check_a_has_no_futures():
    """Hand check A (no disruption): the master alone; 1665 USD, target dual 12.5."""
    result = decomposed(hand.hand_case())
    assert result.status == "optimal"
    assert result.objective_usd == hand.approx(1665.0)
    assert hand.dual(result, "stock_target", "X", 2027) == hand.approx(12.5)


def test_stress_test_needs_a_feasibility_cut():
    """Check B with probability 0, min_coverage 0.5 and no capacity at A: in the ban
    nothing can be bought, so the plan must hold 50 t at the end of 2026. The first
    master plan (nothing held: a probability-0 future costs nothing) makes the ban
    infeasible: a feasibility cut. By hand: 50 t from B in 2026 at 5, held in 2026 and
    2027 (w = 1) at 1 each: 350 USD (purchase 250, holding 100). The ban's least K:
    the plan's 2026 (250 + 50) plus 50 t unmet at 40 = 2300; one more tonne of need
    would cost 7 (released from one more tonne of stock), one more tonne allowed
    unmet saves 7."""
    inputs = hand.check_b(prob=0.0, a={"capacity_units_per_yr": 0}, x={"min_coverage": 0.5})
    result = decomposed(inputs)
    assert result.status == "optimal"
    assert iterations(result)["feasibility_cuts"] >= 1
    assert result.objective_usd == hand.approx(350.0)
    hand.assert_parts(result, purchase_usd=250.0, holding_usd=100.0)
    assert hand.costs(result) == hand.approx({"base": 350.0, "ban": 2300.0})
    assert result.values["Release"]["ban", "X", "H", 2027] == hand.approx(50.0)
    assert result.values["Unmet"]["ban", "X", 2027] == hand.approx(50.0)
    assert hand.dual(result, "coverage_floor", "ban", "X", 2027) == hand.approx(-7.0)
    assert hand.dual(result, "disruption_cover", "ban", "X", 2027) == hand.approx(7.0)
    assert_optimal_duals(inputs, result)
    assert check_plan(inputs, plan_from_result(result)) == []


def test_risk_term_is_solved_directly():
    """Check B with risk_weight 1, cvar_level 0.5 (MODEL.md: 9800/15): the risk rows link
    every future, so the LP is solved directly and the log says so."""
    result = decomposed(hand.check_b(settings={"risk_weight": 1, "cvar_level": 0.5}))
    assert result.status == "optimal"
    assert result.objective_usd == hand.approx(9800 / 15)
    assert "decomposition" not in result.solver
    assert "risk_weight" in result.log and "solved directly" in result.log


def test_infeasible_is_diagnosed_directly():
    """min_coverage 1 with no capacity anywhere: no plan can cover the ban. The
    decomposition's master becomes infeasible; the LP is solved directly for the
    diagnosis, which names the coverage floor."""
    inputs = hand.build(
        end=2027,
        materials=[{"material": "X", "shortfall_penalty_usd_per_t": 40, "min_coverage": 1.0}],
        sources=[hand.source("A", 14, 0), hand.source("B", 5, 0, country="CN")],
        sites=[hand.site("H", hold=1)],
        demand=hand.demand(("X", 2026, 100), ("X", 2027, 100)),
        supply_mix=hand.supply_mix(("X", "CN", 1.0)),
        disruptions=[hand.disruption("ban", 0.5, 2027)],
        disruption_impacts=[hand.impact("ban", "*", "country", "CN", 0.0)],
    )
    result = decomposed(inputs)
    assert result.status == "infeasible"
    assert "solved directly" in result.log
    assert result.diagnosis is not None
    named = {m.family for m in result.diagnosis.members}
    assert "coverage_floor" in named, named


def test_time_limit_before_a_plan():
    """A time limit that strikes before the first solve: no plan, the status says so."""
    result = optimize(hand.check_b(), decompose=True, time_limit=1e-9)
    assert result.status == "time_limit_no_solution"
    assert "decomposition" in result.solver


def test_generated_small_instance():
    """benchmarks/generate.py size S (3 futures): the oracle's optimum, a feasible plan,
    optimal duals, and the direct solve's parts and K[f] (unique here: the same within
    1e-6)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from generate import generate

    inputs = generate("S")
    result = decomposed(inputs)
    direct = optimize(inputs, decompose=False)
    assert result.status == direct.status == "optimal"
    assert iterations(result)["iterations"] >= 2
    assert result.objective_usd == pytest.approx(direct.objective_usd, rel=1e-6)
    assert oracle_solve(inputs).objective == pytest.approx(result.objective_usd, rel=1e-6)
    for key, value in direct.parts.items():
        assert result.parts[key] == pytest.approx(value, rel=1e-6, abs=1e-6 * direct.objective_usd)
    assert hand.costs(result) == pytest.approx(hand.costs(direct), rel=1e-6)
    assert check_plan(inputs, plan_from_result(result)) == []
    assert_optimal_duals(inputs, result)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(raw=raw_inputs_st(min_disruptions=1))
def test_random_instances_agree_with_the_oracle(raw):
    """Random version-2 instances with futures and investment (risk ones fall back to the
    direct solve): the oracle's status and optimum, a feasible plan, optimal duals."""
    inputs = build(raw)
    result = solve_inputs(inputs, SolveOptions(decompose=True, gap=1e-9, iis_time_limit=0.0))[1]
    expected = oracle_solve(inputs)
    assert result.status == expected.status, (result.status, expected.status, result.log)
    if result.status != "optimal":
        return
    scale = max(1.0, abs(expected.objective), *(abs(v) for v in result.parts.values()))
    assert abs(result.objective_usd - expected.objective) <= 1e-6 * scale
    assert check_plan(inputs, plan_from_result(result)) == []
    if "decomposition" in result.solver:
        assert_optimal_duals(inputs, result)
