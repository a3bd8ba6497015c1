"""build_model(inputs) -> the Pyomo ConcreteModel of MODEL.md, for users and
``stockpile solve --interface pyomo``.

The model is made from the same rows that ``formulate`` hands to HiGHS on the default
path, so the two can never disagree. A user can inspect it, add constraints and solve
it with any Pyomo solver; the default ``stockpile solve`` never builds it.
"""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from stockpile.data.inputs import Inputs
from stockpile.data.params import Params, build_params
from stockpile.model.families import MODEL_ORDER
from stockpile.model.formulate import formulate
from stockpile.model.lp import LP
from stockpile.model.objective import PARTS

_VAR_DOCS = {
    "Buy": "activity bought from source s in year t [activity units]",
    "Ship": "output of s delivered into site l in year t [t]",
    "Surplus": "co-product output not stockpiled, resold [t]",
    "Stock": "stock of m at site l at the end of year t [t]",
    "Unmet": "need of disruption d for m not covered [t]",
}


def build_model(data: Inputs | Params, lp: LP | None = None) -> pyo.ConcreteModel:
    """The Pyomo model of MODEL.md: sets, the five variables, the constraint families
    (each row exactly as ``formulate`` made it) and the objective ``total_cost`` with
    its parts as named expressions. ``model.params`` and ``model.lp`` keep the
    parameters and the rows it was built from."""
    p = build_params(data) if isinstance(data, Inputs) else data
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
        coefs = lp.parts[part.key]
        setattr(
            model,
            part.key,
            pyo.Expression(
                expr=linear(list(coefs), list(coefs.values())),
                doc=f"discounted {part.label.lower()} [{part.unit}]",
            ),
        )
    model.total_cost = pyo.Objective(
        expr=sum(part.sign * getattr(model, part.key) for part in PARTS),
        sense=pyo.minimize,
        doc="discounted cost of the plan [USD]",
    )

    for family in MODEL_ORDER:
        rows = lp.families[family.name]

        def rule(_mdl, *idx, rows=rows):
            row = rows[idx]
            body = linear(row.cols, row.coefs)
            if row.lower is not None and row.lower == row.upper:
                return body == row.lower
            return (row.lower, body, row.upper)

        doc = (family.rows.__doc__ or family.name).strip().splitlines()[0]
        setattr(model, family.name, pyo.Constraint(list(rows), rule=rule, doc=doc))
    return model
