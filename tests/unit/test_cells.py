"""The did-you-mean shared by the workbook reader, validation and the scenarios."""

from __future__ import annotations

import pytest

from stockpile.data.cells import near


@pytest.mark.parametrize(
    ("name", "candidates", "meant"),
    [
        ("materials", ["Sources", "Materials"], "Materials"),
        (" Materials ", ["Materials"], "Materials"),  # surrounding spaces, as typed in a cell
        ("Materials", [" materials"], " materials"),
        ("Materials", ["Materials"], None),  # the name itself is no suggestion
        ("Material", ["Materials"], None),  # only case and spaces, not spelling
        ("", ["", " "], None),  # a blank name suggests nothing
        ("  ", ["", " "], None),
    ],
)
def test_near_ignores_case_and_surrounding_spaces(
    name: str, candidates: list[str], meant: str | None
) -> None:
    assert near(name, candidates) == meant


def test_near_can_keep_spaces_significant() -> None:
    """validate.py compares values built in code, where spaces are part of the id."""
    assert near("s1", ["S1"], ignore_spaces=False) == "S1"
    assert near(" S1", ["S1"], ignore_spaces=False) is None
    assert near("S1", ["s1 "], ignore_spaces=False) is None
    assert near(" S1", ["S1"]) == "S1"
