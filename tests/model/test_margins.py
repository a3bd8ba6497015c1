"""The check of the largest shadow prices by re-solving (solver/margins.py).

Hand check A of MODEL.md: one material X, 2026-2027, one site (holding 0.5 USD/t-yr),
source A 10 USD/t capacity 60/yr, source B 12 USD/t capacity 100/yr, target 150 t at
the end of 2027, no discounting. Optimum: A buys 60 and 60, B buys 0 and 30.
- stock_target[X, 2027]: one tonne less to hold saves the marginal tonne, B's in 2027
  (12 USD) plus its year-end holding (0.5): 12.5 USD/t, and it keeps saving 12.5 for
  the next 30 t (B buys 30 in 2027), so a small step saves exactly 12.5 per tonne.
- source_capacity[A, 2026]: one more tonne of A in 2026 (10 USD + holding 0.5 at the
  end of 2026 and of 2027 = 11) replaces one tonne of B in 2027 (12.5): saves 1.5 USD/t.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from hand import hand_case
from stockpile.data.params import build_params
from stockpile.model.formulate import formulate
from stockpile.solver import margins
from stockpile.solver.highs import SolveOptions
from stockpile.solver.policy import _cold


def solved(**kw):
    lp = formulate(build_params(hand_case()))
    return _cold(lp, SolveOptions(check_margins=False, **kw))


def test_a_true_dual_is_confirmed_by_relaxing():
    ho, result = solved()
    assert result.rows["stock_target"][("X", 2027)].dual == pytest.approx(12.5)
    assert result.rows["source_capacity"][("A", 2026)].dual == pytest.approx(-1.5)
    margins.check_margins(ho, result)
    assert result.margins[("stock_target", ("X", 2027))] == pytest.approx(12.5)
    assert result.margins[("source_capacity", ("A", 2026))] == pytest.approx(1.5)
    assert margins.holds(result, "stock_target", ("X", 2027), 12.5)


def test_a_dual_that_relaxing_does_not_bring_is_found_out():
    """A dual claimed far above what relaxing brings (as at a degenerate corner) is
    measured, not believed: relaxing A's 2026 capacity saves 1.5 USD/t, not 100."""
    ho, result = solved()
    key = ("A", 2026)
    row = result.rows["source_capacity"][key]
    result.rows["source_capacity"][key] = replace(row, dual=-100.0)
    margins.check_margins(ho, result)
    assert result.margins[("source_capacity", key)] == pytest.approx(1.5)
    assert margins.holds(result, "source_capacity", key, -100.0) is False


def test_the_model_is_left_as_it_was():
    """After the checks, the HiGHS model has its bounds and basis back: solving it
    again gives the same optimum (1665 USD) with no simplex iteration."""
    ho, result = solved()
    margins.check_margins(ho, result)
    ho.highs.run()
    assert ho.highs.getInfo().objective_function_value == pytest.approx(1665)
    assert ho.highs.getInfo().simplex_iteration_count == 0


def test_solve_checks_by_default_and_the_step_is_visible():
    _, result = _cold(formulate(build_params(hand_case())), SolveOptions())
    assert ("stock_target", ("X", 2027)) in result.margins
    # 0.1 % of the limit, or enough that the saving clears round-off
    assert margins.step_for(150, 12.5, 1665) == pytest.approx(0.15)
    assert margins.step_for(0, 1e-3, 1e9) == pytest.approx(1e6)
