"""The template and workbook writer: layout from the data dictionary, dropdowns,
atomic writes, text safety, and the round trip Inputs -> xlsx -> Inputs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from stockpile.data import schema
from stockpile.data.inputs import Inputs
from stockpile.data.magnitudes import number_problems
from stockpile.data.reader import read_workbook
from stockpile.data.schema import GROUP_TARGET, INFO_SHEETS, SHEETS, Column, Sheet
from stockpile.data.template import LAST_ROW, ids_name, ids_or_star_name, write_workbook

# The contract as written in /work/shared/WORKBOOK.md, copied by hand so that a drift
# of the schema away from the published interface fails here.
CONTRACT: dict[str, tuple[bool, tuple[str, ...]]] = {
    "Settings": (True, ("setting", "value")),
    "Materials": (
        True,
        (
            "material",
            "description",
            "volume_m3_per_t",
            "shortfall_penalty_usd_per_t",
            "min_coverage",
            "resale_usd_per_t",
        ),
    ),
    "Countries": (True, ("country", "bloc")),
    "Sources": (
        True,
        (
            "source",
            "type",
            "country",
            "activity_unit",
            "cost_usd_per_unit",
            "capacity_units_per_yr",
            "first_year",
            "cost_escalation_per_yr",
            "expansion_cost_usd_per_unit",
            "expansion_lead_years",
            "max_expansion_units",
        ),
    ),
    "SourceOutputs": (True, ("source", "material", "yield_t_per_unit")),
    "SourceCapacity": (False, ("source", "year", "capacity_units_per_yr")),
    "Sites": (
        True,
        ("site", "location", "capacity_m3", "holding_cost_usd_per_t_yr", "first_year"),
    ),
    "Routes": (True, ("source", "site", "cost_usd_per_t")),
    "InitialStock": (False, ("material", "site", "stock_t")),
    "Targets": (False, ("material", "year", "min_stock_t")),
    "Budget": (False, ("year", "budget_usd")),
    "Rules": (False, ("rule", "material", "group_type", "group", "limit", "share")),
    "Demand": (False, ("material", "year", "demand_t")),
    "SupplyMix": (False, ("material", "country", "share")),
    "Disruptions": (
        False,
        (
            "disruption",
            "probability",
            "start_year",
            "duration_years",
            "demand_multiplier",
            "price_multiplier",
            "description",
        ),
    ),
    "DisruptionImpacts": (
        False,
        ("disruption", "material", "group_type", "group", "availability"),
    ),
    # issue 16 (stockpile stress): the description of uncertainty, not yet in WORKBOOK.md
    "DisruptionTypes": (
        False,
        (
            "disruption_type",
            "probability_per_yr",
            "duration_min_years",
            "duration_max_years",
            "demand_multiplier_min",
            "demand_multiplier_max",
            "price_multiplier_min",
            "price_multiplier_max",
            "description",
        ),
    ),
    "DisruptionTypeImpacts": (
        False,
        (
            "disruption_type",
            "material",
            "group_type",
            "group",
            "availability_min",
            "availability_max",
        ),
    ),
}
CONTRACT_SETTINGS = (
    "start_year",
    "end_year",
    "discount_rate",
    "currency",
    "recovery_years",
    "risk_weight",
    "cvar_level",
)
CONTRACT_ENUMS = {
    ("Countries", "bloc"): ("domestic", "allied", "partner", "adversary", "other"),
    ("Sources", "type"): ("seabed", "allied_mine", "domestic_mine", "recycling", "market"),
    ("Rules", "group_type"): ("country", "bloc", "source_type", "source", "site"),
    ("Rules", "limit"): ("max_share", "min_share"),
    ("DisruptionImpacts", "group_type"): ("country", "bloc", "source_type", "source", "site"),
    ("DisruptionTypeImpacts", "group_type"): ("country", "bloc", "source_type", "source", "site"),
}


def small_inputs(description: str = "Nickel, class 1") -> Inputs:
    """A small valid case that touches every sheet."""
    return Inputs.build(
        {"start_year": 2026, "end_year": 2028, "discount_rate": 0.05, "currency": "USD"},
        materials=[
            {"material": "Ni", "description": description, "volume_m3_per_t": 0.2,
             "shortfall_penalty_usd_per_t": 50000.0, "min_coverage": 0.5},
            {"material": "Co", "resale_usd_per_t": 1200.5},
        ],
        countries=[
            {"country": "US", "bloc": "domestic"},
            {"country": "CA", "bloc": "allied"},
            {"country": "CN", "bloc": "adversary"},
        ],
        sources=[
            {"source": "nodules", "type": "seabed", "country": "US",
             "activity_unit": "t nodules", "cost_usd_per_unit": 300.0,
             "capacity_units_per_yr": 1e5, "first_year": 2027, "cost_escalation_per_yr": -0.02},
            {"source": "ca_mine", "type": "allied_mine", "country": "CA",
             "cost_usd_per_unit": 18000.0, "capacity_units_per_yr": 2000.0},
            {"source": "spot", "type": "market", "country": "CN",
             "cost_usd_per_unit": 16000.0, "capacity_units_per_yr": 5000.0},
        ],
        source_outputs=[
            {"source": "nodules", "material": "Ni", "yield_t_per_unit": 0.013},
            {"source": "nodules", "material": "Co", "yield_t_per_unit": 0.0022},
            {"source": "ca_mine", "material": "Ni", "yield_t_per_unit": 1.0},
            {"source": "spot", "material": "Co", "yield_t_per_unit": 1.0},
        ],
        source_capacity=[{"source": "ca_mine", "year": 2028, "capacity_units_per_yr": 2500.0}],
        sites=[
            {"site": "depot_a", "location": "Nevada", "capacity_m3": 5000.0,
             "holding_cost_usd_per_t_yr": 12.5},
            {"site": "depot_b", "capacity_m3": 800.0, "first_year": 2027},
        ],
        routes=[
            {"source": "nodules", "site": "depot_a", "cost_usd_per_t": 40.0},
            {"source": "ca_mine", "site": "depot_a"},
            {"source": "ca_mine", "site": "depot_b", "cost_usd_per_t": 25.0},
            {"source": "spot", "site": "depot_b", "cost_usd_per_t": 90.0},
        ],
        initial_stock=[{"material": "Ni", "site": "depot_a", "stock_t": 100.0}],
        targets=[{"material": "Ni", "year": 2028, "min_stock_t": 500.0}],
        budget=[{"year": 2026, "budget_usd": 2.5e7}],
        rules=[
            {"rule": "no_adversary", "material": "*", "group_type": "bloc",
             "group": "adversary", "limit": "max_share", "share": 0.2},
            {"rule": "disperse", "material": "Ni", "group_type": "site", "group": "*",
             "limit": "max_share", "share": 0.7},
        ],
        demand=[{"material": "Ni", "year": y, "demand_t": 300.0} for y in (2026, 2027, 2028)],
        supply_mix=[
            {"material": "Ni", "country": "CA", "share": 0.4},
            {"material": "Ni", "country": "CN", "share": 0.6},
        ],
        disruptions=[
            {"disruption": "embargo", "probability": 0.1, "start_year": 2027,
             "duration_years": 2, "demand_multiplier": 1.2, "description": "Export ban"},
        ],
        disruption_impacts=[
            {"disruption": "embargo", "material": "*", "group_type": "country",
             "group": "CN", "availability": 0.0},
            {"disruption": "embargo", "material": "Ni", "group_type": "source_type",
             "group": "market", "availability": 0.5},
        ],
    )  # fmt: skip


def same(a: Inputs, b: Inputs) -> bool:
    """Equal inputs, ignoring where each record came from (row numbers)."""
    return _plain(a) == _plain(b)


def _plain(inputs: Inputs) -> dict[str, Any]:
    out: dict[str, Any] = {"settings": inputs.settings.model_dump(exclude={"rows"})}
    for sheet in SHEETS:
        if not sheet.settings:
            out[sheet.name] = [r.model_dump(exclude={"row"}) for r in inputs.table(sheet.name)]
    return out


def header(ws: Any) -> tuple[Any, ...]:
    return tuple(c.value for c in ws[1])


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    write_workbook(path)
    return path


# --- Layout -------------------------------------------------------------------------


def test_schema_matches_the_published_contract() -> None:
    assert [s.name for s in SHEETS] == list(CONTRACT)
    for sheet in SHEETS:
        required, headers = CONTRACT[sheet.name]
        assert sheet.required is required, sheet.name
        assert sheet.headers == headers, sheet.name
    assert tuple(c.name for c in schema.SETTINGS.columns) == CONTRACT_SETTINGS
    for (sheet_name, col), choices in CONTRACT_ENUMS.items():
        assert schema.SHEETS_BY_NAME[sheet_name].column(col).choices == choices


def test_template_has_readme_first_then_the_schema_sheets(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    # The optional Scenarios sheet (what-if overrides, not model input) comes last.
    assert visible == ["README", *CONTRACT, "Scenarios"]
    assert wb.sheetnames[0] == "README"
    assert set(wb.sheetnames) - set(CONTRACT) <= {*INFO_SHEETS, "Scenarios"}
    for name, (_, headers) in CONTRACT.items():
        assert header(wb[name]) == headers, name
        assert wb[name].freeze_panes == "A2"


def test_readme_lists_every_sheet(template: Path) -> None:
    ws = openpyxl.load_workbook(template)["README"]
    column_a = [c.value for c in ws["A"]]
    for sheet in SHEETS:
        assert sheet.name in column_a
    text = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "Colour key" in text and "USD" in text and "tonnes" in text


def test_settings_prefilled_with_names_and_defaults(template: Path) -> None:
    ws = openpyxl.load_workbook(template)["Settings"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows == [
        ("start_year", None),
        ("end_year", None),
        ("discount_rate", 0),
        ("currency", "USD"),
        ("recovery_years", 2),
        ("risk_weight", 0),
        ("cvar_level", 0.9),
    ]


def test_data_sheets_are_empty_tables(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    names = []
    for sheet in SHEETS:
        ws = wb[sheet.name]
        assert len(ws.tables) == 1, sheet.name
        (table,) = ws.tables.values()
        names.append(table.displayName.lower())
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", table.displayName)
        last = get_column_letter(len(sheet.headers))
        expected_rows = 1 + len(sheet.columns) if sheet.settings else 2
        assert table.ref == f"A1:{last}{expected_rows}", sheet.name
        if not sheet.settings:
            assert ws.max_row <= 2 and all(c.value is None for c in ws[2])
    defined = {n.lower() for n in wb.defined_names}
    # Excel shares one namespace between tables and defined names (case-insensitive).
    assert len(set(names)) == len(names) and not set(names) & defined


def test_header_comments_carry_the_data_dictionary(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    for sheet in SHEETS:
        if sheet.settings:
            cells = [(wb[sheet.name].cell(r, 1), c) for r, c in enumerate(sheet.columns, 2)]
        else:
            cells = list(zip(wb[sheet.name][1], sheet.columns, strict=True))
        for cell, col in cells:
            assert cell.comment is not None, (sheet.name, col.name)
            text = cell.comment.text
            assert col.description in text
            assert f"Unit: {col.unit}" in text if col.unit else "Unit:" not in text
            assert ("Required" in text) is col.required
            for choice in col.choices:
                assert choice in text
            if col.range_text:
                assert col.range_text in text


def test_required_and_optional_headers_look_different(template: Path) -> None:
    ws = openpyxl.load_workbook(template)["Materials"]
    fills = {schema.MATERIALS.column(c.value).required: c.fill.fgColor.rgb for c in ws[1]}
    assert len(set(fills.values())) == 2


# --- Dropdowns ----------------------------------------------------------------------


def _validations(ws: Any) -> dict[str, Any]:
    """Data validations of a sheet by the column letter they start in."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out[get_column_letter(rng.min_col)] = (dv, rng)
    return out


def _defined(wb: Any) -> dict[str, str]:
    return {name: dn.attr_text.replace("'", "") for name, dn in wb.defined_names.items()}


def assert_dropdowns(wb: Any, last_row: int = LAST_ROW) -> None:
    defined = _defined(wb)
    for sheet in SHEETS:
        if sheet.settings:
            continue
        found = _validations(wb[sheet.name])
        for j, col in enumerate(sheet.columns, start=1):
            letter = get_column_letter(j)
            if col.kind not in ("enum", "ref"):
                continue
            assert letter in found, (sheet.name, col.name)
            dv, rng = found[letter]
            assert dv.type == "list"
            assert (rng.min_row, rng.max_row) == (2, last_row), (sheet.name, col.name)
            formula = dv.formula1.lstrip("=")
            if col.kind == "enum":
                assert formula == '"' + ",".join(col.choices) + '"'
            else:
                assert col.ref is not None
                name = ids_or_star_name(col.ref) if col.star else ids_name(col.ref)
                assert formula == name and name in defined, (sheet.name, col.name)
    for ref_sheet in ("Materials", "Countries", "Sources", "Sites", "Disruptions"):
        assert defined[ids_name(ref_sheet)] == f"{ref_sheet}!$A$2:$A${last_row}"
    lists_ref = defined[ids_or_star_name("Materials")]
    lists_sheet, cells = lists_ref.split("!")
    assert lists_sheet in INFO_SHEETS
    first = cells.split(":")[0].replace("$", "")
    assert wb[lists_sheet][first].value == "*"


def test_validation_texts_within_excel_limits(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            assert len(dv.errorTitle or "") <= 32 and len(dv.error or "") <= 255, dv.errorTitle
            assert len(dv.formula1 or "") <= 255


def test_dropdowns_and_defined_names(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    assert_dropdowns(wb)
    assert wb["Lists"].sheet_state == "hidden"


def test_star_list_follows_the_material_ids(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    lists_sheet, cells = _defined(wb)[ids_or_star_name("Materials")].split("!")
    start, end = (c.replace("$", "") for c in cells.split(":"))
    column = wb[lists_sheet][f"{start}:{end}"]
    assert column[1][0].value == '=IF(Materials!$A2="","",Materials!$A2)'
    assert column[-1][0].value == f'=IF(Materials!$A{LAST_ROW}="","",Materials!$A{LAST_ROW})'


def test_numeric_columns_have_range_checks_and_formats(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    found = _validations(wb["Rules"])
    dv, _ = found["F"]  # share
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", "between", "0", "1")
    dv, _ = _validations(wb["Sources"])["H"]  # cost_escalation_per_yr > -1
    assert (dv.operator, dv.formula1) == ("greaterThan", "-1")
    assert wb["Targets"].column_dimensions["B"].number_format == "0"


def test_cvar_level_excludes_1_in_the_check_and_the_note(template: Path) -> None:
    """Excel's "between" includes both ends, so [0, 1) is a formula on the cell."""
    ws = openpyxl.load_workbook(template)["Settings"]
    row = 2 + [c.name for c in schema.SETTINGS.columns].index("cvar_level")
    assert ws.cell(row, 1).value == "cvar_level"
    dv, _ = _settings_validation(ws, row)
    assert (dv.type, dv.formula1) == ("custom", f"AND(ISNUMBER(B{row}),B{row}>=0,B{row}<1)")
    assert dv.error == "cvar_level must be >= 0 and < 1."
    assert "Allowed: >= 0 and < 1." in ws.cell(row, 1).comment.text
    risk = _settings_validation(ws, row - 1)[0]  # risk_weight: 1 allowed
    assert (risk.type, risk.operator, risk.formula1, risk.formula2) == (
        "decimal",
        "between",
        "0",
        "1",
    )
    assert risk.error == "risk_weight must be in [0, 1]."


def _settings_validation(ws: Any, row: int) -> tuple[Any, Any]:
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            if (rng.min_row, rng.min_col) == (row, 2):
                return dv, rng
    raise AssertionError(f"no validation on B{row}")


def test_template_reads_back_with_the_futures_defaults(template: Path, tmp_path: Path) -> None:
    """A planner fills in the horizon and nothing else: the prefilled settings read as
    the dictionary's defaults."""
    wb = openpyxl.load_workbook(template)
    wb["Settings"]["B2"], wb["Settings"]["B3"] = 2026, 2030
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    inputs, _ = read_workbook(path)  # empty required sheets: warnings only
    s = inputs.settings
    assert (s.recovery_years, s.risk_weight, s.cvar_level) == (2, 0.0, 0.9)
    assert (s.discount_rate, s.currency) == (0.0, "USD")


# --- Filled workbooks ---------------------------------------------------------------


def test_filled_workbook_grows_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "case.xlsx"
    inputs = small_inputs()
    write_workbook(path, inputs)
    wb = openpyxl.load_workbook(path)
    for sheet in SHEETS:
        if sheet.settings:
            continue
        n = len(inputs.table(sheet.name))
        (table,) = wb[sheet.name].tables.values()
        assert table.ref.endswith(str(max(n, 1) + 1)), sheet.name
    assert wb["Materials"]["E2"].value == 0.5
    assert wb["Settings"]["B2"].value == 2026


def test_long_tables_extend_the_dropdowns(tmp_path: Path) -> None:
    base = small_inputs()
    inputs = Inputs.build(
        base.settings,
        **{s.attr: base.table(s.name) for s in SHEETS if not s.settings and s.attr != "materials"},
        materials=[{"material": f"m{i}"} for i in range(LAST_ROW + 5)],
    )
    path = tmp_path / "long.xlsx"
    write_workbook(path, inputs)
    assert_dropdowns(openpyxl.load_workbook(path), last_row=LAST_ROW + 6)


def test_filled_small_case_reads_back_clean(tmp_path: Path) -> None:
    path = tmp_path / "case.xlsx"
    inputs = small_inputs()
    write_workbook(path, inputs)
    got, problems = read_workbook(path)
    assert problems == []
    assert same(got, inputs)


def test_formula_like_text_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "case.xlsx"
    evil = '=HYPERLINK("http://example.com","click")'
    write_workbook(
        path,
        small_inputs(description=evil),
        references=[{"figure": "=1+1", "source": "#N/A", "value": 3.5}],
    )
    wb = openpyxl.load_workbook(path)
    cell = wb["Materials"]["B2"]
    assert (cell.value, cell.data_type) == (evil, "s")
    assert (wb["References"]["A2"].value, wb["References"]["A2"].data_type) == ("=1+1", "s")
    assert (wb["References"]["B2"].value, wb["References"]["B2"].data_type) == ("#N/A", "s")
    assert wb["References"]["C2"].value == 3.5
    raw = openpyxl.load_workbook(path, data_only=False)
    assert raw["Materials"]["B2"].data_type == "s"
    got, _ = read_workbook(path)
    assert got.materials[0].description == evil


def test_floats_keep_every_digit(tmp_path: Path) -> None:
    # openpyxl alone writes "%.16g": 0.1 + 0.2 would come back as 0.3.
    x = 0.1 + 0.2
    base = small_inputs()
    inputs = Inputs.build(
        base.settings,
        **{s.attr: base.table(s.name) for s in SHEETS if not s.settings and s.attr != "routes"},
        routes=[r.model_copy(update={"cost_usd_per_t": x}) for r in base.routes],
    )
    path = tmp_path / "digits.xlsx"
    write_workbook(path, inputs)
    assert openpyxl.load_workbook(path)["Routes"]["C2"].value == x


def test_references_sheet(tmp_path: Path) -> None:
    path = tmp_path / "refs.xlsx"
    refs = [
        {"sheet": "Sources", "figure": "cost", "url": "https://example.org/a"},
        {"sheet": "Sites", "figure": "capacity", "note": "estimate"},
    ]
    write_workbook(path, small_inputs(), references=refs)
    ws = openpyxl.load_workbook(path)["References"]
    assert header(ws) == ("sheet", "figure", "url", "note")
    assert [c.value for c in ws[3]] == ["Sites", "capacity", None, "estimate"]
    assert "References" in INFO_SHEETS and len(ws.tables) == 1


# --- Writing safely -----------------------------------------------------------------


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        write_workbook(path)
    assert path.read_bytes() == b"precious"
    write_workbook(path, force=True)
    assert openpyxl.load_workbook(path).sheetnames[0] == "README"
    assert os.listdir(tmp_path) == ["book.xlsx"]  # no temporary file left behind


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    base = small_inputs()
    bad = Inputs.build(
        base.settings,
        **{s.attr: base.table(s.name) for s in SHEETS if not s.settings and s.attr != "budget"},
        budget=[{"year": 2026, "budget_usd": float("inf")}],
    )
    path = tmp_path / "book.xlsx"
    with pytest.raises(ValueError, match="inf"):
        write_workbook(path, bad)
    assert os.listdir(tmp_path) == []


def test_only_xlsx(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="xlsx"):
        write_workbook(tmp_path / "book.xls")


# --- Round trip ---------------------------------------------------------------------

# Text as planners type it: no control characters, no surrounding spaces, never "*".
_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")),
    max_size=12,
).filter(lambda s: s == s.strip() and s != "*")
_ID = st.text("abcXYZ019_-=. ", min_size=1, max_size=6).filter(
    lambda s: s == s.strip() and s != "*"
)


def _value(col: Column, draw: Any, years: list[int]) -> Any:
    if col.kind == "text":
        # A blank optional text reads back as its default, so a non-empty default
        # needs a non-empty value to survive the trip.
        return draw(_TEXT.filter(bool) if col.default else _TEXT)
    if col.kind == "enum":
        return draw(st.sampled_from(col.choices))
    if col.kind == "year":
        return draw(st.sampled_from(years))
    if col.kind == "int":
        low = int(col.low or 0)
        return draw(st.integers(low, low + 20))
    assert col.kind == "number", col
    low = -1e9 if col.low is None else col.low
    high = 1e12 if col.high is None else col.high
    if col.name == "cost_escalation_per_yr":
        # a cost escalated to 1e20 (HiGHS's infinity) is refused (data/magnitudes.py):
        # the round trip is about valid workbooks
        high = min(high, 1.0)
    return draw(
        st.floats(
            low,
            high,
            exclude_min=col.low_open,
            exclude_max=col.high_open,
            allow_nan=False,
            allow_infinity=False,
        )
    )


def _record(sheet: Sheet, draw: Any, years: list[int], fixed: dict[str, Any]) -> dict[str, Any]:
    """A record: the ``fixed`` columns as given, the rest drawn (optional ones may be left
    out, so that the default applies)."""
    rec = {}
    for col in sheet.columns:
        if col.name in fixed:
            rec[col.name] = fixed[col.name]
        elif col.required or draw(st.booleans()):
            rec[col.name] = _value(col, draw, years)
    return rec


@st.composite
def inputs_st(draw: Any) -> Inputs:
    """Small, consistent, valid Inputs with arbitrary floats and text."""
    t0 = draw(st.integers(2000, 2060))
    years = list(range(t0, t0 + draw(st.integers(1, 4))))
    wide = [*range(t0 - 3, t0), *years, years[-1] + 1]  # first_year may be anything

    def ids(n_min: int = 1) -> list[str]:
        return draw(st.lists(_ID, min_size=n_min, max_size=3, unique=True))

    def records(sheet: Sheet, fixed: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [_record(sheet, draw, years, f) for f in fixed]

    settings_rec = {"start_year": t0, "end_year": years[-1]}
    for col in schema.SETTINGS.columns:
        if not col.required and draw(st.booleans()):
            settings_rec[col.name] = _value(col, draw, years)

    mats, ctrs, srcs, sites, disr = ids(), ids(), ids(), ids(), ids(0)
    site_first = {s: draw(st.sampled_from(wide)) for s in sites}
    site_first[sites[0]] = t0  # one site open from the start
    src_first = {s: draw(st.sampled_from(wide)) for s in srcs}
    entity = {"Countries": ctrs, "Sources": srcs, "Sites": sites}

    def group(group_type: str) -> str:
        target = GROUP_TARGET[group_type]
        options = list(entity[target]) if isinstance(target, str) else list(target)
        return draw(st.sampled_from([*options, "*"] if group_type == "site" else options))

    def subset(items: list[Any]) -> list[Any]:
        return [x for x in items if draw(st.booleans())]

    outputs = [
        (s, m) for s in srcs for m in draw(st.lists(st.sampled_from(mats), min_size=1, unique=True))
    ]
    mix_mats = subset(mats)
    mix = []
    for m in mix_mats:
        cs = draw(st.lists(st.sampled_from(ctrs), min_size=1, unique=True))
        weights = [draw(st.integers(1, 9)) for _ in cs]
        mix += [(m, c, w / sum(weights)) for c, w in zip(cs, weights, strict=True)]

    rule_ids = ids(0)
    rule_groups = []
    for _ in rule_ids:
        gt = draw(st.sampled_from(schema.GROUP_TYPES))
        limit = "max_share" if gt == "site" else draw(st.sampled_from(schema.RULE_LIMITS))
        rule_groups.append((gt, group(gt), limit))

    pairs = st.sampled_from([(s, x) for s in srcs for x in sites])
    S = schema
    tables = {
        "materials": records(S.MATERIALS, [{"material": m} for m in mats]),
        "countries": records(S.COUNTRIES, [{"country": c} for c in ctrs]),
        "sources": records(
            S.SOURCES,
            [
                {"source": s, "country": draw(st.sampled_from(ctrs)), "first_year": src_first[s]}
                for s in srcs
            ],
        ),
        "source_outputs": records(
            S.SOURCE_OUTPUTS, [{"source": s, "material": m} for s, m in outputs]
        ),
        "source_capacity": records(
            S.SOURCE_CAPACITY,
            subset([{"source": s, "year": t} for s in srcs for t in years if t >= src_first[s]]),
        ),
        "sites": records(S.SITES, [{"site": s, "first_year": site_first[s]} for s in sites]),
        "routes": records(
            S.ROUTES,
            [{"source": s, "site": x} for s, x in draw(st.lists(pairs, min_size=1, unique=True))],
        ),
        "initial_stock": records(
            S.INITIAL_STOCK,
            subset(
                [{"material": m, "site": x} for m in mats for x in sites if site_first[x] <= t0]
            ),
        ),
        "targets": records(
            S.TARGETS, subset([{"material": m, "year": t} for m in mats for t in years])
        ),
        "budget": records(S.BUDGET, subset([{"year": t} for t in years])),
        "rules": records(
            S.RULES,
            [
                {
                    "rule": r,
                    "material": draw(st.sampled_from([*mats, "*"])),
                    "group_type": gt,
                    "group": g,
                    "limit": lim,
                }
                for r, (gt, g, lim) in zip(rule_ids, rule_groups, strict=True)
            ],
        ),
        "demand": records(
            S.DEMAND, subset([{"material": m, "year": t} for m in mix_mats for t in years])
        ),
        "supply_mix": records(
            S.SUPPLY_MIX, [{"material": m, "country": c, "share": w} for m, c, w in mix]
        ),
        # At most one disruption happens: their probabilities sum to at most 1.
        "disruptions": records(
            S.DISRUPTIONS,
            [{"disruption": d, "probability": draw(st.floats(0, 1 / len(disr)))} for d in disr],
        ),
    }
    impacts = []
    for d in disr:
        for _ in range(draw(st.integers(0, 2))):
            gt = draw(st.sampled_from(schema.GROUP_TYPES))
            impacts.append(
                {"disruption": d, "material": draw(st.sampled_from([*mats, "*"])),
                 "group_type": gt, "group": group(gt)}
            )  # fmt: skip
    tables["disruption_impacts"] = records(S.DISRUPTION_IMPACTS, impacts)
    kinds = ids(0)
    tables["disruption_types"] = [
        _ordered(S.DISRUPTION_TYPES, rec)
        for rec in records(S.DISRUPTION_TYPES, [{"disruption_type": k} for k in kinds])
    ]
    kind_impacts = []
    for k in kinds:
        for _ in range(draw(st.integers(0, 2))):
            gt = draw(st.sampled_from(schema.GROUP_TYPES))
            kind_impacts.append(
                {"disruption_type": k, "material": draw(st.sampled_from([*mats, "*"])),
                 "group_type": gt, "group": group(gt)}
            )  # fmt: skip
    tables["disruption_type_impacts"] = [
        _ordered(S.DISRUPTION_TYPE_IMPACTS, rec)
        for rec in records(S.DISRUPTION_TYPE_IMPACTS, kind_impacts)
    ]
    return Inputs.build(settings_rec, **tables)


def _ordered(sheet: Sheet, rec: dict[str, Any]) -> dict[str, Any]:
    """A record whose ranges (``x_min...``, ``x_max...``) hold min <= max: both given
    when either is, swapped when drawn the other way round."""
    for col in sheet.columns:
        high = col.name.replace("_min", "_max", 1)
        if "_min" not in col.name or high not in sheet.headers:
            continue
        if col.name in rec or high in rec:
            default = sheet.column(high).default
            lo, hi = rec.get(col.name, default), rec.get(high, default)
            rec[col.name], rec[high] = min(lo, hi), max(lo, hi)
    return rec


def test_strategy_covers_every_sheet() -> None:
    seen: set[str] = set()

    @given(inputs_st())
    @settings(max_examples=60, deadline=None, database=None)
    def collect(inputs: Inputs) -> None:
        seen.update(s.name for s in SHEETS if not s.settings and inputs.table(s.name))

    collect()
    assert seen == {s.name for s in SHEETS if not s.settings}


@given(inputs=inputs_st())
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_round_trip(tmp_path: Path, inputs: Inputs) -> None:
    # numbers the LP could not hold (a cost times its escalation and price multiplier at
    # 1e20) are refused on reading (data/magnitudes.py): the trip is for valid workbooks
    assume(not [p for p in number_problems(inputs) if p.severity == "error"])
    path = tmp_path / "rt.xlsx"
    write_workbook(path, inputs, force=True)
    got, problems = read_workbook(path)
    assert [p for p in problems if p.severity == "error"] == []
    assert _plain(got) == _plain(inputs)


# --- LibreOffice --------------------------------------------------------------------


def _soffice(tmp: Path, fmt: str, outdir: Path, *files: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    outdir.mkdir(exist_ok=True)
    # A private profile so that parallel runs do not fight over the user installation.
    profile = (tmp / "lo-profile").as_uri()
    env = {**os.environ, "HOME": str(tmp)}
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_libreoffice_opens_template_and_filled_workbook(tmp_path: Path) -> None:
    template_path = tmp_path / "template.xlsx"
    filled_path = tmp_path / "filled.xlsx"
    write_workbook(template_path)
    write_workbook(filled_path, small_inputs(), references=[{"figure": "x", "url": "=1+1"}])

    pdf_dir = tmp_path / "pdf"
    _soffice(tmp_path, "pdf", pdf_dir, template_path, filled_path)
    for name in ("template.pdf", "filled.pdf"):
        pdf = pdf_dir / name
        assert pdf.exists() and pdf.stat().st_size > 1000, name
        assert pdf.read_bytes().startswith(b"%PDF")

    xlsx_dir = tmp_path / "xlsx"
    _soffice(tmp_path, "xlsx", xlsx_dir, template_path, filled_path)
    for name in ("template.xlsx", "filled.xlsx"):
        wb = openpyxl.load_workbook(xlsx_dir / name)
        for sheet in SHEETS:
            assert header(wb[sheet.name]) == sheet.headers
        assert_dropdowns(wb)
    # LibreOffice's own xlsx still reads back to the same inputs.
    got, problems = read_workbook(xlsx_dir / "filled.xlsx")
    assert problems == []
    assert same(got, small_inputs())
