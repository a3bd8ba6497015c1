"""The description of uncertainty (DisruptionTypes, DisruptionTypeImpacts) and the draws
made from it.

A **draw** is one sampled future: at most one disruption over the horizon, like each of
MODEL.md's futures. Sample i is drawn from its own random stream, seeded by
``(seed, i)`` (numpy ``SeedSequence(seed, spawn_key=(i,))``), so the same seed gives the
same samples whatever the number of workers and whichever worker draws them.

How a sample is drawn, for each disruption type k in workbook order (every type always
takes the same draws from the stream, whether it strikes or not):

- the year its first event starts: each year of the horizon independently with
  ``probability_per_yr`` p, so the first start is t0 + G - 1 with G geometric(p)
  (drawn by inversion from one uniform number); past end_year means no event;
- a duration, a whole number of years uniform on [duration_min, duration_max];
- a demand and a price multiplier, each uniform on [min, max];
- one availability per DisruptionTypeImpacts row of k, uniform on [min, max].

The sample's disruption is the **first** event of the horizon. Types whose first event
starts in that same year strike together as one compound disruption: the longest
duration, the largest multipliers, and all their impact rows (the smallest matching
availability wins, as in DisruptionImpacts). Events that would start later are not
modelled (a future of MODEL.md holds one disruption); the draw names them in ``later``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stockpile.data.inputs import Inputs

#: (material or "*", group_type, group, availability): one impact of a draw
Impact = tuple[str, str, str, float]


@dataclass(frozen=True)
class TypeImpact:
    """One DisruptionTypeImpacts row: what a type hits and the range of its availability."""

    material: str
    group_type: str
    group: str
    availability: tuple[float, float]
    row: int = 0


@dataclass(frozen=True)
class DisruptionType:
    """One DisruptionTypes row with its impact rows."""

    name: str
    probability_per_yr: float
    duration_years: tuple[int, int]
    demand_multiplier: tuple[float, float]
    price_multiplier: tuple[float, float]
    impacts: tuple[TypeImpact, ...] = ()
    description: str = ""
    row: int = 0


@dataclass(frozen=True)
class Uncertainty:
    """Everything the sampler needs: the horizon and the disruption types."""

    start_year: int
    end_year: int
    types: tuple[DisruptionType, ...]

    @property
    def years(self) -> int:
        return self.end_year - self.start_year + 1


@dataclass(frozen=True)
class Draw:
    """One sampled future: its disruption (none when ``start_year`` is None)."""

    sample: int
    start_year: int | None = None
    duration_years: int = 0
    demand_multiplier: float = 1.0
    price_multiplier: float = 1.0
    impacts: tuple[Impact, ...] = ()
    #: the types that strike (several when their first events start in the same year)
    types: tuple[str, ...] = ()
    #: types whose first event starts later in the horizon (not modelled)
    later: tuple[str, ...] = ()
    #: each type's own draw, for the statistical checks: type -> (start or None,
    #: duration, demand multiplier, price multiplier, availabilities)
    detail: dict[str, tuple[Any, ...]] = field(default_factory=dict, compare=False)

    @property
    def disrupted(self) -> bool:
        return self.start_year is not None

    def what(self) -> str:
        """What hit, in words: 'cn_export_ban from 2031 for 2 yr, demand x1.05, prices
        x1.8: CN Dy_oxide 0%, ...'."""
        if not self.disrupted:
            return "no disruption"
        head = (
            f"{' + '.join(self.types)} from {self.start_year} for {self.duration_years} yr, "
            f"demand x{self.demand_multiplier:.2f}, prices x{self.price_multiplier:.2f}"
        )
        hits = "; ".join(
            f"{group} {'all' if m == '*' else m} {a:.0%}" for m, _gt, group, a in self.impacts
        )
        return f"{head}: {hits}" if hits else head


def uncertainty(inputs: Inputs) -> Uncertainty:
    """The DisruptionTypes of validated inputs, each with its impact rows."""
    impacts: dict[str, list[TypeImpact]] = {}
    for row in inputs.disruption_type_impacts:
        impacts.setdefault(row.disruption_type, []).append(
            TypeImpact(
                row.material,
                row.group_type,
                row.group,
                (row.availability_min, row.availability_max),
                row.row,
            )
        )
    types = tuple(
        DisruptionType(
            k.disruption_type,
            k.probability_per_yr,
            (k.duration_min_years, k.duration_max_years),
            (k.demand_multiplier_min, k.demand_multiplier_max),
            (k.price_multiplier_min, k.price_multiplier_max),
            tuple(impacts.get(k.disruption_type, ())),
            k.description,
            k.row,
        )
        for k in inputs.disruption_types
    )
    st = inputs.settings
    return Uncertainty(st.start_year, st.end_year, types)


def first_start(u: float, p: float, t0: int) -> int | None:
    """The year of a type's first event from one uniform number ``u`` in [0, 1): each
    year starts one with probability p, so the year is t0 + G - 1 with G geometric(p);
    None when p is 0. (The caller drops a year past the horizon.)"""
    if p <= 0.0:
        return None
    if p >= 1.0:
        return t0
    # P(G > g) = (1 - p)^g: G is the smallest g with (1 - p)^g < 1 - u
    g = math.floor(math.log1p(-u) / math.log1p(-p)) + 1
    return t0 + g - 1


def draw(u: Uncertainty, seed: int, sample: int) -> Draw:
    """Sample number ``sample`` of the stream seeded by ``seed`` (see the module doc)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(sample,)))
    detail: dict[str, tuple[Any, ...]] = {}
    events: list[tuple[int, DisruptionType, int, float, float, tuple[Impact, ...]]] = []
    for k in u.types:
        start = first_start(float(rng.random()), k.probability_per_yr, u.start_year)
        lo, hi = k.duration_years
        duration = int(rng.integers(lo, hi + 1))
        mult = float(rng.uniform(*k.demand_multiplier))
        pmult = float(rng.uniform(*k.price_multiplier))
        avail = tuple(float(rng.uniform(*i.availability)) for i in k.impacts)
        if start is not None and start > u.end_year:
            start = None
        detail[k.name] = (start, duration, mult, pmult, avail)
        if start is not None:
            hits = tuple(
                (i.material, i.group_type, i.group, a)
                for i, a in zip(k.impacts, avail, strict=True)
            )
            events.append((start, k, duration, mult, pmult, hits))
    if not events:
        return Draw(sample, detail=detail)
    first = min(e[0] for e in events)
    now = [e for e in events if e[0] == first]
    return Draw(
        sample,
        start_year=first,
        duration_years=max(e[2] for e in now),
        demand_multiplier=max(e[3] for e in now),
        price_multiplier=max(e[4] for e in now),
        impacts=tuple(hit for e in now for hit in e[5]),
        types=tuple(e[1].name for e in now),
        later=tuple(e[1].name for e in events if e[0] > first),
        detail=detail,
    )


def draws(u: Uncertainty, seed: int, samples: range) -> list[Draw]:
    """The draws of the sample numbers in ``samples``."""
    return [draw(u, seed, i) for i in samples]


def listed(inputs: Inputs) -> list[Draw]:
    """The workbook's own Disruptions as draws, one each in sheet order (sample number =
    its position): stressing the plan with them gives back each future of the solve."""
    impacts: dict[str, list[Impact]] = {}
    for row in inputs.disruption_impacts:
        impacts.setdefault(row.disruption, []).append(
            (row.material, row.group_type, row.group, row.availability)
        )
    return [
        Draw(
            i,
            start_year=d.start_year,
            duration_years=d.duration_years,
            demand_multiplier=d.demand_multiplier,
            price_multiplier=d.price_multiplier,
            impacts=tuple(impacts.get(d.disruption, ())),
            types=(d.disruption,),
        )
        for i, d in enumerate(inputs.disruptions)
    ]
