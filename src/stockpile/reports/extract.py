"""The report's content as tidy tables: plan, futures, costs, coverage, duals, diagnosis.

Pure Python and pandas: no Pyomo, no openpyxl. ``extract`` reads the typed
``SolveResult`` and the derived ``Params`` (capacity, escalated cost, discount factors,
need, windows: computed once in ``stockpile.data.params`` and reused here) and returns
one DataFrame per block of the report workbook.

Keys of the returned dict say where a frame goes: ``"Sheet"`` for a sheet holding one
table, ``"Sheet/block"`` for one of several tables stacked on a sheet (Summary,
Charts, Infeasibility). Dict order is sheet order. Column headers carry their unit in
brackets (``cost [USD]``); a column without one takes the unit of its row from the
frame's ``unit`` column. ``frame.attrs`` may hold ``title``, ``note`` (one line shown
above the table), ``empty`` (what to show when the frame has no rows) and
``free_text`` (columns of long text that may run on into the empty cells to their
right instead of widening the column).

Futures (MODEL.md version 2): the plan is the future ``base``; each disruption d is a
future with its own decisions from start_d on. The sheets of decisions (Purchases,
Investments, Deliveries, Stock, Resale) list the plan's rows and each future's own rows,
with a ``future`` column, non-zero rows only.

Money: a plain money column is in the money of its year (escalated, undiscounted), as
budgets are; "discounted" is discounted to start_year; "weight" is the probability the
decision is taken (w(t) = params.plan_weight(t) for the plan's year t, prob[d] for
future d's own decisions) and "expected" = weight x discounted, exactly as the
objective counts it, so each expected column sums to its part of ``result.parts``.
Summed along one future's path (the plan's rows before start_d, then d's own), the
discounted columns add up to that future's cost K[f].
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from stockpile.data.inputs import Inputs
from stockpile.data.params import Params
from stockpile.data.schema import BLOCS, SOURCE_TYPES
from stockpile.diagnose import explain_member
from stockpile.model.families import BY_NAME, FAMILIES
from stockpile.model.family import PLAN as BASE
from stockpile.model.family import fmt
from stockpile.model.lp import FUTURE_COPY
from stockpile.model.objective import OBJECTIVE_LABEL, PARTS
from stockpile.result import STATUS_WORDS, SolveResult

#: |dual| below this is reported as zero (HiGHS's default dual feasibility tolerance).
DUAL_ZERO = 1e-7
#: A row is binding when |slack| <= BINDING_REL * max(1, |limit|).
BINDING_REL = 1e-6
#: Plan values below this (t, units) are treated as nothing delivered / resold.
TINY = 1e-9
#: Summary rows of a risk-averse objective (risk_weight > 0).
EXPECTED_LABEL = "Expected cost E (discounted)"
CVAR_LABEL = "CVaR term: expected cost of the worst futures (discounted)"
#: How the money columns of a future's sheet are weighted (their notes say it).
WEIGHTS = (
    "Discounted to the start year. Weight: the probability that the decision is taken, "
    "for the plan (base) the probability that no disruption has started by its year, for "
    "a disruption's future its probability. Expected = weight x discounted: the column "
    "sums to its part of the expected cost E."
)

_PROVENANCE_LABELS = {
    "input_file": "Input file",
    "input_sha256": "Input SHA-256",
    "started_utc": "Started (UTC)",
    "finished_utc": "Finished (UTC)",
    "package": "Package",
    "python": "Python",
    "pyomo": "Pyomo",
    "highs": "HiGHS",
}


def extract(
    inputs: Inputs, params: Params, result: SolveResult, provenance: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """Every table of the report, keyed ``"Sheet"`` or ``"Sheet/block"``, in sheet order."""
    x = _Extractor(inputs, params, result)
    frames: dict[str, pd.DataFrame] = {
        "Summary/Result": x.result_block(),
        "Summary/Flags": x.flags(),
        "Summary/Materials": x.material_kpis(),
        "Summary/Deliveries by bloc": x.delivery_shares("bloc"),
        "Summary/Deliveries by source type": x.delivery_shares("source_type"),
        "Summary/Provenance": x.provenance_block(provenance),
    }
    if result.status == "infeasible":
        frames["Infeasibility/Diagnosis"] = x.diagnosis_block()
        frames["Infeasibility/Members"] = x.diagnosis_members()
    frames.update(x.chart_data())
    frames.update(x.futures())
    frames["Coverage"] = x.coverage
    frames["Purchases"] = x.purchases
    if x.investments is not None:
        frames["Investments"] = x.investments
    frames["Deliveries"] = x.deliveries
    frames["Stock"] = x.stock
    frames["Releases"] = x.releases
    frames["Resale"] = x.resale
    frames["ShadowPrices"] = x.shadow_prices()
    frames["Binding"] = x.binding()
    return frames


def _frame(
    rows: list[dict[str, Any]],
    columns: Iterable[str],
    title: str = "",
    note: str = "",
    empty: str = "(none)",
    free_text: tuple[str, ...] = (),
) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(columns))
    df.attrs.update(title=title, note=note, empty=empty, free_text=free_text)
    return df


def _amount(x: float) -> str:
    """A money amount for a sentence: 812 / 12.50 / 0.0035."""
    a = abs(x)
    if a >= 100:
        return f"{a:,.0f}"
    if a >= 0.01:
        return f"{a:,.2f}"
    return f"{a:.2g}"


def _years_text(years: Iterable[int]) -> str:
    """2026, 2027, 2028, 2031 -> '2026-2028, 2031'."""
    out: list[str] = []
    run: list[int] = []
    for y in sorted(years):
        if run and y == run[-1] + 1:
            run.append(y)
            continue
        if run:
            out.append(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
        run = [y]
    if run:
        out.append(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
    return ", ".join(out)


def _quantity(x: float) -> str:
    """Tonnes for a sentence: 120 / 0.5 / 12,300."""
    return fmt(round(x, 1) if abs(x) >= 1 else x)


def index_text(family: str, index: tuple[Any, ...]) -> str:
    """A constraint index in words: 'material Dy_oxide, year 2030'."""
    fam = BY_NAME.get(family)
    return fam.index_text(index) if fam else ", ".join(map(str, index))


class _Extractor:
    def __init__(self, inputs: Inputs, params: Params, result: SolveResult) -> None:
        self.inputs = inputs
        self.p = params
        self.r = result
        self.plan = result.has_plan and bool(result.values)
        self.values = result.values if self.plan else {}
        rate = inputs.settings.discount_rate
        self.money_note = " USD (discounted)" if rate else " USD"
        #: every future's name, the plan first, with the year its own decisions start
        self.starts: dict[str, int | None] = {BASE: None}
        self.starts.update((d, params.start_year[d]) for d in params.DISRUPTIONS)
        self.purchases = self._purchases()
        self.investments = self._investments()
        self.deliveries = self._deliveries()
        self.stock = self._stock()
        self.releases = self._releases()
        self.resale = self._resale()
        self.coverage = self._coverage()

    def _val(self, var: str, key: tuple[Any, ...]) -> float:
        # "+ 0.0" turns a solver's -0.0 into 0.0
        return self.values.get(var, {}).get(key, 0.0) + 0.0

    def _weight(self, future: str, t: int) -> float:
        """The probability weight of a future's own decision in year t in E: w(t) for
        the plan's, prob[d] for future d's."""
        return self.p.plan_weight(t) if future == BASE else self.p.probability[future]

    def _decisions(self, var: str) -> Iterable[tuple[str, tuple[Any, ...], float]]:
        """(future, index without d, value) of the plan's ``var`` and of every future's
        own copy of it, leaving out values that are (all but) zero."""
        for key, v in self.values.get(var, {}).items():
            if abs(v) > TINY:
                yield BASE, key, v + 0.0
        for key, v in self.values.get(FUTURE_COPY[var], {}).items():
            if abs(v) > TINY:
                yield key[0], key[1:], v + 0.0

    def _money(self, future: str, t: int, amount: float) -> dict[str, float]:
        """An amount in the money of year t, discounted, its weight, and weighted."""
        discounted = self.p.delta[t] * amount
        weight = self._weight(future, t)
        return {"discounted": discounted + 0.0, "weight": weight, "expected": weight * discounted}

    def _no_plan(self, empty: str) -> str:
        return empty if self.plan else "No plan: nothing to show."

    # ----- plan and future sheets -----------------------------------------------
    def _capacity(self, future: str, s: str, t: int, buy: float) -> float:
        """The capacity of s in year t along the future's path, added capacity and the
        disruption's availability included: what the solved source_capacity row allows."""
        key = (s, t) if future == BASE else (future, s, t)
        row = self.r.rows.get("source_capacity", {}).get(key)
        if row is None:
            return self.p.capacity_units[s, t]
        return buy + row.slack()

    def _purchases(self) -> pd.DataFrame:
        p = self.p
        rows = []
        for f, (s, t), buy in self._decisions("Buy"):
            cap = self._capacity(f, s, t, buy)
            unit_cost = p.price_factor(None if f == BASE else f, t) * p.cost_usd_per_unit[s, t]
            money = self._money(f, t, unit_cost * buy)
            rows.append(
                {
                    "future": f,
                    "source": s,
                    "type": p.source_type[s],
                    "country": p.source_country[s],
                    "activity unit": p.activity_unit[s],
                    "year": t,
                    "activity [units]": buy,
                    "capacity [units]": cap,
                    "capacity used [%]": buy / cap if cap > TINY else None,
                    "unit cost [USD/unit]": unit_cost,
                    "cost [USD]": unit_cost * buy,
                    "discounted cost [USD]": money["discounted"],
                    "weight [%]": money["weight"],
                    "expected cost [USD]": money["expected"],
                }
            )
        return _frame(
            rows,
            [
                "future",
                "source",
                "type",
                "country",
                "activity unit",
                "year",
                "activity [units]",
                "capacity [units]",
                "capacity used [%]",
                "unit cost [USD/unit]",
                "cost [USD]",
                "discounted cost [USD]",
                "weight [%]",
                "expected cost [USD]",
            ],
            title="Purchases by future, source and year",
            note=f"Future base is the plan; a disruption's future lists its own decisions "
            "from its start year on. Unit cost escalated to the year (times the price "
            f"multiplier in a disruption's window); cost in the money of its year. {WEIGHTS}",
            empty=self._no_plan("Nothing is bought in any future."),
        )

    def _investments(self) -> pd.DataFrame | None:
        """Capacity added per source and year, in the plan and per future (None when no
        source is expandable)."""
        p = self.p
        if not p.expandable:
            return None
        rows = []
        for f, (s, t), added in self._decisions("Expand"):
            unit_cost = p.expansion_cost_usd_per_unit[s]
            money = self._money(f, t, unit_cost * added)
            rows.append(
                {
                    "future": f,
                    "source": s,
                    "type": p.source_type[s],
                    "activity unit": p.activity_unit[s],
                    "year": t,
                    "capacity added [units]": added,
                    "produces from": max(t + p.expansion_lead_years[s], p.source_first_year[s]),
                    "most that may be added [units]": p.max_expansion_units[s],
                    "unit cost [USD/unit]": unit_cost,
                    "cost [USD]": unit_cost * added,
                    "discounted cost [USD]": money["discounted"],
                    "weight [%]": money["weight"],
                    "expected cost [USD]": money["expected"],
                }
            )
        return _frame(
            rows,
            [
                "future",
                "source",
                "type",
                "activity unit",
                "year",
                "capacity added [units]",
                "produces from",
                "most that may be added [units]",
                "unit cost [USD/unit]",
                "cost [USD]",
                "discounted cost [USD]",
                "weight [%]",
                "expected cost [USD]",
            ],
            title="Capacity investment: yearly capacity added, by future, source and year",
            note=f"Decided and paid once in its year; produces from the year shown on. {WEIGHTS}",
            empty=self._no_plan("No capacity is added in any future."),
        )

    def _deliveries(self) -> pd.DataFrame:
        p = self.p
        rows = []
        for f, (s, m, l, t), ship in self._decisions("Ship"):
            route = p.route_usd_per_t[s, l]
            money = self._money(f, t, route * ship)
            rows.append(
                {
                    "future": f,
                    "source": s,
                    "type": p.source_type[s],
                    "material": m,
                    "site": l,
                    "year": t,
                    "delivered [t]": ship,
                    "transport cost [USD]": route * ship,
                    "discounted transport cost [USD]": money["discounted"],
                    "weight [%]": money["weight"],
                    "expected transport cost [USD]": money["expected"],
                }
            )
        return _frame(
            rows,
            [
                "future",
                "source",
                "type",
                "material",
                "site",
                "year",
                "delivered [t]",
                "transport cost [USD]",
                "discounted transport cost [USD]",
                "weight [%]",
                "expected transport cost [USD]",
            ],
            title="Deliveries into storage",
            note="Only deliveries above zero are listed. Transport cost in the money of its "
            f"year. {WEIGHTS}",
            empty=self._no_plan("No deliveries in any future."),
        )

    def _stock(self) -> pd.DataFrame:
        p = self.p
        rows = []
        for f, (m, l, t), stock in self._decisions("Stock"):
            hold = p.holding_usd_per_t_yr[l]
            money = self._money(f, t, hold * stock)
            rows.append(
                {
                    "future": f,
                    "material": m,
                    "site": l,
                    "year": t,
                    "stock [t]": stock,
                    "volume [m3]": p.volume_m3_per_t[m] * stock + 0.0,
                    "holding cost [USD]": hold * stock + 0.0,
                    "discounted holding cost [USD]": money["discounted"],
                    "weight [%]": money["weight"],
                    "expected holding cost [USD]": money["expected"],
                }
            )
        return _frame(
            rows,
            [
                "future",
                "material",
                "site",
                "year",
                "stock [t]",
                "volume [m3]",
                "holding cost [USD]",
                "discounted holding cost [USD]",
                "weight [%]",
                "expected holding cost [USD]",
            ],
            title="Stock at the end of each year",
            note="Rows with stock only. A disruption's future starts from the plan's stock "
            "at the end of the year before (less any share lost at a site it hits). Holding "
            f"is paid on every year-end stock, in the money of its year. {WEIGHTS}",
            empty=self._no_plan("No stock in any future."),
        )

    def _releases(self) -> pd.DataFrame:
        rows = [
            {"future": d, "material": m, "site": l, "year": t, "released [t]": v + 0.0}
            for (d, m, l, t), v in self.values.get("Release", {}).items()
            if abs(v) > TINY
        ]
        return _frame(
            rows,
            ["future", "material", "site", "year", "released [t]"],
            title="Stock released to cover a disruption's need",
            note="Per disruption's future, material, site and window year. Coverage shows "
            "the need each release covers.",
            empty=self._no_plan("No stock is released in any future."),
        )

    def _resale(self) -> pd.DataFrame:
        p = self.p
        rows = []
        for f, (s, m, t), surplus in self._decisions("Surplus"):
            price = p.resale_usd_per_t[m]
            money = self._money(f, t, price * surplus)
            rows.append(
                {
                    "future": f,
                    "source": s,
                    "material": m,
                    "year": t,
                    "resold [t]": surplus,
                    "resale price [USD/t]": price,
                    "income [USD]": price * surplus,
                    "discounted income [USD]": money["discounted"],
                    "weight [%]": money["weight"],
                    "expected income [USD]": money["expected"],
                }
            )
        return _frame(
            rows,
            [
                "future",
                "source",
                "material",
                "year",
                "resold [t]",
                "resale price [USD/t]",
                "income [USD]",
                "discounted income [USD]",
                "weight [%]",
                "expected income [USD]",
            ],
            title="Co-product output resold (not stockpiled)",
            note=f"Income in the money of its year. {WEIGHTS}",
            empty=self._no_plan("Nothing is resold in any future."),
        )

    def _coverage(self) -> pd.DataFrame:
        """MODEL.md families 9 and 10: released + unmet = need, per window year."""
        p = self.p
        released: dict[tuple[str, str, int], float] = defaultdict(float)
        for (d, m, _l, t), v in self.values.get("Release", {}).items():
            released[d, m, t] += v
        rows = []
        if self.plan:
            for (d, m, t), need in p.need_t.items():
                unmet = self._val("Unmet", (d, m, t))
                penalty = p.delta[t] * p.penalty_usd_per_t[m] * unmet + 0.0
                rows.append(
                    {
                        "future": d,
                        "material": m,
                        "year": t,
                        "probability [%]": p.probability[d],
                        "need [t]": need,
                        "released [t]": released[d, m, t] + 0.0,
                        "unmet [t]": unmet,
                        "covered share [%]": released[d, m, t] / need,
                        "minimum coverage [%]": p.min_coverage[m],
                        "penalty if it happens [USD]": penalty,
                        "expected penalty [USD]": p.probability[d] * penalty,
                    }
                )
        return _frame(
            rows,
            [
                "future",
                "material",
                "year",
                "probability [%]",
                "need [t]",
                "released [t]",
                "unmet [t]",
                "covered share [%]",
                "minimum coverage [%]",
                "penalty if it happens [USD]",
                "expected penalty [USD]",
            ],
            title="Disruption need: released from stock and unmet, per window year",
            note="need = released + unmet. Penalty if it happens = penalty/t x unmet, "
            f"discounted from its year to {p.t0}; the expected penalty weighs it by the "
            "disruption's probability and sums to the shortfall penalty part.",
            empty=self._no_plan("No disruption has a need (no Demand or no disruption)."),
        )

    # ----- Futures ----------------------------------------------------------
    def futures(self) -> dict[str, pd.DataFrame]:
        """Per future: probability, K[f], releases, unmet need; the risk term."""
        p, r = self.p, self.r
        released: dict[str, float] = defaultdict(float)
        need: dict[tuple[str, str], float] = defaultdict(float)
        for (d, _m, _l, _t), v in self.values.get("Release", {}).items():
            released[d] += v
        for (d, m, _t), v in p.need_t.items():
            need[d, m] += v
        outcomes = {f.future: f for f in r.futures} if self.plan else {}
        rows, unmet_rows = [], []
        for f, start in self.starts.items():
            out = outcomes.get(f)
            unmet = out.unmet_t if out else {}
            first = out.first_unmet_year if out else {}
            rows.append(
                {
                    "future": f,
                    "probability [%]": p.base_probability if f == BASE else p.probability[f],
                    "start year": start,
                    "window": "" if start is None else _years_text(p.window[f]),
                    "cost K [USD]": out.cost_usd if out else None,
                    "probability x cost [USD]": out.probability * out.cost_usd if out else None,
                    "need [t]": sum(v for (d, _m), v in need.items() if d == f),
                    "released [t]": released[f] + 0.0 if out else None,
                    "unmet [t]": sum(unmet.values()) if out else None,
                    "first unmet year": min(first.values(), default=None),
                    "unmet need": "; ".join(
                        f"{m} {_quantity(v)} t from {first[m]}" for m, v in unmet.items()
                    ),
                }
            )
            unmet_rows.extend(
                {
                    "future": f,
                    "material": m,
                    "need [t]": need[f, m],
                    "unmet [t]": v,
                    "unmet share [%]": v / need[f, m] if need[f, m] > 0 else None,
                    "first unmet year": first[m],
                }
                for m, v in unmet.items()
            )
        frames = {
            "Futures/Futures": _frame(
                rows,
                [
                    "future",
                    "probability [%]",
                    "start year",
                    "window",
                    "cost K [USD]",
                    "probability x cost [USD]",
                    "need [t]",
                    "released [t]",
                    "unmet [t]",
                    "first unmet year",
                    "unmet need",
                ],
                title="The plan (base: no disruption) and each disruption's future",
                note="K = the discounted cost of the whole future: the plan's decisions "
                "before the disruption starts, then the future's own (shortfall penalties "
                "included). Probability x cost sums to the expected cost E. Need, released "
                "and unmet: totals over the window.",
                free_text=("unmet need",),
            ),
            "Futures/Unmet need": _frame(
                unmet_rows,
                [
                    "future",
                    "material",
                    "need [t]",
                    "unmet [t]",
                    "unmet share [%]",
                    "first unmet year",
                ],
                title="Unmet need by future and material",
                note="Totals over the window; the Coverage sheet has each year.",
                empty=self._no_plan("Every future's need is met in full."),
            ),
        }
        if p.risk_weight > 0 and self.plan:
            frames["Futures/Risk"] = self.risk_block()
        return frames

    def risk_block(self) -> pd.DataFrame:
        p, r = self.p, self.r
        rows = [
            {"item": "Risk weight (lambda)", "value": p.risk_weight, "unit": ""},
            {"item": "CVaR level (alpha)", "value": p.cvar_level, "unit": ""},
            {"item": EXPECTED_LABEL, "value": r.expected_cost_usd, "unit": "USD"},
            {"item": CVAR_LABEL, "value": r.cvar_usd, "unit": "USD"},
            {"item": OBJECTIVE_LABEL, "value": r.objective_usd, "unit": "USD"},
        ]
        return _frame(
            rows,
            ["item", "value", "unit"],
            title="Risk: the conditional value at risk (CVaR)",
            note=f"CVaR = the expected cost of the worst {1 - p.cvar_level:.0%} of futures "
            "(by probability). Objective = (1 - lambda) x E + lambda x CVaR.",
        )

    # ----- Summary ---------------------------------------------------------
    def result_block(self) -> pd.DataFrame:
        r, st = self.r, self.inputs.settings
        rows: list[dict[str, Any]] = [
            {"item": "Status", "value": STATUS_WORDS.get(r.status, r.status), "unit": ""},
            {"item": "Status code", "value": r.status, "unit": ""},
            {"item": "Solver message", "value": r.message, "unit": ""},
        ]
        if r.objective_usd is not None and r.parts:
            rows.append({"item": OBJECTIVE_LABEL, "value": r.objective_usd, "unit": "USD"})
            rows.extend(
                {"item": part.label, "value": r.parts.get(part.json_key, 0.0), "unit": part.unit}
                for part in PARTS
            )
            if self.p.risk_weight > 0:
                rows += [
                    {"item": EXPECTED_LABEL, "value": r.expected_cost_usd, "unit": "USD"},
                    {"item": CVAR_LABEL, "value": r.cvar_usd, "unit": "USD"},
                ]
        if r.diagnosis is not None:
            rows.append({"item": "Why no plan", "value": r.diagnosis.suggestion, "unit": ""})
        rows += [
            {"item": "Horizon", "value": f"{st.start_year}-{st.end_year}", "unit": ""},
            {"item": "Discount rate", "value": st.discount_rate, "unit": "%"},
            {"item": "Money", "value": f"discounted to {st.start_year}", "unit": ""},
        ]
        rows.extend(
            {"item": f"Model {k}", "value": v, "unit": "count"} for k, v in r.counts.items()
        )
        return _frame(
            rows,
            ["item", "value", "unit"],
            free_text=("value",),
            title="Result",
            note=self._objective_note(),
        )

    def _objective_note(self) -> str:
        terms = " ".join(
            f"{'-' if part.sign < 0 else '+'} {part.label.split(' (')[0].lower()}" for part in PARTS
        ).removeprefix("+ ")
        if self.p.risk_weight > 0:
            return (
                f"E = {terms}, each the expected discounted value over the futures. "
                "Objective = (1 - lambda) x E + lambda x the CVaR term (the Futures sheet)."
            )
        return f"Objective = E = {terms}, each the expected discounted value over the futures."

    def _delivered(self) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
        """Tonnes delivered per material, and per (material, bloc or source type)."""
        p = self.p
        total: dict[str, float] = defaultdict(float)
        by_group: dict[tuple[str, str], float] = defaultdict(float)
        for (s, m, _l, _t), ship in self.values.get("Ship", {}).items():
            total[m] += ship
            by_group[m, p.bloc_of_country[p.source_country[s]]] += ship
            by_group[m, p.source_type[s]] += ship
        return total, by_group

    def material_kpis(self) -> pd.DataFrame:
        p = self.p
        last = p.YEARS[-1]
        total, _ = self._delivered()
        final: dict[str, float] = defaultdict(float)
        for (m, _l, t), stock in self.values.get("Stock", {}).items():
            if t == last:
                final[m] += stock
        by_material = self.coverage.groupby("material")
        worst = by_material["covered share [%]"].min().to_dict()
        unmet = (
            self.coverage.groupby(["material", "future"])["unmet [t]"]
            .sum()
            .groupby("material")
            .max()
            .to_dict()
        )
        rows = []
        if self.plan:
            for m in p.MATERIALS:
                target = p.target_t.get((m, last))
                rows.append(
                    {
                        "material": m,
                        f"final stock {last} [t]": final[m] + 0.0,
                        f"target {last} [t]": target,
                        "final stock vs target [%]": final[m] / target if target else None,
                        "delivered over horizon [t]": total[m] + 0.0,
                        "worst covered share [%]": worst.get(m),
                        "unmet in the worst future [t]": unmet.get(m),
                    }
                )
        return _frame(
            rows,
            [
                "material",
                f"final stock {last} [t]",
                f"target {last} [t]",
                "final stock vs target [%]",
                "delivered over horizon [t]",
                "worst covered share [%]",
                "unmet in the worst future [t]",
            ],
            title="Materials",
            note="The plan's final stock: the total over sites at the end of the last year. "
            "Covered share: the lowest of any disruption's window year; unmet: the total of "
            "the future that leaves most unmet (see Futures and Coverage; blank: no "
            "disruption need).",
            empty="No plan: nothing to show.",
        )

    def delivery_shares(self, kind: str) -> pd.DataFrame:
        """Share of each material's deliveries over the horizon by bloc or source type."""
        p = self.p
        if kind == "bloc":
            groups = _present(BLOCS, (p.bloc_of_country[c] for c in p.source_country.values()))
            title = "Deliveries by bloc of the source's country"
        else:
            groups = _present(SOURCE_TYPES, p.source_type.values())
            title = "Deliveries by source type"
        total, by_group = self._delivered()
        rows = []
        if self.plan:
            for m in p.MATERIALS:
                row: dict[str, Any] = {"material": m}
                for g in groups:
                    row[f"{g} [%]"] = by_group[m, g] / total[m] if total[m] > TINY else None
                rows.append(row)
        return _frame(
            rows,
            ["material", *(f"{g} [%]" for g in groups)],
            title=title,
            note="Share of the tonnes of each material the plan delivers over the horizon.",
            empty="No plan: nothing to show.",
        )

    def flags(self) -> pd.DataFrame:
        """Co-product sources whose outputs resell for more than they cost (MODEL.md)."""
        p = self.p
        rows = []
        for s in p.SOURCES:
            if s not in p.coproduct:
                continue
            value = sum(p.yield_t_per_unit[s, m] * p.resale_usd_per_t[m] for m in p.outputs[s])
            years = [
                t
                for t in p.YEARS
                if p.capacity_units[s, t] > 0 and value > p.cost_usd_per_unit[s, t] + 1e-9
            ]
            if not years:
                continue
            bought = sum(self._val("Buy", (s, t)) for t in years)
            rows.append(
                {
                    "source": s,
                    "years": _years_text(years),
                    "resale value of outputs [USD/unit]": value,
                    "lowest unit cost [USD/unit]": min(p.cost_usd_per_unit[s, t] for t in years),
                    "bought in those years [units]": bought if self.plan else None,
                    "flag": f"Reselling the output of {s} earns more than buying it costs: the "
                    "plan may buy it for profit. Check the resale prices.",
                }
            )
        return _frame(
            rows,
            [
                "source",
                "years",
                "resale value of outputs [USD/unit]",
                "lowest unit cost [USD/unit]",
                "bought in those years [units]",
                "flag",
            ],
            title="Flags",
            note="Co-product sources whose resale value exceeds their cost.",
            empty="No source resells for more than it costs.",
        )

    def provenance_block(self, provenance: Mapping[str, Any]) -> pd.DataFrame:
        r = self.r
        given = dict(provenance)
        given.setdefault("highs", r.solver.get("version"))
        options = given.pop("solver_options", None) or r.solver.get("options", {})
        rows: list[dict[str, Any]] = []
        for key, label in _PROVENANCE_LABELS.items():
            if key in given:
                rows.append({"item": label, "value": _plain(given.pop(key)), "unit": ""})
        rows.extend({"item": k, "value": _plain(v), "unit": ""} for k, v in given.items())
        rows.extend(
            {"item": f"Time: {phase}", "value": float(sec), "unit": "s"}
            for phase, sec in r.timings.items()
        )
        rows.extend(
            {"item": f"Solver option: {k}", "value": _plain(v), "unit": ""}
            for k, v in options.items()
        )
        return _frame(rows, ["item", "value", "unit"], free_text=("value",), title="Run provenance")

    # ----- Infeasibility ----------------------------------------------------
    def diagnosis_block(self) -> pd.DataFrame:
        diag = self.r.diagnosis
        rows = [{"item": "Status", "value": STATUS_WORDS["infeasible"]}]
        if diag is None:
            rows.append({"item": "Diagnosis", "value": "No diagnosis is available."})
        else:
            method = {
                "iis": "irreducible infeasible subset (HiGHS)",
                "elastic": "elastic solve: the rows that had to be relaxed",
                "none": "none",
            }[diag.method]
            rows += [
                {"item": "What to change", "value": diag.suggestion},
                {"item": "Method", "value": method},
            ]
            if diag.note:
                rows.append({"item": "Note", "value": diag.note})
        return _frame(rows, ["item", "value"], free_text=("value",), title="Why no plan exists")

    def diagnosis_members(self) -> pd.DataFrame:
        diag = self.r.diagnosis
        rows = []
        for n, member in enumerate(diag.members if diag else (), start=1):
            base = {
                "member": n,
                "family": member.family,
                "index": index_text(member.family, member.index),
                "requirement": _drop_name(member.text),
            }
            for sheet, row, what in member.sources or ((None, None, None),):
                rows.append(
                    # row 0: a record made in code, not read from a workbook row
                    {**base, "input sheet": sheet, "input row": row or None, "what it says": what}
                )
        return _frame(
            rows,
            [
                "member",
                "family",
                "index",
                "requirement",
                "input sheet",
                "input row",
                "what it says",
            ],
            title="Conflicting requirements",
            note="These cannot all hold together; each comes from the input rows listed "
            "(one line per row).",
            empty="No members.",
        )

    # ----- duals ---------------------------------------------------------------
    def sentence(
        self, family: str, index: tuple[Any, ...], dual: float, conditional: float | None = None
    ) -> str:
        """What a dual means, in planner words, signed as the family's docstring says.

        A row of a disruption's future says "If d happens: ..."; with its conditional
        value (dual / prob[d]) the sentence gives that amount, the expected one after it;
        without it (probability 0, or a risk-averse objective) the amount is the change
        of the objective, and a risk-averse objective says so."""
        fam = BY_NAME[family]
        if conditional is not None:
            how = "discounted; " if self.money_note != " USD" else ""
            money = f"{_amount(conditional)} USD ({how}{_amount(dual)} USD expected)"
            return fam.sentence(self.p, index, conditional, money)
        money = _amount(dual) + self.money_note
        if self.p.risk_weight > 0 and fam.split(index)[0] != BASE:
            money += " of the risk-weighted objective"
        return fam.sentence(self.p, index, dual, money)

    def conditional(self, family: str, index: tuple[Any, ...], dual: float) -> float | None:
        """dual / prob[d] for a row of disruption d's future with prob[d] > 0 when the
        objective is the expected cost (risk_weight 0): what the row costs if d happens.
        None otherwise (the plan's rows, probability 0, or a risk-averse objective)."""
        fam = BY_NAME[family]
        future, _ = fam.split(index)
        if future == BASE or fam.keyed_by_future or self.p.risk_weight > 0:
            return None
        prob = self.p.probability[future]
        return dual / prob if prob > 0 else None

    def shadow_prices(self) -> pd.DataFrame:
        rows = []
        missing = 0
        for fam in FAMILIES:
            family = fam.name
            for index, row in self.r.rows.get(family, {}).items():
                if row.dual is None:
                    missing += 1
                    continue
                if abs(row.dual) < DUAL_ZERO:
                    continue
                cond = self.conditional(family, index, row.dual)
                rows.append(
                    {
                        "family": family,
                        "index": index_text(family, index),
                        "dual [USD per unit]": row.dual + 0.0,
                        "conditional [USD per unit]": None if cond is None else cond + 0.0,
                        "unit": f"USD/{fam.unit_of(self.p, index)}",
                        "meaning": self.sentence(family, index, row.dual, cond),
                    }
                )
        note = (
            "Every constraint with a nonzero dual; rows whose dual is zero (|dual| < "
            f"{DUAL_ZERO:g}) are omitted. Dual = change of the objective (expected "
            "discounted cost) per unit more of the limit. Conditional = dual / the "
            "disruption's probability: the change if that disruption happens (rows of a "
            "disruption's future with a probability above 0, when risk_weight is 0)."
        )
        if missing:
            note += f" {missing} row(s) have no dual from the solver and are omitted."
        return _frame(
            rows,
            [
                "family",
                "index",
                "dual [USD per unit]",
                "conditional [USD per unit]",
                "unit",
                "meaning",
            ],
            title="Shadow prices (duals) in planner words",
            note=note,
            empty="No constraint has a nonzero dual."
            if self.plan
            else "No plan: no duals to show.",
        )

    def binding(self) -> pd.DataFrame:
        rows = []
        for fam in FAMILIES:
            family = fam.name
            for index, row in self.r.rows.get(family, {}).items():
                if row.lower is not None and row.lower == row.upper:
                    continue  # a balance: always "at its limit", not a limit in planner terms
                side, limit = None, None
                for s, lim in ((">=", row.lower), ("<=", row.upper)):
                    if lim is not None and abs(row.body - lim) <= BINDING_REL * max(1, abs(lim)):
                        side, limit = s, lim
                        break
                if side is None:
                    continue
                rows.append(
                    {
                        "family": family,
                        "index": index_text(family, index),
                        "requirement": _drop_name(
                            explain_member(self.p, family, index, limit=row).text
                        ),
                        "body": row.body + 0.0,
                        "side": side,
                        "limit": limit + 0.0,
                        "unit": fam.unit_of(self.p, index),
                        "dual [USD per unit]": None if row.dual is None else row.dual + 0.0,
                    }
                )
        return _frame(
            rows,
            [
                "family",
                "index",
                "requirement",
                "body",
                "side",
                "limit",
                "unit",
                "dual [USD per unit]",
            ],
            title="Binding constraints (at their limit)",
            note="Inequalities with |body - limit| <= 1e-6 x max(1, |limit|). Balances "
            "(output_split, stock_balance) always hold exactly and are not listed. Body "
            "and limit hold only the decision terms (constants moved to the limit).",
            empty="No constraint is at its limit." if self.plan else "No plan: nothing to show.",
        )

    # ----- charts ------------------------------------------------------------
    def along_paths(self, frame: pd.DataFrame, column: str, by: str | None = None) -> pd.DataFrame:
        """``column`` of a future's sheet summed by year (and ``by``) along every
        future's path: the plan's rows before the future starts, its own from then on.
        Columns: one per future; index: year (or (by, year))."""
        keys = [by, "year"] if by else ["year"]
        sums = (
            frame.groupby(["future", *keys])[column].sum() if len(frame) else pd.Series(dtype=float)
        )
        out = {}
        for f, start in self.starts.items():
            series = {}
            for t in self.p.YEARS:
                own = BASE if start is None or t < start else f
                if by:
                    for g in self._groups(frame, by):
                        series[g, t] = float(sums.get((own, g, t), 0.0))
                else:
                    series[t] = float(sums.get((own, t), 0.0))
            out[f] = series
        return pd.DataFrame(out)

    @staticmethod
    def _groups(frame: pd.DataFrame, by: str) -> list[Any]:
        return list(dict.fromkeys(frame[by])) if len(frame) else []

    def chart_data(self) -> dict[str, pd.DataFrame]:
        if not self.plan:
            note = _frame(
                [{"item": "Charts", "value": "No plan: nothing to chart."}],
                ["item", "value"],
                title="Charts",
            )
            return {"Charts/None": note}
        frames = {
            "Charts/Cost parts": self._cost_chart(),
            "Charts/Futures": self._futures_chart(),
            "Charts/Spend vs budget": self._spend_chart(),
        }
        frames.update(self._by_type_charts())
        frames.update(self._stock_charts())
        return frames

    def _cost_chart(self) -> pd.DataFrame:
        parts = self.r.parts
        cost = _frame(
            [
                {"part": part.label, "discounted [USD]": part.sign * parts.get(part.json_key, 0.0)}
                for part in PARTS
            ]
            + [{"part": "Expected cost E", "discounted [USD]": self.r.expected_cost_usd}],
            ["part", "discounted [USD]"],
            title="Parts of the expected cost (discounted; resale income negative)",
        )
        return _bar_chart(cost, "Parts of the expected cost (discounted)", "discounted [USD]")

    def _futures_chart(self) -> pd.DataFrame:
        frame = _frame(
            [
                {
                    "future": f.future,
                    "probability [%]": f.probability,
                    "cost K [USD]": f.cost_usd,
                }
                for f in self.r.futures
            ],
            ["future", "probability [%]", "cost K [USD]"],
            title="Cost of each whole future K (discounted)",
        )
        return _bar_chart(frame, "Cost of each future K (discounted)", "cost K [USD]")

    def _spend_chart(self) -> pd.DataFrame:
        """Spend per year as the budget counts it (purchases, transport, holding and
        investment in the money of the year; resale not deducted), along each future."""
        p = self.p
        spend = sum(
            self.along_paths(frame, column)
            for frame, column in (
                (self.purchases, "cost [USD]"),
                (self.deliveries, "transport cost [USD]"),
                (self.stock, "holding cost [USD]"),
                (self.investments, "cost [USD]"),
            )
            if frame is not None
        )
        cols = [f"{f} [USD]" for f in self.starts]
        rows = [
            {
                "year": t,
                **{f"{f} [USD]": spend.at[t, f] + 0.0 for f in self.starts},
                "budget [USD]": p.budget_usd.get(t),
            }
            for t in p.YEARS
        ]
        frame = _frame(
            rows,
            ["year", *cols, "budget [USD]"],
            title="Spend per year against the budget (money of each year), along each future",
        )
        budget = ["budget [USD]"] if p.budget_usd else []
        frame.attrs["charts"] = [
            {
                "type": "line",
                "title": "Spend vs budget, each future" if budget else "Spend, each future",
                "y_title": "USD",
                "x_title": "year",
                "columns": [*cols, *budget],
                "markers": budget,
                "colours": "futures",
            }
        ]
        return frame

    def _by_type_charts(self) -> dict[str, pd.DataFrame]:
        """The plan's deliveries and purchase spend by source type per year."""
        p = self.p
        types = _present(SOURCE_TYPES, p.source_type.values())
        plan_ship = self.deliveries[self.deliveries["future"] == BASE]
        plan_buy = self.purchases[self.purchases["future"] == BASE]
        tonnes = plan_ship.groupby(["year", "type"])["delivered [t]"].sum()
        spend = plan_buy.groupby(["year", "type"])["cost [USD]"].sum()
        out = {}
        for label, unit, amounts in (("Purchase spend", "USD", spend), ("Deliveries", "t", tonnes)):
            cols = [f"{ty} [{unit}]" for ty in types]
            frame = _frame(
                [
                    {
                        "year": t,
                        **{
                            c: float(amounts.get((t, ty), 0.0))
                            for c, ty in zip(cols, types, strict=True)
                        },
                    }
                    for t in p.YEARS
                ],
                ["year", *cols],
                title=f"The plan's {label.lower()} by source type [{unit}]"
                + (" (money of each year)" if unit == "USD" else " (all materials)"),
            )
            frame.attrs["charts"] = [
                {
                    "type": "stacked",
                    "title": f"{label} by source type (the plan)",
                    "y_title": unit,
                    "x_title": "year",
                    "columns": cols,
                }
            ]
            key = "Purchases" if label == "Purchase spend" else label
            out[f"Charts/{key} by source type"] = frame
        return out

    def _stock_charts(self) -> dict[str, pd.DataFrame]:
        """Per material: the plan's stock against its target, and each future's stock
        (the plan's before the disruption starts, its own after: the drawdown)."""
        p = self.p
        stock = self.along_paths(self.stock, "stock [t]", by="material")
        cols = [f"{f} [t]" for f in self.starts]
        out = {}
        for m in p.MATERIALS:
            rows = [
                {
                    "year": t,
                    **{
                        f"{f} [t]": float(stock[f].get((m, t), 0.0)) if len(stock) else 0.0
                        for f in self.starts
                    },
                    "target [t]": p.target_t.get((m, t)),
                }
                for t in p.YEARS
            ]
            frame = _frame(
                rows,
                ["year", *cols, "target [t]"],
                title=f"{m}: total stock at the end of each year, along each future [t]",
            )
            target = ["target [t]"] if any((m, t) in p.target_t for t in p.YEARS) else []
            frame.attrs["charts"] = [
                {
                    "type": "line",
                    "title": f"{m}: stock"
                    + (" vs target" if target else "")
                    + ", and each future's drawdown",
                    "y_title": "t",
                    "x_title": "end of year",
                    "columns": [*cols, *target],
                    "markers": target,
                    "colours": "futures",
                }
            ]
            out[f"Charts/Stock {m}"] = frame
        return out


def _bar_chart(frame: pd.DataFrame, title: str, column: str) -> pd.DataFrame:
    """``frame`` with a bar chart of one money column [USD] attached."""
    frame.attrs["charts"] = [{"type": "bar", "title": title, "y_title": "USD", "columns": [column]}]
    return frame


def _drop_name(text: str) -> str:
    """'stock_target[X, 2027]: total X stock ...' -> 'total X stock ...'."""
    head, sep, rest = text.partition("]: ")
    return rest if sep and "[" in head else text


def _present(order: Iterable[str], items: Iterable[str]) -> list[str]:
    """The values of ``order`` that occur in ``items``, in the order of ``order``."""
    seen = set(items)
    return [x for x in order if x in seen]


def _plain(value: Any) -> Any:
    """A provenance value as a cell value: numbers and text stay, the rest as text."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return value
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return str(value)
