"""Read the input workbook into an ``Inputs`` object, reporting every problem at once.

The reader owns the workbook's form: file safety, sheets, headers, cell types,
blank and default values, formulas. Everything about the values themselves (ranges,
allowed values, references, keys, cross-sheet rules) is checked by
``validate.check_inputs``, so that inputs built in code are judged by the same rules.
Both are driven by ``schema.SHEETS``; no sheet or column name is spelled here.

A row with a bad cell is kept, with ``None`` in place of the bad value (a record
made with ``model_construct``, which skips pydantic validation). That way the
cross-sheet checks still see the row's good cells (its id, its references), and a
bad cell does not cascade into "unknown id" or "sums to 0.7" messages elsewhere.
Such an ``Inputs`` never leaves this module: any error raises ``InputError``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from stockpile.data.inputs import RECORDS, Inputs, Record, Settings
from stockpile.data.problems import InputError, Problem
from stockpile.data.safety import check_file, open_workbook
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

NO_CACHE_MESSAGE = (
    "formula has no saved result: open and save the workbook in Excel, or type the value"
)


@dataclass(frozen=True)
class _NoCache:
    """A formula cell whose result was never saved (files written by scripts)."""

    formula: str


@dataclass(frozen=True)
class _ExcelError:
    """A cell showing an Excel error such as #N/A or #DIV/0!."""

    code: str


@dataclass
class _RawSheet:
    """Cell values of one sheet; ``rows[0]`` is Excel row 1, rows may differ in length."""

    title: str
    rows: list[list[Any]] = field(default_factory=list)


def read_workbook(
    path: str | Path, *, limits: Limits = SAFETY_LIMITS
) -> tuple[Inputs, list[Problem]]:
    """Read and validate the input workbook at ``path``.

    Returns the inputs and the warnings (ignored sheets and columns, unknown
    settings). Raises ``InputError`` listing every problem found, errors first in
    sheet and row order, when there is any error: a planner fixes a workbook in one
    pass, not one message per run.
    """
    path = Path(path)
    problems = check_file(path, limits)
    if problems:
        raise InputError(problems)
    try:
        titles, raw = _load(path)
    except Exception as exc:  # any parser failure on an untrusted file is a bad file
        raise InputError(
            [
                Problem(
                    f"the file cannot be read as a workbook: {type(exc).__name__}: {exc}",
                    "Open the workbook in Excel and save it again as 'Excel Workbook (*.xlsx)'.",
                )
            ]
        ) from exc

    problems += _sheet_problems(titles)
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


# --- loading cells -----------------------------------------------------------------


def _load(path: Path) -> tuple[list[str], dict[str, _RawSheet | None]]:
    """All sheet titles, and the cells of the sheets the schema knows.

    Formulas are found in a first read (data_only=False, the only way openpyxl tells
    a formula from a value); only if there are any is the file read a second time
    for their cached results. ``None`` marks a chart sheet (no cells).
    """
    wanted = set(SHEETS_BY_NAME)
    raw: dict[str, _RawSheet | None] = {}
    formulas: dict[str, set[tuple[int, int]]] = {}
    book = open_workbook(path, data_only=False)
    try:
        titles = list(book.sheetnames)
        for title in titles:
            if title not in wanted:
                continue
            ws = book[title]
            if not hasattr(ws, "iter_rows"):
                raw[title] = None
                continue
            ws.reset_dimensions()  # trust the cells, not the (often stale) dimension tag
            sheet = raw[title] = _RawSheet(title)
            for r, cells in enumerate(ws.iter_rows(), start=1):
                values = []
                for c, cell in enumerate(cells, start=1):
                    if cell.data_type == "f":
                        formulas.setdefault(title, set()).add((r, c))
                        text = getattr(cell.value, "text", None) or cell.value
                        values.append(_NoCache(str(text)))
                    elif cell.data_type == "e":
                        values.append(_ExcelError(str(cell.value)))
                    else:
                        values.append(cell.value)
                sheet.rows.append(values)
    finally:
        book.close()
    if formulas:
        _fill_cached_results(path, raw, formulas)
    return titles, raw


def _fill_cached_results(
    path: Path, raw: dict[str, _RawSheet | None], formulas: dict[str, set[tuple[int, int]]]
) -> None:
    """Replace formula cells by the result Excel saved with them, where there is one."""
    book = open_workbook(path, data_only=True)
    try:
        for title, coords in formulas.items():
            sheet = raw[title]
            assert sheet is not None
            last = max(r for r, _ in coords)
            ws = book[title]
            ws.reset_dimensions()
            for r, cells in enumerate(ws.iter_rows(), start=1):
                if r > last:
                    break
                for c, cell in enumerate(cells, start=1):
                    if (r, c) not in coords:
                        continue
                    if cell.data_type == "e":
                        sheet.rows[r - 1][c - 1] = _ExcelError(str(cell.value))
                    elif cell.value is not None:
                        sheet.rows[r - 1][c - 1] = cell.value
                    elif cell.data_type == "str":
                        # Saved as an empty text result (=IF(...,"",...)): a blank cell.
                        sheet.rows[r - 1][c - 1] = None
                    # else: no <v> at all; the _NoCache marker stays.
    finally:
        book.close()


# --- sheets and headers --------------------------------------------------------------


def _sheet_problems(titles: list[str]) -> list[Problem]:
    """Warnings for sheets nobody reads, errors for required sheets that are missing."""
    problems = []
    present = set(titles)
    for title in titles:
        if title in SHEETS_BY_NAME or title in SKIPPED_SHEETS:
            continue
        meant = _near(title, SHEETS_BY_NAME)
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
            meant = _near(sheet.name, titles)
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


def _header(
    sheet: Sheet,
    columns: tuple[Column, ...],
    raw: _RawSheet,
    problems: list[Problem],
    incomplete: set[str],
) -> dict[str, int] | None:
    """Map each known column name to its 0-based position, from row 1.

    Returns None when the sheet holds no table at all (fine for an optional sheet).
    A required sheet with no header, or a missing required column, makes the sheet
    ``incomplete``: checks that need all of its rows are then skipped.
    """
    has_data = any(not _is_blank(v) for row in raw.rows[1:] for v in row)
    head = raw.rows[0] if raw.rows else []
    if all(_is_blank(v) for v in head):
        if has_data:
            problems.append(
                Problem(
                    "row 1 is blank, but the column headers must be in row 1",
                    "Move the header row to row 1 (headers: " + ", ".join(sheet.headers) + ").",
                    sheet=sheet.name,
                    row=1,
                )
            )
            incomplete.add(sheet.name)
        elif sheet.required:
            problems.append(
                Problem(
                    "the sheet is empty; a required sheet needs its header row and data",
                    "Enter the headers in row 1 (" + ", ".join(sheet.headers) + ") and the "
                    "data below them.",
                    sheet=sheet.name,
                )
            )
            incomplete.add(sheet.name)
        return None

    names = {c.name for c in columns}
    found: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for i, cell in enumerate(head):
        if _is_blank(cell):
            if any(i < len(row) and not _is_blank(row[i]) for row in raw.rows[1:]):
                problems.append(
                    Problem(
                        f"column {get_column_letter(i + 1)} has values but no header, "
                        "so it is ignored",
                        "Give the column a header from the contract, or delete it.",
                        sheet=sheet.name,
                        row=1,
                        severity="warning",
                    )
                )
            continue
        text = _header_text(cell)
        if text in names:
            if text in found:
                problems.append(
                    Problem(
                        f"column '{text}' appears twice in the header (columns "
                        f"{get_column_letter(found[text] + 1)} and {get_column_letter(i + 1)})",
                        "Delete or rename one of the two columns.",
                        sheet=sheet.name,
                        row=1,
                        column=text,
                    )
                )
            else:
                found[text] = i
        else:
            unknown.append((i, text))

    explained: set[str] = set()
    for col in columns:
        if col.name in found or not col.required:
            continue
        meant = _near(col.name, [t for _, t in unknown])
        if meant:
            explained.add(meant)
        problems.append(
            Problem(
                f"required column '{col.name}' is missing from the header",
                f"Rename header '{meant}' to '{col.name}' (headers are case-sensitive)."
                if meant
                else f"Add a column headed '{col.name}' holding {_expect(col)}.",
                sheet=sheet.name,
                row=1,
                column=col.name,
            )
        )
        incomplete.add(sheet.name)
    for _, text in unknown:
        if text in explained:
            continue
        meant = _near(text, [c.name for c in columns if c.name not in found])
        problems.append(
            Problem(
                f"column '{text}' is not part of the {sheet.name} sheet and is ignored",
                f"Rename it to '{meant}' (headers are case-sensitive)."
                if meant
                else "Delete it if it is not needed; its values are not read.",
                sheet=sheet.name,
                row=1,
                column=text,
                severity="warning",
            )
        )
    return found


# --- data sheets ---------------------------------------------------------------------


def _read_table(
    sheet: Sheet, raw: _RawSheet | None, problems: list[Problem], incomplete: set[str]
) -> list[Record]:
    """One record per non-blank row of a data sheet (rows with bad cells included)."""
    if raw is None:
        if sheet.required:
            incomplete.add(sheet.name)
        return []
    header = _header(sheet, sheet.columns, raw, problems, incomplete)
    if header is None:
        return []
    cls = RECORDS[sheet.name]
    records = []
    for r, cells in enumerate(raw.rows[1:], start=2):
        values = {name: cells[i] if i < len(cells) else None for name, i in header.items()}
        if all(_is_blank(v) for v in values.values()):
            continue
        fields: dict[str, Any] = {}
        ok = True
        for col in sheet.columns:
            if col.name not in header:
                if col.required:
                    ok = False  # already reported once, as a missing column
                    fields[col.name] = None
                continue
            value, problem = _cell(sheet, col, r, values[col.name])
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
        except ValueError as exc:  # pydantic's ValidationError; not expected after _cell
            problems.append(Problem(f"row cannot be read: {exc}", "", sheet=sheet.name, row=row))
    full = {c.name: fields.get(c.name, _default(c)) for c in sheet.columns}
    return cls.model_construct(row=row, **full)


def _default(col: Column) -> Any:
    return None if col.required or col.default == START_YEAR else col.default


# --- the Settings sheet --------------------------------------------------------------

_SETTING_NAME = Column("setting", "id", "Setting name.", required=True)
_SETTING_VALUE = Column("value", "text", "Setting value.", required=True)


def _read_settings(
    raw: _RawSheet | None, problems: list[Problem], incomplete: set[str]
) -> Settings:
    """Settings from the two-column setting | value sheet.

    Returns a Settings made without validation (``None`` for missing or bad values)
    when something is wrong, so that the other sheets are still read and checked.
    """
    values: dict[str, Any] = {}
    rows: dict[str, int] = {}
    bad: set[str] = set()
    header = None
    if raw is not None:
        header = _header(SETTINGS, (_SETTING_NAME, _SETTING_VALUE), raw, problems, incomplete)
    if raw is None or header is None or SETTINGS.name in incomplete:
        incomplete.add(SETTINGS.name)
        return _settings(values, rows, ok=False)

    known = {c.name: c for c in SETTINGS.columns}
    i_name, i_value = header[_SETTING_NAME.name], header[_SETTING_VALUE.name]
    for r, cells in enumerate(raw.rows[1:], start=2):
        name_cell = cells[i_name] if i_name < len(cells) else None
        value_cell = cells[i_value] if i_value < len(cells) else None
        if _is_blank(name_cell) and _is_blank(value_cell):
            continue
        name, problem = _cell(SETTINGS, _SETTING_NAME, r, name_cell, column=_SETTING_NAME.name)
        if problem is not None:
            problems.append(problem)
            continue
        if name not in known:
            meant = _near(name, known)
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
        value, problem = _cell(SETTINGS, col, r, value_cell, column=_SETTING_VALUE.name)
        if problem is not None:
            problems.append(problem)
            bad.add(name)
        elif value is not None:
            values[name] = value
    for col in SETTINGS.columns:
        if col.required and col.name not in rows:
            names = [_header_text(row[i_name]) for row in raw.rows[1:] if i_name < len(row)]
            meant = _near(col.name, names)
            problems.append(
                Problem(
                    f"required setting '{col.name}' is missing",
                    f"Rename setting '{meant}' to '{col.name}' (setting names are case-sensitive)."
                    if meant
                    else f"Add a row with setting '{col.name}' and its value ({_expect(col)}).",
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


# --- cells ---------------------------------------------------------------------------


def _cell(
    sheet: Sheet, col: Column, row: int, raw: Any, column: str | None = None
) -> tuple[Any, Problem | None]:
    """The typed value of one cell, or the problem with it.

    ``(None, None)`` is a blank optional cell (the record default applies). Ranges
    and allowed values are not judged here but in ``check_inputs``.
    """

    def problem(message: str, fix: str, value: Any = raw) -> tuple[Any, Problem]:
        return None, Problem(
            message, fix, sheet=sheet.name, row=row, column=column or col.name, value=value
        )

    if isinstance(raw, _NoCache):
        return problem(
            NO_CACHE_MESSAGE,
            "Open the workbook in Excel and save it, so that the formula's result is "
            "stored, or replace the formula by its value.",
            raw.formula,
        )
    if isinstance(raw, _ExcelError):
        return problem(
            f"cell shows the Excel error {raw.code}",
            "Correct the formula, or type the value.",
            raw.code,
        )
    if _is_blank(raw):
        if col.required:
            fix = f"Enter {_expect(col)}" + (
                "." if sheet.settings else ", or delete the whole row if it is not needed."
            )
            return problem("required value is blank", fix, None)
        return None, None
    if col.is_numeric:
        return _number(col, raw, problem)
    # Text-like columns: id, ref, text, enum.
    if isinstance(raw, bool):
        if col.kind == "text":
            return ("TRUE" if raw else "FALSE"), None
        return problem(f"expected {_expect(col)}, found TRUE/FALSE", f"Enter {_expect(col)}.")
    if isinstance(raw, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        if col.kind == "text":
            return str(raw), None
        return problem(
            f"expected {_expect(col)}, found a date",
            f"Format the cell as Text and enter {_expect(col)}.",
        )
    if isinstance(raw, (int, float)):
        return _number_text(raw), None
    return str(raw).strip(), None


def _number(col: Column, raw: Any, problem: Any) -> tuple[Any, Problem | None]:
    """A number, year or whole-number cell. Text is refused, even "12": a number
    stored as text usually means a cell formatted as Text, and silently converting
    it would hide a "1,5" or "12 t" that means something else."""
    what = _expect(col)
    if isinstance(raw, bool):
        return problem(f"expected {what}, found TRUE/FALSE", f"Enter {what}.")
    if isinstance(raw, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return problem(
            f"expected {what}, found a date",
            "Format the cell as Number (Home > Number Format > General) and retype the value.",
            str(raw),
        )
    if isinstance(raw, str):
        if _looks_numeric(raw):
            fix = (
                "The number is stored as text: format the cell as Number and retype it "
                "(or use the warning icon's 'Convert to Number')."
            )
        else:
            fix = f"Enter {what}, without units or other text."
        return problem(f"expected {what}, found text", fix)
    if not isinstance(raw, (int, float)) or not math.isfinite(raw):
        return problem(f"expected {what}, found {raw!r}", f"Enter {what}.")
    if col.kind == "number":
        return float(raw), None
    if float(raw) != int(raw):
        return problem(f"expected {what}, found {raw}", f"Enter {what}.")
    return int(raw), None


def _expect(col: Column) -> str:
    """What a column holds, in words, for messages."""
    rng = col.range_text
    if rng.startswith(("[", "(")):
        rng = "in " + rng
    if col.kind == "number":
        return f"a number {rng}".strip()
    if col.kind == "int":
        return f"a whole number {rng}".strip()
    if col.kind == "year":
        return "a whole year such as 2030"
    if col.kind == "enum":
        return "one of " + ", ".join(col.choices)
    if col.kind == "ref" and col.ref:
        target = SHEETS_BY_NAME[col.ref].id_column
        what = f"a {target.name if target else col.name} id from {col.ref}"
        return what + ' or "*"' if col.star else what
    if col.kind in ("id", "ref"):
        return f"a {col.name} id"
    return "text"


def _number_text(x: float) -> str:
    """A number typed in an id cell, as text: 1 and 1.0 both read "1"."""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def _looks_numeric(text: str) -> bool:
    try:
        float(text.strip().replace(",", ""))
    except ValueError:
        return False
    return True


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _header_text(v: Any) -> str:
    if isinstance(v, _NoCache):
        return v.formula
    if isinstance(v, _ExcelError):
        return v.code
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return _number_text(v)
    return "" if v is None else str(v).strip()


def _near(name: str, candidates: Any) -> str | None:
    """A candidate equal to ``name`` but for case and surrounding spaces (a likely typo)."""
    key = name.strip().casefold()
    return next((c for c in candidates if c != name and c.strip().casefold() == key), None)
