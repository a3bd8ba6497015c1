"""The bundled what-if scenarios for the default dataset, defined here in Python.

Each scenario is written to ``src/stockpile/scenarios/<name>.xlsx`` (a workbook with a
Scenarios sheet only) by ``python -m stockpile.scenarios.bundled``; the test suite checks
that the files equal a fresh generation. ``--scenario NAME`` finds them by name, read
from those files with the same reader as a planner's scenario workbook.

The ids are those of ``stockpile.data.default_dataset``.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import Any

from stockpile.data import default_dataset as ds
from stockpile.scenarios.overrides import Scenario
from stockpile.scenarios.sheet import read_scenarios

#: (sheet, key, column, op, value, note): one row of the Scenarios sheet.
Row = tuple[str, str, str, str, Any, str]

#: Every recycling source of the default dataset, and those with a ramp-up (SourceCapacity).
_RECYCLERS = tuple(row[0] for row in ds.SOURCE_TABLE if row[1] == "recycling")
_RAMPED_RECYCLERS = tuple(s for s in _RECYCLERS if s in ds.SOURCE_CAPACITY_UNITS)
_RE_MARKET = ("my_lynas_ndpr", "my_lynas_dy", "my_lynas_tb")

BUNDLED: dict[str, list[Row]] = {
    "seabed_delay_3y": [
        (
            "Sources",
            "seabed_nori_d",
            "first_year",
            "add",
            3,
            "NORI-D seabed nodules start three years late (permitting or financing delay).",
        ),
        (
            "SourceCapacity",
            "seabed_nori_d|*",
            "year",
            "add",
            3,
            "The production ramp moves with the start: every ramp year three years later.",
        ),
        (
            "Sources",
            "seabed_nori_d_us_refined",
            "first_year",
            "add",
            3,
            "Nodules refined in a future US refinery start late too.",
        ),
    ],
    "graphite_export_ban": [
        (
            "Disruptions",
            "cn_graphite_ban",
            "duration_years",
            "set",
            14,
            "China's graphite ban, if it comes in 2027, lasts to the end of the horizon "
            "instead of three years.",
        ),
        (
            "DisruptionImpacts",
            "cn_export_ban|graphite|country|CN",
            "",
            "add_row",
            "availability=0",
            "In the wider Chinese export ban no graphite arrives either (the smallest "
            "availability wins over the licensed 0.3).",
        ),
    ],
    "budget_cut_30pct": [
        (
            "Budget",
            "*",
            "budget_usd",
            "scale",
            0.7,
            "Appropriations 30 % below plan in every year.",
        ),
    ],
    "no_recycling": [
        *(
            (
                "Sources",
                s,
                "capacity_units_per_yr",
                "set",
                0,
                "No recycled supply: recyclers are not built or do not sell to the stockpile.",
            )
            for s in _RECYCLERS
        ),
        *(
            (
                "SourceCapacity",
                f"{s}|*",
                "capacity_units_per_yr",
                "set",
                0,
                "The recyclers' ramp-up years go to zero too.",
            )
            for s in _RAMPED_RECYCLERS
        ),
    ],
    "price_spike_rare_earths": [
        (
            "Sources",
            s,
            "cost_usd_per_unit",
            "scale",
            1.5,
            "Rare-earth oxide market prices 50 % higher for the whole horizon.",
        )
        for s in _RE_MARKET
    ],
}

#: The order the bundled scenarios are listed in.
NAMES = tuple(BUNDLED)

_PACKAGE = "stockpile.scenarios"


def rows(name: str) -> list[dict[str, Any]]:
    """The Scenarios sheet rows of a bundled scenario, as dicts keyed by column."""
    return [
        {"scenario": name, "sheet": s, "key": k, "column": c, "op": o, "value": v, "note": n}
        for s, k, c, o, v, n in BUNDLED[name]
    ]


def path(name: str) -> Path:
    """Where the bundled workbook of a scenario lives in the installed package."""
    return Path(str(resources.files(_PACKAGE).joinpath(f"{name}.xlsx")))


def bundled_scenarios() -> dict[str, Scenario]:
    """Every bundled scenario, read from its workbook (origin 'bundled')."""
    out: dict[str, Scenario] = {}
    for name in NAMES:
        for found in read_scenarios(path(name), required=True).values():
            out[found.name] = Scenario(found.name, found.overrides, "bundled")
    return out


def write_all(folder: Path | None = None) -> list[Path]:
    """(Re)generate every bundled scenario workbook into ``folder`` (default: the package)."""
    from stockpile.data.template import write_scenario_workbook

    written = []
    for name in NAMES:
        target = (folder / f"{name}.xlsx") if folder is not None else path(name)
        write_scenario_workbook(target, rows(name), force=True)
        written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover
    for p in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(p)
