"""stock_balance (MODEL.md family 3): stock carries over and grows by deliveries."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.family import Explained, Family, Limit, fmt
from stockpile.model.lp import LP, Future, Index, Row


def stock_balance_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """stock_balance[m,l,t]: Stock[m,l,t] = Stock[m,l,t-1] + sum_s Ship[s,m,l,t] [t].

    Stock[m,l,t-1] is the initial stock at t0 and 0 in the year a later site opens;
    those constants go to the right-hand side: Stock - Stock[t-1] - sum_s Ship = init.
    Stock never decreases. Index: (m,l,t) with l open in t.
    Dual [USD/t]: the change in cost if one free tonne of m arrived at l in year t.
    """
    p = lp.params
    stock, ship = lp.stock, lp.ship
    by_mlt = lp.lookups.ship_by_mlt
    rows = {}
    for (m, l, t), col in stock.items():
        cols = [col]
        coefs = [1.0]
        before = p.stock_before(m, l, t)
        if before is None:
            cols.append(stock[m, l, t - 1])
            coefs.append(-1.0)
            before = 0.0
        for s in by_mlt.get((m, l, t), ()):
            cols.append(ship[s, m, l, t])
            coefs.append(-1.0)
        rows[future.key((m, l, t))] = Row(cols, coefs, before, before)
    return rows


def _subject(_p: Params, index: Index) -> str:
    m, l, t = index
    return f"One free tonne of {m} arriving at {l} in {t}"


def _explain(p: Params, index: Index, _limit: Limit) -> Explained:
    m, l, t = index
    refs = []
    if t == p.t0 and (m, l) in p.initial_stock_where:
        sheet, row = p.initial_stock_where[m, l]
        refs.append((sheet, row, f"{m} at {l}: {fmt(p.initial_stock_t[m, l])} t"))
    if t == p.site_first_year[l] and t > p.t0:
        sheet, row = p.site_where[l]
        refs.append((sheet, row, f"{l} opens in {p.site_first_year[l]}"))
    return Explained(
        f"stock_balance[{m}, {l}, {t}]: stock of {m} at {l} grows only by deliveries",
        tuple(refs),
    )


FAMILY = Family(
    name="stock_balance",
    number=3,
    index=("m", "l", "t"),
    index_doc="every material m, site l and year t with l open in t",
    rows=stock_balance_rows,
    unit="t",
    dual_sign="free",
    dual_subject=_subject,
    dual_mood="would",
    explain=_explain,
    relax_hint="add initial stock",
    relaxable=False,
    structural=True,
)
