"""risk (MODEL.md family 12): hand-solved instances with the dual sign pinned.

Every expected number is derived by hand in the test's docstring from MODEL.md only;
the helpers and shared cases are in tests/hand.py. With risk_weight lambda > 0 the
objective is (1 - lambda) * E + lambda * (Eta + 1/(1 - alpha) * sum_f prob[f] Z[f]),
with risk[f]: Z[f] >= K[f] - Eta for every future f (rows keyed (f,)). The dual of
risk[f] is the weight K[f] carries through the CVaR: >= 0, and the duals sum to lambda
(Eta is free: its reduced cost lambda - sum_f dual[f] is 0).

Both instances are MODEL.md hand check B: with x tonnes stockpiled from B in 2026
(x <= 100), K[base] = (5 + 1 + 1) x = 7x and K[ban] = 6x + 14 (100 - x) = 1400 - 8x
(the rest of the need bought from A in the ban, 14 < 40), E = 0.5 K[base] +
0.5 K[ban] = 700 - x / 2. Two futures of probability 0.5 and alpha 0.5: the CVaR term
is min over Eta of Eta + (K[base] - Eta)^+ + (K[ban] - Eta)^+, which is the larger of
the two costs (Eta between them gives Eta + (Kmax - Eta); below both it is
K[base] + K[ban] - Eta, above both Eta): the worst half of the futures.
"""

from __future__ import annotations

from hand import approx, assert_parts, check_b, costs, dual, dual_objective, solve


def test_model_md_check_b_with_cvar() -> None:
    """MODEL.md hand check B with risk_weight 1 and cvar_level 0.5, exactly.

    Objective max(7x, 1400 - 8x): least where 7x = 1400 - 8x, x = 1400/15 = 93.33.
    Objective 7 * 1400/15 = 9800/15 = 653.33; K[base] = K[ban] = 9800/15, so E and the
    CVaR term are 9800/15 too; Eta = 9800/15, Z[base] = Z[ban] = 0 (for Eta below K
    the term Eta + 2 (K - Eta) is larger).
    Plan: Buy[B,2026] = 1400/15 = 280/3, stock 280/3 in 2026 and 2027; in the ban
    Release 100, of which BuyF[ban,A,2027] = 100 - 280/3 = 20/3 bought in the ban.
    Parts of E: purchase 5x + 0.5 * 14 * (100 - x) = 7700/15, holding x + 0.5x = 140.
    Risk duals y[base] + y[ban] = 1 (lambda), and the plan is optimal in x:
    7 y[base] - 8 y[ban] = 0: y[base] = 8/15, y[ban] = 7/15 (both >= 0, each <= the
    weight 1 * 0.5 / 0.5 = 1 of its Z).
    disruption_cover[ban,X,2027]: one more tonne of need is bought from A in the ban
    at 14, weighed by y[ban]: 14 * 7/15 = 98/15 = 6.533.
    Strong duality: 98/15 * 100 = 9800/15 (risk rows have right-hand side 0).
    """
    r = solve(check_b(settings={"risk_weight": 1, "cvar_level": 0.5}))
    x = 1400 / 15
    assert r.objective_usd == approx(9800 / 15)
    assert r.expected_cost_usd == approx(9800 / 15)
    assert r.cvar_usd == approx(9800 / 15)
    assert_parts(r, purchase_usd=7700 / 15, holding_usd=140)
    assert r.values["Buy"] == approx(
        {("A", 2026): 0, ("A", 2027): 0, ("B", 2026): x, ("B", 2027): 0}
    )
    assert r.values["Stock"] == approx({("X", "H", 2026): x, ("X", "H", 2027): x})
    assert r.values["BuyF"] == approx({("ban", "A", 2027): 100 - x, ("ban", "B", 2027): 0})
    assert r.values["Release"] == approx({("ban", "X", "H", 2027): 100})
    assert r.values["Unmet"] == approx({("ban", "X", 2027): 0})
    assert costs(r) == approx({"base": 9800 / 15, "ban": 9800 / 15})
    assert r.values["Eta"] == approx({(): 9800 / 15})
    assert r.values["Z"] == approx({("base",): 0, ("ban",): 0})
    risk = r.rows["risk"]
    assert set(risk) == {("base",), ("ban",)}
    assert all(row.lower == 0 and row.upper is None for row in risk.values())
    assert risk["base",].dual == approx(8 / 15)
    assert risk["ban",].dual == approx(7 / 15)
    assert dual(r, "disruption_cover", "ban", "X", 2027) == approx(98 / 15)
    assert dual_objective(r) == approx(9800 / 15)


def test_a_small_risk_weight_keeps_the_plan_and_weighs_only_the_dearer_future() -> None:
    """risk_weight 0.05, cvar_level 0.5: the objective is 0.95 E + 0.05 CVaR.

    Objective 0.95 (700 - x/2) + 0.05 max(7x, 1400 - 8x). Above x = 1400/15 its slope
    is -0.475 + 0.35 < 0, below it -0.475 - 0.4 < 0: the least is at x = 100 (all of
    the need stockpiled, as in check B): E = 650, K[base] = 700 > K[ban] = 600,
    CVaR = 700. Objective 0.95 * 650 + 0.05 * 700 = 652.5.
    Risk duals: risk[ban] is slack (Z[ban] = 0 for any optimal Eta in [600, 700],
    K[ban] - Eta <= 0), so y[ban] = 0 and y[base] = lambda = 0.05.
    disruption_cover[ban,X,2027]: one more stockpiled tonne costs 0.95 * 6.5 in E
    and raises K[base] by 7: 6.175 + 0.05 * 7 = 6.525 (A in the ban would cost
    0.95 * 7 = 6.65).
    Strong duality: 6.525 * 100 = 652.5.
    """
    r = solve(check_b(settings={"risk_weight": 0.05, "cvar_level": 0.5}))
    assert r.objective_usd == approx(652.5)
    assert r.expected_cost_usd == approx(650)
    assert r.cvar_usd == approx(700)
    assert_parts(r, purchase_usd=500, holding_usd=150)
    assert r.values["Buy"] == approx(
        {("A", 2026): 0, ("A", 2027): 0, ("B", 2026): 100, ("B", 2027): 0}
    )
    assert r.values["Release"] == approx({("ban", "X", "H", 2027): 100})
    assert costs(r) == approx({"base": 700, "ban": 600})
    assert dual(r, "risk", "base") == approx(0.05)
    assert dual(r, "risk", "ban") == approx(0)
    assert dual(r, "disruption_cover", "ban", "X", 2027) == approx(6.525)
    assert dual_objective(r) == approx(652.5)
