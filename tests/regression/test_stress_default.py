"""The bundled dataset under ``stockpile stress``: its own listed disruptions, as the only
samples, give back every future of its solve; its description of uncertainty is valid
and every sample drawn from it gets an answer."""

from __future__ import annotations

import pytest

from stockpile.data.default_dataset import default_inputs
from stockpile.pipeline import solve_inputs
from stockpile.solver.highs import SolveOptions
from stockpile.stress.plans import plan_values
from stockpile.stress.recourse import Evaluator
from stockpile.stress.uncertainty import draw, listed, uncertainty


@pytest.fixture(scope="module")
def solved():
    inputs = default_inputs()
    params, result = solve_inputs(inputs, SolveOptions())
    assert result.status == "optimal"
    return inputs, params, result


def test_listed_disruptions_give_back_the_solve(solved) -> None:
    inputs, params, result = solved
    ev = Evaluator(params, [plan_values("plan", "plan", result)])
    futures = {f.future: f for f in result.futures}
    assert ev.base_cost("plan") == pytest.approx(futures["base"].cost_usd, rel=1e-9)
    for d, rec in zip(listed(inputs), inputs.disruptions, strict=True):
        (o,) = ev.evaluate(d)
        f = futures[rec.disruption]
        assert o.status == "optimal", rec.disruption
        assert o.cost_usd == pytest.approx(f.cost_usd, rel=1e-9), rec.disruption
        assert o.unmet_t == pytest.approx(f.unmet_t, abs=1e-6)


def test_the_bundled_uncertainty_is_sampled_and_answered(solved) -> None:
    inputs, params, result = solved
    u = uncertainty(inputs)
    # one type per listed disruption, hitting what it hits (availability ranges around it)
    assert [k.name for k in u.types] == [d.disruption for d in inputs.disruptions]
    listed_hits = {
        (i.disruption, i.material, i.group_type, i.group) for i in inputs.disruption_impacts
    }
    type_hits = {(k.name, i.material, i.group_type, i.group) for k in u.types for i in k.impacts}
    assert type_hits == listed_hits
    ev = Evaluator(params, [plan_values("plan", "plan", result)])
    ev.begin(object())
    for i in range(6):
        (o,) = ev.evaluate(draw(u, 0, i))
        assert o.answered, (i, o.status)
