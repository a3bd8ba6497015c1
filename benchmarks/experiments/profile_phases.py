"""Where the time goes at one size: cProfile of formulate, solve_lp and the report.

python benchmarks/experiments/profile_phases.py --size L [--top 25] [--no-report]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
import time
from pathlib import Path

from _common import load_generator

from stockpile.data.params import build_params
from stockpile.model import formulate
from stockpile.solver.highs import SolveOptions
from stockpile.solver.policy import solve_lp


def _profile(label: str, fn, top: int):
    prof = cProfile.Profile()
    tick = time.perf_counter()
    prof.enable()
    out = fn()
    prof.disable()
    wall = time.perf_counter() - tick
    for order in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(order).print_stats(top)
        print(f"===== {label}: {wall:.2f} s under cProfile, by {order} =====")
        print(buf.getvalue())
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="L")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--no-report", action="store_true")
    args = ap.parse_args()
    inputs = load_generator().generate(args.size)
    params = build_params(inputs)
    lp = _profile("formulate", lambda: formulate(params), args.top)
    result = _profile("solve_lp", lambda: solve_lp(lp, SolveOptions()), args.top)
    print({k: round(v, 2) for k, v in result.timings.items()}, result.counts)
    if not args.no_report:
        try:
            from stockpile.reports import build_report
        except ImportError:
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "report.xlsx"
            _profile(
                "build_report",
                lambda: build_report(inputs, params, result, path, {"input_file": "bench"}),
                args.top,
            )


if __name__ == "__main__":
    main()
