"""source_capacity (MODEL.md family 2): no more can be bought than a source produces."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.family import PLAN, Explained, Family, Limit, first, fmt, share_text
from stockpile.model.lp import LP, Future, Index, Row


def source_capacity_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """source_capacity[s,t]: Buy <= a * (cap + sum_{tau <= t - lead} Expand[s,tau]) [units].

    cap is 0 before the source's first_year, the SourceCapacity value where given,
    else Sources.capacity_units_per_yr; capacity added in tau (along the future's own
    path) produces from max(tau + lead, first_year) on. a = A_d(s), the source's
    availability, in a disruption's window, else 1. Written as
    Buy - a * sum Expand <= a * cap.
    Dual [USD/unit]: the change in cost per extra unit of capacity (<= 0 when it binds).
    """
    p = lp.params
    buy, expand = lp.path(future, "Buy"), lp.path(future, "Expand")
    d = future.disruption
    rows = {}
    for (s, t), col in buy.items():
        a = p.source_availability(d, s) if d is not None and t in future.window else 1.0
        cols, coefs = [col], [1.0]
        if s in p.expandable and t >= p.source_first_year[s]:
            for tau in p.YEARS:
                if tau <= t - p.expansion_lead_years[s] and a:
                    cols.append(expand[s, tau])
                    coefs.append(-a)
        rows[future.key((s, t))] = Row(cols, coefs, None, a * p.capacity_units[s, t])
    return rows


def _unit(p: Params, index: Index) -> str:
    return p.activity_unit[index[0]]


def _subject(p: Params, _f: str, index: Index) -> str:
    s, t = index
    unit = p.activity_unit[s]
    what = "tonne" if unit == "t" else f"unit ({unit})"
    return f"One more {what} of capacity of {s} in {t}"


def _explain(p: Params, f: str, index: Index, limit: Limit) -> Explained:
    s, t = index
    sheet, row = p.capacity_where[s, t]
    src = first(p.inputs.sources, source=s)
    cap = p.capacity_units[s, t]
    if t < src.first_year:
        what = f"{s} has no capacity in {t}: first_year {src.first_year}"
    elif sheet == "SourceCapacity":
        what = f"{s} capacity in {t} is {fmt(cap)} {src.activity_unit}/yr"
    else:
        what = f"{s} capacity {fmt(cap)} {src.activity_unit}/yr"
    refs = [(sheet, row, what)]
    text = f"purchases from {s} in {t} <= {fmt(cap)}"
    if s in p.expandable:
        sheet, row = p.source_where[s]
        refs.append((sheet, row, f"{s} may add up to {fmt(p.max_expansion_units[s])}/yr"))
        text += " plus the capacity added"
    if f != PLAN and t in p.window[f]:
        a = p.source_availability(f, s)
        if a < 1:
            text += f", times its availability {share_text(a)} while {f} lasts"
            sheet, row = p.disruption_where[f]
            refs.append((sheet, row, f"{f} leaves {share_text(a)} of {s}"))
    return Explained(text, tuple(refs))


FAMILY = Family(
    name="source_capacity",
    number=2,
    index=("s", "t"),
    index_doc="every source s and year t of the future",
    rows=source_capacity_rows,
    unit="activity unit of the source",
    row_unit=_unit,
    dual_sign="<= 0",
    dual_subject=_subject,
    dual_mood="would",
    explain=_explain,
    relax_hint="add source capacity (or an earlier first_year)",
    relaxable=True,
)
