"""The only module that talks to HiGHS: options, termination, values, duals, IIS.

``solve_model`` never raises on an infeasible, unbounded or time-limited model: those
are answers, returned as a ``SolveResult`` with the matching status.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import highspy
import pyomo.environ as pyo
from pyomo.common.timing import HierarchicalTimer
from pyomo.contrib.solver.solvers.highs import Highs

from stockpile.diagnose import explain
from stockpile.result import (
    FAMILY_INDEX,
    PART_KEYS,
    VARIABLE_INDEX,
    Diagnosis,
    RowValue,
    SolveResult,
)

Method = Literal["choose", "simplex", "ipm", "pdlp"]

_PART_EXPR = {
    "purchase_usd": "purchase",
    "transport_usd": "transport",
    "holding_usd": "holding",
    "resale_usd": "resale",
    "shortfall_penalty_usd": "shortfall_penalty",
}


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float | None = None  # seconds
    threads: int | None = None
    method: Method = "choose"
    write_lp: Path | None = None
    presolve: bool = True
    extra: dict[str, Any] = field(default_factory=dict)  # raw HiGHS options

    def highs_options(self) -> dict[str, Any]:
        opts: dict[str, Any] = {"solver": self.method}
        if self.method == "ipm":
            opts["run_crossover"] = "on"  # a basic solution, so the duals are vertex duals
        if not self.presolve:
            opts["presolve"] = "off"
        opts.update(self.extra)
        return opts


def highs_version() -> str:
    return ".".join(str(x) for x in Highs().version())


def solve_model(model: pyo.ConcreteModel, options: SolveOptions | None = None) -> SolveResult:
    """Hand the model to HiGHS, solve it and read everything back."""
    options = options or SolveOptions()
    opt = Highs()
    timer = HierarchicalTimer()
    solver_options = options.highs_options()
    kwargs: dict[str, Any] = {
        "load_solutions": False,
        "raise_exception_on_nonoptimal_result": False,
        "timer": timer,
        "solver_options": solver_options,
    }
    if options.time_limit is not None:
        kwargs["time_limit"] = options.time_limit
    if options.threads is not None:
        kwargs["threads"] = options.threads

    tick = time.perf_counter()
    results = opt.solve(model, **kwargs)
    wall = time.perf_counter() - tick
    highs: highspy.Highs = opt._solver_model
    status = _status(highs)
    log = results.solver_log or ""

    if status == "unbounded_or_infeasible":
        # HiGHS could not tell which; without presolve it can.
        highs.setOptionValue("presolve", "off")
        highs.run()
        status = _status(highs)
        log += "\n[re-solved without presolve to tell infeasible from unbounded]\n"
        if status == "unbounded_or_infeasible":
            status = "infeasible" if _primal_infeasible(highs) else "unbounded"

    if options.write_lp is not None:
        highs.writeModel(str(options.write_lp))

    result = SolveResult(
        status=status,  # type: ignore[arg-type]
        solver={
            "name": "HiGHS",
            "version": highs_version(),
            "interface": "pyomo.contrib.solver highs (persistent)",
            "options": {
                **solver_options,
                "time_limit": options.time_limit,
                "threads": options.threads,
            },
        },
        log=log,
    )
    handover = timer.timers["set_instance"].total_time if "set_instance" in timer.timers else 0.0
    result.timings = {"handover": handover, "solve": highs.getRunTime()}
    result.counts = {"variables": highs.getNumCol(), "constraints": highs.getNumRow()}

    tick = time.perf_counter()
    if result.has_plan:
        _read_solution(opt, highs, model, result)
        result.message = _plan_message(result)
    elif status == "infeasible":
        result.diagnosis = _diagnose(opt, highs, model)
        result.message = "No plan meets every requirement; see the diagnosis."
    elif status == "unbounded":
        result.message = "The cost can fall without limit."
    elif status == "time_limit_no_solution":
        result.message = f"No feasible plan found within the time limit ({options.time_limit} s)."
    else:
        result.message = (
            f"HiGHS stopped with model status {highs.modelStatusToString(highs.getModelStatus())}."
        )
    result.timings["extract"] = time.perf_counter() - tick
    result.timings["solver_wall"] = wall
    return result


def _status(highs: highspy.Highs) -> str:
    st = highs.getModelStatus()
    ms = highspy.HighsModelStatus
    if st == ms.kOptimal:
        return "optimal"
    if st == ms.kInfeasible:
        return "infeasible"
    if st == ms.kUnbounded:
        return "unbounded"
    if st == ms.kUnboundedOrInfeasible:
        return "unbounded_or_infeasible"
    if st in (ms.kTimeLimit, ms.kIterationLimit, ms.kInterrupt):
        feasible = highs.getInfo().primal_solution_status == 2
        return "time_limit_feasible" if feasible else "time_limit_no_solution"
    if st == ms.kModelEmpty:
        return "optimal"
    return "error"


def _primal_infeasible(highs: highspy.Highs) -> bool:
    # Our variables are all bounded by capacities, so an unresolved case is infeasible.
    return highs.getInfo().primal_solution_status != 2


def _plan_message(result: SolveResult) -> str:
    if result.status == "optimal":
        return "Optimal plan found."
    return "Time limit reached: the plan is feasible but not proven least-cost."


def _finite(x: float) -> float | None:
    return None if math.isinf(x) or abs(x) >= highspy.kHighsInf else float(x)


def _read_solution(
    opt: Highs, highs: highspy.Highs, model: pyo.ConcreteModel, result: SolveResult
) -> None:
    sol = highs.getSolution()
    col_value = sol.col_value
    var_map = opt._pyomo_var_to_solver_var_map
    for name in VARIABLE_INDEX:
        comp = getattr(model, name)
        values: dict[tuple[Any, ...], float] = {}
        for idx, var in comp.items():
            col = var_map.get(id(var))
            val = col_value[col] if col is not None else 0.0
            values[idx if isinstance(idx, tuple) else (idx,)] = val
            var.set_value(val, skip_validation=True)
        result.values[name] = values

    lp = highs.getLp()
    row_lower, row_upper = lp.row_lower_, lp.row_upper_
    row_value = sol.row_value
    row_dual = sol.row_dual if sol.dual_valid else None
    con_map = opt._pyomo_con_to_solver_con_map
    for family in FAMILY_INDEX:
        comp = getattr(model, family, None)
        rows: dict[tuple[Any, ...], RowValue] = {}
        if comp is not None:
            for idx, con in comp.items():
                r = con_map.get(con)
                if r is None:
                    continue
                rows[idx if isinstance(idx, tuple) else (idx,)] = RowValue(
                    body=row_value[r],
                    lower=_finite(row_lower[r]),
                    upper=_finite(row_upper[r]),
                    dual=row_dual[r] if row_dual is not None else None,
                )
        result.rows[family] = rows

    result.parts = {
        key: max(0.0, pyo.value(getattr(model, expr))) for key, expr in _PART_EXPR.items()
    }
    # Parts are >= 0 by construction; clip round-off so the published sum is exact.
    result.objective_usd = (
        result.parts["purchase_usd"]
        + result.parts["transport_usd"]
        + result.parts["holding_usd"]
        - result.parts["resale_usd"]
        + result.parts["shortfall_penalty_usd"]
    )
    assert tuple(result.parts) == PART_KEYS


def _component_index(data: Any) -> tuple[str, tuple[Any, ...]]:
    idx = data.index()
    return data.parent_component().name, idx if isinstance(idx, tuple) else (idx,)


def _diagnose(opt: Highs, highs: highspy.Highs, model: pyo.ConcreteModel) -> Diagnosis:
    """An IIS from HiGHS, translated; an elastic solve if the IIS cannot be had."""
    row_to_con = {r: con for con, r in opt._pyomo_con_to_solver_con_map.items()}
    col_to_var = {c: opt._vars[vid][0] for vid, c in opt._pyomo_var_to_solver_var_map.items()}
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("iis_strategy", int(highspy.IisStrategy.kIisStrategyIrreducible))
    try:
        status, iis = highs.getIis()
        if status == highspy.HighsStatus.kError or not iis.valid_:
            raise RuntimeError(f"getIis returned {status}")
        members = [(*_component_index(row_to_con[r]), "") for r in iis.row_index_]
        in_conflict = {
            int(highspy.IisBoundStatus.kIisBoundStatusLower): ">= 0",
            int(highspy.IisBoundStatus.kIisBoundStatusUpper): "upper bound",
            int(highspy.IisBoundStatus.kIisBoundStatusBoxed): "bounds",
        }
        for c, bound in zip(iis.col_index_, iis.col_bound_, strict=False):
            if int(bound) in in_conflict:
                name, idx = _component_index(col_to_var[c])
                members.append((f"bound:{name}", idx, in_conflict[int(bound)]))
        return explain(model.params, members, "iis")
    except Exception as exc:  # the IIS is a convenience; the elastic solve always works
        members = _elastic(highs, row_to_con)
        return explain(
            model.params,
            members,
            "elastic",
            note=f"HiGHS could not compute an IIS ({exc}); the rows listed are those an "
            "elastic solve (least total violation) had to relax.",
        )


def _elastic(highs: highspy.Highs, row_to_con: dict[int, Any]) -> list[tuple[str, tuple, str]]:
    """Relax every row with slack columns of cost 1; report the rows that needed them."""
    lp = highs.getLp()
    el = highspy.Highs()
    el.setOptionValue("output_flag", False)
    lp.col_cost_ = [0.0] * lp.num_col_
    el.passModel(lp)
    n = lp.num_row_
    inf = highspy.kHighsInf
    for sign in (1.0, -1.0):
        el.addVars(n, [0.0] * n, [inf] * n)
        first = el.getNumCol() - n
        el.changeColsCost(n, list(range(first, first + n)), [1.0] * n)
        for r in range(n):
            el.changeCoeff(r, first + r, sign)
    el.run()
    value = el.getSolution().col_value
    first = lp.num_col_
    relaxed = [r for r in range(n) if value[first + r] > 1e-7 or value[first + n + r] > 1e-7]
    return [(*_component_index(row_to_con[r]), "") for r in relaxed]


def log_tail(log: str, lines: int = 20) -> str:
    return "\n".join(log.splitlines()[-lines:])
