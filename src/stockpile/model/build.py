"""formulate(params) -> LP rows; build_model(params) -> Pyomo ConcreteModel of those rows."""

from __future__ import annotations

from collections.abc import Callable

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from stockpile.data.params import Params
from stockpile.model.constraints.disruption import coverage_floor_rows, disruption_cover_rows
from stockpile.model.constraints.money import budget_rows
from stockpile.model.constraints.rules import site_dispersion_rows, sourcing_rule_rows
from stockpile.model.constraints.storage import (
    site_capacity_rows,
    stock_balance_rows,
    stock_target_rows,
)
from stockpile.model.constraints.supply import output_split_rows, source_capacity_rows
from stockpile.model.lp import LP, Index, Row, make_columns, make_lookups
from stockpile.model.objective import PARTS, objective_parts

#: The constraint families of MODEL.md, in its order, with the function making their rows.
FAMILIES: dict[str, Callable[[LP], dict[Index, Row]]] = {
    "output_split": output_split_rows,
    "source_capacity": source_capacity_rows,
    "stock_balance": stock_balance_rows,
    "site_capacity": site_capacity_rows,
    "stock_target": stock_target_rows,
    "budget": budget_rows,
    "sourcing_rule": sourcing_rule_rows,
    "site_dispersion": site_dispersion_rows,
    "disruption_cover": disruption_cover_rows,
    "coverage_floor": coverage_floor_rows,
}

_VAR_DOCS = {
    "Buy": "activity bought from source s in year t [activity units]",
    "Ship": "output of s delivered into site l in year t [t]",
    "Surplus": "co-product output not stockpiled, resold [t]",
    "Stock": "stock of m at site l at the end of year t [t]",
    "Unmet": "need of disruption d for m not covered [t]",
}


def formulate(p: Params) -> LP:
    """Every variable, row and objective coefficient of MODEL.md, as numbers."""
    lp = LP(params=p, columns=make_columns(p), lookups=make_lookups(p))
    for family, make_rows in FAMILIES.items():
        lp.families[family] = make_rows(lp)
    lp.parts = objective_parts(lp)
    return lp


def build_model(p: Params, lp: LP | None = None) -> pyo.ConcreteModel:
    """The Pyomo model of MODEL.md: sets, the five variables, the ten constraint
    families (each row exactly as ``formulate`` made it) and the objective with its
    parts as named expressions. ``model.lp`` keeps the rows for the hand-over."""
    lp = lp or formulate(p)
    model = pyo.ConcreteModel(name="stockpile")
    model.params = p
    model.lp = lp

    model.MATERIALS = pyo.Set(initialize=p.MATERIALS, ordered=True, doc="materials m")
    model.SOURCES = pyo.Set(initialize=p.SOURCES, ordered=True, doc="supply sources s")
    model.SITES = pyo.Set(initialize=p.SITES, ordered=True, doc="storage sites l")
    model.YEARS = pyo.Set(initialize=p.YEARS, ordered=True, doc="planning years t")
    model.DISRUPTIONS = pyo.Set(initialize=p.DISRUPTIONS, ordered=True, doc="disruptions d")
    model.SHIP_INDEX = pyo.Set(
        initialize=p.ship_index,
        dimen=4,
        ordered=True,
        doc="(s,m,l,t): s yields m, a route s->l exists and l is open in t",
    )
    model.STOCK_INDEX = pyo.Set(
        initialize=p.stock_index, dimen=3, ordered=True, doc="(m,l,t): l is open in t"
    )
    model.SURPLUS_INDEX = pyo.Set(
        initialize=p.surplus_index,
        dimen=3,
        ordered=True,
        doc="(s,m,t) for co-product sources s (two or more outputs)",
    )
    model.NEED_INDEX = pyo.Set(
        initialize=list(p.need_t), dimen=2, ordered=True, doc="(d,m) with need > 0"
    )

    # Variables in column order, so column k of the LP is vardata[k].
    var_index = {
        "Buy": (model.SOURCES, model.YEARS),
        "Ship": (model.SHIP_INDEX,),
        "Surplus": (model.SURPLUS_INDEX,),
        "Stock": (model.STOCK_INDEX,),
        "Unmet": (model.NEED_INDEX,),
    }
    vardata: list = []
    for name, doc in _VAR_DOCS.items():
        var = pyo.Var(*var_index[name], domain=pyo.NonNegativeReals, doc=doc)
        setattr(model, name, var)
        vardata.extend(var[idx] for idx in lp.columns.by_var[name])

    def linear(cols: list[int], coefs: list[float]) -> LinearExpression:
        return LinearExpression(
            constant=0.0, linear_coefs=coefs, linear_vars=[vardata[c] for c in cols]
        )

    for part in PARTS:
        coefs = lp.parts[part]
        setattr(
            model,
            part,
            pyo.Expression(
                expr=linear(list(coefs), list(coefs.values())),
                doc=f"discounted {part.replace('_', ' ')} [USD]",
            ),
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

    for family, make_rows in FAMILIES.items():
        rows = lp.families[family]

        def rule(_mdl, *idx, rows=rows):
            row = rows[idx]
            body = linear(row.cols, row.coefs)
            if row.lower is not None and row.lower == row.upper:
                return body == row.lower
            return (row.lower, body, row.upper)

        doc = (make_rows.__doc__ or family).strip().splitlines()[0]
        setattr(model, family, pyo.Constraint(list(rows), rule=rule, doc=doc))
    return model
