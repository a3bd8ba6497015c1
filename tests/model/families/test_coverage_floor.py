"""coverage_floor (MODEL.md family 10): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py. Version 2: one row per (d, m, t)
with t a window year with need; it holds in every future whatever its probability.
"""

from __future__ import annotations

from typing import Any

from hand import (
    approx,
    assert_parts,
    build,
    check_b,
    costs,
    demand,
    disruption,
    dual,
    dual_objective,
    future,
    impact,
    site,
    solve,
    source,
    supply_mix,
)
from stockpile.data.inputs import Inputs


def test_coverage_floor_binds() -> None:
    """A cheap penalty leaves need unmet down to the minimum coverage.

    MODEL.md hand check B with penalty 10 and min_coverage 0.25. Per tonne of the
    ban's need (100 t in 2027): stockpile from B in 2026, 5 + 1 + 0.5 * 1 = 6.5; A in
    the ban's 2027, 0.5 * 14 = 7; unmet 0.5 * 10 = 5, the cheapest, but
    coverage_floor[ban,X,2027]: Unmet <= (1 - 0.25) * 100 = 75 binds; the other 25 t
    are stockpiled.
    Optimum (unique): Buy[B,2026] = 25; plan stock 25, 25; in the ban Release 25,
    Unmet 75, nothing bought.
    purchase 125, holding 25 + 0.5 * 25 = 37.5, penalty 0.5 * 10 * 75 = 375; total
    537.5. K[base] = 25 * 7 = 175; K[ban] = 25 * 6 + 75 * 10 = 900.
    Duals: coverage_floor: one more tonne allowed unmet saves a stockpiled tonne (6.5)
    and costs 5 of expected penalty: -1.5. disruption_cover: one more tonne of need
    (the floor's limit held at 75) is one more stockpiled tonne: +6.5.
    Strong duality: 6.5 * 100 - 1.5 * 75 = 537.5.
    """
    r = solve(check_b(x={"shortfall_penalty_usd_per_t": 10, "min_coverage": 0.25}))
    assert r.objective_usd == approx(537.5)
    assert_parts(r, purchase_usd=125, holding_usd=37.5, shortfall_penalty_usd=375)
    assert r.values["Buy"] == approx(
        {("A", 2026): 0, ("A", 2027): 0, ("B", 2026): 25, ("B", 2027): 0}
    )
    assert r.values["Release"] == approx({("ban", "X", "H", 2027): 25})
    assert r.values["Unmet"] == approx({("ban", "X", 2027): 75})
    assert costs(r) == approx({"base": 175, "ban": 900})
    floor = r.rows["coverage_floor"]["ban", "X", 2027]
    assert floor.lower is None
    assert (floor.body, floor.upper) == approx((75, 75))
    assert floor.dual == approx(-1.5)
    assert dual(r, "disruption_cover", "ban", "X", 2027) == approx(6.5)
    assert dual_objective(r) == approx(537.5)


def stress_test(sources: list[dict[str, Any]]) -> Inputs:
    """Years 2026-2027, no discounting; site L holding 1; penalty 1000, min_coverage
    0.6. Disruption D: probability 0 (a stress test), start 2027, 1 year; CN
    availability 0, SupplyMix X: CN 1.0, demand X 2027 100 -> need 100,
    coverage_floor[D,X,2027]: Unmet <= 40. w(2026) = w(2027) = 1; D weighs 0."""
    return build(
        end=2027,
        materials=[{"material": "X", "shortfall_penalty_usd_per_t": 1000, "min_coverage": 0.6}],
        sources=sources,
        sites=[site("L", hold=1)],
        demand=demand(("X", 2027, 100)),
        supply_mix=supply_mix(("X", "CN", 1.0)),
        disruptions=[disruption("D", 0.0, 2027)],
        disruption_impacts=[impact("D", "X", "country", "CN", 0.0)],
    )


def test_probability_zero_stress_test_only_the_floor_binds() -> None:
    """A disruption of probability 0 weighs nothing, but its coverage floor still holds:
    the plan holds just the stock the floor asks for.

    stress_test with one source A (CN) 10 USD/t, capacity 1000: no capacity in D's
    window, so D can only release what the plan held at the end of 2026.
    Release[D,X,L,2027] <= plan Stock[X,L,2026] and Unmet = 100 - Release <= 40, so
    the plan holds 60 t; more would cost without any gain (D weighs 0).
    Optimum (unique): Buy[A,2026] = 60; plan stock 60, 60 (cost 10 + 1 + 1 = 12 per
    tonne); in D Release 60, Unmet 40, StockF 0.
    Objective 720: purchase 600, holding 120. K[base] = 720; K[D] = 600 + 60 (the
    plan's 2026) + 1000 * 40 (D's 2027) = 40660. E = 1 * 720 + 0 * 40660.
    Duals: coverage_floor[D,X,2027]: one more tonne allowed unmet is one tonne less
    held: -12. disruption_cover[D,X,2027]: one more tonne of need (floor limit held at
    40) is one more tonne held: +12.
    Strong duality: 12 * 100 - 12 * 40 = 720.
    """
    r = solve(stress_test([source("A", 10, 1000, country="CN")]))
    assert r.objective_usd == approx(720)
    assert_parts(r, purchase_usd=600, holding_usd=120)
    assert r.values["Buy"] == approx({("A", 2026): 60, ("A", 2027): 0})
    assert r.values["Stock"] == approx({("X", "L", 2026): 60, ("X", "L", 2027): 60})
    assert r.values["Release"] == approx({("D", "X", "L", 2027): 60})
    assert r.values["Unmet"] == approx({("D", "X", 2027): 40})
    assert r.values["StockF"] == approx({("D", "X", "L", 2027): 0})
    stress = future(r, "D")
    assert stress.probability == 0
    assert stress.cost_usd == approx(40660)
    assert stress.unmet_t == approx({"X": 40})
    assert stress.first_unmet_year == {"X": 2027}
    assert future(r, "base").cost_usd == approx(720)
    floor = r.rows["coverage_floor"]["D", "X", 2027]
    assert (floor.body, floor.upper) == approx((40, 40))
    assert floor.dual == approx(-12)
    assert dual(r, "disruption_cover", "D", "X", 2027) == approx(12)
    assert dual_objective(r) == approx(720)


def test_probability_zero_future_is_reported_at_its_least_cost() -> None:
    """MODEL.md "What a solve must report": a future of probability 0 is reported from a
    second solve, with the plan fixed, that minimises its K[f] (penalties included).

    stress_test with A (CN) 10 USD/t and B (US) 5 USD/t, both capacity 1000. D may
    buy from B in its window at no weight, so the floor costs the plan nothing: the
    optimum buys nothing in the plan (objective 0, K[base] = 0), and D's own
    decisions are free among optima (anything from 60 to 100 t of B released).
    The second solve minimises K[D] = 5 * BuyF[D,B,2027] + 1 * StockF + 1000 * Unmet
    with Release + Unmet = 100: BuyF[D,B,2027] = 100, all released, Unmet 0, so
    K[D] = 500 and D reports no unmet need.
    Duals: coverage_floor[D,X,2027] is slack in the second solve's values; the first
    solve's duals are all 0 (every limit is free to meet at no expected cost), so the
    dual objective is 0.
    """
    r = solve(stress_test([source("A", 10, 1000, country="CN"), source("B", 5, 1000)]))
    assert r.objective_usd == approx(0)
    assert_parts(r)
    assert all(v == approx(0) for v in r.values["Buy"].values())
    assert future(r, "base").cost_usd == approx(0)
    stress = future(r, "D")
    assert stress.cost_usd == approx(500)
    assert stress.unmet_t == {}
    assert stress.first_unmet_year == {}
    assert r.values["BuyF"] == approx({("D", "A", 2027): 0, ("D", "B", 2027): 100})
    assert r.values["Release"] == approx({("D", "X", "L", 2027): 100})
    assert r.values["Unmet"] == approx({("D", "X", 2027): 0})
    assert dual_objective(r) == approx(0)
