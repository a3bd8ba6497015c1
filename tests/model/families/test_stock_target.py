"""stock_target (MODEL.md family 5): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

from hand import approx, assert_parts, dual, dual_objective, hand_case, solve


def test_stock_target_model_md_hand_case() -> None:
    """MODEL.md hand-solvable check, exactly.

    Cost of a tonne in the 2027 stock, holding paid on every year-end stock:
    A in 2027: 10 + 0.5 = 10.5; B in 2027: 12.5; A in 2026: 10 + 0.5 + 0.5 = 11;
    B in 2026: 13. Cheapest first under the capacities (A 60/yr, B 100/yr):
    A2027 = 60, A2026 = 60, B2027 = 30 (= 150 - 120); B2026 = 0. All four prices
    differ, so the optimum is unique. Stock 60 then 150.
    purchases 600 + 600 + 360 = 1560; holding 0.5 * (60 + 150) = 105; total 1665.
    Target dual: one more tonne comes from B in 2027: 12 + 0.5 = +12.5.
    Capacity duals: one more unit of A in 2027 replaces a B2027 tonne: 10.5 - 12.5 =
    -2; in 2026: 11 - 12.5 = -1.5. B is not at its capacity: 0.
    Strong duality: 12.5 * 150 - 2 * 60 - 1.5 * 60 = 1875 - 120 - 90 = 1665.
    """
    r = solve(hand_case())
    assert r.objective_usd == approx(1665)
    assert_parts(r, purchase_usd=1560, holding_usd=105)
    assert r.values["Buy"] == approx(
        {("A", 2026): 60, ("A", 2027): 60, ("B", 2026): 0, ("B", 2027): 30}
    )
    assert r.values["Stock"] == approx({("X", "L", 2026): 60, ("X", "L", 2027): 150})
    assert r.values["Surplus"] == {}  # single-output sources have no Surplus
    target = r.rows["stock_target"]["X", 2027]
    assert (target.lower, target.upper) == (150, None)
    assert target.dual == approx(12.5)
    assert dual(r, "source_capacity", "A", 2027) == approx(-2)
    assert dual(r, "source_capacity", "A", 2026) == approx(-1.5)
    assert dual(r, "source_capacity", "B", 2027) == approx(0)
    assert dual_objective(r) == approx(1665)
