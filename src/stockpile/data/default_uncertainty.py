"""The bundled dataset's description of uncertainty: the DisruptionTypes and
DisruptionTypeImpacts that ``stockpile stress`` samples.

One disruption type per listed disruption of the default dataset (a Chinese export ban
on the US, the DR Congo cobalt quota, a conflict in the Western Pacific, a Chinese
graphite ban): what each hits is taken from its DisruptionImpacts rows, spread into a
range around the listed availability; how often one starts, how long it lasts and how
it moves demand and prices are given here, each with its source (a row of the project's
public-figures table) or its reason. ``default_dataset`` passes its Disruptions and
DisruptionImpacts rows to ``uncertainty_tables`` and adds ``UNCERTAINTY_REFERENCES`` to
the workbook's References; this module references no id of its own, so it follows the
dataset's ids.

A note on prices: MODEL.md's ``price_multiplier`` applies to every purchase of the
future during its window, not only to the materials the event hits (as the listed
disruptions' multipliers do).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: Every figure used here, in the shape of ``default_dataset.REFERENCES`` (ids start
#: with ``stress_``).
UNCERTAINTY_REFERENCES: list[dict[str, Any]] = []

_ASSUMED = "assumption of the default dataset (stockpile project)"
_USED_FOR = "DisruptionTypes, DisruptionTypeImpacts (stockpile stress)"


def _sourced(
    ref_id: str, figure: str, material: str, value: Any, unit: str, year: str, source: str
) -> Any:
    UNCERTAINTY_REFERENCES.append(
        {
            "id": f"stress_{ref_id}",
            "figure": figure,
            "material": material,
            "value": value,
            "unit": unit,
            "year": year,
            "source": source,
            "used_for": _USED_FOR,
            "kind": "sourced",
            "note": "",
        }
    )
    return value


def _assumed(ref_id: str, figure: str, material: str, value: Any, unit: str, why: str) -> Any:
    UNCERTAINTY_REFERENCES.append(
        {
            "id": f"stress_{ref_id}",
            "figure": figure,
            "material": material,
            "value": value,
            "unit": unit,
            "year": "2026",
            "source": _ASSUMED,
            "used_for": _USED_FOR,
            "kind": "assumption",
            "note": why,
        }
    )
    return value


# fmt: off
# ----- what happened ----------------------------------------------------------------------
_sourced("us_ban_2024", "China export ban to the US (MOFCOM Announcement No. 46 of 2024) "
         "and suspension", "Ga, Ge, Sb",
         "banned 3 Dec 2024; ban suspended 9 Nov 2025 until 27 Nov 2026", "-", "2024-2026",
         "MOFCOM announcements 3 Dec 2024 and 9 Nov 2025; Reuters 3 Dec 2024 and 9-10 Nov 2025 "
         "(press)")
_sourced("ree_licensing_2025", "China export licensing on 7 medium/heavy REEs",
         "Dy_oxide, Tb_oxide and five more", "in force from 4 Apr 2025", "-", "2025",
         "MOFCOM/GAC Announcement No. 18 of 2025 (4 Apr 2025)")
_sourced("sb_price_2024", "Sb Rotterdam price at the end of 2024", "Sb", "39500-40000", "USD/t",
         "31 Dec 2024",
         "Reuters 6 Jan 2025 'China's export ban to push antimony prices to new highs' (press)")
_sourced("sb_price_2025", "Sb Rotterdam price after the US ban", "Sb", "59500-61000", "USD/t",
         "24 Jun 2025",
         "Argus, 'EU antimony softens slightly on improved availability', 24 Jun 2025")
_sourced("ge_price_2025", "Ge price (Fastmarkets)", "Ge", "~5000 (just over 1000 in early 2023)",
         "USD/kg", "10 Sep 2025",
         "Financial Times ~15 Sep 2025 citing Fastmarkets (press; via reprints)")
_sourced("drc_suspension_2025", "DRC cobalt export suspension", "Co",
         "from 22 Feb 2025 (4 months), extended 21 Jun 2025 (3 months), then to 15 Oct 2025",
         "-", "2025",
         "ARECOMS Decision 001/ARECOMS/2025 (22 Feb 2025) and press release 2025/003 "
         "(21 Jun 2025); Reuters 24-25 Feb 2025")
_sourced("drc_quota", "DRC cobalt export quota 2026 and 2027", "Co", 96600, "t/yr", "2026-27",
         "ARECOMS Decision 004/ARECOMS/2025 (African Mining, Sep 2025; Reuters/Bloomberg "
         "22 Sep 2025)")

# ----- the types: one per listed disruption ----------------------------------------------
#: listed disruption -> its type's yearly probability, duration range [yr], demand and
#: price multiplier ranges
TYPE_PARAMETERS: dict[str, dict[str, Any]] = {
    "cn_export_ban": {
        "probability_per_yr": _assumed(
            "p_cn_ban", "yearly probability that China bans exports to the US", "all", 0.2,
            "1/yr",
            "One US ban (Dec 2024) and five escalations in 27 months; the ban is only "
            "suspended to Nov 2026: a new one in about one year in five."),
        "duration": _assumed(
            "d_cn_ban", "duration of a Chinese export ban", "all", (1, 3), "yr",
            "The Dec 2024 ban held 11 months before its suspension; the Apr 2025 licensing "
            "still holds."),
        "demand": (1.0, 1.0),
        "price": _assumed(
            "pm_cn_ban", "price multiplier during a ban", "all", (1.25, 2.4), "x",
            "The ex-China price moves under the US ban (Ga x1.25, Sb x1.5, Ge x2.4): the "
            "listed ban takes their median, a draw any of them."),
    },
    "drc_cobalt_quota": {
        "probability_per_yr": _assumed(
            "p_drc", "yearly probability of a new DR Congo cobalt export restriction", "Co",
            0.1, "1/yr",
            "DR Congo stopped cobalt exports for eight months in 2025 and set quotas for "
            "2026-2027: a new episode about once a decade."),
        "duration": _assumed(
            "d_drc", "duration of a DR Congo export restriction", "Co", (1, 3), "yr",
            "The 2025 suspension lasted 8 months, the quotas run two years."),
        "demand": (1.0, 1.0),
        "price": _assumed(
            "pm_drc", "price multiplier during a cobalt quota", "Co", (1.0, 1.5), "x",
            "Alloy-grade cobalt went from 16 to 24 USD/lb under the 2025 measures (x1.5)."),
    },
    "pacific_conflict": {
        "probability_per_yr": _assumed(
            "p_conflict", "yearly probability of a conflict in the Western Pacific", "all",
            0.01, "1/yr",
            "About 14 % over the 15 years: low probability, high impact, as listed."),
        "duration": _assumed(
            "d_conflict", "duration of a Pacific conflict", "all", (2, 4), "yr",
            "Around the listed three years."),
        "demand": _assumed(
            "mult_conflict", "defence demand multiplier in a conflict", "all", (1.1, 1.4), "x",
            "The listed +20 %, from +10 % to +40 %."),
        "price": _assumed(
            "pm_conflict", "price multiplier in a conflict", "all", (1.5, 2.5), "x",
            "Around the listed x2."),
    },
    "cn_graphite_ban": {
        "probability_per_yr": _assumed(
            "p_graphite", "yearly probability of a Chinese graphite ban on the US", "graphite",
            0.1, "1/yr",
            "Graphite is licensed since Dec 2023 and wider controls on battery graphite "
            "were announced in Oct 2025 (suspended in Nov 2025)."),
        "duration": (1, 3),
        "demand": (1.0, 1.0),
        "price": _assumed(
            "pm_graphite", "price multiplier during a graphite ban", "graphite", (1.0, 1.2),
            "x", "Flake prices barely moved under the licensing (listed x1.1)."),
    },
}
#: The range of a drawn availability: the listed one, give or take this much (in [0, 1]).
SPREAD = _assumed(
    "spread", "range of availability around the listed one", "all", 0.2, "share",
    "A ban lets 0-20 % through (licences, transshipment); the DRC quota is 44 % of 2024 "
    "output (96,600 t/yr), so its refiners lose 30-70 % of their feed.")
# fmt: on


def uncertainty_tables(
    disruptions: Iterable[Mapping[str, Any]], impacts: Iterable[Mapping[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """The DisruptionTypes and DisruptionTypeImpacts rows (as ``Inputs.build`` takes them)
    made from the dataset's listed Disruptions and DisruptionImpacts rows: one type per
    listed disruption that ``TYPE_PARAMETERS`` describes, hitting what it hits."""
    types, type_impacts = [], []
    for d in disruptions:
        name = d["disruption"]
        if name not in TYPE_PARAMETERS:
            continue
        k = TYPE_PARAMETERS[name]
        types.append(
            {
                "disruption_type": name,
                "probability_per_yr": k["probability_per_yr"],
                "duration_min_years": k["duration"][0],
                "duration_max_years": k["duration"][1],
                "demand_multiplier_min": k["demand"][0],
                "demand_multiplier_max": k["demand"][1],
                "price_multiplier_min": k["price"][0],
                "price_multiplier_max": k["price"][1],
                "description": d.get("description", ""),
            }
        )
    named = {t["disruption_type"] for t in types}
    for row in impacts:
        if row["disruption"] not in named:
            continue
        a = row["availability"]
        type_impacts.append(
            {
                "disruption_type": row["disruption"],
                "material": row["material"],
                "group_type": row["group_type"],
                "group": row["group"],
                "availability_min": round(max(0.0, a - SPREAD), 6),
                "availability_max": round(min(1.0, a + SPREAD), 6),
            }
        )
    return {"disruption_types": types, "disruption_type_impacts": type_impacts}
