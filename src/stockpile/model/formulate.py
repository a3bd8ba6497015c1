"""formulate(params) -> LP: every variable, row and objective coefficient of MODEL.md."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.families import MODEL_ORDER
from stockpile.model.lp import LP, Future, Index, Row, make_columns, make_futures
from stockpile.model.objective import objective_parts


def formulate(p: Params, rows: bool = True) -> LP:
    """The LP of MODEL.md as numbers: the plan and every disruption's future, each
    registered family's rows for every future it applies to (in MODEL.md order), the
    expected cost by part and the cost of every whole future.

    With ``rows=False`` the LP has its columns and costs but no rows yet: ``add_rows``
    adds them all, ``future_rows`` makes one future's (the decomposition over the
    futures builds and hands over one future at a time, never holding every row)."""
    futures = make_futures(p)
    columns, paths, lookups = make_columns(p, futures)
    lp = LP(params=p, columns=columns, futures=futures, paths=paths, lookups=lookups)
    lp.parts, lp.future_cost = objective_parts(lp)
    if rows:
        add_rows(lp)
    return lp


def future_rows(lp: LP, future: Future) -> dict[str, dict[Index, Row]]:
    """The rows of one future (the plan's, or a disruption future's own), by family in
    MODEL.md order."""
    return {
        family.name: family.rows(lp, future)
        for family in MODEL_ORDER
        if family.futures == "all" or not future.is_plan
    }


def add_rows(lp: LP) -> None:
    """Every family's rows for every future into ``lp.families`` (MODEL.md order)."""
    for family in MODEL_ORDER:
        rows = {}
        for future in lp.futures:
            if family.futures == "all" or not future.is_plan:
                rows.update(family.rows(lp, future))
        lp.families[family.name] = rows
