"""The objective: the expected discounted cost over the futures, in named parts,
defined once.

Solve, result, report, comparison and the JSON output all read ``PARTS``: the key of
a part in the LP, its JSON key, its label in the report, its short word in tables and
its sign in the objective (resale is income and is subtracted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stockpile.model.lp import LP, Future


@dataclass(frozen=True)
class Part:
    """One part of the objective [USD, discounted to start_year], reported >= 0."""

    key: str  # "purchase": the LP's name for it
    label: str  # "Purchases": the report's row label
    word: str  # "purchase": the short word of terminal and comparison tables
    sign: float  # +1 a cost, -1 an income (subtracted in the objective)
    unit: str = "USD"

    @property
    def json_key(self) -> str:
        """The public key in ``--json`` and result.parts: "purchase_usd"."""
        return f"{self.key}_usd"


#: The parts, in report order: objective = sum of sign * part.
PARTS: tuple[Part, ...] = (
    Part("purchase", "Purchases", "purchase", +1.0),
    Part("transport", "Transport", "transport", +1.0),
    Part("holding", "Holding", "holding", +1.0),
    Part("investment", "Capacity investment", "investment", +1.0),
    Part("resale", "Resale income (subtracted)", "resale (income)", -1.0),
    Part("shortfall_penalty", "Expected shortfall penalty", "shortfall penalty", +1.0),
)
PART_BY_KEY = {p.key: p for p in PARTS}
#: The public keys of result.parts and ``--json`` "parts", in report order.
PART_KEYS = tuple(p.json_key for p in PARTS)
#: JSON key -> report label.
PART_LABELS = {p.json_key: p.label for p in PARTS}
#: The objective's row label in the report.
OBJECTIVE_LABEL = "Objective: expected discounted cost (risk-weighted when risk_weight > 0)"


def expected_cost(parts: Mapping[str, float]) -> float:
    """E from its parts (keyed by JSON key): each part with its sign."""
    return sum(p.sign * parts[p.json_key] for p in PARTS)


def _year_costs(lp: LP, future: Future) -> dict[str, dict[int, float]]:
    """Per part, the discounted cost delta_t * C_f(t) of each of the future's own
    columns (USD per unit of the column), not yet weighted by probability."""
    p = lp.params
    d = future.disruption
    path = lp.paths[future.name]
    out: dict[str, dict[int, float]] = {
        "purchase": {
            col: p.delta[t] * p.price_factor(d, t) * p.cost_usd_per_unit[s, t]
            for (s, t), col in path["Buy"].items()
        },
        "transport": {
            col: p.delta[t] * p.route_usd_per_t[s, l] for (s, _m, l, t), col in path["Ship"].items()
        },
        "holding": {
            col: p.delta[t] * p.holding_usd_per_t_yr[l] for (_m, l, t), col in path["Stock"].items()
        },
        "investment": {
            col: p.delta[t] * p.expansion_cost_usd_per_unit[s]
            for (s, t), col in path["Expand"].items()
        },
        "resale": {
            col: p.delta[t] * p.resale_usd_per_t[m] for (_s, m, t), col in path["Surplus"].items()
        },
        "shortfall_penalty": {},
    }
    if d is not None:
        out["shortfall_penalty"] = {
            col: p.delta[t] * p.penalty_usd_per_t[m]
            for (dd, m, t), col in lp.columns.by_var["Unmet"].items()
            if dd == d
        }
    return out


def objective_parts(lp: LP) -> tuple[dict[str, dict[int, float]], dict[str, dict[int, float]]]:
    """The expected cost E by part, and the cost K[f] of every whole future.

    Returns ``(parts, future_cost)``: per part, the coefficient of each column in E
    [discounted USD per unit]: delta_t * C_f(t) weighted by w(t) for the plan's
    columns and by prob[d] for future d's own; per future, the coefficient of each
    column in K[f] (the plan's columns before start_d, then d's own; resale income
    subtracted). Every part is discounted to start_year with delta_t = (1 + rate)^-(t - t0).
    """
    p = lp.params
    parts: dict[str, dict[int, float]] = {part.key: {} for part in PARTS}
    future_cost: dict[str, dict[int, float]] = {}
    plan_year: dict[int, int] = {}  # plan column -> its year
    plan_costs: dict[str, dict[int, float]] = {}
    for future in lp.futures:
        costs = _year_costs(lp, future)
        if future.is_plan:
            plan_costs = costs
            for var in ("Buy", "Ship", "Surplus", "Stock", "Expand"):
                plan_year.update((col, key[-1]) for key, col in lp.paths[future.name][var].items())
        for key, coefs in costs.items():
            for col, c in coefs.items():
                weight = p.plan_weight(plan_year[col]) if future.is_plan else future.probability
                if weight and c:
                    parts[key][col] = parts[key].get(col, 0.0) + weight * c
        own = _signed(costs)
        if future.is_plan:
            future_cost[future.name] = own
        else:
            before = {
                col: c for col, c in _signed(plan_costs).items() if plan_year[col] < future.start
            }
            future_cost[future.name] = {**before, **own}
    return parts, future_cost


def _signed(costs: dict[str, dict[int, float]]) -> dict[int, float]:
    """One coefficient per column: the parts with their signs."""
    out: dict[int, float] = {}
    for key, coefs in costs.items():
        sign = PART_BY_KEY[key].sign
        for col, c in coefs.items():
            out[col] = out.get(col, 0.0) + sign * c
    return out
