"""Disruption stress tests: stock plus surviving supply must cover essential need."""

from __future__ import annotations

import pyomo.environ as pyo


def add_disruption_cover(model: pyo.ConcreteModel) -> None:
    """disruption_cover[d,m]: surviving stock + surviving supply + Unmet >= need [t].

    need[d,m] = window demand * max(0, multiplier - surviving share of normal supply).
    Surviving stock: stock at the end of start_d - 1 (initial stock when d starts in
    t0) at sites open then, times the site's availability. Surviving supply: all
    output of m bought in the window, times the source's availability. Index: (d,m)
    with need > 0. Dual [discounted USD/t]: the cost of one more tonne of need.
    """
    p = model.params
    start = {d.disruption: d.start_year for d in p.inputs.disruptions}

    def cover(mdl, d, m):
        before = start[d] - 1
        stock_terms = []
        constant = 0.0
        for l in p.SITES:
            a = p.avail_site(d, l, m)
            if a == 0:
                continue
            if start[d] == p.t0:
                if p.is_open(l, p.t0):
                    constant += a * p.initial_stock_t.get((m, l), 0.0)
            elif p.is_open(l, before):
                stock_terms.append(a * mdl.Stock[m, l, before])
        supply_terms = []
        for s in p.SOURCES:
            y = p.yield_t_per_unit.get((s, m))
            if not y:
                continue
            a = p.avail_source(d, s, m)
            if a == 0:
                continue
            supply_terms.extend(a * y * mdl.Buy[s, tau] for tau in p.window[d])
        lhs = pyo.quicksum(stock_terms) + pyo.quicksum(supply_terms) + mdl.Unmet[d, m]
        return lhs >= p.need_t[d, m] - constant

    model.disruption_cover = pyo.Constraint(
        model.NEED_INDEX, rule=cover, doc="disruption need covered [t]"
    )


def add_coverage_floor(model: pyo.ConcreteModel) -> None:
    """coverage_floor[d,m]: Unmet[d,m] <= (1 - min_coverage[m]) * need[d,m] [t].

    Holds for every disruption whatever its probability. Dual [discounted USD/t]: the
    change in cost if one more tonne of need could stay unmet (<= 0 when binding).
    """
    p = model.params

    @model.Constraint(model.NEED_INDEX, doc="minimum covered share [t]")
    def coverage_floor(mdl, d, m):
        return mdl.Unmet[d, m] <= (1 - p.min_coverage[m]) * p.need_t[d, m]
