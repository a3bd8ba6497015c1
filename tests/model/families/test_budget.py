"""budget (MODEL.md family 6): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

from hand import approx, assert_parts, build, dual, dual_objective, site, solve, source, targets


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
