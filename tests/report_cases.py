"""Instances and workbook readers shared by the report tests.

``hand_inputs()`` is MODEL.md's hand-solvable case; ``hand_result()`` its known optimum
written out by hand (so unit tests need no solver). ``reconcile_inputs()`` is a small
instance with discounting, escalation, a co-product source with resale, a late site,
a sourcing rule and a disruption whose need is partly unmet at a penalty.
``table_frame(wb, name)`` reads an Excel table of a written report back as a DataFrame.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from openpyxl.workbook.workbook import Workbook

from stockpile.data.inputs import Inputs
from stockpile.result import RowValue, SolveResult


def hand_inputs(material: str = "X", source_a: str = "A", site: str = "S1") -> Inputs:
    """One material, 2026-2027, A 10 USD cap 60, B 12 USD cap 100, target 150 in 2027."""
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
    )


def hand_result(material: str = "X", source_a: str = "A", site: str = "S1") -> SolveResult:
    """The unique optimum of ``hand_inputs`` (MODEL.md): 1665 USD, target dual 12.5."""
    m, a, l = material, source_a, site
    return SolveResult(
        status="optimal",
        message="Optimal plan found.",
        objective_usd=1665.0,
        parts={
            "purchase_usd": 1560.0,
            "transport_usd": 0.0,
            "holding_usd": 105.0,
            "resale_usd": 0.0,
            "shortfall_penalty_usd": 0.0,
        },
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
    ],
    source_outputs=[
        {"source": "nod", "material": "Ni", "yield_t_per_unit": 1.0},
        {"source": "nod", "material": "Co", "yield_t_per_unit": 0.1},
        {"source": "nod", "material": "Mn", "yield_t_per_unit": 0.3},
        {"source": "mine_ni", "material": "Ni", "yield_t_per_unit": 1.0},
        {"source": "mkt_co", "material": "Co", "yield_t_per_unit": 1.0},
        {"source": "rec_co", "material": "Co", "yield_t_per_unit": 1.0},
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
        {"disruption": "cn_ban", "probability": 0.5, "start_year": 2028, "duration_years": 2}
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
