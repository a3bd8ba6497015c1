"""Supply: what a purchase yields and how much can be bought."""

from __future__ import annotations

import pyomo.environ as pyo


def add_output_split(model: pyo.ConcreteModel) -> None:
    """output_split[s,m,t]: yield[s,m] * Buy[s,t] = sum_l Ship[s,m,l,t] + Surplus[s,m,t] [t].

    Every tonne a purchase yields is delivered to a site or, for a co-product source,
    resold as surplus. Index: every output m of every source s, every year t.
    Written as yield * Buy - sum_l Ship - Surplus = 0, as MODEL.md states it.
    Dual [USD/t]: what one tonne of m out of s in year t is worth to the plan (the
    change in cost if that tonne were lost; usually >= 0).
    """
    p = model.params
    by_smt = model.lookups.ship_by_smt
    surplus = set(p.surplus_index)

    @model.Constraint(p.split_index, doc="output delivered or resold [t]")
    def output_split(mdl, s, m, t):
        ship = pyo.quicksum(mdl.Ship[s, m, l, t] for l in by_smt.get((s, m, t), ()))
        if (s, m, t) in surplus:
            ship = ship + mdl.Surplus[s, m, t]
        return p.yield_t_per_unit[s, m] * mdl.Buy[s, t] - ship == 0


def add_source_capacity(model: pyo.ConcreteModel) -> None:
    """source_capacity[s,t]: Buy[s,t] <= cap[s,t] [activity units].

    cap is 0 before the source's first_year, the SourceCapacity value where given,
    else Sources.capacity_units_per_yr. Dual [USD/unit]: the change in cost per extra
    unit of capacity (negative when the capacity limits the plan).
    """
    p = model.params

    @model.Constraint(model.SOURCES, model.YEARS, doc="Buy <= capacity [units]")
    def source_capacity(mdl, s, t):
        return mdl.Buy[s, t] <= p.capacity_units[s, t]
