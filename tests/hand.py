"""Hand-solvable instances and helpers shared by the per-family tests
(tests/model/families/test_<family>.py) and the data-rule tests.

Every expected number below is derived by hand in the test's docstring, from
/work/shared/MODEL.md only: the optimum (and why it is the only one), the dual of the
binding row, and, where it is cheap, strong duality (the objective equals the sum of
dual * limit over the rows; every variable is >= 0 with no other bound, so bound terms
vanish).

Dual sign (src/stockpile/result.py RowValue): the change of the minimised objective
(expected discounted USD) per unit increase of the row's right-hand side as MODEL.md
writes it, constants moved to that side. A requirement (target, min_share, risk) has a
dual >= 0, a limit (capacity, budget, max_share, dispersion, coverage floor, expansion
limit) a dual <= 0; disruption_cover is an equality whose dual is usually >= 0.

Futures (MODEL.md version 2): the plan's decisions in year t weigh
w(t) = 1 - sum of prob[d] over the disruptions started by t; future d's own decisions
(from start_d on) weigh prob[d]. A future's rows and variables are keyed (d, *index).

Index letters: m material, s source, l site, t year, d disruption, r rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from stockpile.data.inputs import Inputs
from stockpile.data.validate import check_inputs
from stockpile.pipeline import optimize
from stockpile.result import FutureOutcome, SolveResult

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
    settings: dict[str, Any] | None = None,
    **tables: Any,
) -> Inputs:
    """Inputs for years T0..end. Defaults: material X, the four COUNTRIES, each
    source yields 1 t of X per unit, one site L (holding 0, no volume limit), a free
    route from every source to every site. ``settings``: further Settings values
    (recovery_years, risk_weight, cvar_level)."""
    mats = [{"material": m} if isinstance(m, str) else m for m in materials]
    sites = sites or [site("L")]
    if outputs is None:
        outputs = [(s["source"], "X", 1.0) for s in sources]
    if routes is None:
        routes = [(s["source"], l["site"], 0.0) for s in sources for l in sites]
    return Inputs.build(
        {"start_year": T0, "end_year": end, "discount_rate": rate, **(settings or {})},
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


def disruption(name: str, prob: float, start: int, duration: int = 1, **kw: Any) -> dict[str, Any]:
    """A Disruptions row (kw: demand_multiplier, price_multiplier)."""
    return {
        "disruption": name,
        "probability": prob,
        "start_year": start,
        "duration_years": duration,
        **kw,
    }


def impact(d: str, material: str, group_type: str, group: str, a: float) -> dict[str, Any]:
    """A DisruptionImpacts row."""
    return {
        "disruption": d,
        "material": material,
        "group_type": group_type,
        "group": group,
        "availability": a,
    }


def demand(*rows: tuple[str, int, float]) -> list[dict[str, Any]]:
    return [{"material": m, "year": t, "demand_t": v} for m, t, v in rows]


def supply_mix(*rows: tuple[str, str, float]) -> list[dict[str, Any]]:
    return [{"material": m, "country": c, "share": v} for m, c, v in rows]


def solve(inputs: Inputs) -> SolveResult:
    """Validate (no errors allowed: every instance is a legal workbook) and solve."""
    errors = [p.message for p in check_inputs(inputs) if p.severity == "error"]
    assert not errors, errors
    result = optimize(inputs)
    assert result.status == "optimal", result.message
    return result


def future(result: SolveResult, name: str) -> FutureOutcome:
    """The reported outcome of one future (``base`` or a disruption's)."""
    (found,) = [f for f in result.futures if f.future == name]
    return found


def costs(result: SolveResult) -> dict[str, float]:
    """K[f] of every future, keyed by its name."""
    return {f.future: f.cost_usd for f in result.futures}


def of(result: SolveResult, var: str, first: Any) -> dict[tuple[Any, ...], float]:
    """The values of a future's variable (``var`` keyed with d in front) for one future."""
    return {k: v for k, v in result.values[var].items() if k[0] == first}


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
    """The six parts of E (missing ones 0); E is their signed sum, and so is the
    objective when there is no risk term."""
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
    e = (
        p["purchase_usd"]
        + p["transport_usd"]
        + p["holding_usd"]
        + p["investment_usd"]
        - p["resale_usd"]
        + p["shortfall_penalty_usd"]
    )
    assert result.expected_cost_usd == approx(e)
    if result.cvar_usd is None:
        assert result.objective_usd == approx(e)


def hand_case(rate: float = 0.0) -> Inputs:
    """MODEL.md "Hand-solvable check"."""
    return build(
        end=2027,
        rate=rate,
        sources=[source("A", 10, 60), source("B", 12, 100)],
        sites=[site("L", hold=0.5)],
        targets=targets(("X", 2027, 150)),
    )


def check_b(
    *,
    a: dict[str, Any] | None = None,
    b_cost: float = 5,
    x: dict[str, Any] | None = None,
    prob: float = 0.5,
    settings: dict[str, Any] | None = None,
) -> Inputs:
    """MODEL.md hand check B (one disruption), its CVaR variant through ``settings`` and
    hand check C through ``a`` (fields of source A) and ``b_cost``; ``x``: fields of
    material X, ``prob``: the ban's probability.

    Material X (penalty 40 USD/t, min_coverage 0, volume 0), years 2026-2027, no
    discounting. Source A: US (domestic), 14 USD/t, capacity 100/yr; source B: CN
    (adversary), 5 USD/t, capacity 200/yr; both yield X 1:1 with free routes to the one
    site H (holding 1 USD/t-yr). Demand X 100 t in 2026 and 2027, SupplyMix X: CN 1.0.
    Disruption ``ban``: probability 0.5, start 2027, 1 year, multipliers 1; impact:
    country CN, material *, availability 0 -> need 100 t in 2027.
    """
    return build(
        end=2027,
        materials=[{"material": "X", "shortfall_penalty_usd_per_t": 40, **(x or {})}],
        sources=[source("A", 14, 100, **(a or {})), source("B", b_cost, 200, country="CN")],
        sites=[site("H", hold=1)],
        demand=demand(("X", 2026, 100), ("X", 2027, 100)),
        supply_mix=supply_mix(("X", "CN", 1.0)),
        disruptions=[disruption("ban", prob, 2027, price_multiplier=1)],
        disruption_impacts=[impact("ban", "*", "country", "CN", 0.0)],
        settings=settings,
    )


def disruption_case(penalty: float, min_coverage: float = 0.0) -> Inputs:
    """Years 2026-2027; an export ban D1 on CN (availability 0) in 2027, probability 0.5.

    Demand X 2027 100 t; normal supply 60 % CN, 40 % US -> need 100 * (1 - 0.4) = 60.
    A (market, CN) 10 USD/t: no capacity in D1's window (A_D1(A) = 0). B
    (domestic_mine, US) 30 USD/t: survives. Holding 1. w(2026) = 1, w(2027) = 0.5.
    Cost per tonne of the need: A bought in 2026, held in 2026 and by the plan in 2027:
    10 + 1 + 0.5 = 11.5; B bought in D1's 2027 and released: 0.5 * 30 = 15; unmet:
    0.5 * penalty. Penalty 40: 60 t of A in 2026, objective 60 * 11.5 = 690 (cover dual
    11.5). Penalty 10 with min_coverage 0.25: 45 t unmet at the floor, 15 t of A in
    2026, objective 15 * 11.5 + 0.5 * 10 * 45 = 397.5 (cover dual 11.5, floor dual
    5 - 11.5 = -6.5). Both optima are unique (test_interfaces uses them).
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
