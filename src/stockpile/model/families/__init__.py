"""The registry of constraint families: one module per MODEL.md family.

``FAMILIES`` lists them in the order a planner reads them (data limits first,
balances last): the report, the diagnosis and the Binding sheet use this order; the LP
and the Pyomo model hold them in MODEL.md order (``MODEL_ORDER``). Everything else
looks a family up by name in ``BY_NAME``.
"""

from __future__ import annotations

from stockpile.model.families import (
    budget,
    coverage_floor,
    disruption_cover,
    expansion_limit,
    output_split,
    risk,
    site_capacity,
    site_dispersion,
    source_capacity,
    sourcing_rule,
    stock_balance,
    stock_target,
)
from stockpile.model.family import Family

#: Every family, in planner order.
FAMILIES: tuple[Family, ...] = (
    stock_target.FAMILY,
    budget.FAMILY,
    source_capacity.FAMILY,
    site_capacity.FAMILY,
    sourcing_rule.FAMILY,
    site_dispersion.FAMILY,
    disruption_cover.FAMILY,
    coverage_floor.FAMILY,
    expansion_limit.FAMILY,
    risk.FAMILY,
    output_split.FAMILY,
    stock_balance.FAMILY,
)
#: Every family, in MODEL.md order (the order of the LP's rows).
MODEL_ORDER: tuple[Family, ...] = tuple(sorted(FAMILIES, key=lambda f: f.number))
BY_NAME: dict[str, Family] = {f.name: f for f in FAMILIES}

__all__ = ["BY_NAME", "FAMILIES", "MODEL_ORDER", "Family"]
