"""The objective: the discounted cost of the plan, in named parts, defined once.

Solve, result, report, comparison and the JSON output all read ``PARTS``: the key of
a part in the LP, its JSON key, its label in the report, its short word in tables and
its sign in the objective (resale is income and is subtracted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stockpile.model.lp import LP


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
    Part("resale", "Resale income (subtracted)", "resale (income)", -1.0),
    Part("shortfall_penalty", "Expected shortfall penalty", "shortfall penalty", +1.0),
)
PART_BY_KEY = {p.key: p for p in PARTS}
#: The public keys of result.parts and ``--json`` "parts", in report order.
PART_KEYS = tuple(p.json_key for p in PARTS)
#: JSON key -> report label.
PART_LABELS = {p.json_key: p.label for p in PARTS}
#: The objective's row label in the report.
OBJECTIVE_LABEL = "Objective: total discounted cost"


def objective_value(parts: Mapping[str, float]) -> float:
    """The objective from the parts (keyed by JSON key): each part with its sign."""
    return sum(p.sign * parts[p.json_key] for p in PARTS)


def objective_parts(lp: LP) -> dict[str, dict[int, float]]:
    """Per part, the coefficient of each column [discounted USD per unit of the column].

    Every part is discounted to start_year with delta_t = (1 + rate)^-(t - t0); the
    shortfall penalty of disruption d is weighted by its probability and discounted
    from its start year. Resale income is positive here (``Part.sign`` subtracts it).
    """
    p = lp.params
    return {
        "purchase": {col: p.delta[t] * p.cost_usd_per_unit[s, t] for (s, t), col in lp.buy.items()},
        "transport": {
            col: p.delta[t] * p.route_usd_per_t[s, l] for (s, _m, l, t), col in lp.ship.items()
        },
        "holding": {
            col: p.delta[t] * p.holding_usd_per_t_yr[l] for (_m, l, t), col in lp.stock.items()
        },
        "resale": {
            col: p.delta[t] * p.resale_usd_per_t[m] for (_s, m, t), col in lp.surplus.items()
        },
        "shortfall_penalty": {
            col: p.probability[d] * p.delta[p.start_year[d]] * p.penalty_usd_per_t[m]
            for (d, m), col in lp.unmet.items()
        },
    }
