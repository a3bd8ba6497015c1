"""Infeasibility diagnosis in planner terms.

The solver side (solve.py) finds an irreducible infeasible subset (IIS) of rows and
variable bounds; this module translates each member back to the workbook rows
behind it and suggests what to relax. Pure Python: no Pyomo, no HiGHS.
"""

from __future__ import annotations

from typing import Any

from stockpile.data.params import Params
from stockpile.result import Diagnosis, IisMember

Ref = tuple[str, int | None, str]

#: Families that only link the data rows together (balances, output splits).
STRUCTURAL = frozenset({"stock_balance", "output_split"})

#: What relaxing each data-carrying family means, in planner words.
_RELAX = {
    "stock_target": "lower or delay the stock target",
    "source_capacity": "add source capacity (or an earlier first_year)",
    "site_capacity": "add storage space (Sites.capacity_m3) or reduce volumes",
    "budget": "raise the budget",
    "sourcing_rule": "relax the sourcing rule's share",
    "site_dispersion": "open more sites or raise the dispersion share",
    "coverage_floor": "lower min_coverage or add stock and surviving supply before the disruption",
    "disruption_cover": "reduce the disruption's need (demand, multiplier) or add stock",
    "stock_balance": "add initial stock",
    "output_split": "change the source's yields",
}


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1e5 else f"{x:,.6g}"


def explain_member(p: Params, family: str, index: tuple[Any, ...], side: str = "") -> IisMember:
    """One IIS member as text plus the workbook rows it comes from."""
    inp = p.inputs
    refs: list[Ref] = []
    if family == "source_capacity":
        s, t = index
        sheet, row = p.capacity_where[s, t]
        src = next(x for x in inp.sources if x.source == s)
        cap = p.capacity_units[s, t]
        if t < src.first_year:
            what = f"{s} has no capacity in {t}: first_year {src.first_year}"
        elif sheet == "SourceCapacity":
            what = f"{s} capacity in {t} is {_fmt(cap)} {src.activity_unit}/yr"
        else:
            what = f"{s} capacity {_fmt(cap)} {src.activity_unit}/yr"
        refs.append((sheet, row, what))
        text = f"source_capacity[{s}, {t}]: purchases from {s} in {t} <= {_fmt(cap)}"
    elif family == "stock_target":
        m, t = index
        row = next(x.row for x in inp.targets if x.material == m and x.year == t)
        refs.append(("Targets", row, f"{m} {t} >= {_fmt(p.target_t[m, t])} t"))
        text = (
            f"stock_target[{m}, {t}]: total {m} stock at end of {t} >= {_fmt(p.target_t[m, t])} t"
        )
    elif family == "budget":
        (t,) = index
        row = next(x.row for x in inp.budget if x.year == t)
        refs.append(("Budget", row, f"{t} budget {_fmt(p.budget_usd[t])} USD"))
        text = f"budget[{t}]: spend in {t} <= {_fmt(p.budget_usd[t])} USD"
    elif family == "site_capacity":
        l, t = index
        site = next(x for x in inp.sites if x.site == l)
        refs.append(("Sites", site.row, f"{l} capacity {_fmt(site.capacity_m3)} m3"))
        text = f"site_capacity[{l}, {t}]: space used at {l} <= {_fmt(site.capacity_m3)} m3"
    elif family in ("sourcing_rule", "site_dispersion"):
        r, m, *rest = index
        rule = next(x for x in inp.rules if x.rule == r)
        refs.append(
            (
                "Rules",
                rule.row,
                f"{r}: {rule.limit} {_fmt(rule.share)} for {rule.group_type} {rule.group}, "
                f"material {rule.material}",
            )
        )
        if family == "site_dispersion":
            l, t = rest
            n_open = len(p.open_sites(t))
            text = (
                f"site_dispersion[{r}, {m}, {l}, {t}]: at most {_fmt(rule.share)} of {m} stock "
                f"at {l} ({n_open} site(s) open in {t})"
            )
        else:
            (t,) = rest
            word = "at most" if rule.limit == "max_share" else "at least"
            text = (
                f"sourcing_rule[{r}, {m}, {t}]: {word} {_fmt(rule.share)} of {m} deliveries in "
                f"{t} from {rule.group_type} {rule.group}"
            )
    elif family in ("disruption_cover", "coverage_floor"):
        d, m = index
        dis = next(x for x in inp.disruptions if x.disruption == d)
        need = p.need_t[d, m]
        refs.append(
            ("Disruptions", dis.row, f"{d} from {dis.start_year} for {dis.duration_years} yr")
        )
        refs.extend(
            ("Demand", x.row, f"{m} {x.year} demand {_fmt(x.demand_t)} t")
            for x in inp.demand
            if x.material == m and x.year in p.window[d]
        )
        if family == "coverage_floor":
            mat = next(x for x in inp.materials if x.material == m)
            refs.append(("Materials", mat.row, f"{m} min_coverage {_fmt(mat.min_coverage)}"))
            text = (
                f"coverage_floor[{d}, {m}]: at least {_fmt(p.min_coverage[m])} of the need of "
                f"{_fmt(need)} t must be covered"
            )
        else:
            text = f"disruption_cover[{d}, {m}]: stock + surviving supply + unmet >= {_fmt(need)} t"
    elif family == "stock_balance":
        m, l, t = index
        text = f"stock_balance[{m}, {l}, {t}]: stock of {m} at {l} grows only by deliveries"
        if t == p.t0:
            init = next((x for x in inp.initial_stock if x.material == m and x.site == l), None)
            if init is not None:
                refs.append(("InitialStock", init.row, f"{m} at {l}: {_fmt(init.stock_t)} t"))
        site = next(x for x in inp.sites if x.site == l)
        if t == site.first_year and t > p.t0:
            refs.append(("Sites", site.row, f"{l} opens in {site.first_year}"))
    elif family == "output_split":
        s, m, t = index
        row = next(x.row for x in inp.source_outputs if x.source == s and x.material == m)
        refs.append(
            ("SourceOutputs", row, f"{s} yields {_fmt(p.yield_t_per_unit[s, m])} t of {m}/unit")
        )
        text = f"output_split[{s}, {m}, {t}]: output of {m} from {s} is delivered or resold"
    else:  # a variable bound
        text = f"{family}[{', '.join(map(str, index))}] {side}".strip()
    return IisMember(family=family, index=tuple(index), text=text, sources=tuple(refs))


def explain(
    p: Params, members: list[tuple[str, tuple[Any, ...], str]], method: str, note: str = ""
) -> Diagnosis:
    """Translate IIS (or elastic) members; data-carrying rows first."""
    explained = [explain_member(p, f, i, side) for f, i, side in members]
    order = list(_RELAX)
    explained.sort(key=lambda x: (order.index(x.family) if x.family in order else 99, x.index))
    families = [f for f in order if any(x.family == f for x in explained)]
    data_families = [
        f for f in families if f not in ("stock_balance", "output_split", "disruption_cover")
    ]
    relax = [_RELAX[f] for f in (data_families or families)]
    suggestion = (
        "These requirements cannot all hold together. Relax at least one: " + "; ".join(relax) + "."
        if relax
        else "Check the rows listed."
    )
    return Diagnosis(method=method, members=tuple(explained), suggestion=suggestion, note=note)
