"""The two hand-overs to HiGHS and the warm re-solve give the same answers.

``direct`` passes the rows the Pyomo constraints were built from; ``pyomo`` lets Pyomo's
persistent HiGHS interface read the Pyomo model itself. The Resolver re-solves a
variant in the previous HiGHS model when only numbers changed.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle import rel_close
from stockpile.pipeline import Resolver, solve_inputs
from stockpile.solver.highs import SolveOptions
from strategies import CAPACITY_FIELDS, PRICE_FIELDS, build, raw_inputs_st, scale_fields


def _same(a, b) -> None:
    assert a.status == b.status
    if a.status != "optimal":
        return
    assert rel_close(a.objective_usd, b.objective_usd, 1e-7)
    for key in a.parts:
        assert rel_close(a.parts[key], b.parts[key], 1e-7, scale=abs(a.objective_usd))
    assert set(a.rows) == set(b.rows)
    for family in a.rows:
        assert set(a.rows[family]) == set(b.rows[family]), family
    assert {k: set(v) for k, v in a.values.items()} == {k: set(v) for k, v in b.values.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raw_inputs_st())
def test_direct_and_pyomo_handover_agree(raw):
    inputs = build(raw)
    _, direct = solve_inputs(inputs, SolveOptions(interface="direct"))
    _, pyomo = solve_inputs(inputs, SolveOptions(interface="pyomo"))
    _same(direct, pyomo)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raw_inputs_st(), k_cap=st.sampled_from([0.5, 1.5]), k_price=st.sampled_from([0.7, 2]))
def test_warm_resolve_equals_fresh_solve(raw, k_cap, k_price):
    base = build(raw)
    variant = build(scale_fields(scale_fields(raw, CAPACITY_FIELDS, k_cap), PRICE_FIELDS, k_price))
    resolver = Resolver()
    _same(resolver.solve(base)[1], solve_inputs(base, SolveOptions())[1])
    warm = resolver.solve(variant)[1]
    assert resolver.last_was_warm  # only numbers changed
    _same(warm, solve_inputs(variant, SolveOptions())[1])


def test_scaled_budget_rows_report_unscaled_duals():
    """Prices of millions of USD make the direct hand-over scale budget rows by a power
    of two; the duals it reports must be those of the rows as written.

    Hand case with prices x 1e6 and a 2026 budget of 500e6 USD (below A's 60 units at
    10e6 plus their holding), so the budget binds. The Pyomo hand-over (no scaling) is
    the reference.
    """
    from stockpile.data.inputs import Budget
    from strategies import hand_case

    base = hand_case()
    inputs = base.model_copy(
        update={
            "sources": tuple(
                s.model_copy(update={"cost_usd_per_unit": s.cost_usd_per_unit * 1e6})
                for s in base.sources
            ),
            "sites": tuple(
                s.model_copy(
                    update={"holding_cost_usd_per_t_yr": s.holding_cost_usd_per_t_yr * 1e6}
                )
                for s in base.sites
            ),
            "budget": (Budget(year=2026, budget_usd=500e6),),
        }
    )
    _, direct = solve_inputs(inputs, SolveOptions(interface="direct"))
    _, pyomo = solve_inputs(inputs, SolveOptions(interface="pyomo"))
    assert direct.status == pyomo.status == "optimal"
    assert rel_close(direct.objective_usd, pyomo.objective_usd, 1e-9)
    for family in ("budget", "stock_target", "source_capacity"):
        for key, row in pyomo.rows[family].items():
            got = direct.rows[family][key]
            assert rel_close(got.dual, row.dual, 1e-7, scale=1.0), (family, key)
            assert rel_close(got.body, row.body, 1e-9, scale=1.0), (family, key)
    assert direct.rows["budget"][(2026,)].dual < 0  # the budget binds


def test_resolver_after_an_infeasible_variant_and_without_time_limit():
    """Base, a 30 % budget cut (infeasible), base again: every answer equals a fresh
    solve, and a limit used internally for a warm attempt never leaks into the next
    solve (no time limit was asked for)."""
    from stockpile.data.default_dataset import default_inputs

    base = default_inputs()
    cut = base.model_copy(
        update={
            "budget": tuple(
                b.model_copy(update={"budget_usd": 0.7 * b.budget_usd}) for b in base.budget
            )
        }
    )
    resolver = Resolver()
    first = resolver.solve(base)[1]
    assert first.status == "optimal"
    assert resolver.solve(cut)[1].status == "infeasible"
    again = resolver.solve(base)[1]
    assert again.status == "optimal"
    assert rel_close(again.objective_usd, first.objective_usd, 1e-9)
