"""The bundled default dataset: "US critical-minerals stockpile 2026-2040".

Readable Python data, turned into an ``Inputs`` by ``default_inputs()``. Every number is
either a sourced public figure (USGS Mineral
Commodity Summaries 2025, the TMC NORI-D pre-feasibility study, CRS R47833, storage
proxies) or an assumption of this dataset. ``REFERENCES`` lists both, one dict per
figure, with ``kind`` "sourced" or "assumption" and, for an assumption, a one-line
justification in ``note``.

Units: tonnes (t), USD (2024 prices, escalated from 2026), m3. Rare-earth, gallium and
germanium prices are quoted per kg in the sources and converted here, once.

The plan this data produces: stock targets that ramp to two or three years of
essential demand by 2032 and then grow with demand; a budget that binds while the
targets ramp up (2029-2032); cheap Chinese supply capped by the 20 % adversary rule;
export-control, conflict and Pacific-shipping stress tests, of which the export ban
and the conflict cost extra stock; and a seabed nodule offtake whose four co-products
(Ni, Cu, Co, Mn) are partly stockpiled and partly resold. The data tables are kept out
of the formatter (``fmt: off``) so that one record stays on one line.
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
    """Record a figure of public-figures.csv and return its value."""
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
    """Record an assumption of this dataset with its justification and return its value."""
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


# fmt: off
# ======================================================================================
# Settings
# ======================================================================================
DISCOUNT_RATE = _assumed(
    "discount_rate", "real discount rate", "all", 0.03, "1/yr", "Settings.discount_rate",
    "Long-run real Treasury yields plus a margin; OMB Circular A-94 uses rates of this "
    "order for public investment.",
)

# ======================================================================================
# Prices, USD per tonne (USGS MCS 2025, 2024 estimates)
# ======================================================================================
_KG_PER_T = 1000.0  # USD/kg * 1000 = USD/t
_USGS = "USGS MCS 2025"

PRICE_USD_PER_T: dict[str, float] = {
    "Ni": _sourced("price_ni", "LME cash price", "Ni", 17000, "USD/t", "2024e",
                   f"{_USGS} (nickel)", "Ni source costs, penalty, resale"),
    "Co": _sourced("price_co", "US spot cathode price", "Co", 37500, "USD/t (17 USD/lb)",
                   "2024e", f"{_USGS} (cobalt)", "Co source costs, penalty, resale"),
    "Cu": _sourced("price_cu", "COMEX price", "Cu", 9260, "USD/t (420 USc/lb)", "2024e",
                   f"{_USGS} (copper)", "Cu source costs, penalty, resale"),
    "Mn": _sourced("price_mn", "ore price 44% Mn CIF China", "Mn", 580,
                   "USD/t Mn (5.80 USD/mtu)", "2024e", f"{_USGS} (manganese)",
                   "Mn source costs, penalty, resale"),
    "NdPr_oxide": _sourced("price_nd_oxide", "Nd oxide price (proxy for NdPr oxide)",
                           "NdPr_oxide", 56, "USD/kg", "2024e", f"{_USGS} (rare earths)",
                           "NdPr costs (x1000 = USD/t), penalty, resale") * _KG_PER_T,
    "Dy_oxide": _sourced("price_dy_oxide", "Dy oxide price", "Dy_oxide", 260, "USD/kg",
                         "2024e", f"{_USGS} (rare earths)",
                         "Dy costs (x1000 = USD/t), penalty, resale") * _KG_PER_T,
    "Tb_oxide": _sourced("price_tb_oxide", "Tb oxide price", "Tb_oxide", 810, "USD/kg",
                         "2024e", f"{_USGS} (rare earths)",
                         "Tb costs (x1000 = USD/t), penalty, resale") * _KG_PER_T,
    # Non-Chinese gallium is refined or recovered high-purity metal: high-purity unit
    # value. Chinese primary metal is priced at the low-purity one (PRICE_GA_LOW).
    "Ga": _sourced("price_ga_high", "import unit value, high-purity", "Ga", 500, "USD/kg",
                   "2024e", f"{_USGS} (gallium)",
                   "non-Chinese Ga costs (x1000 = USD/t), penalty") * _KG_PER_T,
    "Ge": _sourced("price_ge_metal", "germanium metal price", "Ge", 2100, "USD/kg",
                   "2024e", f"{_USGS} (germanium)",
                   "Ge costs (x1000 = USD/t), penalty") * _KG_PER_T,
    "Sb": _sourced("price_sb", "antimony metal price", "Sb", 20900,
                   "USD/t (9.50 USD/lb; 17.50 USD/lb in Nov 2024)", "2024e",
                   f"{_USGS} (antimony)", "Chinese Sb cost, penalty"),
    "graphite": _sourced("price_graphite", "flake import unit value", "graphite", 1070,
                         "USD/t", "2024e", f"{_USGS} (graphite)",
                         "graphite source costs, penalty"),
    "W": _sourced("price_w", "concentrate price", "W", 31500, "USD/t W (250 USD/mtu WO3)",
                  "2024e", f"{_USGS} (tungsten)", "W source costs, penalty"),
}
PRICE_GA_LOW_USD_PER_T = _sourced(
    "price_ga_low", "import unit value, low-purity", "Ga", 220, "USD/kg", "2024e",
    f"{_USGS} (gallium)", "Chinese Ga cost (x1000 = USD/t)",
) * _KG_PER_T
_sourced("price_sb_nov2024", "antimony price after Chinese export controls", "Sb", 17.5,
         "USD/lb (38,600 USD/t)", "Nov 2024", f"{_USGS} (antimony)",
         "ex-China Sb premium: non-Chinese Sb at 26-28 kUSD/t")
P = PRICE_USD_PER_T  # short name for the source table

# ======================================================================================
# Materials
# ======================================================================================
MATERIAL_INFO: dict[str, str] = {
    "Ni": "Nickel metal (cathode, briquettes), t Ni",
    "Co": "Cobalt metal (cathode), t Co",
    "Cu": "Copper cathode, t Cu",
    "Mn": "Manganese, t Mn content (high-grade ore or nodule Mn product)",
    "NdPr_oxide": "Neodymium-praseodymium oxide, t oxide",
    "Dy_oxide": "Dysprosium oxide, t oxide",
    "Tb_oxide": "Terbium oxide, t oxide",
    "Ga": "Gallium metal, t Ga",
    "Ge": "Germanium metal, t Ge",
    "Sb": "Antimony metal (ingot), t Sb",
    "graphite": "Natural flake graphite, t",
    "W": "Tungsten, t W content (concentrate or APT)",
}
MATERIALS = tuple(MATERIAL_INFO)

# m3 per t = 1 / (density * packing); packing covers drums, pallets and aisles.
VOLUME_M3_PER_T: dict[str, float] = {
    m: _assumed(f"volume_{m}", "storage volume", m, v, "m3/t", "Materials.volume_m3_per_t",
                why)
    for m, v, why in (
        ("Ni", 0.25, "density 8.9 t/m3, briquettes/cathode on pallets, ~45 % packing"),
        ("Co", 0.25, "density 8.9 t/m3, cathode in drums, ~45 % packing"),
        ("Cu", 0.20, "density 8.96 t/m3, strapped cathode bundles, ~55 % packing"),
        ("Mn", 0.90, "44 % Mn ore at ~2.5 t/m3 bulk: 1/(0.44*2.5) m3 per t Mn"),
        ("NdPr_oxide", 0.50, "oxide powder in steel drums, ~2 t/m3 as stored"),
        ("Dy_oxide", 0.50, "oxide powder in steel drums, ~2 t/m3 as stored"),
        ("Tb_oxide", 0.50, "oxide powder in steel drums, ~2 t/m3 as stored"),
        ("Ga", 0.30, "density 5.9 t/m3, ingots in bottles and cases, ~55 % packing"),
        ("Ge", 0.35, "density 5.3 t/m3, ingots in cases, ~55 % packing"),
        ("Sb", 0.30, "density 6.7 t/m3, ingots on pallets, ~50 % packing"),
        ("graphite", 1.60, "flake in bulk bags, ~0.6 t/m3 stacked"),
        ("W", 0.60, "concentrate 65 % WO3 (51 % W) at ~3.2 t/m3 bulk"),
    )
}

EXPORT_CONTROLLED = ("Dy_oxide", "Tb_oxide", "Ga", "Ge", "Sb", "W", "graphite")
PENALTY_PRICE_MULTIPLE: dict[str, float] = _assumed(
    "penalty_multiple", "shortfall penalty as a multiple of price", "all",
    {m: 10.0 if m in EXPORT_CONTROLLED else 5.0 for m in MATERIALS}, "x price",
    "Materials.shortfall_penalty_usd_per_t",
    "An unmet essential tonne idles defence and grid production worth many times its "
    "price: 10x where China already restricts exports, 5x elsewhere.",
)
PENALTY_USD_PER_T = {m: P[m] * PENALTY_PRICE_MULTIPLE[m] for m in MATERIALS}

MIN_COVERAGE: dict[str, float] = _assumed(
    "min_coverage", "minimum covered share of disruption need", "all",
    {"Ni": 0.3, "Co": 0.5, "Cu": 0.3, "Mn": 0.3, "NdPr_oxide": 0.5, "Dy_oxide": 0.8,
     "Tb_oxide": 0.8, "Ga": 0.8, "Ge": 0.8, "Sb": 0.7, "W": 0.7, "graphite": 0.5},
    "share", "Materials.min_coverage",
    "0.7-0.8 for materials under Chinese export controls, 0.3-0.5 where allied supply "
    "is deep.",
)

# Co-product output that is not stockpiled is sold as an intermediate (Ni-Cu-Co matte,
# Mn silicate, mixed rare-earth oxide, black-mass metals) at payables below the refined
# price. These shares keep every co-product source's resale value below its cost, so
# buying never pays for itself (a test checks it).
RESALE_SHARE: dict[str, float] = _assumed(
    "resale_share", "resale price of unstockpiled co-product, share of price",
    "Ni, Co, Cu, Mn, NdPr_oxide, Dy_oxide, Tb_oxide",
    {"Ni": 0.7, "Co": 0.6, "Cu": 0.75, "Mn": 0.5, "NdPr_oxide": 0.6, "Dy_oxide": 0.6,
     "Tb_oxide": 0.6},
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
        "BE": "allied", "DE": "allied", "EE": "allied", "KR": "allied",
        "CL": "partner", "MX": "partner", "PE": "partner", "BR": "partner",
        "GA": "partner", "ZA": "partner", "MY": "partner", "ID": "partner",
        "IN": "partner", "MZ": "partner", "VN": "partner",
        "CD": "other",   # DR Congo
        "BO": "other",   # Bolivia
        "ROW": "other",  # rest of world: the lumped "other" of the USGS import shares
        "CN": "adversary",
    },
    "-", "Countries.bloc",
    "Treaty allies are allied, trade and minerals partners partner, China adversary; "
    "DR Congo, Bolivia and the lumped rest of world other.",
)

# ======================================================================================
# Essential demand (stress tests) and stock targets
# ======================================================================================
_sourced("cons_ni", "US apparent consumption (total / primary)", "Ni", "180000 / 84000",
         "t Ni", "2024e", f"{_USGS} (nickel)", "essential demand base (total)")
_sourced("cons_co", "US apparent consumption", "Co", 8500, "t Co", "2024e",
         f"{_USGS} (cobalt)", "essential demand base")
_sourced("cons_cu", "US apparent consumption", "Cu", 1800000, "t", "2024e",
         f"{_USGS} (copper)", "essential demand base")
_sourced("cons_mn", "US apparent consumption", "Mn", 680000, "t Mn content", "2024e",
         f"{_USGS} (manganese)", "essential demand base")
_sourced("cons_ree", "US apparent consumption (compounds and metals)",
         "NdPr_oxide, Dy_oxide, Tb_oxide", 6600, "t REO", "2024e", f"{_USGS} (rare earths)",
         "essential demand base")
_sourced("cons_ga", "US reported consumption", "Ga", 19000, "kg", "2024e",
         f"{_USGS} (gallium)", "essential demand base (19 t)")
_sourced("imports_ge_t", "US imports metal + dioxide (Ge content)", "Ge", "20000 + 13000",
         "kg", "2024e", f"{_USGS} (germanium)", "essential demand base (33 t)")
_sourced("cons_sb", "US apparent consumption", "Sb", 24000, "t", "2024e",
         f"{_USGS} (antimony)", "essential demand base")
_sourced("cons_graphite", "US apparent consumption (natural)", "graphite", 52000, "t",
         "2024e", f"{_USGS} (graphite)", "essential demand base")
W_CONSUMPTION_T = _assumed(
    "cons_w", "US tungsten consumption", "W", 10000, "t W", "essential demand base",
    "Order of magnitude of US W use (not in public-figures.csv): imports of about "
    "10 kt W a year with net import reliance > 50 %.",
)

# material: (base consumption t/yr, essential share, growth per yr, years of cover
# targeted from 2032). Essential demand = base * share in 2026, growing after.
_DEMAND_PLAN: dict[str, tuple[float, float, float, float]] = {
    "Ni":         (180000,          0.20,   0.02,  2.0),
    "Co":         (8500,            0.40,   0.03,  3.0),
    "Cu":         (1800000,         0.08,   0.015, 2.0),
    "Mn":         (680000,          0.10,   0.01,  2.0),
    "NdPr_oxide": (6600,            0.12,   0.04,  3.0),
    "Dy_oxide":   (6600,            0.009,  0.04,  3.0),
    "Tb_oxide":   (6600,            0.0023, 0.04,  3.0),
    "Ga":         (19,              0.60,   0.03,  3.0),
    "Ge":         (33,              0.50,   0.02,  3.0),
    "Sb":         (24000,           0.30,   0.01,  3.0),
    "graphite":   (52000,           0.20,   0.04,  2.0),
    "W":          (W_CONSUMPTION_T, 0.30,   0.01,  3.0),
}
_assumed(
    "essential_share", "essential share of US consumption", "all",
    {m: v[1] for m, v in _DEMAND_PLAN.items()}, "share", "Demand.demand_t (2026)",
    "Defence, grid and critical-infrastructure uses: 8-20 % of bulk metals, more of "
    "specialty ones; NdPr ~12 %, Dy ~0.9 %, Tb ~0.23 % of US REO consumption.",
)
_assumed(
    "demand_growth", "growth of essential demand", "all",
    {m: v[2] for m, v in _DEMAND_PLAN.items()}, "1/yr", "Demand.demand_t (2027-2040)",
    "Faster for battery and magnet materials (electrification, defence magnets), "
    "1-2 %/yr for the others.",
)
_assumed(
    "target_cover_years", "stock target in years of essential demand (from 2032)", "all",
    {m: v[3] for m, v in _DEMAND_PLAN.items()}, "yr of essential demand",
    "Targets.min_stock_t",
    "Three years (the length of the export-ban stress test) for materials China "
    "dominates or controls, two where allied supply is deep.",
)
TARGET_RAMP: dict[int, float] = _assumed(
    "target_ramp", "share of the full target required at year-end", "all",
    {2026: 0.10, 2027: 0.25, 2028: 0.40, 2029: 0.55, 2030: 0.70, 2031: 0.85},
    "share", "Targets.min_stock_t",
    "Linear build-up to the full target in 2032 (1.0 from then on), a realistic pace "
    "for contracting and a ~1 bn USD/yr budget.",
)

# ======================================================================================
# Normal supply mix: the US share is 1 - net import reliance; imports are split by the
# USGS import-source shares; USGS "other" (and rounding) goes to ROW.
# ======================================================================================
NET_IMPORT_RELIANCE: dict[str, float] = {
    "Ni": _sourced("nir_ni", "US net import reliance", "Ni", 48, "%", "2024e",
                   f"{_USGS} (nickel)", "SupplyMix US share") / 100,
    "Co": _sourced("nir_co", "US net import reliance", "Co", 76, "%", "2024e",
                   f"{_USGS} (cobalt)", "SupplyMix US share") / 100,
    "Cu": _sourced("nir_cu", "US net import reliance", "Cu", 45, "%", "2024e",
                   f"{_USGS} (copper)", "SupplyMix US share") / 100,
    "Mn": _sourced("nir_mn", "US net import reliance", "Mn", 100, "%", "2024e",
                   f"{_USGS} (manganese)", "SupplyMix (no US share)") / 100,
    "NdPr_oxide": _sourced("nir_ree", "US net import reliance", "NdPr_oxide", 80, "%",
                           "2024e", f"{_USGS} (rare earths)", "SupplyMix US share") / 100,
    "Dy_oxide": _assumed("nir_hree", "net import reliance, heavy rare earths",
                         "Dy_oxide, Tb_oxide", 100, "%", "SupplyMix (no US share)",
                         "No US heavy rare-earth separation in 2024; the 80 % REE figure "
                         "reflects light rare earths.") / 100,
    "Tb_oxide": 1.0,  # same assumption as Dy_oxide
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

_REE_IMPORTS = _import_shares(
    "imports_ree", "NdPr_oxide, Dy_oxide, Tb_oxide",
    "China 70; Malaysia 13; Japan 6; Estonia 5; other 6", f"{_USGS} (rare earths)")
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
    "Mn": _import_shares("imports_mn", "Mn",
                         "Gabon 24; South Africa 21; Australia 10; Malaysia 9; other 36",
                         f"{_USGS} (manganese)"),
    "NdPr_oxide": _REE_IMPORTS,
    "Dy_oxide": _REE_IMPORTS,
    "Tb_oxide": _REE_IMPORTS,
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
COUNTRY_ID: dict[str, str] = {
    "Canada": "CA", "Norway": "NO", "Australia": "AU", "Brazil": "BR", "Finland": "FI",
    "Japan": "JP", "Chile": "CL", "Mexico": "MX", "Peru": "PE", "Gabon": "GA",
    "South Africa": "ZA", "Malaysia": "MY", "China": "CN", "Estonia": "EE",
    "Germany": "DE", "Belgium": "BE", "India": "IN", "Bolivia": "BO", "Mozambique": "MZ",
    "Vietnam": "VN", "other": "ROW",
}

# ======================================================================================
# Sources
# ======================================================================================
# --- Seabed nodules: NORI-D (Clarion-Clipperton Zone), NOAA-licensed, so country US.
NORI_D_NODULES_T_PER_YR = _sourced(
    "nori_d_production", "NORI-D steady production", "seabed", 10.8,
    "Mt wet nodules/yr (2031-2043)", "2025", "TMC NORI-D pre-feasibility study",
    "seabed yields (denominator), full-production capacity (x1e6 = t/yr)") * 1e6
NORI_D_METAL_T_PER_YR: dict[str, float] = _sourced(
    "nori_d_metals", "NORI-D annual metal output", "Ni, Cu, Co, Mn",
    {"Ni": 97000, "Cu": 70000, "Co": 7400, "Mn": 2390000}, "t/yr", "2025",
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
_sourced("noaa_permitting", "US permitting", "seabed",
         "NOAA DSHMRA final rule effective 21 Jan 2026 (combined licence and permit); "
         "EO 14285 April 2025", "-", "2026",
         "Federal Register", "seabed source in the US (domestic) bloc, first_year 2028")
SEABED_MARKUP = _assumed(
    "seabed_markup", "cost-plus offtake markup on gross AISC", "seabed", 1.25, "x",
    "Sources.cost_usd_per_unit (seabed_nori_d)",
    "AISC excludes initial capital; a cost-plus government offtake repays it with a "
    "return: 25 % over AISC.",
)
# Cost per t of wet nodules (USGS 2024 prices):
#   net AISC per t nodules   = 2,569 USD/t Ni * 0.00898 t Ni/t                  =  23.1
#   by-product credit per t  = Cu 0.00648*9,260 + Co 0.000685*37,500
#                              + Mn 0.2213*580                                  = 214.1
#   gross AISC per t nodules = net AISC + by-product credit                     = 237.1
#   offtake price            = gross AISC * 1.25                                = 296.4
# Stockpiling the whole basket (market value 367 USD/t) is cheaper than buying the
# metals, while reselling everything returns only 232 USD/t (RESALE_SHARE): nodules
# never pay for themselves.
_BYPRODUCT_CREDIT = sum(NODULE_YIELD_T_PER_T[m] * P[m] for m in ("Cu", "Co", "Mn"))
SEABED_COST_USD_PER_T = round(
    (NORI_D_AISC_USD_PER_T_NI * NODULE_YIELD_T_PER_T["Ni"] + _BYPRODUCT_CREDIT)
    * SEABED_MARKUP, 1)
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

# --- Co-product recycling (activity: t of feed)
BLACK_MASS_YIELD: dict[str, float] = _assumed(
    "black_mass_yield", "metal recovered per t of NMC black mass", "Ni, Co",
    {"Ni": 0.20, "Co": 0.06}, "t/t black mass", "SourceOutputs (us_battery_recycling)",
    "NMC black mass holds 15-25 % Ni and 5-8 % Co; ~95 % hydrometallurgical recovery.",
)
MAGNET_SCRAP_YIELD: dict[str, float] = _assumed(
    "magnet_scrap_yield", "oxide recovered per t of NdFeB magnet scrap",
    "NdPr_oxide, Dy_oxide, Tb_oxide",
    {"NdPr_oxide": 0.30, "Dy_oxide": 0.03, "Tb_oxide": 0.005}, "t/t scrap",
    "SourceOutputs (us_magnet_recycling)",
    "NdFeB holds ~29 % Nd+Pr, 1-4 % Dy, ~0.5 % Tb; oxide factor ~1.17; 90 % recovery.",
)
RECYCLING_PREMIUM = _assumed(
    "recycling_premium", "feed cost over the market value of its recovered metals",
    "Ni, Co, NdPr_oxide, Dy_oxide, Tb_oxide", 1.10, "x",
    "Sources.cost_usd_per_unit (us_battery_recycling, us_magnet_recycling)",
    "Young US recyclers need about 10 % over metal value to cover processing.",
)
BATTERY_FEED_USD_PER_T = round(
    RECYCLING_PREMIUM * sum(y * P[m] for m, y in BLACK_MASS_YIELD.items()), 1)
MAGNET_FEED_USD_PER_T = round(
    RECYCLING_PREMIUM * sum(y * P[m] for m, y in MAGNET_SCRAP_YIELD.items()), 1)

# Gates: where a source's material enters the US inland network (see TRANSPORT).
#   WEST = Long Beach, GULF = Houston, EAST = Baltimore, CANADA = rail from Ontario/
#   Quebec/BC, MOUNTAIN = Idaho/Nevada mines, SOUTHWEST = Arizona/California.
# Costs are CIF US: ocean freight is in the purchase price. Premiums over the
# reference price: allied offtakes 2-17 % (smaller, costlier producers), Chinese
# supply 5-10 % below (domestic price below ex-China), world market at the reference.
#
# id, type, country, outputs {material: t per unit}, USD/unit (2026), stockpile
# capacity units/yr, first_year, escalation/yr, gate, why
SourceRow = tuple[str, str, str, dict[str, float], float, float, int, float, str, str]
SOURCE_TABLE: list[SourceRow] = [
    # seabed ----------------------------------------------------------------------
    ("seabed_nori_d", "seabed", "US", NODULE_YIELD_T_PER_T, SEABED_COST_USD_PER_T,
     SEABED_OFFTAKE_SHARE * NORI_D_NODULES_T_PER_YR, 2028, 0.01, "GULF",
     "t wet nodules, cost-plus offtake of 10 % of NORI-D; processed on the Gulf coast"),
    # nickel, cobalt --------------------------------------------------------------
    ("ca_sudbury_ni", "allied_mine", "CA", {"Ni": 1}, round(P["Ni"] * 1.05), 6000,
     START_YEAR, 0.01, "CANADA", "Sudbury Ni, 5 % allied offtake premium"),
    ("no_nikkelverk_ni", "allied_mine", "NO", {"Ni": 1}, round(P["Ni"] * 1.07), 3000,
     START_YEAR, 0.01, "EAST", "Norwegian refined Ni, 7 % premium"),
    ("id_market_ni", "market", "ID", {"Ni": 1}, P["Ni"], 5000,
     START_YEAR, 0.01, "WEST", "world-market Ni (Indonesian origin) at LME"),
    ("us_battery_recycling", "recycling", "US", BLACK_MASS_YIELD, BATTERY_FEED_USD_PER_T,
     10000, START_YEAR, 0.0, "EAST",
     "t black mass; US hydromet recyclers, 3 kt/yr in 2026 to 10 kt/yr from 2030"),
    ("fi_kokkola_co", "allied_mine", "FI", {"Co": 1}, round(P["Co"] * 1.05), 1000,
     START_YEAR, 0.01, "EAST", "Kokkola refined Co, 5 % premium"),
    ("us_idaho_cobalt", "domestic_mine", "US", {"Co": 1}, round(P["Co"] * 1.2), 600,
     2029, 0.0, "MOUNTAIN", "Idaho Cobalt Operations, restart assumed 2029, 20 % premium"),
    ("cd_market_co", "market", "CD", {"Co": 1}, P["Co"], 1500,
     START_YEAR, 0.01, "EAST", "world-market Co (DR Congo origin) at US spot"),
    ("cn_market_co", "market", "CN", {"Co": 1}, round(P["Co"] * 0.95), 3000,
     START_YEAR, 0.01, "WEST", "Chinese refined Co, 5 % below US spot"),
    # copper, manganese -----------------------------------------------------------
    ("cl_codelco_cu", "allied_mine", "CL", {"Cu": 1}, round(P["Cu"] * 1.02), 40000,
     START_YEAR, 0.01, "GULF", "Chilean cathode offtake, 2 % premium"),
    ("us_arizona_cu", "domestic_mine", "US", {"Cu": 1}, round(P["Cu"] * 1.02), 25000,
     START_YEAR, 0.01, "SOUTHWEST", "Arizona cathode, 2 % premium"),
    ("row_market_cu", "market", "ROW", {"Cu": 1}, round(P["Cu"] * 1.01), 25000,
     START_YEAR, 0.01, "EAST", "world-market cathode, 1 % over COMEX"),
    ("ga_moanda_mn", "allied_mine", "GA", {"Mn": 1}, 650, 40000,
     START_YEAR, 0.01, "GULF", "Gabonese high-grade ore, CIF US Gulf"),
    ("za_kalahari_mn", "allied_mine", "ZA", {"Mn": 1}, 640, 40000,
     START_YEAR, 0.01, "EAST", "South African ore, CIF US East coast"),
    ("row_market_mn", "market", "ROW", {"Mn": 1}, 700, 30000,
     START_YEAR, 0.01, "GULF", "world-market ore at a spot premium"),
    # rare earths -----------------------------------------------------------------
    ("us_mountain_pass", "domestic_mine", "US", {"NdPr_oxide": 1}, 110000, 1000,
     START_YEAR, 0.0, "SOUTHWEST",
     "Mountain Pass NdPr at ~110 USD/kg, the floor price reported for the 2025 DoD "
     "offtake (press reports; not in public-figures.csv)"),
    ("au_lynas_ndpr", "allied_mine", "AU", {"NdPr_oxide": 1}, round(P["NdPr_oxide"] * 1.1),
     800, START_YEAR, 0.01, "WEST", "Lynas NdPr, 10 % ex-China premium"),
    ("us_magnet_recycling", "recycling", "US", MAGNET_SCRAP_YIELD, MAGNET_FEED_USD_PER_T,
     2000, 2027, 0.0, "GULF",
     "t NdFeB scrap; US magnet recyclers, 0.5 kt/yr in 2027 to 2 kt/yr from 2030"),
    ("cn_market_ndpr", "market", "CN", {"NdPr_oxide": 1}, round(P["NdPr_oxide"] * 0.93),
     3000, START_YEAR, 0.01, "WEST", "Chinese NdPr oxide, 7 % below reference"),
    ("au_lynas_dy", "allied_mine", "AU", {"Dy_oxide": 1}, round(P["Dy_oxide"] * 1.15), 20,
     START_YEAR, 0.01, "WEST", "Lynas heavy rare-earth separation (first Dy 2025)"),
    ("cn_market_dy", "market", "CN", {"Dy_oxide": 1}, round(P["Dy_oxide"] * 0.92), 200,
     START_YEAR, 0.01, "WEST", "Chinese Dy oxide, 8 % below reference"),
    ("au_lynas_tb", "allied_mine", "AU", {"Tb_oxide": 1}, round(P["Tb_oxide"] * 1.17), 5,
     START_YEAR, 0.01, "WEST", "Lynas Tb oxide, 17 % premium"),
    ("cn_market_tb", "market", "CN", {"Tb_oxide": 1}, round(P["Tb_oxide"] * 0.94), 50,
     START_YEAR, 0.01, "WEST", "Chinese Tb oxide, 6 % below reference"),
    # gallium, germanium ----------------------------------------------------------
    ("jp_dowa_ga", "allied_mine", "JP", {"Ga": 1}, round(P["Ga"] * 1.04), 6,
     START_YEAR, 0.01, "WEST", "Japanese refined and recovered high-purity Ga"),
    ("ca_quebec_ga", "allied_mine", "CA", {"Ga": 1}, round(P["Ga"] * 1.08), 4,
     2027, 0.01, "CANADA", "Ga recovery at a Quebec alumina refinery from 2027"),
    ("us_ga_recycling", "recycling", "US", {"Ga": 1}, round(P["Ga"] * 0.96), 3,
     START_YEAR, 0.0, "EAST", "Ga recovered from GaAs/GaN wafer scrap"),
    ("cn_market_ga", "market", "CN", {"Ga": 1}, PRICE_GA_LOW_USD_PER_T, 40,
     START_YEAR, 0.01, "WEST", "Chinese low-purity Ga at the low-purity unit value"),
    ("be_umicore_ge", "allied_mine", "BE", {"Ge": 1}, round(P["Ge"] * 1.1), 10,
     START_YEAR, 0.01, "EAST", "Belgian refined Ge, 10 % premium"),
    ("ca_trail_ge", "allied_mine", "CA", {"Ge": 1}, round(P["Ge"] * 1.07), 6,
     START_YEAR, 0.01, "CANADA", "Trail smelter Ge, 7 % premium"),
    ("cn_market_ge", "market", "CN", {"Ge": 1}, round(P["Ge"] * 0.9), 30,
     START_YEAR, 0.01, "WEST", "Chinese Ge metal, 10 % below reference"),
    # antimony, graphite, tungsten ------------------------------------------------
    ("us_stibnite_sb", "domestic_mine", "US", {"Sb": 1}, 28000, 2000,
     2028, 0.0, "MOUNTAIN", "Stibnite (Idaho) from 2028, ex-China price level"),
    ("us_sb_recycling", "recycling", "US", {"Sb": 1}, 26000, 800,
     START_YEAR, 0.0, "EAST", "Sb from lead-acid battery smelters"),
    ("be_campine_sb", "recycling", "BE", {"Sb": 1}, 28000, 1000,
     START_YEAR, 0.01, "EAST", "Belgian Sb recycler"),
    ("bo_market_sb", "market", "BO", {"Sb": 1}, 27000, 1000,
     START_YEAR, 0.01, "GULF", "Bolivian Sb on the ex-China market"),
    ("cn_market_sb", "market", "CN", {"Sb": 1}, P["Sb"], 6000,
     START_YEAR, 0.01, "WEST", "Chinese Sb at the 2024 average price"),
    ("ca_nmg_graphite", "allied_mine", "CA", {"graphite": 1}, 1400, 4000,
     2027, 0.01, "CANADA", "Quebec flake from 2027"),
    ("mz_balama_graphite", "allied_mine", "MZ", {"graphite": 1}, 1150, 3000,
     START_YEAR, 0.01, "GULF", "Mozambican flake shipped to the Gulf"),
    ("us_graphite_one", "domestic_mine", "US", {"graphite": 1}, 1800, 4000,
     2031, 0.0, "WEST", "Alaskan flake from 2031"),
    ("cn_market_graphite", "market", "CN", {"graphite": 1}, 950, 20000,
     START_YEAR, 0.01, "WEST", "Chinese flake below the import unit value"),
    ("kr_sangdong_w", "allied_mine", "KR", {"W": 1}, round(P["W"] * 1.08), 1500,
     START_YEAR, 0.01, "WEST", "Sangdong (Korea) concentrate, 8 % premium"),
    ("de_w_recycling", "recycling", "DE", {"W": 1}, round(P["W"] * 1.06), 800,
     START_YEAR, 0.01, "EAST", "German tungsten scrap recycling"),
    ("us_w_mine", "domestic_mine", "US", {"W": 1}, round(P["W"] * 1.17), 800,
     2029, 0.0, "MOUNTAIN", "Nevada tungsten project from 2029"),
    ("vn_market_w", "market", "VN", {"W": 1}, round(P["W"] * 1.02), 1200,
     START_YEAR, 0.01, "WEST", "Vietnamese concentrate on the market"),
    ("cn_market_w", "market", "CN", {"W": 1}, round(P["W"] * 0.95), 6000,
     START_YEAR, 0.01, "WEST", "Chinese concentrate/APT, 5 % below reference"),
]
for _s in SOURCE_TABLE:
    _assumed(f"source_{_s[0]}", f"cost and capacity of {_s[0]} ({_s[1]}, {_s[2]})",
             ", ".join(_s[3]), f"{_s[4]:g} USD/unit; {_s[5]:g} units/yr; from {_s[6]}; "
             f"escalation {_s[7]:.0%}/yr", "USD/unit; unit/yr", "Sources",
             f"{_s[9]}; capacity = what the stockpile office can contract, a small share "
             "of US consumption")

# Year-specific capacities (units/yr) that replace the Sources capacity.
SOURCE_CAPACITY_UNITS: dict[str, dict[int, float]] = {
    "seabed_nori_d": {t: SEABED_OFFTAKE_SHARE * v for t, v in SEABED_RAMP_T.items()},
    **_assumed(
        "recycling_ramps", "recycling capacity before steady state",
        "Ni, Co, NdPr_oxide, Dy_oxide, Tb_oxide",
        {"us_battery_recycling": {2026: 3000, 2027: 5000, 2028: 7000, 2029: 8500},
         "us_magnet_recycling": {2027: 500, 2028: 1000, 2029: 1500}},
        "t feed/yr", "SourceCapacity",
        "US battery and magnet recycling plants are being commissioned 2026-2030.",
    ),
}

# ======================================================================================
# Sites and transport
# ======================================================================================
_sourced("nds_depots", "historical NDS depots", "all",
         "Warren OH; Somerville NJ; Point Pleasant WV; New Haven IN; Scotia NY; "
         "Binghamton NY; Curtis Bay MD; Wenden AZ", "-", "2002-2011",
         "press and GSA/USACE notes", "Sites (five depots of this list)")
_sourced("dla_depots", "DLA Strategic Materials", "all",
         "42 commodities, >1.1 bn USD, 6 US locations, 3 staffed depots", "-", "recent",
         "dla.mil", "number of sites (six)")
_sourced("storage_off_warrant", "off-warrant storage proxy", "all", "<=36",
         "USD/t-yr (<=0.10 USD/t/day)", "2017", "secondary",
         "holding cost of government depots (24-34 USD/t-yr)")
_sourced("storage_lme", "warehouse rent proxy (LME warrant)", "all", "157-183",
         "USD/t-yr (0.43-0.50 USD/t/day)", "2015-16", "LME warehouse quotes (secondary)",
         "holding cost of the commercial port warehouse (170 USD/t-yr)")

# site, location, capacity m3, holding USD/t-yr, first_year
SITE_TABLE: list[tuple[str, str, float, float, int]] = [
    ("warren_oh",         "Warren, OH (former NDS depot)",          100000,  30, START_YEAR),
    ("scotia_ny",         "Scotia, NY (former NDS depot)",           60000,  34, START_YEAR),
    ("point_pleasant_wv", "Point Pleasant, WV (former NDS depot)",   80000,  28, START_YEAR),
    ("new_haven_in",      "New Haven, IN (former NDS depot)",        80000,  32, START_YEAR),
    ("curtis_bay_md",     "Curtis Bay, MD (Baltimore port, bonded)", 50000, 170, START_YEAR),
    ("wenden_az",         "Wenden, AZ (former NDS depot)",          120000,  24, 2028),
]
SITE_IDS = tuple(s[0] for s in SITE_TABLE)
_assumed("site_capacity", "site capacity", "all", {s[0]: s[2] for s in SITE_TABLE}, "m3",
         "Sites.capacity_m3",
         "Covered and open storage on former depot grounds (tens of acres, 2-3 m stacks); "
         "the cheap depots fill up by 2040.")
_assumed("site_holding", "holding cost", "all", {s[0]: s[3] for s in SITE_TABLE},
         "USD/t-yr", "Sites.holding_cost_usd_per_t_yr",
         "Government depots at or below the 36 USD/t-yr off-warrant proxy; the Baltimore "
         "port warehouse at the LME warrant rent (157-183).")
_assumed("wenden_opening", "Wenden AZ reopening year", "all", 2028, "year",
         "Sites.first_year",
         "Two years to reactivate a closed desert depot near West-coast and Arizona supply.")

# Inland transport USD/t from each gate to each site (rail or truck, by distance).
_TRANSPORT_ROWS: dict[str, tuple[float, ...]] = {
    # gate:     warren  scotia  p_pleasant  new_haven  curtis_bay  wenden
    "WEST":      (140,   150,      140,        130,       150,       35),
    "GULF":      ( 90,   110,       85,         85,       100,       90),
    "EAST":      ( 50,    45,       50,         60,        15,      150),
    "CANADA":    ( 50,    45,       65,         60,        70,      150),
    "MOUNTAIN":  (120,   135,      125,        115,       135,       70),
    "SOUTHWEST": (130,   145,      130,        120,       145,       20),
}
TRANSPORT_USD_PER_T: dict[str, dict[str, float]] = {
    gate: dict(zip(SITE_IDS, row, strict=True)) for gate, row in _TRANSPORT_ROWS.items()
}
_assumed("transport", "inland transport cost by gate and site", "all",
         "15-150 by distance (TRANSPORT_USD_PER_T)", "USD/t", "Routes.cost_usd_per_t",
         "~15 USD/t handling plus 0.03-0.05 USD/t-km rail or truck from the port or mine "
         "gate; ocean freight is in the CIF purchase price.")

# ======================================================================================
# Budget and rules
# ======================================================================================
_sourced("nds_gap", "gap between NDS assets and requirements", "all", 13.5, "USD billion",
         "2023", "CRS R47833 (2023)", "scale of the budget (~1 bn USD/yr)")
_sourced("nds_assets", "NDS stockpiled material / total assets", "all", "912.3 / 1300",
         "USD million", "Mar 2023", "CRS R47833 (2023)",
         "no InitialStock: NDS holdings of these materials are not itemised there")
BUDGET_USD: dict[int, float] = _assumed(
    "budget", "yearly spending cap (purchases, transport, holding)", "all",
    {2026: 0.6e9, 2027: 0.9e9, **{t: 1.05e9 for t in range(2028, END_YEAR + 1)}},
    "USD", "Budget.budget_usd",
    "About 1 bn USD/yr, the pace that closes a 13.5 bn USD NDS gap in ~13 years; "
    "smaller first appropriations while contracts are set up.",
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
        {"rule": "co_drc_max_40pct", "material": "Co", "group_type": "country",
         "group": "CD", "limit": "max_share", "share": 0.4},
    ],
    "share", "Rules",
    "At most 20 % of a year's deliveries from adversaries; at most half of a material "
    "at one depot; a quarter of NdPr from US producers; at most 40 % of Co from DR "
    "Congo (responsible sourcing).",
)

# ======================================================================================
# Disruptions (stress tests)
# ======================================================================================
DISRUPTIONS: list[dict[str, Any]] = _assumed(
    "disruptions", "stress tests", "all",
    [
        {"disruption": "cn_export_controls", "probability": 0.3, "start_year": 2028,
         "duration_years": 3, "demand_multiplier": 1.0,
         "description": "China stops exports of Dy, Tb, Ga, Ge, Sb and W to the US (as "
                        "announced 2023-2025 for these and Sm, Gd, Lu, Sc, Y) and "
                        "licenses graphite."},
        {"disruption": "pacific_shipping", "probability": 0.1, "start_year": 2030,
         "duration_years": 1, "demand_multiplier": 1.0,
         "description": "Pacific shipping disrupted for a year: seabed nodule collection "
                        "and Asian supply mostly halted."},
        {"disruption": "broad_conflict", "probability": 0.05, "start_year": 2034,
         "duration_years": 3, "demand_multiplier": 1.3,
         "description": "Conflict in the Western Pacific: no Chinese supply, shipping "
                        "losses on allied and partner supply, defence demand +30 %."},
    ],
    "probability; year; yr; x", "Disruptions",
    "Export controls have recurred since 2023 (0.3 for a three-year US ban from 2028); "
    "a Pacific conflict is the low-probability, high-impact case.",
)
DISRUPTION_IMPACTS: list[dict[str, Any]] = _assumed(
    "disruption_impacts", "availability during disruptions", "all",
    [
        *({"disruption": "cn_export_controls", "material": m, "group_type": "country",
           "group": "CN", "availability": 0.0}
          for m in ("Dy_oxide", "Tb_oxide", "Ga", "Ge", "Sb", "W")),
        {"disruption": "cn_export_controls", "material": "graphite",
         "group_type": "country", "group": "CN", "availability": 0.3},
        {"disruption": "pacific_shipping", "material": "*", "group_type": "source_type",
         "group": "seabed", "availability": 0.2},
        *({"disruption": "pacific_shipping", "material": "*", "group_type": "country",
           "group": c, "availability": 0.3} for c in ("CN", "JP", "KR", "MY", "ID", "VN")),
        {"disruption": "pacific_shipping", "material": "*", "group_type": "country",
         "group": "AU", "availability": 0.5},
        {"disruption": "broad_conflict", "material": "*", "group_type": "bloc",
         "group": "adversary", "availability": 0.0},
        {"disruption": "broad_conflict", "material": "*", "group_type": "bloc",
         "group": "allied", "availability": 0.7},
        {"disruption": "broad_conflict", "material": "*", "group_type": "bloc",
         "group": "partner", "availability": 0.5},
        {"disruption": "broad_conflict", "material": "*", "group_type": "bloc",
         "group": "other", "availability": 0.5},
        {"disruption": "broad_conflict", "material": "*", "group_type": "source_type",
         "group": "seabed", "availability": 0.5},
    ],
    "share", "DisruptionImpacts",
    "Export controls cut Chinese supply of the listed materials to zero (graphite "
    "licensed at 30 %); conflict and shipping losses rise with exposure to the Pacific.",
)
# fmt: on


# ======================================================================================
# Derived tables
# ======================================================================================
def essential_demand_t(material: str, year: int) -> float:
    """Essential demand of a material in a year [t/yr]."""
    base, share, growth, _cover = _DEMAND_PLAN[material]
    return base * share * (1 + growth) ** (year - START_YEAR)


def target_t(material: str, year: int) -> float:
    """Minimum total stock at the end of a year [t]."""
    cover = _DEMAND_PLAN[material][3]
    return cover * essential_demand_t(material, year) * TARGET_RAMP.get(year, 1.0)


def supply_mix() -> dict[str, dict[str, float]]:
    """material -> country -> share of normal US supply; each material sums to 1."""
    mix: dict[str, dict[str, float]] = {}
    for m in MATERIALS:
        nir = NET_IMPORT_RELIANCE[m]
        shares: dict[str, float] = {}
        if nir < 1:
            shares["US"] = round(1 - nir, 6)
        for name, pct in IMPORT_SHARES_PCT[m].items():
            if name != "other":
                shares[COUNTRY_ID[name]] = round(nir * pct / 100, 6)
        shares["ROW"] = round(1 - sum(shares.values()), 6)  # USGS "other" and rounding
        mix[m] = shares
    return mix


def _activity_unit(stype: str, outputs: dict[str, float]) -> str:
    if stype == "seabed":
        return "t wet nodules"
    return "t feed" if len(outputs) > 1 else "t"


def tables() -> dict[str, list[dict[str, Any]]]:
    """The dataset as plain tables: Inputs attribute -> list of dicts keyed by column."""
    sources, outputs, routes = [], [], []
    for sid, stype, country, yields, cost, cap, first, esc, gate, _why in SOURCE_TABLE:
        sources.append(
            {
                "source": sid,
                "type": stype,
                "country": country,
                "activity_unit": _activity_unit(stype, yields),
                "cost_usd_per_unit": float(cost),
                "capacity_units_per_yr": float(cap),
                "first_year": first,
                "cost_escalation_per_yr": esc,
            }
        )
        outputs += [
            {"source": sid, "material": m, "yield_t_per_unit": y} for m, y in yields.items()
        ]
        routes += [
            {"source": sid, "site": site, "cost_usd_per_t": float(c)}
            for site, c in TRANSPORT_USD_PER_T[gate].items()
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
                "holding_cost_usd_per_t_yr": float(hold),
                "first_year": first,
            }
            for s, loc, cap, hold, first in SITE_TABLE
        ],
        "routes": routes,
        "targets": [
            {"material": m, "year": t, "min_stock_t": round(target_t(m, t), 3)}
            for m in MATERIALS
            for t in YEARS
        ],
        "budget": [{"year": t, "budget_usd": v} for t, v in BUDGET_USD.items()],
        "rules": [dict(r) for r in RULES],
        "demand": [
            {"material": m, "year": t, "demand_t": round(essential_demand_t(m, t), 3)}
            for m in MATERIALS
            for t in YEARS
        ],
        "supply_mix": [
            {"material": m, "country": c, "share": v}
            for m, shares in supply_mix().items()
            for c, v in shares.items()
        ],
        "disruptions": [dict(d) for d in DISRUPTIONS],
        "disruption_impacts": [dict(i) for i in DISRUPTION_IMPACTS],
        **uncertainty_tables(),
    }


def default_inputs() -> Inputs:
    """The bundled default dataset as an Inputs object."""
    settings = {
        "start_year": START_YEAR,
        "end_year": END_YEAR,
        "discount_rate": DISCOUNT_RATE,
        "currency": "USD",
    }
    return Inputs.build(settings, **tables())


# what stockpile stress samples (DisruptionTypes): its figures join the References
REFERENCES.extend(UNCERTAINTY_REFERENCES)
