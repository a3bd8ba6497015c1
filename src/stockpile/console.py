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
from rich.markup import escape as _escape

from stockpile.data.problems import Problem
from stockpile.scenarios.overrides import change_lines
from stockpile.text import json_safe, printable

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
        progress.update(bar, advance=1, description=f"Solved {shown(o.name)}: {o.status}")

    with progress:
        yield started, done


# --- problems ---------------------------------------------------------------------------


def shown(text: Any) -> str:
    """User text for a rich print: control and invisible characters escaped
    (``text.printable``), then rich's markup brackets."""
    return _escape(printable(text))


def echo_json(payload: Any) -> None:
    """Print one JSON object (or list) on stdout: strict JSON, where a number JSON cannot
    hold (inf, -inf, NaN) is null."""
    typer.echo(json.dumps(json_safe(payload), indent=2, default=str, allow_nan=False))


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
            f"[green]{shown(path)} is valid[/]"
            + (f" ({len(problems)} warning(s))" if problems else ".")
        )
    else:
        n = sum(p.severity == "error" for p in problems)
        err.print(f"[red]{n} error(s)[/] in {shown(path)}. Fix them and run validate again.")


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
            f"[red]{n} error(s)[/]{shown(where)}; nothing was solved. "
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
                    o.objective_usd - base.objective_usd
                    if o.shows_plan and base.shows_plan
                    else None
                ),
            }
            for o in outcome.outcomes[1:]
        ],
        "warnings": [p.to_dict() for p in outcome.warnings],
    }


# --- tables -----------------------------------------------------------------------------


def print_summary(outcome: Any) -> None:
    """The solve on stdout, a summary a planner can act on: the scenario and what it
    changed, the status (qualified when need is left unmet), the cost table (resale as a
    minus: the lines add up to the expected cost), the plan in a few sentences (the
    digest's), the flags (unmet need, binding budgets), the price of security, why there
    is no plan (or the closest plan and what it moves), and the report."""
    from stockpile.diagnose import named_limits
    from stockpile.scenarios.overrides import row_annotator

    result = outcome.result
    params = getattr(outcome, "params", None)
    changes = getattr(outcome, "changes", None) or []
    annotate = row_annotator(changes)
    out = Console(highlight=False)
    scenario = getattr(outcome, "scenario", None)
    if scenario is not None:
        for line in scenario_lines(scenario, changes):
            out.print(line)
    out.print(status_line(result))
    if getattr(result, "caution", ""):
        out.print(f"[bold yellow]Caution:[/] {shown(result.caution)}")
    if result.log:  # how the solver got there, when not the usual way
        out.print(f"[dim]{shown(result.log[:1].upper() + result.log[1:])}.[/]")
    if result.closest:
        out.print(
            "[bold red]The plan shown is the closest plan: it does NOT meet the "
            "requirements.[/] [red]It had to move these limits:[/]"
        )
        for r in result.relaxations:
            out.print(f"  [red]-[/] {shown(annotate(r.sheet, r.row, r.text))}")
    if result.shows_plan:
        out.print(cost_table(result))
    if result.has_plan and params is not None:
        for line in plan_lines(params, result):
            out.print(line)
    flags = [*unmet_lines(result)]
    if result.has_plan and params is not None:
        from stockpile.reports.digest import budget_lines

        flags += [_plain(x) for x in budget_lines(result)]
    if flags:
        out.print("[b]Flags[/]:")
        for line in flags:
            out.print(f"  [yellow]![/] {shown(line)}")
    if result.has_plan and params is not None:
        prices = price_lines(params, result)
        if prices:
            out.print("[b]The price of security[/] (shadow prices, discounted USD):")
            for line in prices:
                out.print(f"  - {shown(line)}")
    if result.diagnosis is not None:
        kind = (
            "an irreducible set of conflicting requirements"
            if result.diagnosis.method == "iis"
            else "the limits that had to be relaxed to make a plan possible"
        )
        out.print(f"[b]Why no plan exists[/] ({kind}):")
        named, linking = named_limits(result.diagnosis, annotate)
        for text, rows in named:
            out.print(f"  - {shown(text)}" + (f"  [dim]({shown(rows)})[/]" if rows else ""))
        if linking:
            out.print(
                f"  [dim](and {linking} balance rows linking them; all are listed on the "
                "report's Infeasibility sheet)[/]"
            )
        out.print(shown(result.diagnosis.suggestion))
    if outcome.report_path:
        out.print(f"Report: {shown(str(Path(outcome.report_path).resolve()))}")


def status_line(result: Any) -> str:
    """The status in planner words (``SolveResult.status_text``)."""
    return str(result.status_text())


def scenario_lines(scenario: Any, changes: list[Any], per_override: int = 5) -> list[str]:
    """The scenario, where it was defined and what it says, then what each override
    changed: "Budget 2026: x0.7 (600,000,000 -> 420,000,000 USD)" (the first
    ``per_override`` rows of each override, then how many more)."""
    where = f" ({scenario.origin})" if scenario.origin else ""
    said = f": {scenario.description}" if scenario.description else ""
    lines = [f"[b]Scenario {shown(scenario.name)}[/]{shown(where + said)}"]
    for line in change_lines(scenario.overrides, changes, per_override):
        more = line.startswith("(and ")
        lines.append(f"  [dim]{shown(line)}[/]" if more else f"  {shown(line)}")
    return lines


def plan_lines(params: Any, result: Any) -> list[str]:
    """The plan in a few sentences: the digest's futures and seabed sentences."""
    from stockpile.reports.digest import futures_sentence, seabed_lines

    futures = futures_sentence(params, result, unmet=False)
    return [shown(_plain(x)) for x in ([futures] if futures else []) + seabed_lines(params, result)]


def price_lines(params: Any, result: Any) -> list[str]:
    """The digest's shadow-price sentences: the dearest target tonne per material (with
    why the last year is dearest) and the dearest tonne of need per disruption."""
    from stockpile.reports.digest import cover_price_line, target_price_line

    return [
        _plain(x)
        for x in (target_price_line(params, result), cover_price_line(params, result))
        if x
    ]


def _plain(markdown: str) -> str:
    """The digest's Markdown as plain text (no ** or backticks)."""
    return markdown.replace("**", "").replace("`", "")


def cost_table(result: Any) -> Any:
    """The expected discounted cost by part, then E (and the objective when it differs:
    risk_weight > 0)."""
    from rich.table import Table

    from stockpile.model.objective import PARTS

    title = "Expected discounted cost (USD)"
    if getattr(result, "closest", False):
        title += " of the closest plan, which does not meet the requirements"
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
    """One line per future and material with unmet need: 'broad_conflict: 120.0 t of
    graphite unmet from 2031'."""
    return [
        f"{f.future}: {_tonnes(t)} t of {m} unmet from {f.first_unmet_year[m]}"
        for f in result.futures
        for m, t in f.unmet_t.items()
    ]


def _tonnes(x: float) -> str:
    return f"{x:,.1f}" if abs(x) >= 1 else f"{x:,.3g}"


def print_scenarios(scenarios: list[Any], as_json: bool) -> None:
    """``stockpile scenarios``: one line per scenario (name, what it changes, where it is
    defined), or the scenarios with their overrides as JSON."""
    if as_json:
        echo_json(
            [
                {
                    "name": s.name,
                    "defined_in": s.origin or None,
                    "description": s.summary(),
                    "overrides": [
                        {
                            "sheet": o.sheet,
                            "key": o.key,
                            "column": o.column or None,
                            "op": o.op,
                            "value": o.value,
                            "note": o.note or None,
                            "row": o.row,
                        }
                        for o in s.overrides
                    ],
                }
                for s in scenarios
            ]
        )
        return
    out = Console(highlight=False, soft_wrap=True)  # one line each, however long
    for s in scenarios:
        n = len(s.overrides)
        where = f"{s.origin or 'code'}, {n} override{'s' if n != 1 else ''}"
        out.print(f"[b]{shown(s.name)}[/]: {shown(s.summary())} [dim]({shown(where)})[/]")
    err.print("Solve one with `stockpile solve --scenario NAME`; compare with `-s NAME`.")


def print_comparison(outcome: Any) -> None:
    """The comparison on stdout: each scenario's plan and objective against the base (in
    USD with the relative change), then what each scenario without a least-cost plan
    means. How the solver got there (warm or cold re-solves) is left out."""
    from rich import box
    from rich.table import Table

    from stockpile.scenarios.compare import closest, delta_text, plan_words, shows_plan

    out = Console(highlight=False)
    base = outcome.outcomes[0]
    table = Table(
        title="Scenarios against the base (discounted USD)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    # names and numbers whole on one line; the status may wrap
    table.add_column("scenario", no_wrap=True)
    table.add_column("status", overflow="fold")
    table.add_column("objective", justify="right", no_wrap=True)
    table.add_column("vs base", justify="right", no_wrap=True)
    for o in outcome.outcomes:
        objective = f"{o.objective_usd:,.0f}" if shows_plan(o) else "-"
        delta = (
            delta_text(o.objective_usd, base.objective_usd, "USD")
            if o is not base and shows_plan(o) and shows_plan(base)
            else ""
        )
        status = o.status + (" (closest plan)" if closest(o) else "")
        table.add_row(
            shown(o.name), status if o.has_plan else f"[red]{status}[/]", objective, delta
        )
    out.print(table)
    for o in outcome.outcomes:
        if closest(o):
            out.print(
                f"[red]{shown(o.name)}: the closest plan does NOT meet the requirements; it "
                f"moves {len(o.relaxations)} limit{'s' if len(o.relaxations) > 1 else ''} "
                "(the comparison's Diagnosis sheet).[/]"
            )
        elif not o.has_plan:
            out.print(f"{shown(o.name)}: {plan_words(o)}; see the comparison's Diagnosis sheet.")
    out.print(f"Comparison: {shown(str(outcome.path))}")
