"""The report of real solves reconciles with the objective, and survives LibreOffice.

Every "discounted" money column of the report sums to its objective part (1e-6
relative), both in the extracted tables and in the written workbook read back; the
hand-solvable case of MODEL.md reads as it should; an infeasible model gets its
Infeasibility sheet; and a report converted by LibreOffice (a second spreadsheet
client) to PDF and back to xlsx keeps every sheet and its key totals.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from report_cases import hand_inputs, reconcile_inputs, table_frame
from stockpile.model.objective import OBJECTIVE_LABEL, PART_LABELS
from stockpile.pipeline import solve_inputs
from stockpile.reports import build_report, extract
from stockpile.solver.highs import SolveOptions

PROVENANCE = {"input_file": "reconcile.xlsx", "input_sha256": "f" * 64}

#: report table, column -> objective part it must sum to
RECONCILE = {
    "purchase_usd": ("Purchases", "discounted cost [USD]"),
    "transport_usd": ("Deliveries", "discounted transport cost [USD]"),
    "holding_usd": ("Stock", "discounted holding cost [USD]"),
    "resale_usd": ("Resale", "discounted income [USD]"),
    "shortfall_penalty_usd": ("Coverage", "penalty [USD]"),
}


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


def test_the_instance_exercises_every_part(solved):
    inputs, params, result = solved
    assert inputs.settings.discount_rate > 0
    assert any(s.cost_escalation_per_yr > 0 for s in inputs.sources)
    assert params.coproduct
    for key in PART_LABELS:
        assert result.parts[key] > 1.0, key


@pytest.mark.parametrize("part", list(RECONCILE))
def test_discounted_columns_sum_to_the_objective_parts(solved, part):
    inputs, params, result = solved
    frames = extract(inputs, params, result, PROVENANCE)
    sheet, column = RECONCILE[part]
    assert close(frames[sheet][column].sum(), result.parts[part])


@pytest.mark.parametrize("part", list(RECONCILE))
def test_the_written_workbook_reconciles_too(report, solved, part):
    result = solved[2]
    sheet, column = RECONCILE[part]
    frame = table_frame(load_workbook(report), f"T_{sheet}")
    assert close(frame[column].sum(), result.parts[part])


def test_summary_parts_add_up_to_the_objective(report, solved):
    result = solved[2]
    summary = table_frame(load_workbook(report), "T_Summary_Result").set_index("item")["value"]
    p = {k: summary[label] for k, label in PART_LABELS.items()}
    total = (
        p["purchase_usd"]
        + p["transport_usd"]
        + p["holding_usd"]
        - p["resale_usd"]
        + p["shortfall_penalty_usd"]
    )
    assert close(summary[OBJECTIVE_LABEL], result.objective_usd)
    assert close(total, result.objective_usd)


def test_coverage_splits_the_need_and_some_is_unmet(solved):
    inputs, params, result = solved
    coverage = extract(inputs, params, result, PROVENANCE)["Coverage"]
    for row in coverage.to_dict("records"):
        split = row["covered by stock [t]"] + row["covered by surviving supply [t]"]
        assert close(split + row["unmet [t]"], row["need [t]"])
        assert close(row["coverage [%]"], split / row["need [t]"])
        assert row["coverage [%]"] >= row["minimum coverage [%]"] - 1e-9
    assert coverage["unmet [t]"].sum() > 1.0
    # the model's Unmet is what the penalty charges: the report's split agrees with it
    unmet = result.values["Unmet"]
    for row in coverage.to_dict("records"):
        assert close(row["unmet [t]"], unmet[row["disruption"], row["material"]])


def test_deliveries_and_stock_tables_close_the_balance(solved):
    """Invariant recomputed from the report: stock grows exactly by deliveries."""
    inputs, params, result = solved
    frames = extract(inputs, params, result, PROVENANCE)
    stock = frames["Stock"].set_index(["material", "site", "year"])["stock [t]"]
    delivered = frames["Deliveries"].groupby(["material", "site", "year"])["delivered [t]"].sum()
    for (m, l, t), value in stock.items():
        before = params.stock_before(m, l, t)
        if before is None:
            before = stock[m, l, t - 1]
        assert close(value, before + delivered.get((m, l, t), 0.0)), (m, l, t)


def test_hand_solvable_case_reads_as_model_md_says(tmp_path):
    inputs = hand_inputs()
    params, result = solve_inputs(inputs, SolveOptions())
    path = tmp_path / "hand.xlsx"
    build_report(inputs, params, result, path, PROVENANCE)
    wb = load_workbook(path)
    buys = table_frame(wb, "T_Purchases").set_index(["source", "year"])["activity [units]"]
    assert buys["A", 2026] == pytest.approx(60) and buys["A", 2027] == pytest.approx(60)
    assert buys["B", 2026] == pytest.approx(0, abs=1e-9)
    assert buys["B", 2027] == pytest.approx(30)
    prices = table_frame(wb, "T_ShadowPrices")
    target = prices[prices["family"] == "stock_target"]
    assert len(target) == 1
    sentence = target.iloc[0]["meaning"]
    assert "12.50" in sentence and "USD" in sentence
    assert sentence.startswith("One more tonne of X target in 2027 costs")
    summary = table_frame(wb, "T_Summary_Result").set_index("item")["value"]
    assert summary[OBJECTIVE_LABEL] == pytest.approx(1665)


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
    summary = table_frame(wb, "T_Summary_Result").set_index("item")["value"]
    assert summary["Status code"] == "infeasible"


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
        row[1].value for row in summary.iter_rows(max_col=2) if row[0].value == OBJECTIVE_LABEL
    )
    assert close(objective, result.objective_usd)
    ws = resaved["Purchases"]
    header = next(r for r in ws.iter_rows() if any(c.value == "cost [USD]" for c in r))
    col = next(c.column for c in header if c.value == "discounted cost [USD]")
    total = sum(
        c.value
        for (c,) in ws.iter_rows(min_row=header[0].row + 1, min_col=col, max_col=col)
        if isinstance(c.value, int | float)
    )
    assert close(total, result.parts["purchase_usd"])
