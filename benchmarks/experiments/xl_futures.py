"""The version-2 XL instance: build its rows and let HiGHS (no presolve) try it with a
15-minute limit; prints sizes, HiGHS's status and time, and peak memory.

    python benchmarks/experiments/xl_futures.py

2026-11-30, 2-core machine: 3,938,855 columns, 1,502,622 rows, formulate 25.6 s; HiGHS
time_limit_no_solution after 901 s; peak 10,841 MB.
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
