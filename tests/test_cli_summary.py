"""What `stockpile solve` prints for a planner (not --json): a summary whose numbers add
up, that flags unmet need and binding budgets, names the scenario and what it changed,
says why the dearest tonne sits in the last year, and says loudly when the plan shown is
only the closest plan. Expected values come from the workbook and the JSON output, not
from the terminal text itself."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from typer.testing import CliRunner

from stockpile.cli import app
from stockpile.data.bundle import BUNDLED
from stockpile.data.template import write_scenario_workbook
from stockpile.result import FutureOutcome, Relaxation, SolveResult
from stockpile.scenarios import bundled

runner = CliRunner()


def solve(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["solve", *args, "-q"], terminal_width=100)
    return result.exit_code, result.stdout


def solve_json(*args: str) -> dict:
    result = runner.invoke(app, ["solve", *args, "-q", "--json"])
    assert result.exit_code in (0, 10), result.output
    return json.loads(result.stdout)


def words(text: str) -> str:
    """The text with its line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def sheet_rows(sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(BUNDLED, read_only=True)
    return list(wb[sheet].iter_rows(values_only=True))


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, dict]:
    out = tmp_path_factory.mktemp("default")
    code, text = solve("-o", str(out / "r.xlsx"))
    return code, text, solve_json("-o", str(out / "j.xlsx"))


def test_the_cost_lines_add_up_to_the_expected_cost(default_run):
    """The cost table lists each part once, resale with a minus sign, and the parts as
    printed sum to the expected cost of the JSON output (to the rounding of 7 lines)."""
    code, text, payload = default_run
    assert code == 0
    printed = {}
    for line in text.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line) if c.strip()]
        if len(cells) == 2 and re.fullmatch(r"-?[\d,]+", cells[1]):
            printed[cells[0]] = float(cells[1].replace(",", ""))
    expected = printed.pop("expected cost")
    parts = payload["parts"]
    assert len(printed) == len(parts)  # one line per part
    assert printed["resale (income)"] == pytest.approx(-parts["resale_usd"], abs=1)
    assert printed["resale (income)"] < 0
    assert sum(printed.values()) == pytest.approx(payload["expected_cost_usd"], abs=len(printed))
    assert expected == pytest.approx(payload["expected_cost_usd"], abs=1)


def test_the_default_status_says_whether_need_stays_uncovered(default_run):
    """The status says "meets every requirement" plainly only when no future leaves need
    unmet (the JSON futures); otherwise it adds that need stays uncovered, as the
    coverage floor allows, and every such future has an unmet-need flag."""
    _, text, payload = default_run
    flat = words(text)
    unmet = [f for f in payload["futures"] if f["unmet_t"] > 0]
    if not unmet:
        assert "Optimal: the least-cost plan that meets every requirement." in flat
        assert "unmet" not in text and "uncovered" not in text
        return
    assert "Optimal: the least-cost plan that meets every requirement;" in flat
    assert "(allowed by min_coverage)." in flat
    for f in unmet:
        assert re.search(rf"! {re.escape(f['future'])}: [\d,.]+ t of \S+ unmet from \d{{4}}", flat)


def test_the_summary_flags_binding_budgets_and_explains_the_last_year(default_run):
    _, text, _ = default_run
    flat = words(text)
    assert "Flags:" in flat and "The budget binds in the plan in" in flat
    end = int(next(v for k, v in sheet_rows("Settings") if k == "end_year"))
    assert "The dearest tonne of the plan's stock target per material" in flat
    assert f"Where it falls in {end}, that is the end of the horizon" in flat
    assert f"nothing after {end} values stock" in flat
    disruptions = [r for r in sheet_rows("Disruptions")[1:] if r[0] is not None]
    futures = len(disruptions) + 1  # the plan (no disruption) and one per disruption
    assert f"It is weighed over {futures} futures" in flat  # the digest's futures sentence


def test_unmet_need_is_flagged_per_future_with_its_tonnes_and_first_year(tmp_path: Path):
    """The default dataset with graphite shortfalls at 100 USD/t (instead of 10,700): the
    plan leaves graphite need uncovered down to its coverage floor. Every future with
    unmet need (JSON) has a flag line with the same tonnes, a first year inside its
    disruption's window, and the status line says so instead of just "meets every
    requirement"."""
    scenarios = tmp_path / "s.xlsx"
    write_scenario_workbook(
        scenarios,
        [
            {
                "scenario": "cheap_shortfall",
                "sheet": "Materials",
                "key": "graphite",
                "column": "shortfall_penalty_usd_per_t",
                "op": "set",
                "value": 100,
                "note": "Graphite shortfalls cost little.",
            }
        ],
    )
    args = ("--scenario", "cheap_shortfall", "--scenarios", str(scenarios))
    code, text = solve(*args, "-o", str(tmp_path / "r.xlsx"))
    assert code == 0
    payload = solve_json(*args, "-o", str(tmp_path / "j.xlsx"))
    flat = words(text)
    windows = {
        r[0]: range(int(r[2]), int(r[2]) + int(r[3])) for r in sheet_rows("Disruptions")[1:] if r[0]
    }
    unmet = {f["future"]: f["unmet_t"] for f in payload["futures"] if f["unmet_t"] > 1e-6}
    assert unmet, "the scenario should leave some graphite need uncovered"
    flagged: dict[str, float] = {}
    flags: dict[str, int] = {}
    for m in re.finditer(r"! (\w+): ([\d,.]+) t of (\w+) unmet from (\d{4})", flat):
        flagged[m[1]] = flagged.get(m[1], 0.0) + float(m[2].replace(",", ""))
        flags[m[1]] = flags.get(m[1], 0) + 1
        assert int(m[4]) in windows[m[1]]
    assert re.search(r"! \w+: [\d,.]+ t of graphite unmet from", flat)
    assert set(flagged) == set(unmet)
    for future, tonnes in unmet.items():  # each flag rounded to 0.1 t
        assert flagged[future] == pytest.approx(tonnes, abs=0.05 * flags[future])
    assert "Optimal: the least-cost plan that meets every requirement; " in flat
    assert flat.count("(allowed by min_coverage)") == 1
    # the scenario is named, with the value it changed as the workbook has it
    penalty = next(r[3] for r in sheet_rows("Materials") if r[0] == "graphite")
    assert "Scenario cheap_shortfall (s.xlsx): Graphite shortfalls cost little." in flat
    assert (
        f"Materials graphite shortfall_penalty_usd_per_t: = 100 ({penalty:,.0f} -> 100 USD/t)"
        in flat
    )


def test_a_scenario_run_names_the_scenario_its_values_and_says_when_a_quote_is_changed(
    tmp_path: Path,
):
    """budget_cut_30pct scales every Budget row by 0.7 and leaves no plan: the terminal
    names the scenario, shows each budget as the workbook has it and after the cut, and
    where the diagnosis quotes a Budget row it says that the value is the scenario's."""
    code, text = solve("--scenario", "budget_cut_30pct", "-o", str(tmp_path / "r.xlsx"))
    assert code == 10
    flat = words(text)
    note = next(o[-1] for o in bundled.BUNDLED["budget_cut_30pct"])
    assert f"Scenario budget_cut_30pct (bundled): {note}" in flat
    budgets = {int(y): b for y, b in sheet_rows("Budget")[1:] if y is not None}
    first = min(budgets)
    assert f"Budget {first}: x0.7 ({budgets[first]:,.0f} -> {budgets[first] * 0.7:,.0f} USD)" in (
        flat
    )
    rows = {y: r for r, y in enumerate(sorted(budgets), start=2)}

    def quotes_say_the_scenario_changed_them(flat: str, factor: float) -> int:
        quoted = list(re.finditer(r"Budget row (\d+): (\d{4}) budget ([\d,]+) USD([^;)]*)", flat))
        for m in quoted:
            year = int(m[2])
            assert int(m[1]) == rows[year]
            assert float(m[3].replace(",", "")) == pytest.approx(budgets[year] * factor)
            assert m[4].strip() == (
                f"after the scenario's x{factor:g}, from the workbook's {budgets[year]:,.0f}"
            )
        return len(quoted)

    quotes_say_the_scenario_changed_them(flat, 0.7)  # its closest plan may move other limits
    # a deeper cut: the closest plan must exceed a budget, and the diagnosis quotes it
    scenarios = tmp_path / "s.xlsx"
    write_scenario_workbook(
        scenarios,
        [
            {
                "scenario": "deep_cut",
                "sheet": "Budget",
                "key": "*",
                "column": "budget_usd",
                "op": "scale",
                "value": 0.3,
                "note": "Seven tenths of the money gone.",
            }
        ],
    )
    code, text = solve(
        "--scenario", "deep_cut", "--scenarios", str(scenarios), "-o", str(tmp_path / "d.xlsx")
    )
    assert code == 10
    assert quotes_say_the_scenario_changed_them(words(text), 0.3) > 0


# --- the closest plan (built on another branch: here a constructed result) -------------------


def closest_result() -> SolveResult:
    relaxations = [
        Relaxation(
            "stock_target", ("Cu", 2032), "Targets", 7, "min_stock_t", 5000.0, 3800.0, "t",
            "Cu stock target 2032 (Targets row 7) missed by 1,200 t",
        ),
        Relaxation(
            "budget", (2026,), "Budget", 2, "budget_usd", 420e6, 450e6, "USD",
            "2026 budget (Budget row 2) exceeded by 30,000,000 USD",
        ),
    ]  # fmt: skip
    parts = {
        "purchase_usd": 900.0,
        "transport_usd": 50.0,
        "holding_usd": 30.0,
        "investment_usd": 0.0,
        "resale_usd": 80.0,
        "shortfall_penalty_usd": 0.0,
    }
    return SolveResult(
        status="infeasible",
        message="No plan meets every requirement; the closest plan is shown.",
        objective_usd=900.0,
        expected_cost_usd=900.0,
        parts=parts,
        futures=[FutureOutcome("base", 1.0, 900.0)],
        values={"Buy": {("A", 2026): 1.0}},
        relaxations=relaxations,
    )


def test_the_closest_plan_is_announced_as_not_meeting_the_requirements(capsys):
    from stockpile.console import print_summary

    result = closest_result()
    assert result.closest
    print_summary(SimpleNamespace(result=result, report_path=None))
    flat = words(capsys.readouterr().out)
    assert "Infeasible: no plan meets every requirement" in flat
    assert "The plan shown is the closest plan: it does NOT meet the requirements." in flat
    for r in result.relaxations:
        assert f"- {r.text}" in flat
    assert "of the closest plan, which does not meet the requirements" in flat
    assert "900" in flat  # its expected cost: 900 + 50 + 30 - 80


def test_a_closest_plan_exits_10(monkeypatch, tmp_path: Path):
    """Whatever the terminal shows, an infeasible model exits 10, closest plan or not."""
    from stockpile import pipeline

    def fake_run(path, report, options, **kw):
        return pipeline.Run(path, None, None, closest_result(), [], {}, None)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "run", fake_run)
    code, text = solve("-o", str(tmp_path / "r.xlsx"))
    assert code == 10
    assert "does NOT meet the requirements" in words(text)


def test_a_scenario_change_is_noted_on_the_relaxation_that_quotes_it(capsys):
    """A closest plan's relaxation at a row the scenario changed says so."""
    from stockpile.console import print_summary
    from stockpile.scenarios.overrides import Change, Override, Scenario

    ov = Override("cut", "Budget", "*", "scale", "budget_usd", 0.7)
    change = Change(ov, "Budget", 2, "2026", "budget_usd", 600e6, 420e6, "USD", True)
    outcome = SimpleNamespace(
        result=closest_result(),
        report_path=None,
        scenario=Scenario("cut", (ov,), "s.xlsx"),
        changes=[change],
    )
    print_summary(outcome)
    flat = words(capsys.readouterr().out)
    assert "Scenario cut (s.xlsx)" in flat
    assert "Budget 2026: x0.7 (600,000,000 -> 420,000,000 USD)" in flat
    assert (
        "2026 budget (Budget row 2) exceeded by 30,000,000 USD after the scenario's x0.7, "
        "from the workbook's 600,000,000"
    ) in flat


# --- stockpile scenarios ---------------------------------------------------------------------


def test_scenarios_lists_every_bundled_scenario_one_line_each():
    result = runner.invoke(app, ["scenarios"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(bundled.NAMES)
    for name, line in zip(bundled.NAMES, lines, strict=True):
        note = next(n for *_, n in bundled.BUNDLED[name] if n)
        assert line.startswith(f"{name}: {note}"), line
        n = len(bundled.BUNDLED[name])
        assert line.endswith(f"(bundled, {n} override{'s' if n != 1 else ''})")


def test_scenarios_json_and_a_scenarios_file(tmp_path: Path):
    path = tmp_path / "mine.xlsx"
    write_scenario_workbook(
        path,
        [
            {
                "scenario": "dear_routes",
                "sheet": "Routes",
                "key": "*",
                "column": "cost_usd_per_t",
                "op": "scale",
                "value": 2,
            }
        ],
    )
    result = runner.invoke(app, ["scenarios", "--scenarios", str(path), "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [s["name"] for s in listed] == ["dear_routes", *bundled.NAMES]
    mine = listed[0]
    assert mine["defined_in"] == "mine.xlsx"
    assert mine["description"] == "Routes * cost_usd_per_t x2"  # no note: its override
    assert mine["overrides"][0]["op"] == "scale" and mine["overrides"][0]["value"] == 2
    missing = runner.invoke(app, ["scenarios", "--scenarios", str(tmp_path / "no.xlsx")])
    assert missing.exit_code == 65
