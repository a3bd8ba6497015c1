"""The comparison workbook: the base and every scenario side by side.

Sheets: Comparison (KPIs side by side: status, objective, expected cost and its parts,
unmet need over the futures, the plan's final stock per material, deliveries share by
bloc and source type; the run facts;
why a scenario has no plan), Charts (native Excel charts over their data), Deltas
(each scenario minus the base, absolute and relative), Stock (total stock per material
and year), Sourcing (tonnes delivered per material by source type and bloc) and
Overrides (what each scenario changed, row by row).

The tables and charts are laid out by ``reports.excel`` (the report's writer: number
formats from the units in the headers, Excel tables, text never a formula, an atomic
write that raises ``ReportWriteError``). A scenario without a plan is a column like any
other, with its status and diagnosis and blank numbers: never dropped.
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
from stockpile.scenarios.overrides import Scenario
from stockpile.scenarios.runner import Outcome


def write_comparison(
    outcomes: Sequence[Outcome],
    path: str | os.PathLike[str],
    *,
    scenarios: Sequence[Scenario] = (),
    provenance: Mapping[str, Any] | None = None,
) -> None:
    """Write the comparison workbook at ``path`` atomically (``ReportWriteError`` if not).

    ``outcomes[0]`` is the base; ``scenarios`` (for the Overrides sheet) and
    ``provenance`` (input file, times, versions: shown as given) are optional.
    """
    path = Path(path)
    excel.write_report(comparison_frames(outcomes, scenarios, provenance or {}), path)


def comparison_frames(
    outcomes: Sequence[Outcome],
    scenarios: Sequence[Scenario] = (),
    provenance: Mapping[str, Any] | None = None,
) -> dict[str, pd.DataFrame]:
    """The comparison's tables, keyed "Sheet/block" as ``reports.excel`` lays them out."""
    base = outcomes[0]
    names = [o.name for o in outcomes]
    kpis = _kpis(outcomes)
    frames: dict[str, pd.DataFrame] = {}

    frames["Comparison/KPIs"] = _frame(
        kpis,
        "Key figures side by side",
        "Objective, expected cost and its parts are discounted USD (expected over the "
        "futures); unmet need is summed over every disruption's future and window year; "
        "stock and shares are the plan's (of all tonnes it delivers into storage over the "
        "horizon). A scenario without a plan shows its status and blanks.",
    )
    frames["Comparison/No plan"] = _frame(
        pd.DataFrame(
            [
                {
                    "scenario": o.name,
                    "status": o.status,
                    "message": o.message,
                    "diagnosis": o.diagnosis,
                }
                for o in outcomes
                if not o.has_plan
            ],
            columns=["scenario", "status", "message", "diagnosis"],
        ),
        "Scenarios without a plan",
        "Infeasible: the requirements that conflict (an irreducible set). Failed: the "
        "solve raised an error.",
        empty="(every scenario has a plan)",
        free_text=("diagnosis",),
    )
    frames["Comparison/Run"] = _frame(
        pd.DataFrame(
            [{"item": str(k), "value": _text(v)} for k, v in (provenance or {}).items()],
            columns=["item", "value"],
        ),
        "Run",
        free_text=("value",),
    )

    frames.update(_chart_frames(outcomes))

    numeric = kpis[kpis["unit"] != ""]
    absolute = numeric[["kpi", "unit"]].copy()
    relative = numeric[["kpi"]].copy()
    for name in names[1:]:
        base_values = pd.to_numeric(numeric[base.name], errors="coerce")
        delta = pd.to_numeric(numeric[name], errors="coerce") - base_values
        absolute[f"{name} − base"] = delta
        relative[f"{name} vs base [%]"] = (delta / base_values.abs()).where(
            base_values.abs() > 1e-9
        )
    frames["Deltas/Absolute"] = _frame(
        absolute, "Scenario minus base", "Same units as the Comparison sheet."
    )
    frames["Deltas/Relative"] = _frame(
        relative[numeric["unit"] != "%"],
        "Scenario relative to base",
        "Change as a share of the base value (blank where the base is 0 or a scenario "
        "has no plan).",
    )

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
    return frames


# --- tables -----------------------------------------------------------------------------


def _kpis(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    materials = _union(o.materials for o in outcomes)
    rows: list[dict[str, Any]] = []

    def add(kpi: str, unit: str, values: Sequence[Any]) -> None:
        rows.append({"kpi": kpi, "unit": unit, **dict(zip(_names(outcomes), values, strict=True))})

    add("status", "", [o.status for o in outcomes])
    add("objective", "USD", [o.objective_usd if o.has_plan else None for o in outcomes])
    add("expected cost", "USD", [_plan(o, o.expected_cost_usd) for o in outcomes])
    for part in PARTS:
        add(
            part.word,
            part.unit,
            [o.parts.get(part.json_key) if o.has_plan else None for o in outcomes],
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
    add("solve time", "s", [o.seconds for o in outcomes])
    add("warm re-solve", "", ["yes" if o.warm else "no" for o in outcomes])
    add("message", "", [" ".join(x for x in (o.message, o.log) if x) for o in outcomes])
    return pd.DataFrame(rows, columns=["kpi", "unit", *_names(outcomes)])


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
    objective = pd.DataFrame(
        {
            "scenario": _names(outcomes),
            "objective [USD]": [_plan(o, o.objective_usd) for o in outcomes],
            "change vs base [USD]": [
                None if not (o.has_plan and base.has_plan) else o.objective_usd - base.objective_usd
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
            "scenario": _names(outcomes),
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
            "columns": [c for c in parts.columns if c != "scenario"],
        }
    ]
    frames["Charts/Cost parts"] = _frame(parts, "Cost parts (discounted; resale as negative)")

    for label, by, order in (("source type", 0, SOURCE_TYPES), ("bloc", 2, BLOCS)):
        totals = [_totals(o, by) for o in outcomes]
        groups = _ordered(_union(t.keys() for t in totals), order)
        df = pd.DataFrame(
            {
                "scenario": _names(outcomes),
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
                    f"{o.name} [t]": [_plan(o, o.stock_t.get((m, t), 0.0)) for t in years]
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
                "columns": [f"{o.name} [t]" for o in outcomes],
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
    """The value where the outcome has a plan; None (a blank cell) where it has none."""
    return value if o.has_plan else None


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
