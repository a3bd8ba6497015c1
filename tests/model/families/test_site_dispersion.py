"""site_dispersion (MODEL.md family 8): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

from hand import T0, approx, assert_parts, build, dual, dual_objective, site, solve, source, targets


def test_site_dispersion_binds() -> None:
    """At most 60 % of a material's stock at any one site ("*").

    One year. L1 holding 1, L2 holding 4; A 10 USD/t, free routes; target 100.
    Rows (R3, X, l): Stock_l - 0.6 (Stock_L1 + Stock_L2) <= 0 for l = L1, L2.
    Optimum: L1 = 60 (the cheap site at its share), L2 = 40. purchase 1000, holding
    60 + 160 = 220; total 1220.
    Duals: row L1: +1 lets a tonne move from L2 to L1, saving 4 - 1: -3. Row L2:
    slack (40 < 60): 0. Target: 0.6 * 11 + 0.4 * 14 = 12.2.
    Strong duality: 12.2 * 100 = 1220.
    """
    r = solve(
        build(
            sources=[source("A", 10, 1000)],
            sites=[site("L1", hold=1), site("L2", hold=4)],
            targets=targets(("X", T0, 100)),
            rules=[
                {
                    "rule": "R3",
                    "material": "X",
                    "group_type": "site",
                    "group": "*",
                    "limit": "max_share",
                    "share": 0.6,
                }
            ],
        )
    )
    assert r.objective_usd == approx(1220)
    assert_parts(r, purchase_usd=1000, holding_usd=220)
    assert r.values["Stock"] == approx({("X", "L1", T0): 60, ("X", "L2", T0): 40})
    rows = r.rows["site_dispersion"]
    assert set(rows) == {("R3", "X", "L1", T0), ("R3", "X", "L2", T0)}
    assert rows["R3", "X", "L1", T0].dual == approx(-3)
    assert rows["R3", "X", "L2", T0].dual == approx(0)
    assert rows["R3", "X", "L2", T0].body == approx(40 - 0.6 * 100)
    assert dual(r, "stock_target", "X", T0) == approx(12.2)
    assert dual_objective(r) == approx(1220)
