"""Infeasibility diagnosis in planner terms.

The solver finds an irreducible infeasible subset (IIS) of rows and variable bounds,
or the rows an elastic solve had to relax; this module translates each member back to
the workbook rows behind it (through its family's ``explain``) and suggests what to
relax. Pure Python: no Pyomo, no HiGHS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from stockpile.data.params import Params
from stockpile.model.families import BY_NAME, FAMILIES
from stockpile.model.family import NO_LIMIT, Limit, fmt
from stockpile.result import Diagnosis, IisMember

#: Families that only link the data rows together (balances, output splits).
STRUCTURAL = frozenset(f.name for f in FAMILIES if f.structural)


def explain_member(
    p: Params,
    family: str,
    index: tuple[Any, ...],
    side: str = "",
    limit: Limit = NO_LIMIT,
) -> IisMember:
    """One IIS member as text plus the workbook rows it comes from. ``limit`` is the
    row's (as made or as solved); a family falls back to the data where it is None."""
    fam = BY_NAME.get(family)
    if fam is None:  # a variable bound
        text = f"{family}[{', '.join(map(str, index))}] {side}".strip()
        return IisMember(family=family, index=tuple(index), text=text)
    key = tuple(index)
    explained = fam.explain_row(p, key, limit)
    return IisMember(
        family=family, index=key, text=f"{fam.label(key)}: {explained.text}", sources=explained.refs
    )


def _with_move(p: Params, member: IisMember, amount: float | None) -> IisMember:
    """The member with how far its limit must move, when an elastic solve said so."""
    if amount is None or member.family not in BY_NAME:
        return member
    unit = BY_NAME[member.family].unit_of(p, member.index)
    words = "raise" if amount > 0 else "lower"
    move = f"{words} it by {fmt(abs(amount))} {unit}"
    return replace(member, text=f"{member.text} (the elastic solve had to {move})")


def is_linking(member: IisMember) -> bool:
    """True for a balance row or a variable bound: it links the limits, names none."""
    return member.family in STRUCTURAL or member.family.startswith("bound:")


def named_limits(
    diagnosis: Diagnosis, annotate: Callable[[str, int | None, str], str] | None = None
) -> tuple[list[tuple[str, str]], int]:
    """What a diagnosis says in planner terms: (text, workbook rows) of every member that
    names a limit, the rows as "Sheet row N: what; ...", in the diagnosis's order; and
    how many linking members (``is_linking``) were left out. ``annotate(sheet, row,
    what)`` may rewrite what a row says (e.g. that a scenario changed its value)."""

    def said(s: str, r: int | None, w: str) -> str:
        return annotate(s, r, w) if annotate is not None else w

    lines = [
        (m.text, "; ".join(f"{s} row {r}: {said(s, r, w)}" for s, r, w in m.sources))
        for m in diagnosis.members
        if not is_linking(m)
    ]
    return lines, len(diagnosis.members) - len(lines)


def explain(
    p: Params,
    members: list[tuple[str, tuple[Any, ...], str]],
    method: str,
    note: str = "",
    rows: Mapping[str, Mapping[tuple[Any, ...], Limit]] | None = None,
    moves: Mapping[tuple[str, tuple[Any, ...]], float] | None = None,
) -> Diagnosis:
    """Translate IIS (or elastic) members, limits first and balances last, and say what
    to relax. ``rows`` (family -> index -> row with ``lower``/``upper``, e.g. the LP's)
    gives each member's limits; without it a family reads them from the data. ``moves``
    (an elastic solve's) says by how much each row's body went past its limit, in the
    row's unit; the member's text then says how far the limit must move."""
    rows = rows or {}
    moves = moves or {}
    explained = [
        explain_member(p, f, i, side, rows.get(f, {}).get(tuple(i), NO_LIMIT))
        for f, i, side in members
    ]
    explained = [_with_move(p, x, moves.get((x.family, x.index))) for x in explained]
    order = [f.name for f in FAMILIES]

    def rank(x: IisMember) -> tuple[Any, ...]:
        # plan rows and a future's (d in front) side by side: compare text with text
        index = tuple((1, v) if isinstance(v, str) else (0, v) for v in x.index)
        return (order.index(x.family) if x.family in order else 99, len(x.index), index)

    explained.sort(key=rank)
    named = [f for f in FAMILIES if any(x.family == f.name for x in explained)]
    preferred = [f for f in named if not (f.structural or f.suggest_last)]
    relax = [f.relax_hint for f in (preferred or named)]
    suggestion = (
        "These requirements cannot all hold together. Relax at least one: " + "; ".join(relax) + "."
        if relax
        else "Check the rows listed."
    )
    return Diagnosis(method=method, members=tuple(explained), suggestion=suggestion, note=note)
