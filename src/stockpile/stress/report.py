"""The stress report: tidy frames from a ``Summary``, written by ``reports.excel``.

Page one (Summary) answers "how likely is a shortfall of each material under this
plan, and how bad", then what the futures are worth (the plan against the plan that
ignores disruptions on the same samples) and how the run was made. Charts, the worst
samples, every plan by material, every sample and the description of uncertainty
follow.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from stockpile.reports.excel import write_report
from stockpile.stress.plans import IGNORES, PLAN
from stockpile.stress.summary import PlanRisk, Summary
from stockpile.stress.uncertainty import Uncertainty

#: How many of the samples that hurt most the report lists.
WORST = 25
#: The first sheet (its name is its heading).
FIRST = "Stress test"
#: Page one's sentences are cut into lines of at most this many characters (they run on
#: over the empty cells to their right: the width of the tables below them).
ANSWER_WIDTH = 150


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, cut at spaces."""
    import textwrap

    return textwrap.wrap(text, width) or [""]


def money(x: float | None) -> str:
    """7.1 bn USD / 39.1 M USD / 812 USD."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    a = abs(x)
    sign = "-" if x < 0 else ""
    if a >= 1e9:
        return f"{sign}{a / 1e9:.3g} bn USD"
    if a >= 1e6:
        return f"{sign}{a / 1e6:.3g} M USD"
    return f"{sign}{a:,.0f} USD"


def tonnes(x: float) -> str:
    return f"{x:,.0f} t" if x >= 100 else f"{x:,.3g} t"


def share(x: float) -> str:
    return f"{x:.1%}" if x < 0.995 or x == 1 else f"{x:.2%}"


def _frame(
    rows: list[dict[str, Any]], columns: list[str], title: str, note: str = ""
) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    df.attrs.update(title=title, note=note, empty="(none)", free_text=())
    return df


def answer(summary: Summary) -> list[str]:
    """Page one's sentences."""
    risk = summary.plans[PLAN]
    n = summary.samples
    what = (
        f"{n:,} sampled futures (seed {summary.seed}) of the horizon: in each, the first "
        "disruption drawn from the DisruptionTypes strikes the plan"
        if summary.seed is not None
        else f"The workbook's {n:,} listed disruptions, each a future: it strikes the plan"
    )
    lines = [
        f"{what}, which is fixed up to its start; stock is released, surviving sources "
        "bought at crisis prices, and the stockpile rebuilt, at least cost.",
    ]
    short = sorted(risk.materials.values(), key=lambda r: (-r.probability, -r.expected_share))
    short = [r for r in short if r.probability > 0]
    lines.append(
        f"Under the plan, {share(risk.any_shortfall)} of the samples leave some essential need "
        "unmet."
        + (
            " Most exposed: "
            + "; ".join(
                f"{r.material} {share(r.probability)} (expected {tonnes(r.expected_t)}, "
                f"1 in 100 samples {tonnes(r.p99_t)} or more)"
                for r in short[:3]
            )
            + "."
            if short
            else ""
        )
    )
    years = {}
    for r in short:
        for t, s in r.first_year.items():
            years[t] = years.get(t, 0.0) + s
    if years:
        top = max(years, key=lambda t: years[t])
        lines.append(
            f"Shortfalls start most often in {top}: a disruption that strikes before the "
            "stockpile is built finds little to release."
        )
    if risk.limits_missed:
        lines.append(
            f"In {share(risk.limits_missed)} of the samples the plan cannot meet a "
            "requirement of the disruption's future (min_coverage of the need, or the stock "
            "targets after recovery_years): it is missed as little as it can be (sheet "
            "Samples)."
        )
    if IGNORES in summary.plans:
        vss = summary.vss_usd(PLAN, IGNORES)
        other = summary.plans[IGNORES]
        if vss is not None:
            lines.append(
                f"What the futures are worth: on the same samples the plan costs "
                f"{money(risk.expected_cost_usd)} in expectation against "
                f"{money(other.expected_cost_usd)} for the plan that ignores disruptions "
                f"(the value of the stochastic solution: {money(vss)}), and leaves need unmet "
                f"in {share(risk.any_shortfall)} of them against {share(other.any_shortfall)}."
            )
    if any(r.unanswered for r in summary.plans.values()):
        parts = [
            f"{name}: {', '.join(f'{k} {v}' for k, v in r.unanswered.items())}"
            for name, r in summary.plans.items()
            if r.unanswered
        ]
        lines.append("Samples without an answer (left out of the statistics): " + "; ".join(parts))
    return lines


def material_table(risk: PlanRisk) -> pd.DataFrame:
    rows = []
    for r in sorted(risk.materials.values(), key=lambda r: (-r.probability, -r.expected_share)):
        first = max(r.first_year, key=lambda t: r.first_year[t]) if r.first_year else None
        rows.append(
            {
                "material": r.material,
                "shortfall probability [%]": r.probability,
                "expected unmet [t]": r.expected_t,
                "unmet, 95th percentile [t]": r.p95_t,
                "unmet, 99th percentile [t]": r.p99_t,
                "worst sample [t]": r.worst_t,
                "expected unmet / need [%]": r.expected_share,
                "likeliest first shortfall year": first,
                "below min_coverage [%]": r.below_floor,
                "target not restored [%]": r.target_missed,
            }
        )
    cols = list(rows[0]) if rows else ["material"]
    return _frame(
        rows,
        cols,
        f"How likely is a shortfall of each material under the plan, and how bad "
        f"({risk.answered:,} samples)",
        "Unmet need summed over the disruption's years; percentiles over all samples "
        "(a sample without shortfall counts 0). Expected unmet / need: all unmet need over "
        "all need of the samples.",
    )


def plans_table(summary: Summary) -> pd.DataFrame:
    base = summary.plans[PLAN]
    rows = []
    for r in summary.plans.values():
        rows.append(
            {
                "plan": r.label,
                "expected cost over the samples [USD]": r.expected_cost_usd,
                "more than the plan [USD]": r.expected_cost_usd - base.expected_cost_usd,
                "cost, 95th percentile [USD]": r.p95_cost_usd,
                "expected shortfall penalty [USD]": r.expected_penalty_usd,
                "any shortfall [%]": r.any_shortfall,
                "requirement missed [%]": r.limits_missed,
                "expected cost of its own solve [USD]": r.solve_expected_cost_usd,
                "cost without disruption [USD]": r.base_cost_usd,
            }
        )
    return _frame(
        rows,
        list(rows[0]),
        "What the futures are worth: each plan on the same samples",
        "Cost: the discounted cost of the whole horizon, K of MODEL.md (the plan's years "
        "before the disruption, then the future's own, shortfall penalties included). The "
        "plan that ignores disruptions is solved with every probability and min_coverage 0.",
    )


def run_table(summary: Summary, provenance: Mapping[str, Any]) -> pd.DataFrame:
    rows = [
        ("samples", f"{summary.samples:,}"),
        ("seed", str(summary.seed)),
        ("samples without a disruption", f"{summary.undisrupted:,}"),
        (
            "samples with a later disruption not modelled",
            f"{summary.later:,} (a future holds one disruption: the first)",
        ),
        ("evaluated in", summary.workers),
        (
            "evaluation time",
            f"{summary.seconds:,.1f} s ({summary.samples_per_second:,.1f} samples/s)",
        ),
        *((str(k), str(v)) for k, v in provenance.items()),
    ]
    df = _frame([{"item": k, "value": v} for k, v in rows], ["item", "value"], "How this was run")
    df.attrs["free_text"] = ("value",)
    return df


def chart_frames(summary: Summary) -> dict[str, pd.DataFrame]:
    """The Charts sheet's data, in percent of the samples (the chart axes show numbers)."""
    risk = summary.plans[PLAN]
    out: dict[str, pd.DataFrame] = {}
    mats = sorted(risk.materials.values(), key=lambda r: -r.probability)
    prob = _frame(
        [{"material": r.material, "shortfall [% of samples]": 100 * r.probability} for r in mats],
        ["material", "shortfall [% of samples]"],
        "Shortfall probability by material (the plan)",
    )
    prob.attrs["charts"] = [
        {
            "type": "bar",
            "title": "How likely is a shortfall of each material?",
            "y_title": "% of samples",
            "columns": ["shortfall [% of samples]"],
        }
    ]
    out["Charts/Shortfall probability"] = prob
    outs = summary.outcomes[PLAN]
    n = max(1, risk.answered)
    any_first = Counter(min(o.first_unmet_year.values()) for o in outs.values() if o.unmet_t)
    top = [r.material for r in mats if r.first_year][:4]
    years = sorted(set(any_first) | {t for m in top for t in risk.materials[m].first_year})
    if years:
        years = list(range(years[0], years[-1] + 1))
        first = _frame(
            [
                {
                    "year": t,
                    "any material": 100 * any_first.get(t, 0) / n,
                    **{m: 100 * risk.materials[m].first_year.get(t, 0.0) for m in top},
                }
                for t in years
            ],
            ["year", "any material", *top],
            "First shortfall year: % of samples whose first unmet need (of any material, or "
            "of the most exposed materials) falls in that year",
        )
        first.attrs["charts"] = [
            {
                "type": "line",
                "title": "When does the first shortfall come?",
                "y_title": "% of samples",
                "columns": ["any material", *top],
                "colours": "distinct",
                "from_zero": True,
            }
        ]
        out["Charts/First shortfall year"] = first
    costs = {name: r.cost_usd for name, r in summary.plans.items() if len(r.cost_usd)}
    if costs:
        every = np.concatenate(list(costs.values()))
        low, high = float(every.min()), float(np.quantile(every, 0.95))
        if high <= low:
            high = low + 1.0
        edges = np.linspace(low, high, 16)
        rows = []
        for i in range(16):
            top_edge = edges[i + 1] if i < 15 else np.inf
            label = f"{edges[i] / 1e9:.2f}" if i < 15 else f"{edges[i] / 1e9:.2f}+"
            row: dict[str, Any] = {"cost from [bn USD]": label}
            for name, c in costs.items():
                inside = (c >= edges[i]) & (c < top_edge)
                row[summary.plans[name].label] = 100 * float(inside.sum() / len(c))
            rows.append(row)
        labels = [summary.plans[name].label for name in costs]
        dist = _frame(
            rows,
            ["cost from [bn USD]", *labels],
            "Cost of the whole horizon across the samples: % of samples in each band (the "
            "last band: the dearest 5 % and beyond)",
        )
        dist.attrs["charts"] = [
            {
                "type": "line",
                "title": "What does the horizon cost across the samples?",
                "y_title": "% of samples",
                "x_title": "bn USD (discounted), from",
                "columns": labels,
                "colours": "distinct",
                "from_zero": True,
            }
        ]
        out["Charts/Cost distribution"] = dist
    return out


def worst_samples(summary: Summary) -> pd.DataFrame:
    outs = summary.outcomes[PLAN]
    draws = {d.sample: d for d in summary.draws}
    ranked = sorted(
        (o for o in outs.values() if o.answered),
        key=lambda o: (-o.penalty_usd, -(o.cost_usd or 0.0)),
    )[:WORST]
    rows = []
    base = summary.plans[PLAN].base_cost_usd
    for o in ranked:
        d = draws[o.sample]
        rows.append(
            {
                "sample": o.sample,
                "what hit": d.what(),
                "start year": d.start_year,
                "duration [yr]": d.duration_years,
                "unmet need": "; ".join(
                    f"{m} {tonnes(v)}" for m, v in sorted(o.unmet_t.items(), key=lambda x: -x[1])
                ),
                "shortfall penalty (discounted) [USD]": o.penalty_usd,
                "cost of the horizon [USD]": o.cost_usd,
                "more than without disruption [USD]": (o.cost_usd or 0.0) - base,
                "requirement missed": _missed_text(o),
            }
        )
    return _frame(
        rows,
        list(rows[0]) if rows else ["sample"],
        f"The {WORST} samples that hurt the plan most (by shortfall penalty)",
    )


def _missed_text(o: Any) -> str:
    parts = [f"{m} {tonnes(v)} below min_coverage" for m, v in o.floor_missed_t.items()]
    parts += [f"{m} target short by {tonnes(v)}" for m, v in o.target_missed_t.items()]
    return "; ".join(parts)


def first_year_table(summary: Summary) -> pd.DataFrame:
    """Per material, the share of samples whose first shortfall falls in each year."""
    risk = summary.plans[PLAN]
    years = sorted({t for r in risk.materials.values() for t in r.first_year})
    rows = [
        {
            "material": r.material,
            "any year [%]": r.probability,
            **{f"{t} [%]": r.first_year.get(t, 0.0) for t in years},
        }
        for r in sorted(risk.materials.values(), key=lambda r: -r.probability)
    ]
    return _frame(
        rows,
        ["material", "any year [%]", *(f"{t} [%]" for t in years)],
        "When the first shortfall of each material comes under the plan: share of samples",
        "Each row adds up to its probability of any shortfall.",
    )


def by_plan(summary: Summary) -> pd.DataFrame:
    rows = []
    for name, r in summary.plans.items():
        for m in r.materials.values():
            rows.append(
                {
                    "plan": name,
                    "material": m.material,
                    "shortfall probability [%]": m.probability,
                    "expected unmet [t]": m.expected_t,
                    "unmet, 95th percentile [t]": m.p95_t,
                    "unmet, 99th percentile [t]": m.p99_t,
                    "worst sample [t]": m.worst_t,
                    "worst sample": m.worst_sample,
                    "below min_coverage [%]": m.below_floor,
                    "target not restored [%]": m.target_missed,
                }
            )
    return _frame(rows, list(rows[0]), "Every plan, material by material")


def samples_table(summary: Summary, materials: tuple[str, ...]) -> pd.DataFrame:
    rows = []
    plan = summary.outcomes[PLAN]
    for d in summary.draws:
        row: dict[str, Any] = {
            "sample": d.sample,
            "disruption types": " + ".join(d.types) or "none",
            "start year": d.start_year,
            "duration [yr]": d.duration_years if d.disrupted else None,
            "demand multiplier [x]": d.demand_multiplier if d.disrupted else None,
            "price multiplier [x]": d.price_multiplier if d.disrupted else None,
        }
        for name, outs in summary.outcomes.items():
            o = outs[d.sample]
            row[f"{name}: status"] = o.status
            row[f"{name}: cost [USD]"] = o.cost_usd
            row[f"{name}: unmet [t]"] = sum(o.unmet_t.values())
        o = plan[d.sample]
        for m in materials:
            row[f"{m} unmet [t]"] = o.unmet_t.get(m, 0.0)
        row["what hit"] = d.what()
        rows.append(row)
    return _frame(
        rows,
        list(rows[0]) if rows else ["sample"],
        "Every sample: what hit, and what each plan did (unmet need by material: the plan)",
    )


def uncertainty_table(u: Uncertainty, summary: Summary) -> pd.DataFrame:
    rows = []
    n = max(1, summary.samples)
    for k in u.types:
        head = {
            "disruption type": k.name,
            "probability per year [%]": k.probability_per_yr,
            "chance of at least one in the horizon [%]": 1 - (1 - k.probability_per_yr) ** u.years,
            "samples it struck [%]": summary.struck.get(k.name, 0) / n,
            "duration [yr]": _range(k.duration_years, "{:d}"),
            "demand multiplier": _range(k.demand_multiplier, "{:.2f}"),
            "price multiplier": _range(k.price_multiplier, "{:.2f}"),
            "hits": "; ".join(
                f"{i.group_type} {i.group}, "
                f"{'every material' if i.material == '*' else i.material}: "
                f"{_range(i.availability, '{:.0%}')} available"
                for i in k.impacts
            ),
        }
        rows.append(head)
    return _frame(
        rows,
        list(rows[0]) if rows else ["disruption type"],
        "The description of uncertainty (DisruptionTypes, DisruptionTypeImpacts)",
        "Each range is drawn uniformly, each impact row on its own; a sample's disruption "
        "is the first event of the horizon (types starting that same year strike together).",
    )


def _range(pair: tuple[Any, Any], fmt: str) -> str:
    lo, hi = pair
    return fmt.format(lo) if lo == hi else f"{fmt.format(lo)} to {fmt.format(hi)}"


def frames(
    summary: Summary,
    u: Uncertainty,
    materials: tuple[str, ...],
    provenance: Mapping[str, Any],
) -> dict[str, pd.DataFrame]:
    """Every table of the stress report, keyed as ``reports.excel.write_report`` takes them."""
    lines = [line for para in answer(summary) for line in wrap(para, ANSWER_WIDTH)]
    head = _frame(
        [{"what the samples say": line} for line in lines],
        ["what the samples say"],
        "How likely is a shortfall under the plan, and how bad",
    )
    head.attrs["free_text"] = ("what the samples say",)
    out: dict[str, pd.DataFrame] = {
        f"{FIRST}/Answer": head,
        f"{FIRST}/Shortfall risk": material_table(summary.plans[PLAN]),
        f"{FIRST}/Plans": plans_table(summary),
        f"{FIRST}/Run": run_table(summary, provenance),
    }
    out.update(chart_frames(summary))
    out["Worst samples"] = worst_samples(summary)
    out["First shortfall"] = first_year_table(summary)
    out["By plan"] = by_plan(summary)
    out["Samples"] = samples_table(summary, materials)
    out["Uncertainty"] = uncertainty_table(u, summary)
    return out


def write_stress_report(
    summary: Summary,
    u: Uncertainty,
    materials: tuple[str, ...],
    path: Any,
    provenance: Mapping[str, Any],
) -> None:
    """Write the stress report (atomically; ``ReportWriteError`` when it cannot)."""
    write_report(frames(summary, u, materials, provenance), path)
