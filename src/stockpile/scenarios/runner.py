"""Solve a base and its scenarios: serially, in worker processes, or on a Dask cluster.

Every solve goes through a ``solver.policy.Resolver``; each process (this one, a pool
worker, a Dask worker) keeps one Resolver per solver options for all the scenarios it
gets, so that its warm re-solves are reused. A scenario that fails (an exception) or has no
plan is an ``Outcome`` with its status and message, never a missing entry: the others
always finish.

What travels between processes is plain data: the inputs as dicts (``to_plain``; the
record classes of ``Inputs`` are made at run time and do not pickle) and the result as
an ``Outcome`` (a small summary of the solve: status, objective, expected cost and its
parts, the plan's stock per material and year and deliveries per material and source,
unmet need over the futures, diagnosis). An infeasible scenario's Outcome carries its
closest plan like any other plan, with the limits it moved (``relaxations``).
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace
from typing import Any

from stockpile.data.inputs import Inputs, Settings
from stockpile.data.schema import SHEETS
from stockpile.processes import worker_pool
from stockpile.result import PLAN_STATUSES, Relaxation
from stockpile.solver.highs import SolveOptions
from stockpile.solver.policy import Resolver
from stockpile.stdio import redirect_native_stdout

#: Status of a scenario whose solve raised an exception (not a solver status).
FAILED = "failed"
#: Name of the unmodified input in a comparison.
BASE = "base"
#: How long ``--dask`` waits for the scheduler before giving up.
DASK_CONNECT_TIMEOUT = "20s"


@dataclass
class Outcome:
    """What one solve of a comparison produced, as plain (picklable) data."""

    name: str
    status: str
    message: str = ""
    objective_usd: float | None = None
    #: E, the expected discounted cost (the objective unless risk_weight > 0)
    expected_cost_usd: float | None = None
    #: the parts of E (expected, discounted), keyed by objective.PART_KEYS
    parts: dict[str, float] = field(default_factory=dict)
    #: (material, year) -> the plan's total stock at the end of the year [t]
    stock_t: dict[tuple[str, int], float] = field(default_factory=dict)
    #: (material, source) -> tonnes the plan delivers into storage over the horizon
    deliveries_t: dict[tuple[str, str], float] = field(default_factory=dict)
    #: source -> (source type, country, bloc)
    sources: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: material -> unmet need, summed over the disruptions' futures and window years [t]
    unmet_t: dict[str, float] = field(default_factory=dict)
    materials: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    diagnosis: str = ""
    #: how the diagnosis was made: "iis", "elastic" (no IIS: the limits that had to move)
    diagnosis_method: str = ""
    #: when infeasible: the limits the closest plan moved; the plan's numbers above
    #: (objective, parts, stock, deliveries, unmet) are then the closest plan's
    relaxations: list[Relaxation] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    warm: bool = False  # re-solved warm in the worker's HiGHS model
    log: str = ""
    worker: str = ""

    @property
    def has_plan(self) -> bool:
        return self.status in PLAN_STATUSES

    @property
    def closest(self) -> bool:
        """Infeasible, but with the closest plan (the requirements moved by
        ``relaxations``) in its numbers."""
        return self.status == "infeasible" and bool(self.relaxations)

    @property
    def shows_plan(self) -> bool:
        """A plan to compare: the optimal or time-limited plan, or the closest plan."""
        return self.has_plan or self.closest

    def final_stock_t(self) -> dict[str, float]:
        """Stock of each material at the end of the last year [t]."""
        if not self.years:
            return {}
        end = self.years[-1]
        return {m: self.stock_t.get((m, end), 0.0) for m in self.materials}

    def to_json(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "status": self.status,
            "message": self.message,
            "objective_usd": self.objective_usd,
            "expected_cost_usd": self.expected_cost_usd,
            "parts": dict(self.parts) if self.parts else None,
            "final_stock_t": self.final_stock_t() if self.shows_plan else None,
            "diagnosis": self.diagnosis or None,
            "seconds": round(self.seconds, 4),
        }
        if self.relaxations:
            out["relaxations"] = [r.to_json() for r in self.relaxations]
        return out


# --- plain data across processes ----------------------------------------------------------


def to_plain(inputs: Inputs) -> dict[str, Any]:
    """``inputs`` as builtin types only (picklable everywhere); ``from_plain`` inverts it."""
    out: dict[str, Any] = {"settings": inputs.settings.model_dump()}
    for sheet in SHEETS:
        if not sheet.settings:
            out[sheet.attr] = [r.model_dump() for r in inputs.table(sheet.name)]
    return out


def from_plain(plain: dict[str, Any]) -> Inputs:
    tables = dict(plain)
    settings = Settings(**tables.pop("settings"))
    return Inputs.build(settings, **tables)


# --- one solve --------------------------------------------------------------------------------

_RESOLVERS: dict[str, Resolver] = {}
# One solve at a time per process: a Dask worker's threads would share its Resolver
# (one HiGHS model), HiGHS's process-wide thread scheduler and file descriptor 1
# (redirected during a solve), and Pyomo model building (``interface="pyomo"``) is not
# thread-safe. Run Dask workers with one thread each to use every core.
_LOCK = threading.Lock()


def _resolver(options: SolveOptions) -> Resolver:
    """This process's Resolver for ``options`` (made once, reused for every scenario)."""
    key = repr(options)
    if key not in _RESOLVERS:
        _RESOLVERS[key] = Resolver(options)
    return _RESOLVERS[key]


def solve_one(name: str, inputs: Inputs, resolver: Resolver) -> Outcome:
    """Solve one variant; an exception becomes a 'failed' Outcome."""
    tick = time.perf_counter()
    try:
        params, result = resolver.solve(inputs)
        out = summarize(name, params, result)
    except Exception as exc:
        out = failed(name, exc)
    out.seconds = time.perf_counter() - tick
    out.worker = f"{os.getpid()}"
    return out


def solve_task(task: tuple[str, dict[str, Any], SolveOptions]) -> Outcome:
    """The unit of work sent to a pool or Dask worker: (name, plain inputs, options)."""
    name, plain, options = task
    # Native prints on fd 1 (a solver banner) go to stderr, so a ``--json`` stdout stays
    # clean.
    with _LOCK, redirect_native_stdout():
        try:
            inputs = from_plain(plain)
        except Exception as exc:
            return failed(name, exc)
        return solve_one(name, inputs, _resolver(options))


def failed(name: str, exc: BaseException) -> Outcome:
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    at = f" (at {where[0].filename.rsplit('/', 1)[-1]}:{where[0].lineno})" if where else ""
    return Outcome(name, FAILED, message=f"{type(exc).__name__}: {exc}{at}")


def summarize(name: str, params: Any, result: Any) -> Outcome:
    """The comparison's view of one solve: plain numbers, no Pyomo objects."""
    from stockpile.diagnose import named_limits

    out = Outcome(
        name,
        result.status,
        message=result.message,
        objective_usd=result.objective_usd,
        expected_cost_usd=result.expected_cost_usd,
        parts=dict(result.parts),
        materials=tuple(params.MATERIALS),
        years=tuple(params.YEARS),
        timings=dict(result.timings),
        warm=bool(result.solver.get("warm_start")),
        log=result.log,
        relaxations=list(result.relaxations),
    )
    out.sources = {
        s: (
            params.source_type[s],
            params.source_country[s],
            params.bloc_of_country[params.source_country[s]],
        )
        for s in params.SOURCES
    }
    if result.shows_plan:
        for (m, _l, t), v in result.values.get("Stock", {}).items():
            out.stock_t[m, t] = out.stock_t.get((m, t), 0.0) + v
        for (s, m, _l, _t), v in result.values.get("Ship", {}).items():
            out.deliveries_t[m, s] = out.deliveries_t.get((m, s), 0.0) + v
        for (_d, m, _t), v in result.values.get("Unmet", {}).items():
            out.unmet_t[m] = out.unmet_t.get(m, 0.0) + v
    if result.diagnosis is not None:
        out.diagnosis_method = result.diagnosis.method
        named, _linking = named_limits(result.diagnosis)
        lines = [text + (f" ({rows})" if rows else "") for text, rows in named]
        if result.diagnosis.suggestion:
            lines.append(result.diagnosis.suggestion)
        out.diagnosis = "\n".join(lines)
    return out


# --- many solves ---------------------------------------------------------------------------

OnDone = Callable[[Outcome], None]


def dask_client(dask: Any) -> tuple[Any, bool, Any]:
    """A Dask client for ``dask`` (a scheduler address, or a Client to use as it is),
    whether this call owns it (and must close it), and ``distributed.as_completed``.
    Raises ScaleOutError when the package is missing or the scheduler unreachable."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise ScaleOutError(
            "--dask needs the 'distributed' package: pip install 'stockpile-optimizer[dask]'"
        ) from exc
    own = not isinstance(dask, Client)
    try:
        client = Client(dask, timeout=DASK_CONNECT_TIMEOUT) if own else dask
    except Exception as exc:  # OSError, TimeoutError, ValueError for a bad address
        raise ScaleOutError(f"cannot reach the Dask scheduler at {dask}: {exc}") from exc
    return client, own, as_completed


class ScaleOutError(Exception):
    """The Dask cluster could not be reached or used."""


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def run_scenarios(
    tasks: Sequence[tuple[str, Inputs]],
    options: SolveOptions | None = None,
    *,
    workers: int = 1,
    dask: Any = None,
    on_done: OnDone | None = None,
) -> list[Outcome]:
    """Solve every (name, inputs) and return the outcomes in task order.

    ``workers`` <= 1 solves here, one Resolver for all; more runs that many worker
    processes (``processes.worker_pool``: they never outlive this one). ``dask`` (a
    scheduler address or a ``distributed.Client``) sends the solves to a Dask cluster
    instead. ``on_done`` is called in this process as each outcome arrives (progress
    display).
    """
    # the comparison reports no shadow prices: no re-solves to check them (solver.margins)
    options = replace(options or SolveOptions(), check_margins=False)
    on_done = on_done or (lambda _o: None)
    if dask is not None:
        return _run_dask(tasks, options, dask, on_done)
    if workers <= 1 or len(tasks) <= 1:
        return _run_serial(tasks, options, on_done)
    return _run_pool(tasks, options, min(workers, len(tasks)), on_done)


def _run_serial(
    tasks: Sequence[tuple[str, Inputs]], options: SolveOptions, on_done: OnDone
) -> list[Outcome]:
    resolver = Resolver(options)
    outcomes = []
    for name, inputs in tasks:
        out = solve_one(name, inputs, resolver)
        on_done(out)
        outcomes.append(out)
    return outcomes


def _run_pool(
    tasks: Sequence[tuple[str, Inputs]], options: SolveOptions, workers: int, on_done: OnDone
) -> list[Outcome]:
    outcomes: list[Outcome | None] = [None] * len(tasks)
    # Workers fork from a server that has already imported the model and HiGHS.
    with worker_pool(workers, preload=("stockpile.scenarios.runner", "stockpile.pipeline")) as pool:
        futures = {
            pool.submit(solve_task, (name, to_plain(inputs), options)): i
            for i, (name, inputs) in enumerate(tasks)
        }
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                out = fut.result()
            except Exception as exc:  # a worker died (BrokenProcessPool) or did not pickle
                out = failed(tasks[i][0], exc)
            outcomes[i] = out
            on_done(out)
    return [o for o in outcomes if o is not None]


def _run_dask(
    tasks: Sequence[tuple[str, Inputs]], options: SolveOptions, dask: Any, on_done: OnDone
) -> list[Outcome]:
    client, own, dask_completed = dask_client(dask)
    outcomes: list[Outcome | None] = [None] * len(tasks)
    try:
        futures = [
            client.submit(solve_task, (name, to_plain(inputs), options), pure=False)
            for name, inputs in tasks
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in dask_completed(futures):
            i = index[fut.key]
            try:
                out = fut.result()
            except Exception as exc:  # a worker died or the task could not run
                out = failed(tasks[i][0], exc)
            outcomes[i] = out
            on_done(out)
    finally:
        if own:
            client.close()
    return [o for o in outcomes if o is not None]
