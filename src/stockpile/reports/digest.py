"""A short, planner-facing digest of a solved plan: in Markdown for the docs, and as
the sentences at the top of the report's Summary (``plan_sentences``).

The docs' "What the default run says" (docs/guide/default-run.md) is this digest of the
bundled dataset; tests/regression/test_readme_digest.py checks that the page still
matches a fresh run (``STOCKPILE_UPDATE=1 pytest tests/regression/test_readme_digest.py``
rewrites it). Numbers are rounded to what a planner
reads (3 significant figures, whole percent) so the text is stable across machines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from stockpile.data.params import Params
from stockpile.result import SolveResult

#: How many disruption/material pairs the digest names by their conditional cover price.
DEAREST = 5


def _sig(x: float, digits: int = 3) -> str:
    """3 significant figures with thousands separators: 95,000; 15,400; 0.0185."""
    if x == 0:
        return "0"
    rounded = float(f"{x:.{digits}g}")
    return f"{rounded:,.0f}" if abs(rounded) >= 10 ** (digits - 1) else f"{rounded:,.{digits}g}"


def usd_text(x: float) -> str:
    """Money as a planner reads it: 3 significant figures, in USD, M USD or bn USD."""
    if abs(x) >= 1e9:
        return f"{_sig(x / 1e9)} bn USD"
    if abs(x) >= 1e6:
        return f"{_sig(x / 1e6)} M USD"
    return f"{_sig(x)} USD"


def digest_markdown(params: Params, result: SolveResult) -> str:
    """What the plan costs over its futures, what it buys and from where, what the
    seabed source adds, and what security costs at the margin (shadow prices)."""
    p = params
    if not result.has_plan:
        return f"The run ended with status `{result.status}`: {result.message}\n"
    first, last = p.YEARS[0], p.YEARS[-1]
    lines = [*_cost_lines(p, result), ""]
    lines += [
        f"| material | delivered {first}-{last} (t) | sources carrying it (share of deliveries) |",
        "|---|---:|---|",
    ]
    delivered = _delivered(result)
    for m in p.MATERIALS:
        total = sum(v for (mm, _), v in delivered.items() if mm == m)
        shares = sorted(
            ((v / total, s) for (mm, s), v in delivered.items() if mm == m and total > 0),
            reverse=True,
        )
        carried = ", ".join(f"{s} {share:.0%}" for share, s in shares if share >= 0.005)
        lines.append(f"| {m} | {_sig(total)} | {carried or 'none'} |")

    seabed = seabed_lines(p, result)
    if seabed:
        lines += ["", "**What the seabed source contributes.**", *seabed]

    lines += ["", "**The price of security** (shadow prices, discounted USD):", ""]
    target = target_price_line(p, result)
    cover = cover_price_line(p, result)
    lines += [f"- {x}" for x in ([target] if target else []) + budget_lines(result)]
    lines += [f"- {cover}"] if cover else []
    return "\n".join(lines) + "\n"


def _delivered(result: SolveResult) -> dict[tuple[str, str], float]:
    """Tonnes the plan delivers into storage over the horizon, per (material, source)."""
    delivered: dict[tuple[str, str], float] = defaultdict(float)
    for (s, m, _l, _t), v in result.values["Ship"].items():
        delivered[m, s] += v
    return delivered


def seabed_lines(p: Params, result: SolveResult) -> list[str]:
    """One sentence per seabed source: when it is bought, what it stockpiles and resells."""
    delivered = _delivered(result)
    lines = []
    for s in (s for s in p.SOURCES if p.source_type[s] == "seabed"):
        bought = {t: v for (ss, t), v in result.values["Buy"].items() if ss == s and v > 1e-6}
        if not bought:
            lines.append(f"`{s}` is not used.")
            continue
        stocked = []
        for m in p.outputs[s]:
            total = sum(v for (mm, _), v in delivered.items() if mm == m)
            mine = delivered.get((m, s), 0.0)
            if total > 0 and mine > 0:
                stocked.append(f"{m} {_sig(mine)} t ({mine / total:.0%} of all {m})")
        resold = [
            f"{m} {_sig(v)} t"
            for m in p.outputs[s]
            if (
                v := sum(
                    x for (ss, mm, _), x in result.values["Surplus"].items() if ss == s and mm == m
                )
            )
            > 0.5
        ]
        years = f"{min(bought)}-{max(bought)}"
        lines.append(
            f"`{s}` is bought in {years} ({_sig(sum(bought.values()))} "
            f"{_activity_unit(p, s)} in all) and stockpiles "
            + (", ".join(stocked) or "nothing")
            + (f"; it resells {', '.join(resold)}." if resold else ".")
        )
    return lines


def target_price_line(p: Params, result: SolveResult) -> str | None:
    """The dearest tonne of the plan's stock target per material, and why it sits in the
    last year when it does (the end of the horizon)."""
    last = p.YEARS[-1]
    best: dict[str, tuple[float, int]] = {}
    earlier: dict[str, tuple[float, int]] = {}  # the dearest before the last year
    for key, row in result.rows.get("stock_target", {}).items():
        if len(key) != 2:
            continue  # a disruption's future: its targets hold again after recovery
        m, t = key
        if row.dual is None or row.dual <= 1e-6:
            continue
        if row.dual > best.get(m, (0.0, 0))[0]:
            best[m] = (row.dual, t)
        if t != last and row.dual > earlier.get(m, (0.0, 0))[0]:
            earlier[m] = (row.dual, t)
    if not best:
        return None

    def one(m: str, d: float, t: int) -> str:
        if t != last or m not in earlier:
            return f"{m} {_sig(d)} USD/t ({t})"
        e, te = earlier[m]
        return f"{m} {_sig(d)} USD/t ({t}; {_sig(e)} in {te})"

    text = (
        "The dearest tonne of the plan's stock target per material: "
        + "; ".join(one(m, d, t) for m, (d, t) in sorted(best.items(), key=lambda kv: -kv[1][0]))
        + "."
    )
    if any(t == last for _, t in best.values()):
        text += (
            f" Where it falls in {last}, that is the end of the horizon: nothing after "
            f"{last} values stock, so a tonne required in the last year carries its full "
            "purchase price, while a tonne required earlier still serves the later years and "
            "costs only what having it sooner costs: holding, interest, a tighter budget"
            + (
                " (after the semicolon: the dearest earlier year)."
                if any(t == last and m in earlier for m, (_, t) in best.items())
                else "."
            )
        )
    return text


def budget_lines(result: SolveResult) -> list[str]:
    """The years in which a budget row binds (a negative dual), in the plan and in each
    disruption's future."""
    budget: dict[int, float] = {}
    future_budget: dict[str, list[int]] = defaultdict(list)
    for key, row in result.rows.get("budget", {}).items():
        if row.dual is None or row.dual >= -1e-9:
            continue
        if len(key) == 1:
            budget[key[0]] = row.dual
        else:
            future_budget[key[0]].append(key[1])
    lines = []
    if budget:
        lines.append(
            "The budget binds in the plan in "
            + ", ".join(f"{t} ({-d:.3f} USD saved per extra USD)" for t, d in budget.items())
            + "."
        )
    if future_budget:
        lines.append(
            ("It binds" if budget else "The budget binds")
            + " in a disruption's future too: "
            + "; ".join(f"{d} {_years(ts)}" for d, ts in future_budget.items())
            + "."
        )
    return lines


def cover_price_line(p: Params, result: SolveResult) -> str | None:
    """Per disruption and material, the dearest year of need if the disruption happens
    (conditional shadow prices of disruption_cover): the five dearest."""
    dearest: dict[tuple[str, str], tuple[float, int]] = {}
    for (d, m, t), row in result.rows.get("disruption_cover", {}).items():
        prob = p.probability[d]
        if row.dual is None or row.dual <= 1e-6 or prob <= 0 or p.risk_weight > 0:
            continue
        value = row.dual / prob
        if value > dearest.get((d, m), (0.0, 0))[0]:
            dearest[d, m] = (value, t)
    if not dearest:
        return None
    return (
        "What one more tonne of need would cost if the disruption happens (the "
        f"{min(len(dearest), DEAREST)} dearest, each in its dearest year): "
        + "; ".join(
            f"{d} / {m} {_sig(y)} USD/t ({t})"
            for (d, m), (y, t) in sorted(dearest.items(), key=lambda kv: -kv[1][0])[:DEAREST]
        )
        + "."
    )


def _cost_lines(p: Params, result: SolveResult) -> list[str]:
    """The expected cost and its parts, then the futures."""
    futures = futures_sentence(p, result)
    return [cost_sentence(p, result), *(["", futures] if futures else [])]


def cost_sentence(p: Params, result: SolveResult) -> str:
    """The expected cost and its parts (and the risk-weighted objective, if any)."""
    first, last = p.YEARS[0], p.YEARS[-1]
    parts = result.parts
    expected = result.expected_cost_usd
    if expected is None:
        expected = result.objective_usd or 0.0
    text = (
        f"Status `{result.status}`. The plan's expected cost is **{usd_text(expected)}** over "
        f"{first}-{last}, discounted to {first}: purchases {usd_text(parts['purchase_usd'])}, "
        f"transport {usd_text(parts['transport_usd'])}, holding {usd_text(parts['holding_usd'])}, "
        f"capacity investment {usd_text(parts['investment_usd'])}, minus resale income "
        f"{usd_text(parts['resale_usd'])}, plus an expected shortfall penalty of "
        f"{usd_text(parts['shortfall_penalty_usd'])}."
    )
    if result.cvar_usd is not None:
        text += (
            f" With risk weight {p.risk_weight:g} the objective is "
            f"{usd_text(result.objective_usd or 0.0)}; the CVaR term (the expected cost of the "
            f"worst {1 - p.cvar_level:.0%} of futures) is {usd_text(result.cvar_usd)}."
        )
    return text


def futures_sentence(p: Params, result: SolveResult, unmet: bool = True) -> str | None:
    """The futures the plan is weighed over, the costliest, and (``unmet``) every future
    and material with unmet need; None without disruptions."""
    disruptions = [f for f in result.futures if f.future != "base"]
    if not disruptions:
        return None
    base = next((f for f in result.futures if f.future == "base"), None)
    worst = max(result.futures, key=lambda f: f.cost_usd)
    text = (
        f"It is weighed over {len(result.futures)} futures: "
        + (
            f"no disruption (probability {base.probability:.0%}, cost {usd_text(base.cost_usd)})"
            if base
            else ""
        )
        + "".join(
            f", {f.future} ({f.probability:.0%} from {p.start_year[f.future]})" for f in disruptions
        )
        + f". The costliest future is {worst.future}: {usd_text(worst.cost_usd)}"
        + (" if it happens." if worst.future in p.start_year else ".")
    )
    if not unmet:
        return text
    left = [
        f"{f.future}: {_sig(t)} t of {m} from {f.first_unmet_year[m]}"
        for f in result.futures
        for m, t in f.unmet_t.items()
    ]
    return text + (
        " Need left unmet: " + "; ".join(left) + "."
        if left
        else " Every future's need is met in full."
    )


def _years(years: list[int]) -> str:
    """2029, 2030, 2031, 2034 -> '2029-2031, 2034'."""
    runs: list[list[int]] = []
    for t in sorted(years):
        if runs and t == runs[-1][-1] + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _activity_unit(p: Params, s: str) -> str:
    src = next(x for x in p.inputs.sources if x.source == s)
    return src.activity_unit


#: How many sources the Summary's first sentence names; how many unmet lines it spells out.
NAMED_SOURCES = 3
NAMED_UNMET = 2


@dataclass
class NextYear:
    """What the plan buys in its first year (the report's Purchases rows of the plan):
    sources as (source, amount, activity unit, cost in USD of the year), costliest first."""

    year: int
    purchase_usd: float
    spend_usd: float
    budget_usd: float | None
    sources: list[tuple[str, float, str, float]] = field(default_factory=list)
    first_buy_year: int | None = None


def unmet_line(future: str, material: str, unmet_t: float, first_year: int) -> str:
    """'graphite: 10,807.8 t of disruption need left uncovered (first in 2029, future
    graphite_ban)'."""
    return (
        f"{material}: {unmet_t:,.1f} t of disruption need left uncovered (first in "
        f"{first_year}, future {future})"
    )


def plan_sentences(
    params: Params,
    result: SolveResult,
    *,
    next_year: NextYear,
    over_budget: Sequence[int],
    binding_budget: Sequence[int],
    has_budget: bool,
    unmet: Sequence[tuple[str, str, float, int]],
) -> list[str]:
    """What the plan says, for the top of the report's Summary: what to buy next year,
    what the plan costs against its budget, the futures and what stays at risk. The
    numbers come from the report's own tables (the caller passes them), rounded for
    reading; the tables below the sentences hold them exactly."""
    p = params
    first, last = p.YEARS[0], p.YEARS[-1]
    n = next_year
    if n.sources:
        named = ", ".join(
            f"{s} {_sig(q)} {unit} ({usd_text(cost)})"
            for s, q, unit, cost in n.sources[:NAMED_SOURCES]
        )
        more = len(n.sources) - NAMED_SOURCES
        budget = f" against a budget of {usd_text(n.budget_usd)}" if n.budget_usd else ""
        buy = (
            f"Next year, {n.year}: buy {usd_text(n.purchase_usd)} from {len(n.sources)} "
            f"source{'s' if len(n.sources) != 1 else ''} (money of {n.year}; the year's "
            f"spend with transport and holding is {usd_text(n.spend_usd)}{budget}). Largest: "
            f"{named}" + (f", and {more} more" if more > 0 else "") + ". BuyList has every "
            "source and year."
        )
    elif n.first_buy_year is not None:
        buy = (
            f"Next year, {n.year}: nothing to buy; the plan's first purchases are in "
            f"{n.first_buy_year} (BuyList)."
        )
    else:
        buy = f"Next year, {n.year}: nothing to buy; the plan buys nothing over {first}-{last}."
    expected = result.expected_cost_usd
    if expected is None:
        expected = result.objective_usd or 0.0
    futures = len(result.futures)
    cost = (
        f"Expected cost over {first}-{last}: {usd_text(expected)}, discounted to {first}"
        + (f" and weighed over {futures} futures" if futures > 1 else "")
        + " (parts below)."
    )
    if over_budget:
        cost += f" Spend exceeds the budget in {_years(list(over_budget))}."
    elif has_budget:
        cost += " Spend stays within the budget in every year"
        cost += (
            f"; the budget binds in {_years(list(binding_budget))}."
            if binding_budget
            else " and never binds."
        )
    lines = [buy, cost]
    disruptions = [f for f in result.futures if f.future != "base"]
    if disruptions:
        base = next((f for f in result.futures if f.future == "base"), None)
        worst = max(result.futures, key=lambda f: f.cost_usd)
        lines.append(
            "Futures: "
            + (f"no disruption {base.probability:.0%}, " if base else "")
            + ", ".join(
                f"{f.future} {f.probability:.0%} from {p.start_year[f.future]}" for f in disruptions
            )
            + f"; the costliest, {worst.future}, costs {usd_text(worst.cost_usd)}"
            + (" if it happens." if worst.future in p.start_year else ".")
        )
    if unmet:
        said = "; ".join(unmet_line(*u) for u in unmet[:NAMED_UNMET])
        more = len(unmet) - NAMED_UNMET
        lines.append(
            f"What stays at risk: {said}"
            + (f"; and {more} more (the table below)." if more > 0 else ".")
        )
    elif p.need_t:
        lines.append("What stays at risk: nothing; every future's need is met in full.")
    else:
        lines.append(
            "What stays at risk: no disruption cuts supply below need (no Demand, or no "
            "disruption that hits it)."
        )
    return lines
