"""Build input workbooks in tests: a tiny valid case, and helpers to break it.

``SMALL_VALID`` is a small valid case that touches every sheet of the contract. Tests
take a private copy with ``small_valid()``, change one thing, write it with
``write_workbook`` and read it back. Plain openpyxl writes the file, not the
project's template writer, so that reader tests do not depend on the template.

Row numbers: the header is Excel row 1, so ``tables[sheet][i]`` lands in row
``i + 2`` (``excel_row``). A ``None`` in a table's list writes a blank row.

Zip-level helpers (``edit_part``, ``sheet_part``) change the XML of a written file
for cases openpyxl cannot produce: saved formula results, DOCTYPE injections.
"""

from __future__ import annotations

import copy
import datetime
import re
import shutil
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.utils import get_column_letter

Row = dict[str, Any] | None
Tables = dict[str, list[Row]]

SMALL_VALID: Mapping[str, Any] = {
    "settings": {"start_year": 2026, "end_year": 2028, "discount_rate": 0.03},
    "tables": {
        "Materials": [
            {
                "material": "Ni",
                "description": "nickel",
                "volume_m3_per_t": 0.12,
                "shortfall_penalty_usd_per_t": 50000,
                "min_coverage": 0.5,
                "resale_usd_per_t": 15000,
            },
            {"material": "Co", "volume_m3_per_t": 0.2},
        ],
        "Countries": [
            {"country": "US", "bloc": "domestic"},
            {"country": "CA", "bloc": "allied"},
            {"country": "CN", "bloc": "adversary"},
        ],
        "Sources": [
            {
                "source": "S1",
                "type": "domestic_mine",
                "country": "US",
                "cost_usd_per_unit": 18000,
                "capacity_units_per_yr": 100,
            },
            {
                "source": "S2",
                "type": "seabed",
                "country": "US",
                "activity_unit": "t nodules",
                "cost_usd_per_unit": 400,
                "capacity_units_per_yr": 5000,
                "first_year": 2027,
                "cost_escalation_per_yr": 0.02,
            },
            {
                "source": "S3",
                "type": "market",
                "country": "CN",
                "cost_usd_per_unit": 30000,
                "capacity_units_per_yr": 50,
            },
        ],
        "SourceOutputs": [
            {"source": "S1", "material": "Ni", "yield_t_per_unit": 1},
            {"source": "S2", "material": "Ni", "yield_t_per_unit": 0.013},
            {"source": "S2", "material": "Co", "yield_t_per_unit": 0.002},
            {"source": "S3", "material": "Co", "yield_t_per_unit": 1},
        ],
        "SourceCapacity": [{"source": "S1", "year": 2027, "capacity_units_per_yr": 120}],
        "Sites": [
            {
                "site": "L1",
                "location": "Ohio",
                "capacity_m3": 1000,
                "holding_cost_usd_per_t_yr": 10,
            },
            {"site": "L2", "capacity_m3": 500, "first_year": 2027},
        ],
        "Routes": [
            {"source": "S1", "site": "L1", "cost_usd_per_t": 50},
            {"source": "S2", "site": "L1"},
            {"source": "S2", "site": "L2", "cost_usd_per_t": 80},
            {"source": "S3", "site": "L1", "cost_usd_per_t": 120},
        ],
        "InitialStock": [{"material": "Ni", "site": "L1", "stock_t": 10}],
        "Targets": [
            {"material": "Ni", "year": 2028, "min_stock_t": 50},
            {"material": "Co", "year": 2028, "min_stock_t": 5},
        ],
        "Budget": [{"year": 2026, "budget_usd": 5_000_000}],
        "Rules": [
            {
                "rule": "R1",
                "material": "*",
                "group_type": "bloc",
                "group": "adversary",
                "limit": "max_share",
                "share": 0.2,
            },
            {
                "rule": "R2",
                "material": "Ni",
                "group_type": "site",
                "group": "*",
                "limit": "max_share",
                "share": 0.8,
            },
        ],
        "Demand": [
            {"material": "Ni", "year": 2027, "demand_t": 20},
            {"material": "Co", "year": 2027, "demand_t": 2},
        ],
        "SupplyMix": [
            {"material": "Ni", "country": "US", "share": 0.6},
            {"material": "Ni", "country": "CA", "share": 0.4},
            {"material": "Co", "country": "CN", "share": 0.7},
            {"material": "Co", "country": "CA", "share": 0.3},
        ],
        "Disruptions": [
            {
                "disruption": "D1",
                "probability": 0.1,
                "start_year": 2027,
                "duration_years": 2,
                "demand_multiplier": 1.2,
                "description": "export ban",
            }
        ],
        "DisruptionImpacts": [
            {
                "disruption": "D1",
                "material": "*",
                "group_type": "bloc",
                "group": "adversary",
                "availability": 0,
            },
            {
                "disruption": "D1",
                "material": "Co",
                "group_type": "country",
                "group": "CA",
                "availability": 0.5,
            },
        ],
        "DisruptionTypes": [
            {
                "disruption_type": "ban",
                "probability_per_yr": 0.1,
                "duration_min_years": 1,
                "duration_max_years": 3,
                "price_multiplier_max": 1.5,
                "description": "export ban",
            }
        ],
        "DisruptionTypeImpacts": [
            {
                "disruption_type": "ban",
                "material": "Co",
                "group_type": "bloc",
                "group": "adversary",
                "availability_min": 0,
                "availability_max": 0.2,
            }
        ],
    },
}


def small_valid() -> tuple[dict[str, Any], Tables]:
    """Private, mutable copies of ``SMALL_VALID``'s settings and tables."""
    return copy.deepcopy(dict(SMALL_VALID["settings"])), copy.deepcopy(dict(SMALL_VALID["tables"]))


def excel_row(index: int) -> int:
    """The Excel row of ``tables[sheet][index]`` as ``write_workbook`` writes it."""
    return index + 2


def header(rows: list[Row]) -> list[str]:
    """The header ``write_workbook`` writes for ``rows``: keys in first-seen order."""
    keys: list[str] = []
    for row in rows:
        for key in row or {}:
            if key not in keys:
                keys.append(key)
    return keys


def cell(tables: Mapping[str, list[Row]], sheet: str, index: int, key: str) -> str:
    """The Excel address (e.g. "D3") of ``tables[sheet][index][key]`` once written."""
    return f"{get_column_letter(header(tables[sheet]).index(key) + 1)}{excel_row(index)}"


def write_workbook(
    path: str | Path,
    tables: Mapping[str, list[Row]],
    settings: Mapping[str, Any] | None = None,
    *,
    writer: str = "openpyxl",
) -> Path:
    """Write ``tables`` (sheet name -> rows) and ``settings`` as an .xlsx workbook.

    Each sheet's header is the union of its rows' keys in first-seen order, so the
    column order follows the dicts (reorder a dict to reorder the columns); a sheet
    with no rows gets no header at all (an empty sheet). Settings are written as the
    two-column setting | value sheet, first; pass ``settings=None`` and a "Settings"
    entry in ``tables`` to write that sheet as a raw table instead (duplicates,
    odd headers). A value is written as given: a str starting with "=" becomes a
    formula without a saved result (as in any file a script writes), a datetime a
    date-formatted number.

    ``writer="openpyxl"`` (the default) writes what openpyxl writes; ``writer="zip"``
    writes a minimal but complete workbook with zipfile in a few milliseconds
    instead of ~0.2 s, for corpora of many workbooks. Both read back the same.
    """
    grid: list[tuple[str, list[list[Any]]]] = []
    if settings is not None:
        grid.append(("Settings", [["setting", "value"], *([k, v] for k, v in settings.items())]))
    for name, rows in tables.items():
        keys = header(rows)
        body = [[None if row is None else row.get(k) for k in keys] for row in rows]
        grid.append((name, [keys, *body] if keys else []))
    path = Path(path)
    if writer == "zip":
        _write_zip(path, grid)
    elif writer == "openpyxl":
        _write_openpyxl(path, grid)
    else:
        raise ValueError(f"unknown writer {writer!r}")
    return path


def write_valid(
    path: str | Path,
    change: Callable[[dict, Tables], None] | None = None,
    *,
    writer: str = "openpyxl",
) -> Path:
    """Write ``SMALL_VALID``, after ``change(settings, tables)`` edits a private copy."""
    settings, tables = small_valid()
    if change is not None:
        change(settings, tables)
    return write_workbook(path, tables, settings, writer=writer)


def _write_openpyxl(path: Path, grid: list[tuple[str, list[list[Any]]]]) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in grid:
        ws = wb.create_sheet(name)
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
    wb.save(path)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
    '</font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
    '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/>'
    '<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
    'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf '
    'numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" '
    'fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles '
    'count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_EPOCH = datetime.datetime(1899, 12, 30)


def _write_zip(path: Path, grid: list[tuple[str, list[list[Any]]]]) -> None:
    n = len(grid)
    sheets = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, (name, _) in enumerate(grid, start=1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_DOC_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>{overrides}'
        "</Types>",
        "_rels/.rels": f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
        f'Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_REL}"><sheets>{sheets}'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG_REL}">{rels}<Relationship '
        f'Id="rId{n + 1}" Type="{_DOC_REL}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": _STYLES,
    }
    for i, (_, rows) in enumerate(grid, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet_xml(rows)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, xml in parts.items():
            zf.writestr(name, xml)


def _sheet_xml(rows: list[list[Any]]) -> str:
    out = [f'<worksheet xmlns="{_MAIN}"><sheetData>']
    for r, values in enumerate(rows, start=1):
        cells = "".join(
            _cell_xml(f"{get_column_letter(c)}{r}", v)
            for c, v in enumerate(values, start=1)
            if v is not None
        )
        if cells:
            out.append(f'<row r="{r}">{cells}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out)


def _cell_xml(ref: str, value: Any) -> str:
    """One cell, in the shapes openpyxl writes (so ``set_cached_result`` works on both)."""
    if isinstance(value, str) and value.startswith("="):
        return f'<c r="{ref}"><f>{escape(value[1:])}</f><v /></c>'
    if isinstance(value, str):
        return (
            f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
        )
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime.datetime):
        serial = (value - _EPOCH) / datetime.timedelta(days=1)
        return f'<c r="{ref}" t="n" s="1"><v>{serial!r}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}" t="n"><v>{value!r}</v></c>'
    raise TypeError(f"cannot write {value!r}")


def sheet_part(path: str | Path, sheet: str) -> str:
    """The zip part name (e.g. 'xl/worksheets/sheet3.xml') holding worksheet ``sheet``."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    with zipfile.ZipFile(path) as zf:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    rid = next(
        s.get(f"{{{ns['r']}}}id")
        for s in book.iterfind("m:sheets/m:sheet", ns)
        if s.get("name") == sheet
    )
    target = next(
        r.get("Target") for r in rels.iterfind("rel:Relationship", ns) if r.get("Id") == rid
    )
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def edit_part(path: str | Path, part: str, edit: Callable[[str], str]) -> None:
    """Rewrite one XML part of the zip at ``path`` in place: ``text = edit(text)``."""
    path = Path(path)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info, data)
    shutil.move(tmp, path)


def set_cached_result(path: str | Path, sheet: str, cell: str, value: str, kind: str = "n") -> None:
    """Store a saved result for the formula in ``cell``, as Excel does when saving.

    ``kind`` is the cell type Excel writes: "n" number, "str" text ("" with "str" is
    the saved empty result of a formula like =IF(A2="","",A2)), "e" an error such
    as "#DIV/0!", "b" a boolean ("1"/"0").
    """

    def edit(xml: str) -> str:
        pattern = re.compile(rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/>(</c>)')
        attr = "" if kind == "n" else f' t="{kind}"'
        new, n = pattern.subn(rf'<c r="{cell}"\1{attr}><f>\2</f><v>{value}</v>\3', xml)
        assert n == 1, f"no formula cell {cell} in {sheet}"
        return new

    edit_part(path, sheet_part(path, sheet), edit)
