"""sourcing_rule (MODEL.md family 7): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

import pytest

from hand import T0, approx, assert_parts, build, dual, dual_objective, solve, source, targets


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
