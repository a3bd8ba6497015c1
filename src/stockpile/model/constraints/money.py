"""Money: yearly budgets."""

from __future__ import annotations

from collections import defaultdict

from stockpile.model.lp import LP, Index, Row


def budget_rows(lp: LP) -> dict[Index, Row]:
    """budget[t]: purchases + transport + holding in year t <= budget[t] [USD].

    Escalated but undiscounted; resale income does not count. Index: the Budget rows.
    Dual [discounted USD per USD]: the change in total cost per extra dollar of budget
    in year t (negative when the budget binds).
    """
    p = lp.params
    if not p.budget_usd:
        return {}
    terms: dict[int, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    for (s, t), col in lp.buy.items():
        terms[t][0].append(col)
        terms[t][1].append(p.cost_usd_per_unit[s, t])
    for (s, _m, l, t), col in lp.ship.items():
        terms[t][0].append(col)
        terms[t][1].append(p.route_usd_per_t[s, l])
    for (_m, l, t), col in lp.stock.items():
        terms[t][0].append(col)
        terms[t][1].append(p.holding_usd_per_t_yr[l])
    return {(t,): Row(terms[t][0], terms[t][1], None, limit) for t, limit in p.budget_usd.items()}
