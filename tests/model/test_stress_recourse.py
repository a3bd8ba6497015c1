"""The recourse LP of ``stockpile stress`` (stress/recourse.py): a draw against a fixed
plan, solved with the model's own rows for the draw's future.

Expected numbers are derived by hand in each docstring from MODEL.md (the future-d rows
with the plan's columns fixed), or taken from the solve's own K[f] and unmet need: a
listed disruption evaluated as a draw must give back its future. The reusable evaluator
(one HiGHS model, changed in place, warm re-solves), the same with a new HiGHS model
per draw, and the whole LP of the draw built afresh (``solve_fresh``) must agree.
"""

from __future__ import annotations

import pytest

from hand import approx, build, check_b, disruption_case, site, solve, source
from stockpile.data.params import build_params
from stockpile.stress.plans import plan_values
from stockpile.stress.recourse import Evaluator, solve_fresh
from stockpile.stress.uncertainty import Draw, listed
from stress_cases import small_case


def plan_of(inputs):
    result = solve(inputs)
    return result, plan_values("plan", "plan", result)


def ban(
    start: int = 2027, duration: int = 1, mult: float = 1.0, pmult: float = 1.0, a: float = 0.0
):
    """A draw that cuts Chinese supply of everything to ``a``."""
    return Draw(0, start, duration, mult, pmult, (("*", "country", "CN", a),), ("ban",))


@pytest.mark.parametrize(("prob", "cost"), [(0.5, 600), (0.0, 1400)])
def test_listed_disruption_gives_back_its_future_check_b(prob: float, cost: float) -> None:
    """MODEL.md check B: K[ban] = 600, nothing unmet, 100 t released. With probability
    0 the ban is a pure stress test (reported from the solve's second, plan-fixed
    solve): the plan holds nothing, and the ban's future buys its 100 t from A at 14,
    ships and releases them: K[ban] = 1400. Each draw gives back the solve's number."""
    inputs = check_b(prob=prob)
    result, plan = plan_of(inputs)
    (solved,) = [f for f in result.futures if f.future == "ban"]
    assert solved.cost_usd == approx(cost)
    (d,) = listed(inputs)
    p = build_params(inputs)
    for o in (
        Evaluator(p, [plan]).evaluate(d)[0],
        Evaluator(p, [plan], reuse=False).evaluate(d)[0],
        solve_fresh(p, plan, d),
    ):
        assert o.status == "optimal"
        assert o.cost_usd == approx(solved.cost_usd)
        assert o.unmet_t == solved.unmet_t == {}
        assert o.released_t == approx({"X": 100})


def test_listed_disruption_with_unmet_need_at_the_floor() -> None:
    """tests/hand.py disruption_case(penalty 10, min_coverage 0.25): the solve leaves
    45 t of the 60 t need of D1 unmet (at the floor); the draw gives back K[D1] and the
    45 t, first in 2027."""
    inputs = disruption_case(10, 0.25)
    result, plan = plan_of(inputs)
    (solved,) = [f for f in result.futures if f.future == "D1"]
    assert solved.unmet_t == approx({"X": 45})
    (o,) = Evaluator(build_params(inputs), [plan]).evaluate(listed(inputs)[0])
    assert o.status == "optimal"
    assert o.cost_usd == approx(solved.cost_usd)
    assert o.unmet_t == approx(solved.unmet_t)
    assert o.first_unmet_year == solved.first_unmet_year == {"X": 2027}
    assert o.floor_missed_t == {}


def test_partial_cut_and_demand_surge() -> None:
    """Check B's plan (100 t of B bought in 2026 and held). Draw: CN at 50 % in 2027,
    demand x1.2: need = 100 * (1.2 - 0.5) = 70 t. Releasing 70 t from stock costs
    nothing now and leaves 30 t to hold (30 USD); buying from B at 5 and releasing it
    would cost 350 and keep 100 t (100 USD). K = 500 + 100 (the plan's 2026) + 30 = 630,
    nothing unmet."""
    inputs = check_b()
    _r, plan = plan_of(inputs)
    (o,) = Evaluator(build_params(inputs), [plan]).evaluate(ban(mult=1.2, a=0.5))
    assert o.status == "optimal"
    assert o.cost_usd == approx(630)
    assert o.need_t == approx({"X": 70})
    assert o.released_t == approx({"X": 70})
    assert o.unmet_t == {}
    assert o.worst_cover == approx({"X": 1.0})


def test_shortfall_at_crisis_prices() -> None:
    """Draw: CN cut off in 2027, demand x2.5, prices x1.5: need 250 t. The plan's 100 t
    are released; A (US, 14 USD x 1.5 = 21 < the 40 USD penalty) sells its 100 t, shipped
    and released; 50 t stay unmet. K = 600 + 100 * 21 + 50 * 40 = 4700; penalty 2000."""
    inputs = check_b()
    _r, plan = plan_of(inputs)
    p = build_params(inputs)
    d = ban(mult=2.5, pmult=1.5)
    for o in (Evaluator(p, [plan]).evaluate(d)[0], solve_fresh(p, plan, d)):
        assert o.status == "optimal"
        assert o.cost_usd == approx(4700)
        assert o.unmet_t == approx({"X": 50})
        assert o.first_unmet_year == {"X": 2027}
        assert o.penalty_usd == approx(2000)
        assert o.worst_cover == approx({"X": 0.8})


def test_a_floor_the_plan_cannot_meet_is_missed_as_little_as_it_can_be() -> None:
    """As above with min_coverage 0.9 (the solve's plan is check B's: its floor of 90 t
    is met by the 100 t held). The draw's floor asks for 225 of the 250 t; at most 200 t
    can be covered (100 held, 100 from A): 25 t are left below the floor. The answer:
    status limits_missed, 25 t below the floor, 50 t unmet, K = 4700 as without the
    floor (the charge for the missed floor is not part of K). The whole LP built afresh,
    with the floor as a hard row, has no solution."""
    inputs = check_b(x={"min_coverage": 0.9})
    result, plan = plan_of(inputs)
    assert {f.future: f.cost_usd for f in result.futures} == approx({"base": 700, "ban": 600})
    p = build_params(inputs)
    d = ban(mult=2.5, pmult=1.5)
    (o,) = Evaluator(p, [plan]).evaluate(d)
    assert o.status == "limits_missed"
    assert o.floor_missed_t == approx({"X": 25})
    assert o.unmet_t == approx({"X": 50})
    assert o.cost_usd == approx(4700)
    assert solve_fresh(p, plan, d).status == "infeasible"
    (no_floor,) = Evaluator(p, [plan], floor=False).evaluate(d)
    assert no_floor.status == "optimal"
    assert no_floor.cost_usd == approx(4700)


def target_case():
    """Years 2026-2028, recovery_years 0, targets X 100 (2026), 150 (2027), 200 (2028),
    no demand. A (US) 14 USD, B (CN) 5 USD with capacity 50 in 2028; one site, holding 1.
    The plan (unique): B buys 100 in 2026, 50 in 2027 and 50 in 2028 (buying earlier
    only adds holding); K[base] = 600 + 400 + 450 = 1450."""
    return build(
        end=2028,
        settings={"recovery_years": 0},
        materials=[{"material": "X", "shortfall_penalty_usd_per_t": 40}],
        sources=[source("A", 14, 100), source("B", 5, 200, country="CN")],
        sites=[site("H", hold=1)],
        targets=[
            {"material": "X", "year": t, "min_stock_t": v}
            for t, v in ((2026, 100), (2027, 150), (2028, 200))
        ],
        source_capacity=[
            {"source": "B", "year": 2028, "capacity_units_per_yr": 50},
            {"source": "A", "year": 2028, "capacity_units_per_yr": 0},
        ],
    )


def test_a_target_that_cannot_be_restored_is_missed() -> None:
    """Draw: US and CN cut off in 2027 (one year). The 2027 target is suspended, the
    2028 one (200 t) holds again (recovery 0). In 2027 nothing can be bought: 100 t held
    (100 USD); in 2028 B sells its 50 t (250 USD), 150 t held (150 USD): the target is
    missed by 50 t. K = 600 + 100 + 400 = 1100, status limits_missed."""
    inputs = target_case()
    result, plan = plan_of(inputs)
    assert {f.future: f.cost_usd for f in result.futures} == approx({"base": 1450})
    d = Draw(0, 2027, 1, 1.0, 1.0, (("*", "country", "CN", 0.0), ("*", "country", "US", 0.0)))
    (o,) = Evaluator(build_params(inputs), [plan]).evaluate(d)
    assert o.status == "limits_missed"
    assert o.target_missed_t == approx({"X": 50})
    assert o.cost_usd == approx(1100)
    assert o.unmet_t == {}


def test_reuse_rebuild_and_fresh_agree_on_many_draws() -> None:
    """Draws of every start year, duration, multiplier and availability: the reusable
    evaluator (in one block, warm), a new HiGHS model per draw and the whole LP of the
    draw give the same K and unmet need (where the exact LP has a solution)."""
    inputs = small_case()
    _r, plan = plan_of(inputs)
    p = build_params(inputs)
    draws = [
        Draw(i, start, dur, mult, pm, (("*", "country", "CN", a), ("Y", "country", "CA", b)))
        for i, (start, dur, mult, pm, a, b) in enumerate(
            [
                (2026, 1, 1.0, 1.0, 0.0, 1.0),
                (2027, 2, 1.2, 1.5, 0.3, 0.8),
                (2027, 3, 1.0, 2.0, 0.0, 0.5),
                (2028, 1, 1.4, 1.2, 0.5, 1.0),
                (2028, 2, 1.0, 1.0, 0.1, 1.0),
                (2029, 2, 1.1, 1.3, 0.0, 0.2),
                (2030, 1, 1.0, 3.0, 0.2, 0.9),
                (2027, 1, 1.3, 1.0, 0.6, 0.6),
            ]
        )
    ]
    reuse = Evaluator(p, [plan])
    reuse.begin(0)
    rebuild = Evaluator(p, [plan], reuse=False)
    exact = 0
    for d in draws:
        (a,) = reuse.evaluate(d)
        (b,) = rebuild.evaluate(d)
        c = solve_fresh(p, plan, d)
        assert a.status == b.status
        assert a.cost_usd == pytest.approx(b.cost_usd, rel=1e-7)
        assert a.unmet_t == pytest.approx(b.unmet_t, rel=1e-6, abs=1e-6)
        if a.status == "optimal":
            exact += 1
            assert c.status == "optimal"
            assert a.cost_usd == pytest.approx(c.cost_usd, rel=1e-7)
            assert a.unmet_t == pytest.approx(c.unmet_t, rel=1e-6, abs=1e-6)
        else:
            assert c.status == "infeasible"
    assert exact >= 4
