"""The stockpile linear program of MODEL.md as a Pyomo ConcreteModel.

Index letters, used everywhere in this package: m material, s source, l site,
t year, d disruption, r rule (a Rules id).

Sets are UPPER_SNAKE plurals, parameters lower_snake with their unit, variables
CamelCase (Buy, Ship, Surplus, Stock, Unmet) and constraint families lower_snake with
the names of MODEL.md. This package never opens a file.
"""

from stockpile.model.build import build_model

__all__ = ["build_model"]
