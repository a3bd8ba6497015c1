"""build_model(params) -> ConcreteModel: sets, variables, objective, then every family."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyomo.environ as pyo

from stockpile.data.params import Params
from stockpile.model.constraints.disruption import add_coverage_floor, add_disruption_cover
from stockpile.model.constraints.money import add_budget
from stockpile.model.constraints.rules import add_site_dispersion, add_sourcing_rule
from stockpile.model.constraints.storage import (
    add_site_capacity,
    add_stock_balance,
    add_stock_target,
)
from stockpile.model.constraints.supply import add_output_split, add_source_capacity
from stockpile.model.objective import add_objective


@dataclass
class Lookups:
    """Sparse adjacency of the Ship variables, built once for every family."""

    ship_by_smt: dict[tuple[str, str, int], list[str]]  # (s,m,t) -> sites l
    ship_by_mlt: dict[tuple[str, str, int], list[str]]  # (m,l,t) -> sources s
    ship_by_mt: dict[tuple[str, int], list[tuple[str, str]]]  # (m,t) -> (s,l)


def _lookups(p: Params) -> Lookups:
    by_smt: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    by_mlt: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    by_mt: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
    for s, m, l, t in p.ship_index:
        by_smt[s, m, t].append(l)
        by_mlt[m, l, t].append(s)
        by_mt[m, t].append((s, l))
    return Lookups(by_smt, by_mlt, by_mt)


def build_model(p: Params) -> pyo.ConcreteModel:
    """The LP of MODEL.md for the given parameters (see ``stockpile.data.params``)."""
    model = pyo.ConcreteModel(name="stockpile")
    model.params = p
    model.lookups = _lookups(p)

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

    nonneg = pyo.NonNegativeReals
    model.Buy = pyo.Var(
        model.SOURCES,
        model.YEARS,
        domain=nonneg,
        doc="activity bought from source s in year t [activity units]",
    )
    model.Ship = pyo.Var(
        model.SHIP_INDEX, domain=nonneg, doc="output of s delivered into site l in year t [t]"
    )
    model.Surplus = pyo.Var(
        model.SURPLUS_INDEX,
        domain=nonneg,
        doc="co-product output not stockpiled, resold [t]",
    )
    model.Stock = pyo.Var(
        model.STOCK_INDEX, domain=nonneg, doc="stock of m at site l at the end of year t [t]"
    )
    model.Unmet = pyo.Var(
        model.NEED_INDEX, domain=nonneg, doc="need of disruption d for m not covered [t]"
    )

    add_objective(model)
    add_output_split(model)
    add_source_capacity(model)
    add_stock_balance(model)
    add_site_capacity(model)
    add_stock_target(model)
    add_budget(model)
    add_sourcing_rule(model)
    add_site_dispersion(model)
    add_disruption_cover(model)
    add_coverage_floor(model)
    return model
