"""The report of real solves reconciles with the objective, and survives LibreOffice.

Every "expected" money column of the report sums to its part of the expected cost E
(1e-6 relative), both in the extracted tables and in the written workbook read back;
the weights behind it are recomputed here from the Disruptions rows (MODEL.md: the
plan's year t weighs 1 - the probabilities of the disruptions started by t, a future's
own decisions its probability); summed along each future's path the discounted columns
give K[f], and sum_f prob[f] K[f] = E; released + unmet = need in every row of
Coverage, the need recomputed from Demand and SupplyMix; every future's stock balance
closes on the report's own tables. MODEL.md's hand checks A and B read as MODEL.md
says; an infeasible model gets its Infeasibility sheet; and a report converted by
LibreOffice (a second spreadsheet client) to PDF and back to xlsx keeps every sheet and
its key totals.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from report_cases import (
    check_b_inputs,
    hand_inputs,
    printed_zero_rows,
    reconcile_inputs,
    summary_texts,
    table_frame,
)
from stockpile.model.objective import PART_LABELS
from stockpile.pipeline import solve_inputs
from stockpile.reports import build_report, extract
from stockpile.reports.extract import TOTAL_LABEL
from stockpile.solver.highs import SolveOptions

PROVENANCE = {"input_file": "reconcile.xlsx", "input_sha256": "f" * 64}

#: report table, column -> objective part it must sum to
RECONCILE = {
    "purchase_usd": ("Purchases", "expected cost [USD]"),
    "transport_usd": ("Deliveries", "expected transport cost [USD]"),
    "holding_usd": ("Stock", "expected holding cost [USD]"),
    "investment_usd": ("Investments", "expected cost [USD]"),
    "resale_usd": ("Resale", "expected income [USD]"),
    "shortfall_penalty_usd": ("Coverage", "expected penalty [USD]"),
}
#: the sheets of decisions: discounted column (in the future), its sign in K[f]
DISCOUNTED = {
    "Purchases": ("discounted cost [USD]", +1),
    "Deliveries": ("discounted transport cost [USD]", +1),
    "Stock": ("discounted holding cost [USD]", +1),
    "Investments": ("discounted cost [USD]", +1),
    "Resale": ("discounted income [USD]", -1),
}
RATE = 0.05  # reconcile_inputs' discount rate, from 2026


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


@pytest.fixture(scope="module")
def solved():
    inputs = reconcile_inputs()
    params, result = solve_inputs(inputs, SolveOptions())
    assert result.status == "optimal"
    return inputs, params, result


@pytest.fixture(scope="module")
def report(solved, tmp_path_factory):
    inputs, params, result = solved
    path = tmp_path_factory.mktemp("report") / "reconcile.xlsx"
    build_report(inputs, params, result, path, PROVENANCE)
    return path


@pytest.fixture(scope="module")
def frames(solved):
    return extract(*solved, PROVENANCE)


def test_the_instance_exercises_every_part(solved):
    inputs, params, result = solved
    assert inputs.settings.discount_rate == RATE
    assert any(s.cost_escalation_per_yr > 0 for s in inputs.sources)
    assert params.coproduct and params.expandable
    for key in PART_LABELS:
        assert result.parts[key] > 1.0, key


@pytest.mark.parametrize("part", list(RECONCILE))
def test_expected_columns_sum_to_the_objective_parts(solved, frames, part):
    result = solved[2]
    sheet, column = RECONCILE[part]
    assert close(frames[sheet][column].sum(), result.parts[part])


def weight(inputs, future: str, year: int) -> float:
    """MODEL.md "Futures", from the Disruptions rows: the plan's decisions in year t weigh
    1 - sum of the probabilities of the disruptions started by t; future d's its prob."""
    probability = {d.disruption: d.probability for d in inputs.disruptions}
    if future != "base":
        return probability[future]
    return 1 - sum(d.probability for d in inputs.disruptions if d.start_year <= year)


@pytest.mark.parametrize("sheet", list(DISCOUNTED))
def test_weights_and_discounting_are_model_mds(solved, frames, sheet):
    inputs = solved[0]
    column, _ = DISCOUNTED[sheet]
    money = column.replace("discounted ", "")
    expected = column.replace("discounted", "expected")
    table = frames[sheet]
    assert len(table) > 0
    for row in table.to_dict("records"):
        w = weight(inputs, row["future"], row["year"])
        assert close(row["weight [%]"], w), row
        assert close(row[column], row[money] / (1 + RATE) ** (row["year"] - 2026)), row
        assert close(row[expected], w * row[column]), row
    # both kinds of rows are there: the plan's and a disruption's own
    assert "base" in set(table["future"]) or sheet == "Investments"


def test_each_future_costs_its_k_and_e_is_their_expectation(solved, frames):
    """K[f]: the plan's rows before f starts plus f's own rows, discounted (resale
    subtracted), plus f's shortfall penalties; sum_f prob[f] K[f] = E = the objective."""
    inputs, _, result = solved
    start = {d.disruption: d.start_year for d in inputs.disruptions}
    futures = frames["Futures/Futures"].set_index("future")
    assert list(futures.index) == ["base", "cn_ban", "late_surge"]
    penalty = frames["Coverage"].groupby("future")["penalty if it happens [USD]"].sum()
    outcomes = {f.future: f for f in result.futures}
    for f in futures.index:
        k = penalty.get(f, 0.0)
        for sheet, (column, sign) in DISCOUNTED.items():
            table = frames[sheet]
            own = table["future"] == f
            if f != "base":
                own |= (table["future"] == "base") & (table["year"] < start[f])
            k += sign * table.loc[own, column].sum()
        assert close(k, futures.loc[f, "cost K [USD]"]), f
        assert close(k, outcomes[f].cost_usd), f
    assert futures.loc["base", "probability [%]"] == pytest.approx(1 - 0.5 - 0.0)
    assert close(futures["probability x cost [USD]"].sum(), result.objective_usd)
    assert close(result.objective_usd, result.expected_cost_usd)


@pytest.mark.parametrize("part", list(RECONCILE))
def test_the_written_workbook_reconciles_too(report, solved, part):
    result = solved[2]
    sheet, column = RECONCILE[part]
    frame = table_frame(load_workbook(report), f"T_{sheet}")
    assert close(frame[column].sum(), result.parts[part])


def test_summary_cost_parts_are_the_detail_sheets_and_add_up(report, solved):
    """Every number of the Summary's cost table, from the written workbook: each part is
    the sum of its detail sheet's expected column (resale as a minus), and the parts add
    up to the expected cost, which is the objective (risk_weight 0)."""
    result = solved[2]
    wb = load_workbook(report)
    summary = table_frame(wb, "T_Summary_Expected_cost").set_index("part")["expected [USD]"]
    p = {k: summary[label] for k, label in PART_LABELS.items()}
    for part, (sheet, column) in RECONCILE.items():
        detail = table_frame(wb, f"T_{sheet}")[column].sum()
        assert close(p[part], -detail if part == "resale_usd" else detail), part
    assert p["resale_usd"] < 0
    assert close(sum(p.values()), summary[TOTAL_LABEL])
    assert close(summary[TOTAL_LABEL], result.objective_usd)


def plan_spend_by_hand(inputs, result) -> dict[int, float]:
    """MODEL.md family 6 for the plan, from the Sources, Routes, Sites rows and the LP's
    values: cost x (1 + escalation)^(t - t0) x Buy + route x Ship + holding x Stock +
    expansion cost x Expand, per year (money of the year, not discounted)."""
    t0 = inputs.settings.start_year
    src = {s.source: s for s in inputs.sources}
    route = {(r.source, r.site): r.cost_usd_per_t for r in inputs.routes}
    hold = {s.site: s.holding_cost_usd_per_t_yr for s in inputs.sites}
    spend = dict.fromkeys(range(t0, inputs.settings.end_year + 1), 0.0)
    v = result.values
    for (s, t), x in v["Buy"].items():
        spend[t] += src[s].cost_usd_per_unit * (1 + src[s].cost_escalation_per_yr) ** (t - t0) * x
    for (s, _m, l, t), x in v["Ship"].items():
        spend[t] += route[s, l] * x
    for (_m, l, t), x in v["Stock"].items():
        spend[t] += hold[l] * x
    for (s, t), x in v.get("Expand", {}).items():
        spend[t] += src[s].expansion_cost_usd_per_unit * x
    return spend


def test_summary_spend_per_year_is_the_plans_spend(report, solved):
    """Two routes to the Summary's spend: the plan's rows (future base) of Purchases,
    Deliveries, Stock and Investments in the written workbook, and MODEL.md's spend_t
    recomputed from the inputs and the LP's values."""
    inputs, _, result = solved
    wb = load_workbook(report)
    summary = table_frame(wb, "T_Summary_Spend").set_index("year")["spend [USD]"]
    from_sheets = dict.fromkeys(summary.index, 0.0)
    for sheet, column in (
        ("Purchases", "cost [USD]"),
        ("Deliveries", "transport cost [USD]"),
        ("Stock", "holding cost [USD]"),
        ("Investments", "cost [USD]"),
    ):
        table = table_frame(wb, f"T_{sheet}")
        for year, value in table[table["future"] == "base"].groupby("year")[column].sum().items():
            from_sheets[year] += value
    by_hand = plan_spend_by_hand(inputs, result)
    assert list(summary.index) == list(by_hand) == [2026, 2027, 2028, 2029]
    for year, value in summary.items():
        assert close(value, from_sheets[year]), year
        assert math.isclose(value, by_hand[year], rel_tol=1e-6, abs_tol=0.5), year


def test_summary_unmet_need_is_coverage(report, solved):
    """cn_ban stops all Co (100 % from CN) for 2028-2029: need 60 t a year; the Summary's
    unmet line per future and material is Coverage's sum, first year its first year with
    unmet need; the sentence says the same."""
    wb = load_workbook(report)
    unmet = table_frame(wb, "T_Summary_Unmet_need")
    coverage = table_frame(wb, "T_Coverage")
    short = coverage[coverage["unmet [t]"] > 1e-6]
    expected = {
        (f, m): (g["unmet [t]"].sum(), g["year"].min())
        for (f, m), g in short.groupby(["future", "material"])
    }
    got = {
        (r["future"], r["material"]): (r["unmet [t]"], r["first year"])
        for r in unmet.to_dict("records")
    }
    assert got.keys() == expected.keys() == {("cn_ban", "Co")}
    for key, (value, first) in expected.items():
        assert close(got[key][0], value) and got[key][1] == first
    unmet_t, first = expected["cn_ban", "Co"]
    line = (
        f"What stays at risk: Co: {unmet_t:,.1f} t of disruption need left uncovered (first in "
        f"{first}, future cn_ban)."
    )
    assert line in summary_texts(wb)


def test_summary_costliest_requirements_are_the_top_of_shadow_prices(report):
    wb = load_workbook(report)
    prices = table_frame(wb, "T_ShadowPrices")
    ranked = prices["dual [USD per unit]"].abs().tolist()
    assert ranked == sorted(ranked, reverse=True)
    assert not set(prices["family"]) & {"stock_balance", "output_split"}
    top = [f"{r}. {m}" for r, m in zip(prices["rank"][:5], prices["meaning"][:5], strict=True)]
    texts = summary_texts(wb)
    at = texts.index(top[0])
    assert texts[at : at + 5] == top
    detail = table_frame(wb, "T_ShadowPricesDetail")
    assert len(detail) > len(prices) and {"stock_balance", "output_split"} <= set(detail["family"])


@pytest.mark.parametrize(
    "sheet",
    ["BuyList", "Investments", "Purchases", "Deliveries", "Stock", "Releases", "Resale"],
)
def test_no_printed_row_of_zeros(report, sheet):
    wb = load_workbook(report)
    assert printed_zero_rows(wb, sheet) == []


def test_released_plus_unmet_is_the_need_and_some_is_unmet(solved, frames):
    """The need from the data: Co demand 60 t in 2028 and 2029, all of it from CN. The
    cn_ban (CN at 0) needs 60 t a year; late_surge (demand x1.2, nothing cut) needs
    60 x 0.2 = 12 t in 2029."""
    result = solved[2]
    coverage = frames["Coverage"]
    need = {
        (r["future"], r["material"], r["year"]): r["need [t]"] for r in coverage.to_dict("records")
    }
    assert need == pytest.approx(
        {("cn_ban", "Co", 2028): 60, ("cn_ban", "Co", 2029): 60, ("late_surge", "Co", 2029): 12}
    )
    released = frames["Releases"].groupby(["future", "material", "year"])["released [t]"].sum()
    for row in coverage.to_dict("records"):
        key = (row["future"], row["material"], row["year"])
        assert close(row["released [t]"] + row["unmet [t]"], row["need [t]"]), key
        assert close(row["released [t]"], released.get(key, 0.0)), key
        assert close(row["covered share [%]"], row["released [t]"] / row["need [t]"])
        assert row["covered share [%]"] >= row["minimum coverage [%]"] - 1e-9
        # the model's Unmet is what the penalty charges
        assert close(row["unmet [t]"], result.values["Unmet"][key])
        penalty = 5 * row["unmet [t]"] / (1 + RATE) ** (row["year"] - 2026)
        assert close(row["penalty if it happens [USD]"], penalty)
    assert coverage["unmet [t]"].sum() > 1.0
    unmet = frames["Futures/Unmet need"].set_index(["future", "material"])["unmet [t]"]
    by_future = coverage.groupby(["future", "material"])["unmet [t]"].sum()
    assert unmet.to_dict() == pytest.approx(by_future[by_future > 1e-6].to_dict())


def test_every_futures_stock_balance_closes(solved, frames):
    """Recomputed from the report: a future's stock grows by its deliveries and falls by
    its releases; at its start it carries the plan's stock of the year before (the
    instance hits no site, so nothing is written off)."""
    inputs, params, _ = solved
    start = {d.disruption: d.start_year for d in inputs.disruptions}
    stock = frames["Stock"].set_index(["future", "material", "site", "year"])["stock [t]"]
    delivered = (
        frames["Deliveries"].groupby(["future", "material", "site", "year"])["delivered [t]"].sum()
    )
    released = (
        frames["Releases"].groupby(["future", "material", "site", "year"])["released [t]"].sum()
    )
    for f in ["base", *start]:
        for m, l, t in params.stock_index:
            if f != "base" and t < start[f]:
                continue
            before = params.stock_before(m, l, t)
            if before is None:
                own = "base" if f == "base" or t - 1 < start[f] else f
                before = stock.get((own, m, l, t - 1), 0.0)
            value = stock.get((f, m, l, t), 0.0)
            flow = delivered.get((f, m, l, t), 0.0) - released.get((f, m, l, t), 0.0)
            assert close(value, before + flow) or abs(value - before - flow) < 1e-7, (f, m, l, t)


def test_hand_solvable_case_reads_as_model_md_says(tmp_path):
    inputs = hand_inputs()
    params, result = solve_inputs(inputs, SolveOptions())
    path = tmp_path / "hand.xlsx"
    build_report(inputs, params, result, path, PROVENANCE)
    wb = load_workbook(path)
    buys = table_frame(wb, "T_Purchases").set_index(["source", "year"])["activity [units]"]
    assert buys["A", 2026] == pytest.approx(60) and buys["A", 2027] == pytest.approx(60)
    assert ("B", 2026) not in buys.index  # nothing bought: no row
    assert buys["B", 2027] == pytest.approx(30)
    prices = table_frame(wb, "T_ShadowPrices")
    target = prices[prices["family"] == "stock_target"]
    assert len(target) == 1
    sentence = target.iloc[0]["meaning"]
    assert "12.50" in sentence and "USD" in sentence
    assert sentence.startswith("One more tonne of X target in 2027 costs")
    summary = table_frame(wb, "T_Summary_Expected_cost").set_index("part")["expected [USD]"]
    assert summary[TOTAL_LABEL] == pytest.approx(1665)
    buy = table_frame(wb, "T_BuyList").set_index("source")
    assert buy.loc["A", ["2026", "2027"]].tolist() == pytest.approx([60, 60])
    assert pd.isna(buy.loc["B", "2026"]) and buy.loc["B", "2027"] == pytest.approx(30)


def test_hand_check_b_reads_as_model_md_says(tmp_path):
    """MODEL.md check B: 650 USD = purchase 500 + holding 150; in `ban` 100 t released in
    2027; K[base] 700, K[ban] 600; cover dual 6.5 USD/t, 13 USD/t if the ban happens."""
    inputs = check_b_inputs()
    params, result = solve_inputs(inputs, SolveOptions())
    path = tmp_path / "b.xlsx"
    build_report(inputs, params, result, path, PROVENANCE)
    wb = load_workbook(path)
    summary = table_frame(wb, "T_Summary_Expected_cost").set_index("part")["expected [USD]"]
    assert summary[TOTAL_LABEL] == pytest.approx(650)
    assert summary[PART_LABELS["purchase_usd"]] == pytest.approx(500)
    assert summary[PART_LABELS["holding_usd"]] == pytest.approx(150)
    releases = table_frame(wb, "T_Releases")
    assert releases[["future", "material", "site", "year"]].values.tolist() == [
        ["ban", "X", "H", 2027]
    ]
    assert releases["released [t]"].tolist() == pytest.approx([100])
    futures = table_frame(wb, "T_Futures_Futures").set_index("future")["cost K [USD]"]
    assert futures.to_dict() == pytest.approx({"base": 700, "ban": 600})
    coverage = table_frame(wb, "T_Coverage").iloc[0]
    assert (coverage["need [t]"], coverage["released [t]"]) == pytest.approx((100, 100))
    prices = table_frame(wb, "T_ShadowPrices")
    cover = prices[prices["family"] == "disruption_cover"].iloc[0]
    assert cover["dual [USD per unit]"] == pytest.approx(6.5)
    assert cover["conditional [USD per unit]"] == pytest.approx(13)


def test_infeasible_model_gets_an_infeasibility_sheet(tmp_path):
    inputs = hand_inputs().model_copy(
        update={"targets": (hand_inputs().targets[0].model_copy(update={"min_stock_t": 500}),)}
    )
    params, result = solve_inputs(inputs, SolveOptions())
    assert result.status == "infeasible"
    path = tmp_path / "infeasible.xlsx"
    build_report(inputs, params, result, path, PROVENANCE)
    wb = load_workbook(path)
    assert "Infeasibility" in wb.sheetnames
    members = table_frame(wb, "T_Infeasibility_Members")
    assert "stock_target" in set(members["family"])
    assert "Targets" in set(members["input sheet"])
    run = table_frame(wb, "T_Run").set_index("item")["value"]
    assert run["Status code"] == "infeasible"
    assert summary_texts(wb)[1].startswith("NO PLAN. Infeasible")


# ----- a second spreadsheet client ----------------------------------------------------
def _soffice(args: list[str], profile: Path) -> None:
    exe = shutil.which("soffice")
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not on PATH")
def test_libreoffice_opens_prints_and_resaves_the_report(report, solved, tmp_path):
    result = solved[2]
    profile = Path("/tmp") / f"stockpile-lo-{uuid.uuid4().hex}"
    try:
        pdf_dir, xlsx_dir = tmp_path / "pdf", tmp_path / "xlsx"
        _soffice(["--convert-to", "pdf", "--outdir", str(pdf_dir), str(report)], profile)
        pdf = pdf_dir / "reconcile.pdf"
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
        _soffice(["--convert-to", "xlsx", "--outdir", str(xlsx_dir), str(report)], profile)
        resaved = load_workbook(xlsx_dir / "reconcile.xlsx")
    finally:
        shutil.rmtree(profile, ignore_errors=True)

    assert resaved.sheetnames == load_workbook(report).sheetnames
    summary = resaved["Summary"]
    objective = next(
        row[1].value for row in summary.iter_rows(max_col=2) if row[0].value == TOTAL_LABEL
    )
    assert close(objective, result.objective_usd)
    ws = resaved["Purchases"]
    header = next(r for r in ws.iter_rows() if any(c.value == "cost [USD]" for c in r))
    col = next(c.column for c in header if c.value == "expected cost [USD]")
    total = sum(
        c.value
        for (c,) in ws.iter_rows(min_row=header[0].row + 1, min_col=col, max_col=col)
        if isinstance(c.value, int | float)
    )
    assert close(total, result.parts["purchase_usd"])
