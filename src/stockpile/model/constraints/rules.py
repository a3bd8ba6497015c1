"""Rules: sourcing shares by group and dispersion of stock over sites."""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression


def _linear(coefs_vars: list[tuple[float, object]]) -> LinearExpression:
    """sum c * v with the coefficients as given: a row whose coefficients all cancel
    (share 1 over the whole group) stays in the model as an empty row with dual 0, so
    every row MODEL.md indexes is reported."""
    return LinearExpression(
        constant=0.0,
        linear_coefs=[float(c) for c, _ in coefs_vars],
        linear_vars=[v for _, v in coefs_vars],
    )


def add_sourcing_rule(model: pyo.ConcreteModel) -> None:
    """sourcing_rule[r,m,t]: del_G[m,t] <= share * del[m,t] (max_share) or >= (min_share) [t].

    del[m,t] is every tonne of m delivered into stock in year t, del_G the part from
    sources in the rule's group (matched by source id, source type, country or bloc).
    Index: Rules rows of group_type country, bloc, source_type or source, each
    material they name ("*" = every material separately), each year in which m can be
    delivered at all. Written as del_G - share * del <= 0 (or >= 0).
    Dual [USD/t]: the change in cost if the group were allowed one more tonne
    (max_share, <= 0) or had to deliver one more tonne (min_share, >= 0).
    """
    p = model.params
    by_mt = model.lookups.ship_by_mt
    rows = {}
    for rule in p.inputs.rules:
        if rule.group_type == "site":
            continue
        in_group = {s: p.source_matches(s, rule.group_type, rule.group) for s in p.SOURCES}
        for m in p.rule_materials(rule.material):
            for t in p.YEARS:
                ships = by_mt.get((m, t))
                if not ships:
                    continue  # nothing of m can be delivered in t: nothing to constrain
                expr = _linear(
                    [
                        ((1.0 if in_group[s] else 0.0) - rule.share, model.Ship[s, m, l, t])
                        for s, l in ships
                    ]
                )
                rows[rule.rule, m, t] = (expr, rule.limit)

    @model.Constraint(list(rows), doc="share of deliveries from a group [t]")
    def sourcing_rule(mdl, r, m, t):
        expr, limit = rows[r, m, t]
        return expr <= 0 if limit == "max_share" else expr >= 0


def add_site_dispersion(model: pyo.ConcreteModel) -> None:
    """site_dispersion[r,m,l,t]: Stock[m,l,t] <= share * sum_l' Stock[m,l',t] [t].

    For Rules rows of group_type site (max_share only), every material named, every
    site of the group ("*" = every site) open in t; the sum runs over sites open in t.
    With fewer than 1/share sites open this forces zero stock. Written as
    Stock[m,l,t] - share * sum_l' Stock[m,l',t] <= 0.
    Dual [USD/t]: the change in cost if one more tonne could sit at l (<= 0).
    """
    p = model.params
    rows = {}
    for rule in p.inputs.rules:
        if rule.group_type != "site":
            continue
        for m in p.rule_materials(rule.material):
            for t in p.YEARS:
                open_now = p.open_sites(t)
                for l in open_now:
                    if rule.group not in ("*", l):
                        continue
                    expr = _linear(
                        [
                            ((1.0 if k == l else 0.0) - rule.share, model.Stock[m, k, t])
                            for k in open_now
                        ]
                    )
                    rows[rule.rule, m, l, t] = expr

    @model.Constraint(list(rows), doc="share of a material's stock at one site [t]")
    def site_dispersion(mdl, r, m, l, t):
        return rows[r, m, l, t] <= 0
