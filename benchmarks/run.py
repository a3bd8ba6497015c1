"""Time every phase of a stockpile run at the benchmark sizes.

    python benchmarks/run.py --sizes S,M,L

For each size: generate the workbook into a temporary folder (benchmarks/generate.py,
in its own process), then, in a fresh process, read and validate it (read_workbook),
build the LP (build_params + formulate; like ``stockpile solve``, no Pyomo model), solve
it (solve_lp: handover to HiGHS, HiGHS's own solve time, extraction of values and
duals) and write the report (build_report). The worker reports its peak resident memory
(getrusage(RUSAGE_SELF).ru_maxrss) and the model's size.

Then, per size, the WHOLE ``stockpile solve`` command in a fresh process
(``python -m stockpile.cli solve WORKBOOK -o REPORT --quiet``: imports, reading,
checks, build, HiGHS, the second solves of probability-0 futures if any, the report,
exit), wall time and the process's own peak memory (os.wait4), against its FLOOR:
reading the workbook plus HiGHS's own solve time of the same LP (read_s + solve_s of
the worker), what no implementation can avoid. ``process / floor`` is the overhead
ratio (issue 12: at most 1.5 at L).

Prints a table and writes benchmarks/results/<YYYY-MM-DD>.csv and .png (time per
phase against the number of variables; the plot needs matplotlib, the ``bench`` extra).

Peak memory: on Linux a child's ru_maxrss starts from the parent's peak at spawn time
(the kernel carries it over fork and exec). The parent therefore stays small: it
imports only the standard library until every worker has finished, generates nothing
itself, and each size runs in its own worker so peaks never mix. VmHWM from
/proc/self/status (per address space, so immune to that carry-over) is recorded too,
as a check.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PHASES = ("read", "build", "handover", "solve", "extract", "report")
COLUMNS = (
    "date",
    "size",
    "seed",
    "materials",
    "sources",
    "sites",
    "years",
    "disruptions",
    "variables",
    "constraints",
    "status",
    "objective_usd",
    "decomposed",
    "benders_iterations",
    "benders_gap",
    *(f"{p}_s" for p in PHASES),
    "params_s",
    "formulate_s",
    "other_s",
    "total_s",
    "process_s",
    "floor_s",
    "process_floor_ratio",
    "process_exit",
    "report_error",
    "process_peak_mb",
    "peak_rss_mb",
    "vm_hwm_mb",
    "rss_after_read_mb",
    "rss_after_build_mb",
    "rss_after_solve_mb",
    "workbook_kb",
    "generate_s",
    "repeats",
    "load_1m",
    "stockpile_commit",
    "python",
    "pyomo",
    "highspy",
    "machine",
)


# --- worker: one size, in a fresh process --------------------------------------------


def _maxrss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _vm_hwm_mb() -> float | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def worker(
    size: str,
    workbook: Path,
    report: Path | None,
    time_limit: float | None,
    decompose: bool | None = None,
) -> dict:
    from importlib.metadata import version

    from stockpile.data.params import build_params
    from stockpile.data.reader import read_workbook
    from stockpile.model import formulate
    from stockpile.solver.highs import SolveOptions
    from stockpile.solver.policy import solve_lp

    try:
        from stockpile.reports import build_report
    except ImportError:  # the report writer is optional for the benchmark
        build_report = None

    row: dict[str, Any] = {"size": size, "load_1m": os.getloadavg()[0]}
    start = time.perf_counter()

    tick = time.perf_counter()
    inputs, _warnings = read_workbook(workbook)
    row["read_s"] = time.perf_counter() - tick
    row["rss_after_read_mb"] = _maxrss_mb()

    tick = time.perf_counter()
    params = build_params(inputs)
    row["params_s"] = time.perf_counter() - tick
    lap = time.perf_counter()
    lp = formulate(params)
    row["formulate_s"] = time.perf_counter() - lap
    row["build_s"] = time.perf_counter() - tick
    row["rss_after_build_mb"] = _maxrss_mb()

    result = solve_lp(lp, SolveOptions(time_limit=time_limit, decompose=decompose))
    benders = result.solver.get("decomposition")
    row["decomposed"] = benders is not None
    if benders is not None:
        row["benders_iterations"] = benders["iterations"]
        row["benders_gap"] = benders["gap"]
    for phase in ("handover", "solve", "extract"):
        row[f"{phase}_s"] = result.timings.get(phase)
    row["rss_after_solve_mb"] = _maxrss_mb()
    row["status"] = result.status
    row["objective_usd"] = result.objective_usd
    row.update(result.counts)

    row["report_s"] = None
    if build_report is not None and report is not None and result.has_plan:
        tick = time.perf_counter()
        try:
            build_report(inputs, params, result, report, {"input_file": workbook.name})
            row["report_s"] = time.perf_counter() - tick
        except Exception as exc:  # a report writer behind the model: say so, time the rest
            row["report_error"] = f"{type(exc).__name__}: {exc}"

    row["total_s"] = time.perf_counter() - start
    # What the phases miss: solve_lp's own bookkeeping (options, status) and the
    # worker's glue.
    row["other_s"] = row["total_s"] - sum(row.get(f"{p}_s") or 0.0 for p in PHASES)
    row["peak_rss_mb"] = _maxrss_mb()
    row["vm_hwm_mb"] = _vm_hwm_mb()
    row["materials"] = len(params.MATERIALS)
    row["sources"] = len(params.SOURCES)
    row["sites"] = len(params.SITES)
    row["years"] = len(params.YEARS)
    row["disruptions"] = len(params.DISRUPTIONS)
    row["python"] = platform.python_version()
    row["pyomo"] = version("pyomo")
    row["highspy"] = version("highspy")
    return row


# --- parent: orchestrate, tabulate, plot ---------------------------------------------


def run_process(
    workbook: Path, report: Path, time_limit: float | None, decompose: bool | None = None
) -> tuple[float, int, float]:
    """The whole ``stockpile solve`` command in a fresh process: (wall seconds, exit
    code, the process's peak resident memory in MB from os.wait4)."""
    cmd = [sys.executable, "-m", "stockpile.cli", "solve", str(workbook)]
    cmd += ["-o", str(report), "--quiet"]
    if time_limit is not None:
        cmd += ["--time-limit", str(time_limit)]
    if decompose is not None:
        cmd += ["--decompose" if decompose else "--no-decompose"]
    tick = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - tick
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr is not None:
        err = proc.stderr.read().decode(errors="replace").strip()
        proc.stderr.close()
        if proc.returncode != 0 and err:  # not optimal: say why
            print(err[-2000:], file=sys.stderr)
    return wall, proc.returncode, usage.ru_maxrss / 1024


def run_size(
    size: str,
    seed: int,
    time_limit: float | None,
    keep: Path | None,
    repeat: int,
    decompose: bool | None = None,
    process: bool = True,
):
    """Generate once, then run ``repeat`` fresh workers: each phase's fastest time (a
    busy machine only ever adds time), the largest peak memory. ``decompose``: as
    ``SolveOptions.decompose``; ``process``: also time the whole CLI process."""
    with tempfile.TemporaryDirectory(prefix=f"stockpile-bench-{size}-") as tmp:
        folder = keep or Path(tmp)
        tick = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--sizes",
                size,
                "--out",
                str(folder),
                "--seed",
                str(seed),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        generate_s = time.perf_counter() - tick
        workbook = folder / f"{size}.xlsx"
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            size,
            "--workbook",
            str(workbook),
            "--report",
            str(folder / f"{size}-report.xlsx"),
        ]
        if time_limit is not None:
            cmd += ["--time-limit", str(time_limit)]
        if decompose is not None:
            cmd += ["--decompose", "on" if decompose else "off"]
        runs = []
        for _ in range(repeat):
            out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
            if process:
                wall, code, peak = run_process(
                    workbook, folder / f"{size}-cli.xlsx", time_limit, decompose
                )
                runs[-1].update(process_s=wall, process_exit=code, process_peak_mb=peak)
        row = runs[0]
        for key in row:
            values = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
            if key.endswith("_s") and values:
                row[key] = min(values)
            elif key.endswith("_mb") and values:
                row[key] = max(values)
        row["load_1m"] = max(r["load_1m"] for r in runs)
        # The floor: reading the workbook plus HiGHS solving the LP, each at its fastest.
        row["floor_s"] = row["read_s"] + (row["solve_s"] or 0.0)
        if process:
            row["process_exit"] = max(r["process_exit"] for r in runs)
            row["process_floor_ratio"] = row["process_s"] / row["floor_s"]
        row["generate_s"] = generate_s
        row["workbook_kb"] = workbook.stat().st_size / 1024
        row["seed"] = seed
        row["repeats"] = repeat
        return row


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(rows: list[dict]) -> None:
    heads = (
        ("size", "size"),
        ("variables", "vars"),
        ("constraints", "rows"),
        ("status", "status"),
        *((f"{p}_s", f"{p} s") for p in PHASES),
        ("total_s", "total s"),
        ("process_s", "process s"),
        ("floor_s", "floor s"),
        ("process_floor_ratio", "ratio"),
        ("peak_rss_mb", "peak MB"),
        ("process_peak_mb", "proc MB"),
    )
    cells = [[_fmt(r.get(k), 0 if k.endswith("_mb") else 2) for k, _ in heads] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (_, h) in enumerate(heads)]
    print("  ".join(h.rjust(w) for (_, h), w in zip(heads, widths, strict=True)))
    for c in cells:
        print("  ".join(x.rjust(w) for x, w in zip(c, widths, strict=True)))


def write_csv(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: _csv_value(r.get(k)) for k in COLUMNS})


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 4)
    return value


def plot(rows: list[dict], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no plot written")
        return False
    rows = sorted(rows, key=lambda r: r["variables"])
    x = [r["variables"] for r in rows]
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for phase in PHASES:
        pts = [(xi, r[f"{phase}_s"]) for xi, r in zip(x, rows, strict=True) if r.get(f"{phase}_s")]
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", label=phase)
    ax.plot(x, [r["total_s"] for r in rows], "k--", marker="s", label="total (phases)")
    timed = [(xi, r) for xi, r in zip(x, rows, strict=True) if r.get("process_s")]
    if timed:
        ax.plot(
            [xi for xi, _ in timed],
            [r["process_s"] for _, r in timed],
            "r-",
            marker="D",
            label="stockpile solve process",
        )
    ax.plot(x, [r["floor_s"] for r in rows], "r:", marker="v", label="floor (read + HiGHS)")
    for xi, r in timed:
        ax.annotate(
            f"{r['size']} ({r['process_peak_mb']:,.0f} MB, x{r['process_floor_ratio']:.2f})",
            (xi, r["process_s"]),
            textcoords="offset points",
            xytext=(4, 6),
            fontsize=8,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("model size [variables]")
    ax.set_ylabel("time [s]")
    ax.set_title(
        f"stockpile: time per phase ({rows[0]['date']}, Pyomo {rows[0]['pyomo']}, "
        f"highspy {rows[0]['highspy']})",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    return True


def _commit() -> str:
    """The stockpile source measured: $STOCKPILE_COMMIT (e.g. for a snapshot put first
    on PYTHONPATH), else this checkout's HEAD, "-dirty" when src/ has local changes."""
    if os.environ.get("STOCKPILE_COMMIT"):
        return os.environ["STOCKPILE_COMMIT"]
    root = HERE.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}-dirty" if dirty else head


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="S,M,L")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=None, help="HiGHS time limit [s]")
    ap.add_argument("--results", type=Path, default=HERE / "results")
    ap.add_argument("--keep", type=Path, default=None, help="keep workbooks in this folder")
    ap.add_argument("--repeat", type=int, default=1, help="fresh runs per size (min time)")
    ap.add_argument("--name", default=None, help="results file name (default: the date)")
    ap.add_argument(
        "--decompose",
        choices=("auto", "on", "off"),
        default="auto",
        help="solve by decomposition over the futures: auto (stockpile's default: only "
        "from 2 million columns), on, off",
    )
    ap.add_argument(
        "--no-process",
        action="store_true",
        help="skip the whole `stockpile solve` process (time the phases only)",
    )
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--workbook", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    decompose = {"auto": None, "on": True, "off": False}[args.decompose]
    if args.worker:
        if args.decompose != "auto":
            import logging

            # one line per iteration on stderr: a long run shows its progress
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
        row = worker(args.worker, args.workbook, args.report, args.time_limit, decompose)
        print(json.dumps(row))
        return 0

    today = date.today().isoformat()
    machine = f"{platform.machine()} {os.cpu_count()} cpu"
    commit = _commit()
    rows = []
    for size in (s.strip() for s in args.sizes.split(",") if s.strip()):
        print(f"{size}: generating and running ...", file=sys.stderr, flush=True)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
        row = run_size(
            size,
            args.seed,
            args.time_limit,
            args.keep,
            args.repeat,
            decompose,
            not args.no_process,
        )
        row["date"], row["machine"], row["stockpile_commit"] = today, machine, commit
        rows.append(row)
    print_table(rows)
    name = args.name or today
    csv_path = args.results / f"{name}.csv"
    write_csv(rows, csv_path)
    print(f"wrote {csv_path}")
    png_path = args.results / f"{name}.png"
    if plot(rows, png_path):
        print(f"wrote {png_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
