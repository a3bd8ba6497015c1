"""The comparison workbook: the base and every scenario side by side.

Sheets: Comparison (KPIs side by side: status, what kind of plan, objective, expected
cost and its parts, unmet need over the futures, the plan's final stock per material,
deliveries share by bloc and source type), Diagnosis (the scenarios without a least-cost
plan and what that means; why a scenario has no plan, or what its closest plan had to
move: one wrapped line per limit), Charts (native
Excel charts over their data; a scenario without a plan is labelled so), Deltas (each
scenario against the base: in words with units, "+2.26 M USD (+0.03 %)"; absolute in the
KPI's unit, shares in percentage points; relative), Stock (total stock per material and
year), Sourcing (tonnes delivered per material by source type and bloc) and Overrides
(what each scenario changed, row by row, and every value it changed) and Run (the run
facts and each solve's solver message).

The tables and charts are laid out by ``reports.excel`` (the report's writer: number
formats from the units in the headers, Excel tables, text never a formula, an atomic
write that raises ``ReportWriteError``). A scenario without a plan is a column like any
other, with its status and diagnosis and blank numbers: never dropped. An infeasible
scenario that comes with its closest plan (``outcome.result.closest``) is compared like
any other outcome, and labelled as a plan that does not meet the requirements.
How the solver got its answer (warm or cold re-solves) is not a planner's concern and is
left out; the solver's own message is on the Run table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from stockpile.data.schema import BLOCS, SOURCE_TYPES
from stockpile.model.objective import PARTS
from stockpile.reports import excel
from stockpile.reports.digest import usd_text
from stockpile.scenarios.overrides import (
    Change,
    Scenario,
    annotate_text,
    number_text,
    row_annotator,
)
from stockpile.scenarios.runner import FAILED, Outcome

#: Number format of a relative change: signed, two decimals (+0.03 %, not 0.0 %).
RELATIVE = "+0.00%;-0.00%;0.00%"


def write_comparison(
    outcomes: Sequence[Outcome],
    path: str | os.PathLike[str],
    *,
    scenarios: Sequence[Scenario] = (),
    provenance: Mapping[str, Any] | None = None,
    changes: Mapping[str, Sequence[Change]] | None = None,
) -> None:
    """Write the comparison workbook at ``path`` atomically (``ReportWriteError`` if not).

    ``outcomes[0]`` is the base; ``scenarios`` (for the Overrides sheet), ``provenance``
    (input file, times, versions: shown as given) and ``changes`` (scenario -> the values
    it changed: the Overrides sheet lists them, and a diagnosis quoting a changed value
    says so) are optional.
    """
    path = Path(path)
    frames = comparison_frames(outcomes, scenarios, provenance or {}, changes or {})
    excel.write_report(frames, path)


# --- what an outcome is, in words ------------------------------------------------------------


def closest(o: Outcome) -> bool:
    """Infeasible, but with the closest plan (the requirements moved by
    ``o.relaxations``) in its figures."""
    return bool(getattr(o, "closest", False))


def shows_plan(o: Outcome) -> bool:
    """The outcome has figures to compare: a plan, or the closest plan."""
    return o.has_plan or closest(o)


_NO_PLAN = {
    "infeasible": "no plan (infeasible)",
    "unbounded": "no plan (unbounded)",
    "time_limit_no_solution": "no plan (time limit)",
    "error": "no plan (solver error)",
    FAILED: "no plan (failed)",
}


def plan_words(o: Outcome) -> str:
    """What kind of plan the outcome's figures describe, in words."""
    if o.status == "optimal":
        return "least-cost plan"
    if o.status == "time_limit_feasible":
        return "plan, not proven least-cost"
    if closest(o):
        return "closest plan, NOT meeting the requirements"
    return _NO_PLAN.get(o.status, f"no plan: {o.status}")


def outcome_label(o: Outcome) -> str:
    """The outcome's name as a chart shows it: with what it is when not a least-cost plan
    ("budget_cut_30pct (infeasible: no plan)"), so no bar or line is missing unexplained."""
    if o.status == "optimal":
        return o.name
    if o.status == "time_limit_feasible":
        return f"{o.name} (time limit)"
    if closest(o):
        return f"{o.name} (closest plan, infeasible)"
    status = {FAILED: "failed", "time_limit_no_solution": "time limit"}.get(o.status, o.status)
    return f"{o.name} ({status}: no plan)"


def delta_text(value: float | None, base: float | None, unit: str) -> str:
    """A change against the base in its unit: "+2.26 M USD (+0.03 %)", "+120.0 t
    (+1.50 %)", and shares in percentage points: "-11.6 pp". "" without both values."""
    if value is None or base is None:
        return ""
    d = value - base
    if unit == "%":
        return f"{d * 100:+.1f} pp"
    if abs(d) <= 1e-9 * max(1.0, abs(base)) or (unit == "USD" and abs(d) < 0.5):
        return "no change"  # round-off of the solver, not a difference
    sign = "-" if d < 0 else "+"
    shown = sign + (usd_text(abs(d)) if unit == "USD" else f"{abs(d):,.1f} {unit}")
    return shown + (f" ({d / abs(base):+.2%})".replace("%", " %") if abs(base) > 1e-9 else "")


def diagnosis_kind(o: Outcome) -> str | None:
    """How an infeasible outcome was diagnosed: "iis" (an irreducible set of conflicting
    requirements), "elastic" (the limits an elastic solve had to move) or None."""
    if not o.diagnosis:
        return None
    return o.diagnosis_method or "iis"


def diagnosis_lines(o: Outcome, changes: Sequence[Change] = ()) -> list[tuple[str, str]]:
    """(kind, text) of each line that says why ``o`` has no plan or what its closest plan
    moved; a quoted workbook value that the scenario changed says so."""
    annotate = row_annotator(changes)
    lines: list[tuple[str, str]] = []
    if closest(o):
        lines += [
            ("limit the closest plan moves", annotate(r.sheet, r.row, r.text))
            for r in o.relaxations
        ]
    said = [annotate_text(x.strip(), changes) for x in o.diagnosis.splitlines() if x.strip()]
    kind = diagnosis_kind(o)
    member = (
        "limit the elastic solve had to move"
        if kind == "elastic"
        else "one of the conflicting requirements"
    )
    if said and closest(o) and kind == "elastic":
        said = said[-1:]  # no IIS: the diagnosis lists the closest plan's moves again
    if said:
        lines += [(member, x) for x in said[:-1]] + [("what to do", said[-1])]
    if o.status in (FAILED, "error"):
        lines.append(("error", o.message))
    return lines


def _meaning(o: Outcome, lines: int) -> str:
    """One line on what a scenario without a (least-cost) plan means."""
    if closest(o):
        n = len(o.relaxations)
        return (
            f"Its closest plan is compared like the others, but does NOT meet the "
            f"requirements: it moves {n} limit(s) (Diagnosis sheet)."
        )
    kind = diagnosis_kind(o)
    if o.status == "infeasible" and kind == "elastic":
        return (
            f"No plan meets every requirement: an elastic solve had to move {lines} "
            "limit(s) to make one possible (Diagnosis sheet)."
        )
    if o.status == "infeasible":
        return (
            f"No plan meets every requirement: {lines} requirement(s) conflict, an "
            "irreducible set (Diagnosis sheet)."
        )
    if o.status == "time_limit_no_solution":
        return "The time limit struck before any plan was found: allow more time."
    if o.status == "unbounded":
        return "The cost can fall without limit: check resale prices and limits."
    return "The solve failed (the error is on the Diagnosis sheet)."


# --- the frames ---------------------------------------------------------------------------------


def comparison_frames(
    outcomes: Sequence[Outcome],
    scenarios: Sequence[Scenario] = (),
    provenance: Mapping[str, Any] | None = None,
    changes: Mapping[str, Sequence[Change]] | None = None,
) -> dict[str, pd.DataFrame]:
    """The comparison's tables, keyed "Sheet/block" as ``reports.excel`` lays them out."""
    changes = changes or {}
    kpis = _kpis(outcomes)
    frames: dict[str, pd.DataFrame] = {}

    frames["Comparison/KPIs"] = _frame(
        kpis,
        "Key figures side by side",
        "Objective, expected cost and its parts are discounted USD (expected over the "
        "futures); unmet need is summed over every disruption's future and window year; "
        "stock and shares are the plan's (of all tonnes it delivers into storage over the "
        "horizon). A scenario without a plan shows its status and blanks; a closest plan's "
        "figures describe a plan that does NOT meet the requirements.",
    )
    diagnoses = {o.name: diagnosis_lines(o, changes.get(o.name, ())) for o in outcomes}
    without = [o for o in outcomes if not o.has_plan]
    frames["Diagnosis/No plan"] = _frame(
        pd.DataFrame(
            [
                {
                    "scenario": o.name,
                    "status": o.status,
                    "what it means": _meaning(
                        o, sum(k != "what to do" for k, _ in diagnoses[o.name])
                    ),
                }
                for o in without
            ],
            columns=["scenario", "status", "what it means"],
        ),
        "Scenarios without a least-cost plan",
        _legend(without),
        empty="(every scenario has a plan)",
        wrap={"what it means": 90},
    )
    frames["Diagnosis/Lines"] = _frame(
        pd.DataFrame(
            [
                {"scenario": o.name, "status": o.status, "line": kind, "says": text}
                for o in outcomes
                for kind, text in diagnoses[o.name]
            ],
            columns=["scenario", "status", "line", "says"],
        ),
        "Why a scenario has no plan, or what its closest plan had to move",
        empty="(every scenario has a least-cost plan)",
        wrap=("says",),
    )

    frames.update(_chart_frames(outcomes))

    frames.update(_delta_frames(outcomes, kpis))

    frames["Stock"] = _frame(
        _stock(outcomes), "Total stock per material at the end of each year (all sites)"
    )
    frames["Sourcing"] = _frame(
        _sourcing(outcomes),
        "Tonnes delivered into storage over the horizon, per material and group",
    )
    frames["Overrides"] = _frame(
        pd.DataFrame(
            [
                {
                    "scenario": s.name,
                    "defined in": s.origin or "code",
                    "Scenarios row": o.row,
                    "sheet": o.sheet,
                    "key": o.key,
                    "column": o.column,
                    "op": o.op,
                    "value": _text(o.value),
                    "note": o.note,
                }
                for s in scenarios
                for o in s.overrides
            ],
            columns=[
                "scenario",
                "defined in",
                "Scenarios row",
                "sheet",
                "key",
                "column",
                "op",
                "value",
                "note",
            ],
        ),
        "What each scenario changes (applied in this order)",
        free_text=("note",),
    )
    frames["Run/Run"] = _frame(
        pd.DataFrame(
            [{"item": str(k), "value": _text(v)} for k, v in (provenance or {}).items()],
            columns=["item", "value"],
        ),
        "Run",
        wrap={"value": 90},
    )
    frames["Run/Solves"] = _frame(
        pd.DataFrame(
            [
                {
                    "scenario": o.name,
                    "status": o.status,
                    "solve time [s]": o.seconds,
                    "solver message": o.message,
                }
                for o in outcomes
            ],
            columns=["scenario", "status", "solve time [s]", "solver message"],
        ),
        "Solves",
        wrap={"solver message": 80},
    )
    frames["Overrides/Values"] = _frame(
        pd.DataFrame(
            [
                {
                    "scenario": name,
                    "sheet": c.sheet,
                    "input row": c.row,
                    "key": c.key,
                    "column": c.column,
                    "change": c.op,
                    # as text, so a year reads 2028 and money 600,000,000
                    "in the workbook": number_text(c.before, c.unit) if c.column else None,
                    "in the scenario": number_text(c.after, c.unit) if c.column else None,
                    "unit": c.unit,
                }
                for name, found in changes.items()
                for c in found
            ],
            columns=[
                "scenario",
                "sheet",
                "input row",
                "key",
                "column",
                "change",
                "in the workbook",
                "in the scenario",
                "unit",
            ],
        ),
        "Every value the scenarios change (input row: the row of the input workbook)",
        empty="(no values recorded)",
    )
    return frames


def _legend(without: Sequence[Outcome]) -> str:
    """The note of the no-plan table: the words for what its rows hold, no more."""
    said = []
    kinds = {diagnosis_kind(o) for o in without if o.status == "infeasible" and not closest(o)}
    if "iis" in kinds:
        said.append(
            "Infeasible, irreducible set: requirements that cannot all hold together, "
            "each needed for the conflict."
        )
    if "elastic" in kinds:
        said.append(
            "Infeasible, elastic diagnosis: the limits a solve that may move them had to "
            "move, and by how much (other choices may exist)."
        )
    if any(closest(o) for o in without):
        said.append(
            "Closest plan: the plan nearest to meeting the requirements; it does not meet them."
        )
    if any(o.status in (FAILED, "error") for o in without):
        said.append("Failed: the solve raised an error.")
    return " ".join(said)


# --- tables -----------------------------------------------------------------------------


def _kpis(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    materials = _union(o.materials for o in outcomes)
    rows: list[dict[str, Any]] = []

    def add(kpi: str, unit: str, values: Sequence[Any]) -> None:
        rows.append({"kpi": kpi, "unit": unit, **dict(zip(_names(outcomes), values, strict=True))})

    add("status", "", [o.status for o in outcomes])
    add("plan", "", [plan_words(o) for o in outcomes])
    add("objective", "USD", [_plan(o, o.objective_usd) for o in outcomes])
    add("expected cost", "USD", [_plan(o, o.expected_cost_usd) for o in outcomes])
    for part in PARTS:
        add(
            part.word,
            part.unit,
            [_plan(o, o.parts.get(part.json_key)) for o in outcomes],
        )
    add("unmet disruption need", "t", [_plan(o, sum(o.unmet_t.values())) for o in outcomes])
    for m in materials:
        add(f"final stock {m}", "t", [_plan(o, o.final_stock_t().get(m)) for o in outcomes])
    for label, by in (("bloc", 2), ("source type", 0)):
        shares = [_shares(o, by) for o in outcomes]
        order = BLOCS if by == 2 else SOURCE_TYPES
        for g in _ordered(_union(s.keys() for s in shares), order):
            add(
                f"deliveries from {label} {g}",
                "%",
                [_plan(o, s.get(g, 0.0)) for o, s in zip(outcomes, shares, strict=True)],
            )
    return pd.DataFrame(rows, columns=["kpi", "unit", *_names(outcomes)])


def _delta_frames(outcomes: Sequence[Outcome], kpis: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each scenario against the base: in words (with units), absolute (in the KPI's
    unit; shares in percentage points) and relative (signed, two decimals)."""
    base, rest = outcomes[0], outcomes[1:]
    numeric = kpis[kpis["unit"] != ""].reset_index(drop=True)
    value = {  # (kpi, outcome) -> number or None
        (k, o.name): (None if pd.isna(v) else float(v))
        for k, row in zip(numeric["kpi"], numeric.to_dict("records"), strict=True)
        for o in outcomes
        for v in [pd.to_numeric(row[o.name], errors="coerce")]
    }
    unit_of = dict(zip(numeric["kpi"], numeric["unit"], strict=True))
    words = ["objective", "expected cost", "unmet disruption need"]
    in_words = pd.DataFrame(
        [
            {
                "scenario": o.name,
                "plan": plan_words(o),
                **{
                    f"{k} vs base": delta_text(value[k, o.name], value[k, base.name], unit_of[k])
                    or "-"
                    for k in words
                },
            }
            for o in rest
        ],
        columns=["scenario", "plan", *(f"{k} vs base" for k in words)],
    )
    absolute = pd.DataFrame(
        {
            "kpi": numeric["kpi"],
            "unit": ["pp" if u == "%" else u for u in numeric["unit"]],
            **{
                f"{outcome_label(o)} − base": [
                    None
                    if value[k, o.name] is None or value[k, base.name] is None
                    else (value[k, o.name] - value[k, base.name]) * (100 if u == "%" else 1)
                    for k, u in unit_of.items()
                ]
                for o in rest
            },
        }
    )
    shares = [k for k, u in unit_of.items() if u != "%"]
    relative = pd.DataFrame(
        {
            "kpi": shares,
            **{
                f"{outcome_label(o)} vs base [%]": [
                    None
                    if value[k, o.name] is None
                    or value[k, base.name] is None
                    or abs(value[k, base.name]) <= 1e-9
                    else (value[k, o.name] - value[k, base.name]) / abs(value[k, base.name])
                    for k in shares
                ]
                for o in rest
            },
        }
    )
    return {
        "Deltas/In words": _frame(
            in_words,
            "Each scenario against the base",
            "Money in discounted USD with the change relative to the base in brackets; "
            "unmet need in tonnes. '-': the scenario or the base has no plan.",
        ),
        "Deltas/Absolute": _frame(
            absolute,
            "Scenario minus base",
            "In the unit of each row (as on the Comparison sheet); shares of deliveries "
            "in percentage points (pp).",
        ),
        "Deltas/Relative": _frame(
            relative,
            "Scenario relative to base",
            "Change as a share of the base value (blank where the base is 0 or a scenario "
            "has no plan); shares of deliveries are compared in pp above.",
            number_formats={c: RELATIVE for c in relative.columns if c != "kpi"},
        ),
    }


def _stock(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    base, rest = outcomes[0], outcomes[1:]
    materials = _union(o.materials for o in outcomes)
    years = _union(o.years for o in outcomes)
    rows = []
    for m in materials:
        for t in years:
            row: dict[str, Any] = {"material": m, "year": t}
            b = _plan(base, base.stock_t.get((m, t), 0.0))
            row[f"{base.name} [t]"] = b
            for o in rest:
                v = _plan(o, o.stock_t.get((m, t), 0.0))
                row[f"{o.name} [t]"] = v
                row[f"{o.name} − base [t]"] = None if v is None or b is None else v - b
            rows.append(row)
    return pd.DataFrame(rows)


def _sourcing(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    base, rest = outcomes[0], outcomes[1:]
    materials = _union(o.materials for o in outcomes)
    rows = []
    for label, by, order in (("source type", 0, SOURCE_TYPES), ("bloc", 2, BLOCS)):
        grouped = [_grouped(o, by) for o in outcomes]
        for m in materials:
            groups = _ordered(_union(g.get(m, {}).keys() for g in grouped), order)
            for group in groups:
                row: dict[str, Any] = {"material": m, "by": label, "group": group}
                b = _plan(base, grouped[0].get(m, {}).get(group, 0.0))
                row[f"{base.name} [t]"] = b
                for o, g in zip(rest, grouped[1:], strict=True):
                    v = _plan(o, g.get(m, {}).get(group, 0.0))
                    row[f"{o.name} [t]"] = v
                    row[f"{o.name} − base [t]"] = None if v is None or b is None else v - b
                rows.append(row)
    return pd.DataFrame(rows, columns=None if rows else ["material", "by", "group"])


def _chart_frames(outcomes: Sequence[Outcome]) -> dict[str, pd.DataFrame]:
    frames: dict[str, pd.DataFrame] = {}
    base = outcomes[0]
    labels = [outcome_label(o) for o in outcomes]
    objective = pd.DataFrame(
        {
            "scenario": labels,
            "objective [USD]": [_plan(o, o.objective_usd) for o in outcomes],
            "change vs base [USD]": [
                None
                if not (shows_plan(o) and shows_plan(base))
                else o.objective_usd - base.objective_usd
                for o in outcomes
            ],
        }
    )
    objective.attrs["charts"] = [
        {
            "type": "bar",
            "title": "Objective by scenario",
            "y_title": "USD",
            "columns": ["objective [USD]"],
        },
        {
            "type": "bar",
            "title": "Objective change against the base",
            "y_title": "USD",
            "columns": ["change vs base [USD]"],
        },
    ]
    frames["Charts/Objective"] = _frame(objective, "Objective (discounted)")

    parts = pd.DataFrame(
        {
            "scenario": labels,
            **{
                f"{part.word} [{part.unit}]": [
                    _plan(o, part.sign * o.parts.get(part.json_key, 0.0)) for o in outcomes
                ]
                for part in PARTS
            },
        }
    )
    parts.attrs["charts"] = [
        {
            "type": "stacked",
            "title": "Cost parts by scenario (resale below zero)",
            "y_title": "USD",
            "from_zero": True,
            "columns": [c for c in parts.columns if c != "scenario"],
        }
    ]
    frames["Charts/Cost parts"] = _frame(parts, "Cost parts (discounted; resale as negative)")

    for label, by, order in (("source type", 0, SOURCE_TYPES), ("bloc", 2, BLOCS)):
        totals = [_totals(o, by) for o in outcomes]
        groups = _ordered(_union(t.keys() for t in totals), order)
        df = pd.DataFrame(
            {
                "scenario": labels,
                **{
                    f"{g} [t]": [
                        _plan(o, t.get(g, 0.0)) for o, t in zip(outcomes, totals, strict=True)
                    ]
                    for g in groups
                },
            }
        )
        if groups:
            df.attrs["charts"] = [
                {
                    "type": "stacked",
                    "title": f"Deliveries by {label} over the horizon",
                    "y_title": "t",
                    "columns": [f"{g} [t]" for g in groups],
                }
            ]
        frames[f"Charts/Deliveries by {label}"] = _frame(df, f"Deliveries by {label} [t]")

    for m in _union(o.materials for o in outcomes):
        years = _union(o.years for o in outcomes)
        df = pd.DataFrame(
            {
                "year": years,
                **{
                    f"{outcome_label(o)} [t]": [_plan(o, o.stock_t.get((m, t), 0.0)) for t in years]
                    for o in outcomes
                },
            }
        )
        df.attrs["charts"] = [
            {
                "type": "line",
                "title": f"{m}: total stock by scenario",
                "y_title": "t",
                "x_title": "end of year",
                "columns": [f"{outcome_label(o)} [t]" for o in outcomes],
                "colours": "distinct",  # the base first, then each scenario
            }
        ]
        frames[f"Charts/Stock {m}"] = _frame(df, f"Stock of {m} [t]")
    return frames


# --- helpers -----------------------------------------------------------------------------


def _frame(df: pd.DataFrame, title: str, note: str = "", **attrs: Any) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    df.attrs.update({"title": title, **({"note": note} if note else {}), **attrs})
    if "free_text" in df.attrs:
        df.attrs["free_text"] = tuple(df.attrs["free_text"])
    return df


def _names(outcomes: Sequence[Outcome]) -> list[str]:
    return [o.name for o in outcomes]


def _plan(o: Outcome, value: Any) -> Any:
    """The value where the outcome has a plan (or the closest plan); None (a blank cell)
    where it has none."""
    return value if shows_plan(o) else None


def _union(groups: Any) -> list[Any]:
    return list(dict.fromkeys(x for g in groups for x in g))


def _ordered(items: Sequence[str], order: Sequence[str]) -> list[str]:
    rank = {g: i for i, g in enumerate(order)}
    return sorted(items, key=lambda g: (rank.get(g, len(rank)), g))


def _totals(o: Outcome, by: int) -> dict[str, float]:
    """Tonnes delivered over the horizon by source type (by=0) or bloc (by=2)."""
    out: dict[str, float] = {}
    for (_m, s), v in o.deliveries_t.items():
        g = o.sources[s][by]
        out[g] = out.get(g, 0.0) + v
    return out


def _shares(o: Outcome, by: int) -> dict[str, float]:
    totals = _totals(o, by)
    whole = sum(totals.values())
    return {g: v / whole for g, v in totals.items()} if whole > 0 else {}


def _grouped(o: Outcome, by: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for (m, s), v in o.deliveries_t.items():
        g = o.sources[s][by]
        out.setdefault(m, {})[g] = out.setdefault(m, {}).get(g, 0.0) + v
    return out


def _text(v: Any) -> Any:
    if v is None or isinstance(v, (int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k}={x}" for k, x in v.items())
    return str(v)
