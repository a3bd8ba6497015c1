"""Money: yearly budgets."""

from __future__ import annotations

import pyomo.environ as pyo


def add_budget(model: pyo.ConcreteModel) -> None:
    """budget[t]: purchases + transport + holding in year t <= budget[t] [USD].

    Escalated but undiscounted; resale income does not count. Index: the Budget rows.
    Dual [discounted USD per USD]: the change in total cost per extra dollar of budget
    in year t (negative when the budget binds).
    """
    p = model.params
    ship_by_t: dict[int, list] = {t: [] for t in p.YEARS}
    for s, m, l, t in p.ship_index:
        ship_by_t[t].append((s, m, l))
    stock_by_t: dict[int, list] = {t: [] for t in p.YEARS}
    for m, l, t in p.stock_index:
        stock_by_t[t].append((m, l))

    @model.Constraint(list(p.budget_usd), doc="yearly spend <= budget [USD]")
    def budget(mdl, t):
        spend = (
            pyo.quicksum(p.cost_usd_per_unit[s, t] * mdl.Buy[s, t] for s in p.SOURCES)
            + pyo.quicksum(
                p.route_usd_per_t[s, l] * mdl.Ship[s, m, l, t] for s, m, l in ship_by_t[t]
            )
            + pyo.quicksum(p.holding_usd_per_t_yr[l] * mdl.Stock[m, l, t] for m, l in stock_by_t[t])
        )
        return spend <= p.budget_usd[t]
