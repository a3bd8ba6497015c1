"""budget (MODEL.md family 6): what is spent in a year stays within its budget, in the
plan and in every future."""

from __future__ import annotations

from collections import defaultdict

from stockpile.data.params import Params
from stockpile.model.family import PLAN, Explained, Family, Limit, fmt
from stockpile.model.lp import LP, Future, Index, Row


def budget_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """budget[t]: purchases + transport + holding + investment in year t <= budget[t] [USD].

    Escalated but undiscounted, purchases at the disruption's price multiplier in its
    window; resale income does not count. Index: the Budget rows, in a future every
    year of it (its window included: the plan must be affordable in every future).
    Dual [discounted USD per USD]: the change in expected cost per extra dollar of
    budget in year t (negative when the budget binds).
    """
    p = lp.params
    years = set(future.years) & set(p.budget_usd)
    if not years:
        return {}
    d = future.disruption
    terms: dict[int, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))

    def add(t: int, col: int, coef: float) -> None:
        if t in years:
            terms[t][0].append(col)
            terms[t][1].append(coef)

    for (s, t), col in lp.path(future, "Buy").items():
        add(t, col, p.price_factor(d, t) * p.cost_usd_per_unit[s, t])
    for (s, _m, l, t), col in lp.path(future, "Ship").items():
        add(t, col, p.route_usd_per_t[s, l])
    for (_m, l, t), col in lp.path(future, "Stock").items():
        add(t, col, p.holding_usd_per_t_yr[l])
    for (s, t), col in lp.path(future, "Expand").items():
        add(t, col, p.expansion_cost_usd_per_unit[s])
    return {
        future.key((t,)): Row(terms[t][0], terms[t][1], None, limit)
        for t, limit in p.budget_usd.items()
        if t in years
    }


def _subject(_p: Params, _f: str, index: Index) -> str:
    (t,) = index
    return f"One more USD of budget in {t}"


def _explain(p: Params, f: str, index: Index, limit: Limit) -> Explained:
    (t,) = index
    budget = limit.upper if limit.upper is not None else p.budget_usd[t]
    sheet, row = p.budget_where[t]
    text = f"spend in {t} <= {fmt(budget)} USD"
    if f != PLAN:
        text += f" if {f} happens"
    return Explained(text, ((sheet, row, f"{t} budget {fmt(budget)} USD"),))


FAMILY = Family(
    name="budget",
    number=6,
    index=("t",),
    index_doc="the Budget rows (year t), in the plan and in every year of every future",
    rows=budget_rows,
    unit="USD",
    dual_sign="<= 0",
    dual_subject=_subject,
    dual_mood="would",
    explain=_explain,
    relax_hint="raise the budget",
    relaxable=True,
)
