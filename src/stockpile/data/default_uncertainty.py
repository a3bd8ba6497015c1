"""The bundled dataset's description of uncertainty: the DisruptionTypes and
DisruptionTypeImpacts that ``stockpile stress`` samples.

Four kinds of event, each grounded in what happened in 2023-2025 (the sourced figures
are rows of the project's public-figures table) and, where no figure exists, in an
assumption with its reason: a Chinese export ban on the US, a DR Congo cobalt export
quota, a conflict in the Western Pacific and a Chinese graphite export control.

``default_dataset`` adds these tables and ``UNCERTAINTY_REFERENCES`` to the bundled
workbook. The ids used here are those of the default dataset: materials Dy_oxide,
Tb_oxide, Ga, Ge, Sb, W, Co, graphite; countries CN, CD, FI, ROW; blocs adversary,
allied, partner, other; source type seabed.

A note on prices: MODEL.md's ``price_multiplier`` applies to every purchase of the
future during the window, not only to the materials the event hits. The banned
materials' prices rose two- to fourfold outside China after past controls (sourced
below), but they are a small part of what the stockpile buys, so the multipliers here
are the modest rises of the stockpile's purchases as a whole.
"""

from __future__ import annotations

from typing import Any

#: Every figure used here, in the shape of ``default_dataset.REFERENCES``.
UNCERTAINTY_REFERENCES: list[dict[str, Any]] = []

_ASSUMED = "assumption of the default dataset (stockpile project)"
_YEAR = "2026"


def _sourced(
    ref_id: str, figure: str, material: str, value: Any, unit: str, year: str, source: str
) -> Any:
    UNCERTAINTY_REFERENCES.append(
        {
            "id": ref_id,
            "figure": figure,
            "material": material,
            "value": value,
            "unit": unit,
            "year": year,
            "source": source,
            "used_for": "DisruptionTypes, DisruptionTypeImpacts",
            "kind": "sourced",
            "note": "",
        }
    )
    return value


def _assumed(ref_id: str, figure: str, material: str, value: Any, unit: str, why: str) -> Any:
    UNCERTAINTY_REFERENCES.append(
        {
            "id": ref_id,
            "figure": figure,
            "material": material,
            "value": value,
            "unit": unit,
            "year": _YEAR,
            "source": _ASSUMED,
            "used_for": "DisruptionTypes, DisruptionTypeImpacts",
            "kind": "assumption",
            "note": why,
        }
    )
    return value


# fmt: off
# ----- what happened ----------------------------------------------------------------------
_sourced("us_ban_2024", "China export ban to the US (MOFCOM Announcement No. 46 of 2024) "
         "and suspension", "Ga, Ge, Sb",
         "banned 3 Dec 2024; ban suspended 9 Nov 2025 until 27 Nov 2026",
         "-", "2024-2026",
         "MOFCOM announcements 3 Dec 2024 and 9 Nov 2025; Reuters 3 Dec 2024 and 9-10 Nov 2025 "
         "(press)")
_sourced("ree_licensing_2025", "China export licensing on 7 medium/heavy REEs",
         "Dy_oxide, Tb_oxide", "in force from 4 Apr 2025", "-", "2025",
         "MOFCOM/GAC Announcement No. 18 of 2025 (4 Apr 2025)")
_sourced("ree_expansion_2025", "China Oct 2025 expansion of rare-earth controls",
         "rare earths", "announced 9 Oct 2025; suspended for one year from Nov 2025", "-",
         "2025", "Reuters/Business Times 7-9 Nov 2025; ORF America (press)")
_sourced("ga_price_2023", "Ga 4N price Rotterdam before / after the Jul 2023 controls", "Ga",
         "250-265 / 500-600", "USD/kg", "2023",
         "Fastmarkets, 'A make-or-break year for non-Chinese gallium market', 18 Dec 2023")
_sourced("sb_price_2024", "Sb Rotterdam price at the end of 2024 (+~250% in 2024)", "Sb",
         "39500-40000", "USD/t", "31 Dec 2024",
         "Reuters 6 Jan 2025 'China's export ban to push antimony prices to new highs' (press)")
_sourced("tb_price_2025", "Tb oxide price Europe after the Apr 2025 licensing", "Tb_oxide",
         "2000-4000", "USD/kg", "6 May 2025",
         "Argus data as reported by GMT Eight, 9 May 2025 (press)")
_sourced("drc_suspension_2025", "DRC cobalt export suspension", "Co",
         "from 22 Feb 2025 (4 months), extended 21 Jun 2025 (3 months), then to 15 Oct 2025",
         "-", "2025",
         "ARECOMS Decision 001/ARECOMS/2025 (22 Feb 2025) and press release 2025/003 "
         "(21 Jun 2025); Reuters 24-25 Feb 2025")
DRC_QUOTA_T = _sourced("drc_quota", "DRC cobalt export quota 2026 and 2027", "Co", 96600,
                       "t/yr", "2026-27",
                       "ARECOMS Decision 004/ARECOMS/2025 (African Mining, Sep 2025; "
                       "Reuters/Bloomberg 22 Sep 2025)")
WORLD_CO_T = _sourced("co_world_mine", "world mine production", "Co", 290000, "t", "2024e",
                      "USGS MCS 2025 (cobalt)")
DRC_SHARE_PCT = _sourced("co_drc_share", "DR Congo share of world mine output", "Co", 76, "%",
                         "2024e", "USGS MCS 2025 (cobalt)")
#: the quota as a share of DR Congo's 2024 output: 96,600 / (0.76 x 290,000) = 0.44
DRC_QUOTA_SHARE = DRC_QUOTA_T / (DRC_SHARE_PCT / 100 * WORLD_CO_T)

# ----- the disruption types ---------------------------------------------------------------
CN_BAN_MATERIALS = ("Dy_oxide", "Tb_oxide", "Ga", "Ge", "Sb", "W")

DISRUPTION_TYPES: list[dict[str, Any]] = [
    {"disruption_type": "cn_export_ban",
     "probability_per_yr": _assumed(
         "p_cn_ban", "yearly probability of a Chinese export ban on the US", "all", 0.15,
         "1/yr",
         "Three US-relevant Chinese restrictions in 2023-2025 (Ga/Ge licensing 2023, the US "
         "ban of Dec 2024, rare-earth licensing Apr 2025), the ban suspended in Nov 2025: a "
         "new outright ban in about one year in seven."),
     "duration_min_years": 1, "duration_max_years": _assumed(
         "d_cn_ban", "longest Chinese export ban", "all", 3, "yr",
         "The Dec 2024 ban lasted 11 months; the Apr 2025 licensing still holds."),
     "demand_multiplier_min": 1.0, "demand_multiplier_max": 1.0,
     "price_multiplier_min": 1.0, "price_multiplier_max": _assumed(
         "pm_cn_ban", "price multiplier of all purchases during a ban", "all", 1.3, "x",
         "Banned materials rose 2-4x outside China (Ga 2023, Sb 2024, Tb 2025) but are a "
         "small part of the stockpile's purchases; the multiplier applies to all of them."),
     "description": "China stops exports of heavy rare earths, Ga, Ge, Sb and W to the US "
                    "(as in Dec 2024 and Apr 2025)."},
    {"disruption_type": "drc_cobalt_quota",
     "probability_per_yr": _assumed(
         "p_drc", "yearly probability of a new DR Congo cobalt export restriction", "Co",
         0.1, "1/yr",
         "DR Congo suspended cobalt exports for eight months in 2025 and set quotas for "
         "2026-2027: a new episode about once a decade."),
     "duration_min_years": 1, "duration_max_years": 3,
     "demand_multiplier_min": 1.0, "demand_multiplier_max": 1.0,
     "price_multiplier_min": 1.0, "price_multiplier_max": 1.1,
     "description": "DR Congo caps cobalt exports (as its 2026-2027 quota of 96,600 t/yr)."},
    {"disruption_type": "pacific_conflict",
     "probability_per_yr": _assumed(
         "p_conflict", "yearly probability of a conflict in the Western Pacific", "all",
         0.01, "1/yr",
         "About 14 % over the 15 years, a little above the 5 % the listed broad_conflict "
         "holds as the one disruption of its future."),
     "duration_min_years": 2, "duration_max_years": 4,
     "demand_multiplier_min": 1.1, "demand_multiplier_max": _assumed(
         "mult_conflict", "defence demand multiplier in a conflict", "all", 1.4, "x",
         "The listed broad_conflict's +30 %, give or take ten points."),
     "price_multiplier_min": 1.2, "price_multiplier_max": 1.6,
     "description": "Conflict in the Western Pacific: no Chinese supply, shipping losses "
                    "on allied and partner supply, higher defence demand."},
    {"disruption_type": "cn_graphite_control",
     "probability_per_yr": _assumed(
         "p_graphite", "yearly probability of a Chinese graphite export cut", "graphite", 0.1,
         "1/yr",
         "China has licensed graphite exports since Dec 2023 and announced wider controls on "
         "battery graphite in Oct 2025 (suspended in Nov 2025)."),
     "duration_min_years": 1, "duration_max_years": 2,
     "demand_multiplier_min": 1.0, "demand_multiplier_max": 1.0,
     "price_multiplier_min": 1.0, "price_multiplier_max": 1.05,
     "description": "China withholds graphite export licences for the US."},
]

_ban_range = _assumed(
    "a_cn_ban", "Chinese supply of banned materials that still arrives", "Dy_oxide, Tb_oxide, "
    "Ga, Ge, Sb, W", (0.0, 0.2), "share",
    "Licences for some civil uses and transshipment let a little through.")
_quota_range = _assumed(
    "a_drc", "DR Congo cobalt available under a quota", "Co", (0.3, 0.6), "share",
    "Around the 2026-2027 quota's 44 % of 2024 output (96,600 t against 76 % of 290,000 t).")
_refined_range = _assumed(
    "a_drc_refiners", "cobalt of refiners fed from DR Congo", "Co", (0.6, 0.9), "share",
    "Finnish and rest-of-world refined cobalt is made largely from Congolese hydroxide.")

DISRUPTION_TYPE_IMPACTS: list[dict[str, Any]] = [
    *({"disruption_type": "cn_export_ban", "material": m, "group_type": "country",
       "group": "CN", "availability_min": _ban_range[0], "availability_max": _ban_range[1]}
      for m in CN_BAN_MATERIALS),
    {"disruption_type": "drc_cobalt_quota", "material": "Co", "group_type": "country",
     "group": "CD", "availability_min": _quota_range[0], "availability_max": _quota_range[1]},
    *({"disruption_type": "drc_cobalt_quota", "material": "Co", "group_type": "country",
       "group": c, "availability_min": _refined_range[0],
       "availability_max": _refined_range[1]} for c in ("FI", "ROW")),
    *({"disruption_type": "pacific_conflict", "material": "*", "group_type": gt, "group": g,
       "availability_min": lo, "availability_max": hi}
      for gt, g, lo, hi in _assumed(
          "a_conflict", "availability in a Pacific conflict", "all",
          (("bloc", "adversary", 0.0, 0.0), ("bloc", "allied", 0.6, 0.9),
           ("bloc", "partner", 0.4, 0.8), ("bloc", "other", 0.4, 0.8),
           ("source_type", "seabed", 0.2, 0.6)),
          "share",
          "Around the listed broad_conflict (allied 0.7, partner and other 0.5, seabed 0.5).")),
    {"disruption_type": "cn_graphite_control", "material": "graphite",
     "group_type": "country", "group": "CN", **dict(zip(
         ("availability_min", "availability_max"),
         _assumed("a_graphite", "Chinese graphite licensed during a control", "graphite",
                  (0.1, 0.5), "share",
                  "Licences slowed, not stopped, Chinese graphite after Dec 2023."),
         strict=True))},
]
# fmt: on


def uncertainty_tables() -> dict[str, list[dict[str, Any]]]:
    """The DisruptionTypes and DisruptionTypeImpacts rows, as ``Inputs.build`` takes them."""
    return {
        "disruption_types": [dict(k) for k in DISRUPTION_TYPES],
        "disruption_type_impacts": [dict(i) for i in DISRUPTION_TYPE_IMPACTS],
    }
