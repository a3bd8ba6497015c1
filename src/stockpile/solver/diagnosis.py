"""Why a model is infeasible: HiGHS's IIS with a time limit, else an elastic solve.

Either way the rows found are translated back to workbook sheets and rows by
``stockpile.diagnose.explain``; the elastic solve relaxes only the families whose rows
carry a planner's limit (``Family.relaxable``).
"""

from __future__ import annotations

from stockpile.diagnose import explain
from stockpile.model.families import FAMILIES
from stockpile.result import Diagnosis
from stockpile.solver.highs import Handover, elastic_violations
from stockpile.solver.iis import compute_iis

#: Families whose rows carry a planner's limit: the ones an elastic solve may relax.
RELAXABLE = frozenset(f.name for f in FAMILIES if f.relaxable)


def diagnose(ho: Handover, iis_time_limit: float = 3.0) -> Diagnosis:
    """An IIS from HiGHS, translated; an elastic solve if the IIS cannot be had."""
    try:
        iis = compute_iis(ho.highs, iis_time_limit)
        members = [(*ho.row_keys[r], "") for r in iis.rows]
        col_key = {hc: ho.lp.columns.keys[k] for k, hc in enumerate(ho.col_of)}
        for c, words in iis.bounds_in_conflict():
            if c in col_key:
                name, idx = col_key[c]
                members.append((f"bound:{name}", idx, words))
        return explain(ho.lp.params, members, "iis", rows=ho.lp.families)
    except Exception as exc:  # the IIS is a convenience; the elastic solve always answers
        relaxable = [r for r, (family, _) in enumerate(ho.row_keys) if family in RELAXABLE]
        moved = elastic_violations(ho, relaxable)
        return explain(
            ho.lp.params,
            [(*ho.row_keys[r], "") for r in moved],
            "elastic",
            rows=ho.lp.families,
            moves={ho.row_keys[r]: amount for r, amount in moved.items()},
            note=f"HiGHS could not compute an IIS ({exc}); the rows listed are those an "
            "elastic solve (least total relative violation of the planner's limits) had to "
            "relax.",
        )
