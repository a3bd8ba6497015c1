"""The docs' "What the default run says" (docs/guide/default-run.md) matches a fresh run
of the bundled dataset.

Set STOCKPILE_UPDATE=1 to rewrite that section from a fresh run instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from stockpile.data.bundle import BUNDLED
from stockpile.pipeline import load, solve_inputs
from stockpile.reports.digest import digest_markdown
from stockpile.solver.highs import SolveOptions

README = Path(__file__).resolve().parents[2] / "docs" / "guide" / "default-run.md"
BLOCK = re.compile(r"(<!-- default-run:start -->\n)(.*?)(<!-- default-run:end -->)", re.S)


def test_readme_default_run_section_matches_a_fresh_run():
    inputs, _ = load(BUNDLED)
    params, result = solve_inputs(inputs, SolveOptions())
    assert result.status == "optimal"
    fresh = digest_markdown(params, result)
    text = README.read_text(encoding="utf-8")
    match = BLOCK.search(text)
    assert match, "docs/guide/default-run.md lacks the <!-- default-run:start/end --> markers"
    if os.environ.get("STOCKPILE_UPDATE") == "1":
        README.write_text(BLOCK.sub(lambda m: m[1] + fresh + m[3], text), encoding="utf-8")
        return
    assert match[2] == fresh, f"{README} is stale: STOCKPILE_UPDATE=1 pytest {__file__}"
