"""HiGHS's own solve time under different algorithms, on the same LP.

    python benchmarks/experiments/solver_options.py --sizes L

Version 2 (futures): the default sets are dual simplex ("choose"), IPM with and
without crossover, PDLP and dual simplex without presolve; only the sets that end in
a basis give the vertex duals the report needs.

The LP is built once per size and passed afresh to a new Highs object for every
option set, so only the algorithm differs: stockpile's own formulate + handover_direct
where they exist (the model as rows, d25f427 on; row scaling since 940fa9a), else the
captured rows of fast_build. Reports HiGHS's run
time, iteration counts and the objective (all option sets must agree).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

OPTION_SETS: dict[str, dict] = {
    "choose (today)": {"solver": "choose"},
    "simplex dual": {"solver": "simplex", "simplex_strategy": 1},
    "simplex primal": {"solver": "simplex", "simplex_strategy": 4},
    "ipm + crossover": {"solver": "ipm", "run_crossover": "on"},
    "ipm no crossover": {"solver": "ipm", "run_crossover": "off"},
    "pdlp": {"solver": "pdlp"},
    "choose presolve off": {"solver": "choose", "presolve": "off"},
}
#: The sets compared for the version-2 futures LP (issue 12).
V2_SETS = "choose (today),ipm + crossover,ipm no crossover,pdlp,choose presolve off"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="M,L")
    ap.add_argument("--sets", default=V2_SETS, help=f"from: {', '.join(OPTION_SETS)}")
    ap.add_argument("--time-limit", type=float, default=600.0, help="per option set [s]")
    args = ap.parse_args()

    from _common import params_for

    try:
        from stockpile.model import formulate
        from stockpile.solver.highs import handover_direct

        def make(params):
            lp = formulate(params)
            return lambda: handover_direct(lp).highs
    except ImportError:
        from fast_build import build_model_fast
        from handover import compile_capture

        def make(params):
            model = build_model_fast(params, capture=True)
            return lambda: compile_capture(model)[0]

    for size in args.sizes.split(","):
        new_highs = make(params_for(size))
        for name in args.sets.split(","):
            h = new_highs()
            h.setOptionValue("output_flag", False)
            h.setOptionValue("time_limit", args.time_limit)
            for key, val in OPTION_SETS[name].items():
                h.setOptionValue(key, val)
            tick = time.perf_counter()
            h.run()
            wall = time.perf_counter() - tick
            info = h.getInfo()
            print(
                f"{size:>2} {name:<22} run {h.getRunTime():7.2f} s (wall {wall:6.2f})"
                f"  {h.modelStatusToString(h.getModelStatus()):<8}"
                f"  obj {info.objective_function_value:,.2f}"
                f"  simplex it {info.simplex_iteration_count:>7}"
                f"  ipm it {info.ipm_iteration_count:>4}"
                f"  crossover it {info.crossover_iteration_count:>6}"
                f"  pdlp it {info.pdlp_iteration_count:>6}"
                f"  basis {'yes' if h.getBasis().valid else 'no'}",
                flush=True,
            )


if __name__ == "__main__":
    main()
