"""The workbook reader on valid workbooks: values, defaults, layout freedom, warnings."""

from __future__ import annotations

import datetime
import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stockpile.data.inputs import Inputs
from stockpile.data.problems import Problem
from stockpile.data.reader import read_workbook
from stockpile.data.render import problems_json, problems_summary, problems_table
from stockpile.data.schema import SHEETS
from stockpile.data.validate import check_inputs
from workbooks import (
    SMALL_VALID,
    cell,
    excel_row,
    set_cached_result,
    small_valid,
    write_valid,
    write_workbook,
)


def _plain(inputs: Inputs, rows: bool = True) -> dict:
    data = inputs.model_dump()
    if not rows:
        for sheet in SHEETS:
            if not sheet.settings:
                for rec in data[sheet.attr]:
                    rec.pop("row")
        data["settings"].pop("rows")
    return data


def test_openpyxl_parses_through_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True
    assert openpyxl.LXML is False


def test_small_valid_reads_every_value_and_default(tmp_path: Path) -> None:
    inputs, warnings = read_workbook(write_valid(tmp_path / "ok.xlsx"))
    assert warnings == []
    s = inputs.settings
    assert (s.start_year, s.end_year, s.discount_rate, s.currency) == (2026, 2028, 0.03, "USD")
    assert s.rows == {"start_year": 2, "end_year": 3, "discount_rate": 4}

    ni, co = inputs.materials
    assert (ni.material, ni.description, ni.min_coverage, ni.row) == ("Ni", "nickel", 0.5, 2)
    # Optional columns left blank take the dictionary's defaults.
    assert (co.description, co.shortfall_penalty_usd_per_t, co.resale_usd_per_t) == ("", 0.0, 0.0)
    assert co.row == 3

    s1, s2, s3 = inputs.sources
    assert s1.first_year == 2026  # blank: Settings start_year
    assert (s1.activity_unit, s1.cost_escalation_per_yr) == ("t", 0.0)
    assert (s2.first_year, s2.activity_unit, s2.cost_escalation_per_yr) == (2027, "t nodules", 0.02)
    assert isinstance(s1.cost_usd_per_unit, float) and s1.cost_usd_per_unit == 18000.0
    assert s3.row == 4
    assert [r.first_year for r in inputs.sites] == [2026, 2027]
    assert [r.cost_usd_per_t for r in inputs.routes] == [50.0, 0.0, 80.0, 120.0]
    assert inputs.disruptions[0].duration_years == 2
    assert isinstance(inputs.disruptions[0].duration_years, int)
    assert [r.group for r in inputs.rules] == ["adversary", "*"]
    for sheet in SHEETS:
        if not sheet.settings:
            assert len(inputs.table(sheet.name)) == len(SMALL_VALID["tables"][sheet.name])


def test_same_inputs_as_built_in_code(tmp_path: Path) -> None:
    settings, tables = small_valid()
    attrs = {s.name: s.attr for s in SHEETS}
    built = Inputs.build(settings, **{attrs[name]: rows for name, rows in tables.items()})
    assert check_inputs(built) == []
    got, _ = read_workbook(write_workbook(tmp_path / "ok.xlsx", tables, settings))
    assert _plain(got, rows=False) == _plain(built, rows=False)


def test_numbers_in_id_cells_read_as_text_without_trailing_zero(tmp_path: Path) -> None:
    def change(settings: dict, tables: dict) -> None:
        tables["Materials"][0]["material"] = 1.0  # written as a float: 1.0
        tables["Materials"][1]["material"] = "  Co "  # surrounding spaces are trimmed
        for rows in tables.values():
            for row in rows:
                if row and row.get("material") == "Ni":
                    row["material"] = 1  # written as an int: 1
        tables["Sites"][0]["site"] = 7.5

        for row in tables["Routes"] + tables["InitialStock"]:
            if row["site"] == "L1":
                row["site"] = "7.5"

    inputs, warnings = read_workbook(write_valid(tmp_path / "ids.xlsx", change))
    assert warnings == []
    assert [m.material for m in inputs.materials] == ["1", "Co"]
    assert {o.material for o in inputs.source_outputs} == {"1", "Co"}
    assert inputs.sites[0].site == "7.5"


def test_any_column_order(tmp_path: Path) -> None:
    settings, tables = small_valid()
    reordered = {
        name: [dict(reversed(list(row.items()))) for row in rows] for name, rows in tables.items()
    }
    a, _ = read_workbook(write_workbook(tmp_path / "a.xlsx", tables, settings))
    b, _ = read_workbook(write_workbook(tmp_path / "b.xlsx", reordered, settings))
    ws = openpyxl.load_workbook(tmp_path / "b.xlsx")["Sources"]
    assert ws["A1"].value != "source"  # the order really changed
    assert _plain(a) == _plain(b)


def test_extra_column_is_ignored_with_a_warning(tmp_path: Path) -> None:
    def change(settings: dict, tables: dict) -> None:
        tables["Sites"][0]["comment"] = "check lease"

    inputs, warnings = read_workbook(write_valid(tmp_path / "extra.xlsx", change))
    assert len(inputs.sites) == 2
    (w,) = warnings
    assert (w.severity, w.sheet, w.row, w.column) == ("warning", "Sites", 1, "comment")
    assert w.message == "column 'comment' is not part of the Sites sheet and is ignored"


def test_optional_column_absent_takes_default(tmp_path: Path) -> None:
    def change(settings: dict, tables: dict) -> None:
        for row in tables["Sources"]:
            row.pop("first_year", None)
            row.pop("cost_escalation_per_yr", None)

    inputs, warnings = read_workbook(write_valid(tmp_path / "opt.xlsx", change))
    assert warnings == []
    assert [s.first_year for s in inputs.sources] == [2026, 2026, 2026]
    assert {s.cost_escalation_per_yr for s in inputs.sources} == {0.0}


def test_version_1_workbook_reads_with_the_futures_defaults(tmp_path: Path) -> None:
    """The small valid case has none of the version-2 columns and settings: it reads
    as before, with their defaults (nothing expandable, prices unchanged, risk neutral)."""
    _, tables = small_valid()
    new = {"expansion_cost_usd_per_unit", "expansion_lead_years", "max_expansion_units"}
    assert not any(new & row.keys() for row in tables["Sources"])
    inputs, warnings = read_workbook(write_valid(tmp_path / "v1.xlsx"))
    assert warnings == []
    s = inputs.settings
    assert (s.recovery_years, s.risk_weight, s.cvar_level) == (2, 0.0, 0.9)
    assert isinstance(s.recovery_years, int)
    for src in inputs.sources:
        assert (src.expansion_cost_usd_per_unit, src.max_expansion_units) == (0.0, 0.0)
        assert src.expansion_lead_years == 0 and isinstance(src.expansion_lead_years, int)
    assert [d.price_multiplier for d in inputs.disruptions] == [1.0]


def test_futures_inputs_are_read(tmp_path: Path) -> None:
    def change(settings: dict, tables: dict) -> None:
        settings.update(recovery_years=0, risk_weight=0.5, cvar_level=0.95)
        tables["Sources"][0].update(
            expansion_cost_usd_per_unit=2500, expansion_lead_years=3, max_expansion_units=40
        )
        tables["Disruptions"][0]["price_multiplier"] = 2.5

    inputs, warnings = read_workbook(write_valid(tmp_path / "v2.xlsx", change))
    assert warnings == []
    s = inputs.settings
    assert (s.recovery_years, s.risk_weight, s.cvar_level) == (0, 0.5, 0.95)
    s1, s2, _ = inputs.sources
    assert (s1.expansion_cost_usd_per_unit, s1.expansion_lead_years, s1.max_expansion_units) == (
        2500.0,
        3,
        40.0,
    )
    assert (s2.expansion_cost_usd_per_unit, s2.expansion_lead_years) == (0.0, 0)  # blank cells
    assert inputs.disruptions[0].price_multiplier == 2.5


def test_code_built_inputs_take_the_futures_defaults() -> None:
    settings, tables = small_valid()
    attrs = {s.name: s.attr for s in SHEETS}
    inputs = Inputs.build(settings, **{attrs[name]: rows for name, rows in tables.items()})
    s = inputs.settings
    assert (s.recovery_years, s.risk_weight, s.cvar_level) == (2, 0.0, 0.9)
    src = inputs.sources[0]
    assert (src.expansion_cost_usd_per_unit, src.expansion_lead_years) == (0.0, 0)
    assert src.max_expansion_units == 0.0
    assert inputs.disruptions[0].price_multiplier == 1.0


def test_blank_rows_are_ignored_and_rows_keep_excel_numbers(tmp_path: Path) -> None:
    def change(settings: dict, tables: dict) -> None:
        tables["Countries"].insert(1, None)
        tables["Countries"].insert(1, {"country": "   "})  # whitespace only: blank
        tables["Countries"].append(None)

    inputs, _ = read_workbook(write_valid(tmp_path / "blank.xlsx", change))
    assert [(c.country, c.row) for c in inputs.countries] == [("US", 2), ("CA", 5), ("CN", 6)]


def test_optional_sheets_absent_or_empty(tmp_path: Path) -> None:
    def change(settings: dict, tables: dict) -> None:
        for name in ("Budget", "Targets", "InitialStock", "SourceCapacity"):
            del tables[name]
        tables["Rules"] = []  # the sheet exists but is empty (no header either)
        settings.pop("discount_rate")

    inputs, warnings = read_workbook(write_valid(tmp_path / "opt.xlsx", change))
    assert warnings == []
    assert (inputs.budget, inputs.targets, inputs.rules) == ((), (), ())
    assert inputs.settings.discount_rate == 0.0


def test_header_only_optional_sheet_is_empty(tmp_path: Path) -> None:
    path = write_valid(tmp_path / "hdr.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Budget"]
    ws.delete_rows(2, ws.max_row)
    wb.save(path)
    inputs, warnings = read_workbook(path)
    assert (inputs.budget, warnings) == ((), [])


def test_header_whitespace_is_trimmed(tmp_path: Path) -> None:
    path = write_valid(tmp_path / "ws.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Countries"]["B1"] = "  bloc "
    wb.save(path)
    inputs, warnings = read_workbook(path)
    assert warnings == []
    assert inputs.countries[2].bloc == "adversary"


def test_cached_formula_results_are_used(tmp_path: Path) -> None:
    def change(settings: dict, tables: dict) -> None:
        tables["Sources"][0]["cost_usd_per_unit"] = "=9000*2"
        tables["Materials"][0]["description"] = '=IF(1=1,"","x")'
        tables["Countries"][1]["country"] = '="C"&"A"'

    settings, tables = small_valid()
    change(settings, tables)
    path = write_workbook(tmp_path / "f.xlsx", tables, settings)
    at = functools.partial(cell, tables)
    set_cached_result(path, "Sources", at("Sources", 0, "cost_usd_per_unit"), "18000")
    # A saved empty text result is a blank cell: the default applies.
    set_cached_result(path, "Materials", at("Materials", 0, "description"), "", kind="str")
    set_cached_result(path, "Countries", at("Countries", 1, "country"), "CA", kind="str")
    inputs, warnings = read_workbook(path)
    assert warnings == []
    assert inputs.sources[0].cost_usd_per_unit == 18000.0
    assert inputs.materials[0].description == ""
    assert inputs.countries[1].country == "CA"


def test_unknown_sheets_warn_but_info_sheets_are_skipped(tmp_path: Path) -> None:
    def change(settings: dict, tables: dict) -> None:
        for name in ("README", "References", "Lists", "Scenarios", "Notes"):
            tables[name] = [{"text": "anything"}]

    _, warnings = read_workbook(write_valid(tmp_path / "sheets.xlsx", change))
    (w,) = warnings
    assert (w.sheet, w.row, w.column) == ("Notes", None, None)
    assert w.message == "sheet 'Notes' is not part of the workbook contract and is ignored"


def test_unknown_setting_warns(tmp_path: Path) -> None:
    def change(settings: dict, tables: dict) -> None:
        settings["solver"] = "highs"

    _, warnings = read_workbook(write_valid(tmp_path / "set.xlsx", change))
    (w,) = warnings
    assert (w.sheet, w.row, w.column, w.value) == ("Settings", 5, "setting", "solver")
    assert w.message == "unknown setting 'solver' is ignored"


def test_numbers_in_text_columns_become_text(tmp_path: Path) -> None:
    def change(settings: dict, tables: dict) -> None:
        tables["Materials"][0]["description"] = 42
        tables["Sites"][0]["location"] = 3.5
        settings["currency"] = 1.0

    inputs, _ = read_workbook(write_valid(tmp_path / "t.xlsx", change))
    assert inputs.materials[0].description == "42"
    assert inputs.sites[0].location == "3.5"
    assert inputs.settings.currency == "1"


def test_year_written_as_float_is_a_year(tmp_path: Path) -> None:
    def change(settings: dict, tables: dict) -> None:
        settings["end_year"] = 2028.0
        tables["Targets"][0]["year"] = 2028.0

    inputs, _ = read_workbook(write_valid(tmp_path / "y.xlsx", change))
    assert inputs.settings.end_year == 2028 and isinstance(inputs.settings.end_year, int)
    assert inputs.targets[0].year == 2028 and isinstance(inputs.targets[0].year, int)


def test_excel_row_helper_matches_reader(tmp_path: Path) -> None:
    inputs, _ = read_workbook(write_valid(tmp_path / "ok.xlsx"))
    assert [r.row for r in inputs.supply_mix] == [excel_row(i) for i in range(4)]


# --- check_inputs on inputs built in code ---------------------------------------------


def test_check_inputs_judges_code_built_inputs_without_rows() -> None:
    settings, tables = small_valid()
    tables["Rules"][0]["share"] = 1.5
    tables["Sources"][2]["country"] = "XX"
    attrs = {s.name: s.attr for s in SHEETS}
    inputs = Inputs.build(settings, **{attrs[name]: rows for name, rows in tables.items()})
    problems = check_inputs(inputs)
    assert [(p.sheet, p.row, p.column, p.message) for p in problems] == [
        ("Sources", None, "country", "Countries has no country 'XX'"),
        ("Rules", None, "share", "share must be in [0, 1]"),
    ]


def test_check_inputs_judges_code_built_futures() -> None:
    """Scenario overrides and code build inputs without a workbook: the futures rules
    hold for them too."""
    settings, tables = small_valid()
    settings["cvar_level"] = 1.0
    tables["Disruptions"][0].update(disruption="base", probability=0.75)
    tables["Disruptions"].append(
        {"disruption": "war", "probability": 0.5, "start_year": 2027, "duration_years": 1}
    )
    tables["DisruptionImpacts"] = []
    attrs = {s.name: s.attr for s in SHEETS}
    inputs = Inputs.build(settings, **{attrs[name]: rows for name, rows in tables.items()})
    problems = check_inputs(inputs)
    assert [(p.sheet, p.row, p.column, p.message) for p in problems] == [
        ("Settings", None, "value", "cvar_level must be >= 0 and < 1"),
        (
            "Disruptions",
            None,
            "disruption",
            "'base' cannot be a disruption id: 'base' is reserved for the future in which no "
            "disruption happens",
        ),
        (
            "Disruptions",
            None,
            "probability",
            "probabilities sum to 1.25 (> 1): base 0.75, war 0.5 — the disruptions are "
            "alternative futures, at most one happens",
        ),
    ]


# --- rendering ------------------------------------------------------------------------


def test_problems_render_as_table_and_json() -> None:
    from rich.console import Console

    problems = [
        Problem("bad [red]markup[/]", "Fix it.", sheet="Sites", row=3, column="site", value=" x"),
        Problem("just a note", sheet="Notes", severity="warning"),
    ]
    console = Console(record=True, width=200)
    console.print(problems_table(problems))
    text = console.export_text()
    assert "bad [red]markup[/]" in text  # cell text is never taken as markup
    assert "1 error, 1 warning" in text
    assert "' x'" in text  # stray spaces are made visible
    assert problems_json(problems)[0] == {
        "message": "bad [red]markup[/]",
        "fix": "Fix it.",
        "sheet": "Sites",
        "row": 3,
        "column": "site",
        "value": " x",
        "severity": "error",
    }
    assert problems_summary([]) == "no problems"


def test_json_values_are_serialisable() -> None:
    p = Problem("date", value=datetime.datetime(2030, 1, 1))
    assert json.loads(json.dumps(problems_json([p])))[0]["value"] == "2030-01-01 00:00:00"


def test_writers_agree(tmp_path: Path) -> None:
    """The fast zip writer of tests/workbooks.py reads back exactly as openpyxl's."""
    a, _ = read_workbook(write_valid(tmp_path / "a.xlsx", writer="openpyxl"))
    b, _ = read_workbook(write_valid(tmp_path / "b.xlsx", writer="zip"))
    assert _plain(a) == _plain(b)


def test_formulas_saved_by_a_spreadsheet_program(tmp_path: Path) -> None:
    """Formula results as a real spreadsheet program saves them (LibreOffice, which
    writes shared strings, t="str" results and error cells as Excel does)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")

    def change(settings: dict, tables: dict) -> None:
        tables["Sources"][0]["cost_usd_per_unit"] = "=9000*2"
        tables["Materials"][0]["description"] = '=IF(1=1,"","x")'
        tables["Countries"][1]["country"] = '="C"&"A"'

    (tmp_path / "in").mkdir()
    src = write_valid(tmp_path / "in" / "book.xlsx", change)
    out = tmp_path / "out"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "xlsx", "--outdir", str(out), str(src)],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    inputs, warnings = read_workbook(out / "book.xlsx")
    assert warnings == []
    assert inputs.sources[0].cost_usd_per_unit == 18000.0
    assert inputs.materials[0].description == ""
    assert inputs.countries[1].country == "CA"
