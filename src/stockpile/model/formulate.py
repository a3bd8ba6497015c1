"""formulate(params) -> LP: every variable, row and objective coefficient of MODEL.md."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.families import MODEL_ORDER
from stockpile.model.lp import LP, make_columns, make_futures
from stockpile.model.objective import objective_parts


def formulate(p: Params) -> LP:
    """The LP of MODEL.md as numbers: the plan and every disruption's future, each
    registered family's rows for every future it applies to (in MODEL.md order), the
    expected cost by part and the cost of every whole future."""
    futures = make_futures(p)
    columns, paths, lookups = make_columns(p, futures)
    lp = LP(params=p, columns=columns, futures=futures, paths=paths, lookups=lookups)
    lp.parts, lp.future_cost = objective_parts(lp)
    for family in MODEL_ORDER:
        rows = {}
        for future in futures:
            if family.futures == "all" or not future.is_plan:
                rows.update(family.rows(lp, future))
        lp.families[family.name] = rows
    return lp
