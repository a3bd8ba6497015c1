"""coverage_floor (MODEL.md family 10): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

from hand import approx, assert_parts, disruption_case, dual, dual_objective, solve


def test_coverage_floor_binds() -> None:
    """A cheap penalty leaves need unmet down to the minimum coverage.

    Same instance, penalty 10 (expected 5 per tonne, below the 12 of stock), min
    coverage 0.25: Unmet <= 0.75 * 60 = 45 binds; the other 15 t come from A2026.
    purchase 150, holding 15 + 15 = 30, penalty 0.5 * 10 * 45 = 225; total 405.
    Duals: disruption_cover: the marginal tonne of need is still stock: +12.
    coverage_floor: one more tonne allowed unmet saves a stock tonne (12) and costs
    5 of expected penalty: -7.
    Strong duality: 12 * 60 - 7 * 45 = 405.
    """
    r = solve(disruption_case(penalty=10, min_coverage=0.25))
    assert r.objective_usd == approx(405)
    assert_parts(r, purchase_usd=150, holding_usd=30, shortfall_penalty_usd=225)
    assert r.values["Buy"] == approx(
        {("A", 2026): 15, ("A", 2027): 0, ("B", 2026): 0, ("B", 2027): 0}
    )
    assert r.values["Unmet"] == approx({("D1", "X"): 45})
    floor = r.rows["coverage_floor"]["D1", "X"]
    assert (floor.body, floor.upper) == approx((45, 45))
    assert floor.dual == approx(-7)
    assert dual(r, "disruption_cover", "D1", "X") == approx(12)
    assert dual_objective(r) == approx(405)
