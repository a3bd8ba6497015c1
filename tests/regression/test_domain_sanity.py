"""Domain sanity checks on the solved default dataset: what a critical-minerals analyst
would look at first.

Every threshold comes from the inputs (Materials.min_coverage, Demand, SupplyMix,
DisruptionImpacts, Sources) or from the question itself, never from a printed result.
The need of the Chinese-ban future is recomputed here from MODEL.md (family 9), not taken
from the model's parameter code.

The table of the plan's priorities in docs/guide/default-run.md (spend and stock per
material, between the ``default-priorities`` markers) is written by
``priorities_markdown`` below; the last test checks it against a fresh run
(``STOCKPILE_UPDATE=1`` rewrites it).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

from stockpile.data import default_dataset as ds
from stockpile.data.inputs import Inputs
from stockpile.pipeline import optimize
from stockpile.result import SolveResult

BAN = "cn_export_ban"
TOL = 1e-6
README = Path(__file__).resolve().parents[2] / "docs" / "guide" / "default-run.md"
BLOCK = re.compile(
    r"(<!-- default-priorities:start -->\n)(.*?)(<!-- default-priorities:end -->)", re.S
)


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    return ds.default_inputs()


@pytest.fixture(scope="module")
def solved(inputs: Inputs) -> SolveResult:
    result = optimize(inputs)
    assert result.status == "optimal", result.message
    return result


def _outputs(inputs: Inputs) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for row in inputs.source_outputs:
        out[row.source][row.material] = row.yield_t_per_unit
    return out


def _ban_need(inputs: Inputs) -> dict[tuple[str, int], float]:
    """need[m, t] of the Chinese ban for t in its window: demand * max(0, mult - sum_c
    mix[m, c] * avail(c, m)), avail the smallest matching country or bloc row."""
    d = next(x for x in inputs.disruptions if x.disruption == BAN)
    bloc = {c.country: c.bloc for c in inputs.countries}
    raw: dict[str, dict[str, float]] = defaultdict(dict)
    for row in inputs.supply_mix:
        raw[row.material][row.country] = row.share
    mix = {m: {c: v / sum(s.values()) for c, v in s.items()} for m, s in raw.items()}
    rows = [i for i in inputs.disruption_impacts if i.disruption == BAN]
    demand = {(r.material, r.year): r.demand_t for r in inputs.demand}
    window = range(d.start_year, min(d.start_year + d.duration_years, inputs.settings.end_year + 1))

    def avail(c: str, m: str) -> float:
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

    need = {}
    for m, shares in mix.items():
        surviving = sum(v * avail(c, m) for c, v in shares.items())
        for t in window:
            value = demand.get((m, t), 0.0) * max(0.0, d.demand_multiplier - surviving)
            if value > 1e-9 * demand.get((m, t), 0.0):
                need[m, t] = value
    return need


def _plan_stock(solved: SolveResult) -> dict[tuple[str, int], float]:
    stock: dict[tuple[str, int], float] = defaultdict(float)
    for (m, _l, t), v in solved.values["Stock"].items():
        stock[m, t] += v
    return stock


def _controlled(inputs: Inputs) -> set[str]:
    """The materials China's ban stops (availability 0 for China in the ban future),
    plus graphite (licensed since December 2023)."""
    stopped = {
        i.material
        for i in inputs.disruption_impacts
        if i.disruption == BAN and i.group_type == "country" and i.group == "CN"
        if i.availability == 0
    }
    return stopped | {"graphite"}


def test_the_controlled_materials_are_the_datasets_list(inputs: Inputs) -> None:
    assert _controlled(inputs) == set(ds.EXPORT_CONTROLLED)


def test_every_export_controlled_material_has_positive_plan_stock(
    inputs: Inputs, solved: SolveResult
) -> None:
    """Stock is held before the ban can come back (end of the first year) and kept."""
    stock = _plan_stock(solved)
    first, last = inputs.settings.start_year, inputs.settings.end_year
    for m in _controlled(inputs):
        assert stock[m, first] > TOL, m
        assert stock[m, last] > TOL, m


def test_unmet_need_in_the_china_ban_stays_within_the_coverage_floor(
    inputs: Inputs, solved: SolveResult
) -> None:
    """For every material and window year: unmet <= (1 - min_coverage) * need, with the
    need recomputed from the workbook; releases + unmet = need."""
    cov = {m.material: m.min_coverage for m in inputs.materials}
    need = _ban_need(inputs)
    assert need  # the ban bites
    unmet = {(m, t): v for (d, m, t), v in solved.values["Unmet"].items() if d == BAN}
    released: dict[tuple[str, int], float] = defaultdict(float)
    for (d, m, _l, t), v in solved.values["Release"].items():
        if d == BAN:
            released[m, t] += v
    for (m, t), n in need.items():
        assert unmet.get((m, t), 0.0) <= (1 - cov[m]) * n + TOL * max(1.0, n), (m, t)
        assert released[m, t] + unmet.get((m, t), 0.0) == pytest.approx(n, rel=1e-6, abs=1e-6)
    # and over the whole window, the expected shortfall of each material too
    for m in {m for m, _t in need}:
        total = sum(n for (mm, _t), n in need.items() if mm == m)
        left = sum(v for (mm, _t), v in unmet.items() if mm == m)
        assert left <= (1 - cov[m]) * total + TOL * max(1.0, total), m


def test_no_chinese_tungsten_after_2026(inputs: Inputs, solved: SolveResult) -> None:
    """10 USC 4872 / DFARS 225.7018: no W mined or refined in China for defence from 2027,
    in the plan and in every future."""
    chinese = {s.source for s in inputs.sources if s.country == "CN"}
    for key, v in solved.values["Ship"].items():
        s, m, _l, t = key
        if s in chinese and m == "W" and t >= 2027:
            assert v <= TOL, key
    for key, v in solved.values["ShipF"].items():
        _d, s, m, _l, t = key
        if s in chinese and m == "W" and t >= 2027:
            assert v <= TOL, key


def test_no_expandable_source_is_built_and_idle(inputs: Inputs, solved: SolveResult) -> None:
    """Capacity added in the plan is used, in the plan or in a future, once it produces;
    capacity a future adds is used in that future."""
    lead = {s.source: s.expansion_lead_years for s in inputs.sources}
    first = {s.source: s.first_year for s in inputs.sources}
    built: dict[str, int] = {}
    for (s, t), v in solved.values["Expand"].items():
        if v > TOL:
            built[s] = min(built.get(s, 9999), max(t + lead[s], first[s]))
    for s, producing in built.items():
        used = sum(v for (ss, t), v in solved.values["Buy"].items() if ss == s and t >= producing)
        used += sum(
            v for (_d, ss, t), v in solved.values["BuyF"].items() if ss == s and t >= producing
        )
        assert used > TOL, s
    built_f: dict[tuple[str, str], int] = {}
    for (d, s, t), v in solved.values["ExpandF"].items():
        if v > TOL:
            built_f[d, s] = min(built_f.get((d, s), 9999), max(t + lead[s], first[s]))
    for (d, s), producing in built_f.items():
        used = sum(
            v
            for (dd, ss, t), v in solved.values["BuyF"].items()
            if dd == d and ss == s and t >= producing
        )
        assert used > TOL, (d, s)


def test_china_is_not_the_default_supplier(inputs: Inputs, solved: SolveResult) -> None:
    """No controlled material comes from China in the plan, and Chinese deliveries of any
    material stay within the adversary cap of the Rules."""
    country = {s.source: s.country for s in inputs.sources}
    cap = min(
        r.share
        for r in inputs.rules
        if r.group_type == "bloc" and r.group == "adversary"
        if r.material == "*"
    )
    total: dict[str, float] = defaultdict(float)
    chinese: dict[str, float] = defaultdict(float)
    for (s, m, _l, _t), v in solved.values["Ship"].items():
        total[m] += v
        if country[s] == "CN":
            chinese[m] += v
    for m in _controlled(inputs):
        assert chinese[m] <= TOL, m
    for m, v in chinese.items():
        assert v <= cap * total[m] + TOL, m


def test_magnet_recycling_does_not_carry_the_heavy_rare_earths(
    inputs: Inputs, solved: SolveResult
) -> None:
    """Correction 9: recycled Dy and Tb are a minority of what the plan stocks."""
    stype = {s.source: s.type for s in inputs.sources}
    for m in ("Dy_oxide", "Tb_oxide"):
        total = recycled = 0.0
        for (s, mm, _l, _t), v in solved.values["Ship"].items():
            if mm == m:
                total += v
                recycled += v if stype[s] == "recycling" else 0.0
        assert total > 0 and recycled < 0.5 * total, m


def _spend(inputs: Inputs, solved: SolveResult) -> dict[str, float]:
    """The plan's purchases 2026-2040 per material [USD, escalated, undiscounted]; a
    co-product source's purchases are split by the value (at the dataset's prices) of
    what it yields."""
    outputs = _outputs(inputs)
    price = ds.PRICE_USD_PER_T
    src = {s.source: s for s in inputs.sources}
    t0 = inputs.settings.start_year
    spend: dict[str, float] = defaultdict(float)
    for (s, t), v in solved.values["Buy"].items():
        cost = src[s].cost_usd_per_unit * (1 + src[s].cost_escalation_per_yr) ** (t - t0)
        value = {m: y * price[m] for m, y in outputs[s].items()}
        for m, x in value.items():
            spend[m] += v * cost * x / sum(value.values())
    return spend


def test_the_money_goes_to_the_controlled_materials(inputs: Inputs, solved: SolveResult) -> None:
    """Priorities: the plan spends more on the export-controlled materials than on the
    bulk metals with deep allied supply (Ni, Cu, Co, EMM)."""
    spend = _spend(inputs, solved)
    controlled = sum(spend[m] for m in _controlled(inputs))
    bulk = sum(spend[m] for m in ("Ni", "Cu", "Co", "Mn"))
    assert controlled > bulk
    assert controlled > 0.5 * sum(spend.values())


def _sig(x: float) -> str:
    """3 significant figures with thousands separators (0 stays 0)."""
    if abs(x) < 0.005:
        return "0"
    r = float(f"{x:.3g}")
    return f"{r:,.0f}" if abs(r) >= 100 else f"{r:.3g}"


def priorities_markdown(inputs: Inputs, solved: SolveResult) -> str:
    """Spend and stock per material: where the plan's money goes, and how many years of
    essential demand it holds before the Chinese ban can start and before the Pacific
    conflict can."""
    spend = _spend(inputs, solved)
    total = sum(spend.values())
    stock = _plan_stock(solved)
    demand = {(r.material, r.year): r.demand_t for r in inputs.demand}
    controlled = _controlled(inputs)
    first = inputs.settings.start_year
    starts = sorted({d.start_year for d in inputs.disruptions})
    before = [first, starts[-1] - 1]  # end of the first year, and before the last future
    lines = [
        f"| material | plan purchases {first}-{inputs.settings.end_year} | share "
        f"| stock end {before[0]} (t) | stock end {before[1]} (t) "
        f"| years of essential demand held ({before[1]}) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    order = sorted(inputs.materials, key=lambda m: -spend[m.material])
    for mat in order:
        m = mat.material
        if spend[m] <= 0.5 and stock[m, before[1]] <= TOL:
            continue
        name = f"**{m}**" if m in controlled else m
        d = demand.get((m, before[1]), 0.0)
        years = _sig(stock[m, before[1]] / d) if d > 0 else "-"
        lines.append(
            f"| {name} | {_sig(spend[m] / 1e6)} M USD | {spend[m] / total:.0%} "
            f"| {_sig(stock[m, before[0]])} | {_sig(stock[m, before[1]])} | {years} |"
        )
    share = sum(spend[m] for m in controlled) / total
    lines += [
        "",
        f"Plan purchases {_sig(total / 1e9)} bn USD (escalated, not discounted; a "
        f"co-product source's split by the value of its outputs); **bold**: under Chinese "
        f"export control, {share:.0%} of the money.",
    ]
    return "\n".join(lines) + "\n"


def test_readme_priorities_table_matches_a_fresh_run(inputs: Inputs, solved: SolveResult) -> None:
    fresh = priorities_markdown(inputs, solved)
    text = README.read_text(encoding="utf-8")
    match = BLOCK.search(text)
    assert match, f"{README} lacks the <!-- default-priorities:start/end --> markers"
    if os.environ.get("STOCKPILE_UPDATE") == "1":
        README.write_text(BLOCK.sub(lambda m: m[1] + fresh + m[3], text), encoding="utf-8")
        return
    assert match[2] == fresh, f"{README} is stale: STOCKPILE_UPDATE=1 pytest {__file__}"
