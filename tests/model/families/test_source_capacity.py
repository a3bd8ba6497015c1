"""source_capacity (MODEL.md family 2): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

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


def test_expansion_lead_time() -> None:
    """Capacity decided in tau produces from tau + lead on: Buy[s,t] <= cap[s,t] +
    sum_{tau <= t - lead} Expand[s,tau].

    Years 2026-2027, no discounting; site L holding 0.5. A: capacity 0, 10 USD/t,
    expansion 1 USD per unit/yr, lead 1 year, at most 1000; M 13 USD/t, capacity
    1000. Targets X: 40 at the end of 2026, 100 at the end of 2027.
    A cannot produce in 2026 (capacity decided in 2025 or earlier: none) nor on
    capacity decided in 2027. A tonne for the 2027 stock: built in 2026 and bought in
    2027, 1 + 10 + 0.5 = 11.5; M in 2027, 13.5; M in 2026, 14. The 2026 target can
    only be M's.
    Optimum (unique): Buy[M,2026] = 40, Expand[A,2026] = 60, Buy[A,2027] = 60, the rest
    0; stock 40, 100.
    Objective: purchase 520 + 600 = 1120, investment 60, holding 0.5 * (40 + 100) =
    70; total 1250. (With lead 0 the 2026 target would be A's: 1 + 10 + 1 = 12 < 14.)
    Duals: stock_target[X,2027]: an A tonne with its capacity, 11.5;
    stock_target[X,2026]: an M tonne in 2026 (14) replaces one for 2027 (-11.5): 2.5.
    source_capacity[A,2027] (Buy - Expand[A,2026] <= 0): a free unit saves its
    expansion, -1. source_capacity[A,2026] (Buy <= 0, no expansion term): A2026 = 0
    sits on the limit; any optimal dual is <= 10 - 13 = -3 (a unit would replace an
    M tonne); only that bound is pinned.
    Strong duality: 2.5 * 40 + 11.5 * 100 = 1250 (capacity limits 0 or slack).
    """
    r = solve(
        build(
            end=2027,
            sources=[
                source(
                    "A",
                    10,
                    0,
                    expansion_cost_usd_per_unit=1,
                    expansion_lead_years=1,
                    max_expansion_units=1000,
                ),
                source("M", 13, 1000),
            ],
            sites=[site("L", hold=0.5)],
            targets=targets(("X", 2026, 40), ("X", 2027, 100)),
        )
    )
    assert r.objective_usd == approx(1250)
    assert_parts(r, purchase_usd=1120, investment_usd=60, holding_usd=70)
    assert r.values["Expand"] == approx({("A", 2026): 60, ("A", 2027): 0})
    assert r.values["Buy"] == approx(
        {("A", 2026): 0, ("A", 2027): 60, ("M", 2026): 40, ("M", 2027): 0}
    )
    assert r.values["Stock"] == approx({("X", "L", 2026): 40, ("X", "L", 2027): 100})
    caps = r.rows["source_capacity"]
    assert caps["A", 2027].dual == approx(-1)
    assert caps["A", 2026].dual <= -3 + 1e-9
    assert dual(r, "stock_target", "X", 2026) == approx(2.5)
    assert dual(r, "stock_target", "X", 2027) == approx(11.5)
    assert dual_objective(r) == approx(1250)


def test_partly_available_source_in_a_window() -> None:
    """In future d during W_d, a = A_d(s) = min over the outputs m of s of
    avail_d(s, m) scales the source's capacity: Buy <= a * cap.

    Years 2026-2027, no discounting. Materials X (penalty 100) and Y (resale 0).
    A (US) 10 USD/t, capacity 100, a co-product source yielding 1 t of X and 1 t of Y
    per unit; B (CN) 1 USD/t, capacity 1000, yields X. Site H holding 3. Disruption
    D: probability 0.5, start 2027, 1 year; (X, country CN, 0) and (Y, source A, 0.4);
    SupplyMix X: CN 1.0, demand X 2027 100 -> need 100.
    A_D(A) = min(avail(A, X) = 1, avail(A, Y) = 0.4) = 0.4: A's capacity in D's 2027
    is 0.4 * 100 = 40 units; A_D(B) = 0.
    Per tonne of need: A bought in D's 2027 (X released, Y resold at 0 rather than
    held), 0.5 * 10 = 5; B bought in 2026 and held, 1 + 3 + 0.5 * 3 = 5.5; unmet 50.
    Optimum (unique): BuyF[D,A,2027] = 40, SurplusF[D,A,Y,2027] = 40; Buy[B,2026] = 60,
    plan stock X 60, 60; D releases 100, StockF 0.
    Objective: purchase 60 + 0.5 * 400 = 260, holding 180 + 0.5 * 180 = 270; total 530.
    K[base] = 60 + 180 + 180 = 420; K[D] = 60 + 180 + 400 = 640.
    Duals: disruption_cover[D,X,2027]: a B tonne, 5.5. source_capacity[D,A,2027]
    (limit a * cap = 40): a unit more replaces a B tonne, 5 - 5.5 = -0.5. The plan's
    source_capacity[A,2027] (limit 100) is slack: 0.
    Strong duality: 5.5 * 100 - 0.5 * 40 = 530.
    """
    r = solve(
        build(
            end=2027,
            materials=[{"material": "X", "shortfall_penalty_usd_per_t": 100}, "Y"],
            sources=[source("A", 10, 100), source("B", 1, 1000, country="CN")],
            outputs=[("A", "X", 1.0), ("A", "Y", 1.0), ("B", "X", 1.0)],
            sites=[site("H", hold=3)],
            demand=demand(("X", 2027, 100)),
            supply_mix=supply_mix(("X", "CN", 1.0)),
            disruptions=[disruption("D", 0.5, 2027)],
            disruption_impacts=[
                impact("D", "X", "country", "CN", 0.0),
                impact("D", "Y", "source", "A", 0.4),
            ],
        )
    )
    assert r.objective_usd == approx(530)
    assert_parts(r, purchase_usd=260, holding_usd=270)
    assert r.values["Buy"] == approx(
        {("A", 2026): 0, ("A", 2027): 0, ("B", 2026): 60, ("B", 2027): 0}
    )
    assert r.values["BuyF"] == approx({("D", "A", 2027): 40, ("D", "B", 2027): 0})
    assert r.values["SurplusF"] == approx({("D", "A", "X", 2027): 0, ("D", "A", "Y", 2027): 40})
    assert r.values["Release"] == approx({("D", "X", "H", 2027): 100})
    assert r.values["StockF"] == approx({("D", "X", "H", 2027): 0, ("D", "Y", "H", 2027): 0})
    assert costs(r) == approx({"base": 420, "D": 640})
    caps = r.rows["source_capacity"]
    assert {k: caps[k].upper for k in (("D", "A", 2027), ("D", "B", 2027), ("A", 2027))} == {
        ("D", "A", 2027): approx(40),
        ("D", "B", 2027): approx(0),
        ("A", 2027): approx(100),
    }
    assert caps["D", "A", 2027].dual == approx(-0.5)
    assert caps["A", 2027].dual == approx(0)
    assert dual(r, "disruption_cover", "D", "X", 2027) == approx(5.5)
    assert dual_objective(r) == approx(530)
