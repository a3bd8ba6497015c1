"""The benchmark generator (benchmarks/generate.py): the S instance is valid, survives
the workbook round trip, is feasible by its own witness plan, and solves optimal."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from oracle import check_plan, complete_plan, plan_cost
from stockpile.data.schema import BLOCS, GROUP_TYPES, SOURCE_TYPES
from stockpile.data.validate import check_inputs
from stockpile.pipeline import optimize

GENERATE = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"


@pytest.fixture(scope="module")
def gen():
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def small(gen):
    return gen.instance_and_witness("S", 0)


def _rows(inputs):
    return {
        attr: [r.model_dump(exclude={"row"}) for r in getattr(inputs, attr)]
        for attr in type(inputs).model_fields
        if attr != "settings"
    }


def test_size_and_determinism(gen, small):
    inputs, _ = small
    size = gen.SIZES["S"]
    assert len(inputs.materials) == size.materials
    assert len(inputs.sources) == size.sources
    assert len(inputs.sites) == size.sites
    assert len(inputs.years) == size.years
    assert len(inputs.disruptions) == size.disruptions
    assert _rows(gen.generate("S", 0)) == _rows(inputs)
    assert _rows(gen.generate("S", 1)) != _rows(inputs)
    with pytest.raises(ValueError, match="unknown size"):
        gen.generate("XXL")


def test_every_feature_is_present(small):
    inputs, _ = small
    n_outputs: dict[str, int] = {}
    for o in inputs.source_outputs:
        n_outputs[o.source] = n_outputs.get(o.source, 0) + 1
    assert any(2 <= n <= 4 for n in n_outputs.values())  # co-product sources
    assert {s.type for s in inputs.sources} == set(SOURCE_TYPES)
    assert {c.bloc for c in inputs.countries} == set(BLOCS)
    assert inputs.source_capacity
    t0 = inputs.settings.start_year
    assert any(s.first_year > t0 for s in inputs.sites)
    assert len(inputs.routes) < len(inputs.sources) * len(inputs.sites)
    assert inputs.initial_stock and inputs.targets and inputs.budget
    kinds = {(r.group_type, r.limit) for r in inputs.rules}
    assert {("bloc", "max_share"), ("site", "max_share")} <= kinds
    assert any(limit == "min_share" for _, limit in kinds)
    assert inputs.demand and inputs.supply_mix
    assert {i.group_type for i in inputs.disruption_impacts} == set(GROUP_TYPES)
    # Version 2: futures with probabilities summing to at most 1, dearer purchases in
    # some windows, recovery years, expandable sources; risk neutral.
    probs = [d.probability for d in inputs.disruptions]
    assert all(p > 0 for p in probs) and sum(probs) <= 0.9 + 1e-12
    assert any(d.price_multiplier > 1 for d in inputs.disruptions)
    assert inputs.settings.recovery_years >= 1
    assert inputs.settings.risk_weight == 0
    expandable = [s for s in inputs.sources if s.max_expansion_units > 0]
    assert expandable and all(s.expansion_cost_usd_per_unit > 0 for s in expandable)
    assert all(0 <= s.expansion_lead_years <= 2 for s in expandable)
    assert any(m.min_coverage > 0 for m in inputs.materials)


def test_validates_clean_and_round_trips(small, tmp_path):
    inputs, _ = small
    assert check_inputs(inputs) == []
    reader = pytest.importorskip("stockpile.data.reader")
    from stockpile.data.template import write_workbook

    path = tmp_path / "S.xlsx"
    write_workbook(path, inputs)
    back, warnings = reader.read_workbook(path)
    assert warnings == []
    assert _rows(back) == _rows(inputs)


@pytest.fixture(scope="module")
def witness(small):
    """The witness's peacetime plan (the trunk) with each future's own decisions at
    their least cost (MODEL.md version 2: a plan decides every future too)."""
    inputs, plan = small
    full = complete_plan(inputs, plan)
    assert full is not None, "some future has no feasible decisions with this trunk"
    return full


def test_witness_plan_is_feasible(small, witness):
    """The plan the instance is built around meets every constraint (independent
    checker), so the instance is feasible whatever the solver says."""
    inputs, _ = small
    assert check_plan(inputs, witness) == []


def test_constructed_witness_is_feasible(small):
    """The generator's own witness (P and its decisions in every future, releases
    forced by min_coverage included) meets every constraint: the construction argument
    of the module docstring, checked independently."""
    inputs, plan = small
    assert any(v > 0 for v in plan["release"].values()) and plan["unmet"]
    assert check_plan(inputs, plan) == []


def test_solves_optimal_and_beats_the_witness(small, witness):
    inputs, _ = small
    result = optimize(inputs)
    assert result.status == "optimal"
    witness_cost = plan_cost(inputs, witness)["objective_usd"]
    assert result.objective_usd <= witness_cost * (1 + 1e-9)
