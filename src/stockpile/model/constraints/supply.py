"""Supply: what a purchase yields and how much can be bought."""

from __future__ import annotations

from stockpile.model.lp import LP, Index, Row


def output_split_rows(lp: LP) -> dict[Index, Row]:
    """output_split[s,m,t]: yield[s,m] * Buy[s,t] = sum_l Ship[s,m,l,t] + Surplus[s,m,t] [t].

    Every tonne a purchase yields is delivered to a site or, for a co-product source,
    resold as surplus. Index: every output m of every source s, every year t.
    Written as yield * Buy - sum_l Ship - Surplus = 0, as MODEL.md states it.
    Dual [USD/t]: what one tonne of m out of s in year t is worth to the plan (the
    change in cost if that tonne were lost; usually >= 0).
    """
    p = lp.params
    buy, ship, surplus = lp.buy, lp.ship, lp.surplus
    by_smt = lp.lookups.ship_by_smt
    rows = {}
    for s, m, t in p.split_index:
        cols = [buy[s, t]]
        coefs = [p.yield_t_per_unit[s, m]]
        for l in by_smt.get((s, m, t), ()):
            cols.append(ship[s, m, l, t])
            coefs.append(-1.0)
        if (s, m, t) in surplus:
            cols.append(surplus[s, m, t])
            coefs.append(-1.0)
        rows[s, m, t] = Row(cols, coefs, 0.0, 0.0)
    return rows


def source_capacity_rows(lp: LP) -> dict[Index, Row]:
    """source_capacity[s,t]: Buy[s,t] <= cap[s,t] [activity units].

    cap is 0 before the source's first_year, the SourceCapacity value where given,
    else Sources.capacity_units_per_yr. Dual [USD/unit]: the change in cost per extra
    unit of capacity (negative when the capacity limits the plan).
    """
    p = lp.params
    return {
        (s, t): Row([col], [1.0], None, p.capacity_units[s, t]) for (s, t), col in lp.buy.items()
    }
