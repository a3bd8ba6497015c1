"""The planner's Excel report: ``extract`` (model result -> tidy tables) and ``excel``
(tables -> formatted workbook). No Pyomo here."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from stockpile.data.inputs import Inputs
from stockpile.data.params import Params
from stockpile.reports.excel import ReportWriteError, write_report
from stockpile.reports.extract import extract
from stockpile.result import SolveResult

__all__ = ["ReportWriteError", "build_report", "extract", "write_report"]


def build_report(
    inputs: Inputs,
    params: Params,
    result: SolveResult,
    path: str | os.PathLike[str],
    provenance: Mapping[str, Any],
) -> None:
    """Write the report workbook for one solve; raises ReportWriteError if it cannot.

    ``provenance``: run facts the result does not hold, shown on the Run sheet
    (input_file, input_sha256, started_utc, finished_utc, package, python, pyomo,
    highs, solver_options; scenario, scenario_defined_in, scenario_description and
    scenario_overrides, a list of lines, which the Summary shows too; any other key is
    shown as given).
    """
    write_report(extract(inputs, params, result, provenance), path)
