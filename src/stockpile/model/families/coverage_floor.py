"""coverage_floor (MODEL.md family 10): at least a share of every need is covered."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.families.disruption_cover import need_refs
from stockpile.model.family import Explained, Family, Limit, fmt
from stockpile.model.lp import LP, Future, Index, Row


def coverage_floor_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """coverage_floor[d,m,t]: Unmet[d,m,t] <= (1 - min_coverage[m]) * need_d[m,t] [t].

    Holds in every disruption's future whatever its probability (a probability of 0 is
    a pure stress test). Index: (m,t) with need > 0, in d's future.
    Dual [expected discounted USD/t]: the change in cost if one more tonne of need
    could stay unmet (<= 0 when binding).
    """
    p = lp.params
    d = future.name
    unmet = lp.columns.by_var["Unmet"]
    return {
        future.key((m, t)): Row([unmet[d, m, t]], [1.0], None, (1 - p.min_coverage[m]) * need)
        for (dd, m, t), need in p.need_t.items()
        if dd == d
    }


def _subject(_p: Params, _f: str, index: Index) -> str:
    m, t = index
    return f"Letting one more tonne of {m} need in {t} go unmet"


def _explain(p: Params, f: str, index: Index, _limit: Limit) -> Explained:
    m, t = index
    refs = need_refs(p, f, m, t)
    sheet, row = p.material_where[m]
    refs.append((sheet, row, f"{m} min_coverage {fmt(p.min_coverage[m])}"))
    return Explained(
        f"at least {fmt(p.min_coverage[m])} of the {m} need of {fmt(p.need_t[f, m, t])} t "
        f"in {t} must be covered",
        tuple(refs),
    )


FAMILY = Family(
    name="coverage_floor",
    number=10,
    index=("m", "t"),
    index_doc="in disruption d's future, every material m and window year t with need > 0",
    rows=coverage_floor_rows,
    unit="t",
    dual_sign="<= 0",
    dual_subject=_subject,
    dual_mood="would",
    explain=_explain,
    relax_hint="lower min_coverage or hold more stock before the disruption",
    relaxable=True,
    futures="disruptions",
)
