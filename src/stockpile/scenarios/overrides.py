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

from dataclasses import dataclass
from typing import Any

from stockpile.data.schema import SCENARIOS

STAR = "*"
#: Separator of the ``col=val`` assignments of an add_row value.
ASSIGN_SEPARATOR = ";"
SHEET = SCENARIOS.name


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


@dataclass(frozen=True)
class Scenario:
    """A named, ordered list of overrides and where it was defined."""

    name: str
    overrides: tuple[Override, ...]
    origin: str = ""  # "bundled", the workbook file name, or "" (code)

    @property
    def description(self) -> str:
        return next((o.note for o in self.overrides if o.note), "")
