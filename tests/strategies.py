"""Hypothesis strategies: small random *valid* stockpile inputs (WORKBOOK.md rules).

``inputs_st()`` draws an ``Inputs`` with 1-3 materials, 1-4 sources (sometimes a
co-product source), 1-3 sites (sometimes opening later, sometimes never), 2-4 years,
routes, optional SourceCapacity, InitialStock at sites open at start, targets, budgets,
rules of every group_type, demand with a supply mix, disruptions and impacts of every
group_type, escalation, discounting and resale. Numbers are moderate and "nice".
Instances may be infeasible.

Version 2 (MODEL.md): the disruptions are alternative futures whose probabilities sum
to at most 1 (sometimes exactly 1, sometimes 0: a stress test), with price multipliers
and windows that may run past end_year; recovery_years 0-3; some expandable sources
(expansion cost, lead 0-2 years, most units); risk_weight 0 or > 0 with cvar_level in
[0, 1). ``check_b_raw`` and ``check_c_raw`` are MODEL.md's hand checks B and C.

``raw_inputs_st()`` draws the ``(settings, tables)`` pair (plain dicts) so that tests can
transform the data (scale capacities, prices) and rebuild with ``Inputs.build``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from stockpile.data.inputs import Inputs

BLOCS = ("domestic", "allied", "partner", "adversary", "other")
SOURCE_TYPES = ("seabed", "allied_mine", "domestic_mine", "recycling", "market")
GROUP_TYPES = ("country", "bloc", "source_type", "source", "site")

# supply mixes that sum to 1 within 0.001 (some deliberately not exactly 1)
MIXES = ((1.0,), (0.5, 0.5), (0.25, 0.75), (0.2, 0.3, 0.5), (0.3334, 0.3333, 0.3334), (0.6, 0.3999))
# disruption probabilities by number of disruptions: sums <= 1, some exactly 1, some 0
PROBABILITIES: dict[int, list[tuple[float, ...]]] = {
    0: [()],
    1: [(0.0,), (0.1,), (0.5,), (1.0,), (0.25,)],
    2: [(0.0, 0.0), (0.1, 0.5), (0.5, 0.5), (0.0, 1.0), (0.25, 0.25), (0.0, 0.3), (0.9, 0.1)],
}


def _maybe(draw: Any, p_true: float) -> bool:
    return draw(st.integers(0, 99)) < int(p_true * 100)


@st.composite
def raw_inputs_st(
    draw: Any,
    max_materials: int = 3,
    max_sources: int = 4,
    max_sites: int = 3,
    max_years: int = 4,
    v2: bool = True,
    min_disruptions: int = 0,
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """One instance as (settings, tables) of plain dicts; sizes up to the maxima.

    With ``v2`` the version-2 columns are drawn too (recovery_years, risk_weight and
    cvar_level; expandable sources; price multipliers)."""
    t0 = draw(st.integers(2025, 2030))
    n_years = draw(st.integers(2, max_years))
    tn = t0 + n_years - 1
    years = list(range(t0, tn + 1))
    settings: dict[str, Any] = {
        "start_year": t0,
        "end_year": tn,
        "discount_rate": draw(st.sampled_from([0.0, 0.0, 0.05, 0.1])),
    }
    if v2:
        settings["recovery_years"] = draw(st.integers(0, 3))
        if _maybe(draw, 0.35):
            settings["risk_weight"] = draw(st.sampled_from([0.25, 0.5, 1.0]))
            settings["cvar_level"] = draw(st.sampled_from([0.0, 0.5, 0.8, 0.9]))

    n_mat = draw(st.integers(1, max_materials))
    mats = [f"M{i}" for i in range(1, n_mat + 1)]
    materials = [
        {
            "material": m,
            "volume_m3_per_t": draw(st.sampled_from([0.0, 0.5, 1.0, 2.0])),
            "shortfall_penalty_usd_per_t": draw(st.sampled_from([0.0, 50.0, 100.0, 500.0])),
            "min_coverage": draw(st.sampled_from([0.0, 0.0, 0.0, 0.5, 0.8, 1.0])),
            "resale_usd_per_t": draw(st.sampled_from([0.0, 0.0, 5.0, 10.0, 40.0])),
        }
        for m in mats
    ]

    n_c = draw(st.integers(1, 4))
    ctrs = [f"C{i}" for i in range(1, n_c + 1)]
    countries = [{"country": c, "bloc": draw(st.sampled_from(BLOCS))} for c in ctrs]

    n_s = draw(st.integers(1, max_sources))
    srcs = [f"S{i}" for i in range(1, n_s + 1)]
    sources = []
    source_outputs = []
    for s in srcs:
        first = draw(st.sampled_from([t0, t0, t0, t0 - 2, t0 + 1, tn + 1]))
        sources.append(
            {
                "source": s,
                "type": draw(st.sampled_from(SOURCE_TYPES)),
                "country": draw(st.sampled_from(ctrs)),
                "cost_usd_per_unit": draw(st.sampled_from([1.0, 5.0, 10.0, 12.0, 20.0, 50.0])),
                "capacity_units_per_yr": draw(st.sampled_from([0.0, 50.0, 100.0, 400.0, 400.0])),
                "first_year": first,
                "cost_escalation_per_yr": draw(st.sampled_from([0.0, 0.0, 0.05, 0.1, -0.05])),
            }
        )
        if v2 and _maybe(draw, 0.3):
            sources[-1].update(
                expansion_cost_usd_per_unit=draw(st.sampled_from([0.0, 1.0, 3.0, 10.0])),
                expansion_lead_years=draw(st.integers(0, 2)),
                max_expansion_units=draw(st.sampled_from([0.0, 20.0, 100.0])),
            )
        if n_mat >= 2 and _maybe(draw, 0.35):
            outs = draw(st.lists(st.sampled_from(mats), min_size=2, max_size=n_mat, unique=True))
        else:
            outs = [draw(st.sampled_from(mats))]
        for m in outs:
            y = 1.0 if len(outs) == 1 and _maybe(draw, 0.6) else None
            source_outputs.append(
                {
                    "source": s,
                    "material": m,
                    "yield_t_per_unit": y or draw(st.sampled_from([0.25, 0.5, 1.0, 2.0])),
                }
            )

    source_capacity = []
    for s in sources:
        lo = max(t0, s["first_year"])
        for t in years:
            if t >= lo and _maybe(draw, 0.15):
                source_capacity.append(
                    {
                        "source": s["source"],
                        "year": t,
                        "capacity_units_per_yr": draw(st.sampled_from([0.0, 30.0, 200.0])),
                    }
                )

    n_l = draw(st.integers(1, max_sites))
    site_ids = [f"L{i}" for i in range(1, n_l + 1)]
    sites = []
    for i, l in enumerate(site_ids):
        first = t0 if i == 0 else draw(st.sampled_from([t0, t0 - 1, t0 + 1, tn, tn + 1]))
        sites.append(
            {
                "site": l,
                "capacity_m3": draw(st.sampled_from([100.0, 500.0, 2000.0, 100000.0])),
                "holding_cost_usd_per_t_yr": draw(st.sampled_from([0.0, 0.5, 1.0, 2.0])),
                "first_year": first,
            }
        )
    site_first = {r["site"]: r["first_year"] for r in sites}

    routes = []
    for s in srcs:
        for j, l in enumerate(site_ids):
            if (j == 0 and _maybe(draw, 0.85)) or (j > 0 and _maybe(draw, 0.5)):
                routes.append(
                    {
                        "source": s,
                        "site": l,
                        "cost_usd_per_t": draw(st.sampled_from([0.0, 1.0, 2.0, 5.0])),
                    }
                )

    initial_stock = [
        {"material": m, "site": l, "stock_t": draw(st.sampled_from([10.0, 50.0, 100.0]))}
        for m in mats
        for l in site_ids
        if site_first[l] <= t0 and _maybe(draw, 0.25)
    ]

    # targets mostly for materials some source can deliver (else mostly infeasible)
    routed = {r["source"] for r in routes}
    deliverable = {o["material"] for o in source_outputs if o["source"] in routed}
    targets = [
        {"material": m, "year": t, "min_stock_t": draw(st.sampled_from([0.0, 10.0, 25.0, 60.0]))}
        for m in mats
        for t in years
        if any(f <= t for f in site_first.values())
        and _maybe(draw, 0.25 if m in deliverable else 0.03)
    ]

    budget = [
        {"year": t, "budget_usd": draw(st.sampled_from([0.0, 2000.0, 10000.0, 1e5, 1e5]))}
        for t in years
        if _maybe(draw, 0.2)
    ]

    rules = []
    for i in range(draw(st.integers(0, 3))):
        gt = draw(st.sampled_from(GROUP_TYPES))
        group = draw(_group_st(gt, ctrs, srcs, site_ids))
        limit = "max_share" if gt == "site" else draw(st.sampled_from(["max_share", "min_share"]))
        share = draw(st.sampled_from([0.0, 0.2, 0.25, 0.5, 0.6, 0.8, 1.0]))
        if gt == "site":
            share = draw(st.sampled_from([0.5, 0.6, 0.8, 1.0]))
        rules.append(
            {
                "rule": f"R{i + 1}",
                "material": draw(st.sampled_from([*mats, "*"])),
                "group_type": gt,
                "group": group,
                "limit": limit,
                "share": share,
            }
        )

    demand = [
        {"material": m, "year": t, "demand_t": draw(st.sampled_from([0.0, 10.0, 40.0, 100.0]))}
        for m in mats
        for t in years
        if _maybe(draw, 0.4)
    ]
    with_demand = {r["material"] for r in demand if r["demand_t"] > 0}
    supply_mix = []
    for m in mats:
        if m in with_demand or _maybe(draw, 0.2):
            shares = draw(st.sampled_from([x for x in MIXES if len(x) <= n_c]))
            chosen = draw(st.permutations(ctrs))[: len(shares)]
            supply_mix += [
                {"material": m, "country": c, "share": sh}
                for c, sh in zip(chosen, shares, strict=True)
            ]

    n_dis = draw(st.integers(min(min_disruptions, 2), 2))
    # alternative futures: probabilities sum to at most 1 (sometimes exactly 1,
    # sometimes a probability-0 stress test)
    probs = draw(st.sampled_from(PROBABILITIES[n_dis]))
    disruptions = []
    for i in range(n_dis):
        dis: dict[str, Any] = {
            "disruption": f"D{i + 1}",
            "probability": probs[i],
            "start_year": draw(st.sampled_from(years)),
            "duration_years": draw(st.integers(1, 3)),  # may run past end_year
            "demand_multiplier": draw(st.sampled_from([1.0, 1.0, 1.25, 1.5, 0.5])),
        }
        if v2 and _maybe(draw, 0.4):
            dis["price_multiplier"] = draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]))
        disruptions.append(dis)
    impacts = []
    if disruptions:
        for _ in range(draw(st.integers(0, 4))):
            gt = draw(st.sampled_from(GROUP_TYPES))
            impacts.append(
                {
                    "disruption": draw(st.sampled_from([d["disruption"] for d in disruptions])),
                    "material": draw(st.sampled_from([*mats, "*"])),
                    "group_type": gt,
                    "group": draw(_group_st(gt, ctrs, srcs, site_ids)),
                    "availability": draw(st.sampled_from([0.0, 0.25, 0.5, 0.8, 1.0])),
                }
            )

    # the description of uncertainty (read by stockpile stress only): ranges min <= max
    types = [
        {
            "disruption_type": f"K{i + 1}",
            "probability_per_yr": draw(st.sampled_from([0.0, 0.05, 0.2, 1.0])),
            "duration_min_years": 1,
            "duration_max_years": draw(st.integers(1, 3)),
            "price_multiplier_max": draw(st.sampled_from([1.0, 1.5])),
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    type_impacts = []
    for _ in range(draw(st.integers(0, 3)) if types else 0):
        gt = draw(st.sampled_from(GROUP_TYPES))
        low = draw(st.sampled_from([0.0, 0.25, 0.5]))
        type_impacts.append(
            {
                "disruption_type": draw(st.sampled_from([k["disruption_type"] for k in types])),
                "material": draw(st.sampled_from([*mats, "*"])),
                "group_type": gt,
                "group": draw(_group_st(gt, ctrs, srcs, site_ids)),
                "availability_min": low,
                "availability_max": draw(st.sampled_from([low, 0.8, 1.0])),
            }
        )

    tables = {
        "materials": materials,
        "countries": countries,
        "sources": sources,
        "source_outputs": source_outputs,
        "source_capacity": source_capacity,
        "sites": sites,
        "routes": routes,
        "initial_stock": initial_stock,
        "targets": targets,
        "budget": budget,
        "rules": rules,
        "demand": demand,
        "supply_mix": supply_mix,
        "disruptions": disruptions,
        "disruption_impacts": impacts,
        "disruption_types": types,
        "disruption_type_impacts": type_impacts,
    }
    return settings, tables


def _group_st(gt: str, ctrs: list[str], srcs: list[str], sites: list[str]) -> Any:
    if gt == "country":
        return st.sampled_from(ctrs)
    if gt == "bloc":
        return st.sampled_from(BLOCS)
    if gt == "source_type":
        return st.sampled_from(SOURCE_TYPES)
    if gt == "source":
        return st.sampled_from(srcs)
    return st.sampled_from([*sites, "*"])


Raw = tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]


def build(raw: Raw) -> Inputs:
    settings, tables = raw
    return Inputs.build(dict(settings), **{k: [dict(r) for r in v] for k, v in tables.items()})


def inputs_st(**sizes: Any) -> st.SearchStrategy[Inputs]:
    return raw_inputs_st(**sizes).map(build)


# ---------------------------------------------------------------- data transformations

CAPACITY_FIELDS = {
    "sources": ("capacity_units_per_yr", "max_expansion_units"),
    "source_capacity": ("capacity_units_per_yr",),
    "sites": ("capacity_m3",),
}
PRICE_FIELDS = {
    "sources": ("cost_usd_per_unit", "expansion_cost_usd_per_unit"),
    "routes": ("cost_usd_per_t",),
    "sites": ("holding_cost_usd_per_t_yr",),
    "materials": ("resale_usd_per_t", "shortfall_penalty_usd_per_t"),
    "budget": ("budget_usd",),  # money limits scale with the prices
}


def scale_fields(
    raw: tuple[dict[str, Any], dict[str, list[dict[str, Any]]]],
    fields: dict[str, tuple[str, ...]],
    k: float,
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    settings, tables = raw
    out = {}
    for name, rows in tables.items():
        cols = fields.get(name, ())
        out[name] = [{c: (v * k if c in cols else v) for c, v in r.items()} for r in rows]
    return dict(settings), out


def inputs_code(raw: tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]) -> str:
    """Python source that rebuilds the instance: ``Inputs.build(...)``."""
    settings, tables = raw
    lines = ["Inputs.build(", f"    {settings!r},"]
    for name, rows in tables.items():
        if rows:
            lines.append(f"    {name}=[")
            lines += [f"        {r!r}," for r in rows]
            lines.append("    ],")
    lines.append(")")
    return "\n".join(lines)


def hand_case(**changes: Any) -> Inputs:
    """MODEL.md's hand-solvable check."""
    tables: dict[str, Any] = {
        "materials": [{"material": "X"}],
        "countries": [{"country": "US", "bloc": "domestic"}],
        "sources": [
            {
                "source": "A",
                "type": "market",
                "country": "US",
                "cost_usd_per_unit": 10,
                "capacity_units_per_yr": 60,
            },
            {
                "source": "B",
                "type": "market",
                "country": "US",
                "cost_usd_per_unit": 12,
                "capacity_units_per_yr": 100,
            },
        ],
        "source_outputs": [
            {"source": "A", "material": "X", "yield_t_per_unit": 1},
            {"source": "B", "material": "X", "yield_t_per_unit": 1},
        ],
        "sites": [{"site": "L", "capacity_m3": 0, "holding_cost_usd_per_t_yr": 0.5}],
        "routes": [{"source": "A", "site": "L"}, {"source": "B", "site": "L"}],
        "targets": [{"material": "X", "year": 2027, "min_stock_t": 150}],
    }
    tables.update(changes)
    return Inputs.build({"start_year": 2026, "end_year": 2027}, **tables)


def disruption_case(**changes: Any) -> Inputs:
    """Two materials, a co-product source, a later site, two disruptions."""
    tables: dict[str, Any] = dict(
        materials=[{"material": "Ni"}, {"material": "Co"}],
        countries=[
            {"country": "CN", "bloc": "adversary"},
            {"country": "RU", "bloc": "adversary"},
            {"country": "CA", "bloc": "allied"},
        ],
        sources=[
            {
                "source": "mkt",
                "type": "market",
                "country": "CN",
                "cost_usd_per_unit": 1,
                "capacity_units_per_yr": 10,
                "first_year": 2031,
            },
            {
                "source": "nod",
                "type": "seabed",
                "country": "CA",
                "cost_usd_per_unit": 1,
                "capacity_units_per_yr": 10,
            },
        ],
        source_outputs=[
            {"source": "mkt", "material": "Ni", "yield_t_per_unit": 1},
            {"source": "nod", "material": "Ni", "yield_t_per_unit": 0.5},
            {"source": "nod", "material": "Co", "yield_t_per_unit": 0.25},
        ],
        source_capacity=[{"source": "mkt", "year": 2032, "capacity_units_per_yr": 7}],
        sites=[
            {"site": "A", "capacity_m3": 10},
            {"site": "B", "capacity_m3": 10, "first_year": 2032},
        ],
        routes=[{"source": "mkt", "site": "A"}, {"source": "nod", "site": "B"}],
        demand=[
            {"material": "Ni", "year": 2031, "demand_t": 100},
            {"material": "Ni", "year": 2032, "demand_t": 100},
            {"material": "Co", "year": 2031, "demand_t": 10},
        ],
        supply_mix=[
            # sums to 1.0001; rescaled to exactly 1
            {"material": "Ni", "country": "CN", "share": 0.5},
            {"material": "Ni", "country": "RU", "share": 0.2},
            {"material": "Ni", "country": "CA", "share": 0.3001},
            {"material": "Co", "country": "CA", "share": 1.0},
        ],
        disruptions=[
            {"disruption": "ban", "probability": 0.5, "start_year": 2031, "duration_years": 5},
            {
                "disruption": "surge",
                "probability": 1,
                "start_year": 2031,
                "duration_years": 1,
                "demand_multiplier": 1.5,
            },
        ],
        disruption_impacts=[
            {
                "disruption": "ban",
                "material": "*",
                "group_type": "bloc",
                "group": "adversary",
                "availability": 0.5,
            },
            {
                "disruption": "ban",
                "material": "Ni",
                "group_type": "country",
                "group": "CN",
                "availability": 0.0,
            },
            {
                "disruption": "ban",
                "material": "Co",
                "group_type": "source_type",
                "group": "seabed",
                "availability": 0.8,
            },
            {
                "disruption": "ban",
                "material": "*",
                "group_type": "site",
                "group": "*",
                "availability": 0.9,
            },
            {
                "disruption": "ban",
                "material": "Ni",
                "group_type": "site",
                "group": "A",
                "availability": 0.6,
            },
        ],
    )
    tables.update(changes)
    return Inputs.build({"start_year": 2030, "end_year": 2032}, **tables)


def check_b_raw(risk: bool = False) -> Raw:
    """MODEL.md's hand check B (one disruption), as (settings, tables); with ``risk``
    its CVaR variant (risk_weight 1, cvar_level 0.5)."""
    settings: dict[str, Any] = {"start_year": 2026, "end_year": 2027}
    if risk:
        settings.update(risk_weight=1.0, cvar_level=0.5)
    tables: dict[str, list[dict[str, Any]]] = {
        "materials": [
            {
                "material": "X",
                "shortfall_penalty_usd_per_t": 40.0,
                "min_coverage": 0.0,
                "volume_m3_per_t": 0.0,
            }
        ],
        "countries": [
            {"country": "US", "bloc": "domestic"},
            {"country": "CN", "bloc": "adversary"},
        ],
        "sources": [
            {
                "source": "A",
                "type": "domestic_mine",
                "country": "US",
                "cost_usd_per_unit": 14.0,
                "capacity_units_per_yr": 100.0,
            },
            {
                "source": "B",
                "type": "market",
                "country": "CN",
                "cost_usd_per_unit": 5.0,
                "capacity_units_per_yr": 200.0,
            },
        ],
        "source_outputs": [
            {"source": "A", "material": "X", "yield_t_per_unit": 1.0},
            {"source": "B", "material": "X", "yield_t_per_unit": 1.0},
        ],
        "sites": [{"site": "H", "capacity_m3": 0.0, "holding_cost_usd_per_t_yr": 1.0}],
        "routes": [{"source": "A", "site": "H"}, {"source": "B", "site": "H"}],
        "demand": [
            {"material": "X", "year": 2026, "demand_t": 100.0},
            {"material": "X", "year": 2027, "demand_t": 100.0},
        ],
        "supply_mix": [{"material": "X", "country": "CN", "share": 1.0}],
        "disruptions": [
            {
                "disruption": "ban",
                "probability": 0.5,
                "start_year": 2027,
                "duration_years": 1,
                "demand_multiplier": 1.0,
                "price_multiplier": 1.0,
            }
        ],
        "disruption_impacts": [
            {
                "disruption": "ban",
                "material": "*",
                "group_type": "country",
                "group": "CN",
                "availability": 0.0,
            }
        ],
    }
    return settings, tables


def check_c_raw(variant: bool = False) -> Raw:
    """MODEL.md's hand check C (investment): B with source A not producing but
    expandable (3 USD per unit, lead 0, at most 200); with ``variant`` expansion costs 1
    and source B costs 8."""
    settings, tables = check_b_raw()
    a, b = tables["sources"]
    a.update(
        capacity_units_per_yr=0.0,
        expansion_cost_usd_per_unit=1.0 if variant else 3.0,
        expansion_lead_years=0,
        max_expansion_units=200.0,
    )
    if variant:
        b["cost_usd_per_unit"] = 8.0
    return settings, tables
