"""The ``stockpile`` command: parse, call the pipeline, map outcomes to exit codes."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from stockpile.data.problems import InputError, Problem


class Exit(IntEnum):
    """Exit codes (public interface, see README)."""

    OK = 0  # optimal (or a feasible plan at the time limit: see status)
    INFEASIBLE = 10
    UNBOUNDED = 11
    TIME_LIMIT_NO_PLAN = 12
    SOLVER_ERROR = 70
    INVALID_INPUT = 65
    CLUSTER_UNAVAILABLE = 69  # compare --dask: the scheduler cannot be reached
    CANNOT_WRITE = 73


STATUS_EXIT = {
    "optimal": Exit.OK,
    "time_limit_feasible": Exit.OK,
    "infeasible": Exit.INFEASIBLE,
    "unbounded": Exit.UNBOUNDED,
    "time_limit_no_solution": Exit.TIME_LIMIT_NO_PLAN,
    "error": Exit.SOLVER_ERROR,
}

app = typer.Typer(
    help="Plan a strategic critical-minerals stockpile at least cost (Pyomo + HiGHS).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send anything native code prints on fd 1 (the HiGHS banner) to stderr, so stdout
    carries only what this command means to print (the --json object)."""
    try:
        fd = sys.__stdout__.fileno() if sys.__stdout__ else 1
        saved = os.dup(fd)
    except (OSError, ValueError):
        yield
        return
    try:
        sys.__stdout__.flush()
        os.dup2(2, fd)
        yield
    finally:
        with contextlib.suppress(Exception):
            sys.__stdout__.flush()
        os.dup2(saved, fd)
        os.close(saved)


def _print_problems(problems: list[Problem], as_json: bool, extra: dict | None = None) -> None:
    from stockpile.data.render import problems_json, problems_table

    if as_json:
        payload: Any = (
            problems_json(problems)
            if extra is None
            else {**extra, "problems": problems_json(problems)}
        )
        typer.echo(json.dumps(payload, indent=2, default=str))
    else:
        if problems:
            err.print(problems_table(problems))


def _refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        err.print(
            f"[red]{path} already exists.[/] Choose another path or add --force to replace it."
        )
        raise typer.Exit(Exit.CANNOT_WRITE)
    if path.suffix.lower() != ".xlsx":
        err.print(f"[red]{path}: the file name must end in .xlsx.[/]")
        raise typer.Exit(Exit.CANNOT_WRITE)


@app.command()
def template(
    path: Annotated[Path, typer.Argument(help="Where to write the empty input workbook.")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write an empty input workbook with instructions, dropdowns and column help."""
    from stockpile.data.template import write_workbook

    _write_new(path, force, lambda p: write_workbook(p, None, force=True), "Template")


@app.command()
def example(
    path: Annotated[Path, typer.Argument(help="Where to write the bundled default dataset.")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write the bundled default dataset (US critical minerals 2026-2040) as a workbook."""
    from stockpile.pipeline import bundled_workbook

    _write_new(path, force, lambda p: shutil.copyfile(bundled_workbook(), p), "Default dataset")


def _write_new(path: Path, force: bool, write: Callable[[Path], object], what: str) -> None:
    """Write a workbook the user asked for: never over an existing file without --force,
    through a temporary file in the same folder, so a failure leaves nothing behind."""
    _refuse_existing(path, force)
    tmp = path.with_name(f".{path.name}.tmp.xlsx")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        err.print(f"[red]Cannot write {path}: {exc.strerror or exc}[/]")
        raise typer.Exit(Exit.CANNOT_WRITE) from None
    err.print(f"{what} written to {path}")


@app.command()
def validate(
    input: Annotated[Path, typer.Argument(help="The input workbook (.xlsx).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print problems as JSON.")] = False,
) -> None:
    """Check a workbook and report every problem; exit 0 when clean, 65 otherwise."""
    from stockpile.pipeline import load

    try:
        inputs, warnings = load(input)
        _check_scenarios(input, inputs)
    except InputError as exc:
        _print_problems(exc.problems, as_json)
        n = sum(p.severity == "error" for p in exc.problems)
        if not as_json:
            err.print(f"[red]{n} error(s)[/] in {input}. Fix them and run validate again.")
        raise typer.Exit(Exit.INVALID_INPUT) from None
    _print_problems(warnings, as_json)
    if not as_json:
        err.print(
            f"[green]{input} is valid[/]" + (f" ({len(warnings)} warning(s))" if warnings else ".")
        )


def _check_scenarios(path: Path, inputs: Any) -> None:
    """Apply every scenario of the workbook's Scenarios sheet (if any) to its data, so
    that a bad override is found by validate, not only when it is solved."""
    from stockpile.scenarios.apply import apply_scenario
    from stockpile.scenarios.sheet import read_scenarios

    problems: list[Problem] = []
    for scenario in read_scenarios(path).values():
        try:
            apply_scenario(inputs, scenario)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)


@app.command()
def solve(
    input: Annotated[
        Path | None,
        typer.Argument(help="Input workbook; omit it to solve the bundled default dataset."),
    ] = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Report workbook to write.")
    ] = Path("report.xlsx"),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object with the result on stdout.")
    ] = False,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0.0, help="Solver time limit [s].")
    ] = None,
    threads: Annotated[int | None, typer.Option("--threads", min=1, help="Solver threads.")] = None,
    method: Annotated[
        str, typer.Option("--method", help="LP method: choose, simplex, ipm or pdlp.")
    ] = "choose",
    write_lp: Annotated[
        Path | None, typer.Option("--write-lp", help="Also write the LP to this file.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            help="Solve this what-if scenario (from --scenarios FILE, the input's Scenarios "
            "sheet, or a bundled one).",
        ),
    ] = None,
    scenarios_file: Annotated[
        Path | None, typer.Option("--scenarios", help="Workbook with a Scenarios sheet.")
    ] = None,
) -> None:
    """Solve a workbook (or the bundled dataset) and write the Excel report."""
    from stockpile.pipeline import bundled_workbook, run
    from stockpile.reports.excel import ReportWriteError
    from stockpile.solve import SolveOptions

    if method not in ("choose", "simplex", "ipm", "pdlp"):
        raise typer.BadParameter("use choose, simplex, ipm or pdlp", param_hint="--method")
    path = input if input is not None else bundled_workbook()
    name = path.name if input is not None else f"{path.name} (bundled default dataset)"
    if input is not None and output.resolve() == input.resolve():
        err.print(f"[red]The report would overwrite the input {input}.[/] Choose another -o.")
        raise typer.Exit(Exit.CANNOT_WRITE)
    options = SolveOptions(
        time_limit=time_limit,
        threads=threads,
        method=method,  # type: ignore[arg-type]
        write_lp=write_lp,
    )

    status_ctx = (
        contextlib.nullcontext() if quiet else err.status("Reading the workbook...", spinner="dots")
    )
    phases = {
        "read": "Reading the workbook...",
        "build and solve": "Building the model and solving with HiGHS...",
        "report": "Writing the report...",
    }
    if scenario is not None or scenarios_file is not None:
        from functools import partial

        from stockpile.scenarios.commands import run_scenario

        if scenario is None:
            raise typer.BadParameter("name the scenario to solve", param_hint="--scenario")
        run = partial(run_scenario, scenario=scenario, scenarios_file=scenarios_file)
    try:
        with status_ctx as status, _stdout_to_stderr():
            outcome = run(
                path,
                output,
                options,
                on_phase=(lambda ph: status.update(phases.get(ph, ph)))
                if status
                else (lambda _: None),
                display_name=name,
            )
    except FileNotFoundError:
        err.print(f"[red]Input not found: {path}[/]")
        _fail_json(as_json, "invalid_input", f"Input not found: {path}")
        raise typer.Exit(Exit.INVALID_INPUT) from None
    except InputError as exc:
        _invalid_input(exc, as_json, f" in {path}")
    except ReportWriteError as exc:
        err.print(
            f"[red]Cannot write the report {exc.path}: {exc.reason}[/] "
            "Close it in Excel or choose another -o."
        )
        _fail_json(as_json, "report_not_writable", f"Cannot write {exc.path}: {exc.reason}")
        raise typer.Exit(Exit.CANNOT_WRITE) from None

    result = outcome.result
    if as_json:
        typer.echo(json.dumps(_result_json(outcome), indent=2, default=str))
    else:
        _print_problems(outcome.warnings, as_json=False)
        _print_summary(outcome)
    raise typer.Exit(STATUS_EXIT[result.status])


@app.command()
def compare(
    input: Annotated[
        Path | None,
        typer.Argument(help="Input workbook; omit it to use the bundled default dataset."),
    ] = None,
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            "-s",
            help="A scenario to compare with the base (repeat the option for several).",
        ),
    ] = None,
    scenarios_file: Annotated[
        Path | None, typer.Option("--scenarios", help="Workbook with a Scenarios sheet.")
    ] = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Comparison workbook to write.")
    ] = Path("compare.xlsx"),
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Worker processes (default: the number of cores)."),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option("--dask", help="Run the solves on this Dask scheduler (tcp://host:8786)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object with the results on stdout.")
    ] = False,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0.0, help="Solver time limit per solve [s].")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Solve the base and each scenario and write a comparison workbook (exit 0 when
    written, even if some scenarios have no plan)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from stockpile.reports.excel import ReportWriteError
    from stockpile.scenarios import commands
    from stockpile.scenarios.runner import ScaleOutError, default_workers
    from stockpile.solve import SolveOptions

    if not scenario:
        raise typer.BadParameter("name at least one scenario", param_hint="--scenario")
    if input is not None and output.resolve() == input.resolve():
        err.print(f"[red]The comparison would overwrite the input {input}.[/] Choose another -o.")
        raise typer.Exit(Exit.CANNOT_WRITE)
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

    try:
        with progress, _stdout_to_stderr():
            outcome = commands.compare(
                input,
                scenario,
                output,
                SolveOptions(time_limit=time_limit),
                scenarios_file=scenarios_file,
                workers=workers or default_workers(),
                dask=dask,
                on_start=started,
                on_done=done,
            )
    except InputError as exc:
        _invalid_input(exc, as_json)
    except ReportWriteError as exc:
        err.print(
            f"[red]Cannot write the comparison {exc.path}: {exc.reason}[/] "
            "Close it in Excel or choose another -o."
        )
        _fail_json(as_json, "report_not_writable", f"Cannot write {exc.path}: {exc.reason}")
        raise typer.Exit(Exit.CANNOT_WRITE) from None
    except ScaleOutError as exc:
        err.print(f"[red]{exc}[/]")
        _fail_json(as_json, "cluster_unavailable", str(exc))
        raise typer.Exit(Exit.CLUSTER_UNAVAILABLE) from None

    base = outcome.outcomes[0]
    if as_json:
        payload = {
            "output": str(outcome.path),
            "input": outcome.provenance.get("input_file"),
            "input_sha256": outcome.provenance.get("input_sha256"),
            "base": base.to_json(),
            "scenarios": [
                {
                    **o.to_json(),
                    "delta_objective_usd": (
                        o.objective_usd - base.objective_usd
                        if o.has_plan and base.has_plan
                        else None
                    ),
                }
                for o in outcome.outcomes[1:]
            ],
            "warnings": [p.to_dict() for p in outcome.warnings],
        }
        typer.echo(json.dumps(payload, indent=2, default=str))
    else:
        _print_comparison(outcome)


def _print_comparison(outcome: Any) -> None:
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


def _invalid_input(exc: InputError, as_json: bool, where: str = "") -> NoReturn:
    """Report bad input (as JSON or a table) and exit 65: nothing was solved."""
    _print_problems(
        exc.problems,
        as_json,
        extra=_null_result("invalid_input", str(exc)) if as_json else None,
    )
    if not as_json:
        n = sum(p.severity == "error" for p in exc.problems)
        err.print(
            f"[red]{n} error(s)[/]{where}; nothing was solved. "
            "Run `stockpile validate` after fixing them."
        )
    raise typer.Exit(Exit.INVALID_INPUT)


def _null_result(status: str, message: str) -> dict[str, Any]:
    return {"status": status, "message": message, "objective_usd": None, "parts": None}


def _fail_json(as_json: bool, status: str, message: str) -> None:
    if as_json:
        typer.echo(json.dumps(_null_result(status, message), indent=2))


def _result_json(outcome: Any) -> dict[str, Any]:
    result = outcome.result
    payload = result.to_json()
    payload["report"] = str(outcome.report_path) if outcome.report_path else None
    payload["input"] = outcome.provenance.get("input_file")
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


def _print_summary(outcome: Any) -> None:
    from rich.table import Table

    from stockpile.diagnose import STRUCTURAL
    from stockpile.result import STATUS_WORDS

    result = outcome.result
    out = Console(highlight=False)
    out.print(STATUS_WORDS[result.status])
    if result.log:  # how the solver got there, when not the usual way
        out.print(f"[dim]{result.log[:1].upper()}{result.log[1:]}.[/]")
    if result.has_plan:
        table = Table(title="Discounted cost (USD)", title_justify="left")
        table.add_column("part")
        table.add_column("USD", justify="right")
        for key, value in result.parts.items():
            table.add_row(key.removesuffix("_usd"), f"{value:,.0f}")
        table.add_row("[b]objective[/]", f"[b]{result.objective_usd:,.0f}[/]")
        out.print(table)
    if result.diagnosis is not None:
        kind = (
            "an irreducible set of conflicting requirements"
            if result.diagnosis.method == "iis"
            else "the limits that had to be relaxed to make a plan possible"
        )
        out.print(f"[b]Why no plan exists[/] ({kind}):")
        linking = 0
        for m in result.diagnosis.members:
            if m.family in STRUCTURAL or m.family.startswith("bound:"):
                linking += 1
                continue
            rows = "; ".join(f"{s} row {r}: {w}" for s, r, w in m.sources)
            out.print(f"  - {m.text}" + (f"  [dim]({rows})[/]" if rows else ""))
        if linking:
            out.print(
                f"  [dim](and {linking} balance rows linking them; all are listed on the "
                "report's Infeasibility sheet)[/]"
            )
        out.print(result.diagnosis.suggestion)
    if outcome.report_path:
        out.print(f"Report: {outcome.report_path}")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
