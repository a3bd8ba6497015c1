"""Numbers the solver can hold, and models it can build: checked on the inputs, where
every number still names its cell.

A cell can be finite and in range and still break the LP: a cost of 1e308 escalated
by 50 %/yr overflows to infinity by year 3; a target of 1e20 is HiGHS's "no limit"
(``kHighsInf``), which HiGHS refuses as a bound. Those are errors here, at the cell
whose value the LP would carry (``LP_INFINITY``). Numbers that are legal but far from
the rest (a yield of 1e9 t/unit beside yields of 0.01) leave HiGHS's tolerances
meaningless, so that its "infeasible" or "unbounded" may be an artefact of scaling:
those are warnings naming the cells (``scaling_warnings``), and the solve repeats them
beside such an answer.

The size of the model is bounded too (``MAX_YEARS``, ``MAX_COLUMNS``): a horizon of
thousands of years validated clean, then grew by ~2 MB a year until the process ran
out of memory. ``estimated_columns`` counts the columns from the index sets, before
anything is built.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from stockpile.data.inputs import Inputs, Record
from stockpile.data.problems import Problem
from stockpile.data.schema import SETTINGS, SHEETS, Sheet

#: HiGHS's infinity (``highspy.kHighsInf``, 1e20 unless changed): a bound at or above it
#: means "no limit" and HiGHS refuses it as a row or column limit; no cost or
#: coefficient of the model may reach it either.
LP_INFINITY = 1e20

#: Beyond these a number is legal but likely a unit slip (USD for million USD, g for t),
#: and far outside what HiGHS's tolerances (1e-7 on feasibility, 1e-9 below which a
#: matrix entry is dropped) are made for.
LARGE = 1e12
SMALL = 1e-9

#: The matrix coefficients the data writes (yields, volumes) sit in rows beside
#: coefficients of 1: further apart than this and HiGHS's feasibility tolerance (1e-7)
#: no longer tells a row that holds from one that does not. The bundled dataset spans
#: 1.5e3 (yields 0.00069 to 1).
MATRIX_RATIO = 1e8
MATRIX_COLUMNS = {("SourceOutputs", "yield_t_per_unit"), ("Materials", "volume_m3_per_t")}

#: Most years in a horizon. The planners' questions span one or two decades (the
#: bundled dataset: 15 years; the XL benchmark: 25); a century leaves room for any
#: long-lived reserve, while the model grows linearly in years (issue 15 measured about
#: 2 MB and 0.07 s per year until end_year 9999 ran out of memory).
MAX_YEARS = 100

#: Most columns (variables) in a model. The XL benchmark (100 materials, 600 sources,
#: 30 sites, 25 years, 20 futures) has about 3.9 million (estimated: 4.0 million), the
#: largest size measured; the limit leaves 2.5 times that, and memory grows with it
#: (the Python API takes another limit: ``size_problems(max_columns=...)``).
MAX_COLUMNS = 10_000_000


def _numbers(inputs: Inputs) -> Iterator[tuple[Sheet, Record, str, float]]:
    """Every number cell of the data sheets: (sheet, record, column, value)."""
    for sheet in SHEETS:
        if sheet.settings:
            continue
        for rec in getattr(inputs, sheet.attr):
            for col in sheet.columns:
                value = getattr(rec, col.name)
                if col.kind == "number" and isinstance(value, (int, float)):
                    yield sheet, rec, col.name, float(value)


def _problem(
    sheet: Sheet, rec: Record, column: str, value: Any, message: str, fix: str, severity: str
) -> Problem:
    return Problem(
        message,
        fix,
        sheet=sheet.name,
        row=rec.row or None,
        column=column,
        value=value,
        severity=severity,  # type: ignore[arg-type]
    )


def _peak_cost(inputs: Inputs, rec: Record) -> float:
    """The largest price the LP would carry for a Sources row: its cost escalated to
    end_year, times the largest disruption price multiplier (inf on overflow)."""
    st = inputs.settings
    cost, esc = rec.cost_usd_per_unit, rec.cost_escalation_per_yr or 0.0
    years = max(0, (st.end_year or 0) - (st.start_year or 0))
    multiplier = max((d.price_multiplier or 1.0 for d in inputs.disruptions), default=1.0)
    try:
        return cost * (1.0 + esc) ** years * max(1.0, multiplier)
    except OverflowError:
        return math.inf


def number_problems(inputs: Inputs) -> list[Problem]:
    """Errors for numbers the LP cannot hold; warnings for numbers far outside the
    rest (see ``scaling_warnings``)."""
    out: list[Problem] = []
    for sheet, rec, column, value in _numbers(inputs):
        if not math.isfinite(value) or abs(value) >= LP_INFINITY:
            out.append(
                _problem(
                    sheet,
                    rec,
                    column,
                    value,
                    f"{_num(value)} is too large for the solver (HiGHS treats {_num(LP_INFINITY)} "
                    "and above as infinity)",
                    "Enter the value in the column's unit (t, USD, m3); leave a limit blank "
                    "for no limit.",
                    "error",
                )
            )
    out += _escalated_costs(inputs)
    out += scaling_warnings(inputs)
    return out


def _escalated_costs(inputs: Inputs) -> list[Problem]:
    st = inputs.settings
    if st.start_year is None or st.end_year is None:
        return []
    out = []
    sources = next(s for s in SHEETS if s.name == "Sources")
    for rec in inputs.sources:
        if rec.cost_usd_per_unit is None or abs(rec.cost_usd_per_unit) >= LP_INFINITY:
            continue
        peak = _peak_cost(inputs, rec)
        if math.isfinite(peak) and peak < LP_INFINITY:
            continue
        out.append(
            _problem(
                sources,
                rec,
                "cost_usd_per_unit",
                rec.cost_usd_per_unit,
                f"cost {_num(rec.cost_usd_per_unit)} escalated by "
                f"{_num(rec.cost_escalation_per_yr or 0.0)}/yr to {st.end_year} (times the "
                f"largest disruption price_multiplier) reaches {_num(peak)}, which the "
                f"solver treats as infinity ({_num(LP_INFINITY)} and above)",
                "Check the cost's unit and cost_escalation_per_yr (0.05 means 5 %/yr).",
                "error",
            )
        )
    return out


def scaling_warnings(inputs: Inputs) -> list[Problem]:
    """Warnings for legal numbers that make the LP badly scaled: any number (costs as
    escalated) above ``LARGE`` or below ``SMALL`` but not 0, and yields or volumes
    further than ``MATRIX_RATIO`` from each other or from 1."""
    out: list[Problem] = []
    fix = (
        "Check the unit (t, USD, m3 as the header says). If the value is right, expect "
        "HiGHS's answer to be less reliable: an 'infeasible' or 'unbounded' may come "
        "from the scaling, not from the data."
    )
    matrix: list[tuple[float, Sheet, Record, str]] = []
    for sheet, rec, column, value in _numbers(inputs):
        if not math.isfinite(value) or abs(value) >= LP_INFINITY:
            continue  # an error already
        shown = value
        if (sheet.name, column) == ("Sources", "cost_usd_per_unit"):
            shown = _peak_cost(inputs, rec)
            if not math.isfinite(shown) or shown >= LP_INFINITY:
                continue  # an error already
        if (sheet.name, column) in MATRIX_COLUMNS and value > 0:
            matrix.append((value, sheet, rec, column))
            continue
        if abs(shown) > LARGE or 0 < abs(shown) < SMALL:
            what = "as escalated, " if shown != value else ""
            out.append(
                _problem(
                    sheet,
                    rec,
                    column,
                    value,
                    f"{_num(value)} ({what}{_num(shown)}) is outside [{_num(SMALL)}, {_num(LARGE)}]"
                    if shown != value
                    else f"{_num(value)} is outside [{_num(SMALL)}, {_num(LARGE)}]",
                    fix,
                    "warning",
                )
            )
    if matrix:
        low = min(matrix, key=lambda m: m[0])
        high = max(matrix, key=lambda m: m[0])
        span = max(high[0], 1.0) / min(low[0], 1.0)
        if span > MATRIX_RATIO:
            # name the cells far from 1 (both ends when both are), else the farther one
            half = math.log10(MATRIX_RATIO) / 2
            far = [m for m in (high, low) if abs(math.log10(m[0])) > half]
            extremes = far or [max((high, low), key=lambda m: abs(math.log10(m[0])))]
            for value, sheet, rec, column in extremes:
                out.append(
                    _problem(
                        sheet,
                        rec,
                        column,
                        value,
                        f"{column} {_num(value)} puts the model's coefficients {_num(span)} "
                        f"apart (yields and volumes from {_num(min(low[0], 1.0))} to "
                        f"{_num(max(high[0], 1.0))}; above {_num(MATRIX_RATIO)} HiGHS's "
                        "tolerances no longer hold)",
                        fix,
                        "warning",
                    )
                )
    return out


def estimated_columns(inputs: Inputs) -> int:
    """The number of columns (variables) the model will have, counted from the index
    sets as ``model.lp.make_columns`` makes them, without building anything: per year,
    Buy, Ship, Surplus, Stock and Expand for the plan and for each disruption's future
    from its start on, Release and Unmet per window year. An upper bound (it counts
    Ship to sites a disruption closes, Release and Unmet for materials without need)."""
    st = inputs.settings
    if st.start_year is None or st.end_year is None or st.end_year < st.start_year:
        return 0
    years = range(st.start_year, st.end_year + 1)
    first = {s.site: s.first_year or st.start_year for s in inputs.sites}
    outputs: dict[str, int] = {}
    for o in inputs.source_outputs:
        outputs[o.source] = outputs.get(o.source, 0) + 1
    surplus = sum(k for k in outputs.values() if k >= 2)
    expandable = sum(1 for s in inputs.sources if (s.max_expansion_units or 0) > 0)
    materials = len(inputs.materials)
    per_year = {}
    for t in years:
        open_now = {site for site, y in first.items() if t >= y}
        ship = sum(outputs.get(r.source, 0) for r in inputs.routes if r.site in open_now)
        per_year[t] = len(inputs.sources) + ship + surplus + materials * len(open_now) + expandable
    total = sum(per_year.values())
    for d in inputs.disruptions:
        start = d.start_year if d.start_year is not None else st.start_year
        total += sum(n for t, n in per_year.items() if t >= start)
        window = [t for t in years if start <= t < start + (d.duration_years or 0)]
        total += sum(materials * (1 + sum(1 for y in first.values() if t >= y)) for t in window)
    return total


def size_problems(inputs: Inputs, *, max_columns: int = MAX_COLUMNS) -> list[Problem]:
    """Errors for a horizon longer than ``MAX_YEARS`` (at the Settings end_year cell)
    and a model estimated above ``max_columns`` columns."""
    st = inputs.settings
    rows = st.rows or {}
    if st.start_year is None or st.end_year is None or st.end_year < st.start_year:
        return []
    years = st.end_year - st.start_year + 1
    if years > MAX_YEARS:
        return [
            Problem(
                f"the horizon {st.start_year}-{st.end_year} has {years} years; at most "
                f"{MAX_YEARS} are allowed",
                f"Set end_year to {st.start_year + MAX_YEARS - 1} or earlier.",
                sheet=SETTINGS.name,
                row=rows.get("end_year"),
                column="value",
                value=st.end_year,
            )
        ]
    columns = estimated_columns(inputs)
    if columns > max_columns:
        return [
            Problem(
                f"the model would have about {columns:,} columns (variables), more than the "
                f"limit of {max_columns:,} ({years} years x sources, routes, sites, "
                f"materials and {len(inputs.disruptions)} disruptions)",
                "Shorten the horizon, merge sources or sites, or drop disruptions.",
                sheet=SETTINGS.name,
                row=rows.get("end_year"),
                column="value",
                value=st.end_year,
            )
        ]
    return []


def _num(x: float) -> str:
    """A number for a message: 1e+20 as 1e20, 1.5 as 1.5, inf as infinity."""
    if not math.isfinite(x):
        return "infinity" if x > 0 else "-infinity" if x < 0 else "NaN"
    text = f"{x:.6g}"
    return text.replace("e+", "e").replace("e-0", "e-").replace("e0", "e")
