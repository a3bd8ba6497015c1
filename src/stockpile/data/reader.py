"""Read the input workbook into an ``Inputs`` object, reporting every problem at once.

The reader owns the workbook's form: file safety, sheets, headers, cell types,
blank and default values, formulas. It loads the file and judges headers and cells
with ``cells``, the grammar it shares with the scenario reader. Everything about the
values themselves (ranges, allowed values, references, keys, cross-sheet rules) is
checked by ``validate.check_inputs``, so that inputs built in code are judged by the
same rules.
Both are driven by ``schema.SHEETS``; no sheet or column name is spelled here.

A row with a bad cell is kept, with ``None`` in place of the bad value (a record
made with ``model_construct``, which skips pydantic validation). That way the
cross-sheet checks still see the row's good cells (its id, its references), and a
bad cell does not cascade into "unknown id" or "sums to 0.7" messages elsewhere.
Such an ``Inputs`` never leaves this module: any error raises ``InputError``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from stockpile.data.cells import (
    RawSheet,
    cell_text,
    expected_text,
    is_blank,
    load_sheets,
    near,
    parse_cell,
    read_header,
    table_rows,
)
from stockpile.data.inputs import RECORDS, Inputs, Record, Settings
from stockpile.data.problems import InputError, Problem
from stockpile.data.schema import (
    INFO_SHEETS,
    SAFETY_LIMITS,
    SETTINGS,
    SHEETS,
    SHEETS_BY_NAME,
    START_YEAR,
    Column,
    Limits,
    Sheet,
)
from stockpile.data.validate import check_inputs, order_problems

#: Sheets that belong to the workbook but not to this reader (scenario overrides are
#: read by the scenarios package).
SKIPPED_SHEETS = (*INFO_SHEETS, "Scenarios")


def read_workbook(
    path: str | Path, *, limits: Limits = SAFETY_LIMITS
) -> tuple[Inputs, list[Problem]]:
    """Read and validate the input workbook at ``path``.

    Returns the inputs and the warnings (ignored sheets and columns, unknown
    settings). Raises ``InputError`` listing every problem found, errors first in
    sheet and row order, when there is any error: a planner fixes a workbook in one
    pass, not one message per run.
    """
    book = load_sheets(Path(path), SHEETS_BY_NAME, limits=limits)
    raw = book.sheets
    problems = _sheet_problems(book.titles)
    incomplete: set[str] = set()
    for title in (t for t, sheet in raw.items() if sheet is None):
        problems.append(
            Problem(
                "the sheet is a chart sheet, not a table",
                f"Delete the chart sheet and add a worksheet named '{title}'.",
                sheet=title,
            )
        )
        incomplete.add(title)
    settings = _read_settings(raw.get(SETTINGS.name), problems, incomplete)
    tables: dict[str, list[Record]] = {}
    for sheet in SHEETS:
        if not sheet.settings:
            tables[sheet.attr] = _read_table(sheet, raw.get(sheet.name), problems, incomplete)
    inputs = Inputs.build(settings, **tables)
    problems += check_inputs(inputs, incomplete=incomplete)

    problems = order_problems(problems)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    return inputs, problems


# --- sheets -------------------------------------------------------------------------


def _sheet_problems(titles: list[str]) -> list[Problem]:
    """Warnings for sheets nobody reads, errors for required sheets that are missing."""
    problems = []
    present = set(titles)
    for title in titles:
        if title in SHEETS_BY_NAME or title in SKIPPED_SHEETS:
            continue
        meant = near(title, SHEETS_BY_NAME)
        problems.append(
            Problem(
                f"sheet '{title}' is not part of the workbook contract and is ignored",
                f"Rename it to '{meant}' if it holds that table (sheet names are case-sensitive)."
                if meant and meant not in present
                else "Delete it, or rename it to one of: " + ", ".join(SHEETS_BY_NAME) + ".",
                sheet=title,
                severity="warning",
            )
        )
    for sheet in SHEETS:
        if sheet.required and sheet.name not in present:
            meant = near(sheet.name, titles)
            problems.append(
                Problem(
                    "required sheet is missing",
                    f"Rename sheet '{meant}' to '{sheet.name}' (sheet names are case-sensitive)."
                    if meant
                    else f"Add a sheet named '{sheet.name}' with the headers: "
                    + ", ".join(sheet.headers)
                    + ".",
                    sheet=sheet.name,
                )
            )
    return problems


# --- data sheets ---------------------------------------------------------------------


def _read_table(
    sheet: Sheet, raw: RawSheet | None, problems: list[Problem], incomplete: set[str]
) -> list[Record]:
    """One record per non-blank row of a data sheet (rows with bad cells included)."""
    if raw is None:
        if sheet.required:
            incomplete.add(sheet.name)
        return []
    header = read_header(sheet, sheet.columns, raw, problems, incomplete)
    if header is None:
        return []
    cls = RECORDS[sheet.name]
    records = []
    for r, values in table_rows(raw, header):
        fields: dict[str, Any] = {}
        ok = True
        for col in sheet.columns:
            if col.name not in header:
                if col.required:
                    ok = False  # already reported once, as a missing column
                    fields[col.name] = None
                continue
            value, problem = parse_cell(sheet, col, r, values[col.name])
            if problem is not None:
                problems.append(problem)
                ok = False
                fields[col.name] = None
            elif value is not None:
                fields[col.name] = value
        records.append(_record(cls, sheet, r, fields, ok, problems))
    return records


def _record(
    cls: type[Record],
    sheet: Sheet,
    row: int,
    fields: dict[str, Any],
    ok: bool,
    problems: list[Problem],
) -> Record:
    if ok:
        try:
            return cls(row=row, **fields)
        except ValueError as exc:  # pydantic's ValidationError; not expected after parse_cell
            problems.append(Problem(f"row cannot be read: {exc}", "", sheet=sheet.name, row=row))
    full = {c.name: fields.get(c.name, _default(c)) for c in sheet.columns}
    return cls.model_construct(row=row, **full)


def _default(col: Column) -> Any:
    return None if col.required or col.default == START_YEAR else col.default


# --- the Settings sheet --------------------------------------------------------------

_SETTING_NAME = Column("setting", "id", "Setting name.", required=True)
_SETTING_VALUE = Column("value", "text", "Setting value.", required=True)


def _read_settings(raw: RawSheet | None, problems: list[Problem], incomplete: set[str]) -> Settings:
    """Settings from the two-column setting | value sheet.

    Returns a Settings made without validation (``None`` for missing or bad values)
    when something is wrong, so that the other sheets are still read and checked.
    """
    values: dict[str, Any] = {}
    rows: dict[str, int] = {}
    bad: set[str] = set()
    header = None
    if raw is not None:
        header = read_header(SETTINGS, (_SETTING_NAME, _SETTING_VALUE), raw, problems, incomplete)
    if raw is None or header is None or SETTINGS.name in incomplete:
        incomplete.add(SETTINGS.name)
        return _settings(values, rows, ok=False)

    known = {c.name: c for c in SETTINGS.columns}
    i_name, i_value = header[_SETTING_NAME.name], header[_SETTING_VALUE.name]
    for r, cells in enumerate(raw.rows[1:], start=2):
        name_cell = cells[i_name] if i_name < len(cells) else None
        value_cell = cells[i_value] if i_value < len(cells) else None
        if is_blank(name_cell) and is_blank(value_cell):
            continue
        name, problem = parse_cell(SETTINGS, _SETTING_NAME, r, name_cell, column=_SETTING_NAME.name)
        if problem is not None:
            problems.append(problem)
            continue
        if name not in known:
            meant = near(name, known)
            problems.append(
                Problem(
                    f"unknown setting '{name}' is ignored",
                    f"Did you mean '{meant}'? Setting names are case-sensitive."
                    if meant
                    else "Known settings: " + ", ".join(known) + ".",
                    sheet=SETTINGS.name,
                    row=r,
                    column=_SETTING_NAME.name,
                    value=name,
                    severity="warning",
                )
            )
            continue
        if name in rows:
            problems.append(
                Problem(
                    f"setting '{name}' is given twice (first in row {rows[name]})",
                    "Delete one of the two rows.",
                    sheet=SETTINGS.name,
                    row=r,
                    column=_SETTING_NAME.name,
                    value=name,
                )
            )
            bad.add(name)
            continue
        rows[name] = r
        col = known[name]
        value, problem = parse_cell(SETTINGS, col, r, value_cell, column=_SETTING_VALUE.name)
        if problem is not None:
            # every setting sits in the same "value" column: the message names the setting
            message = (
                f"{name} is blank"
                if value_cell is None or is_blank(value_cell)
                else f"{name}: {problem.message}"
            )
            problems.append(replace(problem, message=message))
            bad.add(name)
        elif value is not None:
            values[name] = value
    for col in SETTINGS.columns:
        if col.required and col.name not in rows:
            names = [cell_text(row[i_name]) for row in raw.rows[1:] if i_name < len(row)]
            meant = near(col.name, names)
            problems.append(
                Problem(
                    f"required setting '{col.name}' is missing",
                    f"Rename setting '{meant}' to '{col.name}' (setting names are case-sensitive)."
                    if meant
                    else f"Add a row with setting '{col.name}' and its value "
                    f"({expected_text(col)}).",
                    sheet=SETTINGS.name,
                    column=_SETTING_NAME.name,
                    value=col.name,
                )
            )
            bad.add(col.name)
    return _settings(values, rows, ok=not bad)


def _settings(values: dict[str, Any], rows: dict[str, int], ok: bool) -> Settings:
    if ok:
        return Settings(**values, rows=rows)
    full = {c.name: values.get(c.name, _default(c)) for c in SETTINGS.columns}
    return Settings.model_construct(**full, rows=rows)
