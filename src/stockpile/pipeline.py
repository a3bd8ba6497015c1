"""load -> validate -> build -> solve -> report, nothing else."""

from __future__ import annotations

import time
from typing import Any

from stockpile.data.inputs import Inputs
from stockpile.data.params import build_params
from stockpile.model import build_model
from stockpile.result import SolveResult
from stockpile.solve import SolveOptions, solve_model


def optimize(inputs: Inputs, options: SolveOptions | None = None, **kw: Any) -> SolveResult:
    """Build the LP for validated inputs and solve it (keyword args: SolveOptions fields)."""
    options = options or SolveOptions(**kw)
    tick = time.perf_counter()
    params = build_params(inputs)
    model = build_model(params)
    build = time.perf_counter() - tick
    result = solve_model(model, options)
    result.timings = {"build": build, **result.timings}
    return result
