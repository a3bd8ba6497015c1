"""Cross-check of the project's model (MODEL.md version 2) against the independent
oracle (tests/oracle.py).

The oracle, its checker and its cost recomputation are written only from MODEL.md. On
random instances with futures, capacity investment and risk, the project and the oracle
agree on the status and the objective; the project's plan passes every family of every
future; the project's report is the cost of its own plan (objective, E, the six parts,
K[f], the CVaR term, each future's unmet need); a probability-0 future is reported at
the least K[d] its plan allows; every reported row is one of MODEL.md's rows, oriented
as documented, and the duals satisfy strong duality with the documented sign.

Only the objective is compared with the oracle's optimum: E, the parts and K[f] are
not unique among optimal plans (MODEL.md says so for risk_weight > 0 and for futures
of probability 0, and plain ties make them non-unique too); they are checked against
the project's own plan instead. On a failure the instance is printed as
``Inputs.build(...)`` code (hypothesis note).

These tests need the version-2 product: they are marked ``v2product`` and skipped
while ``stockpile.model.families`` has no family named ``expansion_limit``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from oracle import (
    BASE,
    PART_KEYS,
    check_plan,
    derive,
    future_min_cost,
    model_rows,
    oracle_solve,
    plan_cost,
    plan_from_result,
    rel_close,
    row_is_trivial,
    variable_keys,
)
from stockpile.model import families
from strategies import (
    CAPACITY_FIELDS,
    PRICE_FIELDS,
    build,
    check_b_raw,
    check_c_raw,
    hand_case,
    inputs_code,
    raw_inputs_st,
    scale_fields,
)

pytestmark = [
    pytest.mark.v2product,
    pytest.mark.skipif(
        "expansion_limit" not in {f.name for f in families.FAMILIES},
        reason="the product's model is still version 1 (no expansion_limit family): "
        "these tests compare the version-2 product with the version-2 oracle",
    ),
]

REL = 1e-6
SLOW = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


def project(inputs):
    from stockpile.pipeline import solve_inputs
    from stockpile.solver.highs import SolveOptions

    # Half the random instances are infeasible; their diagnosis is tested elsewhere
    # (test_infeasible.py), so the IIS child process (up to 3 s each) is skipped here
    # and the elastic solve answers at once.
    return solve_inputs(inputs, SolveOptions(iis_time_limit=0.0))[1]


def _inputs(raw):
    return build(raw)


def _scale(*results) -> float:
    """Magnitude of the objective's terms (a near-zero objective can hide large parts)."""
    total = 0.0
    for res in results:
        parts = getattr(res, "parts", None) or {}
        total = max(total, sum(abs(v) for v in parts.values()))
        for k in (getattr(res, "K", None) or {}).values():
            total = max(total, abs(k))
        for fut in getattr(res, "futures", None) or []:
            total = max(total, abs(fut.cost_usd or 0.0))
    return total


# ------------------------------------------------------------------ the comparison


def compare(inp, *, rows: bool = True):
    """Status and objective against the oracle; feasibility of the project's plan in
    every family of every future; the report is the cost of its own plan; rows are
    MODEL.md's rows; strong duality."""
    ours = oracle_solve(inp)
    res = project(inp)
    assert res.status == ours.status, (res.status, ours.status, res.message)
    if ours.status != "optimal":
        return ours, res
    scale = _scale(res, ours)
    assert rel_close(res.objective_usd, ours.objective, REL, scale), (
        res.objective_usd,
        ours.objective,
    )
    plan = plan_from_result(res)
    # every family of every future, and no variable where MODEL.md has none
    violations = check_plan(inp, plan)
    assert violations == [], violations[:10]
    assert_report_is_its_plans_cost(inp, res, plan, scale)
    if derive(inp).risk_weight == 0:
        # E is the objective: unique
        assert rel_close(res.expected_cost_usd, ours.expected_cost, REL, scale)
    if rows:
        assert_rows_are_model_rows(inp, res, plan)
        gap = duality_gap(res)
        assert abs(gap) <= 1e-6 * max(1.0, scale), gap
    return ours, res


def assert_report_is_its_plans_cost(inp, res, plan, scale) -> None:
    dv = derive(inp)
    cost = plan_cost(inp, plan)
    assert rel_close(res.objective_usd, cost["objective_usd"], REL, scale), (
        res.objective_usd,
        cost["objective_usd"],
    )
    assert set(res.parts) >= set(PART_KEYS), sorted(res.parts)
    for k in PART_KEYS:
        assert res.parts[k] >= -1e-9 * max(1.0, scale), (k, res.parts[k])
        assert rel_close(res.parts[k], cost[k], REL, scale), (k, res.parts[k], cost[k])
    p = res.parts
    e = (
        p["purchase_usd"]
        + p["transport_usd"]
        + p["holding_usd"]
        + p["investment_usd"]
        - p["resale_usd"]
        + p["shortfall_penalty_usd"]
    )
    assert rel_close(res.expected_cost_usd, e, REL, scale)
    assert rel_close(res.expected_cost_usd, cost["expected_cost_usd"], REL, scale)
    if dv.risk_weight > 0:
        assert res.cvar_usd is not None
        assert rel_close(res.cvar_usd, cost["cvar_usd"], REL, scale), (
            res.cvar_usd,
            cost["cvar_usd"],
        )
        lam = dv.risk_weight
        want = (1 - lam) * res.expected_cost_usd + lam * res.cvar_usd
        assert rel_close(res.objective_usd, want, REL, scale)
    else:
        assert res.cvar_usd is None
        assert rel_close(res.objective_usd, res.expected_cost_usd, REL, scale)
    # one entry per future: probability, K[f] of the reported plan, total unmet need
    futures = {f.future: f for f in res.futures}
    assert set(futures) == set(dv.futures), sorted(futures)
    for f in dv.futures:
        fut = futures[f]
        assert fut.probability == pytest.approx(dv.prob[f], abs=1e-12), f
        assert rel_close(fut.cost_usd, cost["K"][f], REL, scale), (f, fut.cost_usd, cost["K"][f])
        unmet = sum(v for k, v in plan.get("unmet", {}).items() if k[0] == f)
        # the product reports unmet need by material (amounts below 1e-6 t count as none)
        assert sum(fut.unmet_t.values()) == pytest.approx(unmet, rel=REL, abs=1e-5), f
    # a probability-0 future is reported at the least K[d] its plan allows
    for d in dv.disruptions:
        if dv.prob[d] == 0:
            # the trunk is the project's, met to HiGHS's tolerance: allow that much
            best = future_min_cost(inp, plan, d, primal_feasibility_tolerance=1e-6)
            assert best is not None, d
            assert rel_close(futures[d].cost_usd, best, REL, scale), (d, futures[d].cost_usd, best)


def assert_rows_are_model_rows(inp, res, plan) -> None:
    """Every reported row is a row of MODEL.md with the oracle's limits, and its body is
    the oracle's left-hand side at the reported plan (same orientation); a row of
    MODEL.md the project leaves out constrains nothing."""
    mine = model_rows(inp)
    reported = {(fam, key) for fam, rows in res.rows.items() for key in rows}
    extra = sorted(reported - set(mine), key=str)
    assert not extra, extra[:5]
    missing = [fk for fk in set(mine) - reported if not row_is_trivial(*mine[fk])]
    assert not missing, sorted(missing, key=str)[:5]
    for fam, rows in res.rows.items():
        for key, row in rows.items():
            terms, lo, up = mine[(fam, key)]
            scale = max(1.0, abs(lo or 0.0), abs(up or 0.0), abs(row.body))
            assert (row.lower is None) == (lo is None), (fam, key, row, lo)
            assert (row.upper is None) == (up is None), (fam, key, row, up)
            if lo is not None:
                assert rel_close(row.lower, lo, 1e-9, scale), (fam, key, row, lo)
                assert row.body >= lo - 1e-6 * scale, (fam, key, row)
            if up is not None:
                assert rel_close(row.upper, up, 1e-9, scale), (fam, key, row, up)
                assert row.body <= up + 1e-6 * scale, (fam, key, row)
            body = sum(a * plan.get(var, {}).get(idx, 0.0) for (var, idx), a in terms.items())
            assert rel_close(row.body, body, 1e-6, scale), (fam, key, row.body, body)


def duality_gap(res) -> float:
    """objective - sum over rows of dual * data limit (the limit side of each row)."""
    total = 0.0
    for fam, rows in res.rows.items():
        for key, row in rows.items():
            y = row.dual
            assert y is not None, (fam, key)
            lo, up = row.lower, row.upper
            if lo is not None and (up is None or lo == up or y > 0):
                total += y * lo
            elif up is not None:
                total += y * up
    return res.objective_usd - total


# ------------------------------------------------------------------ MODEL.md's checks


def _dual(res, family, *index):
    return res.rows[family][tuple(index)].dual


def test_check_a():
    inp = hand_case()
    ours, res = compare(inp)
    assert res.objective_usd == pytest.approx(1665.0, abs=1e-6)
    assert res.values["Buy"][("A", 2026)] == pytest.approx(60.0, abs=1e-6)
    assert res.values["Buy"][("B", 2027)] == pytest.approx(30.0, abs=1e-6)
    assert res.values["Stock"][("X", "L", 2027)] == pytest.approx(150.0, abs=1e-6)
    assert _dual(res, "stock_target", "X", 2027) == pytest.approx(12.5, abs=1e-6)
    # a nondegenerate LP: every dual is unique and equals the oracle's
    diffs = [
        (fam, key, y, res.rows.get(fam, {}).get(key))
        for fam, rows in ours.duals.items()
        for key, y in rows.items()
        if key in res.rows.get(fam, {}) and abs(res.rows[fam][key].dual - y) > 1e-6
    ]
    assert not diffs, diffs


def test_check_b():
    _ours, res = compare(_inputs(check_b_raw()))
    assert res.objective_usd == pytest.approx(650.0, abs=1e-6)
    assert res.parts["purchase_usd"] == pytest.approx(500.0, abs=1e-6)
    assert res.parts["holding_usd"] == pytest.approx(150.0, abs=1e-6)
    assert res.values["Buy"][("B", 2026)] == pytest.approx(100.0, abs=1e-6)
    assert res.values["Release"][("ban", "X", "H", 2027)] == pytest.approx(100.0, abs=1e-6)
    k = {f.future: f.cost_usd for f in res.futures}
    assert k == {BASE: pytest.approx(700.0, abs=1e-6), "ban": pytest.approx(600.0, abs=1e-6)}
    assert _dual(res, "disruption_cover", "ban", "X", 2027) == pytest.approx(6.5, abs=1e-6)


def test_check_b_cvar():
    _ours, res = compare(_inputs(check_b_raw(risk=True)))
    assert res.objective_usd == pytest.approx(9800 / 15, abs=1e-6)
    assert res.cvar_usd == pytest.approx(9800 / 15, abs=1e-6)
    assert res.values["Buy"][("B", 2026)] == pytest.approx(1400 / 15, abs=1e-6)
    assert res.values["BuyF"][("ban", "A", 2027)] == pytest.approx(100 / 15, abs=1e-6)
    assert _dual(res, "disruption_cover", "ban", "X", 2027) == pytest.approx(98 / 15, abs=1e-6)


@pytest.mark.parametrize(
    ("variant", "objective", "dual"), [(False, 650.0, 6.5), (True, 750.0, 7.5)]
)
def test_check_c(variant, objective, dual):
    _ours, res = compare(_inputs(check_c_raw(variant=variant)))
    assert res.objective_usd == pytest.approx(objective, abs=1e-6)
    assert _dual(res, "disruption_cover", "ban", "X", 2027) == pytest.approx(dual, abs=1e-6)
    added = res.values.get("ExpandF", {}).get(("ban", "A", 2027), 0.0)
    assert added == pytest.approx(100.0 if variant else 0.0, abs=1e-6)
    if variant:
        assert res.parts["investment_usd"] == pytest.approx(50.0, abs=1e-6)
        assert res.parts["purchase_usd"] == pytest.approx(700.0, abs=1e-6)


# ------------------------------------------------------------------ random instances


@st.composite
def v2_raw(draw, risk: bool = False, invest: bool = False):
    """A random instance with at least one future; ``risk`` forces risk_weight > 0,
    ``invest`` at least one expandable source."""
    settings, tables = draw(raw_inputs_st(min_disruptions=1))
    if risk:
        settings["risk_weight"] = draw(st.sampled_from([0.25, 0.5, 1.0]))
        settings["cvar_level"] = draw(st.sampled_from([0.0, 0.5, 0.8, 0.95]))
    if invest:
        src = draw(st.sampled_from(tables["sources"]))
        src.update(
            expansion_cost_usd_per_unit=draw(st.sampled_from([0.0, 1.0, 3.0, 10.0])),
            expansion_lead_years=draw(st.integers(0, 2)),
            max_expansion_units=draw(st.sampled_from([10.0, 50.0, 200.0])),
        )
    return settings, tables


@settings(max_examples=140, deadline=None, suppress_health_check=SLOW)
@given(v2_raw())
def test_agrees_with_oracle(raw):
    note(inputs_code(raw))
    compare(_inputs(raw))


@settings(max_examples=70, deadline=None, suppress_health_check=SLOW)
@given(v2_raw(risk=True))
def test_agrees_with_oracle_with_risk(raw):
    note(inputs_code(raw))
    compare(_inputs(raw))


@settings(max_examples=70, deadline=None, suppress_health_check=SLOW)
@given(v2_raw(invest=True))
def test_agrees_with_oracle_with_investment(raw):
    note(inputs_code(raw))
    compare(_inputs(raw))


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW)
@given(v2_raw())
def test_index_sets(raw):
    """Variables exist exactly where MODEL.md says (futures, Release, Unmet, Expand,
    Eta and Z included)."""
    note(inputs_code(raw))
    inp = _inputs(raw)
    res = project(inp)
    if res.status != "optimal":
        return
    plan = plan_from_result(res)
    for var, keys in variable_keys(inp).items():
        assert set(plan.get(var, {})) == keys, var


# ------------------------------------------------------------------ metamorphic


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW)
@given(v2_raw())
def test_more_capacity_never_costs_more(raw):
    note(inputs_code(raw))
    base = project(_inputs(raw))
    more = project(_inputs(scale_fields(raw, CAPACITY_FIELDS, 1.5)))
    if base.status == "optimal":
        assert more.status == "optimal"
        scale = max(_scale(base), _scale(more))
        assert more.objective_usd <= base.objective_usd + REL * max(1.0, scale)


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW)
@given(v2_raw(), st.sampled_from([0.5, 2.0, 3.0]))
def test_prices_scale_the_objective(raw, k):
    """Every price, penalty, expansion cost and budget times k: the objective times k
    (the CVaR term is positively homogeneous too)."""
    note(inputs_code(raw))
    note(f"k = {k}")
    base = project(_inputs(raw))
    scaled = project(_inputs(scale_fields(raw, PRICE_FIELDS, k)))
    assert scaled.status == base.status
    if base.status == "optimal":
        scale = k * max(_scale(base), _scale(scaled) / k)
        assert rel_close(scaled.objective_usd, k * base.objective_usd, REL, scale)
