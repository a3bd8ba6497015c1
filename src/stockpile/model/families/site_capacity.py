"""site_capacity (MODEL.md family 4): a site holds no more than its space."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.family import Explained, Family, Limit, fmt
from stockpile.model.lp import LP, Future, Index, Row


def site_capacity_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """site_capacity[l,t]: sum_m vol[m] * Stock[m,l,t] <= capacity_m3[l] [m3].

    Index: (l,t) with l open in t, t a year of the future (a row whose volumes are all
    0 stays, with dual 0). Dual [USD/m3]: the change in cost per extra cubic metre of
    space at l in year t (negative when space is short).
    """
    p = lp.params
    stock = lp.path(future, "Stock")
    rows = {}
    for l in p.SITES:
        for t in future.years:
            if p.is_open(l, t):
                cols = [stock[m, l, t] for m in p.MATERIALS]
                coefs = [p.volume_m3_per_t[m] for m in p.MATERIALS]
                rows[future.key((l, t))] = Row(cols, coefs, None, p.capacity_m3[l])
    return rows


def _subject(_p: Params, _f: str, index: Index) -> str:
    l, t = index
    return f"One more m3 of space at {l} in {t}"


def _explain(p: Params, _f: str, index: Index, limit: Limit) -> Explained:
    l, t = index
    space = limit.upper if limit.upper is not None else p.capacity_m3[l]
    sheet, row = p.site_where[l]
    return Explained(
        f"space used at {l} in {t} <= {fmt(space)} m3",
        ((sheet, row, f"{l} capacity {fmt(space)} m3"),),
    )


FAMILY = Family(
    name="site_capacity",
    number=4,
    index=("l", "t"),
    index_doc="every site l and year t of the future with l open in t",
    rows=site_capacity_rows,
    unit="m3",
    dual_sign="<= 0",
    dual_subject=_subject,
    dual_mood="would",
    explain=_explain,
    relax_hint="add storage space (Sites.capacity_m3) or reduce volumes",
    relaxable=True,
)
