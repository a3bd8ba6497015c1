"""Benchmark instances of the stockpile LP at named sizes, feasible by construction.

    python benchmarks/generate.py --sizes S,M,L,XL --out benchmarks/instances/

``generate(size, seed)`` returns validated ``Inputs`` (MODEL.md version 2); the CLI
writes one workbook per size through ``stockpile.data.template.write_workbook``. Every
contract feature is exercised: co-product sources (2-4 outputs), all five source
types, countries in every bloc, SourceCapacity overrides, sites that open later,
sparse routes, initial stock, targets, budgets, sourcing rules (a bloc max_share, a
min_share, a source-type, a country and a single-source max_share), site dispersion,
demand, supply mix, expandable sources (expansion cost, lead 0-2 years, a maximum;
some with no capacity until expanded), disruptions as futures (S 3, M 6, L 10, XL 20;
probabilities > 0 summing to at most 0.9, price multipliers 1-2, recovery_years 1)
and impacts of every group type. risk_weight is 0: the instances are risk neutral and
have no CVaR columns or rows.

Why every instance is feasible
------------------------------
We first fix a *witness*: a peacetime plan P and, for every disruption d, P's own
decisions in future d; then every limit is derived from these *paths* (the plan in
every year, future d in its years B_d), so that all of them meet it. P is
deliberately simple (and expensive): each material m has an *anchor* source a(m), a
single-output domestic mine or recycler in a domestic-bloc country, producing before
start_year, with a route to every site open at start_year. Each year P buys base[m]
tonnes of m from a(m) and splits them equally over the k sites open at start_year
(the initial stock is also split equally there). P buys nothing else, expands
nothing, resells nothing and ships nothing to a later site.

Future d (from start_d on) buys the same, except that in its window W_d it buys the
share a = A_d(a(m)) of it (the anchor's availability), split equally as before. Its
stock starts from the surviving share avail_d(l,m) of P's stock at the end of
start_d - 1 (of the initial stock when start_d = t0); the generator's site impacts
have availability 0.5-0.9, never 0, so deliveries stay allowed. In each window year
t it releases cov[m] * need_d[m,t] (need per year, from stockpile's own Params) from
its sites in proportion to their stock, and leaves Unmet = (1 - cov[m]) * need_d[m,t].
With R(t) the future's stock of m at t without releases (surviving stock plus what it
delivered up to t, year t included), the releases never exceed the stock iff
cov[m] * sum_{tau in W_d, tau <= t} need_d[m,tau] <= R(t) for every t in W_d; so
cov[m] (min_coverage) is set to at most 0.9 times the least ratio R(t) / cumulative
need over all futures and window years (0 for 40 % of the materials), below 0.95.
Then:

- output_split, stock_balance, disruption_cover, coverage_floor: hold by how the
  paths are written (Ship = yield * Buy, equal split; Release + Unmet = need and
  Unmet = (1 - cov) * need exactly; the write-off at start_d is the balance's own).
- source_capacity: a(m) has capacity 2 * base[m] / yield, and any SourceCapacity row
  for an anchor stays >= 1.2 * base[m] / yield, so a * cap >= a * base / yield in a
  window. Other sources are unused; Expand = 0 meets every expansion_limit.
- site_capacity: a site open at start_year holds at most the space P uses there in
  the last year (P's stock only grows) times a factor >= 1.15; a future holds at most
  P's stock at each site (less surviving stock, fewer deliveries, releases).
- stock_target: at most 0.8 times the least total stock of m in that year over the
  plan and the futures whose targets hold again (start + duration + recovery_years).
- budget: at least 1.2 times the largest spend that year over all paths (purchase
  with the price multiplier in a window, transport, holding).
- sourcing rules (plan; futures after their window): every path delivers only from
  domestic-bloc anchors, so "adversary bloc max_share", "market max_share", a
  partner-country or a non-anchor-source max_share all see del_G = 0, and "domestic
  bloc min_share" sees del_G = del.
- site_dispersion: the share is the largest share one site holds of a material's
  stock over the plan (1/k: equal stock at the k first sites) and the futures after
  their window (surviving stock makes the sites unequal), rounded up, plus 0.05.
Numbers are rounded to 2-3 significant digits for a readable workbook; rounding can
lower a limit by at most 0.5 %, far inside the margins above (targets, coverage and
site space are rounded towards the witness's side: floor and ceil). All variables
are bounded (Buy by capacity plus the bounded expansion, the rest through the
balances), so a feasible instance has an optimum. ``witness(size, seed)`` returns
the witness (P and its futures); the unit test checks it against the independent
checker in tests/oracle.py, and also P completed with each future's least-cost
decisions (oracle.complete_plan).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stockpile.data.inputs import Inputs
from stockpile.data.params import build_params
from stockpile.data.schema import BLOCS, SOURCE_TYPES


@dataclass(frozen=True)
class Size:
    materials: int
    sources: int
    sites: int
    years: int
    disruptions: int


SIZES: dict[str, Size] = {
    "S": Size(5, 20, 3, 10, 3),
    "M": Size(20, 100, 8, 15, 6),
    "L": Size(50, 300, 20, 20, 10),
    "XL": Size(100, 600, 30, 25, 20),
}

START_YEAR = 2026
#: Probability that one of the disruptions happens, at most (the rest: none happens).
MAX_DISRUPTION_PROBABILITY = 0.9
RECOVERY_YEARS = 1
Plan = dict[str, dict[tuple[Any, ...], float]]


def generate(size: str, seed: int = 0) -> Inputs:
    """A feasible instance of the named size (S, M, L, XL); same (size, seed), same data."""
    return instance_and_witness(size, seed)[0]


def witness(size: str, seed: int = 0) -> Plan:
    """The feasible plan the instance is built around, P and its decisions in every
    future (tests/oracle.py plan format: buy, ship, stock; buyf, shipf, stockf,
    release, unmet)."""
    return instance_and_witness(size, seed)[1]


def _r(x: float, digits: int = 2) -> float:
    """Round to ``digits`` significant digits: readable workbook numbers."""
    if x == 0:
        return 0.0
    return float(f"{x:.{digits}g}")


def instance_and_witness(size: str, seed: int = 0) -> tuple[Inputs, Plan]:
    """The instance of the named size and the feasible plan it is built around."""
    try:
        n = SIZES[size]
    except KeyError:
        raise ValueError(f"unknown size {size!r}; choose from {', '.join(SIZES)}") from None
    rng = random.Random(f"stockpile-bench-{size}-{seed}")
    t0, tn = START_YEAR, START_YEAR + n.years - 1
    years = list(range(t0, tn + 1))
    # Risk neutral (risk_weight 0: no CVaR columns); targets hold again 1 year after a
    # disruption ends.
    settings = {
        "start_year": t0,
        "end_year": tn,
        "discount_rate": 0.03,
        "recovery_years": RECOVERY_YEARS,
        "risk_weight": 0.0,
    }

    # --- materials -----------------------------------------------------------
    mats = [f"M{i:03d}" for i in range(1, n.materials + 1)]
    price = {m: _r(math.exp(rng.uniform(math.log(2_000), math.log(60_000))), 3) for m in mats}
    base = {m: _r(math.exp(rng.uniform(math.log(100), math.log(5_000))), 2) for m in mats}
    vol = {m: round(rng.uniform(0.1, 1.0), 2) for m in mats}

    # --- countries: every bloc, more of them for larger instances ------------
    per_bloc = max(2, n.sources // 60)
    countries = [
        {"country": f"{bloc[:3].upper()}{j}", "bloc": bloc}
        for bloc in BLOCS
        for j in range(1, per_bloc + 1)
    ]
    in_bloc = {b: [c["country"] for c in countries if c["bloc"] == b] for b in BLOCS}
    country_for_type = {
        "seabed": in_bloc["domestic"] + in_bloc["allied"] + in_bloc["partner"],
        "allied_mine": in_bloc["allied"],
        "domestic_mine": in_bloc["domestic"],
        "recycling": in_bloc["domestic"] + in_bloc["allied"],
        "market": [c["country"] for c in countries],
    }

    # --- sites: k >= 2 open at start_year, the rest open later ----------------
    k = max(2, round(0.6 * n.sites))
    site_ids = [f"L{i:02d}" for i in range(1, n.sites + 1)]
    open0 = site_ids[:k]
    site_first = {
        l: (t0 - rng.choice((0, 0, 3)) if l in open0 else t0 + rng.randint(1, n.years // 2))
        for l in site_ids
    }
    holding = {l: _r(rng.uniform(5, 40)) for l in site_ids}

    # --- sources: anchors first, then the rest cycling through the five types -
    sources: list[dict[str, Any]] = []
    outputs: list[dict[str, Any]] = []
    anchor: dict[str, str] = {}  # m -> anchor source
    anchor_yield: dict[str, float] = {}
    for i, m in enumerate(mats, start=1):
        s = f"A{i:03d}"
        y = rng.choice((1.0, 1.0, 0.8, 0.6))
        anchor[m], anchor_yield[m] = s, y
        sources.append(
            {
                "source": s,
                "type": "domestic_mine" if i % 3 else "recycling",
                "country": rng.choice(in_bloc["domestic"]),
                "activity_unit": "t" if y == 1.0 else "t ore",
                "cost_usd_per_unit": _r(price[m] * y * rng.uniform(1.1, 1.4), 3),
                "capacity_units_per_yr": _r(2 * base[m] / y, 3),
                "first_year": t0 - rng.choice((0, 1, 5)),
                "cost_escalation_per_yr": round(rng.uniform(0.0, 0.03), 3),
            }
        )
        outputs.append({"source": s, "material": m, "yield_t_per_unit": y})
    # Rounding up to 3 digits can only raise a capacity above 2 * base / y.
    assert all(
        src["capacity_units_per_yr"] >= 1.99 * base[m] / anchor_yield[m]
        for src, m in zip(sources, mats, strict=True)
    )

    for i in range(1, n.sources - n.materials + 1):
        kind = SOURCE_TYPES[(i - 1) % len(SOURCE_TYPES)]
        s = f"S{i:03d}"
        if kind == "seabed" or (kind == "recycling" and i % 3 == 0):
            n_out = rng.randint(2, min(4, n.materials)) if kind == "seabed" else 2
            outs = rng.sample(mats, n_out)
            ys = {m: _r(rng.uniform(0.01, 0.3)) for m in outs}
            # Worth less than it costs if all output were resold at resale (0.3 * price).
            value = sum(ys[m] * price[m] for m in outs)
            cost = _r(value * rng.uniform(0.5, 0.9), 3)
            cap = _r(sum(base[m] for m in outs) / sum(ys.values()) * rng.uniform(0.3, 1.0))
            unit = "t nodules" if kind == "seabed" else "t scrap"
        else:
            m = rng.choice(mats)
            outs, ys = [m], {m: 1.0}
            cost = _r(price[m] * rng.uniform(0.7, 1.3), 3)
            cap = _r(base[m] * rng.uniform(0.3, 1.5))
            unit = "t"
        if kind == "market":
            first = t0
        else:
            first = rng.choice((t0, t0, t0 - 3, t0 + 2, t0 + n.years // 2, tn + 1))
        src = {
            "source": s,
            "type": kind,
            "country": rng.choice(country_for_type[kind]),
            "activity_unit": unit,
            "cost_usd_per_unit": cost,
            "capacity_units_per_yr": cap,
            "first_year": first,
            "cost_escalation_per_yr": round(rng.uniform(-0.02, 0.05), 3),
        }
        if kind != "market" and rng.random() < 0.2:  # expandable (P never expands)
            src["expansion_cost_usd_per_unit"] = _r(cost * rng.uniform(0.3, 2.0), 3)
            src["expansion_lead_years"] = rng.randint(0, 2)
            src["max_expansion_units"] = _r(max(cap, 1.0) * rng.uniform(0.5, 2.0))
            if rng.random() < 0.3:  # a build-only option: no capacity until expanded
                src["capacity_units_per_yr"] = 0.0
        sources.append(src)
        outputs.extend({"source": s, "material": m, "yield_t_per_unit": ys[m]} for m in outs)

    # --- SourceCapacity overrides (never before first_year) ------------------
    anchors = set(anchor.values())
    anchor_of = {s: m for m, s in anchor.items()}
    source_capacity = []
    for src in sources:
        s = src["source"]
        live = [t for t in years if t >= src["first_year"]]
        if not live or rng.random() > 0.25:
            continue
        for t in sorted(rng.sample(live, min(len(live), rng.randint(1, 3)))):
            if s in anchors:  # stays above what P buys (base / yield)
                m = anchor_of[s]
                value = _r(base[m] / anchor_yield[m] * rng.uniform(1.2, 2.5), 3)
                value = max(value, math.ceil(1.2 * base[m] / anchor_yield[m]))
            else:
                value = _r(src["capacity_units_per_yr"] * rng.uniform(0.3, 1.5))
            source_capacity.append({"source": s, "year": t, "capacity_units_per_yr": value})

    # --- routes: anchors reach every site open at start_year; others a few ---
    routes = []
    for src in sources:
        s = src["source"]
        if s in anchors:
            reach = open0 + [l for l in site_ids[k:] if rng.random() < 0.3]
        else:
            n_reach = max(1, round(n.sites * rng.uniform(0.2, 0.5)))
            reach = sorted(rng.sample(site_ids, n_reach))
        routes.extend(
            {"source": s, "site": l, "cost_usd_per_t": _r(rng.uniform(5, 60))} for l in reach
        )
    route_cost = {(r["source"], r["site"]): r["cost_usd_per_t"] for r in routes}

    # --- the witness plan P ----------------------------------------------------
    init_per_site = {
        m: _r(base[m] * rng.uniform(0.5, 2.0)) if rng.random() < 0.6 else 0.0 for m in mats
    }
    plan: Plan = {"buy": {}, "ship": {}, "surplus": {}, "stock": {}, "unmet": {}}
    for m in mats:
        a = anchor[m]
        for t in years:
            plan["buy"][a, t] = base[m] / anchor_yield[m]
            for l in open0:
                plan["ship"][a, m, l, t] = base[m] / k
                plan["stock"][m, l, t] = init_per_site[m] + (t - t0 + 1) * base[m] / k

    # --- sites: space from P's last-year use at the (equally filled) open sites
    used = sum(vol[m] * plan["stock"][m, open0[0], tn] for m in mats)
    sites = []
    for l in site_ids:
        factor = rng.uniform(1.15, 1.6) if l in open0 else rng.uniform(0.5, 1.2)
        sites.append(
            {
                "site": l,
                "location": f"Depot {l}",
                "capacity_m3": float(math.ceil(used * factor)),
                "holding_cost_usd_per_t_yr": holding[l],
                "first_year": site_first[l],
            }
        )

    initial_stock = [
        {"material": m, "site": l, "stock_t": init_per_site[m]}
        for m in mats
        if init_per_site[m] > 0
        for l in open0
    ]

    # --- demand and normal supply mix --------------------------------------------
    demand, supply_mix = [], []
    for m in mats:
        if rng.random() > 0.8:
            continue
        level = base[m] * rng.uniform(0.2, 0.5)
        demand.extend(
            {"material": m, "year": t, "demand_t": _r(level * (1.02 ** (t - t0)), 3)} for t in years
        )
        blocs = rng.sample(
            ("adversary", "allied", "partner", "other", "domestic"), rng.randint(2, 4)
        )
        if "adversary" not in blocs and rng.random() < 0.7:
            blocs[0] = "adversary"
        weights = [rng.uniform(1, 5) for _ in blocs]
        shares = [round(w / sum(weights), 3) for w in weights]
        shares[-1] = round(1 - sum(shares[:-1]), 3)  # sums to 1 within rounding
        supply_mix.extend(
            {"material": m, "country": rng.choice(in_bloc[b]), "share": sh}
            for b, sh in zip(blocs, shares, strict=True)
        )
    # Two blocs may pick the same country: merge into one row (the key is material+country).
    merged: dict[tuple[str, str], float] = defaultdict(float)
    for row in supply_mix:
        merged[row["material"], row["country"]] += row["share"]
    supply_mix = [
        {"material": m, "country": c, "share": round(v, 3)} for (m, c), v in merged.items()
    ]

    # --- disruptions and impacts: every group type appears ----------------------
    disruptions, impacts = [], []
    all_sources = [src["source"] for src in sources]
    group_cycle = ("country", "bloc", "source_type", "source", "site")
    for i in range(1, n.disruptions + 1):
        d = f"D{i:02d}"
        start = t0 if i == 1 else rng.randint(t0 + 1, tn)
        disruptions.append(
            {
                "disruption": d,
                "probability": round(rng.uniform(0.02, 0.3), 2),
                "start_year": start,
                "duration_years": rng.randint(1, 3),
                "demand_multiplier": rng.choice((1.0, 1.0, 1.2, 1.5)),
                "price_multiplier": rng.choice((1.0, 1.0, 1.3, 1.6, 2.0)),
                "description": f"stress test {i}",
            }
        )
        kinds = [group_cycle[(2 * (i - 1) + j) % 5] for j in range(2)]
        kinds += rng.sample(group_cycle, rng.randint(0, 2))
        for gt in kinds:
            mat = "*" if rng.random() < 0.6 else rng.choice(mats)
            if gt == "country":
                grp, av = rng.choice(in_bloc["adversary"] + in_bloc["other"]), 0.0
            elif gt == "bloc":
                grp, av = rng.choice((("adversary", 0.0), ("other", 0.5), ("partner", 0.7)))
            elif gt == "source_type":
                grp, av = rng.choice((("market", 0.3), ("seabed", 0.5), ("recycling", 0.8)))
            elif gt == "source":
                grp, av = rng.choice(all_sources), 0.0
            else:
                grp, av = rng.choice([*site_ids, "*"]), rng.choice((0.5, 0.8, 0.9))
            impacts.append(
                {
                    "disruption": d,
                    "material": mat,
                    "group_type": gt,
                    "group": grp,
                    "availability": av,
                }
            )

    # The disruptions are alternative futures: their probabilities sum to at most 1.
    # Scaled after drawing (floored, so each stays > 0 and the sum <= 0.9).
    total = sum(d["probability"] for d in disruptions)
    if total > MAX_DISRUPTION_PROBABILITY:
        scale = MAX_DISRUPTION_PROBABILITY / total
        for d in disruptions:
            d["probability"] = math.floor(d["probability"] * scale * 1000) / 1000

    materials = [
        {
            "material": m,
            "description": f"material {m}",
            "volume_m3_per_t": vol[m],
            "shortfall_penalty_usd_per_t": _r(2 * price[m], 3),
            "min_coverage": 0.0,
            "resale_usd_per_t": _r(0.3 * price[m], 3),
        }
        for m in mats
    ]
    tables: dict[str, list[dict[str, Any]]] = {
        "materials": materials,
        "countries": countries,
        "sources": sources,
        "source_outputs": outputs,
        "source_capacity": source_capacity,
        "sites": sites,
        "routes": routes,
        "initial_stock": initial_stock,
        "demand": demand,
        "supply_mix": supply_mix,
        "disruptions": disruptions,
        "disruption_impacts": impacts,
    }

    # --- the futures of P: need, availabilities, windows from stockpile's Params ---
    # Targets, budgets and rules do not enter need or availability, so they can be
    # derived afterwards from P and its futures.
    params = build_params(Inputs.build(settings, **tables))
    ratio = _future_witness(params, plan, anchor, anchor_yield, base, open0, {})
    cov: dict[str, float] = {}
    for row in materials:
        m = row["material"]
        if m in ratio and rng.random() < 0.6:
            cov[m] = row["min_coverage"] = math.floor(100 * min(0.95, 0.9 * ratio[m])) / 100
    _future_witness(params, plan, anchor, anchor_yield, base, open0, cov)
    paths = _paths(params, plan)  # (future or None, year) -> its Stock and Ship there

    # --- targets: <= 0.8 of the least stock of any path where they hold ----------
    def total_stock(stock: dict[tuple[str, str], float], m: str) -> float:
        return sum(stock.get((m, l), 0.0) for l in open0)

    target_years = sorted({*years[1::2], tn})
    targets = []
    for m in mats:
        if rng.random() >= 0.7:
            continue
        for t in target_years:
            least = min(
                total_stock(stock, m)
                for (d, tt), (stock, _ship, _buy) in paths.items()
                if tt == t and (d is None or params.targets_hold(d, t))
            )
            targets.append(
                {"material": m, "year": t, "min_stock_t": float(math.floor(0.8 * least))}
            )

    # --- budget: >= 1.2 x the largest spend of any path (escalated, undiscounted) --
    src_by_id = {src["source"]: src for src in sources}

    def cost(s: str, t: int) -> float:
        src = src_by_id[s]
        return src["cost_usd_per_unit"] * (1 + src["cost_escalation_per_yr"]) ** (t - t0)

    budget = []
    for t in years:
        spend = 0.0
        for (d, tt), (stock, ship, buy) in paths.items():
            if tt != t:
                continue
            pm = params.price_factor(d, t)
            value = sum(pm * cost(s, t) * v for s, v in buy.items())
            value += sum(route_cost[s, l] * v for (s, _m, l), v in ship.items())
            value += sum(holding[l] * v for (_m, l), v in stock.items())
            spend = max(spend, value)
        if t == t0 or rng.random() < 0.8:
            budget.append({"year": t, "budget_usd": _r(spend * rng.uniform(1.2, 1.6), 3) + 1e3})

    # --- site dispersion: the largest share of one site in any path where it holds ---
    max_site_share = 0.0
    for (d, t), (stock, _ship, _buy) in paths.items():
        if d is not None and not params.rules_hold(d, t):
            continue
        for m in mats:
            whole = total_stock(stock, m)
            if whole > 0:
                share = max(stock.get((m, l), 0.0) for l in open0) / whole
                max_site_share = max(max_site_share, share)

    # --- rules: all met by every path (see module docstring) -------------------
    disp_share = min(1.0, math.ceil(100 * max_site_share) / 100 + 0.05)
    non_anchor = [src for src in sources if src["source"] not in anchors]
    rules = [
        _rule("adv_cap", "*", "bloc", "adversary", "max_share", 0.2),
        _rule("dom_floor", "*", "bloc", "domestic", "min_share", 0.25),
        _rule("market_cap", "*", "source_type", "market", "max_share", 0.5),
        _rule("disperse_one", "*", "site", open0[0], "max_share", disp_share),
    ]
    for i in range(1, max(1, n.materials // 5) + 1):
        rules.append(
            _rule(
                f"partner_cap{i}",
                rng.choice(mats),
                "country",
                rng.choice(in_bloc["partner"]),
                "max_share",
                round(rng.uniform(0.2, 0.5), 2),
            )
        )
        src = rng.choice(non_anchor)
        m_out = next(o["material"] for o in outputs if o["source"] == src["source"])
        rules.append(
            _rule(
                f"single_cap{i}",
                m_out,
                "source",
                src["source"],
                "max_share",
                round(rng.uniform(0.3, 0.6), 2),
            )
        )
    for m in rng.sample(mats, max(1, n.materials // 10)):
        rules.append(_rule(f"disperse_{m}", m, "site", "*", "max_share", disp_share))

    tables.update(targets=targets, budget=budget, rules=rules)
    return Inputs.build(settings, **tables), plan


def _future_witness(
    params: Any,
    plan: Plan,
    anchor: dict[str, str],
    anchor_yield: dict[str, float],
    base: dict[str, float],
    open0: list[str],
    cov: dict[str, float],
) -> dict[str, float]:
    """Write P's future decisions into ``plan`` (buyf, shipf, stockf, release, unmet) and
    return, per material with need, the largest coverage every future allows.

    Future d keeps P's purchases, scaled by the anchor's availability a = A_d(a(m)) in
    W_d, split equally over the k sites open at start_year; its stock starts from the
    surviving share avail_d(l,m) of P's stock; in each window year it releases
    cov[m] * need_d[m,t] from its sites in proportion to their stock and leaves the
    rest unmet. Without releases its stock of m at year t of W_d is R(t); releasing
    cov * need each year is possible iff cov * sum_{tau <= t} need[tau] <= R(t) for
    every t, so the largest coverage is min_t R(t) / sum_{tau <= t} need[tau].
    """
    for var in ("buyf", "shipf", "stockf", "release", "unmet"):
        plan[var] = {}
    t0, k = params.t0, len(open0)
    ratio: dict[str, float] = {}
    for d in params.DISRUPTIONS:
        start, window = params.start_year[d], params.window[d]
        for m, a in anchor.items():
            if start == t0:
                prev = {l: params.initial_stock_t.get((m, l), 0.0) for l in open0}
            else:
                prev = {l: plan["stock"][m, l, start - 1] for l in open0}
            for l in open0:
                assert params.avail_site(d, l, m) > 0  # deliveries stay allowed
                prev[l] *= params.avail_site(d, l, m)
            share = params.source_availability(d, a)
            released = needed = 0.0
            for t in (t for t in params.YEARS if t >= start):
                scale = share if t in window else 1.0
                plan["buyf"][d, a, t] = scale * base[m] / anchor_yield[m]
                need = params.need_t.get((d, m, t), 0.0)
                whole = sum(prev.values()) + scale * base[m]
                if need > 0:
                    needed += need
                    ratio[m] = min(ratio.get(m, 1.0), (whole + released) / needed)
                    out = cov.get(m, 0.0) * need
                    released += out
                    plan["unmet"][d, m, t] = need - out
                for l in open0:
                    plan["shipf"][d, a, m, l, t] = scale * base[m] / k
                    here = prev[l] + scale * base[m] / k
                    if need > 0:
                        plan["release"][d, m, l, t] = out * here / whole if whole > 0 else 0.0
                        here -= plan["release"][d, m, l, t]
                    plan["stockf"][d, m, l, t] = prev[l] = max(0.0, here)
    return ratio


def _paths(params: Any, plan: Plan) -> dict[tuple[str | None, int], tuple[dict, dict, dict]]:
    """Every path's (Stock by (m,l), Ship by (s,m,l), Buy by s) per (future, year):
    future None is the plan in every year, future d its own years B_d."""
    out: dict[tuple[str | None, int], tuple[dict, dict, dict]] = {}
    for t in params.YEARS:
        out[None, t] = ({}, {}, {})
    for (m, l, t), v in plan["stock"].items():
        out[None, t][0][m, l] = v
    for (s, m, l, t), v in plan["ship"].items():
        out[None, t][1][s, m, l] = v
    for (s, t), v in plan["buy"].items():
        out[None, t][2][s] = v
    for d in params.DISRUPTIONS:
        for t in params.YEARS:
            if t >= params.start_year[d]:
                out[d, t] = ({}, {}, {})
    for (d, m, l, t), v in plan["stockf"].items():
        out[d, t][0][m, l] = v
    for (d, s, m, l, t), v in plan["shipf"].items():
        out[d, t][1][s, m, l] = v
    for (d, s, t), v in plan["buyf"].items():
        out[d, t][2][s] = v
    return out


def _rule(rule: str, material: str, group_type: str, group: str, limit: str, share: float):
    return {
        "rule": rule,
        "material": material,
        "group_type": group_type,
        "group": group,
        "limit": limit,
        "share": share,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="S,M,L,XL", help="comma-separated: S,M,L,XL")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "instances")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--solve", action="store_true", help="also solve and print the status")
    args = ap.parse_args(argv)

    from stockpile.data.template import write_workbook

    args.out.mkdir(parents=True, exist_ok=True)
    for size in args.sizes.split(","):
        tick = time.perf_counter()
        inputs = generate(size.strip(), args.seed)
        path = args.out / f"{size.strip()}.xlsx"
        write_workbook(path, inputs, force=True)
        line = f"{size}: {path} ({time.perf_counter() - tick:.1f} s)"
        if args.solve:
            from stockpile.pipeline import optimize

            result = optimize(inputs)
            line += f" -> {result.status}, objective {result.objective_usd:,.0f} USD"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
