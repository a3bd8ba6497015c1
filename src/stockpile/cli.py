"""The ``stockpile`` command: parse the options, make one application call, map its
outcome (or exception) to an exit code. What the terminal shows is ``console``'s."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from stockpile import console
from stockpile.console import err, shown
from stockpile.data.bundle import BUNDLED, BUNDLED_LABEL
from stockpile.data.problems import InputError
from stockpile.files import CannotWrite, write_atomically
from stockpile.processes import terminate_as_exit
from stockpile.stdio import redirect_native_stdout


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


@app.callback()
def _every_command(ctx: typer.Context) -> None:
    # SIGTERM takes Ctrl-C's way out (temporary files removed, workers stopped) for the
    # whole command; the previous handler is back when the command ends.
    ctx.with_resource(terminate_as_exit())


@app.command()
def template(
    path: Annotated[Path, typer.Argument(help="Where to write the empty input workbook.")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write an empty input workbook with instructions, dropdowns and column help."""
    from stockpile.data.template import build_workbook

    _write_new(path, force, lambda p: build_workbook(None).save(p), "Template")


@app.command()
def example(
    path: Annotated[Path, typer.Argument(help="Where to write the bundled default dataset.")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write the bundled default dataset (US critical minerals 2026-2040) as a workbook."""
    _write_new(path, force, lambda p: shutil.copyfile(BUNDLED, p), "Default dataset")


def _write_new(path: Path, force: bool, write: Callable[[Path], object], what: str) -> None:
    """Write a workbook the user asked for: an .xlsx name, never over an existing file
    without --force, and only where ``files.write_atomically`` writes."""
    if path.suffix.lower() != ".xlsx":
        err.print(f"[red]{shown(path)}: the file name must end in .xlsx.[/]")
        raise typer.Exit(Exit.CANNOT_WRITE)
    try:
        write_atomically(path, write, replace=force)
    except CannotWrite as exc:
        replaceable = path.is_file() and not path.is_symlink()
        if replaceable and not force:
            _cannot_write(exc, False, "Choose another path or add --force to replace it.")
        _cannot_write(exc, False)
    err.print(f"{what} written to {shown(path)}")


@app.command()
def validate(
    input: Annotated[Path, typer.Argument(help="The input workbook (.xlsx).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print problems as JSON.")] = False,
) -> None:
    """Check a workbook and report every problem; exit 0 when clean, 65 otherwise."""
    from stockpile.scenarios.commands import validate_workbook

    try:
        warnings = validate_workbook(input)
    except InputError as exc:
        console.print_validation(input, exc.problems, as_json, valid=False)
        raise typer.Exit(Exit.INVALID_INPUT) from None
    console.print_validation(input, warnings, as_json, valid=True)


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
        float | None,
        typer.Option(
            "--time-limit",
            min=0.0,
            metavar="SECONDS",
            help="Solver time limit in seconds (default: none).",
        ),
    ] = None,
    threads: Annotated[int | None, typer.Option("--threads", min=1, help="Solver threads.")] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            metavar="choose|simplex|ipm|pdlp",
            help="LP method: choose (HiGHS decides), simplex, ipm (interior "
            "point) or pdlp (first-order, for very large models).",
        ),
    ] = "choose",
    interface: Annotated[
        str,
        typer.Option(
            "--interface",
            metavar="direct|pyomo",
            help="direct: hand the rows to HiGHS (default); pyomo: build the Pyomo model and "
            "solve it through Pyomo's HiGHS interface.",
        ),
    ] = "direct",
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
    """Solve a workbook (or the bundled dataset) and write the Excel report.

    Exit codes: 0 optimal (also a feasible plan found before the time limit: see the
    status), 10 infeasible, 11 unbounded, 12 time limit without a plan, 65 invalid input,
    70 solver error, 73 report not writable.
    """
    from stockpile.pipeline import run
    from stockpile.solver.highs import SolveOptions, SolverError

    if method not in ("choose", "simplex", "ipm", "pdlp"):
        raise typer.BadParameter("use choose, simplex, ipm or pdlp", param_hint="--method")
    if interface not in ("direct", "pyomo"):
        raise typer.BadParameter("use direct or pyomo", param_hint="--interface")
    path = input if input is not None else BUNDLED
    name = path.name if input is not None else BUNDLED_LABEL
    if input is not None and output.resolve() == input.resolve():
        err.print(
            f"[red]The report would overwrite the input {shown(input)}.[/] Choose another -o."
        )
        raise typer.Exit(Exit.CANNOT_WRITE)
    options = SolveOptions(
        time_limit=time_limit,
        threads=threads,
        method=method,  # type: ignore[arg-type]
        write_lp=write_lp,
        interface=interface,  # type: ignore[arg-type]
    )
    if scenarios_file is not None and scenario is None:
        raise typer.BadParameter("name the scenario to solve", param_hint="--scenario")
    try:
        with console.solve_progress(quiet) as on_phase, redirect_native_stdout():
            outcome = run(
                path,
                output,
                options,
                on_phase=on_phase,
                display_name=name,
                scenario=scenario,
                scenarios_file=scenarios_file,
            )
    except FileNotFoundError:
        err.print(f"[red]Input not found: {shown(path)}[/]")
        console.fail_json(as_json, "invalid_input", f"Input not found: {path}")
        raise typer.Exit(Exit.INVALID_INPUT) from None
    except InputError as exc:
        _invalid_input(exc, as_json, f" in {path}")
    except SolverError as exc:
        err.print(f"[red]{shown(exc)}[/]")
        console.fail_json(as_json, "error", str(exc))
        raise typer.Exit(Exit.SOLVER_ERROR) from None
    except CannotWrite as exc:
        _cannot_write(exc, as_json)

    if as_json:
        console.echo_json(console.result_json(outcome))
    else:
        console.print_problems(outcome.warnings, as_json=False)
        console.print_summary(outcome)
    raise typer.Exit(STATUS_EXIT[outcome.result.status])


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
        float | None,
        typer.Option(
            "--time-limit",
            min=0.0,
            metavar="SECONDS",
            help="Solver time limit per solve in seconds (default: none).",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Solve the base and each scenario and write a comparison workbook.

    Exit codes: 0 comparison written (even if some scenarios have no plan), 65 invalid
    input or scenario, 69 Dask scheduler unreachable (--dask), 73 comparison not writable.
    """
    from stockpile.scenarios import commands
    from stockpile.scenarios.runner import ScaleOutError, default_workers
    from stockpile.solver.highs import SolveOptions

    if not scenario:
        raise typer.BadParameter("name at least one scenario", param_hint="--scenario")
    if input is not None and output.resolve() == input.resolve():
        err.print(
            f"[red]The comparison would overwrite the input {shown(input)}.[/] Choose another -o."
        )
        raise typer.Exit(Exit.CANNOT_WRITE)
    try:
        with console.compare_progress(quiet) as (started, done), redirect_native_stdout():
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
    except CannotWrite as exc:
        _cannot_write(exc, as_json)
    except ScaleOutError as exc:
        err.print(f"[red]{shown(exc)}[/]")
        console.fail_json(as_json, "cluster_unavailable", str(exc))
        raise typer.Exit(Exit.CLUSTER_UNAVAILABLE) from None

    if as_json:
        console.echo_json(console.compare_json(outcome))
    else:
        console.print_comparison(outcome)


@app.command("scenarios")
def scenarios_command(
    input: Annotated[
        Path | None,
        typer.Argument(help="Also list the scenarios of this workbook's Scenarios sheet."),
    ] = None,
    scenarios_file: Annotated[
        Path | None,
        typer.Option("--scenarios", help="Also list the scenarios of this workbook."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the scenarios and their overrides as JSON.")
    ] = False,
) -> None:
    """List the scenarios --scenario can name (the bundled ones, and those of the given
    workbooks), one line each: its name, where it is defined and what it changes.

    Exit codes: 0 listed, 65 a workbook or its Scenarios sheet cannot be read.
    """
    from stockpile.scenarios.commands import list_scenarios

    for path in (input, scenarios_file):
        if path is not None and not path.exists():
            err.print(f"[red]Input not found: {shown(path)}[/]")
            console.fail_json(as_json, "invalid_input", f"Input not found: {path}")
            raise typer.Exit(Exit.INVALID_INPUT)
    try:
        found = list_scenarios(input, scenarios_file)
    except InputError as exc:
        _invalid_input(exc, as_json)
    console.print_scenarios(found, as_json)


@app.command()
def stress(
    input: Annotated[
        Path | None,
        typer.Argument(help="Input workbook; omit it to stress the bundled default dataset."),
    ] = None,
    samples: Annotated[int, typer.Option("--samples", "-n", min=1, help="Futures to draw.")] = 1000,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Seed of the draws (same seed, same samples).")
    ] = 0,
    output: Annotated[Path, typer.Option("-o", "--output", help="Stress report to write.")] = Path(
        "stress.xlsx"
    ),
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Worker processes (default: the number of cores)."),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option("--dask", help="Evaluate on this Dask scheduler (tcp://host:8786)."),
    ] = None,
    risk_weight: Annotated[
        float | None,
        typer.Option(
            "--risk-weight",
            min=0.0,
            max=1.0,
            help="Also evaluate the plan solved with this risk_weight.",
        ),
    ] = None,
    listed: Annotated[
        bool,
        typer.Option("--listed", help="Use the workbook's own Disruptions as the samples."),
    ] = False,
    no_floor: Annotated[
        bool,
        typer.Option("--no-floor", help="Leave the coverage floor out: need is only penalised."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object with the results on stdout.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Stress the plan against sampled disruptions (DisruptionTypes) and write a stress
    report: how likely a shortfall of each material is, how bad, and what the futures
    are worth."""
    from stockpile.scenarios.runner import ScaleOutError, default_workers
    from stockpile.stress.commands import stress as run_stress
    from stockpile.stress.terminal import print_stress, stress_json, stress_progress

    path = input if input is not None else BUNDLED
    name = path.name if input is not None else BUNDLED_LABEL
    if input is not None and output.resolve() == input.resolve():
        err.print(
            f"[red]The report would overwrite the input {shown(input)}.[/] Choose another -o."
        )
        raise typer.Exit(Exit.CANNOT_WRITE)
    try:
        with stress_progress(quiet or as_json) as (phase, started, block), redirect_native_stdout():
            outcome = run_stress(
                path,
                output,
                samples=samples,
                seed=seed,
                workers=workers or default_workers(),
                dask=dask,
                risk_weight=risk_weight,
                floor=not no_floor,
                listed=listed,
                display_name=name,
                on_phase=phase,
                on_start=started,
                on_block=block,
            )
    except FileNotFoundError:
        err.print(f"[red]Input not found: {shown(path)}[/]")
        console.fail_json(as_json, "invalid_input", f"Input not found: {path}")
        raise typer.Exit(Exit.INVALID_INPUT) from None
    except InputError as exc:
        _invalid_input(exc, as_json, f" in {path}")
    except CannotWrite as exc:
        _cannot_write(exc, as_json)
    except ScaleOutError as exc:
        err.print(f"[red]{shown(exc)}[/]")
        console.fail_json(as_json, "cluster_unavailable", str(exc))
        raise typer.Exit(Exit.CLUSTER_UNAVAILABLE) from None
    if as_json:
        console.echo_json(stress_json(outcome))
    elif outcome.summary is None:
        err.print(
            f"[red]The plan has no solution ({outcome.status}); nothing to stress.[/] "
            "Run `stockpile solve` to see why."
        )
    else:
        print_stress(outcome)
    raise typer.Exit(STATUS_EXIT[outcome.status])


def _cannot_write(exc: CannotWrite, as_json: bool, fix: str | None = None) -> NoReturn:
    """A file the command writes is refused or failed (``files.CannotWrite``): exit 73."""
    where = shown(exc.path)
    err.print(f"[red]Cannot write {where}: {shown(exc.reason)}.[/] {shown(fix or exc.fix)}")
    console.fail_json(as_json, "report_not_writable", f"Cannot write {exc.path}: {exc.reason}")
    raise typer.Exit(Exit.CANNOT_WRITE)


def _invalid_input(exc: InputError, as_json: bool, where: str = "") -> NoReturn:
    """Report bad input (as JSON or a table) and exit 65: nothing was solved."""
    console.print_invalid_input(exc.problems, str(exc), as_json, where)
    raise typer.Exit(Exit.INVALID_INPUT)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
