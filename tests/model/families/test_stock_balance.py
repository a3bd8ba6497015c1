"""stock_balance (MODEL.md family 3): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

from hand import (
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


def test_disruption_at_t0_starts_from_the_initial_stock() -> None:
    """In a future starting at t0, prev is avail_d(l,m) * init[m,l]: a constant; the
    unavailable share of the initial stock is lost to that future.

    Years 2026-2027, no discounting. A (US) 10 USD/t, capacity 1000; site L holding 1;
    InitialStock X at L 80 t; penalty 30. Disruption D: probability 0.5, start 2026
    (= t0), 1 year; (X, country CN, 0) and (X, site L, 0.75); SupplyMix X: CN 1.0,
    demand X 2026 100 -> need 100. w(2026) = w(2027) = 0.5; D's own years weigh 0.5.
    stock_balance[D,X,L,2026]: StockF - ShipF + Release = 0.75 * 80 = 60.
    D releases its 60 t (free, and it saves their holding); the other 40 t: A bought
    in D's 2026 and released, 0.5 * 10 = 5 per tonne, against 0.5 * 30 = 15 unmet.
    The plan holds its 80 t (it never releases) in 2026 and 2027.
    Optimum (unique): BuyF[D,A,2026] = 40, Release 60 + 40 = 100, StockF 0 in both
    years, Unmet 0; the plan buys nothing.
    Objective: purchase 0.5 * 400 = 200, holding 0.5 * 80 + 0.5 * 80 = 80; total 280.
    K[base] = 160; K[D] = 400.
    Duals: disruption_cover[D,X,2026]: an A tonne in D, 5. stock_balance[D,X,L,2026]
    (right-hand side 60): a free tonne at L in D saves an A tonne: -5. The plan's
    stock_balance[X,L,2026] (right-hand side 80): one more tonne held by the plan in
    2026 and 2027, 0.5 + 0.5 = +1 (D's row has its own constant).
    Strong duality: 5 * 100 - 5 * 60 + 1 * 80 = 280.
    """
    r = solve(
        build(
            end=2027,
            materials=[{"material": "X", "shortfall_penalty_usd_per_t": 30}],
            sources=[source("A", 10, 1000)],
            sites=[site("L", hold=1)],
            initial_stock=[{"material": "X", "site": "L", "stock_t": 80}],
            demand=demand(("X", 2026, 100)),
            supply_mix=supply_mix(("X", "CN", 1.0)),
            disruptions=[disruption("D", 0.5, 2026)],
            disruption_impacts=[
                impact("D", "X", "country", "CN", 0.0),
                impact("D", "X", "site", "L", 0.75),
            ],
        )
    )
    assert r.objective_usd == approx(280)
    assert_parts(r, purchase_usd=200, holding_usd=80)
    assert r.values["Buy"] == approx({("A", 2026): 0, ("A", 2027): 0})
    assert r.values["Stock"] == approx({("X", "L", 2026): 80, ("X", "L", 2027): 80})
    assert r.values["BuyF"] == approx({("D", "A", 2026): 40, ("D", "A", 2027): 0})
    assert r.values["StockF"] == approx({("D", "X", "L", 2026): 0, ("D", "X", "L", 2027): 0})
    assert r.values["Release"] == approx({("D", "X", "L", 2026): 100})
    assert r.values["Unmet"] == approx({("D", "X", 2026): 0})
    assert costs(r) == approx({"base": 160, "D": 400})
    bal = r.rows["stock_balance"]
    assert (bal["D", "X", "L", 2026].lower, bal["D", "X", "L", 2026].upper) == approx((60, 60))
    assert bal["D", "X", "L", 2026].dual == approx(-5)
    assert (bal["X", "L", 2026].lower, bal["X", "L", 2026].upper) == approx((80, 80))
    assert bal["X", "L", 2026].dual == approx(1)
    assert dual(r, "disruption_cover", "D", "X", 2026) == approx(5)
    assert dual_objective(r) == approx(280)


def test_site_partly_available_loses_its_share() -> None:
    """A site with 0 < avail_d(l,m) < 1 loses that share of its stock when future d
    starts (not recovered in that future).

    Years 2026-2027, no discounting. One site L, holding 1; penalty 100. B (CN)
    2 USD/t, A (US) 20 USD/t, capacity 1000 each. Disruption D: probability 0.5,
    start 2027, 1 year; (X, country CN, 0), (*, site L, 0.5); SupplyMix X: CN 1.0,
    demand X 2027 100 -> need 100. w(2026) = 1, w(2027) = 0.5.
    stock_balance[D,X,L,2027]: StockF - 0.5 * Stock[X,L,2026] - ShipF + Release = 0.
    Per tonne of need: B bought in 2026 and held (2 + 1 + 0.5 * 1 = 3.5) covers half
    a tonne: 7; A in D's 2027: 0.5 * 20 = 10; unmet 50.
    Optimum (unique): Buy[B,2026] = 200; plan stock 200, 200; D starts with 100,
    releases 100, StockF 0 (the lost 100 stays lost), nothing bought in D.
    Objective: purchase 400, holding 200 + 0.5 * 200 = 300; total 700.
    K[base] = 400 + 200 + 200 = 800; K[D] = 400 + 200 = 600.
    Duals: disruption_cover[D,X,2027]: 7. stock_balance[D,X,L,2027]: a free tonne
    at L in D saves two bought tonnes: -7. The plan's stock_balance[X,L,2026]: a free
    tonne replaces a bought one (the plan still holds 200): -2; [X,L,2027]: one more
    tonne held by the plan in 2027: +0.5.
    Strong duality: 7 * 100 = 700.
    """
    r = solve(
        build(
            end=2027,
            materials=[{"material": "X", "shortfall_penalty_usd_per_t": 100}],
            sources=[source("B", 2, 1000, country="CN"), source("A", 20, 1000)],
            sites=[site("L", hold=1)],
            demand=demand(("X", 2027, 100)),
            supply_mix=supply_mix(("X", "CN", 1.0)),
            disruptions=[disruption("D", 0.5, 2027)],
            disruption_impacts=[
                impact("D", "X", "country", "CN", 0.0),
                impact("D", "*", "site", "L", 0.5),
            ],
        )
    )
    assert r.objective_usd == approx(700)
    assert_parts(r, purchase_usd=400, holding_usd=300)
    assert r.values["Buy"] == approx(
        {("B", 2026): 200, ("B", 2027): 0, ("A", 2026): 0, ("A", 2027): 0}
    )
    assert r.values["Stock"] == approx({("X", "L", 2026): 200, ("X", "L", 2027): 200})
    assert r.values["BuyF"] == approx({("D", "B", 2027): 0, ("D", "A", 2027): 0})
    assert r.values["Release"] == approx({("D", "X", "L", 2027): 100})
    assert r.values["StockF"] == approx({("D", "X", "L", 2027): 0})
    assert costs(r) == approx({"base": 800, "D": 600})
    bal = r.rows["stock_balance"]
    assert bal["D", "X", "L", 2027].dual == approx(-7)
    assert bal["X", "L", 2026].dual == approx(-2)
    assert bal["X", "L", 2027].dual == approx(0.5)
    assert dual(r, "disruption_cover", "D", "X", 2027) == approx(7)
    assert dual_objective(r) == approx(700)


def test_site_unavailable_receives_nothing_and_its_stock_is_lost() -> None:
    """A site with avail_d(l,m) = 0: its stock is lost to future d and nothing of m is
    delivered into it during W_d (those ShipF variables do not exist).

    Years 2026-2027, no discounting; penalty 100. Sites L0 (holding 0, InitialStock
    X 30 t) and L1 (holding 1). B (CN) 2 USD/t, capacity 60, free routes to both;
    A (US) 20 USD/t, capacity 1000, route to L0 free, to L1 3 USD/t. Disruption D:
    probability 0.5, start 2027, 1 year; (X, country CN, 0), (X, site L0, 0);
    SupplyMix X: CN 1.0, demand X 2027 100 -> need 100. w(2026) = 1, w(2027) = 0.5.
    D starts with 0 * 30 t at L0: nothing to release there.
    Per tonne of need: B -> L1 in 2026, held (2 + 1 + 0.5 = 3.5), up to B's capacity
    60; A in D's 2027 -> L1, released: 0.5 * (20 + 3) = 11.5 (A -> L0 for 0.5 * 20
    = 10 is not allowed); unmet 50. B -> L0 covers nothing.
    Optimum (unique): Buy[B,2026] = 60 shipped to L1; plan stock L0 30, 30 and L1 60,
    60; in D ShipF[D,A,X,L1,2027] = 40, Release L1 100, L0 0; StockF 0 at both.
    Objective: purchase 120 + 0.5 * 800 = 520, transport 0.5 * 120 = 60, holding
    60 + 0.5 * 60 = 90; total 670. K[base] = 120 + 60 + 60 = 240;
    K[D] = 180 + 800 + 120 = 1100.
    Duals: disruption_cover[D,X,2027]: an A tonne through L1, 11.5.
    source_capacity[B,2026]: a unit more replaces an A tonne: 3.5 - 11.5 = -8. The
    plan's stock_balance[X,L0,2026] (right-hand side 30): a free tonne at L0 is
    worth nothing to D and costs no holding: 0.
    Strong duality: 11.5 * 100 - 8 * 60 + 0 * 30 = 670.
    """
    r = solve(
        build(
            end=2027,
            materials=[{"material": "X", "shortfall_penalty_usd_per_t": 100}],
            sources=[source("B", 2, 60, country="CN"), source("A", 20, 1000)],
            sites=[site("L0"), site("L1", hold=1)],
            routes=[("B", "L0", 0), ("B", "L1", 0), ("A", "L0", 0), ("A", "L1", 3)],
            initial_stock=[{"material": "X", "site": "L0", "stock_t": 30}],
            demand=demand(("X", 2027, 100)),
            supply_mix=supply_mix(("X", "CN", 1.0)),
            disruptions=[disruption("D", 0.5, 2027)],
            disruption_impacts=[
                impact("D", "X", "country", "CN", 0.0),
                impact("D", "X", "site", "L0", 0.0),
            ],
        )
    )
    assert r.objective_usd == approx(670)
    assert_parts(r, purchase_usd=520, transport_usd=60, holding_usd=90)
    assert r.values["Buy"] == approx(
        {("B", 2026): 60, ("B", 2027): 0, ("A", 2026): 0, ("A", 2027): 0}
    )
    assert r.values["Stock"] == approx(
        {
            ("X", "L0", 2026): 30,
            ("X", "L0", 2027): 30,
            ("X", "L1", 2026): 60,
            ("X", "L1", 2027): 60,
        }
    )
    # nothing reaches L0 in D's window: only the L1 deliveries exist
    assert r.values["ShipF"] == approx(
        {("D", "B", "X", "L1", 2027): 0, ("D", "A", "X", "L1", 2027): 40}
    )
    assert r.values["Release"] == approx({("D", "X", "L0", 2027): 0, ("D", "X", "L1", 2027): 100})
    assert r.values["StockF"] == approx({("D", "X", "L0", 2027): 0, ("D", "X", "L1", 2027): 0})
    assert costs(r) == approx({"base": 240, "D": 1100})
    assert dual(r, "disruption_cover", "D", "X", 2027) == approx(11.5)
    assert dual(r, "source_capacity", "B", 2026) == approx(-8)
    assert dual(r, "stock_balance", "X", "L0", 2026) == approx(0)
    assert dual_objective(r) == approx(670)
