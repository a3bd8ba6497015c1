"""output_split (MODEL.md family 1): what a purchase yields is stockpiled or resold."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.family import Explained, Family, Limit, fmt
from stockpile.model.lp import LP, Future, Index, Row


def output_split_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """output_split[s,m,t]: yield[s,m] * Buy[s,t] = sum_l Ship[s,m,l,t] + Surplus[s,m,t] [t].

    Every tonne a purchase yields is delivered to a site or, for a co-product source,
    resold as surplus. Index: every output m of every source s, every year t of the
    future. Written as yield * Buy - sum_l Ship - Surplus = 0, as MODEL.md states it.
    Dual [USD/t]: what one tonne of m out of s in year t is worth (the change in cost
    if that tonne were lost; usually >= 0).
    """
    p = lp.params
    buy, ship, surplus = (lp.path(future, v) for v in ("Buy", "Ship", "Surplus"))
    by_smt = lp.lookups[future.name].ship_by_smt
    years = set(future.years)
    rows = {}
    for s, m, t in p.split_index:
        if t not in years:
            continue
        cols = [buy[s, t]]
        coefs = [p.yield_t_per_unit[s, m]]
        for l in by_smt.get((s, m, t), ()):
            cols.append(ship[s, m, l, t])
            coefs.append(-1.0)
        if (s, m, t) in surplus:
            cols.append(surplus[s, m, t])
            coefs.append(-1.0)
        rows[future.key((s, m, t))] = Row(cols, coefs, 0.0, 0.0)
    return rows


def _subject(_p: Params, _f: str, index: Index) -> str:
    s, m, t = index
    # written as yield * Buy - Ship - Surplus = 0: one more unit of the limit is a
    # tonne of output lost
    return f"Losing one tonne of the {m} output of {s} in {t}"


def _explain(p: Params, _f: str, index: Index, _limit: Limit) -> Explained:
    s, m, t = index
    sheet, row = p.output_where[s, m]
    return Explained(
        f"output of {m} from {s} in {t} is delivered or resold",
        ((sheet, row, f"{s} yields {fmt(p.yield_t_per_unit[s, m])} t of {m}/unit"),),
    )


FAMILY = Family(
    name="output_split",
    number=1,
    index=("s", "m", "t"),
    index_doc="every output m of every source s, every year t of the future",
    rows=output_split_rows,
    unit="t",
    dual_sign="free",
    dual_subject=_subject,
    dual_mood="would",
    explain=_explain,
    relax_hint="change the source's yields",
    relaxable=False,
    structural=True,
)
