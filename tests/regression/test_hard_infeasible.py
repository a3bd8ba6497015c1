"""Infeasible variants of the default dataset that HiGHS finds hard: each must end as
"infeasible" with a diagnosis, never as a solver error or a hang.

Raising every stock target of the default data while keeping its yearly budget makes
the model infeasible (more tonnes than the money buys). The default targets are 60 days
of essential demand (the futures size the rest of the stock), so the variants raise
them to 8, 10 and 15 times that (between 1.3 and 2.5 years), beyond what the budget
buys on top of what the futures need (x4.5 still has a plan). On such LPs HiGHS 1.16's
dual simplex can stall or stop with a solve error, and its IIS search can ignore its
time limit (the data of version 1 did all three). The expected status comes from the
independent formulation in tests/oracle.py, solved with the interior point method. The
CLI runs in a child process with a generous timeout, so a hang fails the test instead
of stalling the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from oracle import oracle_solve
from stockpile.data.inputs import Inputs
from stockpile.data.reader import read_workbook
from stockpile.data.template import write_workbook

DEFAULT = Path(__file__).resolve().parents[2] / "src" / "stockpile" / "data" / "default.xlsx"


def raised_targets(factor: float) -> Inputs:
    inputs, _ = read_workbook(DEFAULT)
    targets = tuple(
        t.model_copy(update={"min_stock_t": t.min_stock_t * factor}) for t in inputs.targets
    )
    return inputs.model_copy(update={"targets": targets})


@pytest.mark.parametrize("factor", [8.0, 10.0, 15.0])
def test_raised_targets_against_the_budget_end_infeasible_with_a_diagnosis(factor, tmp_path):
    inputs = raised_targets(factor)
    assert oracle_solve(inputs, solver="ipm", presolve="off").status == "infeasible"

    workbook, report = tmp_path / "raised.xlsx", tmp_path / "report.xlsx"
    write_workbook(workbook, inputs)
    command = [sys.executable, "-m", "stockpile.cli", "solve", str(workbook)]
    done = subprocess.run(
        [*command, "-o", str(report), "--json", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 10, done.stdout + done.stderr
    answer = json.loads(done.stdout)
    assert answer["status"] == "infeasible"
    families = {m["family"] for m in answer["diagnosis"]["members"]}
    assert "stock_target" in families, answer["diagnosis"]
    assert "Infeasibility" in read_sheetnames(report)


def read_sheetnames(path: Path) -> list[str]:
    from openpyxl import load_workbook

    return load_workbook(path, read_only=True).sheetnames
