"""The command line as a planner uses it: commands, exit codes, JSON keys, file safety."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from stockpile.cli import app
from stockpile.data.inputs import Inputs
from stockpile.data.template import write_workbook
from strategies import check_b_raw, hand_case
from workbooks import write_valid

runner = CliRunner()

PART_KEYS = {
    "purchase_usd",
    "transport_usd",
    "holding_usd",
    "investment_usd",
    "resale_usd",
    "shortfall_penalty_usd",
}


def hand_inputs(target: float = 150.0) -> Inputs:
    """The hand-solvable case of MODEL.md (optimum 1665 USD), with its 2027 target."""
    return hand_case(targets=[{"material": "X", "year": 2027, "min_stock_t": target}])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def hand_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "hand.xlsx"
    write_workbook(path, hand_inputs())
    return path


def solve_json(*args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["solve", *args, "--json", "--quiet"])
    return result.exit_code, json.loads(result.stdout)


def test_solve_json_hand_case(hand_xlsx: Path, tmp_path: Path):
    before = digest(hand_xlsx)
    code, out = solve_json(str(hand_xlsx), "-o", str(tmp_path / "r.xlsx"))
    assert code == 0
    assert out["status"] == "optimal"
    assert set(out["parts"]) == PART_KEYS
    assert out["objective_usd"] == pytest.approx(1665.0, rel=1e-9)
    assert out["parts"]["purchase_usd"] == pytest.approx(1560.0, rel=1e-9)
    assert out["parts"]["holding_usd"] == pytest.approx(105.0, rel=1e-9)
    assert_expected_cost_is_its_parts(out)
    # no disruption: the plan is the only future, with probability 1
    assert out["futures"] == [
        {"future": "base", "probability": 1.0, "cost_usd": pytest.approx(1665.0), "unmet_t": 0}
    ]
    assert "cvar_usd" not in out
    assert (tmp_path / "r.xlsx").exists()
    assert digest(hand_xlsx) == before  # the input is only read
    assert out["input_sha256"] == before


def assert_expected_cost_is_its_parts(out: dict) -> None:
    p = out["parts"]
    assert all(v >= 0 for v in p.values())
    assert out["expected_cost_usd"] == pytest.approx(
        p["purchase_usd"]
        + p["transport_usd"]
        + p["holding_usd"]
        + p["investment_usd"]
        - p["resale_usd"]
        + p["shortfall_penalty_usd"],
        rel=1e-9,
    )


@pytest.mark.parametrize("decompose", [False, True])
@pytest.mark.parametrize("risk", [False, True])
def test_solve_json_futures_of_hand_check_b(tmp_path: Path, risk: bool, decompose: bool):
    """MODEL.md check B with a coverage floor of 0.5 and a penalty of 3 USD/t: leaving a
    tonne of the ban's need unmet costs 0.5 x 3 = 1.5 < 6.5 (stockpiling it), so 50 t
    stay unmet: E = 250 purchase + 75 holding + 75 penalty = 400; K[base] = 250 + 50 + 50,
    K[ban] = 250 + 50 + 3 x 50. With risk_weight 1 and cvar_level 0.5 the objective is
    the costlier future's K: with x t stockpiled (x >= 50 by the floor, unless A supplies
    y t in the ban at 14: K[ban] = 850 - 8x) it is max(7x, 3x + 300), least at x = 50:
    the same plan, CVaR = K[ban] = 450 = the objective. ``--decompose`` gives the same
    (with the risk term it solves directly)."""
    settings, tables = check_b_raw(risk=risk)
    tables["materials"][0].update(min_coverage=0.5, shortfall_penalty_usd_per_t=3.0)
    path = tmp_path / "b.xlsx"
    write_workbook(path, Inputs.build(settings, **tables))
    extra = ["--decompose"] if decompose else []
    code, out = solve_json(str(path), "-o", str(tmp_path / "r.xlsx"), *extra)
    assert code == 0 and out["status"] == "optimal"
    assert set(out["parts"]) == PART_KEYS
    assert_expected_cost_is_its_parts(out)
    assert out["expected_cost_usd"] == pytest.approx(400.0, rel=1e-9)
    assert out["futures"] == [
        {"future": "base", "probability": 0.5, "cost_usd": pytest.approx(350.0), "unmet_t": 0},
        {
            "future": "ban",
            "probability": 0.5,
            "cost_usd": pytest.approx(450.0),
            "unmet_t": pytest.approx(50.0),
        },
    ]
    if risk:
        assert out["cvar_usd"] == pytest.approx(450.0, rel=1e-9)
        assert out["objective_usd"] == pytest.approx(450.0, rel=1e-9)
    else:
        assert "cvar_usd" not in out
        assert out["objective_usd"] == pytest.approx(out["expected_cost_usd"], rel=1e-9)


def test_summary_names_each_future_with_unmet_need(tmp_path: Path):
    settings, tables = check_b_raw()
    tables["materials"][0].update(min_coverage=0.5, shortfall_penalty_usd_per_t=3.0)
    path = tmp_path / "b.xlsx"
    write_workbook(path, Inputs.build(settings, **tables))
    result = runner.invoke(app, ["solve", str(path), "-o", str(tmp_path / "r.xlsx"), "-q"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "ban: 50.0 t of X unmet from 2027" in out
    assert (
        "Optimal: the least-cost plan that meets every requirement; 50.0 t of X disruption "
        "need stays uncovered in ban (allowed by min_coverage)."
    ) in out
    for word in ("purchase", "holding", "investment", "shortfall penalty", "expected cost"):
        assert word in out
    assert "400" in out


def test_solve_infeasible_exits_10_and_names_rows(tmp_path: Path):
    path = tmp_path / "inf.xlsx"
    write_workbook(path, hand_inputs(target=500))
    before = digest(path)
    code, out = solve_json(str(path), "-o", str(tmp_path / "r.xlsx"))
    assert code == 10
    assert out["status"] == "infeasible"
    # The closest plan: A and B buy all they can (60 + 100 t a year), 320 t by 2027, so
    # the target is missed by 180 t; cost 10 x 120 + 12 x 200 + 0.5 x (160 + 320) = 3,840.
    (moved,) = out["relaxations"]
    assert (moved["family"], moved["sheet"], moved["row"]) == ("stock_target", "Targets", 2)
    assert moved["moved_to"] == pytest.approx(320.0, rel=1e-9)
    assert out["objective_usd"] == pytest.approx(3840.0, rel=1e-9)
    rows = {(r["sheet"], r["row"]) for m in out["diagnosis"]["members"] for r in m["rows"]}
    # Targets row 2 (the 500 t target) against the capacities in Sources rows 2 and 3.
    assert {("Targets", 2), ("Sources", 2), ("Sources", 3)} <= rows
    assert digest(path) == before
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)
    assert "Infeasibility" in wb.sheetnames


def test_solve_invalid_input_exits_65_with_problems(hand_xlsx: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(hand_xlsx)
    wb["Sources"]["C3"] = "XX"  # country of B: not in Countries
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    code, out = solve_json(str(bad), "-o", str(tmp_path / "r.xlsx"))
    assert code == 65
    assert out["status"] == "invalid_input"
    assert out["objective_usd"] is None
    (problem,) = [p for p in out["problems"] if p["severity"] == "error"]
    assert (problem["sheet"], problem["row"], problem["column"], problem["value"]) == (
        "Sources",
        3,
        "country",
        "XX",
    )
    assert not (tmp_path / "r.xlsx").exists()


def test_solve_missing_input_exits_65(tmp_path: Path):
    result = runner.invoke(app, ["solve", str(tmp_path / "nope.xlsx"), "--quiet"])
    assert result.exit_code == 65


def test_report_into_a_directory_exits_73(hand_xlsx: Path, tmp_path: Path):
    target = tmp_path / "adir.xlsx"
    target.mkdir()
    code, out = solve_json(str(hand_xlsx), "-o", str(target))
    assert code == 73
    assert out["status"] == "report_not_writable"
    assert target.is_dir() and not any(target.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir.xlsx", "hand.xlsx"]


def test_report_over_the_input_is_refused(hand_xlsx: Path):
    before = digest(hand_xlsx)
    result = runner.invoke(app, ["solve", str(hand_xlsx), "-o", str(hand_xlsx), "--quiet"])
    assert result.exit_code == 73
    assert digest(hand_xlsx) == before


def test_validate_clean_and_broken(hand_xlsx: Path, tmp_path: Path):
    assert runner.invoke(app, ["validate", str(hand_xlsx)]).exit_code == 0
    wb = openpyxl.load_workbook(hand_xlsx)
    wb["Targets"]["C2"] = -5  # min_stock_t
    wb["Sites"]["C2"] = "lots"  # capacity_m3
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    result = runner.invoke(app, ["validate", str(bad), "--json"])
    assert result.exit_code == 65
    problems = json.loads(result.stdout)
    where = {(p["sheet"], p["row"], p["column"]) for p in problems if p["severity"] == "error"}
    assert where == {("Targets", 2, "min_stock_t"), ("Sites", 2, "capacity_m3")}


def test_probabilities_over_1_are_invalid_input(tmp_path: Path):
    """The disruptions are alternative futures: validate and solve refuse a sum above 1
    (exit 65), pointing at Disruptions.probability."""

    def change(settings: dict, tables: dict) -> None:
        tables["Disruptions"][0]["probability"] = 0.7
        tables["Disruptions"].append(
            {"disruption": "war", "probability": 0.5, "start_year": 2027, "duration_years": 1}
        )

    bad = write_valid(tmp_path / "over.xlsx", change)
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 65
    result = runner.invoke(app, ["validate", str(bad), "--json"])
    assert result.exit_code == 65
    (problem,) = [p for p in json.loads(result.stdout) if p["severity"] == "error"]
    # Row 3: the row where the running sum passes 1.
    assert (problem["sheet"], problem["row"], problem["column"]) == (
        "Disruptions",
        3,
        "probability",
    )
    assert problem["message"].startswith("probabilities sum to 1.2 (> 1): D1 0.7, war 0.5")

    code, out = solve_json(str(bad), "-o", str(tmp_path / "r.xlsx"))
    assert code == 65
    assert out["status"] == "invalid_input"
    (problem,) = [p for p in out["problems"] if p["severity"] == "error"]
    assert (problem["sheet"], problem["row"], problem["column"]) == (
        "Disruptions",
        3,
        "probability",
    )
    assert not (tmp_path / "r.xlsx").exists()


def test_template_refuses_to_overwrite(tmp_path: Path):
    path = tmp_path / "t.xlsx"
    assert runner.invoke(app, ["template", str(path)]).exit_code == 0
    before = digest(path)
    assert runner.invoke(app, ["template", str(path)]).exit_code == 73
    assert digest(path) == before
    assert runner.invoke(app, ["template", str(path), "--force"]).exit_code == 0


def test_time_limit_without_a_plan_exits_12(tmp_path: Path):
    """A benchmark instance of size M cannot be solved in 10 ms: the status says so."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "bench_generate", Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"
    )
    gen = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen
    spec.loader.exec_module(gen)
    path = tmp_path / "m.xlsx"
    write_workbook(path, gen.generate("M"))
    code, out = solve_json(str(path), "--time-limit", "0.01", "-o", str(tmp_path / "r.xlsx"))
    assert code == 12
    assert out["status"] == "time_limit_no_solution"
    assert out["objective_usd"] is None and out["parts"] is None


def test_write_lp_names_rows_and_columns_after_the_model(hand_xlsx: Path, tmp_path: Path):
    lp = tmp_path / "hand.lp"
    code, _ = solve_json(str(hand_xlsx), "-o", str(tmp_path / "r.xlsx"), "--write-lp", str(lp))
    assert code == 0
    text = lp.read_text()
    assert "stock_target(X_2027): +1 Stock(X_L_2027) >= +150" in text
    assert "source_capacity(B_2027): +1 Buy(B_2027) <= +100" in text


@pytest.mark.parametrize("method", ["simplex", "ipm"])
def test_methods_agree_on_the_hand_case(hand_xlsx: Path, tmp_path: Path, method: str):
    code, out = solve_json(
        str(hand_xlsx), "-o", str(tmp_path / "r.xlsx"), "--method", method, "--threads", "1"
    )
    assert code == 0
    assert out["objective_usd"] == pytest.approx(1665.0, rel=1e-7)


def test_pyomo_interface_agrees_with_the_default(hand_xlsx: Path, tmp_path: Path):
    code, direct = solve_json(str(hand_xlsx), "-o", str(tmp_path / "direct.xlsx"))
    code_pyomo, pyomo = solve_json(
        str(hand_xlsx), "-o", str(tmp_path / "pyomo.xlsx"), "--interface", "pyomo"
    )
    assert code == code_pyomo == 0
    assert pyomo["status"] == direct["status"] == "optimal"
    assert pyomo["objective_usd"] == pytest.approx(direct["objective_usd"], rel=1e-9)


def test_unknown_interface_exits_2_and_says_why(hand_xlsx: Path, tmp_path: Path):
    result = runner.invoke(
        app, ["solve", str(hand_xlsx), "-o", str(tmp_path / "r.xlsx"), "--interface", "gurobi"]
    )
    assert result.exit_code == 2
    assert "--interface" in result.output and "use direct or pyomo" in result.output
    assert not (tmp_path / "r.xlsx").exists()


@pytest.mark.parametrize(
    ("method", "words"),
    [
        ("iis", "an irreducible set of conflicting requirements"),
        ("elastic", "the limits that had to be relaxed"),
    ],
)
def test_the_summary_says_what_kind_of_diagnosis_it_shows(capsys, method, words):
    from types import SimpleNamespace

    from stockpile.console import print_summary
    from stockpile.result import Diagnosis, IisMember, SolveResult

    member = IisMember("stock_target", ("X", 2027), "target text", (("Targets", 4, "X"),))
    result = SolveResult(
        status="infeasible",
        log="the dual simplex stalled; re-solved with the interior point method",
        diagnosis=Diagnosis(method, (member,), "Relax one."),
    )
    print_summary(SimpleNamespace(result=result, report_path=None))
    out = " ".join(capsys.readouterr().out.split())
    assert words in out
    assert "The dual simplex stalled; re-solved with the interior point method." in out
    assert "Targets row 4" in out


# --- help texts, messages and paths ------------------------------------------------------


def help_text(*command: str) -> str:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"}, terminal_width=200)
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


def test_solve_help_gives_the_time_limit_unit_the_exit_codes_and_the_methods():
    text = help_text("solve")
    assert "Solver time limit in seconds" in text
    assert "limit ." not in text  # the unit was once swallowed as markup: "[s]"
    for code, meaning in [
        (0, "optimal"),
        (10, "infeasible"),
        (11, "unbounded"),
        (12, "time limit without a plan"),
        (65, "invalid input"),
        (73, "report not writable"),
    ]:
        assert f"{code} {meaning}" in text, (code, meaning)
    assert "choose|simplex|ipm|pdlp" in text
    for method in ("choose", "simplex", "ipm", "pdlp"):
        assert f"{method} (" in text or f"{method}," in text, method


def test_compare_help_gives_its_exit_codes_and_the_time_limit_unit():
    text = help_text("compare")
    assert "time limit per solve in seconds" in text
    for code, meaning in [(0, "comparison written"), (65, "invalid"), (73, "comparison not")]:
        assert f"{code} {meaning}" in text, (code, meaning)


def test_a_settings_problem_names_the_setting(hand_xlsx: Path, tmp_path: Path):
    """Every setting's value sits in the one "value" column: the message must say which
    setting is wrong, while sheet, row, column and value stay where they were."""
    wb = openpyxl.load_workbook(hand_xlsx)
    ws = wb["Settings"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(rows["start_year"], 2).value = None
    ws.cell(rows["end_year"], 2).value = "soon"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    result = runner.invoke(app, ["validate", str(bad), "--json"])
    assert result.exit_code == 65
    got = {
        (p["sheet"], p["row"], p["column"], p["value"]): p["message"]
        for p in json.loads(result.stdout)
        if p["severity"] == "error"
    }
    assert got[("Settings", rows["start_year"], "value", None)] == "start_year is blank"
    assert got[("Settings", rows["end_year"], "value", "soon")].startswith("end_year: expected")
    table = runner.invoke(app, ["validate", str(bad)]).stderr
    assert "start_year is" in table  # the table wraps its cells


def test_json_names_input_and_report_by_full_path(hand_xlsx: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out = solve_json("hand.xlsx", "-o", "r.xlsx")
    assert code == 0
    assert out["input"] == str(hand_xlsx.resolve())
    assert out["report"] == str((tmp_path / "r.xlsx").resolve())
    assert out["input_name"] == "hand.xlsx"
