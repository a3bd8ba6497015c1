"""load -> validate -> build -> solve -> report, nothing else."""

from __future__ import annotations

import hashlib
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from stockpile import package_version
from stockpile.data.inputs import Inputs
from stockpile.data.params import Params, build_params
from stockpile.data.problems import Problem
from stockpile.model import build_model, formulate
from stockpile.result import SolveResult
from stockpile.solve import (
    Handover,
    SolveOptions,
    handover_direct,
    handover_pyomo,
    highs_version,
    same_structure,
    solve_handover,
    solve_model,
    solve_warm,
    update_direct,
)

Phase = Callable[[str], None]


def run_facts(solver_options: dict[str, Any]) -> dict[str, Any]:
    """What the provenance of every run (a solve, a comparison) says about the software."""
    return {
        "package": f"stockpile-optimizer {package_version()}",
        "python": platform.python_version(),
        "pyomo": version("pyomo"),
        "highs": highs_version(),
        "solver_options": solver_options,
    }


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load(path: Path) -> tuple[Inputs, list[Problem]]:
    """Read and validate a workbook; raises InputError listing every problem."""
    from stockpile.data.reader import read_workbook

    return read_workbook(path)


def optimize(inputs: Inputs, options: SolveOptions | None = None, **kw: Any) -> SolveResult:
    """Build the LP for validated inputs and solve it (keyword args: SolveOptions fields)."""
    return solve_inputs(inputs, options or SolveOptions(**kw))[1]


def solve_inputs(inputs: Inputs, options: SolveOptions) -> tuple[Params, SolveResult]:
    tick = time.perf_counter()
    params = build_params(inputs)
    model = build_model(params)
    build = time.perf_counter() - tick
    result = solve_model(model, options)
    result.timings = {"build": build, **result.timings}
    return params, result


@dataclass
class Run:
    """Everything one ``stockpile solve`` produced."""

    input_path: Path
    inputs: Inputs
    params: Params
    result: SolveResult
    warnings: list[Problem]
    provenance: dict[str, Any] = field(default_factory=dict)
    report_path: Path | None = None


def run(
    input_path: Path,
    report_path: Path | None,
    options: SolveOptions,
    on_phase: Phase = lambda _: None,
    display_name: str | None = None,
) -> Run:
    """The whole job: read, build, solve and (if report_path) write the report.

    Raises InputError for bad input and ReportWriteError when the report cannot be
    written; an infeasible or time-limited model is a result, not an exception.
    """
    started = datetime.now(UTC)
    tick = time.perf_counter()
    on_phase("read")
    digest = sha256(input_path)
    inputs, warnings = load(input_path)
    read_s = time.perf_counter() - tick

    on_phase("build and solve")
    params, result = solve_inputs(inputs, options)
    result.timings = {"read": read_s, **result.timings}

    outcome = Run(input_path, inputs, params, result, warnings)
    return finish(outcome, digest, started, report_path, on_phase, display_name)


def finish(
    outcome: Run,
    digest: str,
    started: datetime,
    report_path: Path | None,
    on_phase: Phase = lambda _: None,
    display_name: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Run:
    """Record the run's provenance and write its report (when ``report_path``)."""
    result = outcome.result
    outcome.provenance = {
        "input_file": display_name or outcome.input_path.name,
        "input_sha256": digest,
        **(extra or {}),
        "started_utc": started.isoformat(timespec="seconds"),
        **run_facts(result.solver.get("options", {})),
    }
    if report_path is not None:
        on_phase("report")
        from stockpile.reports import build_report

        tick = time.perf_counter()
        outcome.provenance["finished_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
        build_report(outcome.inputs, outcome.params, result, report_path, outcome.provenance)
        result.timings["report"] = time.perf_counter() - tick
        outcome.report_path = report_path
    outcome.provenance.setdefault("finished_utc", datetime.now(UTC).isoformat(timespec="seconds"))
    return outcome


class Resolver:
    """Solve many variants of one dataset, re-using the HiGHS model where it can.

    ``solve(inputs)`` gives the same answer as ``solve_inputs(inputs, options)``. A
    variant whose LP has the structure of the previous one (the same variables, rows
    and row sparsity: only capacities, costs, prices, yields, availabilities, shares,
    targets, budgets or demands changed) is pushed into the existing HiGHS model and
    re-solved from the previous basis (a warm start); any other variant is rebuilt.
    ``last_was_warm`` says which happened.
    """

    def __init__(self, options: SolveOptions | None = None):
        self.options = options or SolveOptions()
        self._handover: Handover | None = None
        self.last_was_warm = False

    def solve(self, inputs: Inputs) -> tuple[Params, SolveResult]:
        tick = time.perf_counter()
        params = build_params(inputs)
        lp = formulate(params)
        warm = (
            self.options.interface == "direct"
            and self._handover is not None
            and same_structure(self._handover.lp, lp)
        )
        if warm:
            assert self._handover is not None
            build = time.perf_counter() - tick
            tick = time.perf_counter()
            update_direct(self._handover, lp)
        else:
            model = build_model(params, lp)
            build = time.perf_counter() - tick
            tick = time.perf_counter()
            if self.options.interface == "pyomo":
                self._handover = handover_pyomo(model)
            else:
                self._handover = handover_direct(lp)
        handover = time.perf_counter() - tick
        if warm:
            result = solve_warm(self._handover, self.options)
        else:
            result = solve_handover(self._handover, self.options)
            result.solver["warm_start"] = False
        result.timings = {"build": build, "handover": handover, **result.timings}
        self.last_was_warm = bool(result.solver["warm_start"])
        return params, result
