"""The report without a solver: content of the tables, formatting, formula safety and
what happens when the report cannot be written (the CLI's exit 73)."""

from __future__ import annotations

import math
import os
import re
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from report_cases import (
    all_tables,
    check_b_inputs,
    check_b_result,
    check_c_inputs,
    check_c_result,
    hand_inputs,
    hand_result,
    reconcile_inputs,
    table_frame,
)
from stockpile.data.params import build_params
from stockpile.model.families import BY_NAME
from stockpile.model.objective import PART_LABELS
from stockpile.reports import ReportWriteError, build_report, extract, write_report
from stockpile.reports.excel import (
    MIN_SCALE,
    MONEY,
    PAGE_WIDTH_PT,
    PERCENT,
    QUANTITY,
    WHOLE,
    column_points,
    wrapped_lines,
)
from stockpile.reports.extract import CVAR_LABEL, EXPECTED_LABEL, TOTAL_LABEL
from stockpile.result import (
    Diagnosis,
    FutureOutcome,
    IisMember,
    Relaxation,
    RowValue,
    SolveResult,
)

PROVENANCE = {
    "input_file": "plan.xlsx",
    "input_sha256": "0" * 64,
    "started_utc": "2026-01-05T10:00:00+00:00",
    "finished_utc": "2026-01-05T10:00:02+00:00",
    "package": "stockpile-optimizer 0.1.0",
    "python": "3.12.0",
    "pyomo": "6.9.2",
    "highs": "1.16.0",
    "solver_options": {"solver": "choose", "time_limit": None},
}


def hand_frames(**names: str):
    inputs = hand_inputs(**names)
    return extract(inputs, build_params(inputs), hand_result(**names), PROVENANCE)


def hand_report(tmp_path: Path, **names: str) -> Path:
    inputs = hand_inputs(**names)
    path = tmp_path / "report.xlsx"
    build_report(inputs, build_params(inputs), hand_result(**names), path, PROVENANCE)
    return path


def frames_of(inputs, result):
    return extract(inputs, build_params(inputs), result, PROVENANCE)


# ----- content -----------------------------------------------------------------------
def test_hand_case_purchases_a_60_60_b_0_30():
    """Non-zero rows only: B's 0 in 2026 (the solver's -0.0) is not listed."""
    purchases = hand_frames()["Purchases"]
    assert set(purchases["future"]) == {"base"}
    buys = purchases.set_index(["source", "year"])["activity [units]"]
    assert buys.to_dict() == {("A", 2026): 60, ("A", 2027): 60, ("B", 2027): 30}
    # no disruption: every plan year weighs 1, the expected cost is the discounted cost
    assert (purchases["weight [%]"] == 1).all()
    assert purchases["expected cost [USD]"].tolist() == [600, 600, 360]


def test_hand_case_target_dual_in_planner_words():
    prices = hand_frames()["ShadowPrices"]
    row = prices[prices["family"] == "stock_target"].iloc[0]
    assert row["dual [USD per unit]"] == 12.5
    assert row["unit"] == "USD/t"
    assert row["meaning"] == "One more tonne of X target in 2027 costs 12.50 USD."
    detail = hand_frames()["ShadowPricesDetail"].set_index("family")
    assert detail.loc["stock_target", "index"] == "material X, year 2027"


def test_shadow_prices_rank_the_planners_requirements_and_detail_has_every_dual():
    """Hand check A's duals: target 12.5, A's capacities -2.0 (2027) and -1.5 (2026) are
    the planner's; the balances (4 output_split, 2 stock_balance) only on the detail
    sheet; B's capacities (dual 0) nowhere."""
    frames = hand_frames()
    prices = frames["ShadowPrices"]
    assert prices["family"].tolist() == ["stock_target", "source_capacity", "source_capacity"]
    assert prices["dual [USD per unit]"].tolist() == [12.5, -2.0, -1.5]
    assert prices["rank"].tolist() == [1, 2, 3]
    assert "stock_balance" in prices.attrs["note"] and "left out" in prices.attrs["note"]
    detail = frames["ShadowPricesDetail"]
    assert len(detail) == 9  # 11 rows, B's two capacities have dual 0
    assert not (detail["dual [USD per unit]"].abs() < 1e-7).any()
    assert detail["family"].value_counts().to_dict() == {
        "output_split": 4,
        "stock_balance": 2,
        "source_capacity": 2,
        "stock_target": 1,
    }


def test_summary_parts_add_up_to_the_expected_cost():
    cost = hand_frames()["Summary/Expected cost"].set_index("part")["expected [USD]"]
    parts = {k: cost[label] for k, label in PART_LABELS.items()}
    assert parts == {
        "purchase_usd": 1560,
        "transport_usd": 0,
        "holding_usd": 105,
        "investment_usd": 0,
        "resale_usd": 0,
        "shortfall_penalty_usd": 0,
    }
    assert cost[TOTAL_LABEL] == 1665 == sum(parts.values())
    lines = hand_frames()["Summary/Plan"]["text"].tolist()
    assert lines[0] == "Status: optimal, the least-cost plan that meets every requirement."


def test_summary_resale_is_a_minus_and_the_parts_add_up():
    """Check B with 10 t resold at 3 USD/t (weight 1, no discounting): -30 USD."""
    result = check_b_result()
    result.parts = {**result.parts, "resale_usd": 30.0}
    result.expected_cost_usd = result.objective_usd = 620.0
    cost = frames_of(check_b_inputs(), result)["Summary/Expected cost"]
    values = cost.set_index("part")["expected [USD]"]
    assert values[PART_LABELS["resale_usd"]] == -30
    assert values[TOTAL_LABEL] == 620 == values.drop(TOTAL_LABEL).sum()


def test_summary_says_what_to_buy_next_year_and_spend_against_nothing():
    """Hand check A: in 2026 A buys 60 t at 10 USD = 600 USD; the year's spend adds the
    holding of 60 t at 0.5 USD = 630 USD; 2027: 600 + 30 x 12 + 150 x 0.5 = 1035 USD."""
    frames = hand_frames()
    spend = frames["Summary/Spend"].set_index("year")
    assert spend["spend [USD]"].to_dict() == {2026: 630, 2027: 1035}
    assert spend["budget [USD]"].isna().all()
    lines = frames["Summary/Plan"]["text"].tolist()
    assert lines[1].startswith("Next year, 2026: buy 600 USD from 1 source (money of 2026; ")
    assert "the year's spend with transport and holding is 630 USD)" in lines[1]
    assert "Largest: A 60 t (600 USD)." in lines[1]
    assert "What stays at risk: no disruption cuts supply" in lines[-1]
    unmet = frames["Summary/Unmet need"]
    assert unmet.empty and unmet.attrs["empty"].startswith("No disruption need")


def test_summary_against_a_budget_that_binds():
    """Budget 700 USD in 2026 and 1000 in 2027 (the plan's 1035 exceeds it: a closest
    plan could); the budget row's dual says it binds in 2026."""
    inputs = hand_inputs(
        budget=[{"year": 2026, "budget_usd": 700}, {"year": 2027, "budget_usd": 1000}]
    )
    result = hand_result()
    result.rows["budget"] = {(2026,): RowValue(630.0, None, 700.0, -0.25)}
    frames = frames_of(inputs, result)
    spend = frames["Summary/Spend"].set_index("year")
    assert spend["budget [USD]"].to_dict() == {2026: 700, 2027: 1000}
    assert spend["of budget [%]"].to_dict() == pytest.approx({2026: 0.9, 2027: 1.035})
    cost_line = frames["Summary/Plan"]["text"].tolist()[2]
    assert cost_line.endswith("Spend exceeds the budget in 2027.")
    inputs = hand_inputs(
        budget=[{"year": 2026, "budget_usd": 700}, {"year": 2027, "budget_usd": 1100}]
    )
    cost_line = frames_of(inputs, result)["Summary/Plan"]["text"].tolist()[2]
    assert cost_line.endswith(
        "Spend stays within the budget in every year; the budget binds in 2026."
    )


def test_summary_names_unmet_need_in_words():
    """Check B with only 80 t of the ban's 100 t released: 20 t unmet from 2027."""
    result = check_b_result()
    result.values["Release"] = {("ban", "X", "H", 2027): 80.0}
    result.values["Unmet"] = {("ban", "X", 2027): 20.0}
    frames = frames_of(check_b_inputs(), result)
    unmet = frames["Summary/Unmet need"]
    assert unmet[["material", "future", "unmet [t]", "first year"]].values.tolist() == [
        ["X", "ban", 20.0, 2027]
    ]
    lines = frames["Summary/Plan"]["text"].tolist()
    assert (
        "What stays at risk: X: 20.0 t of disruption need left uncovered (first in 2027, "
        "future ban)." in lines
    )


def test_summary_costliest_requirements_are_the_top_of_shadow_prices():
    frames = hand_frames()
    lines = frames["Summary/Costliest"]["text"].tolist()
    prices = frames["ShadowPrices"]
    assert lines[:3] == [
        f"{r}. {m}" for r, m in zip(prices["rank"], prices["meaning"], strict=True)
    ]
    assert lines[3].startswith("Why 2027 is dearest: nothing after 2027 values the stock")


def test_a_shadow_price_that_relaxing_does_not_bring_is_not_called_costly():
    """solver.margins measured (by re-solving) what relaxing each of the largest limits
    saves. Here the target's dual of 12.5 USD/t is said to bring nothing (as at a
    degenerate corner) while A's 2027 capacity brings its 2.0: the Summary skips the
    target, says so, and ShadowPrices keeps it at rank 1 with what the check found."""
    inputs, result = hand_inputs(), hand_result()
    result.margins = {
        ("stock_target", ("X", 2027)): 0.0,
        ("source_capacity", ("A", 2027)): 2.0,
    }
    frames = frames_of(inputs, result)
    lines = frames["Summary/Costliest"]["text"].tolist()
    prices = frames["ShadowPrices"]
    assert lines[0].startswith("2. One more tonne of capacity of A in 2027")
    assert lines[1].startswith("3. ")
    assert any(
        x.startswith("Left out: 1 larger shadow price(s)") and "ranks 1 " in x for x in lines
    )
    first = prices.iloc[0]
    assert first["family"] == "stock_target"
    assert first["checked saving [USD per unit]"] == 0.0
    assert "degenerate corner" in first["meaning"] and "12.50 USD per unit" in first["meaning"]
    assert prices.iloc[1]["checked saving [USD per unit]"] == 2.0
    assert pd.isna(prices.iloc[2]["checked saving [USD per unit]"])


# ----- MODEL.md hand check B: one disruption -------------------------------------------
def check_b_frames():
    return frames_of(check_b_inputs(), check_b_result())


def test_check_b_futures_probability_k_and_the_expected_cost():
    """K[base] 700, K[ban] 600, each with probability 0.5: 0.5 x 700 + 0.5 x 600 = 650."""
    futures = check_b_frames()["Futures/Futures"].set_index("future")
    assert futures["probability [%]"].to_dict() == {"base": 0.5, "ban": 0.5}
    assert futures["cost K [USD]"].to_dict() == {"base": 700, "ban": 600}
    assert futures["probability x cost [USD]"].sum() == 650
    assert futures.loc["ban", "start year"] == 2027 and futures.loc["ban", "window"] == "2027"
    assert futures.loc["ban", "need [t]"] == 100 and futures.loc["ban", "released [t]"] == 100
    assert futures.loc["ban", "unmet [t]"] == 0
    assert check_b_frames()["Futures/Unmet need"].empty


def test_check_b_coverage_100_t_released_in_2027():
    coverage = check_b_frames()["Coverage"]
    assert coverage[["future", "material", "year"]].values.tolist() == [["ban", "X", 2027]]
    row = coverage.iloc[0]
    assert (row["need [t]"], row["released [t]"], row["unmet [t]"]) == (100, 100, 0)
    assert row["covered share [%]"] == 1 and row["probability [%]"] == 0.5
    releases = check_b_frames()["Releases"]
    assert releases.values.tolist() == [["ban", "X", "H", 2027, 100.0]]


def test_check_b_weights_the_plans_2027_by_half():
    """Purchase 500 (B's 100 t in 2026, weight 1); holding 150: 100 t held at the end of
    2026 (weight 1) and of 2027 (weight w(2027) = 1 - 0.5)."""
    frames = check_b_frames()
    purchases = frames["Purchases"]
    assert purchases[["future", "source", "year"]].values.tolist() == [["base", "B", 2026]]
    assert purchases["expected cost [USD]"].sum() == 500
    stock = frames["Stock"].set_index(["future", "year"])
    assert stock["weight [%]"].to_dict() == {("base", 2026): 1.0, ("base", 2027): 0.5}
    assert stock["expected holding cost [USD]"].sum() == 150
    assert "ban" not in set(stock.index.get_level_values(0))  # ban's stock is 0 after release


def test_check_b_cover_dual_and_its_value_if_the_ban_happens():
    frames = check_b_frames()
    prices = frames["ShadowPrices"].set_index("family")
    cover = prices.loc["disruption_cover"]
    assert cover["dual [USD per unit]"] == 6.5
    assert cover["conditional [USD per unit]"] == 13  # 6.5 / prob 0.5
    assert cover["meaning"] == (
        "If ban happens: one more tonne of X need in 2027 costs 13.00 USD (6.50 USD expected)."
    )
    assert "stock_balance" not in prices.index  # a balance: on the detail sheet only
    detail = frames["ShadowPricesDetail"].set_index("family")
    assert detail.loc["disruption_cover", "index"] == "disruption ban, material X, year 2027"
    assert detail.loc["stock_balance", "dual [USD per unit]"] == -5
    assert detail.loc["stock_balance", "index"] == "material X, site H, year 2026"


def test_check_b_stock_chart_draws_down_in_the_ban():
    chart = check_b_frames()["Charts/Stock X"].set_index("year")
    assert chart["base [t]"].to_dict() == {2026: 100, 2027: 100}
    # ban follows the plan to the end of 2026, then releases its 100 t
    assert chart["ban [t]"].to_dict() == {2026: 100, 2027: 0}
    spend = check_b_frames()["Charts/Spend vs budget"].set_index("year")
    # plan: 500 + 100 holding in 2026, 100 holding in 2027; the ban holds nothing in 2027
    assert spend["plan [USD]"].to_dict() == {2026: 600, 2027: 100}
    assert spend["ban [USD]"].to_dict() == {2026: 600, 2027: 0}
    summary = check_b_frames()["Summary/Spend"].set_index("year")["spend [USD]"]
    assert summary.to_dict() == {2026: 600, 2027: 100}


def test_no_expandable_source_no_investments_sheet():
    assert "Investments" not in check_b_frames()


def test_check_c_investment_in_the_bans_future():
    """C's variant: in ban 100 units of A capacity added in 2027 (1 USD each) and 100 t
    bought from A at 14 USD; weight 0.5: investment 50, purchase 700."""
    frames = frames_of(check_c_inputs(), check_c_result())
    invest = frames["Investments"]
    assert invest[["future", "source", "year", "produces from"]].values.tolist() == [
        ["ban", "A", 2027, 2027]
    ]
    row = invest.iloc[0]
    assert row["capacity added [units]"] == 100 and row["cost [USD]"] == 100
    assert row["weight [%]"] == 0.5 and row["expected cost [USD]"] == 50
    buys = frames["Purchases"]
    assert buys[["future", "source", "year"]].values.tolist() == [["ban", "A", 2027]]
    assert buys["expected cost [USD]"].sum() == 700
    futures = frames["Futures/Futures"].set_index("future")["cost K [USD]"]
    assert futures.to_dict() == {"base": 0, "ban": 1500}


def test_price_multiplier_in_the_window():
    """A purchase of ban's own in its window costs price_multiplier x the unit cost:
    10 t from A (14 USD/t) at x1.5 = 210 USD, weighted by 0.5."""
    inputs = check_b_inputs(
        disruptions=[
            {
                "disruption": "ban",
                "probability": 0.5,
                "start_year": 2027,
                "duration_years": 1,
                "price_multiplier": 1.5,
            }
        ]
    )
    result = check_b_result()
    result.values["BuyF"] = {("ban", "A", 2027): 10.0}
    buy = frames_of(inputs, result)["Purchases"].set_index("future").loc["ban"]
    assert buy["unit cost [USD/unit]"] == 21 and buy["cost [USD]"] == 210
    assert buy["expected cost [USD]"] == 105


def test_risk_weight_adds_e_and_the_cvar_and_drops_conditional_values():
    """MODEL.md's check B with risk_weight 1, cvar_level 0.5: objective 9800/15, both
    futures cost 1400 - 8 x 93.33; no conditional value under a risk-averse objective."""
    inputs = check_b_inputs()
    inputs = inputs.model_copy(
        update={
            "settings": inputs.settings.model_copy(update={"risk_weight": 1.0, "cvar_level": 0.5})
        }
    )
    result = check_b_result()
    k = 9800 / 15
    result.objective_usd = result.expected_cost_usd = result.cvar_usd = k
    result.futures = [FutureOutcome("base", 0.5, k), FutureOutcome("ban", 0.5, k)]
    result.rows["disruption_cover"] = {("ban", "X", 2027): RowValue(100, 100, 100, 98 / 15)}
    frames = frames_of(inputs, result)
    run = frames["Run"].set_index("item")["value"]
    assert run[EXPECTED_LABEL] == k and run[CVAR_LABEL] == k
    lines = frames["Summary/Plan"]["text"].tolist()
    assert any(line.startswith("Risk weight 1: the plan minimises") for line in lines)
    risk = frames["Futures/Risk"].set_index("item")["value"]
    assert risk["Risk weight (lambda)"] == 1 and risk["CVaR level (alpha)"] == 0.5
    prices = frames["ShadowPrices"].set_index("family")
    assert pd.isna(prices.loc["disruption_cover", "conditional [USD per unit]"])
    assert "risk-weighted objective" in prices.loc["disruption_cover", "meaning"]


def test_binding_lists_limits_not_balances():
    binding = hand_frames()["Binding"]
    assert set(binding["family"]) == {"stock_target", "source_capacity"}
    cap = binding[binding["family"] == "source_capacity"]
    assert list(cap["requirement"]) == [
        "purchases from A in 2026 <= 60",
        "purchases from A in 2027 <= 60",
    ]
    assert list(cap["side"]) == ["<=", "<="]
    assert binding.iloc[0]["requirement"] == "total X stock at end of 2027 >= 150 t"


def test_run_sheet_shows_what_the_caller_gives_the_model_and_the_timings():
    frames = hand_frames()
    run = frames["Run"].set_index("item")["value"]
    assert run["Input file"] == "plan.xlsx"
    assert run["Input SHA-256"] == "0" * 64
    assert run["Pyomo"] == "6.9.2" and run["HiGHS"] == "1.16.0"
    assert run["Time: solve"] == 0.002
    assert run["Solver option: solver"] == "choose"
    assert run["Status code"] == "optimal" and run["Solver message"] == "Optimal plan found."
    assert run["Model variables"] == 10 and run["Model constraints"] == 11
    # the Summary holds none of it
    summary = " ".join(
        " ".join(map(str, df.to_numpy().ravel())) for k, df in frames.items() if "Summary" in k
    )
    assert "0" * 64 not in summary and "6.9.2" not in summary


SIGNS = [
    # family, index, dual, words the sentence must hold
    ("stock_target", ("Co", 2027), 3.0, "One more tonne of Co target in 2027 costs 3.00 USD"),
    ("budget", (2027,), -0.25, "One more USD of budget in 2027 would save 0.25 USD"),
    ("source_capacity", ("nod", 2029), -1.5, "capacity of nod in 2029 would save 1.50 USD"),
    ("source_capacity", ("mine_ni", 2029), -2.0, "One more tonne of capacity of mine_ni"),
    ("site_capacity", ("S1", 2028), -812.0, "One more m3 of space at S1 in 2028 would save 812"),
    ("sourcing_rule", ("adv50", "Co", 2027), -4.0, "from bloc adversary in 2027"),
    ("sourcing_rule", ("adv50", "Co", 2027), -4.0, "(at most 50%) would save 4.00 USD"),
    ("site_dispersion", ("spread", "Ni", "S1", 2028), -1.0, "sit at S1 in 2028"),
    # a row of cn_ban's future (probability 0.5): its value if cn_ban happens, then E's
    ("disruption_cover", ("cn_ban", "Co", 2028), 2.27, "If cn_ban happens: one more tonne"),
    ("disruption_cover", ("cn_ban", "Co", 2028), 2.27, "costs 4.54 USD (discounted; 2.27 USD"),
    ("coverage_floor", ("cn_ban", "Co", 2029), -0.5, "go unmet would save 1.00 USD"),
    # the stress test late_surge weighs nothing: the change of the objective only
    ("coverage_floor", ("late_surge", "Co", 2029), -0.5, "Co need in 2029 go unmet would save"),
    ("output_split", ("nod", "Co", 2027), 19.5, "Losing one tonne of the Co output of nod"),
    ("output_split", ("nod", "Co", 2027), 19.5, "would cost 19.50 USD"),
    ("stock_balance", ("Ni", "S1", 2028), -9.0, "arriving at S1 in 2028 would save 9.00 USD"),
]


@pytest.mark.parametrize(("family", "index", "dual", "words"), SIGNS)
def test_every_family_has_a_sentence_with_the_sign_of_its_docstring(family, index, dual, words):
    rules = [
        {
            "rule": "adv50",
            "material": "Co",
            "group_type": "bloc",
            "group": "adversary",
            "limit": "max_share",
            "share": 0.5,
        },
        {
            "rule": "spread",
            "material": "Ni",
            "group_type": "site",
            "group": "*",
            "limit": "max_share",
            "share": 0.7,
        },
    ]
    inputs = reconcile_inputs(rules=rules, budget=[{"year": 2027, "budget_usd": 1e6}])
    result = SolveResult(status="optimal", objective_usd=0.0, parts=dict.fromkeys(PART_LABELS, 0.0))
    result.rows = {family: {index: RowValue(1.0, None, 1.0, dual)}}
    params = build_params(inputs)
    frames = extract(inputs, params, result, {})
    detail = frames["ShadowPricesDetail"]
    assert detail[["family", "dual [USD per unit]"]].values.tolist() == [[family, dual]]
    prices = frames["ShadowPrices"]
    if family in ("output_split", "stock_balance"):  # balances: not a planner's requirement
        assert prices.empty
        sentence = BY_NAME[family].sentence(params, index, dual, f"{abs(dual):.2f} USD")
        assert words in sentence
        return
    assert len(prices) == 1
    sentence = prices.iloc[0]["meaning"]
    assert words in sentence
    assert "USD (discounted" in sentence  # the instance discounts at 5 %
    conditional = prices.iloc[0]["conditional [USD per unit]"]
    if index[0] == "cn_ban":
        assert conditional == pytest.approx(dual / 0.5)
    else:
        assert pd.isna(conditional)


def test_resale_above_cost_is_flagged():
    materials = [
        {"material": "Ni"},
        {"material": "Co"},
        {"material": "Mn", "resale_usd_per_t": 20},  # 0.3 t/unit * 20 > 3 USD/unit
    ]
    inputs = reconcile_inputs(materials=materials)
    result = SolveResult(status="infeasible")
    flags = extract(inputs, build_params(inputs), result, {})["Summary/Flags"]
    assert len(flags) == 1
    assert flags.iloc[0]["flag"].startswith("nod, 2026-2029: reselling its outputs earns more")
    assert flags.iloc[0]["resale [USD/unit]"] == pytest.approx(6.0)  # 0.3 t x 20 USD/t
    assert flags.iloc[0]["cost [USD/unit]"] == pytest.approx(3.0)


def test_infeasible_report_lists_each_member_and_its_input_rows(tmp_path):
    inputs = hand_inputs()
    diagnosis = Diagnosis(
        method="iis",
        members=(
            IisMember(
                "stock_target",
                ("X", 2027),
                "stock_target[X, 2027]: total X stock at end of 2027 >= 500 t",
                (("Targets", 2, "X 2027 >= 500 t"),),
            ),
            IisMember(
                "source_capacity",
                ("A", 2026),
                "source_capacity[A, 2026]: purchases from A in 2026 <= 60",
                (("Sources", 2, "A capacity 60 t/yr"), ("SourceCapacity", 3, "A 2026 60")),
            ),
        ),
        suggestion="Relax at least one: lower or delay the stock target; add source capacity.",
    )
    result = SolveResult(status="infeasible", message="No plan.", diagnosis=diagnosis)
    frames = extract(inputs, build_params(inputs), result, PROVENANCE)
    members = frames["Infeasibility/Members"]
    assert list(members["input sheet"]) == ["Targets", "Sources", "SourceCapacity"]
    assert list(members["member"]) == [1, 2, 2]
    alert = frames["Summary/Alert"]["text"].tolist()
    assert alert[0].startswith("NO PLAN. Infeasible: no plan meets every requirement")
    assert alert[1] == f"What to change: {diagnosis.suggestion}"
    assert frames["Summary/Alert"].attrs["alert"]

    path = tmp_path / "infeasible.xlsx"
    write_report(frames, path)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Summary"
    assert wb.sheetnames[-3:] == ["Charts", "Infeasibility", "Run"]
    diag = table_frame(wb, "T_Infeasibility_Diagnosis").set_index("item")["value"]
    assert diag["What to change"] == diagnosis.suggestion
    assert table_frame(wb, "T_Infeasibility_Members")["input row"].tolist() == [2, 2, 3]


@pytest.mark.parametrize("status", ["time_limit_no_solution", "unbounded", "error"])
def test_a_report_without_a_plan_still_has_every_sheet(tmp_path, status):
    inputs = hand_inputs()
    result = SolveResult(status=status, message="no plan")
    path = tmp_path / "r.xlsx"
    build_report(inputs, build_params(inputs), result, path, PROVENANCE)
    wb = load_workbook(path)
    for sheet in ("Summary", "Charts", "Futures", "Coverage", "Purchases", "Deliveries"):
        assert sheet in wb.sheetnames
    assert "Stock" in wb.sheetnames and "Releases" in wb.sheetnames
    assert "ShadowPrices" in wb.sheetnames and "Binding" in wb.sheetnames
    assert table_frame(wb, "T_Purchases").iloc[0, 0].startswith("No plan")


# ----- the workbook ------------------------------------------------------------------
def test_every_sheet_is_formatted_tables_frozen_units_and_number_formats(tmp_path):
    path = hand_report(tmp_path)
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Summary",
        "BuyList",
        "Futures",
        "Coverage",
        "Purchases",
        "Deliveries",
        "Stock",
        "Releases",
        "Resale",
        "ShadowPrices",
        "ShadowPricesDetail",
        "Binding",
        "Charts",
        "Run",
    ]
    tables = all_tables(wb)
    assert set(tables.values()) == set(wb.sheetnames)  # every sheet has a table
    assert len({n.lower() for n in tables}) == len(tables)
    for ws in wb.worksheets:
        assert ws.freeze_panes, ws.title
        assert ws.page_setup.orientation == "landscape"
    # the Summary prints on one page (fitToWidth/Height absent means 1 in OOXML)
    summary = wb["Summary"]
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    assert summary.page_setup.fitToWidth in (None, 1) and summary.page_setup.fitToHeight in (
        None,
        1,
    )
    # a sheet of one table repeats its header row on every printed page
    for name, sheet in tables.items():
        ws = wb[sheet]
        if sheet in ("Summary", "Charts", "Futures"):
            continue
        header = int(ws.tables[name].ref.split(":")[0][1:])
        assert ws.print_title_rows == f"${header}:${header}", sheet

    ws = wb["Purchases"]
    header_row = int(ws.tables["T_Purchases"].ref.split(":")[0][1:])
    assert ws.freeze_panes == f"A{header_row + 1}"  # the header stays in view
    purchases = table_frame(wb, "T_Purchases")
    assert "cost [USD]" in purchases.columns and "activity [units]" in purchases.columns
    col = {c.value: c.column for c in ws[header_row]}
    first = header_row + 1
    assert ws.cell(first, col["cost [USD]"]).number_format == MONEY
    assert ws.cell(first, col["activity [units]"]).number_format == QUANTITY
    assert ws.cell(first, col["capacity used [%]"]).number_format == PERCENT
    for letter, dim in ws.column_dimensions.items():
        assert 6 <= dim.width <= 80, letter

    summary = table_frame(wb, "T_Summary_Expected_cost").set_index("part")
    assert summary.loc[TOTAL_LABEL, "expected [USD]"] == 1665
    ws = wb["Summary"]
    total = next(c for c in ws["B"] if c.value == 1665)
    assert total.number_format == MONEY


def test_charts_are_native_excel_charts(tmp_path):
    path = hand_report(tmp_path)
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = "".join(z.read(n).decode() for n in charts)
    # spend vs budget (no budget: columns only), purchases by source type, the cost of
    # each future, delivery shares by source type and by bloc, one stock chart per material
    assert len(charts) == 6

    def count(element: str) -> int:  # with or without a namespace prefix
        return len(re.findall(rf"<(?:\w+:)?{element}>", xml))

    assert count("lineChart") == 1 and count("barChart") == 5
    # every value axis of money or tonnes starts at zero
    assert xml.count('<c:min val="0"/>') == 4
    assert "Charts!" in xml or "'Charts'!" in xml  # live references to the data below


def test_futures_sheet_and_a_long_note_wrapped_over_its_table(tmp_path):
    path = tmp_path / "b.xlsx"
    inputs = check_b_inputs()
    build_report(inputs, build_params(inputs), check_b_result(), path, PROVENANCE)
    wb = load_workbook(path)
    futures = table_frame(wb, "T_Futures_Futures").set_index("future")
    assert futures["cost K [USD]"].to_dict() == {"base": 700, "ban": 600}
    ws = wb["Futures"]
    header = int(ws.tables["T_Futures_Futures"].ref.split(":")[0][1:])
    col = {c.value: c.column for c in ws[header]}
    assert ws.cell(header + 2, col["start year"]).number_format == WHOLE
    assert ws.cell(header + 2, col["cost K [USD]"]).number_format == MONEY
    # the note above the table is merged over the table's columns and wraps in them
    ws = wb["Purchases"]
    ref = ws.tables["T_Purchases"].ref
    first, last = ref.split(":")
    note_row = int(first[1:]) - 1
    merged = [str(r) for r in ws.merged_cells.ranges]
    assert f"A{note_row}:{re.sub(r'[0-9]', '', last)}{note_row}" in merged
    assert ws.cell(note_row, 1).alignment.wrap_text
    assert ws.row_dimensions[note_row].height > 15


def test_user_text_that_looks_like_a_formula_stays_text(tmp_path):
    evil = '=HYPERLINK("http://evil.example","click")'
    path = hand_report(tmp_path, material=evil, source_a="+A", site="@S")
    wb = load_workbook(path)
    formulas = [
        (ws.title, c.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []
    stock = table_frame(wb, "T_Stock")
    assert set(stock["material"]) == {evil}
    assert set(stock["site"]) == {"@S"}
    assert "+A" in set(table_frame(wb, "T_Purchases")["source"])
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in z.read(n).decode() for n in sheets)


def test_wrapped_lines():
    assert wrapped_lines("short", 20) == 1
    assert wrapped_lines("one two three four", 12) == 2  # "one two" / "three four"
    assert wrapped_lines("x" * 25, 11) == 3


# ----- failures to write (exit 73) --------------------------------------------------------
def _write(path: Path) -> None:
    inputs = hand_inputs()
    build_report(inputs, build_params(inputs), hand_result(), path, PROVENANCE)


def test_destination_is_a_folder(tmp_path):
    target = tmp_path / "report.xlsx"
    target.mkdir()
    with pytest.raises(ReportWriteError) as err:
        _write(target)
    assert err.value.path == target and "folder" in err.value.reason
    assert sorted(os.listdir(tmp_path)) == ["report.xlsx"]
    assert os.listdir(target) == []


def test_missing_folder(tmp_path):
    with pytest.raises(ReportWriteError, match="does not exist"):
        _write(tmp_path / "nowhere" / "report.xlsx")
    assert os.listdir(tmp_path) == []


def test_read_only_folder(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: chmod does not stop writes")
        with pytest.raises(ReportWriteError) as err:
            _write(folder / "report.xlsx")
        assert "permission" in err.value.reason
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)


def test_read_only_folder_even_as_root(tmp_path, monkeypatch):
    """Where chmod cannot stop root, the folder refuses the temporary file instead."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(ReportWriteError, match="permission denied"):
        _write(tmp_path / "report.xlsx")
    assert os.listdir(tmp_path) == []


def test_locked_destination_keeps_the_old_report_and_leaves_no_temporary_file(
    tmp_path, monkeypatch
):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"the report of yesterday")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file", str(dst))

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(ReportWriteError) as err:
        _write(path)
    assert "open in Excel" in err.value.reason
    assert os.listdir(tmp_path) == ["report.xlsx"]
    assert path.read_bytes() == b"the report of yesterday"


def test_failure_while_saving_leaves_no_temporary_file(tmp_path, monkeypatch):
    from xlsxwriter.workbook import Workbook

    def disk_full(self):
        Path(self.filename).write_bytes(b"PK partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "_store_workbook", disk_full)
    with pytest.raises(ReportWriteError, match="disk is full"):
        _write(tmp_path / "report.xlsx")
    assert os.listdir(tmp_path) == []


def test_overwrite_keeps_permissions_and_replaces_content(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"old")
    path.chmod(0o640)
    _write(path)
    assert (path.stat().st_mode & 0o777) == 0o640
    assert load_workbook(path).sheetnames[0] == "Summary"
    assert os.listdir(tmp_path) == ["report.xlsx"]


def test_numbers_empty_cells_infinity_and_per_row_units(tmp_path):
    """The writer's fast path for number columns and its general path agree on cells."""
    numbers = pd.DataFrame(
        {
            "item": ["a", "b", "c"],
            "amount [t]": [1.25, math.nan, math.inf],
            "year": [2030, 2031, 2032],
            "value": [1234.5, 0.125, 7.0],
            "unit": ["USD", "%", "t"],
        }
    )
    path = tmp_path / "cells.xlsx"
    write_report({"Numbers": numbers}, path)
    ws = load_workbook(path)["Numbers"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=3)}
    assert rows["a"][1].value == 1.25 and rows["a"][1].number_format == QUANTITY
    assert rows["b"][1].value is None  # NaN: an empty cell, not 0 and not "nan"
    assert rows["c"][1].value == "inf" and rows["c"][1].data_type == "s"
    assert [rows[k][2].value for k in "abc"] == [2030, 2031, 2032]
    assert [rows[k][3].number_format for k in "abc"] == [MONEY, PERCENT, QUANTITY]
    assert ws.freeze_panes == "A3"  # title, header, then the data


# ----- the planner's sheets -------------------------------------------------------------
def test_buy_list_is_the_plans_purchases_by_source_and_year():
    """Hand check A: A (domestic_mine, US) 60 t in 2026 and 2027, 1200 USD; B (market)
    30 t in 2027 at 12 USD = 360 USD; B's 2026 is empty, not 0. Largest contract first."""
    buy = hand_frames()["BuyList"]
    assert buy.columns.tolist() == [
        "source",
        "material",
        "type",
        "country",
        "unit",
        "2026",
        "2027",
        "total",
        "cost [USD]",
    ]
    rows = buy.set_index("source")
    assert rows.index.tolist() == ["A", "B"]
    assert rows.loc["A", ["material", "type", "country", "unit"]].tolist() == [
        "X",
        "domestic_mine",
        "US",
        "t",
    ]
    assert rows.loc["A", ["2026", "2027", "total", "cost [USD]"]].tolist() == [60, 60, 120, 1200]
    assert pd.isna(rows.loc["B", "2026"])
    assert rows.loc["B", ["2027", "total", "cost [USD]"]].tolist() == [30, 30, 360]


def test_buy_list_leaves_out_the_years_without_purchases():
    """Hand check A with A's 2026 purchase taken away: nothing is bought in 2026, so the
    contract list has no 2026 column (a column of blanks), and A's total is 60 t."""
    result = hand_result()
    result.values["Buy"]["A", 2026] = 0.0
    buy = frames_of(hand_inputs(), result)["BuyList"]
    assert [c for c in buy.columns if c.isdigit()] == ["2027"]
    assert buy.set_index("source").loc["A", "total"] == 60


def test_buy_list_leaves_out_a_disruptions_own_purchases():
    """Check C's variant buys only in the ban's future: the plan's contract list is empty."""
    frames = frames_of(check_c_inputs(), check_c_result())
    assert frames["BuyList"].empty
    lines = frames["Summary/Plan"]["text"].tolist()
    assert lines[1] == "Next year, 2026: nothing to buy; the plan buys nothing over 2026-2027."


def test_rows_that_would_print_as_zero_are_left_out():
    """A purchase of 1e-4 t (0.001 USD), a delivery of 0.04 t from B (0.48 USD at 12 USD/t)
    and a stock of 0.01 t (0.005 USD of holding) print as 0.0 t and 0 USD: no rows."""
    result = hand_result()
    result.values["Buy"]["B", 2026] = 1e-4
    result.values["Ship"]["B", "X", "S1", 2026] = 0.04
    result.values["Stock"]["X", "S1", 2026] = 0.01
    frames = frames_of(hand_inputs(), result)
    purchases = frames["Purchases"]
    assert ("B", 2026) not in set(zip(purchases["source"], purchases["year"], strict=True))
    assert frames["Deliveries"]["delivered [t]"].tolist() == [60, 60, 30]
    assert frames["Stock"][["year", "stock [t]"]].values.tolist() == [[2027, 150]]
    assert pd.isna(frames["BuyList"].set_index("source").loc["B", "2026"])


def _closest() -> SolveResult:
    """Hand check A as if its target of 150 t could not be met: the closest plan (the same
    numbers) with the target moved to 120 t and A's 2027 capacity raised to 70."""
    result = hand_result()
    result.status = "infeasible"
    result.message = "No plan meets every requirement."
    result.relaxations = [
        Relaxation(
            "stock_target",
            ("X", 2027),
            "Targets",
            2,
            "min_stock_t",
            150.0,
            120.0,
            "t",
            "X stock target 2027 (Targets row 2) missed by 30 t",
        ),
        Relaxation(
            "source_capacity",
            ("A", 2027),
            "Sources",
            2,
            "capacity_units_per_yr",
            60.0,
            70.0,
            "t",
            "A capacity 2027 (Sources row 2) raised by 10 t",
        ),
    ]
    return result


def test_the_closest_plan_says_loudly_that_it_does_not_meet_the_requirements(tmp_path):
    result = _closest()
    assert result.closest and not result.has_plan
    frames = frames_of(hand_inputs(), result)
    alert = frames["Summary/Alert"]
    assert alert.attrs["alert"] and alert.attrs["pane"] == "full"
    lines = alert["text"].tolist()
    assert lines[0].startswith("THIS PLAN DOES NOT MEET THE REQUIREMENTS.")
    assert lines[1:] == [
        "- X stock target 2027 (Targets row 2) missed by 30 t",
        "- A capacity 2027 (Sources row 2) raised by 10 t",
    ]
    # every sheet describes the closest plan
    assert frames["Purchases"]["activity [units]"].tolist() == [60, 60, 30]
    assert frames["BuyList"].attrs["title"].startswith("What to buy: the closest plan's")
    assert frames["Summary/Expected cost"].set_index("part").loc[TOTAL_LABEL].item() == 1665
    assert frames["Summary/Plan"]["text"].iloc[0].startswith("Status: infeasible. No plan meets")
    # its duals are the relaxed problem's: not ranked as the price of a requirement
    (first, *_) = frames["Summary/Costliest"]["text"].tolist()
    assert first.startswith("Not ranked for a closest plan")
    assert frames["ShadowPrices"].attrs["note"].startswith("THE CLOSEST PLAN:")
    relaxed = frames["Infeasibility/Relaxations"]
    assert relaxed["change"].tolist() == [-30, 10]
    assert relaxed["input row"].tolist() == [2, 2]

    path = tmp_path / "closest.xlsx"
    write_report(frames, path)
    wb = load_workbook(path)
    ws = wb["Summary"]
    texts = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert texts[1] == lines[0]  # right under the sheet's heading, before anything else
    cell = next(c for c in ws["A"] if c.value == lines[0])
    assert cell.font.b and cell.font.color.rgb.endswith("C00000")
    assert "Infeasibility" in wb.sheetnames


def test_a_scenario_and_its_overrides_are_on_the_summary():
    provenance = {
        **PROVENANCE,
        "scenario": "budget_cut",
        "scenario_defined_in": "bundled",
        "scenario_description": "Appropriations 30 % below plan.",
        "scenario_overrides": ["Budget 2026, budget_usd: x0.7 (600 -> 420 USD)"],
    }
    inputs = hand_inputs()
    frames = extract(inputs, build_params(inputs), hand_result(), provenance)
    lines = frames["Summary/Plan"]["text"].tolist()
    assert lines[1:3] == [
        "Scenario budget_cut (bundled): Appropriations 30 % below plan. Its overrides of the "
        "input:",
        "- Budget 2026, budget_usd: x0.7 (600 -> 420 USD)",
    ]
    run = frames["Run"].set_index("item")["value"]
    assert run["Scenario"] == "budget_cut"
    assert run["Scenario override 1"] == "Budget 2026, budget_usd: x0.7 (600 -> 420 USD)"


def test_no_sheet_prints_text_below_8_pt(tmp_path):
    """From the workbook's own print setup: every font of a printed cell, times the
    sheet's print scale (an explicit scale; or fit to the page's width, the scale the
    column widths need; at most 1), is at least 8 pt. A wide table (60 years) prints
    over several pages across at its own scale, its first column repeated."""
    years = [{"year": 2000 + k, "amount [USD]": 123456789.0 * k} for k in range(60)]
    wide = pd.DataFrame({f"{2000 + k} [USD]": [123456789.0] for k in range(60)})
    wide.insert(0, "source", ["a_long_source_name"])
    frames = {**hand_frames(), "Wide": wide, "Long": pd.DataFrame(years)}
    path = tmp_path / "r.xlsx"
    write_report(frames, path)
    wb = load_workbook(path)
    for ws in wb.worksheets:
        fonts = {c.font.sz or 10 for row in ws.iter_rows() for c in row if c.value is not None}
        widths = {}
        for dim in ws.column_dimensions.values():
            for col in range(dim.min or 1, (dim.max or 0) + 1):
                widths[col] = dim.width - 0.71  # XlsxWriter stores the width plus padding
        total = sum(column_points(widths.get(c, 8.43)) for c in range(1, ws.max_column + 1))
        if ws.page_setup.scale:
            scale = ws.page_setup.scale / 100
            assert ws.print_title_cols == "$A:$A", ws.title
        else:
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
            scale = 1.0 if ws.title in ("Summary", "Charts") else min(1, PAGE_WIDTH_PT / total)
            assert scale >= MIN_SCALE, ws.title
        assert min(fonts) * scale >= 8, (ws.title, min(fonts), scale)
    assert wb["Wide"].page_setup.scale and wb["Wide"].page_setup.pageOrder == "overThenDown"
    assert not wb["Long"].page_setup.scale
