"""The only code that talks to HiGHS: options, hand-over, one run, status, values, duals.

Two hand-overs give the same LP (tests/model/test_interfaces.py holds them to it):
- ``handover_direct`` (default): the rows ``formulate`` made are passed to HiGHS in one
  ``passModel`` call; no Pyomo object is built;
- ``handover_pyomo``: Pyomo's persistent HiGHS interface (pyomo.contrib.solver 'highs')
  reads a Pyomo model built from the same rows (``stockpile.model.pyomo.build_model``).

What to do with HiGHS (warm or cold, IIS or elastic diagnosis) is decided in
``stockpile.solver.policy`` and ``stockpile.solver.diagnosis``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import highspy
import numpy as np

from stockpile.files import CannotWrite, check_destination, write_atomically
from stockpile.model.families import BY_NAME
from stockpile.model.lp import LP, Index
from stockpile.model.objective import PART_BY_KEY, expected_cost
from stockpile.result import UNMET_TINY, FutureOutcome, RowValue, SolveResult, Status
from stockpile.stdio import redirect_native_stdout

if TYPE_CHECKING:
    import pyomo.environ as pyo

Method = Literal["choose", "simplex", "ipm", "pdlp"]
Interface = Literal["direct", "pyomo"]

INF = highspy.kHighsInf
#: HiGHS's defaults: a bound or cost at or above ``infinite_bound``/``infinite_cost`` is
#: infinite (refused where a number is needed); a matrix entry at or above
#: ``large_matrix_value`` is refused, one at or below ``small_matrix_value`` dropped.
INFINITE_BOUND = 1e20
LARGE_MATRIX_VALUE = 1e15


class SolverError(RuntimeError):
    """HiGHS refused a call (status kError): the message says which and why, as far as
    HiGHS said; ``stockpile`` exits 70."""


def checked(status: highspy.HighsStatus, what: str, log: HighsLog | None = None) -> None:
    """Raise ``SolverError`` when a HiGHS call returned kError (a kWarning is kept in
    ``log`` when there is one)."""
    if status == highspy.HighsStatus.kError:
        said = f": {'; '.join(log.lines)}" if log is not None and log.lines else ""
        raise SolverError(f"HiGHS refused to {what}{said}")


class HighsLog:
    """HiGHS's warnings and errors, kept instead of printed (the console stays quiet, but
    "the model is badly scaled" must still reach the planner)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, event: Any) -> None:
        kind = getattr(event.data_out, "log_type", None)
        if kind not in (highspy.HighsLogType.kWarning, highspy.HighsLogType.kError):
            return
        text = " ".join(str(event.message).replace("WARNING:", "").replace("ERROR:", "").split())
        if text and text not in self.lines:
            self.lines.append(text)


def _lp_numbers_problem(
    what: str, values: np.ndarray, labels: Any, limit: float = INFINITE_BOUND
) -> None:
    """Raise InputError when ``values`` holds a number HiGHS cannot take (not finite, or
    at least ``limit``); ``labels(k)`` names entry k. The workbook's numbers are checked
    cell by cell before (``data.magnitudes``); this catches what they compound to."""
    from stockpile.data.problems import InputError, Problem

    bad = np.flatnonzero(~np.isfinite(values) | (np.abs(values) >= limit))
    if not len(bad):
        return
    shown = ", ".join(f"{labels(int(k))} = {values[k]:g}" for k in bad[:5])
    more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
    raise InputError(
        [
            Problem(
                f"the model has {what} the solver cannot hold (not finite, or "
                f"{limit:g} and above): {shown}{more}",
                "Look for very large costs, limits or yields, or escalations and price "
                "multipliers that compound to them, in the sheets these rows come from.",
            )
        ]
    )


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: HiGHS's options, the hand-over, and the diagnosis's time."""

    time_limit: float | None = None  # seconds
    threads: int | None = None
    method: Method = "choose"
    write_lp: Path | None = None
    presolve: bool = True
    interface: Interface = "direct"
    iis_time_limit: float = 3.0  # seconds for HiGHS's IIS before the elastic fallback
    #: re-solve to check that the largest shadow prices hold (solver.margins)
    check_margins: bool = True
    extra: dict[str, Any] = field(default_factory=dict)  # raw HiGHS options

    def highs_options(self) -> dict[str, Any]:
        """The HiGHS options these settings stand for (also recorded in the report)."""
        opts: dict[str, Any] = {"solver": self.method, "output_flag": False}
        if self.method == "ipm":
            opts["run_crossover"] = "on"  # a basic solution, so the duals are vertex duals
        if not self.presolve:
            opts["presolve"] = "off"
        if self.time_limit is not None:
            opts["time_limit"] = float(self.time_limit)
        if self.threads is not None:
            opts["threads"] = int(self.threads)
        opts.update(self.extra)
        return opts

    def describe(self) -> dict[str, Any]:
        """The solver facts of a ``SolveResult``: name, version, interface, options."""
        return {
            "name": "HiGHS",
            "version": highs_version(),
            "interface": self.interface,
            "options": self.highs_options(),
        }


def highs_version() -> str:
    """The version of the HiGHS library in use, e.g. '1.16.0'."""
    return (
        f"{highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}.{highspy.HIGHS_VERSION_PATCH}"
    )


@dataclass
class Handover:
    """A HiGHS model and how its rows and columns map back to the LP."""

    highs: highspy.Highs
    lp: LP
    row_keys: list[tuple[str, Index]]  # HiGHS row -> (family, index)
    col_of: list[int]  # LP column -> HiGHS column
    #: HiGHS row r = row_scale[r] * LP row (powers of two: exact); duals are unscaled
    row_scale: list[float] = field(default_factory=list)
    pyomo_solver: Any = None  # keeps the persistent Pyomo interface alive
    cold_seconds: float | None = None  # HiGHS time of the first (cold) solve
    #: HiGHS's own warnings (badly scaled, tiny entries ignored, ...), none when None
    log: HighsLog | None = None

    def counts(self) -> dict[str, int]:
        """The size of the model as HiGHS holds it."""
        return {"variables": self.highs.getNumCol(), "constraints": self.highs.getNumRow()}


def new_highs(log: HighsLog | None = None) -> highspy.Highs:
    """A silent HiGHS model: its banner is printed by the constructor, before any option
    can turn output off, so the native stdout is muted for that one call. With ``log``,
    HiGHS logs to it (not to the console) and it keeps the warnings."""
    with redirect_native_stdout(to="devnull"):
        highs = highspy.Highs()
    if log is None:
        highs.setOptionValue("output_flag", False)
    else:
        highs.setOptionValue("output_flag", True)
        highs.setOptionValue("log_to_console", False)
        highs.cbLogging += log
    return highs


def handover_direct(lp: LP) -> Handover:
    """Pass the LP's rows to a new HiGHS model in one call (rows scaled by powers of
    two, see ``row_scale``)."""
    row_keys: list[tuple[str, Index]] = []
    starts = [0]
    index: list[int] = []
    value: list[float] = []
    lower: list[float] = []
    upper: list[float] = []
    scales: list[float] = []
    given: list[float] = []  # every limit a row has (None: no limit, not checked)
    for family, rows in lp.families.items():
        for key, row in rows.items():
            row_keys.append((family, key))
            f = row_scale(row.coefs)
            scales.append(f)
            for c, a in zip(row.cols, row.coefs, strict=True):
                if a != 0.0:
                    index.append(c)
                    value.append(a * f)
            starts.append(len(index))
            lower.append(-INF if row.lower is None else row.lower * f)
            upper.append(INF if row.upper is None else row.upper * f)
            given.append(0.0 if row.lower is None else row.lower * f)
            given.append(0.0 if row.upper is None else row.upper * f)
    n = len(lp.columns)
    cost = np.asarray(lp.objective_costs(), dtype=float)
    _lp_numbers_problem("costs", cost, lambda k: _label(*lp.columns.keys[k]))
    entries = np.asarray(value, dtype=float)
    row_of = np.repeat(np.arange(len(row_keys)), np.diff(np.asarray(starts)))
    _lp_numbers_problem(
        "coefficients",
        entries,
        lambda k: f"{_label(*row_keys[row_of[k]])} x {_label(*lp.columns.keys[index[k]])}",
        LARGE_MATRIX_VALUE,
    )
    _lp_numbers_problem("limits", np.asarray(given), lambda k: _label(*row_keys[k // 2]))
    model = highspy.HighsLp()
    model.num_col_ = n
    model.num_row_ = len(row_keys)
    model.sense_ = highspy.ObjSense.kMinimize
    model.col_cost_ = cost
    model.col_lower_ = np.maximum(np.asarray(lp.lower_bounds(), dtype=float), -INF)
    model.col_upper_ = np.full(n, INF)
    model.row_lower_ = np.asarray(lower, dtype=float)
    model.row_upper_ = np.asarray(upper, dtype=float)
    model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    model.a_matrix_.num_col_ = n
    model.a_matrix_.num_row_ = len(row_keys)
    model.a_matrix_.start_ = np.asarray(starts, dtype=np.int32)
    model.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    model.a_matrix_.value_ = np.asarray(value, dtype=float)
    log = HighsLog()
    highs = new_highs(log)
    checked(highs.passModel(model), "take the model", log)
    return Handover(highs, lp, row_keys, list(range(n)), scales, log=log)


#: HiGHS drops matrix entries at or below its ``small_matrix_value`` (1e-9) with a
#: warning: a row is never scaled so far down that one of its entries gets near that.
SMALLEST_SCALED = 1e-6


def row_scale(coefs: list[float]) -> float:
    """A power of two that brings a row's largest coefficient near 1 (rows whose
    coefficients are all within 16 are left alone), but never takes its smallest
    nonzero coefficient below ``SMALLEST_SCALED``.

    Budget rows carry prices (up to millions of USD per tonne) and limits of ~1e9 USD
    beside rows in tonnes; expressed as they are, HiGHS can fail to prove such a model
    feasible or infeasible. Powers of two scale without rounding error. The floor
    matters for rows with one huge coefficient beside ones: an output_split row with a
    yield of 1e9 t/unit scaled to 1 turned its -1 entries into 9.3e-10, which HiGHS
    ignored, so the delivered tonnes were no longer tied to the purchase.
    """
    sizes = [abs(a) for a in coefs if a != 0.0 and math.isfinite(a)]
    biggest = max(sizes, default=0.0)
    if biggest <= 16:
        return 1.0
    down = -round(math.log2(biggest))
    floor = math.ceil(math.log2(SMALLEST_SCALED / min(sizes)))
    return 2.0 ** min(0, max(down, floor))


def handover_pyomo(model: pyo.ConcreteModel) -> Handover:
    """Let Pyomo's persistent HiGHS interface read a model made by
    ``stockpile.model.pyomo.build_model`` (its ``model.lp`` maps rows back)."""
    from pyomo.contrib.solver.solvers.highs import Highs

    opt = Highs()
    opt.set_instance(model)
    # The interface has no public accessor for its HiGHS model or its maps.
    highs = opt._solver_model
    lp: LP = model.lp
    cons = {}
    for family in lp.families:
        lp_key = model.lp_keys[family]
        for key, con in getattr(model, family).items():
            cons[con] = (family, lp_key[key if isinstance(key, tuple) else (key,)])
    row_keys: list[tuple[str, Index]] = [("", ())] * highs.getNumRow()
    for con, r in opt._pyomo_con_to_solver_con_map.items():
        row_keys[r] = cons[con]
    var_map = opt._pyomo_var_to_solver_var_map
    col_of = []
    for name, idx in lp.columns.keys:
        var = getattr(model, name)
        col_of.append(var_map.get(id(var[idx] if idx else var), -1))
    return Handover(highs, lp, row_keys, col_of, [1.0] * len(row_keys), pyomo_solver=opt)


def same_structure(a: LP, b: LP) -> bool:
    """True when b has the columns, rows and row sparsity of a (numbers may differ)."""
    if a.columns.keys != b.columns.keys or list(a.families) != list(b.families):
        return False
    for family, rows_a in a.families.items():
        rows_b = b.families[family]
        if list(rows_a) != list(rows_b):
            return False
        if any(ra.cols != rows_b[k].cols for k, ra in rows_a.items()):
            return False
    return True


def update_direct(ho: Handover, lp: LP) -> int:
    """Push the numbers of ``lp`` (same structure as ``ho.lp``) into the HiGHS model
    in place, keeping its basis for a warm start. Returns how many numbers changed."""
    highs, old = ho.highs, ho.lp
    changed = 0
    r = 0
    for family, rows in lp.families.items():
        old_rows = old.families[family]
        for key, row in rows.items():
            was = old_rows[key]
            f = ho.row_scale[r]
            if row.coefs != was.coefs:
                for c, a, b in zip(row.cols, row.coefs, was.coefs, strict=True):
                    if a != b:
                        highs.changeCoeff(r, c, a * f)
                        changed += 1
            if row.lower != was.lower or row.upper != was.upper:
                lo = -INF if row.lower is None else row.lower * f
                up = INF if row.upper is None else row.upper * f
                highs.changeRowBounds(r, lo, up)
                changed += 1
            r += 1
    new_cost = lp.objective_costs()
    old_cost = old.objective_costs()
    diff = [k for k, (a, b) in enumerate(zip(new_cost, old_cost, strict=True)) if a != b]
    if diff:
        highs.changeColsCost(
            len(diff), np.asarray(diff, dtype=np.int32), np.asarray([new_cost[k] for k in diff])
        )
        changed += len(diff)
    ho.lp = lp
    return changed


@dataclass(frozen=True)
class Ran:
    """What one ``run`` of HiGHS ended with."""

    status: Status
    log: str  # how HiGHS got there when not the usual way ("" when it was)
    seconds: float  # HiGHS's own time for this run
    model_status: str  # HiGHS's model status in its own words
    warnings: tuple[str, ...] = ()  # HiGHS's own warnings so far (badly scaled, ...)


def run(ho: Handover, options: SolveOptions) -> Ran:
    """Solve what was handed over (again, warm, after changes) with ``options``.

    A dual simplex that errs or stalls (``StallGuard``) is repeated with the interior
    point method; "unbounded or infeasible" is settled by a solve without presolve.
    Writes the LP when ``options.write_lp`` asks for it.
    """
    highs = ho.highs
    _thread_scheduler(options.threads)
    for key, value in options.highs_options().items():
        highs.setOptionValue(key, value)
    if ho.log is not None:  # HiGHS logs to ho.log, still nothing to the console
        highs.setOptionValue("output_flag", True)
        highs.setOptionValue("log_to_console", False)
    # HiGHS's clock runs over the life of the model: a limit counts from now.
    clock = highs.getRunTime()
    limit = INF if options.time_limit is None else clock + float(options.time_limit)
    highs.setOptionValue("time_limit", limit)
    guard = StallGuard() if options.method in ("choose", "simplex") else None
    _run_guarded(highs, guard)
    status = model_status(highs)
    log = ""
    if status == "error" or (guard is not None and guard.stalled):
        # HiGHS's dual simplex can fail, or crawl for minutes, proving some LPs with
        # budget rows infeasible; its interior point method settles them in a second.
        what = "stalled" if status != "error" else "stopped with an error"
        highs.setOptionValue("solver", "ipm")
        highs.setOptionValue("run_crossover", "on")
        highs.run()
        status = model_status(highs)
        highs.setOptionValue("solver", options.method)
        log = f"the dual simplex {what}; re-solved with the interior point method"
    if status == "unbounded_or_infeasible":
        # HiGHS could not tell which; without presolve it can.
        highs.setOptionValue("presolve", "off")
        highs.run()
        status = model_status(highs)
        highs.setOptionValue("presolve", "on" if options.presolve else "off")
        again = "re-solved without presolve to tell infeasible from unbounded"
        log = f"{log}; {again}" if log else again
        if status == "unbounded_or_infeasible":
            status = "infeasible" if highs.getInfo().primal_solution_status != 2 else "unbounded"
    if options.write_lp is not None:
        write_lp(ho, options.write_lp)
    words = highs.modelStatusToString(highs.getModelStatus())
    warned = tuple(ho.log.lines) if ho.log is not None else ()
    return Ran(cast(Status, status), log, highs.getRunTime() - clock, words, warned)


def _run_guarded(highs: highspy.Highs, guard: StallGuard | None) -> None:
    if guard is None:
        highs.run()
        return
    highs.cbSimplexInterrupt += guard
    try:
        highs.run()
    finally:
        highs.cbSimplexInterrupt -= guard


class StallGuard:
    """Interrupts a simplex solve whose iteration rate has collapsed.

    On some infeasible LPs HiGHS 1.16's dual simplex proves infeasibility of the
    presolved LP in a second, then spends minutes on a few dozen iterations of the
    original LP (measured: 3,240 iterations in 1.5 s, then 76 in the next 18 s). A
    solve counts as stalled when, after ``min_seconds``, every ``window`` of the last
    ``patience`` seconds made fewer than ``ratio`` times the iterations the fastest
    window made AND fewer than ``floor`` iterations. Both are needed: a large LP's
    simplex legitimately slows down a hundredfold (the version-2 XL instance: 9,000
    iterations a second in phase 1, about 100 in phase 2, with pauses of seconds for
    each refactorisation of a basis with 8 million nonzeros), which the ratio alone
    took for a stall after 57 s and handed to the far slower interior point method.
    """

    def __init__(
        self,
        window: float = 3.0,
        ratio: float = 0.01,
        min_seconds: float = 5.0,
        floor: float = 50.0,
        patience: float = 6.0,
    ):
        self.window, self.ratio, self.min_seconds = window, ratio, min_seconds
        self.floor, self.patience = floor, patience
        self.start = time.monotonic()
        self.samples: list[tuple[float, int]] = [(self.start, 0)]
        self.best = 0.0  # most iterations made in one window
        self.slow_since: float | None = None  # since when every window has been slow
        self.stalled = False

    def __call__(self, event: Any) -> None:
        """HiGHS's simplex interrupt callback: sample the iteration count and interrupt
        the solve when it has stalled."""
        # HiGHS keeps the interrupt flag after a run it stopped: the next run of the
        # same model (a warm re-solve, a second stage) would stop at its first callback.
        # Clear it here; it is set again below when this run stalls.
        event.interrupt(False)
        now = time.monotonic()
        if now - self.samples[-1][0] < 0.25:
            return
        iterations = int(event.data_out.simplex_iteration_count)
        self.samples.append((now, iterations))
        while len(self.samples) > 2 and now - self.samples[1][0] >= self.window:
            self.samples.pop(0)
        then, before = self.samples[0]
        if now - then < self.window:
            return
        made = (iterations - before) * self.window / (now - then)
        self.best = max(self.best, made)
        if made >= min(self.ratio * self.best, self.floor):
            self.slow_since = None
            return
        if self.slow_since is None:
            self.slow_since = now
        if now - self.start >= self.min_seconds and now - self.slow_since >= self.patience:
            self.stalled = True
            event.interrupt()


_scheduler_threads: list[int | None] = [None]


def _thread_scheduler(threads: int | None) -> None:
    """HiGHS keeps one thread scheduler per process, sized by the first solve; a later
    solve asking for another thread count must reset it (else HiGHS refuses to run)."""
    if threads != _scheduler_threads[0]:
        highspy.Highs.resetGlobalScheduler(True)
        _scheduler_threads[0] = threads


def model_status(highs: highspy.Highs) -> str:
    """HiGHS's model status as a ``result.Status`` (or "unbounded_or_infeasible", which
    ``run`` settles)."""
    st = highs.getModelStatus()
    ms = highspy.HighsModelStatus
    if st in (ms.kOptimal, ms.kModelEmpty):
        return "optimal"
    if st == ms.kInfeasible:
        return "infeasible"
    if st == ms.kUnbounded:
        return "unbounded"
    if st == ms.kUnboundedOrInfeasible:
        return "unbounded_or_infeasible"
    if st in (ms.kTimeLimit, ms.kIterationLimit, ms.kInterrupt):
        feasible = highs.getInfo().primal_solution_status == 2
        return "time_limit_feasible" if feasible else "time_limit_no_solution"
    return "error"


def _label(name: str, index: Index) -> str:
    """An LP-file-safe name in Pyomo's symbolic style: Buy(A_2026)."""
    inner = "_".join(str(i) for i in index)
    return f"{name}({inner})".replace(" ", "_").replace(":", "_")


#: The model files HiGHS writes, by extension (any letter case): CPLEX LP and MPS.
LP_FORMATS = (".lp", ".mps")


def check_lp_destination(path: Path) -> None:
    """Raise ``CannotWrite`` now, before any solve, if ``--write-lp`` cannot write the
    model at ``path``: an extension HiGHS does not write, or a destination
    ``files.check_destination`` refuses (a missing folder, a device, a link, ...)."""
    if path.suffix.lower() not in LP_FORMATS:
        raise CannotWrite(
            path,
            f"HiGHS writes the model only as .lp (CPLEX LP) or .mps, not "
            f"'{path.suffix or 'no extension'}'",
            "Name the file with the extension .lp or .mps.",
        )
    check_destination(path)


def write_lp(ho: Handover, path: Path) -> None:
    """Write the model as HiGHS holds it, rows and columns named after the model, to
    ``path`` (.lp or .mps: ``check_lp_destination``), atomically like every file the tool
    writes; ``CannotWrite`` when it cannot."""
    check_lp_destination(path)
    highs = ho.highs
    for k, (name, idx) in enumerate(ho.lp.columns.keys):
        if ho.col_of[k] >= 0:
            highs.passColName(ho.col_of[k], _label(name, idx))
    for r, (family, idx) in enumerate(ho.row_keys):
        highs.passRowName(r, _label(family, idx))

    def write(tmp: Path) -> None:
        if highs.writeModel(str(tmp)) == highspy.HighsStatus.kError:
            raise CannotWrite(path, "HiGHS could not write the model")

    write_atomically(path, write)


def read_solution(ho: Handover, result: SolveResult) -> None:
    """Values of every variable, body/limits/dual of every row (unscaled), and the
    objective parts, into ``result``."""
    highs, lp = ho.highs, ho.lp
    sol = highs.getSolution()
    col_value = np.asarray(sol.col_value)
    x = col_value[np.asarray(ho.col_of, dtype=np.int64)] if ho.col_of else col_value[:0]
    values: dict[str, dict[Index, float]] = {name: {} for name in lp.columns.by_var}
    for (name, idx), v in zip(lp.columns.keys, x.tolist(), strict=True):
        values[name][idx] = v
    result.values = values

    row_value = sol.row_value
    row_dual = sol.row_dual if sol.dual_valid else None
    rows: dict[str, dict[Index, RowValue]] = {family: {} for family in lp.families}
    probability = {f.name: f.probability for f in lp.futures if not f.is_plan}
    risk_neutral = lp.params.risk_weight == 0
    for r, (family, key) in enumerate(ho.row_keys):
        row = lp.families[family][key]
        f = ho.row_scale[r]
        dual = row_dual[r] * f if row_dual is not None else None
        future = BY_NAME[family].split(key)[0]
        prob = probability.get(future, 0.0)
        rows[family][key] = RowValue(
            body=row_value[r] / f,
            lower=row.lower,
            upper=row.upper,
            dual=dual,
            conditional=dual / prob if dual is not None and prob > 0 and risk_neutral else None,
        )
    result.rows = rows

    # Each part is >= 0 by construction; clip round-off so the published sum is exact.
    xs = x.tolist()
    result.parts = {
        PART_BY_KEY[part].json_key: max(0.0, sum(c * xs[col] for col, c in coefs.items()))
        for part, coefs in lp.parts.items()
    }
    result.expected_cost_usd = expected_cost(result.parts)
    result.futures = future_outcomes(lp, values, xs)
    p = lp.params
    if p.risk_weight > 0:
        eta = values["Eta"][()]
        excess = sum(f.probability * values["Z"][f.name,] for f in lp.futures)
        result.cvar_usd = eta + excess / (1.0 - p.cvar_level)
        result.objective_usd = (
            1.0 - p.risk_weight
        ) * result.expected_cost_usd + p.risk_weight * result.cvar_usd
    else:
        result.objective_usd = result.expected_cost_usd


def future_outcomes(
    lp: LP, values: dict[str, dict[Index, float]], xs: list[float]
) -> list[FutureOutcome]:
    """Per future: its probability, its whole discounted cost K[f], and its unmet need."""
    out = []
    for future in lp.futures:
        unmet: dict[str, float] = {}
        first_year: dict[str, int] = {}
        for (d, m, t), v in values.get("Unmet", {}).items():
            if d == future.name and v > UNMET_TINY:
                unmet[m] = unmet.get(m, 0.0) + v
                first_year[m] = min(first_year.get(m, t), t)
        cost = sum(c * xs[col] for col, c in lp.future_cost[future.name].items())
        out.append(FutureOutcome(future.name, future.probability, cost, unmet, first_year))
    return out


def elastic_violations(ho: Handover, relaxable: list[int]) -> dict[int, float]:
    """The rows among ``relaxable`` (HiGHS row numbers) that an elastic solve had to
    relax, with by how much: each gets slack columns priced at the relative violation
    (1 / max(1, |limit|)), so tonnes and dollars weigh alike; the other rows stay
    exact. Solved in a copy of the model, with a 60 s limit. The amount is the row's
    body minus its limit in the row's own unit (unscaled): > 0 means the body had to
    exceed an upper limit (raise it by that much), < 0 fall short of a lower one
    (lower it)."""
    lp = ho.highs.getLp()
    el = new_highs()
    el.setOptionValue("time_limit", 60.0)
    lp.col_cost_ = np.zeros(lp.num_col_)
    el.passModel(lp)
    limit = np.maximum(
        1.0,
        np.abs(
            np.where(np.isfinite(lp.row_lower_) & (np.abs(lp.row_lower_) < INF), lp.row_lower_, 0)
        )
        + np.abs(
            np.where(np.isfinite(lp.row_upper_) & (np.abs(lp.row_upper_) < INF), lp.row_upper_, 0)
        ),
    )
    n = len(relaxable)
    firsts = []
    for sign in (1.0, -1.0):
        first = el.getNumCol()
        firsts.append(first)
        el.addVars(n, np.zeros(n), np.full(n, INF))
        el.changeColsCost(
            n,
            np.arange(first, first + n, dtype=np.int32),
            1.0 / limit[np.asarray(relaxable, dtype=int)],
        )
        for k, r in enumerate(relaxable):
            el.changeCoeff(r, first + k, sign)
    el.run()
    value = el.getSolution().col_value
    # the row reads body + s_plus - s_minus within its limits: the body itself went
    # s_minus - s_plus past them
    return {
        r: (value[firsts[1] + k] - value[firsts[0] + k]) / ho.row_scale[r]
        for k, r in enumerate(relaxable)
        if value[firsts[0] + k] > 1e-7 or value[firsts[1] + k] > 1e-7
    }


def stress_test_columns(lp: LP) -> dict[str, list[int]]:
    """The own columns of every future of probability 0 (a pure stress test), by
    future: its copies of the plan's variables, its Release and Unmet, and its Z."""
    out: dict[str, list[int]] = {}
    for future in lp.futures:
        if future.is_plan or future.probability > 0:
            continue
        cols = [col for path in lp.paths[future.name].values() for _, col in path.items()]
        for var in ("Release", "Unmet"):
            cols += [c for key, c in lp.columns.by_var[var].items() if key[0] == future.name]
        if (z := lp.columns.by_var.get("Z", {}).get((future.name,))) is not None:
            cols.append(z)
        out[future.name] = cols
    return out


def resolve_stress_tests(ho: Handover, result: SolveResult) -> str:
    """Report each future of probability 0 at the least cost its plan allows.

    Such a future weighs nothing in the objective, so its own decisions are arbitrary
    among optima (MODEL.md). With every other column fixed at its solved value, the
    futures' own costs K[d] are minimised (their shortfall penalties included) and
    their values, their rows' bodies and their K[d] and unmet need in ``result`` are
    replaced. The HiGHS model gets its bounds and costs back. Returns a log line
    ("" when there is nothing to do or it worked).
    """
    lp = ho.lp
    own = stress_test_columns(lp)
    if not own:
        return ""
    highs = ho.highs
    n = len(lp.columns)
    free = {c for cols in own.values() for c in cols}
    x = [result.values[name][idx] for name, idx in lp.columns.keys]
    lower0 = np.maximum(np.asarray(lp.lower_bounds(), dtype=float), -INF)
    cost0 = np.asarray(lp.objective_costs(), dtype=float)
    lower = lower0.copy()
    upper = np.full(n, INF)
    for k in range(n):
        if k not in free:
            lower[k] = upper[k] = x[k]
    cost = np.zeros(n)
    for d in own:
        for col, c in lp.future_cost[d].items():
            if col in free:
                cost[col] += c
    mapped = np.asarray([k for k in range(n) if ho.col_of[k] >= 0], dtype=np.int64)
    hcols = np.asarray(ho.col_of, dtype=np.int32)[mapped]
    m = len(mapped)
    highs.changeColsBounds(m, hcols, lower[mapped], upper[mapped])
    highs.changeColsCost(m, hcols, cost[mapped])
    try:
        highs.run()
        ok = model_status(highs) == "optimal"
        if ok:
            col_value = np.asarray(highs.getSolution().col_value)
            solved = dict(zip(mapped.tolist(), col_value[hcols].tolist(), strict=True))
    finally:
        highs.changeColsBounds(m, hcols, lower0[mapped], np.full(m, INF))
        highs.changeColsCost(m, hcols, cost0[mapped])
    if not ok:
        return "the least-cost decisions of the probability-0 futures could not be found"
    for col in free:
        if col in solved:
            name, idx = lp.columns.keys[col]
            result.values[name][idx] = x[col] = solved[col]
    for family, rows in lp.families.items():
        for key, row in rows.items():
            if BY_NAME[family].split(key)[0] in own and key in result.rows.get(family, {}):
                old = result.rows[family][key]
                body = sum(a * x[c] for c, a in zip(row.cols, row.coefs, strict=True))
                result.rows[family][key] = replace(old, body=body)
    result.futures = future_outcomes(lp, result.values, x)
    return ""
