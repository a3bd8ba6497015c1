"""What-if scenarios on version-2 models: a scenario may override the version-2
inputs (risk, expansion, price multipliers), and the warm Resolver, worker processes
and fresh solves agree.

Expected numbers are MODEL.md's hand checks: B (650 USD), B with risk_weight 1 and
cvar_level 0.5 (9800/15 = 653.33 USD), and C's variant (A capacity 0, expansion cost 1
per unit/yr up to 200, B at 8 USD/t: 750 USD).
"""

from __future__ import annotations

from typing import Any

import pytest

from stockpile.data.inputs import Inputs
from stockpile.pipeline import solve_inputs
from stockpile.scenarios.apply import apply_scenario
from stockpile.scenarios.runner import run_scenarios
from stockpile.scenarios.sheet import scenarios_from_rows
from stockpile.solver.highs import SolveOptions
from stockpile.solver.policy import Resolver


def check_b() -> Inputs:
    """MODEL.md hand check B."""
    source = {"type": "market", "capacity_units_per_yr": 0}
    return Inputs.build(
        {"start_year": 2026, "end_year": 2027},
        materials=[{"material": "X", "shortfall_penalty_usd_per_t": 40}],
        countries=[{"country": "US", "bloc": "domestic"}, {"country": "CN", "bloc": "adversary"}],
        sources=[
            {
                **source,
                "source": "A",
                "country": "US",
                "cost_usd_per_unit": 14,
                "capacity_units_per_yr": 100,
            },
            {
                **source,
                "source": "B",
                "country": "CN",
                "cost_usd_per_unit": 5,
                "capacity_units_per_yr": 200,
            },
        ],
        source_outputs=[{"source": s, "material": "X", "yield_t_per_unit": 1} for s in ("A", "B")],
        sites=[{"site": "H", "capacity_m3": 1e9, "holding_cost_usd_per_t_yr": 1}],
        routes=[{"source": s, "site": "H"} for s in ("A", "B")],
        demand=[{"material": "X", "year": t, "demand_t": 100} for t in (2026, 2027)],
        supply_mix=[{"material": "X", "country": "CN", "share": 1.0}],
        disruptions=[
            {"disruption": "ban", "probability": 0.5, "start_year": 2027, "duration_years": 1}
        ],
        disruption_impacts=[
            {
                "disruption": "ban",
                "material": "*",
                "group_type": "country",
                "group": "CN",
                "availability": 0,
            }
        ],
    )


def row(name: str, sheet: str, key: str, op: str, column: str, value: Any) -> dict[str, Any]:
    return {
        "scenario": name,
        "sheet": sheet,
        "key": key,
        "op": op,
        "column": column,
        "value": value,
    }


SCENARIOS = scenarios_from_rows(
    [
        row("cvar", "Settings", "risk_weight", "set", "value", 1),
        row("cvar", "Settings", "cvar_level", "set", "value", 0.5),
        row("build", "Sources", "A", "set", "capacity_units_per_yr", 0),
        row("build", "Sources", "A", "set", "expansion_cost_usd_per_unit", 1),
        row("build", "Sources", "A", "set", "max_expansion_units", 200),
        row("build", "Sources", "B", "set", "cost_usd_per_unit", 8),
        # a crisis price: buying A in the ban now costs 0.5 x 28 = 14 per tonne of need,
        # still more than stockpiling from B (6.5): the optimum stays 650
        row("crisis_price", "Disruptions", "ban", "set", "price_multiplier", 2),
    ]
)
EXPECTED = {"cvar": 9800 / 15, "build": 750.0, "crisis_price": 650.0}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_a_scenario_overrides_the_version_2_inputs(name: str) -> None:
    variant = apply_scenario(check_b(), SCENARIOS[name])
    _, result = solve_inputs(variant, SolveOptions())
    assert result.status == "optimal"
    assert result.objective_usd == pytest.approx(EXPECTED[name], rel=1e-9)


def test_warm_resolver_and_worker_processes_agree_with_fresh_solves() -> None:
    base = check_b()
    order = ("crisis_price", "cvar", "build")  # the first changes only numbers of base
    tasks = [("base", base)] + [(n, apply_scenario(base, SCENARIOS[n])) for n in order]
    expected = {"base": 650.0, **EXPECTED}
    resolver = Resolver()
    warm_flags = {}
    for name, inputs in tasks:
        _, result = resolver.solve(inputs)
        warm_flags[name] = resolver.last_was_warm
        assert result.objective_usd == pytest.approx(expected[name], rel=1e-9), name
    # a price multiplier changes numbers only: re-solved warm; a risk term adds
    # columns and rows: solved cold
    assert warm_flags["crisis_price"] and not warm_flags["cvar"]
    for outcome in run_scenarios(tasks, SolveOptions(), workers=2):
        assert outcome.status == "optimal", outcome.message
        assert outcome.objective_usd == pytest.approx(expected[outcome.name], rel=1e-9)
