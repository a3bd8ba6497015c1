"""The default report as a planner prints it: LibreOffice turns the report of the bundled
dataset into a PDF, and pdftotext reads it back.

Page 1 is the Summary and only the Summary: it holds the headline (what to buy next
year, its amount recomputed here from the Sources rows and the LP's purchases), the
unmet-need line (from the solve's futures) and the budget table (each year's budget
from the Budget rows, the plan's spend recomputed from the inputs and the LP's values).
No text prints below 8 pt: every word's height is measured against a calibration sheet
of known font sizes converted in the same LibreOffice run. And no detail sheet of the
workbook has a row of zeros.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from report_cases import printed_zero_rows
from stockpile.data.bundle import BUNDLED
from stockpile.pipeline import run
from stockpile.solver.highs import SolveOptions

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice (soffice) and poppler's pdftotext to print the report",
)

#: the font sizes of the calibration sheet [pt]
CALIBRATION = (8, 10, 12)
SMALLEST_PT = 8.0


def _calibration_workbook(path: Path) -> None:
    """One word per font size, in the report's font."""
    wb = xlsxwriter.Workbook(
        path, {"default_format_properties": {"font_name": "Arial", "font_size": 10}}
    )
    ws = wb.add_worksheet("Calibration")
    for i, size in enumerate(CALIBRATION):
        ws.write_string(i, 0, f"Calibration{size}", wb.add_format({"font_size": size}))
    wb.close()


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """(the run, the report's path, its pages as layout text, its pages' word boxes,
    the calibration's word heights per font size)."""
    folder = tmp_path_factory.mktemp("print")
    report = folder / "default.xlsx"
    outcome = run(BUNDLED, report, SolveOptions())
    assert outcome.result.status == "optimal"
    calibration = folder / "calibration.xlsx"
    _calibration_workbook(calibration)
    profile = Path("/tmp") / f"stockpile-lo-{uuid.uuid4().hex}"
    try:
        cmd = [
            shutil.which("soffice"),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(report),
            str(calibration),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = folder / "default.pdf"
    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = layout.split("\f")
    if not pages[-1].strip():
        pages = pages[:-1]
    words = _words(folder / "default.pdf")
    heights = {}
    for page in _words(folder / "calibration.pdf"):
        for text, height in page:
            if text.startswith("Calibration"):
                heights[int(text.removeprefix("Calibration"))] = height
    assert set(heights) == set(CALIBRATION)
    return outcome, report, pages, words, heights


def _words(pdf: Path) -> list[list[tuple[str, float]]]:
    """Per page: (word, height of its box [pt])."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        [
            (text, float(y1) - float(y0))
            for y0, y1, text in re.findall(
                r'yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)">([^<]*)</word>', page
            )
        ]
        for page in xml.split("<page ")[1:]
    ]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_summary_is_page_one_and_only_page_one(printed):
    _, _, pages, _, _ = printed
    assert "Summary - page 1 of" in pages[0]
    assert "Stockpile plan: summary" in pages[0]
    assert "BuyList - page 2 of" in pages[1]  # the next page is the next sheet's
    assert sum("Summary - page" in page for page in pages) == 1


def test_page_one_says_what_to_buy_next_year(printed):
    """The plan's purchases in 2026 from the Sources rows (cost_usd_per_unit in the start
    year: no escalation yet) and the LP's Buy values, rounded to 3 figures in M USD."""
    outcome, _, pages, _, _ = printed
    inputs, result = outcome.inputs, outcome.result
    t0 = inputs.settings.start_year
    cost = {s.source: s.cost_usd_per_unit for s in inputs.sources}
    bought = {
        s: x * cost[s]
        for (s, t), x in result.values["Buy"].items()
        if t == t0 and (x >= 0.05 or x * cost[s] >= 0.5)
    }
    total = sum(bought.values())
    assert 1e8 <= total < 1e9  # the default plan's first year: hundreds of millions
    headline = f"Next year, {t0}: buy {total / 1e6:.3g} M USD from {len(bought)} sources"
    assert headline in _flat(pages[0])


def test_page_one_has_the_unmet_need_line(printed):
    outcome, _, pages, _, _ = printed
    unmet = sum(t for f in outcome.result.futures for t in f.unmet_t.values())
    assert unmet == 0  # the default plan covers every future's need
    assert "What stays at risk: nothing; every future's need is met in full." in _flat(pages[0])


def test_page_one_has_the_budget_table(printed):
    """Each year's line: the year, the plan's spend (MODEL.md family 6 recomputed from
    the inputs and the LP's values, to the dollar) and the Budget row's amount."""
    outcome, _, pages, _, _ = printed
    inputs, result = outcome.inputs, outcome.result
    assert "spend [USD]" in pages[0] and "budget [USD]" in pages[0]
    t0 = inputs.settings.start_year
    src = {s.source: s for s in inputs.sources}
    route = {(r.source, r.site): r.cost_usd_per_t for r in inputs.routes}
    hold = {s.site: s.holding_cost_usd_per_t_yr for s in inputs.sites}
    spend: dict[int, float] = {}
    for (s, t), x in result.values["Buy"].items():
        rate = src[s].cost_escalation_per_yr
        spend[t] = spend.get(t, 0.0) + src[s].cost_usd_per_unit * (1 + rate) ** (t - t0) * x
    for (s, _m, l, t), x in result.values["Ship"].items():
        spend[t] += route[s, l] * x
    for (_m, l, t), x in result.values["Stock"].items():
        spend[t] += hold[l] * x
    lines = pages[0].splitlines()
    assert inputs.budget
    for row in inputs.budget:
        budget = f"{row.budget_usd:,.0f}"
        found = [line for line in lines if re.search(rf"\b{row.year}\s+[\d,]+\s+{budget}\b", line)]
        assert len(found) == 1, row.year
        shown = re.search(rf"\b{row.year}\s+([\d,]+)\s+{budget}\b", found[0]).group(1)
        assert abs(int(shown.replace(",", "")) - spend[row.year]) <= 1, row.year


def test_no_printed_text_is_below_8_pt(printed):
    """A word's box is as tall as its font size times a factor of the font; the factor
    comes from the calibration sheet (the same font, the same LibreOffice)."""
    _, _, pages, words, heights = printed
    factor = heights[10] / 10
    assert heights[8] / factor == pytest.approx(8, abs=0.05)
    assert heights[12] / factor == pytest.approx(12, abs=0.05)
    small = [
        (n + 1, text, round(h / factor, 2))
        for n, page in enumerate(words)
        for text, h in page
        if h / factor < SMALLEST_PT - 0.05
    ]
    assert small == []
    assert len(words) == len(pages)


@pytest.mark.parametrize(
    "sheet", ["BuyList", "Purchases", "Deliveries", "Stock", "Releases", "Resale"]
)
def test_no_row_of_zeros_in_the_default_report(printed, sheet):
    _, report, _, _, _ = printed
    assert printed_zero_rows(load_workbook(report), sheet) == []
