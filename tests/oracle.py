"""Independent verification layer for the stockpile LP.

Written only from the contract (/work/shared/MODEL.md and WORKBOOK.md), never from the
project's model code: a second formulation of the same LP built directly as a sparse
matrix for highspy, an independent feasibility checker and an independent cost
recomputation.

Public functions:

* ``derive(inputs) -> Derived``: every model parameter, derived from the ``Inputs``.
* ``oracle_solve(inputs, **highs_options) -> OracleResult``: solve the LP with highspy.
* ``check_plan(inputs, plan, tol=1e-6, strict_keys=True) -> list[str]``: every
  violated constraint of families 1..10, every variable that must not exist, every
  negative value (empty list = feasible).
* ``plan_cost(inputs, plan) -> dict``: the five discounted parts and the objective.
* ``plan_from_result(result) -> dict``: a plan dict from a project ``SolveResult``.

A *plan* is a dict with keys ``buy`` {(s,t)}, ``ship`` {(s,m,l,t)}, ``surplus``
{(s,m,t)}, ``stock`` {(m,l,t)}, ``unmet`` {(d,m)}; missing keys mean 0.

Dual sign (``OracleResult.duals``): the change of the objective (discounted USD) per
unit increase of the row's data limit as written in MODEL.md, i.e. the limit after
moving every constant to the limit side. A stock target has a dual >= 0, a capacity or
budget a dual <= 0. Families 2 (source_capacity) and 10 (coverage_floor) are explicit
rows here, so their duals are row duals.

Readings chosen where MODEL.md leaves room (see also the report of this layer):

* Ship[s,m,l,t] exists for yield > 0, a route and l open in t, whether or not the
  source produces in t (cap 0 forces it to 0 through output_split and capacity).
* Surplus[s,m,t] exists for every output m of a co-product source and every year.
* Stock[m,l,t] exists for every material at every open site (even one no source can
  reach: it then carries initial stock only).
* Unmet[d,m] and rows 9, 10 exist only where need[d,m] > 0; an Unmet value given for a
  pair with need 0 must be 0 (coverage_floor with need 0).
* site_dispersion rows exist only for sites of the group that are open in t (a closed
  site has no Stock, the row would be 0 <= ...), and only in years with an open site.
* sourcing_rule rows exist for (r, m, t) when at least one Ship variable of m exists in
  t (any source, any site); the group part may then be empty (del_G = 0).
* need threshold: need < 1e-9 * (window demand before the multiplier) -> 0.
* The disruption cover stock term at start_d = t0 is the constant
  sum_l avail_d(l,m) * init[m,l] (moved to the limit side).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

from stockpile.data.inputs import Inputs

PART_KEYS = ("purchase_usd", "transport_usd", "holding_usd", "resale_usd", "shortfall_penalty_usd")
FAMILIES = (
    "output_split",
    "source_capacity",
    "stock_balance",
    "site_capacity",
    "stock_target",
    "budget",
    "sourcing_rule",
    "site_dispersion",
    "disruption_cover",
    "coverage_floor",
)
SOURCING_GROUP_TYPES = ("country", "bloc", "source_type", "source")
NEED_REL_EPS = 1e-9

Key = tuple[Any, ...]


# --------------------------------------------------------------------------- derivation


@dataclass
class SourcingRow:
    rule: str
    m: str
    t: int
    limit: str  # max_share | min_share
    share: float
    all_ship: list[Key]  # every Ship key of m in t
    group_ship: list[Key]  # those whose source matches the rule's group


@dataclass
class DispersionRow:
    rule: str
    m: str
    l: str
    t: int
    share: float
    open_sites: list[str]


@dataclass
class CoverRow:
    d: str
    m: str
    need: float
    const: float  # stock term at t0 - 1 from init (start_d = t0)
    stock_terms: list[tuple[Key, float]]  # ((m,l,start_d-1), avail)
    buy_terms: list[tuple[Key, float]]  # ((s,tau), avail*yield)


@dataclass
class Derived:
    """Every parameter of MODEL.md, derived from the inputs (my own derivation)."""

    t0: int
    years: list[int]
    materials: list[str]
    sources: list[str]
    sites: list[str]
    disruptions: list[str]
    yld: dict[tuple[str, str], float]  # (s,m) -> yield > 0
    outputs: dict[str, list[str]]  # s -> materials it yields
    coproduct: set[str]
    cap: dict[tuple[str, int], float]
    cost: dict[tuple[str, int], float]
    route: dict[tuple[str, str], float]
    site_first: dict[str, int]
    vol: dict[str, float]
    sitecap: dict[str, float]
    hold: dict[str, float]
    init: dict[tuple[str, str], float]
    resale: dict[str, float]
    target: dict[tuple[str, int], float]
    budget: dict[int, float]
    delta: dict[int, float]
    pen: dict[str, float]
    cov: dict[str, float]
    need_all: dict[tuple[str, str], float]  # every (d,m), 0 where below threshold
    unmet_weight: dict[tuple[str, str], float]  # prob[d] * delta_{start_d} * pen[m]
    buy_keys: list[Key]
    ship_keys: list[Key]
    surplus_keys: list[Key]
    stock_keys: list[Key]
    unmet_keys: list[Key]
    sourcing: list[SourcingRow]
    dispersion: list[DispersionRow]
    cover: list[CoverRow]

    def is_open(self, l: str, t: int) -> bool:
        return t >= self.site_first[l]

    def open_sites(self, t: int) -> list[str]:
        return [l for l in self.sites if self.is_open(l, t)]


def _num(x: Any) -> float:
    return float(x)


def derive(inputs: Inputs) -> Derived:
    st = inputs.settings
    t0, tn = int(st.start_year), int(st.end_year)
    years = list(range(t0, tn + 1))
    rate = _num(st.discount_rate or 0.0)
    delta = {t: (1.0 + rate) ** (-(t - t0)) for t in years}

    materials = [r.material for r in inputs.materials]
    bloc = {r.country: r.bloc for r in inputs.countries}
    src = {r.source: r for r in inputs.sources}
    sources = list(src)
    site_rec = {r.site: r for r in inputs.sites}
    sites = list(site_rec)

    yld: dict[tuple[str, str], float] = {}
    outputs: dict[str, list[str]] = {s: [] for s in sources}
    for r in inputs.source_outputs:
        y = _num(r.yield_t_per_unit)
        if y > 0:
            yld[(r.source, r.material)] = y
            outputs[r.source].append(r.material)
    n_rows = defaultdict(int)
    for r in inputs.source_outputs:
        n_rows[r.source] += 1
    coproduct = {s for s in sources if n_rows[s] >= 2}

    cap_override = {
        (r.source, int(r.year)): _num(r.capacity_units_per_yr) for r in inputs.source_capacity
    }
    cap: dict[tuple[str, int], float] = {}
    cost: dict[tuple[str, int], float] = {}
    for s, r in src.items():
        first = t0 if r.first_year is None else int(r.first_year)
        for t in years:
            if t < first:
                cap[(s, t)] = 0.0
            else:
                cap[(s, t)] = cap_override.get((s, t), _num(r.capacity_units_per_yr))
            cost[(s, t)] = _num(r.cost_usd_per_unit) * (1.0 + _num(r.cost_escalation_per_yr)) ** (
                t - t0
            )

    route = {(r.source, r.site): _num(r.cost_usd_per_t) for r in inputs.routes}
    site_first = {
        l: (t0 if r.first_year is None else int(r.first_year)) for l, r in site_rec.items()
    }
    vol = {r.material: _num(r.volume_m3_per_t) for r in inputs.materials}
    resale = {r.material: _num(r.resale_usd_per_t) for r in inputs.materials}
    pen = {r.material: _num(r.shortfall_penalty_usd_per_t) for r in inputs.materials}
    cov = {r.material: _num(r.min_coverage) for r in inputs.materials}
    sitecap = {l: _num(r.capacity_m3) for l, r in site_rec.items()}
    hold = {l: _num(r.holding_cost_usd_per_t_yr) for l, r in site_rec.items()}
    init = {(r.material, r.site): _num(r.stock_t) for r in inputs.initial_stock}
    target = {(r.material, int(r.year)): _num(r.min_stock_t) for r in inputs.targets}
    budget = {int(r.year): _num(r.budget_usd) for r in inputs.budget}

    def is_open(l: str, t: int) -> bool:
        return t >= site_first[l]

    # ---- variables
    buy_keys = [(s, t) for s in sources for t in years]
    ship_keys = [
        (s, m, l, t)
        for s in sources
        for m in outputs[s]
        for l in sites
        if (s, l) in route
        for t in years
        if is_open(l, t)
    ]
    surplus_keys = [(s, m, t) for s in sources if s in coproduct for m in outputs[s] for t in years]
    stock_keys = [(m, l, t) for m in materials for l in sites for t in years if is_open(l, t)]

    # ---- matching
    def source_matches(s: str, gtype: str, group: str) -> bool:
        r = src[s]
        if gtype == "source":
            return group == s
        if gtype == "source_type":
            return group == r.type
        if gtype == "country":
            return group == r.country
        if gtype == "bloc":
            return group == bloc.get(r.country)
        return False

    def country_matches(c: str, gtype: str, group: str) -> bool:
        if gtype == "country":
            return group == c
        if gtype == "bloc":
            return group == bloc.get(c)
        return False

    def site_matches(l: str, gtype: str, group: str) -> bool:
        return gtype == "site" and group in (l, "*")

    # ---- rules
    ship_by_mt: dict[tuple[str, int], list[Key]] = defaultdict(list)
    for k in ship_keys:
        ship_by_mt[(k[1], k[3])].append(k)
    sourcing: list[SourcingRow] = []
    dispersion: list[DispersionRow] = []
    for r in inputs.rules:
        mats = materials if r.material == "*" else [r.material]
        share = _num(r.share)
        if r.group_type in SOURCING_GROUP_TYPES:
            for m in mats:
                for t in years:
                    keys = ship_by_mt.get((m, t), [])
                    if not keys:
                        continue
                    grp = [k for k in keys if source_matches(k[0], r.group_type, r.group)]
                    sourcing.append(SourcingRow(r.rule, m, t, r.limit, share, list(keys), grp))
        elif r.group_type == "site":
            group_sites = sites if r.group == "*" else [r.group]
            for m in mats:
                for t in years:
                    op = [l for l in sites if is_open(l, t)]
                    for l in group_sites:
                        if is_open(l, t):
                            dispersion.append(DispersionRow(r.rule, m, l, t, share, op))

    # ---- disruptions
    disr = {r.disruption: r for r in inputs.disruptions}
    impacts: dict[str, list[Any]] = defaultdict(list)
    for r in inputs.disruption_impacts:
        impacts[r.disruption].append(r)

    def avail(d: str, m: str, matches: Any) -> float:
        vals = [
            _num(r.availability)
            for r in impacts[d]
            if r.material in (m, "*") and matches(r.group_type, r.group)
        ]
        return min(vals) if vals else 1.0

    demand: dict[tuple[str, int], float] = defaultdict(float)
    for r in inputs.demand:
        demand[(r.material, int(r.year))] += _num(r.demand_t)
    mix_raw: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for r in inputs.supply_mix:
        mix_raw[r.material].append((r.country, _num(r.share)))

    need_all: dict[tuple[str, str], float] = {}
    unmet_weight: dict[tuple[str, str], float] = {}
    cover: list[CoverRow] = []
    for d, rd in disr.items():
        start = int(rd.start_year)
        window = [t for t in range(start, start + int(rd.duration_years)) if t <= tn]
        mult = _num(rd.demand_multiplier)
        for m in materials:
            wd = sum(demand[(m, t)] for t in window)
            rows = mix_raw.get(m, [])
            total = sum(sh for _, sh in rows)
            surviving = 0.0
            if total > 0:
                for c, sh in rows:
                    a = avail(d, m, lambda gt, g, c=c: country_matches(c, gt, g))
                    surviving += (sh / total) * a
            need = wd * max(0.0, mult - surviving)
            if need < NEED_REL_EPS * wd or need <= 0:
                need = 0.0
            need_all[(d, m)] = need
            if need <= 0:
                continue
            unmet_weight[(d, m)] = _num(rd.probability) * delta[start] * pen[m]
            const = 0.0
            stock_terms: list[tuple[Key, float]] = []
            if start == t0:
                for l in sites:
                    if is_open(l, t0) and init.get((m, l), 0.0) != 0.0:
                        a = avail(d, m, lambda gt, g, l=l: site_matches(l, gt, g))
                        const += a * init[(m, l)]
            else:
                for l in sites:
                    if is_open(l, start - 1):
                        a = avail(d, m, lambda gt, g, l=l: site_matches(l, gt, g))
                        stock_terms.append(((m, l, start - 1), a))
            buy_terms: list[tuple[Key, float]] = []
            for s in sources:
                if (s, m) not in yld:
                    continue
                a = avail(d, m, lambda gt, g, s=s: source_matches(s, gt, g))
                for tau in window:
                    buy_terms.append(((s, tau), a * yld[(s, m)]))
            cover.append(CoverRow(d, m, need, const, stock_terms, buy_terms))

    return Derived(
        t0=t0,
        years=years,
        materials=materials,
        sources=sources,
        sites=sites,
        disruptions=list(disr),
        yld=yld,
        outputs=outputs,
        coproduct=coproduct,
        cap=cap,
        cost=cost,
        route=route,
        site_first=site_first,
        vol=vol,
        sitecap=sitecap,
        hold=hold,
        init=init,
        resale=resale,
        target=target,
        budget=budget,
        delta=delta,
        pen=pen,
        cov=cov,
        need_all=need_all,
        unmet_weight=unmet_weight,
        buy_keys=buy_keys,
        ship_keys=ship_keys,
        surplus_keys=surplus_keys,
        stock_keys=stock_keys,
        unmet_keys=[(c.d, c.m) for c in cover],
        sourcing=sourcing,
        dispersion=dispersion,
        cover=cover,
    )


# --------------------------------------------------------------------------- the LP


@dataclass
class OracleResult:
    status: str
    objective: float | None = None
    parts: dict[str, float] = field(default_factory=dict)
    buy: dict[Key, float] = field(default_factory=dict)
    ship: dict[Key, float] = field(default_factory=dict)
    surplus: dict[Key, float] = field(default_factory=dict)
    stock: dict[Key, float] = field(default_factory=dict)
    unmet: dict[Key, float] = field(default_factory=dict)
    #: family -> index -> dual (d objective / d data limit, see module doc)
    duals: dict[str, dict[Key, float]] = field(default_factory=dict)
    #: family -> index -> (body, lower, upper) with constants on the limit side
    rows: dict[str, dict[Key, tuple[float, float | None, float | None]]] = field(
        default_factory=dict
    )
    duals_target: dict[Key, float] = field(default_factory=dict)
    model_status: str = ""
    num_cols: int = 0
    num_rows: int = 0

    @property
    def plan(self) -> dict[str, dict[Key, float]]:
        return {
            "buy": self.buy,
            "ship": self.ship,
            "surplus": self.surplus,
            "stock": self.stock,
            "unmet": self.unmet,
        }


class _LpBuilder:
    def __init__(self) -> None:
        self.cols: dict[tuple[str, Key], int] = {}
        self.cost: list[float] = []
        self.part: list[str | None] = []
        self.row_start: list[int] = [0]
        self.row_index: list[int] = []
        self.row_value: list[float] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.row_meta: list[tuple[str, Key]] = []

    def col(self, var: str, key: Key, cost: float = 0.0, part: str | None = None) -> int:
        j = len(self.cost)
        self.cols[(var, key)] = j
        self.cost.append(cost)
        self.part.append(part)
        return j

    def row(
        self,
        family: str,
        key: Key,
        terms: Iterable[tuple[int, float]],
        lower: float | None,
        upper: float | None,
    ) -> None:
        acc: dict[int, float] = defaultdict(float)
        for j, a in terms:
            acc[j] += a
        for j, a in acc.items():
            if a != 0.0:
                self.row_index.append(j)
                self.row_value.append(a)
        self.row_start.append(len(self.row_index))
        self.row_lower.append(-highspy.kHighsInf if lower is None else lower)
        self.row_upper.append(highspy.kHighsInf if upper is None else upper)
        self.row_meta.append((family, key))


def _part_cost(dv: Derived) -> _LpBuilder:
    b = _LpBuilder()
    for s, t in dv.buy_keys:
        b.col("buy", (s, t), dv.delta[t] * dv.cost[(s, t)], "purchase_usd")
    for s, m, l, t in dv.ship_keys:
        b.col("ship", (s, m, l, t), dv.delta[t] * dv.route[(s, l)], "transport_usd")
    for s, m, t in dv.surplus_keys:
        b.col("surplus", (s, m, t), -dv.delta[t] * dv.resale[m], "resale_usd")
    for m, l, t in dv.stock_keys:
        b.col("stock", (m, l, t), dv.delta[t] * dv.hold[l], "holding_usd")
    for d, m in dv.unmet_keys:
        b.col("unmet", (d, m), dv.unmet_weight[(d, m)], "shortfall_penalty_usd")
    return b


def _build(dv: Derived) -> _LpBuilder:
    b = _part_cost(dv)
    c = b.cols

    ship_by_smt: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    ship_by_mlt: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    ship_by_t: dict[int, list[Key]] = defaultdict(list)
    for k in dv.ship_keys:
        s, m, l, t = k
        ship_by_smt[(s, m, t)].append(c[("ship", k)])
        ship_by_mlt[(m, l, t)].append(c[("ship", k)])
        ship_by_t[t].append(k)

    # 1 output_split: yield*Buy - sum_l Ship - Surplus = 0
    for s in dv.sources:
        for m in dv.outputs[s]:
            for t in dv.years:
                terms = [(c[("buy", (s, t))], dv.yld[(s, m)])]
                terms += [(j, -1.0) for j in ship_by_smt[(s, m, t)]]
                if s in dv.coproduct:
                    terms.append((c[("surplus", (s, m, t))], -1.0))
                b.row("output_split", (s, m, t), terms, 0.0, 0.0)
    # 2 source_capacity: Buy <= cap
    for s, t in dv.buy_keys:
        b.row("source_capacity", (s, t), [(c[("buy", (s, t))], 1.0)], None, dv.cap[(s, t)])
    # 3 stock_balance: Stock[t] - Stock[t-1] - sum Ship = init (t0) | 0
    for m, l, t in dv.stock_keys:
        terms = [(c[("stock", (m, l, t))], 1.0)]
        rhs = 0.0
        if t == dv.t0:
            rhs = dv.init.get((m, l), 0.0)
        elif dv.is_open(l, t - 1):
            terms.append((c[("stock", (m, l, t - 1))], -1.0))
        terms += [(j, -1.0) for j in ship_by_mlt[(m, l, t)]]
        b.row("stock_balance", (m, l, t), terms, rhs, rhs)
    # 4 site_capacity
    for l in dv.sites:
        for t in dv.years:
            if dv.is_open(l, t):
                terms = [(c[("stock", (m, l, t))], dv.vol[m]) for m in dv.materials]
                b.row("site_capacity", (l, t), terms, None, dv.sitecap[l])
    # 5 stock_target
    for (m, t), tgt in dv.target.items():
        terms = [(c[("stock", (m, l, t))], 1.0) for l in dv.open_sites(t)]
        b.row("stock_target", (m, t), terms, tgt, None)
    # 6 budget (undiscounted, escalated, no resale)
    for t, bud in dv.budget.items():
        terms = [(c[("buy", (s, t))], dv.cost[(s, t)]) for s in dv.sources]
        terms += [(c[("ship", k)], dv.route[(k[0], k[2])]) for k in ship_by_t[t]]
        terms += [
            (c[("stock", (m, l, t))], dv.hold[l]) for m in dv.materials for l in dv.open_sites(t)
        ]
        b.row("budget", (t,), terms, None, bud)
    # 7 sourcing_rule: del_G - share*del <= 0 (max) | >= 0 (min)
    for r in dv.sourcing:
        terms = [(c[("ship", k)], 1.0) for k in r.group_ship]
        terms += [(c[("ship", k)], -r.share) for k in r.all_ship]
        if r.limit == "max_share":
            b.row("sourcing_rule", (r.rule, r.m, r.t), terms, None, 0.0)
        else:
            b.row("sourcing_rule", (r.rule, r.m, r.t), terms, 0.0, None)
    # 8 site_dispersion: Stock[m,l,t] - share * sum_open Stock <= 0
    for r in dv.dispersion:
        terms = [(c[("stock", (r.m, r.l, r.t))], 1.0)]
        terms += [(c[("stock", (r.m, lp, r.t))], -r.share) for lp in r.open_sites]
        b.row("site_dispersion", (r.rule, r.m, r.l, r.t), terms, None, 0.0)
    # 9 disruption_cover
    for cr in dv.cover:
        terms = [(c[("stock", k)], a) for k, a in cr.stock_terms]
        terms += [(c[("buy", k)], a) for k, a in cr.buy_terms]
        terms.append((c[("unmet", (cr.d, cr.m))], 1.0))
        b.row("disruption_cover", (cr.d, cr.m), terms, cr.need - cr.const, None)
    # 10 coverage_floor
    for cr in dv.cover:
        b.row(
            "coverage_floor",
            (cr.d, cr.m),
            [(c[("unmet", (cr.d, cr.m))], 1.0)],
            None,
            (1.0 - dv.cov[cr.m]) * cr.need,
        )
    return b


_STATUS = {
    "kOptimal": "optimal",
    "kModelEmpty": "optimal",
    "kInfeasible": "infeasible",
    "kUnbounded": "unbounded",
}


def _run(b: _LpBuilder, options: Mapping[str, Any]) -> highspy.Highs:
    lp = highspy.HighsLp()
    n, nr = len(b.cost), len(b.row_lower)
    lp.num_col_ = n
    lp.num_row_ = nr
    lp.col_cost_ = np.array(b.cost, dtype=float)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.full(n, highspy.kHighsInf)
    lp.row_lower_ = np.array(b.row_lower, dtype=float)
    lp.row_upper_ = np.array(b.row_upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = nr
    lp.a_matrix_.start_ = np.array(b.row_start, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(b.row_index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(b.row_value, dtype=float)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for k, v in options.items():
        h.setOptionValue(k, v)
    h.passModel(lp)
    h.run()
    return h


def oracle_solve(inputs: Inputs, **highs_options: Any) -> OracleResult:
    """Solve the LP of MODEL.md, formulated independently, with highspy."""
    dv = derive(inputs)
    b = _build(dv)
    h = _run(b, highs_options)
    ms = h.getModelStatus()
    name = ms.name if hasattr(ms, "name") else str(ms).split(".")[-1]
    if name == "kUnboundedOrInfeasible":
        h = _run(b, {**highs_options, "presolve": "off"})
        ms = h.getModelStatus()
        name = ms.name if hasattr(ms, "name") else str(ms).split(".")[-1]
    status = _STATUS.get(name, "error")
    if name == "kTimeLimit":
        status = "time_limit"
    res = OracleResult(
        status=status, model_status=name, num_cols=len(b.cost), num_rows=len(b.row_lower)
    )
    if status != "optimal":
        return res

    sol = h.getSolution()
    x = list(sol.col_value) if len(b.cost) else []
    y = list(sol.row_dual) if len(b.row_lower) else []
    act = list(sol.row_value) if len(b.row_lower) else []
    for (var, key), j in b.cols.items():
        getattr(res, var)[key] = x[j]
    parts = dict.fromkeys(PART_KEYS, 0.0)
    for j, p in enumerate(b.part):
        if p is not None:
            parts[p] += abs(b.cost[j]) * x[j]
    res.parts = parts
    res.objective = (
        parts["purchase_usd"]
        + parts["transport_usd"]
        + parts["holding_usd"]
        - parts["resale_usd"]
        + parts["shortfall_penalty_usd"]
    )
    res.duals = {f: {} for f in FAMILIES}
    res.rows = {f: {} for f in FAMILIES}
    for i, (fam, key) in enumerate(b.row_meta):
        lo = None if b.row_lower[i] == -highspy.kHighsInf else b.row_lower[i]
        up = None if b.row_upper[i] == highspy.kHighsInf else b.row_upper[i]
        res.duals[fam][key] = y[i]
        res.rows[fam][key] = (act[i], lo, up)
    res.duals_target = dict(res.duals["stock_target"])
    return res


def model_rows(
    inputs: Inputs,
) -> dict[tuple[str, Key], tuple[dict[tuple[str, Key], float], float | None, float | None]]:
    """Every row of the oracle's LP: (family, index) -> (terms, lower, upper), where
    terms maps (variable, index) -> coefficient (variable names as in ``plan``)."""
    b = _build(derive(inputs))
    name_of = {j: vk for vk, j in b.cols.items()}
    out = {}
    for i, fk in enumerate(b.row_meta):
        lo, up = b.row_lower[i], b.row_upper[i]
        terms = {
            name_of[b.row_index[p]]: b.row_value[p]
            for p in range(b.row_start[i], b.row_start[i + 1])
        }
        out[fk] = (
            terms,
            None if lo == -highspy.kHighsInf else lo,
            None if up == highspy.kHighsInf else up,
        )
    return out


def row_is_trivial(terms: Mapping[Any, float], lower: float | None, upper: float | None) -> bool:
    """True when every nonnegative x satisfies the row (it constrains nothing)."""
    ok_up = upper is None or (upper >= 0 and all(a <= 0 for a in terms.values()))
    ok_lo = lower is None or (lower <= 0 and all(a >= 0 for a in terms.values()))
    return ok_up and ok_lo


def variable_keys(inputs: Inputs) -> dict[str, set[Key]]:
    """The index set of every variable of MODEL.md (plan names)."""
    dv = derive(inputs)
    return {
        "buy": set(dv.buy_keys),
        "ship": set(dv.ship_keys),
        "surplus": set(dv.surplus_keys),
        "stock": set(dv.stock_keys),
        "unmet": set(dv.unmet_keys),
    }


# --------------------------------------------------------------------------- checker


def _get(plan: Mapping[str, Mapping[Key, float]], var: str, key: Key) -> float:
    return float(plan.get(var, {}).get(key, 0.0) or 0.0)


def check_plan(
    inputs: Inputs,
    plan: Mapping[str, Mapping[Key, float]],
    tol: float = 1e-6,
    strict_keys: bool = True,
) -> list[str]:
    """Every violation of MODEL.md by ``plan`` (empty list = feasible).

    Relative tolerance ``tol`` scaled by max(1, |rhs|). With ``strict_keys`` a variable
    that must not exist is reported even when its value is 0.
    """
    dv = derive(inputs)
    out: list[str] = []

    def g(var: str, key: Key) -> float:
        return _get(plan, var, key)

    def le(name: str, lhs: float, rhs: float) -> None:
        if lhs - rhs > tol * max(1.0, abs(rhs)):
            out.append(f"{name}: {lhs:.9g} > {rhs:.9g}")

    def ge(name: str, lhs: float, rhs: float) -> None:
        if rhs - lhs > tol * max(1.0, abs(rhs)):
            out.append(f"{name}: {lhs:.9g} < {rhs:.9g}")

    def eq(name: str, lhs: float, rhs: float) -> None:
        if abs(lhs - rhs) > tol * max(1.0, abs(rhs)):
            out.append(f"{name}: {lhs:.9g} != {rhs:.9g}")

    # existence and nonnegativity
    allowed = {
        "buy": set(dv.buy_keys),
        "ship": set(dv.ship_keys),
        "surplus": set(dv.surplus_keys),
        "stock": set(dv.stock_keys),
        "unmet": {(d, m) for d in dv.disruptions for m in dv.materials},
    }
    for var, keys in allowed.items():
        for key, v in plan.get(var, {}).items():
            v = float(v or 0.0)
            if key not in keys and (strict_keys or abs(v) > tol):
                out.append(f"{var}{list(key)} must not exist (value {v:.9g})")
            if v < -tol:
                out.append(f"{var}{list(key)} negative: {v:.9g}")
    for var in plan:
        if var not in allowed:
            out.append(f"unknown variable family {var!r}")

    years = dv.years
    ship = {k: g("ship", k) for k in dv.ship_keys}
    stock = {k: g("stock", k) for k in dv.stock_keys}
    buy = {k: g("buy", k) for k in dv.buy_keys}

    by_smt: dict[Key, float] = defaultdict(float)
    by_mlt: dict[Key, float] = defaultdict(float)
    for (s, m, l, t), v in ship.items():
        by_smt[(s, m, t)] += v
        by_mlt[(m, l, t)] += v

    # 1 output split
    for s in dv.sources:
        for m in dv.outputs[s]:
            for t in years:
                out_t = by_smt[(s, m, t)]
                if s in dv.coproduct:
                    out_t += g("surplus", (s, m, t))
                eq(f"output_split[{s},{m},{t}]", dv.yld[(s, m)] * buy[(s, t)], out_t)
    # 2 source capacity
    for (s, t), v in buy.items():
        le(f"source_capacity[{s},{t}]", v, dv.cap[(s, t)])
    # 3 stock balance
    for m, l, t in dv.stock_keys:
        if t == dv.t0:
            prev = dv.init.get((m, l), 0.0)
        elif t == dv.site_first[l]:
            prev = 0.0
        else:
            prev = stock[(m, l, t - 1)]
        eq(f"stock_balance[{m},{l},{t}]", stock[(m, l, t)], prev + by_mlt[(m, l, t)])
    # 4 site capacity
    for l in dv.sites:
        for t in years:
            if dv.is_open(l, t):
                used = sum(dv.vol[m] * stock[(m, l, t)] for m in dv.materials)
                le(f"site_capacity[{l},{t}]", used, dv.sitecap[l])
    # 5 targets
    for (m, t), tgt in dv.target.items():
        total = sum(stock[(m, l, t)] for l in dv.sites if dv.is_open(l, t))
        ge(f"stock_target[{m},{t}]", total, tgt)
    # 6 budget
    for t, bud in dv.budget.items():
        spend = sum(dv.cost[(s, t)] * buy[(s, t)] for s in dv.sources)
        spend += sum(dv.route[(s, l)] * v for (s, _m, l, t2), v in ship.items() if t2 == t)
        spend += sum(dv.hold[l] * v for (_m, l, t2), v in stock.items() if t2 == t)
        le(f"budget[{t}]", spend, bud)
    # 7 sourcing rules, recomputed from the Rules sheet directly
    bloc = {r.country: r.bloc for r in inputs.countries}
    srec = {r.source: r for r in inputs.sources}

    def in_group(s: str, gt: str, grp: str) -> bool:
        r = srec[s]
        return {
            "source": s,
            "source_type": r.type,
            "country": r.country,
            "bloc": bloc.get(r.country),
        }[gt] == grp

    for r in inputs.rules:
        if r.group_type not in SOURCING_GROUP_TYPES:
            continue
        mats = dv.materials if r.material == "*" else [r.material]
        for m in mats:
            for t in years:
                keys = [k for k in ship if k[1] == m and k[3] == t]
                if not keys:
                    continue
                tot = sum(ship[k] for k in keys)
                grp = sum(ship[k] for k in keys if in_group(k[0], r.group_type, r.group))
                name = f"sourcing_rule[{r.rule},{m},{t}] ({r.limit} {r.share})"
                if r.limit == "max_share":
                    le(name, grp, float(r.share) * tot)
                else:
                    ge(name, grp, float(r.share) * tot)
    # 8 site dispersion
    for r in inputs.rules:
        if r.group_type != "site":
            continue
        mats = dv.materials if r.material == "*" else [r.material]
        group_sites = dv.sites if r.group == "*" else [r.group]
        for m in mats:
            for t in years:
                tot = sum(stock[(m, l, t)] for l in dv.sites if dv.is_open(l, t))
                for l in group_sites:
                    if dv.is_open(l, t):
                        le(
                            f"site_dispersion[{r.rule},{m},{l},{t}]",
                            stock[(m, l, t)],
                            float(r.share) * tot,
                        )
    # 9 cover, 10 coverage floor
    for cr in dv.cover:
        lhs = cr.const
        lhs += sum(a * stock[k] for k, a in cr.stock_terms)
        lhs += sum(a * buy[k] for k, a in cr.buy_terms)
        lhs += g("unmet", (cr.d, cr.m))
        ge(f"disruption_cover[{cr.d},{cr.m}]", lhs, cr.need)
    for d in dv.disruptions:
        for m in dv.materials:
            need = dv.need_all[(d, m)]
            le(f"coverage_floor[{d},{m}]", g("unmet", (d, m)), (1.0 - dv.cov[m]) * need)
    return out


def plan_cost(inputs: Inputs, plan: Mapping[str, Mapping[Key, float]]) -> dict[str, float]:
    """The five discounted parts of MODEL.md's objective and the objective itself,
    recomputed from the plan (every value given is priced, even one that must not
    exist, when its index can be priced)."""
    dv = derive(inputs)
    parts = dict.fromkeys(PART_KEYS, 0.0)
    for (s, t), v in plan.get("buy", {}).items():
        parts["purchase_usd"] += dv.delta[t] * dv.cost[(s, t)] * float(v)
    for (s, _m, l, t), v in plan.get("ship", {}).items():
        parts["transport_usd"] += dv.delta[t] * dv.route.get((s, l), 0.0) * float(v)
    for (_m, l, t), v in plan.get("stock", {}).items():
        parts["holding_usd"] += dv.delta[t] * dv.hold[l] * float(v)
    for (_s, m, t), v in plan.get("surplus", {}).items():
        parts["resale_usd"] += dv.delta[t] * dv.resale[m] * float(v)
    prob = {r.disruption: float(r.probability) for r in inputs.disruptions}
    start = {r.disruption: int(r.start_year) for r in inputs.disruptions}
    for (d, m), v in plan.get("unmet", {}).items():
        parts["shortfall_penalty_usd"] += prob[d] * dv.delta[start[d]] * dv.pen[m] * float(v)
    parts["objective_usd"] = (
        parts["purchase_usd"]
        + parts["transport_usd"]
        + parts["holding_usd"]
        - parts["resale_usd"]
        + parts["shortfall_penalty_usd"]
    )
    return parts


_VAR_OF = {"Buy": "buy", "Ship": "ship", "Surplus": "surplus", "Stock": "stock", "Unmet": "unmet"}


def plan_from_result(result: Any) -> dict[str, dict[Key, float]]:
    """The plan dicts of a project ``SolveResult`` (``.values[var][index]``)."""
    plan: dict[str, dict[Key, float]] = {v: {} for v in _VAR_OF.values()}
    for var, vals in (result.values or {}).items():
        name = _VAR_OF.get(var, var)
        plan.setdefault(name, {})
        for key, v in vals.items():
            k = tuple(key) if isinstance(key, tuple | list) else (key,)
            plan[name][k] = float(v if v is not None else math.nan)
    return plan


def rel_close(a: float, b: float, rel: float = 1e-6, scale: float = 0.0) -> bool:
    """|a - b| <= rel * max(1, |a|, |b|, scale)."""
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b), scale)
