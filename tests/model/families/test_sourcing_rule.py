"""sourcing_rule (MODEL.md family 7): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

import pytest

from hand import (
    T0,
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


@pytest.mark.parametrize(
    ("group_type", "group"),
    [("bloc", "adversary"), ("country", "CN"), ("source", "A"), ("source_type", "market")],
)
def test_sourcing_rule_max_share(group_type: str, group: str) -> None:
    """At most 20 % of deliveries from a group that holds A only.

    One year. A (market, CN, adversary) 10 USD/t, B (domestic_mine, US) 15 USD/t;
    target 100. Rule R1: X, max_share 0.2 for the group (by bloc, country, source id
    or source type, each matching A and not B):
    Ship_A - 0.2 (Ship_A + Ship_B) <= 0.
    Optimum A = 20, B = 80 (A is cheaper, so the rule binds). Objective 200 + 1200
    = 1400.
    Duals: +1 on the rule's right-hand side lets one tonne move from B to A
    (0.8 * 21 - 0.2 * 79 = 1): -5. Target: the marginal tonne is 20 % A and 80 % B:
    0.2 * 10 + 0.8 * 15 = 14.
    Strong duality: 14 * 100 + (-5) * 0 = 1400.
    """
    r = solve(
        build(
            sources=[
                source("A", 10, 1000, country="CN"),
                source("B", 15, 1000, kind="domestic_mine"),
            ],
            targets=targets(("X", T0, 100)),
            rules=[
                {
                    "rule": "R1",
                    "material": "X",
                    "group_type": group_type,
                    "group": group,
                    "limit": "max_share",
                    "share": 0.2,
                }
            ],
        )
    )
    assert r.objective_usd == approx(1400)
    assert_parts(r, purchase_usd=1400)
    assert r.values["Ship"] == approx({("A", "X", "L", T0): 20, ("B", "X", "L", T0): 80})
    row = r.rows["sourcing_rule"]["R1", "X", T0]
    assert (row.body, row.upper) == approx((0, 0))
    assert row.dual == approx(-5)
    assert dual(r, "stock_target", "X", T0) == approx(14)
    assert dual_objective(r) == approx(1400)


def test_sourcing_rule_min_share_every_material() -> None:
    """At least 25 % of deliveries from domestic mines; material "*".

    One year. D (domestic_mine, US) 20 USD/t, M (market, CN) 12 USD/t; target X 80.
    Materials X and Z; no source yields Z. Rule R2: "*", source_type domestic_mine,
    min_share 0.25: Ship_D - 0.25 (Ship_D + Ship_M) >= 0 for X. Z has no Ship
    variable, so its row is skipped.
    Optimum D = 20, M = 60. Objective 400 + 720 = 1120.
    Duals: +1 on the right-hand side forces one tonne from M to D: +8. Target:
    0.25 * 20 + 0.75 * 12 = 14.
    Strong duality: 14 * 80 + 8 * 0 = 1120.
    """
    r = solve(
        build(
            materials=["X", "Z"],
            sources=[
                source("D", 20, 1000, kind="domestic_mine"),
                source("M", 12, 1000, country="CN"),
            ],
            targets=targets(("X", T0, 80)),
            rules=[
                {
                    "rule": "R2",
                    "material": "*",
                    "group_type": "source_type",
                    "group": "domestic_mine",
                    "limit": "min_share",
                    "share": 0.25,
                }
            ],
        )
    )
    assert r.objective_usd == approx(1120)
    assert r.values["Ship"] == approx({("D", "X", "L", T0): 20, ("M", "X", "L", T0): 60})
    assert set(r.rows["sourcing_rule"]) == {("R2", "X", T0)}
    row = r.rows["sourcing_rule"]["R2", "X", T0]
    assert (row.body, row.lower) == approx((0, 0))
    assert row.dual == approx(8)
    assert dual(r, "stock_target", "X", T0) == approx(14)
    assert dual_objective(r) == approx(1120)


def test_sourcing_rule_rests_in_a_window_and_holds_after_it() -> None:
    """In future d, sourcing_rule rows exist only for years after W_d.

    Years 2026-2028, no discounting; recovery_years 0. Sources CA (allied_mine, CA)
    10 USD/t and US (domestic_mine, US) 20 USD/t, capacity 1000 each; site L holding
    10; penalty 100. Rule R: X, source_type domestic_mine, min_share 0.5. Target X
    at the end of 2028: 40. Disruption D: probability 0.5, start 2027, 1 year;
    CN availability 0, SupplyMix X: CN 1.0, demand X 2027 100 -> need 100. D's rule
    rows: 2028 only; its target holds from 2027 + 1 + 0 = 2028.
    w(2026) = 1, w(2027) = w(2028) = 0.5; D's own years weigh 0.5.
    A target tonne under the rule: half CA, half US, bought in 2028 and held that
    year: 0.5 * 10 + 0.5 * 20 + 10 = 25 a tonne (bought earlier it pays more holding).
    Plan: 20 CA + 20 US in 2028. D: its window need from CA alone (the rule rests):
    0.5 * 10 = 5 a tonne, 100 t released; in 2028 20 CA + 20 US for its target.
    (Were the rule kept in the window, D would buy 50 US and 50 CA: +250.)
    Objective: plan 0.5 * (200 + 400 + 400) = 500; D 0.5 * (1000 + 200 + 400 + 400)
    = 1000; total 1500 (purchase 300 + 800 = 1100, holding 200 + 200 = 400).
    K[base] = 1000; K[D] = 2000.
    Duals: the plan's sourcing_rule[R,X,2028] and D's [D,R,X,2028] (US - 0.5 (US + CA)
    >= 0, the total fixed by the target): one more unit of the limit moves a tonne
    from CA to US, 0.5 * (20 - 10): +5 each. stock_target[X,2028] and [D,X,2028]:
    0.5 * 25 = 12.5 each. disruption_cover[D,X,2027]: a CA tonne in D, 5.
    Strong duality: 12.5 * 40 * 2 + 5 * 100 = 1500 (rule rows have limit 0).
    """
    r = solve(
        build(
            end=2028,
            materials=[{"material": "X", "shortfall_penalty_usd_per_t": 100}],
            sources=[
                source("CA", 10, 1000, kind="allied_mine", country="CA"),
                source("US", 20, 1000, kind="domestic_mine"),
            ],
            sites=[site("L", hold=10)],
            targets=targets(("X", 2028, 40)),
            demand=demand(("X", 2027, 100)),
            supply_mix=supply_mix(("X", "CN", 1.0)),
            disruptions=[disruption("D", 0.5, 2027)],
            disruption_impacts=[impact("D", "X", "country", "CN", 0.0)],
            rules=[
                {
                    "rule": "R",
                    "material": "X",
                    "group_type": "source_type",
                    "group": "domestic_mine",
                    "limit": "min_share",
                    "share": 0.5,
                }
            ],
            settings={"recovery_years": 0},
        )
    )
    assert r.objective_usd == approx(1500)
    assert_parts(r, purchase_usd=1100, holding_usd=400)
    assert r.values["Buy"] == approx(
        {
            ("CA", 2026): 0,
            ("CA", 2027): 0,
            ("CA", 2028): 20,
            ("US", 2026): 0,
            ("US", 2027): 0,
            ("US", 2028): 20,
        }
    )
    assert r.values["BuyF"] == approx(
        {("D", "CA", 2027): 100, ("D", "CA", 2028): 20, ("D", "US", 2027): 0, ("D", "US", 2028): 20}
    )
    assert r.values["Release"] == approx({("D", "X", "L", 2027): 100})
    assert costs(r) == approx({"base": 1000, "D": 2000})
    rows = r.rows["sourcing_rule"]
    assert set(rows) == {
        ("R", "X", 2026),
        ("R", "X", 2027),
        ("R", "X", 2028),
        ("D", "R", "X", 2028),
    }
    assert rows["R", "X", 2028].dual == approx(5)
    assert rows["D", "R", "X", 2028].dual == approx(5)
    assert dual(r, "stock_target", "X", 2028) == approx(12.5)
    assert dual(r, "stock_target", "D", "X", 2028) == approx(12.5)
    assert dual(r, "disruption_cover", "D", "X", 2027) == approx(5)
    assert dual_objective(r) == approx(1500)
