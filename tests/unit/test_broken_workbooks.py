"""A corpus of broken workbooks, each built in code from the small valid case with one
thing broken, and the exact problem the reader must report for it.

Each single-fault case asserts that exactly one error comes back, at the exact
sheet, row and column, with a message that pins the wording: a second error would
be a cascade (one mistake reported twice), a missing one a hole in validation.
"""

from __future__ import annotations

import datetime
import sys
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stockpile.data.cells import NO_CACHE_MESSAGE
from stockpile.data.problems import InputError, Problem
from stockpile.data.reader import read_workbook
from stockpile.data.safety import OLE_MAGIC, open_workbook
from stockpile.data.schema import SAFETY_LIMITS
from workbooks import (
    Tables,
    cell,
    edit_part,
    set_cached_result,
    sheet_part,
    small_valid,
    write_valid,
    write_workbook,
)

Change = Callable[[dict, Tables], None]


def build(path: Path, change: Change | None = None) -> Path:
    """The small valid case with ``change`` applied, written by the fast zip writer
    (the reader tests show both writers read back the same)."""
    return write_valid(path, change, writer="zip")


# --- building blocks for changes ------------------------------------------------------


def put(sheet: str, index: int, **fields: Any) -> Change:
    """Set fields of row ``index`` of ``sheet`` (None blanks the cell)."""

    def change(settings: dict, tables: Tables) -> None:
        row = tables[sheet][index]
        assert row is not None
        row.update(fields)

    return change


def add(sheet: str, **fields: Any) -> Change:
    def change(settings: dict, tables: Tables) -> None:
        tables[sheet].append(dict(fields))

    return change


def drop_row(sheet: str, index: int) -> Change:
    def change(settings: dict, tables: Tables) -> None:
        del tables[sheet][index]

    return change


def drop_sheet(sheet: str) -> Change:
    def change(settings: dict, tables: Tables) -> None:
        del tables[sheet]

    return change


def drop_column(sheet: str, column: str) -> Change:
    def change(settings: dict, tables: Tables) -> None:
        for row in tables[sheet]:
            if row is not None:
                row.pop(column, None)

    return change


def rename_column(sheet: str, old: str, new: str) -> Change:
    def change(settings: dict, tables: Tables) -> None:
        tables[sheet] = [
            None if row is None else {new if k == old else k: v for k, v in row.items()}
            for row in tables[sheet]
        ]

    return change


def rename_sheet(old: str, new: str) -> Change:
    def change(settings: dict, tables: Tables) -> None:
        tables[new] = tables.pop(old)

    return change


def setting(name: str, value: Any) -> Change:
    def change(settings: dict, tables: Tables) -> None:
        if value is None:
            del settings[name]
        else:
            settings[name] = value

    return change


def both(*changes: Change) -> Change:
    def change(settings: dict, tables: Tables) -> None:
        for c in changes:
            c(settings, tables)

    return change


# --- the corpus -----------------------------------------------------------------------

H = "is outside the planning horizon 2026-2028"
#: D1 (row 2) at 0.7 and a second disruption "war" (row 3) at 0.5.
OVER_1 = both(
    put("Disruptions", 0, probability=0.7),
    add("Disruptions", disruption="war", probability=0.5, start_year=2027, duration_years=1),
)
OVER_1_MESSAGE = (
    "probabilities sum to 1.2 (> 1): D1 0.7, war 0.5 — the disruptions are alternative "
    "futures, at most one happens"
)


def rename_disruption(new: str) -> Change:
    """Rename D1 everywhere (Disruptions and the DisruptionImpacts that refer to it)."""

    def change(settings: dict, tables: Tables) -> None:
        for row in tables["Disruptions"] + tables["DisruptionImpacts"]:
            if row is not None and row["disruption"] == "D1":
                row["disruption"] = new

    return change


CASES = [
    # Sheets, columns and headers.
    ("missing_sheet", drop_sheet("Countries"), "Countries", None, None,
     "required sheet is missing"),
    ("sheet_name_case", rename_sheet("Sites", "sites"), "Sites", None, None,
     "required sheet is missing"),
    ("missing_column", drop_column("Sites", "capacity_m3"), "Sites", 1, "capacity_m3",
     "required column 'capacity_m3' is missing from the header"),
    ("header_case", rename_column("Materials", "material", "Material"), "Materials", 1,
     "material", "required column 'material' is missing from the header"),
    # Cell types.
    ("text_in_number", put("Sources", 0, cost_usd_per_unit="12"), "Sources", 2,
     "cost_usd_per_unit", "expected a number >= 0, found text"),
    ("words_in_number", put("Sites", 1, capacity_m3="500 m3"), "Sites", 3, "capacity_m3",
     "expected a number >= 0, found text"),
    ("bool_in_number", put("Materials", 1, volume_m3_per_t=True), "Materials", 3,
     "volume_m3_per_t", "expected a number >= 0, found TRUE/FALSE"),
    ("date_in_year", put("Targets", 0, year=datetime.datetime(2028, 1, 1)), "Targets", 2,
     "year", "expected a whole year such as 2030, found a date"),
    ("fractional_year", put("Budget", 0, year=2026.5), "Budget", 2, "year",
     "expected a whole year such as 2030, found 2026.5"),
    ("fractional_duration", put("Disruptions", 0, duration_years=1.5), "Disruptions", 2,
     "duration_years", "expected a whole number >= 1, found 1.5"),
    ("fractional_lead_time", put("Sources", 1, expansion_lead_years=1.5), "Sources", 3,
     "expansion_lead_years", "expected a whole number >= 0, found 1.5"),
    ("fractional_recovery", setting("recovery_years", 1.5), "Settings", 5, "value",
     "expected a whole number >= 0, found 1.5"),
    ("bool_as_id", put("Countries", 2, country=False), "Countries", 4, "country",
     "expected a country id, found TRUE/FALSE"),  # and no "unknown CN" in Sources, SupplyMix
    ("blank_id", put("Sources", 1, source=None), "Sources", 3, "source",
     "required value is blank"),  # and no "unknown S2" in SourceOutputs, Routes
    ("blank_required", put("Sources", 2, type=None), "Sources", 4, "type",
     "required value is blank"),
    ("blank_required_ref", put("Routes", 1, site="  "), "Routes", 3, "site",
     "required value is blank"),
    ("formula_no_cache", put("Sources", 0, capacity_units_per_yr="=50*2"), "Sources", 2,
     "capacity_units_per_yr", NO_CACHE_MESSAGE),
    # Keys.
    ("duplicate_id", add("Materials", material="Ni"), "Materials", 4, "material",
     "duplicate material 'Ni' (first in row 2)"),
    ("duplicate_rule", add("Rules", rule="R1", material="Ni", group_type="bloc",
                           group="allied", limit="min_share", share=0.1),
     "Rules", 4, "rule", "duplicate rule 'R1' (first in row 2)"),
    ("duplicate_route", add("Routes", source="S1", site="L1"), "Routes", 6, "source",
     "duplicate source + site (S1, L1) (first in row 2)"),
    ("duplicate_budget_year", add("Budget", year=2026, budget_usd=1), "Budget", 3, "year",
     "duplicate year 2026 (first in row 2)"),
    ("star_as_id", add("Materials", material="*"), "Materials", 4, "material",
     '"*" cannot be an id'),
    # Dangling references, every kind.
    ("ref_sources_country", put("Sources", 2, country="XX"), "Sources", 4, "country",
     "Countries has no country 'XX'"),
    ("ref_outputs_source", add("SourceOutputs", source="S9", material="Ni",
                               yield_t_per_unit=1), "SourceOutputs", 6, "source",
     "Sources has no source 'S9'"),
    ("ref_outputs_material", add("SourceOutputs", source="S1", material="Fe",
                                 yield_t_per_unit=1), "SourceOutputs", 6, "material",
     "Materials has no material 'Fe'"),
    ("ref_capacity_source", put("SourceCapacity", 0, source="S9"), "SourceCapacity", 2,
     "source", "Sources has no source 'S9'"),
    ("ref_routes_source", add("Routes", source="S9", site="L1"), "Routes", 6, "source",
     "Sources has no source 'S9'"),
    ("ref_routes_site", add("Routes", source="S1", site="L9"), "Routes", 6, "site",
     "Sites has no site 'L9'"),
    ("ref_routes_site_case", add("Routes", source="S1", site="l2"), "Routes", 6, "site",
     "Sites has no site 'l2'"),
    ("ref_stock_material", put("InitialStock", 0, material="Fe"), "InitialStock", 2,
     "material", "Materials has no material 'Fe'"),
    ("ref_stock_site", put("InitialStock", 0, site="L9"), "InitialStock", 2, "site",
     "Sites has no site 'L9'"),
    ("ref_targets_material", put("Targets", 1, material="Fe"), "Targets", 3, "material",
     "Materials has no material 'Fe'"),
    ("ref_rules_material", put("Rules", 1, material="Fe"), "Rules", 3, "material",
     "Materials has no material 'Fe'"),
    ("ref_rules_group_country", put("Rules", 0, group_type="country", group="XX"), "Rules",
     2, "group", "Countries has no country 'XX'"),
    ("ref_rules_group_bloc", put("Rules", 0, group="nato"), "Rules", 2, "group",
     "unknown bloc 'nato'; allowed: domestic, allied, partner, adversary, other"),
    ("ref_rules_group_source_type", put("Rules", 0, group_type="source_type",
                                        group="asteroid"), "Rules", 2, "group",
     "unknown source_type 'asteroid'; allowed: seabed, allied_mine, domestic_mine, "
     "recycling, market"),
    ("ref_rules_group_source", put("Rules", 0, group_type="source", group="S9"), "Rules", 2,
     "group", "Sources has no source 'S9'"),
    ("ref_rules_group_site", put("Rules", 1, group="L9"), "Rules", 3, "group",
     "Sites has no site 'L9'"),
    ("star_group_not_site", put("Rules", 0, group_type="country", group="*"), "Rules", 2,
     "group", '"*" is only allowed as group with group_type site'),
    ("ref_demand_material", put("Demand", 1, material="Fe"), "Demand", 3, "material",
     "Materials has no material 'Fe'"),
    ("ref_mix_material", add("SupplyMix", material="Fe", country="US", share=1),
     "SupplyMix", 6, "material", "Materials has no material 'Fe'"),
    ("ref_mix_country", put("SupplyMix", 1, country="XX"), "SupplyMix", 3, "country",
     "Countries has no country 'XX'"),
    ("star_not_allowed", put("SupplyMix", 1, country="*"), "SupplyMix", 3, "country",
     '"*" (every) is not allowed in country'),
    ("ref_impacts_disruption", put("DisruptionImpacts", 1, disruption="D9"),
     "DisruptionImpacts", 3, "disruption", "Disruptions has no disruption 'D9'"),
    ("ref_impacts_material", put("DisruptionImpacts", 1, material="Fe"),
     "DisruptionImpacts", 3, "material", "Materials has no material 'Fe'"),
    ("ref_impacts_group", put("DisruptionImpacts", 1, group="XX"), "DisruptionImpacts", 3,
     "group", "Countries has no country 'XX'"),
    ("ref_impacts_group_site", put("DisruptionImpacts", 0, group_type="site", group="L9"),
     "DisruptionImpacts", 2, "group", "Sites has no site 'L9'"),
    # Years outside the horizon, every sheet that has one.
    ("year_capacity", put("SourceCapacity", 0, year=2030), "SourceCapacity", 2, "year",
     f"year 2030 {H}"),
    ("year_targets", put("Targets", 0, year=2025), "Targets", 2, "year", f"year 2025 {H}"),
    ("year_budget", put("Budget", 0, year=2029), "Budget", 2, "year", f"year 2029 {H}"),
    ("year_demand", put("Demand", 0, year=2030), "Demand", 2, "year", f"year 2030 {H}"),
    ("year_disruption", put("Disruptions", 0, start_year=2031), "Disruptions", 2,
     "start_year", f"start_year 2031 {H}"),
    # Ranges.
    ("negative_capacity", put("Sources", 1, capacity_units_per_yr=-5), "Sources", 3,
     "capacity_units_per_yr", "capacity_units_per_yr must be >= 0"),
    ("negative_site_capacity", put("Sites", 1, capacity_m3=-1), "Sites", 3, "capacity_m3",
     "capacity_m3 must be >= 0"),
    ("negative_cost", put("Routes", 0, cost_usd_per_t=-50), "Routes", 2, "cost_usd_per_t",
     "cost_usd_per_t must be >= 0"),
    ("share_above_1", put("Rules", 0, share=1.5), "Rules", 2, "share",
     "share must be in [0, 1]"),
    ("share_as_percent", put("Rules", 0, share=20), "Rules", 2, "share",
     "share must be in [0, 1]"),
    ("availability_below_0", put("DisruptionImpacts", 0, availability=-0.1),
     "DisruptionImpacts", 2, "availability", "availability must be in [0, 1]"),
    ("probability_above_1", put("Disruptions", 0, probability=2), "Disruptions", 2,
     "probability", "probability must be in [0, 1]"),
    ("coverage_above_1", put("Materials", 0, min_coverage=1.01), "Materials", 2,
     "min_coverage", "min_coverage must be in [0, 1]"),
    ("yield_zero", put("SourceOutputs", 0, yield_t_per_unit=0), "SourceOutputs", 2,
     "yield_t_per_unit", "yield_t_per_unit must be > 0"),
    ("escalation_minus_1", put("Sources", 0, cost_escalation_per_yr=-1), "Sources", 2,
     "cost_escalation_per_yr", "cost_escalation_per_yr must be > -1"),
    ("duration_zero", put("Disruptions", 0, duration_years=0), "Disruptions", 2,
     "duration_years", "duration_years must be >= 1"),
    ("negative_discount_rate", setting("discount_rate", -0.01), "Settings", 4, "value",
     "discount_rate must be >= 0"),
    ("negative_price_multiplier", put("Disruptions", 0, price_multiplier=-0.5), "Disruptions",
     2, "price_multiplier", "price_multiplier must be >= 0"),
    ("negative_expansion_cost", put("Sources", 1, expansion_cost_usd_per_unit=-1), "Sources",
     3, "expansion_cost_usd_per_unit", "expansion_cost_usd_per_unit must be >= 0"),
    ("negative_max_expansion", put("Sources", 2, max_expansion_units=-10), "Sources", 4,
     "max_expansion_units", "max_expansion_units must be >= 0"),
    ("negative_lead_time", put("Sources", 0, expansion_lead_years=-1), "Sources", 2,
     "expansion_lead_years", "expansion_lead_years must be >= 0"),
    ("negative_recovery", setting("recovery_years", -1), "Settings", 5, "value",
     "recovery_years must be >= 0"),
    ("cvar_level_1", setting("cvar_level", 1), "Settings", 5, "value",
     "cvar_level must be >= 0 and < 1"),
    ("cvar_level_negative", setting("cvar_level", -0.1), "Settings", 5, "value",
     "cvar_level must be >= 0 and < 1"),
    ("risk_weight_above_1", setting("risk_weight", 1.5), "Settings", 5, "value",
     "risk_weight must be in [0, 1]"),
    ("risk_weight_negative", setting("risk_weight", -0.5), "Settings", 5, "value",
     "risk_weight must be in [0, 1]"),
    # Allowed values.
    ("unknown_bloc", put("Countries", 1, bloc="nato"), "Countries", 3, "bloc",
     "unknown bloc 'nato'; allowed: domestic, allied, partner, adversary, other"),
    ("unknown_type", put("Sources", 0, type="asteroid"), "Sources", 2, "type",
     "unknown type 'asteroid'; allowed: seabed, allied_mine, domestic_mine, recycling, "
     "market"),
    ("unknown_group_type", put("Rules", 0, group_type="region"), "Rules", 2, "group_type",
     "unknown group_type 'region'; allowed: country, bloc, source_type, source, site"),
    ("unknown_limit", put("Rules", 0, limit="at_most"), "Rules", 2, "limit",
     "unknown limit 'at_most'; allowed: max_share, min_share"),
    ("enum_case", put("Countries", 0, bloc="Domestic"), "Countries", 2, "bloc",
     "unknown bloc 'Domestic'"),
    # Cross-sheet rules.
    ("supply_mix_sum", put("SupplyMix", 1, share=0.3), "SupplyMix", 2, "share",
     "the shares of material 'Ni' sum to 0.9, not 1 (rows 2, 3)"),
    ("site_rule_min_share", put("Rules", 1, limit="min_share"), "Rules", 3, "limit",
     "a site rule can only be max_share"),
    ("source_without_outputs", drop_row("SourceOutputs", 3), "Sources", 4, "source",
     "source 'S3' has no SourceOutputs row, so buying from it yields nothing"),
    ("demand_without_mix", both(drop_row("SupplyMix", 3), drop_row("SupplyMix", 2)),
     "Demand", 3, "material", "material 'Co' has positive demand but no SupplyMix rows"),
    ("end_before_start", setting("end_year", 2025), "Settings", 3, "value",
     "end_year 2025 is before start_year 2026"),
    ("target_no_open_site",
     both(put("Sites", 0, first_year=2027), drop_sheet("InitialStock"),
          add("Targets", material="Ni", year=2026, min_stock_t=5)),
     "Targets", 4, "year",
     "no site is open in 2026, so no stock can be held for this target"),
    ("stock_at_later_site", put("InitialStock", 0, site="L2"), "InitialStock", 2, "site",
     "site 'L2' opens in 2027, after start_year 2026, so it cannot hold initial stock"),
    ("capacity_before_first_year", put("SourceCapacity", 0, source="S2", year=2026),
     "SourceCapacity", 2, "year", "year 2026 is before first_year 2027 of source 'S2'"),
    ("probabilities_over_1", OVER_1, "Disruptions", 3, "probability", OVER_1_MESSAGE),
    ("disruption_named_base", rename_disruption("base"), "Disruptions", 2, "disruption",
     "'base' cannot be a disruption id: 'base' is reserved for the future in which no "
     "disruption happens"),
    ("disruption_named_Base", rename_disruption("Base"), "Disruptions", 2, "disruption",
     "'Base' cannot be a disruption id: 'base' is reserved"),
    # Settings.
    ("missing_setting", setting("start_year", None), "Settings", None, "setting",
     "required setting 'start_year' is missing"),
    ("text_setting", setting("start_year", "2026"), "Settings", 2, "value",
     "expected a whole year such as 2030, found text"),
]  # fmt: skip


def _errors(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    return [p for p in caught.value.problems if p.severity == "error"]


def _one_error(path: Path) -> Problem:
    errors = _errors(path)
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


def _assert_problem(
    p: Problem, sheet: str | None, row: int | None, column: str | None, message: str
) -> None:
    assert (p.sheet, p.row, p.column) == (sheet, row, column), str(p)
    assert message in p.message, str(p)
    assert p.fix, str(p)


@pytest.mark.parametrize(
    ("change", "sheet", "row", "column", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_broken_workbook(
    tmp_path: Path, change: Change, sheet: str, row: int | None, column: str, message: str
) -> None:
    p = _one_error(build(tmp_path / "broken.xlsx", change))
    _assert_problem(p, sheet, row, column, message)


def test_the_corpus_is_large_and_every_case_starts_from_a_valid_workbook(tmp_path: Path) -> None:
    assert len(CASES) >= 35
    assert len({c[0] for c in CASES}) == len(CASES)
    read_workbook(build(tmp_path / "valid.xlsx"))  # no InputError


# --- values worth pinning beyond the message ------------------------------------------


def test_values_and_fixes_name_what_to_do(tmp_path: Path) -> None:
    p = _one_error(build(tmp_path / "a.xlsx", put("Rules", 0, share=20)))
    assert p.value == 20
    assert "write 20 % as 0.2" in p.fix

    p = _one_error(build(tmp_path / "b.xlsx", put("Sources", 0, cost_usd_per_unit="12")))
    assert p.value == "12"
    assert "stored as text" in p.fix

    p = _one_error(build(tmp_path / "c.xlsx", add("Routes", source="S1", site="l2")))
    assert p.fix == "Did you mean 'L2'? Ids are case-sensitive."

    p = _one_error(build(tmp_path / "d.xlsx", rename_column("Materials", "material", "Material")))
    assert p.fix == "Rename header 'Material' to 'material' (headers are case-sensitive)."

    p = _one_error(build(tmp_path / "e.xlsx", rename_sheet("Sites", "sites")))
    assert p.fix == "Rename sheet 'sites' to 'Sites' (sheet names are case-sensitive)."

    p = _one_error(build(tmp_path / "f.xlsx", put("Sources", 0, capacity_units_per_yr="=50*2")))
    assert p.value == "=50*2"

    p = _one_error(build(tmp_path / "g.xlsx", put("SupplyMix", 1, share=0.3)))
    assert p.value == pytest.approx(0.9)

    p = _one_error(build(tmp_path / "h.xlsx", setting("cvar_level", 90)))
    assert "write 90 % as 0.9" in p.fix


# --- the futures: probabilities and names -----------------------------------------------


def test_probabilities_over_1_are_one_problem_naming_every_disruption(tmp_path: Path) -> None:
    p = _one_error(build(tmp_path / "over.xlsx", OVER_1))
    assert p.message == OVER_1_MESSAGE
    assert p.value == pytest.approx(1.2)
    assert p.fix == (
        "Lower the probabilities so that they sum to at most 1; 1 minus their sum is the "
        "probability that no disruption happens."
    )


def test_the_sum_points_at_the_row_where_it_passes_1(tmp_path: Path) -> None:
    change = both(
        add("Disruptions", disruption="flood", probability=0.2, start_year=2027, duration_years=1),
        add("Disruptions", disruption="war", probability=0.75, start_year=2027, duration_years=1),
        add("Disruptions", disruption="ban", probability=0.1, start_year=2027, duration_years=1),
    )  # D1 0.1 in row 2; 0.3, then 1.05 in row 4
    p = _one_error(build(tmp_path / "over.xlsx", change))
    assert (p.sheet, p.row, p.column) == ("Disruptions", 4, "probability")
    assert p.message.startswith(
        "probabilities sum to 1.15 (> 1): D1 0.1, flood 0.2, war 0.75, ban 0.1 —"
    )


def test_ids_that_read_as_numbers_are_quoted_in_the_sum(tmp_path: Path) -> None:
    change = both(
        OVER_1, rename_disruption("1"), put("Disruptions", 1, disruption="cn ban, then war")
    )
    p = _one_error(build(tmp_path / "ids.xlsx", change))
    assert "(> 1): '1' 0.7, 'cn ban, then war' 0.5 —" in p.message


@pytest.mark.parametrize(
    "probabilities",
    [(0.1, 0.2, 0.7), (0.6, 0.3, 0.1), (1 / 3, 1 / 3, 1 / 3), (1.0, 0.0, 0.0), (0.0, 0.0, 0.0)],
)
def test_probabilities_summing_to_1_or_less_are_fine(
    tmp_path: Path, probabilities: tuple[float, ...]
) -> None:
    def change(settings: dict, tables: Tables) -> None:
        first = tables["Disruptions"][0]
        assert first is not None
        tables["Disruptions"] = [
            {**first, "disruption": f"D{i}", "probability": p}
            for i, p in enumerate(probabilities, start=1)
        ]

    read_workbook(build(tmp_path / "ok.xlsx", change))  # no InputError


def test_just_over_1_is_refused(tmp_path: Path) -> None:
    change = both(
        OVER_1, put("Disruptions", 0, probability=0.5), put("Disruptions", 1, probability=0.500001)
    )
    p = _one_error(build(tmp_path / "over.xlsx", change))
    assert "probabilities sum to 1.000001 (> 1): D1 0.5, war 0.500001 —" in p.message


def test_a_bad_probability_is_not_also_summed(tmp_path: Path) -> None:
    """A probability out of range (or unreadable) is reported at its cell; the sum is
    not judged on it."""
    for i, value in enumerate((1.5, "70%")):
        change = both(OVER_1, put("Disruptions", 1, probability=value))
        p = _one_error(build(tmp_path / f"bad{i}.xlsx", change))
        assert (p.sheet, p.row, p.column) == ("Disruptions", 3, "probability")


def test_formula_with_saved_error_result(tmp_path: Path) -> None:
    settings, tables = small_valid()
    tables["Sites"][0]["capacity_m3"] = "=1/0"
    path = write_workbook(tmp_path / "err.xlsx", tables, settings, writer="zip")
    set_cached_result(path, "Sites", cell(tables, "Sites", 0, "capacity_m3"), "#DIV/0!", kind="e")
    p = _one_error(path)
    _assert_problem(p, "Sites", 2, "capacity_m3", "cell shows the Excel error #DIV/0!")


def test_formula_written_by_openpyxl_has_no_saved_result(tmp_path: Path) -> None:
    change = put("Sources", 0, capacity_units_per_yr="=50*2")
    p = _one_error(write_valid(tmp_path / "f.xlsx", change, writer="openpyxl"))
    _assert_problem(p, "Sources", 2, "capacity_units_per_yr", NO_CACHE_MESSAGE)
    assert p.value == "=50*2"


def test_duplicate_setting(tmp_path: Path) -> None:
    _, tables = small_valid()
    tables["Settings"] = [
        {"setting": "start_year", "value": 2026},
        {"setting": "end_year", "value": 2028},
        {"setting": "end_year", "value": 2030},
    ]
    p = _one_error(write_workbook(tmp_path / "dup.xlsx", tables, None, writer="zip"))
    _assert_problem(
        p, "Settings", 4, "setting", "setting 'end_year' is given twice (first in row 3)"
    )


def test_duplicate_header_column(tmp_path: Path) -> None:
    path = build(tmp_path / "hdr.xlsx")
    edit_part(
        path,
        sheet_part(path, "Countries"),
        lambda xml: xml.replace(">bloc</t>", ">country</t>"),
    )
    errors = _errors(path)
    _assert_problem(
        errors[0], "Countries", 1, "country", "column 'country' appears twice in the header"
    )
    _assert_problem(
        errors[1], "Countries", 1, "bloc", "required column 'bloc' is missing from the header"
    )
    assert len(errors) == 2


def test_header_not_in_row_1(tmp_path: Path) -> None:
    path = build(tmp_path / "hdr.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Budget"].insert_rows(1)
    wb.save(path)
    p = _one_error(path)
    _assert_problem(p, "Budget", 1, None, "row 1 is blank, but the column headers must be in row 1")


def test_required_sheet_empty(tmp_path: Path) -> None:
    p = _one_error(build(tmp_path / "empty.xlsx", lambda s, t: t.update(Countries=[])))
    _assert_problem(p, "Countries", None, None, "the sheet is empty")


# --- many problems in one run ---------------------------------------------------------


def test_all_problems_are_reported_together_in_workbook_order(tmp_path: Path) -> None:
    change = both(
        setting("discount_rate", "3%"),
        put("Sources", 2, country="XX"),
        put("Sites", 1, capacity_m3="lots"),
        put("Rules", 0, share=1.5),
        put("SupplyMix", 3, share=0.2),
        put("Demand", 0, year=2035),
        put("Countries", 0, comment="extra column"),  # a warning, listed after errors
    )
    with pytest.raises(InputError) as caught:
        read_workbook(build(tmp_path / "many.xlsx", change))
    got = [(p.severity, p.sheet, p.row, p.column) for p in caught.value.problems]
    assert got == [
        ("error", "Settings", 4, "value"),
        ("error", "Sources", 4, "country"),
        ("error", "Sites", 3, "capacity_m3"),
        ("error", "Rules", 2, "share"),
        ("error", "Demand", 2, "year"),
        ("error", "SupplyMix", 4, "share"),
        ("warning", "Countries", 1, "comment"),
    ]
    assert "6 problem(s)" in str(caught.value)


def test_a_bad_cell_does_not_cascade(tmp_path: Path) -> None:
    """A bad cell keeps its row: its id still resolves, its sheet's sums are not
    judged on a guess, and a dangling reference is reported once per cell."""
    change = both(
        put("Countries", 1, bloc=3),  # CA stays a country for Sources and SupplyMix
        put("SupplyMix", 0, share="60%"),  # Ni's sum is not judged without this share
        put("Demand", 1, material="Fe"),  # dangling, and also "no SupplyMix": one error
    )
    errors = _errors(build(tmp_path / "cascade.xlsx", change))
    assert [(p.sheet, p.row, p.column) for p in errors] == [
        ("Countries", 3, "bloc"),
        ("Demand", 3, "material"),
        ("SupplyMix", 2, "share"),
    ]


# --- files refused before parsing -----------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "message"),
    [
        (".xls", "legacy Excel 97-2003 workbook (.xls): only .xlsx workbooks are read"),
        (".xlsm", "macro-enabled workbook (.xlsm)"),
        (".XLSM", "macro-enabled workbook (.xlsm)"),
        (".ods", "OpenDocument spreadsheet (.ods): only .xlsx workbooks are read"),
        (".txt", "a '.txt' file: only .xlsx workbooks are read"),
        ("", "a file without an extension: only .xlsx workbooks are read"),
    ],
)
def test_wrong_extension(tmp_path: Path, suffix: str, message: str) -> None:
    path = build(tmp_path / "book.xlsx").rename(tmp_path / f"book{suffix}")
    _assert_file_problem(path, message)


def test_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "materials.csv"
    path.write_text("material,volume_m3_per_t\nNi,0.12\n")
    _assert_file_problem(path, "materials.csv is a .csv file: only .xlsx workbooks are read")


def test_csv_renamed_to_xlsx_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "materials.xlsx"
    path.write_text("material,volume_m3_per_t\nNi,0.12\n")
    _assert_file_problem(path, "the file is not an .xlsx workbook (it is not a zip archive")


def test_encrypted_or_legacy_ole_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(OLE_MAGIC + bytes(504))
    _assert_file_problem(path, "encrypted (password-protected) workbook or legacy .xls")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.touch()
    _assert_file_problem(path, "the file is empty (0 bytes)")


def test_missing_file(tmp_path: Path) -> None:
    _assert_file_problem(tmp_path / "nowhere.xlsx", "file not found")


def test_damaged_zip(tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    path.write_bytes(build(tmp_path / "ok.xlsx").read_bytes()[:-200])
    _assert_file_problem(path, "the file is damaged or not a workbook")


def test_damaged_deflate_stream_inside_an_entry(tmp_path: Path) -> None:
    """The zip directory is intact but an entry's compressed bytes are not: zlib raises
    its own error while the gate reads the entry (fuzzing found it, F2): a message,
    not a traceback."""
    path = build(tmp_path / "deflate.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.infolist()[0]
    assert info.compress_type == zipfile.ZIP_DEFLATED
    # the local header: 30 bytes, then the name and the extra field, then the data
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    data[start] ^= 0xFF
    path.write_bytes(bytes(data))
    _assert_file_problem(path, "the file is damaged or not a workbook")


def test_zip_bomb_compression_ratio(tmp_path: Path) -> None:
    path = build(tmp_path / "bomb.xlsx")
    size = 4 * SAFETY_LIMITS.ratio_min_bytes  # zeros: deflate packs them ~1000 to 1
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/image1.bin", bytes(size))
    _assert_file_problem(path, "part xl/media/image1.bin unpacks to")
    _assert_file_problem(path, "more than the limit of 200 (a zip bomb?)")


def test_small_parts_are_not_judged_by_ratio(tmp_path: Path) -> None:
    path = build(tmp_path / "ok.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/zeros.bin", bytes(SAFETY_LIMITS.ratio_min_bytes))
    read_workbook(path)  # highly compressible but small: fine


def test_total_uncompressed_size_limit(tmp_path: Path) -> None:
    path = build(tmp_path / "big.xlsx")
    limits = replace(SAFETY_LIMITS, max_uncompressed_bytes=10_000)
    _assert_file_problem(path, "the workbook unpacks to", limits)
    _assert_file_problem(path, "more than the limit of 10,000 (a zip bomb?)", limits)


def test_zip_entry_count_limit(tmp_path: Path) -> None:
    path = build(tmp_path / "parts.xlsx")
    _assert_file_problem(
        path, "more than the limit of 5", replace(SAFETY_LIMITS, max_zip_entries=5)
    )


def test_file_size_limit(tmp_path: Path) -> None:
    path = build(tmp_path / "size.xlsx")
    _assert_file_problem(
        path, "more than the limit of 1,000 bytes", replace(SAFETY_LIMITS, max_file_bytes=1000)
    )


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def _inject_laughs(path: Path, part: str) -> None:
    def edit(xml: str) -> str:
        return LAUGHS + _without_declaration(xml).replace("<t>nickel</t>", "<t>&lol3;</t>")

    edit_part(path, part, edit)


def _without_declaration(xml: str) -> str:
    return xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml


def test_billion_laughs_is_refused_before_parsing(tmp_path: Path) -> None:
    path = build(tmp_path / "lol.xlsx")
    part = sheet_part(path, "Materials")
    _inject_laughs(path, part)
    _assert_file_problem(path, f"part {part} declares a DOCTYPE or ENTITY")


def test_doctype_hidden_after_a_long_comment_is_found(tmp_path: Path) -> None:
    path = build(tmp_path / "lol.xlsx")
    edit_part(
        path,
        "[Content_Types].xml",
        lambda xml: (
            "<!--"
            + "x" * 200_000
            + "-->"
            + '<!DOCTYPE t SYSTEM "file:///etc/passwd">'
            + _without_declaration(xml)
        ),
    )
    _assert_file_problem(path, "part [Content_Types].xml declares a DOCTYPE or ENTITY")


def test_openpyxl_itself_refuses_entities(tmp_path: Path) -> None:
    """The second line of defence: were the scan bypassed, defusedxml still refuses."""
    from defusedxml import DefusedXmlException

    path = build(tmp_path / "lol.xlsx")
    _inject_laughs(path, sheet_part(path, "Materials"))
    with pytest.raises(Exception) as caught:  # openpyxl wraps it in a ValueError
        book = open_workbook(path, data_only=False)
        try:
            list(book["Materials"].iter_rows())
        finally:
            book.close()
    chain: list[BaseException] = []
    exc: BaseException | None = caught.value
    while exc is not None:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    assert any(isinstance(e, DefusedXmlException) for e in chain), chain


def _assert_file_problem(path: Path, message: str, limits: Any = SAFETY_LIMITS) -> None:
    with pytest.raises(InputError) as caught:
        read_workbook(path, limits=limits)
    (p,) = caught.value.problems
    assert (p.sheet, p.row, p.column, p.severity) == (None, None, None, "error")
    assert message in p.message, p.message
    assert p.fix
