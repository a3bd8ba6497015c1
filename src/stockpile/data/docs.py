"""Column documentation in words, generated from the data dictionary.

The same sentences feed the template's header comments and README sheet and the
README's workbook section (``workbook_markdown``). Run ``python -m stockpile.data.docs``
to print that section; README.md carries it between ``<!-- workbook:start -->`` and
``<!-- workbook:end -->``.
"""

from __future__ import annotations

from stockpile.data.schema import SCENARIOS, SHEETS, Column, Sheet

_KIND_WORDS = {
    "id": "id (text)",
    "text": "text",
    "enum": "choice",
    "number": "number",
    "year": "year",
    "int": "whole number",
}


def type_text(col: Column) -> str:
    """What kind of value goes in the column, in words."""
    if col.kind == "ref":
        return f"{col.ref} id"
    return _KIND_WORDS[col.kind]


def default_text(col: Column) -> str:
    """'required', or what a blank cell means."""
    if col.required:
        return "required"
    return col.default_text or "blank"


def allowed_text(col: Column) -> str:
    """The allowed values or range in words ('' when anything of the right type goes)."""
    if col.kind == "enum":
        return "one of " + ", ".join(col.choices)
    if col.kind == "ref":
        return f"a {col.ref} id" + (", or * for all" if col.star else "")
    if col.kind == "id":
        return "unique in the sheet, not *"
    if col.kind == "year":
        return "a whole year"
    rng = col.range_text
    if col.kind == "int":
        return f"a whole number {rng}".strip()
    return rng


def sheet_rows_text(sheet: Sheet) -> str:
    """What one row of the sheet is, in words."""
    if sheet.settings:
        return "one setting"
    if not sheet.key:
        if sheet.records != "records":
            return f"one {sheet.records} (in order)"
        return "one record (repeats allowed)"
    return "one " + " + ".join(sheet.key)


def column_note(col: Column) -> str:
    """The header comment of a column: description, unit, default, allowed values."""
    lines = [col.description]
    if col.unit:
        lines.append(f"Unit: {col.unit}")
    if col.required:
        lines.append("Required: fill on every row.")
    else:
        lines.append(f"Optional: a blank cell means {default_text(col)}.")
    allowed = allowed_text(col)
    if allowed:
        lines.append(f"Allowed: {allowed}.")
    return "\n".join(lines)


def _md(text: str) -> str:
    """Escape text for a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*")


def _code(text: str) -> str:
    return f"`{text}`" if text else ""


def _allowed_md(col: Column) -> str:
    if col.kind == "enum":
        return "one of " + ", ".join(_code(c) for c in col.choices)
    if col.kind == "ref" and col.star:
        return f"a {col.ref} id, or `*` for all"
    return _md(allowed_text(col))


def _sheet_md(sheet: Sheet) -> list[str]:
    need = "required" if sheet.required else "optional"
    out = [f"### {sheet.name} ({need})", "", _md(sheet.description), ""]
    if sheet.settings:
        out += [
            "Two columns, `setting` | `value`, one row per setting:",
            "",
            "| setting | type | unit | default | allowed | description |",
            "|---|---|---|---|---|---|",
        ]
    else:
        if sheet.key:
            keys = " + ".join(_code(k) for k in sheet.key)
            out += [f"One row per {keys}: each appears at most once.", ""]
        out += [
            "| column | type | unit | default | allowed | description |",
            "|---|---|---|---|---|---|",
        ]
    for col in sheet.columns:
        cells = (
            _code(col.name),
            _md(type_text(col)),
            _md(col.unit),
            _md(default_text(col)),
            _allowed_md(col),
            _md(col.description),
        )
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    return out


def workbook_markdown() -> str:
    """The README's workbook section, generated from ``schema.SHEETS``."""
    out = [
        "## The input workbook",
        "",
        "One .xlsx file; `stockpile template PATH` writes an empty one with dropdowns "
        "and the notes below as header comments. Sheet names and column headers are "
        "case-sensitive; columns may come in any order; extra columns are ignored with "
        "a warning. Header in row 1, one record per row, blank rows ignored. Optional "
        "sheets may be absent or empty; a blank optional cell takes the default shown.",
        "",
        "Ids are case-sensitive text with surrounding spaces trimmed; a number in an id "
        'cell reads as text without a trailing ".0"; `*` is never an id. Money is USD, '
        "mass is tonnes (t), space is m3; shares, availabilities, probabilities and "
        "coverages are fractions from 0 to 1.",
        "",
        "| sheet | required | one row per | holds |",
        "|---|---|---|---|",
    ]
    for sheet in (*SHEETS, SCENARIOS):
        need = "required" if sheet.required else "optional"
        out.append(
            f"| [{sheet.name}](#{sheet.name.lower()}-{need}) | {need} | "
            f"{_md(sheet_rows_text(sheet))} | {_md(sheet.description)} |"
        )
    out.append("")
    for sheet in (*SHEETS, SCENARIOS):
        out += _sheet_md(sheet)
    return "\n".join(out).rstrip("\n") + "\n"


if __name__ == "__main__":
    print(workbook_markdown(), end="")
