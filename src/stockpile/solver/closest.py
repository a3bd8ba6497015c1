"""The closest plan: when the requirements cannot all be met, the full plan that moves
the planner's limits by the least weighted amount (and, among those, costs least).

A copy of the infeasible LP gets slack columns, in a new HiGHS model:

- one per workbook value, shared by every row that value limits in the plan and in
  every future, so that each move is a change of one input cell: a Targets value
  (stock_target[m,t]), a Budget value (budget[t]), a Materials min_coverage
  (coverage_floor[d,m,t] for every d and t: the slack is a share, times the need of
  each row), a Sites capacity_m3 (site_capacity[l,t] for every t);
- one per row of a share rule (sourcing_rule, site_dispersion), in tonnes: moving the
  share itself would multiply two variables. Each (rule, material) is reported as the
  share the closest plan reaches at its worst row, the share that makes it feasible.

Every slack column is in relative units: one unit moves its limit by ``scale`` (the
limit's own size, with a floor) and weighs 1, so the closest plan misses every
requirement by the least total share of that requirement's own size (1 % of a 5,000 t
target weighs like 1 % of a 1 bn USD budget). Stage 1 minimises the weighted
violation v*; stage 2 keeps it within v* (else, if that proves numerically infeasible,
within v* (1 + 1e-7) + 1e-9) and minimises the model's objective. Physical facts
(source capacities, expansion limits, balances, output splits, disruption cover) are
never relaxed: with every requirement above relaxable, buying nothing is always
possible.

The plan is read back with ``highs.read_solution`` through a ``Handover`` whose columns
and rows are those of the original LP: the slack columns and the stage-2 row lie beyond
them and never reach ``result.values`` or ``result.rows``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from stockpile.data.params import Params
from stockpile.model.families import BY_NAME, FAMILIES
from stockpile.model.family import first, fmt
from stockpile.model.lp import Index
from stockpile.result import Relaxation, SolveResult
from stockpile.solver.highs import (
    INF,
    Handover,
    Ran,
    SolveOptions,
    new_highs,
    read_solution,
    resolve_stress_tests,
    run,
)

#: A move smaller than this share of its limit's size (its weighted amount) is round-off.
TOL = 1e-7
#: Stage 2 keeps the weighted violation within v*; if HiGHS finds that infeasible (v*
#: is itself a solver's number), within v* (1 + STAGE2_REL) + STAGE2_ABS. Not the
#: allowance at once: the cost falls as the violation grows, so stage 2 would use all of
#: it, and every move would come out 1e-7 of itself larger than needed (a 30 t miss as
#: 30.000003 t) and a limit that need not move could take a share of it.
STAGE2_REL = 1e-7
STAGE2_ABS = 1e-9
#: Floors of the scales (the weights are their inverses): 1 t, 1 USD, 1 m3, a share of 0.01.
FLOOR_T = 1.0
FLOOR_USD = 1.0
FLOOR_M3 = 1.0
FLOOR_SHARE = 0.01

#: The families the closest plan relaxes (one slack per workbook value, or per row).
SHARED = ("stock_target", "budget", "coverage_floor", "site_capacity")
PER_ROW = ("sourcing_rule", "site_dispersion")
#: The families it never relaxes, and why.
FIXED: dict[str, str] = {
    "source_capacity": "a physical fact: a plan that buys more than a source produces is no plan",
    "expansion_limit": "a physical fact: the most capacity that can be built",
    "stock_balance": "an accounting identity",
    "output_split": "an accounting identity (co-products come together)",
    "disruption_cover": "an accounting identity: its slack is the unmet need itself",
    "risk": "a definition (the CVaR's excess cost), not a limit",
}


@dataclass(frozen=True)
class Slack:
    """One slack column: the limit it moves (``family``, ``key``: the workbook value's
    index, or for a share rule the whole row key), the size of one unit of the column
    in the limit's unit (``scale``; the column weighs 1 per unit) and its upper bound
    (in column units)."""

    family: str
    key: Index
    scale: float
    upper: float


#: (params, typical tonnage per material, future, index within the future, row key,
#: whether the row has an upper limit) -> the slack's key, scale and upper bound and the
#: coefficient of one unit of it in this row (before the row's scaling); None: no slack
Cell = tuple[Index, float, float, float] | None
CellOf = Callable[[Params, dict[str, float], str, Index, Index, bool], Cell]


def _stock_target(
    p: Params, _typ: dict[str, float], _f: str, index: Index, _key: Index, _upper: bool
) -> Cell:
    target = p.target_t[index]
    scale = max(abs(target), FLOOR_T)
    return index, scale, target / scale, scale  # Stock + slack >= target


def _budget(
    p: Params, _typ: dict[str, float], _f: str, index: Index, _key: Index, _upper: bool
) -> Cell:
    scale = max(abs(p.budget_usd[index[0]]), FLOOR_USD)
    return index, scale, INF, -scale  # spend - slack <= budget


def _coverage_floor(
    p: Params, _typ: dict[str, float], f: str, index: Index, _key: Index, _upper: bool
) -> Cell:
    m, t = index
    cov = p.min_coverage[m]
    if cov <= 0:
        return None  # Unmet <= need always holds
    scale = max(cov, FLOOR_SHARE)
    # Unmet - delta * need <= (1 - cov) * need, delta in shares, delta <= cov
    return (m,), scale, cov / scale, -scale * p.need_t[f, m, t]


def _site_capacity(
    p: Params, _typ: dict[str, float], _f: str, index: Index, _key: Index, _upper: bool
) -> Cell:
    l = index[0]
    scale = max(abs(p.capacity_m3[l]), FLOOR_M3)
    return (l,), scale, INF, -scale  # space - slack <= capacity


def _rule_row(
    _p: Params, typ: dict[str, float], _f: str, index: Index, key: Index, upper: bool
) -> Cell:
    scale = typ[index[1]]
    # max_share: del_G - share del - slack <= 0; min_share: del_G - share del + slack >= 0
    return key, scale, INF, -scale if upper else scale


CELLS: dict[str, CellOf] = {
    "stock_target": _stock_target,
    "budget": _budget,
    "coverage_floor": _coverage_floor,
    "site_capacity": _site_capacity,
    "sourcing_rule": _rule_row,
    "site_dispersion": _rule_row,
}


def typical_t(p: Params) -> dict[str, float]:
    """A typical tonnage per material (its largest target, demand or need, at least
    1 t): a rule row's slack weighs 1 / this per tonne."""
    typ = {m: FLOOR_T for m in p.MATERIALS}
    for (m, _t), v in p.target_t.items():
        typ[m] = max(typ[m], v)
    for (m, _t), v in p.demand_t.items():
        typ[m] = max(typ[m], v)
    for (_d, m, _t), v in p.need_t.items():
        typ[m] = max(typ[m], v)
    return typ


def slack_columns(ho: Handover) -> tuple[list[Slack], list[list[tuple[int, float]]]]:
    """The slack columns of the closest plan's LP and, per column, its (HiGHS row,
    unscaled coefficient) entries."""
    p = ho.lp.params
    typ = typical_t(p)
    slacks: list[Slack] = []
    entries: list[list[tuple[int, float]]] = []
    column: dict[tuple[str, Index], int] = {}
    for r, (family, key) in enumerate(ho.row_keys):
        cell_of = CELLS.get(family)
        if cell_of is None:
            continue
        future, index = BY_NAME[family].split(key)
        row = ho.lp.families[family][key]
        cell = cell_of(p, typ, future, index, key, row.upper is not None)
        if cell is None:
            continue
        slack_key, scale, upper, coef = cell
        k = column.get((family, slack_key))
        if k is None:
            k = column[family, slack_key] = len(slacks)
            slacks.append(Slack(family, slack_key, scale, upper))
            entries.append([])
        entries[k].append((r, coef))
    return slacks, entries


class Relaxed:
    """The infeasible LP with its slack columns, in a new HiGHS model (columns 0..n-1 and
    the rows as handed over, then the k slack columns, then the stage-2 row)."""

    def __init__(self, ho: Handover):
        self.ho = ho
        lp = ho.highs.getLp()
        self.n = lp.num_col_
        self.cost = np.asarray(lp.col_cost_, dtype=float).copy()
        lp.col_cost_ = np.zeros(self.n)
        self.highs = new_highs()
        self.highs.passModel(lp)
        self.slacks, self.entries = slack_columns(ho)
        self.k = len(self.slacks)
        starts, index, value = [], [], []
        for col in self.entries:
            starts.append(len(index))
            for r, coef in col:
                index.append(r)
                value.append(coef * ho.row_scale[r])
        self.highs.addCols(
            self.k,
            np.ones(self.k),
            np.zeros(self.k),
            np.asarray([s.upper for s in self.slacks], dtype=float),
            len(index),
            np.asarray(starts, dtype=np.int32),
            np.asarray(index, dtype=np.int32),
            np.asarray(value, dtype=float),
        )
        self.cols = np.arange(self.n, self.n + self.k, dtype=np.int32)
        self.cap_row: int | None = None
        #: the Handover of the original LP's columns and rows in this model
        self.view = Handover(self.highs, ho.lp, ho.row_keys, ho.col_of, ho.row_scale)
        #: HiGHS rows whose coefficients a moved rule share changed
        self.reshared: set[int] = set()

    def solve(self, options: SolveOptions) -> tuple[str, str]:
        """Stage 1 (least weighted violation), then stage 2 (least cost within it).
        Returns the status ("optimal", or which stage ended how) and the runs' logs."""
        highs, n, k = self.highs, self.n, self.k
        violation, first_run = self.least_violation(options)
        if violation is None:
            return f"its first stage ended {first_run.status}", first_run.log
        highs.changeColsCost(n, np.arange(n, dtype=np.int32), self.cost)
        highs.changeColsCost(k, self.cols, np.zeros(k))
        logs = [first_run.log]
        for cap in (violation, violation * (1 + STAGE2_REL) + STAGE2_ABS):
            if self.cap_row is None:
                self.cap_row = highs.getNumRow()
                highs.addRow(-INF, cap, k, self.cols, np.ones(k))
            else:
                highs.changeRowBounds(self.cap_row, -INF, cap)
            # From scratch, with presolve: from the first stage's basis the simplex takes
            # far longer (measured on the default dataset's infeasible scenarios: 7 s
            # against 0.5 s).
            highs.clearSolver()
            second = run(self.view, options)
            logs.append(second.log)
            if second.status != "infeasible":
                break
        log = "; ".join(x for x in logs if x)
        if second.status != "optimal":
            return f"its second stage ended {second.status}", log
        return "optimal", log

    def least_violation(self, options: SolveOptions) -> tuple[float | None, Ran]:
        """Stage 1 alone: the least total weighted move that makes the LP feasible (0
        when it is feasible as it is; None when HiGHS did not settle it). This LP is
        always feasible, so it also proves infeasibility where HiGHS struggles to prove
        it on the LP itself (a positive least move)."""
        highs, n, k = self.highs, self.n, self.k
        highs.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
        highs.changeColsCost(k, self.cols, np.ones(k))
        if self.cap_row is not None:
            highs.changeRowBounds(self.cap_row, -INF, INF)
        highs.clearSolver()
        first_run = run(self.view, options)
        if first_run.status != "optimal":
            return None, first_run
        return float(highs.getInfo().objective_function_value), first_run

    def amounts(self) -> np.ndarray:
        """Each slack column's value (its weighted amount; times its scale: the move)."""
        return np.asarray(self.highs.getSolution().col_value)[self.n : self.n + self.k]

    def plan(self) -> list[float]:
        """The value of every LP column (``ho.lp``'s numbering)."""
        col_value = np.asarray(self.highs.getSolution().col_value)
        return [col_value[c] if c >= 0 else 0.0 for c in self.ho.col_of]

    def move_rules(self, shares: dict[tuple[str, str, str], float]) -> None:
        """Write each (family, rule, material) of ``shares`` into its rows at its new
        share (the rows' slacks stay: a row may still move past it, at its weight)."""
        highs, lp = self.highs, self.ho.lp
        p = lp.params
        for r, (family, key) in enumerate(self.ho.row_keys):
            if family not in PER_ROW:
                continue
            _future, index = BY_NAME[family].split(key)
            new = shares.get((family, index[0], index[1]))
            if new is None:
                continue
            shift = new - first(p.inputs.rules, rule=index[0]).share
            row, f = lp.families[family][key], self.ho.row_scale[r]
            for c, a in zip(row.cols, row.coefs, strict=True):
                if self.ho.col_of[c] >= 0:
                    highs.changeCoeff(r, self.ho.col_of[c], (a - shift) * f)
            self.reshared.add(r)

    def fix_slacks(self) -> None:
        """Fix every slack at its value (a later solve keeps the limits as moved)."""
        amounts = self.amounts()
        self.highs.changeColsBounds(self.k, self.cols, amounts, amounts)


def find_closest(ho: Handover, options: SolveOptions, result: SolveResult) -> str:
    """Solve the closest plan of the infeasible model handed over in ``ho`` and put it
    in ``result`` (values, rows, parts, futures, objective, relaxations). The status
    stays "infeasible". Returns a log line ("" when it worked).

    When share rules had to move, a second pass writes each moved rule's share, the
    worst share the plan reached, into all of its rows and finds the closest plan
    again: a share applies to every row of its rule, so the other limits may need to
    move less than with slacks per row (on the default dataset's ``no_recycling``, the
    first pass exceeds a budget that the moved rule shares make unnecessary). The
    first pass's plan is a plan of the second, which therefore moves no more.
    """
    tick = time.perf_counter()
    options = replace(options, write_lp=None)
    relaxed = Relaxed(ho)
    if relaxed.k == 0:
        return "no requirement could be moved to find the closest plan"
    status, log = relaxed.solve(options)
    logs = [log]
    if status == "optimal":
        shares = rule_shares(ho, relaxed.slacks, relaxed.amounts(), relaxed.plan())
        if shares:
            relaxed.move_rules(shares)
            status, log = relaxed.solve(options)
            logs.append(log)
    if status != "optimal":
        why = "; ".join(x for x in (status, *logs) if x)
        return f"the closest plan could not be found ({why})"

    amounts = relaxed.amounts()
    read_solution(relaxed.view, result)
    # The rows' bodies hold only the model's own terms: no slacks, the shares as written.
    x = relaxed.plan()
    lp = ho.lp
    touched = {r for col in relaxed.entries for r, _ in col} | relaxed.reshared
    for r in touched:
        family, key = ho.row_keys[r]
        row = lp.families[family][key]
        body = sum(a * x[c] for c, a in zip(row.cols, row.coefs, strict=True))
        result.rows[family][key] = replace(result.rows[family][key], body=body)
    # A future of probability 0 at the least cost the closest plan allows, with the
    # limits as moved.
    relaxed.fix_slacks()
    stress_log = resolve_stress_tests(relaxed.view, result)
    x = [result.values[name][idx] for name, idx in lp.columns.keys]
    result.relaxations = relaxations(ho, relaxed.slacks, amounts, x)
    result.timings["closest"] = time.perf_counter() - tick
    solver_log = "; ".join(x for x in logs if x)
    return "; ".join(
        x for x in (f"closest plan: {solver_log}" if solver_log else "", stress_log) if x
    )


def rule_shares(
    ho: Handover, slacks: list[Slack], amounts: np.ndarray, x: list[float]
) -> dict[tuple[str, str, str], float]:
    """(family, rule, material) -> the share the plan reaches at its worst row, for each
    share rule whose rows had to move (the largest share of a max_share rule, the
    smallest of a min_share rule)."""
    worst: dict[tuple[str, str, str], float] = {}
    p = ho.lp.params
    for slack, amount in zip(slacks, amounts.tolist(), strict=True):
        if slack.family not in PER_ROW or amount <= TOL:
            continue
        _future, index = BY_NAME[slack.family].split(slack.key)
        reached = _reached(ho, slack.family, slack.key, x)
        if reached is None:
            continue
        cell = (slack.family, index[0], index[1])
        share = first(p.inputs.rules, rule=index[0]).share
        if ho.lp.families[slack.family][slack.key].upper is not None:
            worst[cell] = max(worst.get(cell, share), reached)
        else:
            worst[cell] = min(worst.get(cell, share), reached)
    return worst


def _reached(ho: Handover, family: str, key: Index, x: list[float]) -> float | None:
    """The share a rule's row reaches in plan ``x``: del_G / del (Stock_l / total for
    dispersion); None when nothing is delivered (stocked)."""
    row = ho.lp.families[family][key]
    total = sum(x[c] for c in row.cols)
    if total <= 0:
        return None
    _future, index = BY_NAME[family].split(key)
    share = first(ho.lp.params.inputs.rules, rule=index[0]).share
    body = sum(a * x[c] for c, a in zip(row.cols, row.coefs, strict=True))
    return min(1.0, max(0.0, share + body / total))


def relaxations(
    ho: Handover, slacks: list[Slack], amounts: np.ndarray, x: list[float]
) -> list[Relaxation]:
    """The moves of the closest plan ``x`` as workbook changes, in planner order: each
    shared slack above round-off, and each share rule at the worst share the plan
    reaches where it goes past the rule's own share (by more than round-off)."""
    p = ho.lp.params
    out: list[Relaxation] = []
    for slack, amount in zip(slacks, amounts.tolist(), strict=True):
        if slack.family in SHARED and amount > TOL:
            out.append(_shared(p, slack.family, slack.key, amount * slack.scale))
    typ = typical_t(p)
    worst: dict[tuple[str, str, str], float] = {}
    for family in PER_ROW:
        for key, row in ho.lp.families.get(family, {}).items():
            _future, index = BY_NAME[family].split(key)
            r, m = index[0], index[1]
            body = sum(a * x[c] for c, a in zip(row.cols, row.coefs, strict=True))
            past = body if row.upper is not None else -body  # tonnes past the share
            if past <= TOL * typ[m]:
                continue
            reached = _reached(ho, family, key, x)
            if reached is None:
                continue
            cell = (family, r, m)
            pick = max if row.upper is not None else min
            worst[cell] = pick(worst.get(cell, reached), reached)
    for (family, r, m), reached in worst.items():
        out.append(_rule(p, family, r, m, reached))
    order = [f.name for f in FAMILIES]
    return sorted(out, key=lambda x: (order.index(x.family), [str(i) for i in x.index]))


def _row(where: tuple[str, int]) -> tuple[str, int | None]:
    sheet, row = where
    return sheet, row or None


def _at(sheet: str, row: int | None) -> str:
    return f"{sheet} row {row}" if row else sheet


def money(x: float) -> str:
    """12,345 USD / 38.4 M USD / 1,234 M USD."""
    if abs(x) < 1e6:
        return f"{fmt(x)} USD"
    m = x / 1e6
    return f"{m:,.1f} M USD" if abs(m) < 100 else f"{m:,.0f} M USD"


def share(x: float) -> str:
    """A share as written in the workbook, to four significant digits: 0.3125."""
    return f"{x:.4g}"


def _shared(p: Params, family: str, key: Index, move: float) -> Relaxation:
    if family == "stock_target":
        m, t = key
        limit = p.target_t[m, t]
        sheet, row = _row(p.target_where[m, t])
        text = f"{m} stock target {t} ({_at(sheet, row)}) missed by {fmt(move)} t"
        return Relaxation(family, key, sheet, row, "min_stock_t", limit, limit - move, "t", text)
    if family == "budget":
        (t,) = key
        limit = p.budget_usd[t]
        sheet, row = _row(p.budget_where[t])
        text = f"{t} budget ({_at(sheet, row)}) exceeded by {money(move)}"
        return Relaxation(family, key, sheet, row, "budget_usd", limit, limit + move, "USD", text)
    if family == "coverage_floor":
        (m,) = key
        limit = p.min_coverage[m]
        moved = max(0.0, limit - move)
        sheet, row = _row(p.material_where[m])
        text = f"{m} min_coverage ({_at(sheet, row)}) lowered from {share(limit)} to {share(moved)}"
        return Relaxation(family, key, sheet, row, "min_coverage", limit, moved, "share", text)
    if family == "site_capacity":
        (l,) = key
        limit = p.capacity_m3[l]
        sheet, row = _row(p.site_where[l])
        text = (
            f"{l} capacity ({_at(sheet, row)}) raised by {fmt(move)} m3, "
            f"from {fmt(limit)} to {fmt(limit + move)} m3"
        )
        return Relaxation(family, key, sheet, row, "capacity_m3", limit, limit + move, "m3", text)
    raise ValueError(f"{family} has no shared slack")


def _rule(p: Params, family: str, r: str, m: str, reached: float) -> Relaxation:
    rule = first(p.inputs.rules, rule=r)
    sheet, row = _row(p.rule_where[r])
    words = "raised" if rule.limit == "max_share" else "lowered"
    what = f"rule {r}" if rule.material != "*" else f"rule {r} for {m}"
    text = (
        f"{what} ({_at(sheet, row)}) {rule.limit} {words} from {share(rule.share)} "
        f"to {share(reached)}"
    )
    return Relaxation(family, (r, m), sheet, row, "share", rule.share, reached, "share", text)
