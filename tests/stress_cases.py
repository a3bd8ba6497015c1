"""Small instances shared by the tests of ``stockpile stress`` (tests/model/test_stress_*.py,
tests/test_cli_stress.py)."""

from __future__ import annotations

from hand import build, demand, site, source, supply_mix
from stockpile.data.inputs import Inputs


def small_case():
    """Two materials over 2026-2030 with demand, a listed disruption and a budget."""
    return build(
        end=2030,
        materials=[
            {"material": "X", "shortfall_penalty_usd_per_t": 40, "min_coverage": 0.5},
            {"material": "Y", "shortfall_penalty_usd_per_t": 90, "volume_m3_per_t": 1},
        ],
        sources=[
            source("A", 14, 100),
            source("B", 5, 200, country="CN"),
            source("C", 30, 80, country="CA", kind="allied_mine"),
        ],
        outputs=[("A", "X", 1.0), ("B", "X", 1.0), ("B", "Y", 0.5), ("C", "Y", 1.0)],
        sites=[site("H", hold=1, cap_m3=400), site("K", hold=2)],
        demand=demand(*((m, t, 60.0) for m in ("X", "Y") for t in range(2026, 2031))),
        supply_mix=supply_mix(
            ("X", "CN", 0.8), ("X", "US", 0.2), ("Y", "CN", 0.6), ("Y", "CA", 0.4)
        ),
        disruptions=[
            {"disruption": "ban", "probability": 0.3, "start_year": 2028, "duration_years": 2}
        ],
        disruption_impacts=[
            {
                "disruption": "ban",
                "material": "*",
                "group_type": "country",
                "group": "CN",
                "availability": 0.1,
            }
        ],
        budget=[{"year": t, "budget_usd": 5000.0} for t in range(2026, 2031)],
        targets=[{"material": "Y", "year": 2030, "min_stock_t": 50}],
    )


def with_types(inputs: Inputs) -> Inputs:
    """small_case with two disruption types."""
    return Inputs.build(
        inputs.settings,
        **{
            **{
                name: [r.model_dump() for r in getattr(inputs, name)]
                for name in type(inputs).model_fields
                if name != "settings"
            },
            "disruption_types": [
                {
                    "disruption_type": "cn_ban",
                    "probability_per_yr": 0.25,
                    "duration_min_years": 1,
                    "duration_max_years": 3,
                    "demand_multiplier_min": 1.0,
                    "demand_multiplier_max": 1.3,
                    "price_multiplier_min": 1.0,
                    "price_multiplier_max": 2.0,
                },
                {
                    "disruption_type": "ca_strike",
                    "probability_per_yr": 0.1,
                    "duration_min_years": 1,
                    "duration_max_years": 1,
                },
            ],
            "disruption_type_impacts": [
                {
                    "disruption_type": "cn_ban",
                    "material": "*",
                    "group_type": "country",
                    "group": "CN",
                    "availability_min": 0.0,
                    "availability_max": 0.4,
                },
                {
                    "disruption_type": "ca_strike",
                    "material": "Y",
                    "group_type": "country",
                    "group": "CA",
                    "availability_min": 0.3,
                    "availability_max": 0.7,
                },
            ],
        },
    )
