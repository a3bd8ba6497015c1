"""``stockpile stress``: read, solve the plans, draw and evaluate the samples, summarise,
write the stress report. One application call for the CLI (``stress``); what the
terminal shows is in ``stress.terminal``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stockpile.data.inputs import Inputs
from stockpile.data.params import Params, build_params
from stockpile.data.problems import InputError, Problem
from stockpile.files import check_destination
from stockpile.pipeline import load, run_facts, sha256
from stockpile.solver.highs import SolveOptions
from stockpile.stress.plans import PLAN, Solved, solve_plans
from stockpile.stress.run import BLOCK, OnBlock, StressRun, evaluate, make_job
from stockpile.stress.summary import Summary, summarize
from stockpile.stress.uncertainty import Uncertainty, uncertainty

Phase = Callable[[str], None]


@dataclass
class Stress:
    """Everything one ``stockpile stress`` produced."""

    input_path: Path
    inputs: Inputs
    params: Params
    solved: Solved
    warnings: list[Problem]
    uncertainty: Uncertainty | None = None
    run: StressRun | None = None
    summary: Summary | None = None
    report_path: Path | None = None
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """The plan's solve status (the stress test runs only when it has a plan)."""
        return self.solved.results[PLAN].status


def check_uncertainty(inputs: Inputs) -> Uncertainty:
    """The description of uncertainty, or an InputError saying how to add one."""
    u = uncertainty(inputs)
    if not u.types:
        raise InputError(
            [
                Problem(
                    "there is nothing to sample: the workbook has no DisruptionTypes rows",
                    "Add DisruptionTypes rows (and DisruptionTypeImpacts rows for what each "
                    "type hits), or run with --listed to stress the plan with the "
                    "workbook's own Disruptions.",
                    sheet="DisruptionTypes",
                )
            ]
        )
    return u


def stress(
    input_path: Path,
    report_path: Path | None,
    *,
    samples: int = 1000,
    seed: int = 0,
    workers: int = 1,
    dask: Any = None,
    risk_weight: float | None = None,
    floor: bool = True,
    listed: bool = False,
    block: int = BLOCK,
    options: SolveOptions | None = None,
    display_name: str | None = None,
    on_phase: Phase = lambda _p: None,
    on_start: Callable[[int], None] = lambda _n: None,
    on_block: OnBlock | None = None,
) -> Stress:
    """The whole job. Raises InputError for bad input (nothing solved), ``CannotWrite``
    when the report cannot be written (checked before solving, too) and ScaleOutError
    when the Dask cluster cannot be used; a plan that cannot be solved is an outcome
    (``status``), not an exception."""
    started = datetime.now(UTC)
    on_phase("read")
    digest = sha256(input_path)
    inputs, warnings = load(input_path)
    return stress_inputs(
        inputs,
        report_path,
        input_path=input_path,
        warnings=warnings,
        digest=digest,
        started=started,
        samples=samples,
        seed=seed,
        workers=workers,
        dask=dask,
        risk_weight=risk_weight,
        floor=floor,
        listed=listed,
        block=block,
        options=options,
        display_name=display_name,
        on_phase=on_phase,
        on_start=on_start,
        on_block=on_block,
    )


def stress_inputs(
    inputs: Inputs,
    report_path: Path | None,
    *,
    input_path: Path,
    warnings: list[Problem] | None = None,
    digest: str = "",
    started: datetime | None = None,
    samples: int = 1000,
    seed: int = 0,
    workers: int = 1,
    dask: Any = None,
    risk_weight: float | None = None,
    floor: bool = True,
    listed: bool = False,
    block: int = BLOCK,
    options: SolveOptions | None = None,
    display_name: str | None = None,
    on_phase: Phase = lambda _p: None,
    on_start: Callable[[int], None] = lambda _n: None,
    on_block: OnBlock | None = None,
) -> Stress:
    """``stress`` for inputs already read (or made in code): everything after the read.
    ``input_path`` and ``digest`` only name the input in the provenance."""
    started = started or datetime.now(UTC)
    warnings = warnings or []
    u = None if listed else check_uncertainty(inputs)
    if listed and not inputs.disruptions:
        raise InputError(
            [Problem("--listed needs Disruptions rows", "Add Disruptions.", sheet="Disruptions")]
        )
    if report_path is not None:
        check_destination(report_path)  # now, not after the solves
    on_phase("solve")
    solved = solve_plans(inputs, options, risk_weight)
    params = build_params(inputs)
    out = Stress(input_path, inputs, params, solved, warnings, u)
    if not solved.results[PLAN].has_plan:
        return out
    n = len(inputs.disruptions) if listed else samples
    job = make_job(inputs, solved.plans, seed, floor=floor, sampled=not listed)
    on_phase("evaluate")
    on_start(n)
    run = evaluate(job, n, workers=workers, dask=dask, block=block, on_block=on_block)
    out.run = run
    base_cost = _base_costs(solved)
    out.summary = summarize(
        run,
        params.MATERIALS,
        params.YEARS,
        {pl.name: pl.label for pl in solved.plans},
        base_cost,
        None if listed else seed,
        {pl.name: pl.expected_cost_usd for pl in solved.plans},
    )
    out.provenance = {
        "input_file": display_name or input_path.name,
        "input_sha256": digest,
        "samples from": "the workbook's Disruptions (--listed)" if listed else "DisruptionTypes",
        "coverage floor": "kept where the plan can meet it, else missed as little as it can"
        if floor
        else "left out (--no-floor): need is only penalised",
        "plans solved in": f"{solved.seconds:.1f} s",
        "block": block,
        "started_utc": started.isoformat(timespec="seconds"),
        **run_facts(solved.results[PLAN].solver.get("options", {})),
    }
    if solved.skipped:
        out.provenance["plans not evaluated"] = "; ".join(solved.skipped.values())
    if report_path is not None:
        on_phase("report")
        from stockpile.stress.report import write_stress_report

        out.provenance["finished_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
        write_stress_report(
            out.summary,
            u or uncertainty(inputs),
            params.MATERIALS,
            report_path,
            out.provenance,
        )
        out.report_path = report_path
    return out


def _base_costs(solved: Solved) -> dict[str, float]:
    """K[base] of each plan: the cost of the whole horizon without disruption."""
    return {pl.name: pl.future_cost_usd["base"] for pl in solved.plans}
