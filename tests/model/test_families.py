"""One hand-solved instance per constraint family of MODEL.md, plus the data rules.

Every expected number below is derived by hand in the test's docstring, from
/work/shared/MODEL.md only: the optimum (and why it is the only one), the dual of the
binding row, and, where it is cheap, strong duality (the objective equals the sum of
dual * limit over the rows; every variable is >= 0 with no other bound, so bound terms
vanish).

Dual sign (src/stockpile/result.py RowValue): the change of the discounted objective
per unit increase of the row's right-hand side as MODEL.md writes it, constants moved to
that side. A requirement (target, disruption cover, min_share) has a dual >= 0, a limit
(capacity, budget, max_share, dispersion, coverage floor) a dual <= 0.

Index letters: m material, s source, l site, t year, d disruption, r rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from stockpile.data.inputs import Inputs
from stockpile.pipeline import optimize
from stockpile.result import SolveResult

T0 = 2026

COUNTRIES = [
    {"country": "US", "bloc": "domestic"},
    {"country": "CA", "bloc": "allied"},
    {"country": "AU", "bloc": "allied"},
    {"country": "CN", "bloc": "adversary"},
]


def approx(x: Any) -> Any:
    return pytest.approx(x, rel=1e-9, abs=1e-9)


def source(
    name: str, cost: float, cap: float, *, kind: str = "market", country: str = "US", **kw: Any
) -> dict[str, Any]:
    return {
        "source": name,
        "type": kind,
        "country": country,
        "cost_usd_per_unit": cost,
        "capacity_units_per_yr": cap,
        **kw,
    }


def site(name: str, hold: float = 0.0, cap_m3: float = 1e6, **kw: Any) -> dict[str, Any]:
    return {"site": name, "capacity_m3": cap_m3, "holding_cost_usd_per_t_yr": hold, **kw}


def build(
    *,
    end: int = T0,
    rate: float = 0.0,
    materials: Sequence[Any] = ("X",),
    sources: list[dict[str, Any]],
    outputs: list[tuple[str, str, float]] | None = None,
    sites: list[dict[str, Any]] | None = None,
    routes: list[tuple[str, str, float]] | None = None,
    **tables: Any,
) -> Inputs:
    """Inputs for years T0..end. Defaults: material X, the four COUNTRIES, each
    source yields 1 t of X per unit, one site L (holding 0, no volume limit), a free
    route from every source to every site."""
    mats = [{"material": m} if isinstance(m, str) else m for m in materials]
    sites = sites or [site("L")]
    if outputs is None:
        outputs = [(s["source"], "X", 1.0) for s in sources]
    if routes is None:
        routes = [(s["source"], l["site"], 0.0) for s in sources for l in sites]
    return Inputs.build(
        {"start_year": T0, "end_year": end, "discount_rate": rate},
        materials=mats,
        countries=COUNTRIES,
        sources=sources,
        source_outputs=[{"source": s, "material": m, "yield_t_per_unit": y} for s, m, y in outputs],
        sites=sites,
        routes=[{"source": s, "site": l, "cost_usd_per_t": c} for s, l, c in routes],
        **tables,
    )


def targets(*rows: tuple[str, int, float]) -> list[dict[str, Any]]:
    return [{"material": m, "year": t, "min_stock_t": v} for m, t, v in rows]


def solve(inputs: Inputs) -> SolveResult:
    result = optimize(inputs)
    assert result.status == "optimal", result.message
    return result


def dual(result: SolveResult, family: str, *index: Any) -> float:
    value = result.rows[family][tuple(index)].dual
    assert value is not None
    return value


def dual_objective(result: SolveResult) -> float:
    """sum over rows of dual * the limit it presses on (lower for a dual > 0, upper for a
    dual < 0; an equality row has lower == upper). A dual of the wrong sign for its row
    has no such limit and fails here."""
    total = 0.0
    for family, rows in result.rows.items():
        for index, row in rows.items():
            y = row.dual
            assert y is not None, (family, index)
            if abs(y) <= 1e-9:
                continue
            limit = row.lower if y > 0 else row.upper
            assert limit is not None, f"{family}{index}: dual {y} has the wrong sign"
            total += y * limit
    return total


def assert_parts(result: SolveResult, **expected: float) -> None:
    parts = {
        "purchase_usd": 0.0,
        "transport_usd": 0.0,
        "holding_usd": 0.0,
        "resale_usd": 0.0,
        "shortfall_penalty_usd": 0.0,
    }
    parts.update(expected)
    assert result.parts == approx(parts)
    p = result.parts
    assert result.objective_usd == approx(
        p["purchase_usd"]
        + p["transport_usd"]
        + p["holding_usd"]
        - p["resale_usd"]
        + p["shortfall_penalty_usd"]
    )


# --------------------------------------------------------------------------- stock_target


def hand_case(rate: float = 0.0) -> Inputs:
    """MODEL.md "Hand-solvable check"."""
    return build(
        end=2027,
        rate=rate,
        sources=[source("A", 10, 60), source("B", 12, 100)],
        sites=[site("L", hold=0.5)],
        targets=targets(("X", 2027, 150)),
    )


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


# --------------------------------------------------------------------------- output_split


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


# --------------------------------------------------------------------------- source_capacity


def test_source_capacity_binds() -> None:
    """The cheap source runs at capacity, the dear one fills the rest.

    One year. A 10 USD/t capacity 30, B 14 USD/t capacity 100, target 50.
    Optimum A = 30, B = 20 (unique: distinct prices). Objective 300 + 280 = 580.
    Duals: capacity A: a unit more of A replaces a tonne of B: 10 - 14 = -4;
    capacity B slack: 0; target: the marginal tonne is B's: 14.
    Strong duality: 14 * 50 - 4 * 30 = 580.
    """
    r = solve(
        build(sources=[source("A", 10, 30), source("B", 14, 100)], targets=targets(("X", T0, 50)))
    )
    assert r.objective_usd == approx(580)
    assert_parts(r, purchase_usd=580)
    assert r.values["Buy"] == approx({("A", T0): 30, ("B", T0): 20})
    cap_a = r.rows["source_capacity"]["A", T0]
    assert (cap_a.body, cap_a.upper) == approx((30, 30))
    assert cap_a.dual == approx(-4)
    assert dual(r, "source_capacity", "B", T0) == approx(0)
    assert dual(r, "stock_target", "X", T0) == approx(14)
    assert dual_objective(r) == approx(580)


def test_source_capacity_override_and_first_year() -> None:
    """cap[s,t]: 0 before first_year, the SourceCapacity row where given, else the
    Sources capacity.

    Years 2026-2028, holding 1 USD/t-yr. A 10 USD/t, capacity 100, first_year 2027,
    SourceCapacity A 2028 = 15. B 20 USD/t, capacity 100. Targets 10 (2026),
    30 (2027), 60 (2028).
    2026: A has capacity 0, so B buys the 10 t. 2028 needs 50 more than 2026: A2028
    (10 + 1 holding = 11) up to its override 15; the other 35 from A2027 (10 + 1 + 1 =
    12) rather than B2028 (21). So B2026 = 10, A2027 = 35, A2028 = 15, rest 0;
    stock 10, 45, 60 (the 2027 target of 30 is slack).
    purchases 200 + 350 + 150 = 700; holding 10 + 45 + 60 = 115; total 815.
    Duals: capacity A2028 (15, binding): a unit there replaces an A2027 tonne and
    saves its 2027 holding: -1. Target 2028: the marginal tonne is A2027's: 12.
    Target 2026: one more tonne from B2026 (20 + 1) lets A2027 buy one less (-10): 11.
    Target 2027: slack, 0. capacity A2026 is 0 and A2026 = 0 sits on both its bounds
    (degenerate): any optimal dual is <= 10 - 20 = -10 (a unit of A in 2026 would
    replace B2026); only that bound is pinned.
    Strong duality: 11 * 10 + 12 * 60 - 1 * 15 (+ dual * 0) = 815.
    """
    r = solve(
        build(
            end=2028,
            sources=[source("A", 10, 100, first_year=2027), source("B", 20, 100)],
            sites=[site("L", hold=1)],
            source_capacity=[{"source": "A", "year": 2028, "capacity_units_per_yr": 15}],
            targets=targets(("X", 2026, 10), ("X", 2027, 30), ("X", 2028, 60)),
        )
    )
    assert r.objective_usd == approx(815)
    assert_parts(r, purchase_usd=700, holding_usd=115)
    assert r.values["Buy"] == approx(
        {
            ("A", 2026): 0,
            ("A", 2027): 35,
            ("A", 2028): 15,
            ("B", 2026): 10,
            ("B", 2027): 0,
            ("B", 2028): 0,
        }
    )
    assert r.values["Stock"] == approx(
        {("X", "L", 2026): 10, ("X", "L", 2027): 45, ("X", "L", 2028): 60}
    )
    caps = r.rows["source_capacity"]
    assert {t: caps["A", t].upper for t in (2026, 2027, 2028)} == {2026: 0, 2027: 100, 2028: 15}
    assert caps["A", 2028].dual == approx(-1)
    assert caps["A", 2027].dual == approx(0)
    assert caps["A", 2026].dual <= -10 + 1e-9
    assert dual(r, "stock_target", "X", 2026) == approx(11)
    assert dual(r, "stock_target", "X", 2027) == approx(0)
    assert dual(r, "stock_target", "X", 2028) == approx(12)
    assert dual_objective(r) == approx(815)


# --------------------------------------------------------------------------- stock_balance


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


# --------------------------------------------------------------------------- site_capacity


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


# --------------------------------------------------------------------------- budget


def test_budget_binds_on_purchase_transport_and_holding() -> None:
    """spend_t counts purchases, transport and holding of year t.

    Years 2026-2027. A 10 USD/t (capacity 200), route 2 USD/t, holding 1. Target 100
    at the end of 2027. Budget 2027: 700 USD.
    Unconstrained, all 100 t would be bought in 2027 (13 USD/t against 14 for a 2026
    tonne) and 2027 would spend 1200 + 100 holding. With the budget:
    spend_2027 = 12 * Buy2027 + 1 * Stock2027 = 12 * Buy2027 + 100 <= 700, so
    Buy2027 = 50 and Buy2026 = 50. Stock 50, 100.
    purchases 1000, transport 200, holding 50 + 100 = 150; total 1350.
    Duals: budget: one more USD in 2027 moves 1/12 t from 2026 to 2027, saving its
    2026 holding: -1/12. Target: a 2026 tonne (12 + 1 + 1 = 14) whose 2027 holding
    takes 1 USD of the 2027 budget, which moves 1/12 t back to 2026 (1/12): 14 + 1/12.
    Strong duality: (14 + 1/12) * 100 - 700 / 12 = 1400 - 50 = 1350.
    """
    r = solve(
        build(
            end=2027,
            sources=[source("A", 10, 200)],
            sites=[site("L", hold=1)],
            routes=[("A", "L", 2)],
            targets=targets(("X", 2027, 100)),
            budget=[{"year": 2027, "budget_usd": 700}],
        )
    )
    assert r.objective_usd == approx(1350)
    assert_parts(r, purchase_usd=1000, transport_usd=200, holding_usd=150)
    assert r.values["Buy"] == approx({("A", 2026): 50, ("A", 2027): 50})
    assert r.values["Stock"] == approx({("X", "L", 2026): 50, ("X", "L", 2027): 100})
    row = r.rows["budget"][(2027,)]
    assert (row.body, row.upper) == approx((700, 700))
    assert row.dual == approx(-1 / 12)
    assert dual(r, "stock_target", "X", 2027) == approx(14 + 1 / 12)
    assert dual_objective(r) == approx(1350)


def test_budget_is_escalated_and_undiscounted() -> None:
    """The budget compares escalated, undiscounted spend with budget[t].

    Years 2026-2027, discount rate 0.25 (delta_2027 = 0.8). A 10 USD/t escalating 20 %
    a year (12 in 2027); B 16 USD/t flat; holding 0. Target 50 at the end of 2027;
    budget 2027 480 USD.
    Discounted price of a tonne: A2026 10, A2027 0.8 * 12 = 9.6, B2026 16, B2027 12.8.
    A2027 is cheapest but spend_2027 = 12 * A2027 <= 480 allows 40 t; the other 10 t
    come from A2026. Objective 10 * 10 + 40 * 9.6 = 484 (= purchase).
    (A discounted budget, 9.6 * A2027 <= 480, would give 480; an unescalated one,
    10 * A2027 <= 480, would give 480.8.)
    Duals: budget: one more USD buys 1/12 t more in 2027 and 1/12 t less in 2026,
    saving (10 - 9.6) / 12: -1/30. Target: the marginal tonne is A2026's: 10.
    Strong duality: 10 * 50 - 480 / 30 = 484.
    """
    r = solve(
        build(
            end=2027,
            rate=0.25,
            sources=[source("A", 10, 1000, cost_escalation_per_yr=0.2), source("B", 16, 1000)],
            targets=targets(("X", 2027, 50)),
            budget=[{"year": 2027, "budget_usd": 480}],
        )
    )
    assert r.objective_usd == approx(484)
    assert_parts(r, purchase_usd=484)
    assert r.values["Buy"] == approx(
        {("A", 2026): 10, ("A", 2027): 40, ("B", 2026): 0, ("B", 2027): 0}
    )
    row = r.rows["budget"][(2027,)]
    assert (row.body, row.upper) == approx((480, 480))
    assert row.dual == approx(-1 / 30)
    assert dual(r, "stock_target", "X", 2027) == approx(10)
    assert dual_objective(r) == approx(484)


# --------------------------------------------------------------------------- sourcing_rule


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


# --------------------------------------------------------------------------- site_dispersion


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


# --------------------------------------------------------------------------- disruptions


def disruption_case(penalty: float, min_coverage: float = 0.0) -> Inputs:
    """Years 2026-2027; an export ban on CN (availability 0) in 2027.

    Demand X 2027 100 t; normal supply 60 % CN, 40 % US -> need 100 * (1 - 0.4) = 60.
    A (market, CN) 10 USD/t: its 2027 output does not survive. B (domestic_mine, US)
    30 USD/t: survives. Holding 1. Probability 0.5.
    Cover: Stock[X,L,2026] + Buy[B,2027] + Unmet >= 60 (A's coefficient is 0).
    Cost per tonne of cover: A bought in 2026 and held 2026 and 2027: 12;
    B in 2027: 31; B in 2026: 32; Unmet: 0.5 * penalty.
    """
    return build(
        end=2027,
        materials=[
            {
                "material": "X",
                "shortfall_penalty_usd_per_t": penalty,
                "min_coverage": min_coverage,
            }
        ],
        sources=[source("A", 10, 1000, country="CN"), source("B", 30, 1000, kind="domestic_mine")],
        sites=[site("L", hold=1)],
        demand=[{"material": "X", "year": 2027, "demand_t": 100}],
        supply_mix=[
            {"material": "X", "country": "CN", "share": 0.6},
            {"material": "X", "country": "US", "share": 0.4},
        ],
        disruptions=[
            {"disruption": "D1", "probability": 0.5, "start_year": 2027, "duration_years": 1}
        ],
        disruption_impacts=[
            {
                "disruption": "D1",
                "material": "X",
                "group_type": "country",
                "group": "CN",
                "availability": 0.0,
            }
        ],
    )


def test_disruption_cover_binds() -> None:
    """Stock bought before the ban covers the need.

    Penalty 40 (expected 0.5 * 40 = 20 per tonne): stock from A at 12 is cheapest.
    Optimum: Buy A2026 = 60, all else 0; stock 60, 60; Unmet 0.
    purchase 600, holding 60 + 60 = 120; total 720.
    Duals: disruption_cover: one more tonne of need = one more A2026 tonne: +12.
    stock_balance[2027]: a free tonne arriving in 2027 helps nothing and must be held:
    +1 (the sign a burden has). coverage_floor: slack (0 < 60): 0.
    Strong duality: 12 * 60 = 720.
    """
    r = solve(disruption_case(penalty=40))
    assert r.objective_usd == approx(720)
    assert_parts(r, purchase_usd=600, holding_usd=120)
    assert r.values["Buy"] == approx(
        {("A", 2026): 60, ("A", 2027): 0, ("B", 2026): 0, ("B", 2027): 0}
    )
    assert r.values["Stock"] == approx({("X", "L", 2026): 60, ("X", "L", 2027): 60})
    assert r.values["Unmet"] == approx({("D1", "X"): 0})
    cover = r.rows["disruption_cover"]["D1", "X"]
    assert (cover.body, cover.lower) == approx((60, 60))
    assert cover.upper is None
    assert cover.dual == approx(12)
    assert dual(r, "stock_balance", "X", "L", 2027) == approx(1)
    floor = r.rows["coverage_floor"]["D1", "X"]
    assert floor.upper == approx(60)
    assert floor.dual == approx(0)
    assert dual_objective(r) == approx(720)


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


def test_disruption_availability_of_sources_and_sites() -> None:
    """avail_d(x, m): the minimum over every matching row, per kind of row.

    Years 2026-2027; disruption D (probability 1, 2027, 1 year). Demand X 2027 100,
    all normally from CN; CN availability 0 -> need 100. Penalty 1000 (never worth
    it). Holding 0, no volume limit.
    Impact rows of D and what they give:
      (X, country CN, 0)          -> S3 (market, CN): 0; the need
      (*, bloc domestic, 0.9)     -> S1 (seabed, US) and S4 (recycling, US)
      (X, source S1, 0.5)         -> S1: min(0.9, 0.5) = 0.5
      (*, bloc allied, 0.4)       -> S2 (allied_mine, CA)
      (X, source_type allied_mine, 0.8) -> S2: min(0.4, 0.8) = 0.4
      (X, source_type recycling, 0) -> S4: min(0.9, 0) = 0
      (X, site L1, 0.5), (*, site *, 0.8) -> L1: 0.5, L2: 0.8
      (Y, site L2, 0.1)           -> another material: not X
    Sources (yield 1): S1 1.75 USD/t, capacity 40, first_year 2027, route to L1;
    S2 1.2, capacity 50, first_year 2027, route to L1; S3 2, capacity 50, route to
    L2 only; S4 2, capacity 1000, route to L1 only.
    Cover: 0.5 Stock[X,L1,2026] + 0.8 Stock[X,L2,2026] + 0.5 Buy[S1,2027]
    + 0.4 Buy[S2,2027] + Unmet >= 100.
    Cost per tonne of cover: S3 -> L2 in 2026: 2 / 0.8 = 2.5 (50 t cover 40);
    S2 in 2027: 1.2 / 0.4 = 3 (50 t cover 20); S1 in 2027: 1.75 / 0.5 = 3.5 (40 t
    cover 20); S4 -> L1 in 2026: 2 / 0.5 = 4 (the last 20: 40 t). S1 and S2 have no
    capacity in 2026; S3 and S4 bought in 2027 cover nothing.
    Objective 100 + 60 + 70 + 80 = 310 (purchase).
    Duals: cover: a tonne more from S4: +4. Capacities: S3 2026: a unit covers 0.8,
    replacing 1.6 t of S4 (3.2): 2 - 3.2 = -1.2; S2 2027: 1.2 - 0.4 * 4 = -0.4;
    S1 2027: 1.75 - 0.5 * 4 = -0.25; S4 2026 slack: 0.
    Strong duality: 4 * 100 - 1.2 * 50 - 0.4 * 50 - 0.25 * 40 = 310 (the 2026
    capacities of S1 and S2 are 0).
    """

    def impact(material: str, group_type: str, group: str, a: float) -> dict[str, Any]:
        return {
            "disruption": "D",
            "material": material,
            "group_type": group_type,
            "group": group,
            "availability": a,
        }

    r = solve(
        build(
            end=2027,
            materials=[{"material": "X", "shortfall_penalty_usd_per_t": 1000}, "Y"],
            sources=[
                source("S1", 1.75, 40, kind="seabed", first_year=2027),
                source("S2", 1.2, 50, kind="allied_mine", country="CA", first_year=2027),
                source("S3", 2, 50, country="CN"),
                source("S4", 2, 1000, kind="recycling"),
            ],
            sites=[site("L1"), site("L2")],
            routes=[("S1", "L1", 0), ("S2", "L1", 0), ("S3", "L2", 0), ("S4", "L1", 0)],
            demand=[{"material": "X", "year": 2027, "demand_t": 100}],
            supply_mix=[{"material": "X", "country": "CN", "share": 1.0}],
            disruptions=[
                {"disruption": "D", "probability": 1.0, "start_year": 2027, "duration_years": 1}
            ],
            disruption_impacts=[
                impact("X", "country", "CN", 0.0),
                impact("*", "bloc", "domestic", 0.9),
                impact("X", "source", "S1", 0.5),
                impact("*", "bloc", "allied", 0.4),
                impact("X", "source_type", "allied_mine", 0.8),
                impact("X", "source_type", "recycling", 0.0),
                impact("X", "site", "L1", 0.5),
                impact("*", "site", "*", 0.8),
                impact("Y", "site", "L2", 0.1),
            ],
        )
    )
    assert r.objective_usd == approx(310)
    assert_parts(r, purchase_usd=310)
    assert r.values["Buy"] == approx(
        {
            ("S1", 2026): 0,
            ("S1", 2027): 40,
            ("S2", 2026): 0,
            ("S2", 2027): 50,
            ("S3", 2026): 50,
            ("S3", 2027): 0,
            ("S4", 2026): 40,
            ("S4", 2027): 0,
        }
    )
    stock_x = {k: v for k, v in r.values["Stock"].items() if k[0] == "X"}
    assert stock_x == approx(
        {
            ("X", "L1", 2026): 40,
            ("X", "L2", 2026): 50,
            ("X", "L1", 2027): 130,
            ("X", "L2", 2027): 50,
        }
    )
    assert r.values["Unmet"] == approx({("D", "X"): 0})
    cover = r.rows["disruption_cover"]["D", "X"]
    assert (cover.body, cover.lower) == approx((100, 100))
    assert cover.dual == approx(4)
    assert dual(r, "source_capacity", "S3", 2026) == approx(-1.2)
    assert dual(r, "source_capacity", "S2", 2027) == approx(-0.4)
    assert dual(r, "source_capacity", "S1", 2027) == approx(-0.25)
    assert dual(r, "source_capacity", "S4", 2026) == approx(0)
    assert dual_objective(r) == approx(310)


def test_disruption_need_and_expected_penalty() -> None:
    """need[d,m] from SupplyMix, availabilities, multiplier and the cut window; the
    penalty weighted by probability and discounted from the start year.

    Years 2026-2028, discount rate 0.25 (delta 1, 0.8, 0.64). Nothing worth buying:
    the only source S (market, CN) costs 100 USD/t. Holding 0. Penalty X 10, Y 20.
    InitialStock at L: X 40 t, Y 4 t (it stays: no releases).
    SupplyMix X: CN 0.5, CA 0.2, AU 0.2, US 0.1; Y: CA 0.6, AU 0.4.
    Demand X: 2026 50, 2027 100, 2028 200; Y: 2027 10.

    D1: probability 0.5, start 2027, 5 years -> window cut at end_year: 2027-2028;
    multiplier 1.5. Rows: (X, country CN, 0), (*, bloc allied, 0.5),
    (X, country CA, 0.25), (Y, bloc allied, 0.1), (*, bloc domestic, 0.9),
    (X, source_type market, 0.3) (sources only, not countries), (*, site *, 0.5).
    X: CN 0, CA min(0.5, 0.25) = 0.25, AU 0.5, US 0.9; surviving
    0.5*0 + 0.2*0.25 + 0.2*0.5 + 0.1*0.9 = 0.24; need = (100 + 200) * (1.5 - 0.24) = 378.
    Y: CA = AU = min(0.5, 0.1) = 0.1; need = 10 * (1.5 - 0.1) = 14.
    D2: probability 0.2, start 2026 = t0, 1 year, multiplier 1.2, no country rows
    (surviving share 1): a pure surge; need X = 50 * 0.2 = 10; Y has no 2026 demand.
    Site row (X, site L, 0.125): the t0 stock term is the constant 0.125 * 40 = 5,
    moved to the right-hand side: 10 - 5 = 5.
    D3: probability 1, 2028, multiplier 0.8 < surviving share 1: need 0 -> no rows.

    Covers: D1 X: 0.5 Stock[X,L,2026] + Unmet >= 378, Stock = 40 -> Unmet 358;
    D1 Y: 0.5 * 4 + Unmet >= 14 -> 12; D2 X: Unmet >= 5 -> 5. (S covers nothing for
    D1 (CN 0) and would cost 100 / 1 per tonne for D2.) Floors (min_coverage 0) slack.
    Penalty: 0.5 * 0.8 * (10 * 358 + 20 * 12) + 0.2 * 1 * 10 * 5 = 1528 + 10 = 1538 =
    objective.
    Duals: cover D1 X: 0.5 * 0.8 * 10 = 4; D1 Y: 0.5 * 0.8 * 20 = 8; D2 X: 0.2 * 10 = 2.
    stock_balance 2026 (right-hand side = initial stock): a free tonne of X at L
    covers 0.5 t of D1: -2; of Y: -4 (not D2: at t0 only the initial stock counts).
    Strong duality: 4 * 378 + 8 * 14 + 2 * 5 - 2 * 40 - 4 * 4 = 1538.
    """
    impacts = [
        ("D1", "X", "country", "CN", 0.0),
        ("D1", "*", "bloc", "allied", 0.5),
        ("D1", "X", "country", "CA", 0.25),
        ("D1", "Y", "bloc", "allied", 0.1),
        ("D1", "*", "bloc", "domestic", 0.9),
        ("D1", "X", "source_type", "market", 0.3),
        ("D1", "*", "site", "*", 0.5),
        ("D2", "X", "site", "L", 0.125),
    ]
    r = solve(
        build(
            end=2028,
            rate=0.25,
            materials=[
                {"material": "X", "shortfall_penalty_usd_per_t": 10},
                {"material": "Y", "shortfall_penalty_usd_per_t": 20},
            ],
            sources=[source("S", 100, 1000, country="CN")],
            initial_stock=[
                {"material": "X", "site": "L", "stock_t": 40},
                {"material": "Y", "site": "L", "stock_t": 4},
            ],
            supply_mix=[
                {"material": "X", "country": "CN", "share": 0.5},
                {"material": "X", "country": "CA", "share": 0.2},
                {"material": "X", "country": "AU", "share": 0.2},
                {"material": "X", "country": "US", "share": 0.1},
                {"material": "Y", "country": "CA", "share": 0.6},
                {"material": "Y", "country": "AU", "share": 0.4},
            ],
            demand=[
                {"material": "X", "year": 2026, "demand_t": 50},
                {"material": "X", "year": 2027, "demand_t": 100},
                {"material": "X", "year": 2028, "demand_t": 200},
                {"material": "Y", "year": 2027, "demand_t": 10},
            ],
            disruptions=[
                {
                    "disruption": "D1",
                    "probability": 0.5,
                    "start_year": 2027,
                    "duration_years": 5,
                    "demand_multiplier": 1.5,
                },
                {
                    "disruption": "D2",
                    "probability": 0.2,
                    "start_year": 2026,
                    "duration_years": 1,
                    "demand_multiplier": 1.2,
                },
                {
                    "disruption": "D3",
                    "probability": 1.0,
                    "start_year": 2028,
                    "duration_years": 1,
                    "demand_multiplier": 0.8,
                },
            ],
            disruption_impacts=[
                {"disruption": d, "material": m, "group_type": gt, "group": g, "availability": a}
                for d, m, gt, g, a in impacts
            ],
        )
    )
    assert r.objective_usd == approx(1538)
    assert_parts(r, shortfall_penalty_usd=1538)
    assert all(v == approx(0) for v in r.values["Buy"].values())
    assert r.values["Unmet"] == approx({("D1", "X"): 358, ("D1", "Y"): 12, ("D2", "X"): 5})
    covers = r.rows["disruption_cover"]
    assert {k: row.lower for k, row in covers.items()} == approx(
        {("D1", "X"): 378, ("D1", "Y"): 14, ("D2", "X"): 5}
    )
    assert {k: row.upper for k, row in r.rows["coverage_floor"].items()} == approx(
        {("D1", "X"): 378, ("D1", "Y"): 14, ("D2", "X"): 10}
    )
    assert {k: row.dual for k, row in covers.items()} == approx(
        {("D1", "X"): 4, ("D1", "Y"): 8, ("D2", "X"): 2}
    )
    assert dual(r, "stock_balance", "X", "L", 2026) == approx(-2)
    assert dual(r, "stock_balance", "Y", "L", 2026) == approx(-4)
    assert dual_objective(r) == approx(1538)


def test_need_rescales_supply_mix_and_drops_round_off() -> None:
    """SupplyMix shares are rescaled to sum to 1; a need below 1e-9 of the window's
    demand is 0 (no row, no Unmet).

    One year; D0 (probability 1, 2026, 1 year) cuts CN to 0. Demand 100 t of each of
    V, W, X in 2026; nothing else (no stock, the source costs 100 per tonne,
    penalties 0).
    V: CN 0.6, US 0.3995 (sum 0.9995, within the validation tolerance): rescaled
    US share 0.3995 / 0.9995, need = 100 * 0.6 / 0.9995 (not 100 * 0.6005).
    W: US 1, CN 2e-9: need = 100 * 2e-9 / (1 + 2e-9), about 2e-7, above
    1e-9 * 100 = 1e-7: a row. X: US 1, CN 5e-10: need about 5e-8 < 1e-7: no row.
    """
    mix = [("V", "CN", 0.6), ("V", "US", 0.3995), ("W", "US", 1.0), ("W", "CN", 2e-9)]
    mix += [("X", "US", 1.0), ("X", "CN", 5e-10)]
    r = solve(
        build(
            materials=["V", "W", "X"],
            sources=[source("S", 100, 1000)],
            demand=[{"material": m, "year": T0, "demand_t": 100} for m in "VWX"],
            supply_mix=[{"material": m, "country": c, "share": v} for m, c, v in mix],
            disruptions=[
                {"disruption": "D0", "probability": 1.0, "start_year": T0, "duration_years": 1}
            ],
            disruption_impacts=[
                {
                    "disruption": "D0",
                    "material": "*",
                    "group_type": "country",
                    "group": "CN",
                    "availability": 0.0,
                }
            ],
        )
    )
    covers = r.rows["disruption_cover"]
    assert set(covers) == {("D0", "V"), ("D0", "W")}
    assert set(r.values["Unmet"]) == {("D0", "V"), ("D0", "W")}
    assert covers["D0", "V"].lower == approx(60 / 0.9995)
    # 1 - 1 / (1 + 2e-9) loses digits to cancellation in any implementation.
    assert covers["D0", "W"].lower == pytest.approx(2e-7, rel=1e-6)
    assert r.objective_usd == approx(0)


# --------------------------------------------------------------------------- money over time


def test_discounting_changes_the_plan() -> None:
    """The MODEL.md hand case with discount rate 0.25 (delta_2027 = 1 / 1.25 = 0.8).

    Discounted cost of a tonne in the 2027 stock: A2027 0.8 * (10 + 0.5) = 8.4,
    B2027 0.8 * 12.5 = 10, A2026 10 + 0.5 + 0.8 * 0.5 = 10.9, B2026 12.9. Buying late
    now wins: A2027 = 60, B2027 = 90, nothing in 2026; stock 0, 150.
    purchase 0.8 * (600 + 1080) = 1344; holding 0.8 * 0.5 * 150 = 60; total 1404
    (undiscounted it would be 1665).
    Duals: target: a B2027 tonne: 10. Capacity A2027: 8.4 - 10 = -1.6.
    Strong duality: 10 * 150 - 1.6 * 60 = 1404.
    """
    r = solve(hand_case(rate=0.25))
    assert r.objective_usd == approx(1404)
    assert_parts(r, purchase_usd=1344, holding_usd=60)
    assert r.values["Buy"] == approx(
        {("A", 2026): 0, ("A", 2027): 60, ("B", 2026): 0, ("B", 2027): 90}
    )
    assert r.values["Stock"] == approx({("X", "L", 2026): 0, ("X", "L", 2027): 150})
    assert dual(r, "stock_target", "X", 2027) == approx(10)
    assert dual(r, "source_capacity", "A", 2027) == approx(-1.6)
    assert dual_objective(r) == approx(1404)


def test_discount_factor_compounds() -> None:
    """delta_t = 1.25^-(t - t0): 1, 0.8, 0.64 over 2026-2028.

    A 10 USD/t, capacity 30 a year; holding 1; target 50 at the end of 2028.
    Discounted cost of a tonne: A2028 0.64 * 11 = 7.04; A2027 0.8 * 11 + 0.64 = 9.44;
    A2026 11 + 0.8 + 0.64 = 12.44. So A2028 = 30, A2027 = 20; stock 0, 20, 50.
    purchase 0.8 * 200 + 0.64 * 300 = 352; holding 0.8 * 20 + 0.64 * 50 = 48; 400.
    (A simple 1 / (1 + 0.25 * 2) for 2028 would give a different number.)
    Duals: target 9.44; capacity A2028: 7.04 - 9.44 = -2.4.
    Strong duality: 9.44 * 50 - 2.4 * 30 = 400.
    """
    r = solve(
        build(
            end=2028,
            rate=0.25,
            sources=[source("A", 10, 30)],
            sites=[site("L", hold=1)],
            targets=targets(("X", 2028, 50)),
        )
    )
    assert r.objective_usd == approx(400)
    assert_parts(r, purchase_usd=352, holding_usd=48)
    assert r.values["Buy"] == approx({("A", 2026): 0, ("A", 2027): 20, ("A", 2028): 30})
    assert dual(r, "stock_target", "X", 2028) == approx(9.44)
    assert dual(r, "source_capacity", "A", 2028) == approx(-2.4)
    assert dual_objective(r) == approx(400)


def test_cost_escalation_compounds() -> None:
    """cost[s,t] = cost * (1 + e)^(t - t0).

    Years 2026-2028, holding 1.5. A 10 USD/t escalating 10 %: 10, 11, 12.1. B 12.05
    flat. Targets 10 (2026), 30 (2027), 60 (2028).
    2026: A (10). 2027 increment 20: A2027 (11) beats A2026 held a year (11.5).
    2028 increment 30: B2028 12.05 beats A2028 12.1 (with linear escalation A2028
    would cost 12 and win) and A2027 held a year (12.5).
    So A2026 = 10, A2027 = 20, B2028 = 30; stock 10, 30, 60.
    purchase 100 + 220 + 361.5 = 681.5; holding 1.5 * (10 + 30 + 60) = 150; 831.5.
    Duals: target 2028: 12.05 + 1.5 = 13.55; 2027: a tonne more from A2027 (11 +
    1.5) and one less from B2028 (12.05): 0.45; 2026: A2026 (10 + 1.5) for A2027 (11):
    0.5.
    Strong duality: 0.5 * 10 + 0.45 * 30 + 13.55 * 60 = 831.5.
    """
    r = solve(
        build(
            end=2028,
            sources=[source("A", 10, 1000, cost_escalation_per_yr=0.1), source("B", 12.05, 1000)],
            sites=[site("L", hold=1.5)],
            targets=targets(("X", 2026, 10), ("X", 2027, 30), ("X", 2028, 60)),
        )
    )
    assert r.objective_usd == approx(831.5)
    assert_parts(r, purchase_usd=681.5, holding_usd=150)
    assert r.values["Buy"] == approx(
        {
            ("A", 2026): 10,
            ("A", 2027): 20,
            ("A", 2028): 0,
            ("B", 2026): 0,
            ("B", 2027): 0,
            ("B", 2028): 30,
        }
    )
    assert dual(r, "stock_target", "X", 2026) == approx(0.5)
    assert dual(r, "stock_target", "X", 2027) == approx(0.45)
    assert dual(r, "stock_target", "X", 2028) == approx(13.55)
    assert dual_objective(r) == approx(831.5)


# --------------------------------------------------------------------------- sites over time


def test_site_opening_later_has_no_variables_before() -> None:
    """A site opening in 2027 has no Ship or Stock (nor balance rows) in 2026.

    Years 2026-2027. L1 open from 2026, holding 3; L2 opens 2027, holding 1. A 10
    USD/t, free routes to both. Targets 20 (2026), 50 (2027).
    2026: only L1 exists: 20 t there, held 2027 too (no releases). 2027 increment 30:
    to L2 (10 + 1) rather than L1 (13) or an earlier L1 tonne (16).
    Buy 20, 30; Stock L1 20, 20; L2 30 in 2027.
    purchase 500, holding 3 * 20 + 3 * 20 + 1 * 30 = 150; total 650.
    Duals: target 2027: 11; target 2026: a tonne at L1 in 2026 (10 + 3 + 3) in place
    of one at L2 in 2027 (11): 5. L2's balance in 2027 starts from 0.
    Strong duality: 5 * 20 + 11 * 50 = 650.
    """
    r = solve(
        build(
            end=2027,
            sources=[source("A", 10, 1000)],
            sites=[site("L1", hold=3), site("L2", hold=1, first_year=2027)],
            targets=targets(("X", 2026, 20), ("X", 2027, 50)),
        )
    )
    assert r.objective_usd == approx(650)
    assert_parts(r, purchase_usd=500, holding_usd=150)
    assert ("A", "X", "L2", 2026) not in r.values["Ship"]
    assert ("X", "L2", 2026) not in r.values["Stock"]
    assert ("X", "L2", 2026) not in r.rows["stock_balance"]
    assert r.values["Ship"] == approx(
        {("A", "X", "L1", 2026): 20, ("A", "X", "L1", 2027): 0, ("A", "X", "L2", 2027): 30}
    )
    assert r.values["Stock"] == approx(
        {("X", "L1", 2026): 20, ("X", "L1", 2027): 20, ("X", "L2", 2027): 30}
    )
    opening = r.rows["stock_balance"]["X", "L2", 2027]
    assert (opening.lower, opening.upper) == approx((0, 0))
    assert dual(r, "stock_target", "X", 2026) == approx(5)
    assert dual(r, "stock_target", "X", 2027) == approx(11)
    assert dual_objective(r) == approx(650)
