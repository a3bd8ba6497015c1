"""load -> validate -> [apply scenario] -> formulate -> solve -> report, nothing else."""

from __future__ import annotations

import hashlib
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stockpile import package_version
from stockpile.data.inputs import Inputs
from stockpile.data.params import Params
from stockpile.data.problems import InputError, Problem
from stockpile.result import SolveResult
from stockpile.solver.highs import SolveOptions, highs_version
from stockpile.solver.policy import Resolver

if TYPE_CHECKING:
    from stockpile.scenarios.overrides import Change, Scenario

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
    """The SHA-256 of an input file, once ``safety.check_input`` has let it through
    (``InputError`` otherwise: a folder, a pipe or a device is never read)."""
    from stockpile.data.safety import check_input

    problems = check_input(path)
    if problems:
        raise InputError(problems)
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
    """Build the parameters and the LP of validated inputs and solve it cold. Only
    ``options.interface == "pyomo"`` builds a Pyomo model."""
    return Resolver(options).solve(inputs)


def add_scaling_caution(result: SolveResult, inputs: Inputs) -> None:
    """When HiGHS found no plan (infeasible, unbounded, an error) for inputs with badly
    scaled numbers, say that the answer may come from the scaling, naming the cells,
    in ``result.caution`` and at the end of ``result.message``."""
    from stockpile.data.magnitudes import scaling_warnings

    if result.status in ("optimal", "time_limit_feasible"):
        return
    cells = scaling_warnings(inputs)
    if not cells:
        return
    where = "; ".join(
        f"{p.sheet} row {p.row} {p.column} = {p.value:g}" if p.row else f"{p.sheet} {p.column}"
        for p in cells[:5]
    )
    more = f" and {len(cells) - 5} more" if len(cells) > 5 else ""
    result.caution = (
        f"This {result.status.replace('_', ' ')} answer may be an artefact of badly scaled "
        f"numbers, not of the requirements: {where}{more}. Check those values (units) and "
        "solve again before acting on the diagnosis."
    )
    result.message = f"{result.message} {result.caution}"


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
    #: the scenario applied (``--scenario``) and every input value it changed
    scenario: Scenario | None = None
    changes: list[Change] = field(default_factory=list)


def run(
    input_path: Path,
    report_path: Path | None,
    options: SolveOptions,
    on_phase: Phase = lambda _: None,
    display_name: str | None = None,
    *,
    scenario: str | None = None,
    scenarios_file: Path | None = None,
) -> Run:
    """The whole job: read, [apply ``scenario``], build, solve and (if report_path) write
    the report. The workbook's data sheets are read once.

    ``scenario`` is looked up in ``scenarios_file``, then in the input's own Scenarios
    sheet, then among the bundled scenarios (``scenarios.commands.find_scenarios``); the
    report's provenance names it. Raises InputError for bad input (an unknown scenario
    or a bad override too) and ``files.CannotWrite`` when the report or the LP file
    cannot be written (checked before solving, too); an
    infeasible or time-limited model is a result, not an exception.
    """
    started = datetime.now(UTC)
    tick = time.perf_counter()
    on_phase("read")
    digest = sha256(input_path)
    inputs, warnings = load(input_path)
    extra: dict[str, Any] | None = None
    found: Scenario | None = None
    changes: list[Change] = []
    if scenario is not None:
        from stockpile.scenarios.apply import apply_scenario_traced
        from stockpile.scenarios.commands import find_scenarios

        (found,) = find_scenarios([scenario], input_path, scenarios_file)
        inputs, changes = apply_scenario_traced(inputs, found)
        extra = scenario_facts(found, changes)
    read_s = time.perf_counter() - tick
    _check_destinations(report_path, options)

    on_phase("build and solve")
    params, result = Resolver(options).solve(inputs)
    result.timings = {"read": read_s, **result.timings}
    add_scaling_caution(result, inputs)

    outcome = Run(input_path, inputs, params, result, warnings, scenario=found, changes=changes)
    return finish(outcome, digest, started, report_path, on_phase, display_name, extra)


def scenario_facts(found: Scenario, changes: list[Change]) -> dict[str, Any]:
    """What the provenance of a run says about the scenario it applied."""
    from stockpile.scenarios.overrides import change_lines

    return {
        "scenario": found.name,
        "scenario_defined_in": found.origin,
        "scenario_description": found.description,
        # one line per override, with the values before and after (the report shows them)
        "scenario_overrides": change_lines(found.overrides, changes),
    }


def _check_destinations(report_path: Path | None, options: SolveOptions) -> None:
    """``CannotWrite`` now, not after the solve, for a report or LP file that cannot be
    written (``files.check_destination``)."""
    from stockpile.files import check_destination
    from stockpile.solver.highs import check_lp_destination

    if report_path is not None:
        check_destination(report_path)
    if options.write_lp is not None:
        check_lp_destination(options.write_lp)


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
