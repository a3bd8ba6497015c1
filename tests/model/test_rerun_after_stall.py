"""A run of HiGHS after one the stall guard stopped is not stopped at once.

HiGHS keeps the interrupt flag a callback set after the run it stopped; the next run of
the same model (a warm re-solve, the closest plan's second stage) then ended at its
first callback as "Interrupted by user" (status time_limit_no_solution), without a
single iteration. The guard clears the flag on each call.
"""

from __future__ import annotations

from hand import approx, hand_case
from stockpile.data.params import build_params
from stockpile.model.formulate import formulate
from stockpile.solver import highs
from stockpile.solver.highs import SolveOptions, handover_direct, run


class StopAtOnce(highs.StallGuard):
    """A guard that stops the simplex at its first callback (as a stall would)."""

    def __call__(self, event) -> None:
        self.stalled = True
        event.interrupt()


def test_a_run_after_a_stopped_run_is_not_stopped(monkeypatch) -> None:
    # without presolve, so the simplex (and its callback) runs on this small LP
    options = SolveOptions(presolve=False)
    ho = handover_direct(formulate(build_params(hand_case())))
    with monkeypatch.context() as patch:
        patch.setattr(highs, "StallGuard", StopAtOnce)
        stopped = run(ho, options)
    assert "stalled" in stopped.log  # the guard did stop it (then the IPM solved it)
    ho.highs.clearSolver()
    again = run(ho, options)
    assert again.status == "optimal", again.model_status
    assert ho.highs.getInfo().objective_function_value == approx(1665.0)  # MODEL.md check A
