"""Time 20 what-if scenarios on the default dataset, three ways.

    python benchmarks/scenarios.py [--workers N] [--out benchmarks/results/scenarios-DATE.txt]

The scenarios: the 5 bundled ones and 15 parameter variants (capacity, cost, target,
budget, demand and holding scalings), all on ``default_inputs()``. The modes:

    fresh       pipeline.solve_inputs for each scenario: params, model and HiGHS built anew
    persistent  one pipeline.Resolver for all of them (warm re-solves where it can), in
                this process, through scenarios.runner (workers=1)
    parallel    scenarios.runner with N worker processes, each with its own Resolver

Each mode solves the base first (as ``stockpile compare`` does), then the 20 scenarios;
times are wall-clock seconds for the whole mode, worker start-up included. Every solve
has a 60 s time limit (a stuck solve then costs a minute, not the benchmark). The table
per scenario shows where the time goes; the statuses and objectives of the three modes
are checked to agree (relative 1e-7).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def variants() -> list[tuple[str, list[dict[str, Any]]]]:
    """The 15 generated parameter variants: (name, Scenarios rows)."""

    def r(sheet: str, key: str, column: str, op: str, value: Any) -> dict[str, Any]:
        return {"sheet": sheet, "key": key, "column": column, "op": op, "value": value}

    return [
        ("capacity_x0.9", [r("Sources", "*", "capacity_units_per_yr", "scale", 0.9)]),
        ("capacity_x1.2", [r("Sources", "*", "capacity_units_per_yr", "scale", 1.2)]),
        (
            "seabed_capacity_x0.5",
            [
                r("Sources", "seabed_nori_d", "capacity_units_per_yr", "scale", 0.5),
                r("SourceCapacity", "seabed_nori_d|*", "capacity_units_per_yr", "scale", 0.5),
            ],
        ),
        ("cost_x1.02", [r("Sources", "*", "cost_usd_per_unit", "scale", 1.02)]),
        ("cost_x0.9", [r("Sources", "*", "cost_usd_per_unit", "scale", 0.9)]),
        (
            "cn_cost_x1.3",
            [
                r("Sources", s, "cost_usd_per_unit", "scale", 1.3)
                for s in (
                    "cn_market_mn",
                    "cn_market_ndpr",
                    "cn_market_graphite",
                    "cn_market_sb",
                    "cn_market_w",
                )
            ],
        ),
        ("escalation_plus_1pct", [r("Sources", "*", "cost_escalation_per_yr", "add", 0.01)]),
        ("targets_x0.8", [r("Targets", "*", "min_stock_t", "scale", 0.8)]),
        ("targets_x0.9", [r("Targets", "*", "min_stock_t", "scale", 0.9)]),
        ("targets_x0.95", [r("Targets", "*", "min_stock_t", "scale", 0.95)]),
        ("budget_x1.1", [r("Budget", "*", "budget_usd", "scale", 1.1)]),
        ("budget_x1.3", [r("Budget", "*", "budget_usd", "scale", 1.3)]),
        ("demand_x1.2", [r("Demand", "*", "demand_t", "scale", 1.2)]),
        ("holding_x2", [r("Sites", "*", "holding_cost_usd_per_t_yr", "scale", 2.0)]),
        ("penalty_x2", [r("Materials", "*", "shortfall_penalty_usd_per_t", "scale", 2.0)]),
    ]


def scenarios() -> list[Any]:
    from stockpile.scenarios.bundled import bundled_scenarios
    from stockpile.scenarios.sheet import scenarios_from_rows

    out = list(bundled_scenarios().values())
    for name, rows in variants():
        out += scenarios_from_rows([{"scenario": name, **row} for row in rows], "").values()
    return out


def _subtotal(results: dict[str, list[Any]], status: str) -> str:
    """Sum of per-solve seconds of the solves with ``status`` in every mode."""
    keep = [
        i
        for i, row in enumerate(results["fresh"])
        if all(results[m][i][1] == status for m in results)
    ]
    sums = {m: sum(results[m][i][3] for i in keep) for m in results}
    return (
        f"sum of per-solve seconds, the {len(keep)} {status} solves: "
        + ", ".join(f"{m} {v:.2f}" for m, v in sums.items())
        + (
            f" (persistent {sums['fresh'] / sums['persistent']:.2f}x faster than fresh)"
            if keep and sums["persistent"] > 0
            else ""
        )
    )


def _progress(mode: str, name: str, status: str, seconds: float) -> None:
    print(f"{mode:<11} {name:<26} {status:<24} {seconds:7.2f} s", file=sys.stderr, flush=True)


def _on_done(mode: str) -> Any:
    return lambda o: _progress(mode, o.name, o.status, o.seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=None, help="default: the cores")
    parser.add_argument("--out", type=Path, default=None, help="also write the table here")
    args = parser.parse_args()

    from stockpile.data.default_dataset import default_inputs
    from stockpile.pipeline import solve_inputs
    from stockpile.scenarios.apply import apply_scenario
    from stockpile.scenarios.runner import Outcome, default_workers, failed, run_scenarios
    from stockpile.solver.highs import SolveOptions

    workers = args.workers or default_workers()
    # A time limit per solve, so that a stuck solve costs at most a minute (the runner
    # then solves it again from scratch) instead of stopping the benchmark.
    options = SolveOptions(time_limit=60.0)
    base = default_inputs()
    found = scenarios()
    tasks = [("base", base)] + [(s.name, apply_scenario(base, s)) for s in found]
    assert len(found) == 20, len(found)

    walls: dict[str, float] = {}
    results: dict[str, list[Any]] = {}

    tick = time.perf_counter()
    fresh: list[Any] = []
    for name, inputs in tasks:
        t = time.perf_counter()
        try:
            _, result = solve_inputs(inputs, options)
            fresh.append((name, result.status, result.objective_usd, time.perf_counter() - t))
            _progress("fresh", name, result.status, time.perf_counter() - t)
        except Exception as exc:  # reported in the table
            fresh.append((name, failed(name, exc).status, None, time.perf_counter() - t))
    walls["fresh"] = time.perf_counter() - tick
    results["fresh"] = fresh

    def rows(outcomes: list[Outcome]) -> list[Any]:
        return [(o.name, o.status, o.objective_usd, o.seconds) for o in outcomes]

    tick = time.perf_counter()
    persistent = run_scenarios(tasks, options, workers=1, on_done=_on_done("persistent"))
    walls["persistent"] = time.perf_counter() - tick
    results["persistent"] = rows(persistent)

    tick = time.perf_counter()
    parallel = run_scenarios(tasks, options, workers=workers, on_done=_on_done("parallel"))
    walls["parallel"] = time.perf_counter() - tick
    results["parallel"] = rows(parallel)

    def close(x: float | None, y: float | None) -> bool:
        if x is None or y is None:
            return x is None and y is None
        return abs(x - y) <= 1e-7 * max(1.0, abs(x))

    agree = all(
        a[1] == b[1] == c[1] and close(a[2], b[2]) and close(a[2], c[2])
        for a, b, c in zip(
            results["fresh"], results["persistent"], results["parallel"], strict=True
        )
    )
    warm = sum(o.warm for o in persistent)
    lines = [
        f"stockpile scenario benchmark, {date.today().isoformat()}: base + 20 scenarios on the "
        "default dataset",
        f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}"
        f", pyomo {version('pyomo')}, highspy {version('highspy')}; parallel workers: {workers}",
        "",
        f"{'mode':<12}{'wall [s]':>10}{'speedup':>10}  note",
        f"{'fresh':<12}{walls['fresh']:>10.2f}{1.0:>10.2f}  solve_inputs: rebuild everything",
        f"{'persistent':<12}{walls['persistent']:>10.2f}"
        f"{walls['fresh'] / walls['persistent']:>10.2f}  one Resolver; {warm} of 21 re-solved "
        "warm",
        f"{'parallel':<12}{walls['parallel']:>10.2f}{walls['fresh'] / walls['parallel']:>10.2f}"
        f"  {workers} worker processes, one Resolver each (start-up included)",
        "",
        f"statuses and objectives agree across the modes: {'yes' if agree else 'NO'}",
        _subtotal(results, "optimal"),
        _subtotal(results, "infeasible"),
        "",
        f"{'scenario':<26}{'status':<16}{'objective [USD]':>18}"
        f"{'fresh [s]':>11}{'persist. [s]':>13}{'parallel [s]':>13}",
    ]
    for f, p, q in zip(results["fresh"], results["persistent"], results["parallel"], strict=True):
        obj = f"{f[2]:,.0f}" if f[2] is not None else "-"
        lines.append(f"{f[0]:<26}{f[1]:<16}{obj:>18}{f[3]:>11.2f}{p[3]:>13.2f}{q[3]:>13.2f}")
    notes = [o for o in persistent if o.log]
    if notes:
        lines += ["", "persistent-mode solver notes:"]
        lines += [f"  {o.name}: {o.log}" for o in notes]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
