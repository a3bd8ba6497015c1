"""The bundled default workbook: generated from ``default_dataset``, never edited by hand.

Regenerate it after changing the dataset with ``python -m stockpile.data.bundle``; a
test checks that the bundled file holds exactly what a fresh generation holds.
"""

from __future__ import annotations

from pathlib import Path

#: The bundled default dataset (package data): what ``stockpile example`` writes and
#: what ``solve`` and ``compare`` read when no input is given.
BUNDLED = Path(__file__).with_name("default.xlsx")
#: How the bundled workbook is named in the provenance of a run.
BUNDLED_LABEL = f"{BUNDLED.name} (bundled default dataset)"


def write_default_workbook(path: Path = BUNDLED, *, force: bool = True) -> Path:
    """Write the default dataset, with its References sheet, to ``path``."""
    from stockpile.data.default_dataset import REFERENCES, default_inputs
    from stockpile.data.template import write_workbook

    write_workbook(path, default_inputs(), references=REFERENCES, force=force)
    return path


if __name__ == "__main__":  # pragma: no cover
    print(write_default_workbook())
