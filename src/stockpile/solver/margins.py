"""Check the largest shadow prices by re-solving: does relaxing the limit really save?

A dual is the change of the objective per unit of a limit only while the optimal
corner (basis) stays the same. At a degenerate corner it is one of many valid duals:
a rule that forbids a material at a site (share 0, so nothing may sit there) can carry
a dual of millions of USD per tonne while letting one tonne sit there saves nothing,
because other sites have room. The dual is then a bound on what tightening the limit
would cost, not what relaxing it saves. The report's "costliest requirements" must
name limits whose relaxation saves money, so the largest duals are checked here: each
limit is moved by a small step in the direction its dual says saves, the LP is
re-solved warm from the optimal basis, and the saving per unit is measured. The HiGHS
model gets its bounds and basis back afterwards.
"""

from __future__ import annotations

import math
import time
from typing import Any

from stockpile.result import BOOKKEEPING, DUAL_HOLDS, DUAL_ZERO, SolveResult
from stockpile.solver.highs import INF, Handover, model_status

#: Stop after this many duals that hold, or this many checks, whichever comes first.
WANT = 5
MAX_CHECKS = 40


def step_for(rhs: float, dual: float, objective: float) -> float:
    """The move of a limit for its check: 0.1 % of the limit (at least 0.001 unit), but
    large enough that the saving it should bring, |dual| x step, stands a millionth of
    the objective clear of the solver's round-off."""
    return max(1e-3 * max(1.0, abs(rhs)), 1e-6 * max(1.0, abs(objective)) / abs(dual))


def candidates(result: SolveResult) -> list[tuple[str, tuple[Any, ...], float]]:
    """(family, index, dual) of every requirement row with a non-zero dual, largest
    |dual| first (ties in family and index order)."""
    out = [
        (family, index, row.dual)
        for family, rows in result.rows.items()
        if family not in BOOKKEEPING
        for index, row in rows.items()
        if row.dual is not None and abs(row.dual) >= DUAL_ZERO
    ]
    out.sort(key=lambda x: -abs(x[2]))
    return out


def check_margins(
    ho: Handover,
    result: SolveResult,
    want: int = WANT,
    max_checks: int = MAX_CHECKS,
    seconds: float = 5.0,
) -> str:
    """Measure, for the largest duals, the saving per unit of relaxing the limit.

    Fills ``result.margins[(family, index)]`` with the measured saving (USD of the
    objective per unit of the limit, >= 0 when relaxing saves) until ``want`` duals
    are found to hold (saving >= DUAL_HOLDS x |dual|), ``max_checks`` were checked, or
    ``seconds`` have passed. Returns a log line ("" when all went as usual).
    """
    highs = ho.highs
    objective = highs.getInfo().objective_function_value
    if not math.isfinite(objective):
        return ""
    basis = highs.getBasis()
    row_of = {key: r for r, key in enumerate(ho.row_keys)}
    lp_rows = ho.lp.families
    held = 0
    tick = time.perf_counter()
    failed = 0
    for checked, (family, index, dual) in enumerate(candidates(result)):
        if held >= want or checked >= max_checks or time.perf_counter() - tick > seconds:
            break
        r = row_of.get((family, index))
        if r is None:
            continue
        row = lp_rows[family][index]
        f = ho.row_scale[r] if ho.row_scale else 1.0
        lower = -INF if row.lower is None else row.lower * f
        upper = INF if row.upper is None else row.upper * f
        rhs = row.upper if dual < 0 and row.upper is not None else row.lower
        if rhs is None:
            continue
        step = step_for(rhs, dual, objective)
        # relax: raise an upper limit (dual < 0), lower a lower limit (dual > 0); an
        # equality moves both ends together
        move = step * f if dual < 0 else -step * f
        both = row.lower == row.upper
        new_lower = lower + move if row.lower is not None and (dual > 0 or both) else lower
        new_upper = upper + move if row.upper is not None and (dual < 0 or both) else upper
        highs.changeRowBounds(r, new_lower, new_upper)
        try:
            highs.run()
            ok = model_status(highs) == "optimal"
            saving = (objective - highs.getInfo().objective_function_value) / step if ok else None
        finally:
            highs.changeRowBounds(r, lower, upper)
            highs.setBasis(basis)
        if saving is None:
            failed += 1
            continue
        result.margins[(family, index)] = saving
        if saving >= DUAL_HOLDS * abs(dual):
            held += 1
    return f"{failed} shadow-price check(s) did not re-solve" if failed else ""
