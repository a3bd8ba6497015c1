"""risk (MODEL.md family 12): the CVaR's excess of each future's cost over Eta."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.family import PLAN, Explained, Family, Limit
from stockpile.model.lp import LP, Future, Index, Row


def risk_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """risk[f]: Z[f] >= K[f] - Eta [USD] (only when risk_weight > 0).

    K[f] is the discounted cost of the whole future f (the plan's years before start_d,
    then f's own). With Eta free and Z >= 0, Eta + 1/(1 - alpha) sum_f prob[f] Z[f] is
    the conditional value at risk: the expected cost of the worst (1 - alpha) share of
    futures. Written as Z[f] - K[f] + Eta >= 0. Index: every future f.
    Dual [USD per USD]: the weight future f's cost carries in the objective through
    the CVaR (>= 0).
    """
    p = lp.params
    if p.risk_weight <= 0:
        return {}
    cost = lp.future_cost[future.name]
    cols = [lp.columns.by_var["Z"][future.name,], lp.columns.by_var["Eta"][()]]
    coefs = [1.0, 1.0]
    cols.extend(cost)
    coefs.extend(-c for c in cost.values())
    return {(future.name,): Row(cols, coefs, 0.0, None)}


def _subject(_p: Params, f: str, _index: Index) -> str:
    what = "the plan without disruption" if f == PLAN else f"the future of {f}"
    return f"One more USD of cost in {what}, through the risk term,"


def _explain(p: Params, f: str, _index: Index, _limit: Limit) -> Explained:
    what = "the plan without disruption" if f == PLAN else f"the future of {f}"
    return Explained(
        f"the CVaR counts the cost of {what} above Eta "
        f"(risk_weight {p.risk_weight:g}, cvar_level {p.cvar_level:g})",
        (),
    )


FAMILY = Family(
    name="risk",
    number=12,
    index=(),
    index_doc="every future f (the plan and each disruption), when risk_weight > 0",
    rows=risk_rows,
    unit="USD",
    dual_sign=">= 0",
    dual_subject=_subject,
    dual_mood="does",
    explain=_explain,
    relax_hint="lower risk_weight",
    relaxable=False,
    structural=True,
    keyed_by_future=True,
)
