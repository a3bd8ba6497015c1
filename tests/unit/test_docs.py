"""The workbook reference is generated from the data dictionary and kept in sync."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from stockpile.data.docs import workbook_markdown
from stockpile.data.schema import SHEETS
from stockpile.docgen import workbook_page

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_docs_carry_the_generated_workbook_reference() -> None:
    """docs/reference/workbook.md is the generator's output (python -m stockpile.docgen)."""
    page = (DOCS / "reference" / "workbook.md").read_text(encoding="utf-8")
    assert page == workbook_page(), (
        "docs/reference/workbook.md is stale: run `python -m stockpile.docgen docs`"
    )
    for sheet in SHEETS:
        assert f"\n## {sheet.name} (" in page, sheet.name


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
