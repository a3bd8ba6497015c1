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
from stockpile.model.family import LETTER_WORDS, PLAN

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
    "expansion_limit",
    "risk",
)


@pytest.fixture(scope="module")
def default_lp():
    """The bundled workbook read as a planner's file (records carry their Excel rows),
    with risk_weight 0.5 and one source allowed to add capacity (the bundled dataset has
    neither), so that every family has rows in it."""
    inputs, _ = read_workbook(BUNDLED)
    sources = tuple(
        s.model_copy(update={"max_expansion_units": 500.0, "expansion_cost_usd_per_unit": 9.0})
        if s.source == "us_idaho_cobalt"
        else s
        for s in inputs.sources
    )
    inputs = inputs.model_copy(
        update={
            "settings": inputs.settings.model_copy(update={"risk_weight": 0.5}),
            "sources": sources,
        }
    )
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
    # within one future a row has an index, unless the family is keyed by future (risk[f])
    assert family.index or family.keyed_by_future
    assert set(family.index) <= set(LETTER_WORDS)
    assert family.futures in ("all", "disruptions")
    assert family.index_doc.strip()
    assert family.relax_hint.strip()
    # a balance never carries a planner's limit, so the elastic diagnosis keeps it exact
    assert not (family.structural and family.relaxable)
    doc = family.rows.__doc__ or ""
    assert doc.startswith(f"{family.name}["), "the rows function's docstring states the relation"
    # "stock_target[m,t]: sum_l Stock[m,l,t] >= target[m,t] [t]."; the unit stands apart
    # from the index brackets
    assert re.search(r"\s\[[^\]]+\]", doc.splitlines()[0]), "the relation carries its unit"
    assert "Dual" in doc, "the docstring says what the dual means"


def test_dual_signs_are_model_md():
    """MODEL.md: a binding <= limit has a dual <= 0, a binding >= limit a dual >= 0, the
    disruption_cover equality usually >= 0; balances (equalities) are free."""
    assert {f.name: f.dual_sign for f in FAMILIES} == {
        "output_split": "free",
        "source_capacity": "<= 0",
        "stock_balance": "free",
        "site_capacity": "<= 0",
        "stock_target": ">= 0",
        "budget": "<= 0",
        "sourcing_rule": "free",  # max_share <= 0, min_share >= 0
        "site_dispersion": "<= 0",
        "disruption_cover": ">= 0",
        "coverage_floor": "<= 0",
        "expansion_limit": "<= 0",
        "risk": ">= 0",
    }


def test_which_futures_have_rows():
    """Families 1-8 and 11 hold in the plan and in every future; disruption_cover and
    coverage_floor only in a disruption's future; risk[f] for every future f."""
    only_disruptions = {f.name for f in FAMILIES if f.futures == "disruptions"}
    assert only_disruptions == {"disruption_cover", "coverage_floor"}
    assert {f.name for f in FAMILIES if f.keyed_by_future} == {"risk"}


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_every_family_has_its_own_test_file(family):
    assert (FAMILIES_DIR / f"test_{family.name}.py").is_file()


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_every_row_splits_into_its_future_and_index(family, default_lp):
    """Family.split(key) -> (future, index within it): the plan's rows are keyed by
    their index, a future's by (d, *index); risk rows are keyed (f,) for every future."""
    futures = {f.name for f in default_lp.futures}
    rows = default_lp.families[family.name]
    assert rows, f"the variant of the default dataset has no {family.name} row"
    seen = set()
    for key in rows:
        future, index = family.split(key)
        assert future in futures, key
        assert len(index) == len(family.index), key
        front = ("f",) if family.keyed_by_future else () if future == PLAN else ("d",)
        assert family.letters(key) == front + family.index
        if future != PLAN and not family.keyed_by_future:
            assert key == (future, *index)
        seen.add(future)
    if family.keyed_by_future:
        assert set(rows) == {(f,) for f in futures}
    elif family.futures == "all":
        assert PLAN in seen and len(seen) > 1, seen
    else:
        assert PLAN not in seen


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_every_row_maps_back_to_workbook_rows(family, default_lp):
    p = default_lp.params
    rows = default_lp.families[family.name]
    assert rows, f"the variant of the default dataset has no {family.name} row"
    for key, row in rows.items():
        label = family.label(key)
        assert label == f"{family.name}[{', '.join(map(str, key))}]"
        explained = family.explain_row(p, key, row)
        # the requirement alone: the caller puts the label in front
        assert explained.text.strip()
        assert not explained.text.startswith(family.name), explained.text
        for sheet, excel_row, what in explained.refs:
            assert sheet in SHEETS_BY_NAME
            assert isinstance(excel_row, int) and excel_row >= 2, (sheet, excel_row)
            assert what
        if not family.structural:
            assert explained.refs, f"{label} names no workbook row"


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
@pytest.mark.parametrize("dual", [-12.5, 812.0])
def test_every_family_has_a_dual_sentence(family, dual, default_lp):
    """Every row, the plan's and a future's, has a sentence naming its index; a future's
    row says which disruption it assumes."""
    p = default_lp.params
    rows = default_lp.families[family.name]
    keys = [next(iter(rows))]
    keys += [k for k in rows if family.split(k)[0] != PLAN][:1]
    for key in keys:
        sentence = family.sentence(p, key, dual, "812 USD")
        assert sentence.endswith(" 812 USD.")
        if family.dual_mood == "would":
            assert f" would {'save' if dual < 0 else 'cost'} 812 USD." in sentence
        else:
            assert sentence.endswith(f" {'saves' if dual < 0 else 'costs'} 812 USD.")
        future, index = family.split(key)
        for value in index:
            assert str(value) in sentence
        if future == PLAN:
            assert "plan" in sentence or not family.keyed_by_future
        else:
            assert future in sentence
        assert family.unit_of(p, key).strip()
