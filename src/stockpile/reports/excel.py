"""Format the report's tables and write the workbook, atomically and formula-safe.

No Pyomo, and nothing is computed here: ``write_report`` lays out the frames made by
``reports.extract`` (keys ``"Sheet"`` or ``"Sheet/block"``), one Excel table per
frame (named ``T_`` + the key with every non-word character as ``_``: T_Purchases,
T_Summary_Result), and draws native charts from the ``Charts/...`` frames so that
they stay live in Excel. The number format of a column follows the unit in its
header (``cost [USD]``: #,##0; ``[t]``: #,##0.0; ``[%]``: 0.0%); a column without one
follows the row's ``unit`` column.

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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RichTextProperties,
)
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

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
_COL_EMU = (CHART_COL_WIDTH * 7 + 5) * 9525  # Excel: px = 7 * chars + 5; 9525 EMU per px

LINE_PT = 15.0  # height of one line of 11 pt text [pt]
TITLE_FONT = Font(bold=True, size=12)
NOTE_FONT = Font(italic=True, color="595959")
HEADER_FONT = Font(bold=True)
TEXT_HEADER = Alignment(horizontal="left", indent=1, wrap_text=True, vertical="top")
#: text in data rows: indented, so it never runs into a right-aligned number beside it
TEXT = Alignment(horizontal="left", indent=1, vertical="top")
WRAP_TEXT = Alignment(horizontal="left", indent=1, wrap_text=True, vertical="top")
NUMBER_HEADER = Alignment(horizontal="right", wrap_text=True, vertical="top")
NUMBER = Alignment(vertical="top")  # level with the first line of wrapped text beside it

_UNIT = re.compile(r"\[([^\]]+)\]\s*$")
_WHOLE_COLUMNS = {"year", "member", "input row"}


class ReportWriteError(Exception):
    """The report could not be written to ``path`` (``reason`` says why, in words)."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"cannot write the report {self.path}: {reason}")


def write_report(frames: Mapping[str, pd.DataFrame], path: str | os.PathLike[str]) -> None:
    """Write ``frames`` as the report workbook at ``path`` (replacing it atomically)."""
    path = Path(path)
    _check_destination(path)
    workbook = build_workbook(frames)
    _save_atomically(workbook, path)


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
    """A Python value openpyxl can store; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32767] or None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:32767]


def put(ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = None) -> Cell:
    """Write one cell; text always as text, never as a formula."""
    value = _cell_value(value)
    cell = ws.cell(row=row, column=col)
    if value is None:
        return cell
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # "=HYPERLINK(...)", "+1", "-x", "@y" stay text
    elif fmt and not isinstance(value, bool):
        cell.number_format = fmt
    return cell


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
    """Where a frame landed: header row, first and last data rows."""

    header: int
    first: int
    last: int


class _SheetLayout:
    """Writes blocks onto one sheet, then sizes its columns and rows."""

    def __init__(self, ws: Worksheet, tables: set[str]) -> None:
        self.ws = ws
        self.tables = tables
        self.widths: dict[int, float] = {}
        #: cells that wrap: (row, col, text, bold), to size their rows at the end
        self.wrapping: list[tuple[int, int, str, bool]] = []

    def _fit(self, col: int, need: float) -> None:
        self.widths[col] = max(self.widths.get(col, 0), min(need, MAX_WIDTH))

    def block(self, key: str, df: pd.DataFrame, top: int) -> _Placed:
        """Title, note, then the frame as an Excel table; returns where it is."""
        ws = self.ws
        row = top
        put(ws, row, 1, df.attrs.get("title") or key.split("/")[-1]).font = TITLE_FONT
        row += 1
        if df.attrs.get("note"):
            put(ws, row, 1, df.attrs["note"]).font = NOTE_FONT
            row += 1
        header = row
        columns = [str(c) for c in df.columns]
        free_text = set(df.attrs.get("free_text", ()))
        for j, name in enumerate(columns, start=1):
            cell = put(ws, header, j, name)
            cell.font = HEADER_FONT
            cell.alignment = TEXT_HEADER
            self.wrapping.append((header, j, name, True))
            # a header wraps at spaces: as wide as its longest word, or all of it if short
            longest = max((len(w) for w in name.split()), default=0)
            self._fit(j, max(longest, min(len(name), 14)) + 2)
        formats = [column_format(c) for c in columns]
        unit_at = columns.index("unit") if "unit" in columns else None
        numeric: set[int] = set()
        text: set[int] = set()
        n = 0
        for n, values in enumerate(df.itertuples(index=False, name=None), start=1):
            unit = values[unit_at] if unit_at is not None else None
            for j, value in enumerate(values, start=1):
                fmt = formats[j - 1]
                if fmt is None and unit and j - 1 != unit_at:
                    fmt = unit_format(str(unit))
                cell = put(ws, header + n, j, value, fmt)
                if cell.value is None:
                    continue
                shown = _shown(cell.value, fmt)
                if not isinstance(cell.value, str):
                    cell.alignment = NUMBER
                    numeric.add(j)
                    self._fit(j, len(shown) + 2)
                    continue
                cell.alignment = TEXT
                text.add(j)
                if columns[j - 1] in free_text:
                    continue  # runs on into the empty cells to its right
                self._fit(j, len(shown) + 3)
                if len(shown) + 3 > MAX_WIDTH:
                    cell.alignment = WRAP_TEXT
                    self.wrapping.append((header + n, j, shown, False))
        for j in numeric - text:  # a header sits over its numbers, which are right-aligned
            ws.cell(row=header, column=j).alignment = NUMBER_HEADER
        if n == 0:
            put(ws, header + 1, 1, df.attrs.get("empty") or "(none)").font = NOTE_FONT
            n = 1
        last = header + n
        ref = f"A{header}:{get_column_letter(len(columns))}{last}"
        table = Table(displayName=self._table_name(key), ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
        return _Placed(header=header, first=header + 1, last=last)

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
        written by openpyxl (Excel does; the heights are what it would choose).
        """
        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = fixed_width or width
        lines: dict[int, int] = {}
        for row, col, text, bold in self.wrapping:
            width = fixed_width or self.widths.get(col, 8.43)
            # a width unit is one digit: bold text about that, body text ~15 % narrower
            n = wrapped_lines(text, width if bold else (width - 1) * 1.15)
            lines[row] = max(lines.get(row, 1), n)
        for row, n in lines.items():
            if n > 1:
                self.ws.row_dimensions[row].height = LINE_PT * n + 2


def _print_setup(ws: Worksheet, title_row: int | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "&A - page &P of &N"
    if title_row is not None:
        ws.print_title_rows = f"{title_row}:{title_row}"


def build_workbook(frames: Mapping[str, pd.DataFrame]) -> Workbook:
    """The report workbook in memory (no file I/O)."""
    sheets: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    for key, df in frames.items():
        sheets.setdefault(key.split("/", 1)[0], []).append((key, df))
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = "Stockpile plan report"
    wb.properties.creator = "stockpile-optimizer"
    tables: set[str] = set()
    for name, blocks in sheets.items():
        ws = wb.create_sheet(name)
        layout = _SheetLayout(ws, tables)
        if name == "Charts":
            _charts_sheet(layout, blocks)
        elif len(blocks) == 1 and "/" not in blocks[0][0]:
            placed = layout.block(*blocks[0], top=1)
            ws.freeze_panes = f"A{placed.first}"
            layout.finish()
            _print_setup(ws, placed.header)
        else:
            put(ws, 1, 1, _SHEET_HEADINGS.get(name, name)).font = Font(bold=True, size=14)
            row = 3
            for key, df in blocks:
                placed = layout.block(key, df, top=row)
                row = placed.last + 2
            ws.freeze_panes = "A2"
            layout.finish()
            _print_setup(ws, None)
    if "Summary" in wb.sheetnames:
        wb.active = wb.sheetnames.index("Summary")
    return wb


_SHEET_HEADINGS = {
    "Summary": "Stockpile plan: summary",
    "Infeasibility": "Infeasibility: why no plan exists",
    "Charts": "Charts",
}


# ----- charts --------------------------------------------------------------------------
def _charts_sheet(layout: _SheetLayout, blocks: list[tuple[str, pd.DataFrame]]) -> None:
    """Charts in a grid of two, two grid rows per printed page; their data below them.

    Each block's ``attrs["charts"]`` lists the charts drawn from it: dicts with
    ``type`` (line, stacked or bar), ``title``, ``y_title``, ``x_title`` and
    ``columns`` (the series; the block's first column gives the categories), and for
    a line chart ``markers`` (series drawn as markers only, e.g. a target).
    """
    ws = layout.ws
    heading = "Charts (their data is below them; they follow it when it changes)"
    put(ws, 1, 1, heading).font = Font(bold=True, size=14)
    n_charts = sum(len(df.attrs.get("charts", ())) for _, df in blocks)
    chart_rows = CHART_ROWS * math.ceil(n_charts / 2)
    row = 3 + chart_rows + 1
    specs: list[tuple[_Placed, pd.DataFrame, dict[str, Any]]] = []
    for key, df in blocks:
        placed = layout.block(key, df, top=row)
        row = placed.last + 2
        specs.extend((placed, df, spec) for spec in df.attrs.get("charts", ()))
    layout.finish(fixed_width=CHART_COL_WIDTH)
    for col in range(1, 2 * CHART_COLS + 1):
        ws.column_dimensions[get_column_letter(col)].width = CHART_COL_WIDTH
    ws.freeze_panes = "A2"
    _print_setup(ws, None)
    if not specs:
        return
    # print the charts only (the data tables are wide), whole charts on each page
    ws.print_area = f"A1:{get_column_letter(2 * CHART_COLS)}{2 + chart_rows}"
    per_page = CHART_GRID_ROWS_PER_PAGE
    for k in range(per_page, math.ceil(n_charts / 2), per_page):
        ws.row_breaks.append(Break(id=2 + CHART_ROWS * k))
    for i, (placed, df, spec) in enumerate(specs):
        ws.add_chart(_chart(ws, placed, df, spec), _grid_anchor(i))


def _grid_anchor(i: int) -> TwoCellAnchor:
    """Chart i fills its grid cell (two per row), so the print area fits it exactly."""
    gap = int(0.08 * _COL_EMU)
    col = CHART_COLS * (i % 2)
    row = 2 + CHART_ROWS * (i // 2)  # 0-based: grid starts in sheet row 3
    anchor = TwoCellAnchor(editAs="oneCell")
    # a gap above each chart keeps its border off the page break above it
    anchor._from = AnchorMarker(col=col, colOff=gap if i % 2 else 0, row=row, rowOff=2 * 9525 * 10)
    anchor.to = AnchorMarker(
        col=col + CHART_COLS - 1, colOff=_COL_EMU - (0 if i % 2 else gap), row=row + CHART_ROWS - 1
    )
    return anchor


def _axis_text(size: int = 800, rotate: int = 0) -> RichText:
    """Tick label text: ``size`` in 1/100 pt, ``rotate`` in 1/60000 degree."""
    props = CharacterProperties(sz=size)
    return RichText(
        bodyPr=RichTextProperties(rot=rotate, vert="horz"),
        p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)],
    )


def _chart(ws: Worksheet, at: _Placed, df: pd.DataFrame, spec: dict[str, Any]) -> Any:
    columns = [str(c) for c in df.columns]
    kind = spec["type"]
    chart: Any = LineChart() if kind == "line" else BarChart()
    chart.title = spec["title"]
    # openpyxl >= 3.1 marks axes deleted unless told otherwise; Excel then hides them
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    y_title = spec.get("y_title", "")
    fmt = "#,##0"
    if y_title == "USD":
        biggest = max((abs(float(v)) for c in spec["columns"] for v in df[c].dropna()), default=0)
        if biggest >= 1e7:
            fmt, y_title = "#,##0,,", "USD million"
    chart.y_axis.title = y_title
    chart.y_axis.number_format = fmt
    chart.y_axis.numFmt.sourceLinked = False
    chart.x_axis.title = spec.get("x_title")
    chart.x_axis.txPr = _axis_text(rotate=-2700000 if kind != "bar" and len(df) > 8 else 0)
    chart.y_axis.txPr = _axis_text()
    for name in spec["columns"]:
        col = columns.index(name) + 1
        ref = Reference(ws, min_col=col, min_row=at.header, max_row=at.last)
        chart.add_data(ref, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=at.first, max_row=at.last))
    if kind == "line":
        markers = set(spec.get("markers", ()))
        for name, series in zip(spec["columns"], chart.series, strict=True):
            series.smooth = False
            if name in markers:
                series.marker.symbol = "diamond"
                series.marker.size = 8
                series.marker.graphicalProperties.solidFill = "C00000"
                series.marker.graphicalProperties.line.solidFill = "C00000"
                series.graphicalProperties.line.noFill = True
            else:
                series.graphicalProperties.line.width = 28575  # 2.25 pt
                series.graphicalProperties.line.solidFill = "1F4E79"
    elif kind == "stacked":
        chart.type = "col"
        chart.grouping = "stacked"
        chart.overlap = 100
    else:  # one horizontal bar per category
        chart.type = "bar"
        chart.legend = None
        chart.x_axis.tickLblPos = "low"  # category names clear of negative bars
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


def _check_destination(path: Path) -> None:
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


def _save_atomically(workbook: Workbook, path: Path) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ReportWriteError(path, _reason(exc)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            workbook.save(fh)
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ReportWriteError(path, _reason(exc)) from exc
        raise
