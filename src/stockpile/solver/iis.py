"""HiGHS's irreducible infeasible subset (IIS), computed in a child process.

``highspy.Highs.getIis`` holds the GIL and does not honour ``iis_time_limit`` on every
LP: on some infeasible variants of the default dataset (targets raised 10 % against
the budget) it ran for minutes. A child process can be stopped. The parent writes the
LP's arrays to a temporary ``.npz`` file, runs ``python -m stockpile.solver.iis IN OUT LIMIT``
and kills it at the deadline; the caller then falls back to an elastic solve.

The child imports only NumPy and highspy (no Pyomo, and ``stockpile.solver`` itself
imports nothing), so it starts in a fraction of a second.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np

#: Seconds allowed on top of the IIS time limit for the child to start and solve.
STARTUP_SECONDS = 2.0

#: How a column bound in the subset reads in a diagnosis (other statuses: not in it).
BOUND_WORDS = {
    int(highspy.IisBoundStatus.kIisBoundStatusLower): ">= 0",
    int(highspy.IisBoundStatus.kIisBoundStatusUpper): "upper bound",
    int(highspy.IisBoundStatus.kIisBoundStatusBoxed): "bounds",
}


@dataclass(frozen=True)
class Iis:
    """Rows and column bounds (HiGHS indices, IisBoundStatus codes) in conflict."""

    rows: list[int]
    cols: list[int]
    col_bounds: list[int]

    def bounds_in_conflict(self) -> list[tuple[int, str]]:
        """(HiGHS column, how its bound reads) for each column bound in the subset."""
        return [
            (c, BOUND_WORDS[bound])
            for c, bound in zip(self.cols, self.col_bounds, strict=False)
            if bound in BOUND_WORDS
        ]


def compute_iis(highs: highspy.Highs, time_limit: float) -> Iis:
    """The IIS of ``highs``'s (infeasible) LP; raises RuntimeError if there is none
    within ``time_limit`` seconds (plus a moment for the child to start)."""
    if time_limit <= 0:
        raise RuntimeError("the IIS time limit is 0 s")
    lp = highs.getLp()
    matrix = lp.a_matrix_
    with tempfile.TemporaryDirectory(prefix="stockpile-iis-") as tmp:
        given, answer = Path(tmp) / "lp.npz", Path(tmp) / "iis.npz"
        np.savez(
            given,
            sizes=np.array([lp.num_col_, lp.num_row_, int(matrix.format_)], dtype=np.int64),
            col_cost=np.asarray(lp.col_cost_),
            col_lower=np.asarray(lp.col_lower_),
            col_upper=np.asarray(lp.col_upper_),
            row_lower=np.asarray(lp.row_lower_),
            row_upper=np.asarray(lp.row_upper_),
            start=np.asarray(matrix.start_),
            index=np.asarray(matrix.index_),
            value=np.asarray(matrix.value_),
        )
        command = [sys.executable, "-m", "stockpile.solver.iis", str(given), str(answer)]
        try:
            subprocess.run(
                [*command, repr(float(time_limit))],
                capture_output=True,
                timeout=float(time_limit) + STARTUP_SECONDS,
                check=True,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"no IIS within {time_limit:g} s") from exc
        except (subprocess.CalledProcessError, OSError) as exc:
            raise RuntimeError(f"the IIS process failed ({exc})") from exc
        if not answer.exists():
            raise RuntimeError(f"getIis found no IIS within {time_limit:g} s")
        with np.load(answer) as found:
            return Iis(
                rows=found["rows"].tolist(),
                cols=found["cols"].tolist(),
                col_bounds=found["col_bounds"].tolist(),
            )


def _child(given: Path, answer: Path, time_limit: float) -> None:
    """Ask HiGHS for an IIS of the LP; write it to ``answer`` (nothing if none)."""
    with np.load(given) as data:
        num_col, num_row, fmt = (int(v) for v in data["sizes"])
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = num_col, num_row
        lp.col_cost_ = data["col_cost"]
        lp.col_lower_, lp.col_upper_ = data["col_lower"], data["col_upper"]
        lp.row_lower_, lp.row_upper_ = data["row_lower"], data["row_upper"]
        lp.a_matrix_.format_ = highspy.MatrixFormat(fmt)
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = num_col, num_row
        lp.a_matrix_.start_ = data["start"]
        lp.a_matrix_.index_ = data["index"]
        lp.a_matrix_.value_ = data["value"]
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.passModel(lp)
    highs.setOptionValue("iis_strategy", int(highspy.IisStrategy.kIisStrategyIrreducible))
    highs.setOptionValue("iis_time_limit", time_limit)
    status, iis = highs.getIis()
    if status != highspy.HighsStatus.kOk or not iis.valid_ or not len(iis.row_index_):
        return
    np.savez(
        answer,
        rows=np.asarray(iis.row_index_, dtype=np.int64),
        cols=np.asarray(iis.col_index_, dtype=np.int64),
        col_bounds=np.asarray([int(b) for b in iis.col_bound_], dtype=np.int64),
    )


if __name__ == "__main__":
    from stockpile.processes import die_with_parent

    die_with_parent()  # a process that dies (a stopped pool worker) takes its IIS along
    _child(Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]))
