"""site_dispersion (MODEL.md family 8): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

from hand import (
    T0,
    approx,
    assert_parts,
    build,
    costs,
    disruption,
    dual,
    dual_objective,
    impact,
    site,
    solve,
    source,
    targets,
)


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


def test_site_dispersion_rests_in_a_window_and_holds_after_it() -> None:
    """In future d, site_dispersion rows exist only for years after W_d.

    Years 2026-2028, no discounting. A (US) 10 USD/t, capacity 1000, free routes to
    L1 (holding 1) and L2 (holding 10). Rule R: X, site "*", max_share 0.6. Target X
    100 at the end of 2026 (the plan only). Disruption D: probability 0.5, start
    2027, 1 year, no need; (X, site L2, 0): D loses the plan's stock at L2 and nothing
    reaches L2 in 2027. w(2026) = 1, w(2027) = w(2028) = 0.5.
    D's 2027 stock is all at L1: were the rule kept in the window it would ask
    Stock[L1] <= 0.6 Stock[L1], i.e. no stock, which D cannot reach (no need, so no
    releases): the model would be infeasible. After the window (2028) it holds: D must
    hold at L2 at least 0.4/0.6 of its L1 stock, bought in 2028 (10) and held (10).
    With a t at L1 (40 <= a <= 60, the plan's rule) and 100 - a at L2: plan
    (2000 - 9a) + 2 * 0.5 * (1000 - 9a) = 3000 - 18a; D 0.5 * (a + a + 20 * 2a/3)
    = 23a/3; total 3000 - 31a/3, least at a = 60.
    Optimum (unique): plan Buy 2026 = 100, L1 60, L2 40 every year; D: StockF L1 60,
    60, L2 0 in 2027, BuyF[D,A,2028] = 40 into L2.
    Objective 3000 - 620 = 2380: purchase 1000 + 0.5 * 400 = 1200, holding
    460 * 2 + 0.5 * (60 + 60 + 400) = 1180. K[base] = 1000 + 3 * 460 = 2380;
    K[D] = 1460 + 60 + 860 = 2380.
    Duals: D's site_dispersion[D,R,X,L1,2028] (0.4 L1 - 0.6 L2 <= 0): one more unit
    lets L2 hold 1/0.6 t less: -0.5 * 20 / 0.6 = -50/3; [D,R,X,L2,2028] slack: 0.
    stock_target[X,2026]: the extra tonne goes 0.6 to L1 and 0.4 to L2: plan
    10 + 0.6 + 4 + 2 * 0.5 * 4.6 = 19.2, D 0.5 * (0.6 + 0.6 + 0.4 * 20) = 4.6: 23.8.
    Strong duality: 23.8 * 100 = 2380 (rule rows have limit 0).
    """
    r = solve(
        build(
            end=2028,
            sources=[source("A", 10, 1000)],
            sites=[site("L1", hold=1), site("L2", hold=10)],
            targets=targets(("X", 2026, 100)),
            disruptions=[disruption("D", 0.5, 2027)],
            disruption_impacts=[impact("D", "X", "site", "L2", 0.0)],
            rules=[
                {
                    "rule": "R",
                    "material": "X",
                    "group_type": "site",
                    "group": "*",
                    "limit": "max_share",
                    "share": 0.6,
                }
            ],
        )
    )
    assert r.objective_usd == approx(2380)
    assert_parts(r, purchase_usd=1200, holding_usd=1180)
    assert r.values["Buy"] == approx({("A", 2026): 100, ("A", 2027): 0, ("A", 2028): 0})
    assert r.values["Stock"] == approx(
        {(m, l, t): v for t in (2026, 2027, 2028) for m, l, v in (("X", "L1", 60), ("X", "L2", 40))}
    )
    assert r.values["BuyF"] == approx({("D", "A", 2027): 0, ("D", "A", 2028): 40})
    assert r.values["StockF"] == approx(
        {
            ("D", "X", "L1", 2027): 60,
            ("D", "X", "L2", 2027): 0,
            ("D", "X", "L1", 2028): 60,
            ("D", "X", "L2", 2028): 40,
        }
    )
    assert costs(r) == approx({"base": 2380, "D": 2380})
    rows = r.rows["site_dispersion"]
    assert {k for k in rows if k[0] == "D"} == {
        ("D", "R", "X", "L1", 2028),
        ("D", "R", "X", "L2", 2028),
    }
    assert rows["D", "R", "X", "L1", 2028].dual == approx(-50 / 3)
    assert rows["D", "R", "X", "L2", 2028].dual == approx(0)
    assert dual(r, "stock_target", "X", 2026) == approx(23.8)
    assert dual_objective(r) == approx(2380)
