"""Scenario overrides: read them, check them, apply them to an ``Inputs``.

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
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stockpile.data.cells import (
    NO_CACHE_MESSAGE,
    ExcelError,
    NoCache,
    RawSheet,
    cell_text,
    expected_text,
    is_blank,
    load_sheets,
    looks_numeric,
    near,
    parse_cell,
    read_header,
    table_rows,
)
from stockpile.data.inputs import RECORDS, Inputs, Record, Settings
from stockpile.data.problems import InputError, Problem
from stockpile.data.schema import (
    KEY_SEPARATOR,
    SCENARIO_OPS,
    SCENARIOS,
    SETTINGS,
    SHEETS,
    SHEETS_BY_NAME,
    Column,
    Sheet,
)
from stockpile.data.validate import check_inputs, order_problems

STAR = "*"
#: Separator of the ``col=val`` assignments of an add_row value.
ASSIGN_SEPARATOR = ";"
SHEET = SCENARIOS.name
_NUMERIC_OPS = ("scale", "add")


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


def key_columns(sheet: Sheet) -> tuple[str, ...]:
    """The columns a Scenarios key names a row of ``sheet`` by, in order."""
    if sheet.settings:
        return ("setting",)
    return sheet.key or tuple(c.name for c in sheet.columns if c.required and not c.is_numeric)


def key_form(sheet: Sheet) -> str:
    """How a key of the sheet is written, e.g. 'source|site'."""
    return KEY_SEPARATOR.join(key_columns(sheet))


def scenarios_from_rows(rows: Iterable[Mapping[str, Any]], origin: str = "") -> dict[str, Scenario]:
    """Group Scenarios rows (dicts keyed by column, optional ``row``) by scenario name,
    keeping their order. No checks here: those run when a scenario is applied."""
    grouped: dict[str, list[Override]] = {}
    for r in rows:
        ov = Override(
            scenario=cell_text(r.get("scenario")),
            sheet=cell_text(r.get("sheet")),
            key=cell_text(r.get("key")),
            op=cell_text(r.get("op")),
            column=cell_text(r.get("column")),
            value=r.get("value"),
            row=r.get("row"),
            note=cell_text(r.get("note")),
        )
        grouped.setdefault(ov.scenario, []).append(ov)
    return {name: Scenario(name, tuple(ovs), origin) for name, ovs in grouped.items()}


# --- reading the Scenarios sheet ------------------------------------------------------


def read_scenarios(path: str | Path, *, required: bool = False) -> dict[str, Scenario]:
    """The scenarios of the Scenarios sheet of the workbook at ``path``.

    Judges the form of the sheet (header, blank required cells, formulas) the way the
    reader judges data sheets and raises ``InputError`` listing every problem; the
    overrides themselves are checked when a scenario is applied. A workbook without a
    Scenarios sheet has no scenarios (an error when ``required``: a --scenarios FILE).
    """
    path = Path(path)
    sheets = load_sheets(path, (SHEET,)).sheets
    if SHEET not in sheets:
        if not required:
            return {}
        raise InputError(
            [
                Problem(
                    "the workbook has no Scenarios sheet",
                    "Add a sheet named 'Scenarios' with the headers: "
                    + ", ".join(SCENARIOS.headers)
                    + " (stockpile template writes one).",
                    sheet=SHEET,
                )
            ]
        )
    raw = sheets[SHEET] or RawSheet(SHEET)  # a chart sheet: no table
    problems: list[Problem] = []
    header = read_header(SCENARIOS, SCENARIOS.columns, raw, problems, set())
    rows: list[dict[str, Any]] = []
    if header is not None:
        for r, values in table_rows(raw, header):
            row: dict[str, Any] = {"row": r}
            for col in SCENARIOS.columns:
                if col.name not in values:
                    continue
                if col.name == "value":
                    value, problem = _raw_value(col, r, values[col.name])
                else:
                    value, problem = parse_cell(SCENARIOS, col, r, values[col.name])
                if problem is not None:
                    problems.append(problem)
                row[col.name] = value
            rows.append(row)
    problems = order_problems(problems)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    return scenarios_from_rows(rows, origin=path.name)


def _raw_value(col: Column, row: int, raw: Any) -> tuple[Any, Problem | None]:
    """The value cell as typed in Excel (a number stays a number, text stays text)."""

    def problem(message: str, fix: str, value: Any = raw) -> tuple[Any, Problem]:
        return None, Problem(message, fix, sheet=SHEET, row=row, column=col.name, value=value)

    if isinstance(raw, NoCache):
        return problem(
            NO_CACHE_MESSAGE,
            "Open the workbook in Excel and save it, or replace the formula by its value.",
            raw.formula,
        )
    if isinstance(raw, ExcelError):
        return problem(f"cell shows the Excel error {raw.code}", "Type the value.", raw.code)
    if is_blank(raw):
        return None, None
    if isinstance(raw, bool):
        return problem("expected a number or text, found TRUE/FALSE", "Type the value.")
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            return problem(f"expected a number, found {raw}", "Type a finite number.")
        return raw, None
    if not isinstance(raw, str):
        return problem(
            "expected a number or text, found a date",
            "Format the cell as Number or Text and retype the value.",
            str(raw),
        )
    return raw.strip(), None


# --- checking one override ---------------------------------------------------------------


@dataclass
class _Parsed:
    """An override after its static checks: what it targets, typed."""

    ov: Override
    sheet: Sheet
    column: Column | None = None
    value: Any = None
    parts: tuple[str, ...] | None = None  # None: every row
    assign: dict[str, Any] = field(default_factory=dict)


def _problem(ov: Override, column: str, value: Any, message: str, fix: str) -> Problem:
    return Problem(
        f"scenario '{ov.scenario}': {message}",
        fix,
        sheet=SHEET,
        row=ov.row,
        column=column,
        value=value,
    )


def check_override(ov: Override) -> tuple[_Parsed | None, list[Problem]]:
    """The static checks of one override (what it names and the type of its value)."""
    out: list[Problem] = []
    if not ov.scenario:
        out.append(_problem(ov, "scenario", None, "the scenario name is blank", "Name it."))
    if ov.op not in SCENARIO_OPS:
        meant = near(ov.op, SCENARIO_OPS)
        out.append(
            _problem(
                ov,
                "op",
                ov.op or None,
                f"unknown op '{ov.op}'",
                f"Did you mean '{meant}'? Ops are case-sensitive."
                if meant
                else "Use one of: " + ", ".join(SCENARIO_OPS) + ".",
            )
        )
    sheet = SHEETS_BY_NAME.get(ov.sheet)
    if sheet is None:
        meant = near(ov.sheet, SHEETS_BY_NAME)
        out.append(
            _problem(
                ov,
                "sheet",
                ov.sheet or None,
                f"unknown sheet '{ov.sheet}'",
                f"Did you mean '{meant}'? Sheet names are case-sensitive."
                if meant
                else "Use one of: " + ", ".join(SHEETS_BY_NAME) + ".",
            )
        )
    if out or sheet is None:
        return None, out
    parsed = _Parsed(ov, sheet)
    if sheet.settings:
        _check_setting(ov, parsed, out)
    elif ov.op in ("set", "scale", "add"):
        parsed.parts = _parts(ov, sheet, out)
        parsed.column = _column(ov, sheet, out)
        if parsed.column is not None:
            parsed.value = _value(ov, parsed.column, out)
    else:
        if ov.column:
            out.append(
                _problem(
                    ov,
                    "column",
                    ov.column,
                    f"{ov.op} takes no column",
                    "Leave the column blank: "
                    + (
                        "the whole row is deleted."
                        if ov.op == "delete_row"
                        else "give the row's values in the value cell."
                    ),
                )
            )
        parsed.parts = _parts(ov, sheet, out)
        if ov.op == "delete_row" and ov.value not in (None, ""):
            out.append(
                _problem(
                    ov,
                    "value",
                    ov.value,
                    "delete_row takes no value",
                    "Leave the value blank (the rows matching the key are deleted).",
                )
            )
        if ov.op == "add_row":
            if (parsed.parts is not None and STAR in parsed.parts) or ov.key == STAR:
                out.append(
                    _problem(
                        ov,
                        "key",
                        ov.key,
                        "add_row needs the new row's key, not *",
                        f"Write the key of the new row ({key_form(sheet)}).",
                    )
                )
            else:
                _check_key_types(ov, parsed, out)
                parsed.assign = _assignments(ov, sheet, out)
    return (None if out else parsed), out


def _check_key_types(ov: Override, parsed: _Parsed, out: list[Problem]) -> None:
    """The key parts of an add_row are the new row's key values: type them."""
    if parsed.parts is None:
        return
    for name, part in zip(key_columns(parsed.sheet), parsed.parts, strict=True):
        col = parsed.sheet.column(name)
        _, message = _parse_text(col, part)
        if message:
            out.append(
                _problem(
                    ov,
                    "key",
                    ov.key,
                    f"{name}: expected {expected_text(col)}, found '{part}'",
                    f"Write the key as {key_form(parsed.sheet)}.",
                )
            )


def _check_setting(ov: Override, parsed: _Parsed, out: list[Problem]) -> None:
    if ov.op not in ("set", "scale", "add"):
        out.append(
            _problem(
                ov,
                "op",
                ov.op,
                f"{ov.op} does not apply to Settings",
                "Settings rows cannot be added or deleted: use set, scale or add on a setting.",
            )
        )
        return
    names = [c.name for c in SETTINGS.columns]
    if ov.key not in names:
        meant = near(ov.key, names)
        out.append(
            _problem(
                ov,
                "key",
                ov.key or None,
                f"unknown setting '{ov.key}'",
                f"Did you mean '{meant}'?" if meant else "Use one of: " + ", ".join(names) + ".",
            )
        )
        return
    if ov.column not in ("", "value"):
        out.append(
            _problem(
                ov,
                "column",
                ov.column,
                "a Settings override changes the column 'value'",
                "Write 'value' in the column cell, or leave it blank.",
            )
        )
        return
    parsed.column = SETTINGS.column(ov.key)
    parsed.parts = (ov.key,)
    parsed.value = _value(ov, parsed.column, out)


def _parts(ov: Override, sheet: Sheet, out: list[Problem]) -> tuple[str, ...] | None:
    """The key split into one part per key column; None for '*' (every row)."""
    cols = key_columns(sheet)
    if not ov.key:
        out.append(
            _problem(
                ov,
                "key",
                None,
                "the key is blank",
                f"Write the row's key ({key_form(sheet)}), or * for every row.",
            )
        )
        return None
    if ov.key == STAR:
        return None
    parts = (ov.key,) if len(cols) == 1 else tuple(p.strip() for p in ov.key.split(KEY_SEPARATOR))
    if len(parts) != len(cols):
        out.append(
            _problem(
                ov,
                "key",
                ov.key,
                f"a {sheet.name} key has {len(cols)} part(s), {key_form(sheet)}; "
                f"found {len(parts)}",
                f"Write the key as {key_form(sheet)} (for example "
                f"{KEY_SEPARATOR.join(['…'] * len(cols))}), or * for every row.",
            )
        )
        return None
    if any(not p for p in parts):
        out.append(
            _problem(
                ov,
                "key",
                ov.key,
                "a part of the key is blank",
                f"Write every part of {key_form(sheet)}; * matches any value.",
            )
        )
        return None
    return parts


def _column(ov: Override, sheet: Sheet, out: list[Problem]) -> Column | None:
    if not ov.column:
        out.append(
            _problem(
                ov,
                "column",
                None,
                f"{ov.op} needs the column to change",
                f"Write one of the {sheet.name} columns: " + ", ".join(sheet.headers) + ".",
            )
        )
        return None
    names = [c.name for c in sheet.columns]
    if ov.column not in names:
        meant = near(ov.column, names)
        out.append(
            _problem(
                ov,
                "column",
                ov.column,
                f"{sheet.name} has no column '{ov.column}'",
                f"Did you mean '{meant}'? Column names are case-sensitive."
                if meant
                else f"Use one of: {', '.join(names)}.",
            )
        )
        return None
    col = sheet.column(ov.column)
    if ov.op == "scale" and col.kind != "number":
        out.append(
            _problem(
                ov,
                "column",
                ov.column,
                f"scale applies to number columns; {sheet.name}.{col.name} holds "
                f"{expected_text(col)}",
                "Use set (or add, for a year or a whole number) on this column.",
            )
        )
        return None
    if ov.op == "add" and not col.is_numeric:
        out.append(
            _problem(
                ov,
                "column",
                ov.column,
                f"add applies to number, year and whole-number columns; "
                f"{sheet.name}.{col.name} holds {expected_text(col)}",
                "Use set on this column.",
            )
        )
        return None
    return col


def _value(ov: Override, col: Column, out: list[Problem]) -> Any:
    """The value of a set, scale or add, typed for ``col``; None (and a problem) if bad."""
    raw = ov.value
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        what = {"set": "the new value", "scale": "the factor", "add": "the amount"}[ov.op]
        out.append(_problem(ov, "value", None, "the value is blank", f"Enter {what}."))
        return None
    if ov.op == "scale":
        return _number(ov, raw, "a number (the factor, e.g. 0.7)", whole=False, out=out)
    if ov.op == "add":
        whole = col.kind in ("year", "int")
        what = "a whole number (the amount)" if whole else "a number (the amount)"
        return _number(ov, raw, what, whole=whole, out=out)
    if col.is_numeric:
        return _number(ov, raw, expected_text(col), whole=col.kind != "number", out=out)
    text = cell_text(raw)
    if col.kind == "enum" and text not in col.choices:
        meant = near(text, col.choices)
        out.append(
            _problem(
                ov,
                "value",
                raw,
                f"{col.name} must be one of {', '.join(col.choices)}",
                f"Did you mean '{meant}'?" if meant else f"Enter {expected_text(col)}.",
            )
        )
        return None
    if col.kind in ("id", "ref") and text == STAR and not col.star:
        out.append(_problem(ov, "value", raw, '"*" is never an id', "Enter an id."))
        return None
    return text


def _number(ov: Override, raw: Any, what: str, *, whole: bool, out: list[Problem]) -> Any:
    if isinstance(raw, str):
        fix = (
            "The number is stored as text: format the value cell as Number and retype it."
            if looks_numeric(raw)
            else f"Enter {what}, without units or other text."
        )
        out.append(_problem(ov, "value", raw, f"expected {what}, found text", fix))
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        out.append(_problem(ov, "value", raw, f"expected {what}", f"Enter {what}."))
        return None
    if whole:
        if float(raw) != int(raw):
            out.append(
                _problem(ov, "value", raw, f"expected {what}, found {raw}", f"Enter {what}.")
            )
            return None
        return int(raw)
    return float(raw)


def _assignments(ov: Override, sheet: Sheet, out: list[Problem]) -> dict[str, Any]:
    """The ``col=val; col=val`` of an add_row, typed; key columns come from the key."""
    keys = key_columns(sheet)
    text = cell_text(ov.value)
    values: dict[str, Any] = {}
    bad = False
    for part in (p.strip() for p in text.split(ASSIGN_SEPARATOR)) if text else ():
        if not part:
            continue
        name, eq, val = part.partition("=")
        name, val = name.strip(), val.strip()
        if not eq or not name:
            out.append(
                _problem(
                    ov,
                    "value",
                    ov.value,
                    f"'{part}' is not of the form column=value",
                    f"Write the new row's columns as col=val; col=val (e.g. {_example(sheet)}).",
                )
            )
            bad = True
            continue
        names = [c.name for c in sheet.columns]
        if name not in names:
            meant = near(name, names)
            out.append(
                _problem(
                    ov,
                    "value",
                    ov.value,
                    f"{sheet.name} has no column '{name}'",
                    f"Did you mean '{meant}'?"
                    if meant
                    else f"Use columns of {sheet.name}: "
                    + ", ".join(n for n in names if n not in keys)
                    + ".",
                )
            )
            bad = True
            continue
        if name in keys:
            out.append(
                _problem(
                    ov,
                    "value",
                    ov.value,
                    f"'{name}' is a key column, given in the key",
                    f"Give {key_form(sheet)} in the key cell and only the other columns in "
                    "the value cell.",
                )
            )
            bad = True
            continue
        if name in values:
            out.append(
                _problem(ov, "value", ov.value, f"column '{name}' is given twice", "Give it once.")
            )
            bad = True
            continue
        col = sheet.column(name)
        typed, message = _parse_text(col, val)
        if message:
            out.append(
                _problem(
                    ov,
                    "value",
                    ov.value,
                    f"{name}: expected {expected_text(col)}, found '{val}'",
                    f"Write {name}={expected_text(col)}.",
                )
            )
            bad = True
            continue
        if typed is not None:
            values[name] = typed
    if not bad:
        missing = [c.name for c in sheet.columns if c.required and c.name not in keys]
        missing = [n for n in missing if n not in values]
        if missing:
            out.append(
                _problem(
                    ov,
                    "value",
                    ov.value,
                    "the new row lacks the required column(s) " + ", ".join(missing),
                    f"Write them in the value cell as col=val; col=val (e.g. {_example(sheet)}).",
                )
            )
    return values


def _parse_text(col: Column, val: str) -> tuple[Any, str]:
    """A ``col=val`` value typed for ``col``: (value, '') or (None, 'problem')."""
    if not val:
        return None, "blank" if col.required else ""
    if col.kind == "number":
        try:
            x = float(val)
        except ValueError:
            return None, "not a number"
        return (x, "") if math.isfinite(x) else (None, "not finite")
    if col.kind in ("year", "int"):
        try:
            x = float(val)
        except ValueError:
            return None, "not a whole number"
        return (int(x), "") if math.isfinite(x) and x == int(x) else (None, "not whole")
    if col.kind == "enum" and val not in col.choices:
        return None, "not a choice"
    return val, ""


def _example(sheet: Sheet) -> str:
    keys = key_columns(sheet)
    cols = [c for c in sheet.columns if c.name not in keys][:2]
    return "; ".join(f"{c.name}={'0.5' if c.is_numeric else '…'}" for c in cols) or "(blank)"


# --- applying a scenario -------------------------------------------------------------------


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
    parsed: list[_Parsed] = []
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
    return state.checked(scenario.name)


class _State:
    """The tables being overridden, with what changed each record."""

    def __init__(self, inputs: Inputs):
        self.settings: Settings = inputs.settings
        self.settings_changed: dict[str, Override] = {}
        self.deleted: list[Override] = []
        self.tables: dict[str, list[_Tracked]] = {
            s.name: [_Tracked(r) for r in inputs.table(s.name)] for s in SHEETS if not s.settings
        }

    def apply(self, p: _Parsed, problems: list[Problem]) -> None:
        ov = p.ov
        if p.sheet.settings:
            assert p.column is not None
            name = p.column.name
            old = getattr(self.settings, name)
            new = _combine(ov.op, old, p.value)
            self.settings = self.settings.model_copy(update={name: new})
            self.settings_changed[name] = ov
            return
        table = self.tables[p.sheet.name]
        if ov.op == "add_row":
            fields = dict(zip(key_columns(p.sheet), _typed_parts(p), strict=True))
            fields.update(p.assign)
            try:
                rec = RECORDS[p.sheet.name](**fields)
            except ValueError as exc:  # pydantic: should not happen after the checks
                problems.append(_problem(ov, "value", ov.value, f"bad row: {exc}", ""))
                return
            table.append(_Tracked(rec, added_by=ov))
            return
        hits = [t for t in table if _matches(t.rec, p)]
        if not hits:
            problems.append(self._no_match(p, table))
            return
        if ov.op == "delete_row":
            self.tables[p.sheet.name] = [t for t in table if not _matches(t.rec, p)]
            self.deleted.append(ov)
            return
        assert p.column is not None
        name = p.column.name
        for t in hits:
            old = getattr(t.rec, name)
            if old is None and ov.op != "set":
                continue  # a blank the reader already reported; nothing to scale
            t.rec = t.rec.model_copy(update={name: _combine(ov.op, old, p.value)})
            t.changed_by.append((ov, name))

    def _no_match(self, p: _Parsed, table: list[_Tracked]) -> Problem:
        ov = p.ov
        cols = key_columns(p.sheet)
        keys = [KEY_SEPARATOR.join(cell_text(getattr(t.rec, c)) for c in cols) for t in table]
        if not keys:
            return _problem(
                ov,
                "key",
                ov.key,
                f"the {p.sheet.name} sheet has no rows",
                f"Add rows with add_row, or drop this override (the base data has no "
                f"{p.sheet.name}).",
            )
        meant = near(ov.key, keys)
        shown = ", ".join(dict.fromkeys(keys[:5]))
        return _problem(
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


def _where(sheet: Sheet, rec: Record) -> str:
    if rec.row:
        return f"row {rec.row}"
    return "key " + KEY_SEPARATOR.join(cell_text(getattr(rec, c)) for c in key_columns(sheet))


def _typed_parts(p: _Parsed) -> list[Any]:
    """The key parts of an add_row, typed like their columns (a year stays a number)."""
    assert p.parts is not None
    out = []
    for name, part in zip(key_columns(p.sheet), p.parts, strict=True):
        col = p.sheet.column(name)
        value, problem = _parse_text(col, part)
        out.append(part if problem else value)
    return out


def _matches(rec: Record, p: _Parsed) -> bool:
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
