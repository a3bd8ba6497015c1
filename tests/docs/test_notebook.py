"""The example notebook runs as written (executed with nbclient, as CI runs it)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "docs" / "examples" / "stock-and-sweep.ipynb"


def test_the_example_notebook_runs_and_plots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs in the repository's root (the notebook writes no file), so that a relative
    PYTHONPATH of a source checkout still finds the package."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # the kernel's own (inline) backend draws the figures into the outputs; Agg would not
    monkeypatch.delenv("MPLBACKEND", raising=False)
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute()
    outputs = [o for cell in nb.cells for o in cell.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2  # stock against target; cost of security against the budget
    sweep = next(
        o["data"]["text/plain"]
        for o in outputs
        if "budget scale" in o.get("data", {}).get("text/plain", "")
    )
    assert sweep.count("optimal") == 5


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])
