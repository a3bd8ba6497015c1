"""Write an input workbook: the empty template or one filled with ``Inputs``.

Everything is generated from the data dictionary (``schema.SHEETS``): sheet order,
headers, header comments, dropdowns, number formats and the README sheet. The layout
is a README sheet, then one sheet per schema sheet (an Excel table with its header in
row 1), an optional References sheet and a hidden Lists sheet that feeds the dropdowns
which accept "*". The reader skips README, References and Lists (``schema.INFO_SHEETS``).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils import quote_sheetname as _quote
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from stockpile import package_version
from stockpile.data.docs import column_note, sheet_rows_text
from stockpile.data.inputs import Inputs
from stockpile.data.schema import INFO_SHEETS, SCENARIOS, SHEETS, START_YEAR, Column, Sheet
from stockpile.files import write_atomically

#: Dropdowns, number formats and the id ranges behind defined names reach at least
#: this row; further when the data is longer.
LAST_ROW = 1000

README_SHEET, REFERENCES_SHEET, LISTS_SHEET = "README", "References", "Lists"
assert {README_SHEET, REFERENCES_SHEET, LISTS_SHEET} <= set(INFO_SHEETS)

REQUIRED_COLOUR = "1F4E78"  # dark blue, white bold text
OPTIONAL_COLOUR = "DDEBF7"  # light blue, dark text
INFO_COLOUR = "7F7F7F"  # tab colour of README and References

_REQUIRED_FILL = PatternFill("solid", fgColor=REQUIRED_COLOUR)
_OPTIONAL_FILL = PatternFill("solid", fgColor=OPTIONAL_COLOUR)
FONT = "Calibri"  # openpyxl's default body font; named everywhere so styles agree
_REQUIRED_FONT = Font(name=FONT, bold=True, color="FFFFFF")
_OPTIONAL_FONT = Font(name=FONT, bold=True, color="1F1F1F")
_THIN = Side(style="thin", color="8EA9C1")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TABLE_STYLE = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
_CHARS_PER_WIDTH = 1.15  # characters of body text per unit of column width, roughly
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,254}$")


def write_workbook(
    path: str | os.PathLike[str],
    inputs: Inputs | None = None,
    *,
    references: Sequence[dict[str, Any]] | None = None,
    scenarios: Sequence[Mapping[str, Any]] | None = None,
    force: bool = False,
) -> None:
    """Write an input workbook to ``path`` (.xlsx).

    ``inputs=None`` writes the empty template; otherwise every record of ``inputs``
    is written, one row each, in the order held. ``references`` adds a References
    sheet, one row per dict, columns from the dict keys in order of first appearance.
    ``scenarios`` fills the Scenarios sheet (one dict per row, keyed by its columns).
    The file is written to a temporary file in the same folder and renamed into
    place, so a failure never leaves a half-written workbook. An existing file is
    only replaced with ``force=True`` (``FileExistsError`` otherwise).
    """
    _save(build_workbook(inputs, references=references, scenarios=scenarios), path, force)


def write_scenario_workbook(
    path: str | os.PathLike[str], scenarios: Sequence[Mapping[str, Any]], *, force: bool = False
) -> None:
    """Write a scenario workbook (for ``--scenarios FILE``): only a Scenarios sheet, one
    dict per row keyed by its columns; atomic and overwrite-safe like ``write_workbook``."""
    wb = Workbook()
    ws = wb.active
    ws.title = SCENARIOS.name
    rows = _scenario_rows(scenarios)
    _write_table_sheet(ws, SCENARIOS, rows, max(LAST_ROW, len(rows) + 1))
    _save(wb, path, force)


def _save(wb: Workbook, path: str | os.PathLike[str], force: bool) -> None:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}: an input workbook must be an .xlsx file")
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists; pass force=True to replace it")
    write_atomically(path, wb.save)  # ``files.CannotWrite`` where the tool may not write


def build_workbook(
    inputs: Inputs | None = None,
    *,
    references: Sequence[dict[str, Any]] | None = None,
    scenarios: Sequence[Mapping[str, Any]] | None = None,
) -> Workbook:
    """The workbook ``write_workbook`` saves, in memory."""
    rows = {sheet.name: _sheet_rows(sheet, inputs) for sheet in SHEETS}
    rows[SCENARIOS.name] = _scenario_rows(scenarios or ())
    last_row = max(LAST_ROW, *(len(r) + 1 for r in rows.values()))
    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET
    _write_readme(readme)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        if sheet.settings:
            _write_settings(ws, sheet, rows[sheet.name])
        else:
            _write_table_sheet(ws, sheet, rows[sheet.name], last_row)
    _write_table_sheet(wb.create_sheet(SCENARIOS.name), SCENARIOS, rows[SCENARIOS.name], last_row)
    if references:
        _write_references(wb.create_sheet(REFERENCES_SHEET), references)
    _add_lists(wb, last_row)
    wb.active = 0
    return wb


# --- Cells --------------------------------------------------------------------------


def _put(cell: Cell, value: Any) -> None:
    """Store a value with its proper type; text always as text, never a formula."""
    if value is None:
        return
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        cell.value = value
        # openpyxl turns "=..." into a formula and "#N/A" into an error on assignment.
        cell.data_type = "s"
    elif isinstance(value, int):
        cell.value = value
    elif isinstance(value, float):
        _put_float(cell, value)
    else:
        cell.value = str(value)
        cell.data_type = "s"


def _put_float(cell: Cell, x: float) -> None:
    if not math.isfinite(x):
        raise ValueError(f"cannot write {x} to {cell.parent.title}!{cell.coordinate}")
    cell.value = x
    # openpyxl writes numbers with "%.16g", which drops the 17th significant digit
    # some doubles need; store the shortest exact text instead so values read back
    # bit for bit.
    if float(f"{x:.16g}") != x:
        cell.value = repr(x)
        cell.data_type = "n"


def _number_format(col: Column) -> str:
    if col.kind in ("year", "int"):
        return "0"
    if col.unit in ("share", "1/yr", "t/unit", "m3/t"):
        return "0.0###"
    if col.unit == "x":
        return "0.00"
    return "#,##0.00"


def _header(cell: Cell, text: str, required: bool, note: str | None = None) -> None:
    _put(cell, text)
    cell.fill = _REQUIRED_FILL if required else _OPTIONAL_FILL
    cell.font = _REQUIRED_FONT if required else _OPTIONAL_FONT
    cell.border = _HEADER_BORDER
    cell.alignment = Alignment(vertical="center")
    if note:
        lines = note.splitlines()
        height = 20 + 15 * sum(1 + len(line) // 45 for line in lines)
        cell.comment = Comment(note, "stockpile", width=320, height=height)


def _width(values: Iterable[Any], header: str) -> float:
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    # Room for the header, its filter arrow and a few characters of data.
    return float(min(max(len(header) + 4, longest + 2, 10), 60))


def _print_setup(ws: Worksheet, *, landscape: bool = True, title_row: bool = True) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.gridLines = True
    if title_row:
        ws.print_title_rows = "1:1"
    # The printout names the sheet: an empty template page is otherwise anonymous.
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = "Page &P of &N"


# --- Data sheets ----------------------------------------------------------------------


def _sheet_rows(sheet: Sheet, inputs: Inputs | None) -> list[list[Any]]:
    if sheet.settings:
        if inputs is None:
            return [[c.name, _template_default(c)] for c in sheet.columns]
        return [[c.name, getattr(inputs.settings, c.name)] for c in sheet.columns]
    if inputs is None:
        return []
    return [[getattr(rec, c.name) for c in sheet.columns] for rec in inputs.table(sheet.name)]


def _scenario_rows(scenarios: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    return [[row.get(c.name) for c in SCENARIOS.columns] for row in scenarios]


def _template_default(col: Column) -> Any:
    if col.required or col.default is None or col.default == START_YEAR:
        return None
    return col.default


def _table_name(sheet_name: str) -> str:
    name = f"tbl_{sheet_name}"
    assert _PLAIN_NAME.match(name), name
    return name


def _add_table(ws: Worksheet, name: str, ncols: int, nrows: int) -> None:
    # A table needs at least one data row; an empty sheet gets one blank row.
    ref = f"A1:{get_column_letter(ncols)}{max(nrows, 1) + 1}"
    ws.add_table(Table(displayName=_table_name(name), ref=ref, tableStyleInfo=_TABLE_STYLE))


def _write_settings(ws: Worksheet, sheet: Sheet, rows: list[list[Any]]) -> None:
    ws.sheet_properties.tabColor = REQUIRED_COLOUR if sheet.required else OPTIONAL_COLOUR
    _header(ws["A1"], "setting", True, "Name of the setting, as listed: do not change.")
    _header(
        ws["B1"],
        "value",
        True,
        "The setting's value. Hover a setting name for its meaning, unit and default.",
    )
    for r, (col, (name, value)) in enumerate(zip(sheet.columns, rows, strict=True), start=2):
        key = ws.cell(r, 1)
        _put(key, name)
        key.font = Font(name=FONT, bold=col.required)
        key.comment = Comment(column_note(col), "stockpile", width=320, height=110)
        cell = ws.cell(r, 2)
        _put(cell, value)
        if col.is_numeric:
            cell.number_format = _number_format(col)
            dv = _numeric_validation(col, cell.coordinate)
            if dv is not None:
                dv.add(cell.coordinate)
                ws.add_data_validation(dv)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 18
    _add_table(ws, sheet.name, 2, len(rows))
    ws.freeze_panes = "A2"
    _print_setup(ws, landscape=False)


def _write_table_sheet(ws: Worksheet, sheet: Sheet, rows: list[list[Any]], last_row: int) -> None:
    ws.sheet_properties.tabColor = REQUIRED_COLOUR if sheet.required else OPTIONAL_COLOUR
    for j, col in enumerate(sheet.columns, start=1):
        _header(ws.cell(1, j), col.name, col.required, column_note(col))
    for i, values in enumerate(rows, start=2):
        for j, (col, value) in enumerate(zip(sheet.columns, values, strict=True), start=1):
            cell = ws.cell(i, j)
            _put(cell, value)
            if col.is_numeric:
                cell.number_format = _number_format(col)
    for j, col in enumerate(sheet.columns, start=1):
        letter = get_column_letter(j)
        dim = ws.column_dimensions[letter]
        dim.width = _width((v[j - 1] for v in rows), col.name)
        if col.is_numeric:
            # A column style, so numbers typed later get the format too.
            dim.number_format = _number_format(col)
        dv = _validation(col, f"{letter}2")
        if dv is not None:
            dv.add(f"{letter}2:{letter}{last_row}")
            ws.add_data_validation(dv)
    _add_table(ws, sheet.name, len(sheet.columns), len(rows))
    ws.freeze_panes = "A2"
    _print_setup(ws)


# --- Dropdowns and checks ----------------------------------------------------------


def ids_name(sheet_name: str) -> str:
    """Defined name of the id column of a sheet (e.g. ``materials``)."""
    return sheet_name.lower()


def ids_or_star_name(sheet_name: str) -> str:
    """Defined name of the list "*" followed by the ids of a sheet."""
    return f"{sheet_name.lower()}_or_star"


def _validation(col: Column, first: str) -> DataValidation | None:
    """The dropdown or check of a column whose range starts at cell ``first``."""
    if col.kind == "enum":
        return DataValidation(
            type="list",
            formula1='"' + ",".join(col.choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=_title(f"Invalid {col.name}"),
            error=f"{col.name} must be one of: " + ", ".join(col.choices),
        )
    if col.kind == "ref":
        assert col.ref is not None
        name = ids_or_star_name(col.ref) if col.star else ids_name(col.ref)
        star = ' or "*"' if col.star else ""
        # A warning, not a stop: planners may fill a sheet before the one it refers to.
        return DataValidation(
            type="list",
            formula1=name,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=_title(f"Unknown {col.ref} id"),
            error=f"{col.name} should be an id listed on the {col.ref} sheet{star}.",
        )
    if col.is_numeric:
        return _numeric_validation(col, first)
    return None


def _numeric_validation(col: Column, first: str) -> DataValidation | None:
    """A range check for a numeric column whose range starts at cell ``first``."""
    whole = col.kind in ("year", "int")
    low, high = col.low, col.high
    if col.kind == "year":
        low, high = 1, 9999
    if low is None and high is None:
        return None
    kind, formula2 = "whole" if whole else "decimal", None
    if low is not None and high is not None and (col.low_open or col.high_open):
        # Excel's "between" includes both ends; a half-open range needs a formula,
        # written for the first cell and shifted by Excel to the others.
        tests = [
            f"ISNUMBER({first})",
            f"{first}{'>' if col.low_open else '>='}{_num(low)}",
            f"{first}{'<' if col.high_open else '<='}{_num(high)}",
        ]
        if whole:
            tests.append(f"INT({first})={first}")
        kind, operator, formula1 = "custom", None, "AND(" + ",".join(tests) + ")"
    elif low is not None and high is not None:
        operator, formula1, formula2 = "between", _num(low), _num(high)
    elif low is not None:
        operator = "greaterThan" if col.low_open else "greaterThanOrEqual"
        formula1 = _num(low)
    else:
        assert high is not None
        operator, formula1 = ("lessThan" if col.high_open else "lessThanOrEqual"), _num(high)
    what = "a whole year" if col.kind == "year" else col.range_text
    if what.startswith("["):
        what = "in " + what
    return DataValidation(
        type=kind,
        operator=operator,
        formula1=formula1,
        formula2=formula2,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=_title(f"Invalid {col.name}"),
        error=f"{col.name} must be {what}.",
    )


def _title(text: str) -> str:
    """Excel refuses (repairs) validation titles longer than 32 characters."""
    return text if len(text) <= 32 else text[:31] + "…"


def _sheet_ref(name: str) -> str:
    """The sheet name as written in a formula: quoted only when it has to be."""
    return name if _PLAIN_NAME.match(name) else _quote(name)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _referenced() -> dict[str, bool]:
    """Sheets whose ids are referenced, and whether some reference allows "*"."""
    out: dict[str, bool] = {}
    for sheet in SHEETS:
        for col in sheet.columns:
            if col.kind == "ref" and col.ref is not None:
                out[col.ref] = out.get(col.ref, False) or col.star
    return out


def _add_lists(wb: Workbook, last_row: int) -> None:
    """Defined names over the id columns, and the hidden Lists sheet for "*" lists."""
    by_name = {s.name: s for s in SHEETS}
    lists: Worksheet | None = None
    j = 0
    for ref, star in _referenced().items():
        id_col = by_name[ref].id_column
        assert id_col is not None, f"{ref} is referenced but has no id column"
        letter = get_column_letter(by_name[ref].columns.index(id_col) + 1)
        sheet = _sheet_ref(ref)
        wb.defined_names[ids_name(ref)] = DefinedName(
            ids_name(ref), attr_text=f"{sheet}!${letter}$2:${letter}${last_row}"
        )
        if not star:
            continue
        if lists is None:
            lists = wb.create_sheet(LISTS_SHEET)
            lists.sheet_state = "hidden"
            _put(lists["A1"], "Dropdown lists for columns that accept *; do not edit.")
        j += 1
        letter_l = get_column_letter(j)
        _put(lists.cell(2, j), ids_or_star_name(ref))
        _put(lists.cell(3, j), "*")
        for i in range(2, last_row + 1):
            src = f"{sheet}!${letter}{i}"
            lists.cell(i + 2, j).value = f'=IF({src}="","",{src})'
        wb.defined_names[ids_or_star_name(ref)] = DefinedName(
            ids_or_star_name(ref),
            attr_text=f"{_sheet_ref(LISTS_SHEET)}!${letter_l}$3:${letter_l}${last_row + 2}",
        )


# --- README and References ---------------------------------------------------------


_PURPOSE = (
    "This workbook holds the data for planning a strategic stockpile of critical "
    "minerals: which materials to buy, from which sources and countries, in which "
    "years, where to store them and how much to keep, so that essential demand is "
    "covered when supply is disrupted. The planning tool reads this workbook, finds "
    "the least-cost plan that meets the stock targets, budgets, sourcing rules and "
    "stress tests, and writes the plan to a separate report workbook. It never "
    "changes this file."
)

_UNITS = (
    "Money is US dollars (USD). Mass is tonnes (t). Storage space is cubic metres (m3). "
    "Years are whole calendar years. Shares, availabilities, probabilities and "
    "coverages are fractions from 0 to 1 (0.25 means 25%). A source's 'unit' is one "
    "unit of its activity (its activity_unit, tonnes unless stated). Ids are "
    "case-sensitive text; spaces around them are ignored; * is never an id (where a "
    "column allows it, * means 'all')."
)


def _steps() -> list[str]:
    required = [s.name for s in SHEETS if s.required and not s.settings]
    optional = [s.name for s in SHEETS if not s.required]
    return [
        "Settings: enter start_year and end_year (the planning horizon); the other "
        "settings have defaults.",
        "Fill the required sheets: " + ", ".join(required) + ". Fill a sheet before "
        "the sheets that refer to its ids, so the dropdowns can offer them.",
        "Use the optional sheets you need (" + ", ".join(optional) + "); leave the "
        "others empty or delete them.",
        "Keep the sheet names and column headers exactly as they are (columns may be "
        "reordered; extra columns are ignored). One record per row, starting in row 2; "
        "blank rows are ignored.",
        "Hover over a column header to read what the column means, its unit, its "
        "default and the allowed values. Dropdowns offer the allowed choices and the "
        "ids already entered on other sheets.",
        "Check the workbook with 'stockpile validate FILE': it lists every problem with "
        "its sheet, row and column. Then plan with 'stockpile solve FILE -o REPORT'.",
    ]


def _write_readme(ws: Worksheet) -> None:
    ws.sheet_properties.tabColor = INFO_COLOUR
    widths = {"A": 20, "B": 11, "C": 30, "D": 78}
    for letter, w in widths.items():
        ws.column_dimensions[letter].width = w
    span = sum(widths.values())
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1

    def text(value: str, *, font: Font | None = None, merge: bool = True) -> None:
        nonlocal row
        cell = ws.cell(row, 1)
        _put(cell, value)
        cell.alignment = wrap
        if font is not None:
            cell.font = font
        if merge:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
            # Row heights of merged cells are not fitted automatically.
            ws.row_dimensions[row].height = 15 * _lines(value, span) + 3
        row += 1

    heading = Font(name=FONT, bold=True, size=13, color=REQUIRED_COLOUR)
    text(
        "Critical-minerals stockpile planner: input workbook",
        font=Font(name=FONT, bold=True, size=16),
    )
    text(
        f"Written by stockpile {package_version()}.",
        font=Font(name=FONT, italic=True, color="595959"),
    )
    row += 1
    text("What the tool does", font=heading)
    text(_PURPOSE)
    row += 1
    text("How to fill it in", font=heading)
    for n, step in enumerate(_steps(), start=1):
        text(f"{n}. {step}")
    row += 1
    text("Colour key", font=heading)
    for required, meaning in (
        (True, "Required column (or sheet tab): fill on every row."),
        (False, "Optional column (or sheet tab): a blank cell takes the default in its note."),
    ):
        _header(ws.cell(row, 1), "column", required)
        cell = ws.cell(row, 2)
        _put(cell, meaning)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        row += 1
    row += 1
    text("Units and ids", font=heading)
    text(_UNITS)
    row += 1
    text("Sheets", font=heading)
    for j, title in enumerate(("sheet", "required", "one row per", "what it holds"), start=1):
        _header(ws.cell(row, j), title, True)
    row += 1
    for sheet in (*SHEETS, SCENARIOS):
        values = (
            sheet.name,
            "required" if sheet.required else "optional",
            sheet_rows_text(sheet),
            sheet.description,
        )
        for j, value in enumerate(values, start=1):
            cell = ws.cell(row, j)
            _put(cell, value)
            cell.alignment = wrap
            cell.border = _HEADER_BORDER
        ws.cell(row, 1).font = Font(name=FONT, bold=sheet.required)
        ws.row_dimensions[row].height = 15 * _lines(sheet.description, widths["D"]) + 3
        row += 1
    _print_setup(ws, landscape=True, title_row=False)
    ws.print_options.gridLines = False


def _write_references(ws: Worksheet, references: Sequence[dict[str, Any]]) -> None:
    ws.sheet_properties.tabColor = INFO_COLOUR
    rows = [{str(k): v for k, v in ref.items()} for ref in references]
    headers: list[str] = []
    for row in rows:
        headers += [k for k in row if k not in headers]
    if not headers:
        return
    widths = [_width((r.get(h) for r in rows), h) for h in headers]
    wrap = Alignment(wrap_text=True, vertical="top")
    for j, (name, width) in enumerate(zip(headers, widths, strict=True), start=1):
        _header(ws.cell(1, j), name, False)
        ws.column_dimensions[get_column_letter(j)].width = width
    for i, row in enumerate(rows, start=2):
        for j, name in enumerate(headers, start=1):
            cell = ws.cell(i, j)
            _put(cell, row.get(name))
            cell.alignment = wrap
        lines = max(_lines(row.get(h), w) for h, w in zip(headers, widths, strict=True))
        if lines > 1:
            # Not every spreadsheet fits the height of wrapped text on opening.
            ws.row_dimensions[i].height = 15 * lines + 3
    _add_table(ws, REFERENCES_SHEET, len(headers), len(rows))
    ws.freeze_panes = "A2"
    _print_setup(ws)


def _lines(value: Any, width: float) -> int:
    """Lines a value takes in a wrapped cell of the given width (an estimate)."""
    return max(1, math.ceil(len(str(value or "")) / (width * _CHARS_PER_WIDTH)))
