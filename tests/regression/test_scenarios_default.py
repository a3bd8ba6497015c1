"""The bundled scenarios on the default dataset: each runs, and every way of running it
(one warm Resolver, worker processes, a fresh rebuild) gives the same answer.

The options bound each solve (a time limit; a short IIS budget, since the diagnosis is
not what is compared) so that a slow or stuck solve fails fast instead of hanging. The
limit leaves room for the infeasible what-ifs, whose proof takes HiGHS ~7 s of dual
simplex and interior point on an idle 2-core machine (and more under load).
"""

from __future__ import annotations

import pytest

from stockpile.data.default_dataset import default_inputs
from stockpile.data.inputs import Inputs
from stockpile.pipeline import solve_inputs
from stockpile.scenarios.apply import apply_scenario
from stockpile.scenarios.bundled import NAMES, bundled_scenarios
from stockpile.scenarios.runner import Outcome, run_scenarios
from stockpile.solver.highs import SolveOptions

OPTIONS = SolveOptions(time_limit=30.0, iis_time_limit=1.0)
REL = 1e-7


@pytest.fixture(scope="module")
def tasks() -> list[tuple[str, Inputs]]:
    base = default_inputs()
    return [("base", base)] + [(n, apply_scenario(base, s)) for n, s in bundled_scenarios().items()]


@pytest.fixture(scope="module")
def serial(tasks: list[tuple[str, Inputs]]) -> list[Outcome]:
    return run_scenarios(tasks, OPTIONS, workers=1)


def _same(a: Outcome, b: Outcome) -> None:
    assert (a.name, a.status) == (b.name, b.status), (a.message, b.message)
    if a.has_plan:
        assert a.objective_usd == pytest.approx(b.objective_usd, rel=REL), a.name


def test_every_bundled_scenario_runs(serial: list[Outcome]) -> None:
    assert [o.name for o in serial] == ["base", *NAMES]
    by_name = {o.name: o for o in serial}
    assert by_name["base"].status == "optimal"
    for o in serial:
        assert o.status in ("optimal", "infeasible"), (o.name, o.status, o.message)
        if o.status == "infeasible":
            assert o.diagnosis, o.name  # never silently without a reason


def test_scenarios_change_what_they_say(serial: list[Outcome]) -> None:
    by_name = {o.name: o for o in serial}
    base = by_name["base"]
    delay = by_name["seabed_delay_3y"]
    # a later seabed start never makes the plan cheaper, nor buys more nodule metal
    assert delay.objective_usd >= base.objective_usd * (1 - REL)

    def seabed(o: Outcome) -> float:
        return sum(v for (_m, s), v in o.deliveries_t.items() if s.startswith("seabed"))

    assert seabed(delay) <= seabed(base) + 1e-6
    # a permanent graphite ban, and no licensed graphite in the wider ban, cost more
    assert by_name["graphite_export_ban"].objective_usd > base.objective_usd
    assert by_name["price_spike_rare_earths"].objective_usd > base.objective_usd
    # the two what-ifs without a plan: a 30 % budget cut cannot pay for the 2027 ban's
    # floors; without recycling, gallium cannot meet its floor in a 2027 ban
    assert by_name["budget_cut_30pct"].status == "infeasible"
    assert by_name["no_recycling"].status == "infeasible"


def test_warm_resolver_equals_a_fresh_rebuild(
    tasks: list[tuple[str, Inputs]], serial: list[Outcome]
) -> None:
    for (name, inputs), warm in zip(tasks, serial, strict=True):
        _, cold = solve_inputs(inputs, OPTIONS)
        assert cold.status == warm.status, (name, cold.message, warm.message)
        if cold.has_plan:
            assert warm.objective_usd == pytest.approx(cold.objective_usd, rel=REL), name


def test_worker_processes_equal_serial(
    tasks: list[tuple[str, Inputs]], serial: list[Outcome]
) -> None:
    parallel = run_scenarios(tasks, OPTIONS, workers=2)
    assert len({o.worker for o in parallel}) == 2  # really two processes
    for a, b in zip(serial, parallel, strict=True):
        _same(a, b)
