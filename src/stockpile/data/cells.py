"""The cell grammar of every sheet stockpile reads, and the one sheet loader.

``load_sheets`` reads the cells of the wanted sheets of a workbook once (formulas
replaced by the results Excel saved with them), as ``RawSheet`` rows of plain values
and two markers: ``NoCache`` (a formula with no saved result) and ``ExcelError``
(a cell showing #N/A, #DIV/0! ...). The rest judges such cells the same way for the
workbook reader and the scenario reader: blank cells, the header row, a cell typed
for its ``schema.Column``, what a column holds in words, and the did-you-mean of a
mistyped name.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from stockpile.data.problems import InputError, Problem
from stockpile.data.safety import check_file, open_workbook
from stockpile.data.schema import SAFETY_LIMITS, SHEETS_BY_NAME, Column, Limits, Sheet

NO_CACHE_MESSAGE = (
    "formula has no saved result: open and save the workbook in Excel, or type the value"
)


@dataclass(frozen=True)
class NoCache:
    """A formula cell whose result was never saved (files written by scripts)."""

    formula: str


@dataclass(frozen=True)
class ExcelError:
    """A cell showing an Excel error such as #N/A or #DIV/0!."""

    code: str


@dataclass
class RawSheet:
    """Cell values of one sheet; ``rows[0]`` is Excel row 1, rows may differ in length."""

    title: str
    rows: list[list[Any]] = field(default_factory=list)


@dataclass(frozen=True)
class LoadedSheets:
    """What ``load_sheets`` read: every sheet title, and the cells of the wanted sheets.

    ``sheets`` has an entry for each wanted sheet the workbook has; ``None`` marks a
    chart sheet (no cells).
    """

    titles: list[str]
    sheets: dict[str, RawSheet | None]


# --- loading ---------------------------------------------------------------------------


def load_sheets(
    path: Path, names: Collection[str], *, limits: Limits = SAFETY_LIMITS
) -> LoadedSheets:
    """The cells of the sheets called ``names`` in the workbook at ``path``.

    Raises ``InputError`` when ``check_file`` refuses the file, or when it cannot be
    parsed as a workbook. Formulas are found in a first read (data_only=False, the
    only way openpyxl tells a formula from a value); only if there are any is the
    file read a second time for their cached results.
    """
    problems = check_file(path, limits)
    if problems:
        raise InputError(problems)
    try:
        return _load(path, names)
    except Exception as exc:  # any parser failure on an untrusted file is a bad file
        bad = _not_numbers(path, names) if isinstance(exc, ValueError) else []
        if bad:
            raise InputError(bad) from exc
        raise InputError(
            [
                Problem(
                    f"the file cannot be read as a workbook: {type(exc).__name__}: {exc}",
                    "Open the workbook in Excel and save it again as 'Excel Workbook (*.xlsx)'.",
                )
            ]
        ) from exc


def _load(path: Path, names: Collection[str]) -> LoadedSheets:
    wanted = set(names)
    raw: dict[str, RawSheet | None] = {}
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
            sheet = raw[title] = RawSheet(title)
            for r, cells in enumerate(ws.iter_rows(), start=1):
                values = []
                for c, cell in enumerate(cells, start=1):
                    if cell.data_type == "f":
                        formulas.setdefault(title, set()).add((r, c))
                        text = getattr(cell.value, "text", None) or cell.value
                        values.append(NoCache(str(text)))
                    elif cell.data_type == "e":
                        values.append(ExcelError(str(cell.value)))
                    else:
                        values.append(cell.value)
                sheet.rows.append(values)
    finally:
        book.close()
    if formulas:
        _fill_cached_results(path, raw, formulas)
    return LoadedSheets(titles, raw)


def _fill_cached_results(
    path: Path, raw: dict[str, RawSheet | None], formulas: dict[str, set[tuple[int, int]]]
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
                        sheet.rows[r - 1][c - 1] = ExcelError(str(cell.value))
                    elif cell.value is not None:
                        sheet.rows[r - 1][c - 1] = cell.value
                    elif cell.data_type == "str":
                        # Saved as an empty text result (=IF(...,"",...)): a blank cell.
                        sheet.rows[r - 1][c - 1] = None
                    # else: no <v> at all; the NoCache marker stays.
    finally:
        book.close()


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _not_numbers(path: Path, names: Collection[str]) -> list[Problem]:
    """The number cells of the sheets ``names`` whose stored value is not a number
    openpyxl can read (``<v>NaN</v>``, ``<v>Infinity</v>``: openpyxl stops the whole
    file on them with a bare ValueError), each a problem at its sheet, row and column.
    Read only after openpyxl failed, from the zip parts it had already accepted."""
    import zipfile

    from defusedxml import ElementTree
    from openpyxl.utils.cell import coordinate_from_string

    out: list[Problem] = []
    with zipfile.ZipFile(path) as zf:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
        shared: list[str] = []
        if "xl/sharedStrings.xml" in zf.namelist():
            strings = ElementTree.fromstring(zf.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{_MAIN}t")) for si in strings]
        for sheet in book.iter(f"{_MAIN}sheet"):
            title = sheet.get("name")
            if title not in names:
                continue
            part = target.get(sheet.get(f"{_DOC_REL}id"), "")
            part = part.lstrip("/") if part.startswith("/") else f"xl/{part}"
            if part not in zf.namelist():
                continue
            root = ElementTree.fromstring(zf.read(part))
            heads: dict[str, str] = {}
            for c in root.iter(f"{_MAIN}c"):
                letters, row = coordinate_from_string(c.get("r", "A1"))
                kind = c.get("t", "n")
                if row == 1:
                    v = c.findtext(f"{_MAIN}v")
                    if kind == "s" and v is not None and v.isdigit() and int(v) < len(shared):
                        heads[letters] = shared[int(v)]
                    elif kind == "inlineStr":
                        heads[letters] = "".join(t.text or "" for t in c.iter(f"{_MAIN}t"))
                    continue
                text = c.findtext(f"{_MAIN}v")
                if kind != "n" or text is None or _reads_as_number(text):
                    continue
                out.append(
                    Problem(
                        f"the cell stores '{text}', which is not a number (cell {letters}{row})",
                        "Type the number into the cell (or clear it), then save the workbook "
                        "again in Excel.",
                        sheet=title,
                        row=row,
                        column=heads.get(letters, letters),
                        value=text,
                    )
                )
    return out


def _reads_as_number(text: str) -> bool:
    """Whether openpyxl reads a stored number: as float when it has ., e or E, else as
    int (so "NaN" and "Infinity" fail)."""
    try:
        value = float(text) if any(ch in text for ch in ".eE") else int(text)
    except ValueError:
        return False
    return math.isfinite(value)


# --- the header and the rows below it -------------------------------------------------


def read_header(
    sheet: Sheet,
    columns: tuple[Column, ...],
    raw: RawSheet,
    problems: list[Problem],
    incomplete: set[str],
) -> dict[str, int] | None:
    """Map each known column name to its 0-based position, from row 1.

    Returns None when the sheet holds no table at all (fine for an optional sheet).
    A required sheet with no header, or a missing required column, makes the sheet
    ``incomplete``: checks that need all of its rows are then skipped. Problems with
    the header (blank, duplicate, missing or unknown columns) go to ``problems``.
    """
    has_data = any(not is_blank(v) for row in raw.rows[1:] for v in row)
    head = raw.rows[0] if raw.rows else []
    if all(is_blank(v) for v in head):
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
        if is_blank(cell):
            if any(i < len(row) and not is_blank(row[i]) for row in raw.rows[1:]):
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
        text = cell_text(cell)
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
        meant = near(col.name, [t for _, t in unknown])
        if meant:
            explained.add(meant)
        problems.append(
            Problem(
                f"required column '{col.name}' is missing from the header",
                f"Rename header '{meant}' to '{col.name}' (headers are case-sensitive)."
                if meant
                else f"Add a column headed '{col.name}' holding {expected_text(col)}.",
                sheet=sheet.name,
                row=1,
                column=col.name,
            )
        )
        incomplete.add(sheet.name)
    for _, text in unknown:
        if text in explained:
            continue
        meant = near(text, [c.name for c in columns if c.name not in found])
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


def table_rows(raw: RawSheet, header: dict[str, int]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows below the header that are not blank in every known column, each as its
    Excel row and the raw value of each column of ``header`` (``None`` past a short row)."""
    for r, cells in enumerate(raw.rows[1:], start=2):
        values = {name: cells[i] if i < len(cells) else None for name, i in header.items()}
        if not all(is_blank(v) for v in values.values()):
            yield r, values


# --- one cell ------------------------------------------------------------------------------


def parse_cell(
    sheet: Sheet, col: Column, row: int, raw: Any, column: str | None = None
) -> tuple[Any, Problem | None]:
    """The value of one cell typed for ``col``, or the problem with it.

    ``(None, None)`` is a blank optional cell (the record default applies). Ranges
    and allowed values are not judged here but in ``check_inputs``. The problem names
    the column ``column``, or ``col`` when that is not given.
    """

    def problem(message: str, fix: str, value: Any = raw) -> tuple[Any, Problem]:
        return None, Problem(
            message, fix, sheet=sheet.name, row=row, column=column or col.name, value=value
        )

    if isinstance(raw, NoCache):
        return problem(
            NO_CACHE_MESSAGE,
            "Open the workbook in Excel and save it, so that the formula's result is "
            "stored, or replace the formula by its value.",
            raw.formula,
        )
    if isinstance(raw, ExcelError):
        return problem(
            f"cell shows the Excel error {raw.code}",
            "Correct the formula, or type the value.",
            raw.code,
        )
    if is_blank(raw):
        if col.required:
            fix = f"Enter {expected_text(col)}" + (
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
        return problem(
            f"expected {expected_text(col)}, found TRUE/FALSE", f"Enter {expected_text(col)}."
        )
    if isinstance(raw, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        if col.kind == "text":
            return str(raw), None
        return problem(
            f"expected {expected_text(col)}, found a date",
            f"Format the cell as Text and enter {expected_text(col)}.",
        )
    if isinstance(raw, (int, float)):
        return _number_text(raw), None
    return str(raw).strip(), None


def _number(
    col: Column, raw: Any, problem: Callable[..., tuple[Any, Problem]]
) -> tuple[Any, Problem | None]:
    """A number, year or whole-number cell. Text is refused, even "12": a number
    stored as text usually means a cell formatted as Text, and silently converting
    it would hide a "1,5" or "12 t" that means something else."""
    what = expected_text(col)
    if isinstance(raw, bool):
        return problem(f"expected {what}, found TRUE/FALSE", f"Enter {what}.")
    if isinstance(raw, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return problem(
            f"expected {what}, found a date",
            "Format the cell as Number (Home > Number Format > General) and retype the value.",
            str(raw),
        )
    if isinstance(raw, str):
        if looks_numeric(raw):
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


def expected_text(col: Column) -> str:
    """What a column holds, in words, for messages: 'a number in [0, 1]', 'a whole year
    such as 2030', 'a source id from Sources or "*"'."""
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


def is_blank(v: Any) -> bool:
    """An empty cell, or one holding only spaces."""
    return v is None or (isinstance(v, str) and not v.strip())


def looks_numeric(text: str) -> bool:
    """Text that reads as a number ("12", " 1,500.5 "): a number stored as text."""
    try:
        float(text.strip().replace(",", ""))
    except ValueError:
        return False
    return True


def cell_text(v: Any) -> str:
    """A cell value as the text a planner sees in it: stripped, "" for a blank, 1 and
    1.0 both "1", the formula of a ``NoCache``, the code of an ``ExcelError``."""
    if isinstance(v, NoCache):
        return v.formula
    if isinstance(v, ExcelError):
        return v.code
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return _number_text(v)
    return "" if v is None else str(v).strip()


def _number_text(x: float) -> str:
    """A number typed in an id cell, as text: 1 and 1.0 both read "1"."""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


# --- names --------------------------------------------------------------------------------


def near(name: str, candidates: Iterable[str], *, ignore_spaces: bool = True) -> str | None:
    """The did-you-mean of a mistyped name: a candidate other than ``name`` that equals
    it but for case, and for surrounding spaces unless ``ignore_spaces`` is False.
    A blank name suggests nothing."""
    if not name.strip():
        return None
    if ignore_spaces:
        key = name.strip().casefold()
        return next((c for c in candidates if c != name and c.strip().casefold() == key), None)
    key = name.casefold()
    return next((c for c in candidates if c != name and c.casefold() == key), None)
