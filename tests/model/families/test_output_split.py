"""output_split (MODEL.md family 1): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

import pytest

from hand import T0, approx, assert_parts, build, dual, dual_objective, site, solve, source, targets


def test_output_split_coproduct_duals() -> None:
    """A co-product source: its output split prices each of its metals.

    One year. Source N (seabed, 10 USD/unit, capacity 100) yields 2 t Ni and 0.5 t Co
    per unit; route N -> L 1 USD/t; holding 0. Co resale 6 USD/t, Ni resale 0.
    Target Ni 40 t.
    Optimum: Buy = 20 (40 t Ni / 2), all Ni shipped (Ship Ni 40, Surplus Ni 0); the
    10 t of Co are resold (shipping would cost 1 and forgo 6): Surplus Co 10, Ship
    Co 0, Stock Co 0. Buying more is a loss: 10 - 0.5 * 6 = 7 > 0 per unit.
    purchase 200, transport 40, resale 60, objective 200 + 40 - 60 = 180.
    Duals (row as MODEL.md writes it: yield * Buy - Ship - Surplus = 0; +1 on the
    right = one tonne of output lost, so the dual is what a tonne of output is worth):
    output_split[N,Co]: a lost tonne of Co is a lost resale: +6.
    output_split[N,Ni]: a lost tonne of Ni costs half a unit more (5) but that half
    unit also yields 0.25 t of Co to resell (0.25 * 6 = 1.5): +3.5.
    stock_target[Ni]: half a unit (5) minus its Co resale (1.5) plus transport 1: 4.5.
    Strong duality: 4.5 * 40 = 180 (every other binding row has limit 0).
    """
    r = solve(
        build(
            materials=["Ni", {"material": "Co", "resale_usd_per_t": 6}],
            sources=[source("N", 10, 100, kind="seabed")],
            outputs=[("N", "Ni", 2), ("N", "Co", 0.5)],
            routes=[("N", "L", 1)],
            targets=targets(("Ni", T0, 40)),
        )
    )
    assert r.objective_usd == approx(180)
    assert_parts(r, purchase_usd=200, transport_usd=40, resale_usd=60)
    assert r.values["Buy"] == approx({("N", T0): 20})
    assert r.values["Ship"] == approx({("N", "Ni", "L", T0): 40, ("N", "Co", "L", T0): 0})
    assert r.values["Surplus"] == approx({("N", "Ni", T0): 0, ("N", "Co", T0): 10})
    assert r.values["Stock"] == approx({("Ni", "L", T0): 40, ("Co", "L", T0): 0})
    assert dual(r, "output_split", "N", "Co", T0) == approx(6)
    assert dual(r, "output_split", "N", "Ni", T0) == approx(3.5)
    assert dual(r, "stock_target", "Ni", T0) == approx(4.5)
    assert dual_objective(r) == approx(180)


@pytest.mark.parametrize(
    ("rate", "year", "delta"),
    [(0.0, T0, 1.0), (0.25, T0 + 1, 0.8)],
    ids=["undiscounted", "all-in-2027-discounted"],
)
def test_coproduct_resale_above_cost_buys_to_capacity(rate: float, year: int, delta: float) -> None:
    """Resale above cost makes buying profitable; resale counts as income.

    N (10 USD/unit, capacity 30) yields 1 t Ni and 1 t Co per unit; Co resale 12,
    Ni resale 0; route 1 USD/t; holding 0.5. Target Ni 20 in ``year``.
    Case 1: the single year 2026. Case 2: years 2026-2027, rate 0.25, N's first_year
    and the target in 2027, so everything happens in 2027 and every part, the resale
    too, is multiplied by delta_2027 = 0.8 (2026: N has capacity 0, stock 0).
    Each unit earns 12 - 10 = +2 from its Co alone, so Buy = 30 (capacity). Ni: 20 t
    shipped for the target; the other 10 t are resold at 0 rather than shipped and
    held (1.5 USD/t): Surplus Ni 10. Co: all 30 t resold (Surplus Co 30, Ship 0).
    Undiscounted: purchase 300, transport 20, holding 0.5 * 20 = 10, resale
    12 * 30 = 360; objective = 300 + 20 + 10 - 360 = -30 (times delta).
    Duals (times delta): capacity: one more unit earns 2: -2. Target Ni: one more
    tonne is shipped from the resold Ni (worth 0): transport 1 + holding 0.5 = 1.5.
    output_split[N,Ni]: a lost Ni tonne is one fewer resold at 0: 0; output_split[N,Co]:
    a lost Co tonne is a lost resale: +12.
    Strong duality: 1.5 * 20 - 2 * 30 = -30 (the 2026 capacity of case 2 is 0).
    """
    r = solve(
        build(
            end=year,
            rate=rate,
            materials=["Ni", {"material": "Co", "resale_usd_per_t": 12}],
            sources=[source("N", 10, 30, kind="seabed", first_year=year)],
            outputs=[("N", "Ni", 1), ("N", "Co", 1)],
            sites=[site("L", hold=0.5)],
            routes=[("N", "L", 1)],
            targets=targets(("Ni", year, 20)),
        )
    )
    assert r.objective_usd == approx(-30 * delta)
    assert_parts(
        r,
        purchase_usd=300 * delta,
        transport_usd=20 * delta,
        holding_usd=10 * delta,
        resale_usd=360 * delta,
    )
    assert r.values["Buy"][("N", year)] == approx(30)
    assert sum(r.values["Buy"].values()) == approx(30)
    assert r.values["Surplus"][("N", "Ni", year)] == approx(10)
    assert r.values["Surplus"][("N", "Co", year)] == approx(30)
    assert r.values["Ship"][("N", "Ni", "L", year)] == approx(20)
    assert r.values["Ship"][("N", "Co", "L", year)] == approx(0)
    assert dual(r, "source_capacity", "N", year) == approx(-2 * delta)
    assert dual(r, "stock_target", "Ni", year) == approx(1.5 * delta)
    assert dual(r, "output_split", "N", "Ni", year) == approx(0)
    assert dual(r, "output_split", "N", "Co", year) == approx(12 * delta)
    assert dual_objective(r) == approx(-30 * delta)
