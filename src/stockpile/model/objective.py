"""The objective: discounted cost of the plan, with its five parts as named expressions."""

from __future__ import annotations

import pyomo.environ as pyo


def add_objective(model: pyo.ConcreteModel) -> None:
    """total_cost = purchase + transport + holding - resale + shortfall_penalty [USD].

    Every part is discounted to start_year with delta_t = (1 + rate)^-(t - t0); the
    shortfall penalty of disruption d is weighted by its probability and discounted
    from its start year.
    """
    p = model.params
    model.purchase = pyo.Expression(
        expr=pyo.quicksum(
            p.delta[t] * p.cost_usd_per_unit[s, t] * model.Buy[s, t]
            for s in p.SOURCES
            for t in p.YEARS
        ),
        doc="discounted purchase cost [USD]",
    )
    model.transport = pyo.Expression(
        expr=pyo.quicksum(
            p.delta[t] * p.route_usd_per_t[s, l] * model.Ship[s, m, l, t]
            for (s, m, l, t) in p.ship_index
        ),
        doc="discounted transport cost [USD]",
    )
    model.holding = pyo.Expression(
        expr=pyo.quicksum(
            p.delta[t] * p.holding_usd_per_t_yr[l] * model.Stock[m, l, t]
            for (m, l, t) in p.stock_index
        ),
        doc="discounted holding cost of every year-end stock [USD]",
    )
    model.resale = pyo.Expression(
        expr=pyo.quicksum(
            p.delta[t] * p.resale_usd_per_t[m] * model.Surplus[s, m, t]
            for (s, m, t) in p.surplus_index
        ),
        doc="discounted resale income from co-product surplus [USD]",
    )
    start = {d.disruption: d.start_year for d in p.inputs.disruptions}
    model.shortfall_penalty = pyo.Expression(
        expr=pyo.quicksum(
            p.probability[d] * p.delta[start[d]] * p.penalty_usd_per_t[m] * model.Unmet[d, m]
            for (d, m) in p.need_t
        ),
        doc="expected discounted shortfall penalty [USD]",
    )
    model.total_cost = pyo.Objective(
        expr=model.purchase
        + model.transport
        + model.holding
        - model.resale
        + model.shortfall_penalty,
        sense=pyo.minimize,
        doc="discounted cost of the plan [USD]",
    )
