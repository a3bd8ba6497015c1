"""What a scenario is: the ``Override`` and ``Scenario`` types and the Scenarios sheet's words.

A scenario is a named, ordered list of overrides, one per row of the Scenarios sheet
(``schema.SCENARIOS``): ``scenario, sheet, key, column, op, value``. The overrides of a
scenario are applied in sheet order to a copy of the base inputs; the result then goes
through ``check_inputs`` like any workbook, so a scenario that breaks a reference, a
range or a key is refused with the Scenarios row that caused it.

Keys. A row is named by its key columns (``Sheet.key``; for DisruptionImpacts, which
has no unique key, by its disruption|material|group_type|group), their values joined
by ``|`` in that order: ``S1|L1`` for a Routes row. ``*`` alone is every row of the
sheet; ``*`` as one part matches any value in that column (``seabed_nori_d|*`` is every
SourceCapacity year of that source). Settings rows are named by the setting.

Operations (``schema.SCENARIO_OPS``):
    set         column := value (typed like the column)
    scale       column := column * value (number columns)
    add         column := column + value (number, year and whole-number columns)
    delete_row  remove the matching rows (column and value blank)
    add_row     append a row: ``key`` gives its key columns, ``value`` the others as
                ``col=val; col=val`` (blank columns take their defaults)

Problems name the Scenarios row (sheet "Scenarios", row, column, value, fix), like the
reader's. Overrides made in code (bundled definitions, tests) have no row.

The jobs live next door: ``sheet`` reads the Scenarios sheet, ``parse`` checks one
override, ``apply`` applies a scenario and traces problems to their rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from stockpile.data.schema import SCENARIOS

STAR = "*"
#: Separator of the ``col=val`` assignments of an add_row value.
ASSIGN_SEPARATOR = ";"
SHEET = SCENARIOS.name


#: Names a scenario cannot have, compared without case (Excel tables and pandas columns
#: do not tell "Unit" from "unit"): ``base``, the unchanged input, and every column
#: header the comparison workbook writes beside the scenarios' own columns
#: (scenarios/compare.py; tests/unit/test_names.py holds the two together).
RESERVED_NAMES = frozenset(
    {
        "base",
        "kpi",
        "unit",
        "scenario",
        "status",
        "plan",
        "what it means",
        "item",
        "value",
        "line",
        "says",
        "solve time [s]",
        "solver message",
        "material",
        "year",
        "by",
        "group",
    }
)


def number_text(x: Any, unit: str = "") -> str:
    """A value as a planner reads it: 600,000,000; 0.7; 2031 (unit "year"); text as it is."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return "blank" if x is None else str(x)
    if unit == "year" and float(x).is_integer():
        return str(int(x))
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.6g}" if abs(x) < 1e15 else f"{x:.6g}"


def op_text(op: str, value: Any) -> str:
    """An operation as a planner reads it: x0.7, +3, -2, = 0, row deleted, row added."""
    if op == "scale":
        return f"x{number_text(value)}"
    if op == "add":
        negative = isinstance(value, int | float) and value < 0
        return ("-" if negative else "+") + number_text(abs(value) if negative else value)
    if op == "set":
        return f"= {number_text(value)}"
    if op == "delete_row":
        return "row deleted"
    if op == "add_row":
        return "row added"
    return op


@dataclass(frozen=True)
class Override:
    """One row of the Scenarios sheet (``row`` = its Excel row; None when made in code)."""

    scenario: str
    sheet: str
    key: str
    op: str
    column: str = ""
    value: Any = None
    row: int | None = None
    note: str = ""

    @property
    def target_text(self) -> str:
        """The override in one phrase: "Budget * budget_usd x0.7"."""
        parts = (self.sheet, self.key, self.column, op_text(self.op, self.value))
        return " ".join(x for x in parts if x)


@dataclass(frozen=True)
class Scenario:
    """A named, ordered list of overrides and where it was defined."""

    name: str
    overrides: tuple[Override, ...]
    origin: str = ""  # "bundled", the workbook file name, or "" (code)

    @property
    def description(self) -> str:
        return next((o.note for o in self.overrides if o.note), "")

    def summary(self) -> str:
        """What the scenario changes, in one line: its first note, else its overrides
        ("Budget * budget_usd x0.7; Sources seabed_nori_d first_year +3")."""
        return self.description or "; ".join(dict.fromkeys(o.target_text for o in self.overrides))


@dataclass(frozen=True)
class Change:
    """One cell (or row) of the base data that an override changed: where it is in the
    input workbook, its value there (``before``) and after the override (``after``).

    ``row`` is the Excel row in the input workbook (None for a row the scenario adds, or
    data made in code); ``key`` names the row by its key columns ("2026",
    "seabed_nori_d|2029"); ``column`` is "" for a whole row (deleted or added).
    """

    override: Override
    sheet: str
    row: int | None
    key: str
    column: str
    before: Any
    after: Any
    unit: str = ""
    #: the sheet has one value column besides its key: the text need not name it
    only_column: bool = False

    @property
    def op(self) -> str:
        """The override's operation as a planner reads it (x0.7, +3, = 0, ...)."""
        return op_text(self.override.op, self.override.value)

    def text(self) -> str:
        """ "Budget 2026: x0.7 (600,000,000 -> 420,000,000 USD)"."""
        where = " ".join(x for x in (self.sheet, self.key) if x)
        if not self.column:
            return f"{where}: {self.op}"
        if not self.only_column:
            where = f"{where} {self.column}"
        unit = f" {self.unit}" if self.unit and self.unit not in _UNITLESS else ""
        before, after = number_text(self.before, self.unit), number_text(self.after, self.unit)
        return f"{where}: {self.op} ({before} -> {after}{unit})"

    def note(self, named: bool = False) -> str:
        """What to add where a message quotes the changed value: "after the scenario's
        x0.7, from the workbook's 600,000,000" (``named``: the column first)."""
        if not self.column:
            return f"({self.op} by the scenario)"
        before = number_text(self.before, self.unit)
        column = f"{self.column} " if named else ""
        return f"{column}after the scenario's {self.op}, from the workbook's {before}"


def change_lines(
    overrides: Sequence[Override], changes: Sequence[Change], per_override: int = 5
) -> list[str]:
    """What each override changed, one line a value: "Budget 2026: x0.7 (600,000,000 ->
    420,000,000 USD)" (the first ``per_override`` rows of each override, then how many
    more; an override that changed nothing says what it targets)."""
    lines: list[str] = []
    for ov in overrides:
        mine = [c for c in changes if c.override is ov]
        lines += [c.text() for c in mine[:per_override]]
        if (more := len(mine) - per_override) > 0:
            rows = "row" if more == 1 else "rows"
            lines.append(f"(and {more} more {rows}, each {mine[0].op})")
        if not mine:
            lines.append(ov.target_text)
    return lines


def row_annotator(changes: Sequence[Change]) -> Callable[[str, int | None, str], str]:
    """``annotate(sheet, row, what)``: ``what`` (what a message says a workbook row holds)
    with a note when the scenario changed that row ("Budget row 2: 2026 budget
    420,000,000 USD after the scenario's x0.7, from the workbook's 600,000,000")."""
    by_row: dict[tuple[str, int], list[Change]] = {}
    for c in changes:
        if c.row is not None:
            by_row.setdefault((c.sheet, c.row), []).append(c)

    def annotate(sheet: str, row: int | None, what: str) -> str:
        found = by_row.get((sheet, row)) if row is not None else None
        if not found:
            return what
        named = len({c.column for c in found}) > 1
        return f"{what} {' and '.join(c.note(named) for c in found)}"

    return annotate


#: "Sheet row N: what" as ``diagnose.named_limits`` writes a workbook row, up to the next
#: ";", ")" or line end.
_ROW_REF = re.compile(r"\b([A-Z][A-Za-z]+) row (\d+): ([^;()\n]*[^;()\n\s])")


def annotate_text(text: str, changes: Sequence[Change]) -> str:
    """``text`` (a diagnosis as written) with a note after every workbook row it quotes
    that the scenario changed (see ``row_annotator``)."""
    if not changes:
        return text
    annotate = row_annotator(changes)
    return _ROW_REF.sub(
        lambda m: f"{m[1]} row {m[2]}: {annotate(m[1], int(m[2]), m[3])}",
        text,
    )


#: Units a value is shown without (a year is a number, a share a fraction).
_UNITLESS = frozenset({"year", "share", "x", "yr"})
