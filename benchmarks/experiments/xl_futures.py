"""The version-2 XL instance: build its rows and let HiGHS (no presolve) try it with a
15-minute limit; prints sizes, HiGHS's status and time, and peak memory.

    python benchmarks/experiments/xl_futures.py

2026-11-30, 2-core machine: 3,938,855 columns, 1,502,622 rows, formulate 25.6 s; HiGHS
time_limit_no_solution after 901 s; peak 10,841 MB. That run's dual simplex was stopped
by the stall guard after 57 s (phase 2 is a hundred times slower than phase 1) and the
rest was the interior point method. With the guard off (the guard was then fixed), the
dual simplex made 226,062 iterations in 516 s (about 100 a second in phase 2) with
35,729 primal infeasibilities left; IPX without presolve took 450 s for its 4th
iteration. Neither would finish within hours here.
"""

import resource
import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from generate import generate

from stockpile.data.params import build_params
from stockpile.model import formulate
from stockpile.solver.highs import SolveOptions
from stockpile.solver.policy import solve_lp

t = time.perf_counter()
inp = generate("XL")
print("generate", round(time.perf_counter() - t, 1), flush=True)
t = time.perf_counter()
lp = formulate(build_params(inp))
print(
    "formulate",
    round(time.perf_counter() - t, 1),
    len(lp.columns),
    sum(len(r) for r in lp.families.values()),
    flush=True,
)
t = time.perf_counter()
r = solve_lp(lp, SolveOptions(presolve=False, time_limit=900))
print(
    "XL presolve off",
    r.status,
    r.objective_usd,
    round(r.timings["solve"], 1),
    round(time.perf_counter() - t, 1),
    "peak MB",
    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    flush=True,
)
