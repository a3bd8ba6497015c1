"""Solve the futures LP by Benders decomposition over the futures (the L-shaped method).

The LP of MODEL.md is two-stage: future d is linked to the plan only through the plan's
Stock[m,l,start_d - 1] (its stock_balance at start_d) and the plan's Expand[s,tau]
for tau < start_d (its source_capacity and expansion_limit along the path). Everything
else of future d (its own columns and rows) belongs to d alone. So:

- the *master* holds the plan's columns and rows and one column theta_d per future of
  positive probability, the future's expected own cost prob[d] * sum_{t in B_d}
  delta_t C_d(t), which the master only knows through cuts;
- the *subproblem* of future d holds d's own columns and rows and, as columns fixed
  at the master's values, the plan columns its rows read (the *links*). Its value at
  the plan x is v_d(x), convex and piecewise linear in x, and the reduced costs g of
  the fixed link columns are a subgradient: v_d(y) >= v_d(x) + g (y - x) for every y.
  That is the optimality cut theta_d >= v_d(x) + g (y - x) (one per future and
  iteration: multi-cut);
- a subproblem that is infeasible at x (a coverage floor or a future's target that the
  plan's stock cannot reach) is solved again as a phase 1 (every row gets two
  artificial columns of cost 1, the own costs are 0): its value w_d(x) > 0 is the
  least violation, convex in x with subgradient h from the same reduced costs, and
  w_d(y) >= w_d(x) + h (y - x) > 0 unless w_d(x) + h (y - x) <= 0: the feasibility cut.

The master starts from lower bounds theta_d >= min_y v_d(y) (each subproblem solved
once with its links free) and one cut from each of those solves. Each iteration solves
the master (dual simplex, warm after the new cut rows), then every subproblem at its
plan (dual simplex, warm: only the link bounds change). The master's objective is a
lower bound of the LP's optimum; the plan's cost plus sum_d v_d(x) of a plan whose
futures are all feasible is an upper bound. It stops at the relative gap
``SolveOptions.gap`` (default ``DEFAULT_GAP``, 1e-6).

Duals. The master's duals give the plan rows' duals. Each cut's multiplier mu in the
final master weighs the subproblem duals it was made from: sum_k mu_k y_d^k (plus the
phase-1 duals of the feasibility cuts, which are rays of d's dual) is a dual solution
of the whole LP for d's rows, feasible, and with the plan rows' duals its objective is
the master's lower bound: the duals reported are those of the whole LP up to the gap.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import highspy
import numpy as np

from stockpile.model.families import BY_NAME
from stockpile.model.formulate import future_rows
from stockpile.model.lp import LP, Future, Index, Row
from stockpile.result import SolveResult
from stockpile.solver.highs import (
    INF,
    SolveOptions,
    model_status,
    new_highs,
    record_solution,
    row_scale,
)

#: One line per iteration at INFO (benchmarks/run.py --decompose shows them).
log = logging.getLogger(__name__)

#: Stop after this many master solves without meeting the gap.
MAX_ITERATIONS = 500
#: A dual or a cut coefficient below this (absolute) counts as 0.
TINY = 1e-12


class _TimeUp(Exception):
    """The time limit struck during a solve of the decomposition."""


class NotDecomposable(Exception):
    """The decomposition cannot answer (infeasible, unbounded, a solver failure, a
    risk term): the caller solves the whole LP directly; the message says why."""


@dataclass
class _Rows:
    """Some rows of the LP as a row-wise HiGHS matrix over local column numbers."""

    keys: list[tuple[str, Index]] = field(default_factory=list)
    starts: list[int] = field(default_factory=lambda: [0])
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    scale: list[float] = field(default_factory=list)
    #: each row's limits as the LP has them (unscaled, None = no limit)
    limits: tuple[list[float | None], list[float | None]] = field(default_factory=lambda: ([], []))

    def scale_of(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.scale)[rows]

    def freeze(self) -> None:
        """Keep the numbers as arrays (a fraction of the memory of Python lists)."""
        self.starts = np.asarray(self.starts, dtype=np.int64)
        self.index = np.asarray(self.index, dtype=np.int32)
        self.value = np.asarray(self.value, dtype=float)
        self.scale = np.asarray(self.scale, dtype=float)
        self.lower = self.upper = []  # in HiGHS now; the LP's own limits are in lp.families

    def body(self, x: np.ndarray) -> np.ndarray:
        """Each row's body at ``x`` (local columns), unscaled."""
        n = len(self.keys)
        row_of = np.repeat(np.arange(n), np.diff(self.starts))
        scaled = np.bincount(row_of, weights=self.value * x[self.index], minlength=n)
        return scaled / self.scale

    def add(self, family: str, key: Index, row: Row, local: dict[int, int]) -> None:
        f = row_scale(row.coefs)
        self.keys.append((family, key))
        self.scale.append(f)
        for c, a in zip(row.cols, row.coefs, strict=True):
            if a != 0.0:
                self.index.append(local[c])
                self.value.append(a * f)
        self.starts.append(len(self.index))
        self.limits[0].append(row.lower)
        self.limits[1].append(row.upper)
        self.lower.append(-INF if row.lower is None else row.lower * f)
        self.upper.append(INF if row.upper is None else row.upper * f)


def _highs(rows: _Rows, cost: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> highspy.Highs:
    n = len(cost)
    model = highspy.HighsLp()
    model.num_col_ = n
    model.num_row_ = len(rows.keys)
    model.sense_ = highspy.ObjSense.kMinimize
    model.col_cost_ = np.asarray(cost, dtype=float)
    model.col_lower_ = np.asarray(lower, dtype=float)
    model.col_upper_ = np.asarray(upper, dtype=float)
    model.row_lower_ = np.asarray(rows.lower, dtype=float)
    model.row_upper_ = np.asarray(rows.upper, dtype=float)
    model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    model.a_matrix_.num_col_ = n
    model.a_matrix_.num_row_ = len(rows.keys)
    model.a_matrix_.start_ = np.asarray(rows.starts, dtype=np.int32)
    model.a_matrix_.index_ = np.asarray(rows.index, dtype=np.int32)
    model.a_matrix_.value_ = np.asarray(rows.value, dtype=float)
    highs = new_highs()
    highs.passModel(model)
    highs.setOptionValue("presolve", "off")  # warm re-solves; presolve costs more here
    highs.setOptionValue("solver", "simplex")
    rows.freeze()
    return highs


@dataclass
class _Future:
    """One disruption's future as a subproblem."""

    name: str
    probability: float
    highs: highspy.Highs
    own: np.ndarray  # LP column of each own column (local 0..n_own-1)
    link: np.ndarray  # LP column of each link (local n_own..)
    link_master: np.ndarray  # master column of each link
    rows: _Rows
    theta: int | None  # master column of theta_d (None: probability 0)
    own_cost: np.ndarray  # the subproblem's cost of its own columns
    phase1: highspy.Highs | None = None
    #: per cut row of the master: the subproblem's row duals it was made from (sparse:
    #: row numbers, duals in the LP's units) and the factor that turns the cut row's
    #: dual in the master into the weight of those duals (its scale; negated for a
    #: feasibility cut, whose dual is <= 0)
    cut_duals: dict[int, tuple[np.ndarray, np.ndarray, float]] = field(default_factory=dict)

    @property
    def n_own(self) -> int:
        return len(self.own)

    def fix_links(self, x: np.ndarray | None) -> None:
        """Fix the links at the plan ``x`` (master columns), or free them (None)."""
        k = len(self.link)
        cols = np.arange(self.n_own, self.n_own + k, dtype=np.int32)
        if x is None:
            lo, up = np.zeros(k), np.full(k, INF)
        else:
            lo = up = np.maximum(x[self.link_master], 0.0)
        self.highs.changeColsBounds(k, cols, lo, up)
        if self.phase1 is not None:
            self.phase1.changeColsBounds(k, cols, lo, up)

    def make_phase1(self) -> highspy.Highs:
        """The phase-1 model: the same rows and columns at cost 0, and two artificial
        columns of cost 1 per row (+1 and -1)."""
        if self.phase1 is None:
            lp = self.highs.getLp()
            lp.col_cost_ = np.zeros(lp.num_col_)
            h = new_highs()
            h.passModel(lp)
            h.setOptionValue("presolve", "off")
            h.setOptionValue("solver", "simplex")
            r = lp.num_row_
            for sign in (1.0, -1.0):
                h.addCols(
                    r,
                    np.ones(r),
                    np.zeros(r),
                    np.full(r, INF),
                    r,
                    np.arange(r, dtype=np.int32),
                    np.arange(r, dtype=np.int32),
                    np.full(r, sign),
                )
            self.phase1 = h
        return self.phase1


@dataclass
class Stats:
    """What the decomposition did: iterations, cuts, bounds and seconds."""

    iterations: int = 0
    optimality_cuts: int = 0
    feasibility_cuts: int = 0
    lower: float = -INF
    upper: float = INF
    trace: list[tuple[int, float, float, float]] = field(default_factory=list)  # it, lb, ub, s
    master_s: float = 0.0
    sub_s: float = 0.0
    build_s: float = 0.0

    @property
    def gap(self) -> float:
        return (self.upper - self.lower) / max(1.0, abs(self.upper))

    def describe(self) -> dict[str, float | int]:
        return {
            "iterations": self.iterations,
            "optimality_cuts": self.optimality_cuts,
            "feasibility_cuts": self.feasibility_cuts,
            "lower_bound": self.lower,
            "upper_bound": self.upper,
            "gap": max(0.0, self.gap),
            "master_s": round(self.master_s, 3),
            "subproblems_s": round(self.sub_s, 3),
        }


def _owner(lp: LP) -> np.ndarray:
    """The future that owns each LP column (its index in lp.futures; 0 = the plan)."""
    number = {f.name: k for k, f in enumerate(lp.futures)}
    owner = np.zeros(len(lp.columns), dtype=np.int32)
    for k, (name, idx) in enumerate(lp.columns.keys):
        if name in ("Eta", "Z"):
            raise NotDecomposable("the risk term (risk_weight > 0) links every future")
        if name.endswith("F") or name in ("Release", "Unmet"):
            owner[k] = number[idx[0]]
    return owner


def _rows_by_future(lp: LP) -> Iterator[tuple[Future, list[tuple[str, Index, Row]]]]:
    """Each future's rows, the plan first: from ``lp.families`` when the LP holds its
    rows, else made one future at a time (``formulate(rows=False)``: the rows of a
    future are dropped once handed over)."""
    if not lp.families:
        for future in lp.futures:
            yield (
                future,
                [
                    (family, key, row)
                    for family, rows in future_rows(lp, future).items()
                    for key, row in rows.items()
                ],
            )
        return
    grouped: dict[str, list[tuple[str, Index, Row]]] = {f.name: [] for f in lp.futures}
    for family, rows in lp.families.items():
        fam = BY_NAME[family]
        for key, row in rows.items():
            grouped[fam.split(key)[0]].append((family, key, row))
    for future in lp.futures:
        yield future, grouped.pop(future.name)


class Benders:
    """The master and one subproblem per disruption's future of one LP."""

    def __init__(self, lp: LP, options: SolveOptions):
        if lp.params.risk_weight > 0:
            raise NotDecomposable("the risk term (risk_weight > 0) links every future")
        tick = time.perf_counter()
        self.lp, self.options = lp, options
        self.stats = Stats()
        owner = _owner(lp)
        cost = np.asarray(lp.objective_costs(), dtype=float)
        self.cost = cost
        self.plan_cols = np.flatnonzero(owner == 0)
        master_of = {int(c): k for k, c in enumerate(self.plan_cols)}
        self.master_of = master_of
        futures = lp.futures[1:]
        by_future = _rows_by_future(lp)
        plan_rows = _Rows()
        for family, key, row in next(by_future)[1]:
            plan_rows.add(family, key, row, master_of)
        n_plan = len(self.plan_cols)
        self.theta: dict[str, int] = {}
        for f in futures:
            if f.probability > 0:
                self.theta[f.name] = n_plan + len(self.theta)
        n_master = n_plan + len(self.theta)
        mcost = np.concatenate([cost[self.plan_cols], np.ones(len(self.theta))])
        # theta is free: the cut of the subproblem solved with its links free bounds it
        mlower = np.concatenate([np.zeros(n_plan), np.full(len(self.theta), -INF)])
        self.master = _highs(plan_rows, mcost, mlower, np.full(n_master, INF))
        self.master_rows = plan_rows
        self.n_plan = n_plan
        self.futures: list[_Future] = []
        for k, (f, own_rows) in enumerate(by_future, start=1):
            own = np.flatnonzero(owner == k)
            local = {int(c): j for j, c in enumerate(own)}
            links: list[int] = []
            for _family, _key, row in own_rows:
                for c in row.cols:
                    if c not in local:
                        local[c] = len(own) + len(links)
                        links.append(c)
            rows = _Rows()
            for family, key, row in own_rows:
                rows.add(family, key, row, local)
            del own_rows
            link = np.asarray(links, dtype=np.int64)
            n = len(own) + len(link)
            own_cost = cost[own]
            scost = np.concatenate([own_cost, np.zeros(len(link))])
            highs = _highs(rows, scost, np.zeros(n), np.full(n, INF))
            self.futures.append(
                _Future(
                    f.name,
                    f.probability,
                    highs,
                    own,
                    link,
                    np.asarray([master_of[int(c)] for c in link], dtype=np.int64),
                    rows,
                    self.theta.get(f.name),
                    own_cost,
                )
            )
        self.stats.build_s = time.perf_counter() - tick
        self.deadline = (
            None if options.time_limit is None else time.monotonic() + options.time_limit
        )

    # ------------------------------------------------------------------ solves

    def _run(self, highs: highspy.Highs, limited: bool = True) -> str:
        """One HiGHS run; raises _TimeUp when the time limit stopped it."""
        left = INF
        if limited and self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise _TimeUp
        highs.setOptionValue("time_limit", left)
        highs.run()
        status = model_status(highs)
        if status.startswith("time_limit") and left < INF:
            raise _TimeUp
        if status == "error":  # the warm dual simplex can fail; a cold start settles it
            highs.clearSolver()
            highs.run()
            status = model_status(highs)
        return status

    def _solve_sub(self, f: _Future, limited: bool = True) -> str:
        tick = time.perf_counter()
        status = self._run(f.highs, limited)
        self.stats.sub_s += time.perf_counter() - tick
        return status

    def _cut(self, f: _Future, highs: highspy.Highs, x: np.ndarray | None, feasibility: bool):
        """Add the cut of ``f`` solved in ``highs`` at ``x`` (None: links free)."""
        sol = highs.getSolution()
        value = highs.getInfo().objective_function_value
        col_dual = np.asarray(sol.col_dual)
        g = col_dual[f.n_own : f.n_own + len(f.link)]
        point = (
            np.maximum(x[f.link_master], 0.0)
            if x is not None
            else np.asarray(sol.col_value)[f.n_own : f.n_own + len(f.link)]
        )
        keep = np.abs(g) > TINY
        idx, coef = f.link_master[keep], g[keep]
        constant = value - float(coef @ point[keep])
        if feasibility:
            # w(x) + h (y - x) <= 0  <=>  h y <= -constant
            cols, vals, lo, up = idx, coef, -INF, -constant
            self.stats.feasibility_cuts += 1
        else:
            # theta >= v + g (y - x)  <=>  theta - g y >= constant
            cols = np.concatenate([[f.theta], idx])
            vals = np.concatenate([[1.0], -coef])
            lo, up = constant, INF
            self.stats.optimality_cuts += 1
        scale = row_scale(list(vals)) if len(vals) else 1.0
        self.master.addRow(lo * scale, up * scale, len(cols), cols.astype(np.int32), vals * scale)
        r = self.master.getNumRow() - 1
        duals = np.asarray(sol.row_dual)[: len(f.rows.keys)]
        nz = np.flatnonzero(np.abs(duals) > TINY)
        factor = -scale if feasibility else scale
        f.cut_duals[r] = (nz.astype(np.int32), duals[nz] * f.rows.scale_of(nz), factor)

    def _phase1(self, f: _Future, x: np.ndarray | None) -> float:
        h = f.make_phase1()
        f.fix_links(x)
        tick = time.perf_counter()
        status = self._run(h)
        self.stats.sub_s += time.perf_counter() - tick
        if status != "optimal":
            raise NotDecomposable(f"the phase 1 of future {f.name} ended {status}")
        return h.getInfo().objective_function_value

    def _relaxed_bounds(self) -> None:
        """Solve every subproblem with its links free: a lower bound of theta_d and a
        first cut; an infeasible one means the whole LP is infeasible."""
        for f in self.futures:
            f.fix_links(None)
            status = self._solve_sub(f)
            if status != "optimal":
                raise NotDecomposable(f"future {f.name} is {status} whatever the plan")
            if f.theta is not None:
                self._cut(f, f.highs, None, feasibility=False)
            log.info("future %s solved with its links free", f.name)

    def solve(self) -> Stats:
        """Iterate to the gap; raises NotDecomposable when the decomposition cannot
        answer (the caller solves directly). ``best_x`` is the plan of the upper bound
        (None: no plan had every future feasible) and ``converged`` says whether the gap
        was met (else the time limit or ``MAX_ITERATIONS`` stopped it)."""
        st = self.stats
        started = time.perf_counter()
        self.best_x: np.ndarray | None = None
        self.converged = False
        try:
            self._relaxed_bounds()
            self._iterate(started)
        except _TimeUp:
            pass
        return st

    def _iterate(self, started: float) -> None:
        st = self.stats
        while st.iterations < MAX_ITERATIONS:
            st.iterations += 1
            tick = time.perf_counter()
            status = self._run(self.master)
            st.master_s += time.perf_counter() - tick
            if status != "optimal":
                raise NotDecomposable(f"the master problem is {status}")
            x = np.asarray(self.master.getSolution().col_value)
            st.lower = max(st.lower, self.master.getInfo().objective_function_value)
            plan_cost = float(self.cost[self.plan_cols] @ x[: self.n_plan])
            total, feasible = plan_cost, True
            cuts: list[tuple[_Future, highspy.Highs, bool]] = []
            for f in self.futures:
                f.fix_links(x)
                status = self._solve_sub(f)
                if status == "infeasible":
                    feasible = False
                    if self._phase1(f, x) <= 0.0:
                        raise NotDecomposable(f"future {f.name}: infeasible, yet no violation")
                    cuts.append((f, f.make_phase1(), True))
                    continue
                if status != "optimal":
                    raise NotDecomposable(f"future {f.name} is {status}")
                value = f.highs.getInfo().objective_function_value
                total += value
                if f.theta is not None and value > x[f.theta] + 1e-9 * max(1.0, abs(value)):
                    cuts.append((f, f.highs, False))
            if feasible and total < st.upper:
                st.upper, self.best_x = total, x.copy()
            st.trace.append((st.iterations, st.lower, st.upper, time.perf_counter() - started))
            log.info(
                "iteration %d: lower %.10g, upper %.10g, gap %.2e, %d cuts, %.1f s",
                st.iterations,
                st.lower,
                st.upper,
                st.gap,
                len(cuts),
                time.perf_counter() - started,
            )
            if self.best_x is not None and st.gap <= self.options.gap:
                self.converged = True
                break  # the master's solution (its duals) stays that of the last solve
            if self.deadline is not None and time.monotonic() > self.deadline:
                break
            for f, highs, feasibility in cuts:
                self._cut(f, highs, x, feasibility)

    # ------------------------------------------------------------------ the answer

    def record(self, result: SolveResult) -> None:
        """Solve every future at the best plan and record the whole LP's solution in
        ``result``: the plan from the master, each future's own values and row bodies
        from its subproblem, the duals as the module docstring says. A future of
        probability 0 is solved for the least K[d] its plan allows (MODEL.md)."""
        lp, x_best = self.lp, self.best_x
        assert x_best is not None
        x = np.zeros(len(lp.columns))
        x[self.plan_cols] = x_best[: self.n_plan]
        keys = list(self.master_rows.keys)
        lower, upper = list(self.master_rows.limits[0]), list(self.master_rows.limits[1])
        body = [self.master_rows.body(x_best)]
        if (
            model_status(self.master) != "optimal"
            or len(self.master.getSolution().row_dual) != self.master.getNumRow()
        ):  # stopped by the time limit after adding cuts: solve the master again
            self._run(self.master, limited=False)
        master = self.master.getSolution()
        mdual = np.asarray(master.row_dual) if master.dual_valid else None
        n_plan_rows = len(self.master_rows.keys)
        duals = [] if mdual is None else [mdual[:n_plan_rows] * self.master_rows.scale]
        for f in self.futures:
            f.fix_links(x_best)
            if f.theta is None:  # probability 0: the least K[d] this plan allows
                own = lp.future_cost[f.name]
                cost = np.asarray([own.get(int(c), 0.0) for c in f.own])
                f.highs.changeColsCost(f.n_own, np.arange(f.n_own, dtype=np.int32), cost)
            status = self._solve_sub(f, limited=False)  # the answer is owed
            if status != "optimal":
                raise NotDecomposable(f"future {f.name} is {status} at the final plan")
            sol = f.highs.getSolution()
            x[f.own] = np.asarray(sol.col_value)[: f.n_own]
            keys.extend(f.rows.keys)
            lower.extend(f.rows.limits[0])
            upper.extend(f.rows.limits[1])
            body.append(np.asarray(sol.row_value) / f.rows.scale)
            f.highs = f.phase1 = None  # type: ignore[assignment]  # done: free its memory
            if mdual is not None:
                y = np.zeros(len(f.rows.keys))
                for r, (nz, dual, factor) in f.cut_duals.items():
                    weight = mdual[r] * factor
                    if weight != 0.0:
                        y[nz] += weight * dual
                duals.append(y)
        record_solution(
            lp,
            result,
            x,
            keys,
            np.concatenate(body),
            np.concatenate(duals) if mdual is not None else None,
            (lower, upper),
        )
        self.n_rows = len(keys)


def solve_decomposed(lp: LP, options: SolveOptions) -> tuple[SolveResult | None, str]:
    """Solve the LP by the decomposition. Returns the result, or None and the reason
    when the decomposition cannot answer (infeasible, unbounded, a risk term, a solver
    failure): the caller then solves the LP directly."""
    tick = time.perf_counter()
    try:
        benders = Benders(lp, options)
        handover = time.perf_counter() - tick
        tick = time.perf_counter()
        stats = benders.solve()
        solve_s = time.perf_counter() - tick
        tick = time.perf_counter()
        if benders.best_x is None:
            if benders.deadline is not None and time.monotonic() > benders.deadline:
                result = SolveResult(status="time_limit_no_solution")
                result.message = (
                    f"No feasible plan found within the time limit ({options.time_limit} s)."
                )
                result.timings = {"handover": handover, "solve": solve_s}
                result.solver = {**options.describe(), "decomposition": stats.describe()}
                return result, ""
            return None, "no plan kept every future feasible within the iteration limit"
        result = SolveResult(status="optimal" if benders.converged else "time_limit_feasible")
        benders.record(result)
    except NotDecomposable as why:
        return None, str(why)
    result.timings = {
        "handover": handover,
        "solve": solve_s,
        "extract": time.perf_counter() - tick,
    }
    result.counts = {
        "variables": len(lp.columns),
        "constraints": benders.n_rows,
    }
    result.solver = {**options.describe(), "decomposition": stats.describe()}
    result.message = (
        "Optimal plan found."
        if benders.converged
        else "Time limit reached: the plan is feasible but not proven least-cost."
    )
    return result, ""
