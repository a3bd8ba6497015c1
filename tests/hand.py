"""Hand-solvable instances and helpers shared by the per-family tests
(tests/model/families/test_<family>.py) and the data-rule tests.

Every expected number below is derived by hand in the test's docstring, from
/work/shared/MODEL.md only: the optimum (and why it is the only one), the dual of the
binding row, and, where it is cheap, strong duality (the objective equals the sum of
dual * limit over the rows; every variable is >= 0 with no other bound, so bound terms
vanish).

Dual sign (src/stockpile/result.py RowValue): the change of the discounted objective
per unit increase of the row's right-hand side as MODEL.md writes it, constants moved to
that side. A requirement (target, disruption cover, min_share) has a dual >= 0, a limit
(capacity, budget, max_share, dispersion, coverage floor) a dual <= 0.

Index letters: m material, s source, l site, t year, d disruption, r rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from stockpile.data.inputs import Inputs
from stockpile.pipeline import optimize
from stockpile.result import SolveResult

T0 = 2026

COUNTRIES = [
    {"country": "US", "bloc": "domestic"},
    {"country": "CA", "bloc": "allied"},
    {"country": "AU", "bloc": "allied"},
    {"country": "CN", "bloc": "adversary"},
]


def approx(x: Any) -> Any:
    return pytest.approx(x, rel=1e-9, abs=1e-9)


def source(
    name: str, cost: float, cap: float, *, kind: str = "market", country: str = "US", **kw: Any
) -> dict[str, Any]:
    return {
        "source": name,
        "type": kind,
        "country": country,
        "cost_usd_per_unit": cost,
        "capacity_units_per_yr": cap,
        **kw,
    }


def site(name: str, hold: float = 0.0, cap_m3: float = 1e6, **kw: Any) -> dict[str, Any]:
    return {"site": name, "capacity_m3": cap_m3, "holding_cost_usd_per_t_yr": hold, **kw}


def build(
    *,
    end: int = T0,
    rate: float = 0.0,
    materials: Sequence[Any] = ("X",),
    sources: list[dict[str, Any]],
    outputs: list[tuple[str, str, float]] | None = None,
    sites: list[dict[str, Any]] | None = None,
    routes: list[tuple[str, str, float]] | None = None,
    **tables: Any,
) -> Inputs:
    """Inputs for years T0..end. Defaults: material X, the four COUNTRIES, each
    source yields 1 t of X per unit, one site L (holding 0, no volume limit), a free
    route from every source to every site."""
    mats = [{"material": m} if isinstance(m, str) else m for m in materials]
    sites = sites or [site("L")]
    if outputs is None:
        outputs = [(s["source"], "X", 1.0) for s in sources]
    if routes is None:
        routes = [(s["source"], l["site"], 0.0) for s in sources for l in sites]
    return Inputs.build(
        {"start_year": T0, "end_year": end, "discount_rate": rate},
        materials=mats,
        countries=COUNTRIES,
        sources=sources,
        source_outputs=[{"source": s, "material": m, "yield_t_per_unit": y} for s, m, y in outputs],
        sites=sites,
        routes=[{"source": s, "site": l, "cost_usd_per_t": c} for s, l, c in routes],
        **tables,
    )


def targets(*rows: tuple[str, int, float]) -> list[dict[str, Any]]:
    return [{"material": m, "year": t, "min_stock_t": v} for m, t, v in rows]


def solve(inputs: Inputs) -> SolveResult:
    result = optimize(inputs)
    assert result.status == "optimal", result.message
    return result


def dual(result: SolveResult, family: str, *index: Any) -> float:
    value = result.rows[family][tuple(index)].dual
    assert value is not None
    return value


def dual_objective(result: SolveResult) -> float:
    """sum over rows of dual * the limit it presses on (lower for a dual > 0, upper for a
    dual < 0; an equality row has lower == upper). A dual of the wrong sign for its row
    has no such limit and fails here."""
    total = 0.0
    for family, rows in result.rows.items():
        for index, row in rows.items():
            y = row.dual
            assert y is not None, (family, index)
            if abs(y) <= 1e-9:
                continue
            limit = row.lower if y > 0 else row.upper
            assert limit is not None, f"{family}{index}: dual {y} has the wrong sign"
            total += y * limit
    return total


def assert_parts(result: SolveResult, **expected: float) -> None:
    parts = {
        "purchase_usd": 0.0,
        "transport_usd": 0.0,
        "holding_usd": 0.0,
        "investment_usd": 0.0,
        "resale_usd": 0.0,
        "shortfall_penalty_usd": 0.0,
    }
    parts.update(expected)
    assert result.parts == approx(parts)
    p = result.parts
    assert result.objective_usd == approx(
        p["purchase_usd"]
        + p["transport_usd"]
        + p["holding_usd"]
        + p["investment_usd"]
        - p["resale_usd"]
        + p["shortfall_penalty_usd"]
    )


def hand_case(rate: float = 0.0) -> Inputs:
    """MODEL.md "Hand-solvable check"."""
    return build(
        end=2027,
        rate=rate,
        sources=[source("A", 10, 60), source("B", 12, 100)],
        sites=[site("L", hold=0.5)],
        targets=targets(("X", 2027, 150)),
    )


def disruption_case(penalty: float, min_coverage: float = 0.0) -> Inputs:
    """Years 2026-2027; an export ban on CN (availability 0) in 2027.

    Demand X 2027 100 t; normal supply 60 % CN, 40 % US -> need 100 * (1 - 0.4) = 60.
    A (market, CN) 10 USD/t: its 2027 output does not survive. B (domestic_mine, US)
    30 USD/t: survives. Holding 1. Probability 0.5.
    Cover: Stock[X,L,2026] + Buy[B,2027] + Unmet >= 60 (A's coefficient is 0).
    Cost per tonne of cover: A bought in 2026 and held 2026 and 2027: 12;
    B in 2027: 31; B in 2026: 32; Unmet: 0.5 * penalty.
    """
    return build(
        end=2027,
        materials=[
            {
                "material": "X",
                "shortfall_penalty_usd_per_t": penalty,
                "min_coverage": min_coverage,
            }
        ],
        sources=[source("A", 10, 1000, country="CN"), source("B", 30, 1000, kind="domestic_mine")],
        sites=[site("L", hold=1)],
        demand=[{"material": "X", "year": 2027, "demand_t": 100}],
        supply_mix=[
            {"material": "X", "country": "CN", "share": 0.6},
            {"material": "X", "country": "US", "share": 0.4},
        ],
        disruptions=[
            {"disruption": "D1", "probability": 0.5, "start_year": 2027, "duration_years": 1}
        ],
        disruption_impacts=[
            {
                "disruption": "D1",
                "material": "X",
                "group_type": "country",
                "group": "CN",
                "availability": 0.0,
            }
        ],
    )
