"""site_capacity (MODEL.md family 4): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

from hand import T0, approx, assert_parts, build, dual, dual_objective, site, solve, source, targets


def test_site_capacity_binds() -> None:
    """The cheap site fills up, the dear one takes the rest.

    One year, X takes 0.5 m3/t. L1: 30 m3 (= 60 t), holding 1; L2: 1000 m3, holding
    3. A 10 USD/t, free routes. Target 100.
    Optimum: 60 t at L1 (full), 40 t at L2. purchase 1000, holding 60 + 120 = 180;
    total 1180. Unique: the holding costs differ.
    Duals: site_capacity[L1]: one more m3 = 2 more t at L1 instead of L2, saving
    2 * (3 - 1) = 4: -4. L2 slack: 0. Target: the marginal tonne goes to L2: 13.
    Strong duality: 13 * 100 - 4 * 30 = 1180.
    """
    r = solve(
        build(
            materials=[{"material": "X", "volume_m3_per_t": 0.5}],
            sources=[source("A", 10, 1000)],
            sites=[site("L1", hold=1, cap_m3=30), site("L2", hold=3, cap_m3=1000)],
            targets=targets(("X", T0, 100)),
        )
    )
    assert r.objective_usd == approx(1180)
    assert_parts(r, purchase_usd=1000, holding_usd=180)
    assert r.values["Stock"] == approx({("X", "L1", T0): 60, ("X", "L2", T0): 40})
    assert r.values["Ship"] == approx({("A", "X", "L1", T0): 60, ("A", "X", "L2", T0): 40})
    row = r.rows["site_capacity"]["L1", T0]
    assert (row.body, row.upper) == approx((30, 30))
    assert row.dual == approx(-4)
    assert dual(r, "site_capacity", "L2", T0) == approx(0)
    assert dual(r, "stock_target", "X", T0) == approx(13)
    assert dual_objective(r) == approx(1180)
