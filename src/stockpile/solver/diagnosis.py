"""Why a model is infeasible: HiGHS's IIS with a time limit, else an elastic solve.

Either way the rows found are translated back to workbook sheets and rows by
``stockpile.diagnose.explain``; the elastic solve relaxes only the families whose rows
carry a planner's limit (``Family.relaxable``).
"""

from __future__ import annotations

from stockpile.diagnose import explain, explain_member
from stockpile.model.families import FAMILIES
from stockpile.result import Diagnosis, IisMember, Relaxation
from stockpile.solver.highs import Handover, elastic_violations
from stockpile.solver.iis import compute_iis

#: Families whose rows carry a planner's limit: the ones an elastic solve may relax.
RELAXABLE = frozenset(f.name for f in FAMILIES if f.relaxable)


def diagnose(ho: Handover, iis_time_limit: float = 3.0, elastic: bool = True) -> Diagnosis | None:
    """An IIS from HiGHS, translated; an elastic solve if the IIS cannot be had (None
    instead when not ``elastic``: the caller has the closest plan's moves)."""
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
        if not elastic:
            return None
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


def from_relaxations(ho: Handover, relaxations: list[Relaxation]) -> Diagnosis:
    """The diagnosis when HiGHS gives no IIS but the closest plan exists: the limits the
    closest plan moved, with its amounts (one set of numbers, not a second elastic
    solve with other weights)."""
    members = tuple(
        IisMember(family=r.family, index=r.index, text=r.text, sources=_sources(ho, r))
        for r in relaxations
    )
    return Diagnosis(
        method="elastic",
        members=members,
        suggestion="These requirements cannot all hold together. Move each limit listed by at "
        "least the amount shown (the closest plan does exactly that), or change others.",
        note="HiGHS could not find an irreducible set of conflicting rows in time; the limits "
        "listed are the ones the closest plan had to move, by the least weighted amount.",
    )


def _sources(ho: Handover, r: Relaxation) -> tuple[tuple[str, int | None, str], ...]:
    """The workbook rows behind a relaxation: as the family quotes them where the limit
    is also a row of the plan (a target, a budget), else the cell itself."""
    if r.index in ho.lp.families.get(r.family, {}):
        refs = explain_member(ho.lp.params, r.family, r.index).sources
        if refs:
            return refs
    return ((r.sheet, r.row, f"{r.column} {r.limit:,.6g} {r.unit}".strip()),)
