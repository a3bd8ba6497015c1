"""coverage_floor (MODEL.md family 10): at least a share of every need is covered."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.families.disruption_cover import need_refs
from stockpile.model.family import Explained, Family, Limit, fmt
from stockpile.model.lp import LP, Future, Index, Row


def coverage_floor_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """coverage_floor[d,m]: Unmet[d,m] <= (1 - min_coverage[m]) * need[d,m] [t].

    Holds for every disruption whatever its probability. Dual [discounted USD/t]: the
    change in cost if one more tonne of need could stay unmet (<= 0 when binding).
    """
    p = lp.params
    return {
        future.key((d, m)): Row([col], [1.0], None, (1 - p.min_coverage[m]) * p.need_t[d, m])
        for (d, m), col in lp.unmet.items()
    }


def _subject(_p: Params, index: Index) -> str:
    d, m = index
    return f"Letting one more tonne of {m} need in disruption {d} go unmet"


def _explain(p: Params, index: Index, _limit: Limit) -> Explained:
    d, m = index
    refs = need_refs(p, d, m)
    sheet, row = p.material_where[m]
    refs.append((sheet, row, f"{m} min_coverage {fmt(p.min_coverage[m])}"))
    return Explained(
        f"coverage_floor[{d}, {m}]: at least {fmt(p.min_coverage[m])} of the need of "
        f"{fmt(p.need_t[d, m])} t must be covered",
        tuple(refs),
    )


FAMILY = Family(
    name="coverage_floor",
    number=10,
    index=("d", "m"),
    index_doc="every disruption d and material m with need > 0",
    rows=coverage_floor_rows,
    unit="t",
    dual_sign="<= 0",
    dual_subject=_subject,
    dual_mood="would",
    explain=_explain,
    relax_hint="lower min_coverage or add stock and surviving supply before the disruption",
    relaxable=True,
)
