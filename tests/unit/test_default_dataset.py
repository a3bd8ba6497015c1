"""The bundled default dataset: it builds, it is complete, and its plan means something.

The need of each disruption is recomputed here from the formula of MODEL.md (family 9),
not taken from the model's parameter code. The last tests solve the dataset: a few
seconds with HiGHS.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path

import pytest

from stockpile.data import default_dataset as ds
from stockpile.data.inputs import Inputs
from stockpile.data.schema import BLOCS, SOURCE_TYPES

PUBLIC_FIGURES = Path(__file__).resolve().parents[3] / "shared" / "data" / "public-figures.csv"
#: Figures found for data version 2 that are not in the shared list, each with its address.
EXTRA_FIGURES = Path(ds.__file__).with_name("public-figures-extra.csv")


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    return ds.default_inputs()


def _outputs(inputs: Inputs) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for row in inputs.source_outputs:
        out[row.source][row.material] = row.yield_t_per_unit
    return out


def _need(inputs: Inputs) -> dict[tuple[str, str], float]:
    """need[d,m] = sum over the window of demand * max(0, mult - sum_c mix * avail)."""
    bloc = {c.country: c.bloc for c in inputs.countries}
    raw: dict[str, dict[str, float]] = defaultdict(dict)
    for row in inputs.supply_mix:
        raw[row.material][row.country] = row.share
    mix = {m: {c: v / sum(s.values()) for c, v in s.items()} for m, s in raw.items()}
    demand = {(row.material, row.year): row.demand_t for row in inputs.demand}
    end = inputs.settings.end_year
    need = {}
    for d in inputs.disruptions:
        window = [t for t in range(d.start_year, d.start_year + d.duration_years) if t <= end]
        rows = [i for i in inputs.disruption_impacts if i.disruption == d.disruption]
        for m in (x.material for x in inputs.materials):

            def avail(c: str, m: str = m, rows: list = rows) -> float:
                hits = [
                    i.availability
                    for i in rows
                    if i.material in (m, "*")
                    and (
                        (i.group_type == "country" and i.group == c)
                        or (i.group_type == "bloc" and i.group == bloc[c])
                    )
                ]
                return min(hits, default=1.0)

            surviving = sum(share * avail(c) for c, share in mix.get(m, {}).items())
            window_demand = sum(demand.get((m, t), 0.0) for t in window)
            need[d.disruption, m] = window_demand * max(0.0, d.demand_multiplier - surviving)
    return need


# ----- structure ------------------------------------------------------------------------
def test_builds_with_the_horizon_and_discount_rate(inputs: Inputs) -> None:
    assert isinstance(inputs, Inputs)
    assert (inputs.settings.start_year, inputs.settings.end_year) == (2026, 2040)
    assert inputs.settings.discount_rate == pytest.approx(0.03)
    assert inputs.settings.recovery_years == 2
    materials = {m.material for m in inputs.materials}
    assert materials == {
        "Ni", "Co", "Cu", "Mn", "Mn_silicate", "NdPr_oxide", "Dy_oxide", "Tb_oxide",
        "Sm_oxide", "Gd_oxide", "Lu_oxide", "Sc_oxide", "Y_oxide",
        "Ga", "Ge", "Sb", "graphite", "W",
    }  # fmt: skip
    assert all(" " not in m for m in materials)


def test_the_seed_elements_and_the_seabed_metals_are_in(inputs: Inputs) -> None:
    """The seven rare earths China put under licence in April 2025 and Ga, Ge, Sb (the
    seed's ten), plus the four nodule metals, each with demand, supply mix and sources."""
    seed = {"Sm_oxide", "Gd_oxide", "Tb_oxide", "Dy_oxide", "Lu_oxide", "Sc_oxide", "Y_oxide",
            "Ga", "Ge", "Sb"}  # fmt: skip
    assert seed <= set(ds.EXPORT_CONTROLLED)
    with_demand = {row.material for row in inputs.demand if row.demand_t > 0}
    with_mix = {row.material for row in inputs.supply_mix}
    with_source = {row.material for row in inputs.source_outputs}
    for m in seed | {"Ni", "Co", "Cu", "Mn"}:
        assert m in with_demand and m in with_mix and m in with_source, m


def test_every_material_has_at_least_two_sources(inputs: Inputs) -> None:
    sources_of: dict[str, set[str]] = defaultdict(set)
    for row in inputs.source_outputs:
        sources_of[row.material].add(row.source)
    for m in inputs.materials:
        assert len(sources_of[m.material]) >= 2, m.material


def test_all_source_types_and_blocs_are_used(inputs: Inputs) -> None:
    assert {s.type for s in inputs.sources} == set(SOURCE_TYPES)
    assert {c.bloc for c in inputs.countries} == set(BLOCS)
    assert {c.country: c.bloc for c in inputs.countries}["CN"] == "adversary"


def test_no_chinese_controlled_material_for_the_stockpile(inputs: Inputs) -> None:
    """Corrections 1 and 5: the stockpile is a US military end user, to whom China bans
    dual-use exports; the Chinese sources of controlled materials have no capacity."""
    cn = {s.source: s for s in inputs.sources if s.country == "CN"}
    outputs = _outputs(inputs)
    extra = defaultdict(dict)
    for row in inputs.source_capacity:
        extra[row.source][row.year] = row.capacity_units_per_yr
    for sid, src in cn.items():
        if set(outputs[sid]) <= set(ds.EXPORT_CONTROLLED):
            assert src.capacity_units_per_yr == 0 and not extra[sid], sid
    ndpr = next(s for s, src in cn.items() if "NdPr_oxide" in outputs[s])
    assert all(extra[ndpr][t] == 0 for t in range(2027, 2041))  # 10 USC 4872 from 2027
    w_rule = [r for r in inputs.rules if r.material == "W" and r.group == "adversary"]
    assert w_rule and w_rule[0].share == 0


def test_seabed_sources_yield_the_nori_d_co_products(inputs: Inputs) -> None:
    """Correction 8: the PFS cost buys intermediates smelted in Japan; refining is priced
    on top, the toll-refined source is not domestic, a US refinery is expandable."""
    seabed = {s.source: s for s in inputs.sources if s.type == "seabed"}
    assert len(seabed) == 2
    toll, us = seabed["seabed_nori_d"], seabed["seabed_nori_d_us_refined"]
    assert toll.country == "JP" and toll.first_year == 2028
    assert us.country == "US" and us.capacity_units_per_yr == 0 and us.max_expansion_units > 0
    nodules = 10.8e6  # t wet nodules per year, NORI-D PFS
    for s in seabed:
        yields = _outputs(inputs)[s]
        assert set(yields) == {"Ni", "Cu", "Co", "Mn_silicate"}
        for m, metal_t in {"Ni": 97e3, "Cu": 70e3, "Co": 7.4e3, "Mn_silicate": 2390e3}.items():
            assert yields[m] == pytest.approx(metal_t / nodules, rel=1e-5)  # 8 decimals
    y = ds.NODULE_YIELD_T_PER_T
    gross_aisc = 2569 * y["Ni"] + y["Cu"] * 9260 + y["Co"] * 37500 + y["Mn_silicate"] * 580
    refining = 0.15 * (y["Ni"] * 17000 + y["Cu"] * 9260 + y["Co"] * 37500)
    assert toll.cost_usd_per_unit == pytest.approx(1.25 * gross_aisc + refining, abs=0.1)
    ramp = {
        c.year: c.capacity_units_per_yr for c in inputs.source_capacity if c.source == toll.source
    }
    assert sorted(ramp) == [2028, 2029, 2030]
    assert ramp[2028] < ramp[2029] < ramp[2030] < toll.capacity_units_per_yr
    mn = next(m for m in inputs.materials if m.material == "Mn_silicate")
    assert mn.shortfall_penalty_usd_per_t == 0 and mn.min_coverage == 0
    assert "Mn_silicate" not in {row.material for row in inputs.demand}


def test_resale_of_every_co_product_source_stays_below_its_cost(inputs: Inputs) -> None:
    resale = {m.material: m.resale_usd_per_t for m in inputs.materials}
    outputs = _outputs(inputs)
    coproduct = [s for s in inputs.sources if len(outputs[s.source]) >= 2]
    assert len(coproduct) >= 2
    for s in coproduct:
        assert s.cost_escalation_per_yr >= 0  # resale is not escalated, cost is
        value = sum(y * resale[m] for m, y in outputs[s.source].items())
        assert 0 < value < s.cost_usd_per_unit, s.source


def test_magnet_recycling_is_small(inputs: Inputs) -> None:
    """Correction 9: recycled Dy at full capacity is a small share of essential Dy demand."""
    outputs = _outputs(inputs)
    recyclers = [
        s for s in inputs.sources if s.type == "recycling" and "Dy_oxide" in outputs[s.source]
    ]
    cap = sum(s.capacity_units_per_yr * outputs[s.source]["Dy_oxide"] for s in recyclers)
    demand = min(r.demand_t for r in inputs.demand if r.material == "Dy_oxide")
    assert 0 < cap < 0.25 * demand


def test_expandable_capacity_has_cost_lead_and_ceiling(inputs: Inputs) -> None:
    """Rare-earth separation, Ga recovery, Ge, Sb, graphite and nodule refining."""
    outputs = _outputs(inputs)
    expandable = [s for s in inputs.sources if s.max_expansion_units > 0]
    covered = set().union(*(outputs[s.source] for s in expandable))
    assert {"NdPr_oxide", "Dy_oxide", "Ga", "Ge", "Sb", "graphite", "Ni"} <= covered
    for s in expandable:
        assert s.country == "US" and s.expansion_cost_usd_per_unit > 0, s.source
        assert s.expansion_lead_years >= 2, s.source


def test_holding_cost_reflects_value(inputs: Inputs) -> None:
    """A tonne of Ge costs far more to hold than a tonne of Mn; every site a material can
    reach without a class rule against it charges at least the carrying rate on a
    quarter of its price; gallium (melts at 29.8 C) only reaches climate-controlled vaults."""
    hold = {s.site: s.holding_cost_usd_per_t_yr for s in inputs.sites}
    price = ds.PRICE_USD_PER_T
    banned = {
        (r.material, r.group) for r in inputs.rules if r.group_type == "site" and r.share == 0
    }
    outputs = _outputs(inputs)
    reach: dict[str, set[str]] = defaultdict(set)
    for r in inputs.routes:
        for m in outputs[r.source]:
            if (m, r.site) not in banned:
                reach[m].add(r.site)
    assert min(hold[s] for s in reach["Ge"]) > 50 * max(hold[s] for s in reach["Mn"])
    for m, sites in reach.items():
        for s in sites:
            assert hold[s] >= ds.CARRYING_RATE * price[m] / 4, (m, s)
    assert all(ds.SITE_CLASS[s].startswith("vault") for s in reach["Ga"])


def test_supply_mix_sums_to_one_and_names_known_countries(inputs: Inputs) -> None:
    countries = {c.country for c in inputs.countries}
    total: dict[str, float] = defaultdict(float)
    for row in inputs.supply_mix:
        assert row.country in countries
        assert 0 <= row.share <= 1
        total[row.material] += row.share
    with_demand = {row.material for row in inputs.demand if row.demand_t > 0}
    assert with_demand <= set(total)
    for m, s in total.items():
        assert math.isclose(s, 1.0, abs_tol=1e-9), (m, s)


def test_every_disruption_has_positive_need(inputs: Inputs) -> None:
    need = _need(inputs)
    assert sum(d.probability for d in inputs.disruptions) <= 1
    for d in inputs.disruptions:
        assert 0 <= d.probability <= 1
        assert 2026 <= d.start_year <= 2040 and d.duration_years >= 1
        positive = [m for (dd, m), v in need.items() if dd == d.disruption and v > 1e-6]
        assert positive, d.disruption
    # the export ban bites only where China supplies: Dy yes, Cu no; the DRC quota hits Co
    assert need["cn_export_ban", "Dy_oxide"] > 0
    assert need["cn_export_ban", "Cu"] == 0
    assert need["drc_cobalt_quota", "Co"] > 0
    assert need["cn_graphite_ban", "graphite"] > 0


def test_rules_can_be_met_in_every_year(inputs: Inputs) -> None:
    # site dispersion: every targeted material reaches at least 1/share open sites that
    # no class rule closes to it
    share = min(r.share for r in inputs.rules if r.group_type == "site" and r.group == "*")
    banned = {
        (r.material, r.group) for r in inputs.rules if r.group_type == "site" and r.share == 0
    }
    outputs = _outputs(inputs)
    first = {s.site: s.first_year for s in inputs.sites}
    reach: dict[str, set[str]] = defaultdict(set)
    for r in inputs.routes:
        for m in outputs[r.source]:
            if (m, r.site) not in banned:
                reach[m].add(r.site)
    for m in {x.material for x in inputs.targets}:
        for t in inputs.years:
            assert len([s for s in reach[m] if first[s] <= t]) >= math.ceil(1 / share), (m, t)
    # adversary cap: every material with a target has non-adversary supply
    bloc = {c.country: c.bloc for c in inputs.countries}
    country = {s.source: s.country for s in inputs.sources}
    for m in {x.material for x in inputs.targets}:
        assert any(
            o.material == m and bloc[country[o.source]] != "adversary"
            for o in inputs.source_outputs
        ), m


def test_routes_follow_the_storage_classes(inputs: Inputs) -> None:
    """A source reaches the sites of its outputs' storage classes (Guam only from
    Asian-Pacific suppliers)."""
    outputs = _outputs(inputs)
    for r in inputs.routes:
        classes = {ds.STORAGE_CLASS[m] for m in outputs[r.source]}
        assert ds.SITE_CLASS[r.site] in classes, (r.source, r.site)


# ----- references -----------------------------------------------------------------------
def test_extra_figures_give_their_address() -> None:
    with EXTRA_FIGURES.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        assert row["source"] and row["url"].startswith("http"), row["figure"]


def test_references_are_complete() -> None:
    assert ds.REFERENCES
    ids = [r["id"] for r in ds.REFERENCES]
    assert len(ids) == len(set(ids))
    for ref in ds.REFERENCES:
        for key in ("figure", "material", "value", "unit", "source", "used_for", "kind"):
            assert ref[key] not in (None, ""), (ref["id"], key)
        assert ref["kind"] in ("sourced", "assumption")
        if ref["kind"] == "assumption":
            assert ref["note"], ref["id"]  # the one-line justification
    kinds = {r["kind"] for r in ds.REFERENCES}
    assert kinds == {"sourced", "assumption"}


@pytest.mark.skipif(not PUBLIC_FIGURES.exists(), reason="shared/data not beside the repo")
def test_sourced_references_cite_public_figures() -> None:
    rows = []
    for path in (PUBLIC_FIGURES, EXTRA_FIGURES):
        with path.open(newline="", encoding="utf-8") as fh:
            rows += list(csv.DictReader(fh))
    sources = {row["source"] for row in rows}
    values = {row["value"] + " " + row["unit"] for row in rows}
    for ref in ds.REFERENCES:
        if ref["kind"] != "sourced":
            continue
        assert ref["source"] in sources, ref["id"]
        if isinstance(ref["value"], int | float | str) and not isinstance(ref["value"], bool):
            text = f"{ref['value']:g}" if isinstance(ref["value"], float) else str(ref["value"])
            assert any(text in v for v in values), (ref["id"], text)


# ----- validation and solve -------------------------------------------------------------
def test_validation_finds_no_errors(inputs: Inputs) -> None:
    validate = pytest.importorskip("stockpile.data.validate")
    errors = [p for p in validate.check_inputs(inputs) if p.severity == "error"]
    assert errors == []


@pytest.fixture(scope="module")
def solved(inputs: Inputs):
    pipeline = pytest.importorskip("stockpile.pipeline")
    return pipeline.optimize(inputs)


def test_solves_to_optimality(solved) -> None:
    assert solved.status == "optimal"
    parts = solved.parts
    assert solved.objective_usd == pytest.approx(
        parts["purchase_usd"]
        + parts["transport_usd"]
        + parts["holding_usd"]
        + parts["investment_usd"]
        - parts["resale_usd"]
        + parts["shortfall_penalty_usd"],
        rel=1e-6,
    )


def test_plan_uses_several_source_types(inputs: Inputs, solved) -> None:
    stype = {s.source: s.type for s in inputs.sources}
    bought = defaultdict(float)
    for (s, _t), v in solved.values["Buy"].items():
        bought[stype[s]] += v
    used = {k for k, v in bought.items() if v > 1e-6}
    assert {"allied_mine", "domestic_mine", "recycling", "market"} <= used


def test_targets_budget_and_disruptions_shape_the_plan(solved) -> None:
    def binding(family: str, sign: int) -> list:
        return [k for k, r in solved.rows[family].items() if r.dual and sign * r.dual > 1e-9]

    assert binding("stock_target", +1)  # a tonne more of target costs money
    assert binding("budget", -1)  # a dollar more of budget saves money
    assert binding("disruption_cover", +1)
    assert binding("sourcing_rule", -1)  # the adversary cap binds
