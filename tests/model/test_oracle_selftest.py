"""Self-tests of the independent verification layer (tests/oracle.py).

Nothing here touches the project's model: the oracle must reproduce MODEL.md's
hand-solvable check, agree with its own checker and cost recomputation, and satisfy
strong duality with its documented dual sign.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from oracle import (
    PART_KEYS,
    check_plan,
    derive,
    oracle_solve,
    plan_cost,
    rel_close,
)
from stockpile.data.inputs import Inputs
from strategies import disruption_case, hand_case, inputs_st


def strong_duality_gap(res) -> float:
    """objective - sum_i dual_i * (active data limit of row i); 0 at an optimum."""
    total = 0.0
    for fam, rows in res.rows.items():
        for key, (_body, lo, up) in rows.items():
            y = res.duals[fam][key]
            if lo is not None and (up is None or lo == up or y > 0):
                total += y * lo
            elif up is not None:
                total += y * up
    return res.objective - total


# ------------------------------------------------------------------ hand-solvable check


def test_hand_case_exact():
    inp = hand_case()
    res = oracle_solve(inp)
    assert res.status == "optimal"
    assert res.objective == pytest.approx(1665.0, abs=1e-9)
    assert res.parts["purchase_usd"] == pytest.approx(1560.0, abs=1e-9)
    assert res.parts["holding_usd"] == pytest.approx(105.0, abs=1e-9)
    assert res.buy[("A", 2026)] == pytest.approx(60.0, abs=1e-9)
    assert res.buy[("A", 2027)] == pytest.approx(60.0, abs=1e-9)
    assert res.buy[("B", 2026)] == pytest.approx(0.0, abs=1e-9)
    assert res.buy[("B", 2027)] == pytest.approx(30.0, abs=1e-9)
    assert res.stock[("X", "L", 2026)] == pytest.approx(60.0, abs=1e-9)
    assert res.stock[("X", "L", 2027)] == pytest.approx(150.0, abs=1e-9)
    # documented sign: d objective / d target  (a requirement that costs money is > 0)
    assert res.duals_target[("X", 2027)] == pytest.approx(12.5, abs=1e-9)
    # the capacity of A binds in both years: relaxing it saves money (dual < 0)
    assert res.duals["source_capacity"][("A", 2027)] == pytest.approx(-2.0, abs=1e-9)
    assert check_plan(inp, res.plan) == []
    cost = plan_cost(inp, res.plan)
    assert cost["objective_usd"] == pytest.approx(1665.0, abs=1e-9)
    assert abs(strong_duality_gap(res)) < 1e-7


def test_hand_case_discounted_and_escalated():
    inp = hand_case()
    inp = Inputs.build(
        {"start_year": 2026, "end_year": 2027, "discount_rate": 0.25},
        **{k: list(getattr(inp, k)) for k in ("materials", "countries", "source_outputs")},
        sources=[
            r.model_copy(update={"cost_escalation_per_yr": 0.5}) if r.source == "A" else r
            for r in inp.sources
        ],
        sites=list(inp.sites),
        routes=list(inp.routes),
        targets=list(inp.targets),
    )
    dv = derive(inp)
    assert dv.cost[("A", 2027)] == pytest.approx(15.0)
    assert dv.delta[2027] == pytest.approx(0.8)
    res = oracle_solve(inp)
    # 2026: A 10 + hold 0.5 + 0.8*0.5 = 10.9 per t (cap 60); B 12.9
    # 2027: A 0.8*(15+0.5) = 12.4, B 0.8*(12+0.5) = 10.0  -> B 100, A 2026 50
    assert res.buy[("B", 2027)] == pytest.approx(100.0)
    assert res.buy[("A", 2026)] == pytest.approx(50.0)
    assert res.objective == pytest.approx(50 * 10.9 + 100 * 10.0)
    assert res.duals_target[("X", 2027)] == pytest.approx(10.9)
    assert check_plan(inp, res.plan) == []


# ------------------------------------------------------------------ parameter derivation


def test_derivation_cap_and_variables():
    dv = derive(disruption_case())
    assert dv.cap[("mkt", 2030)] == 0.0  # before first_year
    assert dv.cap[("mkt", 2031)] == 10.0
    assert dv.cap[("mkt", 2032)] == 7.0  # SourceCapacity
    assert dv.coproduct == {"nod"}
    assert ("nod", "Ni", "B", 2031) not in dv.ship_keys  # B not open
    assert ("nod", "Ni", "B", 2032) in dv.ship_keys
    assert ("mkt", "Ni", "A", 2030) in dv.ship_keys  # exists, forced 0 by cap
    assert ("Ni", "B", 2031) not in dv.stock_keys
    assert ("nod", "Co", 2030) in dv.surplus_keys
    assert not any(k[0] == "mkt" for k in dv.surplus_keys)


def test_derivation_need_and_availability():
    dv = derive(disruption_case())
    mix_ni = {"CN": 0.5 / 1.0001, "RU": 0.2 / 1.0001, "CA": 0.3001 / 1.0001}
    # ban: window 2031..2032 (cut); CN min(0.5, 0) = 0, RU 0.5 (bloc), CA 1
    surv = mix_ni["RU"] * 0.5 + mix_ni["CA"] * 1.0
    assert dv.need_all[("ban", "Ni")] == pytest.approx(200 * (1 - surv))
    # Co: only CA, allied, availability 1 -> need 0
    assert dv.need_all[("ban", "Co")] == 0.0
    # surge: multiplier 1.5, no impacts: need = 0.5 * demand of 2031
    assert dv.need_all[("surge", "Ni")] == pytest.approx(50.0)
    assert dv.need_all[("surge", "Co")] == pytest.approx(5.0)
    ban_ni = next(c for c in dv.cover if (c.d, c.m) == ("ban", "Ni"))
    # stock at 2030 counts only at A (B opens 2032): min(0.9, 0.6)
    assert ban_ni.stock_terms == [(("Ni", "A", 2030), 0.6)]
    buys = dict(ban_ni.buy_terms)
    # mkt in CN: country row 0 for Ni; nod in CA: 1 for Ni
    assert buys == {("mkt", 2031): 0.0, ("mkt", 2032): 0.0, ("nod", 2031): 0.5, ("nod", 2032): 0.5}
    surge_co = next(c for c in dv.cover if (c.d, c.m) == ("surge", "Co"))
    assert dict(surge_co.buy_terms) == {("nod", 2031): 0.25}
    assert dv.unmet_weight[("ban", "Ni")] == 0.0  # no penalty given


def test_need_threshold_and_start_at_t0():
    inp = disruption_case()
    dis = [
        {"disruption": "x", "probability": 1, "start_year": 2030, "duration_years": 1},
    ]
    # availability leaves 1 - (1 - 1e-12): below 1e-9 of window demand -> 0
    mix = [{"material": "Ni", "country": "CA", "share": 1.0}]
    imp = [
        {
            "disruption": "x",
            "material": "Ni",
            "group_type": "country",
            "group": "CA",
            "availability": 1 - 1e-12,
        }
    ]
    inp2 = Inputs.build(
        {"start_year": 2030, "end_year": 2032},
        **{
            k: list(getattr(inp, k))
            for k in ("materials", "countries", "sources", "source_outputs", "sites", "routes")
        },
        demand=[{"material": "Ni", "year": 2030, "demand_t": 100}],
        supply_mix=mix,
        disruptions=dis,
        disruption_impacts=imp,
    )
    assert derive(inp2).need_all[("x", "Ni")] == 0.0
    imp[0]["availability"] = 0.5
    inp3 = Inputs.build(
        {"start_year": 2030, "end_year": 2032},
        **{
            k: list(getattr(inp, k))
            for k in ("materials", "countries", "sources", "source_outputs", "sites", "routes")
        },
        initial_stock=[{"material": "Ni", "site": "A", "stock_t": 40}],
        demand=[{"material": "Ni", "year": 2030, "demand_t": 100}],
        supply_mix=mix,
        disruptions=dis,
        disruption_impacts=imp,
    )
    dv = derive(inp3)
    (cr,) = dv.cover
    assert cr.need == pytest.approx(50.0)
    assert cr.const == pytest.approx(40.0)  # init at t0 counts as stock at start - 1
    assert cr.stock_terms == []


def test_coproduct_resale_and_later_site():
    """A co-product source: buy for Ni, resell Co; a site opening later starts at 0."""
    inp = Inputs.build(
        {"start_year": 2030, "end_year": 2031},
        materials=[{"material": "Ni"}, {"material": "Co", "resale_usd_per_t": 4}],
        countries=[{"country": "US", "bloc": "domestic"}],
        sources=[
            {
                "source": "nod",
                "type": "seabed",
                "country": "US",
                "cost_usd_per_unit": 10,
                "capacity_units_per_yr": 100,
            }
        ],
        source_outputs=[
            {"source": "nod", "material": "Ni", "yield_t_per_unit": 1},
            {"source": "nod", "material": "Co", "yield_t_per_unit": 0.5},
        ],
        sites=[
            {"site": "A", "capacity_m3": 10},
            {"site": "B", "capacity_m3": 10, "first_year": 2031},
        ],
        routes=[{"source": "nod", "site": "B", "cost_usd_per_t": 1}],
        initial_stock=[{"material": "Ni", "site": "A", "stock_t": 5}],
        targets=[{"material": "Ni", "year": 2031, "min_stock_t": 25}],
    )
    res = oracle_solve(inp)
    assert res.status == "optimal"
    # 20 units in 2031: Ni 20 shipped (cost 10 + 1), Co 10 resold at 4
    assert res.buy[("nod", 2031)] == pytest.approx(20.0)
    assert res.surplus[("nod", "Co", 2031)] == pytest.approx(10.0)
    assert res.stock[("Ni", "A", 2031)] == pytest.approx(5.0)
    assert res.stock[("Ni", "B", 2031)] == pytest.approx(20.0)
    assert ("Ni", "B", 2030) not in res.stock
    assert res.objective == pytest.approx(200 + 20 - 40)
    assert res.parts["resale_usd"] == pytest.approx(40.0)
    assert check_plan(inp, res.plan) == []


# ------------------------------------------------------------------ checker sanity


def test_checker_flags_violations():
    inp = hand_case()
    res = oracle_solve(inp)
    plan = {k: dict(v) for k, v in res.plan.items()}
    plan["stock"][("X", "L", 2027)] = 149.0
    out = check_plan(inp, plan)
    assert any(v.startswith("stock_balance[X,L,2027]") for v in out)
    assert any(v.startswith("stock_target[X,2027]") for v in out)
    plan = {k: dict(v) for k, v in res.plan.items()}
    plan["surplus"][("A", "X", 2026)] = 0.0  # single-output source: no Surplus
    plan["buy"][("A", 2026)] = 61.0
    out = check_plan(inp, plan)
    assert any("surplus" in v and "must not exist" in v for v in out)
    assert any(v.startswith("source_capacity[A,2026]") for v in out)
    assert any(v.startswith("output_split[A,X,2026]") for v in out)


# ------------------------------------------------------------------ property


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(inputs_st())
def test_oracle_plan_is_feasible_and_priced(inp):
    res = oracle_solve(inp)
    assert res.status in ("optimal", "infeasible")
    if res.status != "optimal":
        return
    assert check_plan(inp, res.plan) == []
    cost = plan_cost(inp, res.plan)
    scale = sum(abs(res.parts[k]) for k in PART_KEYS)
    assert rel_close(cost["objective_usd"], res.objective, 1e-7, scale)
    for k in PART_KEYS:
        assert res.parts[k] >= -1e-9
        assert rel_close(cost[k], res.parts[k], 1e-7)
    assert abs(strong_duality_gap(res)) <= 1e-6 * max(1.0, scale)
    for dual in res.duals_target.values():
        assert dual >= -1e-7
    for dual in res.duals["budget"].values():
        assert dual <= 1e-7
