"""The bundled default workbook is exactly what the dataset generates, and it solves."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from stockpile.cli import app
from stockpile.data.bundle import BUNDLED, write_default_workbook
from stockpile.data.default_dataset import default_inputs
from stockpile.data.reader import read_workbook


def _cells(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


def test_bundled_workbook_equals_a_fresh_generation(tmp_path: Path):
    fresh = write_default_workbook(tmp_path / "fresh.xlsx")
    assert _cells(BUNDLED) == _cells(fresh), (
        "src/stockpile/data/default.xlsx is stale: run `python -m stockpile.data.bundle`"
    )


def test_bundled_workbook_reads_back_to_the_dataset():
    inputs, warnings = read_workbook(BUNDLED)
    assert warnings == []
    expected = default_inputs()
    for attr in type(expected).model_fields:
        if attr == "settings":
            assert inputs.settings.model_dump(exclude={"rows"}) == expected.settings.model_dump(
                exclude={"rows"}
            )
            continue
        got = [r.model_dump(exclude={"row"}) for r in getattr(inputs, attr)]
        want = [r.model_dump(exclude={"row"}) for r in getattr(expected, attr)]
        assert got == want, attr


def test_example_writes_the_bundled_workbook_and_solve_without_input(tmp_path: Path, monkeypatch):
    runner = CliRunner()
    out = tmp_path / "example.xlsx"
    assert runner.invoke(app, ["example", str(out)]).exit_code == 0
    assert out.read_bytes() == BUNDLED.read_bytes()
    assert runner.invoke(app, ["example", str(out)]).exit_code == 73  # no overwrite
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["solve", "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["status"] == "optimal"
    assert (tmp_path / "report.xlsx").exists()
