"""Issue 15, part B: numbers the solver cannot hold, models too large to build, names
that collide or deceive, text that acts on the terminal, JSON that is not JSON.

Each case is one of the adversarial inputs of the issue; the expected cells and rows
come from how ``workbooks.SMALL_VALID`` is laid out (header in row 1, records from
row 2), not from what the code printed.
"""

from __future__ import annotations

import json
import math

import highspy
import pytest
from typer.testing import CliRunner

from stockpile import console
from stockpile.cli import app
from stockpile.data.magnitudes import (
    LP_INFINITY,
    MAX_YEARS,
    estimated_columns,
    scaling_warnings,
    size_problems,
)
from stockpile.data.params import build_params
from stockpile.data.problems import InputError
from stockpile.data.reader import read_workbook
from stockpile.model.formulate import formulate
from stockpile.pipeline import add_scaling_caution
from stockpile.result import SolveResult
from stockpile.scenarios.apply import apply_scenario
from stockpile.scenarios.commands import find_scenarios
from stockpile.scenarios.overrides import RESERVED_NAMES, Override, Scenario
from stockpile.scenarios.sheet import read_scenarios
from stockpile.solver.highs import SolverError, checked, handover_direct, row_scale
from stockpile.text import describe, printable, suggest
from workbooks import edit_part, sheet_part, write_valid

runner = CliRunner()


def errors_of(path):
    with pytest.raises(InputError) as info:
        read_workbook(path)
    return [p for p in info.value.problems if p.severity == "error"]


def only_error(path):
    errors = errors_of(path)
    assert len(errors) == 1, [str(p) for p in errors]
    return errors[0]


# --- numbers ----------------------------------------------------------------------------


def test_a_target_at_highs_infinity_is_refused_at_its_cell(tmp_path):
    def change(s, t):
        t["Targets"][0]["min_stock_t"] = 1e20  # HiGHS's infinite_bound

    p = only_error(write_valid(tmp_path / "w.xlsx", change))
    assert (p.sheet, p.row, p.column, p.value) == ("Targets", 2, "min_stock_t", 1e20)


@pytest.mark.parametrize(("cost", "escalated"), [(1e308, False), (5e19, True)])
def test_a_cost_that_overflows_once_escalated_is_refused_at_its_cell(tmp_path, cost, escalated):
    def change(s, t):
        # 1e308 * 1.5**2 (end_year 2028 - start_year 2026) overflows to inf; 5e19 is
        # below 1e20 as typed, 1.125e20 in 2028
        t["Sources"][0]["cost_usd_per_unit"] = cost
        t["Sources"][0]["cost_escalation_per_yr"] = 0.5

    p = only_error(write_valid(tmp_path / "w.xlsx", change))
    assert (p.sheet, p.row, p.column) == ("Sources", 2, "cost_usd_per_unit")
    assert ("escalated" in p.message) == escalated


def test_a_scenario_scale_that_overflows_is_refused_at_its_scenarios_row(tmp_path):
    inputs, _ = read_workbook(write_valid(tmp_path / "w.xlsx"))
    ov = Override("big", "Sources", "S1", "scale", "cost_usd_per_unit", 1e300, row=7)
    with pytest.raises(InputError) as info:
        apply_scenario(inputs, Scenario("big", (ov,)))
    (p,) = [p for p in info.value.problems if p.severity == "error"]
    assert (p.sheet, p.row) == ("Scenarios", 7)
    assert "too large for the solver" in p.message


def test_numbers_the_cells_miss_are_refused_before_highs_sees_them(tmp_path):
    """A limit at HiGHS's infinity that no cell check caught (here set on the LP) is an
    InputError naming the row, not an empty HiGHS model and an IndexError."""
    inputs, _ = read_workbook(write_valid(tmp_path / "w.xlsx"))
    lp = formulate(build_params(inputs))
    row = next(iter(lp.families["stock_target"].values()))
    row.lower = LP_INFINITY
    with pytest.raises(InputError) as info:
        handover_direct(lp)
    assert "stock_target" in info.value.problems[0].message


def test_a_highs_error_status_raises_a_solver_error():
    with pytest.raises(SolverError, match="take the model"):
        checked(highspy.HighsStatus.kError, "take the model")
    checked(highspy.HighsStatus.kWarning, "take the model")  # a warning is not an error


def test_row_scaling_never_pushes_an_entry_below_highs_small_matrix_value():
    """A yield of 1e9 beside the -1 of the Ship columns: scaled to bring 1e9 to 1, the
    -1 became 2**-30 = 9.3e-10, which HiGHS drops (small_matrix_value 1e-9)."""
    f = row_scale([1e9, -1.0, -1.0])
    assert f * 1.0 >= 1e-6
    assert math.log2(f).is_integer() and f <= 1.0
    assert row_scale([1e6, 1e6]) == 2.0**-20  # rows all of one size still come to ~1


def test_a_yield_of_1e9_is_a_scaling_warning_named_at_its_cell(tmp_path):
    def change(s, t):
        t["SourceOutputs"][0]["yield_t_per_unit"] = 1e9

    inputs, warnings = read_workbook(write_valid(tmp_path / "w.xlsx", change))
    (w,) = scaling_warnings(inputs)
    assert (w.sheet, w.row, w.column, w.value) == ("SourceOutputs", 2, "yield_t_per_unit", 1e9)
    assert any(p.sheet == "SourceOutputs" and p.row == 2 for p in warnings)
    # an infeasible answer on such inputs says it may be the scaling, and names the cell
    result = SolveResult(status="infeasible", message="No plan meets every requirement.")
    add_scaling_caution(result, inputs)
    assert "artefact" in result.caution and "SourceOutputs row 2" in result.caution
    assert result.caution in result.message
    optimal = SolveResult(status="optimal")
    add_scaling_caution(optimal, inputs)
    assert optimal.caution == ""


def test_the_bundled_dataset_has_no_scaling_warning():
    from stockpile.data.bundle import BUNDLED

    inputs, _ = read_workbook(BUNDLED)
    assert scaling_warnings(inputs) == []


# --- sizes ------------------------------------------------------------------------------


def test_a_horizon_of_thousands_of_years_is_refused_at_end_year(tmp_path):
    def change(s, t):
        s["end_year"] = 9999

    errors = errors_of(write_valid(tmp_path / "w.xlsx", change))
    horizon = [p for p in errors if p.sheet == "Settings"]
    assert len(horizon) == 1
    # Settings is written setting | value from row 2: start_year, end_year, discount_rate
    assert (horizon[0].row, horizon[0].column, horizon[0].value) == (3, "value", 9999)
    assert str(MAX_YEARS) in horizon[0].message


def test_a_century_is_allowed(tmp_path):
    def change(s, t):
        s["end_year"] = 2026 + MAX_YEARS - 1

    inputs, warnings = read_workbook(write_valid(tmp_path / "w.xlsx", change))
    assert inputs.settings.end_year == 2125
    assert not [p for p in warnings if p.sheet == "Settings"]


def test_estimated_columns_bound_the_model_from_above(tmp_path):
    from stockpile.data.bundle import BUNDLED

    for path in (write_valid(tmp_path / "w.xlsx"), BUNDLED):
        inputs, _ = read_workbook(path)
        actual = len(formulate(build_params(inputs)).columns)
        assert actual <= estimated_columns(inputs) <= 1.25 * actual


def test_a_model_above_the_column_limit_is_refused_with_the_estimate(tmp_path):
    inputs, _ = read_workbook(write_valid(tmp_path / "w.xlsx"))
    n = estimated_columns(inputs)
    assert size_problems(inputs, max_columns=n) == []
    (p,) = size_problems(inputs, max_columns=n - 1)
    assert f"{n:,}" in p.message and p.sheet == "Settings"


# --- names ------------------------------------------------------------------------------


def test_ids_that_differ_only_in_case_are_refused_at_the_later_row(tmp_path):
    def change(s, t):
        t["Materials"].append({"material": "ni", "volume_m3_per_t": 0.1})

    p = only_error(write_valid(tmp_path / "w.xlsx", change))
    # Materials rows: Ni (2), Co (3), ni (4)
    assert (p.sheet, p.row, p.column, p.value) == ("Materials", 4, "material", "ni")
    assert "'Ni' (row 2)" in p.message


def test_reserved_and_case_colliding_scenario_names_are_refused_at_their_rows(tmp_path):
    names = ["unit", "kpi", "late", "Late", "base", "fine"]

    def change(s, t):
        t["Scenarios"] = [
            {
                "scenario": n,
                "sheet": "Budget",
                "key": "*",
                "column": "budget_usd",
                "op": "scale",
                "value": 2,
            }
            for n in names
        ]

    with pytest.raises(InputError) as info:
        read_scenarios(write_valid(tmp_path / "w.xlsx", change))
    rows = {p.row: p for p in info.value.problems}
    # Scenarios rows 2..7 hold the names in order; 'late' (4) and 'fine' (7) are fine
    assert sorted(rows) == [2, 3, 5, 6]
    assert all(p.sheet == "Scenarios" and p.column == "scenario" for p in rows.values())
    assert "'late' (row 4)" in rows[5].message


def test_reserved_names_are_the_comparisons_own_columns():
    """Every header the comparison writes that is not a scenario's is reserved."""
    import ast
    from pathlib import Path

    import stockpile.scenarios.compare as compare

    tree = ast.parse(Path(compare.__file__).read_text())
    beside_names = set()  # the fixed headers of tables whose other columns are scenarios
    for node in ast.walk(tree):
        if isinstance(node, ast.List) and any(isinstance(e, ast.Starred) for e in node.elts):
            beside_names |= {e.value for e in node.elts if isinstance(e, ast.Constant)}
    assert {"kpi", "unit"} <= beside_names
    assert beside_names <= RESERVED_NAMES
    # Stock and Sourcing: material, year, by, group beside "<scenario> [t]"
    assert {"base", "material", "year", "by", "group"} <= RESERVED_NAMES


def test_scenarios_asked_for_in_two_cases_are_refused(tmp_path):
    def change(s, t):
        t["Scenarios"] = [
            {"scenario": "late", "sheet": "Budget", "key": "*", "column": "budget_usd"}
            | {"op": "scale", "value": 2}
        ]

    path = write_valid(tmp_path / "w.xlsx", change)
    other = write_valid(tmp_path / "other.xlsx", change)
    edit_part(other, sheet_part(other, "Scenarios"), lambda x: x.replace(">late<", ">Late<"))
    with pytest.raises(InputError, match="differ only in case"):
        find_scenarios(["late", "Late"], path, other)


def test_look_alike_ids_are_named_by_code_point_and_the_valid_id_suggested(tmp_path):
    def change(s, t):
        t["SourceOutputs"][3]["material"] = "\u0421o"  # Cyrillic ES, then Latin o
        t["Routes"][0]["site"] = "L1\u200b"  # zero-width space

    errors = {p.sheet: p for p in errors_of(write_valid(tmp_path / "w.xlsx", change))}
    assert "U+0421 CYRILLIC CAPITAL LETTER ES, then 'o'" in errors["SourceOutputs"].message
    assert "Did you mean 'Co'?" in errors["SourceOutputs"].fix
    assert "U+200B ZERO WIDTH SPACE" in errors["Routes"].message
    assert "Did you mean 'L1'?" in errors["Routes"].fix


def test_text_helpers():
    assert printable("a\x1b[31mb") == "a\\x1b[31mb"
    assert printable("x\u202ey\r\n") == "x\\u202ey\\x0d\\x0a"
    assert printable("Ni oxide é") == "Ni oxide é"  # ordinary text is left alone
    assert describe("Co") == "'Co'"
    assert suggest("Nicke", ["Nickel", "Cobalt"]) == "Nickel"
    assert suggest("zzz", ["Nickel"]) is None


def test_control_characters_never_reach_the_terminal(tmp_path):
    def change(s, t):
        t["SourceOutputs"][3]["material"] = "C\x9b31m\u202eo"  # C1 CSI and RLO

    path = write_valid(tmp_path / "w.xlsx", change, writer="zip")
    out = runner.invoke(app, ["validate", str(path)])
    assert out.exit_code == 65
    assert "\x9b" not in out.output and "\u202e" not in out.output
    assert "\\x9b" in out.output.replace("\n", "").replace("│", "").replace(" ", "")


# --- JSON and cells -----------------------------------------------------------------------


def test_json_never_prints_infinity_or_nan(capsys):
    console.echo_json({"a": math.inf, "b": [-math.inf, math.nan, 1.5], "c": {"d": math.nan}})
    text = capsys.readouterr().out

    def refuse(name):
        raise AssertionError(f"not JSON: {name}")

    assert json.loads(text, parse_constant=refuse) == {
        "a": None,
        "b": [None, None, 1.5],
        "c": {"d": None},
    }


def test_a_nan_cell_is_located_by_sheet_row_and_column(tmp_path):
    path = write_valid(tmp_path / "w.xlsx")
    # Sources row 2, cost_usd_per_unit = 18000 (the only 18000 in the sheet)
    edit_part(path, sheet_part(path, "Sources"), lambda x: x.replace("<v>18000</v>", "<v>NaN</v>"))
    p = only_error(path)
    assert (p.sheet, p.row, p.column, p.value) == ("Sources", 2, "cost_usd_per_unit", "NaN")
