"""Instances and workbook readers shared by the report tests.

``hand_inputs()`` is MODEL.md's hand check A; ``hand_result()`` its known optimum
written out by hand (so unit tests need no solver). ``check_b_inputs()`` /
``check_b_result()`` and ``check_c_inputs()`` / ``check_c_result()`` are MODEL.md's hand
checks B (one disruption) and C's variant (investment in the disruption's future), their
optima written out from MODEL.md. ``reconcile_inputs()`` is a small instance with
discounting, escalation, a co-product source with resale, a late site, a sourcing rule,
an expandable source, a disruption whose need is partly unmet at a penalty and a
stress test of probability 0.
``table_frame(wb, name)`` reads an Excel table of a written report back as a DataFrame.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from openpyxl.workbook.workbook import Workbook

from stockpile.data.inputs import Inputs
from stockpile.result import FutureOutcome, RowValue, SolveResult
from strategies import check_b_raw, check_c_raw


def hand_inputs(
    material: str = "X", source_a: str = "A", site: str = "S1", **tables: Any
) -> Inputs:
    """One material, 2026-2027, A 10 USD cap 60, B 12 USD cap 100, target 150 in 2027
    (``tables``: more sheets, e.g. ``budget=[...]``)."""
    return Inputs.build(
        {"start_year": 2026, "end_year": 2027},
        materials=[{"material": material}],
        countries=[{"country": "US", "bloc": "domestic"}],
        sources=[
            {
                "source": source_a,
                "type": "domestic_mine",
                "country": "US",
                "cost_usd_per_unit": 10,
                "capacity_units_per_yr": 60,
            },
            {
                "source": "B",
                "type": "market",
                "country": "US",
                "cost_usd_per_unit": 12,
                "capacity_units_per_yr": 100,
            },
        ],
        source_outputs=[
            {"source": source_a, "material": material, "yield_t_per_unit": 1},
            {"source": "B", "material": material, "yield_t_per_unit": 1},
        ],
        sites=[{"site": site, "capacity_m3": 1e9, "holding_cost_usd_per_t_yr": 0.5}],
        routes=[{"source": source_a, "site": site}, {"source": "B", "site": site}],
        targets=[{"material": material, "year": 2027, "min_stock_t": 150}],
        **tables,
    )


def hand_result(material: str = "X", source_a: str = "A", site: str = "S1") -> SolveResult:
    """The unique optimum of ``hand_inputs`` (MODEL.md): 1665 USD, target dual 12.5."""
    m, a, l = material, source_a, site
    return SolveResult(
        status="optimal",
        message="Optimal plan found.",
        objective_usd=1665.0,
        expected_cost_usd=1665.0,
        parts={
            "purchase_usd": 1560.0,
            "transport_usd": 0.0,
            "holding_usd": 105.0,
            "investment_usd": 0.0,
            "resale_usd": 0.0,
            "shortfall_penalty_usd": 0.0,
        },
        futures=[FutureOutcome("base", 1.0, 1665.0)],
        values={
            "Buy": {(a, 2026): 60.0, (a, 2027): 60.0, ("B", 2026): -0.0, ("B", 2027): 30.0},
            "Ship": {
                (a, m, l, 2026): 60.0,
                (a, m, l, 2027): 60.0,
                ("B", m, l, 2026): 0.0,
                ("B", m, l, 2027): 30.0,
            },
            "Surplus": {},
            "Stock": {(m, l, 2026): 60.0, (m, l, 2027): 150.0},
            "Unmet": {},
        },
        rows={
            "output_split": {
                (a, m, 2026): RowValue(0.0, 0.0, 0.0, 11.5),
                (a, m, 2027): RowValue(0.0, 0.0, 0.0, 12.0),
                ("B", m, 2026): RowValue(0.0, 0.0, 0.0, 12.0),
                ("B", m, 2027): RowValue(0.0, 0.0, 0.0, 12.0),
            },
            "source_capacity": {
                (a, 2026): RowValue(60.0, None, 60.0, -1.5),
                (a, 2027): RowValue(60.0, None, 60.0, -2.0),
                ("B", 2026): RowValue(0.0, None, 100.0, -0.0),
                ("B", 2027): RowValue(30.0, None, 100.0, 0.0),
            },
            "stock_balance": {
                (m, l, 2026): RowValue(0.0, 0.0, 0.0, -11.5),
                (m, l, 2027): RowValue(0.0, 0.0, 0.0, -12.0),
            },
            "stock_target": {(m, 2027): RowValue(150.0, 150.0, None, 12.5)},
        },
        timings={"build": 0.01, "solve": 0.002},
        solver={"name": "HiGHS", "version": "1.16.0", "options": {"solver": "choose"}},
        counts={"variables": 10, "constraints": 11},
    )


def check_b_inputs(**changes: Any) -> Inputs:
    """MODEL.md hand check B: X needed 100 t in 2027 if `ban` (probability 0.5) stops
    source B (CN, 5 USD/t); source A (US) 14 USD/t; holding 1 USD/t-yr at H."""
    settings, tables = check_b_raw()
    for sheet, rows in changes.items():
        tables[sheet] = rows
    return Inputs.build(settings, **tables)


def check_b_result() -> SolveResult:
    """Check B's optimum as MODEL.md states it: 650 USD (purchase 500, holding 150); B
    buys 100 in 2026, the plan holds 100 t at the end of 2026 and 2027; in `ban` the
    100 t are released in 2027 and nothing is bought; K[base] 700, K[ban] 600; the dual
    of disruption_cover[ban, X, 2027] is 6.5 USD/t (13 USD/t if the ban happens)."""
    return SolveResult(
        status="optimal",
        message="Optimal plan found.",
        objective_usd=650.0,
        expected_cost_usd=650.0,
        parts={
            "purchase_usd": 500.0,
            "transport_usd": 0.0,
            "holding_usd": 150.0,
            "investment_usd": 0.0,
            "resale_usd": 0.0,
            "shortfall_penalty_usd": 0.0,
        },
        futures=[FutureOutcome("base", 0.5, 700.0), FutureOutcome("ban", 0.5, 600.0)],
        values={
            "Buy": {("A", 2026): 0.0, ("A", 2027): 0.0, ("B", 2026): 100.0, ("B", 2027): 0.0},
            "Ship": {("A", "X", "H", 2026): 0.0, ("B", "X", "H", 2026): 100.0},
            "Surplus": {},
            "Stock": {("X", "H", 2026): 100.0, ("X", "H", 2027): 100.0},
            "Expand": {},
            "BuyF": {("ban", "A", 2027): 0.0, ("ban", "B", 2027): 0.0},
            "ShipF": {("ban", "A", "X", "H", 2027): 0.0},
            "SurplusF": {},
            "StockF": {("ban", "X", "H", 2027): 0.0},
            "ExpandF": {},
            "Release": {("ban", "X", "H", 2027): 100.0},
            "Unmet": {("ban", "X", 2027): 0.0},
        },
        rows={
            "disruption_cover": {("ban", "X", 2027): RowValue(100.0, 100.0, 100.0, 6.5)},
            "stock_balance": {("X", "H", 2026): RowValue(0.0, 0.0, 0.0, -5.0)},
        },
    )


def check_c_inputs() -> Inputs:
    """MODEL.md hand check C's variant: A produces nothing unless expanded (1 USD per
    unit of yearly capacity, lead 0, at most 200); B costs 8 USD/t."""
    settings, tables = check_c_raw(variant=True)
    return Inputs.build(settings, **tables)


def check_c_result() -> SolveResult:
    """Check C's variant as MODEL.md states it: 750 USD (investment 50, purchase 700); in
    `ban` 100 units of A capacity are added in 2027 and 100 t bought from A, shipped to
    H and released; nothing in the plan. K[base] = 0, K[ban] = 100 x 1 + 100 x 14."""
    return SolveResult(
        status="optimal",
        message="Optimal plan found.",
        objective_usd=750.0,
        expected_cost_usd=750.0,
        parts={
            "purchase_usd": 700.0,
            "transport_usd": 0.0,
            "holding_usd": 0.0,
            "investment_usd": 50.0,
            "resale_usd": 0.0,
            "shortfall_penalty_usd": 0.0,
        },
        futures=[FutureOutcome("base", 0.5, 0.0), FutureOutcome("ban", 0.5, 1500.0)],
        values={
            "Buy": {},
            "Ship": {},
            "Surplus": {},
            "Stock": {},
            "Expand": {("A", 2026): 0.0, ("A", 2027): 0.0},
            "BuyF": {("ban", "A", 2027): 100.0},
            "ShipF": {("ban", "A", "X", "H", 2027): 100.0},
            "SurplusF": {},
            "StockF": {("ban", "X", "H", 2027): 0.0},
            "ExpandF": {("ban", "A", 2027): 100.0},
            "Release": {("ban", "X", "H", 2027): 100.0},
            "Unmet": {("ban", "X", 2027): 0.0},
        },
        rows={"disruption_cover": {("ban", "X", 2027): RowValue(100.0, 100.0, 100.0, 7.5)}},
    )


def reconcile_inputs(**tables: Any) -> Inputs:
    """Small but complete: every objective part nonzero, unmet need at a penalty.

    Keyword arguments replace whole tables (``rules=[...]``, ``materials=[...]``).
    """
    return Inputs.build(
        {"start_year": 2026, "end_year": 2029, "discount_rate": 0.05},
        **{**RECONCILE_TABLES, **tables},
    )


RECONCILE_TABLES: dict[str, list[dict[str, Any]]] = dict(
    materials=[
        {"material": "Ni", "volume_m3_per_t": 0.2},
        {
            "material": "Co",
            "volume_m3_per_t": 0.3,
            "shortfall_penalty_usd_per_t": 5,
            "min_coverage": 0.1,
        },
        {"material": "Mn", "volume_m3_per_t": 0.5, "resale_usd_per_t": 2},
    ],
    countries=[
        {"country": "US", "bloc": "domestic"},
        {"country": "CA", "bloc": "allied"},
        {"country": "CN", "bloc": "adversary"},
    ],
    sources=[
        {
            "source": "nod",
            "type": "seabed",
            "country": "US",
            "activity_unit": "t wet nodules",
            "cost_usd_per_unit": 3,
            "capacity_units_per_yr": 100,
            "cost_escalation_per_yr": 0.02,
        },
        {
            "source": "mine_ni",
            "type": "allied_mine",
            "country": "CA",
            "cost_usd_per_unit": 8,
            "capacity_units_per_yr": 50,
            "cost_escalation_per_yr": 0.03,
        },
        {
            "source": "mkt_co",
            "type": "market",
            "country": "CN",
            "cost_usd_per_unit": 20,
            "capacity_units_per_yr": 30,
        },
        {
            "source": "rec_co",
            "type": "recycling",
            "country": "US",
            "cost_usd_per_unit": 30,
            "capacity_units_per_yr": 10,
            "first_year": 2027,
        },
        {
            # cheap Ni, but only from capacity built first (produces a year later)
            "source": "new_ni",
            "type": "domestic_mine",
            "country": "US",
            "cost_usd_per_unit": 1,
            "capacity_units_per_yr": 0,
            "expansion_cost_usd_per_unit": 0.5,
            "expansion_lead_years": 1,
            "max_expansion_units": 40,
        },
    ],
    source_outputs=[
        {"source": "nod", "material": "Ni", "yield_t_per_unit": 1.0},
        {"source": "nod", "material": "Co", "yield_t_per_unit": 0.1},
        {"source": "nod", "material": "Mn", "yield_t_per_unit": 0.3},
        {"source": "mine_ni", "material": "Ni", "yield_t_per_unit": 1.0},
        {"source": "mkt_co", "material": "Co", "yield_t_per_unit": 1.0},
        {"source": "rec_co", "material": "Co", "yield_t_per_unit": 1.0},
        {"source": "new_ni", "material": "Ni", "yield_t_per_unit": 1.0},
    ],
    sites=[
        {"site": "S1", "capacity_m3": 1e6, "holding_cost_usd_per_t_yr": 0.2},
        {
            "site": "S2",
            "capacity_m3": 1e6,
            "holding_cost_usd_per_t_yr": 0.1,
            "first_year": 2027,
        },
    ],
    routes=[
        {"source": "nod", "site": "S1", "cost_usd_per_t": 0.5},
        {"source": "mine_ni", "site": "S1", "cost_usd_per_t": 1.0},
        {"source": "mine_ni", "site": "S2", "cost_usd_per_t": 0.7},
        {"source": "mkt_co", "site": "S1", "cost_usd_per_t": 1.0},
        {"source": "mkt_co", "site": "S2", "cost_usd_per_t": 1.5},
        {"source": "rec_co", "site": "S2", "cost_usd_per_t": 0.3},
        {"source": "new_ni", "site": "S2", "cost_usd_per_t": 0.4},
    ],
    targets=[
        {"material": "Ni", "year": 2029, "min_stock_t": 180},
        {"material": "Co", "year": 2027, "min_stock_t": 5},
        {"material": "Co", "year": 2029, "min_stock_t": 20},
    ],
    rules=[
        {
            "rule": "adv50",
            "material": "Co",
            "group_type": "bloc",
            "group": "adversary",
            "limit": "max_share",
            "share": 0.5,
        }
    ],
    demand=[
        {"material": "Co", "year": 2028, "demand_t": 60},
        {"material": "Co", "year": 2029, "demand_t": 60},
    ],
    supply_mix=[{"material": "Co", "country": "CN", "share": 1.0}],
    disruptions=[
        {
            "disruption": "cn_ban",
            "probability": 0.5,
            "start_year": 2028,
            "duration_years": 2,
            "price_multiplier": 1.5,
        },
        {
            # a stress test: weighs nothing, but its coverage floor holds
            "disruption": "late_surge",
            "probability": 0.0,
            "start_year": 2029,
            "duration_years": 1,
            "demand_multiplier": 1.2,
        },
    ],
    disruption_impacts=[
        {
            "disruption": "cn_ban",
            "material": "*",
            "group_type": "bloc",
            "group": "adversary",
            "availability": 0.0,
        }
    ],
)


def table_frame(wb: Workbook, name: str) -> pd.DataFrame:
    """The Excel table ``name`` of a loaded workbook as a DataFrame (header = columns)."""
    for ws in wb.worksheets:
        if name in ws.tables:
            cells = ws[ws.tables[name].ref]
            header = [c.value for c in cells[0]]
            return pd.DataFrame([[c.value for c in row] for row in cells[1:]], columns=header)
    raise KeyError(f"no table {name!r}; tables: {all_tables(wb)}")


def all_tables(wb: Workbook) -> dict[str, str]:
    """Table name -> sheet name, for every table of the workbook."""
    return {name: ws.title for ws in wb.worksheets for name in ws.tables}


#: number format -> below what a value prints as zero (the amounts: quantities and money)
_PRINTS_ZERO = {"#,##0": 0.5, "#,##0.0": 0.05}


def printed_zero_rows(wb: Workbook, sheet: str) -> list[int]:
    """The Excel rows of the sheet's table whose amounts (cells formatted as tonnes or
    units #,##0.0 or as money #,##0) all print as zero or blank: a printed row of zeros.
    Years, prices and shares do not count as amounts."""
    ws = wb[sheet]
    (name,) = ws.tables.keys()
    cells = ws[ws.tables[name].ref]
    zero_rows = []
    for row in cells[1:]:
        amounts = [c for c in row if c.number_format in _PRINTS_ZERO]
        numbers = [c for c in amounts if isinstance(c.value, int | float)]
        if not numbers and not any(isinstance(c.value, str) for c in row[1:]):
            continue  # the "(none)" line of an empty table
        if all(abs(c.value) < _PRINTS_ZERO[c.number_format] for c in numbers):
            zero_rows.append(row[0].row)
    return zero_rows


def summary_texts(wb: Workbook) -> list[str]:
    """Every text of the Summary sheet's first column, top to bottom."""
    return [c.value for c in wb["Summary"]["A"] if isinstance(c.value, str)]
