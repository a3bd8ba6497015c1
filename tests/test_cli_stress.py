"""``stockpile stress`` as a planner runs it: exit codes, JSON keys, the report's sheets,
the uncertainty sheets' validation."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from stockpile.cli import app
from stockpile.data.reader import read_workbook
from stockpile.data.template import write_workbook
from stockpile.data.validate import check_inputs
from stress_cases import small_case, with_types

runner = CliRunner()


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stress") / "small.xlsx"
    write_workbook(path, with_types(small_case()))
    return path


def test_stress_writes_the_report_and_prints_json(workbook: Path, tmp_path: Path) -> None:
    out = tmp_path / "stress.xlsx"
    result = runner.invoke(
        app,
        [
            "stress",
            str(workbook),
            "-n",
            "8",
            "--seed",
            "3",
            "--workers",
            "1",
            "-o",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["status"] == "optimal"
    assert payload["seed"] == 3
    assert payload["headline"]["samples"] == 8
    assert set(payload["plans"]) == {"plan", "ignores_disruptions"}
    assert {m["material"] for m in payload["headline"]["materials"]} == {"X", "Y"}
    assert payload["value_of_stochastic_solution_usd"] is not None
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames[:2] == ["Stress test", "Charts"]
    assert book.sheetnames[2:] == [
        "Worst samples",
        "First shortfall",
        "By plan",
        "Samples",
        "Uncertainty",
    ]
    samples = list(book["Samples"].iter_rows(values_only=True))
    assert sum(1 for row in samples if isinstance(row[0], int)) == 8


def test_stress_prints_the_headline(workbook: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "stress",
            str(workbook),
            "-n",
            "4",
            "--workers",
            "1",
            "-q",
            "-o",
            str(tmp_path / "s.xlsx"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Shortfall under the plan (4 samples)" in result.stdout
    assert "Stress report:" in result.stdout


def test_listed_disruptions_as_the_samples(workbook: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["stress", str(workbook), "--listed", "-o", str(tmp_path / "s.xlsx"), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["headline"]["samples"] == 1


def test_without_disruption_types_nothing_is_solved(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsx"
    write_workbook(path, small_case())
    result = runner.invoke(app, ["stress", str(path), "-o", str(tmp_path / "s.xlsx"), "--json"])
    assert result.exit_code == 65
    payload = json.loads(result.stdout)
    assert payload["status"] == "invalid_input"
    assert payload["problems"][0]["sheet"] == "DisruptionTypes"
    assert not (tmp_path / "s.xlsx").exists()


def test_the_uncertainty_sheets_round_trip_and_are_checked(workbook: Path) -> None:
    inputs, _warnings = read_workbook(workbook)
    assert [k.disruption_type for k in inputs.disruption_types] == ["cn_ban", "ca_strike"]
    assert inputs.disruption_types[1].demand_multiplier_max == 1.0  # the default
    bad = inputs.model_copy(
        update={
            "disruption_types": (
                inputs.disruption_types[0].model_copy(
                    update={"duration_min_years": 4, "duration_max_years": 2}
                ),
                inputs.disruption_types[1],
            ),
            "disruption_type_impacts": (
                inputs.disruption_type_impacts[0].model_copy(update={"group": "XX"}),
                inputs.disruption_type_impacts[1].model_copy(update={"availability_min": 0.9}),
            ),
        }
    )
    errors = {(p.sheet, p.column): p.message for p in check_inputs(bad) if p.severity == "error"}
    assert errors[("DisruptionTypes", "duration_max_years")] == (
        "duration_max_years 2 is below duration_min_years 4"
    )
    assert errors[("DisruptionTypeImpacts", "availability_max")].startswith(
        "availability_max 0.7 is below availability_min 0.9"
    )
    assert "Countries has no country 'XX'" in errors[("DisruptionTypeImpacts", "group")]
