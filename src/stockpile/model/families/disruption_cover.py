"""disruption_cover (MODEL.md family 9): surviving stock and supply cover the need."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.family import Explained, Family, Limit, Ref, fmt
from stockpile.model.lp import LP, Future, Index, Row


def disruption_cover_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """disruption_cover[d,m]: surviving stock + surviving supply + Unmet >= need [t].

    need[d,m] = window demand * max(0, multiplier - surviving share of normal supply).
    Surviving stock: stock at the end of start_d - 1 (initial stock when d starts in
    t0, a constant moved to the right-hand side) at sites open then, times the site's
    availability. Surviving supply: all output of m bought in the window, times the
    source's availability. Index: (d,m) with need > 0.
    Dual [discounted USD/t]: the cost of one more tonne of need.
    """
    p = lp.params
    buy, stock = lp.buy, lp.stock
    rows = {}
    for (d, m), unmet_col in lp.unmet.items():
        before = p.start_year[d] - 1
        sites, constant = p.surviving_stock(d, m)
        cols = [stock[m, l, before] for l, _ in sites]
        coefs = [a for _, a in sites]
        for s, tonnes in p.surviving_supply(d, m):
            for tau in p.window[d]:
                cols.append(buy[s, tau])
                coefs.append(tonnes)
        cols.append(unmet_col)
        coefs.append(1.0)
        rows[future.key((d, m))] = Row(cols, coefs, p.need_t[d, m] - constant, None)
    return rows


def need_refs(p: Params, d: str, m: str) -> list[Ref]:
    """The Disruptions and Demand rows behind the need of d for m."""
    dis = next(x for x in p.inputs.disruptions if x.disruption == d)
    sheet, row = p.disruption_where[d]
    refs: list[Ref] = [(sheet, row, f"{d} from {dis.start_year} for {dis.duration_years} yr")]
    window = set(p.window[d])
    refs.extend(
        (sheet, row, f"{m} {t} demand {fmt(p.demand_t[m, t])} t")
        for (mat, t), (sheet, row) in p.demand_where.items()
        if mat == m and t in window
    )
    return refs


def _subject(_p: Params, index: Index) -> str:
    d, m = index
    return f"One more tonne of {m} need in disruption {d}"


def _explain(p: Params, index: Index, _limit: Limit) -> Explained:
    d, m = index
    return Explained(
        f"disruption_cover[{d}, {m}]: stock + surviving supply + unmet >= {fmt(p.need_t[d, m])} t",
        tuple(need_refs(p, d, m)),
    )


FAMILY = Family(
    name="disruption_cover",
    number=9,
    index=("d", "m"),
    index_doc="every disruption d and material m with need > 0",
    rows=disruption_cover_rows,
    unit="t",
    dual_sign=">= 0",
    dual_subject=_subject,
    dual_mood="does",
    explain=_explain,
    relax_hint="reduce the disruption's need (demand, multiplier) or add stock",
    relaxable=True,
    suggest_last=True,
)
