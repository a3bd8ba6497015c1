"""Apply a scenario to an ``Inputs``, and trace what goes wrong to its Scenarios row.

The overrides are checked one by one (``parse.check_override``), applied in sheet
order to a copy of the tables, and the result goes through ``check_inputs`` like any
workbook. Each record remembers the overrides that added or changed it, so that a
problem ``check_inputs`` finds is reported at the Scenarios row that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stockpile.data.cells import cell_text, near
from stockpile.data.inputs import RECORDS, Inputs, Record, Settings
from stockpile.data.problems import InputError, Problem
from stockpile.data.schema import KEY_SEPARATOR, SETTINGS, SHEETS, SHEETS_BY_NAME, Sheet
from stockpile.data.validate import check_inputs, order_problems
from stockpile.scenarios.overrides import SHEET, STAR, Change, Override, Scenario
from stockpile.scenarios.parse import (
    Parsed,
    check_override,
    key_columns,
    key_form,
    override_problem,
    parse_text,
)


@dataclass
class _Tracked:
    """A record and the overrides that made or changed it."""

    rec: Record
    added_by: Override | None = None
    changed_by: list[tuple[Override, str]] = field(default_factory=list)  # (override, column)


def apply_scenario(inputs: Inputs, scenario: Scenario) -> Inputs:
    """``inputs`` with the overrides of ``scenario`` applied, checked like a workbook.

    Raises ``InputError`` listing every problem: first the static ones of every
    override (unknown sheet, column, op, a value of the wrong type), else those of
    applying them in order (a key that matches no row), else those ``check_inputs``
    finds in the result, each pointed at the Scenarios row that caused it.
    """
    return apply_scenario_traced(inputs, scenario)[0]


def apply_scenario_traced(inputs: Inputs, scenario: Scenario) -> tuple[Inputs, list[Change]]:
    """``apply_scenario``, and every value it changed (in override order): what the
    input workbook holds and what the scenario made of it, so that the terminal, the
    report and the comparison can say "600,000,000 -> 420,000,000 USD"."""
    parsed: list[Parsed] = []
    problems: list[Problem] = []
    for ov in scenario.overrides:
        p, found = check_override(ov)
        problems += found
        if p is not None:
            parsed.append(p)
    if not scenario.overrides:
        problems.append(
            Problem(
                f"scenario '{scenario.name}' has no overrides",
                "Add its rows to the Scenarios sheet.",
                sheet=SHEET,
                value=scenario.name,
            )
        )
    if problems:
        raise InputError(order_problems(problems))
    state = _State(inputs)
    for p in parsed:
        state.apply(p, problems)
    if problems:
        raise InputError(order_problems(problems))
    return state.checked(scenario.name), state.changes


class _State:
    """The tables being overridden, with what changed each record."""

    def __init__(self, inputs: Inputs):
        self.settings: Settings = inputs.settings
        self.settings_changed: dict[str, Override] = {}
        self.deleted: list[Override] = []
        self.changes: list[Change] = []
        self.tables: dict[str, list[_Tracked]] = {
            s.name: [_Tracked(r) for r in inputs.table(s.name)] for s in SHEETS if not s.settings
        }

    def apply(self, p: Parsed, problems: list[Problem]) -> None:
        ov = p.ov
        if p.sheet.settings:
            assert p.column is not None
            name = p.column.name
            old = getattr(self.settings, name)
            new = _combine(ov.op, old, p.value)
            self.settings = self.settings.model_copy(update={name: new})
            self.settings_changed[name] = ov
            row = (self.settings.rows or {}).get(name)
            self.changes.append(
                Change(ov, p.sheet.name, row, name, "value", old, new, p.column.unit, True)
            )
            return
        table = self.tables[p.sheet.name]
        if ov.op == "add_row":
            fields = dict(zip(key_columns(p.sheet), _typed_parts(p), strict=True))
            fields.update(p.assign)
            try:
                rec = RECORDS[p.sheet.name](**fields)
            except ValueError as exc:  # pydantic: should not happen after the checks
                problems.append(override_problem(ov, "value", ov.value, f"bad row: {exc}", ""))
                return
            table.append(_Tracked(rec, added_by=ov))
            self.changes.append(_row_change(ov, p.sheet, rec, None))
            return
        hits = [t for t in table if _matches(t.rec, p)]
        if not hits:
            problems.append(self._no_match(p, table))
            return
        if ov.op == "delete_row":
            self.tables[p.sheet.name] = [t for t in table if not _matches(t.rec, p)]
            self.deleted.append(ov)
            self.changes += [_row_change(ov, p.sheet, t.rec, _base_row(t)) for t in hits]
            return
        assert p.column is not None
        name = p.column.name
        for t in hits:
            old = getattr(t.rec, name)
            if old is None and ov.op != "set":
                continue  # a blank the reader already reported; nothing to scale
            new = _combine(ov.op, old, p.value)
            key = _key_text(p.sheet, t.rec)  # before the change: an override may move a key
            t.rec = t.rec.model_copy(update={name: new})
            t.changed_by.append((ov, name))
            self.changes.append(
                Change(
                    ov,
                    p.sheet.name,
                    _base_row(t),
                    key,
                    name,
                    old,
                    new,
                    p.column.unit,
                    only_column=_value_columns(p.sheet) == [name],
                )
            )

    def _no_match(self, p: Parsed, table: list[_Tracked]) -> Problem:
        ov = p.ov
        cols = key_columns(p.sheet)
        keys = [KEY_SEPARATOR.join(cell_text(getattr(t.rec, c)) for c in cols) for t in table]
        if not keys:
            return override_problem(
                ov,
                "key",
                ov.key,
                f"the {p.sheet.name} sheet has no rows",
                f"Add rows with add_row, or drop this override (the base data has no "
                f"{p.sheet.name}).",
            )
        meant = near(ov.key, keys)
        shown = ", ".join(dict.fromkeys(keys[:5]))
        return override_problem(
            ov,
            "key",
            ov.key,
            f"no {p.sheet.name} row has the key '{ov.key}'",
            f"Did you mean '{meant}'? Keys are case-sensitive."
            if meant
            else f"Write an existing key ({key_form(p.sheet)}, e.g. {shown}) or * for every "
            "row; add_row adds a row.",
        )

    def checked(self, name: str) -> Inputs:
        """The new Inputs, after ``check_inputs`` with problems traced to Scenarios rows.

        For the check every record gets a row number unique in its sheet (a tag), so
        that each problem can be traced to its record and from there to the override
        that added or changed it. A record keeps its Excel row where it has one; a
        record made in code (row 0) or added by a scenario gets the next free row, so
        that code-made inputs read as they would once written to a workbook.
        """
        tags: dict[tuple[str, int], _Tracked] = {}
        tagged: dict[str, list[Record]] = {}
        for sheet in SHEETS:
            if sheet.settings:
                continue
            table = self.tables[sheet.name]
            used = {t.rec.row for t in table if t.rec.row}
            free = max(used, default=1) + 1 if used else 2
            tagged[sheet.attr] = []
            for t in table:
                tag = t.rec.row
                if not tag or (sheet.name, tag) in tags:
                    tag, free = free, free + 1
                tags[sheet.name, tag] = t
                tagged[sheet.attr].append(t.rec.model_copy(update={"row": tag}))
        base_rows = self.settings.rows or {}
        setting_rows = {
            c.name: base_rows.get(c.name) or i for i, c in enumerate(SETTINGS.columns, start=2)
        }
        probe = Inputs.build(self.settings.model_copy(update={"rows": setting_rows}), **tagged)
        setting_of_row = {v: k for k, v in setting_rows.items()}
        problems = [self._traced(p, name, tags, setting_of_row) for p in check_inputs(probe)]
        problems = order_problems(problems)
        if any(p.severity == "error" for p in problems):
            raise InputError(problems)
        return Inputs.build(
            self.settings,
            **{s.attr: [t.rec for t in self.tables[s.name]] for s in SHEETS if not s.settings},
        )

    def _traced(
        self,
        p: Problem,
        name: str,
        tags: dict[tuple[str, int], _Tracked],
        setting_of_row: dict[int, str],
    ) -> Problem:
        if p.sheet == SETTINGS.name:
            setting = setting_of_row.get(p.row or -1, "")
            ov = self.settings_changed.get(setting)
            if ov is not None:
                return _traced_at(ov, p, f"after this override, Settings {setting}")
            return self._with_prefix(p, name, (self.settings.rows or {}).get(setting))
        t = tags.get((p.sheet or "", p.row or -1))
        if t is None:
            return self._with_prefix(p, name, p.row)
        sheet = SHEETS_BY_NAME[p.sheet or ""]
        col = f", column {p.column}" if p.column else ""
        if t.added_by is not None:
            return _traced_at(t.added_by, p, f"the {sheet.name} row it adds{col}")
        if t.changed_by:
            ov = next((o for o, c in reversed(t.changed_by) if c == p.column), t.changed_by[-1][0])
            where = _where(sheet, t.rec)
            return _traced_at(ov, p, f"after this override, {sheet.name} {where}{col}")
        return self._with_prefix(p, name, t.rec.row or None, _where(sheet, t.rec))

    def _with_prefix(self, p: Problem, name: str, row: int | None, where: str = "") -> Problem:
        """A problem at a row no override touched (e.g. a reference to a deleted row)."""
        notes = [where] if where and not row else []
        rows = [str(o.row) for o in self.deleted if o.row is not None]
        if rows:
            notes.append("see the delete_row in Scenarios row " + ", ".join(rows))
        at = f" ({'; '.join(notes)})" if notes else ""
        return Problem(
            f"scenario '{name}', after its overrides{at}: {p.message}",
            p.fix,
            sheet=p.sheet,
            row=row,
            column=p.column,
            value=p.value,
            severity=p.severity,
        )


def _traced_at(ov: Override, p: Problem, where: str) -> Problem:
    """A problem of the overridden data, reported at the override that caused it."""
    found = ov.op == "add_row" or p.value is None or p.value == ov.value
    what = p.message if found else f"{p.message} (found {p.value!r})"
    return Problem(
        f"scenario '{ov.scenario}': {where}: {what}",
        p.fix,
        sheet=SHEET,
        row=ov.row,
        column="key" if ov.op == "delete_row" else "value",
        value=ov.key if ov.op == "delete_row" else ov.value,
        severity=p.severity,
    )


def _key_text(sheet: Sheet, rec: Record) -> str:
    return KEY_SEPARATOR.join(cell_text(getattr(rec, c)) for c in key_columns(sheet))


def _value_columns(sheet: Sheet) -> list[str]:
    keys = key_columns(sheet)
    return [c.name for c in sheet.columns if c.name not in keys]


def _base_row(t: _Tracked) -> int | None:
    """The Excel row of a record of the input workbook (None: added by the scenario or
    made in code)."""
    return None if t.added_by is not None else (t.rec.row or None)


def _row_change(ov: Override, sheet: Sheet, rec: Record, row: int | None) -> Change:
    """A whole row deleted (``row``: where it was) or added (``row`` None)."""
    return Change(ov, sheet.name, row, _key_text(sheet, rec), "", None, None)


def _where(sheet: Sheet, rec: Record) -> str:
    if rec.row:
        return f"row {rec.row}"
    return "key " + KEY_SEPARATOR.join(cell_text(getattr(rec, c)) for c in key_columns(sheet))


def _typed_parts(p: Parsed) -> list[Any]:
    """The key parts of an add_row, typed like their columns (a year stays a number)."""
    assert p.parts is not None
    out = []
    for name, part in zip(key_columns(p.sheet), p.parts, strict=True):
        col = p.sheet.column(name)
        value, problem = parse_text(col, part)
        out.append(part if problem else value)
    return out


def _matches(rec: Record, p: Parsed) -> bool:
    if p.parts is None:
        return True
    return all(
        part == STAR or cell_text(getattr(rec, col)) == part
        for col, part in zip(key_columns(p.sheet), p.parts, strict=True)
    )


def _combine(op: str, old: Any, value: Any) -> Any:
    if op == "set":
        return value
    if op == "scale":
        return old * value
    return old + value
