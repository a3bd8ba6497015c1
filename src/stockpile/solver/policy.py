"""What to do with HiGHS: solve an LP cold, or re-solve variants of it warm.

``solve_lp`` solves one LP in a new HiGHS model. A ``Resolver`` solves many variants
of one dataset (the scenario runner, ``stockpile solve --scenario``, a user's loop),
re-using its HiGHS model where only numbers changed. Both go through
``solve_handover``, which turns one run of HiGHS into a ``SolveResult``: the plan, the
infeasibility diagnosis, or why there is neither.

The default hand-over passes the LP rows straight to HiGHS and builds no Pyomo object;
``SolveOptions(interface="pyomo")`` builds the Pyomo model from the same rows and lets
Pyomo's HiGHS interface read it.
"""

from __future__ import annotations

import time
from dataclasses import replace

from stockpile.data.inputs import Inputs
from stockpile.data.params import Params, build_params
from stockpile.model.formulate import formulate
from stockpile.model.lp import LP
from stockpile.result import SolveResult
from stockpile.solver.closest import find_closest
from stockpile.solver.diagnosis import diagnose, from_relaxations
from stockpile.solver.highs import (
    Handover,
    SolveOptions,
    handover_direct,
    handover_pyomo,
    read_solution,
    resolve_stress_tests,
    run,
    same_structure,
    update_direct,
)
from stockpile.solver.margins import check_margins

#: Statuses a warm re-solve is trusted with; any other is checked by a cold solve.
TRUSTED = ("optimal", "infeasible", "unbounded")


def solve_handover(
    ho: Handover, options: SolveOptions, closest_options: SolveOptions | None = None
) -> SolveResult:
    """Run HiGHS once on what was handed over (first, or again after changes) and read
    the answer: the plan's values and duals; when it is infeasible, the diagnosis and
    the closest plan (solved with ``closest_options``, default ``options``); or a
    message saying why there is neither."""
    ran = run(ho, options)
    result = SolveResult(status=ran.status, solver=options.describe(), log=ran.log)
    result.timings = {"solve": ran.seconds}
    if ho.cold_seconds is None:
        ho.cold_seconds = ran.seconds
    result.counts = ho.counts()

    tick = time.perf_counter()
    if result.has_plan:
        read_solution(ho, result)
        if ran.status == "optimal":
            # margins first: they re-solve the very LP just solved, from its basis
            margin_log = (
                check_margins(ho, result, seconds=max(5.0, 0.1 * ran.seconds))
                if options.check_margins
                else ""
            )
            stress_log = resolve_stress_tests(ho, result)
            result.log = "; ".join(x for x in (result.log, stress_log, margin_log) if x)
        result.message = (
            "Optimal plan found."
            if ran.status == "optimal"
            else "Time limit reached: the plan is feasible but not proven least-cost."
        )
    elif ran.status == "infeasible":
        result.diagnosis = diagnose(ho, options.iis_time_limit, elastic=False)
        result.message = "No plan meets every requirement; see the diagnosis."
        closest_log = find_closest(ho, closest_options or options, result)
        result.log = "; ".join(x for x in (result.log, closest_log) if x)
        if result.diagnosis is None:  # no IIS: the closest plan's moves, else an elastic solve
            result.diagnosis = (
                from_relaxations(ho, result.relaxations)
                if result.relaxations
                else diagnose(ho, options.iis_time_limit)
            )
        if result.relaxations:
            n = len(result.relaxations)
            result.message += (
                f" The plan shown is the closest plan: it moves {n} workbook "
                f"limit{'s' if n > 1 else ''} by the least weighted amount (see relaxations)."
            )
    elif ran.status == "unbounded":
        result.message = "The cost can fall without limit."
    elif ran.status == "time_limit_no_solution":
        result.message = f"No feasible plan found within the time limit ({options.time_limit} s)."
    else:
        result.message = f"HiGHS stopped with model status: {ran.model_status}."
    if ran.warnings:
        said = "HiGHS warned: " + "; ".join(ran.warnings)
        result.log = f"{result.log}; {said}" if result.log else said
    if ran.log:
        result.message = f"{result.message} Note: {ran.log}."
    result.timings["extract"] = time.perf_counter() - tick
    return result


def solve_lp(lp: LP, options: SolveOptions) -> SolveResult:
    """Solve the LP cold, in a new HiGHS model, through the hand-over ``options`` name."""
    return _cold(lp, options)[1]


def _cold(lp: LP, options: SolveOptions) -> tuple[Handover, SolveResult]:
    """Hand the LP to a new HiGHS model and solve it; the timings say how long the Pyomo
    model took to build (``interface="pyomo"`` only) and the hand-over."""
    timings: dict[str, float] = {}
    tick = time.perf_counter()
    if options.interface == "pyomo":
        # Pyomo is imported only here: the default path never builds a Pyomo object.
        from stockpile.model.pyomo import build_model

        model = build_model(lp.params, lp)
        timings["build"] = time.perf_counter() - tick
        tick = time.perf_counter()
        ho = handover_pyomo(model)
    else:
        ho = handover_direct(lp)
    timings["handover"] = time.perf_counter() - tick
    result = solve_handover(ho, options)
    result.solver["warm_start"] = False
    result.timings = {**timings, **result.timings}
    return ho, result


class Resolver:
    """Solve many variants of one dataset, re-using the HiGHS model where it can.

    ``solve(inputs)`` gives the same answer as a cold solve of the same inputs. A
    variant whose LP has the structure of the previous one (the same variables, rows
    and row sparsity: only capacities, costs, prices, yields, availabilities, shares,
    targets, budgets or demands changed) is pushed into the existing HiGHS model and
    re-solved from the previous basis (a warm start); any other variant, and any with
    ``interface="pyomo"``, is solved cold in a new model. ``last_was_warm`` says which
    happened.

    Without presolve, a warm dual simplex can wander on a variant far from the last
    one (HiGHS then stops with an error or runs long). A warm attempt therefore gets a
    few times the cold solve's time; if it ends without a trusted answer (``TRUSTED``),
    the variant is solved again from scratch in a new HiGHS model, with the full
    options, and that model is kept for the next variant.
    """

    def __init__(self, options: SolveOptions | None = None):
        self.options = options or SolveOptions()
        self._handover: Handover | None = None
        self.last_was_warm = False

    def solve(self, inputs: Inputs) -> tuple[Params, SolveResult]:
        """Build the parameters and the LP of ``inputs`` and solve it, warm if it can."""
        tick = time.perf_counter()
        params = build_params(inputs)
        lp = formulate(params)
        build = time.perf_counter() - tick
        result = self.solve_lp(lp)
        result.timings = {"build": build + result.timings.pop("build", 0.0), **result.timings}
        return params, result

    def solve_lp(self, lp: LP) -> SolveResult:
        """Solve the LP, warm in the previous HiGHS model if only numbers changed."""
        ho = self._handover
        if self.options.interface == "direct" and ho is not None and same_structure(ho.lp, lp):
            result = self._warm(ho, lp)
        else:
            self._handover, result = _cold(lp, self.options)
        self.last_was_warm = bool(result.solver["warm_start"])
        return result

    def _warm(self, ho: Handover, lp: LP) -> SolveResult:
        tick = time.perf_counter()
        update_direct(ho, lp)
        handover = time.perf_counter() - tick
        budget = max(1.0, 5 * (ho.cold_seconds or 0.0))
        if self.options.time_limit is not None:
            budget = min(budget, self.options.time_limit)
        # The warm attempt's time is bounded; the closest plan of an infeasible variant
        # (a new HiGHS model) gets the full options, as in a cold solve.
        warm = solve_handover(ho, replace(self.options, time_limit=budget), self.options)
        if warm.status in TRUSTED:
            warm.solver["warm_start"] = True
            warm.timings = {"handover": handover, **warm.timings}
            return warm
        self._handover, cold = _cold(lp, self.options)
        cold.timings["handover"] += handover
        cold.timings["solve"] += warm.timings["solve"]
        cold.log = f"warm re-solve ended {warm.status}; solved again cold. {cold.log}".strip()
        return cold
