"""Check one override on its own: what it names, and whether its value fits.

``check_override`` runs the static checks (the op, the sheet, the key's form, the
column and the type of the value) before anything is applied; ``apply`` then needs
the data to tell whether a key matches a row. A key names a row by its key columns
(``key_columns``) joined by ``|``, as ``key_form`` writes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from stockpile.data.cells import cell_text, expected_text, looks_numeric, near
from stockpile.data.problems import Problem
from stockpile.data.schema import (
    KEY_SEPARATOR,
    SCENARIO_OPS,
    SETTINGS,
    SHEETS_BY_NAME,
    Column,
    Sheet,
)
from stockpile.scenarios.overrides import ASSIGN_SEPARATOR, SHEET, STAR, Override


def key_columns(sheet: Sheet) -> tuple[str, ...]:
    """The columns a Scenarios key names a row of ``sheet`` by, in order."""
    if sheet.settings:
        return ("setting",)
    return sheet.key or tuple(c.name for c in sheet.columns if c.required and not c.is_numeric)


def key_form(sheet: Sheet) -> str:
    """How a key of the sheet is written, e.g. 'source|site'."""
    return KEY_SEPARATOR.join(key_columns(sheet))


@dataclass
class Parsed:
    """An override after its static checks: what it targets, typed."""

    ov: Override
    sheet: Sheet
    column: Column | None = None
    value: Any = None
    parts: tuple[str, ...] | None = None  # None: every row
    assign: dict[str, Any] = field(default_factory=dict)


def override_problem(ov: Override, column: str, value: Any, message: str, fix: str) -> Problem:
    """A problem of ``ov``, at its Scenarios row and the column ``column``."""
    return Problem(
        f"scenario '{ov.scenario}': {message}",
        fix,
        sheet=SHEET,
        row=ov.row,
        column=column,
        value=value,
    )


def check_override(ov: Override) -> tuple[Parsed | None, list[Problem]]:
    """The static checks of one override (what it names and the type of its value)."""
    out: list[Problem] = []
    if not ov.scenario:
        out.append(override_problem(ov, "scenario", None, "the scenario name is blank", "Name it."))
    if ov.op not in SCENARIO_OPS:
        meant = near(ov.op, SCENARIO_OPS)
        out.append(
            override_problem(
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
            override_problem(
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
    parsed = Parsed(ov, sheet)
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
                override_problem(
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
                override_problem(
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
                    override_problem(
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


def _check_key_types(ov: Override, parsed: Parsed, out: list[Problem]) -> None:
    """The key parts of an add_row are the new row's key values: type them."""
    if parsed.parts is None:
        return
    for name, part in zip(key_columns(parsed.sheet), parsed.parts, strict=True):
        col = parsed.sheet.column(name)
        _, message = parse_text(col, part)
        if message:
            out.append(
                override_problem(
                    ov,
                    "key",
                    ov.key,
                    f"{name}: expected {expected_text(col)}, found '{part}'",
                    f"Write the key as {key_form(parsed.sheet)}.",
                )
            )


def _check_setting(ov: Override, parsed: Parsed, out: list[Problem]) -> None:
    if ov.op not in ("set", "scale", "add"):
        out.append(
            override_problem(
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
            override_problem(
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
            override_problem(
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
            override_problem(
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
            override_problem(
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
            override_problem(
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
            override_problem(
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
            override_problem(
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
            override_problem(
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
            override_problem(
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
        out.append(override_problem(ov, "value", None, "the value is blank", f"Enter {what}."))
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
            override_problem(
                ov,
                "value",
                raw,
                f"{col.name} must be one of {', '.join(col.choices)}",
                f"Did you mean '{meant}'?" if meant else f"Enter {expected_text(col)}.",
            )
        )
        return None
    if col.kind in ("id", "ref") and text == STAR and not col.star:
        out.append(override_problem(ov, "value", raw, '"*" is never an id', "Enter an id."))
        return None
    return text


def _number(ov: Override, raw: Any, what: str, *, whole: bool, out: list[Problem]) -> Any:
    if isinstance(raw, str):
        fix = (
            "The number is stored as text: format the value cell as Number and retype it."
            if looks_numeric(raw)
            else f"Enter {what}, without units or other text."
        )
        out.append(override_problem(ov, "value", raw, f"expected {what}, found text", fix))
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        out.append(override_problem(ov, "value", raw, f"expected {what}", f"Enter {what}."))
        return None
    if whole:
        if float(raw) != int(raw):
            out.append(
                override_problem(
                    ov, "value", raw, f"expected {what}, found {raw}", f"Enter {what}."
                )
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
                override_problem(
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
                override_problem(
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
                override_problem(
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
                override_problem(
                    ov, "value", ov.value, f"column '{name}' is given twice", "Give it once."
                )
            )
            bad = True
            continue
        col = sheet.column(name)
        typed, message = parse_text(col, val)
        if message:
            out.append(
                override_problem(
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
                override_problem(
                    ov,
                    "value",
                    ov.value,
                    "the new row lacks the required column(s) " + ", ".join(missing),
                    f"Write them in the value cell as col=val; col=val (e.g. {_example(sheet)}).",
                )
            )
    return values


def parse_text(col: Column, val: str) -> tuple[Any, str]:
    """A key part or the value of a ``col=val``, typed for ``col``: (value, '') or
    (None, 'what is wrong')."""
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
