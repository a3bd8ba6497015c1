"""The report's content as tidy tables: plan, costs, coverage, duals, diagnosis.

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

Money columns named "discounted" are discounted to start_year exactly as the
objective is, so their sums reconcile with ``result.parts``; the other money columns
are in the money of their year (escalated, undiscounted), as budgets are.
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
from stockpile.model.objective import OBJECTIVE_LABEL, PARTS
from stockpile.result import STATUS_WORDS, SolveResult

#: |dual| below this is reported as zero (HiGHS's default dual feasibility tolerance).
DUAL_ZERO = 1e-7
#: A row is binding when |slack| <= BINDING_REL * max(1, |limit|).
BINDING_REL = 1e-6
#: Plan values below this (t, units) are treated as nothing delivered / resold.
TINY = 1e-9

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
    frames["Purchases"] = x.purchases
    frames["Deliveries"] = x.deliveries
    frames["Stock"] = x.stock
    frames["Resale"] = x.resale
    frames["Coverage"] = x.coverage
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
        self.purchases = self._purchases()
        self.deliveries = self._deliveries()
        self.stock = self._stock()
        self.resale = self._resale()
        self.coverage = self._coverage()

    def _val(self, var: str, key: tuple[Any, ...]) -> float:
        # "+ 0.0" turns a solver's -0.0 into 0.0
        return self.values.get(var, {}).get(key, 0.0) + 0.0

    # ----- plan sheets ----------------------------------------------------
    def _purchases(self) -> pd.DataFrame:
        p = self.p
        rows = []
        if self.plan:
            for s in p.SOURCES:
                for t in p.YEARS:
                    buy = self._val("Buy", (s, t))
                    cap = p.capacity_units[s, t]
                    cost = p.cost_usd_per_unit[s, t]
                    rows.append(
                        {
                            "source": s,
                            "type": p.source_type[s],
                            "country": p.source_country[s],
                            "activity unit": p.activity_unit[s],
                            "year": t,
                            "activity [units]": buy,
                            "capacity [units]": cap,
                            "capacity used [%]": buy / cap if cap > 0 else None,
                            "unit cost [USD/unit]": cost,
                            "cost [USD]": cost * buy,
                            "discounted cost [USD]": p.delta[t] * cost * buy,
                        }
                    )
        return _frame(
            rows,
            [
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
            ],
            title="Purchases by source and year",
            note="Unit cost escalated to the year; cost in the money of its year; "
            f"discounted cost discounted to {p.t0} (sums to the purchase part).",
            empty="No plan: nothing to show.",
        )

    def _deliveries(self) -> pd.DataFrame:
        p = self.p
        rows = []
        for (s, m, l, t), ship in self.values.get("Ship", {}).items():
            if abs(ship) <= TINY:
                continue
            route = p.route_usd_per_t[s, l]
            rows.append(
                {
                    "source": s,
                    "type": p.source_type[s],
                    "material": m,
                    "site": l,
                    "year": t,
                    "delivered [t]": ship + 0.0,
                    "transport cost [USD]": route * ship,
                    "discounted transport cost [USD]": p.delta[t] * route * ship,
                }
            )
        return _frame(
            rows,
            [
                "source",
                "type",
                "material",
                "site",
                "year",
                "delivered [t]",
                "transport cost [USD]",
                "discounted transport cost [USD]",
            ],
            title="Deliveries into storage",
            note="Only deliveries above zero are listed. Transport cost in the money of "
            f"its year and discounted to {p.t0}.",
            empty="No deliveries in this plan." if self.plan else "No plan: nothing to show.",
        )

    def _stock(self) -> pd.DataFrame:
        p = self.p
        rows = []
        for (m, l, t), stock in self.values.get("Stock", {}).items():
            hold = p.holding_usd_per_t_yr[l]
            rows.append(
                {
                    "material": m,
                    "site": l,
                    "year": t,
                    "stock [t]": stock + 0.0,
                    "volume [m3]": p.volume_m3_per_t[m] * stock + 0.0,
                    "holding cost [USD]": hold * stock + 0.0,
                    "discounted holding cost [USD]": p.delta[t] * hold * stock + 0.0,
                }
            )
        return _frame(
            rows,
            [
                "material",
                "site",
                "year",
                "stock [t]",
                "volume [m3]",
                "holding cost [USD]",
                "discounted holding cost [USD]",
            ],
            title="Stock at the end of each year",
            note="Holding is paid on every year-end stock; cost in the money of its year "
            f"and discounted to {p.t0}.",
            empty="No plan: nothing to show.",
        )

    def _resale(self) -> pd.DataFrame:
        p = self.p
        rows = []
        for (s, m, t), surplus in self.values.get("Surplus", {}).items():
            if abs(surplus) <= TINY:
                continue
            price = p.resale_usd_per_t[m]
            rows.append(
                {
                    "source": s,
                    "material": m,
                    "year": t,
                    "resold [t]": surplus + 0.0,
                    "resale price [USD/t]": price,
                    "income [USD]": price * surplus,
                    "discounted income [USD]": p.delta[t] * price * surplus,
                }
            )
        return _frame(
            rows,
            [
                "source",
                "material",
                "year",
                "resold [t]",
                "resale price [USD/t]",
                "income [USD]",
                "discounted income [USD]",
            ],
            title="Co-product output resold (not stockpiled)",
            note=f"Discounted income sums to the resale part (discounted to {p.t0}).",
            empty="Nothing resold in this plan." if self.plan else "No plan: nothing to show.",
        )

    def _coverage(self) -> pd.DataFrame:
        """MODEL.md family 9, split so stock + supply + unmet = need."""
        p = self.p
        rows = []
        if self.plan:
            for (d, m), need in p.need_t.items():
                start = p.start_year[d]
                sites, stock = p.surviving_stock(d, m)
                stock += sum(a * self._val("Stock", (m, l, start - 1)) for l, a in sites)
                supply = sum(
                    tonnes * self._val("Buy", (s, tau))
                    for s, tonnes in p.surviving_supply(d, m)
                    for tau in p.window[d]
                )
                by_stock = min(need, max(0.0, stock))
                by_supply = min(need - by_stock, max(0.0, supply))
                unmet = need - by_stock - by_supply
                penalty = p.probability[d] * p.delta[start] * p.penalty_usd_per_t[m] * unmet
                rows.append(
                    {
                        "disruption": d,
                        "material": m,
                        "years": _years_text(p.window[d]),
                        "probability [%]": p.probability[d],
                        "need [t]": need,
                        "surviving stock [t]": stock,
                        "surviving supply [t]": supply,
                        "covered by stock [t]": by_stock,
                        "covered by surviving supply [t]": by_supply,
                        "unmet [t]": unmet + 0.0,
                        "coverage [%]": (by_stock + by_supply) / need,
                        "minimum coverage [%]": p.min_coverage[m],
                        "penalty [USD]": penalty + 0.0,
                    }
                )
        return _frame(
            rows,
            [
                "disruption",
                "material",
                "years",
                "probability [%]",
                "need [t]",
                "surviving stock [t]",
                "surviving supply [t]",
                "covered by stock [t]",
                "covered by surviving supply [t]",
                "unmet [t]",
                "coverage [%]",
                "minimum coverage [%]",
                "penalty [USD]",
            ],
            title="Disruption stress tests",
            note="need = covered by stock + covered by surviving supply + unmet. Penalty = "
            f"probability x penalty/t x unmet, discounted from the start year to {p.t0}.",
            empty="No disruption has a need (no Demand or no disruption)."
            if self.plan
            else "No plan: nothing to show.",
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
            note="Objective = purchases + transport + holding - resale income "
            "+ expected shortfall penalty.",
        )

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
        worst = by_material["coverage [%]"].min().to_dict()
        unmet = by_material["unmet [t]"].sum().to_dict()
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
                        "worst disruption coverage [%]": worst.get(m),
                        "total unmet need [t]": unmet.get(m),
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
                "worst disruption coverage [%]",
                "total unmet need [t]",
            ],
            title="Materials",
            note="Final stock is the total over sites at the end of the last year. Coverage "
            "and unmet need: see the Coverage sheet (blank: no disruption need).",
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
            note="Share of the tonnes of each material delivered over the whole horizon.",
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
    def sentence(self, family: str, index: tuple[Any, ...], dual: float) -> str:
        """What a dual means, in planner words, signed as the family's docstring says."""
        return BY_NAME[family].sentence(self.p, index, dual, _amount(dual) + self.money_note)

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
                rows.append(
                    {
                        "family": family,
                        "index": index_text(family, index),
                        "dual [USD per unit]": row.dual + 0.0,
                        "unit": f"USD/{fam.unit_of(self.p, index)}",
                        "meaning": self.sentence(family, index, row.dual),
                    }
                )
        note = (
            "Every constraint with a nonzero dual; rows whose dual is zero (|dual| < "
            f"{DUAL_ZERO:g}) are omitted. Dual = change of the total discounted cost per "
            "unit more of the limit."
        )
        if missing:
            note += f" {missing} row(s) have no dual from the solver and are omitted."
        return _frame(
            rows,
            ["family", "index", "dual [USD per unit]", "unit", "meaning"],
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
    def chart_data(self) -> dict[str, pd.DataFrame]:
        p = self.p
        if not self.plan:
            note = _frame(
                [{"item": "Charts", "value": "No plan: nothing to chart."}],
                ["item", "value"],
                title="Charts",
            )
            return {"Charts/None": note}
        stock: dict[tuple[str, int], float] = defaultdict(float)
        for (m, _l, t), v in self.values.get("Stock", {}).items():
            stock[m, t] += v
        rows = []
        for t in p.YEARS:
            row: dict[str, Any] = {"year": t}
            for m in p.MATERIALS:
                row[f"{m} stock [t]"] = stock[m, t] + 0.0
                row[f"{m} target [t]"] = p.target_t.get((m, t))
            rows.append(row)
        cols = ["year"] + [f"{m} {k} [t]" for m in p.MATERIALS for k in ("stock", "target")]
        stock_frame = _frame(
            rows, cols, title="Stock vs target by material (total over sites, end of year)"
        )
        stock_frame.attrs["charts"] = [
            {
                "type": "line",
                "title": f"{m}: stock vs target",
                "y_title": "t",
                "x_title": "end of year",
                "columns": [f"{m} stock [t]", f"{m} target [t]"],
                "markers": [f"{m} target [t]"],
            }
            for m in p.MATERIALS
        ]

        types = _present(SOURCE_TYPES, p.source_type.values())
        tonnes: dict[tuple[int, str], float] = defaultdict(float)
        for (s, _m, _l, t), ship in self.values.get("Ship", {}).items():
            tonnes[t, p.source_type[s]] += ship
        spend: dict[tuple[int, str], float] = defaultdict(float)
        for (s, t), buy in self.values.get("Buy", {}).items():
            spend[t, p.source_type[s]] += p.cost_usd_per_unit[s, t] * buy
        by_type = {}
        for label, unit, amounts in (("Deliveries", "t", tonnes), ("Purchase spend", "USD", spend)):
            cols = [f"{ty} [{unit}]" for ty in types]
            frame = _frame(
                [
                    {
                        "year": t,
                        **{c: amounts[t, ty] + 0.0 for c, ty in zip(cols, types, strict=True)},
                    }
                    for t in p.YEARS
                ],
                ["year", *cols],
                title=f"{label} by source type [{unit}]"
                + (" (money of each year)" if unit == "USD" else " (all materials)"),
            )
            frame.attrs["charts"] = [
                {
                    "type": "stacked",
                    "title": f"{label} by source type",
                    "y_title": unit,
                    "x_title": "year",
                    "columns": cols,
                }
            ]
            by_type[label] = frame

        parts = self.r.parts
        cost = _frame(
            [
                {"part": part.label, "discounted [USD]": part.sign * parts.get(part.json_key, 0.0)}
                for part in PARTS
            ]
            + [{"part": "Objective", "discounted [USD]": self.r.objective_usd}],
            ["part", "discounted [USD]"],
            title="Cost parts (discounted; resale income negative)",
        )
        cost.attrs["charts"] = [
            {
                "type": "bar",
                "title": "Cost parts (discounted)",
                "y_title": "USD",
                "columns": ["discounted [USD]"],
            }
        ]
        return {
            "Charts/Cost parts": cost,
            "Charts/Deliveries by source type": by_type["Deliveries"],
            "Charts/Purchases by source type": by_type["Purchase spend"],
            "Charts/Stock vs target": stock_frame,
        }


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
