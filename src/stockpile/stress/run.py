"""Draw the samples and evaluate them against the plans: here, in worker processes, or
on a Dask cluster.

The samples are cut into blocks of consecutive sample numbers (``BLOCK`` at a time,
whatever the number of workers). A block is the unit of work: a worker draws its
samples (each from its own stream, ``uncertainty.draw``), evaluates them in a fixed
order (by start year, then what hit, then duration: neighbours that re-solve quickly
from each other's basis) with an ``Evaluator`` it keeps for the whole run, and returns
the outcomes. Each model hands its template over afresh for a new block, so a block's
numbers depend only on its samples: the same seed gives the same results with 1 worker,
2 workers or a Dask cluster (the tests hold them to it).

What travels is plain data: the job (the inputs as dicts, the plans' values, the seed)
once per worker, a block's sample range out and its outcomes back.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace
from typing import Any

from stockpile.data.inputs import Inputs
from stockpile.data.params import build_params
from stockpile.processes import worker_pool
from stockpile.scenarios.runner import dask_client, from_plain, to_plain
from stockpile.stdio import redirect_native_stdout
from stockpile.stress.recourse import Evaluator, Outcome, PlanValues
from stockpile.stress.uncertainty import Draw, draw, listed, uncertainty

#: Samples per block (the unit of work; see the module doc): enough for neighbours that
#: re-solve quickly from each other, few enough to keep two workers evenly busy.
BLOCK = 100


@dataclass(frozen=True)
class Job:
    """Everything a worker needs, as plain data."""

    inputs: dict[str, Any]  # ``scenarios.runner.to_plain`` of the inputs
    plans: tuple[PlanValues, ...]
    seed: int
    floor: bool = True
    #: False: evaluate the workbook's own Disruptions (one sample each), not draws
    sampled: bool = True
    reuse: bool = True  # False: a new HiGHS model for every draw (benchmarks)
    key: str = ""  # identifies the job in a worker's cache (``make_job`` sets it)


def make_job(
    inputs: Inputs,
    plans: Sequence[PlanValues],
    seed: int,
    *,
    floor: bool = True,
    sampled: bool = True,
    reuse: bool = True,
) -> Job:
    job = Job(to_plain(inputs), tuple(plans), seed, floor, sampled, reuse)
    key = hashlib.sha256(pickle.dumps((job, os.getpid(), time.time_ns()))).hexdigest()
    return replace(job, key=key)


@dataclass
class BlockResult:
    """What one block gave: its draws (without their per-type detail) and outcomes."""

    first: int
    last: int
    draws: list[Draw]
    outcomes: list[Outcome]
    seconds: float = 0.0
    worker: str = ""


# --- one block ------------------------------------------------------------------------------

_CACHE: dict[str, tuple[Evaluator, Any, list[Draw]]] = {}
#: One block at a time per process (an Evaluator holds HiGHS models); a Dask worker
#: should run one thread.
_LOCK = threading.Lock()


def _evaluator(job: Job) -> tuple[Evaluator, Any, list[Draw]]:
    if job.key not in _CACHE:
        _CACHE.clear()  # one job per process at a time
        inputs = from_plain(job.inputs)
        ev = Evaluator(build_params(inputs), list(job.plans), floor=job.floor, reuse=job.reuse)
        _CACHE[job.key] = (ev, uncertainty(inputs), listed(inputs))
    return _CACHE[job.key]


def order_key(d: Draw) -> tuple[Any, ...]:
    """Evaluation order within a block: neighbours are alike."""
    return (d.start_year or 0, d.types, d.duration_years, d.sample)


def run_block(job: Job, first: int, last: int) -> BlockResult:
    """Draw and evaluate the samples first..last - 1 of the job."""
    tick = time.perf_counter()
    with _LOCK, redirect_native_stdout():
        ev, u, own = _evaluator(job)
        if job.sampled:
            draws = [replace(draw(u, job.seed, i), detail={}) for i in range(first, last)]
        else:
            draws = own[first:last]
        ev.begin(object())  # a new block: every model starts afresh
        outcomes = []
        for d in sorted(draws, key=order_key):
            outcomes.extend(ev.evaluate(d))
    outcomes.sort(key=lambda o: (o.sample, o.plan))
    return BlockResult(first, last, draws, outcomes, time.perf_counter() - tick, str(os.getpid()))


# pool workers keep the job they were started with
_JOB: list[Job] = []


def _init_worker(job: Job) -> None:
    _JOB[:] = [job]


def _pool_block(block: tuple[int, int]) -> BlockResult:
    return run_block(_JOB[0], *block)


# --- many blocks ----------------------------------------------------------------------------

OnBlock = Callable[[BlockResult], None]


@dataclass
class StressRun:
    """Every block's outcomes, in sample order."""

    draws: list[Draw] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the evaluation
    workers: str = ""  # "1 process", "2 processes", "Dask tcp://..."
    blocks: int = 0


def blocks_of(n: int, size: int = BLOCK) -> list[tuple[int, int]]:
    return [(i, min(n, i + size)) for i in range(0, n, size)]


def evaluate(
    job: Job,
    samples: int,
    *,
    workers: int = 1,
    dask: Any = None,
    block: int = BLOCK,
    on_block: OnBlock | None = None,
) -> StressRun:
    """Evaluate samples 0..samples - 1 of the job (``job.sampled`` False: the workbook's
    Disruptions, ``samples`` of them) against its plans.

    ``workers`` <= 1 evaluates here; more runs that many worker processes; ``dask`` (a
    scheduler address or a ``distributed.Client``) sends the blocks to a Dask cluster.
    ``on_block`` is called here as each block arrives (progress display).
    """
    on_block = on_block or (lambda _b: None)
    parts = blocks_of(samples, block)
    tick = time.perf_counter()
    if dask is not None:
        results, where = _run_dask(job, parts, dask, on_block)
    elif workers <= 1 or len(parts) <= 1:
        results = []
        for first, last in parts:
            results.append(run_block(job, first, last))
            on_block(results[-1])
        where = "1 process"
    else:
        n = min(workers, len(parts))
        results = _run_pool(job, parts, n, on_block)
        where = f"{n} processes"
    results.sort(key=lambda b: b.first)
    run = StressRun(seconds=time.perf_counter() - tick, workers=where, blocks=len(parts))
    for b in results:
        run.draws.extend(b.draws)
        run.outcomes.extend(b.outcomes)
    return run


def _run_pool(
    job: Job, parts: list[tuple[int, int]], workers: int, on_block: OnBlock
) -> list[BlockResult]:
    results = []
    with worker_pool(
        workers, preload=("stockpile.stress.run",), initializer=_init_worker, initargs=(job,)
    ) as pool:
        futures = [pool.submit(_pool_block, part) for part in parts]
        for fut in as_completed(futures):
            results.append(fut.result())
            on_block(results[-1])
    return results


def _dask_block(job: Job, first: int, last: int) -> BlockResult:
    return run_block(job, first, last)


def _run_dask(
    job: Job, parts: list[tuple[int, int]], dask: Any, on_block: OnBlock
) -> tuple[list[BlockResult], str]:
    client, own, dask_completed = dask_client(dask)
    results = []
    try:
        shared = client.scatter(job, broadcast=True)
        futures = [client.submit(_dask_block, shared, a, b, pure=False) for a, b in parts]
        for fut in dask_completed(futures):
            results.append(fut.result())
            on_block(results[-1])
        where = f"Dask {getattr(client.scheduler, 'address', dask)}"
    finally:
        if own:
            client.close()
    return results, where
