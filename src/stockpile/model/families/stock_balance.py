"""stock_balance (MODEL.md family 3): stock carries over, grows by deliveries and, in a
disruption's window, falls by releases."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.family import PLAN, Explained, Family, Limit, fmt, share_text
from stockpile.model.lp import LP, Future, Index, Row


def stock_balance_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """stock_balance[m,l,t]: Stock[m,l,t] = prev + sum_s Ship[s,m,l,t] - Release[m,l,t] [t].

    prev is Stock[m,l,t-1], init[m,l] at t0, 0 in the year a later site opens; in
    future d at t = start_d it is avail_d(l,m) * the plan's Stock[m,l,start_d - 1]
    (avail_d(l,m) * init[m,l] when start_d = t0): the unavailable share is lost to that
    future. Constants go to the right-hand side: Stock - a * Stock[t-1] - sum Ship +
    Release = constant. Index: (m,l,t) with l open in t, t a year of the future.
    Dual [USD/t]: the change in cost if one free tonne of m arrived at l in year t.
    """
    p = lp.params
    stock, ship = lp.path(future, "Stock"), lp.path(future, "Ship")
    plan_stock = lp.columns.by_var["Stock"]
    release = lp.columns.by_var["Release"]
    by_mlt = lp.lookups[future.name].ship_by_mlt
    d = future.disruption
    rows = {}
    for (m, l, t), col in stock.items():
        cols, coefs = [col], [1.0]
        constant = p.stock_before(m, l, t)
        if d is not None and t == future.start and constant is None:
            a = p.avail_site(d, l, m)  # the plan's stock at the end of start_d - 1
            if a:
                cols.append(plan_stock[m, l, t - 1])
                coefs.append(-a)
            constant = 0.0
        elif d is not None and t == future.start:
            constant *= p.avail_site(d, l, m)  # initial stock (0 at a site opening now)
        elif constant is None:
            cols.append(stock[m, l, t - 1])
            coefs.append(-1.0)
            constant = 0.0
        for s in by_mlt.get((m, l, t), ()):
            cols.append(ship[s, m, l, t])
            coefs.append(-1.0)
        if d is not None and (r := release.get((d, m, l, t))) is not None:
            cols.append(r)
            coefs.append(1.0)
        rows[future.key((m, l, t))] = Row(cols, coefs, constant, constant)
    return rows


def _subject(_p: Params, _f: str, index: Index) -> str:
    m, l, t = index
    return f"One free tonne of {m} arriving at {l} in {t}"


def _explain(p: Params, f: str, index: Index, _limit: Limit) -> Explained:
    m, l, t = index
    refs = []
    if t == p.t0 and (m, l) in p.initial_stock_where:
        sheet, row = p.initial_stock_where[m, l]
        refs.append((sheet, row, f"{m} at {l}: {fmt(p.initial_stock_t[m, l])} t"))
    if t == p.site_first_year[l] and t > p.t0:
        sheet, row = p.site_where[l]
        refs.append((sheet, row, f"{l} opens in {p.site_first_year[l]}"))
    text = f"stock of {m} at {l} grows only by deliveries"
    if f != PLAN:
        text += " and falls by releases"
        a = p.avail_site(f, l, m)
        if t == p.start_year[f] and a < 1:
            sheet, row = p.disruption_where[f]
            refs.append((sheet, row, f"{f} leaves {share_text(a)} of the {m} at {l}"))
    return Explained(text, tuple(refs))


FAMILY = Family(
    name="stock_balance",
    number=3,
    index=("m", "l", "t"),
    index_doc="every material m, site l and year t of the future with l open in t",
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
