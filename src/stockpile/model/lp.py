"""The LP as plain rows: the one representation of the model on the solve path.

Every family in ``families/`` turns the parameters into ``Row`` objects (column
numbers, coefficients, lower and upper limit); the solver hands these rows to HiGHS in
one call, and ``stockpile.model.pyomo.build_model`` makes the Pyomo constraints from
exactly the same rows, so the two can never disagree. Keeping the rows also lets a
what-if variant be compared number by number with the base and re-solved warm.

Futures (MODEL.md version 2). The plan is the base future; each disruption d is a
future that follows the plan up to start_d - 1 and has its own decisions (BuyF,
ShipF, SurplusF, StockF, ExpandF, Release, Unmet) from start_d on. A family writes its
rows once, for one ``Future`` at a time, through that future's ``Path`` of each
variable: X_d[., t] is the plan's column before start_d and the future's own after.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from stockpile.data.params import Params

Index = tuple[Any, ...]

#: The future in which no disruption happens: the plan.
BASE = "base"

#: The plan's variables and the name of their copies in a disruption's future.
FUTURE_COPY = {
    "Buy": "BuyF",
    "Ship": "ShipF",
    "Surplus": "SurplusF",
    "Stock": "StockF",
    "Expand": "ExpandF",
}


@dataclass(frozen=True)
class Future:
    """Whose decisions a family's rows constrain: the plan (``BASE``) or a disruption's
    future. ``key`` gives a row's index in the LP (a disruption's rows get d in front)."""

    name: str
    years: tuple[int, ...]  # the years with the future's own decisions (B_d; the plan: T)
    probability: float  # prob[f]
    start: int | None = None  # start_d (None: the plan)
    window: tuple[int, ...] = ()  # W_d, cut at end_year

    @property
    def is_plan(self) -> bool:
        return self.name == BASE

    @property
    def disruption(self) -> str | None:
        """The disruption whose future this is (None for the plan)."""
        return None if self.is_plan else self.name

    def key(self, index: Index) -> Index:
        return index if self.is_plan else (self.name, *index)


class Path:
    """The columns of a variable along one future: the plan's before start_d, the
    future's own from start_d on (``own`` is keyed like the plan, without d)."""

    __slots__ = ("own", "plan", "start")

    def __init__(self, plan: dict[Index, int], own: dict[Index, int], start: int | None):
        self.plan, self.own, self.start = plan, own, start

    def _side(self, key: Index) -> dict[Index, int]:
        return self.own if self.start is None or key[-1] >= self.start else self.plan

    def __getitem__(self, key: Index) -> int:
        return self._side(key)[key]

    def get(self, key: Index, default: int | None = None) -> int | None:
        return self._side(key).get(key, default)

    def __contains__(self, key: Index) -> bool:
        return key in self._side(key)

    def items(self) -> Iterator[tuple[Index, int]]:
        """The future's own columns (the plan's, for the plan)."""
        return iter(self.own.items())


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
        """Number the columns of ``name`` at ``index``; returns them keyed by index."""
        start = len(self.keys)
        cols = {idx: start + k for k, idx in enumerate(index)}
        self.keys.extend((name, idx) for idx in index)
        self.by_var.setdefault(name, {}).update(cols)
        return cols

    def __len__(self) -> int:
        return len(self.keys)


@dataclass
class Lookups:
    """Sparse adjacency of one future's own Ship variables, built once for every family."""

    ship_by_smt: dict[tuple[str, str, int], list[str]]  # (s,m,t) -> sites l
    ship_by_mlt: dict[tuple[str, str, int], list[str]]  # (m,l,t) -> sources s
    ship_by_mt: dict[tuple[str, int], list[tuple[str, str]]]  # (m,t) -> (s,l)


@dataclass
class LP:
    """The whole LP of MODEL.md in numbers."""

    params: Params
    columns: Columns
    #: the plan first, then each disruption's future
    futures: tuple[Future, ...]
    #: future -> variable -> its Path (the plan's variable names: Buy, Ship, ...)
    paths: dict[str, dict[str, Path]]
    #: future -> the adjacency of its own Ship columns
    lookups: dict[str, Lookups]
    #: family -> index -> Row, families in MODEL.md order
    families: dict[str, dict[Index, Row]] = field(default_factory=dict)
    #: objective part -> column -> coefficient in the expected cost E (resale is
    #: income: positive here, subtracted through its Part.sign)
    parts: dict[str, dict[int, float]] = field(default_factory=dict)
    #: future -> column -> coefficient of K[f], the discounted cost of the whole future
    future_cost: dict[str, dict[int, float]] = field(default_factory=dict)

    def future(self, name: str) -> Future:
        return next(f for f in self.futures if f.name == name)

    def path(self, future: Future, var: str) -> Path:
        return self.paths[future.name][var]

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

    def lower_bounds(self) -> list[float]:
        """Each column's lower bound: 0, but Eta (the CVaR's threshold) is free."""
        lower = [0.0] * len(self.columns)
        for col in self.columns.by_var.get("Eta", {}).values():
            lower[col] = -float("inf")
        return lower

    def objective_costs(self) -> list[float]:
        """Objective coefficient per column: (1 - lambda) * E + lambda * CVaR, with E
        the parts with their signs and CVaR = Eta + 1/(1 - alpha) sum_f prob[f] Z[f]."""
        from stockpile.model.objective import PART_BY_KEY

        p = self.params
        keep = 1.0 - p.risk_weight
        cost = [0.0] * len(self.columns)
        for part, coefs in self.parts.items():
            sign = keep * PART_BY_KEY[part].sign
            for col, c in coefs.items():
                cost[col] += sign * c
        if p.risk_weight > 0:
            cost[self.columns.by_var["Eta"][()]] += p.risk_weight
            for (f,), col in self.columns.by_var["Z"].items():
                prob = self.future(f).probability
                cost[col] += p.risk_weight * prob / (1.0 - p.cvar_level)
        return cost


def make_futures(p: Params) -> tuple[Future, ...]:
    """The plan and one future per disruption (MODEL.md "Futures")."""
    plan = Future(BASE, p.YEARS, p.base_probability)
    return (
        plan,
        *(
            Future(
                d,
                tuple(t for t in p.YEARS if t >= p.start_year[d]),
                p.probability[d],
                p.start_year[d],
                p.window[d],
            )
            for d in p.DISRUPTIONS
        ),
    )


def ship_lookups(ship_keys: list[Index]) -> Lookups:
    """The adjacency of the Ship columns at ``ship_keys`` (s, m, l, t)."""
    by_smt: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    by_mlt: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    by_mt: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
    for s, m, l, t in ship_keys:
        by_smt[s, m, t].append(l)
        by_mlt[m, l, t].append(s)
        by_mt[m, t].append((s, l))
    return Lookups(by_smt, by_mlt, by_mt)


def make_lookups(p: Params) -> Lookups:
    """The adjacency of the plan's Ship columns."""
    return ship_lookups(p.ship_index)


def own_index(p: Params, future: Future) -> dict[str, list[Index]]:
    """The index of each of a future's own variables, keyed like the plan's."""
    years = set(future.years)
    d = future.disruption

    def shipped(s: str, m: str, l: str, t: int) -> bool:
        # nothing reaches a site that has lost all of m during the window
        return d is None or not (t in future.window and p.avail_site(d, l, m) == 0.0)

    return {
        "Buy": [(s, t) for s in p.SOURCES for t in p.YEARS if t in years],
        "Ship": [k for k in p.ship_index if k[3] in years and shipped(*k)],
        "Surplus": [k for k in p.surplus_index if k[2] in years],
        "Stock": [k for k in p.stock_index if k[2] in years],
        "Expand": [(s, t) for s in p.expandable for t in p.YEARS if t in years],
    }


def make_columns(
    p: Params, futures: tuple[Future, ...]
) -> tuple[Columns, dict[str, dict[str, Path]], dict[str, Lookups]]:
    """Every variable of MODEL.md, sparse: the plan's, each future's own copies with
    its Release and Unmet, and Eta and Z when risk_weight > 0. Returns the columns,
    each future's paths and each future's Ship adjacency."""
    columns = Columns()
    paths: dict[str, dict[str, Path]] = {}
    lookups: dict[str, Lookups] = {}
    plan_cols: dict[str, dict[Index, int]] = {}
    for future in futures:
        index = own_index(p, future)
        own: dict[str, dict[Index, int]] = {}
        for var, keys in index.items():
            if future.is_plan:
                own[var] = columns.add(var, keys)
            else:
                cols = columns.add(FUTURE_COPY[var], [future.key(k) for k in keys])
                own[var] = {k: cols[future.key(k)] for k in keys}
        if future.is_plan:
            plan_cols = own
            paths[future.name] = {var: Path(cols, cols, None) for var, cols in own.items()}
        else:
            paths[future.name] = {
                var: Path(plan_cols[var], cols, future.start) for var, cols in own.items()
            }
            need = [(m, t) for (d, m, t) in p.need_t if d == future.name]
            columns.add(
                "Release",
                [(future.name, m, l, t) for m, t in need for l in p.open_sites(t)],
            )
            columns.add("Unmet", [(future.name, m, t) for m, t in need])
        lookups[future.name] = ship_lookups(index["Ship"])
    columns.by_var.setdefault("Release", {})
    columns.by_var.setdefault("Unmet", {})
    if p.risk_weight > 0:
        columns.add("Eta", [()])
        columns.add("Z", [(f.name,) for f in futures])
    return columns, paths, lookups
