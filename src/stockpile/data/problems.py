"""Problems found in the input: what, where, and how to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem with the input, located as a planner sees it in Excel.

    ``row`` is the Excel row number (1 = header row); ``None`` where the problem is
    about a whole sheet or file. ``value`` is the offending cell value, if any.
    """

    message: str
    fix: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    severity: Severity = "error"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["value"] is not None and not isinstance(d["value"], (int, float, str, bool)):
            d["value"] = str(d["value"])
        return d

    def __str__(self) -> str:
        where = ", ".join(
            p
            for p in (
                self.sheet or "",
                f"row {self.row}" if self.row is not None else "",
                f"column {self.column}" if self.column else "",
            )
            if p
        )
        value = f" (value: {self.value!r})" if self.value is not None else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{where}: {self.message}{value}.{fix}" if where else f"{self.message}{value}.{fix}"


class InputError(Exception):
    """The input cannot be used; ``problems`` lists every problem found (errors first)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(
            f"{len(errors)} problem(s) in the input; first: {errors[0] if errors else ''}"
        )
