"""formulate(params) -> LP: every variable, row and objective coefficient of MODEL.md."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.families import MODEL_ORDER
from stockpile.model.lp import BASE, LP, Future, make_columns, make_lookups
from stockpile.model.objective import objective_parts


def formulate(p: Params) -> LP:
    """The LP of MODEL.md as numbers: each registered family's rows for every future
    (the plan only, in version 1), in MODEL.md order, and the objective parts."""
    lp = LP(
        params=p,
        columns=make_columns(p),
        lookups=make_lookups(p),
        futures=(Future(BASE, p.YEARS),),
    )
    for family in MODEL_ORDER:
        rows = {}
        for future in lp.futures:
            rows.update(family.rows(lp, future))
        lp.families[family.name] = rows
    lp.parts = objective_parts(lp)
    return lp
