"""Infeasible instances: the status, and a diagnosis that names the workbook rows.

MODEL.md "What a solve must report": when the model is infeasible, an irreducible
infeasible subset (HiGHS getIis) translated back to workbook sheets and rows.
Records carry explicit ``row`` numbers (gaps on purpose) so the mapping is checked.
"""

from __future__ import annotations

from typing import Any

from stockpile.data.inputs import Inputs
from stockpile.pipeline import optimize
from stockpile.result import Diagnosis, IisMember, SolveResult


def source(name: str, cost: float, cap: float, row: int, **kw: Any) -> dict[str, Any]:
    return {
        "source": name,
        "type": "market",
        "country": "US",
        "cost_usd_per_unit": cost,
        "capacity_units_per_yr": cap,
        "row": row,
        **kw,
    }


def build(
    *, end: int, sources: list[dict[str, Any]], sites: list[dict[str, Any]], **tables: Any
) -> Inputs:
    return Inputs.build(
        {"start_year": 2026, "end_year": end},
        materials=[{"material": "X", "row": 2}],
        countries=[{"country": "US", "bloc": "domestic", "row": 2}],
        sources=sources,
        source_outputs=[
            {"source": s["source"], "material": "X", "yield_t_per_unit": 1.0, "row": 2 + i}
            for i, s in enumerate(sources)
        ],
        sites=sites,
        routes=[
            {"source": s["source"], "site": l["site"], "row": 2} for s in sources for l in sites
        ],
        **tables,
    )


def infeasible(inputs: Inputs) -> Diagnosis:
    result: SolveResult = optimize(inputs)
    assert result.status == "infeasible", result.message
    # the plan shown is the closest plan (tests/model/test_closest_plan.py), or none
    assert (result.objective_usd is not None) == result.closest
    assert result.diagnosis is not None
    return result.diagnosis


def by_key(diagnosis: Diagnosis) -> dict[tuple[str, tuple[Any, ...]], IisMember]:
    return {(m.family, m.index): m for m in diagnosis.members}


def sheet_rows(member: IisMember) -> set[tuple[str, int | None]]:
    return {(sheet, row) for sheet, row, _ in member.sources}


def test_target_above_all_capacity() -> None:
    """Target 120 t at the end of 2027; capacity A 30 (Sources row 5) in 2026 and 25 in
    2027 (SourceCapacity row 3), B 20 a year (Sources row 7): 30 + 25 + 20 + 20 = 95.

    Irreducible: the target row and all four capacity rows (drop any one capacity and
    that purchase is unlimited), plus the balance and split rows that carry the
    purchases into the stock (no data of their own).
    """
    diagnosis = infeasible(
        build(
            end=2027,
            sources=[source("A", 10, 30, row=5), source("B", 12, 20, row=7)],
            sites=[{"site": "L", "capacity_m3": 0, "row": 2}],
            source_capacity=[{"source": "A", "year": 2027, "capacity_units_per_yr": 25, "row": 3}],
            targets=[{"material": "X", "year": 2027, "min_stock_t": 120, "row": 4}],
        )
    )
    assert diagnosis.method == "iis"
    members = by_key(diagnosis)
    target = members["stock_target", ("X", 2027)]
    assert sheet_rows(target) == {("Targets", 4)}
    assert "120" in target.text
    expected_caps = {
        ("A", 2026): ("Sources", 5),
        ("A", 2027): ("SourceCapacity", 3),
        ("B", 2026): ("Sources", 7),
        ("B", 2027): ("Sources", 7),
    }
    caps = {k[1]: m for k, m in members.items() if k[0] == "source_capacity"}
    assert set(caps) == set(expected_caps)
    for index, where in expected_caps.items():
        assert sheet_rows(caps[index]) == {where}, index
    # No other data family is part of the conflict.
    assert {m.family for m in diagnosis.members} <= {
        "stock_target",
        "source_capacity",
        "stock_balance",
        "output_split",
        "bound:Buy",
        "bound:Ship",
        "bound:Stock",
    }
    assert "stock target" in diagnosis.suggestion
    assert "source capacity" in diagnosis.suggestion


def test_dispersion_with_one_open_site() -> None:
    """Rule R (Rules row 6): at most half of X at any site ("*"). In 2026 only L1 is
    open (L2 opens 2027), so Stock[X,L1,2026] <= 0.5 * Stock[X,L1,2026] forces 0,
    against a target of 10 t (Targets row 2).

    Irreducible: that dispersion row and the target (the dispersion row alone allows
    zero stock; the target alone is reachable).
    """
    diagnosis = infeasible(
        build(
            end=2027,
            sources=[source("A", 10, 1000, row=2)],
            sites=[
                {"site": "L1", "capacity_m3": 0, "row": 2},
                {"site": "L2", "capacity_m3": 0, "first_year": 2027, "row": 3},
            ],
            rules=[
                {
                    "rule": "R",
                    "material": "X",
                    "group_type": "site",
                    "group": "*",
                    "limit": "max_share",
                    "share": 0.5,
                    "row": 6,
                }
            ],
            targets=[{"material": "X", "year": 2026, "min_stock_t": 10, "row": 2}],
        )
    )
    members = by_key(diagnosis)
    dispersion = members["site_dispersion", ("R", "X", "L1", 2026)]
    assert sheet_rows(dispersion) == {("Rules", 6)}
    assert "1 site(s) open" in dispersion.text
    assert sheet_rows(members["stock_target", ("X", 2026)]) == {("Targets", 2)}
    data_families = {m.family for m in diagnosis.members if m.sources}
    assert data_families == {"site_dispersion", "stock_target"}
    assert "open more sites" in diagnosis.suggestion


def test_elastic_fallback_names_the_cheapest_relaxation() -> None:
    """With no time for HiGHS's IIS, an elastic solve names the limits to relax.

    Hand case of MODEL.md with a 500 t target: capacity is 60 + 60 + 100 + 100 = 320 t.
    Relaxing the target by 180 t costs 180 / 500 = 0.36 in relative violation; relaxing
    capacities would cost at least 180 / 100 = 1.8. So the target alone is named.
    """
    from stockpile.data.inputs import Inputs
    from stockpile.pipeline import optimize
    from stockpile.solver.highs import SolveOptions

    inputs = Inputs.build(
        {"start_year": 2026, "end_year": 2027},
        materials=[{"material": "X"}],
        countries=[{"country": "US", "bloc": "domestic"}],
        sources=[
            {
                "source": s,
                "type": "market",
                "country": "US",
                "cost_usd_per_unit": c,
                "capacity_units_per_yr": k,
            }
            for s, c, k in (("A", 10, 60), ("B", 12, 100))
        ],
        source_outputs=[{"source": s, "material": "X", "yield_t_per_unit": 1} for s in "AB"],
        sites=[{"site": "L", "capacity_m3": 0, "holding_cost_usd_per_t_yr": 0.5}],
        routes=[{"source": s, "site": "L"} for s in "AB"],
        targets=[{"material": "X", "year": 2027, "min_stock_t": 500, "row": 7}],
    )
    result = optimize(inputs, SolveOptions(iis_time_limit=0.0))
    assert result.status == "infeasible"
    assert result.diagnosis.method == "elastic"
    assert [(m.family, m.index) for m in result.diagnosis.members] == [
        ("stock_target", ("X", 2027))
    ]
    assert result.diagnosis.members[0].sources[0][:2] == ("Targets", 7)
