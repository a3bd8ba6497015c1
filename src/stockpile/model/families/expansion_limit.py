"""expansion_limit (MODEL.md family 11): no more capacity may be added than the most
allowed over the horizon, along each future's path."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.family import Explained, Family, Limit, fmt
from stockpile.model.lp import LP, Future, Index, Row


def expansion_limit_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """expansion_limit[s]: sum_t Expand[s,t] <= max_expansion_units[s] [units/yr].

    In future d the sum runs over its path: the plan's Expand before start_d, d's own
    from start_d on. Index: the expandable sources (max_expansion_units > 0).
    Dual [USD per unit/yr]: the change in cost if one more unit of yearly capacity
    could be added to s (<= 0 when the limit binds).
    """
    p = lp.params
    expand = lp.path(future, "Expand")
    return {
        future.key((s,)): Row(
            [expand[s, t] for t in p.YEARS], [1.0] * len(p.YEARS), None, p.max_expansion_units[s]
        )
        for s in p.expandable
    }


def _subject(p: Params, _f: str, index: Index) -> str:
    (s,) = index
    return f"Allowing one more unit/yr of added capacity at {s}"


def _explain(p: Params, _f: str, index: Index, limit: Limit) -> Explained:
    (s,) = index
    most = limit.upper if limit.upper is not None else p.max_expansion_units[s]
    sheet, row = p.source_where[s]
    return Explained(
        f"capacity added to {s} over the horizon <= {fmt(most)} {p.activity_unit[s]}/yr",
        ((sheet, row, f"{s} max_expansion_units {fmt(most)}"),),
    )


FAMILY = Family(
    name="expansion_limit",
    number=11,
    index=("s",),
    index_doc="every expandable source s (max_expansion_units > 0)",
    rows=expansion_limit_rows,
    unit="units/yr",
    dual_sign="<= 0",
    dual_subject=_subject,
    dual_mood="would",
    explain=_explain,
    relax_hint="allow more capacity expansion (Sources.max_expansion_units)",
    relaxable=True,
)
