"""What ``stockpile stress`` shows: a progress bar on stderr while the samples are
evaluated, then the headline table on stdout (or one JSON object with ``--json``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console

from stockpile.console import err, shown
from stockpile.stress.plans import IGNORES, PLAN
from stockpile.stress.report import answer, money, share, tonnes

PHASES = {
    "read": "Reading the workbook...",
    "solve": "Solving the plan (and the plan that ignores disruptions)...",
    "evaluate": "Evaluating the samples",
    "report": "Writing the stress report...",
}


@contextlib.contextmanager
def stress_progress(
    quiet: bool,
) -> Iterator[tuple[Callable[[str], None], Callable[[int], None], Callable[[Any], None]]]:
    """A progress display on stderr; yields ``on_phase``, ``on_start`` (number of
    samples) and ``on_block`` (one block's result)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
        transient=False,
    )
    bar = progress.add_task(PHASES["read"], total=None)

    def phase(name: str) -> None:
        progress.update(bar, description=PHASES.get(name, name))

    def started(n: int) -> None:
        progress.update(bar, total=n, completed=0, description=PHASES["evaluate"])

    def block(b: Any) -> None:
        progress.update(bar, advance=b.last - b.first)

    with progress:
        yield phase, started, block


def print_stress(outcome: Any) -> None:
    """The headline on stdout: the answer, the material table, the plans, the report."""
    from rich.table import Table

    out = Console(highlight=False)
    summary = outcome.summary
    if summary is None:
        return
    for line in answer(summary):
        out.print(shown(line))
    risk = summary.plans[PLAN]
    table = Table(
        title=f"Shortfall under the plan ({summary.samples:,} samples)", title_justify="left"
    )
    for name in ("material", "probability", "expected", "95th pct", "99th pct"):
        table.add_column(name, justify="left" if name == "material" else "right")
    for r in sorted(risk.materials.values(), key=lambda r: (-r.probability, -r.expected_share)):
        table.add_row(
            shown(r.material),
            share(r.probability),
            tonnes(r.expected_t),
            tonnes(r.p95_t),
            tonnes(r.p99_t),
        )
    out.print(table)
    plans = Table(title="Each plan on the same samples", title_justify="left")
    for name in ("plan", "expected cost", "any shortfall"):
        plans.add_column(name, justify="left" if name == "plan" else "right")
    for r in summary.plans.values():
        plans.add_row(shown(r.label), money(r.expected_cost_usd), share(r.any_shortfall))
    out.print(plans)
    out.print(
        f"[dim]{summary.samples:,} samples in {summary.seconds:,.1f} s "
        f"({summary.samples_per_second:,.1f}/s, {summary.workers}).[/]"
    )
    if outcome.report_path:
        out.print(f"Stress report: {shown(outcome.report_path)}")


def stress_json(outcome: Any) -> dict[str, Any]:
    """The JSON object of ``stockpile stress --json``."""
    from stockpile.stress.summary import headline

    summary = outcome.summary
    result = outcome.solved.results[PLAN]
    payload: dict[str, Any] = {
        "status": result.status,
        "message": result.message,
        "input": outcome.provenance.get("input_file"),
        "input_sha256": outcome.provenance.get("input_sha256"),
        "report": str(outcome.report_path) if outcome.report_path else None,
    }
    if summary is None:
        return payload
    payload.update(
        seed=summary.seed,
        seconds=round(summary.seconds, 3),
        samples_per_second=round(summary.samples_per_second, 3),
        workers=summary.workers,
        headline=headline(summary),
        plans={
            name: {
                "label": r.label,
                "expected_cost_usd": r.expected_cost_usd,
                "p95_cost_usd": r.p95_cost_usd,
                "expected_shortfall_penalty_usd": r.expected_penalty_usd,
                "any_shortfall": r.any_shortfall,
                "requirement_missed": r.limits_missed,
                "unanswered": r.unanswered,
                "materials": {
                    m.material: {
                        "probability": m.probability,
                        "expected_unmet_t": m.expected_t,
                        "p95_unmet_t": m.p95_t,
                        "p99_unmet_t": m.p99_t,
                        "first_year": m.first_year,
                    }
                    for m in r.materials.values()
                },
            }
            for name, r in summary.plans.items()
        },
        value_of_stochastic_solution_usd=summary.vss_usd(PLAN, IGNORES),
    )
    return payload
