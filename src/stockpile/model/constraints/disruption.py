"""Disruption stress tests: stock plus surviving supply must cover essential need."""

from __future__ import annotations

from stockpile.model.lp import LP, Index, Row


def disruption_cover_rows(lp: LP) -> dict[Index, Row]:
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
    start = {d.disruption: d.start_year for d in p.inputs.disruptions}
    rows = {}
    for (d, m), unmet_col in lp.unmet.items():
        before = start[d] - 1
        cols: list[int] = []
        coefs: list[float] = []
        constant = 0.0
        for l in p.SITES:
            a = p.avail_site(d, l, m)
            if start[d] == p.t0:
                if p.is_open(l, p.t0):
                    constant += a * p.initial_stock_t.get((m, l), 0.0)
            elif p.is_open(l, before):
                cols.append(stock[m, l, before])
                coefs.append(a)
        for s in p.SOURCES:
            y = p.yield_t_per_unit.get((s, m))
            if y:
                a = p.avail_source(d, s, m)
                for tau in p.window[d]:
                    cols.append(buy[s, tau])
                    coefs.append(a * y)
        cols.append(unmet_col)
        coefs.append(1.0)
        rows[d, m] = Row(cols, coefs, p.need_t[d, m] - constant, None)
    return rows


def coverage_floor_rows(lp: LP) -> dict[Index, Row]:
    """coverage_floor[d,m]: Unmet[d,m] <= (1 - min_coverage[m]) * need[d,m] [t].

    Holds for every disruption whatever its probability. Dual [discounted USD/t]: the
    change in cost if one more tonne of need could stay unmet (<= 0 when binding).
    """
    p = lp.params
    return {
        (d, m): Row([col], [1.0], None, (1 - p.min_coverage[m]) * p.need_t[d, m])
        for (d, m), col in lp.unmet.items()
    }
