"""source_capacity (MODEL.md family 2): no more can be bought than a source produces."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.family import Explained, Family, Limit, first, fmt
from stockpile.model.lp import LP, Future, Index, Row


def source_capacity_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """source_capacity[s,t]: Buy[s,t] <= cap[s,t] [activity units].

    cap is 0 before the source's first_year, the SourceCapacity value where given,
    else Sources.capacity_units_per_yr. Dual [USD/unit]: the change in cost per extra
    unit of capacity (negative when the capacity limits the plan).
    """
    p = lp.params
    return {
        future.key((s, t)): Row([col], [1.0], None, p.capacity_units[s, t])
        for (s, t), col in lp.buy.items()
    }


def _unit(p: Params, index: Index) -> str:
    return p.activity_unit[index[0]]


def _subject(p: Params, index: Index) -> str:
    s, t = index
    unit = p.activity_unit[s]
    what = "tonne" if unit == "t" else f"unit ({unit})"
    return f"One more {what} of capacity of {s} in {t}"


def _explain(p: Params, index: Index, limit: Limit) -> Explained:
    s, t = index
    cap = limit.upper if limit.upper is not None else p.capacity_units[s, t]
    sheet, row = p.capacity_where[s, t]
    src = first(p.inputs.sources, source=s)
    if t < src.first_year:
        what = f"{s} has no capacity in {t}: first_year {src.first_year}"
    elif sheet == "SourceCapacity":
        what = f"{s} capacity in {t} is {fmt(cap)} {src.activity_unit}/yr"
    else:
        what = f"{s} capacity {fmt(cap)} {src.activity_unit}/yr"
    return Explained(
        f"source_capacity[{s}, {t}]: purchases from {s} in {t} <= {fmt(cap)}",
        ((sheet, row, what),),
    )


FAMILY = Family(
    name="source_capacity",
    number=2,
    index=("s", "t"),
    index_doc="every source s and year t",
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
