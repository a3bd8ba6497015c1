"""Format the report's tables and write the workbook, atomically and formula-safe.

No Pyomo, and nothing is computed here: ``write_report`` lays out the frames made by
``reports.extract`` (keys ``"Sheet"`` or ``"Sheet/block"``), one Excel table per
frame (named ``T_`` + the key with every non-word character as ``_``: T_Purchases,
T_Summary_Result), and draws native charts from the ``Charts/...`` frames so that
they stay live in Excel. The number format of a column follows the unit in its
header (``cost [USD]``: #,##0; ``[t]``: #,##0.0; ``[%]``: 0.0%); a column without one
follows the row's ``unit`` column.

The workbook is written with XlsxWriter, which streams cells straight to XML: the
report of a large plan (370,000 cells) takes about a quarter of the time openpyxl took.

Safety: every text is written as text (a material named ``=HYPERLINK(...)`` is never
a formula); the workbook goes to a temporary file in the destination folder that is
then renamed over the destination, so a failed or interrupted write leaves neither a
half-written report nor a temporary file. Any failure to write raises
``ReportWriteError`` (the CLI maps it to exit code 73).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from stockpile.files import CannotWrite, write_atomically

#: Number formats by unit (WORKBOOK.md: t #,##0.0; USD #,##0; % 0.0%).
QUANTITY = "#,##0.0"
MONEY = "#,##0"
PRICE = "#,##0.00"
PERCENT = "0.0%"
SECONDS = "0.000"
WHOLE = "0"

#: Widest a column gets (characters); longer text wraps.
MAX_WIDTH = 80
#: A header wraps at its spaces; a column is at least as wide as its longest word, and
#: as its whole header when that is no longer than this.
HEADER_MIN = 8
#: Column width of the Charts sheet, so chart anchors are predictable.
CHART_COL_WIDTH = 12.0
CHART_ROWS = 16  # rows (15 pt each) per grid cell of the Charts sheet, with a gap
CHART_COLS = 5  # columns of CHART_COL_WIDTH per grid cell: two cells fill a page's width
CHART_GRID_ROWS_PER_PAGE = 2
CHART_FONT = 9  # [pt] axis numbers, axis names and legends (titles 11 pt)
_COL_PX = int(CHART_COL_WIDTH * 7 + 5)  # Excel: px = 7 * chars + 5
_ROW_PX = 20  # a 15 pt row (the Charts sheet's rows)
LINE_PT = 12.75  # height of one line of 10 pt text [pt]: a row's height
TITLE_PT = 16.0  # height of a row holding a table's title (12 pt)
HEADING_PT = 20.0  # height of a row holding a sheet's heading (14 pt)
#: The workbook's font: Arial 10 is 7 px a digit in Excel, as the widths here assume,
#: and LibreOffice prints it with the metric-compatible Liberation Sans, so a column is
#: as wide in both (Calibri, Excel's default, falls back to a much wider font there).
FONT = {"font_name": "Arial", "font_size": 10, "font_scheme": "none"}
CHART_FONT_NAME = "Arial"

#: The printed page: landscape US Letter with the margins of ``_print_setup``; the
#: usable width [pt] is Letter's (A4 landscape is wider), the usable height A4's (A4
#: landscape is the shorter), so a sheet laid out for it prints on either paper.
PAGE_WIDTH_PT = (11.0 - 2 * 0.4) * 72
PAGE_HEIGHT_PT = (8.27 - 2 * 0.5) * 72
#: Text is 10 pt; a sheet is shrunk to fit the page's width only down to this scale
#: (9 pt text). LibreOffice prints columns 6 % wider and shrinks 3 % more than Excel,
#: which still leaves 8.2 pt there: never below 8 pt.
MIN_SCALE = 0.9
#: The scale of a sheet too wide for MIN_SCALE: it prints on several pages across, its
#: first column(s) repeated on each.
SPLIT_SCALE = 85

#: Cell styles, as XlsxWriter format properties.
TITLE = {"bold": True, "font_size": 12}
HEADING = {"bold": True, "font_size": 14}
NOTE = {"italic": True, "font_color": "#595959"}
#: a note merged over its table's columns, wrapping within them
WRAP_NOTE = {**NOTE, "text_wrap": True, "valign": "top"}
TEXT_HEADER = {"bold": True, "align": "left", "indent": 1, "text_wrap": True, "valign": "top"}
NUMBER_HEADER = {"bold": True, "align": "right", "text_wrap": True, "valign": "top"}
#: text in data rows: indented, so it never runs into a right-aligned number beside it
TEXT = {"align": "left", "indent": 1, "valign": "top"}
WRAP_TEXT = {**TEXT, "text_wrap": True}
NUMBER = {"valign": "top"}  # level with the first line of wrapped text beside it

#: A text block the planner must see first (the plan does not meet the requirements).
ALERT = {"bold": True, "font_color": "#C00000", "text_wrap": True, "valign": "top"}

#: Line colours of charts that compare series (spec ``"colours": "distinct"``).
PALETTE = ("#1F4E79", "#C55A11", "#548235", "#C00000", "#7030A0", "#2E75B6", "#BF9000")
PALETTE += ("#7F7F7F",)

_UNIT = re.compile(r"\[([^\]]+)\]\s*$")
_WHOLE_COLUMNS = {
    "year",
    "member",
    "rank",
    "input row",
    "start year",
    "first year",
    "first unmet year",
    "produces from",
}
#: characters XML 1.0 cannot hold (what openpyxl refuses too)
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


#: The report could not be written (``path``, ``reason`` in words); the same exception
#: as every other file the tool writes (``files.CannotWrite``).
ReportWriteError = CannotWrite


def write_report(frames: Mapping[str, pd.DataFrame], path: str | os.PathLike[str]) -> None:
    """Write ``frames`` as the report workbook at ``path`` (replacing it atomically;
    ``files.write_atomically`` says where the tool writes and where it refuses to).

    Sheets appear in the order of their first frame; "Summary" opens first.
    """

    def save(tmp: Path) -> None:
        try:
            _write_workbook(frames, str(tmp))
        except FileCreateError as exc:
            if isinstance(exc.args[0], OSError):
                raise exc.args[0] from exc
            raise

    write_atomically(path, save)


# ----- formats ----------------------------------------------------------------
def unit_format(unit: str) -> str:
    """The number format for a unit ('t', 'USD', 'USD/t', '%', 's', ...)."""
    unit = unit.strip()
    if unit == "USD":
        return MONEY
    if unit.startswith(("USD/", "USD per")):
        return PRICE
    if unit == "%":
        return PERCENT
    if unit == "s":
        return SECONDS
    if unit == "count":
        return MONEY  # whole numbers with thousands separators
    return QUANTITY  # t, m3, units, activity units


def column_format(header: str) -> str | None:
    """The number format a column's header implies (None: decided per row or General)."""
    if header in _WHOLE_COLUMNS:
        return WHOLE
    found = _UNIT.search(header)
    return unit_format(found.group(1)) if found else None


def _shown(value: Any, fmt: str | None) -> str:
    """Roughly how a cell displays, to size its column."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if fmt == PERCENT:
        return f"{value * 100:,.1f}%"
    if fmt == MONEY:
        return f"{value:,.0f}"
    if fmt == PRICE:
        return f"{value:,.2f}"
    if fmt == QUANTITY:
        return f"{value:,.1f}"
    if fmt == SECONDS:
        return f"{value:.3f}"
    if fmt == WHOLE:
        return f"{value:.0f}"
    return f"{value:.10g}"


# ----- cell values --------------------------------------------------------------
def _cell_value(value: Any) -> Any:
    """A str, bool, int or float to store; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)[:32767] or None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return _ILLEGAL.sub("", str(value))[:32767] or None


def _plain_numbers(values: pd.Series) -> bool:
    """A NumPy column of ints or floats (NaN for empty): no booleans, no pd.NA."""
    return isinstance(values.dtype, np.dtype) and values.dtype.kind in "fiu"


def put(ws: Worksheet, row: int, col: int, value: Any, style: Format | None = None) -> Any:
    """Write one cell (0-based row and column); text always as text, never a formula.

    Returns the value written (None: the cell was left empty)."""
    value = _cell_value(value)
    if value is None:
        return None
    if isinstance(value, str):
        ws.write_string(row, col, value, style)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, style)
    else:
        ws.write_number(row, col, value, style)
    return value


# ----- layout -----------------------------------------------------------------------
def column_points(width: float) -> float:
    """The printed width [pt] of a column ``width`` characters wide (Calibri 11: 7 px a
    character plus 5 px of padding, 96 px an inch)."""
    return (int(width * 7 + 0.5) + 5) * 0.75


def header_width(name: str, whole: bool = False) -> float:
    """How wide a column must be for its header (``whole``: on one line). A header wraps
    at its spaces, so the column is as wide as its longest word, or all of it if short."""
    if whole:
        return len(name) + 2
    longest = max((len(w) for w in name.split()), default=0)
    return max(longest, min(len(name), HEADER_MIN)) + 2


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes when wrapped at spaces in a column ``width`` wide."""
    usable = max(1, int(width) - 1)
    lines = 0
    for para in text.split("\n"):
        lines += 1
        used = 0
        for word in para.split():
            if used and used + 1 + len(word) <= usable:
                used += 1 + len(word)
                continue
            if used:
                lines += 1
            used = len(word)
            while used > usable:  # a word longer than the column breaks anywhere
                lines += 1
                used -= usable
    return lines


@dataclass
class _Placed:
    """Where a frame landed (0-based rows): header row, first and last data rows."""

    header: int
    first: int
    last: int


class _Styles:
    """One XlsxWriter format per combination of cell style and number format."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self._made: dict[tuple[str, str | None], Format] = {}

    def __call__(self, style: Mapping[str, Any], num_format: str | None = None) -> Format:
        key = (repr(sorted(style.items())), num_format)
        if key not in self._made:
            props = dict(style)
            if num_format:
                props["num_format"] = num_format
            self._made[key] = self.wb.add_format(props)
        return self._made[key]


class _SheetLayout:
    """Writes blocks onto one sheet, then sizes its columns and rows."""

    def __init__(self, ws: Worksheet, styles: _Styles, tables: set[str]) -> None:
        self.ws = ws
        self.styles = styles
        self.tables = tables
        self.widths: dict[int, float] = {}
        #: cells that wrap: (row, col, text, bold), to size their rows at the end
        self.wrapping: list[tuple[int, int, str, bool]] = []
        #: notes merged over their table's columns: (row, first column, last column, text,
        #: bold)
        self.notes: list[tuple[int, int, int, str, bool]] = []
        #: the columns used (to size the printed page)
        self.ncols = 0

    def _fit(self, col: int, need: float) -> None:
        self.widths[col] = max(self.widths.get(col, 0), min(need, MAX_WIDTH))

    def block(self, key: str, df: pd.DataFrame, top: int, left: int = 0) -> _Placed:
        """Title, note, then the frame as an Excel table with its first column at
        ``left``; returns where it is.

        ``df.attrs``: ``title``, ``note``, ``empty`` (what an empty table says),
        ``free_text`` (columns whose text runs on to the right), ``wrap`` (a dict:
        column -> the width at which its text wraps; or a list of columns whose every
        text wraps, multi-line text) and ``number_formats`` (column -> format)."""
        ws, style = self.ws, self.styles
        attrs = df.attrs
        # pandas deep-copies attrs into every column taken out of a frame; not needed here
        df = df.copy(deep=False)
        df.attrs = {}
        row = top
        # a sheet printed over several pages across repeats its first column on each:
        # its title and note start after it, so that no page shows them cut off
        at = left + attrs.get("title_col", 0)
        put(ws, row, at, attrs.get("title") or key.split("/")[-1], style(TITLE))
        ws.set_row(row, TITLE_PT)
        row += 1
        columns = [str(c) for c in df.columns]
        self.ncols = max(self.ncols, left + len(columns))
        if attrs.get("note"):
            last = left + len(columns) - 1
            if attrs.get("note_columns"):  # a wide sheet: the note stays on its first page
                last = min(last, at + attrs["note_columns"] - 1)
            self._note(row, at, last, str(attrs["note"]))
            row += 1
        header = row
        free_text = set(attrs.get("free_text", ()))
        wrap_attr = attrs.get("wrap", {})
        wrap = dict(wrap_attr) if isinstance(wrap_attr, Mapping) else {}
        always = set() if isinstance(wrap_attr, Mapping) else set(wrap_attr)
        formats: Mapping[str, str] = attrs.get("number_formats", {})
        units = df["unit"].tolist() if "unit" in columns else None
        numeric_columns: list[bool] = []
        for j, name in enumerate(columns):
            col = left + j
            numeric = self._column(
                col,
                name,
                df.iloc[:, j],
                header,
                units,
                free_text,
                wrap.get(name, MAX_WIDTH),
                name in always,
                formats.get(name),
            )
            numeric_columns.append(numeric)
            self.wrapping.append((header, col, name, True))
            self._fit(col, header_width(name, whole=bool(attrs.get("wide_headers"))))
        n = len(df)
        if n == 0:
            put(ws, header + 1, left, attrs.get("empty") or "(none)", style(NOTE))
            n = 1
        last = header + n
        ws.add_table(
            header,
            left,
            last,
            left + len(columns) - 1,
            {
                "name": self._table_name(key),
                "style": "Table Style Medium 2",
                "columns": [
                    {
                        "header": name,
                        # a header sits over its numbers, which are right-aligned
                        "header_format": style(NUMBER_HEADER if numeric else TEXT_HEADER),
                    }
                    for name, numeric in zip(columns, numeric_columns, strict=True)
                ],
            },
        )
        return _Placed(header=header, first=header + 1, last=last)

    def _column(
        self,
        j: int,
        name: str,
        values: pd.Series,
        header: int,
        units: Sequence[Any] | None,
        free_text: set[str],
        wrap_at: float = MAX_WIDTH,
        always_wrap: bool = False,
        fmt: str | None = None,
    ) -> bool:
        """Write one column's data cells; True if it holds numbers and no text. Text
        longer than ``wrap_at`` characters wraps (except in a free-text column), every
        text when ``always_wrap`` (its rows grow to fit); ``fmt`` replaces the number
        format the header implies."""
        fixed = fmt or column_format(name)
        if (fixed or units is None) and _plain_numbers(values):
            return self._number_column(j, values, header, fixed)
        ws, style = self.ws, self.styles
        by_unit = fixed is None and units is not None and name != "unit"
        text_style, wrap_style = style(TEXT), style(WRAP_TEXT)
        wraps = name not in free_text  # free text runs on into the empty cells to its right
        has_number = has_text = False
        longest = 0  # of the text that does not wrap
        clean: dict[str, str | None] = {}  # a column repeats its names: clean each once
        for i, raw in enumerate(values.tolist()):
            if raw.__class__ is str:
                if raw not in clean:
                    # a "%" unit is already in the number's format ("3.0%", not "3.0% %")
                    clean[raw] = None if name == "unit" and raw == "%" else _cell_value(raw)
                value = clean[raw]
            else:
                value = _cell_value(raw)
            if value is None:
                continue
            r = header + 1 + i
            if isinstance(value, str):
                has_text = True
                if wraps and (always_wrap or len(value) + 3 > wrap_at):
                    ws.write_string(r, j, value, wrap_style)
                    self.wrapping.append((r, j, value, False))
                    longest = max(longest, int(wrap_at) - 3)
                    continue
                ws.write_string(r, j, value, text_style)
                if wraps and len(value) > longest:
                    longest = len(value)
                continue
            has_number = True
            fmt = unit_format(str(units[i])) if by_unit and units and units[i] else fixed
            if isinstance(value, bool):
                ws.write_boolean(r, j, value, style(NUMBER, fmt))
            else:
                ws.write_number(r, j, value, style(NUMBER, fmt))
            self._fit(j, len(_shown(value, fmt)) + 2)
        if longest:
            self._fit(j, longest + 3)
        return has_number and not has_text

    def _number_column(self, j: int, values: pd.Series, header: int, fmt: str | None) -> bool:
        """The common case, fast: a column of plain numbers with one format."""
        write, cell_style = self.ws.write_number, self.styles(NUMBER, fmt)
        found = text = False
        for r, value in enumerate(values.tolist(), start=header + 1):
            if value != value:  # NaN: an empty cell
                continue
            if value in (math.inf, -math.inf):
                self.ws.write_string(r, j, "inf" if value > 0 else "-inf", self.styles(TEXT))
                text = True
                continue
            write(r, j, value, cell_style)
            found = True
        finite = values[values.abs() < math.inf]
        if len(finite):  # the widest shown value is the largest or the most negative
            for extreme in (finite.max(), finite.min()):
                self._fit(j, len(_shown(extreme.item(), fmt)) + 2)
        return found and not text

    def _note(
        self,
        row: int,
        first_col: int,
        last_col: int,
        text: str,
        style: Mapping[str, Any] = WRAP_NOTE,
    ) -> None:
        """A note above a table: merged over the table's columns and wrapped in them, so
        a long note neither widens the printed page nor hides behind the next cell."""
        if last_col <= first_col:
            put(self.ws, row, first_col, text, self.styles({**style, "text_wrap": False}))
            return
        self.ws.merge_range(row, first_col, row, last_col, "", self.styles(style))
        put(self.ws, row, first_col, text, self.styles(style))
        self.notes.append((row, first_col, last_col, text, bool(style.get("bold"))))

    def text_block(self, key: str, df: pd.DataFrame, top: int, last_col: int) -> int:
        """A block of sentences (``kind`` "text"): its title, then one row per sentence,
        each merged over columns 0..last_col and wrapped there. Returns the next row."""
        attrs = df.attrs
        row = top
        if attrs.get("title"):
            put(self.ws, row, 0, attrs["title"], self.styles(TITLE))
            self.ws.set_row(row, TITLE_PT)
            row += 1
        style = ALERT if attrs.get("alert") else WRAP_TEXT
        for line in df["text"].tolist():
            self._note(row, 0, last_col, str(line), style)
            row += 1
        return row

    def _table_name(self, key: str) -> str:
        # "T_" keeps a name from ever looking like a cell reference (e.g. "AB12")
        base = "T_" + re.sub(r"\W+", "_", key, flags=re.ASCII).strip("_")
        name, k = base, 1
        while name.lower() in self.tables:
            k += 1
            name = f"{base}_{k}"
        self.tables.add(name.lower())
        return name

    def finish(self, fixed_width: float | None = None) -> None:
        """Set column widths, then the height of every row with wrapped text.

        Explicit heights, because LibreOffice does not grow a row for wrapped text
        it did not lay out itself (Excel does; the heights are what it would choose).
        """
        for col, width in self.widths.items():
            self.ws.set_column(col, col, fixed_width or width)
        lines: dict[int, int] = {}
        for row, col, text, bold in self.wrapping:
            width = fixed_width or self.widths.get(col, 8.43)
            # a width unit is one digit: bold text about that (and the cell's padding holds
            # one more), body text ~15 % narrower
            n = wrapped_lines(text, width + 1 if bold else (width - 1) * 1.15)
            lines[row] = max(lines.get(row, 1), n)
        for row, first_col, last_col, text, bold in self.notes:
            # merged cells: their widths and their padding (5 px each, a digit is 7 px)
            px = sum(
                int((fixed_width or self.widths.get(c, 8.43)) * 7 + 0.5) + 5
                for c in range(first_col, last_col + 1)
            )
            # bold text is about a digit wide a character, sentences ~18 % narrower (Arial:
            # 4.7 pt a character of running text against 5.56 pt a digit)
            chars = (px / 7 - 1) * (1.0 if bold else 1.22)
            lines[row] = max(lines.get(row, 1), wrapped_lines(text, chars))
        for row, n in lines.items():
            if n > 1:
                self.ws.set_row(row, LINE_PT * n + 2)


def _print_setup(
    ws: Worksheet,
    layout: _SheetLayout,
    title_row: int | None,
    *,
    one_page: bool = False,
    id_columns: int = 1,
    ncols: int | None = None,
    width_pt: float | None = None,
) -> None:
    """Landscape Letter, the table's header row repeated on every page. A sheet that
    fits the page's width at MIN_SCALE or more is shrunk to fit it (one page wide, as
    many tall as it takes; ``one_page``: one page in all); a wider one prints at
    SPLIT_SCALE on several pages across, its first ``id_columns`` repeated on each and
    the pages of the same rows next to each other."""
    ws.set_landscape()
    ws.set_paper(1)  # US Letter
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer("&C&A - page &P of &N")
    n = layout.ncols if ncols is None else ncols
    width = sum(column_points(layout.widths.get(c, 8.43)) for c in range(n))
    if width_pt is not None:
        width = width_pt
    if one_page:
        ws.fit_to_pages(1, 1)
    elif width * MIN_SCALE <= PAGE_WIDTH_PT:
        ws.fit_to_pages(1, 0)
    else:
        ws.set_print_scale(SPLIT_SCALE)
        ws.repeat_columns(0, max(0, id_columns - 1))
        ws.print_across()
    if title_row is not None:
        ws.repeat_rows(title_row)


def _write_workbook(frames: Mapping[str, pd.DataFrame], filename: str) -> None:
    sheets: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    for key, df in frames.items():
        sheets.setdefault(key.split("/", 1)[0], []).append((key, df))
    wb = xlsxwriter.Workbook(
        filename,
        {
            # every text goes through write_string; these are belt and braces
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "in_memory": True,  # no scratch files in the system's temporary folder
            "default_format_properties": dict(FONT),
        },
    )
    wb.set_properties({"title": "Stockpile plan report", "author": "stockpile-optimizer"})
    styles = _Styles(wb)
    tables: set[str] = set()
    for name, blocks in sheets.items():
        ws = wb.add_worksheet(name)
        if name != "Charts":
            ws.set_default_row(LINE_PT)  # the height of a line of the font: dense print
        layout = _SheetLayout(ws, styles, tables)
        if name == "Summary":
            ws.activate()
        if name == "Charts":
            _charts_sheet(wb, layout, blocks)
        elif any("pane" in df.attrs for _, df in blocks):
            _panes_sheet(layout, name, blocks)
        elif len(blocks) == 1 and "/" not in blocks[0][0]:
            key, df = blocks[0]
            placed = layout.block(key, df, top=0)
            ws.freeze_panes(placed.first, 0)
            layout.finish()
            _print_setup(ws, layout, placed.header, id_columns=df.attrs.get("id_columns", 1))
        else:
            put(ws, 0, 0, _SHEET_HEADINGS.get(name, name), styles(HEADING))
            ws.set_row(0, HEADING_PT)
            row = 2
            placed = None
            for key, df in blocks:
                placed = layout.block(key, df, top=row)
                row = placed.last + 2
            ws.freeze_panes(1, 0)
            layout.finish()
            # LibreOffice and Excel repeat one range of rows: the last table's header,
            # the one that may run over several pages
            _print_setup(ws, layout, placed.header if placed else None)
    wb.close()


_SHEET_HEADINGS = {
    "Summary": "Stockpile plan: summary",
    "Infeasibility": "Infeasibility: why no plan meets every requirement",
    "Futures": "Futures: the plan and each disruption",
    "Charts": "Charts",
}


def _panes_sheet(layout: _SheetLayout, name: str, blocks: list[tuple[str, pd.DataFrame]]) -> None:
    """A one-page sheet (the Summary): its heading, the full-width blocks (``pane``
    "full": sentences) one under the other, then two columns of tables side by side (the
    blocks with ``pane`` "left" from column A, those with "right" after one empty
    column), then the blocks with ``pane`` "bottom" across the page again."""
    ws, styles = layout.ws, layout.styles
    full = [(k, df) for k, df in blocks if df.attrs.get("pane", "full") == "full"]
    left = [(k, df) for k, df in blocks if df.attrs.get("pane") == "left"]
    right = [(k, df) for k, df in blocks if df.attrs.get("pane") == "right"]
    bottom = [(k, df) for k, df in blocks if df.attrs.get("pane") == "bottom"]
    left_cols = max((len(df.columns) for _, df in left), default=0)
    right0 = left_cols + 1 if left else 0
    right_cols = max((len(df.columns) for _, df in right), default=0)
    last_col = max(right0 + right_cols, left_cols, 1) - 1
    put(ws, 0, 0, _SHEET_HEADINGS.get(name, name), styles(HEADING))
    ws.set_row(0, HEADING_PT)

    def across(row: int, stack: list[tuple[str, pd.DataFrame]]) -> int:
        for key, df in stack:
            if df.attrs.get("kind") == "text":
                row = layout.text_block(key, df, row, last_col) + 1
            else:
                row = layout.block(key, df, top=row).last + 2
        return row

    row = across(1, full)
    ends = []
    for pane, first_col in ((left, 0), (right, right0)):
        at = row
        for key, df in pane:
            at = layout.block(key, df, top=at, left=first_col).last + 2
        ends.append(at)
    across(max(ends), bottom)
    if left and right:
        layout.widths[right0 - 1] = 2.0  # the gutter between the panes
    layout.ncols = max(layout.ncols, last_col + 1)
    ws.freeze_panes(1, 0)
    layout.finish()
    _print_setup(ws, layout, None, one_page=True)


# ----- charts --------------------------------------------------------------------------
def _charts_sheet(
    wb: xlsxwriter.Workbook, layout: _SheetLayout, blocks: list[tuple[str, pd.DataFrame]]
) -> None:
    """Charts in a grid of two, two grid rows per printed page; their data below them.

    Each block's ``attrs["charts"]`` lists the charts drawn from it: dicts with
    ``type``, ``title``, ``y_title``, ``x_title`` and ``columns`` (the series; the
    block's first column gives the categories). Types: ``line`` (with ``markers``:
    series drawn as markers only, e.g. a target; ``colours: "distinct"``: each line its
    own colour, the first one thicker; ``colours: "futures"``: the same, the lines after
    the first dashed, so a future that follows the plan for a while shows both colours
    there), ``stacked`` (stacked columns), ``column_line`` (columns, and ``lines``
    drawn as lines over them, e.g. a budget), ``bar`` (one horizontal bar per
    category) and ``shares`` (one 100 % stacked bar per category). A value axis starts
    at zero unless a value is negative.
    """
    ws = layout.ws
    heading = "Charts (their data is below them; they follow it when it changes)"
    put(ws, 0, 0, heading, layout.styles(HEADING))
    n_charts = sum(len(df.attrs.get("charts", ())) for _, df in blocks)
    chart_rows = CHART_ROWS * math.ceil(n_charts / 2)
    for r in range(2 + chart_rows):
        ws.set_row(r, 15)  # 20 px: the charts' sizes and anchors count on it
    row = 2 + chart_rows + 1
    specs: list[tuple[_Placed, pd.DataFrame, dict[str, Any]]] = []
    for key, df in blocks:
        placed = layout.block(key, df, top=row)
        row = placed.last + 2
        specs.extend((placed, df, spec) for spec in df.attrs.get("charts", ()))
    layout.finish(fixed_width=CHART_COL_WIDTH)
    ws.set_column(0, 2 * CHART_COLS - 1, CHART_COL_WIDTH)
    ws.freeze_panes(1, 0)
    if not specs:
        _print_setup(ws, layout, None)
        return
    # print the charts only (the data tables are wide), whole charts on each page, at
    # full size: two grid cells fill the page's width
    _print_setup(ws, layout, None, width_pt=2 * CHART_COLS * column_points(CHART_COL_WIDTH))
    ws.print_area(0, 0, 1 + chart_rows, 2 * CHART_COLS - 1)
    per_page = CHART_GRID_ROWS_PER_PAGE
    ws.set_h_pagebreaks(
        [2 + CHART_ROWS * k for k in range(per_page, math.ceil(n_charts / 2), per_page)]
    )
    gap = int(0.06 * _COL_PX)
    for i, (placed, df, spec) in enumerate(specs):
        chart = _chart(wb, ws.get_name(), placed, df, spec)
        # chart i fills its grid cell (two per row), so the print area fits it exactly;
        # a gap above each chart keeps its border off the page break above it
        chart.set_size({"width": CHART_COLS * _COL_PX - gap, "height": (CHART_ROWS - 1) * _ROW_PX})
        ws.insert_chart(
            2 + CHART_ROWS * (i // 2),
            CHART_COLS * (i % 2),
            chart,
            {"x_offset": gap if i % 2 else 0, "y_offset": _ROW_PX // 2, "object_position": 2},
        )


def _chart(
    wb: xlsxwriter.Workbook, sheet: str, at: _Placed, df: pd.DataFrame, spec: dict[str, Any]
) -> Any:
    columns = [str(c) for c in df.columns]
    kind = spec["type"]
    lines = list(spec.get("lines", ()))
    if kind == "line":
        chart = wb.add_chart({"type": "line"})
    elif kind == "stacked":
        chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    elif kind == "column_line":
        chart = wb.add_chart({"type": "column"})
    elif kind == "shares":
        chart = wb.add_chart({"type": "bar", "subtype": "percent_stacked"})
    else:  # one horizontal bar per category
        chart = wb.add_chart({"type": "bar"})
    chart.set_title({"name": spec["title"], "name_font": {"name": CHART_FONT_NAME, "size": 11}})
    y_title = spec.get("y_title", "")
    fmt = "#,##0"
    values = [float(v) for c in [*spec["columns"], *lines] for v in df[c].dropna()]
    if y_title == "USD" and max(map(abs, values), default=0) >= 1e7:
        fmt, y_title = "#,##0,,", "USD million"
    if kind == "shares":
        fmt = "0%"
    small = {"name": CHART_FONT_NAME, "size": CHART_FONT}
    horizontal = kind in ("bar", "shares")
    rotate = {"rotation": -45} if not horizontal and len(df) > 8 else {}
    # a bar chart's value axis is its x axis in XlsxWriter's terms
    value_axis: dict[str, Any] = {
        "name": y_title,
        "name_font": small,
        "num_format": fmt,
        "num_font": small,
    }
    if min(values, default=0) >= 0 and kind != "shares":
        value_axis["min"] = 0  # from zero (LibreOffice would start at the smallest value)
    category_axis: dict[str, Any] = {"num_font": {**small, **rotate}, "name_font": small}
    if spec.get("x_title"):
        category_axis["name"] = spec["x_title"]
    legend = {"position": "bottom", "font": small}
    if horizontal:
        category_axis["label_position"] = "low"  # category names clear of negative bars
        category_axis["interval_unit"] = 1  # every category named, small enough to fit
        category_axis["num_font"] = {**small, "size": 8}
        category_axis["reverse"] = True  # the first category on top, as in the table
        chart.set_x_axis(value_axis)
        chart.set_y_axis(category_axis)
        chart.set_legend(legend if kind == "shares" else {"none": True})
    else:
        chart.set_x_axis(category_axis)
        chart.set_y_axis(value_axis)
        chart.set_legend(legend)
    markers = set(spec.get("markers", ()))
    futures = spec.get("colours") == "futures"
    distinct = futures or spec.get("colours") == "distinct"
    # a target stays red among single-colour lines, black among coloured ones
    marker_colour = "#000000" if distinct else "#C00000"

    def series_of(name: str) -> dict[str, Any]:
        col = columns.index(name)
        return {
            "name": [sheet, at.header, col],
            "categories": [sheet, at.first, 0, at.last, 0],
            "values": [sheet, at.first, col, at.last, col],
        }

    for i, name in enumerate(spec["columns"]):
        series = series_of(name)
        if kind in ("stacked", "shares"):
            series["fill"] = {"color": PALETTE[i % len(PALETTE)]}
            series["gap"] = 60
        elif kind in ("bar", "column_line"):
            series["fill"] = {"color": PALETTE[0]}
        elif kind == "line":
            series["smooth"] = False
            if name in markers:
                series["line"] = {"none": True}
                series["marker"] = {
                    "type": "diamond",
                    "size": 8,
                    "fill": {"color": marker_colour},
                    "border": {"color": marker_colour},
                }
            elif distinct:
                dashed = i >= len(PALETTE) or (futures and i > 0)
                series["line"] = {
                    "color": PALETTE[i % len(PALETTE)],
                    "width": 2.25 if i == 0 else 1.5,
                    **({"dash_type": "dash"} if dashed else {}),
                }
            else:
                series["line"] = {"color": "#1F4E79", "width": 2.25}
        chart.add_series(series)
    if lines:
        over = wb.add_chart({"type": "line"})
        for name in lines:
            series = series_of(name)
            series["line"] = {"color": "#C00000", "width": 2.0}
            series["marker"] = {
                "type": "diamond",
                "size": 6,
                "fill": {"color": "#C00000"},
                "border": {"color": "#C00000"},
            }
            over.add_series(series)
        chart.combine(over)
    return chart
