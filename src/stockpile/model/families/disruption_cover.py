"""disruption_cover (MODEL.md family 9): in a disruption's window, stock released and
need left unmet add up to the need, year by year."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.family import Explained, Family, Limit, Ref, fmt
from stockpile.model.lp import LP, Future, Index, Row


def disruption_cover_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """disruption_cover[d,m,t]: sum_l Release[d,m,l,t] + Unmet[d,m,t] = need_d[m,t] [t].

    need_d[m,t] = demand[m,t] * max(0, multiplier - surviving share of normal supply),
    for t in the window W_d. What surviving sources deliver in the window reaches users
    through the stockpile: it is shipped into a site and released, so a tonne bought in
    year 3 of a window cannot cover year 1. Index: (m,t) with need > 0, in d's future.
    Dual [expected discounted USD/t]: the cost of one more tonne of need (usually >= 0);
    divided by prob[d], the cost if d happens.
    """
    p = lp.params
    d = future.name
    release = lp.columns.by_var["Release"]
    unmet = lp.columns.by_var["Unmet"]
    rows = {}
    for (dd, m, t), need in p.need_t.items():
        if dd != d:
            continue
        cols = [release[d, m, l, t] for l in p.open_sites(t)]
        cols.append(unmet[d, m, t])
        rows[future.key((m, t))] = Row(cols, [1.0] * len(cols), need, need)
    return rows


def need_refs(p: Params, d: str, m: str, t: int) -> list[Ref]:
    """The Disruptions and Demand rows behind the need of d for m in year t."""
    sheet, row = p.disruption_where[d]
    refs: list[Ref] = [
        (
            sheet,
            row,
            f"{d} from {p.start_year[d]} for {p.duration[d]} yr, demand x{fmt(p.multiplier[d])}",
        )
    ]
    if (m, t) in p.demand_where:
        sheet, row = p.demand_where[m, t]
        refs.append((sheet, row, f"{m} {t} demand {fmt(p.demand_t[m, t])} t"))
    return refs


def _subject(_p: Params, _f: str, index: Index) -> str:
    m, t = index
    return f"One more tonne of {m} need in {t}"


def _explain(p: Params, f: str, index: Index, _limit: Limit) -> Explained:
    m, t = index
    return Explained(
        f"{m} released + unmet = the need of {fmt(p.need_t[f, m, t])} t in {t}",
        tuple(need_refs(p, f, m, t)),
    )


FAMILY = Family(
    name="disruption_cover",
    number=9,
    index=("m", "t"),
    index_doc="in disruption d's future, every material m and window year t with need > 0",
    rows=disruption_cover_rows,
    unit="t",
    dual_sign=">= 0",
    dual_subject=_subject,
    dual_mood="does",
    explain=_explain,
    relax_hint="reduce the disruption's need (demand, multiplier) or add stock",
    # an accounting identity: Unmet already absorbs any need not released; what a
    # planner can relax is the coverage floor (min_coverage) or the supply behind it
    relaxable=False,
    suggest_last=True,
    futures="disruptions",
)
