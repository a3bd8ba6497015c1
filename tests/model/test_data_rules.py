"""Data rules over time (discounting, escalation, sites opening later), hand-solved.

Every expected number is derived by hand in the test's docstring from MODEL.md only."""

from __future__ import annotations

from hand import (
    approx,
    assert_parts,
    build,
    dual,
    dual_objective,
    hand_case,
    site,
    solve,
    source,
    targets,
)


def test_discounting_changes_the_plan() -> None:
    """The MODEL.md hand case with discount rate 0.25 (delta_2027 = 1 / 1.25 = 0.8).

    Discounted cost of a tonne in the 2027 stock: A2027 0.8 * (10 + 0.5) = 8.4,
    B2027 0.8 * 12.5 = 10, A2026 10 + 0.5 + 0.8 * 0.5 = 10.9, B2026 12.9. Buying late
    now wins: A2027 = 60, B2027 = 90, nothing in 2026; stock 0, 150.
    purchase 0.8 * (600 + 1080) = 1344; holding 0.8 * 0.5 * 150 = 60; total 1404
    (undiscounted it would be 1665).
    Duals: target: a B2027 tonne: 10. Capacity A2027: 8.4 - 10 = -1.6.
    Strong duality: 10 * 150 - 1.6 * 60 = 1404.
    """
    r = solve(hand_case(rate=0.25))
    assert r.objective_usd == approx(1404)
    assert_parts(r, purchase_usd=1344, holding_usd=60)
    assert r.values["Buy"] == approx(
        {("A", 2026): 0, ("A", 2027): 60, ("B", 2026): 0, ("B", 2027): 90}
    )
    assert r.values["Stock"] == approx({("X", "L", 2026): 0, ("X", "L", 2027): 150})
    assert dual(r, "stock_target", "X", 2027) == approx(10)
    assert dual(r, "source_capacity", "A", 2027) == approx(-1.6)
    assert dual_objective(r) == approx(1404)


def test_discount_factor_compounds() -> None:
    """delta_t = 1.25^-(t - t0): 1, 0.8, 0.64 over 2026-2028.

    A 10 USD/t, capacity 30 a year; holding 1; target 50 at the end of 2028.
    Discounted cost of a tonne: A2028 0.64 * 11 = 7.04; A2027 0.8 * 11 + 0.64 = 9.44;
    A2026 11 + 0.8 + 0.64 = 12.44. So A2028 = 30, A2027 = 20; stock 0, 20, 50.
    purchase 0.8 * 200 + 0.64 * 300 = 352; holding 0.8 * 20 + 0.64 * 50 = 48; 400.
    (A simple 1 / (1 + 0.25 * 2) for 2028 would give a different number.)
    Duals: target 9.44; capacity A2028: 7.04 - 9.44 = -2.4.
    Strong duality: 9.44 * 50 - 2.4 * 30 = 400.
    """
    r = solve(
        build(
            end=2028,
            rate=0.25,
            sources=[source("A", 10, 30)],
            sites=[site("L", hold=1)],
            targets=targets(("X", 2028, 50)),
        )
    )
    assert r.objective_usd == approx(400)
    assert_parts(r, purchase_usd=352, holding_usd=48)
    assert r.values["Buy"] == approx({("A", 2026): 0, ("A", 2027): 20, ("A", 2028): 30})
    assert dual(r, "stock_target", "X", 2028) == approx(9.44)
    assert dual(r, "source_capacity", "A", 2028) == approx(-2.4)
    assert dual_objective(r) == approx(400)


def test_cost_escalation_compounds() -> None:
    """cost[s,t] = cost * (1 + e)^(t - t0).

    Years 2026-2028, holding 1.5. A 10 USD/t escalating 10 %: 10, 11, 12.1. B 12.05
    flat. Targets 10 (2026), 30 (2027), 60 (2028).
    2026: A (10). 2027 increment 20: A2027 (11) beats A2026 held a year (11.5).
    2028 increment 30: B2028 12.05 beats A2028 12.1 (with linear escalation A2028
    would cost 12 and win) and A2027 held a year (12.5).
    So A2026 = 10, A2027 = 20, B2028 = 30; stock 10, 30, 60.
    purchase 100 + 220 + 361.5 = 681.5; holding 1.5 * (10 + 30 + 60) = 150; 831.5.
    Duals: target 2028: 12.05 + 1.5 = 13.55; 2027: a tonne more from A2027 (11 +
    1.5) and one less from B2028 (12.05): 0.45; 2026: A2026 (10 + 1.5) for A2027 (11):
    0.5.
    Strong duality: 0.5 * 10 + 0.45 * 30 + 13.55 * 60 = 831.5.
    """
    r = solve(
        build(
            end=2028,
            sources=[source("A", 10, 1000, cost_escalation_per_yr=0.1), source("B", 12.05, 1000)],
            sites=[site("L", hold=1.5)],
            targets=targets(("X", 2026, 10), ("X", 2027, 30), ("X", 2028, 60)),
        )
    )
    assert r.objective_usd == approx(831.5)
    assert_parts(r, purchase_usd=681.5, holding_usd=150)
    assert r.values["Buy"] == approx(
        {
            ("A", 2026): 10,
            ("A", 2027): 20,
            ("A", 2028): 0,
            ("B", 2026): 0,
            ("B", 2027): 0,
            ("B", 2028): 30,
        }
    )
    assert dual(r, "stock_target", "X", 2026) == approx(0.5)
    assert dual(r, "stock_target", "X", 2027) == approx(0.45)
    assert dual(r, "stock_target", "X", 2028) == approx(13.55)
    assert dual_objective(r) == approx(831.5)


# --------------------------------------------------------------------------- sites over time


def test_site_opening_later_has_no_variables_before() -> None:
    """A site opening in 2027 has no Ship or Stock (nor balance rows) in 2026.

    Years 2026-2027. L1 open from 2026, holding 3; L2 opens 2027, holding 1. A 10
    USD/t, free routes to both. Targets 20 (2026), 50 (2027).
    2026: only L1 exists: 20 t there, held 2027 too (no releases). 2027 increment 30:
    to L2 (10 + 1) rather than L1 (13) or an earlier L1 tonne (16).
    Buy 20, 30; Stock L1 20, 20; L2 30 in 2027.
    purchase 500, holding 3 * 20 + 3 * 20 + 1 * 30 = 150; total 650.
    Duals: target 2027: 11; target 2026: a tonne at L1 in 2026 (10 + 3 + 3) in place
    of one at L2 in 2027 (11): 5. L2's balance in 2027 starts from 0.
    Strong duality: 5 * 20 + 11 * 50 = 650.
    """
    r = solve(
        build(
            end=2027,
            sources=[source("A", 10, 1000)],
            sites=[site("L1", hold=3), site("L2", hold=1, first_year=2027)],
            targets=targets(("X", 2026, 20), ("X", 2027, 50)),
        )
    )
    assert r.objective_usd == approx(650)
    assert_parts(r, purchase_usd=500, holding_usd=150)
    assert ("A", "X", "L2", 2026) not in r.values["Ship"]
    assert ("X", "L2", 2026) not in r.values["Stock"]
    assert ("X", "L2", 2026) not in r.rows["stock_balance"]
    assert r.values["Ship"] == approx(
        {("A", "X", "L1", 2026): 20, ("A", "X", "L1", 2027): 0, ("A", "X", "L2", 2027): 30}
    )
    assert r.values["Stock"] == approx(
        {("X", "L1", 2026): 20, ("X", "L1", 2027): 20, ("X", "L2", 2027): 30}
    )
    opening = r.rows["stock_balance"]["X", "L2", 2027]
    assert (opening.lower, opening.upper) == approx((0, 0))
    assert dual(r, "stock_target", "X", 2026) == approx(5)
    assert dual(r, "stock_target", "X", 2027) == approx(11)
    assert dual_objective(r) == approx(650)
