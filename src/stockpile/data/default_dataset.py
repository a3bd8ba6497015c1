"""The bundled default dataset: "US critical-minerals stockpile 2026-2040" (data version 2).

Readable Python data, turned into an ``Inputs`` by ``default_inputs()``. Every number is
either a sourced public figure or an assumption of this dataset. ``REFERENCES`` lists
both, one dict per figure, with ``kind`` "sourced" or "assumption" and, for an
assumption, its reasoning in ``note``. Sourced figures come from
``shared/data/public-figures.csv`` (USGS Mineral Commodity Summaries 2025, the TMC
NORI-D pre-feasibility study, CRS R47833, MOFCOM and DFARS texts, press and company
reports marked as such) or from ``public-figures-extra.csv`` beside this file (figures
found for this version, each with its address); a test checks that every sourced
figure is in one of the two lists.

Units: tonnes (t), USD (2024-25 prices, escalated from 2026), m3. Prices quoted per kg
or per lb in the sources are converted here, once.

What the data encodes (see README, "The default dataset"):

- The stockpile is the National Defense Stockpile: a US military end user. China bans
  dual-use exports to US military users (MOFCOM Announcement 46, Dec 2024; kept when
  the general US ban was suspended in Nov 2025), and from 2027 10 USC 4872 / DFARS
  225.7018 bar tungsten and rare-earth magnet materials mined or refined in China. So
  the stockpile buys no Chinese Ga, Ge, Sb, W, graphite or controlled rare earths at
  all (those sources are kept at zero capacity, so that a scenario can reopen them),
  Chinese NdPr only in 2026, and Chinese material only where no control applies (EMM).
- Prices are what the stockpile pays today outside China: the ex-China prices that
  followed the 2023-25 controls (Ga 687, Ge 5,000, Dy 800, Tb 3,625 USD/kg; Sb 60,000,
  W 50,440 USD/t), the DoD/MP NdPr floor of 110 USD/kg, Co at the 2025 DLA tender level.
- Four futures, with their probabilities: a Chinese export ban when the one-year
  suspension lapses (2027), the DR Congo cobalt quota kept and tightened, a Pacific
  conflict, a graphite ban. Futures, coverage floors and penalties size the stock;
  the standing target is small (60 days of essential demand).
- Holding cost reflects value: every site is a storage class (bulk yard, metals
  warehouse, two grades of climate-controlled vault) whose holding cost is storage
  plus an insurance-and-security charge on the value of what that class holds; each
  material is routed to, and kept in, its class (Sites, Routes, Rules). The capital
  charge on value is the discount rate: stock bought earlier is paid earlier.
- Expandable domestic capacity (rare-earth separation, Ga recovery, Ge refining, Sb
  smelting, graphite processing, nodule refining), costed from public awards.

The data tables are kept out of the formatter (``fmt: off``) so that one record stays
on one line.
"""

from __future__ import annotations

from typing import Any

from stockpile.data.default_uncertainty import UNCERTAINTY_REFERENCES, uncertainty_tables
from stockpile.data.inputs import Inputs

START_YEAR = 2026
END_YEAR = 2040
YEARS = range(START_YEAR, END_YEAR + 1)

#: Every figure used, sourced or assumed. Keys: id, figure, material, value, unit,
#: year, source, used_for, kind ("sourced" | "assumption"), note (why, for assumptions).
REFERENCES: list[dict[str, Any]] = []

ASSUMPTION_SOURCE = "assumption of the default dataset (stockpile project)"


def _sourced(
    ref_id: str,
    figure: str,
    material: str,
    value: Any,
    unit: str,
    year: str,
    source: str,
    used_for: str,
) -> Any:
    """Record a figure of public-figures.csv (or public-figures-extra.csv); return its value."""
    REFERENCES.append(
        {
            "id": ref_id,
            "figure": figure,
            "material": material,
            "value": value,
            "unit": unit,
            "year": year,
            "source": source,
            "used_for": used_for,
            "kind": "sourced",
            "note": "",
        }
    )
    return value


def _assumed(
    ref_id: str, figure: str, material: str, value: Any, unit: str, used_for: str, why: str
) -> Any:
    """Record an assumption of this dataset with its reasoning and return its value."""
    REFERENCES.append(
        {
            "id": ref_id,
            "figure": figure,
            "material": material,
            "value": value,
            "unit": unit,
            "year": str(START_YEAR),
            "source": ASSUMPTION_SOURCE,
            "used_for": used_for,
            "kind": "assumption",
            "note": why,
        }
    )
    return value


def _import_shares(
    ref_id: str, material: str, text: str, source: str, years: str = "2020-23"
) -> dict[str, float]:
    """Parse a USGS import-source text ("Canada 46; Norway 11; other 29") into percents."""
    _sourced(ref_id, "import sources", material, text, "%", years, source, "SupplyMix")
    parsed: dict[str, float] = {}
    for part in text.split(";"):
        name, pct = part.strip().rsplit(" ", 1)
        parsed[name] = float(pct)
    return parsed


_USGS = "USGS MCS 2025"
_KG_PER_T = 1000.0  # USD/kg * 1000 = USD/t
_LB_PER_T = 2204.62  # USD/lb * 2204.62 = USD/t

# fmt: off
# ======================================================================================
# Settings
# ======================================================================================
DISCOUNT_RATE = _assumed(
    "discount_rate", "real discount rate", "all", 0.03, "1/yr", "Settings.discount_rate",
    "Long-run real Treasury yields plus a margin; OMB Circular A-94 uses rates of this "
    "order. It is also the capital charge on the value of stock: a tonne bought a year "
    "earlier costs 3 % more in today's money, so holding costs below carry no capital "
    "charge of their own.",
)
RECOVERY_YEARS = _assumed(
    "recovery_years", "years to rebuild the standing target after a disruption", "all", 2,
    "yr", "Settings.recovery_years",
    "DLA's 2025 cobalt tender ran from solicitation (Aug 2025) to a planned award "
    "(Feb 2026) in about half a year, and its deliveries over five years; allied "
    "capacity answered the 2023-25 controls within one to two years (Lynas Dy May 2025, "
    "Tb Jun 2025; Ga projects in Europe for 2027). Two years to refill a 60-day target.",
)

# ======================================================================================
# Prices the stockpile pays outside China, USD per tonne
# ======================================================================================
_sourced("price_co_2024", "US spot cathode price", "Co", 37500, "USD/t (17 USD/lb)", "2024e",
         f"{_USGS} (cobalt)", "basis of the NORI-D by-product credit (2024 prices)")
_CO_USD_PER_LB = _sourced(
    "price_co_dla", "cobalt price when DLA cancelled its tender", "Co", 24, "USD/lb",
    "Dec 2025", "Inside Defense 14 Nov 2025; Reuters 4 Dec 2025 (press)",
    "Co price (x2204.62 = USD/t): the alloy-grade level under the DRC export ban and quotas")
_sourced("price_ga_china", "China primary low-purity gallium price (Jun / Oct 2024)", "Ga",
         "380 / 420", "USD/kg", "2024", "USGS MCS 2025 (gallium), p.74",
         "Chinese Ga at one grade (4N): 400 USD/kg, not the 220 low-purity import value")
_sourced("price_ga_rotterdam", "Rotterdam gallium price", "Ga", 687, "USD/kg", "May 2025",
         "CSIS 'Beyond Rare Earths: China's Growing Threat to Gallium Supply Chains', "
         "17 Jul 2025", "ex-China Ga price (4N, the same grade)")
_sourced("price_ge_fastmarkets", "Fastmarkets germanium price", "Ge", "~5000", "USD/kg",
         "10 Sep 2025", "Financial Times ~15 Sep 2025 citing Fastmarkets (press; via reprints)",
         "ex-China Ge price")
_sourced("price_sb_argus", "Europe antimony price, regulus grade II Rotterdam", "Sb",
         "59500-61000", "USD/t", "24 Jun 2025",
         "Argus, 'EU antimony softens slightly on improved availability', 24 Jun 2025",
         "ex-China Sb price: 60,000 USD/t, above the 38,600 of Nov 2024")
_sourced("price_sb_nov2024", "antimony price after Chinese export controls", "Sb", 17.5,
         "USD/lb (38,600 USD/t)", "Nov 2024", f"{_USGS} (antimony)",
         "floor of the ex-China Sb price (the 2025 price is above it)")
_sourced("price_dy_tb_benchmark", "Dy oxide / Tb oxide price CIF Europe", "Dy_oxide, Tb_oxide",
         "800 / 3625", "USD/kg", "Jul 2025",
         "Benchmark Mineral Intelligence, 'Rare earth prices show regional bifurcation', "
         "Jul-Aug 2025", "ex-China Dy and Tb oxide prices")
_sourced("price_dy_tb_argus_may", "Dy oxide / Tb oxide price Europe (Argus)", "Dy_oxide, Tb_oxide",
         "700-1000", "USD/kg", "6 May 2025", "Argus data as reported by GMT Eight, 9 May 2025 "
         "(press)",
         "check of the Dy price (Tb 2,000-4,000 the same day)")
_sourced("price_ndpr_floor", "DoD-MP Materials NdPr price floor", "NdPr_oxide", 110,
         "USD/kg NdPr oxide, 10 years", "Jul 2025",
         "MP Materials/DoD partnership release 10 Jul 2025 (as reported by Metal Tech News, NS "
         "Energy)",
         "NdPr from US producers")
_sourced("price_ndpr_argus", "NdPr oxide 99% price Europe (Argus)", "NdPr_oxide", "82.50-85",
         "USD/kg", "25 Sep 2025",
         "Argus European rare earth weekly review, 25 Sep 2025 (press; via "
         "rareearth-materials.com reprint)",
         "NdPr from Lynas (Malaysia): 85 USD/kg")
_sourced("price_y_argus", "Y oxide 99.999% price CIF Europe (Argus weekly)", "Y_oxide",
         "150-200", "USD/kg (90-105 one week earlier)", "25 Sep 2025",
         "Argus European rare earth weekly review, 25 Sep 2025 (press; via "
         "rareearth-materials.com reprint)",
         "ex-China Y oxide price: 200 USD/kg")
_sourced("price_y_reuters", "Y oxide price Europe after April 2025 export licensing", "Y_oxide",
         270, "USD/kg (+4400% since Jan 2025; Argus data)", "Nov 2025",
         "Reuters ~14-16 Nov 2025 citing Argus (press; via ADVFN/MarketScreener/Asia Financial "
         "reprints)",
         "check: the 200 USD/kg used is below the November level")
_sourced("price_sc_usgs", "Sc oxide 99.99% price, 5-kg lot, year-end", "Sc_oxide", 1000,
         "USD/kg (1 USD/g; 4 USD/g in 2020, 2 in 2021-22)", "2024e",
         "USGS Mineral Commodity Summaries 2025 (scandium), salient statistics (data release "
         "doi:10.5066/P13XCP3R; Stanford Materials)",
         "Sc oxide price")
_sourced("price_sm_china", "Sm oxide FOB China (SMM)", "Sm_oxide", "870-930", "USD/t",
         "26 Dec 2025", "SMM Rare Earth Overseas Weekly Review, 26 Dec 2025",
         "basis of the ex-China Sm price (assumption below)")
_sourced("price_gd_china", "Gd oxide price China domestic (SMM)", "Gd_oxide", "161000-163000",
         "CNY/t (~22 USD/kg)", "30 Apr 2025", "SMM rare earth daily review, 30 Apr 2025",
         "basis of the ex-China Gd price (assumption below)")
_sourced("price_lu_china", "Lu oxide listed price China", "Lu_oxide", "5200000-5300000",
         "CNY/t (~830 USD/kg)", "Mar 2022",
         "China Southern Rare Earth listed prices, 7 Mar 2022 (Mysteel)",
         "basis of the ex-China Lu price (assumption below)")
_sourced("price_w_apt", "APT price European spot market", "W", 400, "USD/mtu WO3",
         "May 2025", "Reuters 15 May 2025 (press)",
         "ex-China W price: 400 / 7.93 kg W per mtu WO3 = 50,440 USD/t W")
_sourced("price_emm_china", "electrolytic manganese flake 99.7% fob China", "Mn", "1675-1720",
         "USD/t", "18 Aug 2023", "Fastmarkets 23 Aug 2023 (press)",
         "Chinese EMM at 1,700 USD/t; ex-China EMM 25 % above (assumption below)")
EX_CHINA_PREMIUM: dict[str, float] = _assumed(
    "ex_china_premium", "ex-China price over the Chinese price, where no ex-China price is "
    "assessed", "Sm_oxide, Gd_oxide, Lu_oxide, Mn", {"Sm_oxide": 16.7, "Gd_oxide": 3.0,
    "Lu_oxide": 1.45, "Mn": 1.25}, "x Chinese price", "Sources.cost_usd_per_unit",
    "Where Europe has a price the 2025 controls opened gaps of 3.6x (Dy 800 vs 220), 3.9x "
    "(Tb 3,625 vs 935) and 25-40x (Y 150-270 vs 7). Sm from the first non-Chinese "
    "separators (Lynas Apr 2026, MP 2028) is priced at 15 USD/kg (16.7x a 0.9 USD/kg FOB "
    "China price that does not cover a new plant's cost); Gd 3x like Dy and Tb; Lu "
    "1.45x (1,200 USD/kg: its Chinese price is already high); EMM from South Africa "
    "25 % above Chinese flake.",
)
PRICE_USD_PER_T: dict[str, float] = {
    "Ni": _sourced("price_ni", "LME cash price", "Ni", 17000, "USD/t", "2024e",
                   f"{_USGS} (nickel)", "Ni source costs, penalty, resale"),
    "Co": round(_CO_USD_PER_LB * _LB_PER_T),
    "Cu": _sourced("price_cu", "COMEX price", "Cu", 9260, "USD/t (420 USc/lb)", "2024e",
                   f"{_USGS} (copper)", "Cu source costs, penalty, resale"),
    "Mn": round(1700 * EX_CHINA_PREMIUM["Mn"]),
    "Mn_silicate": _sourced("price_mn_ore", "ore price 44% Mn CIF China", "Mn_silicate", 580,
                            "USD/t Mn (5.80 USD/mtu)", "2024e", f"{_USGS} (manganese)",
                            "value of nodule Mn (silicate), resale at half"),
    "NdPr_oxide": 110 * _KG_PER_T,
    "Dy_oxide": 800 * _KG_PER_T,
    "Tb_oxide": 3625 * _KG_PER_T,
    "Sm_oxide": 15 * _KG_PER_T,
    "Gd_oxide": 65 * _KG_PER_T,
    "Lu_oxide": 1200 * _KG_PER_T,
    "Sc_oxide": 1000 * _KG_PER_T,
    "Y_oxide": 200 * _KG_PER_T,
    "Ga": 687 * _KG_PER_T,
    "Ge": 5000 * _KG_PER_T,
    "Sb": 60000.0,
    "graphite": _sourced("price_graphite", "flake import unit value", "graphite", 1070,
                         "USD/t", "2024e", f"{_USGS} (graphite)",
                         "non-Chinese flake graphite cost, penalty"),
    "W": round(400 / 7.93 * _KG_PER_T),
}
P = PRICE_USD_PER_T  # short name for the source table
#: Prices of the Chinese sources kept at zero capacity (what they would cost).
CHINA_PRICE_USD_PER_T: dict[str, float] = {
    "NdPr_oxide": _sourced("price_nd_oxide", "Nd oxide price", "NdPr_oxide", 56, "USD/kg",
                           "2024e", f"{_USGS} (rare earths)",
                           "Chinese NdPr (2026 only)") * _KG_PER_T,
    "Dy_oxide": 220 * _KG_PER_T,   # SMM 30 Apr 2025, derived
    "Tb_oxide": 935 * _KG_PER_T,   # SMM 30 Apr 2025, derived
    "Ga": 400 * _KG_PER_T,         # USGS: 380 (Jun 2024) to 420 (Oct 2024)
    "Ge": _sourced("price_ge_china", "China domestic germanium ingot price record", "Ge", 13250,
                   "CNY/kg (~1826 USD/kg)", "mid 2024",
                   "Reuters citing SMM, 2024 (press; via Amwal Al Ghad)",
                   "Chinese Ge (zero capacity)") / 13250 * 1826 * _KG_PER_T,
    "Sb": _sourced("price_sb", "antimony metal price", "Sb", 20900,
                   "USD/t (9.50 USD/lb; 17.50 USD/lb in Nov 2024)", "2024e",
                   f"{_USGS} (antimony)", "Chinese Sb (zero capacity)"),
    "W": _sourced("price_w", "concentrate price", "W", 31500, "USD/t W (250 USD/mtu WO3)",
                  "2024e", f"{_USGS} (tungsten)", "Chinese W (zero capacity)"),
    "graphite": 950.0,             # below the 1,070 import unit value
    "Mn": 1700.0,                  # Fastmarkets fob China
}
_sourced("price_dy_tb_china", "Dy oxide / Tb oxide price China domestic (SMM)",
         "Dy_oxide, Tb_oxide", "1590000-1610000 / 6720000-6750000",
         "CNY/t (~220 / ~935 USD/kg)", "30 Apr 2025", "SMM rare earth daily review, 30 Apr 2025",
         "Chinese Dy and Tb (zero capacity)")

# ======================================================================================
# Materials
# ======================================================================================
MATERIAL_INFO: dict[str, str] = {
    "Ni": "Nickel metal (cathode, briquettes), t Ni",
    "Co": "Cobalt metal, alloy grade (cut cathode, rounds), t Co",
    "Cu": "Copper cathode, t Cu",
    "Mn": "Electrolytic manganese metal (EMM flake, 99.7 % Mn), t",
    "Mn_silicate": "Manganese silicate from nodule smelting (co-product, resold, never a "
                   "stockpile material), t Mn content",
    "NdPr_oxide": "Neodymium-praseodymium oxide, t oxide",
    "Dy_oxide": "Dysprosium oxide, t oxide",
    "Tb_oxide": "Terbium oxide, t oxide",
    "Sm_oxide": "Samarium oxide (feed of SmCo alloy), t oxide",
    "Gd_oxide": "Gadolinium oxide, t oxide",
    "Lu_oxide": "Lutetium oxide, t oxide",
    "Sc_oxide": "Scandium oxide, t oxide",
    "Y_oxide": "Yttrium oxide (99.999 %), t oxide",
    "Ga": "Gallium metal (4N), t Ga",
    "Ge": "Germanium metal, t Ge",
    "Sb": "Antimony metal (ingot), t Sb",
    "graphite": "Natural flake graphite, t",
    "W": "Tungsten, t W content (APT or concentrate)",
}
MATERIALS = tuple(MATERIAL_INFO)

#: Materials under Chinese export control (licensing since 2023-25; banned to US military
#: end users): the seven rare earths of April 2025, Ga, Ge, Sb, W and graphite.
EXPORT_CONTROLLED = ("Dy_oxide", "Tb_oxide", "Sm_oxide", "Gd_oxide", "Lu_oxide", "Sc_oxide",
                     "Y_oxide", "Ga", "Ge", "Sb", "W", "graphite")
_sourced("mofcom_ree_2025", "China export licensing on 7 medium/heavy REEs (Sm, Gd, Tb, Dy, Lu, "
         "Sc, Y), incl. SmCo and NdFeB magnet materials", "Sm_oxide, Gd_oxide, Tb_oxide, "
         "Dy_oxide, Lu_oxide, Sc_oxide, Y_oxide", "in force from 4 Apr 2025", "-", "2025",
         "MOFCOM/GAC Announcement No. 18 of 2025 (4 Apr 2025)",
         "EXPORT_CONTROLLED; the cn_export_ban future")
_sourced("mofcom_w_2025", "China export controls on tungsten, tellurium, bismuth, molybdenum "
         "and indium items", "W", "in force from 4 Feb 2025", "-", "2025",
         "MOFCOM/GAC announcement 4 Feb 2025 (Xinhua)",
         "EXPORT_CONTROLLED; no Chinese W for the stockpile (military end user)")
for _m, _rid in (("Ga", "ga"), ("Ge", "ge"), ("Sb", "sb")):
    _sourced(f"mofcom_ban_{_rid}", "China export ban to the US (MOFCOM Announcement No. 46 of "
             "2024) and suspension", _m, "banned 3 Dec 2024; ban suspended 9 Nov 2025 until "
             "27 Nov 2026 (licences still required; ban on US military end users stays)", "-",
             "2024-2026", "MOFCOM announcements 3 Dec 2024 and 9 Nov 2025; Reuters 3 Dec 2024 "
             "and 9-10 Nov 2025 (press)",
             "correction 1: Chinese source at zero capacity (the stockpile is a military end "
             "user); the cn_export_ban future from 2027 (suspension lapses)")

#: Each material is kept in one storage class (see Sites): bulk yard, metals warehouse,
#: or a climate-controlled vault of grade B or A.
STORAGE_CLASS: dict[str, str] = _assumed(
    "storage_class", "storage class of each material", "all",
    {"Ni": "bulk", "Cu": "bulk", "Mn": "bulk", "Mn_silicate": "bulk", "graphite": "bulk",
     "Co": "metals", "Sb": "metals", "W": "metals", "Sm_oxide": "metals", "Gd_oxide": "metals",
     "NdPr_oxide": "vault_b", "Dy_oxide": "vault_b", "Y_oxide": "vault_b", "Ga": "vault_b",
     "Tb_oxide": "vault_a", "Lu_oxide": "vault_a", "Sc_oxide": "vault_a", "Ge": "vault_a"},
    "-", "Sites, Routes, Rules (class rules)",
    "By value per tonne: bulk < 20 kUSD/t (yard or shed), metals 15-65 kUSD/t (covered "
    "warehouse), vault B 0.1-0.8 MUSD/t and vault A > 1 MUSD/t (secured, climate-"
    "controlled). Gallium (melts at 29.8 C) goes to a climate-controlled vault only, "
    "never to the Wenden desert yard.",
)

# m3 per t = 1 / (density * packing); packing covers drums, pallets and aisles.
VOLUME_M3_PER_T: dict[str, float] = {
    m: _assumed(f"volume_{m}", "storage volume", m, v, "m3/t", "Materials.volume_m3_per_t",
                why)
    for m, v, why in (
        ("Ni", 0.25, "density 8.9 t/m3, briquettes/cathode on pallets, ~45 % packing"),
        ("Co", 0.25, "density 8.9 t/m3, cathode in drums, ~45 % packing"),
        ("Cu", 0.20, "density 8.96 t/m3, strapped cathode bundles, ~55 % packing"),
        ("Mn", 0.30, "EMM flake (density 7.2 t/m3) in drums and big bags, ~45 % packing"),
        ("Mn_silicate", 1.20, "~40 % Mn silicate slag at ~3.5 t/m3, 60 % packing, per t Mn"),
        ("NdPr_oxide", 0.50, "oxide powder in steel drums, ~2 t/m3 as stored"),
        ("Dy_oxide", 0.50, "oxide powder in steel drums, ~2 t/m3 as stored"),
        ("Tb_oxide", 0.50, "oxide powder in steel drums, ~2 t/m3 as stored"),
        ("Sm_oxide", 0.50, "oxide powder in steel drums, ~2 t/m3 as stored"),
        ("Gd_oxide", 0.50, "oxide powder in steel drums, ~2 t/m3 as stored"),
        ("Lu_oxide", 0.50, "oxide powder in steel drums, ~2 t/m3 as stored"),
        ("Sc_oxide", 0.60, "light oxide powder (3.9 t/m3 solid) in drums, ~1.7 t/m3 stored"),
        ("Y_oxide", 0.50, "oxide powder in steel drums, ~2 t/m3 as stored"),
        ("Ga", 0.30, "density 5.9 t/m3, ingots in plastic bottles and cases, ~55 % packing"),
        ("Ge", 0.35, "density 5.3 t/m3, ingots in cases, ~55 % packing"),
        ("Sb", 0.30, "density 6.7 t/m3, ingots on pallets, ~50 % packing"),
        ("graphite", 1.60, "flake in bulk bags, ~0.6 t/m3 stacked"),
        ("W", 0.60, "APT/concentrate at ~3.2 t/m3 bulk, per t W"),
    )
}

PENALTY_PRICE_MULTIPLE: dict[str, float] = _assumed(
    "penalty_multiple", "shortfall penalty as a multiple of price", "all",
    {m: 0.0 if m == "Mn_silicate" else 10.0 if m in EXPORT_CONTROLLED else 5.0
     for m in MATERIALS}, "x price", "Materials.shortfall_penalty_usd_per_t",
    "An unmet essential tonne idles defence and grid production worth many times its "
    "price: 10x where China controls exports, 5x elsewhere; nodule Mn silicate is not "
    "a stockpile material (no need, no penalty).",
)
PENALTY_USD_PER_T = {m: P[m] * PENALTY_PRICE_MULTIPLE[m] for m in MATERIALS}

MIN_COVERAGE: dict[str, float] = _assumed(
    "min_coverage", "minimum covered share of disruption need", "all",
    {"Ni": 0.2, "Co": 0.5, "Cu": 0.2, "Mn": 0.3, "Mn_silicate": 0.0, "NdPr_oxide": 0.6,
     "Dy_oxide": 0.8, "Tb_oxide": 0.8, "Sm_oxide": 0.5, "Gd_oxide": 0.5, "Lu_oxide": 0.5,
     "Sc_oxide": 0.5, "Y_oxide": 0.5, "Ga": 0.8, "Ge": 0.8, "Sb": 0.7, "W": 0.7,
     "graphite": 0.5},
    "share", "Materials.min_coverage",
    "0.8 for the magnet heavies and Ga, Ge (the 2023-25 control targets with US "
    "capacity in sight); 0.5 for Sm, Gd, Lu, Sc, Y, whose non-Chinese separation only "
    "starts 2026-28 (a higher floor could not be met in a 2027 ban: it would make the "
    "plan infeasible, not safer); 0.2-0.3 for Ni, Cu, Mn, whose supply is deep.",
)

# Co-product output that is not stockpiled is sold as an intermediate (matte, mixed
# oxide, black-mass metals, Mn silicate) at payables below the refined price. These
# shares keep every co-product source's resale value below its cost (a test checks it).
RESALE_SHARE: dict[str, float] = _assumed(
    "resale_share", "resale price of unstockpiled co-product, share of price",
    "co-products", {"Ni": 0.7, "Co": 0.6, "Cu": 0.75, "Mn_silicate": 0.5, "NdPr_oxide": 0.6,
                    "Dy_oxide": 0.6, "Tb_oxide": 0.6, "Sm_oxide": 0.6, "Gd_oxide": 0.6,
                    "Lu_oxide": 0.6, "Y_oxide": 0.6},
    "share of price", "Materials.resale_usd_per_t",
    "Typical payables of intermediates (matte 70-80 %, Mn silicate and mixed oxides "
    "lower); resale stays below the cost of every co-product source.",
)
RESALE_USD_PER_T = {m: P[m] * RESALE_SHARE.get(m, 0.0) for m in MATERIALS}

# ======================================================================================
# Countries
# ======================================================================================
COUNTRIES: dict[str, str] = _assumed(
    "blocs", "bloc of each country", "all",
    {
        "US": "domestic",
        "CA": "allied", "AU": "allied", "NO": "allied", "FI": "allied", "JP": "allied",
        "BE": "allied", "DE": "allied", "EE": "allied", "KR": "allied", "GR": "allied",
        "CL": "partner", "MX": "partner", "PE": "partner", "BR": "partner",
        "GA": "partner", "ZA": "partner", "MY": "partner", "ID": "partner",
        "IN": "partner", "MZ": "partner", "VN": "partner", "PH": "partner",
        "BO": "other",   # Bolivia
        "ROW": "other",  # rest of world: the lumped "other" of the USGS import shares
        "CN": "adversary",
    },
    "-", "Countries.bloc",
    "Treaty allies are allied, trade and minerals partners partner, China adversary; "
    "Bolivia and the lumped rest of world other.",
)

# ======================================================================================
# Essential demand (what futures protect), targets
# ======================================================================================
_sourced("cons_ni_primary", "US apparent consumption (total / primary)", "Ni", "180000 / 84000",
         "t Ni", "2024e", f"{_USGS} (nickel)",
         "correction 12: essential demand on primary Ni (84,000 t), without scrap")
_sourced("scrap_ni", "scrap share of apparent consumption", "Ni", 54, "%", "2024",
         f"{_USGS} (nickel)", "why scrap is left out: it is domestic and survives every future")
_sourced("cons_co", "US apparent consumption", "Co", 8500, "t Co", "2024e",
         f"{_USGS} (cobalt)", "essential demand base (with scrap: the US share of SupplyMix)")
_sourced("cons_cu", "US apparent consumption", "Cu", 1800000, "t", "2024e",
         f"{_USGS} (copper)", "essential demand base (with scrap: the US share of SupplyMix)")
_sourced("cons_ree_total", "US apparent consumption (compounds and metals)", "rare earths",
         6600, "t REO", "2024e", f"{_USGS} (rare earths)",
         "correction 10: not used for magnet rare earths (mostly La/Ce catalysts)")
_sourced("ree_end_use", "leading domestic end use of rare earths (compounds and metals)",
         "rare earths", "catalysts", "-", "2024", "USGS MCS 2025 (rare earths), p.144",
         "why the 6,600 t REO is not the magnet demand")
_sourced("magnets_from_china", "China exports of rare-earth permanent magnets to the US",
         "NdPr_oxide, Dy_oxide, Tb_oxide", 353, "t in June 2025 (about half of June 2024)",
         "2025", "CNBC Jul 2025 citing China customs (press; via NAM)",
         "US NdFeB magnet consumption ~8,500 t/yr (~700 t a month in 2024)")
MAGNET_T_PER_YR = _assumed(
    "magnet_consumption", "US NdFeB magnet consumption", "NdPr_oxide, Dy_oxide, Tb_oxide",
    8500, "t magnets/yr", "magnet rare-earth demand (correction 10)",
    "China shipped ~700 t of magnets a month to the US in 2024 (June 2025's 353 t was "
    "half of June 2024) and supplies most US NdFeB; US plants add ~1,000 t (MP "
    "Independence). ~8,500 t/yr, the order of the 10,000 t/yr US capacity MP's 10X plant "
    "is meant to complete.",
)
MAGNET_CONTENT: dict[str, float] = _assumed(
    "magnet_content", "oxide per t of NdFeB magnet", "NdPr_oxide, Dy_oxide, Tb_oxide",
    {"NdPr_oxide": 0.30 * 1.17, "Dy_oxide": 0.015 * 1.148, "Tb_oxide": 0.003 * 1.176},
    "t oxide/t magnet", "Demand.demand_t (magnet rare earths)",
    "NdFeB holds ~30 % Nd+Pr, 1.5 % Dy and 0.3 % Tb on average (more in high-temperature "
    "defence and EV grades); oxide factors 1.17, 1.148, 1.176.",
)
_sourced("cons_y", "US apparent consumption", "Y_oxide", 500, "t Y2O3 equivalent", "2024e",
         "USGS Mineral Commodity Summaries 2025 (yttrium), salient statistics (data release "
         "doi:10.5066/P13XCP3R)",
         "essential demand base")
_sourced("cons_ga", "US reported consumption", "Ga", 19000, "kg", "2024e",
         f"{_USGS} (gallium)", "essential demand base (19 t)")
_sourced("imports_ge_t", "US imports metal + dioxide (Ge content)", "Ge", "20000 + 13000",
         "kg", "2024e", f"{_USGS} (germanium)", "essential demand base (33 t)")
_sourced("cons_sb", "US apparent consumption", "Sb", 24000, "t", "2024e",
         f"{_USGS} (antimony)", "essential demand base")
_sourced("cons_graphite", "US apparent consumption (natural)", "graphite", 52000, "t",
         "2024e", f"{_USGS} (graphite)", "essential demand base")
_sourced("sm_f35", "SmCo magnet mass per F-35", "Sm_oxide", "~22", "kg (~50 lb)", "2025",
         "New York Times 9 Jun 2025 (press; via NZ Herald)", "why Sm demand is mostly defence")
MINOR_CONSUMPTION_T: dict[str, float] = _assumed(
    "cons_minor", "US consumption where USGS gives none", "Mn, Sm_oxide, Gd_oxide, Lu_oxide, "
    "Sc_oxide, W", {"Mn": 40000, "Sm_oxide": 150, "Gd_oxide": 200, "Lu_oxide": 5,
                    "Sc_oxide": 15, "W": 10000}, "t/yr", "Demand.demand_t",
    "USGS withholds or lumps these. EMM: aluminium alloys and specialty steels, ~40 kt "
    "a year of imports. Sm: US SmCo magnet makers (Arnold, Electron Energy) and imports, "
    "~25-35 % Sm by mass. Gd: MRI contrast agents, nuclear absorbers, magnet additive. "
    "Lu: LYSO PET scintillators and Lu-177 targets, a few tonnes. Sc: solid-oxide fuel "
    "cells and Al-Sc alloys, part of a world market of < 40 t/yr (Project Blue). W: "
    "imports of about 10 kt W a year with net import reliance > 50 %.",
)
_sourced("sc_market", "world market size", "Sc_oxide", "<40", "t/yr", "2022",
         "Project Blue, 'Are we approaching a scandium boom?' 10 Jan 2023 (analyst)",
         "bound on the assumed US Sc consumption (15 t/yr)")

# material: (base consumption t/yr, essential share, growth per yr)
_DEMAND_PLAN: dict[str, tuple[float, float, float]] = {
    "Ni":         (84000,                                  0.20, 0.02),
    "Co":         (8500,                                   0.40, 0.03),
    "Cu":         (1800000,                                0.05, 0.015),
    "Mn":         (MINOR_CONSUMPTION_T["Mn"],              0.30, 0.01),
    "NdPr_oxide": (MAGNET_T_PER_YR * MAGNET_CONTENT["NdPr_oxide"], 0.30, 0.04),
    "Dy_oxide":   (MAGNET_T_PER_YR * MAGNET_CONTENT["Dy_oxide"],   0.30, 0.04),
    "Tb_oxide":   (MAGNET_T_PER_YR * MAGNET_CONTENT["Tb_oxide"],   0.30, 0.04),
    "Sm_oxide":   (MINOR_CONSUMPTION_T["Sm_oxide"],        0.60, 0.03),
    "Gd_oxide":   (MINOR_CONSUMPTION_T["Gd_oxide"],        0.30, 0.02),
    "Lu_oxide":   (MINOR_CONSUMPTION_T["Lu_oxide"],        0.50, 0.05),
    "Sc_oxide":   (MINOR_CONSUMPTION_T["Sc_oxide"],        0.30, 0.05),
    "Y_oxide":    (500,                                    0.30, 0.02),
    "Ga":         (19,                                     0.60, 0.03),
    "Ge":         (33,                                     0.50, 0.02),
    "Sb":         (24000,                                  0.20, 0.01),
    "graphite":   (52000,                                  0.20, 0.04),
    "W":          (MINOR_CONSUMPTION_T["W"],               0.30, 0.01),
}
_assumed(
    "essential_share", "essential share of US consumption", "all",
    {m: v[1] for m, v in _DEMAND_PLAN.items()}, "share", "Demand.demand_t (2026)",
    "Defence and critical-infrastructure uses: 5 % of Cu (defence, grid-critical), 20 % "
    "of primary Ni, Sb (munitions, critical flame retardants) and graphite, 30 % of "
    "magnet rare earths, Y, Gd, Sc, W and EMM, 40 % of Co (superalloys), 50-60 % of Ge, "
    "Ga, Lu and Sm (IR optics, GaN radar, medical isotopes, SmCo magnets).",
)
_assumed(
    "demand_growth", "growth of essential demand", "all",
    {m: v[2] for m, v in _DEMAND_PLAN.items()}, "1/yr", "Demand.demand_t (2027-2040)",
    "Faster for battery and magnet materials and Lu, Sc (electrification, defence "
    "magnets, isotopes, fuel cells), 1-2 %/yr for the others.",
)
_sourced(
    "project_vault", "Project Vault (US Strategic Critical Minerals Reserve)", "all",
    "10000 EXIM loan (15-yr) + 1670 private", "USD million (~12 bn total; target ~60-day "
    "supply for participating manufacturers)", "Feb 2026",
    "EXIM/White House announcement 2 Feb 2026 (GTR, Foley, Bloomberg reports; press)",
    "the standing target's benchmark (60 days); not in the Budget (see budget)")
TARGET_DAYS = _assumed(
    "target_days", "standing stock target", "all", 60, "days of essential demand",
    "Targets.min_stock_t",
    "Project Vault's own benchmark, ~60 days of supply. A floor to rebuild after a "
    "disruption (recovery_years); futures, coverage floors and penalties size the rest.",
)
TARGET_MATERIALS: tuple[str, ...] = _assumed(
    "target_materials", "materials with a standing target", "all",
    ("Co", "NdPr_oxide", *EXPORT_CONTROLLED), "-", "Targets",
    "Materials whose supply is concentrated in China or the DRC. Ni, Cu and EMM, with "
    "deep allied supply, get no standing target: only the futures size their stock.",
)
TARGET_RAMP: dict[int, float] = _assumed(
    "target_ramp", "share of the 60-day target required at year-end", "all",
    {2026: 0.25, 2027: 0.50, 2028: 0.75}, "share", "Targets.min_stock_t",
    "Linear build-up to the full 60 days in 2029 (1.0 from then on). The target is a "
    "floor; futures, coverage floors and penalties size the rest of the stock.",
)

# ======================================================================================
# Normal supply mix: the US share is 1 - net import reliance; imports are split by the
# USGS import-source shares; USGS "other" (and rounding) goes to ROW. Where USGS gives no
# element-level shares the mix is an assumption (MIX_ASSUMED).
# ======================================================================================
NET_IMPORT_RELIANCE: dict[str, float] = {
    "Ni": _assumed("nir_ni_primary", "net import reliance, primary nickel", "Ni", 100, "%",
                   "SupplyMix (no US share)",
                   "The US Eagle mine's concentrate is refined abroad; with scrap left out of "
                   "the demand, all primary Ni is imported (48 % is the total with scrap).") / 100,
    "Co": _sourced("nir_co", "US net import reliance", "Co", 76, "%", "2024e",
                   f"{_USGS} (cobalt)", "SupplyMix US share") / 100,
    "Cu": _sourced("nir_cu", "US net import reliance", "Cu", 45, "%", "2024e",
                   f"{_USGS} (copper)", "SupplyMix US share") / 100,
    "NdPr_oxide": _sourced("nir_ree", "US net import reliance", "NdPr_oxide", 80, "%",
                           "2024e", f"{_USGS} (rare earths)", "SupplyMix US share") / 100,
    "Ga": _sourced("nir_ga", "US net import reliance", "Ga", 100, "%", "2024e",
                   f"{_USGS} (gallium)", "SupplyMix (no US share)") / 100,
    "Ge": _assumed("nir_ge", "US net import reliance", "Ge", 70, "%", "SupplyMix US share",
                   "USGS gives > 50 %; 70 % leaves 30 % to domestic scrap recovery.") / 100,
    "Sb": _sourced("nir_sb", "US net import reliance", "Sb", 85, "%", "2024e",
                   f"{_USGS} (antimony)", "SupplyMix US share") / 100,
    "graphite": _sourced("nir_graphite", "US net import reliance", "graphite", 100, "%",
                         "2024e", f"{_USGS} (graphite)", "SupplyMix (no US share)") / 100,
    "W": _assumed("nir_w", "US net import reliance", "W", 70, "%", "SupplyMix US share",
                  "USGS gives > 50 %; no US mine output, about 30 % from scrap.") / 100,
}
_sourced("nir_ge_usgs", "US net import reliance", "Ge", ">50", "%", "2024e",
         f"{_USGS} (germanium)", "lower bound of the assumed 70 %")
_sourced("nir_w_usgs", "US net import reliance", "W", ">50", "%", "2024e",
         f"{_USGS} (tungsten)", "lower bound of the assumed 70 %")

IMPORT_SHARES_PCT: dict[str, dict[str, float]] = {
    "Ni": _import_shares("imports_ni", "Ni",
                         "Canada 46; Norway 11; Australia 8; Brazil 6; other 29",
                         f"{_USGS} (nickel)"),
    "Co": _import_shares("imports_co", "Co",
                         "Norway 27; Finland 17; Japan 14; Canada 13; other 29",
                         f"{_USGS} (cobalt)"),
    "Cu": _import_shares("imports_cu", "Cu",
                         "Chile 65; Canada 17; Mexico 9; Peru 6; other 3",
                         f"{_USGS} (copper)"),
    "NdPr_oxide": _import_shares("imports_ree", "NdPr_oxide",
                                 "China 70; Malaysia 13; Japan 6; Estonia 5; other 6",
                                 f"{_USGS} (rare earths)"),
    "Ga": _import_shares("imports_ga", "Ga",
                         "Japan 24; China 19; Germany 19; Canada 17; other 21",
                         f"{_USGS} (gallium)"),
    # these add to 95 %: the missing 5 % goes to ROW
    "Ge": _import_shares("imports_ge", "Ge", "Belgium 42; Canada 23; China 23; Germany 7",
                         f"{_USGS} (germanium)"),
    "Sb": _import_shares("imports_sb", "Sb",
                         "China 63; Belgium 8; India 6; Bolivia 5; other 18",
                         f"{_USGS} (antimony)"),
    "graphite": _import_shares("imports_graphite", "graphite",
                               "China 43; Canada 13; Mexico 13; Mozambique 13; other 18",
                               f"{_USGS} (graphite)"),
    "W": _import_shares("imports_w", "W",
                        "China 27; Germany 14; Bolivia 8; Vietnam 8; other 43",
                        f"{_USGS} (tungsten)"),
}
_sourced("china_dy_tb_refining", "China refinery share of Dy and Tb", "Dy_oxide, Tb_oxide",
         "up to 99.9", "%", "2025",
         "New York Times (K. Bradsher) early Jun 2025 (press; via blog quotation 4 Jun 2025)",
         "SupplyMix of Dy and Tb")
_sourced("china_sm", "China share of world supply", "Sm_oxide", 100,
         "% ('entire world supply')", "2025", "New York Times (K. Bradsher) 9 Jun 2025 (press)",
         "SupplyMix of Sm")
_sourced("china_y", "US imports from China (share)", "Y_oxide", 93, "%", "2020-23",
         "USGS MCS 2025 (yttrium) import sources as quoted by Reuters ~14 Nov 2025 (press); "
         "MCS 2025 Fig. 2 lists China then Germany", "SupplyMix of Y")
_sourced("sc_imports", "US import sources (descending)", "Sc_oxide", "Japan; China; Philippines",
         "-", "2020-23",
         "USGS Mineral Commodity Summaries 2025 Fig. 2 (net import reliance) data release",
         "SupplyMix of Sc (order; shares assumed)")
MIX_ASSUMED: dict[str, dict[str, float]] = _assumed(
    "mix_assumed", "normal US supply by country where USGS gives no element shares",
    "Mn, Dy_oxide, Tb_oxide, Sm_oxide, Gd_oxide, Lu_oxide, Sc_oxide, Y_oxide",
    {"Mn": {"CN": 0.65, "ZA": 0.30, "ROW": 0.05},
     "Dy_oxide": {"CN": 0.90, "MY": 0.07, "ROW": 0.03},
     "Tb_oxide": {"CN": 0.90, "MY": 0.07, "ROW": 0.03},
     "Sm_oxide": {"CN": 0.97, "ROW": 0.03},
     "Gd_oxide": {"CN": 0.92, "MY": 0.03, "ROW": 0.05},
     "Lu_oxide": {"CN": 0.95, "ROW": 0.05},
     "Sc_oxide": {"JP": 0.45, "CN": 0.35, "PH": 0.20},
     "Y_oxide": {"CN": 0.93, "DE": 0.04, "ROW": 0.03}},
    "share", "SupplyMix",
    "China refines up to 99.9 % of Dy and Tb and all Sm (NYT 2025); Lynas (Malaysia) "
    "began Dy and Tb in 2025; 93 % of US Y imports are Chinese (USGS via Reuters); Sc "
    "comes from Japan (Sumitomo, Philippine HPAL feed), China, the Philippines; EMM is "
    "~95 % Chinese worldwide, South Africa's Manganese Metal Company the main other "
    "producer.",
)
COUNTRY_ID: dict[str, str] = {
    "Canada": "CA", "Norway": "NO", "Australia": "AU", "Brazil": "BR", "Finland": "FI",
    "Japan": "JP", "Chile": "CL", "Mexico": "MX", "Peru": "PE", "Malaysia": "MY",
    "China": "CN", "Estonia": "EE", "Germany": "DE", "Belgium": "BE", "India": "IN",
    "Bolivia": "BO", "Mozambique": "MZ", "Vietnam": "VN", "other": "ROW",
}

# ======================================================================================
# Sources
# ======================================================================================
# --- Seabed nodules: NORI-D (Clarion-Clipperton Zone), NOAA-licensed.
NORI_D_NODULES_T_PER_YR = _sourced(
    "nori_d_production", "NORI-D steady production", "seabed", 10.8,
    "Mt wet nodules/yr (2031-2043)", "2025", "TMC NORI-D pre-feasibility study",
    "seabed yields (denominator), offtake capacity (x1e6 = t/yr)") * 1e6
NORI_D_METAL_T_PER_YR: dict[str, float] = _sourced(
    "nori_d_metals", "NORI-D annual metal output", "Ni, Cu, Co, Mn_silicate",
    {"Ni": 97000, "Cu": 70000, "Co": 7400, "Mn_silicate": 2390000}, "t/yr", "2025",
    "TMC NORI-D pre-feasibility study", "seabed yields per t of wet nodules")
# t of metal per t of wet nodules: Ni 0.00898, Cu 0.00648, Co 0.000685, Mn 0.2213
NODULE_YIELD_T_PER_T = {
    m: round(v / NORI_D_NODULES_T_PER_YR, 8) for m, v in NORI_D_METAL_T_PER_YR.items()
}
NORI_D_AISC_USD_PER_T_NI = _sourced(
    "nori_d_aisc", "NORI-D all-in sustaining cost", "Ni", 2569, "USD/t Ni", "2025",
    "TMC NORI-D pre-feasibility study", "seabed cost per t of nodules (derivation below)")
_sourced("nori_d_c1", "NORI-D C1 cash cost", "Ni", 1065, "USD/t Ni net of by-products",
         "2025", "TMC NORI-D pre-feasibility study",
         "basis for reading the AISC as net of by-products too")
_sourced("nori_d_first", "NORI-D first production target", "seabed", "Q4 2027", "-",
         "2025", "TMC NORI-D pre-feasibility study", "seabed first_year 2028")
_sourced("nori_d_reserve", "NORI-D probable reserve", "seabed", 51, "Mt wet nodules",
         "2025", "TMC NORI-D pre-feasibility study",
         "check: 2028-2040 production (~120 Mt) is not reserve-limited for a 10 % offtake")
_sourced("nori_d_route", "NORI-D processing route", "seabed",
         "initial RKEF in Japan and Indonesia; final refining at future US facilities", "-",
         "Aug 2025", "TMC NORI-D pre-feasibility study (Creamer Media, Oct 2025)",
         "correction 8: the PFS cost buys intermediates processed in Asia; seabed source "
         "country JP, refining priced on top")
_sourced("pamco", "TMC-PAMCO Hachinohe nodule toll treatment", "seabed", 1.3,
         "Mt wet nodules/yr (RKEF to Ni-Cu-Co alloy/matte and Mn silicate)", "Nov 2023",
         "TMC release 13 Nov 2023 (GlobeNewswire)",
         "why nodule Mn is Mn silicate, not EMM (resold, never stockpiled)")
_sourced("us_nodule_refining", "FY2025 NDAA study of US refining of nodule intermediates; "
         "TMC DPA Title III application", "seabed",
         "study due end 2025; 9 M USD grant application; no US nodule refinery", "-",
         "Dec 2024", "TMC release 30 Dec 2024 (GlobeNewswire)",
         "US nodule refinery as expandable capacity (seabed_nori_d_us_refined)")
_sourced("noaa_permitting", "US permitting", "seabed",
         "NOAA DSHMRA final rule effective 21 Jan 2026 (combined licence and permit); "
         "EO 14285 April 2025", "-", "2026",
         "Federal Register", "seabed first_year 2028")
SEABED_MARKUP = _assumed(
    "seabed_markup", "cost-plus offtake markup on gross AISC", "seabed", 1.25, "x",
    "Sources.cost_usd_per_unit (seabed sources)",
    "AISC excludes initial capital; a cost-plus government offtake repays it with a "
    "return: 25 % over AISC.",
)
REFINING_CHARGE = _assumed(
    "nodule_refining_charge", "refining of the Ni-Cu-Co alloy to cathode, share of contained "
    "metal value", "seabed", 0.15, "share", "Sources.cost_usd_per_unit (seabed sources)",
    "Nickel-copper-cobalt mattes and alloys are paid 80-90 % of the refined metal value: "
    "the refiner's charge is the rest. The PFS cost stops at the intermediate (RKEF in "
    "Japan, Indonesia); refining (abroad under toll, or in a future US refinery) is "
    "added here.",
)
# Cost per t of wet nodules (USGS 2024 prices, as the PFS's own price deck):
#   net AISC per t nodules   = 2,569 USD/t Ni * 0.00898 t Ni/t                    =  23.1
#   by-product credit        = Cu 0.00648*9,260 + Co 0.000685*37,500 + Mn 0.2213*580 = 214.1
#   gross AISC per t nodules = net AISC + by-product credit                       = 237.1
#   offtake price            = gross AISC * 1.25                                  = 296.4
#   refining (15 % of Ni 152.7 + Cu 60.0 + Co 25.7 per t nodules)                 =  35.8
#   delivered refined metals and Mn silicate, per t of wet nodules                = 332.2
_Y = NODULE_YIELD_T_PER_T
_BYPRODUCT_CREDIT = _Y["Cu"] * P["Cu"] + _Y["Co"] * 37500 + _Y["Mn_silicate"] * 580
_GROSS_AISC = NORI_D_AISC_USD_PER_T_NI * _Y["Ni"] + _BYPRODUCT_CREDIT
_REFINING = REFINING_CHARGE * (_Y["Ni"] * P["Ni"] + _Y["Cu"] * P["Cu"] + _Y["Co"] * 37500)
SEABED_COST_USD_PER_T = round(_GROSS_AISC * SEABED_MARKUP + _REFINING, 1)
SEABED_OFFTAKE_SHARE = _assumed(
    "seabed_offtake", "stockpile share of NORI-D output", "seabed", 0.10, "share",
    "Sources, SourceCapacity (seabed_nori_d)",
    "A government offtake of a tenth of output leaves the bulk to the commercial buyers "
    "who finance the project.",
)
SEABED_RAMP_T: dict[int, float] = _assumed(
    "seabed_ramp", "NORI-D production ramp before steady state", "seabed",
    {2028: 1.3e6, 2029: 3.0e6, 2030: 6.0e6}, "t wet nodules/yr",
    "SourceCapacity (seabed_nori_d, times the offtake share)",
    "First production Q4 2027 and 10.8 Mt/yr from 2031 per the PFS; ramp in between.",
)

# --- Recycling (activity: t of feed)
BLACK_MASS_YIELD: dict[str, float] = _assumed(
    "black_mass_yield", "metal recovered per t of NMC black mass", "Ni, Co",
    {"Ni": 0.20, "Co": 0.06}, "t/t black mass", "SourceOutputs (us_battery_recycling)",
    "NMC black mass holds 15-25 % Ni and 5-8 % Co; ~95 % hydrometallurgical recovery.",
)
MAGNET_SCRAP_YIELD: dict[str, float] = _assumed(
    "magnet_scrap_yield", "oxide recovered per t of NdFeB magnet scrap",
    "NdPr_oxide, Dy_oxide, Tb_oxide",
    {"NdPr_oxide": 0.30, "Dy_oxide": 0.03, "Tb_oxide": 0.005}, "t/t scrap",
    "SourceOutputs (ca_cyclic_magnet_recycling)",
    "NdFeB holds ~29 % Nd+Pr, 1-4 % Dy, ~0.5 % Tb; oxide factor ~1.17; 90 % recovery.",
)
RECYCLING_PREMIUM = _assumed(
    "recycling_premium", "feed cost over the market value of its recovered metals",
    "Ni, Co, NdPr_oxide, Dy_oxide, Tb_oxide", 1.10, "x",
    "Sources.cost_usd_per_unit (us_battery_recycling, ca_cyclic_magnet_recycling)",
    "Young North American recyclers need about 10 % over metal value to cover processing.",
)
BATTERY_FEED_USD_PER_T = round(
    RECYCLING_PREMIUM * sum(y * P[m] for m, y in BLACK_MASS_YIELD.items()), 1)
MAGNET_FEED_USD_PER_T = round(
    RECYCLING_PREMIUM * sum(y * P[m] for m, y in MAGNET_SCRAP_YIELD.items()), 1)
_sourced("ree_recycling_usgs", "end-of-life recycling rate Nd Dy", "NdPr_oxide, Dy_oxide",
         "<1", "%", "2011", "UNEP 2011",
         "correction 9: magnet recycling is small (USGS: 'limited quantities')")
_sourced("cyclic_kingston", "Cyclic Materials Kingston (Ontario) magnet-to-oxide recycling "
         "plant", "NdPr_oxide, Dy_oxide, Tb_oxide", 500,
         "t/yr magnet material to mixed REO (25 M USD; Q1 2026; fed from Mesa AZ)", "2026",
         "Waste Dive 2025 (press)",
         "correction 9: magnet recycling capacity, 40 % contractable (200 t/yr scrap)")

# --- Domestic heavy and light rare-earth separation: the shares of output (t oxide per t)
REE_BASKET: dict[str, float] = _assumed(
    "ree_basket", "oxides per t of separated output, light-REE plant (Energy Fuels "
    "Phase 2 design)", "NdPr_oxide, Dy_oxide, Tb_oxide",
    {"NdPr_oxide": 0.951, "Dy_oxide": 0.038, "Tb_oxide": 0.0105}, "t/t",
    "SourceOutputs (us_ree_separation)",
    "Phase 2 design output NdPr > 6,000, Dy 240, Tb 66 t/yr: shares of 6,306 t.",
)
HREE_BASKET: dict[str, float] = _assumed(
    "hree_basket", "oxides per t of heavy-REE concentrate separated",
    "Sm_oxide, Gd_oxide, Dy_oxide, Tb_oxide, Y_oxide, Lu_oxide",
    {"Sm_oxide": 0.20, "Gd_oxide": 0.20, "Dy_oxide": 0.06, "Tb_oxide": 0.01,
     "Y_oxide": 0.25, "Lu_oxide": 0.003}, "t/t feed", "SourceOutputs (us_hree_separation)",
    "A SEG+heavy concentrate like Lynas's Malaysian feed (Sm, Gd, Dy, Tb, Y, Lu in its "
    "initial flowsheet); the rest (Eu, Ho, Er, Yb) is sold by the separator.",
)
DOMESTIC_OFFTAKE_DISCOUNT = _assumed(
    "domestic_offtake_discount", "price of output from stockpile-funded domestic capacity, "
    "share of the ex-China price", "expandable sources", 0.9, "share",
    "Sources.cost_usd_per_unit (expandable sources)",
    "A plant built with a government capital grant sells to the stockpile under a "
    "long-term offtake at 10 % below the ex-China market (as the DoD/MP floor trades "
    "capital for price certainty).",
)
_REE_VALUE = sum(y * P[m] for m, y in REE_BASKET.items())
_HREE_VALUE = sum(y * P[m] for m, y in HREE_BASKET.items())

# --- Capital cost of expandable domestic capacity (USD per unit of yearly capacity)
_sourced("ef_phase2_capex", "Energy Fuels White Mesa Phase 2 capex", "NdPr_oxide, Dy_oxide, "
         "Tb_oxide", 410, "USD million", "Jan 2026",
         "Energy Fuels Phase 2 bankable feasibility study release 15 Jan 2026",
         "us_ree_separation: 410 M USD / 6,306 t/yr = 65,000 USD per t/yr")
_sourced("ef_phase2_capacity", "Energy Fuels White Mesa Phase 2 capacity", "NdPr_oxide, "
         "Dy_oxide, Tb_oxide", "NdPr >6000; Dy 240; Tb 66", "t/yr oxide (commissioning Q1 "
         "2029; approval mid-2027)", "Jan 2026",
         "Energy Fuels Phase 2 bankable feasibility study release 15 Jan 2026",
         "us_ree_separation basket and lead time (3 years)")
_sourced("lynas_hree_malaysia", "Lynas Malaysia new heavy RE separation facility",
         "Sm_oxide, Gd_oxide, Dy_oxide, Tb_oxide, Y_oxide, Lu_oxide",
         "5000 t/yr HRE feed; ~180 M AUD (MYR 500 M); Sm, Gd, Dy, Tb, Y, Lu; first Sm Apr "
         "2026, initial suite within ~2 years", "-", "Oct 2025",
         "Lynas announcement Oct 2025 (Process Online; rawmaterials.net)",
         "us_hree_separation cost (x1.5 for a US build), lead time; Lynas sources")
_sourced("mp_heavy_circuit", "MP Materials heavy RE circuit (Mountain Pass)",
         "Dy_oxide, Tb_oxide", "~3000 t/yr feed; >200 t/yr Dy+Tb", "t/yr", "mid-2026 start",
         "Metalnomist Jan 2026 reporting MP Materials (press)",
         "us_mp_dy, us_mp_tb; xmax of us_hree_separation (3,000 t/yr feed)")
_sourced("metlen_ga", "allied primary gallium projects", "Ga",
         "Rio Tinto Saguenay ~40; Metlen (Greece, EUR 295 M) 50 by 2027; Stade (Germany) ~40 "
         "by 2027; W. Australia refineries up to 40; Kazakhstan 15 (H2 2026)", "t/yr", "2025",
         "CSIS 'Beyond Rare Earths', 17 Jul 2025",
         "us_ga_recovery cost (Metlen: EUR 295 M / 50 t/yr); allied Ga sources")
_sourced("elementus_ga", "ElementUS DPA Title III award (Ga + Sc from bauxite residue, "
         "Gramercy LA demo)", "Ga", 29.9, "USD million", "Nov 2025",
         "Department of War release 20 Nov 2025", "us_ga_recovery site (Gramercy, LA)")
_sourced("nyrstar_clarksville", "Nyrstar Clarksville (TN) Ga/Ge recovery project", "Ga, Ge",
         "~150 M USD planned; on hold since Oct 2023", "USD", "2023",
         "CSIS 'Beyond Rare Earths', 17 Jul 2025", "check of the Ga/Ge recovery cost scale")
_sourced("fivenplus_ge", "5N Plus DPA Title III award (St. George UT zone refining)", "Ge",
         18.1, "USD million (capacity x7 to >20 t/yr Ge)", "Jan 2026",
         "Department of War release 29 Jan 2026 (via The Follow Up summary)",
         "us_ge_refining: 18.1 M USD for +17 t/yr, doubled (the award is a share)")
_sourced("nyrstar_sb", "Nyrstar Port Pirie (Australia) antimony", "Sb",
         "2000 (end-2026) / 5000 (2028)", "t/yr", "2026-28",
         "Nyrstar/South Australian government statements Nov 2025 as reported by Reuters "
         "(press); A$135 M support package Reuters 5 Aug 2025",
         "au_nyrstar_sb; us_sb_smelter cost (A$135 M ~ 88 M USD for 5,000 t/yr)")
_sourced("syrah_vidalia", "Syrah Vidalia DOE ATVM loan", "graphite", 102.1,
         "USD million (capex ~176 M USD)", "Jul 2022", "DOE LPO release 28 Jul 2022 (Green Car "
         "Congress)",
         "us_graphite_processing: 176 M USD / 11,250 t/yr = 15,600 USD per t/yr")
_sourced("syrah_capacity", "Syrah Vidalia (LA) active anode material capacity", "graphite",
         11250, "t/yr AAM (expansion to 45000 t/yr planned)", "2022-",
         "DOE LPO release 28 Jul 2022; NS Energy Oct 2022", "us_graphite_processing")
_sourced("westwin", "Westwin Elements (Lawton, OK) nickel refinery: EXIM letter of interest / "
         "planned scale", "Ni", "188 / 64000", "USD million / t/yr Ni", "May 2025",
         "S&P Global Market Intelligence 12 May 2025",
         "US nodule refinery cost: debt taken as half of capex, 5,875 USD per t/yr Ni")
EXPANSION_BASIS: dict[str, str] = _assumed(
    "expansion_capex", "capital cost, lead time and ceiling of expandable domestic capacity",
    "expandable sources",
    {"us_ree_separation": "65,000 USD per t/yr output; 3 yr; 1,500 t/yr",
     "us_hree_separation": "35,400 USD per t/yr feed; 3 yr; 3,000 t/yr",
     "us_ga_recovery": "6.37 M USD per t/yr; 3 yr; 20 t/yr",
     "us_ge_refining": "2.13 M USD per t/yr; 2 yr; 17 t/yr",
     "us_sb_smelter": "17,700 USD per t/yr; 2 yr; 5,000 t/yr",
     "us_graphite_processing": "15,600 USD per t/yr; 2 yr; 10,000 t/yr",
     "seabed_nori_d_us_refined": "52.8 USD per t/yr nodules; 4 yr; 1.08 Mt/yr"},
    "USD per unit of yearly capacity; years; units/yr", "Sources (expansion columns)",
    "From the public awards: Energy Fuels Phase 2 (410 M USD, 6,306 t/yr); Lynas "
    "Malaysia HRE (~118 M USD for 5,000 t/yr feed) x1.5 for a US build; Metlen (EUR "
    "295 M ~ 319 M USD for 50 t/yr); 5N Plus (18.1 M USD DPA for +17 t/yr, taken as half "
    "the capital); Port Pirie (A$135 M ~ 88 M USD for 5,000 t/yr); Syrah Vidalia (176 M "
    "USD for 11,250 t/yr); Westwin (188 M USD of debt for 64 kt/yr Ni, debt half of "
    "capital, 0.00898 t Ni per t nodules). Lead times as announced (Phase 2: approval "
    "2027, commissioning 2029; Metlen 2025 to 2027). Ceilings: the stockpile's share of "
    "one plant.",
)

# Gates: where a source's material enters the US inland network (see TRANSPORT).
#   WEST = Long Beach; ASIA = Asian-Pacific suppliers (Long Beach for the mainland,
#   direct to Guam); GULF = Houston; EAST = Baltimore; CANADA = rail from Ontario/
#   Quebec/BC; MOUNTAIN = Idaho/Montana/Nevada/Utah; SOUTHWEST = Arizona/California/Texas.
# Costs are CIF US (ocean freight is in the purchase price); premiums over the ex-China
# reference: allied refiners 0-8 %, domestic start-ups up to 20 %.
#
# id, type, country, outputs {material: t per unit}, USD/unit (2026), stockpile
# capacity units/yr, first_year, escalation/yr, gate, why
SourceRow = tuple[str, str, str, dict[str, float], float, float, int, float, str, str]
SOURCE_TABLE: list[SourceRow] = [
    # seabed ----------------------------------------------------------------------
    ("seabed_nori_d", "seabed", "JP", NODULE_YIELD_T_PER_T, SEABED_COST_USD_PER_T,
     SEABED_OFFTAKE_SHARE * NORI_D_NODULES_T_PER_YR, 2028, 0.01, "ASIA",
     "t wet nodules; cost-plus offtake of 10 % of NORI-D, smelted at PAMCO (Japan) and "
     "toll-refined in Asia: country JP, not domestic"),
    ("seabed_nori_d_us_refined", "seabed", "US", NODULE_YIELD_T_PER_T, SEABED_COST_USD_PER_T,
     0, 2028, 0.01, "GULF",
     "t wet nodules smelted in Japan, refined in a US refinery that does not exist yet: "
     "capacity only if built (expandable)"),
    # nickel ------------------------------------------------------------------------
    ("ca_sudbury_ni", "allied_mine", "CA", {"Ni": 1}, round(P["Ni"] * 1.05), 6000,
     START_YEAR, 0.01, "CANADA", "Sudbury Ni, 5 % allied offtake premium"),
    ("no_nikkelverk_ni", "allied_mine", "NO", {"Ni": 1}, round(P["Ni"] * 1.07), 3000,
     START_YEAR, 0.01, "EAST", "Norwegian refined Ni, 7 % premium"),
    ("jp_smm_ni", "allied_mine", "JP", {"Ni": 1}, round(P["Ni"] * 1.06), 2000,
     START_YEAR, 0.01, "ASIA", "Sumitomo Metal Mining (Niihama) Ni, 6 % premium"),
    ("row_lme_ni", "market", "ROW", {"Ni": 1}, round(P["Ni"] * 1.02), 3000,
     START_YEAR, 0.01, "EAST", "LME-warranted Ni of non-Chinese, non-Russian brands, 2 % over"),
    ("us_battery_recycling", "recycling", "US", BLACK_MASS_YIELD, BATTERY_FEED_USD_PER_T,
     10000, START_YEAR, 0.0, "EAST",
     "t black mass; US hydromet recyclers, 3 kt/yr in 2026 to 10 kt/yr from 2030"),
    # cobalt (correction 6: the refiners DLA's 2025 tender qualified, and others) -----
    ("ca_vale_co", "allied_mine", "CA", {"Co": 1}, round(P["Co"] * 1.05), 600,
     START_YEAR, 0.01, "CANADA", "Vale Port Colborne rounds, qualified by DLA (2025)"),
    ("jp_smm_co", "allied_mine", "JP", {"Co": 1}, round(P["Co"] * 1.05), 400,
     START_YEAR, 0.01, "ASIA", "Sumitomo Metal Mining cut cathode, qualified by DLA (2025)"),
    ("no_nikkelverk_co", "allied_mine", "NO", {"Co": 1}, round(P["Co"] * 1.05), 500,
     START_YEAR, 0.01, "EAST", "Glencore Nikkelverk cut cathode, qualified by DLA (2025)"),
    ("us_idaho_cobalt", "domestic_mine", "US", {"Co": 1}, round(P["Co"] * 1.2), 600,
     2030, 0.0, "MOUNTAIN", "Idaho Cobalt Operations (suspended 2023), restart assumed 2030"),
    # copper ------------------------------------------------------------------------
    ("cl_codelco_cu", "allied_mine", "CL", {"Cu": 1}, round(P["Cu"] * 1.02), 40000,
     START_YEAR, 0.01, "GULF", "Chilean cathode offtake, 2 % premium"),
    ("us_arizona_cu", "domestic_mine", "US", {"Cu": 1}, round(P["Cu"] * 1.02), 25000,
     START_YEAR, 0.01, "SOUTHWEST", "Arizona cathode, 2 % premium"),
    ("row_market_cu", "market", "ROW", {"Cu": 1}, round(P["Cu"] * 1.01), 25000,
     START_YEAR, 0.01, "EAST", "world-market cathode, 1 % over COMEX"),
    # electrolytic manganese metal (correction 7) -----------------------------------
    ("za_mmc_mn", "allied_mine", "ZA", {"Mn": 1}, P["Mn"], 3000,
     START_YEAR, 0.01, "EAST", "Manganese Metal Company (Mbombela) EMM, the ex-China price"),
    ("row_market_mn", "market", "ROW", {"Mn": 1}, round(P["Mn"] * 1.1), 1000,
     START_YEAR, 0.01, "EAST", "non-Chinese EMM from traders, 10 % over"),
    ("cn_market_mn", "market", "CN", {"Mn": 1}, CHINA_PRICE_USD_PER_T["Mn"], 10000,
     START_YEAR, 0.01, "ASIA", "Chinese EMM flake (not export-controlled), 20 % cap"),
    # NdPr ---------------------------------------------------------------------------
    ("us_mountain_pass", "domestic_mine", "US", {"NdPr_oxide": 1}, P["NdPr_oxide"], 1000,
     START_YEAR, 0.0, "SOUTHWEST", "Mountain Pass NdPr at the 110 USD/kg DoD floor"),
    ("us_white_mesa_ndpr", "domestic_mine", "US", {"NdPr_oxide": 1}, P["NdPr_oxide"], 300,
     START_YEAR, 0.0, "MOUNTAIN", "Energy Fuels White Mesa Phase 1 (850-1,000 t/yr NdPr)"),
    ("my_lynas_ndpr", "allied_mine", "MY", {"NdPr_oxide": 1}, 85 * _KG_PER_T, 800,
     START_YEAR, 0.01, "ASIA", "Lynas NdPr (separated in Malaysia) at the Argus Europe price"),
    ("cn_market_ndpr", "market", "CN", {"NdPr_oxide": 1}, CHINA_PRICE_USD_PER_T["NdPr_oxide"],
     3000, START_YEAR, 0.01, "ASIA",
     "Chinese NdPr oxide in 2026 only (10 USC 4872 from 2027: no Chinese magnet materials)"),
    ("ca_cyclic_magnet_recycling", "recycling", "CA", MAGNET_SCRAP_YIELD, MAGNET_FEED_USD_PER_T,
     200, START_YEAR, 0.0, "CANADA",
     "t NdFeB scrap; Cyclic Materials (Mesa AZ to Kingston ON), 40 % of 500 t/yr"),
    ("us_ree_separation", "domestic_mine", "US", REE_BASKET,
     round(DOMESTIC_OFFTAKE_DISCOUNT * _REE_VALUE), 0, START_YEAR, 0.0, "MOUNTAIN",
     "t separated REO, a White Mesa Phase 2-type plant: capacity only if built"),
    # Dy, Tb ---------------------------------------------------------------------------
    ("my_lynas_dy", "allied_mine", "MY", {"Dy_oxide": 1}, P["Dy_oxide"], 25,
     START_YEAR, 0.0, "ASIA", "Lynas Malaysia heavy circuit (first Dy May 2025)"),
    ("us_mp_dy", "domestic_mine", "US", {"Dy_oxide": 1}, P["Dy_oxide"], 40,
     2027, 0.0, "SOUTHWEST", "MP heavy circuit (mid-2026 start announced; 2027 assumed)"),
    ("cn_market_dy", "market", "CN", {"Dy_oxide": 1}, CHINA_PRICE_USD_PER_T["Dy_oxide"], 0,
     START_YEAR, 0.0, "ASIA", "Chinese Dy: banned to US military end users"),
    ("my_lynas_tb", "allied_mine", "MY", {"Tb_oxide": 1}, P["Tb_oxide"], 5,
     START_YEAR, 0.0, "ASIA", "Lynas Malaysia heavy circuit (first Tb Jun 2025)"),
    ("us_mp_tb", "domestic_mine", "US", {"Tb_oxide": 1}, P["Tb_oxide"], 10,
     2027, 0.0, "SOUTHWEST", "MP heavy circuit (mid-2026 start announced; 2027 assumed)"),
    ("cn_market_tb", "market", "CN", {"Tb_oxide": 1}, CHINA_PRICE_USD_PER_T["Tb_oxide"], 0,
     START_YEAR, 0.0, "ASIA", "Chinese Tb: banned to US military end users"),
    ("us_hree_separation", "domestic_mine", "US", HREE_BASKET,
     round(DOMESTIC_OFFTAKE_DISCOUNT * _HREE_VALUE), 0, START_YEAR, 0.0, "SOUTHWEST",
     "t heavy-REE concentrate separated in a new US plant: capacity only if built"),
    # Sm, Gd, Lu, Sc, Y --------------------------------------------------------------
    ("my_lynas_sm", "allied_mine", "MY", {"Sm_oxide": 1}, P["Sm_oxide"], 80,
     START_YEAR, 0.0, "ASIA", "Lynas Malaysia, first separated Sm Apr 2026"),
    ("us_mp_sm", "domestic_mine", "US", {"Sm_oxide": 1}, P["Sm_oxide"], 100,
     2028, 0.0, "SOUTHWEST", "MP Materials Sm oxide by 2028"),
    ("us_white_mesa_sm", "domestic_mine", "US", {"Sm_oxide": 1}, round(P["Sm_oxide"] * 1.2),
     10, START_YEAR, 0.0, "MOUNTAIN", "Energy Fuels 'Sm+' heavy carbonate (10-20 t in 2024)"),
    ("my_lynas_gd", "allied_mine", "MY", {"Gd_oxide": 1}, P["Gd_oxide"], 30,
     2027, 0.0, "ASIA", "Lynas Malaysia HRE facility (Gd within ~2 years)"),
    ("us_round_top_gd", "domestic_mine", "US", {"Gd_oxide": 1}, P["Gd_oxide"], 20,
     2028, 0.0, "SOUTHWEST", "USA Rare Earth Round Top (TX), 2028"),
    ("row_trader_gd", "market", "ROW", {"Gd_oxide": 1}, round(P["Gd_oxide"] * 1.5), 15,
     START_YEAR, 0.0, "EAST", "non-Chinese inventories (Japan, Europe), 50 % premium"),
    ("my_lynas_lu", "allied_mine", "MY", {"Lu_oxide": 1}, P["Lu_oxide"], 1,
     2027, 0.0, "ASIA", "Lynas Malaysia HRE facility (Lu in the initial flowsheet)"),
    ("us_round_top_lu", "domestic_mine", "US", {"Lu_oxide": 1}, P["Lu_oxide"], 1,
     2028, 0.0, "SOUTHWEST", "USA Rare Earth Round Top (TX), 2028"),
    ("row_trader_lu", "market", "ROW", {"Lu_oxide": 1}, round(P["Lu_oxide"] * 1.5), 0.5,
     START_YEAR, 0.0, "EAST", "non-Chinese inventories, 50 % premium"),
    ("ca_rio_tinto_sc", "allied_mine", "CA", {"Sc_oxide": 1}, P["Sc_oxide"], 1.5,
     START_YEAR, 0.0, "CANADA", "Rio Tinto Sorel-Tracy (3 t/yr), half contractable"),
    ("jp_smm_sc", "allied_mine", "JP", {"Sc_oxide": 1}, P["Sc_oxide"], 2,
     START_YEAR, 0.0, "ASIA", "Sumitomo scandium from Philippine HPAL feed"),
    ("us_niocorp_sc", "domestic_mine", "US", {"Sc_oxide": 1}, P["Sc_oxide"], 10,
     2030, 0.0, "MOUNTAIN", "NioCorp Elk Creek (NE), 102 t/yr planned; 2030 assumed"),
    ("us_reelement_y", "domestic_mine", "US", {"Y_oxide": 1}, P["Y_oxide"], 160,
     START_YEAR, 0.0, "EAST", "ReElement Technologies Y oxide (200 t/yr, 400 t/yr target)"),
    ("my_lynas_y", "allied_mine", "MY", {"Y_oxide": 1}, P["Y_oxide"], 50,
     2027, 0.0, "ASIA", "Lynas Malaysia HRE facility (Y)"),
    ("us_round_top_y", "domestic_mine", "US", {"Y_oxide": 1}, P["Y_oxide"], 100,
     2028, 0.0, "SOUTHWEST", "USA Rare Earth Round Top (TX), Y-rich, 2028"),
    # gallium, germanium ----------------------------------------------------------------
    ("jp_dowa_ga", "allied_mine", "JP", {"Ga": 1}, P["Ga"], 2,
     START_YEAR, 0.0, "ASIA", "Japanese refined and recovered 4N Ga (Japan is 24 % of US "
     "imports, ~4.6 t/yr: 2 t/yr more for the stockpile)"),
    ("de_stade_ga", "allied_mine", "DE", {"Ga": 1}, P["Ga"], 5,
     2028, 0.0, "EAST", "primary Ga at Stade (Germany), ~40 t/yr 'by 2027'; 2028 assumed"),
    ("gr_metlen_ga", "allied_mine", "GR", {"Ga": 1}, P["Ga"], 5,
     2028, 0.0, "EAST", "Metlen (Greece) primary Ga, 50 t/yr 'by 2027'; 2028 assumed"),
    ("ca_rio_tinto_ga", "allied_mine", "CA", {"Ga": 1}, round(P["Ga"] * 1.05), 4,
     2028, 0.0, "CANADA", "Rio Tinto Saguenay Ga recovery (~40 t/yr); 2028 assumed"),
    ("us_ga_recycling", "recycling", "US", {"Ga": 1}, round(P["Ga"] * 0.96), 3,
     START_YEAR, 0.0, "EAST", "the New York company that recovers and refines 4N Ga (USGS)"),
    ("us_ga_recovery", "domestic_mine", "US", {"Ga": 1},
     round(DOMESTIC_OFFTAKE_DISCOUNT * P["Ga"]), 0, START_YEAR, 0.0, "GULF",
     "Ga from alumina-refinery liquor (Gramercy, LA): capacity only if built"),
    ("cn_market_ga", "market", "CN", {"Ga": 1}, CHINA_PRICE_USD_PER_T["Ga"], 0,
     START_YEAR, 0.0, "ASIA", "Chinese 4N Ga: banned to US military end users"),
    ("be_umicore_ge", "allied_mine", "BE", {"Ge": 1}, round(P["Ge"] * 1.05), 10,
     START_YEAR, 0.0, "EAST", "Belgian refined Ge, 5 % premium"),
    ("ca_teck_trail_ge", "allied_mine", "CA", {"Ge": 1}, round(P["Ge"] * 1.03), 6,
     START_YEAR, 0.0, "CANADA", "Trail smelter Ge (Alaskan zinc concentrate), 3 % premium"),
    ("us_ge_recycling", "recycling", "US", {"Ge": 1}, round(P["Ge"] * 0.96), 3,
     START_YEAR, 0.0, "MOUNTAIN", "Ge from optics and fibre scrap (Utah, Oklahoma)"),
    ("us_ge_refining", "domestic_mine", "US", {"Ge": 1},
     round(DOMESTIC_OFFTAKE_DISCOUNT * P["Ge"]), 0, START_YEAR, 0.0, "MOUNTAIN",
     "5N Plus St. George (UT) zone refining expansion: capacity only if built"),
    ("cn_market_ge", "market", "CN", {"Ge": 1}, round(CHINA_PRICE_USD_PER_T["Ge"]), 0,
     START_YEAR, 0.0, "ASIA", "Chinese Ge: banned to US military end users"),
    # antimony, graphite, tungsten --------------------------------------------------------
    ("us_usac_sb", "domestic_mine", "US", {"Sb": 1}, P["Sb"], 800,
     START_YEAR, 0.0, "MOUNTAIN", "US Antimony Corp ingots under DLA's 245 M USD IDIQ"),
    ("us_stibnite_sb", "domestic_mine", "US", {"Sb": 1}, P["Sb"], 2500,
     2028, 0.0, "MOUNTAIN", "Perpetua Stibnite (ID) from 2028, ~30 % of ~8,300 t/yr"),
    ("us_sb_recycling", "recycling", "US", {"Sb": 1}, round(P["Sb"] * 0.95), 800,
     START_YEAR, 0.0, "EAST", "Sb from lead-acid battery smelters"),
    ("be_campine_sb", "recycling", "BE", {"Sb": 1}, P["Sb"], 1000,
     START_YEAR, 0.0, "EAST", "Belgian Sb recycler"),
    ("bo_market_sb", "market", "BO", {"Sb": 1}, P["Sb"], 1000,
     START_YEAR, 0.0, "GULF", "Bolivian Sb on the ex-China market"),
    ("au_nyrstar_sb", "allied_mine", "AU", {"Sb": 1}, P["Sb"], 1250,
     2027, 0.0, "ASIA", "Nyrstar Port Pirie (2,000 t/yr end-2026, 5,000 t/yr 2028)"),
    ("us_sb_smelter", "domestic_mine", "US", {"Sb": 1},
     round(DOMESTIC_OFFTAKE_DISCOUNT * P["Sb"]), 0, START_YEAR, 0.0, "MOUNTAIN",
     "a US Sb smelter for Stibnite concentrate: capacity only if built"),
    ("cn_market_sb", "market", "CN", {"Sb": 1}, CHINA_PRICE_USD_PER_T["Sb"], 0,
     START_YEAR, 0.0, "ASIA", "Chinese Sb: banned to US military end users"),
    ("mz_balama_graphite", "allied_mine", "MZ", {"graphite": 1}, 1150, 3000,
     START_YEAR, 0.01, "GULF", "Mozambican flake shipped to the Gulf"),
    ("ca_nmg_graphite", "allied_mine", "CA", {"graphite": 1}, 1400, 4000,
     2027, 0.01, "CANADA", "Quebec flake from 2027"),
    ("us_graphite_one", "domestic_mine", "US", {"graphite": 1}, 1800, 4000,
     2031, 0.0, "WEST", "Alaskan flake from 2031"),
    ("us_graphite_processing", "domestic_mine", "US", {"graphite": 1}, 1400, 0,
     START_YEAR, 0.0, "GULF", "Vidalia-type purification of allied flake: capacity only if built"),
    ("cn_market_graphite", "market", "CN", {"graphite": 1}, CHINA_PRICE_USD_PER_T["graphite"],
     0, START_YEAR, 0.0, "ASIA", "Chinese flake: controlled since Dec 2023, banned to US "
     "military end users"),
    ("kr_sangdong_w", "allied_mine", "KR", {"W": 1}, round(P["W"] * 1.08), 1500,
     START_YEAR, 0.0, "ASIA", "Sangdong (Korea) concentrate, 8 % premium"),
    ("de_w_recycling", "recycling", "DE", {"W": 1}, round(P["W"] * 1.06), 800,
     START_YEAR, 0.0, "EAST", "German tungsten scrap recycling"),
    ("vn_market_w", "market", "VN", {"W": 1}, round(P["W"] * 1.02), 1200,
     START_YEAR, 0.0, "ASIA", "Vietnamese concentrate on the market"),
    ("us_w_mine", "domestic_mine", "US", {"W": 1}, round(P["W"] * 1.17), 800,
     2029, 0.0, "MOUNTAIN", "Nevada tungsten project from 2029"),
    ("cn_market_w", "market", "CN", {"W": 1}, CHINA_PRICE_USD_PER_T["W"], 0,
     START_YEAR, 0.0, "ASIA",
     "correction 5: Chinese W banned to US military end users now, and by 10 USC 4872 / "
     "DFARS 225.7018 for defence from 2027"),
]
for _s in SOURCE_TABLE:
    _assumed(f"source_{_s[0]}", f"cost and capacity of {_s[0]} ({_s[1]}, {_s[2]})",
             ", ".join(_s[3]), f"{_s[4]:g} USD/unit; {_s[5]:g} units/yr; from {_s[6]}; "
             f"escalation {_s[7]:.0%}/yr", "USD/unit; unit/yr", "Sources",
             f"{_s[9]}; capacity = what the stockpile office can contract, a share of the "
             "producer's output")

#: source: (USD per unit of added yearly capacity, lead years, most units/yr added)
EXPANSION: dict[str, tuple[float, int, float]] = {
    "us_ree_separation": (65000.0, 3, 1500.0),
    "us_hree_separation": (35400.0, 3, 3000.0),
    "us_ga_recovery": (6.37e6, 3, 20.0),
    "us_ge_refining": (2.13e6, 2, 17.0),
    "us_sb_smelter": (17700.0, 2, 5000.0),
    "us_graphite_processing": (15600.0, 2, 10000.0),
    "seabed_nori_d_us_refined": (52.8, 4, SEABED_OFFTAKE_SHARE * NORI_D_NODULES_T_PER_YR),
}

_assumed("project_slip", "first year of announced plants", "several", "announced start + 1 yr",
         "year", "Sources.first_year",
         "New separation and refining plants have started late (Lynas Seadrift, MP's heavy "
         "circuit, Energy Fuels Phase 2 schedule): MP Dy/Tb (mid-2026 announced) from 2027, "
         "the European and Canadian gallium plants ('by 2027') from 2028, NioCorp (unfunded "
         "construction) from 2030.")

# Year-specific capacities (units/yr) that replace the Sources capacity.
SOURCE_CAPACITY_UNITS: dict[str, dict[int, float]] = {
    "seabed_nori_d": {t: SEABED_OFFTAKE_SHARE * v for t, v in SEABED_RAMP_T.items()},
    **_assumed(
        "capacity_ramps", "capacity before steady state", "several",
        {"us_battery_recycling": {2026: 3000, 2027: 5000, 2028: 7000, 2029: 8500},
         "ca_cyclic_magnet_recycling": {2026: 100},
         "my_lynas_dy": {2026: 15}, "my_lynas_tb": {2026: 3}, "my_lynas_sm": {2026: 40},
         "us_reelement_y": {2026: 80}, "au_nyrstar_sb": {2027: 500}},
        "units/yr", "SourceCapacity",
        "Plants commissioning 2025-27 reach full output a year or more after start "
        "(battery recyclers, Cyclic Kingston Q1 2026, Lynas heavy circuits 2025-26, "
        "ReElement Dec 2025, Port Pirie Sb 2,000 t/yr end-2026).",
    ),
    "cn_market_ndpr": _sourced(
        "dfars_magnets", "10 USC 4872 / DFARS 225.7018 magnet restriction", "NdPr_oxide",
        {t: 0.0 for t in range(2027, END_YEAR + 1)}, "units/yr (from 1 Jan 2027 SmCo and "
        "NdFeB magnets may not be mined, refined, separated, melted or produced in China, "
        "Russia, North Korea or Iran)", "2027",
        "DFARS final rule, DFARS Case 2021-D015, 89 FR 46816 (30 May 2024); 10 U.S.C. 4872",
        "SourceCapacity of cn_market_ndpr: zero from 2027"),
}
_sourced("dfars_w", "10 USC 4872 / DFARS 225.7018 tungsten and tantalum restriction", "W",
         "from 1 Jan 2027 tungsten metal powder, tungsten heavy alloy and tantalum "
         "metals/alloys may not be mined, refined, separated, melted or produced in China, "
         "Russia, North Korea or Iran", "-", "2027",
         "DFARS final rule, DFARS Case 2021-D015, 89 FR 46816 (30 May 2024); Crowell & Moring "
         "alert 21 Jun 2024", "correction 5: Rules row w_no_adversary (and cn_market_w at 0)")
_sourced("dla_cobalt_qualified", "DLA qualified alloy-grade cobalt sources (rotating "
         "aerospace parts)", "Co",
         "Vale (Canada); Sumitomo Metal Mining (Japan); Glencore Nikkelverk (Norway)", "-",
         "2025", "Inside Defense 14 Nov 2025; Fastmarkets Sep 2025 (press)",
         "correction 6: the cobalt sources (no Chinese or DRC-market cobalt)")
_sourced("dla_cobalt_tender", "DLA cobalt solicitation (alloy grade, 5-year IDIQ)", "Co",
         "up to 500 M USD / ~7480 t (16.49 Mlb)", "USD / t", "Aug 2025",
         "DLA solicitation on SAM.gov, 19 Aug 2025 (Fastmarkets; Bloomberg 2025)",
         "capacity of the qualified refiners: 1,500 t/yr together (the tender's pace)")
_sourced("usac_idiq", "DLA sole-source IDIQ with US Antimony Corp for antimony ingots "
         "(5 years)", "Sb", 245, "USD million (max)", "Sep 2025",
         "US Antimony Corp release 23 Sep 2025; Investing News Network 23 Sep 2025",
         "us_usac_sb capacity (~800 t/yr at 60,000 USD/t)")
_sourced("perpetua", "Perpetua Stibnite share of US antimony demand", "Sb", "~35",
         "% (first 6 years; first-4-yr avg 18.4 Mlb/yr ~8300 t)", "2028 start",
         "Perpetua/USGS MCS 2023 as cited by Mining.com 2023-2025", "us_stibnite_sb")
_sourced("reelement_y", "ReElement Technologies (US) yttrium oxide capacity", "Y_oxide",
         "200 (initial) / 400 (target)", "t/yr", "Dec 2025 start (planned)",
         "Reuters ~14-20 Nov 2025 (press; via MarketScreener/samarium.dev summaries)",
         "us_reelement_y (40 % contractable)")
_sourced("round_top", "USA Rare Earth Round Top (TX) + Stillwater estimated capital",
         "Gd_oxide, Lu_oxide, Y_oxide", 3300,
         "USD million (Round Top production 2028; processes 8000 t/yr MREC incl. Y, Dy, Tb, "
         "Lu, Gd)", "2026", "Commerce CHIPS Program Office/NIST release 26 Jan 2026",
         "us_round_top_* sources from 2028")
_sourced("lynas_sm", "Lynas first separated samarium (Malaysia, Mt Weld feed)", "Sm_oxide",
         "Apr 2026", "target date", "2025",
         "Lynas Rare Earths announcement Oct 2025 on new heavy rare earth facility (as "
         "reported by Process Online/The Edge)", "my_lynas_sm from 2026")
_sourced("mp_sm", "MP Materials samarium oxide production commitment", "Sm_oxide", "by 2028",
         "target date", "2026", "Metalnomist Jan 2026 reporting MP Materials (press)",
         "us_mp_sm from 2028")
_sourced("rio_sc", "Rio Tinto Sorel-Tracy scandium oxide plant", "Sc_oxide", 3,
         "t/yr Sc2O3 (~20% of world market); first module C$6 M", "2022",
         "Rio Tinto via Globe and Mail 15 Jan 2021; Project Blue 11 May 2022", "ca_rio_tinto_sc")
_sourced("niocorp_sc", "NioCorp Elk Creek (NE) planned output", "Sc_oxide", 102,
         "t/yr Sc2O3 (plus 7300 t/yr FeNb, 12000 t/yr TiO2)", "2022 FS",
         "NioCorp June 2022 feasibility study (rawmaterials.net)", "us_niocorp_sc from 2030")

# ======================================================================================
# Sites: each site is one storage class at a depot. Holding = storage + a charge on the
# value of what the class holds (insurance, security, assay, shrinkage).
# ======================================================================================
_sourced("nds_depots", "historical NDS depots", "all",
         "Warren OH; Somerville NJ; Point Pleasant WV; New Haven IN; Scotia NY; "
         "Binghamton NY; Curtis Bay MD; Wenden AZ", "-", "2002-2011",
         "press and GSA/USACE notes", "bulk and metals sites (five depots of this list)")
_sourced("dla_depots", "DLA Strategic Materials", "all",
         "42 commodities, >1.1 bn USD, 6 US locations, 3 staffed depots", "-", "recent",
         "dla.mil", "number of depots")
_sourced("dla_hammond", "DLA Strategic Materials depot", "all", "Hammond, Indiana", "-",
         "2018", "DLA News 26 Oct 2018", "vault sites at Hammond")
_sourced("hawthorne_smr", "Strategic Minerals Reserve at Hawthorne Army Depot (Nevada)",
         "all", "storage, refining and recycling platform (launched 2025)", "-", "Aug 2025",
         "press summaries of the 2025 announcement (deepnewz)", "vault sites at Hawthorne")
_sourced("storage_off_warrant", "off-warrant storage proxy", "all", "<=36",
         "USD/t-yr (<=0.10 USD/t/day)", "2017", "secondary",
         "storage part of bulk and metals holding costs (24-34 USD/t-yr)")
_sourced("storage_lme", "warehouse rent proxy (LME warrant)", "all", "157-183",
         "USD/t-yr (0.43-0.50 USD/t/day)", "2015-16", "LME warehouse quotes (secondary)",
         "check: vault storage (150-300 USD/t-yr) is of the order of a commercial warrant rent")
CARRYING_RATE = _assumed(
    "carrying_rate", "value-based holding charge", "all", 0.005, "1/yr of value",
    "Sites.holding_cost_usd_per_t_yr",
    "Insurance (0.1-0.2 %/yr), physical security, periodic assay and inventory control "
    "and shrinkage (~0.3 %/yr). Not the capital charge: the discount rate already charges "
    "3 %/yr on the value of stock bought early.",
)
CLASS_VALUE_USD_PER_T: dict[str, float] = _assumed(
    "class_value", "reference value of what each storage class holds", "all",
    {"bulk": 10000.0, "metals": 50000.0, "vault_b": 400000.0, "vault_a": 2500000.0},
    "USD/t", "Sites.holding_cost_usd_per_t_yr",
    "Near the geometric middle of the class: bulk 1-17 kUSD/t (graphite to Ni), metals "
    "15-65 kUSD/t (Sm to Gd), vault B 0.11-0.8 MUSD/t (NdPr to Dy), vault A 1-5 MUSD/t "
    "(Sc to Ge). A tonne of Ge costs 12,800 USD a year to hold, a tonne of EMM 78.",
)
# site, location, storage class, capacity m3, storage USD/t-yr (before the value charge),
# first_year
SITE_TABLE: list[tuple[str, str, str, float, float, int]] = [
    ("point_pleasant_wv", "Point Pleasant, WV (former NDS depot): bulk yard",
     "bulk", 80000, 28, START_YEAR),
    ("new_haven_in", "New Haven, IN (former NDS depot): bulk yard",
     "bulk", 80000, 32, START_YEAR),
    ("wenden_az", "Wenden, AZ (former NDS depot, desert): bulk yard",
     "bulk", 120000, 24, 2028),
    ("warren_oh", "Warren, OH (former NDS depot): metals warehouse",
     "metals", 100000, 30, START_YEAR),
    ("scotia_ny", "Scotia, NY (former NDS depot): metals warehouse",
     "metals", 60000, 34, START_YEAR),
    ("guam_apra", "Apra Harbor, Guam: western Pacific forward warehouse",
     "metals", 20000, 40, START_YEAR),
    ("hammond_in_vault_b", "Hammond, IN (DLA depot): climate-controlled vault B",
     "vault_b", 5000, 150, START_YEAR),
    ("hawthorne_nv_vault_b", "Hawthorne Army Depot, NV: climate-controlled vault B",
     "vault_b", 5000, 150, START_YEAR),
    ("hammond_in_vault_a", "Hammond, IN (DLA depot): high-security vault A",
     "vault_a", 2000, 300, START_YEAR),
    ("hawthorne_nv_vault_a", "Hawthorne Army Depot, NV: high-security vault A",
     "vault_a", 2000, 300, START_YEAR),
]
SITE_IDS = tuple(s[0] for s in SITE_TABLE)
SITE_CLASS = {s[0]: s[2] for s in SITE_TABLE}
HOLDING_USD_PER_T_YR = {
    s: storage + CARRYING_RATE * CLASS_VALUE_USD_PER_T[cls]
    for s, _loc, cls, _cap, storage, _first in SITE_TABLE
}
_assumed("site_capacity", "site capacity", "all", {s[0]: s[3] for s in SITE_TABLE}, "m3",
         "Sites.capacity_m3",
         "Covered and open storage on former depot grounds (tens of acres, 2-3 m stacks); "
         "vaults are a few thousand m3 (the vault materials take a few hundred).")
_assumed("site_storage", "storage part of the holding cost", "all",
         {s[0]: s[4] for s in SITE_TABLE}, "USD/t-yr", "Sites.holding_cost_usd_per_t_yr",
         "Government depots at or below the 36 USD/t-yr off-warrant proxy; Guam's island "
         "warehouse above; climate-controlled vault B 150 and high-security vault A 300 "
         "USD/t-yr (~0.5 m3/t at 300-600 USD/m3-yr).")
_assumed("wenden_opening", "Wenden AZ reopening year", "all", 2028, "year",
         "Sites.first_year",
         "Two years to reactivate a closed desert depot; bulk only (no climate control).")
_assumed("guam_site", "a western Pacific forward site", "all", "guam_apra", "-",
         "Sites, Routes, DisruptionImpacts (pacific_conflict)",
         "Asian-Pacific supply can be stored near its source (cheap delivery), at the risk "
         "of losing it in a Pacific conflict: the plan weighs the two.")

# Inland transport USD/t from each gate to each site (rail, truck or short sea).
_TRANSPORT_ROWS: dict[str, tuple[float, ...]] = {
    # gate:    pp_wv  nh_in  wenden warren scotia guam  ham_b ham_a haw_b haw_a
    "WEST":      (140,  130,    35,   140,   150,  400,   130,  130,   40,   40),
    "ASIA":      (140,  130,    35,   140,   150,   15,   130,  130,   40,   40),
    "GULF":      ( 85,   85,    90,    90,   110,  400,    85,   85,  120,  120),
    "EAST":      ( 50,   60,   150,    50,    45,  450,    60,   60,  160,  160),
    "CANADA":    ( 65,   60,   150,    50,    45,  450,    55,   55,  150,  150),
    "MOUNTAIN":  (125,  115,    70,   120,   135,  400,   110,  110,   30,   30),
    "SOUTHWEST": (130,  120,    20,   130,   145,  400,   120,  120,   50,   50),
}
_SITE_ORDER = ("point_pleasant_wv", "new_haven_in", "wenden_az", "warren_oh", "scotia_ny",
               "guam_apra", "hammond_in_vault_b", "hammond_in_vault_a",
               "hawthorne_nv_vault_b", "hawthorne_nv_vault_a")
TRANSPORT_USD_PER_T: dict[str, dict[str, float]] = {
    gate: dict(zip(_SITE_ORDER, row, strict=True)) for gate, row in _TRANSPORT_ROWS.items()
}
_assumed("transport", "inland transport cost by gate and site", "all",
         "15-450 by distance (TRANSPORT_USD_PER_T)", "USD/t", "Routes.cost_usd_per_t",
         "~15 USD/t handling plus 0.03-0.05 USD/t-km rail or truck from the port or mine "
         "gate; ocean freight is in the CIF purchase price; Guam is reached cheaply only "
         "from Asian-Pacific suppliers.")

# ======================================================================================
# Initial stock (correction 11)
# ======================================================================================
_sourced("pentagon_ga_ge", "Pentagon strategic gallium reserve", "Ga, Ge",
         "none (a germanium stockpile is held)", "-", "Jul 2023", "Reuters 6 Jul 2023 (press)",
         "InitialStock: no Ga; some Ge")
_sourced("dla_ge_recovery", "DLA recovery of germanium from excess thermal sights for the NDS",
         "Ge", "about 120 cameras and sights (May 2025); Ge added to the NDS since FY2016", "-",
         "2025", "DLA News 24 Jun 2025", "InitialStock of Ge (amount assumed)")
_sourced("nds_mn_ore", "metallurgical-grade manganese ore added to the NDS", "Mn", 301047,
         "t (2011)", "2011", "USGS Minerals Yearbook 2011 (manganese)",
         "no InitialStock of Mn: the NDS holds ore, the stockpile material is EMM")
_sourced("nds_assets", "NDS stockpiled material / total assets", "all", "912.3 / 1300",
         "USD million", "Mar 2023", "CRS R47833 (2023)",
         "InitialStock only where a holding of a dataset material is public")
INITIAL_STOCK_T: dict[tuple[str, str], float] = _assumed(
    "initial_stock", "NDS holdings of dataset materials at the start", "Ge",
    {("Ge", "hammond_in_vault_a"): 5.0, ("Ge", "hawthorne_nv_vault_a"): 5.0}, "t",
    "InitialStock",
    "The NDS holds germanium (Pentagon, 2023; recovered from military optics since FY2016) "
    "but publishes no amount: 10 t assumed, a few years of recovery, split over the two "
    "vaults. No Ga (none held, 2023), no Co (first purchase since 1990 only solicited "
    "in 2025), no EMM (the NDS holds Mn ore, 301 kt added in 2011, not metal); NdPr, "
    "SmCo and Sb purchases of 2024-25 are not itemised publicly and are left out; W ore "
    "was authorised for disposal in FY2017.",
)

# ======================================================================================
# Budget (correction 13) and rules
# ======================================================================================
_sourced("obbba_nds", "2025 reconciliation act (OBBBA, P.L. 119-21) NDS Transaction Fund",
         "all", 2000, "USD million (part of 7500 M for DoD critical minerals: 5000 M industrial "
         "base investments, 500 M credit program)", "Jul 2025",
         "rawmaterials.net 4 Jul 2025; Carboncredits.com Oct 2025 (press); DLA News Aug 2025",
         "Budget 2026-2029 (0.5 bn USD/yr)")
_sourced("dla_fy2025", "NDS inventory breadth and FY2025 acquisition funding", "all",
         "~50 materials held; 2000 M USD FY2025 funds; solicitations for 30 materials", "-",
         "Aug 2025", "DLA News, 'DLA R&D expanded strategic materials program', Aug 2025",
         "Budget 2026-2029")
_sourced("dla_planned", "DLA planned NDS purchases (filings)", "all",
         "up to ~1000 M USD: cobalt 500 M, antimony 245 M, tantalum 100 M, scandium 45 M",
         "USD", "Oct 2025",
         "Financial Times 11-12 Oct 2025 (press; via Business Standard, Newsmax)",
         "check of the budget's scale")
_sourced("nds_gap", "gap between NDS assets and requirements", "all", 13.5, "USD billion",
         "2023", "CRS R47833 (2023)", "check: most of the gap is essential civilian demand")
BUDGET_USD: dict[int, float] = _assumed(
    "budget", "yearly spending cap (purchases, transport, holding, capacity)", "all",
    {2026: 0.5e9, 2027: 0.3e9, 2028: 0.3e9, 2029: 0.3e9,
     **{t: 0.15e9 for t in range(2030, END_YEAR + 1)}},
    "USD", "Budget.budget_usd",
    "2026-2029: 1.4 bn of the OBBBA's 2 bn USD for the NDS Transaction Fund, which "
    "buys for ~50 NDS materials; this dataset's take most of it (of DLA's ~1 bn of "
    "filed purchases, cobalt 500 M, antimony 245 M and scandium 45 M are here, tantalum "
    "100 M is not; rare earths, Ga, Ge, W, graphite are the other headline buys). "
    "Front-loaded: 0.5 bn in 2026, when the 2025 solicitations are awarded, then 0.3 bn "
    "a year. From 2030: 0.15 bn a year, the pace of regular appropriations and disposal "
    "income (the NDS held 0.9 bn of material in 2023 after decades of buying and "
    "selling). The same cap holds in every future: a crisis is met from stock and this "
    "budget, not a supplemental. Project Vault (~12 bn USD, EXIM-financed) buys for "
    "manufacturers' own inventories and is not in this budget; its 60-day benchmark is "
    "the target.",
)
RULES: list[dict[str, Any]] = _assumed(
    "rules", "sourcing and dispersion rules", "all",
    [
        {"rule": "adversary_max_20pct", "material": "*", "group_type": "bloc",
         "group": "adversary", "limit": "max_share", "share": 0.2},
        {"rule": "site_max_50pct", "material": "*", "group_type": "site", "group": "*",
         "limit": "max_share", "share": 0.5},
        {"rule": "ndpr_domestic_min_25pct", "material": "NdPr_oxide",
         "group_type": "bloc", "group": "domestic", "limit": "min_share", "share": 0.25},
        {"rule": "w_no_adversary", "material": "W", "group_type": "bloc",
         "group": "adversary", "limit": "max_share", "share": 0.0},
    ],
    "share", "Rules",
    "At most 20 % of a year's deliveries from adversaries; at most half of a material "
    "at one site; a quarter of NdPr from US producers; no W from adversaries (10 USC "
    "4872 / DFARS 225.7018 from 2027, the Chinese ban on military end users before).",
)

# ======================================================================================
# Disruptions: the futures (correction 14)
# ======================================================================================
CN_BAN_MATERIALS = ("Dy_oxide", "Tb_oxide", "Sm_oxide", "Gd_oxide", "Lu_oxide", "Sc_oxide",
                    "Y_oxide", "Ga", "Ge", "Sb", "W")
_sourced("cn_oct_2025", "China Oct 2025 expansion (Ho, Er, Tm, Eu, Yb; extraterritorial rules)",
         "rare earths", "announced 9 Oct 2025; suspended for one year from Nov 2025 (April "
         "2025 controls stay)", "-", "2025", "Reuters/Business Times 7-9 Nov 2025; ORF America "
         "(press)",
         "cn_export_ban probability: controls have escalated five times in 27 months")
_sourced("ga_spike_2023", "4N (99.99%) price Rotterdam before/after Jul 2023 controls", "Ga",
         "250-265 / 500-600", "USD/kg (30 Jun 2023 / 15 Dec 2023; +114%)", "2023",
         "Fastmarkets, 'A make-or-break year for non-Chinese gallium market', 18 Dec 2023",
         "price multiplier (observed spike)")
_sourced("sb_spike_2024", "Rotterdam price (regulus/trioxide)", "Sb", "39500-40000",
         "USD/t (+~250% in 2024)", "31 Dec 2024",
         "Reuters 6 Jan 2025 'China's export ban to push antimony prices to new highs' (press)",
         "price multiplier (observed spike; to 59,500-61,000 by Jun 2025 after the US ban)")
_sourced("ge_spike", "US metal price change", "Ge", "+51", "% (2023 to 2024)", "2024",
         "USGS Mineral Commodity Summaries 2025 Fig. 10 price growth rates data release",
         "price multiplier (observed spike; 2,100 to ~5,000 USD/kg by Sep 2025)")
_sourced("drc_ban", "DRC cobalt export suspension", "Co",
         "from 22 Feb 2025 (4 months), extended 21 Jun 2025 (3 months), then to 15 Oct 2025",
         "-", "2025", "ARECOMS Decision 001/ARECOMS/2025 (22 Feb 2025) and press release "
         "2025/003 (21 Jun 2025); Reuters 24-25 Feb 2025", "drc_cobalt_quota future")
_sourced("drc_quota", "DRC cobalt export quota 2026 and 2027", "Co", 96600,
         "t/yr (87000 base + 9600 strategic quota)", "2026-27",
         "ARECOMS Decision 004/ARECOMS/2025 (African Mining, Sep 2025; Reuters/Bloomberg 22 Sep "
         "2025)",
         "drc_cobalt_quota: 96.6 kt of 220 kt mined in 2024 leaves the DRC (44 %)")
_sourced("drc_share", "DR Congo share of world mine output (Indonesia 10)", "Co", 76, "%",
         "2024e", f"{_USGS} (cobalt)", "drc_cobalt_quota: why DRC-fed refiners lose half")
_sourced("graphite_controls", "China share of world mine output", "graphite", 78, "%",
         "2024e", f"{_USGS} (graphite)", "cn_graphite_ban future")
DISRUPTIONS: list[dict[str, Any]] = _assumed(
    "disruptions", "futures: probability, start, length, demand and price multipliers", "all",
    [
        {"disruption": "cn_export_ban", "probability": 0.30, "start_year": 2027,
         "duration_years": 3, "demand_multiplier": 1.0, "price_multiplier": 1.5,
         "description": "The one-year suspension lapses (27 Nov 2026): China bans exports "
                        "of the seven controlled rare earths, Ga, Ge, Sb and W to the US, "
                        "licenses half of its NdPr magnet trade and 30 % of its graphite."},
        {"disruption": "drc_cobalt_quota", "probability": 0.20, "start_year": 2027,
         "duration_years": 3, "demand_multiplier": 1.0, "price_multiplier": 1.5,
         "description": "DR Congo keeps its 96.6 kt/yr cobalt export quota (44 % of its "
                        "2024 output) through 2029 and enforces it: DRC-fed refiners lose "
                        "half their feed."},
        {"disruption": "pacific_conflict", "probability": 0.05, "start_year": 2032,
         "duration_years": 3, "demand_multiplier": 1.2, "price_multiplier": 2.0,
         "description": "Conflict in the western Pacific: no Chinese supply, Asian-Pacific "
                        "shipping cut, seabed collection halted, the Guam depot lost, "
                        "defence demand +20 %."},
        {"disruption": "cn_graphite_ban", "probability": 0.15, "start_year": 2027,
         "duration_years": 3, "demand_multiplier": 1.0, "price_multiplier": 1.1,
         "description": "China turns its graphite licensing (Dec 2023) into a ban on "
                        "exports to the US."},
    ],
    "probability; year; yr; x; x", "Disruptions",
    "cn_export_ban 0.30: China has escalated five times in 27 months (Ga/Ge Aug 2023, Sb "
    "Sep 2024, US ban Dec 2024, W Feb 2025, rare earths Apr 2025, Oct 2025) and only "
    "suspended the US ban for a year; a ban from 2027 for three years is the likeliest "
    "single disruption. Its price multiplier 1.5 is what ex-China prices did on top of "
    "already elevated levels when the US ban came (Sb 39.5-40k to 59.5-61k USD/t, Ga "
    "Rotterdam ~550 to 687 USD/kg, Ge 2,100 to ~5,000), the median of those moves; base "
    "prices already carry the 2023-24 spikes (Ga +114 %, Sb +250 %). drc_cobalt_quota "
    "0.20: the 2025 ban and the 2026-27 quotas are in force; keeping them to 2029 is "
    "plausible; the alloy-grade price went 16 to 24 USD/lb under them (x1.5). "
    "pacific_conflict 0.05 from 2032: low probability, high impact, x2 prices. "
    "cn_graphite_ban 0.15: graphite is licensed since Dec 2023, flake prices barely "
    "moved (x1.1). The four are alternatives; the rest (0.30) is no disruption. Price "
    "multipliers apply to every purchase in a future's window (the model has one per "
    "future).",
)
DISRUPTION_IMPACTS: list[dict[str, Any]] = [
    *({"disruption": "cn_export_ban", "material": m, "group_type": "country", "group": "CN",
       "availability": 0.0} for m in CN_BAN_MATERIALS),
    {"disruption": "cn_export_ban", "material": "NdPr_oxide", "group_type": "country",
     "group": "CN", "availability": 0.5},
    {"disruption": "cn_export_ban", "material": "graphite", "group_type": "country",
     "group": "CN", "availability": 0.3},
    *({"disruption": "cn_export_ban", "material": "Ga", "group_type": "country", "group": c,
       "availability": 0.5} for c in ("JP", "DE", "CA")),
    {"disruption": "cn_export_ban", "material": "Ge", "group_type": "country", "group": "BE",
     "availability": 0.7},
    *({"disruption": "drc_cobalt_quota", "material": "Co", "group_type": "country",
       "group": c, "availability": a} for c, a in (("FI", 0.5), ("ROW", 0.6))),
    {"disruption": "pacific_conflict", "material": "*", "group_type": "bloc",
     "group": "adversary", "availability": 0.0},
    *({"disruption": "pacific_conflict", "material": "*", "group_type": "country",
       "group": c, "availability": a}
      for c, a in (("JP", 0.3), ("KR", 0.3), ("MY", 0.4), ("ID", 0.4), ("VN", 0.4),
                   ("PH", 0.4), ("AU", 0.6))),
    {"disruption": "pacific_conflict", "material": "*", "group_type": "source_type",
     "group": "seabed", "availability": 0.2},
    {"disruption": "pacific_conflict", "material": "*", "group_type": "site",
     "group": "guam_apra", "availability": 0.0},
    {"disruption": "cn_graphite_ban", "material": "graphite", "group_type": "country",
     "group": "CN", "availability": 0.0},
]
COMPETED_SHARE = _assumed(
    "competed_share", "share of a foreign non-Chinese source's output the stockpile can still "
    "buy during the Chinese ban", "controlled materials", 0.5, "share",
    "DisruptionImpacts (cn_export_ban, group_type source)",
    "When China stops, every buyer that lost Chinese supply bids for the same allied "
    "and partner output (2025: Europe's Dy and Tb prices tripled on thin trade): the "
    "stockpile keeps half of its contracted volume abroad; US producers it can rate "
    "under the Defense Production Act (full volume).",
)
_CN_BAN_SCOPE = set(CN_BAN_MATERIALS) | {"NdPr_oxide"}
DISRUPTION_IMPACTS += [
    {"disruption": "cn_export_ban", "material": "*", "group_type": "source", "group": s[0],
     "availability": COMPETED_SHARE}
    for s in SOURCE_TABLE
    if set(s[3]) <= _CN_BAN_SCOPE and COUNTRIES[s[2]] in ("allied", "partner", "other")
]
_assumed(
    "disruption_impacts", "availability during disruptions", "all",
    "see DisruptionImpacts", "share", "DisruptionImpacts",
    "Ban: no Chinese controlled material, half the NdPr magnet trade, 30 % of graphite "
    "(licensed); allied Ga refiners (Japan, Germany, Canada) run on Chinese low-purity "
    "metal (China 99 % of primary Ga, USGS): half; Umicore's Ge feed is part Chinese: "
    "70 %. DRC quota: DRC-fed refiners (Kokkola, Chinese, part of the rest) lose half. "
    "Pacific conflict: no Chinese supply; Japan and Korea 30 %, South-East Asia 40 %, "
    "Australia 60 % of normal shipments; seabed 20 %; Guam's stock lost.",
)
# fmt: on


# ======================================================================================
# Derived tables
# ======================================================================================
def essential_demand_t(material: str, year: int) -> float:
    """Essential demand of a material in a year [t/yr] (0 for Mn silicate)."""
    if material not in _DEMAND_PLAN:
        return 0.0
    base, share, growth = _DEMAND_PLAN[material]
    return base * share * (1 + growth) ** (year - START_YEAR)


def target_t(material: str, year: int) -> float:
    """Minimum total stock at the end of a year [t]: 60 days of essential demand."""
    return TARGET_DAYS / 365 * essential_demand_t(material, year) * TARGET_RAMP.get(year, 1.0)


def supply_mix() -> dict[str, dict[str, float]]:
    """material -> country -> share of normal US supply; each material sums to 1."""
    mix: dict[str, dict[str, float]] = {m: dict(v) for m, v in MIX_ASSUMED.items()}
    for m, pcts in IMPORT_SHARES_PCT.items():
        nir = NET_IMPORT_RELIANCE[m]
        shares: dict[str, float] = {}
        if nir < 1:
            shares["US"] = round(1 - nir, 6)
        for name, pct in pcts.items():
            if name != "other":
                shares[COUNTRY_ID[name]] = round(nir * pct / 100, 6)
        shares["ROW"] = round(1 - sum(shares.values()), 6)  # USGS "other" and rounding
        mix[m] = shares
    return {m: mix[m] for m in MATERIALS if m in mix}


def source_sites(outputs: dict[str, float], gate: str) -> list[str]:
    """The sites a source delivers to: those of its outputs' storage classes (in site
    order), and Guam for an Asian-Pacific source of a metals-class material."""
    classes = {STORAGE_CLASS[m] for m in outputs}
    return [
        s for s in SITE_IDS if SITE_CLASS[s] in classes and (s != "guam_apra" or gate == "ASIA")
    ]


def class_rules() -> list[dict[str, Any]]:
    """Rules that keep a material out of a cheaper storage class than its own where a
    co-product source could put it there (share 0 at that site)."""
    rules = []
    seen: set[tuple[str, str]] = set()
    for _sid, _t, _c, outputs, *_rest, gate, _why in SOURCE_TABLE:
        for m in outputs:
            own = HOLDING_USD_PER_T_YR[
                next(s for s in SITE_IDS if SITE_CLASS[s] == STORAGE_CLASS[m])
            ]
            for site in source_sites(outputs, gate):
                if SITE_CLASS[site] != STORAGE_CLASS[m] and HOLDING_USD_PER_T_YR[site] < own:
                    seen.add((m, site))
    for m, site in sorted(seen, key=lambda ms: (MATERIALS.index(ms[0]), SITE_IDS.index(ms[1]))):
        rules.append(
            {
                "rule": f"class_{m}_not_{site}",
                "material": m,
                "group_type": "site",
                "group": site,
                "limit": "max_share",
                "share": 0.0,
            }
        )
    return rules


def _activity_unit(stype: str, outputs: dict[str, float]) -> str:
    if stype == "seabed":
        return "t wet nodules"
    return "t feed" if len(outputs) > 1 else "t"


def tables() -> dict[str, list[dict[str, Any]]]:
    """The dataset as plain tables: Inputs attribute -> list of dicts keyed by column."""
    sources, outputs, routes = [], [], []
    for sid, stype, country, yields, cost, cap, first, esc, gate, _why in SOURCE_TABLE:
        row: dict[str, Any] = {
            "source": sid,
            "type": stype,
            "country": country,
            "activity_unit": _activity_unit(stype, yields),
            "cost_usd_per_unit": float(cost),
            "capacity_units_per_yr": float(cap),
            "first_year": first,
            "cost_escalation_per_yr": esc,
        }
        if sid in EXPANSION:
            xcost, lead, xmax = EXPANSION[sid]
            row |= {
                "expansion_cost_usd_per_unit": float(xcost),
                "expansion_lead_years": lead,
                "max_expansion_units": float(xmax),
            }
        sources.append(row)
        outputs += [
            {"source": sid, "material": m, "yield_t_per_unit": y} for m, y in yields.items()
        ]
        routes += [
            {"source": sid, "site": site, "cost_usd_per_t": float(TRANSPORT_USD_PER_T[gate][site])}
            for site in source_sites(yields, gate)
        ]
    return {
        "materials": [
            {
                "material": m,
                "description": MATERIAL_INFO[m],
                "volume_m3_per_t": VOLUME_M3_PER_T[m],
                "shortfall_penalty_usd_per_t": PENALTY_USD_PER_T[m],
                "min_coverage": MIN_COVERAGE[m],
                "resale_usd_per_t": RESALE_USD_PER_T[m],
            }
            for m in MATERIALS
        ],
        "countries": [{"country": c, "bloc": b} for c, b in COUNTRIES.items()],
        "sources": sources,
        "source_outputs": outputs,
        "source_capacity": [
            {"source": s, "year": t, "capacity_units_per_yr": float(v)}
            for s, caps in SOURCE_CAPACITY_UNITS.items()
            for t, v in caps.items()
        ],
        "sites": [
            {
                "site": s,
                "location": loc,
                "capacity_m3": float(cap),
                "holding_cost_usd_per_t_yr": HOLDING_USD_PER_T_YR[s],
                "first_year": first,
            }
            for s, loc, _cls, cap, _storage, first in SITE_TABLE
        ],
        "routes": routes,
        "initial_stock": [
            {"material": m, "site": s, "stock_t": v} for (m, s), v in INITIAL_STOCK_T.items()
        ],
        "targets": [
            {"material": m, "year": t, "min_stock_t": round(target_t(m, t), 3)}
            for m in TARGET_MATERIALS
            for t in YEARS
        ],
        "budget": [{"year": t, "budget_usd": v} for t, v in BUDGET_USD.items()],
        "rules": [dict(r) for r in RULES] + class_rules(),
        "demand": [
            {"material": m, "year": t, "demand_t": round(essential_demand_t(m, t), 3)}
            for m in MATERIALS
            if m in _DEMAND_PLAN
            for t in YEARS
        ],
        "supply_mix": [
            {"material": m, "country": c, "share": v}
            for m, shares in supply_mix().items()
            for c, v in shares.items()
        ],
        "disruptions": [dict(d) for d in DISRUPTIONS],
        "disruption_impacts": [dict(i) for i in DISRUPTION_IMPACTS],
        **uncertainty_tables(DISRUPTIONS, DISRUPTION_IMPACTS),
    }


def default_inputs() -> Inputs:
    """The bundled default dataset as an Inputs object."""
    settings = {
        "start_year": START_YEAR,
        "end_year": END_YEAR,
        "discount_rate": DISCOUNT_RATE,
        "currency": "USD",
        "recovery_years": RECOVERY_YEARS,
    }
    return Inputs.build(settings, **tables())


# what stockpile stress samples (DisruptionTypes): its figures join the References
REFERENCES.extend(UNCERTAINTY_REFERENCES)
