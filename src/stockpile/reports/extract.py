"""The report's content as tidy tables: plan, futures, costs, coverage, duals, diagnosis.

Pure Python and pandas: no Pyomo, no openpyxl. ``extract`` reads the typed
``SolveResult`` and the derived ``Params`` (capacity, escalated cost, discount factors,
need, windows: computed once in ``stockpile.data.params`` and reused here) and returns
one DataFrame per block of the report workbook.

Keys of the returned dict say where a frame goes: ``"Sheet"`` for a sheet holding one
table, ``"Sheet/block"`` for one of several blocks on a sheet (Summary, Futures,
Charts, Infeasibility). Dict order is sheet order (WORKBOOK.md "Report workbook").
Column headers carry their unit in brackets (``cost [USD]``); a column without one
takes the unit of its row from the frame's ``unit`` column. ``frame.attrs`` may hold
``title``, ``note`` (shown above the table), ``empty`` (what to show when the frame
has no rows), ``free_text`` (columns of long text that may run on into the empty
cells to their right), ``wrap`` (column -> width at which its text wraps), ``kind``
("text": a block of sentences, one per row of its ``text`` column, not a table),
``alert`` (a text block printed in bold red), ``pane`` (where a Summary block goes:
"full", "left" or "right") and ``charts``.

The report is read by a planner first: the Summary says what the plan is (what to buy
next year, what it costs against the budget, what stays at risk, the costliest
requirements), BuyList is the contract list, and the detail sheets list non-zero rows
only (a row whose amounts would all print as zero is left out).

Futures (MODEL.md version 2): the plan is the future ``base``; each disruption d is a
future with its own decisions from start_d on. The sheets of decisions (Purchases,
Investments, Deliveries, Stock, Resale) list the plan's rows and each future's own rows,
with a ``future`` column.

When the requirements cannot all be met and the solver found the closest plan
(``result.closest``), every sheet describes that plan and the Summary says first, in
red, that it does not meet the requirements and which limits it moves.

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
from functools import cached_property
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
from stockpile.reports import digest
from stockpile.result import (
    BOOKKEEPING,
    DUAL_HOLDS,
    DUAL_ZERO,
    STATUS_WORDS,
    UNMET_TINY,
    SolveResult,
)

#: A row is binding when |slack| <= BINDING_REL * max(1, |limit|).
BINDING_REL = 1e-6
#: Plan values below this (t, units) are treated as nothing delivered / resold.
TINY = 1e-9
#: Below these a quantity (format #,##0.0) or a money amount (#,##0) prints as zero; a
#: row whose amounts all print as zero is not listed.
SHOWN_QUANTITY = 0.05
SHOWN_MONEY = 0.5
#: How many of the costliest requirements the Summary names.
COSTLIEST = 5
#: Materials per chart of delivery shares (more bars would not be legible).
SHARES_PER_CHART = 12
#: Summary rows of a risk-averse objective (risk_weight > 0).
EXPECTED_LABEL = "Expected cost E (discounted)"
CVAR_LABEL = "CVaR term: expected cost of the worst futures (discounted)"
#: The Summary's cost table: the total row under the parts.
TOTAL_LABEL = "Expected cost (sum of the parts)"
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
    "scenario": "Scenario",
    "scenario_defined_in": "Scenario defined in",
    "scenario_description": "Scenario description",
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
    prices = x.shadow_prices()
    frames: dict[str, pd.DataFrame] = dict(x.summary(provenance, prices))
    frames["BuyList"] = x.buy_list()
    if x.investments is not None:
        frames["Investments"] = x.investments
    frames.update(x.futures())
    frames["Coverage"] = x.coverage
    frames["Purchases"] = x.purchases
    frames["Deliveries"] = x.deliveries
    frames["Stock"] = x.stock
    frames["Releases"] = x.releases
    frames["Resale"] = x.resale
    frames["ShadowPrices"] = prices
    frames["ShadowPricesDetail"] = x.shadow_prices_detail()
    frames["Binding"] = x.binding()
    frames.update(x.chart_data())
    if result.status == "infeasible":
        frames["Infeasibility/Diagnosis"] = x.diagnosis_block()
        if result.relaxations:
            frames["Infeasibility/Relaxations"] = x.relaxations_block()
        frames["Infeasibility/Members"] = x.diagnosis_members()
    frames["Run"] = x.run_block(provenance)
    return frames


def _frame(
    rows: list[dict[str, Any]],
    columns: Iterable[str],
    title: str = "",
    note: str = "",
    empty: str = "(none)",
    free_text: tuple[str, ...] = (),
    **attrs: Any,
) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(columns))
    df.attrs.update(title=title, note=note, empty=empty, free_text=free_text, **attrs)
    return df


def _text(lines: Iterable[str], title: str = "", **attrs: Any) -> pd.DataFrame:
    """A block of sentences (one per row), written across the sheet, not as a table."""
    return _frame([{"text": line} for line in lines], ["text"], title=title, kind="text", **attrs)


def _sig(x: float | None) -> float | None:
    """``x`` to 6 significant digits: what a limit's move needs in print (0.518268)."""
    return None if x is None else float(f"{x:.6g}")


def _prints(quantity: float = 0.0, *money: float) -> bool:
    """True when a row's amounts do not all print as zero (#,##0.0 t, #,##0 USD)."""
    return abs(quantity) >= SHOWN_QUANTITY or any(abs(x) >= SHOWN_MONEY for x in money)


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
        #: a plan to show: the optimal or time-limited plan, or the closest plan
        self.plan = result.shows_plan and bool(result.values)
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
            unit_cost = p.price_factor(None if f == BASE else f, t) * p.cost_usd_per_unit[s, t]
            if not _prints(buy, unit_cost * buy):
                continue
            cap = self._capacity(f, s, t, buy)
            money = self._money(f, t, unit_cost * buy)
            rows.append(
                {
                    "future": f,
                    "source": s,
                    "unit": p.activity_unit[s],
                    "year": t,
                    "activity [units]": buy,
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
                "unit",
                "year",
                "activity [units]",
                "capacity used [%]",
                "unit cost [USD/unit]",
                "cost [USD]",
                "discounted cost [USD]",
                "weight [%]",
                "expected cost [USD]",
            ],
            title="Purchases by future, source and year",
            note="Future base is the plan; a disruption's future lists its own decisions from "
            "its start year on (each source's type and country: BuyList). Activity in the "
            "source's unit; capacity used: of the capacity that year (added capacity and a "
            "disruption's availability included). Unit cost escalated to the year (times the "
            "price multiplier in a disruption's window); cost in the money of its year. "
            f"{WEIGHTS}",
            empty=self._no_plan("Nothing is bought in any future."),
            wrap={"unit": 9},
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
            if not _prints(added, unit_cost * added):
                continue
            money = self._money(f, t, unit_cost * added)
            rows.append(
                {
                    "future": f,
                    "source": s,
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
            if not _prints(ship, route * ship):
                continue
            money = self._money(f, t, route * ship)
            rows.append(
                {
                    "future": f,
                    "source": s,
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
            note="Only deliveries that print above zero are listed. Transport cost in the "
            f"money of its year. {WEIGHTS}",
            empty=self._no_plan("No deliveries in any future."),
        )

    def _stock(self) -> pd.DataFrame:
        p = self.p
        rows = []
        for f, (m, l, t), stock in self._decisions("Stock"):
            hold = p.holding_usd_per_t_yr[l]
            if not _prints(stock, hold * stock):
                continue
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
            if _prints(v)
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
            if not _prints(surplus, price * surplus):
                continue
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
                ],
                title="The plan (base: no disruption) and each disruption's future",
                note="K = the discounted cost of the whole future: the plan's decisions "
                "before the disruption starts, then the future's own (shortfall penalties "
                "included). Probability x cost sums to the expected cost E. Need, released "
                "and unmet: totals over the window; the table below has the unmet need of "
                "each material.",
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
    def summary(
        self, provenance: Mapping[str, Any], prices: pd.DataFrame
    ) -> dict[str, pd.DataFrame]:
        """The answer on one printed page: an alert when the plan does not meet the
        requirements (or there is none), what the plan says in sentences, then the
        expected cost and its parts, the unmet need and the flags (left) beside the spend
        per year against the budget (right), and the costliest requirements."""
        spend = self.spend_table()
        unmet = self.unmet_table()
        costliest = self.costliest(prices)
        frames: dict[str, pd.DataFrame] = {}
        alert = self.alert_lines()
        if alert:
            frames["Summary/Alert"] = _text(alert, alert=True, pane="full")
        frames["Summary/Plan"] = _text(
            self.plan_lines(provenance, spend, unmet, costliest),
            title="What the plan says" if self.plan else "The run",
            pane="full",
        )
        if not self.plan:  # nothing to tabulate: the status, the scenario and the flags
            flags = self.flags()
            flags.attrs["pane"] = "full"
            frames["Summary/Flags"] = flags
            return frames
        frames["Summary/Expected cost"] = self.cost_table()
        frames["Summary/Unmet need"] = unmet
        frames["Summary/Flags"] = self.flags()
        frames["Summary/Spend"] = spend
        frames["Summary/Costliest"] = costliest
        return frames

    def alert_lines(self) -> list[str]:
        """What the planner must see first: the plan does not meet the requirements (the
        closest plan, with every limit it moves), or there is no plan at all."""
        r = self.r
        if r.closest:
            lines = [
                "THIS PLAN DOES NOT MEET THE REQUIREMENTS. They cannot all be met together; "
                "this is the closest plan, and every sheet of this report describes it. It "
                + (
                    "moves this limit:"
                    if len(r.relaxations) == 1
                    else f"moves these {len(r.relaxations)} limits:"
                )
            ]
            return lines + [f"- {x.text}" for x in r.relaxations]
        if self.plan:
            return []
        lines = [f"NO PLAN. {STATUS_WORDS.get(r.status, r.status)}"]
        if r.diagnosis is not None and r.diagnosis.suggestion:
            lines.append(f"What to change: {r.diagnosis.suggestion}")
        elif r.message:
            lines.append(f"Solver: {r.message}")
        return lines

    def status_text(self) -> str:
        r = self.r
        if r.closest:
            return (
                "Status: infeasible. No plan meets every requirement; the plan below is the "
                "closest one (it moves the limits above)."
            )
        words = r.status_text()
        head, _, rest = words.partition(": ")
        return f"Status: {head.lower()}, {rest[0].lower()}{rest[1:]}" if rest else words

    def plan_lines(
        self,
        provenance: Mapping[str, Any],
        spend: pd.DataFrame,
        unmet: pd.DataFrame,
        costliest: pd.DataFrame,
    ) -> list[str]:
        """The status, the scenario and its overrides, then the digest's sentences."""
        p = self.p
        lines = [self.status_text()]
        scenario = provenance.get("scenario")
        if scenario:
            described = provenance.get("scenario_description") or ""
            origin = provenance.get("scenario_defined_in") or ""
            lines.append(
                f"Scenario {scenario}"
                + (f" ({origin})" if origin else "")
                + (f": {described}" if described else ".")
                + " Its overrides of the input:"
            )
            overrides = provenance.get("scenario_overrides") or []
            if isinstance(overrides, str | int | float):
                overrides = [str(overrides)]
            lines += [f"- {line}" for line in overrides]
        if not self.plan:
            return lines
        if p.risk_weight > 0 and self.r.cvar_usd is not None:
            lines.append(
                f"Risk weight {p.risk_weight:g}: the plan minimises (1 - {p.risk_weight:g}) x "
                f"the expected cost + {p.risk_weight:g} x the CVaR (the expected cost of the "
                f"worst {1 - p.cvar_level:.0%} of futures: {digest.usd_text(self.r.cvar_usd)}); "
                f"objective {digest.usd_text(self.r.objective_usd or 0.0)}."
            )
        budget = spend.dropna(subset=["budget [USD]"])
        over = budget[budget["spend [USD]"] > budget["budget [USD]"] * (1 + 1e-9) + 1]
        binding = [
            key[0]
            for key, row in self.r.rows.get("budget", {}).items()
            if len(key) == 1 and row.dual is not None and row.dual < -DUAL_ZERO
        ]
        lines += digest.plan_sentences(
            p,
            self.r,
            next_year=self._next_year(spend),
            over_budget=[int(t) for t in over["year"]],
            binding_budget=sorted(binding),
            has_budget=len(budget) > 0,
            unmet=[
                (row["future"], row["material"], row["unmet [t]"], row["first year"])
                for row in unmet.to_dict("records")
            ],
        )
        return lines

    def _next_year(self, spend: pd.DataFrame) -> digest.NextYear:
        """What the plan buys in its first year, from the Purchases sheet's plan rows."""
        p = self.p
        t = p.t0
        buys = self.purchases[(self.purchases["future"] == BASE) & (self.purchases["year"] == t)]
        buys = buys.sort_values("cost [USD]", ascending=False)
        row = spend[spend["year"] == t]
        later = self.purchases[(self.purchases["future"] == BASE)]["year"]
        return digest.NextYear(
            year=t,
            purchase_usd=float(buys["cost [USD]"].sum()),
            spend_usd=float(row["spend [USD]"].iloc[0]) if len(row) else 0.0,
            budget_usd=p.budget_usd.get(t),
            sources=[
                (b["source"], b["activity [units]"], b["unit"], b["cost [USD]"])
                for b in buys.to_dict("records")
            ],
            first_buy_year=int(later.min()) if len(later) else None,
        )

    def cost_table(self) -> pd.DataFrame:
        """The expected cost and its parts, resale as a minus: the parts add up to it."""
        r, p = self.r, self.p
        rows = []
        if self.plan and r.parts:
            rows = [
                {"part": part.label, "expected [USD]": part.sign * r.parts.get(part.json_key, 0.0)}
                for part in PARTS
            ]
            total = sum(row["expected [USD]"] for row in rows)
            rows.append({"part": TOTAL_LABEL, "expected [USD]": total})
        rate = p.inputs.settings.discount_rate
        return _frame(
            rows,
            ["part", "expected [USD]"],
            title=f"Expected cost over the futures, discounted to {p.t0} at {rate:.1%} a year",
            note="Weighed by each future's probability; resale subtracted.",
            empty="No plan: no cost.",
            pane="left",
            wide_headers=True,
        )

    def spend_table(self) -> pd.DataFrame:
        """The plan's spend per year as the budget counts it (MODEL.md family 6: purchases,
        transport, holding and investment, in the money of the year; resale not deducted),
        from the Purchases, Deliveries, Stock and Investments sheets."""
        p = self.p
        spend = self.spend_paths[BASE] if self.plan else {}
        rows = []
        if self.plan:
            for t in p.YEARS:
                budget = p.budget_usd.get(t)
                rows.append(
                    {
                        "year": t,
                        "spend [USD]": spend[t] + 0.0,
                        "budget [USD]": budget,
                        "of budget [%]": spend[t] / budget if budget else None,
                    }
                )
        return _frame(
            rows,
            ["year", "spend [USD]", "budget [USD]", "of budget [%]"],
            title="Spend per year against the budget (the plan)",
            note="In the money of each year: purchases, transport, holding and investment, "
            "as the budget counts them.",
            empty="No plan: no spend.",
            pane="right",
            wide_headers=True,
        )

    @cached_property
    def spend_paths(self) -> pd.DataFrame:
        """Spend per year (index) along each future's path (columns), as the budget
        counts it: the sum of the money-of-the-year columns of the decision sheets."""
        return sum(self.along_paths(frame, column) for frame, column in self._spend_columns())

    def _spend_columns(self) -> list[tuple[pd.DataFrame, str]]:
        out = [
            (self.purchases, "cost [USD]"),
            (self.deliveries, "transport cost [USD]"),
            (self.stock, "holding cost [USD]"),
        ]
        if self.investments is not None:
            out.append((self.investments, "cost [USD]"))
        return out

    def unmet_table(self) -> pd.DataFrame:
        """Every future and material with unmet need, with its first year (Coverage)."""
        cov = self.coverage
        rows = []
        if len(cov):
            short = cov[cov["unmet [t]"] > UNMET_TINY]
            for (f, m), group in short.groupby(["future", "material"], sort=False):
                rows.append(
                    {
                        "future": f,
                        "material": m,
                        "unmet [t]": float(group["unmet [t]"].sum()),
                        "first year": int(group["year"].min()),
                    }
                )
        rows.sort(key=lambda r: -r["unmet [t]"])
        if not self.plan:
            empty = "No plan."
        elif not self.p.need_t:
            empty = "No disruption need: no Demand, or no disruption cuts supply."
        else:
            empty = "None: every future's need is met in full."
        return _frame(
            rows,
            ["material", "future", "unmet [t]", "first year"],
            title="Disruption need left unmet (Coverage has each year)",
            empty=empty,
            pane="left",
            wide_headers=True,
        )

    def costliest(self, prices: pd.DataFrame) -> pd.DataFrame:
        """The top of ShadowPrices: the requirements with the largest shadow prices, each
        in its sentence (one line each, across the page)."""
        records = prices.to_dict("records") if len(prices) else []
        # a dual found not to hold (relaxing the limit saves little or nothing: a
        # degenerate corner) does not make a requirement costly
        hollow = {r["rank"] for r in records if _hollow(r)}
        top = [r for r in records if r["rank"] not in hollow][:COSTLIEST]
        skipped = sorted(k for k in hollow if not top or k < top[-1]["rank"])
        lines = [f"{row['rank']}. {row['meaning']}{self._unchecked(row)}" for row in top]
        if skipped and not self.r.closest:
            ranks = ", ".join(str(k) for k in skipped[:8]) + (", ..." if len(skipped) > 8 else "")
            lines.append(
                f"Left out: {len(skipped)} larger shadow price(s) whose saving relaxing the "
                f"limit does not bring (checked by re-solving: a degenerate corner), ranks "
                f"{ranks} on ShadowPrices."
            )
        if self.r.closest:
            # the closest plan's duals are those of the relaxed LP with its total move held
            # at its least: not the price of a requirement of the workbook as written
            lines = [
                "Not ranked for a closest plan: its shadow prices are those of the relaxed "
                "problem (the limits moved as listed above, the total move held at its "
                "least), not what a requirement of the workbook costs. ShadowPrices lists "
                "them; meet the requirements first (see Infeasibility)."
            ]
        if not lines:
            lines = ["No requirement has a shadow price." if self.plan else "No plan."]
        last = str(self.p.YEARS[-1])
        at_the_end = any(
            row["family"] == "stock_target" and last in str(row["meaning"]) for row in top
        )
        if at_the_end and not self.r.closest:  # why a last-year target is the dearest
            lines.append(self._horizon_note(short=True))
        return _text(
            lines,
            title=f"The {COSTLIEST} costliest requirements (largest shadow prices; ShadowPrices "
            "ranks them all)",
            pane="bottom",
        )

    def _unchecked(self, price: Mapping[str, Any]) -> str:
        """' (not checked ...)' for a ShadowPrices row the re-solve check did not reach
        while it reached others ("" when nothing was checked at all)."""
        if _checked_saving(price) is not None or not self.r.margins:
            return ""
        return " (not checked by re-solving in the time allowed)"

    def _horizon_note(self, short: bool = False) -> str:
        last = self.p.YEARS[-1]
        if short:
            return (
                f"Why {last} is dearest: nothing after {last} values the stock, so a {last} "
                "target's shadow price carries the whole price of buying the tonne; an earlier "
                "year's is only the cost of buying early."
            )
        return (
            f"Why the {last} prices are the largest: the horizon ends in {last} and nothing "
            f"after it values the stock, so one more tonne of a {last} target costs the "
            "whole price of buying (and shipping) it; a target in an earlier year is mostly "
            "met by buying earlier than otherwise, so its shadow price is the carrying cost "
            "of buying early (holding and the price difference between the years)."
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
            said = f" (the plan buys {_quantity(bought)} {p.activity_unit[s]})" if self.plan else ""
            rows.append(
                {
                    "flag": f"{s}, {_years_text(years)}: reselling its outputs earns more than "
                    f"buying them costs{said}; the plan may buy for profit. Check the resale "
                    "prices.",
                    "resale [USD/unit]": value,
                    "cost [USD/unit]": min(p.cost_usd_per_unit[s, t] for t in years),
                }
            )
        return _frame(
            rows,
            ["flag", "resale [USD/unit]", "cost [USD/unit]"],
            title="Flags",
            note="Co-product sources whose outputs resell for more than the source costs "
            "(resale: the outputs of one unit; cost: the lowest unit cost in those years)."
            if rows
            else "",
            empty="No flags: no co-product source resells for more than it costs.",
            wrap={"flag": 40},
            pane="right",
            wide_headers=True,
        )

    # ----- BuyList ------------------------------------------------------------
    def buy_list(self) -> pd.DataFrame:
        """The plan's purchases as source x year: what to contract."""
        p = self.p
        plan = self.purchases[self.purchases["future"] == BASE]
        amounts = plan.groupby(["source", "year"])["activity [units]"].sum()
        cost = plan.groupby("source")["cost [USD]"].sum().sort_values(ascending=False)
        # the years in which the plan buys anything (a year column of blanks prints empty)
        bought_years = {int(t) for (_, t), v in amounts.items() if v > 0}
        shown = [t for t in p.YEARS if t in bought_years]
        years = [str(t) for t in shown]
        rows = []
        for s, total_cost in cost.items():
            row: dict[str, Any] = {
                "source": s,
                "material": ", ".join(p.outputs[s]),
                "type": p.source_type[s],
                "country": p.source_country[s],
                "unit": p.activity_unit[s],
            }
            bought = {int(t): float(v) for (ss, t), v in amounts.items() if ss == s}
            for t in shown:
                row[str(t)] = bought.get(t)
            row["total"] = sum(bought.values())
            row["cost [USD]"] = float(total_cost)
            rows.append(row)
        which = "the closest plan's" if self.r.closest else "the plan's"
        return _frame(
            rows,
            ["source", "material", "type", "country", "unit", *years, "total", "cost [USD]"],
            title=f"What to buy: {which} purchases by source and year (the contract list)",
            note="Amounts in each source's activity unit (the unit column), in the plan (no "
            "disruption); a disruption's own purchases are on Purchases. Cost: the total over "
            "the years in the money of each year. Largest contracts first; years without "
            "purchases are left out."
            + (" Capacity to build: the Investments sheet." if p.expandable else ""),
            empty=self._no_plan("The plan buys nothing."),
            wrap={"material": 16, "unit": 9},
            title_col=1,
            note_columns=8,
        )

    # ----- Run ----------------------------------------------------------------
    def run_block(self, provenance: Mapping[str, Any]) -> pd.DataFrame:
        """Where the report comes from: input, scenario, times, software, model, solver."""
        r, st = self.r, self.inputs.settings
        given = dict(provenance)
        given.setdefault("highs", r.solver.get("version"))
        options = given.pop("solver_options", None) or r.solver.get("options", {})
        overrides = given.pop("scenario_overrides", None)
        rows: list[dict[str, Any]] = []
        for key, label in _PROVENANCE_LABELS.items():
            if key in given:
                rows.append({"item": label, "value": _plain(given.pop(key)), "unit": ""})
            if key == "scenario_description" and overrides is not None:
                if isinstance(overrides, str | int | float):
                    overrides = [overrides]
                rows.extend(
                    {"item": f"Scenario override {i}", "value": _plain(line), "unit": ""}
                    for i, line in enumerate(overrides, start=1)
                )
        rows.extend({"item": k, "value": _plain(v), "unit": ""} for k, v in given.items())
        rows += [
            {"item": "Status code", "value": r.status, "unit": ""},
            {"item": "Solver message", "value": r.message, "unit": ""},
            {"item": "Horizon", "value": f"{st.start_year}-{st.end_year}", "unit": ""},
            {"item": "Discount rate", "value": st.discount_rate, "unit": "%"},
            {"item": "Money", "value": f"USD, discounted to {st.start_year}", "unit": ""},
        ]
        if r.objective_usd is not None:
            rows.append({"item": OBJECTIVE_LABEL, "value": r.objective_usd, "unit": "USD"})
        if self.p.risk_weight > 0 and r.expected_cost_usd is not None:
            rows += [
                {"item": EXPECTED_LABEL, "value": r.expected_cost_usd, "unit": "USD"},
                {"item": CVAR_LABEL, "value": r.cvar_usd, "unit": "USD"},
            ]
        rows.extend(
            {"item": f"Model {k}", "value": v, "unit": "count"} for k, v in r.counts.items()
        )
        rows.extend(
            {"item": f"Time: {phase}", "value": float(sec), "unit": "s"}
            for phase, sec in r.timings.items()
        )
        rows.extend(
            {"item": f"Solver option: {k}", "value": _plain(v), "unit": ""}
            for k, v in options.items()
        )
        return _frame(
            rows,
            ["item", "value", "unit"],
            free_text=("value",),
            title="Run: input, software, model and solver",
        )

    # ----- Infeasibility ----------------------------------------------------
    def diagnosis_block(self) -> pd.DataFrame:
        diag = self.r.diagnosis
        status = STATUS_WORDS["infeasible"]
        if self.r.closest:
            status += (
                " The report shows the closest plan: it meets the requirements only with the "
                "limits listed under Relaxations moved."
            )
        lines = [f"Status: {status}"]
        if diag is None:
            lines.append("Diagnosis: No diagnosis is available.")
        else:
            method = {
                "iis": "irreducible infeasible subset (HiGHS)",
                "elastic": "elastic solve: the rows that had to be relaxed",
                "none": "none",
            }[diag.method]
            lines += [f"What to change: {diag.suggestion}", f"Method: {method}"]
            if diag.note:
                lines.append(f"Note: {diag.note}")
        # sentences across the page, not a table: its columns would set the widths of
        # the tables below on the same sheet
        return _text(lines, title="Why no plan meets every requirement")

    def relaxations_block(self) -> pd.DataFrame:
        """The limits the closest plan moves, with the workbook row of each."""
        rows = [
            {
                "relaxation": x.text,
                "input sheet": x.sheet,
                "input row": x.row,
                "column": x.column,
                "limit": _sig(x.limit),
                "moved to": _sig(x.moved_to),
                "change": _sig(x.amount),
                "unit": x.unit,
            }
            for x in self.r.relaxations
        ]
        return _frame(
            rows,
            [
                "relaxation",
                "input sheet",
                "input row",
                "column",
                "limit",
                "moved to",
                "change",
                "unit",
            ],
            title="Relaxations: the limits the closest plan moves",
            note="Limit: the value the model used; moved to: the value the closest plan "
            "needs; change = moved to - limit, in the row's unit.",
            wrap={"relaxation": 34},
            # a share moved from 0.7 to 0.5183 must not print as 0.5
            number_formats={"limit": "General", "moved to": "General", "change": "General"},
        )

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
            wrap={"requirement": 28, "what it says": 24},
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

    def _duals(self, planner: bool) -> tuple[list[tuple[str, tuple[Any, ...], float]], int]:
        """(family, index, dual) of every row with a non-zero dual, of the planner's
        families only (``planner``) or of all; and how many rows have no dual."""
        out = []
        missing = 0
        for fam in FAMILIES:
            if planner and fam.name in BOOKKEEPING:
                continue
            for index, row in self.r.rows.get(fam.name, {}).items():
                if row.dual is None:
                    missing += 1
                elif abs(row.dual) >= DUAL_ZERO:
                    out.append((fam.name, index, row.dual + 0.0))
        return out, missing

    def shadow_prices(self) -> pd.DataFrame:
        """The planner's shadow prices: every family but the balances, ranked by size."""
        duals, missing = self._duals(planner=True)
        duals.sort(key=lambda x: -abs(x[2]))
        rows = []
        for rank, (family, index, dual) in enumerate(duals, start=1):
            cond = self.conditional(family, index, dual)
            saving = self.r.margins.get((family, index))
            holds = self.r.dual_holds(family, index, dual)
            rows.append(
                {
                    "rank": rank,
                    "family": family,
                    "dual [USD per unit]": dual,
                    "conditional [USD per unit]": None if cond is None else cond + 0.0,
                    "unit": f"USD/{BY_NAME[family].unit_of(self.p, index)}",
                    "checked saving [USD per unit]": None if saving is None else saving + 0.0,
                    "meaning": (
                        self.sentence(family, index, dual, cond)
                        if holds is not False
                        else self.degenerate_sentence(family, index, dual, saving)
                    ),
                }
            )
        note = (
            "What each requirement costs at the margin, largest first: dual = the change of "
            "the expected discounted cost per unit more of the limit; conditional = dual / "
            "the disruption's probability, the change if that disruption happens. Balances "
            f"(stock_balance, output_split) are on ShadowPricesDetail; |dual| < {DUAL_ZERO:g} "
            "is left out; ShadowPricesDetail has every row's index. Checked saving: for the "
            "largest duals, the limit was relaxed by a small step and the plan re-solved; "
            "this is the saving per unit it brought. Where it is far below the dual, the "
            "plan sits at a degenerate corner: the dual is then only a lower bound on what "
            "tightening the limit would cost, and relaxing it saves little or nothing. "
            f"{self._horizon_note()}"
        )
        if missing:
            note += f" {missing} row(s) have no dual from the solver and are left out."
        if self.r.closest:
            note = (
                "THE CLOSEST PLAN: these are the duals of the relaxed problem (the limits "
                "moved as the Summary lists, the total move held at its least), not what a "
                "requirement of the workbook as written costs. " + note
            )
        return _frame(
            rows,
            [
                "rank",
                "family",
                "dual [USD per unit]",
                "conditional [USD per unit]",
                "unit",
                "checked saving [USD per unit]",
                "meaning",
            ],
            title="Shadow prices: what each requirement costs, largest first",
            note=note,
            empty="No requirement has a nonzero dual." if self.plan else "No plan: no duals.",
            wrap={"unit": 11, "checked saving [USD per unit]": 12, "meaning": 62},
        )

    def degenerate_sentence(
        self, family: str, index: tuple[Any, ...], dual: float, saving: float | None
    ) -> str:
        """The meaning of a dual that relaxing the limit does not bring (a degenerate
        corner): what the limit is, its dual, and what relaxing it saved when checked."""
        what = _drop_name(explain_member(self.p, family, index).text)
        return (
            f"{what}: its shadow price is {_amount(abs(dual))} USD per unit, but relaxing it "
            f"saved {_amount(max(0.0, saving or 0.0))} USD per unit when checked (a "
            "degenerate corner: tightening it would cost at least the shadow price; "
            "relaxing it saves little or nothing)."
        )

    def shadow_prices_detail(self) -> pd.DataFrame:
        """Every non-zero dual, the balances included, in family order."""
        duals, missing = self._duals(planner=False)
        p = self.p
        units = {}  # the unit of a family's row, computed once where it does not vary
        rows = []
        for family, index, dual in duals:
            fam = BY_NAME[family]
            if fam.row_unit is None:
                unit = units.get(family) or units.setdefault(family, f"USD/{fam.unit}")
            else:
                unit = f"USD/{fam.unit_of(p, index)}"
            rows.append(
                {
                    "family": family,
                    "index": index_text(family, index),
                    "dual [USD per unit]": dual,
                    "unit": unit,
                }
            )
        note = (
            "Every constraint with a non-zero dual, the balances included (stock_balance: what "
            "one free tonne at that site and year would be worth; output_split: what one tonne "
            "of a source's output is worth), in expected discounted USD per unit of the row. "
            "ShadowPrices ranks the planner's requirements and says each in words."
        )
        if missing:
            note += f" {missing} row(s) have no dual from the solver and are left out."
        return _frame(
            rows,
            ["family", "index", "dual [USD per unit]", "unit"],
            title="All shadow prices (duals), balances included",
            note=note,
            empty="No constraint has a nonzero dual." if self.plan else "No plan: no duals.",
        )

    def binding(self) -> pd.DataFrame:
        rows = []
        zeros = 0
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
                dual = 0.0 if row.dual is None else row.dual
                if abs(row.body) < TINY and abs(limit) < TINY and abs(dual) < DUAL_ZERO:
                    zeros += 1  # "nothing here, as the rule says": a row of zeros
                    continue
                rows.append(
                    {
                        "family": family,
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
                "requirement",
                "body",
                "side",
                "limit",
                "unit",
                "dual [USD per unit]",
            ],
            title="Binding constraints (at their limit)",
            wrap={"requirement": 64, "unit": 11},
            note="Inequalities with |body - limit| <= 1e-6 x max(1, |limit|). Balances "
            "(output_split, stock_balance) always hold exactly and are not listed. Body "
            "and limit hold only the decision terms (constants moved to the limit)."
            + (
                f" Not listed: {zeros:,} row(s) at a limit of zero with nothing in them and "
                "no shadow price (e.g. a rule that keeps a material out of a site, kept)."
                if zeros
                else ""
            ),
            empty="No constraint is at its limit." if self.plan else "No plan: nothing to show.",
        )

    # ----- charts ------------------------------------------------------------
    def along_paths(self, frame: pd.DataFrame, column: str, by: str | None = None) -> pd.DataFrame:
        """``column`` of a future's sheet summed by year (and ``by``) along every
        future's path: the plan's rows before the future starts, its own from then on.
        Columns: one per future; index: year (or (by, year))."""
        keys = [by, "year"] if by else ["year"]
        sums = frame.groupby(["future", *keys])[column].sum().to_dict() if len(frame) else {}
        groups = list(dict.fromkeys(frame[by].tolist())) if by and len(frame) else []
        out = {}
        for f, start in self.starts.items():
            series = {}
            for t in self.p.YEARS:
                own = BASE if start is None or t < start else f
                if by:
                    for g in groups:
                        series[g, t] = float(sums.get((own, g, t), 0.0))
                else:
                    series[t] = float(sums.get((own, t), 0.0))
            out[f] = series
        return pd.DataFrame(out)

    def chart_data(self) -> dict[str, pd.DataFrame]:
        if not self.plan:
            note = _frame(
                [{"item": "Charts", "value": "No plan: nothing to chart."}],
                ["item", "value"],
                title="Charts",
            )
            return {"Charts/None": note}
        frames = {
            "Charts/Spend vs budget": self._spend_chart(),
            "Charts/Purchases by source type": self._purchases_by_type_chart(),
            "Charts/Futures": self._futures_chart(),
        }
        frames.update(self._shares_chart("source_type"))
        frames.update(self._shares_chart("bloc"))
        frames.update(self._stock_charts())
        return frames

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
        frame.attrs["charts"] = [
            {
                "type": "bar",
                "title": "Cost of each whole future K (discounted)",
                "y_title": "USD",
                "columns": ["cost K [USD]"],
            }
        ]
        return frame

    def _spend_chart(self) -> pd.DataFrame:
        """Spend per year as the budget counts it (purchases, transport, holding and
        investment in the money of the year; resale not deducted): the plan's (the
        Summary's table), and along each future's path."""
        p = self.p
        spend = self.spend_paths
        futures = [f for f in self.starts if f != BASE]
        rows = [
            {
                "year": t,
                "plan [USD]": spend.at[t, BASE] + 0.0,
                "budget [USD]": p.budget_usd.get(t),
                **{f"{f} [USD]": spend.at[t, f] + 0.0 for f in futures},
            }
            for t in p.YEARS
        ]
        frame = _frame(
            rows,
            ["year", "plan [USD]", "budget [USD]", *(f"{f} [USD]" for f in futures)],
            title="Spend per year against the budget (money of each year): the plan, and "
            "along each future",
        )
        budget = ["budget [USD]"] if p.budget_usd else []
        frame.attrs["charts"] = [
            {
                "type": "column_line",
                "title": "Spend vs budget, the plan (USD of each year)"
                if budget
                else "Spend, the plan (USD of each year)",
                "y_title": "USD",
                "x_title": "year",
                "columns": ["plan [USD]"],
                "lines": budget,
            }
        ]
        return frame

    def _purchases_by_type_chart(self) -> pd.DataFrame:
        """The plan's purchase spend by source type per year (money adds up across types)."""
        p = self.p
        types = _present(SOURCE_TYPES, p.source_type.values())
        plan_buy = self.purchases[self.purchases["future"] == BASE]
        spend: dict[tuple[int, str], float] = defaultdict(float)
        for (t, s), v in plan_buy.groupby(["year", "source"])["cost [USD]"].sum().items():
            spend[t, p.source_type[s]] += float(v)
        cols = [f"{ty} [USD]" for ty in types]
        frame = _frame(
            [
                {
                    "year": t,
                    **{
                        c: float(spend.get((t, ty), 0.0)) for c, ty in zip(cols, types, strict=True)
                    },
                }
                for t in p.YEARS
            ],
            ["year", *cols],
            title="The plan's purchase spend by source type [USD] (money of each year)",
        )
        frame.attrs["charts"] = [
            {
                "type": "stacked",
                "title": "Purchases by source type, the plan (USD of each year)",
                "y_title": "USD",
                "x_title": "year",
                "columns": cols,
            }
        ]
        return frame

    def _shares_chart(self, kind: str) -> dict[str, pd.DataFrame]:
        """Per material, the share of the tonnes the plan delivers over the horizon by
        source type or by bloc of the source's country (shares: tonnes of different
        materials are never added up); one chart per SHARES_PER_CHART materials."""
        p = self.p
        if kind == "bloc":
            groups = _present(BLOCS, (p.bloc_of_country[c] for c in p.source_country.values()))
            of = {s: p.bloc_of_country[p.source_country[s]] for s in p.SOURCES}
            title, word = "bloc of the source's country", "bloc"
        else:
            groups = _present(SOURCE_TYPES, p.source_type.values())
            of = dict(p.source_type)
            title, word = "source type", "source type"
        plan = self.deliveries[self.deliveries["future"] == BASE]
        tonnes = plan.groupby(["material", "source"])["delivered [t]"].sum()
        by_group: dict[tuple[str, str], float] = defaultdict(float)
        total: dict[str, float] = defaultdict(float)
        for (m, s), v in tonnes.items():
            by_group[m, of[s]] += float(v)
            total[m] += float(v)
        cols = [f"{g} [%]" for g in groups]
        rows = [
            {
                "material": m,
                **{
                    c: by_group[m, g] / total[m] if total[m] > TINY else None
                    for c, g in zip(cols, groups, strict=True)
                },
                "delivered [t]": total[m],
            }
            for m in p.MATERIALS
            if total[m] > TINY
        ]
        out = {}
        chunks = range(0, len(rows), SHARES_PER_CHART)
        for n, first in enumerate(chunks, start=1):
            part = f" ({n} of {len(chunks)})" if len(chunks) > 1 else ""
            frame = _frame(
                rows[first : first + SHARES_PER_CHART],
                ["material", *cols, "delivered [t]"],
                title=f"Where each material comes from: share of the plan's deliveries over "
                f"the horizon by {title}{part}",
            )
            frame.attrs["charts"] = [
                {
                    "type": "shares",
                    "title": f"Deliveries by {word}: share of each material (the plan){part}",
                    "y_title": "share of the material's tonnes",
                    "columns": cols,
                }
            ]
            out[f"Charts/Deliveries by {word}{part}"] = frame
        return out

    def _stock_charts(self) -> dict[str, pd.DataFrame]:
        """Per material: the plan's stock against its target, and each future's stock
        (the plan's before the disruption starts, its own after: the drawdown)."""
        p = self.p
        stock = self.along_paths(self.stock, "stock [t]", by="material")
        columns = {f: stock[f].to_dict() for f in self.starts} if len(stock) else {}
        cols = [f"{f} [t]" for f in self.starts]
        out = {}
        for m in p.MATERIALS:
            rows = [
                {
                    "year": t,
                    **{
                        f"{f} [t]": float(columns[f].get((m, t), 0.0)) if columns else 0.0
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
                    + ", each future's drawdown",
                    "y_title": "tonnes",
                    "x_title": "end of year",
                    "columns": [*cols, *target],
                    "markers": target,
                    "colours": "futures",
                }
            ]
            out[f"Charts/Stock {m}"] = frame
        return out


def _checked_saving(price: Mapping[str, Any]) -> float | None:
    """A ShadowPrices row's checked saving (None, also as NaN from a frame: not checked)."""
    saving = price.get("checked saving [USD per unit]")
    return None if saving is None or math.isnan(saving) else saving


def _hollow(price: Mapping[str, Any]) -> bool:
    """A ShadowPrices row whose dual was checked and relaxing did not bring it."""
    saving = _checked_saving(price)
    return saving is not None and saving < DUAL_HOLDS * abs(price["dual [USD per unit]"])


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
