"""``stockpile stress`` end to end in Python: the same seed gives identical results with
1 worker, 2 worker processes and a Dask cluster; the workbook's own Disruptions,
stressed as the only samples, give back every future of the solve; the statistics
are those of the outcomes."""

from __future__ import annotations

import pytest

from hand import approx, disruption_case
from stockpile.stress.plans import IGNORES, PLAN, ignoring_disruptions, solve_plans
from stockpile.stress.run import evaluate, make_job
from stockpile.stress.summary import summarize
from stress_cases import small_case, with_types

SAMPLES, BLOCK = 12, 4


@pytest.fixture(scope="module")
def job():
    inputs = with_types(small_case())
    solved = solve_plans(inputs)
    return make_job(inputs, solved.plans, seed=5)


def _numbers(run):
    return [
        (o.sample, o.plan, o.status, o.cost_usd, sorted(o.unmet_t.items()), o.warm)
        for o in run.outcomes
    ]


@pytest.fixture(scope="module")
def serial(job):
    return evaluate(job, SAMPLES, workers=1, block=BLOCK)


def test_two_workers_give_identical_results(job, serial) -> None:
    run = evaluate(job, SAMPLES, workers=2, block=BLOCK)
    assert run.workers == "2 processes"
    assert run.draws == serial.draws
    assert _numbers(run) == _numbers(serial)


def test_dask_gives_identical_results(job, serial) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        run = evaluate(job, SAMPLES, dask=client, block=BLOCK)
    assert run.draws == serial.draws
    assert _numbers(run) == _numbers(serial)


def test_blocks_warm_start_and_cover_every_sample(serial) -> None:
    assert [d.sample for d in serial.draws] == list(range(SAMPLES))
    assert {(o.sample, o.plan) for o in serial.outcomes} == {
        (i, p) for i in range(SAMPLES) for p in (PLAN, IGNORES)
    }
    assert any(o.warm for o in serial.outcomes)  # a block re-solves warm
    assert sum(d.disrupted for d in serial.draws) >= SAMPLES // 2


def test_the_summary_counts_the_outcomes(job, serial) -> None:
    summary = summarize(
        serial,
        ("X", "Y"),
        tuple(range(2026, 2031)),
        {PLAN: "plan", IGNORES: "ign"},
        {PLAN: 0.0, IGNORES: 0.0},
        5,
    )
    outs = [o for o in serial.outcomes if o.plan == PLAN and o.answered]
    risk = summary.plans[PLAN]
    assert risk.answered == len(outs)
    for m in ("X", "Y"):
        values = sorted(o.unmet_t.get(m, 0.0) for o in outs)
        assert risk.materials[m].probability == approx(sum(v > 0 for v in values) / len(outs))
        assert risk.materials[m].expected_t == approx(sum(values) / len(outs))
        assert risk.materials[m].worst_t == approx(values[-1])
        # the 95th percentile of 12 values is the 12th smallest (ceil(0.95 * 12) = 12)
        assert risk.materials[m].p95_t == approx(values[-1])
    costs = [o.cost_usd for o in outs]
    assert risk.expected_cost_usd == approx(sum(costs) / len(costs))
    ign = {o.sample: o.cost_usd for o in serial.outcomes if o.plan == IGNORES}
    vss = sum(ign[o.sample] - o.cost_usd for o in outs) / len(outs)
    assert summary.vss_usd(PLAN, IGNORES) == pytest.approx(vss)


@pytest.mark.parametrize("case", ["check_b", "floor", "small"])
def test_listed_disruptions_as_samples_give_back_the_solve(case: str) -> None:
    """Every future of the solve (K[f] and unmet need per material): the listed
    disruptions are the samples. (The plan that ignores disruptions was solved without
    coverage floors and is evaluated with them, so its futures are not its solve's.)"""
    from hand import check_b

    inputs = {"check_b": check_b, "floor": lambda: disruption_case(10, 0.25), "small": small_case}[
        case
    ]()
    solved = solve_plans(inputs)
    job = make_job(inputs, solved.plans, seed=0, sampled=False)
    run = evaluate(job, len(inputs.disruptions), workers=1)
    for name in (PLAN,):
        futures = {f.future: f for f in solved.results[name].futures}
        outcomes = [o for o in run.outcomes if o.plan == name]
        assert len(outcomes) == len(inputs.disruptions)
        for d, o in zip(inputs.disruptions, outcomes, strict=True):
            f = futures[d.disruption]
            assert o.status == "optimal", (name, d.disruption)
            assert o.cost_usd == pytest.approx(f.cost_usd, rel=1e-9), (name, d.disruption)
            assert o.unmet_t == pytest.approx(f.unmet_t, abs=1e-6)
            assert o.first_unmet_year == f.first_unmet_year


def test_the_plan_that_ignores_disruptions() -> None:
    inputs = ignoring_disruptions(disruption_case(10, 0.25))
    assert [d.probability for d in inputs.disruptions] == [0.0]
    assert [m.min_coverage for m in inputs.materials] == [0.0]
