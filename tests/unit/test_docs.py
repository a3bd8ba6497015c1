"""The README's workbook section is generated from the data dictionary and kept in sync."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from stockpile.data.docs import workbook_markdown
from stockpile.data.schema import SHEETS

README = Path(__file__).resolve().parents[2] / "README.md"
START, END = "<!-- workbook:start -->", "<!-- workbook:end -->"


def test_readme_carries_the_generated_workbook_section() -> None:
    if not README.exists():
        pytest.skip("README.md does not exist yet (its owner adds it)")
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        pytest.skip(f"README.md has no {START} ... {END} markers yet")
    between = text.split(START, 1)[1].split(END, 1)[0]
    if not between.strip():
        pytest.skip("README.md's workbook markers are empty: run `python -m stockpile.data.docs`")
    assert between.strip() == workbook_markdown().strip(), (
        "README.md's workbook section is stale: paste the output of "
        "`python -m stockpile.data.docs` between the markers"
    )


def test_every_sheet_and_column_is_documented() -> None:
    md = workbook_markdown()
    for sheet in SHEETS:
        assert f"### {sheet.name} (" in md
        for col in sheet.columns:
            assert f"| `{col.name}` |" in md, (sheet.name, col.name)
            assert col.description.replace("*", "\\*") in md


def test_columns_rows_are_well_formed_tables() -> None:
    for line in workbook_markdown().splitlines():
        if line.startswith("| `"):
            # Six cells: name, type, unit, default, allowed, description; escaped pipes
            # inside a cell do not count.
            assert line.replace("\\|", "").count("|") == 7, line


def test_module_prints_the_section() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "stockpile.data.docs"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert out == workbook_markdown()
