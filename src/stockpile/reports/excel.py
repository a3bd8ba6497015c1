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

import contextlib
import datetime as dt
import errno
import math
import os
import re
import stat
import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

#: Number formats by unit (WORKBOOK.md: t #,##0.0; USD #,##0; % 0.0%).
QUANTITY = "#,##0.0"
MONEY = "#,##0"
PRICE = "#,##0.00"
PERCENT = "0.0%"
SECONDS = "0.000"
WHOLE = "0"

#: Widest a column gets (characters); longer text wraps.
MAX_WIDTH = 80
#: Column width of the Charts sheet, so chart anchors are predictable.
CHART_COL_WIDTH = 13.0
CHART_ROWS = 26  # rows (15 pt each) per grid cell of the Charts sheet, with a gap
CHART_COLS = 7  # columns of CHART_COL_WIDTH per grid cell
CHART_GRID_ROWS_PER_PAGE = 2
_COL_PX = int(CHART_COL_WIDTH * 7 + 5)  # Excel: px = 7 * chars + 5
_ROW_PX = 20  # a 15 pt row
LINE_PT = 15.0  # height of one line of 11 pt text [pt]

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

#: Line colours of charts that compare series (spec ``"colours": "distinct"``).
PALETTE = ("#1F4E79", "#C55A11", "#548235", "#C00000", "#7030A0", "#2E75B6", "#BF9000")
PALETTE += ("#7F7F7F",)

_UNIT = re.compile(r"\[([^\]]+)\]\s*$")
_WHOLE_COLUMNS = {
    "year",
    "member",
    "input row",
    "start year",
    "first unmet year",
    "produces from",
}
#: characters XML 1.0 cannot hold (what openpyxl refuses too)
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


class ReportWriteError(Exception):
    """The report could not be written to ``path`` (``reason`` says why, in words)."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"cannot write the report {self.path}: {reason}")


def write_report(frames: Mapping[str, pd.DataFrame], path: str | os.PathLike[str]) -> None:
    """Write ``frames`` as the report workbook at ``path`` (replacing it atomically).

    Sheets appear in the order of their first frame; "Summary" opens first.
    """
    path = Path(path)
    check_destination(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ReportWriteError(path, _reason(exc)) from exc
    os.close(fd)
    try:
        _write_workbook(frames, tmp)
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, FileCreateError) and isinstance(exc.args[0], OSError):
            exc = exc.args[0]
        if isinstance(exc, OSError):
            raise ReportWriteError(path, _reason(exc)) from exc
        raise


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
        #: notes merged over their table's columns: (row, last column, text)
        self.notes: list[tuple[int, int, str]] = []

    def _fit(self, col: int, need: float) -> None:
        self.widths[col] = max(self.widths.get(col, 0), min(need, MAX_WIDTH))

    def block(self, key: str, df: pd.DataFrame, top: int) -> _Placed:
        """Title, note, then the frame as an Excel table; returns where it is.

        ``df.attrs``: ``title``, ``note``, ``empty`` (what an empty table says),
        ``free_text`` (columns whose text runs on to the right), ``wrap`` (columns whose
        text always wraps: multi-line text) and ``number_formats`` (column -> format)."""
        ws, style = self.ws, self.styles
        attrs = df.attrs
        # pandas deep-copies attrs into every column taken out of a frame; not needed here
        df = df.copy(deep=False)
        df.attrs = {}
        row = top
        put(ws, row, 0, attrs.get("title") or key.split("/")[-1], style(TITLE))
        row += 1
        columns = [str(c) for c in df.columns]
        if attrs.get("note"):
            self._note(row, len(columns) - 1, str(attrs["note"]))
            row += 1
        header = row
        free_text = set(attrs.get("free_text", ()))
        # optional: columns whose text always wraps (multi-line text), number formats
        wrap = set(attrs.get("wrap", ()))
        formats: Mapping[str, str] = attrs.get("number_formats", {})
        units = df["unit"].tolist() if "unit" in columns else None
        numeric_columns: list[bool] = []
        for j, name in enumerate(columns):
            numeric = self._column(
                j, name, df.iloc[:, j], header, units, free_text, wrap, formats.get(name)
            )
            numeric_columns.append(numeric)
            self.wrapping.append((header, j, name, True))
            # a header wraps at spaces: as wide as its longest word, or all of it if short
            longest = max((len(w) for w in name.split()), default=0)
            self._fit(j, max(longest, min(len(name), 14)) + 2)
        n = len(df)
        if n == 0:
            put(ws, header + 1, 0, attrs.get("empty") or "(none)", style(NOTE))
            n = 1
        last = header + n
        ws.add_table(
            header,
            0,
            last,
            len(columns) - 1,
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
        wrap: Collection[str] = (),
        fmt: str | None = None,
    ) -> bool:
        """Write one column's data cells; True if it holds numbers and no text.

        A column in ``wrap`` wraps every text (at ``MAX_WIDTH``; its rows grow to fit);
        ``fmt`` replaces the number format the header implies."""
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
                    clean[raw] = _cell_value(raw)
                value = clean[raw]
            else:
                value = _cell_value(raw)
            if value is None:
                continue
            r = header + 1 + i
            if isinstance(value, str):
                has_text = True
                if wraps and (name in wrap or len(value) + 3 > MAX_WIDTH):
                    ws.write_string(r, j, value, wrap_style)
                    self.wrapping.append((r, j, value, False))
                    longest = MAX_WIDTH
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

    def _note(self, row: int, last_col: int, text: str) -> None:
        """A note above a table: merged over the table's columns and wrapped in them, so
        a long note neither widens the printed page nor hides behind the next cell."""
        if last_col < 1:
            put(self.ws, row, 0, text, self.styles(NOTE))
            return
        self.ws.merge_range(row, 0, row, last_col, "", self.styles(WRAP_NOTE))
        put(self.ws, row, 0, text, self.styles(WRAP_NOTE))
        self.notes.append((row, last_col, text))

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
            # a width unit is one digit: bold text about that, body text ~15 % narrower
            n = wrapped_lines(text, width if bold else (width - 1) * 1.15)
            lines[row] = max(lines.get(row, 1), n)
        for row, last_col, text in self.notes:
            width = sum(fixed_width or self.widths.get(c, 8.43) for c in range(last_col + 1))
            lines[row] = max(lines.get(row, 1), wrapped_lines(text, (width - 1) * 1.1))
        for row, n in lines.items():
            if n > 1:
                self.ws.set_row(row, LINE_PT * n + 2)


def _print_setup(ws: Worksheet, title_row: int | None) -> None:
    ws.set_landscape()
    ws.set_paper(1)  # US Letter
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as it takes
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer("&C&A - page &P of &N")
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
        },
    )
    wb.set_properties({"title": "Stockpile plan report", "author": "stockpile-optimizer"})
    styles = _Styles(wb)
    tables: set[str] = set()
    for name, blocks in sheets.items():
        ws = wb.add_worksheet(name)
        layout = _SheetLayout(ws, styles, tables)
        if name == "Summary":
            ws.activate()
        if name == "Charts":
            _charts_sheet(wb, layout, blocks)
        elif len(blocks) == 1 and "/" not in blocks[0][0]:
            placed = layout.block(*blocks[0], top=0)
            ws.freeze_panes(placed.first, 0)
            layout.finish()
            _print_setup(ws, placed.header)
        else:
            put(ws, 0, 0, _SHEET_HEADINGS.get(name, name), styles(HEADING))
            row = 2
            for key, df in blocks:
                placed = layout.block(key, df, top=row)
                row = placed.last + 2
            ws.freeze_panes(1, 0)
            layout.finish()
            _print_setup(ws, None)
    wb.close()


_SHEET_HEADINGS = {
    "Summary": "Stockpile plan: summary",
    "Infeasibility": "Infeasibility: why no plan exists",
    "Futures": "Futures: the plan and each disruption",
    "Charts": "Charts",
}


# ----- charts --------------------------------------------------------------------------
def _charts_sheet(
    wb: xlsxwriter.Workbook, layout: _SheetLayout, blocks: list[tuple[str, pd.DataFrame]]
) -> None:
    """Charts in a grid of two, two grid rows per printed page; their data below them.

    Each block's ``attrs["charts"]`` lists the charts drawn from it: dicts with
    ``type`` (line, stacked or bar), ``title``, ``y_title``, ``x_title`` and
    ``columns`` (the series; the block's first column gives the categories),
    optionally ``from_zero`` (a column or line chart's value axis starts at 0 when no
    value is negative; bar charts always do), and for a line chart ``markers`` (series
    drawn as markers only, e.g. a target) and
    ``colours: "distinct"`` (each line its own colour, the first one thicker) or
    ``colours: "futures"`` (the same, the lines after the first dashed: a future that
    follows the plan for a while shows both colours there).
    """
    ws = layout.ws
    heading = "Charts (their data is below them; they follow it when it changes)"
    put(ws, 0, 0, heading, layout.styles(HEADING))
    n_charts = sum(len(df.attrs.get("charts", ())) for _, df in blocks)
    chart_rows = CHART_ROWS * math.ceil(n_charts / 2)
    row = 2 + chart_rows + 1
    specs: list[tuple[_Placed, pd.DataFrame, dict[str, Any]]] = []
    for key, df in blocks:
        placed = layout.block(key, df, top=row)
        row = placed.last + 2
        specs.extend((placed, df, spec) for spec in df.attrs.get("charts", ()))
    layout.finish(fixed_width=CHART_COL_WIDTH)
    ws.set_column(0, 2 * CHART_COLS - 1, CHART_COL_WIDTH)
    ws.freeze_panes(1, 0)
    _print_setup(ws, None)
    if not specs:
        return
    # print the charts only (the data tables are wide), whole charts on each page
    ws.print_area(0, 0, 1 + chart_rows, 2 * CHART_COLS - 1)
    per_page = CHART_GRID_ROWS_PER_PAGE
    ws.set_h_pagebreaks(
        [2 + CHART_ROWS * k for k in range(per_page, math.ceil(n_charts / 2), per_page)]
    )
    gap = int(0.08 * _COL_PX)
    for i, (placed, df, spec) in enumerate(specs):
        chart = _chart(wb, ws.get_name(), placed, df, spec)
        # chart i fills its grid cell (two per row), so the print area fits it exactly;
        # a gap above each chart keeps its border off the page break above it
        chart.set_size({"width": CHART_COLS * _COL_PX - gap, "height": (CHART_ROWS - 2) * _ROW_PX})
        ws.insert_chart(
            2 + CHART_ROWS * (i // 2),
            CHART_COLS * (i % 2),
            chart,
            {"x_offset": gap if i % 2 else 0, "y_offset": _ROW_PX, "object_position": 2},
        )


def _chart(
    wb: xlsxwriter.Workbook, sheet: str, at: _Placed, df: pd.DataFrame, spec: dict[str, Any]
) -> Any:
    columns = [str(c) for c in df.columns]
    kind = spec["type"]
    if kind == "line":
        chart = wb.add_chart({"type": "line"})
    elif kind == "stacked":
        chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    else:  # one horizontal bar per category
        chart = wb.add_chart({"type": "bar"})
    chart.set_title({"name": spec["title"], "name_font": {"size": 12}})
    y_title = spec.get("y_title", "")
    fmt = "#,##0"
    if y_title == "USD":
        biggest = max((abs(float(v)) for c in spec["columns"] for v in df[c].dropna()), default=0)
        if biggest >= 1e7:
            fmt, y_title = "#,##0,,", "USD million"
    small = {"size": 8}
    rotate = {"rotation": -45} if kind != "bar" and len(df) > 8 else {}
    # a bar chart's value axis is its x axis in XlsxWriter's terms
    value_axis: dict[str, Any] = {"name": y_title, "num_format": fmt, "num_font": small}
    from_zero = kind == "bar" or spec.get("from_zero")  # optional for the other kinds
    if from_zero and all((df[c].dropna() >= 0).all() for c in spec["columns"]):
        value_axis["min"] = 0  # bars from zero (LibreOffice would start at the smallest)
    category_axis: dict[str, Any] = {"num_font": {**small, **rotate}}
    if spec.get("x_title"):
        category_axis["name"] = spec["x_title"]
    if kind == "bar":
        category_axis["label_position"] = "low"  # category names clear of negative bars
        chart.set_x_axis(value_axis)
        chart.set_y_axis(category_axis)
        chart.set_legend({"none": True})
    else:
        chart.set_x_axis(category_axis)
        chart.set_y_axis(value_axis)
        chart.set_legend({"position": "bottom"})
    markers = set(spec.get("markers", ()))
    futures = spec.get("colours") == "futures"
    distinct = futures or spec.get("colours") == "distinct"
    # a target stays red among single-colour lines, black among coloured ones
    marker_colour = "#000000" if distinct else "#C00000"
    for i, name in enumerate(spec["columns"]):
        col = columns.index(name)
        series: dict[str, Any] = {
            "name": [sheet, at.header, col],
            "categories": [sheet, at.first, 0, at.last, 0],
            "values": [sheet, at.first, col, at.last, col],
        }
        if kind == "line":
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
    return chart


# ----- the write itself ---------------------------------------------------------
def _reason(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "the destination is a folder"
    if isinstance(exc, PermissionError):
        return "permission denied (is the report open in Excel, or the folder read-only?)"
    if isinstance(exc, FileNotFoundError):
        return "the folder does not exist"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    return exc.strerror or str(exc)


def check_destination(path: Path) -> None:
    """Raise ``ReportWriteError`` now if a report can plainly not be written at ``path``."""
    if path.is_dir():
        raise ReportWriteError(path, "the destination is a folder")
    folder = path.parent
    if not folder.is_dir():
        raise ReportWriteError(path, f"the folder {folder} does not exist")


def _new_file_mode(path: Path) -> int:
    """Keep an existing report's permissions; a new one gets the usual 0o666 & ~umask."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
