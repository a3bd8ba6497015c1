"""The stockpile linear program of MODEL.md.

Index letters, used everywhere in this package: m material, s source, l site,
t year, d disruption, r rule (a Rules id).

Sets are UPPER_SNAKE plurals, parameters lower_snake with their unit, variables
CamelCase (Buy, Ship, Surplus, Stock, Unmet) and constraint families lower_snake with
the names of MODEL.md. ``formulate`` makes the LP as rows (the one representation the
solver reads); ``build_model`` makes the Pyomo model of the same rows. This package
never opens a file.
"""

from typing import Any

from stockpile.model.formulate import formulate

__all__ = ["build_model", "formulate"]


def __getattr__(name: str) -> Any:
    # Pyomo is imported only by those who build the Pyomo model, not on the default path.
    if name == "build_model":
        from stockpile.model.pyomo import build_model

        return build_model
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
