"""The comparison workbook as a planner reads it, from constructed outcomes (no solver):
deltas in their units, money charts from zero, scenarios without a plan labelled, the
closest plan compared like a plan but said to miss the requirements, the diagnosis
wrapped one line per row, the legend true to the diagnosis, no solver internals."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest

from stockpile.result import Relaxation
from stockpile.scenarios.compare import delta_text, write_comparison
from stockpile.scenarios.overrides import Change, Override, Scenario
from stockpile.scenarios.runner import Outcome

YEARS = (2026, 2027)
SOURCES = {"A": ("market", "US", "domestic"), "B": ("allied_mine", "CA", "allied")}
PARTS = {
    "purchase_usd": 0.0,
    "transport_usd": 0.0,
    "holding_usd": 0.0,
    "investment_usd": 0.0,
    "resale_usd": 0.0,
    "shortfall_penalty_usd": 0.0,
}
WARM = "warm re-solve ended time_limit_no_solution; solved again cold"
STALLED = "the dual simplex stalled; re-solved with the interior point method"
ELASTIC = (
    "budget[2026]: spend in 2026 <= 420,000,000 USD (the elastic solve had to raise it by "
    "150,874,723 USD) (Budget row 2: 2026 budget 420,000,000 USD)\n"
    "stock_target[X, 2027]: total X stock at end of 2027 >= 150 t (the elastic solve had to "
    "lower it by 40 t) (Targets row 2: X 2027 >= 150 t)\n"
    "These requirements cannot all hold together. Relax at least one: raise the budget."
)


def plan(name: str, objective: float, from_a: float, status: str = "optimal", **kw: Any) -> Outcome:
    """An outcome with a plan: ``objective`` all purchase, 100 t of X delivered, ``from_a``
    of it from A (domestic), the rest from B (allied)."""
    return Outcome(
        name,
        status,
        message="Optimal plan found.",
        objective_usd=objective,
        expected_cost_usd=objective,
        parts={**PARTS, "purchase_usd": objective},
        stock_t={("X", 2026): 50.0, ("X", 2027): 100.0},
        deliveries_t={("X", "A"): from_a, ("X", "B"): 100.0 - from_a},
        sources=SOURCES,
        materials=("X",),
        years=YEARS,
        seconds=0.5,
        **kw,
    )


def no_plan(name: str, status: str, **kw: Any) -> Outcome:
    return Outcome(name, status, sources=SOURCES, materials=("X",), years=YEARS, **kw)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    """base 7,000,000,000 USD with 30 % of X from A; 'dearer' +2,260,000 USD with 40 %
    from A; 'cut' infeasible (elastic diagnosis quoting a Budget row the scenario cut
    from 600,000,000 to 420,000,000); 'broken' failed; 'closest' infeasible with its
    closest plan (7,100,000,000 USD, 20 % from A); 'conflict' infeasible with an IIS."""
    closest = plan(
        "closest", 7.1e9, 20.0, status="infeasible",
        relaxations=[
            Relaxation(
                "budget", (2026,), "Budget", 2, "budget_usd", 420e6, 450e6, "USD",
                "2026 budget (Budget row 2) exceeded by 30,000,000 USD",
            )
        ],
    )  # fmt: skip
    outcomes = [
        plan("base", 7e9, 30.0),
        plan("dearer", 7e9 + 2.26e6, 40.0, log=WARM),
        no_plan(
            "cut",
            "infeasible",
            message=f"No plan meets every requirement; see the diagnosis. Note: {STALLED}.",
            diagnosis=ELASTIC,
            diagnosis_method="elastic",
            log=f"{WARM}. {STALLED}",
        ),
        no_plan("broken", "failed", message="ValueError: boom (at x.py:1)"),
        closest,
        no_plan(
            "conflict",
            "infeasible",
            message="No plan meets every requirement; see the diagnosis.",
            diagnosis="stock_target[X, 2027]: total X stock at end of 2027 >= 500 t "
            "(Targets row 2: X 2027 >= 500 t)\nThese requirements cannot all hold together.",
        ),
    ]
    cut = Override("cut", "Budget", "*", "scale", "budget_usd", 0.7, row=3, note="Less money.")
    changes = {"cut": [Change(cut, "Budget", 2, "2026", "budget_usd", 600e6, 420e6, "USD", True)]}
    path = tmp_path_factory.mktemp("cmp") / "c.xlsx"
    write_comparison(
        outcomes,
        path,
        scenarios=[Scenario("cut", (cut,), "s.xlsx")],
        provenance={"input_file": "x.xlsx"},
        changes=changes,
    )
    wb = openpyxl.load_workbook(path)
    out = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    out["_path"] = [(str(path),)]
    return out


def block(rows: list[tuple], first_header: str) -> list[dict[str, Any]]:
    """The table whose header row starts with ``first_header``, as dicts."""
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    header = [h for h in rows[start] if h is not None]
    out = []
    for r in rows[start + 1 :]:
        if not r or r[0] is None:
            break
        out.append(dict(zip(header, r, strict=False)))
    return out


def test_delta_text_gives_money_in_usd_with_the_relative_change_and_shares_in_pp():
    assert delta_text(7e9 + 2.26e6, 7e9, "USD") == "+2.26 M USD (+0.03 %)"
    assert delta_text(7e9 - 35.7e6, 7e9, "USD") == "-35.7 M USD (-0.51 %)"
    assert delta_text(0.40, 0.30, "%") == "+10.0 pp"
    assert delta_text(120.0, 0.0, "t") == "+120.0 t"  # no relative change from 0
    assert delta_text(None, 7e9, "USD") == ""


def test_deltas_are_in_their_units(book):
    in_words = {r["scenario"]: r for r in block(book["Deltas"], "scenario")}
    assert in_words["dearer"]["objective vs base"] == "+2.26 M USD (+0.03 %)"
    assert in_words["cut"]["objective vs base"] == "-"
    absolute = {r["kpi"]: r for r in block(book["Deltas"], "kpi")}
    # shares of deliveries: percentage points, 40 % - 30 % = +10 pp
    row = absolute["deliveries from bloc domestic"]
    assert row["unit"] == "pp"
    assert row["dearer − base"] == pytest.approx(10.0)
    assert absolute["objective"]["unit"] == "USD"
    assert absolute["objective"]["dearer − base"] == pytest.approx(2.26e6)


def test_relative_deltas_show_small_changes_and_leave_shares_to_pp(book):
    wb = openpyxl.load_workbook(book["_path"][0][0])
    ws = wb["Deltas"]
    rows = list(ws.iter_rows())
    header = [i for i, r in enumerate(rows) if r[0].value == "kpi"][-1]  # the last table
    names = [c.value for c in rows[header]]
    col = names.index("dearer vs base [%]")
    objective = next(r for r in rows[header + 1 :] if r[0].value == "objective")
    cell = objective[col]
    assert cell.value == pytest.approx(2.26e6 / 7e9)
    assert cell.number_format == "+0.00%;-0.00%;0.00%"  # +0.03 %, not 0.0 %
    kpis = [r[0].value for r in rows[header + 1 :] if r[0].value]
    assert not any(k.startswith("deliveries from") for k in kpis)


def test_money_charts_start_at_zero(book):
    with zipfile.ZipFile(book["_path"][0][0]) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    (objective,) = [c for c in charts if "Objective by scenario" in c]
    assert re.search(r'<c:min val="0"\s*/>', objective)
    # no part is negative here (no resale): the stacked money chart starts at 0 too
    (parts,) = [c for c in charts if "Cost parts by scenario" in c]
    assert re.search(r'<c:min val="0"\s*/>', parts)


def test_scenarios_without_a_plan_are_labelled_not_gaps(book):
    data = block(book["Charts"], "scenario")  # the objective chart's data
    labels = [r["scenario"] for r in data]
    assert labels == [
        "base",
        "dearer",
        "cut (infeasible: no plan)",
        "broken (failed: no plan)",
        "closest (closest plan, infeasible)",
        "conflict (infeasible: no plan)",
    ]
    by_label = {r["scenario"]: r for r in data}
    assert by_label["broken (failed: no plan)"]["objective [USD]"] is None
    # the closest plan is compared like any other outcome
    assert by_label["closest (closest plan, infeasible)"]["objective [USD]"] == 7.1e9
    kpi = {r[0]: r for r in book["Comparison"] if r and r[0]}
    header = next(r for r in book["Comparison"] if r and r[0] == "kpi")
    plan_words = dict(zip(header[2:], kpi["plan"][2:], strict=True))
    assert plan_words["broken"] == "no plan (failed)"
    assert plan_words["closest"] == "closest plan, NOT meeting the requirements"
    assert kpi["objective"][2 + header[2:].index("closest")] == 7.1e9


def test_the_diagnosis_is_wrapped_one_line_per_row_and_notes_scenario_values(book):
    wb = openpyxl.load_workbook(book["_path"][0][0])
    ws = wb["Diagnosis"]
    top = next(
        r[0].row
        for r in ws.iter_rows()
        if r[0].value == "scenario" and "says" in [c.value for c in r]
    )
    header = [c.value for c in ws[top]]
    says = header.index("says") + 1
    cut = [r for r in ws.iter_rows(min_row=top + 1) if r[0].value == "cut"]
    assert len(cut) == len(ELASTIC.splitlines())  # one row per line, nothing stacked
    for r in cut:
        cell = r[says - 1]
        assert cell.alignment.wrap_text
        assert "\n" not in cell.value
    width = ws.column_dimensions[openpyxl.utils.get_column_letter(says)].width
    longest = max(cut, key=lambda r: len(r[says - 1].value))[says - 1]
    height = ws.row_dimensions[longest.row].height
    assert len(longest.value) > width and height and height >= 2 * 15  # it wraps and fits
    assert (
        "Budget row 2: 2026 budget 420,000,000 USD after the scenario's x0.7, from the "
        "workbook's 600,000,000"
    ) in cut[0][says - 1].value
    closest = [r[says - 1].value for r in ws.iter_rows(min_row=top) if r[0].value == "closest"]
    assert closest == ["2026 budget (Budget row 2) exceeded by 30,000,000 USD"]
    broken = [r[says - 1].value for r in ws.iter_rows(min_row=top) if r[0].value == "broken"]
    assert broken == ["ValueError: boom (at x.py:1)"]


def test_the_legend_names_each_kind_of_diagnosis_for_what_it_is(book):
    rows = book["Diagnosis"]
    title = next(
        i for i, r in enumerate(rows) if r and r[0] == "Scenarios without a least-cost plan"
    )
    legend = rows[title + 1][0]
    assert "Infeasible, elastic diagnosis: the limits a solve that may move them" in legend
    assert "Infeasible, irreducible set" in legend  # 'conflict' has an IIS
    meaning = {r["scenario"]: r["what it means"] for r in block(rows, "scenario")}
    assert "an elastic solve had to move 2 limit(s)" in meaning["cut"]
    assert "irreducible" not in meaning["cut"]
    assert "1 requirement(s) conflict, an irreducible set" in meaning["conflict"]
    assert "does NOT meet the requirements: it moves 1 limit(s)" in meaning["closest"]


def test_no_solver_internals_outside_the_run_table(book):
    """How HiGHS got there (warm re-solves, a stalled simplex) is no planner's business: the
    warm re-solve never appears; the solver's own note only in the Solves table."""
    cells = [
        (sheet, str(v))
        for sheet, rows in book.items()
        if sheet != "_path"
        for r in rows
        for v in r
        if isinstance(v, str)
    ]
    assert not [c for c in cells if "warm re-solve" in c[1] or "solved again cold" in c[1]]
    solves = block(book["Diagnosis"], "scenario")  # the first: the no-plan table
    assert all("dual simplex" not in str(v) for r in solves for v in r.values())
    stalled = [c for c in cells if "dual simplex" in c[1]]
    assert stalled and all(sheet == "Run" for sheet, _ in stalled)
    messages = {r["scenario"]: r["solver message"] for r in _solves(book["Run"])}
    assert STALLED in messages["cut"]


def _solves(rows: list[tuple]) -> list[dict[str, Any]]:
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Solves")
    return block(rows[start:], "scenario")


def test_the_overrides_sheet_lists_every_changed_value(book):
    values = block(book["Overrides"], "scenario")
    assert values[0]["scenario"] == "cut" and values[0]["defined in"] == "s.xlsx"
    start = next(i for i, r in enumerate(book["Overrides"]) if r and r[0] == "scenario" and i > 3)
    (changed,) = block(book["Overrides"][start:], "scenario")
    assert changed["input row"] == 2 and changed["change"] == "x0.7"
    assert (changed["in the workbook"], changed["in the scenario"]) == (
        "600,000,000",
        "420,000,000",
    )


def test_the_terminal_comparison_has_units_labels_and_no_solver_internals(capsys):
    from stockpile.console import print_comparison

    base, dearer = plan("base", 7e9, 30.0), plan("dearer", 7e9 + 2.26e6, 40.0, log=WARM)
    cut = no_plan(
        "cut",
        "infeasible",
        message=f"Note: {STALLED}.",
        diagnosis=ELASTIC,
        diagnosis_method="elastic",
        log=WARM,
    )
    print_comparison(SimpleNamespace(outcomes=[base, dearer, cut], path=Path("c.xlsx")))
    flat = " ".join(capsys.readouterr().out.split())
    assert "+2.26 M USD (+0.03 %)" in flat
    assert "no plan (infeasible)" in flat
    assert "cut: no plan (infeasible); see the comparison's Diagnosis sheet." in flat
    assert "warm" not in flat and "simplex" not in flat


def test_a_round_off_difference_is_no_change():
    """Round-off (below 1e-9 of the base, or half a dollar) is not a difference: 7e-07
    USD on 1.4 bn is none, 5 USD is one."""
    from stockpile.scenarios.compare import delta_text

    assert delta_text(1.422e9 + 7.15e-7, 1.422e9, "USD") == "no change"
    assert delta_text(100.0, 100.0, "t") == "no change"
    assert delta_text(1.422e9 + 5, 1.422e9, "USD").startswith("+")


def test_a_closest_plan_without_an_iis_lists_its_moves_once():
    """Without an IIS the diagnosis is the closest plan's moves (solver/diagnosis.py):
    the Diagnosis sheet lists each move once, then what to do."""
    from stockpile.scenarios.compare import diagnosis_lines

    move = Relaxation(
        "coverage_floor", ("Sb",), "Materials", 17, "min_coverage", 0.7, 0.5, "share",
        "Sb min_coverage (Materials row 17) lowered from 0.7 to 0.5",
    )  # fmt: skip
    o = plan(
        "cut", 1e9, 30.0, status="infeasible", relaxations=[move],
        diagnosis=f"{move.text}\nMove each limit listed.", diagnosis_method="elastic",
    )  # fmt: skip
    assert diagnosis_lines(o) == [
        ("limit the closest plan moves", move.text),
        ("what to do", "Move each limit listed."),
    ]
