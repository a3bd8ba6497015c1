"""stock_balance (MODEL.md family 3): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

from hand import approx, assert_parts, build, dual, dual_objective, site, solve, source, targets


def test_stock_balance_with_initial_stock() -> None:
    """Stock carries over and never decreases; initial stock is the 2026 right-hand side.

    Years 2026-2027. A 10 USD/t (capacity 100), route 2 USD/t, holding 1. InitialStock
    X at L 5 t. Targets 20 (2026), 40 (2027).
    A tonne for 2027 bought in 2026 costs its 2026 holding (1) more than one bought in
    2027, so each year buys exactly its increment: Buy 2026 = 20 - 5 = 15, Buy 2027 = 20;
    stock 20, 40.
    purchases 150 + 200 = 350, transport 2 * 35 = 70, holding 20 + 40 = 60; total 480.
    Duals (row: Stock[t] - Stock[t-1] - Ship = init or 0): a free tonne arriving at L
    in either year replaces that year's purchase and transport: -12 both years.
    Target 2027: 12 + 1 holding = 13; target 2026: the extra tonne is held one more
    year instead of being bought in 2027: 1.
    Strong duality: 1 * 20 + 13 * 40 + (-12) * 5 (initial stock) = 480.
    """
    r = solve(
        build(
            end=2027,
            sources=[source("A", 10, 100)],
            sites=[site("L", hold=1)],
            routes=[("A", "L", 2)],
            initial_stock=[{"material": "X", "site": "L", "stock_t": 5}],
            targets=targets(("X", 2026, 20), ("X", 2027, 40)),
        )
    )
    assert r.objective_usd == approx(480)
    assert_parts(r, purchase_usd=350, transport_usd=70, holding_usd=60)
    assert r.values["Buy"] == approx({("A", 2026): 15, ("A", 2027): 20})
    assert r.values["Stock"] == approx({("X", "L", 2026): 20, ("X", "L", 2027): 40})
    bal = r.rows["stock_balance"]
    assert (bal["X", "L", 2026].lower, bal["X", "L", 2026].upper) == approx((5, 5))
    assert (bal["X", "L", 2027].lower, bal["X", "L", 2027].upper) == approx((0, 0))
    assert bal["X", "L", 2026].dual == approx(-12)
    assert bal["X", "L", 2027].dual == approx(-12)
    assert dual(r, "stock_target", "X", 2026) == approx(1)
    assert dual(r, "stock_target", "X", 2027) == approx(13)
    assert dual_objective(r) == approx(480)
