"""Problems as a terminal table or as JSON, for ``stockpile validate`` and ``solve``.

Only presentation lives here; what a problem says is decided by the reader and
``validate``. Cell values come from planners' workbooks, so they are shown as plain
text, never interpreted as rich markup.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from rich.table import Table
from rich.text import Text

from stockpile.data.problems import Problem
from stockpile.text import printable

_STYLE = {"error": "bold red", "warning": "yellow"}


def problems_table(problems: Iterable[Problem], title: str | None = None) -> Table:
    """One row per problem: severity, where (sheet, row, column), value, what, fix."""
    problems = list(problems)
    if title is None:
        title = problems_summary(problems)
    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("", no_wrap=True)
    table.add_column("Sheet", no_wrap=True)
    table.add_column("Row", justify="right", no_wrap=True)
    table.add_column("Column", no_wrap=True)
    table.add_column("Value", overflow="fold", max_width=24)
    table.add_column("Problem", overflow="fold", ratio=3)
    table.add_column("Fix", overflow="fold", ratio=2)
    for p in problems:
        table.add_row(
            Text(p.severity, style=_STYLE.get(p.severity, "")),
            Text(printable(p.sheet or "")),
            Text("" if p.row is None else str(p.row)),
            Text(printable(p.column or "")),
            Text(printable(_show(p.value))),
            Text(printable(p.message)),
            Text(printable(p.fix)),
        )
    return table


def problems_json(problems: Iterable[Problem]) -> list[dict[str, Any]]:
    """Each problem as a JSON-ready dict: message, fix, sheet, row, column, value,
    severity (values that JSON cannot hold, such as dates, become text)."""
    return [p.to_dict() for p in problems]


def problems_summary(problems: Iterable[Problem]) -> str:
    """'2 errors, 1 warning' (or 'no problems')."""
    problems = list(problems)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    parts = [
        f"{n} {word}{'' if n == 1 else 's'}"
        for n, word in ((errors, "error"), (warnings, "warning"))
        if n
    ]
    return ", ".join(parts) or "no problems"


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, float) and abs(value) >= 1e15:
        return f"{value:.6g}"  # 1e+308, not 309 digits
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and value != value.strip():
        return repr(value)  # make stray spaces visible
    return str(value)
