"""disruption_cover (MODEL.md family 9): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

from typing import Any

import pytest

from hand import (
    T0,
    approx,
    assert_parts,
    build,
    disruption_case,
    dual,
    dual_objective,
    site,
    solve,
    source,
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
