"""Every check on the values of an ``Inputs`` object, in one place.

The workbook reader only judges the form of cells (types, blanks, formulas); ranges,
allowed values, keys, references and the cross-sheet rules of WORKBOOK.md live here,
so that inputs built in code (scenario overrides, the bundled dataset, tests) are held
to exactly the same rules as a planner's workbook.

Problems point at ``record.row``, the Excel row the record came from (``None`` for
records made in code). A ``None`` value in a required field means the reader already
reported that cell; checks skip it rather than echo the problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from stockpile.data.cells import looks_numeric, near
from stockpile.data.inputs import Inputs, Record
from stockpile.data.magnitudes import number_problems, size_problems
from stockpile.data.problems import Problem, Severity
from stockpile.data.schema import (
    BASE_FUTURE,
    DEMAND,
    DISRUPTION_IMPACTS,
    DISRUPTION_TYPE_IMPACTS,
    DISRUPTIONS,
    GROUP_TARGET,
    INITIAL_STOCK,
    RULES,
    SETTINGS,
    SHEETS,
    SHEETS_BY_NAME,
    SITES,
    SOURCE_CAPACITY,
    SOURCE_OUTPUTS,
    SOURCES,
    START_YEAR,
    SUPPLY_MIX,
    TARGETS,
    Column,
    Sheet,
)
from stockpile.text import describe, printable, skeleton, suggest

#: The model rescales SupplyMix shares to 1; further off than this is a typo.
MIX_TOLERANCE = 1e-3

#: Disruption probabilities may sum to 1 plus this (rounding in typed fractions).
PROBABILITY_TOLERANCE = 1e-9

#: Year columns that must lie inside start_year..end_year. first_year columns
#: (default start_year) may be any year: earlier means already running.
HORIZON_YEARS: tuple[tuple[Sheet, Column], ...] = tuple(
    (sheet, col)
    for sheet in SHEETS
    if not sheet.settings
    for col in sheet.columns
    if col.kind == "year" and col.default != START_YEAR
)

_SITE_GROUP = "site"
_SITE_LIMIT = "max_share"
_STAR = "*"


def check_inputs(inputs: Inputs, *, incomplete: Collection[str] = ()) -> list[Problem]:
    """Every problem with the values of ``inputs``, errors in sheet and row order.

    ``incomplete`` names sheets the reader could not read in full (a missing sheet or
    required column, already reported). Checks that need all rows of such a sheet
    (references into it, sums and counts over it) are skipped there, because their
    failures would only echo the problem already reported.
    """
    checks = _Checks(inputs, frozenset(incomplete))
    checks.settings()
    checks.non_empty()
    checks.cells()
    checks.keys()
    checks.ids_distinct()
    checks.groups()
    checks.source_outputs()
    checks.supply_mix()
    checks.demand_has_mix()
    checks.targets_have_site()
    checks.initial_stock_sites()
    checks.capacity_years()
    checks.disruption_ids()
    checks.disruption_probabilities()
    checks.ranges_ordered()
    checks.problems += number_problems(inputs)
    checks.problems += size_problems(inputs)
    return order_problems(checks.problems)


def order_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Errors before warnings, each in workbook order (file, then sheets as in the
    contract, then rows); at most one error per cell.

    One error per cell is what a planner can act on: a year outside the horizon
    that is also before a source's first_year needs one fix, not two messages.
    """
    order = {s.name: i for i, s in enumerate(SHEETS)}
    seen_cells: set[tuple[Any, ...]] = set()
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for p in problems:
        full = (p.severity, p.sheet, p.row, p.column, p.message, repr(p.value))
        if full in seen:
            continue
        seen.add(full)
        if p.severity == "error" and p.row is not None and p.column is not None:
            cell = (p.sheet, p.row, p.column)
            if cell in seen_cells:
                continue
            seen_cells.add(cell)
        kept.append(p)

    def key(p: Problem) -> tuple[int, int, int]:
        sheet = -1 if p.sheet is None else order.get(p.sheet, len(order))
        return (p.severity != "error", sheet, p.row or 0)

    return sorted(kept, key=key)


class _Checks:
    """The checks share the inputs, id lookups and the list they append to."""

    def __init__(self, inputs: Inputs, incomplete: frozenset[str]):
        self.inputs = inputs
        self.incomplete = incomplete
        self.problems: list[Problem] = []
        s = inputs.settings
        self.start: int | None = s.start_year
        self.end: int | None = s.end_year
        # Horizon checks make sense only with a valid horizon.
        self.horizon_ok = self.start is not None and self.end is not None and self.start <= self.end

    # -- helpers ----------------------------------------------------------------------

    def add(
        self,
        sheet: Sheet,
        rec: Record | int | None,
        column: str | None,
        value: Any,
        message: str,
        fix: str,
        severity: Severity = "error",
    ) -> None:
        """Record a problem at ``rec`` (a record, an Excel row, or None: whole sheet)."""
        row = rec if isinstance(rec, int) or rec is None else rec.row
        self.problems.append(
            Problem(
                message,
                fix,
                sheet=sheet.name,
                row=row or None,
                column=column,
                value=value,
                severity=severity,
            )
        )

    def rows(self, sheet: Sheet) -> tuple[Record, ...]:
        return getattr(self.inputs, sheet.attr)

    def ids(self, sheet_name: str) -> set[str]:
        sheet = SHEETS_BY_NAME[sheet_name]
        id_col = sheet.id_column
        assert id_col is not None, f"{sheet_name} has no id column"
        return {v for r in self.rows(sheet) if (v := getattr(r, id_col.name)) is not None}

    def complete(self, *sheets: Sheet) -> bool:
        return not any(s.name in self.incomplete for s in sheets)

    def all_ids_known(self, sheet_name: str) -> bool:
        """False when the sheet is incomplete or a row's id cell was unreadable.

        An unknown reference may then be that unreadable id; reporting it would
        turn one bad cell into a message per referring row.
        """
        sheet = SHEETS_BY_NAME[sheet_name]
        id_col = sheet.id_column
        assert id_col is not None, f"{sheet_name} has no id column"
        return self.complete(sheet) and all(
            getattr(r, id_col.name) is not None for r in self.rows(sheet)
        )

    def unknown_id(self, sheet: Sheet, rec: Record, column: str, value: str, target: str) -> None:
        """Report a reference to an id that ``target`` does not have."""
        target_sheet = SHEETS_BY_NAME[target]
        id_name = target_sheet.id_column.name if target_sheet.id_column else column
        meant = suggest(value, self.ids(target))
        self.add(
            sheet,
            rec,
            column,
            value,
            f"{target} has no {id_name} {describe(value)}",
            (
                f"Did you mean {describe(meant)}? Ids are case-sensitive."
                if meant.casefold() == value.casefold()
                else f"Did you mean {describe(meant)}? Ids must match character for character."
            )
            if meant
            else f"Add {id_name} '{printable(value)}' to {target}, or correct the id.",
        )

    # -- checks -----------------------------------------------------------------------

    def settings(self) -> None:
        s = self.inputs.settings
        rows = s.rows or {}
        if self.start is not None and self.end is not None and self.end < self.start:
            self.add(
                SETTINGS,
                rows.get("end_year"),
                "value",
                self.end,
                f"end_year {self.end} is before start_year {self.start}",
                "Set end_year to start_year or later.",
            )
        for col in SETTINGS.columns:
            value = getattr(s, col.name, None)
            if col.is_numeric and value is not None and _out_of_range(col, value):
                self.add(SETTINGS, rows.get(col.name), "value", value, *_range_message(col, value))

    def non_empty(self) -> None:
        """A required sheet with a header but no rows is legal but almost surely an
        unfinished workbook (no routes: nothing can be delivered), hence a warning."""
        for sheet in SHEETS:
            if sheet.required and not sheet.settings and self.complete(sheet):
                if self.rows(sheet):
                    continue
                self.add(
                    sheet,
                    None,
                    None,
                    None,
                    "the sheet has no data rows",
                    "Enter the data below the header row.",
                    severity="warning",
                )

    def cells(self) -> None:
        """Per-value rules: ids, references, allowed values, ranges, horizon years."""
        horizon = {(s.name, c.name) for s, c in HORIZON_YEARS}
        for sheet in SHEETS:
            if sheet.settings:
                continue
            for rec in self.rows(sheet):
                for col in sheet.columns:
                    value = getattr(rec, col.name)
                    if value is None:
                        continue
                    if col.kind == "id" and value == _STAR:
                        self.add(
                            sheet,
                            rec,
                            col.name,
                            value,
                            '"*" cannot be an id (it means "every" in Rules and DisruptionImpacts)',
                            "Give the record a proper id.",
                        )
                    elif col.kind == "ref":
                        self.reference(sheet, rec, col, value)
                    elif col.kind == "enum" and value not in col.choices:
                        meant = near(value, col.choices, ignore_spaces=False)
                        self.add(
                            sheet,
                            rec,
                            col.name,
                            value,
                            f"unknown {col.name} '{value}'; allowed: " + ", ".join(col.choices),
                            f"Did you mean '{meant}'? Values are case-sensitive."
                            if meant
                            else "Use one of: " + ", ".join(col.choices) + ".",
                        )
                    elif col.is_numeric and _out_of_range(col, value):
                        self.add(sheet, rec, col.name, value, *_range_message(col, value))
                    elif (sheet.name, col.name) in horizon and self.horizon_ok:
                        assert self.start is not None and self.end is not None
                        if not self.start <= value <= self.end:
                            self.add(
                                sheet,
                                rec,
                                col.name,
                                value,
                                f"{col.name} {value} is outside the planning horizon "
                                f"{self.start}-{self.end}",
                                f"Use a year from {self.start} to {self.end}, or change "
                                "start_year/end_year in Settings.",
                            )

    def reference(self, sheet: Sheet, rec: Record, col: Column, value: str) -> None:
        assert col.ref is not None
        if value == _STAR:
            if not col.star:
                self.add(
                    sheet,
                    rec,
                    col.name,
                    value,
                    f'"*" (every) is not allowed in {col.name}',
                    f"Name one id from {col.ref}.",
                )
            return
        if self.all_ids_known(col.ref) and value not in self.ids(col.ref):
            self.unknown_id(sheet, rec, col.name, value, col.ref)

    def keys(self) -> None:
        """Ids unique within their sheet, and keys unique in keyed sheets."""
        for sheet in SHEETS:
            if sheet.settings or not sheet.key:
                continue
            first: dict[tuple[Any, ...], Record] = {}
            for rec in self.rows(sheet):
                key = tuple(getattr(rec, k) for k in sheet.key)
                if any(v is None for v in key):
                    continue
                if key not in first:
                    first[key] = rec
                    continue
                where = f"row {first[key].row}" if first[key].row else "an earlier record"
                if len(key) == 1:
                    message = f"duplicate {sheet.key[0]} {_quoted(key[0])} (first in {where})"
                    value: Any = key[0]
                else:
                    text = ", ".join(str(v) for v in key)
                    message = f"duplicate {' + '.join(sheet.key)} ({text}) (first in {where})"
                    value = text
                self.add(
                    sheet,
                    rec,
                    sheet.key[0],
                    value,
                    message,
                    f"Each {' + '.join(sheet.key)} may appear once: merge the rows or delete one.",
                )

    def ids_distinct(self) -> None:
        """Ids of one sheet differ in more than case and look: the report names sheets,
        Excel tables and columns by id, and Excel treats "Ni" and "ni" as the same name
        (a table of one would replace the other's); "Co" and "Сo" (Cyrillic) or "L1" and
        "L1" with a zero-width space read the same to a planner."""
        for sheet in SHEETS:
            id_col = sheet.id_column
            if sheet.settings or id_col is None:
                continue
            first: dict[str, Record] = {}
            for rec in self.rows(sheet):
                value = getattr(rec, id_col.name)
                if not isinstance(value, str):
                    continue
                key = skeleton(value)
                other = first.setdefault(key, rec)
                was = getattr(other, id_col.name)
                if other is rec or was == value:
                    continue  # the first, or an exact duplicate (reported by keys)
                where = f"row {other.row}" if other.row else "an earlier record"
                how = "only in case" if was.casefold() == value.casefold() else "only in look"
                self.add(
                    sheet,
                    rec,
                    id_col.name,
                    value,
                    f"{id_col.name} {describe(value)} differs from {describe(was)} ({where}) "
                    f"{how}; the report and Excel would take them for the same name",
                    f"Rename one of the two, or merge the rows if they are the same {id_col.name}.",
                )

    def groups(self) -> None:
        """Rules and DisruptionImpacts groups name something that exists; site rules
        can only cap a share (a minimum share at one site is not a dispersion rule)."""
        for sheet in (RULES, DISRUPTION_IMPACTS, DISRUPTION_TYPE_IMPACTS):
            for rec in self.rows(sheet):
                group_type, group = rec.group_type, rec.group
                if group_type not in GROUP_TARGET or group is None:
                    continue  # unknown group_type: reported by cells()
                target = GROUP_TARGET[group_type]
                if group == _STAR:
                    if group_type != _SITE_GROUP:
                        self.add(
                            sheet,
                            rec,
                            "group",
                            group,
                            f'"*" is only allowed as group with group_type {_SITE_GROUP}',
                            f"Name one {group_type}.",
                        )
                elif isinstance(target, str):
                    if self.all_ids_known(target) and group not in self.ids(target):
                        self.unknown_id(sheet, rec, "group", group, target)
                elif group not in target:
                    meant = near(group, target, ignore_spaces=False)
                    self.add(
                        sheet,
                        rec,
                        "group",
                        group,
                        f"unknown {group_type} '{group}'; allowed: " + ", ".join(target),
                        f"Did you mean '{meant}'? Values are case-sensitive."
                        if meant
                        else "Use one of: " + ", ".join(target) + ".",
                    )
        limits = RULES.column("limit").choices
        for rec in self.rows(RULES):
            # An unknown limit is reported by cells(); only a known other limit is wrong here.
            if rec.group_type == _SITE_GROUP and rec.limit in limits and rec.limit != _SITE_LIMIT:
                self.add(
                    RULES,
                    rec,
                    "limit",
                    rec.limit,
                    f"a site rule can only be {_SITE_LIMIT} (it caps the share of a "
                    "material's stock held at one site)",
                    f"Use limit {_SITE_LIMIT}, or another group_type.",
                )

    def source_outputs(self) -> None:
        """A source with no SourceOutputs row yields nothing: surely a forgotten row."""
        covered = {r.source for r in self.rows(SOURCE_OUTPUTS)}
        if not self.complete(SOURCE_OUTPUTS) or None in covered:
            return  # the unreadable source cell may be the missing one
        for rec in self.rows(SOURCES):
            if rec.source is not None and rec.source not in covered:
                self.add(
                    SOURCES,
                    rec,
                    "source",
                    rec.source,
                    f"source '{rec.source}' has no SourceOutputs row, so buying from it "
                    "yields nothing",
                    f"Add a SourceOutputs row (source, material, yield_t_per_unit) for "
                    f"'{rec.source}'.",
                )

    def supply_mix(self) -> None:
        if not self.complete(SUPPLY_MIX):
            return
        by_material: dict[str, list[Record]] = defaultdict(list)
        for rec in self.rows(SUPPLY_MIX):
            if rec.material is not None:
                by_material[rec.material].append(rec)
        for material, recs in by_material.items():
            if any(r.share is None for r in recs):
                continue  # a bad share cell is already reported
            total = sum(r.share for r in recs)
            if abs(total - 1.0) > MIX_TOLERANCE:
                rows = ", ".join(str(r.row) for r in recs if r.row)
                self.add(
                    SUPPLY_MIX,
                    recs[0],
                    "share",
                    round(total, 6),
                    f"the shares of material '{material}' sum to {total:.4g}, not 1"
                    + (f" (rows {rows})" if rows else ""),
                    f"Correct the shares so that they sum to 1 (within {MIX_TOLERANCE:g}).",
                )

    def demand_has_mix(self) -> None:
        """Disruption need is demand times the lost share of normal supply: without a
        SupplyMix the lost share is unknown."""
        mixed = {r.material for r in self.rows(SUPPLY_MIX)}
        if not self.complete(SUPPLY_MIX) or None in mixed:
            return
        reported: set[str] = set()
        for rec in self.rows(DEMAND):
            m = rec.material
            if m is None or m == _STAR or rec.demand_t is None or rec.demand_t <= 0:
                continue
            if m not in mixed and m not in reported:
                reported.add(m)
                self.add(
                    DEMAND,
                    rec,
                    "material",
                    m,
                    f"material '{m}' has positive demand but no SupplyMix rows",
                    f"Add SupplyMix rows for '{m}' (its normal supply by country, shares "
                    "summing to 1).",
                )

    def targets_have_site(self) -> None:
        """Stock exists only at open sites, so a target before any site opens is
        unreachable whatever the budget."""
        sites = self.rows(SITES)
        if not self.complete(SITES) or any(s.first_year is None for s in sites):
            return
        first_open = min((s.first_year for s in sites), default=None)
        for rec in self.rows(TARGETS):
            if rec.year is None or (first_open is not None and rec.year >= first_open):
                continue
            self.add(
                TARGETS,
                rec,
                "year",
                rec.year,
                f"no site is open in {rec.year}, so no stock can be held for this target",
                f"Move the target to {first_open} or later, or open a site earlier "
                "(Sites first_year)."
                if first_open is not None
                else "Add a storage site in Sites.",
            )

    def initial_stock_sites(self) -> None:
        if self.start is None:
            return
        opens = {s.site: s.first_year for s in self.rows(SITES) if s.site is not None}
        for rec in self.rows(INITIAL_STOCK):
            first = opens.get(rec.site)
            if first is not None and first > self.start:
                self.add(
                    INITIAL_STOCK,
                    rec,
                    "site",
                    rec.site,
                    f"site '{rec.site}' opens in {first}, after start_year {self.start}, so "
                    "it cannot hold initial stock",
                    f"Put this stock at a site open in {self.start}, or set the site's "
                    f"first_year to {self.start} or earlier.",
                )

    def capacity_years(self) -> None:
        """cap[s,t] is 0 before first_year; a capacity row there contradicts it."""
        starts = {s.source: s.first_year for s in self.rows(SOURCES) if s.source is not None}
        for rec in self.rows(SOURCE_CAPACITY):
            first = starts.get(rec.source)
            if rec.year is not None and first is not None and rec.year < first:
                self.add(
                    SOURCE_CAPACITY,
                    rec,
                    "year",
                    rec.year,
                    f"year {rec.year} is before first_year {first} of source '{rec.source}'",
                    f"Delete the row, or set first_year of '{rec.source}' in Sources to "
                    f"{rec.year} or earlier.",
                )

    def disruption_ids(self) -> None:
        """The report and the model name the future without disruption ``base``. Refused
        in any letter case: Excel's filters and lookups would not tell the two apart."""
        for rec in self.rows(DISRUPTIONS):
            d = rec.disruption
            if d is not None and d.casefold() == BASE_FUTURE:
                self.add(
                    DISRUPTIONS,
                    rec,
                    "disruption",
                    d,
                    f"'{d}' cannot be a disruption id: '{BASE_FUTURE}' is reserved for the "
                    "future in which no disruption happens",
                    "Give the disruption another id (and use it in DisruptionImpacts too).",
                )

    def disruption_probabilities(self) -> None:
        """The disruptions are alternative futures: at most one of them happens, so
        their probabilities are shares of one whole and sum to at most 1.

        One problem names them all; it points at the row where the running sum passes
        1 (the rows above it are consistent, and a disruption just added at the bottom,
        or by a scenario's add_row, is found there)."""
        recs = self.rows(DISRUPTIONS)
        probability = DISRUPTIONS.column("probability")
        if not recs or not self.complete(DISRUPTIONS):
            return
        if any(r.probability is None or _out_of_range(probability, r.probability) for r in recs):
            return  # a bad probability is already reported; the sum would only echo it
        limit = 1.0 + PROBABILITY_TOLERANCE
        running = 0.0
        tipping = None
        for rec in recs:
            running += rec.probability
            if tipping is None and running > limit:
                tipping = rec
        if tipping is None:
            return
        each = ", ".join(f"{_id_text(r.disruption)} {r.probability:g}" for r in recs)
        self.add(
            DISRUPTIONS,
            tipping,
            "probability",
            round(running, 12),
            f"probabilities sum to {running:.12g} (> 1): {each} — the disruptions are "
            "alternative futures, at most one happens",
            "Lower the probabilities so that they sum to at most 1; 1 minus their sum is "
            "the probability that no disruption happens.",
        )

    def ranges_ordered(self) -> None:
        """A range given as two columns (``x_min...`` and ``x_max...``: DisruptionTypes,
        DisruptionTypeImpacts) has its minimum at most its maximum."""
        for sheet, low, high in RANGE_COLUMNS:
            for rec in self.rows(sheet):
                lo, hi = getattr(rec, low.name), getattr(rec, high.name)
                if lo is None or hi is None or lo <= hi:
                    continue
                self.add(
                    sheet,
                    rec,
                    high.name,
                    hi,
                    f"{high.name} {hi:g} is below {low.name} {lo:g}",
                    f"Make {high.name} at least {low.name} (equal values fix the number).",
                )


#: Pairs of columns that give a range: (sheet, the minimum's column, the maximum's column),
#: found by name (``..._min...`` beside ``..._max...``).
RANGE_COLUMNS: tuple[tuple[Sheet, Column, Column], ...] = tuple(
    (sheet, low, sheet.column(low.name.replace("_min", "_max", 1)))
    for sheet in SHEETS
    for low in sheet.columns
    if "_min" in low.name
    and low.name.replace("_min", "_max", 1) in sheet.headers
    and low.is_numeric
)


def _out_of_range(col: Column, value: float) -> bool:
    if col.low is not None and (value <= col.low if col.low_open else value < col.low):
        return True
    return col.high is not None and (value >= col.high if col.high_open else value > col.high)


def _range_message(col: Column, value: float) -> tuple[str, str]:
    rng = col.range_text
    words = f"in {rng}" if rng.startswith(("[", "(")) else rng
    fix = f"Enter a value {words}."
    if col.high == 1.0 and 2.0 <= value <= 100.0:  # looks like a percentage
        fix += f" Shares are fractions: write {value:g} % as {value / 100:g}."
    return f"{col.name} must be {words}", fix


def _id_text(value: str | None) -> str:
    """An id in a list of "id number" pairs: bare, unless it could be read as a number
    or a space or comma would blur where it ends."""
    if value is None:
        return "(blank)"
    return f"'{value}'" if looks_numeric(value) or any(c in value for c in " ,") else value


def _quoted(value: Any) -> str:
    """Ids in quotes (they may hold spaces), numbers such as years bare."""
    return f"'{value}'" if isinstance(value, str) else str(value)
