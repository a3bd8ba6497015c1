"""disruption_cover (MODEL.md family 9): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py. Version 2: the need is per window
year, covered by Release from stock (per year, per site) or left Unmet[d,m,t]; the
penalty is discounted from the year it occurs; the plan's decisions in year t weigh
w(t), future d's own prob[d]. The row's dual is in expected discounted USD/t.
"""

from __future__ import annotations

import pytest

from hand import (
    T0,
    approx,
    assert_parts,
    build,
    check_b,
    costs,
    demand,
    disruption,
    dual,
    dual_objective,
    future,
    impact,
    of,
    site,
    solve,
    source,
    supply_mix,
)


def test_model_md_check_b() -> None:
    """MODEL.md hand check B, exactly.

    w(2026) = 1, w(2027) = 1 - 0.5 = 0.5; the ban's own decisions (2027) weigh 0.5.
    need_ban[X,2027] = 100 * max(0, 1 - 1.0 * 0) = 100; 2026 is no window year.
    A_ban(B) = 0 (CN): B has no capacity in the ban's 2027.
    Per tonne of the need: B bought in 2026 and held (5 + 1 in 2026, and the plan
    still holds it at the end of 2027: 0.5 * 1) = 6.5; A bought in the ban's 2027 and
    released in that year (0.5 * 14) = 7; unmet 0.5 * 40 = 20. Stock released in the
    ban is gone from the ban's stock only: the plan never releases.
    Optimum (unique: the three prices differ): Buy[B,2026] = 100, every other Buy 0;
    plan Stock 100 at the end of 2026 and 2027; in the ban Release 100 in 2027,
    StockF 0, BuyF 0, Unmet 0.
    Objective 650: purchase 500, holding 100 + 0.5 * 100 = 150.
    K[base] = 500 + 100 + 100 = 700; K[ban] = 500 + 100 + 0 = 600
    (E = 0.5 * 700 + 0.5 * 600 = 650).
    Duals: disruption_cover[ban,X,2027]: one more tonne of need is one more stockpiled
    tonne: +6.5 (conditional on the ban 6.5 / 0.5 = 13). coverage_floor: Unmet 0 < 100,
    slack: 0. Plan's stock_balance[X,H,2027] (Stock27 - Stock26 - Ship27 = 0): one free
    tonne in the plan's 2027 is held at 0.5: +0.5. The ban's
    stock_balance[ban,X,H,2027] (StockF - Stock26 - ShipF + Release = 0): a free tonne
    in the ban's 2027 replaces a stockpiled tonne: -6.5.
    Strong duality: 6.5 * 100 = 650 (every other limit is 0 or slack).
    risk_weight 0: no risk rows, no Eta or Z, no CVaR term.
    """
    r = solve(check_b())
    assert r.objective_usd == approx(650)
    assert r.expected_cost_usd == approx(650)
    assert_parts(r, purchase_usd=500, holding_usd=150)
    assert r.values["Buy"] == approx(
        {("A", 2026): 0, ("A", 2027): 0, ("B", 2026): 100, ("B", 2027): 0}
    )
    assert r.values["Stock"] == approx({("X", "H", 2026): 100, ("X", "H", 2027): 100})
    assert r.values["BuyF"] == approx({("ban", "A", 2027): 0, ("ban", "B", 2027): 0})
    assert r.values["StockF"] == approx({("ban", "X", "H", 2027): 0})
    assert r.values["Release"] == approx({("ban", "X", "H", 2027): 100})
    assert r.values["Unmet"] == approx({("ban", "X", 2027): 0})
    assert costs(r) == approx({"base": 700, "ban": 600})
    assert future(r, "ban").probability == 0.5
    assert future(r, "ban").unmet_t == {}
    cover = r.rows["disruption_cover"]["ban", "X", 2027]
    assert (cover.body, cover.lower, cover.upper) == approx((100, 100, 100))
    assert cover.dual == approx(6.5)
    assert cover.dual / future(r, "ban").probability == approx(13)
    assert set(r.rows["disruption_cover"]) == {("ban", "X", 2027)}
    assert dual(r, "coverage_floor", "ban", "X", 2027) == approx(0)
    assert dual(r, "stock_balance", "X", "H", 2027) == approx(0.5)
    assert dual(r, "stock_balance", "ban", "X", "H", 2027) == approx(-6.5)
    assert r.rows["risk"] == {} and r.cvar_usd is None
    assert "Eta" not in r.values and "Z" not in r.values
    assert dual_objective(r) == approx(650)


def test_need_per_window_year_and_penalty_discounted_from_its_year() -> None:
    """need_d[m,t] from SupplyMix, availabilities, multiplier and the cut window, one row
    per window year; the penalty weighted by prob[d] and discounted from the year it
    occurs; a disruption at t0 starts from the initial stock.

    Years 2026-2028, discount rate 0.25 (delta 1, 0.8, 0.64). Nothing worth buying:
    the only source S (market, CN) costs 100 USD/t. Holding 0. Penalty X 10, Y 20.
    InitialStock at L: X 40 t, Y 4 t; the plan never releases, so its stock stays.
    SupplyMix X: CN 0.5, CA 0.2, AU 0.2, US 0.1; Y: CA 0.6, AU 0.4.
    Demand X: 2026 50, 2027 10, 2028 200; Y: 2027 10.

    D1: probability 0.5, start 2027, 5 years -> window cut at end_year: 2027-2028;
    multiplier 1.5. Rows: (X, country CN, 0), (*, bloc allied, 0.5),
    (X, country CA, 0.25), (Y, bloc allied, 0.1), (*, bloc domestic, 0.9),
    (X, source_type market, 0.3) (sources only, not countries), (*, site *, 0.5).
    X: CN 0, CA min(0.5, 0.25) = 0.25, AU 0.5, US 0.9; surviving
    0.5*0 + 0.2*0.25 + 0.2*0.5 + 0.1*0.9 = 0.24; need 2027 = 10 * 1.26 = 12.6,
    2028 = 200 * 1.26 = 252. Y: CA = AU = min(0.5, 0.1) = 0.1; need 2027 =
    10 * (1.5 - 0.1) = 14. A_D1(S) = 0 (CN). D1 starts with half the plan's 2026
    stock: X 20, Y 2.
    D2: probability 0.2, start 2026 = t0, 1 year, multiplier 1.2, no country rows
    (surviving share 1): a pure surge; need X 2026 = 50 * 0.2 = 10. Site row
    (X, site L, 0.125): D2 starts from 0.125 * 40 = 5 t of X (a constant: the
    stock_balance[D2,X,L,2026] right-hand side is 5).
    D3: probability 0.1, 2028, multiplier 0.8 < surviving share 1: need 0, no rows.
    w(2026) = 1 - 0.2 = 0.8, w(2027) = 0.3, w(2028) = 0.2.

    Expected cost of a tonne unmet: D1 X 2027 0.5 * 0.8 * 10 = 4, D1 X 2028
    0.5 * 0.64 * 10 = 3.2, D1 Y 2027 0.5 * 0.8 * 20 = 8, D2 X 2026 0.2 * 10 = 2
    (S would cost 0.2 * 100 = 20 in D2 and covers nothing in D1; bought by the plan
    in 2026, 0.8 * 100 = 80, it would cover 0.5 t of D1).
    D1 releases X where a tonne saves most: 12.6 in 2027 (4 > 3.2; need 2027 fully
    covered), the other 7.4 carried to 2028 (holding 0) and released there; Unmet X
    2027 0, 2028 252 - 7.4 = 244.6. Y: Release 2, Unmet 12. D2: Release 5, Unmet 5.
    Unique: moving a released tonne between years changes the cost.
    Objective (= penalty): 0.5 * (0.64 * 10 * 244.6 + 0.8 * 20 * 12) + 0.2 * 10 * 5
    = 0.5 * (1565.44 + 192) + 10 = 888.72.
    K[base] 0, K[D1] 1757.44, K[D2] 50, K[D3] 0.
    Duals: cover D1 X 2027: one more tonne of need takes a tonne from 2028: 3.2 (not 4:
    the stock carries within the window); D1 X 2028: unmet, 3.2; D1 Y 2027: 8; D2 X
    2026: 2. Floors (min_coverage 0: Unmet <= need) slack: 0.
    stock_balance: the plan's [X,L,2026] (right-hand side = initial stock 40): a free
    tonne gives D1 0.5 t, released in 2028: -1.6; [Y,L,2026]: 0.5 * 8 = -4;
    [D2,X,L,2026] (right-hand side 5): -2.
    Strong duality: 3.2 * 12.6 + 3.2 * 252 + 8 * 14 + 2 * 10 - 1.6 * 40 - 4 * 4 - 2 * 5
    = 888.72.
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
            supply_mix=supply_mix(
                ("X", "CN", 0.5),
                ("X", "CA", 0.2),
                ("X", "AU", 0.2),
                ("X", "US", 0.1),
                ("Y", "CA", 0.6),
                ("Y", "AU", 0.4),
            ),
            demand=demand(("X", 2026, 50), ("X", 2027, 10), ("X", 2028, 200), ("Y", 2027, 10)),
            disruptions=[
                disruption("D1", 0.5, 2027, 5, demand_multiplier=1.5),
                disruption("D2", 0.2, 2026, 1, demand_multiplier=1.2),
                disruption("D3", 0.1, 2028, 1, demand_multiplier=0.8),
            ],
            disruption_impacts=[impact(*row) for row in impacts],
        )
    )
    assert r.objective_usd == approx(888.72)
    assert_parts(r, shortfall_penalty_usd=888.72)
    assert all(v == approx(0) for v in r.values["Buy"].values())
    assert all(v == approx(0) for v in r.values["BuyF"].values())
    assert r.values["Unmet"] == approx(
        {
            ("D1", "X", 2027): 0,
            ("D1", "X", 2028): 244.6,
            ("D1", "Y", 2027): 12,
            ("D2", "X", 2026): 5,
        }
    )
    assert r.values["Release"] == approx(
        {
            ("D1", "X", "L", 2027): 12.6,
            ("D1", "X", "L", 2028): 7.4,
            ("D1", "Y", "L", 2027): 2,
            ("D2", "X", "L", 2026): 5,
        }
    )
    assert of(r, "StockF", "D1") == approx(
        {
            ("D1", "X", "L", 2027): 7.4,
            ("D1", "X", "L", 2028): 0,
            ("D1", "Y", "L", 2027): 0,
            ("D1", "Y", "L", 2028): 0,
        }
    )
    assert costs(r) == approx({"base": 0, "D1": 1757.44, "D2": 50, "D3": 0})
    assert future(r, "D1").unmet_t == approx({"X": 244.6, "Y": 12})
    assert future(r, "D1").first_unmet_year == {"X": 2028, "Y": 2027}
    covers = r.rows["disruption_cover"]
    assert {k: row.lower for k, row in covers.items()} == approx(
        {
            ("D1", "X", 2027): 12.6,
            ("D1", "X", 2028): 252,
            ("D1", "Y", 2027): 14,
            ("D2", "X", 2026): 10,
        }
    )
    assert {k: row.upper for k, row in r.rows["coverage_floor"].items()} == approx(
        {
            ("D1", "X", 2027): 12.6,
            ("D1", "X", 2028): 252,
            ("D1", "Y", 2027): 14,
            ("D2", "X", 2026): 10,
        }
    )
    assert {k: row.dual for k, row in covers.items()} == approx(
        {("D1", "X", 2027): 3.2, ("D1", "X", 2028): 3.2, ("D1", "Y", 2027): 8, ("D2", "X", 2026): 2}
    )
    assert all(row.dual == approx(0) for row in r.rows["coverage_floor"].values())
    bal = r.rows["stock_balance"]
    assert (bal["D2", "X", "L", 2026].lower, bal["D2", "X", "L", 2026].upper) == approx((5, 5))
    assert bal["X", "L", 2026].dual == approx(-1.6)
    assert bal["Y", "L", 2026].dual == approx(-4)
    assert bal["D2", "X", "L", 2026].dual == approx(-2)
    assert dual_objective(r) == approx(888.72)


def test_window_year_is_not_covered_by_a_later_purchase() -> None:
    """A tonne bought in year 2 of a window cannot cover year 1: each window year has
    its own row, covered by what is released that year.

    Years 2026-2028, no discounting, holding 0, penalty 100. Disruption D:
    probability 0.5, start 2027, 2 years (window 2027-2028); CN availability 0,
    SupplyMix X: CN 1.0; demand X 50 in 2027 and in 2028 -> need 50 each year.
    Sources: B (CN) 20 USD/t, capacity 1000: no capacity in D's window; A (US)
    10 USD/t, capacity 1000, first_year 2028.
    w(2026) = 1, w(2027) = w(2028) = 0.5; D's own years weigh 0.5.
    Per tonne of need in 2027: B bought in 2026 and released: 20 (A cannot produce in
    2027, and a 2028 purchase comes too late); unmet 0.5 * 100 = 50.
    Per tonne of need in 2028: A bought in D's 2028 and released: 0.5 * 10 = 5; stock
    from B 20.
    Optimum: Buy[B,2026] = 50; plan stock 50, 50, 50; in D: Release 50 in 2027 (stock
    0), BuyF[D,A,2028] = 50 released in 2028; no Unmet. (Were the window's output
    pooled as in version 1, A in 2028 would cover both years and B would buy nothing.)
    Objective 20 * 50 + 0.5 * 10 * 50 = 1250 (purchase).
    K[base] = 1000; K[D] = 1000 + 500 = 1500.
    Duals: cover[D,X,2027]: a B tonne, 20; cover[D,X,2028]: an A tonne in D, 5.
    Strong duality: 20 * 50 + 5 * 50 = 1250.
    """
    r = solve(
        build(
            end=2028,
            materials=[{"material": "X", "shortfall_penalty_usd_per_t": 100}],
            sources=[source("B", 20, 1000, country="CN"), source("A", 10, 1000, first_year=2028)],
            demand=demand(("X", 2027, 50), ("X", 2028, 50)),
            supply_mix=supply_mix(("X", "CN", 1.0)),
            disruptions=[disruption("D", 0.5, 2027, 2)],
            disruption_impacts=[impact("D", "X", "country", "CN", 0.0)],
        )
    )
    assert r.objective_usd == approx(1250)
    assert_parts(r, purchase_usd=1250)
    assert r.values["Buy"] == approx(
        {
            ("B", 2026): 50,
            ("B", 2027): 0,
            ("B", 2028): 0,
            ("A", 2026): 0,
            ("A", 2027): 0,
            ("A", 2028): 0,
        }
    )
    assert r.values["BuyF"] == approx(
        {("D", "B", 2027): 0, ("D", "B", 2028): 0, ("D", "A", 2027): 0, ("D", "A", 2028): 50}
    )
    assert r.values["Release"] == approx({("D", "X", "L", 2027): 50, ("D", "X", "L", 2028): 50})
    assert r.values["Unmet"] == approx({("D", "X", 2027): 0, ("D", "X", 2028): 0})
    assert costs(r) == approx({"base": 1000, "D": 1500})
    assert dual(r, "disruption_cover", "D", "X", 2027) == approx(20)
    assert dual(r, "disruption_cover", "D", "X", 2028) == approx(5)
    assert dual_objective(r) == approx(1250)


def test_availability_of_sources_and_sites() -> None:
    """avail_d(x, m): the minimum over every matching row, per kind of row; a source's
    capacity in the window is A_d(s) * cap, a site keeps avail_d(l,m) of its stock.

    Years 2026-2027; disruption D (probability 0.5, 2027, 1 year). Demand X 2027 100,
    all normally from CN; CN availability 0 -> need 100. Penalty 1000 (never worth
    it). Holding 0, no volume limit. w(2026) = 1, w(2027) = 0.5.
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
    In D's 2027: capacity S1 0.5 * 40 = 20, S2 0.4 * 50 = 20, S3 0, S4 0; D starts
    with 0.5 of the plan's 2026 stock at L1 and 0.8 of it at L2.
    Cost per tonne of need: S2 bought in D: 0.5 * 1.2 = 0.6 (20 t); S1 in D:
    0.5 * 1.75 = 0.875 (20 t); S3 -> L2 in 2026: 2 / 0.8 = 2.5 (50 t cover 40);
    S4 -> L1 in 2026: 2 / 0.5 = 4 (the last 20: 40 t). S1 and S2 have no capacity in
    2026.
    Optimum: plan Buy S3 2026 = 50, S4 2026 = 40; in D BuyF S1 = S2 = 20, Release
    L1 0.5 * 40 + 40 = 60, L2 0.8 * 50 = 40; StockF 0.
    Objective 100 + 80 + 0.5 * (35 + 24) = 209.5 (purchase).
    K[base] = 180; K[D] = 180 + 59 = 239.
    Duals: cover: a tonne more from S4: +4. Capacities (right-hand side a * cap): D's
    S2 2027: 0.6 - 4 = -3.4; D's S1 2027: 0.875 - 4 = -3.125; plan S3 2026: a unit
    covers 0.8 t: 2 - 0.8 * 4 = -1.2; plan S4 2026 slack: 0.
    Strong duality: 4 * 100 - 3.4 * 20 - 3.125 * 20 - 1.2 * 50 = 209.5 (the other
    limits are 0 or slack).
    """
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
            demand=demand(("X", 2027, 100)),
            supply_mix=supply_mix(("X", "CN", 1.0)),
            disruptions=[disruption("D", 0.5, 2027)],
            disruption_impacts=[
                impact("D", "X", "country", "CN", 0.0),
                impact("D", "*", "bloc", "domestic", 0.9),
                impact("D", "X", "source", "S1", 0.5),
                impact("D", "*", "bloc", "allied", 0.4),
                impact("D", "X", "source_type", "allied_mine", 0.8),
                impact("D", "X", "source_type", "recycling", 0.0),
                impact("D", "X", "site", "L1", 0.5),
                impact("D", "*", "site", "*", 0.8),
                impact("D", "Y", "site", "L2", 0.1),
            ],
        )
    )
    assert r.objective_usd == approx(209.5)
    assert_parts(r, purchase_usd=209.5)
    assert r.values["Buy"] == approx(
        {
            ("S1", 2026): 0,
            ("S1", 2027): 0,
            ("S2", 2026): 0,
            ("S2", 2027): 0,
            ("S3", 2026): 50,
            ("S3", 2027): 0,
            ("S4", 2026): 40,
            ("S4", 2027): 0,
        }
    )
    assert r.values["BuyF"] == approx(
        {("D", "S1", 2027): 20, ("D", "S2", 2027): 20, ("D", "S3", 2027): 0, ("D", "S4", 2027): 0}
    )
    caps = r.rows["source_capacity"]
    assert {s: caps["D", s, 2027].upper for s in ("S1", "S2", "S3", "S4")} == approx(
        {"S1": 20, "S2": 20, "S3": 0, "S4": 0}
    )
    stock_x = {k: v for k, v in r.values["Stock"].items() if k[0] == "X"}
    assert stock_x == approx(
        {
            ("X", "L1", 2026): 40,
            ("X", "L2", 2026): 50,
            ("X", "L1", 2027): 40,
            ("X", "L2", 2027): 50,
        }
    )
    assert r.values["Release"] == approx({("D", "X", "L1", 2027): 60, ("D", "X", "L2", 2027): 40})
    assert r.values["Unmet"] == approx({("D", "X", 2027): 0})
    assert costs(r) == approx({"base": 180, "D": 239})
    cover = r.rows["disruption_cover"]["D", "X", 2027]
    assert (cover.body, cover.lower) == approx((100, 100))
    assert cover.dual == approx(4)
    assert dual(r, "source_capacity", "D", "S2", 2027) == approx(-3.4)
    assert dual(r, "source_capacity", "D", "S1", 2027) == approx(-3.125)
    assert dual(r, "source_capacity", "S3", 2026) == approx(-1.2)
    assert dual(r, "source_capacity", "S4", 2026) == approx(0)
    assert dual_objective(r) == approx(209.5)


@pytest.mark.parametrize(
    ("pmult", "objective", "cover_dual"), [(1.0, 500.0, 5.0), (3.0, 1150.0, 11.5)]
)
def test_price_multiplier_prices_purchases_in_the_window(
    pmult: float, objective: float, cover_dual: float
) -> None:
    """Every purchase in future d during W_d costs pmult[d] * cost.

    Years 2026-2027, no discounting. A (US) 10 USD/t, capacity 1000; site L holding
    1; penalty 100. D: probability 0.5, start 2027, 1 year, price_multiplier pmult;
    CN availability 0, SupplyMix X: CN 1.0, demand X 2027 100 -> need 100.
    Per tonne of need: A bought in 2026 and held (10 + 1 + 0.5 * 1) = 11.5; A bought
    in D's 2027 at the multiplied price and released: 0.5 * 10 * pmult = 5 * pmult;
    unmet 0.5 * 100 = 50.
    pmult 1: 5 < 11.5: D buys 100 in its window, the plan nothing. Objective 500
    (purchase); K[base] 0, K[D] 1000; cover dual 5.
    pmult 3: 15 > 11.5: the plan buys 100 in 2026. Objective 1150 (purchase 1000,
    holding 100 + 0.5 * 100 = 150); K[base] 1000 + 200 = 1200, K[D] 1000 + 100 = 1100;
    cover dual 11.5.
    Strong duality: cover dual * 100 = objective (capacities slack).
    """
    r = solve(
        build(
            end=2027,
            materials=[{"material": "X", "shortfall_penalty_usd_per_t": 100}],
            sources=[source("A", 10, 1000)],
            sites=[site("L", hold=1)],
            demand=demand(("X", 2027, 100)),
            supply_mix=supply_mix(("X", "CN", 1.0)),
            disruptions=[disruption("D", 0.5, 2027, price_multiplier=pmult)],
            disruption_impacts=[impact("D", "X", "country", "CN", 0.0)],
        )
    )
    assert r.objective_usd == approx(objective)
    stockpiled = pmult > 2
    if stockpiled:
        assert_parts(r, purchase_usd=1000, holding_usd=150)
        assert costs(r) == approx({"base": 1200, "D": 1100})
    else:
        assert_parts(r, purchase_usd=500)
        assert costs(r) == approx({"base": 0, "D": 1000})
    assert r.values["Buy"] == approx({("A", 2026): 100 if stockpiled else 0, ("A", 2027): 0})
    assert r.values["BuyF"] == approx({("D", "A", 2027): 0 if stockpiled else 100})
    assert r.values["Release"] == approx({("D", "X", "L", 2027): 100})
    assert dual(r, "disruption_cover", "D", "X", 2027) == approx(cover_dual)
    assert dual_objective(r) == approx(objective)


def test_need_rescales_supply_mix_and_drops_round_off() -> None:
    """SupplyMix shares are rescaled to sum to 1; a need below 1e-9 of the year's
    demand is 0 (no row, no Release, no Unmet).

    One year; D0 (probability 1, 2026, 1 year) cuts CN to 0. Demand 100 t of each of
    V, W, X in 2026; nothing else (no stock, the source costs 100 per tonne,
    penalties 0).
    V: CN 0.6, US 0.3995 (sum 0.9995, within the validation tolerance): rescaled
    US share 0.3995 / 0.9995, need = 100 * 0.6 / 0.9995 (not 100 * 0.6005).
    W: US 1, CN 2e-9: need = 100 * 2e-9 / (1 + 2e-9), about 2e-7, above
    1e-9 * 100 = 1e-7: a row. X: US 1, CN 5e-10: need about 5e-8 < 1e-7: no row.
    Every cost is 0 (w(2026) = 0, penalties 0): objective 0.
    """
    mix = [("V", "CN", 0.6), ("V", "US", 0.3995), ("W", "US", 1.0), ("W", "CN", 2e-9)]
    mix += [("X", "US", 1.0), ("X", "CN", 5e-10)]
    r = solve(
        build(
            materials=["V", "W", "X"],
            sources=[source("S", 100, 1000)],
            demand=demand(*((m, T0, 100) for m in "VWX")),
            supply_mix=supply_mix(*mix),
            disruptions=[disruption("D0", 1.0, T0)],
            disruption_impacts=[impact("D0", "*", "country", "CN", 0.0)],
        )
    )
    covers = r.rows["disruption_cover"]
    assert set(covers) == {("D0", "V", T0), ("D0", "W", T0)}
    assert set(r.values["Unmet"]) == {("D0", "V", T0), ("D0", "W", T0)}
    assert set(r.values["Release"]) == {("D0", "V", "L", T0), ("D0", "W", "L", T0)}
    assert covers["D0", "V", T0].lower == approx(60 / 0.9995)
    # 1 - 1 / (1 + 2e-9) loses digits to cancellation in any implementation.
    assert covers["D0", "W", T0].lower == pytest.approx(2e-7, rel=1e-6)
    assert r.objective_usd == approx(0)
