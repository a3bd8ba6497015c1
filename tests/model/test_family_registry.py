"""The family registry: every family of MODEL.md is one object that says everything the
rest of the program needs (unit, dual sign and sentence, workbook mapping, diagnosis
role) and has its own hand-solved test file.

The expected family names and numbers are copied from MODEL.md "Constraints", not
from the code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stockpile.data.bundle import BUNDLED
from stockpile.data.params import build_params
from stockpile.data.reader import read_workbook
from stockpile.data.schema import SHEETS_BY_NAME
from stockpile.model import formulate
from stockpile.model.families import BY_NAME, FAMILIES, MODEL_ORDER
from stockpile.model.family import LETTER_WORDS

FAMILIES_DIR = Path(__file__).parent / "families"

#: MODEL.md "Constraints (one family each)", in its numbering.
MODEL_MD = (
    "output_split",
    "source_capacity",
    "stock_balance",
    "site_capacity",
    "stock_target",
    "budget",
    "sourcing_rule",
    "site_dispersion",
    "disruption_cover",
    "coverage_floor",
)


@pytest.fixture(scope="module")
def default_lp():
    """The bundled workbook read as a planner's file (records carry their Excel rows);
    every family has rows in it."""
    inputs, _ = read_workbook(BUNDLED)
    return formulate(build_params(inputs))


def test_the_registry_is_model_md():
    assert tuple(f.name for f in MODEL_ORDER) == MODEL_MD
    assert [f.number for f in MODEL_ORDER] == list(range(1, len(MODEL_MD) + 1))
    assert sorted(BY_NAME) == sorted(MODEL_MD)
    assert len(FAMILIES) == len(MODEL_MD)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_every_family_says_what_the_program_needs(family):
    assert family.unit.strip()
    assert family.dual_sign in ("<= 0", ">= 0", "free")
    assert family.dual_mood in ("does", "would")
    assert family.index and set(family.index) <= set(LETTER_WORDS)
    assert family.index_doc.strip()
    assert family.relax_hint.strip()
    # a balance never carries a planner's limit, so the elastic diagnosis keeps it exact
    assert not (family.structural and family.relaxable)
    doc = family.rows.__doc__ or ""
    assert doc.startswith(f"{family.name}["), "the rows function's docstring states the relation"
    assert re.search(r"\[[^\]]+\]\.?$", doc.splitlines()[0]), "the relation carries its unit"
    assert "Dual" in doc, "the docstring says what the dual means"


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_every_family_has_its_own_test_file(family):
    assert (FAMILIES_DIR / f"test_{family.name}.py").is_file()


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_every_row_maps_back_to_workbook_rows(family, default_lp):
    p = default_lp.params
    rows = default_lp.families[family.name]
    assert rows, f"the default dataset has no {family.name} row"
    for index, row in rows.items():
        explained = family.explain(p, index, row)
        assert explained.text.startswith(family.label(index) + ": ")
        for sheet, excel_row, what in explained.refs:
            assert sheet in SHEETS_BY_NAME
            assert isinstance(excel_row, int) and excel_row >= 2, (sheet, excel_row)
            assert what
        if not family.structural:
            assert explained.refs, f"{family.label(index)} names no workbook row"


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
@pytest.mark.parametrize("dual", [-12.5, 812.0])
def test_every_family_has_a_dual_sentence(family, dual, default_lp):
    p = default_lp.params
    index = next(iter(default_lp.families[family.name]))
    sentence = family.sentence(p, index, dual, "812 USD")
    assert sentence.endswith(" 812 USD.")
    verb = ("save" if dual < 0 else "cost") if family.dual_mood == "would" else None
    if verb:
        assert f" would {verb} 812 USD." in sentence
    else:
        assert sentence.endswith(f" {'saves' if dual < 0 else 'costs'} 812 USD.")
    for value in index:
        assert str(value) in sentence
    assert family.unit_of(p, index).strip()
