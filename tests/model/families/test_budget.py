"""budget (MODEL.md family 6): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

from hand import (
    approx,
    assert_parts,
    build,
    costs,
    demand,
    disruption,
    dual,
    dual_objective,
    impact,
    site,
    solve,
    source,
    supply_mix,
    targets,
)


def test_budget_binds_on_purchase_transport_and_holding() -> None:
    """spend_t counts purchases, transport and holding of year t.

    Years 2026-2027. A 10 USD/t (capacity 200), route 2 USD/t, holding 1. Target 100
    at the end of 2027. Budget 2027: 700 USD.
    Unconstrained, all 100 t would be bought in 2027 (13 USD/t against 14 for a 2026
    tonne) and 2027 would spend 1200 + 100 holding. With the budget:
    spend_2027 = 12 * Buy2027 + 1 * Stock2027 = 12 * Buy2027 + 100 <= 700, so
    Buy2027 = 50 and Buy2026 = 50. Stock 50, 100.
    purchases 1000, transport 200, holding 50 + 100 = 150; total 1350.
    Duals: budget: one more USD in 2027 moves 1/12 t from 2026 to 2027, saving its
    2026 holding: -1/12. Target: a 2026 tonne (12 + 1 + 1 = 14) whose 2027 holding
    takes 1 USD of the 2027 budget, which moves 1/12 t back to 2026 (1/12): 14 + 1/12.
    Strong duality: (14 + 1/12) * 100 - 700 / 12 = 1400 - 50 = 1350.
    """
    r = solve(
        build(
            end=2027,
            sources=[source("A", 10, 200)],
            sites=[site("L", hold=1)],
            routes=[("A", "L", 2)],
            targets=targets(("X", 2027, 100)),
            budget=[{"year": 2027, "budget_usd": 700}],
        )
    )
    assert r.objective_usd == approx(1350)
    assert_parts(r, purchase_usd=1000, transport_usd=200, holding_usd=150)
    assert r.values["Buy"] == approx({("A", 2026): 50, ("A", 2027): 50})
    assert r.values["Stock"] == approx({("X", "L", 2026): 50, ("X", "L", 2027): 100})
    row = r.rows["budget"][(2027,)]
    assert (row.body, row.upper) == approx((700, 700))
    assert row.dual == approx(-1 / 12)
    assert dual(r, "stock_target", "X", 2027) == approx(14 + 1 / 12)
    assert dual_objective(r) == approx(1350)


def test_budget_is_escalated_and_undiscounted() -> None:
    """The budget compares escalated, undiscounted spend with budget[t].

    Years 2026-2027, discount rate 0.25 (delta_2027 = 0.8). A 10 USD/t escalating 20 %
    a year (12 in 2027); B 16 USD/t flat; holding 0. Target 50 at the end of 2027;
    budget 2027 480 USD.
    Discounted price of a tonne: A2026 10, A2027 0.8 * 12 = 9.6, B2026 16, B2027 12.8.
    A2027 is cheapest but spend_2027 = 12 * A2027 <= 480 allows 40 t; the other 10 t
    come from A2026. Objective 10 * 10 + 40 * 9.6 = 484 (= purchase).
    (A discounted budget, 9.6 * A2027 <= 480, would give 480; an unescalated one,
    10 * A2027 <= 480, would give 480.8.)
    Duals: budget: one more USD buys 1/12 t more in 2027 and 1/12 t less in 2026,
    saving (10 - 9.6) / 12: -1/30. Target: the marginal tonne is A2026's: 10.
    Strong duality: 10 * 50 - 480 / 30 = 484.
    """
    r = solve(
        build(
            end=2027,
            rate=0.25,
            sources=[source("A", 10, 1000, cost_escalation_per_yr=0.2), source("B", 16, 1000)],
            targets=targets(("X", 2027, 50)),
            budget=[{"year": 2027, "budget_usd": 480}],
        )
    )
    assert r.objective_usd == approx(484)
    assert_parts(r, purchase_usd=484)
    assert r.values["Buy"] == approx(
        {("A", 2026): 10, ("A", 2027): 40, ("B", 2026): 0, ("B", 2027): 0}
    )
    row = r.rows["budget"][(2027,)]
    assert (row.body, row.upper) == approx((480, 480))
    assert row.dual == approx(-1 / 30)
    assert dual(r, "stock_target", "X", 2027) == approx(10)
    assert dual_objective(r) == approx(484)


def test_budget_binds_in_a_future_window_at_the_price_multiplier() -> None:
    """budget[t] holds in every year of a future, its window included, and counts a
    purchase in the window at pmult[d] * cost.

    Years 2026-2027, no discounting. A (US) 10 USD/t, capacity 60; site L holding 1;
    penalty 100. Budget 2027: 900 USD. Disruption D: probability 0.5, start 2027,
    1 year, price_multiplier 3; CN availability 0, SupplyMix X: CN 1.0, demand X
    2027 100 -> need 100. w(2026) = 1, w(2027) = 0.5.
    Per tonne of need: A bought in 2026 and held, 10 + 1 + 0.5 = 11.5, up to A's
    capacity 60; A bought in D's window at 3 * 10 = 30, expected 15; unmet 50.
    D's budget row: 30 * BuyF[D,A,2027] + 1 * StockF[D,X,L,2027] <= 900, so D buys
    at most 30 t (released the same year, StockF 0); 10 t stay unmet. (Priced at 10 in
    the budget D could buy 40; priced at 10 in the objective it would cost 5 a tonne.)
    The plan's budget row: holding 60 <= 900, slack.
    Optimum (unique): Buy[A,2026] = 60; plan stock 60, 60; in D BuyF 30, Release 90,
    Unmet 10.
    Objective: purchase 600 + 0.5 * 900 = 1050, holding 60 + 0.5 * 60 = 90, penalty
    0.5 * 100 * 10 = 500; total 1640. K[base] = 600 + 120 = 720;
    K[D] = 660 + 900 + 1000 = 2560.
    Duals: budget[D,2027]: one more USD buys 1/30 t more in D (0.5 expected) instead
    of leaving it unmet (50 / 30): -(50 - 15) / 30 = -7/6. budget[2027]: 0.
    disruption_cover[D,X,2027]: unmet, 50. source_capacity[A,2026]: a unit more is
    one more stockpiled tonne instead of an unmet one: 11.5 - 50 = -38.5.
    Strong duality: 50 * 100 - 7/6 * 900 - 38.5 * 60 = 1640.
    """
    r = solve(
        build(
            end=2027,
            materials=[{"material": "X", "shortfall_penalty_usd_per_t": 100}],
            sources=[source("A", 10, 60)],
            sites=[site("L", hold=1)],
            budget=[{"year": 2027, "budget_usd": 900}],
            demand=demand(("X", 2027, 100)),
            supply_mix=supply_mix(("X", "CN", 1.0)),
            disruptions=[disruption("D", 0.5, 2027, price_multiplier=3)],
            disruption_impacts=[impact("D", "X", "country", "CN", 0.0)],
        )
    )
    assert r.objective_usd == approx(1640)
    assert_parts(r, purchase_usd=1050, holding_usd=90, shortfall_penalty_usd=500)
    assert r.values["Buy"] == approx({("A", 2026): 60, ("A", 2027): 0})
    assert r.values["BuyF"] == approx({("D", "A", 2027): 30})
    assert r.values["Release"] == approx({("D", "X", "L", 2027): 90})
    assert r.values["Unmet"] == approx({("D", "X", 2027): 10})
    assert costs(r) == approx({"base": 720, "D": 2560})
    rows = r.rows["budget"]
    assert set(rows) == {(2027,), ("D", 2027)}
    assert (rows["D", 2027].body, rows["D", 2027].upper) == approx((900, 900))
    assert rows["D", 2027].dual == approx(-7 / 6)
    assert rows[2027,].body == approx(60)
    assert rows[2027,].dual == approx(0)
    assert dual(r, "disruption_cover", "D", "X", 2027) == approx(50)
    assert dual(r, "source_capacity", "A", 2026) == approx(-38.5)
    assert dual_objective(r) == approx(1640)
