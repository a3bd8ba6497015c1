"""stock_target (MODEL.md family 5): the total stock of a material meets its target."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.family import PLAN, Explained, Family, Limit, fmt
from stockpile.model.lp import LP, Future, Index, Row


def stock_target_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """stock_target[m,t]: sum_l Stock[m,l,t] >= target[m,t] [t].

    Index: the Targets rows; in future d only those with t >= start_d + duration_d +
    recovery_years (the stockpile may be drawn down in the window and must be rebuilt
    by then). Dual [USD/t]: the cost of one more tonne of target (>= 0).
    """
    p = lp.params
    stock = lp.path(future, "Stock")
    d = future.disruption
    rows = {}
    for (m, t), target in p.target_t.items():
        if d is not None and not p.targets_hold(d, t):
            continue
        cols = [stock[m, l, t] for l in p.open_sites(t)]
        rows[future.key((m, t))] = Row(cols, [1.0] * len(cols), target, None)
    return rows


def _subject(_p: Params, _f: str, index: Index) -> str:
    m, t = index
    return f"One more tonne of {m} target in {t}"


def _explain(p: Params, f: str, index: Index, limit: Limit) -> Explained:
    m, t = index
    target = limit.lower if limit.lower is not None else p.target_t[m, t]
    sheet, row = p.target_where[m, t]
    refs = [(sheet, row, f"{m} {t} >= {fmt(target)} t")]
    text = f"total {m} stock at end of {t} >= {fmt(target)} t"
    if f != PLAN:
        text += f" (rebuilt after {f})"
        sheet, row = p.disruption_where[f]
        refs.append((sheet, row, f"{f} from {p.start_year[f]} for {p.duration[f]} yr"))
    return Explained(text, tuple(refs))


FAMILY = Family(
    name="stock_target",
    number=5,
    index=("m", "t"),
    index_doc="the Targets rows (material m, year t); in a disruption's future only "
    "from its recovery deadline on",
    rows=stock_target_rows,
    unit="t",
    dual_sign=">= 0",
    dual_subject=_subject,
    dual_mood="does",
    explain=_explain,
    relax_hint="lower or delay the stock target",
    relaxable=True,
)
