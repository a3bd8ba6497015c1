"""Storage: stock balances, site space and stock targets."""

from __future__ import annotations

from stockpile.model.lp import LP, Index, Row


def stock_balance_rows(lp: LP) -> dict[Index, Row]:
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
        rows[m, l, t] = Row(cols, coefs, before, before)
    return rows


def site_capacity_rows(lp: LP) -> dict[Index, Row]:
    """site_capacity[l,t]: sum_m vol[m] * Stock[m,l,t] <= capacity_m3[l] [m3].

    Index: (l,t) with l open in t (a row whose volumes are all 0 stays, with dual 0).
    Dual [USD/m3]: the change in cost per extra cubic metre of space at l in year t
    (negative when space is short).
    """
    p = lp.params
    stock = lp.stock
    rows = {}
    for l in p.SITES:
        for t in p.YEARS:
            if p.is_open(l, t):
                cols = [stock[m, l, t] for m in p.MATERIALS]
                coefs = [p.volume_m3_per_t[m] for m in p.MATERIALS]
                rows[l, t] = Row(cols, coefs, None, p.capacity_m3[l])
    return rows


def stock_target_rows(lp: LP) -> dict[Index, Row]:
    """stock_target[m,t]: sum_l Stock[m,l,t] >= target[m,t] [t].

    Index: the Targets rows. Dual [USD/t]: the cost of one more tonne of target (>= 0).
    """
    p = lp.params
    stock = lp.stock
    rows = {}
    for (m, t), target in p.target_t.items():
        cols = [stock[m, l, t] for l in p.open_sites(t)]
        rows[m, t] = Row(cols, [1.0] * len(cols), target, None)
    return rows
