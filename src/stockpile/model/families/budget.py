"""budget (MODEL.md family 6): what is spent in a year stays within its budget."""

from __future__ import annotations

from collections import defaultdict

from stockpile.data.params import Params
from stockpile.model.family import Explained, Family, Limit, fmt
from stockpile.model.lp import LP, Future, Index, Row


def budget_rows(lp: LP, future: Future) -> dict[Index, Row]:
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
    return {
        future.key((t,)): Row(terms[t][0], terms[t][1], None, limit)
        for t, limit in p.budget_usd.items()
    }


def _subject(_p: Params, index: Index) -> str:
    (t,) = index
    return f"One more USD of budget in {t}"


def _explain(p: Params, index: Index, limit: Limit) -> Explained:
    (t,) = index
    budget = limit.upper if limit.upper is not None else p.budget_usd[t]
    sheet, row = p.budget_where[t]
    return Explained(
        f"budget[{t}]: spend in {t} <= {fmt(budget)} USD",
        ((sheet, row, f"{t} budget {fmt(budget)} USD"),),
    )


FAMILY = Family(
    name="budget",
    number=6,
    index=("t",),
    index_doc="the Budget rows (year t)",
    rows=budget_rows,
    unit="USD",
    dual_sign="<= 0",
    dual_subject=_subject,
    dual_mood="would",
    explain=_explain,
    relax_hint="raise the budget",
    relaxable=True,
)
