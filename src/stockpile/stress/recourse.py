"""A sampled disruption's future, evaluated against a fixed plan: the recourse LP.

The recourse LP of a draw is exactly the rows MODEL.md writes for future d, made by the
model's own families (``model.families``) for a ``Params`` whose one disruption is the
draw (``sample_params``): the plan's columns (X_d[., t] before start_d, and the plan's
stock at the end of start_d - 1) are fixed at the plan's solved values, so they enter as
constants; the future's own columns (from start_d on), its Release and its Unmet are
free; the objective is the future's own part of K[d]. Adding the plan's cost before
start_d gives K[d] of MODEL.md.

**When the plan cannot meet a limit of the draw's future.** A draw may be worse than
every listed disruption: the plan then cannot cover the coverage floor (family 10), or
cannot restore the stock targets by the recovery deadline (family 5: crisis prices and
the budget can make that impossible). Such a draw still gets an answer: in a recourse LP
these two limits may be missed, at a price: each tonne of need left below the floor,
and each tonne below a stock target at the end of a year, costs ``MISS_PENALTY_MULTIPLE``
times the material's shortfall penalty plus its dearest purchase price (discounted like
every cost). That is far more than covering or rebuilding costs, so a limit is missed
only where the plan leaves no other way; the outcome says what was missed
(``floor_missed_t``, ``target_missed_t``), and the cost K excludes these charges. A
draw that misses nothing is answered exactly as MODEL.md writes its future (its LP's
optimum is then that of the LP with the limits as hard rows). ``floor=False`` leaves
the coverage floor out altogether (need then is only penalised).

Two ways to solve, with the same rows and the same answers (tests hold them to it):

- ``Evaluator`` (the default) keeps one HiGHS model per start year. Its rows
  and columns are the union of those of every draw that starts in that year
  (``Template``). For a draw, its rows are made by the families, and only what differs
  from what the model holds (row limits, objective costs, a few coefficients: crisis
  prices in the budget, availabilities in source_capacity) is changed in place; rows
  the draw does not have are freed and columns it does not have are fixed at 0; HiGHS
  re-solves from the previous draw's basis. ``begin(block)`` starts a block of draws:
  each model hands its template over afresh for its first draw of the block, so a block
  gives the same numbers whichever worker solves it and whatever it solved before.
- ``Evaluator(reuse=False)`` does the same in a new HiGHS model for every draw, and
  ``solve_fresh`` builds the whole LP of the draw (``formulate``: the plan's rows and
  the future's) in a new HiGHS model: the rebuilds that the reuse saves
  (``benchmarks/stress.py`` times the three).
"""

from __future__ import annotations

import functools
import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from stockpile.data.params import Params
from stockpile.model.families import MODEL_ORDER
from stockpile.model.family import Family
from stockpile.model.formulate import formulate
from stockpile.model.lp import (
    FUTURE_COPY,
    LP,
    Columns,
    Future,
    Index,
    Path,
    Row,
    make_columns,
    make_futures,
    own_index,
    ship_lookups,
)
from stockpile.model.objective import objective_parts
from stockpile.result import UNMET_TINY
from stockpile.solver.highs import INF, handover_direct, model_status, new_highs, row_scale
from stockpile.stress.uncertainty import Draw

#: The name of the sampled future in its LP (rows and columns are keyed by it).
STRESS = "stress"
#: The plan's variables (MODEL.md "The plan"), fixed in a recourse LP.
PLAN_VARS = tuple(FUTURE_COPY)
#: Families left out of a recourse LP: the risk rows tie futures together in one
#: solve; a draw is judged by its own cost.
NOT_IN_RECOURSE = ("risk",)
FLOOR = "coverage_floor"
TARGET = "stock_target"
#: The limits a draw may miss when it cannot meet them, in the order they are settled,
#: with the sign of the miss column in the row (floor: Unmet - miss <= ...; target:
#: sum Stock + miss >= ...).
MISSABLE = {FLOOR: -1.0, TARGET: 1.0}
#: The price of a missed tonne (below the floor, below a target) as a multiple of the
#: material's shortfall penalty plus its dearest purchase price (see the module doc).
MISS_PENALTY_MULTIPLE = 10.0
#: Params methods whose answers a draw's parameters remember (pure functions of them).
MEMO = (
    "open_sites",
    "is_open",
    "avail_site",
    "avail_source",
    "avail_country",
    "source_availability",
    "price_factor",
    "targets_hold",
    "rules_hold",
    "stock_before",
)
#: HiGHS seconds allowed for one solve of a draw.
DRAW_TIME_LIMIT = 120.0
#: Statuses of an outcome that come with an answer (a cost and the unmet need).
ANSWERED = ("optimal", "limits_missed")


@dataclass
class PlanValues:
    """A solved plan: the values of its variables (Buy, Ship, Surplus, Stock, Expand)."""

    name: str  # "plan", "ignores_disruptions", "risk_weight_0.5"
    label: str  # in planner words
    values: dict[str, dict[Index, float]]
    #: the solve this plan comes from: its expected cost E and the cost K of each future
    expected_cost_usd: float | None = None
    future_cost_usd: dict[str, float] = field(default_factory=dict)


@dataclass
class Outcome:
    """One draw against one plan: the cost of the whole future and what it left unmet."""

    sample: int
    plan: str
    #: "optimal" (the future exactly as MODEL.md writes it); "limits_missed" (the plan
    #: cannot meet the coverage floor or restore the stock targets: missed as little as
    #: possible, see ``floor_missed_t`` and ``target_missed_t``); or why there is no
    #: answer ("infeasible", "error", ...)
    status: str
    cost_usd: float | None = None  # K: discounted cost of the whole future
    penalty_usd: float = 0.0  # the shortfall penalty in K (discounted)
    unmet_t: dict[str, float] = field(default_factory=dict)
    first_unmet_year: dict[str, int] = field(default_factory=dict)
    need_t: dict[str, float] = field(default_factory=dict)
    released_t: dict[str, float] = field(default_factory=dict)
    #: material -> the smallest share of a window year's need that was covered
    worst_cover: dict[str, float] = field(default_factory=dict)
    #: material -> tonnes of need left below the coverage floor (summed over the years)
    floor_missed_t: dict[str, float] = field(default_factory=dict)
    #: material -> the most tonnes by which a stock target is missed in one year
    target_missed_t: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    warm: bool = False

    @property
    def answered(self) -> bool:
        return self.status in ANSWERED


def sample_params(base: Params, d: Draw, name: str = STRESS) -> Params:
    """``base`` with the draw as its only disruption (probability 0: the plan is fixed,
    only the future's own cost K matters) and no risk term."""
    assert d.start_year is not None
    end = base.YEARS[-1]
    window = tuple(t for t in range(d.start_year, d.start_year + d.duration_years) if t <= end)
    p = replace(
        base,
        DISRUPTIONS=(name,),
        probability={name: 0.0},
        start_year={name: d.start_year},
        duration={name: d.duration_years},
        window={name: window},
        multiplier={name: d.demand_multiplier},
        price_multiplier={name: d.price_multiplier},
        impacts={name: [(m, gt, g, a, 0) for m, gt, g, a in d.impacts]},
        disruption_where={name: ("DisruptionTypes", 0)},
        risk_weight=0.0,
    )
    # The plan's sparse index sets do not depend on disruptions: keep the ones made.
    for attr in ("ship_index", "stock_index", "surplus_index", "split_index", "expandable"):
        vars(p)[attr] = getattr(base, attr)
    # The families ask these of every row; a draw's parameters never change once made,
    # so each answer is remembered on this instance (a quarter of a draw's row time).
    for method in MEMO:
        vars(p)[method] = functools.cache(getattr(p, method))
    return p


def plan_year_costs(lp: LP, values: dict[str, dict[Index, float]]) -> dict[int, float]:
    """The plan's discounted cost per year, delta_t C_base(t) (a whole future's K sums
    the years before its start)."""
    cost = lp.future_cost["base"]
    out: dict[int, float] = defaultdict(float)
    for var in PLAN_VARS:
        for key, col in lp.columns.by_var.get(var, {}).items():
            if col in cost:
                out[key[-1]] += cost[col] * values.get(var, {}).get(key, 0.0)
    return dict(out)


def families(floor: bool) -> list[Family]:
    """The families of a recourse LP, in MODEL.md order."""
    return [f for f in MODEL_ORDER if f.name not in NOT_IN_RECOURSE and (floor or f.name != FLOOR)]


def miss_price(p: Params) -> dict[str, float]:
    """The price of a missed tonne of each material [USD/t, undiscounted]:
    MISS_PENALTY_MULTIPLE x (its shortfall penalty + the dearest purchase of a tonne of
    it, at the highest escalated cost of the horizon)."""
    dearest: dict[str, float] = dict.fromkeys(p.MATERIALS, 0.0)
    for (s, m), y in p.yield_t_per_unit.items():
        top = max(p.cost_usd_per_unit[s, t] for t in p.YEARS) / y
        dearest[m] = max(dearest[m], top)
    return {m: MISS_PENALTY_MULTIPLE * (p.penalty_usd_per_t[m] + dearest[m]) for m in p.MATERIALS}


# --- the template ------------------------------------------------------------------------


class Template:
    """The rows and columns of every recourse LP of draws that start in ``start``, made
    once per dataset and start year.

    Its rows are the union of the rows the families write for two futures that start
    then: one lasting to the end of the horizon with need wherever there is demand
    (every Release and Unmet column, every window row), one lasting a year (stock
    targets and rules hold again as early as they can). A draw starting in ``start``
    has a subset of these rows and columns: its others are freed or fixed at 0.

    Each coverage_floor and stock_target row also gets a column of its own, the tonnes
    by which it is missed (see the module doc), and two more rows cap the sum of the
    missed shares of each.
    """

    def __init__(self, base: Params, start: int):
        self.base = base
        self.start = start
        years = len(base.YEARS) - base.YEARS.index(start)
        wide = sample_params(base, Draw(-1, start, years, 2.0, 1.0))
        short = sample_params(base, Draw(-1, start, 1, 1.0, 1.0))
        plan, future = make_futures(wide)
        columns, paths, lookups = make_columns(wide, (plan, future))
        lp = LP(wide, columns, (plan, future), paths, lookups)
        lp.parts, lp.future_cost = objective_parts(lp)
        self.lp = lp
        self.columns = columns
        own = paths[STRESS]
        #: the plan's columns of each variable (keyed like MODEL.md) and the future's own
        self.plan_cols = {var: columns.by_var[var] for var in PLAN_VARS}
        self.own_cols = {var: own[var].own for var in PLAN_VARS}
        # every column that is not the plan's is a HiGHS column, in LP order
        plan_set = {c for cols in self.plan_cols.values() for c in cols.values()}
        self.hcol = np.full(len(columns), -1, dtype=np.int64)
        own_order = [c for c in range(len(columns)) if c not in plan_set]
        self.hcol[own_order] = np.arange(len(own_order))
        self.col_keys: list[tuple[str, Index]] = [columns.keys[c] for c in own_order]

        rows: dict[tuple[str, Index], dict[int, float]] = {}
        short_future = make_futures(short)[1]
        short_lp = LP(short, columns, (plan, short_future), paths, lookups)
        for family in families(floor=True):
            for lp_, fut in ((lp, future), (short_lp, short_future)):
                for key, row in family.rows(lp_, fut).items():
                    entries = rows.setdefault((family.name, key), {})
                    for c, a in zip(row.cols, row.coefs, strict=True):
                        h = int(self.hcol[c])
                        if h >= 0 and a != 0.0:
                            entries.setdefault(h, a)
        #: row -> the column of its miss (tonnes); miss column -> (limit, material, year)
        self.miss: dict[int, int] = {}
        self.miss_of: dict[int, tuple[str, str, int]] = {}
        n = len(own_order)
        for r, ((family, key), entries) in enumerate(rows.items()):
            if family in MISSABLE:
                m, t = key[-2:]
                self.miss[r] = n
                self.miss_of[n] = (family, m, t)
                self.col_keys.append((f"{family}_miss", key))
                entries[n] = MISSABLE[family]
                n += 1
        self.n_cols = n
        self.row_keys = list(rows)
        self.row_of = {k: r for r, k in enumerate(self.row_keys)}
        self.scale = np.asarray([row_scale(list(e.values())) for e in rows.values()])
        #: the template's coefficients, scaled, one per (row, HiGHS column), sorted by
        #: row then column (``ent_key`` = row * n_cols + column)
        flat = sorted(
            (r * n + h, r, h, a * self.scale[r])
            for r, e in enumerate(rows.values())
            for h, a in e.items()
        )
        self.ent_key = np.asarray([k for k, *_ in flat], dtype=np.int64)
        self.ent_row = np.asarray([r for _, r, _, _ in flat], dtype=np.int64)
        self.ent_col = np.asarray([h for _, _, h, _ in flat], dtype=np.int64)
        self.ent_val = np.asarray([a for *_, a in flat], dtype=float)
        self._lookups: dict[tuple[Index, ...], Any] = {}
        price = miss_price(base)
        #: the objective cost of each miss column (discounted)
        self.miss_cost = {h: base.delta[t] * price[m] for h, (_f, m, t) in self.miss_of.items()}
        self._highs_lp: Any = None

    def highs_lp(self) -> Any:
        """The template as a HiGHS LP: every row free, every column fixed at 0."""
        if self._highs_lp is None:
            import highspy

            model = highspy.HighsLp()
            n, m = self.n_cols, len(self.row_keys)
            starts = np.searchsorted(self.ent_row, np.arange(m + 1))
            model.num_col_, model.num_row_ = n, m
            model.sense_ = highspy.ObjSense.kMinimize
            model.col_cost_ = np.zeros(n)
            model.col_lower_ = np.zeros(n)
            model.col_upper_ = np.zeros(n)
            model.row_lower_ = np.full(m, -INF)
            model.row_upper_ = np.full(m, INF)
            model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
            model.a_matrix_.num_col_ = n
            model.a_matrix_.num_row_ = m
            model.a_matrix_.start_ = starts.astype(np.int32)
            model.a_matrix_.index_ = self.ent_col.astype(np.int32)
            model.a_matrix_.value_ = self.ent_val.copy()
            self._highs_lp = model
        return self._highs_lp

    def plan_vector(self, plan: PlanValues) -> np.ndarray:
        """The plan's value of every LP column (0 for the future's own)."""
        x = np.zeros(len(self.columns))
        for var, cols in self.plan_cols.items():
            values = plan.values.get(var, {})
            for key, col in cols.items():
                x[col] = values.get(key, 0.0)
        return x

    def recourse(self, d: Draw, floor: bool) -> Recourse:
        """The draw's recourse LP: its rows made by the families, keyed like the template."""
        assert d.start_year == self.start
        p = sample_params(self.base, d)
        future = make_futures(p)[1]
        index = own_index(p, future)
        own = {var: {k: self.own_cols[var][k] for k in index[var]} for var in PLAN_VARS}
        need = [(m, t) for (_d, m, t) in p.need_t]
        by_var = dict(self.columns.by_var)
        release = self.columns.by_var["Release"]
        unmet = self.columns.by_var["Unmet"]
        by_var["Release"] = {
            (STRESS, m, l, t): release[STRESS, m, l, t] for m, t in need for l in p.open_sites(t)
        }
        by_var["Unmet"] = {(STRESS, m, t): unmet[STRESS, m, t] for m, t in need}
        columns = Columns(self.columns.keys, by_var)
        paths = {
            STRESS: {var: Path(self.plan_cols[var], own[var], future.start) for var in PLAN_VARS}
        }
        ships = tuple(index["Ship"])
        if ships not in self._lookups:  # the same for most draws: made once
            self._lookups[ships] = ship_lookups(index["Ship"])
        lp = LP(p, columns, (future,), paths, {STRESS: self._lookups[ships]})
        _parts, cost = objective_parts(lp)
        rows = {
            (family.name, key): row
            for family in families(floor)
            for key, row in family.rows(lp, future).items()
        }
        present = [c for cols in own.values() for c in cols.values()]
        present += list(by_var["Release"].values()) + list(by_var["Unmet"].values())
        return Recourse(
            p,
            future,
            rows,
            cost[STRESS],
            present,
            by_var["Unmet"],
            by_var["Release"],
            *self._flatten(rows),
        )

    def _flatten(self, rows: dict[tuple[str, Index], Row]) -> tuple[np.ndarray, ...]:
        """The rows as arrays: their template rows, lower and upper limits (NaN: none),
        and per coefficient its row, LP column and value."""
        row_of = self.row_of
        index = np.fromiter((row_of[k] for k in rows), dtype=np.int64, count=len(rows))
        values = rows.values()
        lower = np.fromiter(
            (np.nan if r.lower is None else r.lower for r in values), float, len(rows)
        )
        upper = np.fromiter(
            (np.nan if r.upper is None else r.upper for r in values), float, len(rows)
        )
        sizes = np.fromiter((len(r.cols) for r in values), dtype=np.int64, count=len(rows))
        total = int(sizes.sum())
        chain = itertools.chain.from_iterable
        cols = np.fromiter(chain(r.cols for r in values), dtype=np.int64, count=total)
        coefs = np.fromiter(chain(r.coefs for r in values), dtype=float, count=total)
        return index, lower, upper, np.repeat(index, sizes), cols, coefs


@dataclass
class Recourse:
    """One draw's recourse LP in the template's column numbers."""

    params: Params
    future: Future
    rows: dict[tuple[str, Index], Row]
    cost: dict[int, float]  # own column -> coefficient of K
    present: list[int]  # the own columns of this draw (the template's others are not)
    unmet: dict[Index, int]
    release: dict[Index, int]
    # the rows as arrays (Template._flatten)
    row_index: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    coef_row: np.ndarray
    coef_col: np.ndarray
    coef_value: np.ndarray


# --- one HiGHS model of a template -------------------------------------------------------


class _Model:
    """One HiGHS model of a template, with what it holds now (so that a draw changes
    only what differs)."""

    def __init__(self, template: Template):
        self.t = template
        self.highs = new_highs()
        self.block: Any = None  # the block of draws it last solved in
        self.reset()

    def reset(self, fresh: bool = False) -> None:
        """Hand the template over again (``fresh``: to a new HiGHS model)."""
        t = self.t
        if fresh:
            self.highs = new_highs()
        self.highs.passModel(t.highs_lp())
        self.row_lower = np.full(len(t.row_keys), -INF)
        self.row_upper = np.full(len(t.row_keys), INF)
        self.col_upper = np.zeros(t.n_cols)
        self.cost = np.zeros(t.n_cols)
        self.values = t.ent_val.copy()  # the coefficients the model holds
        self.extra: dict[tuple[int, int], float] = {}  # and any beyond the template's
        self.solved = False
        self.rows_now: list[int] = []
        self.draw_cost = np.zeros(t.n_cols)
        self.misses: list[int] = []

    def load(self, rec: Recourse, plan_x: np.ndarray) -> int:
        """Make the model hold the draw's recourse LP, its missable limits priced (see
        the module doc); returns how many numbers changed."""
        t, highs = self.t, self.highs
        n_rows, n_cols = len(t.row_keys), t.n_cols
        present = np.zeros(n_cols, dtype=bool)
        present[t.hcol[rec.present]] = True
        # the plan's columns are constants: they move to the limits
        h = t.hcol[rec.coef_col]
        fixed = h < 0
        const = np.bincount(
            rec.coef_row[fixed],
            weights=rec.coef_value[fixed] * plan_x[rec.coef_col[fixed]],
            minlength=n_rows,
        )
        own = ~fixed
        r_own, h_own = rec.coef_row[own], h[own]
        value = rec.coef_value[own] * t.scale[r_own]
        key = r_own * n_cols + h_own
        pos = np.minimum(np.searchsorted(t.ent_key, key), len(t.ent_key) - 1)
        known = t.ent_key[pos] == key
        changes = 0
        for i in np.flatnonzero(known & (self.values[pos] != value)):
            highs.changeCoeff(int(r_own[i]), int(h_own[i]), float(value[i]))
            self.values[pos[i]] = value[i]
            changes += 1
        extra = {}
        for i in np.flatnonzero(~known):  # not in the template (not expected): added
            extra[int(r_own[i]), int(h_own[i])] = float(value[i])
        for (r, c), v in {**self.extra, **extra}.items():
            v = extra.get((r, c), 0.0)
            if self.extra.get((r, c), 0.0) != v:
                highs.changeCoeff(r, c, v)
                changes += 1
        self.extra = {k: v for k, v in extra.items() if v != 0.0}
        # a template coefficient the draw's row lacks, on a column the draw has, is 0
        active = np.zeros(n_rows, dtype=bool)
        active[rec.row_index] = True
        in_draw = np.zeros(len(t.ent_key), dtype=bool)
        in_draw[pos[known]] = True
        stale = active[t.ent_row] & present[t.ent_col] & ~in_draw & (self.values != 0.0)
        for i in np.flatnonzero(stale):
            highs.changeCoeff(int(t.ent_row[i]), int(t.ent_col[i]), 0.0)
            self.values[i] = 0.0
            changes += 1
        lower = np.full(n_rows, -INF)
        upper = np.full(n_rows, INF)
        r = rec.row_index
        f = t.scale[r]
        lo = (rec.row_lower - const[r]) * f
        up = (rec.row_upper - const[r]) * f
        lower[r] = np.where(np.isnan(lo), -INF, lo)
        upper[r] = np.where(np.isnan(up), INF, up)
        self.rows_now = r.tolist()
        changes += self._rows(lower, upper)
        draw_cost = np.zeros(n_cols)
        for c, a in rec.cost.items():
            draw_cost[t.hcol[c]] = a
        self.draw_cost = draw_cost
        self.misses = [t.miss[r] for r in self.rows_now if r in t.miss]
        present[self.misses] = True
        cost = draw_cost.copy()
        for m in self.misses:
            cost[m] = t.miss_cost[m]
        changes += self._cols(np.where(present, INF, 0.0), cost)
        return changes

    def _rows(self, lower: np.ndarray, upper: np.ndarray) -> int:
        diff = np.flatnonzero((lower != self.row_lower) | (upper != self.row_upper))
        if len(diff):
            self.highs.changeRowsBounds(len(diff), diff.astype(np.int32), lower[diff], upper[diff])
            self.row_lower, self.row_upper = lower, upper
        return len(diff)

    def _cols(self, col_upper: np.ndarray, cost: np.ndarray) -> int:
        diff = np.flatnonzero(col_upper != self.col_upper)
        if len(diff):
            self.highs.changeColsBounds(
                len(diff), diff.astype(np.int32), np.zeros(len(diff)), col_upper[diff]
            )
            self.col_upper = col_upper
        cdiff = np.flatnonzero(cost != self.cost)
        if len(cdiff):
            self.highs.changeColsCost(len(cdiff), cdiff.astype(np.int32), cost[cdiff])
            self.cost = cost
        return len(diff) + len(cdiff)

    def run(self) -> str:
        """Solve what the model holds; 'optimal' or why not (a dual simplex that errs is
        repeated with the interior point method, as ``solver.highs.run`` does)."""
        highs = self.highs
        highs.setOptionValue("time_limit", highs.getRunTime() + DRAW_TIME_LIMIT)
        highs.run()
        status = model_status(highs)
        if status == "error":
            highs.setOptionValue("solver", "ipm")
            highs.setOptionValue("run_crossover", "on")
            highs.run()
            status = model_status(highs)
            highs.setOptionValue("solver", "choose")
        if status == "unbounded_or_infeasible":
            status = "infeasible"
        self.solved = status == "optimal"
        return status

    def solution(self) -> np.ndarray:
        return np.asarray(self.highs.getSolution().col_value)


class Evaluator:
    """Evaluates draws against one or more fixed plans (see the module doc).

    One HiGHS model per start year, made when first needed, for every plan: a draw is
    solved for each plan in turn, and between two plans only the plan's constants (row
    limits) change, so the second re-solves from the first's basis in a few iterations.
    ``begin(block)`` starts a block of draws: each model hands its template over afresh
    for its first draw of the block. ``reuse=False`` hands the template to a new HiGHS
    model for every draw and plan instead. Not thread-safe: one per process.
    """

    def __init__(
        self, base: Params, plans: list[PlanValues], floor: bool = True, reuse: bool = True
    ):
        self.base = base
        self.floor = floor
        self.reuse = reuse
        self.plans = {pl.name: pl for pl in plans}
        self.templates: dict[int, Template] = {}
        self.models: dict[int, _Model] = {}
        self.plan_x: dict[tuple[str, int], np.ndarray] = {}
        first = self.template(base.YEARS[0])
        self.year_cost = {pl.name: plan_year_costs(first.lp, pl.values) for pl in plans}
        self.block: Any = None

    def template(self, start: int) -> Template:
        if start not in self.templates:
            self.templates[start] = Template(self.base, start)
        return self.templates[start]

    def begin(self, block: Any) -> None:
        """Start a block of draws (``block``: an id no earlier block had, e.g. a new
        ``object()``)."""
        self.block = block

    def base_cost(self, plan: str) -> float:
        """K[base] of the plan: the cost of the whole horizon without disruption."""
        return sum(self.year_cost[plan].values())

    def _model(self, start: int) -> _Model:
        template = self.template(start)
        if start not in self.models:
            self.models[start] = _Model(template)
        model = self.models[start]
        if not self.reuse:
            model.reset(fresh=True)
        elif model.block != self.block:
            model.reset()
        model.block = self.block
        return model

    def _plan_x(self, plan: str, start: int) -> np.ndarray:
        if (plan, start) not in self.plan_x:
            self.plan_x[plan, start] = self.template(start).plan_vector(self.plans[plan])
        return self.plan_x[plan, start]

    def evaluate(self, d: Draw, plans: list[str] | None = None) -> list[Outcome]:
        """The draw against each plan (all by default)."""
        names = plans or list(self.plans)
        if not d.disrupted:
            return [Outcome(d.sample, n, "optimal", self.base_cost(n)) for n in names]
        assert d.start_year is not None
        tick = time.perf_counter()
        rec = self.template(d.start_year).recourse(d, self.floor)
        build = time.perf_counter() - tick
        out = []
        for name in names:
            tick = time.perf_counter()
            model = self._model(d.start_year)
            warm = model.solved
            x_plan = self._plan_x(name, d.start_year)
            model.load(rec, x_plan)
            status = model.run()
            if status != "optimal" and warm:
                model.reset()  # a warm start that went astray: from scratch, once
                model.load(rec, x_plan)
                status = model.run()
                warm = False
            o = self._outcome(d, name, rec, model, status)
            o.seconds = build / len(names) + time.perf_counter() - tick
            o.warm = warm
            out.append(o)
        return out

    def _outcome(self, d: Draw, plan: str, rec: Recourse, model: _Model, status: str) -> Outcome:
        o = Outcome(d.sample, plan, status)
        p = rec.params
        for (_d, m, _t), need in p.need_t.items():
            o.need_t[m] = o.need_t.get(m, 0.0) + need
        if status != "optimal":
            return o
        x = model.solution()
        t = model.t
        hcol = t.hcol
        start = rec.future.start
        assert start is not None
        before = sum(v for y, v in self.year_cost[plan].items() if y < start)
        o.cost_usd = before + float(x @ model.draw_cost)
        unmet_by_mt = {(m, y): float(x[hcol[c]]) for (_d, m, y), c in rec.unmet.items()}
        fill_outcome(o, p, unmet_by_mt, {k: float(x[hcol[c]]) for k, c in rec.release.items()})
        missed = False
        for h in model.misses:
            limit, m, _y = t.miss_of[h]
            if x[h] <= UNMET_TINY:
                continue
            missed = True
            if limit == FLOOR:
                o.floor_missed_t[m] = o.floor_missed_t.get(m, 0.0) + float(x[h])
            else:
                o.target_missed_t[m] = max(o.target_missed_t.get(m, 0.0), float(x[h]))
        if missed:
            o.status = "limits_missed"
        return o


def fill_outcome(
    o: Outcome,
    p: Params,
    unmet_by_mt: dict[tuple[str, int], float],
    release: dict[Index, float],
) -> None:
    """Unmet need, its first year, the penalty, releases and the worst covered share."""
    for (m, t), v in unmet_by_mt.items():
        need = p.need_t.get((STRESS, m, t), 0.0)
        share = 1.0 - v / need if need > 0 else 1.0
        o.worst_cover[m] = min(o.worst_cover.get(m, 1.0), share)
        if v > UNMET_TINY:
            o.unmet_t[m] = o.unmet_t.get(m, 0.0) + v
            o.first_unmet_year[m] = min(o.first_unmet_year.get(m, t), t)
            o.penalty_usd += p.delta[t] * p.penalty_usd_per_t[m] * v
    for (_d, m, _l, _t), v in release.items():
        if v > UNMET_TINY:
            o.released_t[m] = o.released_t.get(m, 0.0) + v


# --- the rebuild, for comparison -----------------------------------------------------------


def solve_fresh(base: Params, plan: PlanValues, d: Draw, floor: bool = True) -> Outcome:
    """The draw against the plan the slow way, exactly as MODEL.md writes it (no limit
    is missed: a draw that needs a miss is 'infeasible' here): the whole LP of the draw
    (``formulate``: the plan's rows and the future's), the plan's columns fixed, the
    future's own cost K minimised, in a new HiGHS model."""
    tick = time.perf_counter()
    if not d.disrupted:
        year_cost = plan_year_costs(Template(base, base.YEARS[0]).lp, plan.values)
        return Outcome(d.sample, plan.name, "optimal", sum(year_cost.values()))
    p = sample_params(base, d)
    lp = formulate(p)
    if not floor:
        lp.families[FLOOR] = {}
    lp.families.pop("risk", None)
    ho = handover_direct(lp)
    n = len(lp.columns)
    lower = np.zeros(n)
    upper = np.full(n, INF)
    for var in PLAN_VARS:
        values = plan.values.get(var, {})
        for key, c in lp.columns.by_var.get(var, {}).items():
            lower[c] = upper[c] = values.get(key, 0.0)
    cost = np.zeros(n)
    for c, a in lp.future_cost[STRESS].items():
        cost[c] = a
    cols = np.arange(n, dtype=np.int32)
    ho.highs.changeColsBounds(n, cols, lower, upper)
    ho.highs.changeColsCost(n, cols, cost)
    ho.highs.run()
    status = model_status(ho.highs)
    o = Outcome(d.sample, plan.name, status)
    for (_d, m, _t), need in p.need_t.items():
        o.need_t[m] = o.need_t.get(m, 0.0) + need
    if status == "optimal":
        x = np.asarray(ho.highs.getSolution().col_value)
        o.cost_usd = float(x @ cost)
        unmet = {(m, t): float(x[c]) for (_d, m, t), c in lp.columns.by_var["Unmet"].items()}
        release = {k: float(x[c]) for k, c in lp.columns.by_var["Release"].items()}
        fill_outcome(o, p, unmet, release)
    o.seconds = time.perf_counter() - tick
    return o
