"""stock_target (MODEL.md family 5): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

import pytest

from hand import (
    approx,
    assert_parts,
    build,
    costs,
    demand,
    disruption,
    dual,
    dual_objective,
    hand_case,
    impact,
    site,
    solve,
    source,
    supply_mix,
    targets,
)
from stockpile.data.inputs import Inputs


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


def recovery_case(recovery: int) -> Inputs:
    """Years 2026-2029, no discounting. A (US) 10 USD/t, capacity 1000; site L holding 1;
    penalty 100. Targets X: 2026 50, 2028 60, 2029 70. Disruption D: probability 0.5,
    start 2027, 1 year; CN availability 0, SupplyMix X: CN 1.0, demand X 2027 80 ->
    need 80. Settings.recovery_years ``recovery``: D's targets hold from
    2027 + 1 + recovery on."""
    return build(
        end=2029,
        materials=[{"material": "X", "shortfall_penalty_usd_per_t": 100}],
        sources=[source("A", 10, 1000)],
        sites=[site("L", hold=1)],
        targets=targets(("X", 2026, 50), ("X", 2028, 60), ("X", 2029, 70)),
        demand=demand(("X", 2027, 80)),
        supply_mix=supply_mix(("X", "CN", 1.0)),
        disruptions=[disruption("D", 0.5, 2027)],
        disruption_impacts=[impact("D", "X", "country", "CN", 0.0)],
        settings={"recovery_years": recovery},
    )


def test_recovery_years_bring_the_target_back() -> None:
    """In future d, stock_target rows exist only from start + duration + recovery on.

    recovery_case(1): D's targets hold from 2029; 2028 is suspended in D (not in the
    plan). w(2026) = 1, w(2027..2029) = 0.5; D's own years (2027-2029) weigh 0.5.
    Plan: a tonne bought in the year of its target is cheapest (holding 1 a year):
    Buy 2026 50, 2028 10, 2029 10; stock 50, 50, 60, 70. (One more tonne in 2026
    costs 10 + 1 + 0.5 and saves a 2028 tonne, 0.5 * 10, and a tonne D buys in its
    window, 5: +1.5, not worth it.)
    D: starts with 50 t; need 80 in 2027. A released tonne is rebought for the 2029
    target at 0.5 * (10 + 1) = 5.5; a kept tonne costs 0.5 * 3 of holding and D buys
    its need tonne instead, 0.5 * 10 = 5: releasing is cheaper. So D releases 50,
    buys 30 in 2027 and releases them (StockF 0 in 2027 and 2028: no target in 2028),
    and buys 70 in 2029 (5.5 a tonne, against 6 in 2028).
    Objective: plan 550 + 0.5 * (50 + 160 + 170) = 740, D 0.5 * (300 + 770) = 535;
    total 1275. In parts: purchase 500 + 0.5 * (100 + 100) + 0.5 * (300 + 700) = 1100;
    holding 50 + 0.5 * (50 + 60 + 70) + 0.5 * 70 = 175.
    K[base] = 500 + 50 + 50 + 160 + 170 = 930; K[D] = 550 + 300 + 770 = 1620.
    Duals: stock_target[D,X,2029]: a tonne D buys in 2029, 5.5. disruption_cover
    [D,X,2027]: a tonne D buys in its window, 5. The plan's [X,2029]: 0.5 * 11 = 5.5;
    [X,2028]: a tonne bought in 2028 instead of 2029 pays 2028's holding: 0.5;
    [X,2026]: the +1.5 above.
    Strong duality: 5 * 80 + 5.5 * 70 + 1.5 * 50 + 0.5 * 60 + 5.5 * 70 = 1275.
    """
    r = solve(recovery_case(1))
    assert r.objective_usd == approx(1275)
    assert_parts(r, purchase_usd=1100, holding_usd=175)
    assert r.values["Buy"] == approx(
        {("A", 2026): 50, ("A", 2027): 0, ("A", 2028): 10, ("A", 2029): 10}
    )
    assert r.values["BuyF"] == approx(
        {("D", "A", 2027): 30, ("D", "A", 2028): 0, ("D", "A", 2029): 70}
    )
    assert r.values["StockF"] == approx(
        {("D", "X", "L", 2027): 0, ("D", "X", "L", 2028): 0, ("D", "X", "L", 2029): 70}
    )
    assert r.values["Release"] == approx({("D", "X", "L", 2027): 80})
    assert costs(r) == approx({"base": 930, "D": 1620})
    rows = r.rows["stock_target"]
    assert set(rows) == {("X", 2026), ("X", 2028), ("X", 2029), ("D", "X", 2029)}
    assert rows["D", "X", 2029].dual == approx(5.5)
    assert rows["X", 2029].dual == approx(5.5)
    assert rows["X", 2028].dual == approx(0.5)
    assert rows["X", 2026].dual == approx(1.5)
    assert dual(r, "disruption_cover", "D", "X", 2027) == approx(5)
    assert dual_objective(r) == approx(1275)


@pytest.mark.parametrize(
    ("recovery", "future_rows", "objective"),
    [(0, {("D", "X", 2028), ("D", "X", 2029)}, 1305), (2, set(), 890)],
)
def test_recovery_years_other_values(
    recovery: int, future_rows: set[tuple[object, ...]], objective: float
) -> None:
    """recovery_case(0): D's targets hold from 2028. The plan and D's window are as with
    recovery 1 (a released tonne is rebought for 2028 at 0.5 * (10 + 1 + 1) = 6,
    cheaper than keeping it, 0.5 * 3 + 5 = 6.5); D buys 60 in 2028 and 10 in 2029:
    0.5 * (300 + 600 + 60 + 100 + 70) = 565; plan 500 + 50 + 25 + 80 + 85 = 740;
    objective 1305.
    recovery_case(2): D's targets would hold from 2030: no rows in D; D only buys its
    30 window tonnes, 0.5 * 300 = 150; objective 740 + 150 = 890.
    """
    r = solve(recovery_case(recovery))
    assert r.objective_usd == approx(objective)
    assert {k for k in r.rows["stock_target"] if k[0] == "D"} == future_rows
    assert dual_objective(r) == approx(objective)
