"""Independent verification layer for the stockpile LP (MODEL.md, version 2).

Written only from the contract (/work/shared/MODEL.md and WORKBOOK.md), never from the
project's model or solver code: a second formulation of the same LP built directly as a
sparse matrix for highspy, an independent feasibility checker and an independent cost
recomputation. Inputs are read by attribute only (``getattr(record, name, default)``
for the version-2 columns), so any object shaped like ``stockpile.data.inputs.Inputs``
will do.

Public functions:

* ``derive(inputs) -> Derived``: every parameter of MODEL.md "Futures" and "Data"
  (prob[f], w(t), B_d, W_d, need_d[m,t], pmult, recovery, avail, A_d(s), expansion data)
  and the index set of every variable.
* ``oracle_solve(inputs, stress_resolve=True, **highs_options) -> OracleResult``:
  status, objective, the six parts (expected discounted values, each >= 0), E, the
  CVaR term, K[f] per future, every variable's value, every row's (body, lower, upper)
  and dual.
* ``check_plan(inputs, plan, tol=1e-6, strict_keys=True) -> list[str]``: every
  violated row of families 1..12 in the plan and in every future, every variable that
  must not exist, every negative value (empty list = feasible).
* ``plan_cost(inputs, plan) -> dict``: the six parts, E, K[f], the CVaR term and the
  objective, recomputed from a plan.
* ``plan_from_result(result) -> dict``: a plan dict from a project ``SolveResult``.
* ``future_min_cost(inputs, plan, d) -> float | None``: the least K[d] that the plan's
  trunk allows (the second solve MODEL.md asks for a probability-0 future).
* ``complete_plan(inputs, plan) -> dict | None``: the plan's trunk with every future's
  own decisions at their least K[d] (turns a peacetime witness into a full plan).
* ``model_rows``, ``variable_keys``, ``row_is_trivial``, ``rel_close``: helpers.

A *plan* is a dict of variable name -> {index tuple: value}; names are lower case:
``buy`` (s,t), ``ship`` (s,m,l,t), ``surplus`` (s,m,t), ``stock`` (m,l,t), ``expand``
(s,t) for the trunk; ``buyf`` (d,s,t), ``shipf`` (d,s,m,l,t), ``surplusf`` (d,s,m,t),
``stockf`` (d,m,l,t), ``expandf`` (d,s,t), ``release`` (d,m,l,t), ``unmet`` (d,m,t) for
the futures; ``eta`` {(): v} and ``z`` (f,) when risk_weight > 0. The project's names
(``Buy``, ``BuyF``, ``Release``, ``Eta``, ``Z``, ...) are accepted too (case is
ignored). Missing entries mean 0.

Rows (``OracleResult.rows`` / ``duals`` / ``model_rows``) are keyed by family and by the
index as MODEL.md writes it; a future's row has the disruption in front: (d, *index).
disruption_cover / coverage_floor are keyed (d, m, t); expansion_limit (s,) in the plan
and (d, s) in future d; risk (f,). Row orientation (decision terms on the left,
constants on the right, as the project states it):

* output_split       yield*Buy - sum_l Ship - Surplus = 0
* source_capacity    Buy - a * sum Expand <= a * cap
* stock_balance      Stock - factor * Stock_prev - sum_s Ship + Release = constant
* site_capacity      sum_m vol * Stock <= sitecap
* stock_target       sum_l Stock >= target
* budget             spend <= budget
* sourcing_rule      del_G - share * del <= 0 (max_share) | >= 0 (min_share)
* site_dispersion    Stock[l] - share * sum_l' Stock[l'] <= 0
* disruption_cover   sum_l Release + Unmet = need
* coverage_floor     Unmet <= (1 - cov) * need
* expansion_limit    sum Expand <= xmax
* risk               Z[f] - K[f] + Eta >= 0

Dual sign: d(minimised objective) / d(right-hand side) in expected discounted USD
(HiGHS's row dual of exactly these rows). Families 2, 10, 11 are explicit rows here.

Readings chosen where MODEL.md leaves room:

* Variables. Buy[s,t] exists for every source and year (before first_year the
  capacity row forces 0). Ship[s,m,l,t] exists for yield > 0, a route and l open in t,
  whether or not s produces in t. Surplus[s,m,t] exists for every output of a
  co-product source (two or more SourceOutputs rows) in every year. Stock[m,l,t]
  exists for every material at every site open in t. Expand[s,t] exists for
  xmax[s] > 0 in every year of the horizon. Future copies exist for t in B_d under the
  same conditions (ShipF also not when t in W_d and avail_d(l,m) = 0). Eta and Z[f]
  exist only when risk_weight > 0, Z for every future f (base included, even when its
  probability is 0).
* Rows that exist even when they constrain nothing: output_split for every output of
  every source in every year of a path; source_capacity for every (s,t) of a path;
  site_capacity for every open site-year of a path (also when every volume is 0);
  stock_target for every Targets row (also min_stock_t 0); budget for every Budget
  row in the plan and for every year of B_d with a Budget row in future d;
  expansion_limit only for xmax > 0; risk for every future. The project may leave out
  a row that constrains nothing (``row_is_trivial``); the tests allow that.
* sourcing_rule rows exist for (r, m, t) of a path when at least one Ship variable of m
  exists in that path's year t (the group part may be empty: del_G = 0).
  site_dispersion rows exist for the sites of the group that are open in t.
* "t after W_d" (families 7, 8 in future d) means t >= start_d + duration_d, using the
  uncut duration: a window cut at end_year leaves no year after it. Targets hold in
  future d for t >= start_d + duration_d + recovery (also uncut).
* Expand decided in tau adds capacity in year t when tau + lead[s] <= t and
  t >= first_year[s]. In future d the sum runs over the path: the plan's Expand for
  tau < start_d and ExpandF[d,.,tau] for tau >= start_d; with a = A_d(s) in W_d the
  added capacity is scaled by the availability too (a * (cap + added)).
* stock_balance prev: init[m,l] at t0 (a constant), 0 in the year a site opens after
  t0 (the year a site opens >= t0 is its first Stock year), else Stock[m,l,t-1] of the
  path. In future d at t = start_d the previous stock (the plan's, or init at t0) is
  multiplied by avail_d(l,m); a site opening in start_d starts at 0.
* need_d[m,t] = demand[m,t] * max(0, mult - sum_c mix[m,c] avail_d(c,m)); set to 0
  when below 1e-9 * demand[m,t] (demand 0: need 0). A material without SupplyMix rows
  has sum_c = 0 (its whole demand times mult is need). Only impact rows of group_type
  country or bloc reach avail_d(c,m): a source, source_type or site impact changes
  what survives, not the need.
* A site at availability 0 still has Release variables in the window (it is open; it
  simply has nothing left after the write-off) but no ShipF into it there.
* K[base] runs over the whole horizon, also the years after every disruption has
  started (then w(t) may be 0 and the plan's late decisions are arbitrary: that is the
  "future of probability 0" case of MODEL.md, here the base).
* prob[base] = max(0, 1 - sum_d prob[d]); w(t) = max(0, 1 - sum_{start_d <= t} prob[d]).
  E in the LP uses the w(t) form; plan_cost uses sum_f prob[f] K[f] (equal when
  sum_d prob[d] <= 1).
* "The CVaR term" (OracleResult.cvar, plan_cost ``cvar_usd``) is the unweighted
  conditional value at risk Eta + 1/(1 - alpha) sum_f prob[f] Z[f]; the objective is
  (1 - lambda) * E + lambda * cvar. plan_cost computes it exactly from K[f] (the least
  value over Eta), so it needs no Eta or Z.
* Parts: expected discounted values, each >= 0 (resale as income);
  E = purchase + transport + holding + investment - resale + shortfall_penalty.
* A probability-0 future's decisions are re-optimised after the solve with the plan
  fixed, minimising its own K[d] (``stress_resolve``; its risk row stays satisfied, as
  K[d] can only fall); the objective does not change and duals stay those of the main
  solve. ``OracleResult.cvar`` is Eta + 1/(1-alpha) sum prob Z at the optimum, which is
  the CVaR of its K[f] there.
* Eta is free, so the risk duals sum to lambda; each lies in [0, lambda prob[f]/(1-alpha)].
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

BASE = "base"
PART_KEYS = (
    "purchase_usd",
    "transport_usd",
    "holding_usd",
    "resale_usd",
    "shortfall_penalty_usd",
    "investment_usd",
)
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
    "expansion_limit",
    "risk",
)
PLAN_VARS = ("buy", "ship", "surplus", "stock", "expand")
FUTURE_VARS = ("buyf", "shipf", "surplusf", "stockf", "expandf", "release", "unmet")
RISK_VARS = ("eta", "z")
ALL_VARS = PLAN_VARS + FUTURE_VARS + RISK_VARS
#: the project's variable names (SolveResult.values)
PROJECT_NAMES = {
    "Buy": "buy",
    "Ship": "ship",
    "Surplus": "surplus",
    "Stock": "stock",
    "Expand": "expand",
    "BuyF": "buyf",
    "ShipF": "shipf",
    "SurplusF": "surplusf",
    "StockF": "stockf",
    "ExpandF": "expandf",
    "Release": "release",
    "Unmet": "unmet",
    "Eta": "eta",
    "Z": "z",
}
SOURCING_GROUP_TYPES = ("country", "bloc", "source_type", "source")
NEED_REL_EPS = 1e-9

Key = tuple[Any, ...]
Plan = Mapping[str, Mapping[Key, float]]


def _attr(rec: Any, name: str, default: Any) -> Any:
    v = getattr(rec, name, default)
    return default if v is None else v


# --------------------------------------------------------------------------- derivation


@dataclass
class Derived:
    """Every parameter of MODEL.md, derived from the inputs (my own derivation)."""

    t0: int
    tn: int
    years: list[int]
    materials: list[str]
    sources: list[str]
    sites: list[str]
    disruptions: list[str]
    futures: list[str]  # "base" first, then the disruptions
    yld: dict[tuple[str, str], float]
    outputs: dict[str, list[str]]
    coproduct: set[str]
    src_first: dict[str, int]
    cap: dict[tuple[str, int], float]
    cost: dict[tuple[str, int], float]
    xcost: dict[str, float]
    lead: dict[str, int]
    xmax: dict[str, float]
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
    demand: dict[tuple[str, int], float]
    mix: dict[tuple[str, str], float]  # rescaled to sum 1 per material
    prob: dict[str, float]  # every future, base included
    start: dict[str, int]
    duration: dict[str, int]
    mult: dict[str, float]
    pmult: dict[str, float]
    window: dict[str, list[int]]  # W_d, cut at end_year
    branch: dict[str, list[int]]  # B_d
    w: dict[int, float]
    recovery: int
    risk_weight: float
    cvar_level: float
    avail_site: dict[tuple[str, str, str], float]  # (d, l, m)
    avail_source: dict[tuple[str, str, str], float]  # (d, s, m)
    avail_country: dict[tuple[str, str, str], float]  # (d, c, m)
    A: dict[tuple[str, str], float]  # (d, s)
    need: dict[tuple[str, str, int], float]  # (d, m, t) for t in W_d (0 included)
    rules: list[Any]  # Rules records
    src_group: dict[str, dict[str, str]]  # s -> group_type -> its group value
    keys: dict[str, list[Key]]  # variable -> index list

    # -- helpers -------------------------------------------------------------------
    def is_open(self, l: str, t: int) -> bool:
        return t >= self.site_first[l]

    def open_sites(self, t: int) -> list[str]:
        return [l for l in self.sites if self.is_open(l, t)]

    def in_window(self, f: str, t: int) -> bool:
        return f != BASE and self.start[f] <= t < self.start[f] + self.duration[f]

    def after_window(self, f: str, t: int) -> bool:
        return f == BASE or t >= self.start[f] + self.duration[f]

    def targets_hold(self, f: str, t: int) -> bool:
        return f == BASE or t >= self.start[f] + self.duration[f] + self.recovery

    def path_years(self, f: str) -> list[int]:
        return self.years if f == BASE else self.branch[f]

    def pm(self, f: str, t: int) -> float:
        return self.pmult[f] if self.in_window(f, t) else 1.0

    def cap_avail(self, f: str, s: str, t: int) -> float:
        return self.A[(f, s)] if self.in_window(f, t) else 1.0

    def adds_capacity(self, s: str, tau: int, t: int) -> bool:
        """Expand[s,tau] produces in t."""
        return tau + self.lead[s] <= t and t >= self.src_first[s]

    def matches(self, s: str, group_type: str, group: str) -> bool:
        return self.src_group[s].get(group_type) == group

    # the same lists used as sets
    def keyset(self, var: str) -> set[Key]:
        return set(self.keys[var])


def derive(inputs: Any) -> Derived:
    st = inputs.settings
    t0, tn = int(st.start_year), int(st.end_year)
    years = list(range(t0, tn + 1))
    rate = float(_attr(st, "discount_rate", 0.0))
    recovery = int(_attr(st, "recovery_years", 2))
    risk_weight = float(_attr(st, "risk_weight", 0.0))
    cvar_level = float(_attr(st, "cvar_level", 0.9))

    materials = [r.material for r in inputs.materials]
    vol = {r.material: float(_attr(r, "volume_m3_per_t", 0.0)) for r in inputs.materials}
    pen = {
        r.material: float(_attr(r, "shortfall_penalty_usd_per_t", 0.0)) for r in inputs.materials
    }
    cov = {r.material: float(_attr(r, "min_coverage", 0.0)) for r in inputs.materials}
    resale = {r.material: float(_attr(r, "resale_usd_per_t", 0.0)) for r in inputs.materials}
    bloc = {r.country: r.bloc for r in inputs.countries}

    sources = [r.source for r in inputs.sources]
    src_first = {r.source: int(_attr(r, "first_year", t0)) for r in inputs.sources}
    xcost = {r.source: float(_attr(r, "expansion_cost_usd_per_unit", 0.0)) for r in inputs.sources}
    lead = {r.source: int(_attr(r, "expansion_lead_years", 0)) for r in inputs.sources}
    xmax = {r.source: float(_attr(r, "max_expansion_units", 0.0)) for r in inputs.sources}
    src_group = {
        r.source: {
            "source": r.source,
            "source_type": r.type,
            "country": r.country,
            "bloc": bloc.get(r.country, ""),
        }
        for r in inputs.sources
    }
    yld: dict[tuple[str, str], float] = {}
    outputs: dict[str, list[str]] = {s: [] for s in sources}
    for r in inputs.source_outputs:
        yld[(r.source, r.material)] = float(r.yield_t_per_unit)
        outputs[r.source].append(r.material)
    coproduct = {s for s in sources if len(outputs[s]) >= 2}
    cap_row = {
        (r.source, int(r.year)): float(r.capacity_units_per_yr) for r in inputs.source_capacity
    }
    cap: dict[tuple[str, int], float] = {}
    cost: dict[tuple[str, int], float] = {}
    for r in inputs.sources:
        s = r.source
        esc = float(_attr(r, "cost_escalation_per_yr", 0.0))
        for t in years:
            if t < src_first[s]:
                cap[(s, t)] = 0.0
            else:
                cap[(s, t)] = cap_row.get((s, t), float(r.capacity_units_per_yr))
            cost[(s, t)] = float(r.cost_usd_per_unit) * (1.0 + esc) ** (t - t0)

    sites = [r.site for r in inputs.sites]
    site_first = {r.site: int(_attr(r, "first_year", t0)) for r in inputs.sites}
    sitecap = {r.site: float(r.capacity_m3) for r in inputs.sites}
    hold = {r.site: float(_attr(r, "holding_cost_usd_per_t_yr", 0.0)) for r in inputs.sites}
    route = {(r.source, r.site): float(_attr(r, "cost_usd_per_t", 0.0)) for r in inputs.routes}
    init = {(r.material, r.site): float(r.stock_t) for r in inputs.initial_stock}
    target = {(r.material, int(r.year)): float(r.min_stock_t) for r in inputs.targets}
    budget = {int(r.year): float(r.budget_usd) for r in inputs.budget}
    delta = {t: (1.0 + rate) ** (-(t - t0)) for t in years}
    demand = {(r.material, int(r.year)): float(r.demand_t) for r in inputs.demand}
    mix_raw: dict[tuple[str, str], float] = {}
    mix_sum: dict[str, float] = defaultdict(float)
    for r in inputs.supply_mix:
        mix_raw[(r.material, r.country)] = float(r.share)
        mix_sum[r.material] += float(r.share)
    mix = {(m, c): v / mix_sum[m] for (m, c), v in mix_raw.items() if mix_sum[m] > 0}

    # futures
    disruptions = [r.disruption for r in inputs.disruptions]
    prob = {r.disruption: float(r.probability) for r in inputs.disruptions}
    prob[BASE] = max(0.0, 1.0 - sum(prob[d] for d in disruptions))
    start = {r.disruption: int(r.start_year) for r in inputs.disruptions}
    duration = {r.disruption: int(r.duration_years) for r in inputs.disruptions}
    mult = {r.disruption: float(_attr(r, "demand_multiplier", 1.0)) for r in inputs.disruptions}
    pmult = {r.disruption: float(_attr(r, "price_multiplier", 1.0)) for r in inputs.disruptions}
    window = {d: [t for t in years if start[d] <= t < start[d] + duration[d]] for d in disruptions}
    branch = {d: [t for t in years if t >= start[d]] for d in disruptions}
    w = {t: max(0.0, 1.0 - sum(prob[d] for d in disruptions if start[d] <= t)) for t in years}

    impacts: dict[str, list[Any]] = defaultdict(list)
    for r in inputs.disruption_impacts:
        impacts[r.disruption].append(r)

    def avail(d: str, m: str, hit: Any) -> float:
        a = 1.0
        for r in impacts[d]:
            if r.material in (m, "*") and hit(r.group_type, r.group):
                a = min(a, float(r.availability))
        return a

    avail_site: dict[tuple[str, str, str], float] = {}
    avail_source: dict[tuple[str, str, str], float] = {}
    avail_country: dict[tuple[str, str, str], float] = {}
    A: dict[tuple[str, str], float] = {}
    for d in disruptions:
        for m in materials:
            for l in sites:
                avail_site[(d, l, m)] = avail(
                    d, m, lambda gt, g, l=l: gt == "site" and g in (l, "*")
                )
            for s in sources:
                avail_source[(d, s, m)] = avail(
                    d, m, lambda gt, g, s=s: gt != "site" and src_group[s].get(gt) == g
                )
            for c in bloc:
                avail_country[(d, c, m)] = avail(
                    d,
                    m,
                    lambda gt, g, c=c: (
                        (gt == "country" and g == c) or (gt == "bloc" and g == bloc[c])
                    ),
                )
        for s in sources:
            A[(d, s)] = min((avail_source[(d, s, m)] for m in outputs[s]), default=1.0)

    need: dict[tuple[str, str, int], float] = {}
    for d in disruptions:
        for m in materials:
            normal = sum(v * avail_country[(d, c, mm)] for (mm, c), v in mix.items() if mm == m)
            for t in window[d]:
                dem = demand.get((m, t), 0.0)
                x = dem * max(0.0, mult[d] - normal)
                need[(d, m, t)] = 0.0 if x <= 0.0 or x < NEED_REL_EPS * dem else x

    # variable index sets
    def is_open(l: str, t: int) -> bool:
        return t >= site_first[l]

    keys: dict[str, list[Key]] = {v: [] for v in ALL_VARS}
    expandable = [s for s in sources if xmax[s] > 0]
    for t in years:
        for s in sources:
            keys["buy"].append((s, t))
            for m in outputs[s]:
                for l in sites:
                    if (s, l) in route and is_open(l, t):
                        keys["ship"].append((s, m, l, t))
                if s in coproduct:
                    keys["surplus"].append((s, m, t))
        for m in materials:
            for l in sites:
                if is_open(l, t):
                    keys["stock"].append((m, l, t))
        for s in expandable:
            keys["expand"].append((s, t))
    for d in disruptions:
        for t in branch[d]:
            in_w = t in window[d]
            for s in sources:
                keys["buyf"].append((d, s, t))
                for m in outputs[s]:
                    for l in sites:
                        if (s, l) in route and is_open(l, t):
                            if in_w and avail_site[(d, l, m)] == 0.0:
                                continue
                            keys["shipf"].append((d, s, m, l, t))
                    if s in coproduct:
                        keys["surplusf"].append((d, s, m, t))
            for m in materials:
                for l in sites:
                    if is_open(l, t):
                        keys["stockf"].append((d, m, l, t))
            for s in expandable:
                keys["expandf"].append((d, s, t))
            for m in materials:
                if in_w and need[(d, m, t)] > 0:
                    keys["unmet"].append((d, m, t))
                    for l in sites:
                        if is_open(l, t):
                            keys["release"].append((d, m, l, t))
    if risk_weight > 0:
        keys["eta"].append(())
        keys["z"] = [(f,) for f in [BASE, *disruptions]]

    return Derived(
        t0=t0,
        tn=tn,
        years=years,
        materials=materials,
        sources=sources,
        sites=sites,
        disruptions=disruptions,
        futures=[BASE, *disruptions],
        yld=yld,
        outputs=outputs,
        coproduct=coproduct,
        src_first=src_first,
        cap=cap,
        cost=cost,
        xcost=xcost,
        lead=lead,
        xmax=xmax,
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
        demand=demand,
        mix=mix,
        prob=prob,
        start=start,
        duration=duration,
        mult=mult,
        pmult=pmult,
        window=window,
        branch=branch,
        w=w,
        recovery=recovery,
        risk_weight=risk_weight,
        cvar_level=cvar_level,
        avail_site=avail_site,
        avail_source=avail_source,
        avail_country=avail_country,
        A=A,
        need=need,
        rules=list(inputs.rules),
        src_group=src_group,
        keys=keys,
    )


# --------------------------------------------------------------------------- the LP


@dataclass
class OracleResult:
    status: str
    objective: float | None = None
    #: the six parts, expected discounted values, each >= 0
    parts: dict[str, float] = field(default_factory=dict)
    expected_cost: float | None = None  # E
    cvar: float | None = None  # Eta + 1/(1-alpha) sum prob Z (risk_weight > 0)
    K: dict[str, float] = field(default_factory=dict)  # cost of each whole future
    prob: dict[str, float] = field(default_factory=dict)
    #: variable (lower-case name) -> index -> value
    values: dict[str, dict[Key, float]] = field(default_factory=dict)
    #: family -> index -> dual (d objective / d right-hand side)
    duals: dict[str, dict[Key, float]] = field(default_factory=dict)
    #: family -> index -> (body, lower, upper) with constants on the limit side
    rows: dict[str, dict[Key, tuple[float, float | None, float | None]]] = field(
        default_factory=dict
    )
    model_status: str = ""
    num_cols: int = 0
    num_rows: int = 0
    highs_objective: float | None = None

    @property
    def plan(self) -> dict[str, dict[Key, float]]:
        return {v: dict(self.values.get(v, {})) for v in ALL_VARS}

    @property
    def duals_target(self) -> dict[Key, float]:
        return dict(self.duals.get("stock_target", {}))

    def __getattr__(self, name: str) -> Any:
        # res.buy, res.stockf, res.release, ... (values of one variable)
        if name in ALL_VARS:
            return self.values.get(name, {})
        raise AttributeError(name)


class _LpBuilder:
    def __init__(self) -> None:
        self.cols: dict[tuple[str, Key], int] = {}
        self.col_owner: list[str] = []  # future that owns the column (base: the plan)
        self.col_lower: list[float] = []
        self.cost: list[float] = []
        self.ecoef: list[float] = []  # coefficient in E
        self.part: list[str | None] = []
        self.row_start: list[int] = [0]
        self.row_index: list[int] = []
        self.row_value: list[float] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.row_meta: list[tuple[str, Key]] = []
        self.row_owner: list[str] = []
        self.kexpr: dict[str, dict[int, float]] = {}

    def col(self, var: str, key: Key, owner: str, lower: float = 0.0) -> int:
        j = len(self.cost)
        self.cols[(var, key)] = j
        self.col_owner.append(owner)
        self.col_lower.append(lower)
        self.cost.append(0.0)
        self.ecoef.append(0.0)
        self.part.append(None)
        return j

    def row(
        self,
        family: str,
        key: Key,
        owner: str,
        terms: Iterable[tuple[int | None, float]],
        lower: float | None,
        upper: float | None,
    ) -> None:
        acc: dict[int, float] = defaultdict(float)
        for j, a in terms:
            if j is not None:
                acc[j] += a
        for j, a in acc.items():
            if a != 0.0:
                self.row_index.append(j)
                self.row_value.append(a)
        self.row_start.append(len(self.row_index))
        self.row_lower.append(-highspy.kHighsInf if lower is None else lower)
        self.row_upper.append(highspy.kHighsInf if upper is None else upper)
        self.row_meta.append((family, key))
        self.row_owner.append(owner)


_PART_OF = {
    "buy": "purchase_usd",
    "ship": "transport_usd",
    "stock": "holding_usd",
    "surplus": "resale_usd",
    "expand": "investment_usd",
    "unmet": "shortfall_penalty_usd",
}


def _build(dv: Derived) -> _LpBuilder:
    b = _LpBuilder()
    c = b.cols
    for var in PLAN_VARS:
        for k in dv.keys[var]:
            b.col(var, k, BASE)
    for var in FUTURE_VARS:
        for k in dv.keys[var]:
            b.col(var, k, k[0])
    for k in dv.keys["eta"]:
        b.col("eta", k, BASE, lower=-highspy.kHighsInf)
    for k in dv.keys["z"]:
        b.col("z", k, k[0])

    def pc(f: str, var: str, key: Key) -> int | None:
        """Column of X_f[key] (t = key[-1]): the plan's before start_f, else f's own."""
        if f == BASE or key[-1] < dv.start[f]:
            return c.get((var, key))
        return c.get((var + "f", (f, *key)))

    ship_by_t: dict[int, list[Key]] = defaultdict(list)
    for k in dv.keys["ship"]:
        ship_by_t[k[3]].append(k)

    def year_cost(f: str, t: int) -> list[tuple[int | None, float, str]]:
        """C_f(t) as (column, coefficient, plan variable name)."""
        out: list[tuple[int | None, float, str]] = []
        pm = dv.pm(f, t)
        for s in dv.sources:
            out.append((pc(f, "buy", (s, t)), pm * dv.cost[(s, t)], "buy"))
            if dv.xmax[s] > 0:
                out.append((pc(f, "expand", (s, t)), dv.xcost[s], "expand"))
            if s in dv.coproduct:
                for m in dv.outputs[s]:
                    out.append((pc(f, "surplus", (s, m, t)), -dv.resale[m], "surplus"))
        for s, m, l, _ in ship_by_t[t]:
            out.append((pc(f, "ship", (s, m, l, t)), dv.route[(s, l)], "ship"))
        for m in dv.materials:
            for l in dv.open_sites(t):
                out.append((pc(f, "stock", (m, l, t)), dv.hold[l], "stock"))
        if dv.in_window(f, t):
            for m in dv.materials:
                out.append((c.get(("unmet", (f, m, t))), dv.pen[m], "unmet"))
        return out

    # objective: E with w(t) and prob[d]; K[f] along each path
    lam, alpha = dv.risk_weight, dv.cvar_level
    for t in dv.years:
        for j, a, var in year_cost(BASE, t):
            if j is not None:
                b.ecoef[j] += dv.delta[t] * dv.w[t] * a
                b.part[j] = _PART_OF[var]
    for d in dv.disruptions:
        for t in dv.branch[d]:
            for j, a, var in year_cost(d, t):
                if j is not None:
                    b.ecoef[j] += dv.prob[d] * dv.delta[t] * a
                    b.part[j] = _PART_OF[var]
    for f in dv.futures:
        kx: dict[int, float] = defaultdict(float)
        for t in dv.years:
            for j, a, _ in year_cost(f, t):
                if j is not None:
                    kx[j] += dv.delta[t] * a
        b.kexpr[f] = dict(kx)
    for j, e in enumerate(b.ecoef):
        b.cost[j] = (1.0 - lam) * e
    if lam > 0:
        b.cost[c[("eta", ())]] += lam
        for f in dv.futures:
            b.cost[c[("z", (f,))]] += lam / (1.0 - alpha) * dv.prob[f]

    for f in dv.futures:
        _path_rows(b, dv, f, pc, ship_by_t)
    # 12 risk: Z[f] - K[f] + Eta >= 0
    if lam > 0:
        for f in dv.futures:
            terms: list[tuple[int | None, float]] = [(c[("z", (f,))], 1.0), (c[("eta", ())], 1.0)]
            terms += [(j, -a) for j, a in b.kexpr[f].items()]
            b.row("risk", (f,), f, terms, 0.0, None)
    return b


def _path_rows(b: _LpBuilder, dv: Derived, f: str, pc: Any, ship_by_t: Any) -> None:
    """Families 1-11 of one path (the plan, or future d over B_d)."""
    c = b.cols
    pre: Key = () if f == BASE else (f,)
    years = dv.path_years(f)

    def row(fam: str, key: Key, terms: Any, lo: float | None, up: float | None) -> None:
        b.row(fam, pre + key, f, terms, lo, up)

    def ship_cols(t: int, pred: Any) -> list[int]:
        out = []
        for k in ship_by_t[t]:
            if pred(k):
                j = pc(f, "ship", k)
                if j is not None:
                    out.append(j)
        return out

    for t in years:
        # 1 output_split
        for s in dv.sources:
            for m in dv.outputs[s]:
                terms = [(pc(f, "buy", (s, t)), dv.yld[(s, m)])]
                terms += [(j, -1.0) for j in ship_cols(t, lambda k, s=s, m=m: k[:2] == (s, m))]
                if s in dv.coproduct:
                    terms.append((pc(f, "surplus", (s, m, t)), -1.0))
                row("output_split", (s, m, t), terms, 0.0, 0.0)
        # 2 source_capacity
        for s in dv.sources:
            a = dv.cap_avail(f, s, t)
            terms = [(pc(f, "buy", (s, t)), 1.0)]
            if dv.xmax[s] > 0:
                terms += [
                    (pc(f, "expand", (s, tau)), -a)
                    for tau in dv.years
                    if dv.adds_capacity(s, tau, t)
                ]
            row("source_capacity", (s, t), terms, None, a * dv.cap[(s, t)])
        # 3 stock_balance
        for m in dv.materials:
            for l in dv.open_sites(t):
                factor = dv.avail_site[(f, l, m)] if f != BASE and t == dv.start[f] else 1.0
                terms = [(pc(f, "stock", (m, l, t)), 1.0)]
                rhs = 0.0
                if t == dv.t0:
                    rhs = factor * dv.init.get((m, l), 0.0)
                elif dv.is_open(l, t - 1):
                    terms.append((pc(f, "stock", (m, l, t - 1)), -factor))
                terms += [(j, -1.0) for j in ship_cols(t, lambda k, m=m, l=l: k[1:3] == (m, l))]
                if f != BASE:
                    terms.append((c.get(("release", (f, m, l, t))), 1.0))
                row("stock_balance", (m, l, t), terms, rhs, rhs)
        # 4 site_capacity
        for l in dv.open_sites(t):
            terms = [(pc(f, "stock", (m, l, t)), dv.vol[m]) for m in dv.materials]
            row("site_capacity", (l, t), terms, None, dv.sitecap[l])
        # 5 stock_target
        if dv.targets_hold(f, t):
            for m in dv.materials:
                if (m, t) in dv.target:
                    terms = [(pc(f, "stock", (m, l, t)), 1.0) for l in dv.open_sites(t)]
                    row("stock_target", (m, t), terms, dv.target[(m, t)], None)
        # 6 budget
        if t in dv.budget:
            pm = dv.pm(f, t)
            terms = []
            for s in dv.sources:
                terms.append((pc(f, "buy", (s, t)), pm * dv.cost[(s, t)]))
                if dv.xmax[s] > 0:
                    terms.append((pc(f, "expand", (s, t)), dv.xcost[s]))
            terms += [(pc(f, "ship", k), dv.route[(k[0], k[2])]) for k in ship_by_t[t]]
            terms += [
                (pc(f, "stock", (m, l, t)), dv.hold[l])
                for m in dv.materials
                for l in dv.open_sites(t)
            ]
            row("budget", (t,), terms, None, dv.budget[t])
        # 7 sourcing_rule, 8 site_dispersion (in a future only after its window)
        if dv.after_window(f, t):
            for r in dv.rules:
                mats = dv.materials if r.material == "*" else [r.material]
                share = float(r.share)
                if r.group_type in SOURCING_GROUP_TYPES:
                    for m in mats:
                        every = ship_cols(t, lambda k, m=m: k[1] == m)
                        if not every:
                            continue
                        grp = ship_cols(
                            t,
                            lambda k, m=m, r=r: (
                                k[1] == m and dv.matches(k[0], r.group_type, r.group)
                            ),
                        )
                        terms = [(j, 1.0) for j in grp] + [(j, -share) for j in every]
                        key = (r.rule, m, t)
                        if r.limit == "max_share":
                            row("sourcing_rule", key, terms, None, 0.0)
                        else:
                            row("sourcing_rule", key, terms, 0.0, None)
                elif r.group_type == "site":
                    opened = dv.open_sites(t)
                    group = opened if r.group == "*" else [x for x in opened if x == r.group]
                    for m in mats:
                        for l in group:
                            terms = [(pc(f, "stock", (m, l, t)), 1.0)]
                            terms += [(pc(f, "stock", (m, lp, t)), -share) for lp in opened]
                            row("site_dispersion", (r.rule, m, l, t), terms, None, 0.0)
        # 9 disruption_cover, 10 coverage_floor
        if dv.in_window(f, t):
            for m in dv.materials:
                need = dv.need[(f, m, t)]
                if need <= 0:
                    continue
                terms = [(c[("release", (f, m, l, t))], 1.0) for l in dv.open_sites(t)]
                terms.append((c[("unmet", (f, m, t))], 1.0))
                b.row("disruption_cover", (f, m, t), f, terms, need, need)
                b.row(
                    "coverage_floor",
                    (f, m, t),
                    f,
                    [(c[("unmet", (f, m, t))], 1.0)],
                    None,
                    (1.0 - dv.cov[m]) * need,
                )
    # 11 expansion_limit over the path
    for s in dv.sources:
        if dv.xmax[s] > 0:
            terms = [(pc(f, "expand", (s, tau)), 1.0) for tau in dv.years]
            row("expansion_limit", (s,), terms, None, dv.xmax[s])


_STATUS = {
    "kOptimal": "optimal",
    "kModelEmpty": "optimal",
    "kInfeasible": "infeasible",
    "kUnbounded": "unbounded",
}


def _run_lp(
    cost: list[float],
    col_lower: list[float],
    col_upper: list[float] | None,
    row_start: list[int],
    row_index: list[int],
    row_value: list[float],
    row_lower: list[float],
    row_upper: list[float],
    options: Mapping[str, Any],
) -> highspy.Highs:
    lp = highspy.HighsLp()
    n, nr = len(cost), len(row_lower)
    lp.num_col_ = n
    lp.num_row_ = nr
    lp.col_cost_ = np.array(cost, dtype=float)
    lp.col_lower_ = np.array(col_lower, dtype=float)
    lp.col_upper_ = (
        np.full(n, highspy.kHighsInf) if col_upper is None else np.array(col_upper, dtype=float)
    )
    lp.row_lower_ = np.array(row_lower, dtype=float)
    lp.row_upper_ = np.array(row_upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = nr
    lp.a_matrix_.start_ = np.array(row_start, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(row_index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(row_value, dtype=float)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for k, v in options.items():
        h.setOptionValue(k, v)
    h.passModel(lp)
    h.run()
    return h


def _status_name(h: highspy.Highs) -> str:
    ms = h.getModelStatus()
    return ms.name if hasattr(ms, "name") else str(ms).split(".")[-1]


def _solve_builder(b: _LpBuilder, options: Mapping[str, Any]) -> tuple[highspy.Highs, str]:
    args = (b.row_start, b.row_index, b.row_value, b.row_lower, b.row_upper)
    h = _run_lp(b.cost, b.col_lower, None, *args, options)
    name = _status_name(h)
    if name == "kUnboundedOrInfeasible":
        h = _run_lp(b.cost, b.col_lower, None, *args, {**options, "presolve": "off"})
        name = _status_name(h)
    return h, name


def _resolve_future(
    b: _LpBuilder, f: str, x: list[float], options: Mapping[str, Any]
) -> list[float] | None:
    """Future f's own columns re-optimised with everything else fixed at x, minimising
    K[f] (its rows only; the risk row is left out: a lower K[f] keeps it satisfied)."""
    risk = _risk_cols(b)
    own = [j for j, o in enumerate(b.col_owner) if o == f and j not in risk]
    pos = {j: i for i, j in enumerate(own)}
    start, index, value, lower, upper = [0], [], [], [], []
    for i, (fam, _key) in enumerate(b.row_meta):
        if b.row_owner[i] != f or fam == "risk":
            continue
        const = 0.0
        for p in range(b.row_start[i], b.row_start[i + 1]):
            j = b.row_index[p]
            if j in pos:
                index.append(pos[j])
                value.append(b.row_value[p])
            else:
                const += b.row_value[p] * x[j]
        start.append(len(index))
        lower.append(b.row_lower[i] - const)
        upper.append(b.row_upper[i] - const)
    cost = [b.kexpr[f].get(j, 0.0) for j in own]
    h = _run_lp(cost, [0.0] * len(own), None, start, index, value, lower, upper, options)
    if _status_name(h) not in ("kOptimal", "kModelEmpty"):
        return None
    y = list(h.getSolution().col_value) if own else []
    out = list(x)
    for j, i in pos.items():
        out[j] = y[i]
    return out


def _risk_cols(b: _LpBuilder) -> set[int]:
    return {j for (var, _k), j in b.cols.items() if var in RISK_VARS}


def oracle_solve(inputs: Any, stress_resolve: bool = True, **highs_options: Any) -> OracleResult:
    """Solve the LP of MODEL.md, formulated independently, with highspy."""
    dv = derive(inputs)
    b = _build(dv)
    h, name = _solve_builder(b, highs_options)
    status = _STATUS.get(name, "error")
    if name == "kTimeLimit":
        status = "time_limit"
    res = OracleResult(
        status=status,
        model_status=name,
        num_cols=len(b.cost),
        num_rows=len(b.row_lower),
        prob={f: dv.prob[f] for f in dv.futures},
    )
    if status != "optimal":
        return res

    sol = h.getSolution()
    x = list(sol.col_value) if b.cost else []
    y = list(sol.row_dual) if b.row_lower else []
    res.highs_objective = float(h.getInfo().objective_function_value)
    if stress_resolve:
        for d in dv.disruptions:
            if dv.prob[d] == 0.0:
                x = _resolve_future(b, d, x, highs_options) or x

    res.values = {v: {} for v in ALL_VARS}
    for (var, key), j in b.cols.items():
        res.values[var][key] = x[j]
    parts = dict.fromkeys(PART_KEYS, 0.0)
    for j, p in enumerate(b.part):
        if p is not None:
            parts[p] += abs(b.ecoef[j]) * x[j]
    res.parts = parts
    res.expected_cost = _e_of(parts)
    res.K = {f: sum(a * x[j] for j, a in b.kexpr[f].items()) for f in dv.futures}
    res.objective = res.expected_cost
    if dv.risk_weight > 0:
        eta = x[b.cols[("eta", ())]]
        zsum = sum(dv.prob[f] * x[b.cols[("z", (f,))]] for f in dv.futures)
        res.cvar = eta + zsum / (1.0 - dv.cvar_level)
        res.objective = (1.0 - dv.risk_weight) * res.expected_cost + dv.risk_weight * res.cvar
    res.duals = {f: {} for f in FAMILIES}
    res.rows = {f: {} for f in FAMILIES}
    for i, (fam, key) in enumerate(b.row_meta):
        lo = None if b.row_lower[i] == -highspy.kHighsInf else b.row_lower[i]
        up = None if b.row_upper[i] == highspy.kHighsInf else b.row_upper[i]
        body = sum(
            b.row_value[p] * x[b.row_index[p]] for p in range(b.row_start[i], b.row_start[i + 1])
        )
        res.duals[fam][key] = y[i]
        res.rows[fam][key] = (body, lo, up)
    return res


def _e_of(parts: Mapping[str, float]) -> float:
    return (
        parts["purchase_usd"]
        + parts["transport_usd"]
        + parts["holding_usd"]
        + parts["investment_usd"]
        - parts["resale_usd"]
        + parts["shortfall_penalty_usd"]
    )


def model_rows(
    inputs: Any,
) -> dict[tuple[str, Key], tuple[dict[tuple[str, Key], float], float | None, float | None]]:
    """Every row of the oracle's LP: (family, index) -> (terms, lower, upper), where
    terms maps (variable, index) -> coefficient (lower-case variable names)."""
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
    if any(k[0] == "eta" for k in terms if isinstance(k, tuple)):
        return False
    ok_up = upper is None or (upper >= 0 and all(a <= 0 for a in terms.values()))
    ok_lo = lower is None or (lower <= 0 and all(a >= 0 for a in terms.values()))
    return ok_up and ok_lo


def variable_keys(inputs: Any) -> dict[str, set[Key]]:
    """The index set of every variable of MODEL.md (lower-case names)."""
    dv = derive(inputs)
    return {v: set(dv.keys[v]) for v in ALL_VARS}


# --------------------------------------------------------------------------- plans


def normalize_plan(plan: Plan) -> dict[str, dict[Key, float]]:
    """Lower-case variable names (project names accepted), tuple keys, float values."""
    out: dict[str, dict[Key, float]] = {}
    for var, vals in plan.items():
        name = PROJECT_NAMES.get(var, var.lower())
        d = out.setdefault(name, {})
        for key, v in (vals or {}).items():
            k = tuple(key) if isinstance(key, tuple | list) else (key,)
            d[k] = float(v) if v is not None else math.nan
    return out


def plan_from_result(result: Any) -> dict[str, dict[Key, float]]:
    """The plan dict of a project ``SolveResult`` (``.values[var][index]``)."""
    plan = normalize_plan(result.values or {})
    for v in ALL_VARS:
        plan.setdefault(v, {})
    return plan


# --------------------------------------------------------------------------- checker


def check_plan(
    inputs: Any,
    plan: Plan,
    tol: float = 1e-6,
    strict_keys: bool = True,
) -> list[str]:
    """Every violation of MODEL.md by ``plan`` (empty list = feasible): families 1..12
    in the plan and in every future, variables that must not exist, negative values.

    Written apart from the LP builder: each future is checked along its path (the
    plan's values before start_d, its own from start_d on). Tolerance ``tol`` is
    relative, scaled by max(1, |limit|). With ``strict_keys`` a variable that must not
    exist is reported even when its value is 0.
    """
    dv = derive(inputs)
    p = normalize_plan(plan)
    out: list[str] = []

    def le(name: str, lhs: float, rhs: float, scale: float = 0.0) -> None:
        if not lhs - rhs <= tol * max(1.0, abs(rhs), scale):
            out.append(f"{name}: {lhs:.9g} > {rhs:.9g}")

    def ge(name: str, lhs: float, rhs: float, scale: float = 0.0) -> None:
        if not rhs - lhs <= tol * max(1.0, abs(rhs), scale):
            out.append(f"{name}: {lhs:.9g} < {rhs:.9g}")

    def eq(name: str, lhs: float, rhs: float, scale: float = 0.0) -> None:
        if not abs(lhs - rhs) <= tol * max(1.0, abs(rhs), scale):
            out.append(f"{name}: {lhs:.9g} != {rhs:.9g}")

    # existence and sign
    allowed = {v: dv.keyset(v) for v in ALL_VARS}
    for var, vals in p.items():
        if var not in allowed:
            out.append(f"unknown variable family {var!r}")
            continue
        for key, v in vals.items():
            if key not in allowed[var] and (strict_keys or abs(v) > tol):
                out.append(f"{var}{list(key)} must not exist (value {v:.9g})")
            if var != "eta" and not v >= -tol:
                out.append(f"{var}{list(key)} negative: {v:.9g}")

    def val(var: str, key: Key) -> float:
        if key in allowed[var]:
            return p.get(var, {}).get(key, 0.0)
        return 0.0

    bloc = {r.country: r.bloc for r in inputs.countries}
    srec = {r.source: r for r in inputs.sources}

    def in_group(s: str, gt: str, grp: str) -> bool:
        r = srec[s]
        have = {"source": s, "source_type": r.type, "country": r.country}
        have["bloc"] = bloc.get(r.country, "")
        return have[gt] == grp

    for f in dv.futures:
        d = None if f == BASE else f
        first = dv.start[d] if d else dv.t0
        wend = dv.start[d] + dv.duration[d] if d else dv.t0  # first year after W_d
        tag = "" if d is None else f"{d},"

        def x(var: str, key: Key, d: str | None = d, first: int = first) -> float:
            """X_f[key] along the path: the plan's before start_d."""
            if d is None or key[-1] < first:
                return val(var, key)
            return val(var + "f", (d, *key))

        def sum_ship(pred: Any, t: int, x: Any = x) -> float:
            # every Ship index of the path in year t
            tot = 0.0
            for s in dv.sources:
                for m in dv.outputs[s]:
                    for l in dv.sites:
                        if pred(s, m, l):
                            tot += x("ship", (s, m, l, t))
            return tot

        def has_ship(m: str, t: int, d: str | None = d, first: int = first) -> bool:
            if d is None or t < first:
                keys = allowed["ship"]
                return any((s, m, l, t) in keys for s in dv.sources for l in dv.sites)
            keys = allowed["shipf"]
            return any((d, s, m, l, t) in keys for s in dv.sources for l in dv.sites)

        for t in dv.path_years(f):
            in_w = d is not None and dv.start[d] <= t < wend
            # 1 output_split
            for s in dv.sources:
                buy = x("buy", (s, t))
                for m in dv.outputs[s]:
                    out_t = sum_ship(lambda s2, m2, _l, s=s, m=m: (s2, m2) == (s, m), t)
                    if s in dv.coproduct:
                        out_t += x("surplus", (s, m, t))
                    y = dv.yld[(s, m)] * buy
                    eq(f"output_split[{tag}{s},{m},{t}]", y, out_t, abs(y))
            # 2 source_capacity
            for s in dv.sources:
                a = 1.0
                if in_w:
                    a = min(dv.avail_source[(d, s, m)] for m in dv.outputs[s])
                if t < dv.src_first[s]:
                    limit = 0.0
                else:
                    added = sum(x("expand", (s, tau)) for tau in dv.years if tau <= t - dv.lead[s])
                    limit = a * (dv.cap[(s, t)] + added)
                le(f"source_capacity[{tag}{s},{t}]", x("buy", (s, t)), limit)
            # 3 stock_balance, 4 site_capacity
            for l in dv.sites:
                if t < dv.site_first[l]:
                    continue
                used = 0.0
                for m in dv.materials:
                    if t == dv.t0:
                        prev = dv.init.get((m, l), 0.0)
                    elif t == dv.site_first[l]:
                        prev = 0.0
                    else:
                        prev = x("stock", (m, l, t - 1))
                    if d is not None and t == dv.start[d]:
                        prev *= dv.avail_site[(d, l, m)]
                    into = sum_ship(lambda _s, m2, l2, m=m, l=l: (m2, l2) == (m, l), t)
                    rel = val("release", (d, m, l, t)) if in_w else 0.0
                    stock = x("stock", (m, l, t))
                    eq(f"stock_balance[{tag}{m},{l},{t}]", stock, prev + into - rel, prev + into)
                    used += dv.vol[m] * stock
                le(f"site_capacity[{tag}{l},{t}]", used, dv.sitecap[l])
            # 5 stock_target
            if d is None or t >= wend + dv.recovery:
                for m in dv.materials:
                    if (m, t) in dv.target:
                        tot = sum(x("stock", (m, l, t)) for l in dv.sites if dv.is_open(l, t))
                        ge(f"stock_target[{tag}{m},{t}]", tot, dv.target[(m, t)])
            # 6 budget
            if t in dv.budget:
                pm = dv.pmult[d] if in_w else 1.0
                spend = sum(pm * dv.cost[(s, t)] * x("buy", (s, t)) for s in dv.sources)
                spend += sum(dv.xcost[s] * x("expand", (s, t)) for s in dv.sources)
                spend += sum(
                    dv.route[(s, l)] * x("ship", (s, m, l, t))
                    for (s, l) in dv.route
                    for m in dv.outputs[s]
                )
                spend += sum(
                    dv.hold[l] * x("stock", (m, l, t)) for m in dv.materials for l in dv.sites
                )
                le(f"budget[{tag}{t}]", spend, dv.budget[t])
            # 7 sourcing_rule, 8 site_dispersion: in a future only after W_d
            if d is None or t >= wend:
                for r in inputs.rules:
                    mats = dv.materials if r.material == "*" else [r.material]
                    share = float(r.share)
                    if r.group_type in SOURCING_GROUP_TYPES:
                        for m in mats:
                            if not has_ship(m, t):
                                continue
                            tot = sum_ship(lambda _s, m2, _l, m=m: m2 == m, t)
                            grp = sum_ship(
                                lambda s2, m2, _l, m=m, r=r: (
                                    m2 == m and in_group(s2, r.group_type, r.group)
                                ),
                                t,
                            )
                            name = f"sourcing_rule[{tag}{r.rule},{m},{t}] ({r.limit} {share})"
                            if r.limit == "max_share":
                                le(name, grp, share * tot, tot)
                            else:
                                ge(name, grp, share * tot, tot)
                    elif r.group_type == "site":
                        for m in mats:
                            opened = [l for l in dv.sites if dv.is_open(l, t)]
                            tot = sum(x("stock", (m, l, t)) for l in opened)
                            for l in opened:
                                if r.group in ("*", l):
                                    le(
                                        f"site_dispersion[{tag}{r.rule},{m},{l},{t}]",
                                        x("stock", (m, l, t)),
                                        share * tot,
                                        tot,
                                    )
            # 9 disruption_cover, 10 coverage_floor
            if in_w:
                for m in dv.materials:
                    need = dv.need[(d, m, t)]
                    rel = sum(val("release", (d, m, l, t)) for l in dv.sites)
                    unmet = val("unmet", (d, m, t))
                    eq(f"disruption_cover[{d},{m},{t}]", rel + unmet, need)
                    le(f"coverage_floor[{d},{m},{t}]", unmet, (1.0 - dv.cov[m]) * need)
        # 11 expansion_limit (a source that is not expandable has no Expand at all)
        for s in dv.sources:
            if dv.xmax[s] > 0:
                tot = sum(x("expand", (s, tau)) for tau in dv.years)
                le(f"expansion_limit[{tag}{s}]", tot, dv.xmax[s])

    # 12 risk: Z[f] >= K[f] - Eta
    if dv.risk_weight > 0:
        K = plan_cost(inputs, {v: p.get(v, {}) for v in allowed})["K"]
        eta = val("eta", ())
        for f in dv.futures:
            ge(f"risk[{f}]", val("z", (f,)), K[f] - eta, abs(K[f]) + abs(eta))
    return out


# --------------------------------------------------------------------------- costs


def _cvar(K: Mapping[str, float], prob: Mapping[str, float], alpha: float) -> float:
    """min over Eta of Eta + 1/(1-alpha) sum_f prob[f] max(0, K[f] - Eta): a convex
    piecewise-linear function whose minimum is at one of the K[f]."""
    return min(
        eta + sum(prob[f] * max(0.0, k - eta) for f, k in K.items()) / (1.0 - alpha)
        for eta in K.values()
    )


def plan_cost(inputs: Any, plan: Plan) -> dict[str, Any]:
    """The six discounted parts, E (``expected_cost_usd``), K[f] (``K``), the CVaR term
    (``cvar_usd``, None when risk_weight is 0) and the objective (``objective_usd``),
    recomputed from a plan. Every value given is priced, even one that must not exist,
    when its index can be priced; Eta and Z are not needed (the CVaR of the K[f] is
    computed exactly).

    Computed per future along its path: K_p[f] = sum_t delta_t * (part p of C_f(t)),
    then each part's expected value sum_f prob[f] K_p[f]."""
    dv = derive(inputs)
    p = normalize_plan(plan)
    # per future and part, discounted
    Kp: dict[str, dict[str, float]] = {f: dict.fromkeys(PART_KEYS, 0.0) for f in dv.futures}

    def disc(t: int) -> float:
        return dv.delta.get(t, 1.0)

    def priced(var: str, key: Key) -> tuple[str, float] | None:
        """(part, undiscounted USD per unit in year key[-1] at pm 1)."""
        if var == "buy":
            s, t = key
            return "purchase_usd", dv.cost.get((s, t), 0.0)
        if var == "ship":
            s, _m, l, _t = key
            return "transport_usd", dv.route.get((s, l), 0.0)
        if var == "stock":
            _m, l, _t = key
            return "holding_usd", dv.hold.get(l, 0.0)
        if var == "surplus":
            _s, m, _t = key
            return "resale_usd", dv.resale.get(m, 0.0)
        if var == "expand":
            s, _t = key
            return "investment_usd", dv.xcost.get(s, 0.0)
        return None

    for var in PLAN_VARS:
        for key, v in p.get(var, {}).items():
            part, unit = priced(var, key)  # type: ignore[misc]
            t = key[-1]
            amount = disc(t) * unit * v
            Kp[BASE][part] += amount
            for d in dv.disruptions:
                if t < dv.start[d]:
                    Kp[d][part] += amount
    for var in FUTURE_VARS:
        for key, v in p.get(var, {}).items():
            d, rest = key[0], key[1:]
            if d not in Kp:
                continue
            t = rest[-1]
            if var == "unmet":
                Kp[d]["shortfall_penalty_usd"] += disc(t) * dv.pen.get(rest[0], 0.0) * v
                continue
            if var == "release":
                continue
            part, unit = priced(var[:-1], rest)  # type: ignore[misc]
            if var == "buyf" and t in dv.window[d]:
                unit *= dv.pmult[d]
            Kp[d][part] += disc(t) * unit * v
    K = {f: _e_of(Kp[f]) for f in dv.futures}
    parts = {k: sum(dv.prob[f] * Kp[f][k] for f in dv.futures) for k in PART_KEYS}
    E = _e_of(parts)
    out: dict[str, Any] = dict(parts)
    out["expected_cost_usd"] = E
    out["K"] = K
    out["K_parts"] = Kp
    out["cvar_usd"] = None
    out["objective_usd"] = E
    if dv.risk_weight > 0:
        cv = _cvar(K, dv.prob, dv.cvar_level)
        out["cvar_usd"] = cv
        out["objective_usd"] = (1.0 - dv.risk_weight) * E + dv.risk_weight * cv
    return out


def future_min_cost(inputs: Any, plan: Plan, d: str, **highs_options: Any) -> float | None:
    """The least K[d] over future d's own decisions with the plan's trunk as given
    (MODEL.md: a probability-0 future is reported from such a second solve). None when
    no decision of future d fits the given trunk."""
    dv = derive(inputs)
    b = _build(dv)
    p = normalize_plan(plan)
    x = [0.0] * len(b.cost)
    for (var, key), j in b.cols.items():
        if b.col_owner[j] != d or var in RISK_VARS:
            x[j] = p.get(var, {}).get(key, 0.0)
    y = _resolve_future(b, d, x, highs_options)
    if y is None:
        return None
    return sum(a * y[j] for j, a in b.kexpr[d].items())


def complete_plan(
    inputs: Any, plan: Plan, **highs_options: Any
) -> dict[str, dict[Key, float]] | None:
    """The plan's trunk (Buy, Ship, Surplus, Stock, Expand as given) with every future's
    own decisions chosen to minimise its K[d] given that trunk (and, when
    risk_weight > 0, Eta and Z at their best for those K[f]). None when some future has
    no feasible decisions with this trunk. Turns a peacetime witness plan into a full
    version-2 plan."""
    dv = derive(inputs)
    b = _build(dv)
    p = normalize_plan(plan)
    x = [0.0] * len(b.cost)
    for (var, key), j in b.cols.items():
        if var in PLAN_VARS:
            x[j] = p.get(var, {}).get(key, 0.0)
    for d in dv.disruptions:
        y = _resolve_future(b, d, x, highs_options)
        if y is None:
            return None
        x = y
    out: dict[str, dict[Key, float]] = {v: {} for v in ALL_VARS}
    for (var, key), j in b.cols.items():
        if var not in RISK_VARS:
            out[var][key] = x[j]
    if dv.risk_weight > 0:
        K = {f: sum(a * x[j] for j, a in b.kexpr[f].items()) for f in dv.futures}
        eta = min(
            K.values(),
            key=lambda e: (
                e + sum(dv.prob[f] * max(0.0, k - e) for f, k in K.items()) / (1.0 - dv.cvar_level)
            ),
        )
        out["eta"] = {(): eta}
        out["z"] = {(f,): max(0.0, K[f] - eta) for f in dv.futures}
    return out


def rel_close(a: float, b: float, rel: float = 1e-6, scale: float = 0.0) -> bool:
    """|a - b| <= rel * max(1, |a|, |b|, scale)."""
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b), scale)
