"""Scenario overrides (parse, check, apply), the runner, the comparison and the CLI.

Everything here runs on the hand-solvable case of MODEL.md (optimum 1665 USD), so each
solve takes milliseconds; the default dataset is in tests/regression.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from stockpile.cli import app
from stockpile.data.inputs import Inputs
from stockpile.data.problems import InputError, Problem
from stockpile.data.reader import read_workbook
from stockpile.data.template import write_scenario_workbook, write_workbook
from stockpile.pipeline import solve_inputs
from stockpile.scenarios import bundled
from stockpile.scenarios.apply import apply_scenario
from stockpile.scenarios.overrides import Override, Scenario
from stockpile.scenarios.runner import from_plain, run_scenarios, to_plain
from stockpile.scenarios.sheet import read_scenarios, scenarios_from_rows
from stockpile.solver.highs import SolveOptions

runner = CliRunner()


def hand_inputs(**extra: Any) -> Inputs:
    """MODEL.md's hand case: A 10 USD/t cap 60, B 12 USD/t cap 100, target 150 t in 2027
    (plus a budget that does not bind)."""
    return Inputs.build(
        {"start_year": 2026, "end_year": 2027},
        materials=[{"material": "X"}],
        countries=[{"country": "US", "bloc": "domestic"}, {"country": "CA", "bloc": "allied"}],
        sources=[
            {
                "source": "A",
                "type": "market",
                "country": "US",
                "cost_usd_per_unit": 10,
                "capacity_units_per_yr": 60,
            },
            {
                "source": "B",
                "type": "allied_mine",
                "country": "CA",
                "cost_usd_per_unit": 12,
                "capacity_units_per_yr": 100,
            },
        ],
        source_outputs=[
            {"source": "A", "material": "X", "yield_t_per_unit": 1},
            {"source": "B", "material": "X", "yield_t_per_unit": 1},
        ],
        sites=[{"site": "L", "capacity_m3": 0, "holding_cost_usd_per_t_yr": 0.5}],
        routes=[{"source": "A", "site": "L"}, {"source": "B", "site": "L"}],
        targets=[{"material": "X", "year": 2027, "min_stock_t": 150}],
        budget=[{"year": 2026, "budget_usd": 5000}, {"year": 2027, "budget_usd": 5000}],
        **extra,
    )


def row(sheet: str, key: str, op: str, column: str = "", value: Any = None) -> dict[str, Any]:
    return {"scenario": "s", "sheet": sheet, "key": key, "op": op, "column": column, "value": value}


def apply(*rows: dict[str, Any], base: Inputs | None = None) -> Inputs:
    return apply_scenario(base or hand_inputs(), scenarios_from_rows(rows)["s"])


def problems_of(*rows: dict[str, Any], base: Inputs | None = None) -> list[Problem]:
    with pytest.raises(InputError) as info:
        apply(*rows, base=base)
    return [p for p in info.value.problems if p.severity == "error"]


def objective(inputs: Inputs) -> float:
    _, result = solve_inputs(inputs, SolveOptions())
    assert result.status == "optimal", result.message
    return result.objective_usd


# --- each op ------------------------------------------------------------------------------


def test_set_scale_add_on_one_row_and_every_row() -> None:
    new = apply(
        row("Sources", "A", "set", "capacity_units_per_yr", 80),
        row("Sources", "*", "scale", "cost_usd_per_unit", 2),
        row("Targets", "X|2027", "add", "min_stock_t", 10),
    )
    a, b = new.sources
    assert (a.capacity_units_per_yr, a.cost_usd_per_unit) == (80.0, 20.0)
    assert (b.capacity_units_per_yr, b.cost_usd_per_unit) == (100.0, 24.0)
    assert new.targets[0].min_stock_t == 160.0
    base = hand_inputs()
    assert new.materials == base.materials and new.sites == base.sites  # untouched
    # A: 80 + 80 at 20, no more B needed: 3200 + holding 0.5 * (80 + 160)
    assert objective(new) == pytest.approx(3200 + 120, rel=1e-9)


def test_overrides_apply_in_order() -> None:
    new = apply(
        row("Sources", "A", "set", "cost_usd_per_unit", 1),
        row("Sources", "A", "add", "cost_usd_per_unit", 2),
        row("Sources", "A", "scale", "cost_usd_per_unit", 10),
    )
    assert new.sources[0].cost_usd_per_unit == 30.0


def test_add_on_a_year_key_column_with_a_wildcard_part() -> None:
    base = hand_inputs(source_capacity=[{"source": "B", "year": 2026, "capacity_units_per_yr": 5}])
    new = apply(
        row("Sources", "B", "add", "first_year", 1),
        row("SourceCapacity", "B|*", "add", "year", 1),
        base=base,
    )
    assert new.sources[1].first_year == 2027
    assert [(r.source, r.year) for r in new.source_capacity] == [("B", 2027)]


def test_delete_row_and_add_row() -> None:
    new = apply(
        row("Budget", "2026", "delete_row"),
        row(
            "Sources",
            "C",
            "add_row",
            value="type=recycling; country=US; cost_usd_per_unit=1; capacity_units_per_yr=1000",
        ),
        row("SourceOutputs", "C|X", "add_row", value="yield_t_per_unit=1"),
        row("Routes", "C|L", "add_row"),  # every other column has a default
    )
    assert [b.year for b in new.budget] == [2027]
    c = new.sources[-1]
    assert (c.source, c.type, c.first_year, c.activity_unit) == ("C", "recycling", 2026, "t")
    assert new.routes[-1].cost_usd_per_t == 0.0
    # all 150 t from C at 1 USD/t in 2027 (no holding before the end of 2027): 150 + 75
    assert objective(new) == pytest.approx(150 + 75, rel=1e-9)


def test_add_row_on_a_sheet_without_unique_key_uses_its_identifying_columns() -> None:
    base = hand_inputs(
        disruptions=[
            {"disruption": "D", "probability": 0.5, "start_year": 2027, "duration_years": 1}
        ]
    )
    new = apply(
        row("DisruptionImpacts", "D|X|country|CA", "add_row", value="availability=0"), base=base
    )
    (imp,) = new.disruption_impacts
    assert (imp.disruption, imp.material, imp.group_type, imp.group, imp.availability) == (
        "D",
        "X",
        "country",
        "CA",
        0.0,
    )
    again = apply(
        row("DisruptionImpacts", "D|X|country|CA", "add_row", value="availability=0"),
        row("DisruptionImpacts", "D|*|*|CA", "set", "availability", 0.25),
        base=base,
    )
    assert again.disruption_impacts[0].availability == 0.25


def test_settings_are_named_by_the_setting() -> None:
    new = apply(
        row("Settings", "discount_rate", "set", "value", 0.05),
        row("Settings", "discount_rate", "add", "", 0.01),
    )
    assert new.settings.discount_rate == pytest.approx(0.06)


# --- bad overrides: the exact Scenarios row -----------------------------------------------


@pytest.fixture
def scenario_book(tmp_path: Path):
    """Write rows to a workbook (as Scenarios rows 2, 3, ...) and read them back."""

    def make(*rows: dict[str, Any]) -> Scenario:
        path = tmp_path / "scen.xlsx"
        write_scenario_workbook(path, rows, force=True)
        return read_scenarios(path, required=True)["s"]

    return make


BAD = [
    (
        row("Budgets", "*", "scale", "budget_usd", 0.7),
        "sheet",
        "Budgets",
        "scenario 's': unknown sheet 'Budgets'",
        "Use one of: Settings, Materials",
    ),
    (
        row("Budget", "*", "scale", "budget", 0.7),
        "column",
        "budget",
        "scenario 's': Budget has no column 'budget'",
        "Use one of: year, budget_usd.",
    ),
    (
        row("Budget", "*", "Scale", "budget_usd", 0.7),
        "op",
        "Scale",
        "scenario 's': unknown op 'Scale'",
        "Did you mean 'scale'?",
    ),
    (
        row("Budget", "*", "multiply", "budget_usd", 0.7),
        "op",
        "multiply",
        "scenario 's': unknown op 'multiply'",
        "Use one of: set, scale, add, delete_row, add_row.",
    ),
    (
        row("Budget", "*", "scale", "budget_usd", "0.7"),
        "value",
        "0.7",
        "scenario 's': expected a number (the factor, e.g. 0.7), found text",
        "The number is stored as text",
    ),
    (
        row("Sources", "A", "set", "capacity_units_per_yr", "lots"),
        "value",
        "lots",
        "scenario 's': expected a number >= 0, found text",
        "without units or other text",
    ),
    (
        row("Sources", "A", "set", "type", "mine"),
        "value",
        "mine",
        "scenario 's': type must be one of seabed, allied_mine, domestic_mine, recycling, market",
        "Enter one of",
    ),
    (
        row("Sources", "A", "add", "first_year", 1.5),
        "value",
        1.5,
        "scenario 's': expected a whole number (the amount), found 1.5",
        "Enter a whole number",
    ),
    (
        row("Sources", "A", "scale", "type", 2),
        "column",
        "type",
        "scenario 's': scale applies to number columns",
        "Use set",
    ),
    (
        row("Sources", "Z", "set", "cost_usd_per_unit", 1),
        "key",
        "Z",
        "scenario 's': no Sources row has the key 'Z'",
        "Write an existing key (source, e.g. A, B)",
    ),
    (
        row("Sources", "a", "set", "cost_usd_per_unit", 1),
        "key",
        "a",
        "scenario 's': no Sources row has the key 'a'",
        "Did you mean 'A'?",
    ),
    (
        row("Routes", "A", "set", "cost_usd_per_t", 1),
        "key",
        "A",
        "scenario 's': a Routes key has 2 part(s), source|site; found 1",
        "source|site",
    ),
    (
        row("Budget", "*", "delete_row", "budget_usd"),
        "column",
        "budget_usd",
        "scenario 's': delete_row takes no column",
        "Leave the column blank",
    ),
    (
        row("Budget", "2030", "add_row", value="budget=1"),
        "value",
        "budget=1",
        "scenario 's': Budget has no column 'budget'",
        "Use columns of Budget: budget_usd.",
    ),
    (
        row("Budget", "2030", "add_row", value="budget_usd"),
        "value",
        "budget_usd",
        "scenario 's': 'budget_usd' is not of the form column=value",
        "col=val; col=val",
    ),
    (
        row("Budget", "2030", "add_row"),
        "value",
        None,
        "scenario 's': the new row lacks the required column(s) budget_usd",
        "col=val",
    ),
    (
        row("Budget", "*", "add_row", value="budget_usd=1"),
        "key",
        "*",
        "scenario 's': add_row needs the new row's key, not *",
        "year",
    ),
    (
        row("Settings", "discount", "set", "value", 0.1),
        "key",
        "discount",
        "scenario 's': unknown setting 'discount'",
        "Use one of: start_year",
    ),
    (
        row("Settings", "start_year", "delete_row"),
        "op",
        "delete_row",
        "scenario 's': delete_row does not apply to Settings",
        "use set, scale or add",
    ),
    (
        row("Budget", "2026", "set", "budget_usd", None),
        "value",
        None,
        "scenario 's': the value is blank",
        "Enter the new value.",
    ),
]


@pytest.mark.parametrize(("bad", "column", "value", "message", "fix"), BAD)
def test_bad_override_names_its_scenarios_row(
    scenario_book: Any, bad: dict[str, Any], column: str, value: Any, message: str, fix: str
) -> None:
    good = row("Sources", "A", "set", "cost_usd_per_unit", 11)
    scenario = scenario_book(good, bad)  # the bad one is Excel row 3
    with pytest.raises(InputError) as info:
        apply_scenario(hand_inputs(), scenario)
    (p,) = [p for p in info.value.problems if p.severity == "error"]
    assert (p.sheet, p.row, p.column, p.value) == ("Scenarios", 3, column, value)
    assert p.message.startswith(message), p.message
    assert fix in p.fix, p.fix


def test_every_bad_override_of_a_scenario_is_reported_at_once() -> None:
    found = problems_of(
        row("Nope", "*", "set", "x", 1),
        row("Sources", "A", "frobnicate", "cost_usd_per_unit", 1),
        row("Sources", "A", "set", "nope", 1),
    )
    assert [p.column for p in found] == ["sheet", "op", "column"]


def test_a_value_out_of_range_after_applying_points_at_the_override() -> None:
    (p,) = problems_of(row("Sources", "A", "set", "capacity_units_per_yr", -5))
    assert (p.sheet, p.column, p.value) == ("Scenarios", "value", -5)
    assert "after this override, Sources key A, column capacity_units_per_yr" in p.message
    assert "must be >= 0" in p.message


def test_a_scale_that_breaks_a_range_reports_the_value_it_produced() -> None:
    base = apply(
        row(
            "Rules",
            "r",
            "add_row",
            value="material=X; group_type=bloc; group=allied; limit=max_share; share=0.6",
        )
    )
    (p,) = problems_of(row("Rules", "r", "scale", "share", 2), base=base)
    assert p.sheet == "Scenarios" and p.value == 2
    assert "share must be in [0, 1] (found 1.2)" in p.message


def test_a_deletion_that_breaks_a_reference_is_reported_where_the_reference_is() -> None:
    found = problems_of(row("Sources", "B", "delete_row"))
    assert {(p.sheet, p.column, p.value) for p in found} == {
        ("SourceOutputs", "source", "B"),
        ("Routes", "source", "B"),
    }
    assert all(p.message.startswith("scenario 's', after its overrides (key B|") for p in found)


def test_an_added_row_that_duplicates_a_key_points_at_the_add_row() -> None:
    (p,) = problems_of(row("Routes", "A|L", "add_row", value="cost_usd_per_t=3"))
    assert (p.sheet, p.column, p.value) == ("Scenarios", "value", "cost_usd_per_t=3")
    assert "the Routes row it adds, column source: duplicate source + site" in p.message


def test_an_added_row_with_an_unknown_reference() -> None:
    (p,) = problems_of(row("SourceCapacity", "Q|2027", "add_row", value="capacity_units_per_yr=3"))
    assert p.sheet == "Scenarios" and "Sources has no source 'Q'" in p.message


def test_an_added_disruption_that_lifts_the_probabilities_over_1_points_at_the_add_row() -> None:
    base = hand_inputs(
        disruptions=[
            {"disruption": "ban", "probability": 0.6, "start_year": 2027, "duration_years": 1}
        ]
    )
    added = "probability=0.5; start_year=2027; duration_years=1"
    (p,) = problems_of(row("Disruptions", "war", "add_row", value=added), base=base)
    assert (p.sheet, p.column, p.value) == ("Scenarios", "value", added)
    assert (
        "the Disruptions row it adds, column probability: probabilities sum to 1.1 (> 1): "
        "ban 0.6, war 0.5" in p.message
    )


def test_problems_of_a_workbook_dataset_keep_its_excel_rows(tmp_path: Path) -> None:
    path = tmp_path / "in.xlsx"
    write_workbook(path, hand_inputs())
    base, _ = read_workbook(path)
    found = problems_of(row("Sources", "B", "delete_row"), base=base)
    assert sorted((p.sheet, p.row) for p in found) == [("Routes", 3), ("SourceOutputs", 3)]


def test_the_base_is_never_changed() -> None:
    base = hand_inputs()
    before = base.model_dump()
    apply(row("Sources", "*", "scale", "cost_usd_per_unit", 3), base=base)
    assert base.model_dump() == before


# --- reading Scenarios sheets -------------------------------------------------------------


def test_reader_groups_rows_by_scenario_in_order_and_keeps_types(tmp_path: Path) -> None:
    path = tmp_path / "in.xlsx"
    write_workbook(
        path,
        hand_inputs(),
        scenarios=[
            {**row("Sources", "A", "set", "cost_usd_per_unit", 11), "scenario": "one"},
            {**row("Budget", "2026", "delete_row"), "scenario": "two", "note": "why"},
            {**row("Sources", "A", "set", "type", "recycling"), "scenario": "one"},
        ],
    )
    found = read_scenarios(path)
    assert list(found) == ["one", "two"]
    assert [(o.row, o.value) for o in found["one"].overrides] == [(2, 11), (4, "recycling")]
    assert found["two"].overrides == (
        Override("two", "Budget", "2026", "delete_row", "", None, 3, "why"),
    )
    assert found["two"].origin == "in.xlsx" and found["two"].description == "why"
    read_workbook(path)  # the model's reader ignores the Scenarios sheet


def test_reader_form_errors(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Scenarios"
    ws.append(["scenario", "sheet", "key", "op", "value"])
    ws.append(["s", "Sources", None, "set", 1])
    ws.append(["s", "Sources", "A", "set", "=1+1"])
    wb.save(path)
    with pytest.raises(InputError) as info:
        read_scenarios(path)
    got = [(p.row, p.column, p.message) for p in info.value.problems if p.severity == "error"]
    assert got[0][:2] == (2, "key") and "blank" in got[0][2]
    assert got[1][:2] == (3, "value") and "formula has no saved result" in got[1][2]


def test_a_scenarios_file_needs_the_sheet(tmp_path: Path) -> None:
    path = tmp_path / "none.xlsx"
    openpyxl.Workbook().save(path)
    assert read_scenarios(path) == {}
    with pytest.raises(InputError, match="no Scenarios sheet"):
        read_scenarios(path, required=True)


# --- bundled scenario workbooks -----------------------------------------------------------


def _cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_bundled_workbooks_equal_a_fresh_generation(tmp_path: Path) -> None:
    folder = Path(bundled.__file__).parent
    assert {p.stem for p in folder.glob("*.xlsx")} == set(bundled.NAMES)
    for fresh in bundled.write_all(tmp_path):
        assert _cells(folder / fresh.name) == _cells(fresh), (
            f"{fresh.name} is stale: run `python -m stockpile.scenarios.bundled`"
        )


def test_bundled_scenarios_read_back_to_their_definition() -> None:
    found = bundled.bundled_scenarios()
    assert list(found) == list(bundled.NAMES)
    for name, scenario in found.items():
        assert scenario.origin == "bundled"
        got = [(o.sheet, o.key, o.column, o.op, o.value, o.note) for o in scenario.overrides]
        assert got == [tuple(r) for r in bundled.BUNDLED[name]]


# --- runner -------------------------------------------------------------------------------


def test_plain_round_trip() -> None:
    base = apply(
        row(
            "Sources",
            "C",
            "add_row",
            value="type=market; country=US; cost_usd_per_unit=1; capacity_units_per_yr=1",
        ),
        row("SourceOutputs", "C|X", "add_row", value="yield_t_per_unit=0.5"),
    )
    assert from_plain(to_plain(base)) == base


def test_runner_reports_failures_and_infeasible_and_finishes_the_rest() -> None:
    base = hand_inputs()
    tasks = [
        ("base", base),
        ("too_much", apply(row("Targets", "X|2027", "set", "min_stock_t", 1000))),
        ("cheap", apply(row("Sources", "B", "set", "cost_usd_per_unit", 1))),
        ("broken", "not inputs"),  # type: ignore[list-item]
    ]
    seen: list[str] = []
    out = run_scenarios(tasks, workers=1, on_done=lambda o: seen.append(o.name))
    assert seen == [o.name for o in out] == ["base", "too_much", "cheap", "broken"]
    assert [o.status for o in out] == ["optimal", "infeasible", "optimal", "failed"]
    assert out[0].objective_usd == pytest.approx(1665.0, rel=1e-9)
    assert "stock_target" in out[1].diagnosis
    assert out[2].objective_usd == pytest.approx(50 + 100 + 0.5 * 50 + 0.5 * 150, rel=1e-9)
    assert "AttributeError" in out[3].message
    assert out[0].final_stock_t() == {"X": pytest.approx(150.0)}


def test_summarize_sums_unmet_need_over_futures_and_window_years() -> None:
    """MODEL.md check B with a coverage floor of 0.5 and a penalty of 3 USD/t: leaving a
    tonne of the ban's 100 t need unmet costs 0.5 x 3 = 1.5 < 6.5 (stockpiling it), so
    50 t stay unmet (the floor). Expected cost: B's 50 t in 2026 (250), held at the end
    of 2026 (50) and, weighing 0.5, of 2027 (25), penalty 0.5 x 3 x 50 (75): 400."""
    from report_cases import check_b_inputs

    floor = [
        {
            "material": "X",
            "shortfall_penalty_usd_per_t": 3.0,
            "min_coverage": 0.5,
            "volume_m3_per_t": 0.0,
        }
    ]
    (out,) = run_scenarios([("floor", check_b_inputs(materials=floor))], workers=1)
    assert out.status == "optimal"
    assert out.unmet_t == {"X": pytest.approx(50.0)}
    assert out.expected_cost_usd == pytest.approx(400.0, rel=1e-9)
    assert out.objective_usd == pytest.approx(400.0, rel=1e-9)
    assert out.parts["shortfall_penalty_usd"] == pytest.approx(75.0, rel=1e-9)
    # the plan's stock: 50 t at the end of 2026 and 2027 (releases are the ban's)
    assert out.stock_t == {("X", 2026): pytest.approx(50.0), ("X", 2027): pytest.approx(50.0)}
    assert out.to_json()["expected_cost_usd"] == pytest.approx(400.0, rel=1e-9)


# --- CLI ----------------------------------------------------------------------------------


@pytest.fixture
def hand_book(tmp_path: Path) -> Path:
    path = tmp_path / "hand.xlsx"
    write_workbook(
        path,
        hand_inputs(),
        scenarios=[
            {**row("Sources", "B", "scale", "cost_usd_per_unit", 0.5), "scenario": "cheap_b"},
            {**row("Targets", "X|2027", "set", "min_stock_t", 1000), "scenario": "too_much"},
            {**row("Budget", "*", "scale", "budget_usd", 2), "scenario": "more_money"},
            {**row("Sources", "A", "set", "cost", 1), "scenario": "typo"},
        ],
    )
    return path


def test_cli_solve_one_scenario(hand_book: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.xlsx"
    result = runner.invoke(
        app, ["solve", str(hand_book), "--scenario", "cheap_b", "-o", str(report), "--json", "-q"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    # B at 6 USD/t: 50 in 2026 (held two years), 100 in 2027 (its capacity)
    assert out["objective_usd"] == pytest.approx(300 + 25 + 600 + 75, rel=1e-9)
    assert report.exists()
    infeasible = runner.invoke(
        app, ["solve", str(hand_book), "--scenario", "too_much", "-o", str(report), "-q"]
    )
    assert infeasible.exit_code == 10


def test_cli_solve_bad_override_exits_65_naming_the_row(hand_book: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["solve", str(hand_book), "--scenario", "typo", "-o", str(tmp_path / "r.xlsx"), "--json"],
    )
    assert result.exit_code == 65
    (p,) = json.loads(result.stdout)["problems"]
    assert (p["sheet"], p["row"], p["column"], p["value"]) == ("Scenarios", 5, "column", "cost")
    assert not (tmp_path / "r.xlsx").exists()


def test_cli_unknown_scenario_exits_65(hand_book: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["compare", str(hand_book), "-s", "nope", "-o", str(tmp_path / "c.xlsx"), "--json"]
    )
    assert result.exit_code == 65
    (p,) = json.loads(result.stdout)["problems"]
    assert p["message"] == "no scenario named 'nope'"
    assert "cheap_b" in p["fix"] and "seabed_delay_3y" in p["fix"]


def test_cli_compare_writes_base_and_every_scenario(hand_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.xlsx"
    other = tmp_path / "more.xlsx"
    write_scenario_workbook(
        other, [{**row("Sources", "A", "set", "capacity_units_per_yr", 0), "scenario": "no_a"}]
    )
    args = ["compare", str(hand_book), "-s", "cheap_b", "-s", "too_much", "-s", "more_money"]
    result = runner.invoke(
        app,
        [
            *args,
            "-s",
            "no_a",
            "--scenarios",
            str(other),
            "-o",
            str(out),
            "--json",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["base"]["objective_usd"] == pytest.approx(1665.0, rel=1e-9)
    got = {s["name"]: s for s in payload["scenarios"]}
    assert list(got) == ["cheap_b", "too_much", "more_money", "no_a"]
    assert got["too_much"]["status"] == "infeasible" and got["too_much"]["diagnosis"]
    assert got["cheap_b"]["delta_objective_usd"] == pytest.approx(1000 - 1665, rel=1e-9)
    assert got["no_a"]["objective_usd"] == pytest.approx(1800 + 25 + 75, rel=1e-9)

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [
        "Comparison",
        "Diagnosis",
        "Charts",
        "Deltas",
        "Stock",
        "Sourcing",
        "Overrides",
        "Run",
    ]
    rows = list(wb["Comparison"].iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "kpi")
    assert list(header) == ["kpi", "unit", "base", "cheap_b", "too_much", "more_money", "no_a"]
    status = next(r for r in rows if r and r[0] == "status")
    assert list(status[2:]) == ["optimal", "optimal", "infeasible", "optimal", "optimal"]
    kpi = {r[0]: r[2:] for r in rows if r and r[0]}
    # no disruption: the expected cost is the objective, and nothing is invested
    assert kpi["expected cost"][0] == pytest.approx(1665.0, rel=1e-9)
    # too_much: infeasible, compared through its closest plan (the JSON's figures)
    assert got["too_much"]["relaxations"]
    assert kpi["expected cost"][2] == pytest.approx(got["too_much"]["objective_usd"], rel=1e-9)
    assert kpi["plan"][2].startswith("closest plan")
    assert kpi["investment"][0] == 0
    no_plan = [r for r in rows if r and r[0] == "too_much"]
    assert no_plan and no_plan[0][1] == "infeasible" and "Diagnosis sheet" in no_plan[0][2]
    said = [r for r in wb["Diagnosis"].iter_rows(values_only=True) if r[0] == "too_much"]
    assert any("stock_target" in r[3] for r in said)
    assert len(wb["Charts"]._charts) >= 5
    overrides = [r for r in wb["Overrides"].iter_rows(values_only=True) if r[0] == "no_a"]
    assert overrides[0][1] == other.name


def test_cli_compare_bad_override_exits_65_and_writes_nothing(
    hand_book: Path, tmp_path: Path
) -> None:
    out = tmp_path / "c.xlsx"
    result = runner.invoke(
        app, ["compare", str(hand_book), "-s", "cheap_b", "-s", "typo", "-o", str(out), "--quiet"]
    )
    assert result.exit_code == 65
    assert not out.exists()


def test_cli_compare_not_writable_exits_73(hand_book: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "compare",
            str(hand_book),
            "-s",
            "cheap_b",
            "-o",
            str(tmp_path / "missing" / "c.xlsx"),
            "-q",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 73
    assert (
        runner.invoke(
            app, ["compare", str(hand_book), "-s", "cheap_b", "-o", str(hand_book), "-q"]
        ).exit_code
        == 73
    )


def test_cli_compare_in_worker_processes_equals_serial(hand_book: Path, tmp_path: Path) -> None:
    def run(workers: str) -> dict[str, Any]:
        args = ["compare", str(hand_book), "-s", "cheap_b", "-s", "too_much", "-s", "more_money"]
        result = runner.invoke(
            app,
            [*args, "-o", str(tmp_path / f"c{workers}.xlsx"), "--json", "-q", "--workers", workers],
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    serial, parallel = run("1"), run("2")
    for a, b in zip(
        [serial["base"], *serial["scenarios"]],
        [parallel["base"], *parallel["scenarios"]],
        strict=True,
    ):
        assert (a["name"], a["status"]) == (b["name"], b["status"])
        if a["objective_usd"] is not None:
            assert a["objective_usd"] == pytest.approx(b["objective_usd"], rel=1e-9)


def test_dask_cluster_gives_the_serial_answers() -> None:
    distributed = pytest.importorskip("distributed")
    base = hand_inputs()
    tasks = [
        ("base", base),
        ("cheap", apply(row("Sources", "B", "scale", "cost_usd_per_unit", 0.5))),
        ("too_much", apply(row("Targets", "X|2027", "set", "min_stock_t", 1000))),
    ]
    serial = run_scenarios(tasks, workers=1)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        seen: list[str] = []
        on_dask = run_scenarios(tasks, dask=client, on_done=lambda o: seen.append(o.name))
        by_address = run_scenarios(tasks[:2], dask=cluster.scheduler_address)
    assert sorted(seen) == sorted(n for n, _ in tasks)
    for a, b in zip(serial, on_dask, strict=True):
        assert (a.name, a.status) == (b.name, b.status)
        if a.has_plan:
            assert a.objective_usd == pytest.approx(b.objective_usd, rel=1e-9)
    assert [o.objective_usd for o in by_address] == pytest.approx(
        [o.objective_usd for o in serial[:2]], rel=1e-9
    )


def test_cli_dask_unreachable_exits_69(
    hand_book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr("stockpile.scenarios.runner.DASK_CONNECT_TIMEOUT", "1s")
    result = runner.invoke(
        app,
        [
            "compare",
            str(hand_book),
            "-s",
            "cheap_b",
            "-o",
            str(tmp_path / "c.xlsx"),
            "-q",
            "--dask",
            "tcp://127.0.0.1:9",
        ],
    )
    assert result.exit_code == 69
    assert not (tmp_path / "c.xlsx").exists()


def test_cli_validate_checks_the_scenarios_sheet(hand_book: Path) -> None:
    """validate applies every scenario of the workbook: the 'typo' scenario's unknown
    column is reported at its Scenarios row, as solve --scenario would."""
    result = runner.invoke(app, ["validate", str(hand_book), "--json"])
    assert result.exit_code == 65
    problems = [p for p in json.loads(result.stdout) if p["severity"] == "error"]
    assert [(p["sheet"], p["row"], p["column"], p["value"]) for p in problems] == [
        ("Scenarios", 5, "column", "cost")
    ]


def test_the_changes_of_a_scenario_in_planner_words() -> None:
    """What the report's Summary and the terminal say a scenario did, before -> after: a
    budget scaled in one year and in every year, a capacity set, a row added; past
    ``per_override`` rows, how many more."""
    from stockpile.scenarios.apply import apply_scenario_traced
    from stockpile.scenarios.overrides import change_lines

    def said(*overrides: Override, per_override: int = 5) -> list[str]:
        scenario = Scenario("s", overrides)
        _, changes = apply_scenario_traced(hand_inputs(), scenario)
        return change_lines(scenario.overrides, changes, per_override)

    # hand_inputs: budgets of 5,000 USD in 2026 and 2027; source B 100 units a year
    assert said(Override("s", "Budget", "2027", "scale", "budget_usd", 0.7)) == [
        "Budget 2027: x0.7 (5,000 -> 3,500 USD)"
    ]
    assert said(Override("s", "Budget", "*", "scale", "budget_usd", 0.5)) == [
        "Budget 2026: x0.5 (5,000 -> 2,500 USD)",
        "Budget 2027: x0.5 (5,000 -> 2,500 USD)",
    ]
    assert said(Override("s", "Budget", "*", "scale", "budget_usd", 0.5), per_override=1) == [
        "Budget 2026: x0.5 (5,000 -> 2,500 USD)",
        "(and 1 more row, each x0.5)",
    ]
    assert said(
        Override("s", "Sources", "B", "set", "capacity_units_per_yr", 0),
        Override("s", "Targets", "X|2026", "add_row", "", "min_stock_t=10"),
    ) == [
        "Sources B capacity_units_per_yr: = 0 (100 -> 0 unit/yr)",
        "Targets X|2026: row added",
    ]
