"""What the terminal shows: the solve summary and the comparison table (stdout), the
problems tables and progress displays (stderr), and the ``--json`` payloads (stdout,
nothing else on it). No decisions here: ``cli`` decides what to show and the exit code.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from stockpile.data.problems import Problem

#: Progress, problems and errors go to stderr, so stdout carries only results.
err = Console(stderr=True, highlight=False)

#: What the spinner says in each phase of ``pipeline.run``.
PHASES = {
    "read": "Reading the workbook...",
    "build and solve": "Building the model and solving with HiGHS...",
    "report": "Writing the report...",
}


# --- progress -------------------------------------------------------------------------


@contextlib.contextmanager
def solve_progress(quiet: bool) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr naming the phase of the solve; yields the ``on_phase`` callback."""
    if quiet:
        yield lambda _: None
        return
    with err.status(PHASES["read"], spinner="dots") as status:
        yield lambda phase: status.update(PHASES.get(phase, phase))


@contextlib.contextmanager
def compare_progress(
    quiet: bool,
) -> Iterator[tuple[Callable[[int], None], Callable[[Any], None]]]:
    """A progress bar on stderr over the solves of a comparison; yields the ``on_start``
    (number of solves) and ``on_done`` (one outcome) callbacks."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
        transient=False,
    )
    bar = progress.add_task("Reading and applying the scenarios", total=None)

    def started(n: int) -> None:
        progress.update(bar, total=n, description="Solving")

    def done(o: Any) -> None:
        progress.update(bar, advance=1, description=f"Solved {o.name}: {o.status}")

    with progress:
        yield started, done


# --- problems ---------------------------------------------------------------------------


def echo_json(payload: Any) -> None:
    """Print one JSON object (or list) on stdout."""
    typer.echo(json.dumps(payload, indent=2, default=str))


def print_problems(problems: list[Problem], as_json: bool, extra: dict | None = None) -> None:
    """The problems as a table on stderr, or as JSON on stdout (a list, or ``extra`` with
    the list under "problems")."""
    from stockpile.data.render import problems_json, problems_table

    if as_json:
        echo_json(
            problems_json(problems)
            if extra is None
            else {**extra, "problems": problems_json(problems)}
        )
    elif problems:
        err.print(problems_table(problems))


def print_validation(path: Path, problems: list[Problem], as_json: bool, *, valid: bool) -> None:
    """What ``stockpile validate`` says: every problem, then whether the input is valid."""
    print_problems(problems, as_json)
    if as_json:
        return
    if valid:
        err.print(
            f"[green]{path} is valid[/]" + (f" ({len(problems)} warning(s))" if problems else ".")
        )
    else:
        n = sum(p.severity == "error" for p in problems)
        err.print(f"[red]{n} error(s)[/] in {path}. Fix them and run validate again.")


def print_invalid_input(problems: list[Problem], message: str, as_json: bool, where: str) -> None:
    """Bad input met by solve or compare: the problems (in JSON, inside a null result)
    and that nothing was solved."""
    print_problems(
        problems,
        as_json,
        extra=null_result("invalid_input", message) if as_json else None,
    )
    if not as_json:
        n = sum(p.severity == "error" for p in problems)
        err.print(
            f"[red]{n} error(s)[/]{where}; nothing was solved. "
            "Run `stockpile validate` after fixing them."
        )


# --- JSON payloads ----------------------------------------------------------------------


def null_result(status: str, message: str) -> dict[str, Any]:
    """The JSON result of a command that stopped before it had one."""
    return {"status": status, "message": message, "objective_usd": None, "parts": None}


def fail_json(as_json: bool, status: str, message: str) -> None:
    """With ``--json``, print the null result for a failure before (or after) solving."""
    if as_json:
        echo_json(null_result(status, message))


def result_json(outcome: Any) -> dict[str, Any]:
    """The JSON object of ``stockpile solve --json`` for a ``pipeline.Run``."""
    result = outcome.result
    payload = result.to_json()
    payload["report"] = _full(outcome.report_path)
    payload["input"] = _full(outcome.input_path)
    payload["input_name"] = outcome.provenance.get("input_file")
    payload["input_sha256"] = outcome.provenance.get("input_sha256")
    payload["timings_s"] = {k: round(v, 4) for k, v in result.timings.items()}
    payload["counts"] = result.counts
    payload["warnings"] = [p.to_dict() for p in outcome.warnings]
    if result.diagnosis is not None:
        payload["diagnosis"] = {
            "method": result.diagnosis.method,
            "suggestion": result.diagnosis.suggestion,
            "note": result.diagnosis.note,
            "members": [
                {
                    "family": m.family,
                    "index": list(m.index),
                    "text": m.text,
                    "rows": [{"sheet": s, "row": r, "what": w} for s, r, w in m.sources],
                }
                for m in result.diagnosis.members
            ],
        }
    return payload


def _full(path: Path | None) -> str | None:
    """A path as the JSON shows it: absolute, so a script can open it from anywhere."""
    return str(Path(path).resolve()) if path is not None else None


def compare_json(outcome: Any) -> dict[str, Any]:
    """The JSON object of ``stockpile compare --json`` for a ``commands.Comparison``."""
    base = outcome.outcomes[0]
    return {
        "output": _full(outcome.path),
        "input": _full(outcome.input_path),
        "input_name": outcome.provenance.get("input_file"),
        "input_sha256": outcome.provenance.get("input_sha256"),
        "base": base.to_json(),
        "scenarios": [
            {
                **o.to_json(),
                "delta_objective_usd": (
                    o.objective_usd - base.objective_usd if o.has_plan and base.has_plan else None
                ),
            }
            for o in outcome.outcomes[1:]
        ],
        "warnings": [p.to_dict() for p in outcome.warnings],
    }


# --- tables -----------------------------------------------------------------------------


def print_summary(outcome: Any) -> None:
    """The solve on stdout: its status, the cost table, why there is no plan, the report."""

    from stockpile.diagnose import named_limits
    from stockpile.result import STATUS_WORDS

    result = outcome.result
    out = Console(highlight=False)
    out.print(STATUS_WORDS[result.status])
    if result.log:  # how the solver got there, when not the usual way
        out.print(f"[dim]{result.log[:1].upper()}{result.log[1:]}.[/]")
    if result.has_plan:
        out.print(cost_table(result))
        for line in unmet_lines(result):
            out.print(line)
    if result.diagnosis is not None:
        kind = (
            "an irreducible set of conflicting requirements"
            if result.diagnosis.method == "iis"
            else "the limits that had to be relaxed to make a plan possible"
        )
        out.print(f"[b]Why no plan exists[/] ({kind}):")
        named, linking = named_limits(result.diagnosis)
        for text, rows in named:
            out.print(f"  - {text}" + (f"  [dim]({rows})[/]" if rows else ""))
        if linking:
            out.print(
                f"  [dim](and {linking} balance rows linking them; all are listed on the "
                "report's Infeasibility sheet)[/]"
            )
        out.print(result.diagnosis.suggestion)
    if outcome.report_path:
        out.print(f"Report: {outcome.report_path}")


def cost_table(result: Any) -> Any:
    """The expected discounted cost by part, then E (and the objective when it differs:
    risk_weight > 0)."""
    from rich.table import Table

    from stockpile.model.objective import PARTS

    title = "Expected discounted cost (USD)"
    table = Table(title=title, title_justify="left", min_width=len(title) + 4)
    table.add_column("part")
    table.add_column("USD", justify="right")
    for part in PARTS:
        value = result.parts.get(part.json_key, 0.0)
        table.add_row(part.word, f"{part.sign * value + 0.0:,.0f}")
    expected = result.expected_cost_usd
    if expected is None:
        expected = result.objective_usd
    table.add_row("[b]expected cost[/]", f"[b]{expected:,.0f}[/]")
    if result.cvar_usd is not None:
        table.add_row("CVaR (worst futures)", f"{result.cvar_usd:,.0f}")
        table.add_row("[b]objective[/] (risk-weighted)", f"[b]{result.objective_usd:,.0f}[/]")
    return table


def unmet_lines(result: Any) -> list[str]:
    """One line per future and material with unmet need: 'broad_conflict: 120 t of
    graphite unmet from 2031'."""
    return [
        f"{f.future}: {_tonnes(t)} t of {m} unmet from {f.first_unmet_year[m]}"
        for f in result.futures
        for m, t in f.unmet_t.items()
    ]


def _tonnes(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.3g}"


def print_comparison(outcome: Any) -> None:
    """The comparison on stdout: each scenario's status and objective against the base."""
    from rich.table import Table

    out = Console(highlight=False)
    base = outcome.outcomes[0]
    table = Table(title="Scenarios against the base (discounted USD)", title_justify="left")
    for name, justify in (("scenario", "left"), ("status", "left"), ("objective", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_column("vs base", justify="right")
    for o in outcome.outcomes:
        objective = f"{o.objective_usd:,.0f}" if o.has_plan else "-"
        delta = (
            f"{o.objective_usd - base.objective_usd:+,.0f}"
            if o is not base and o.has_plan and base.has_plan
            else ""
        )
        table.add_row(o.name, o.status, objective, delta)
    out.print(table)
    out.print(f"Comparison: {outcome.path}")
