"""Prototype: the same LP as stockpile.model.build_model, built faster.

Differences from src/stockpile/model (same components, names, indices, bounds):
- Variable data objects are looked up once into plain dicts (``Var.__getitem__`` costs
  ~3 us per call, ~2 s at size L) and every constraint body is a LinearExpression
  made from float coefficients and VarData lists: no operator overloading, no
  quicksum, no expression-tree growth.
- Bounds are plain floats in the (lower, body, upper) tuple form.
- Optionally (``capture=True``) every row is also recorded as (columns,
  coefficients, lower, upper) while it is built, so the LP can be handed to HiGHS
  without walking any Pyomo expression (see handover.py, path "capture").
- ``pyomo=False`` builds only those rows (no Pyomo component at all): the cost of
  the LP's numbers alone, the floor under any Pyomo-based build (path "rows").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from stockpile.data.params import Params
from stockpile.model.lp import make_lookups

INF = float("inf")
VARIABLES = ("Buy", "Ship", "Surplus", "Stock", "Unmet")


@dataclass
class RowStore:
    """Rows recorded while building: CSR arrays plus the Pyomo constraint of each row."""

    cols: dict[int, int] | None  # id(VarData) -> column; None: "vars" are columns
    columns: list  # VarData by column
    start: list[int] = field(default_factory=lambda: [0])
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    keys: list[tuple[str, tuple]] = field(default_factory=list)  # (family, index)

    def add(self, family, key, coefs, vars_, lo, up):
        cols = self.cols
        for c, v in zip(coefs, vars_, strict=True):
            if c != 0:
                self.index.append(v if cols is None else cols[id(v)])
                self.value.append(c)
        self.start.append(len(self.index))
        self.lower.append(-INF if lo is None else lo)
        self.upper.append(INF if up is None else up)
        self.keys.append((family, key))


def _lin(coefs, vars_):
    return LinearExpression(constant=0.0, linear_coefs=coefs, linear_vars=vars_)


def build_model_fast(p: Params, capture: bool = False, pyomo: bool = True):
    if not pyomo:
        return _build_rows_only(p)
    model = pyo.ConcreteModel(name="stockpile")
    model.params = p
    model.lookups = lk = make_lookups(p)

    model.MATERIALS = pyo.Set(initialize=p.MATERIALS, ordered=True, doc="materials m")
    model.SOURCES = pyo.Set(initialize=p.SOURCES, ordered=True, doc="supply sources s")
    model.SITES = pyo.Set(initialize=p.SITES, ordered=True, doc="storage sites l")
    model.YEARS = pyo.Set(initialize=p.YEARS, ordered=True, doc="planning years t")
    model.DISRUPTIONS = pyo.Set(initialize=p.DISRUPTIONS, ordered=True, doc="disruptions d")
    model.SHIP_INDEX = pyo.Set(initialize=p.ship_index, dimen=4, ordered=True)
    model.STOCK_INDEX = pyo.Set(initialize=p.stock_index, dimen=3, ordered=True)
    model.SURPLUS_INDEX = pyo.Set(initialize=p.surplus_index, dimen=3, ordered=True)
    model.NEED_INDEX = pyo.Set(initialize=list(p.need_t), dimen=2, ordered=True)

    nonneg = pyo.NonNegativeReals
    model.Buy = pyo.Var(model.SOURCES, model.YEARS, domain=nonneg, doc="[activity units]")
    model.Ship = pyo.Var(model.SHIP_INDEX, domain=nonneg, doc="[t]")
    model.Surplus = pyo.Var(model.SURPLUS_INDEX, domain=nonneg, doc="[t]")
    model.Stock = pyo.Var(model.STOCK_INDEX, domain=nonneg, doc="[t]")
    model.Unmet = pyo.Var(model.NEED_INDEX, domain=nonneg, doc="[t]")

    # One dict lookup per term instead of Var.__getitem__ (index normalisation).
    var = {name: dict(getattr(model, name).items()) for name in VARIABLES}
    store = None
    if capture:
        columns = [v for block in var.values() for v in block.values()]
        store = RowStore(cols={id(v): j for j, v in enumerate(columns)}, columns=columns)
    model.row_store = store

    def add_family(name, rows, doc):
        """rows: {index: (coefs, vars, lower, upper)} -> Constraint (+ captured rows)."""
        if store is not None:
            for key, (coefs, vars_, lo, up) in rows.items():
                store.add(name, key if isinstance(key, tuple) else (key,), coefs, vars_, lo, up)

        def rule(_m, *key):
            coefs, vars_, lo, up = rows[key if len(key) > 1 else key[0]]
            body = vars_[0] if len(vars_) == 1 and coefs[0] == 1 else _lin(coefs, vars_)
            return (lo, body, up)

        setattr(model, name, pyo.Constraint(list(rows), rule=rule, doc=doc))

    def add_parts(parts):
        for name, terms in parts.items():
            expr = _lin([c for c, _ in terms], [v for _, v in terms])
            setattr(model, name, pyo.Expression(expr=expr))
        model.total_cost = pyo.Objective(
            expr=model.purchase
            + model.transport
            + model.holding
            - model.resale
            + model.shortfall_penalty,
            sense=pyo.minimize,
        )
        if store is not None:
            _store_parts(store, parts, lambda v: store.cols[id(v)])

    _families(p, lk, var, add_family, add_parts)
    return model


@dataclass
class RowsOnly:
    """What path "rows" builds: numbers only, columns named by (variable, index)."""

    row_store: RowStore
    col_keys: list[tuple[str, tuple]]


def _build_rows_only(p: Params) -> RowsOnly:
    col_keys = [("Buy", (s, t)) for s in p.SOURCES for t in p.YEARS]
    col_keys += [("Ship", k) for k in p.ship_index]
    col_keys += [("Surplus", k) for k in p.surplus_index]
    col_keys += [("Stock", k) for k in p.stock_index]
    col_keys += [("Unmet", k) for k in p.need_t]
    var: dict[str, dict] = {name: {} for name in VARIABLES}
    for j, (name, key) in enumerate(col_keys):
        var[name][key] = j
    store = RowStore(cols=None, columns=col_keys)

    def add_family(name, rows, doc):
        for key, (coefs, cols, lo, up) in rows.items():
            store.add(name, key if isinstance(key, tuple) else (key,), coefs, cols, lo, up)

    def add_parts(parts):
        _store_parts(store, parts, lambda j: j)

    _families(p, make_lookups(p), var, add_family, add_parts)
    return RowsOnly(store, col_keys)


def _store_parts(store: RowStore, parts, col_of) -> None:
    cost = [0.0] * len(store.columns)
    for name, terms in parts.items():
        sign = -1.0 if name == "resale" else 1.0
        for c, v in terms:
            cost[col_of(v)] += sign * c
    store.cost = cost
    store.parts = {name: [(col_of(v), c) for c, v in terms] for name, terms in parts.items()}


def _families(p: Params, lk, var, add_family, add_parts) -> None:
    """Every family's rows as (coefs, vars, lower, upper); the same code for both modes
    (vars are VarData objects, or column numbers when building rows only)."""
    buy, ship, surplus = var["Buy"], var["Ship"], var["Surplus"]
    stock, unmet = var["Stock"], var["Unmet"]

    # --- objective --------------------------------------------------------------
    d_ = p.delta
    parts = {
        "purchase": [
            (d_[t] * p.cost_usd_per_unit[s, t], buy[s, t]) for s in p.SOURCES for t in p.YEARS
        ],
        "transport": [
            (d_[t] * p.route_usd_per_t[s, l], ship[s, m, l, t]) for (s, m, l, t) in p.ship_index
        ],
        "holding": [
            (d_[t] * p.holding_usd_per_t_yr[l], stock[m, l, t]) for (m, l, t) in p.stock_index
        ],
        "resale": [
            (d_[t] * p.resale_usd_per_t[m], surplus[s, m, t]) for (s, m, t) in p.surplus_index
        ],
    }
    start = {d.disruption: d.start_year for d in p.inputs.disruptions}
    parts["shortfall_penalty"] = [
        (p.probability[d] * d_[start[d]] * p.penalty_usd_per_t[m], unmet[d, m])
        for (d, m) in p.need_t
    ]
    add_parts(parts)

    # --- 1 output_split ------------------------------------------------------------
    surplus_keys = set(p.surplus_index)
    rows = {}
    for s, m, t in p.split_index:
        vs = [buy[s, t]]
        cs = [p.yield_t_per_unit[s, m]]
        ships = lk.ship_by_smt.get((s, m, t), ())
        vs += [ship[s, m, l, t] for l in ships]
        cs += [-1.0] * len(ships)
        if (s, m, t) in surplus_keys:
            vs.append(surplus[s, m, t])
            cs.append(-1.0)
        rows[s, m, t] = (cs, vs, 0.0, 0.0)
    add_family("output_split", rows, "output delivered or resold [t]")

    # --- 2 source_capacity ---------------------------------------------------------
    rows = {
        (s, t): ([1.0], [buy[s, t]], None, p.capacity_units[s, t])
        for s in p.SOURCES
        for t in p.YEARS
    }
    add_family("source_capacity", rows, "Buy <= capacity [units]")

    # --- 3 stock_balance -----------------------------------------------------------
    rows = {}
    for m, l, t in p.stock_index:
        before = p.stock_before(m, l, t)
        inflow = lk.ship_by_mlt.get((m, l, t), ())
        vs = [stock[m, l, t]]
        cs = [1.0]
        if before is None:
            vs.append(stock[m, l, t - 1])
            cs.append(-1.0)
            rhs = 0.0
        else:
            rhs = before
        vs += [ship[s, m, l, t] for s in inflow]
        cs += [-1.0] * len(inflow)
        rows[m, l, t] = (cs, vs, rhs, rhs)
    add_family("stock_balance", rows, "stock balance [t]")

    # --- 4 site_capacity -----------------------------------------------------------
    # Every material, zero volumes included: a row that limits nothing stays (dual 0).
    rows = {}
    for l in p.SITES:
        for t in p.YEARS:
            if p.is_open(l, t):
                rows[l, t] = (
                    [float(p.volume_m3_per_t[m]) for m in p.MATERIALS],
                    [stock[m, l, t] for m in p.MATERIALS],
                    None,
                    p.capacity_m3[l],
                )
    add_family("site_capacity", rows, "site space [m3]")

    # --- 5 stock_target ------------------------------------------------------------
    rows = {}
    for (m, t), target in p.target_t.items():
        sites = p.open_sites(t)
        rows[m, t] = ([1.0] * len(sites), [stock[m, l, t] for l in sites], target, None)
    add_family("stock_target", rows, "stock target [t]")

    # --- 6 budget --------------------------------------------------------------------
    ship_by_t = defaultdict(list)
    for key in p.ship_index:
        ship_by_t[key[3]].append(key)
    stock_by_t = defaultdict(list)
    for key in p.stock_index:
        stock_by_t[key[2]].append(key)
    rows = {}
    for t, cap in p.budget_usd.items():
        cs = [p.cost_usd_per_unit[s, t] for s in p.SOURCES]
        vs = [buy[s, t] for s in p.SOURCES]
        cs += [p.route_usd_per_t[k[0], k[2]] for k in ship_by_t[t]]
        vs += [ship[k] for k in ship_by_t[t]]
        cs += [p.holding_usd_per_t_yr[k[1]] for k in stock_by_t[t]]
        vs += [stock[k] for k in stock_by_t[t]]
        rows[t] = (cs, vs, None, cap)
    add_family("budget", rows, "yearly spend <= budget [USD]")

    # --- 7 sourcing_rule ---------------------------------------------------------------
    rows = {}
    for rule in p.inputs.rules:
        if rule.group_type == "site":
            continue
        in_group = {s: p.source_matches(s, rule.group_type, rule.group) for s in p.SOURCES}
        for m in p.rule_materials(rule.material):
            for t in p.YEARS:
                ships = lk.ship_by_mt.get((m, t))
                if not ships:
                    continue
                kept = [
                    ((1.0 if in_group[s] else 0.0) - rule.share, ship[s, m, l, t]) for s, l in ships
                ]
                lo, up = (None, 0.0) if rule.limit == "max_share" else (0.0, None)
                rows[rule.rule, m, t] = ([c for c, _ in kept], [v for _, v in kept], lo, up)
    add_family("sourcing_rule", rows, "share of deliveries from a group [t]")

    # --- 8 site_dispersion ---------------------------------------------------------
    rows = {}
    open_by_t = {t: p.open_sites(t) for t in p.YEARS}
    for rule in p.inputs.rules:
        if rule.group_type != "site":
            continue
        for m in p.rule_materials(rule.material):
            for t in p.YEARS:
                open_now = open_by_t[t]
                for l in open_now:
                    if rule.group not in ("*", l):
                        continue
                    kept = [
                        ((1.0 if k == l else 0.0) - rule.share, stock[m, k, t]) for k in open_now
                    ]
                    rows[rule.rule, m, l, t] = (
                        [c for c, _ in kept],
                        [v for _, v in kept],
                        None,
                        0.0,
                    )
    add_family("site_dispersion", rows, "share of a material's stock at one site [t]")

    # --- 9 disruption_cover ----------------------------------------------------------
    rows = {}
    for d, m in p.need_t:
        before = start[d] - 1
        cs, vs = [], []
        constant = 0.0
        for l in p.SITES:
            a = p.avail_site(d, l, m)
            if a == 0:
                continue
            if start[d] == p.t0:
                if p.is_open(l, p.t0):
                    constant += a * p.initial_stock_t.get((m, l), 0.0)
            elif p.is_open(l, before):
                cs.append(a)
                vs.append(stock[m, l, before])
        for s in p.SOURCES:
            y = p.yield_t_per_unit.get((s, m))
            if not y:
                continue
            a = p.avail_source(d, s, m)
            if a == 0:
                continue
            for tau in p.window[d]:
                cs.append(a * y)
                vs.append(buy[s, tau])
        cs.append(1.0)
        vs.append(unmet[d, m])
        rows[d, m] = (cs, vs, p.need_t[d, m] - constant, None)
    add_family("disruption_cover", rows, "disruption need covered [t]")

    # --- 10 coverage_floor ------------------------------------------------------------
    rows = {
        (d, m): ([1.0], [unmet[d, m]], None, (1 - p.min_coverage[m]) * p.need_t[d, m])
        for (d, m) in p.need_t
    }
    add_family("coverage_floor", rows, "minimum covered share [t]")
