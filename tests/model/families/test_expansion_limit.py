"""expansion_limit (MODEL.md family 11): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py. expansion_limit[s] sums the plan's
Expand over the horizon; expansion_limit[d,s] sums Expand along future d's path: the
plan's before start_d, d's own ExpandF from start_d on.
"""

from __future__ import annotations

from hand import (
    T0,
    approx,
    assert_parts,
    build,
    check_b,
    costs,
    demand,
    disruption,
    dual,
    dual_objective,
    impact,
    solve,
    source,
    supply_mix,
    targets,
)


def expandable(cost: float) -> dict[str, float]:
    """Source A of hand check C: no base capacity, expansion_cost_usd_per_unit ``cost``,
    lead 0, at most 200 units/yr added."""
    return {
        "capacity_units_per_yr": 0,
        "expansion_cost_usd_per_unit": cost,
        "expansion_lead_years": 0,
        "max_expansion_units": 200,
    }


def test_model_md_check_c_no_expansion() -> None:
    """MODEL.md hand check C, exactly: building capacity does not pay.

    Hand check B with source A at capacity 0, expansion 3 USD per unit/yr, lead 0, at
    most 200. Per tonne of the ban's need (100 t in 2027): stockpile from B in 2026,
    5 + 1 + 0.5 = 6.5; build A capacity in the plan's 2026 and buy from A in the ban,
    3 + 0.5 * 14 = 10; build it in the ban's 2027 and buy, 0.5 * (3 + 14) = 8.5;
    unmet 20. Capacity built in the plan's 2027 serves only the plan, which needs none.
    Optimum (unique): as in check B, Buy[B,2026] = 100, every Expand and ExpandF 0.
    Objective 650 (purchase 500, holding 150, investment 0); K[base] 700, K[ban] 600.
    Duals: disruption_cover[ban,X,2027] 6.5; expansion_limit[A] and [ban,A] (0 <= 200,
    slack): 0.
    Strong duality: 6.5 * 100 = 650.
    """
    r = solve(check_b(a=expandable(3)))
    assert r.objective_usd == approx(650)
    assert_parts(r, purchase_usd=500, holding_usd=150)
    assert r.values["Buy"] == approx(
        {("A", 2026): 0, ("A", 2027): 0, ("B", 2026): 100, ("B", 2027): 0}
    )
    assert r.values["Expand"] == approx({("A", 2026): 0, ("A", 2027): 0})
    assert r.values["ExpandF"] == approx({("ban", "A", 2027): 0})
    assert r.values["Release"] == approx({("ban", "X", "H", 2027): 100})
    assert costs(r) == approx({"base": 700, "ban": 600})
    limits = r.rows["expansion_limit"]
    assert set(limits) == {("A",), ("ban", "A")}
    assert {k: (row.body, row.upper, row.dual) for k, row in limits.items()} == {
        ("A",): approx((0, 200, 0)),
        ("ban", "A"): approx((0, 200, 0)),
    }
    assert dual(r, "disruption_cover", "ban", "X", 2027) == approx(6.5)
    assert dual_objective(r) == approx(650)


def test_model_md_check_c_variant_builds_in_the_ban() -> None:
    """MODEL.md hand check C with expansion 1 USD per unit/yr and B at 8 USD/t, exactly.

    Per tonne of the ban's need: stockpile from B, 8 + 1 + 0.5 = 9.5; build in the
    plan's 2026 and buy in the ban, 1 + 0.5 * 14 = 8; build in the ban's 2027 and buy,
    0.5 * (1 + 14) = 7.5; unmet 20.
    Optimum (unique): nothing in the plan; in the ban ExpandF[ban,A,2027] = 100,
    BuyF[ban,A,2027] = 100, shipped to H and released; StockF 0, Unmet 0.
    Objective 750: investment 0.5 * 100 = 50, purchase 0.5 * 1400 = 700.
    K[base] = 0; K[ban] = 100 + 1400 = 1500.
    Duals: disruption_cover[ban,X,2027] = 7.5. source_capacity[ban,A,2027]
    (BuyF - Expand[A,2026] - ExpandF[ban,A,2027] <= 0): a free unit of capacity in
    the ban saves its expansion, 0.5 * 1: -0.5. expansion_limit[A] (0 <= 200) and
    [ban,A] (100 <= 200): 0.
    Strong duality: 7.5 * 100 = 750.
    """
    r = solve(check_b(a=expandable(1), b_cost=8))
    assert r.objective_usd == approx(750)
    assert_parts(r, purchase_usd=700, investment_usd=50)
    assert all(v == approx(0) for v in r.values["Buy"].values())
    assert r.values["Expand"] == approx({("A", 2026): 0, ("A", 2027): 0})
    assert r.values["ExpandF"] == approx({("ban", "A", 2027): 100})
    assert r.values["BuyF"] == approx({("ban", "A", 2027): 100, ("ban", "B", 2027): 0})
    assert r.values["ShipF"] == approx(
        {("ban", "A", "X", "H", 2027): 100, ("ban", "B", "X", "H", 2027): 0}
    )
    assert r.values["Release"] == approx({("ban", "X", "H", 2027): 100})
    assert r.values["StockF"] == approx({("ban", "X", "H", 2027): 0})
    assert r.values["Unmet"] == approx({("ban", "X", 2027): 0})
    assert costs(r) == approx({"base": 0, "ban": 1500})
    assert dual(r, "disruption_cover", "ban", "X", 2027) == approx(7.5)
    assert dual(r, "source_capacity", "ban", "A", 2027) == approx(-0.5)
    limits = r.rows["expansion_limit"]
    assert limits["ban", "A"].body == approx(100)
    assert limits["A",].dual == approx(0)
    assert limits["ban", "A"].dual == approx(0)
    assert dual_objective(r) == approx(750)


def test_expansion_limit_binds_in_the_plan() -> None:
    """sum_t Expand[s,t] <= max_expansion_units[s]; no disruption.

    One year. A: capacity 0, 10 USD/t, expansion 1 USD per unit/yr, lead 0, at most 50;
    M 15 USD/t, capacity 1000. Target X 80.
    A tonne of A with its capacity costs 1 + 10 = 11 < 15: A expands to its limit 50,
    M fills 30. Objective 50 + 500 + 450 = 1000 (investment 50, purchase 950).
    Duals: expansion_limit[A]: a unit more lets A replace an M tonne: 11 - 15 = -4;
    source_capacity[A,2026] (Buy - Expand <= 0): a free unit saves 15 - 10 = -5;
    target: an M tonne, 15.
    Strong duality: 15 * 80 - 4 * 50 = 1000.
    """
    r = solve(
        build(
            sources=[
                source(
                    "A",
                    10,
                    0,
                    expansion_cost_usd_per_unit=1,
                    max_expansion_units=50,
                ),
                source("M", 15, 1000),
            ],
            targets=targets(("X", T0, 80)),
        )
    )
    assert r.objective_usd == approx(1000)
    assert_parts(r, purchase_usd=950, investment_usd=50)
    assert r.values["Expand"] == approx({("A", T0): 50})
    assert r.values["Buy"] == approx({("A", T0): 50, ("M", T0): 30})
    limit = r.rows["expansion_limit"]["A",]
    assert (limit.body, limit.upper) == approx((50, 50))
    assert limit.dual == approx(-4)
    assert dual(r, "source_capacity", "A", T0) == approx(-5)
    assert dual(r, "stock_target", "X", T0) == approx(15)
    assert dual_objective(r) == approx(1000)


def test_expansion_limit_counts_the_plans_expansion_along_a_future_path() -> None:
    """expansion_limit[d,s] counts the plan's Expand before start_d and d's own ExpandF.

    Years 2026-2027, no discounting, holding 0, penalty 20. A (US): capacity 0,
    10 USD/t, expansion 2 USD per unit/yr, lead 0, at most 100; the only source.
    Target X 60 at the end of 2026 (the plan only: 2026 is before the ban).
    Disruption ban: probability 0.5, start 2027, 1 year; CN availability 0, SupplyMix
    X: CN 1.0, demand X 2027 200 -> need 200. w(2026) = 1, w(2027) = 0.5.
    The plan must build 60 units in 2026 for its target (2 + 10 = 12 per tonne); the
    ban inherits them (capacity 60 in its 2027) and the 60 t of stock.
    Per tonne of the ban's need beyond the 60 released: A on inherited capacity,
    0.5 * 10 = 5; A on capacity the ban builds, 0.5 * (2 + 10) = 6; unmet 0.5 * 20 =
    10. The ban may build only 100 - 60 = 40 (the plan's 60 count on its path).
    Building more in the plan (2 + 0.5 * 10 = 7 per ban tonne) takes the same room
    and costs more than building in the ban (6); stockpiling more in the plan costs
    12 and saves a ban tonne (10) and a unit built in the ban (1): +1, not worth it.
    Optimum (unique): Expand[A,2026] = 60, Buy[A,2026] = 60, plan stock 60, 60; in the
    ban ExpandF 40, BuyF 100, Release 160, Unmet 40.
    Objective: plan 120 + 600 = 720; ban 0.5 * (80 + 1000 + 800) = 940; total 1660
    (investment 120 + 40 = 160, purchase 600 + 500 = 1100, penalty 400).
    K[base] = 720; K[ban] = 720 + 1880 = 2600.
    Duals: expansion_limit[ban,A] (60 + 40 = 100, binding): one more unit lets the ban
    build (1) and buy (5) a tonne that was unmet (10): -4. expansion_limit[A] (60 <=
    100): 0. disruption_cover[ban,X,2027]: unmet, +10. source_capacity[ban,A,2027]:
    a free unit replaces an unmet tonne by an A tonne: 5 - 10 = -5.
    stock_target[X,2026]: one more tonne is built and bought in the plan (12), is
    released in the ban (-10) and takes the room of a unit the ban builds (-1): +1.
    source_capacity[A,2026]: a free unit saves the plan's 2 and gives the ban room to
    build one more (+1): -1.
    Strong duality: 10 * 200 - 4 * 100 + 1 * 60 = 1660.
    """
    r = solve(
        build(
            end=2027,
            materials=[{"material": "X", "shortfall_penalty_usd_per_t": 20}],
            sources=[
                source(
                    "A",
                    10,
                    0,
                    expansion_cost_usd_per_unit=2,
                    max_expansion_units=100,
                )
            ],
            targets=targets(("X", 2026, 60)),
            demand=demand(("X", 2027, 200)),
            supply_mix=supply_mix(("X", "CN", 1.0)),
            disruptions=[disruption("ban", 0.5, 2027)],
            disruption_impacts=[impact("ban", "*", "country", "CN", 0.0)],
        )
    )
    assert r.objective_usd == approx(1660)
    assert_parts(r, purchase_usd=1100, investment_usd=160, shortfall_penalty_usd=400)
    assert r.values["Expand"] == approx({("A", 2026): 60, ("A", 2027): 0})
    assert r.values["Buy"] == approx({("A", 2026): 60, ("A", 2027): 0})
    assert r.values["Stock"] == approx({("X", "L", 2026): 60, ("X", "L", 2027): 60})
    assert r.values["ExpandF"] == approx({("ban", "A", 2027): 40})
    assert r.values["BuyF"] == approx({("ban", "A", 2027): 100})
    assert r.values["Release"] == approx({("ban", "X", "L", 2027): 160})
    assert r.values["Unmet"] == approx({("ban", "X", 2027): 40})
    assert costs(r) == approx({"base": 720, "ban": 2600})
    limits = r.rows["expansion_limit"]
    assert (limits["ban", "A"].body, limits["ban", "A"].upper) == approx((100, 100))
    assert limits["ban", "A"].dual == approx(-4)
    assert (limits["A",].body, limits["A",].dual) == approx((60, 0))
    assert dual(r, "disruption_cover", "ban", "X", 2027) == approx(10)
    assert dual(r, "source_capacity", "ban", "A", 2027) == approx(-5)
    assert dual(r, "source_capacity", "A", 2026) == approx(-1)
    assert dual(r, "stock_target", "X", 2026) == approx(1)
    assert dual_objective(r) == approx(1660)
