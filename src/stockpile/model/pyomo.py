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
    "Expand": "capacity added to s, decided in t [activity units/yr]",
    "BuyF": "in disruption d's future: activity bought from s in year t [activity units]",
    "ShipF": "in disruption d's future: output of s delivered into l in t [t]",
    "SurplusF": "in disruption d's future: co-product output resold [t]",
    "StockF": "in disruption d's future: stock of m at l at the end of t [t]",
    "ExpandF": "in disruption d's future: capacity added to s in t [activity units/yr]",
    "Release": "stock of m released from site l in window year t of disruption d [t]",
    "Unmet": "need of disruption d for m in window year t left uncovered [t]",
    "Eta": "the CVaR's threshold: the cost above which a future counts [USD]",
    "Z": "cost of future f above Eta [USD]",
}


#: The type ``build_model`` returns (for annotations elsewhere, without importing Pyomo).
PyomoModel = pyo.ConcreteModel


def build_model(data: Inputs | Params, lp: LP | None = None) -> pyo.ConcreteModel:
    """The Pyomo model of MODEL.md: sets, the variables of the plan and of every
    disruption's future, the constraint families (each row exactly as ``formulate``
    made it, indexed (future, *index) with "base" for the plan) and the objective
    ``total_cost`` with the parts of the expected cost as named expressions.
    ``model.params`` and ``model.lp`` keep the parameters and the rows it was built
    from."""
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
    model.FUTURES = pyo.Set(
        initialize=[f.name for f in lp.futures], ordered=True, doc="futures f: base and each d"
    )

    # Variables in column order, so column k of the LP is vardata[k]; each is indexed
    # by exactly the keys the LP has for it (sparse), Eta is a free scalar.
    vardata: list = [None] * len(lp.columns)
    for name, cols in lp.columns.by_var.items():
        doc = _VAR_DOCS[name]
        if name == "Eta":
            var = pyo.Var(domain=pyo.Reals, doc=doc)
            setattr(model, name, var)
            for col in cols.values():
                vardata[col] = var
            continue
        keys = list(cols)
        var = pyo.Var(
            pyo.Set(initialize=keys, dimen=len(keys[0]) if keys else 1, ordered=True),
            domain=pyo.NonNegativeReals,
            doc=doc,
        )
        setattr(model, name, var)
        for key, col in cols.items():
            vardata[col] = var[key]

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
                doc=f"expected discounted {part.label.lower()} [{part.unit}]",
            ),
        )
    costs = lp.objective_costs()
    used = [col for col, c in enumerate(costs) if c]
    model.total_cost = pyo.Objective(
        expr=linear(used, [costs[col] for col in used]),
        sense=pyo.minimize,
        doc="expected discounted cost, or (1 - risk_weight) of it + risk_weight x CVaR [USD]",
    )

    # Constraints: every family indexed (future, *index), "base" for the plan's rows;
    # model.lp_keys maps each back to the LP's key.
    model.lp_keys = {}
    for family in MODEL_ORDER:
        rows = lp.families[family.name]
        by_pyomo = {(*family.split(key)[:1], *family.split(key)[1]): key for key in rows}
        model.lp_keys[family.name] = by_pyomo

        def rule(_mdl, *idx, rows=rows, by_pyomo=by_pyomo):
            row = rows[by_pyomo[idx]]
            body = linear(row.cols, row.coefs)
            if row.lower is not None and row.lower == row.upper:
                return body == row.lower
            return (row.lower, body, row.upper)

        doc = (family.rows.__doc__ or family.name).strip().splitlines()[0]
        keys = list(by_pyomo)
        index = pyo.Set(initialize=keys, dimen=len(keys[0]) if keys else 1, ordered=True)
        setattr(model, family.name + "_index", index)
        setattr(model, family.name, pyo.Constraint(index, rule=rule, doc=doc))
    return model
