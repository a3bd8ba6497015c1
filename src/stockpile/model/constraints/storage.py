"""Storage: stock balances, site space and stock targets."""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression


def add_stock_balance(model: pyo.ConcreteModel) -> None:
    """stock_balance[m,l,t]: Stock[m,l,t] - Stock[m,l,t-1] - sum_s Ship[s,m,l,t] = init [t].

    The right-hand side is the initial stock at t0, 0 otherwise (and Stock[m,l,t-1] is
    0 in the year a later site opens). Stock never decreases. Index: (m,l,t) with l
    open in t. Dual [USD/t]: the change in cost if one free tonne of m arrived at l
    in year t.
    """
    p = model.params
    by_mlt = model.lookups.ship_by_mlt

    @model.Constraint(model.STOCK_INDEX, doc="stock balance [t]")
    def stock_balance(mdl, m, l, t):
        before = p.stock_before(m, l, t)
        inflow = pyo.quicksum(mdl.Ship[s, m, l, t] for s in by_mlt.get((m, l, t), ()))
        if before is None:
            return mdl.Stock[m, l, t] - mdl.Stock[m, l, t - 1] - inflow == 0
        return mdl.Stock[m, l, t] - inflow == before


def add_site_capacity(model: pyo.ConcreteModel) -> None:
    """site_capacity[l,t]: sum_m vol[m] * Stock[m,l,t] <= capacity_m3[l] [m3].

    Index: (l,t) with l open in t. Dual [USD/m3]: the change in cost per extra cubic
    metre of space at l in year t (negative when space is short).
    """
    p = model.params
    index = [(l, t) for l in p.SITES for t in p.YEARS if p.is_open(l, t)]

    @model.Constraint(index, doc="site space [m3]")
    def site_capacity(mdl, l, t):
        # Explicit coefficients: with every volume 0 the row stays, empty, with dual 0.
        used = LinearExpression(
            constant=0.0,
            linear_coefs=[float(p.volume_m3_per_t[m]) for m in p.MATERIALS],
            linear_vars=[mdl.Stock[m, l, t] for m in p.MATERIALS],
        )
        return used <= p.capacity_m3[l]


def add_stock_target(model: pyo.ConcreteModel) -> None:
    """stock_target[m,t]: sum_l Stock[m,l,t] >= target[m,t] [t].

    Index: the Targets rows. Dual [USD/t]: the cost of one more tonne of target
    (>= 0).
    """
    p = model.params

    @model.Constraint(list(p.target_t), doc="stock target [t]")
    def stock_target(mdl, m, t):
        total = pyo.quicksum(mdl.Stock[m, l, t] for l in p.open_sites(t))
        return total >= p.target_t[m, t]
