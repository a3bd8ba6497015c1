"""The derived parameters of the model (MODEL.md "Data"), computed once from Inputs.

Plain Python, no Pyomo: the model builds on these, and the report reuses them (the
need of a disruption, the capacity of a source in a year) so nothing is computed twice.

Index letters: m material, s source, l site, t year, d disruption, c country, r rule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from stockpile.data.inputs import Inputs

#: need below this share of the window's demand (before the multiplier) counts as 0
NEED_EPS = 1e-9

Where = tuple[str, int]  # (sheet, excel row) a value came from


@dataclass
class Params:
    inputs: Inputs
    t0: int
    YEARS: tuple[int, ...]
    MATERIALS: tuple[str, ...]
    SOURCES: tuple[str, ...]
    SITES: tuple[str, ...]
    DISRUPTIONS: tuple[str, ...]
    bloc_of_country: dict[str, str]
    source_type: dict[str, str]
    source_country: dict[str, str]
    activity_unit: dict[str, str]  # s -> unit of its activity ("t" by default)
    yield_t_per_unit: dict[tuple[str, str], float]  # (s, m)
    outputs: dict[str, tuple[str, ...]]  # s -> materials, workbook order
    coproduct: frozenset[str]
    capacity_units: dict[tuple[str, int], float]  # (s, t)
    capacity_where: dict[tuple[str, int], Where]
    cost_usd_per_unit: dict[tuple[str, int], float]  # (s, t), escalated
    route_usd_per_t: dict[tuple[str, str], float]  # (s, l)
    site_first_year: dict[str, int]
    volume_m3_per_t: dict[str, float]
    capacity_m3: dict[str, float]
    holding_usd_per_t_yr: dict[str, float]
    initial_stock_t: dict[tuple[str, str], float]  # (m, l)
    resale_usd_per_t: dict[str, float]
    target_t: dict[tuple[str, int], float]  # (m, t)
    budget_usd: dict[int, float]
    delta: dict[int, float]  # discount factor by year
    demand_t: dict[tuple[str, int], float]
    mix: dict[str, dict[str, float]]  # m -> c -> share, rescaled to sum 1
    penalty_usd_per_t: dict[str, float]
    min_coverage: dict[str, float]
    probability: dict[str, float]
    start_year: dict[str, int]  # d -> first year of its window
    duration: dict[str, int]  # d -> duration_years (not cut at end_year)
    window: dict[str, tuple[int, ...]]  # d -> its years inside the horizon (W_d)
    multiplier: dict[str, float]  # demand multiplier
    price_multiplier: dict[str, float]  # purchase prices in d's future during W_d
    recovery_years: int  # after W_d, years before stock targets hold again in d's future
    risk_weight: float  # lambda: weight of the CVaR against the expected cost
    cvar_level: float  # alpha: the CVaR is the cost of the worst (1 - alpha) of futures
    source_first_year: dict[str, int]
    expansion_cost_usd_per_unit: dict[str, float]  # s -> USD per unit/yr added, paid once
    expansion_lead_years: dict[str, int]
    max_expansion_units: dict[str, float]  # 0 = not expandable
    #: DisruptionImpacts rows by disruption: (material or "*", group_type, group, avail, row)
    impacts: dict[str, list[tuple[str, str, str, float, int]]]
    #: where each limit a diagnosis or report names comes from: (sheet, Excel row)
    target_where: dict[tuple[str, int], Where] = field(default_factory=dict)  # (m, t)
    budget_where: dict[int, Where] = field(default_factory=dict)  # t
    site_where: dict[str, Where] = field(default_factory=dict)  # l
    source_where: dict[str, Where] = field(default_factory=dict)  # s
    output_where: dict[tuple[str, str], Where] = field(default_factory=dict)  # (s, m)
    material_where: dict[str, Where] = field(default_factory=dict)  # m
    rule_where: dict[str, Where] = field(default_factory=dict)  # r
    disruption_where: dict[str, Where] = field(default_factory=dict)  # d
    demand_where: dict[tuple[str, int], Where] = field(default_factory=dict)  # (m, t)
    initial_stock_where: dict[tuple[str, str], Where] = field(default_factory=dict)  # (m, l)

    # ----- openness -------------------------------------------------------
    def is_open(self, site: str, year: int) -> bool:
        return year >= self.site_first_year[site]

    def open_sites(self, year: int) -> tuple[str, ...]:
        return tuple(site for site in self.SITES if self.is_open(site, year))

    # ----- group matching (Rules and DisruptionImpacts) ---------------------
    def source_matches(self, s: str, group_type: str, group: str) -> bool:
        if group_type == "source":
            return s == group
        if group_type == "source_type":
            return self.source_type[s] == group
        if group_type == "country":
            return self.source_country[s] == group
        if group_type == "bloc":
            return self.bloc_of_country[self.source_country[s]] == group
        return False

    def _country_matches(self, c: str, group_type: str, group: str) -> bool:
        if group_type == "country":
            return c == group
        if group_type == "bloc":
            return self.bloc_of_country[c] == group
        return False

    def _avail(self, d: str, m: str, hit) -> float:
        best = 1.0
        for mat, gt, grp, a, _row in self.impacts.get(d, ()):
            if (mat == m or mat == "*") and hit(gt, grp):
                best = min(best, a)
        return best

    def avail_country(self, d: str, c: str, m: str) -> float:
        return self._avail(d, m, lambda gt, g: self._country_matches(c, gt, g))

    def avail_source(self, d: str, s: str, m: str) -> float:
        return self._avail(d, m, lambda gt, g: self.source_matches(s, gt, g))

    def avail_site(self, d: str, l: str, m: str) -> float:
        return self._avail(d, m, lambda gt, g: gt == "site" and g in (l, "*"))

    def source_availability(self, d: str, s: str) -> float:
        """A_d(s): a source is available as a whole, at its least available output."""
        return min((self.avail_source(d, s, m) for m in self.outputs[s]), default=1.0)

    # ----- futures ----------------------------------------------------------
    @cached_property
    def base_probability(self) -> float:
        """prob[base]: the probability that no disruption happens."""
        return max(0.0, 1.0 - sum(self.probability.values()))

    def plan_weight(self, t: int) -> float:
        """w(t): the probability that no disruption has started by year t, the weight of
        the plan's decisions in year t."""
        started = sum(p for d, p in self.probability.items() if self.start_year[d] <= t)
        return max(0.0, 1.0 - started)

    def price_factor(self, d: str | None, t: int) -> float:
        """pm: the price multiplier of d in its window, else 1 (and 1 in the plan)."""
        return self.price_multiplier[d] if d is not None and t in self.window[d] else 1.0

    def targets_hold(self, d: str, t: int) -> bool:
        """Stock targets hold in d's future from start + duration + recovery_years on."""
        return t >= self.start_year[d] + self.duration[d] + self.recovery_years

    def rules_hold(self, d: str, t: int) -> bool:
        """Sourcing and dispersion rules hold in d's future after its window."""
        return t >= self.start_year[d] + self.duration[d]

    @cached_property
    def expandable(self) -> tuple[str, ...]:
        """The sources whose capacity may be expanded (max_expansion_units > 0)."""
        return tuple(s for s in self.SOURCES if self.max_expansion_units[s] > 0)

    def surviving_share(self, d: str, m: str) -> float:
        """Share of normal supply of m that survives d: sum_c mix[m,c] * avail_d(c,m)."""
        return sum(share * self.avail_country(d, c, m) for c, share in self.mix.get(m, {}).items())

    @cached_property
    def need_t(self) -> dict[tuple[str, str, int], float]:
        """need_d[m,t] > 0 only, for t in W_d: demand[m,t] * max(0, multiplier - the
        surviving share of normal supply) [t]; below NEED_EPS * demand[m,t] it is 0."""
        need: dict[tuple[str, str, int], float] = {}
        for d in self.DISRUPTIONS:
            for m in self.MATERIALS:
                gap = max(0.0, self.multiplier[d] - self.surviving_share(d, m))
                for t in self.window[d]:
                    demand = self.demand_t.get((m, t), 0.0)
                    value = demand * gap
                    if demand > 0 and value >= NEED_EPS * demand:
                        need[d, m, t] = value
        return need

    # ----- sparse index sets ----------------------------------------------
    @cached_property
    def ship_index(self) -> list[tuple[str, str, str, int]]:
        """(s, m, l, t): yield > 0, a route s->l exists and l is open in t."""
        routes_from: dict[str, list[str]] = defaultdict(list)
        for s, l in self.route_usd_per_t:
            routes_from[s].append(l)
        return [
            (s, m, l, t)
            for s in self.SOURCES
            for m in self.outputs[s]
            for l in routes_from[s]
            for t in self.YEARS
            if self.is_open(l, t)
        ]

    @cached_property
    def stock_index(self) -> list[tuple[str, str, int]]:
        return [
            (m, l, t)
            for m in self.MATERIALS
            for l in self.SITES
            for t in self.YEARS
            if self.is_open(l, t)
        ]

    @cached_property
    def surplus_index(self) -> list[tuple[str, str, int]]:
        return [
            (s, m, t)
            for s in self.SOURCES
            if s in self.coproduct
            for m in self.outputs[s]
            for t in self.YEARS
        ]

    @cached_property
    def split_index(self) -> list[tuple[str, str, int]]:
        return [(s, m, t) for s in self.SOURCES for m in self.outputs[s] for t in self.YEARS]

    def stock_before(self, m: str, l: str, t: int) -> float | None:
        """Stock[m,l,t-1] as a constant when it is one: init at t0, 0 in the opening year
        of a later site; None when it is the variable Stock[m,l,t-1]."""
        if t == self.t0:
            return self.initial_stock_t.get((m, l), 0.0)
        if t == self.site_first_year[l]:
            return 0.0
        return None

    def rule_materials(self, material: str) -> tuple[str, ...]:
        return self.MATERIALS if material == "*" else (material,)


def build_params(inputs: Inputs) -> Params:
    """Derive every parameter of MODEL.md from validated inputs."""
    st = inputs.settings
    t0 = st.start_year
    years = tuple(range(t0, st.end_year + 1))
    bloc = {c.country: c.bloc for c in inputs.countries}

    outputs: dict[str, list[str]] = defaultdict(list)
    yields: dict[tuple[str, str], float] = {}
    for o in inputs.source_outputs:
        outputs[o.source].append(o.material)
        yields[o.source, o.material] = o.yield_t_per_unit

    cap_override = {(c.source, c.year): c for c in inputs.source_capacity}
    capacity: dict[tuple[str, int], float] = {}
    capacity_where: dict[tuple[str, int], Where] = {}
    cost: dict[tuple[str, int], float] = {}
    for src in inputs.sources:
        for t in years:
            if t < src.first_year:
                capacity[src.source, t] = 0.0
                capacity_where[src.source, t] = ("Sources", src.row)
            elif (src.source, t) in cap_override:
                row = cap_override[src.source, t]
                capacity[src.source, t] = row.capacity_units_per_yr
                capacity_where[src.source, t] = ("SourceCapacity", row.row)
            else:
                capacity[src.source, t] = src.capacity_units_per_yr
                capacity_where[src.source, t] = ("Sources", src.row)
            cost[src.source, t] = src.cost_usd_per_unit * (1 + src.cost_escalation_per_yr) ** (
                t - t0
            )

    mix_raw: dict[str, dict[str, float]] = defaultdict(dict)
    for row in inputs.supply_mix:
        mix_raw[row.material][row.country] = row.share
    mix = {}
    for m, shares in mix_raw.items():
        total = sum(shares.values())
        mix[m] = {c: v / total for c, v in shares.items()} if total > 0 else dict(shares)

    impacts: dict[str, list[tuple[str, str, str, float, int]]] = defaultdict(list)
    for imp in inputs.disruption_impacts:
        impacts[imp.disruption].append(
            (imp.material, imp.group_type, imp.group, imp.availability, imp.row)
        )

    window = {
        d.disruption: tuple(
            t for t in range(d.start_year, d.start_year + d.duration_years) if t <= st.end_year
        )
        for d in inputs.disruptions
    }
    srcs = {s.source: s for s in inputs.sources}
    return Params(
        inputs=inputs,
        t0=t0,
        YEARS=years,
        MATERIALS=tuple(m.material for m in inputs.materials),
        SOURCES=tuple(srcs),
        SITES=tuple(s.site for s in inputs.sites),
        DISRUPTIONS=tuple(d.disruption for d in inputs.disruptions),
        bloc_of_country=bloc,
        source_type={s: v.type for s, v in srcs.items()},
        source_country={s: v.country for s, v in srcs.items()},
        activity_unit={s: v.activity_unit for s, v in srcs.items()},
        yield_t_per_unit=yields,
        outputs={s: tuple(outputs.get(s, ())) for s in srcs},
        coproduct=frozenset(s for s in srcs if len(outputs.get(s, ())) >= 2),
        capacity_units=capacity,
        capacity_where=capacity_where,
        cost_usd_per_unit=cost,
        route_usd_per_t={(r.source, r.site): r.cost_usd_per_t for r in inputs.routes},
        site_first_year={s.site: s.first_year for s in inputs.sites},
        volume_m3_per_t={m.material: m.volume_m3_per_t for m in inputs.materials},
        capacity_m3={s.site: s.capacity_m3 for s in inputs.sites},
        holding_usd_per_t_yr={s.site: s.holding_cost_usd_per_t_yr for s in inputs.sites},
        initial_stock_t={(i.material, i.site): i.stock_t for i in inputs.initial_stock},
        resale_usd_per_t={m.material: m.resale_usd_per_t for m in inputs.materials},
        target_t={(x.material, x.year): x.min_stock_t for x in inputs.targets},
        budget_usd={b.year: b.budget_usd for b in inputs.budget},
        delta={t: (1 + st.discount_rate) ** -(t - t0) for t in years},
        demand_t={(x.material, x.year): x.demand_t for x in inputs.demand},
        mix=mix,
        penalty_usd_per_t={m.material: m.shortfall_penalty_usd_per_t for m in inputs.materials},
        min_coverage={m.material: m.min_coverage for m in inputs.materials},
        probability={d.disruption: d.probability for d in inputs.disruptions},
        start_year={d.disruption: d.start_year for d in inputs.disruptions},
        duration={d.disruption: d.duration_years for d in inputs.disruptions},
        window=window,
        multiplier={d.disruption: d.demand_multiplier for d in inputs.disruptions},
        price_multiplier={d.disruption: d.price_multiplier for d in inputs.disruptions},
        recovery_years=st.recovery_years,
        risk_weight=st.risk_weight,
        cvar_level=st.cvar_level,
        source_first_year={s: v.first_year for s, v in srcs.items()},
        expansion_cost_usd_per_unit={s: v.expansion_cost_usd_per_unit for s, v in srcs.items()},
        expansion_lead_years={s: v.expansion_lead_years for s, v in srcs.items()},
        max_expansion_units={s: v.max_expansion_units for s, v in srcs.items()},
        impacts=dict(impacts),
        target_where={(x.material, x.year): ("Targets", x.row) for x in inputs.targets},
        budget_where={x.year: ("Budget", x.row) for x in inputs.budget},
        site_where={x.site: ("Sites", x.row) for x in inputs.sites},
        source_where={x.source: ("Sources", x.row) for x in inputs.sources},
        output_where={
            (x.source, x.material): ("SourceOutputs", x.row) for x in inputs.source_outputs
        },
        material_where={x.material: ("Materials", x.row) for x in inputs.materials},
        rule_where={x.rule: ("Rules", x.row) for x in inputs.rules},
        disruption_where={x.disruption: ("Disruptions", x.row) for x in inputs.disruptions},
        demand_where={(x.material, x.year): ("Demand", x.row) for x in inputs.demand},
        initial_stock_where={
            (x.material, x.site): ("InitialStock", x.row) for x in inputs.initial_stock
        },
    )
