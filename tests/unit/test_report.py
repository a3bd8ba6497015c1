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
from stockpile.model.objective import OBJECTIVE_LABEL, PART_LABELS
from stockpile.reports import ReportWriteError, build_report, extract, write_report
from stockpile.reports.excel import MONEY, PERCENT, QUANTITY, WHOLE, wrapped_lines
from stockpile.reports.extract import CVAR_LABEL, EXPECTED_LABEL
from stockpile.result import Diagnosis, FutureOutcome, IisMember, RowValue, SolveResult

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
    assert row["index"] == "material X, year 2027"


def test_zero_duals_are_left_out_and_the_note_says_so():
    prices = hand_frames()["ShadowPrices"]
    assert not (prices["dual [USD per unit]"].abs() < 1e-7).any()
    assert len(prices) == 9  # 11 rows, B's two capacities have dual 0
    assert "zero" in prices.attrs["note"] and "omitted" in prices.attrs["note"]


def test_summary_parts_add_up_to_the_objective():
    result = hand_frames()["Summary/Result"].set_index("item")["value"]
    parts = {k: result[label] for k, label in PART_LABELS.items()}
    total = (
        parts["purchase_usd"]
        + parts["transport_usd"]
        + parts["holding_usd"]
        + parts["investment_usd"]
        - parts["resale_usd"]
        + parts["shortfall_penalty_usd"]
    )
    assert result[OBJECTIVE_LABEL] == 1665 == total
    assert result["Status"].startswith("Optimal")
    assert EXPECTED_LABEL not in result  # risk_weight 0: the objective is E


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
    prices = check_b_frames()["ShadowPrices"].set_index("family")
    cover = prices.loc["disruption_cover"]
    assert cover["dual [USD per unit]"] == 6.5
    assert cover["conditional [USD per unit]"] == 13  # 6.5 / prob 0.5
    assert cover["index"] == "disruption ban, material X, year 2027"
    assert cover["meaning"] == (
        "If ban happens: one more tonne of X need in 2027 costs 13.00 USD (6.50 USD expected)."
    )
    plan_row = prices.loc["stock_balance"]
    assert pd.isna(plan_row["conditional [USD per unit]"])  # a plan row has none
    assert plan_row["meaning"] == "One free tonne of X arriving at H in 2026 would save 5.00 USD."


def test_check_b_stock_chart_draws_down_in_the_ban():
    chart = check_b_frames()["Charts/Stock X"].set_index("year")
    assert chart["base [t]"].to_dict() == {2026: 100, 2027: 100}
    # ban follows the plan to the end of 2026, then releases its 100 t
    assert chart["ban [t]"].to_dict() == {2026: 100, 2027: 0}
    spend = check_b_frames()["Charts/Spend vs budget"].set_index("year")
    # plan: 500 + 100 holding in 2026, 100 holding in 2027; the ban holds nothing in 2027
    assert spend["base [USD]"].to_dict() == {2026: 600, 2027: 100}
    assert spend["ban [USD]"].to_dict() == {2026: 600, 2027: 0}


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
    summary = frames["Summary/Result"].set_index("item")["value"]
    assert summary[EXPECTED_LABEL] == k and summary[CVAR_LABEL] == k
    risk = frames["Futures/Risk"].set_index("item")["value"]
    assert risk["Risk weight (lambda)"] == 1 and risk["CVaR level (alpha)"] == 0.5
    prices = frames["ShadowPrices"].set_index("family")
    assert pd.isna(prices.loc["disruption_cover", "conditional [USD per unit]"])
    assert "risk-weighted objective" in prices.loc["disruption_cover", "meaning"]


def test_binding_lists_limits_not_balances():
    binding = hand_frames()["Binding"]
    assert set(binding["family"]) == {"stock_target", "source_capacity"}
    cap = binding[binding["family"] == "source_capacity"]
    assert list(cap["index"]) == ["source A, year 2026", "source A, year 2027"]
    assert list(cap["side"]) == ["<=", "<="]
    assert binding.iloc[0]["requirement"] == "total X stock at end of 2027 >= 150 t"


def test_provenance_shows_what_the_caller_gives_and_the_timings():
    prov = hand_frames()["Summary/Provenance"].set_index("item")["value"]
    assert prov["Input file"] == "plan.xlsx"
    assert prov["Input SHA-256"] == "0" * 64
    assert prov["Pyomo"] == "6.9.2" and prov["HiGHS"] == "1.16.0"
    assert prov["Time: solve"] == 0.002
    assert prov["Solver option: solver"] == "choose"


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
    prices = extract(inputs, build_params(inputs), result, {})["ShadowPrices"]
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
    assert list(flags["source"]) == ["nod"]
    assert flags.iloc[0]["years"] == "2026-2029"
    assert flags.iloc[0]["resale value of outputs [USD/unit]"] == pytest.approx(6.0)


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
    summary = frames["Summary/Result"].set_index("item")["value"]
    assert summary["Why no plan"].startswith("Relax at least one")

    path = tmp_path / "infeasible.xlsx"
    write_report(frames, path)
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["Summary", "Infeasibility"]
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
        "Charts",
        "Futures",
        "Coverage",
        "Purchases",
        "Deliveries",
        "Stock",
        "Releases",
        "Resale",
        "ShadowPrices",
        "Binding",
    ]
    tables = all_tables(wb)
    assert set(tables.values()) == set(wb.sheetnames)  # every sheet has a table
    assert len({n.lower() for n in tables}) == len(tables)
    for ws in wb.worksheets:
        assert ws.freeze_panes, ws.title
        assert ws.page_setup.orientation == "landscape"
        # one page wide (fitToWidth absent means 1 in OOXML), as many pages tall as needed
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage

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

    summary = table_frame(wb, "T_Summary_Result").set_index("item")
    assert summary.loc[OBJECTIVE_LABEL, "value"] == 1665
    ws = wb["Summary"]
    objective = next(c for c in ws["B"] if c.value == 1665)
    assert objective.number_format == MONEY


def test_charts_are_native_excel_charts(tmp_path):
    path = hand_report(tmp_path)
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = "".join(z.read(n).decode() for n in charts)
    # cost parts, cost of each future, spend vs budget, purchases and deliveries by
    # source type, one stock-vs-target per material
    assert len(charts) == 6

    def count(element: str) -> int:  # with or without a namespace prefix
        return len(re.findall(rf"<(?:\w+:)?{element}>", xml))

    assert count("lineChart") == 2 and count("barChart") == 4
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
