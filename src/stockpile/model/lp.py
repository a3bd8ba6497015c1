"""The LP as plain rows: the one representation of the model on the solve path.

Every family in ``families/`` turns the parameters into ``Row`` objects (column
numbers, coefficients, lower and upper limit); the solver hands these rows to HiGHS in
one call, and ``stockpile.model.pyomo.build_model`` makes the Pyomo constraints from
exactly the same rows, so the two can never disagree. Keeping the rows also lets a
what-if variant be compared number by number with the base and re-solved warm.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from stockpile.data.params import Params

Index = tuple[Any, ...]

#: The future in which no disruption happens: the plan.
BASE = "base"


@dataclass(frozen=True)
class Future:
    """Whose decisions a family's rows constrain: the plan (``BASE``) or, from MODEL.md
    version 2 on, a disruption's future. A family makes its rows for one future at a
    time; ``key`` gives a row's index in the LP (a disruption's rows get d in front)."""

    name: str
    years: tuple[int, ...]  # the years with the future's own decisions

    @property
    def is_plan(self) -> bool:
        return self.name == BASE

    def key(self, index: Index) -> Index:
        return index if self.is_plan else (self.name, *index)


@dataclass(slots=True)
class Row:
    """sum_k coefs[k] * x[cols[k]] within [lower, upper] (None = no limit)."""

    cols: list[int]
    coefs: list[float]
    lower: float | None
    upper: float | None


@dataclass
class Columns:
    """Every variable of the model, numbered in creation order."""

    keys: list[tuple[str, Index]] = field(default_factory=list)
    by_var: dict[str, dict[Index, int]] = field(default_factory=dict)

    def add(self, name: str, index: list[Index]) -> dict[Index, int]:
        start = len(self.keys)
        cols = {idx: start + k for k, idx in enumerate(index)}
        self.keys.extend((name, idx) for idx in index)
        self.by_var[name] = cols
        return cols

    def __len__(self) -> int:
        return len(self.keys)


@dataclass
class Lookups:
    """Sparse adjacency of the Ship variables, built once for every family."""

    ship_by_smt: dict[tuple[str, str, int], list[str]]  # (s,m,t) -> sites l
    ship_by_mlt: dict[tuple[str, str, int], list[str]]  # (m,l,t) -> sources s
    ship_by_mt: dict[tuple[str, int], list[tuple[str, str]]]  # (m,t) -> (s,l)


@dataclass
class LP:
    """The whole LP of MODEL.md in numbers."""

    params: Params
    columns: Columns
    lookups: Lookups
    #: the futures whose decisions the LP holds (the plan only, in version 1)
    futures: tuple[Future, ...] = ()
    #: family -> index -> Row, families in MODEL.md order
    families: dict[str, dict[Index, Row]] = field(default_factory=dict)
    #: objective part -> column -> coefficient (resale is income: positive here,
    #: subtracted in the objective)
    parts: dict[str, dict[int, float]] = field(default_factory=dict)

    @property
    def buy(self) -> dict[Index, int]:
        return self.columns.by_var["Buy"]

    @property
    def ship(self) -> dict[Index, int]:
        return self.columns.by_var["Ship"]

    @property
    def surplus(self) -> dict[Index, int]:
        return self.columns.by_var["Surplus"]

    @property
    def stock(self) -> dict[Index, int]:
        return self.columns.by_var["Stock"]

    @property
    def unmet(self) -> dict[Index, int]:
        return self.columns.by_var["Unmet"]

    def objective_costs(self) -> list[float]:
        """Objective coefficient per column: the parts, each with its sign."""
        from stockpile.model.objective import PART_BY_KEY

        cost = [0.0] * len(self.columns)
        for part, coefs in self.parts.items():
            sign = PART_BY_KEY[part].sign
            for col, c in coefs.items():
                cost[col] += sign * c
        return cost


def make_lookups(p: Params) -> Lookups:
    by_smt: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    by_mlt: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    by_mt: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
    for s, m, l, t in p.ship_index:
        by_smt[s, m, t].append(l)
        by_mlt[m, l, t].append(s)
        by_mt[m, t].append((s, l))
    return Lookups(by_smt, by_mlt, by_mt)


def make_columns(p: Params) -> Columns:
    """Buy, Ship, Surplus, Stock, Unmet: the variables of MODEL.md, sparse."""
    columns = Columns()
    columns.add("Buy", [(s, t) for s in p.SOURCES for t in p.YEARS])
    columns.add("Ship", p.ship_index)
    columns.add("Surplus", p.surplus_index)
    columns.add("Stock", p.stock_index)
    columns.add("Unmet", list(p.need_t))
    return columns
