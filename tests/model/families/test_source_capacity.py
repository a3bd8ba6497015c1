"""source_capacity (MODEL.md family 2): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py."""

from __future__ import annotations

from hand import T0, approx, assert_parts, build, dual, dual_objective, site, solve, source, targets


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
