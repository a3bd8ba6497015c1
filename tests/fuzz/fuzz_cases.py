"""Fuzz cases: a small valid workbook, then mutations of its cells, rows, columns,
sheets and zip entries.

A ``Case`` is drawn by ``cases()`` and turned into the bytes of an .xlsx by
``build_input``. It starts from one of the bases:

- ``small``: tests/workbooks.py's SMALL_VALID (every sheet of the contract), written
  by the fast zip writer; ``small_openpyxl`` the same written by openpyxl;
- ``drawn``: a random valid instance of tests/strategies.py's ``raw_inputs_st``;
- ``template``: SMALL_VALID written by the project's own template writer (README,
  Lists, dropdowns, header comments, Excel tables, a Scenarios sheet);
- ``scenarios``: SMALL_VALID with a Scenarios sheet of valid what-if scenarios.

Any case may also pass a separate scenario workbook (``--scenarios FILE``, the same
scenarios written by the template writer) with its own ops.

Then ``ops`` edit the workbook through openpyxl (indices are taken modulo the sizes
at the time, so every op applies to whatever the earlier ops left, and shrinking
keeps cases meaningful), and ``zops`` edit the saved zip (entries dropped,
duplicated, corrupted, renamed; control characters; the file truncated or padded).
``build_input`` returns the bytes and one line per op saying what it did, in sheet,
cell and value terms, for the findings.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from stockpile.data.reader import read_workbook
from stockpile.data.schema import SHEETS
from stockpile.data.template import write_scenario_workbook
from stockpile.data.template import write_workbook as write_template
from strategies import raw_inputs_st
from workbooks import small_valid, write_workbook

BASES = ("small", "small_openpyxl", "drawn", "template", "scenarios")
WITH_SCENARIOS = ("template", "scenarios")

# Valid scenarios of SMALL_VALID (README "Scenarios"): one row each, or several.
SCENARIO_ROWS: tuple[dict[str, Any], ...] = (
    {"scenario": "cut", "sheet": "Budget", "key": "*", "column": "budget_usd", "op": "scale",
     "value": 0.7, "note": "budget -30 %"},
    {"scenario": "nomarket", "sheet": "Sources", "key": "S3", "column": "capacity_units_per_yr",
     "op": "set", "value": 0},
    {"scenario": "late", "sheet": "Sources", "key": "S2", "column": "first_year", "op": "add",
     "value": 1},
    {"scenario": "late", "sheet": "Settings", "key": "discount_rate", "column": "value",
     "op": "set", "value": 0.05},
    {"scenario": "newsrc", "sheet": "Sources", "key": "S4", "op": "add_row",
     "value": "type=market; country=CA; cost_usd_per_unit=25000; capacity_units_per_yr=100"},
    {"scenario": "newsrc", "sheet": "SourceOutputs", "key": "S4|Ni", "op": "add_row",
     "value": "yield_t_per_unit=1"},
    {"scenario": "newsrc", "sheet": "Routes", "key": "S4|L1", "op": "add_row",
     "value": "cost_usd_per_t=10"},
    {"scenario": "norule", "sheet": "Rules", "key": "R1", "op": "delete_row"},
)  # fmt: skip
SCENARIO_NAMES = ("cut", "nomarket", "late", "newsrc", "norule")

# --- values ------------------------------------------------------------------------------

SPECIAL_NUMBERS = (
    0, -0.0, -1, -1e-9, 0.5, 1, 1.0000001, 2026, 2026.5, 99999, 1e15, 1e308, -1e308,
    5e-324, 1e-310, 2**53 + 1, 2**63, 10**30, math.nan, math.inf, -math.inf,
)  # fmt: skip
SPECIAL_TEXT = (
    "", " ", " 1", "1 ", "0,5", "1,000", "1 000", "50%", "5 t", "$10", "1e999", "-1e999",
    "1e-999", "NaN", "nan", "inf", "-Infinity", "None", "null", "TRUE", "false", "#DIV/0!",
    "*", "**", "|", "S1|L1", "*|*", ";", "a=b; c=d", "=", "base", "Base", "BASE",
    "[red]x[/]", "[/]", "[bold", "[link=file:///etc/passwd]x[/link]", "\\", "'", '"',
    "<b>&amp;</b>", "]]>", "{0}", "%s%n", "١٢", "１２", "²", "½", "Ｎｉ", "Νi", "Со", "Ni\u200b",
    "\u00a0Ni", "Ni\u00a0", "NI", "ni", "\u202eiN", "e\u0301", "\ufeffNi", "\t1", "1\n",
    "a\r\nb", "\x7f", "\x85", "\u2028", "\ufffe", "😀", "𝟙", "x" * 300, "x" * 40_000,
    "domestic ", "Domestic", "market\u200b", "max_share ", "MAX_SHARE", "t", "2027-01-01",
    "2027", "2027.0", " 2027", "0x10", "1_000", "+5", "--5", "(5)", "5-", "∞",
)  # fmt: skip
DATES = (
    datetime.datetime(2027, 1, 1),
    datetime.datetime(1900, 1, 1),
    datetime.datetime(9999, 12, 31, 23, 59),
    datetime.date(2027, 6, 1),
    datetime.time(12, 30),
    datetime.timedelta(days=2, hours=3),
)
FORMULAS = (
    "=1/0", "=A1", "=2026+1", "=SUM(B2:B9)", "=NA()", "=Settings!B2", "=A2&\"x\"",
    "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\",\"y\")", "=+1", "=1E+999",
)  # fmt: skip
# openpyxl refuses these in a cell (IllegalCharacterError); zops put them in the XML.
_ILLEGAL = "".join(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32)))


def values() -> st.SearchStrategy[Any]:
    """Anything a cell can hold, weighted towards what breaks parsers."""
    return st.one_of(
        st.sampled_from(SPECIAL_NUMBERS),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(10**12), 10**12),
        st.sampled_from(SPECIAL_TEXT),
        st.text(st.characters(exclude_categories=["Cs"], exclude_characters=_ILLEGAL), max_size=12),
        st.sampled_from(DATES),
        st.booleans(),
        st.sampled_from(FORMULAS),
        st.none(),
    )


# --- ops on the workbook -----------------------------------------------------------------

RETYPES = (
    "as_text", "as_number", "trailing_space", "as_formula", "as_bool", "as_date", "negate",
    "times_1e300", "plus_half", "as_percent_text", "with_unit",
)  # fmt: skip
HEADER_EDITS = (
    "upper", "lower", "space_after", "space_before", "zero_width", "homoglyph",
    "unit_suffix", "duplicate_other", "blank", "spaces_for_underscores", "numeric",
)  # fmt: skip
ID_EDITS = (
    "upper", "lower", "swapcase", "copy_other", "copy_other_recased", "space", "nbsp",
    "homoglyph", "number", "float", "star", "blank", "base", "pipe", "semicolon",
)  # fmt: skip
SHEET_NAMES = (
    "Materials", "materials", "MATERIALS", "Materials ", " Sources", "Sources", "Sheet1",
    "Scenarios", "scenarios", "Settings", "Budget", "Lists", "README", "Routes",
    "DisruptionImpacts", "Demand", "x" * 31, "Dáta", "Ｍaterials", "Sites\u200b",
)  # fmt: skip

# Values a number column accepts that are far from the data's scale: the workbook
# stays valid, and the model, the solver and the report meet extreme numbers.
EXTREME_NUMBERS = (0, 1e-300, 1e-12, 1e-6, 0.999999, 1.000001, 1e6, 1e12, 1e20, 1e300, 2**53)

_idx = st.integers(0, 40)

op_strategy = st.one_of(
    st.tuples(st.just("set"), _idx, _idx, _idx, values()),
    st.tuples(st.just("extreme"), st.integers(0, 400), st.sampled_from(EXTREME_NUMBERS)),
    st.tuples(st.just("text"), st.integers(0, 400), st.sampled_from(SPECIAL_TEXT)),
    st.tuples(st.just("retype"), _idx, _idx, _idx, st.sampled_from(RETYPES)),
    st.tuples(st.just("delete_row"), _idx, _idx),
    st.tuples(st.just("duplicate_row"), _idx, _idx, st.booleans()),
    st.tuples(st.just("delete_col"), _idx, _idx),
    st.tuples(st.just("header"), _idx, _idx, st.sampled_from(HEADER_EDITS)),
    st.tuples(st.just("id"), _idx, _idx, _idx, st.sampled_from(ID_EDITS)),
    st.tuples(st.just("delete_sheet"), _idx),
    st.tuples(st.just("rename_sheet"), _idx, st.sampled_from(SHEET_NAMES)),
    st.tuples(
        st.just("add_sheet"),
        st.sampled_from(SHEET_NAMES),
        st.lists(st.lists(values(), max_size=4), max_size=4),
    ),
    st.tuples(st.just("move_sheet"), _idx, st.integers(-5, 5)),
    st.tuples(st.just("hide_sheet"), _idx, st.sampled_from(["hidden", "veryHidden"])),
    st.tuples(st.just("clear_sheet"), _idx),
    st.tuples(st.just("merge"), _idx, _idx, _idx),
    st.tuples(
        st.just("defined_name"), st.sampled_from(["Materials", "_xlnm._FilterDatabase", "x"])
    ),
)

# --- ops on the zip ----------------------------------------------------------------------

CORRUPTIONS = ("garbage", "truncate", "empty", "doctype", "latin1", "not_xml", "utf16", "nul")
zop_strategy = st.one_of(
    st.tuples(st.just("drop"), _idx),
    st.tuples(st.just("duplicate"), _idx),
    st.tuples(st.just("corrupt"), _idx, st.sampled_from(CORRUPTIONS), st.binary(max_size=32)),
    st.tuples(st.just("rename_entry"), _idx, st.sampled_from(["upper", "prefix", "backslash"])),
    st.tuples(st.just("control_char"), _idx, st.sampled_from(_ILLEGAL), st.booleans()),
    st.tuples(st.just("truncate_file"), st.floats(0, 1)),
    st.tuples(st.just("append"), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("prepend"), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("flip_byte"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("replace_file"), st.sampled_from(["empty", "random", "ole", "text", "zip0"])),
    st.tuples(st.just("stored"), st.just(0)),
)

FILE_NAMES = (
    "input.xlsx", "My plan (v2) ü.xlsx", "plan [v2].xlsx", "[red]plan[bold].xlsx", "INPUT.XLSX",
    "input.xlsm", "input.xls", "input", "in.xlsx.tmp.xlsx",
)  # fmt: skip
# The input's folder: the commands print paths, and rich reads "[...]" as markup.
FOLDERS = ("in", "Plans [draft]", "x[/y]", "in [bold]")


@dataclass(frozen=True)
class Case:
    base: str
    raw: Any = None  # the drawn (settings, tables) of base "drawn"
    ops: tuple = ()
    zops: tuple = ()
    file_name: str = "input.xlsx"
    folder: str = "in"  # may hold a slash: nested folders
    quiet: bool = True  # -q: no progress display
    json_out: bool = False
    scenario: str | None = None  # solve --scenario
    compare: tuple[str, ...] = ()  # compare -s ... (empty: not run)
    # ops on a separate scenario workbook passed as --scenarios FILE (None: no such file)
    scenario_ops: tuple | None = None


@st.composite
def cases(draw: Any) -> Case:
    base = draw(st.sampled_from(BASES))
    raw = None
    if base == "drawn":
        raw = draw(raw_inputs_st(max_materials=2, max_sources=3, max_sites=2, max_years=3))
    ops = tuple(draw(st.lists(op_strategy, max_size=4)))
    zops = tuple(draw(st.lists(zop_strategy, max_size=2))) if draw(st.integers(0, 4)) == 0 else ()
    file_name = draw(st.sampled_from(FILE_NAMES)) if draw(st.integers(0, 9)) == 0 else "input.xlsx"
    scenario = compare = None
    scenario_ops = None
    if draw(st.integers(0, 3)) == 0:
        scenario_ops = tuple(draw(st.lists(op_strategy, max_size=3)))
    if base in WITH_SCENARIOS or scenario_ops is not None:
        if draw(st.booleans()):
            scenario = draw(st.sampled_from(SCENARIO_NAMES))
        if draw(st.integers(0, 2)) == 0:
            compare = tuple(draw(st.lists(st.sampled_from(SCENARIO_NAMES), min_size=1, max_size=2)))
    folder = draw(st.sampled_from(FOLDERS)) if draw(st.integers(0, 9)) == 0 else "in"
    return Case(
        base,
        raw,
        ops,
        zops,
        file_name,
        folder,
        quiet=draw(st.booleans()),
        json_out=draw(st.booleans()),
        scenario=scenario,
        compare=compare or (),
        scenario_ops=scenario_ops,
    )


# --- building the input ------------------------------------------------------------------

_BASE_CACHE: dict[str, bytes] = {}


def _small_tables(with_scenarios: bool) -> tuple[dict, dict]:
    settings, tables = small_valid()
    if with_scenarios:
        tables["Scenarios"] = [dict(r) for r in SCENARIO_ROWS]
    return settings, tables


def base_bytes(case: Case, tmp: Path) -> bytes:
    """The .xlsx bytes of the case's base workbook."""
    if case.base == "drawn":
        settings, tables = case.raw
        named = {s.name: tables[s.attr] for s in SHEETS if not s.settings and s.attr in tables}
        path = write_workbook(tmp / "base.xlsx", named, settings, writer="zip")
        return path.read_bytes()
    if case.base not in _BASE_CACHE:
        path = tmp / "base.xlsx"
        if case.base == "template":
            settings, tables = _small_tables(False)
            write_workbook(path, tables, settings, writer="zip")
            inputs, _ = read_workbook(path)
            write_template(path, inputs, scenarios=SCENARIO_ROWS, force=True)
        else:
            writer = "openpyxl" if case.base == "small_openpyxl" else "zip"
            settings, tables = _small_tables(case.base == "scenarios")
            write_workbook(path, tables, settings, writer=writer)
        _BASE_CACHE[case.base] = path.read_bytes()
    return _BASE_CACHE[case.base]


def build_input(case: Case, tmp: Path) -> tuple[bytes, list[str]]:
    """The case's input bytes, and what each op did (for the findings)."""
    data, notes = mutate(base_bytes(case, tmp), case.ops, case.zops)
    return data, [f"base {case.base}", *notes]


def build_scenarios(case: Case, tmp: Path) -> tuple[bytes, list[str]]:
    """The bytes of the case's --scenarios FILE (SCENARIO_ROWS in a scenario workbook
    of the template writer, then ``scenario_ops``), and what each op did."""
    if "scenario_book" not in _BASE_CACHE:
        path = tmp / "scenario_book.xlsx"
        write_scenario_workbook(path, SCENARIO_ROWS, force=True)
        _BASE_CACHE["scenario_book"] = path.read_bytes()
    data, notes = mutate(_BASE_CACHE["scenario_book"], case.scenario_ops or (), ())
    return data, [f"--scenarios file: {n}" for n in notes]


def mutate(data: bytes, ops: tuple, zops: tuple) -> tuple[bytes, list[str]]:
    """``data`` after the workbook ops, then the zip ops; what each op did."""
    notes: list[str] = []
    if ops:
        wb = openpyxl.load_workbook(io.BytesIO(data))
        for op in ops:
            try:
                notes.append(_apply(wb, op))
            except Exception as exc:  # an op openpyxl refuses is skipped, and said so
                notes.append(f"skipped {op[0]}: {type(exc).__name__}: {exc}"[:200])
        out = io.BytesIO()
        try:
            wb.save(out)
            data = out.getvalue()
        except Exception as exc:
            notes.append(f"openpyxl could not save ({type(exc).__name__}); ops dropped")
    for zop in zops:
        data, note = _apply_zip(data, zop)
        notes.append(note)
    return data, notes


def _sheet(wb: Any, k: int) -> Any:
    return wb.worksheets[k % len(wb.worksheets)]


def _where(ws: Any, r: int, c: int) -> str:
    return f"{ws.title}!{get_column_letter(c)}{r}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:50]}...({len(text)} chars)"


def _retype(value: Any, how: str) -> Any:
    if how == "as_text":
        return "" if value is None else str(value)
    if how == "as_number":
        try:
            return float(str(value))
        except ValueError:
            return len(str(value))
    if how == "trailing_space":
        return f"{value} "
    if how == "as_formula":
        return f"={value}"
    if how == "as_bool":
        return bool(value)
    if how == "as_date":
        return datetime.datetime(2027, 1, 1)
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else 1
    if how == "negate":
        return -number
    if how == "times_1e300":
        return number * 1e300
    if how == "plus_half":
        return number + 0.5
    if how == "as_percent_text":
        return f"{number * 100}%"
    return f"{value} t"  # with_unit


def _header_edit(ws: Any, c: int, how: str) -> Any:
    text = str(ws.cell(1, c).value or "")
    others = [str(x.value) for x in ws[1] if x.value is not None and x.column != c]
    return {
        "upper": text.upper(),
        "lower": text.lower(),
        "space_after": f"{text} ",
        "space_before": f" {text}",
        "zero_width": f"{text}\u200b",
        "homoglyph": text.replace("o", "о").replace("a", "а").replace("e", "е"),
        "unit_suffix": f"{text} (t)",
        "duplicate_other": others[0] if others else text,
        "blank": None,
        "spaces_for_underscores": text.replace("_", " "),
        "numeric": 1,
    }[how]


def _id_edit(ws: Any, r: int, other: int, how: str) -> Any:
    value = ws.cell(r, 1).value
    text = "" if value is None else str(value)
    other_value = ws.cell(other, 1).value
    return {
        "upper": text.upper(),
        "lower": text.lower(),
        "swapcase": text.swapcase(),
        "copy_other": other_value,
        "copy_other_recased": str(other_value).swapcase() if other_value is not None else None,
        "space": f" {text} ",
        "nbsp": f"{text}\u00a0",
        "homoglyph": text.replace("S", "Ѕ").replace("C", "С").replace("N", "Ν"),
        "number": 1,
        "float": 1.0,
        "star": "*",
        "blank": None,
        "base": "base",
        "pipe": f"{text}|x",
        "semicolon": f"{text}; x=1",
    }[how]


def _nth_body_cell(wb: Any, n: int, kinds: tuple[type, ...]) -> Any:
    """The n-th (modulo their number) cell below a header holding a value of ``kinds``,
    on the sheets the reader reads (not the template's README and Lists)."""
    found = [
        c
        for ws in wb.worksheets
        if ws.title not in ("README", "Lists", "References")
        for row in ws.iter_rows(min_row=2)
        for c in row
        if isinstance(c.value, kinds) and not isinstance(c.value, bool)
    ]
    return found[n % len(found)] if found else None


def _apply(wb: Any, op: tuple) -> str:
    kind = op[0]
    if kind in ("extreme", "text"):
        kinds = (int, float) if kind == "extreme" else (str,)
        cell = _nth_body_cell(wb, op[1], kinds)
        if cell is None:
            return f"{kind}: no such cell"
        old, cell.value = cell.value, op[2]
        return f"{cell.parent.title}!{cell.coordinate}: {_short(old)} -> {_short(op[2])}"
    if kind in ("set", "retype"):
        ws = _sheet(wb, op[1])
        r = op[2] % (ws.max_row + 1) + 1
        c = op[3] % (ws.max_column + 1) + 1
        old = ws.cell(r, c).value
        new = op[4] if kind == "set" else _retype(old, op[4])
        ws.cell(r, c).value = new
        return f"{_where(ws, r, c)}: {_short(old)} -> {_short(new)}"
    if kind == "delete_row":
        ws = _sheet(wb, op[1])
        r = op[2] % max(ws.max_row, 1) + 1
        ws.delete_rows(r)
        return f"{ws.title}: row {r} deleted"
    if kind == "duplicate_row":
        ws = _sheet(wb, op[1])
        r = op[2] % max(ws.max_row, 1) + 1
        row = [ws.cell(r, c).value for c in range(1, ws.max_column + 1)]
        at = r + 1 if op[3] else ws.max_row + 1
        if op[3]:
            ws.insert_rows(at)
        for c, v in enumerate(row, start=1):
            ws.cell(at, c).value = v
        return f"{ws.title}: row {r} copied to row {at}"
    if kind == "delete_col":
        ws = _sheet(wb, op[1])
        c = op[2] % max(ws.max_column, 1) + 1
        name = ws.cell(1, c).value
        ws.delete_cols(c)
        return f"{ws.title}: column {get_column_letter(c)} ({name!r}) deleted"
    if kind == "header":
        ws = _sheet(wb, op[1])
        c = op[2] % max(ws.max_column, 1) + 1
        old = ws.cell(1, c).value
        ws.cell(1, c).value = _header_edit(ws, c, op[3])
        return f"{_where(ws, 1, c)} header {op[3]}: {old!r} -> {ws.cell(1, c).value!r}"
    if kind == "id":
        ws = _sheet(wb, op[1])
        r = op[2] % max(ws.max_row - 1, 1) + 2
        other = op[3] % max(ws.max_row - 1, 1) + 2
        old = ws.cell(r, 1).value
        ws.cell(r, 1).value = _id_edit(ws, r, other, op[4])
        return f"{_where(ws, r, 1)} id {op[4]}: {old!r} -> {ws.cell(r, 1).value!r}"
    if kind == "delete_sheet":
        ws = _sheet(wb, op[1])
        if len(wb.worksheets) == 1:
            return f"{ws.title}: last sheet kept"
        wb.remove(ws)
        return f"sheet {ws.title!r} deleted"
    if kind == "rename_sheet":
        ws = _sheet(wb, op[1])
        old = ws.title
        ws.title = op[2]
        return f"sheet {old!r} renamed {ws.title!r}"
    if kind == "add_sheet":
        ws = wb.create_sheet(op[1])
        for row in op[2]:
            ws.append(row)
        return f"sheet {ws.title!r} added with rows {_short(op[2])}"
    if kind == "move_sheet":
        ws = _sheet(wb, op[1])
        wb.move_sheet(ws, op[2])
        return f"sheet {ws.title!r} moved by {op[2]}"
    if kind == "hide_sheet":
        ws = _sheet(wb, op[1])
        ws.sheet_state = op[2]
        return f"sheet {ws.title!r} {op[2]}"
    if kind == "clear_sheet":
        ws = _sheet(wb, op[1])
        ws.delete_rows(1, ws.max_row)
        return f"sheet {ws.title!r} emptied"
    if kind == "merge":
        ws = _sheet(wb, op[1])
        r = op[2] % (ws.max_row + 1) + 1
        c = op[3] % (ws.max_column + 1) + 1
        ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c + 1)
        return f"{_where(ws, r, c)}: merged with the next row and column"
    if kind == "defined_name":
        from openpyxl.workbook.defined_name import DefinedName

        wb.defined_names[op[1]] = DefinedName(op[1], attr_text="Settings!$A$1:$B$3")
        return f"defined name {op[1]!r} added"
    raise ValueError(kind)


def _entries(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return [(info, zf.read(info)) for info in zf.infolist()]
    except Exception:
        return None  # not a readable zip any more (an earlier zop): entry ops skip


def _zip(entries: list[tuple[zipfile.ZipInfo, bytes]], compression: int | None = None) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": on purpose
        for info, body in entries:
            if compression is not None:
                info.compress_type = compression
            zf.writestr(info, body)
    return out.getvalue()


_TEXT = re.compile(rb"(<t(?: [^>]*)?>)([^<]*)(</t>)")


def _apply_zip(data: bytes, zop: tuple) -> tuple[bytes, str]:
    kind = zop[0]
    if kind in ("drop", "duplicate", "corrupt", "rename_entry", "control_char", "stored"):
        entries = _entries(data)
        if not entries:
            return data, f"zip {kind}: skipped (not a zip)"
        if kind == "stored":
            return _zip(entries, zipfile.ZIP_STORED), "zip: entries stored uncompressed"
        if kind == "control_char":
            parts = [i for i, (info, _) in enumerate(entries) if _TEXT.search(entries[i][1])]
            if not parts:
                return data, "zip control_char: skipped (no text)"
            i = parts[zop[1] % len(parts)]
            info, body = entries[i]
            char = zop[2].encode() if not zop[3] else f"_x{ord(zop[2]):04X}_".encode()
            body = _TEXT.sub(lambda m: m.group(1) + m.group(2) + char + m.group(3), body, count=1)
            entries[i] = (info, body)
            how = "escaped" if zop[3] else "raw"
            return _zip(entries), f"zip {info.filename}: {how} U+{ord(zop[2]):04X} in a text"
        i = zop[1] % len(entries)
        info, body = entries[i]
        if kind == "drop":
            del entries[i]
            return _zip(entries), f"zip entry {info.filename} dropped"
        if kind == "duplicate":
            entries.insert(i + 1, (info, body))
            return _zip(entries), f"zip entry {info.filename} duplicated"
        if kind == "rename_entry":
            name = {
                "upper": info.filename.upper(),
                "prefix": f"x/{info.filename}",
                "backslash": info.filename.replace("/", "\\"),
            }[zop[2]]
            entries[i] = (zipfile.ZipInfo(name, info.date_time), body)
            return _zip(entries), f"zip entry {info.filename} renamed {name}"
        how, payload = zop[2], zop[3]
        body = {
            "garbage": payload,
            "truncate": body[: len(body) // 2],
            "empty": b"",
            "doctype": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]>' + body,
            "latin1": body.replace(b"<t>", b"<t>\xe9\xff", 1),
            "not_xml": b"this is not xml " + payload,
            "utf16": body.decode("utf-8", "replace").encode("utf-16"),
            "nul": body + b"\x00",
        }[how]
        entries[i] = (info, body)
        return _zip(entries), f"zip entry {info.filename} corrupted ({how})"
    if kind == "truncate_file":
        n = int(len(data) * zop[1])
        return data[:n], f"file truncated to {n} of {len(data)} bytes"
    if kind == "append":
        return data + zop[1], f"{len(zop[1])} bytes appended"
    if kind == "prepend":
        return zop[1] + data, f"{len(zop[1])} bytes prepended"
    if kind == "flip_byte":
        if not data:
            return data, "flip_byte: skipped (empty)"
        i = zop[1] % len(data)
        flipped = data[:i] + bytes([data[i] ^ zop[2]]) + data[i + 1 :]
        return flipped, f"byte {i} xor {zop[2]}"
    if kind == "replace_file":
        new = {
            "empty": b"",
            "random": bytes(range(256)) * 4,
            "ole": bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504,
            "text": b"material,description\nNi,nickel\n",
            "zip0": _zip([]),
        }[zop[1]]
        return new, f"file replaced ({zop[1]})"
    raise ValueError(kind)
