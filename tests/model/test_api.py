"""The Python API (stockpile.api) on the hand-solved checks of tests/hand.py.

Every expected number is derived by hand in the docstrings (from MODEL.md only, as in
tests/model/families/), never pasted from what the code printed. The frames are also
held to the SolveResult they come from (each expected column sums to its part).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import stockpile.api as sp
from hand import approx, check_b, hand_case


@pytest.fixture(scope="module")
def a() -> sp.Solution:
    return sp.solve(hand_case())


@pytest.fixture(scope="module")
def b() -> sp.Solution:
    return sp.solve(check_b())


def _by(df: pd.DataFrame, *keys: str, value: str) -> dict[tuple, float]:
    return {tuple(r[k] for k in keys): r[value] for _, r in df.iterrows()}


def test_hand_check_a_frames(a: sp.Solution) -> None:
    """Hand check A (README): A 10 USD/t cap 60, B 12 USD/t cap 100, holding 0.5, target
    150 t at the end of 2027. Cheapest tonne first: A2027 (10.5), A2026 (11), B2027
    (12.5): A buys 60 and 60, B 30 in 2027; stock 60 then 150; cost 1560 + 105 = 1665;
    the target's dual is a B2027 tonne: 12.5 USD/t."""
    assert a.status == "optimal" and a.has_plan
    assert a.expected_cost_usd == approx(1665)
    assert a.objective_usd == approx(1665)
    assert a.parts_usd["purchase_usd"] == approx(1560)
    assert a.parts_usd["holding_usd"] == approx(105)
    buys = _by(a.purchases(future="base"), "source", "year", value="activity [units]")
    assert buys == approx({("A", 2026): 60, ("A", 2027): 60, ("B", 2027): 30})
    stock = _by(a.stock(), "future", "year", value="stock [t]")
    assert stock == approx({("base", 2026): 60, ("base", 2027): 150})
    prices = a.shadow_prices()
    target = prices[prices["family"] == "stock_target"]
    assert list(target["dual [USD per unit]"]) == approx([12.5])
    assert list(target["unit"]) == ["USD/t"]
    paths = a.stock_paths("X")
    assert list(paths["future"]) == ["base", "base"]
    assert list(paths["stock [t]"]) == approx([60, 150])
    assert math.isnan(paths["target [t]"].iloc[0])
    assert paths["target [t]"].iloc[1] == approx(150)


def test_frames_add_up_to_the_result(b: sp.Solution) -> None:
    """Each expected money column sums to its part of E; probability x K sums to E."""
    parts = b.parts_usd
    assert b.purchases()["expected cost [USD]"].sum() == approx(parts["purchase_usd"])
    assert b.stock()["expected holding cost [USD]"].sum() == approx(parts["holding_usd"])
    assert b.coverage()["expected penalty [USD]"].sum() == approx(parts["shortfall_penalty_usd"])
    futures = b.futures()
    assert futures["probability x cost [USD]"].sum() == approx(b.expected_cost_usd)
    assert b.to_json()["expected_cost_usd"] == approx(b.expected_cost_usd)


def test_hand_check_b_futures_coverage_and_drawdown(b: sp.Solution) -> None:
    """Hand check B: the plan buys 100 t from B in 2026 (5 + 1 + 0.5 x 1 = 6.5 per tonne
    beats 0.5 x 14 and 0.5 x 40) and holds it; the ban (probability 0.5, 2027) releases
    the 100 t. K[base] = 500 + 100 + 100 = 700, K[ban] = 500 + 100 = 600, E = 650. The
    ban's need of 100 t in 2027 is released in full; its stock falls to 0 (drawdown);
    its cover row's dual is 6.5 USD/t, 13 if the ban happens."""
    assert b.expected_cost_usd == approx(650)
    k = _by(b.futures(), "future", value="cost K [USD]")
    assert k == approx({("base",): 700, ("ban",): 600})
    cov = b.coverage()
    assert len(cov) == 1
    row = cov.iloc[0]
    assert (row["future"], row["material"], row["year"]) == ("ban", "X", 2027)
    assert (row["need [t]"], row["released [t]"], row["unmet [t]"]) == approx((100, 100, 0))
    assert b.unmet().empty
    released = _by(b.releases(), "future", "year", value="released [t]")
    assert released == approx({("ban", 2027): 100})
    paths = b.stock_paths()
    ban = paths[paths["future"] == "ban"]
    assert list(ban["stock [t]"]) == approx([100, 0])
    assert list(paths[paths["future"] == sp.BASE]["stock [t]"]) == approx([100, 100])
    prices = b.shadow_prices()
    cover = prices[prices["family"] == "disruption_cover"].iloc[0]
    assert cover["dual [USD per unit]"] == approx(6.5)
    assert cover["conditional [USD per unit]"] == approx(13)


def test_a_scenario_made_in_code() -> None:
    """Hand check A with the 2027 target set to 120 t: A's 60 + 60 suffice (no B);
    cost 600 x 2 + holding 0.5 x (60 + 120) = 1290."""
    inputs = hand_case()
    lower = [sp.Override("lower", "Targets", "X|2027", "set", "min_stock_t", 120.0)]
    changed = sp.apply_scenario(inputs, lower)
    assert changed.targets[0].min_stock_t == 120
    assert inputs.targets[0].min_stock_t == 150  # the inputs themselves are unchanged
    sol = sp.solve(inputs, scenario=lower)
    assert sol.expected_cost_usd == approx(1290)
    assert sol.scenario is not None and sol.scenario.name == "lower"
    assert sol.provenance["scenario"] == "lower"
    assert [c.after for c in sol.changes] == [120.0]


def test_compare_a_sweep_of_inputs() -> None:
    """compare() with variants made in code: the base (1665) and the 120 t target
    (1290, derived above): change -375 USD."""
    inputs = hand_case()
    lower = sp.apply_scenario(
        inputs, [sp.Override("lower", "Targets", "X|2027", "set", "min_stock_t", 120.0)]
    )
    table = sp.compare(inputs, {"target 120": lower})
    assert list(table["scenario"]) == ["base", "target 120"]
    assert list(table["objective [USD]"]) == approx([1665, 1290])
    assert list(table["change [USD]"]) == approx([0, -375])
    assert list(table["purchase [USD]"]) == approx([1560, 1200])


def test_cost_of_security_and_stress_listed(b: sp.Solution) -> None:
    """The plan that ignores disruptions (probability 0, min_coverage 0) buys nothing in
    hand check B (no target): K[base] = 0, so the plan's premium in peacetime is 700.
    Stressed with the listed ban: the plan's future costs K = 600 (as solved); the
    ignoring plan must buy the need from A in 2027: 100 x 14 = 1400 (< 100 x 40 unmet).
    What planning for the ban is worth on that sample: 1400 - 600 = 800."""
    ignoring = sp.solve(sp.ignoring_disruptions(check_b()))
    k0 = _by(ignoring.futures(), "future", value="cost K [USD]")[("base",)]
    assert k0 == approx(0)
    k = _by(b.futures(), "future", value="cost K [USD]")[("base",)]
    assert k - k0 == approx(700)

    result = sp.stress(check_b(), listed=True)
    assert result.status == "optimal"
    assert result.samples == 1
    samples = result.sample_table()
    assert list(samples["plan: cost [USD]"]) == approx([600])
    assert list(samples["ignores_disruptions: cost [USD]"]) == approx([1400])
    assert result.vss_usd == approx(800)
    plans = result.plans()
    assert len(plans) == 2
    assert set(result.materials()["material"]) == {"X"}


def test_workbook_round_trip_and_report(tmp_path: Path) -> None:
    """Inputs written as a workbook read back the same and solve the same (1665); the
    report is written where asked and the input is never overwritten."""
    path = sp.write_workbook(hand_case(), tmp_path / "a.xlsx")
    with pytest.raises(FileExistsError):
        sp.write_workbook(hand_case(), path)
    assert sp.validate(path) == []
    _inputs, warnings = sp.read_workbook(path)
    assert warnings == []
    sol = sp.solve(path, report=tmp_path / "r.xlsx")
    assert sol.expected_cost_usd == approx(1665)
    assert sol.report_path == tmp_path / "r.xlsx" and sol.report_path.exists()
    assert sol.provenance["input_file"] == "a.xlsx"
    with pytest.raises(sp.InputError):
        sp.solve(path, report=path)
    model = sol.pyomo_model()
    assert set(model.YEARS) == {2026, 2027}


def test_bad_input_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(sp.InputError) as exc:
        sp.read_workbook(tmp_path / "missing.xlsx")
    assert exc.value.problems
    with pytest.raises(sp.InputError):
        sp.solve(hand_case(), scenario="no_such_scenario")


def test_bundled_scenarios_are_listed() -> None:
    """README "Bundled scenarios" names five."""
    names = set(sp.scenarios()["name"])
    assert {
        "seabed_delay_3y",
        "graphite_export_ban",
        "budget_cut_30pct",
        "no_recycling",
        "price_spike_rare_earths",
    } <= names
