"""Read the Scenarios sheet of a workbook into named scenarios.

Only the form of the sheet is judged here (file, header, blank required cells,
formulas), with the cell grammar of the workbook reader (``stockpile.data.cells``).
What an override names and whether its value fits is checked when the scenario is
applied (``stockpile.scenarios.apply``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from stockpile.data.cells import (
    NO_CACHE_MESSAGE,
    ExcelError,
    NoCache,
    RawSheet,
    cell_text,
    is_blank,
    load_sheets,
    parse_cell,
    read_header,
    table_rows,
)
from stockpile.data.problems import InputError, Problem
from stockpile.data.schema import SCENARIOS, Column
from stockpile.data.validate import order_problems
from stockpile.scenarios.overrides import RESERVED_NAMES, SHEET, Override, Scenario
from stockpile.text import describe, printable, skeleton


def read_scenarios(path: str | Path, *, required: bool = False) -> dict[str, Scenario]:
    """The scenarios of the Scenarios sheet of the workbook at ``path``.

    Judges the form of the sheet (header, blank required cells, formulas) the way the
    reader judges data sheets and raises ``InputError`` listing every problem; the
    overrides themselves are checked when a scenario is applied. A workbook without a
    Scenarios sheet has no scenarios (an error when ``required``: a --scenarios FILE).
    """
    path = Path(path)
    sheets = load_sheets(path, (SHEET,)).sheets
    if SHEET not in sheets:
        if not required:
            return {}
        raise InputError(
            [
                Problem(
                    "the workbook has no Scenarios sheet",
                    "Add a sheet named 'Scenarios' with the headers: "
                    + ", ".join(SCENARIOS.headers)
                    + " (stockpile template writes one).",
                    sheet=SHEET,
                )
            ]
        )
    raw = sheets[SHEET] or RawSheet(SHEET)  # a chart sheet: no table
    problems: list[Problem] = []
    header = read_header(SCENARIOS, SCENARIOS.columns, raw, problems, set())
    rows: list[dict[str, Any]] = []
    if header is not None:
        for r, values in table_rows(raw, header):
            row: dict[str, Any] = {"row": r}
            for col in SCENARIOS.columns:
                if col.name not in values:
                    continue
                if col.name == "value":
                    value, problem = _raw_value(col, r, values[col.name])
                else:
                    value, problem = parse_cell(SCENARIOS, col, r, values[col.name])
                if problem is not None:
                    problems.append(problem)
                row[col.name] = value
            rows.append(row)
    problems += name_problems(rows)
    problems = order_problems(problems)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    return scenarios_from_rows(rows, origin=path.name)


def name_problems(rows: Iterable[Mapping[str, Any]]) -> list[Problem]:
    """Scenario names that cannot name a scenario, at the first row of each: a reserved
    name (``RESERVED_NAMES``: ``base`` and the comparison's own column headers), or a
    name that differs from an earlier one only in case or look (the comparison makes
    columns and Excel tables of the names, and Excel does not tell them apart)."""
    out: list[Problem] = []
    seen: dict[str, tuple[str, int | None]] = {}
    for r in rows:
        name = cell_text(r.get("scenario"))
        if not name:
            continue
        key = skeleton(name)
        if key in seen:
            was, row = seen[key]
            if was != name:
                where = f"row {row}" if row else "an earlier row"
                out.append(
                    Problem(
                        f"scenario {describe(name)} differs from {describe(was)} ({where}) "
                        "only in case or look; the comparison would take them for one name",
                        "Rename one of the two scenarios (or give both rows the same name "
                        "if they are one scenario).",
                        sheet=SHEET,
                        row=r.get("row"),
                        column="scenario",
                        value=name,
                    )
                )
            continue
        seen[key] = (name, r.get("row"))
        if name.strip().casefold() in RESERVED_NAMES:
            out.append(
                Problem(
                    f"scenario name '{printable(name)}' is reserved: "
                    + (
                        "'base' is the unchanged input, always solved first"
                        if name.strip().casefold() == "base"
                        else "the comparison workbook has a column of that name"
                    ),
                    "Rename the scenario (names are compared without case). Reserved: "
                    + ", ".join(sorted(RESERVED_NAMES))
                    + ".",
                    sheet=SHEET,
                    row=r.get("row"),
                    column="scenario",
                    value=name,
                )
            )
    return out


def scenarios_from_rows(rows: Iterable[Mapping[str, Any]], origin: str = "") -> dict[str, Scenario]:
    """Group Scenarios rows (dicts keyed by column, optional ``row``) by scenario name,
    keeping their order. No checks here: those run when a scenario is applied."""
    grouped: dict[str, list[Override]] = {}
    for r in rows:
        ov = Override(
            scenario=cell_text(r.get("scenario")),
            sheet=cell_text(r.get("sheet")),
            key=cell_text(r.get("key")),
            op=cell_text(r.get("op")),
            column=cell_text(r.get("column")),
            value=r.get("value"),
            row=r.get("row"),
            note=cell_text(r.get("note")),
        )
        grouped.setdefault(ov.scenario, []).append(ov)
    return {name: Scenario(name, tuple(ovs), origin) for name, ovs in grouped.items()}


def _raw_value(col: Column, row: int, raw: Any) -> tuple[Any, Problem | None]:
    """The value cell as typed in Excel (a number stays a number, text stays text)."""

    def problem(message: str, fix: str, value: Any = raw) -> tuple[Any, Problem]:
        return None, Problem(message, fix, sheet=SHEET, row=row, column=col.name, value=value)

    if isinstance(raw, NoCache):
        return problem(
            NO_CACHE_MESSAGE,
            "Open the workbook in Excel and save it, or replace the formula by its value.",
            raw.formula,
        )
    if isinstance(raw, ExcelError):
        return problem(f"cell shows the Excel error {raw.code}", "Type the value.", raw.code)
    if is_blank(raw):
        return None, None
    if isinstance(raw, bool):
        return problem("expected a number or text, found TRUE/FALSE", "Type the value.")
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            return problem(f"expected a number, found {raw}", "Type a finite number.")
        return raw, None
    if not isinstance(raw, str):
        return problem(
            "expected a number or text, found a date",
            "Format the cell as Number or Text and retype the value.",
            str(raw),
        )
    return raw.strip(), None
