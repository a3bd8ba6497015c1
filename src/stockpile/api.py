"""The Python API of stockpile: read a workbook (or build inputs in code), apply a
scenario, solve, and read the plan, each future, coverage, shadow prices and the stress
test as tidy pandas frames.

The names follow the command line: [`solve`][stockpile.api.solve] is ``stockpile
solve``, [`validate`][stockpile.api.validate] is ``stockpile validate``,
[`scenarios`][stockpile.api.scenarios], [`compare`][stockpile.api.compare] and
[`stress`][stockpile.api.stress] likewise. Everything here wraps the code the commands
run (``pipeline``, ``reports.extract``, ``scenarios``, ``stress``): the numbers are the
report's numbers.

Units: money is USD, mass tonnes (t), space m3, shares fractions from 0 to 1. A frame's
column header carries its unit in brackets (``stock [t]``, ``cost [USD]``); "expected"
and "discounted" money is discounted to the first planning year and weighted by the
probability that the decision is taken, as the objective counts it.

```python
import stockpile.api as sp

sol = sp.solve()                     # the bundled dataset
sol.expected_cost_usd                # 1.42e9 USD
sol.stock(future="base")             # the plan's stock per material, site and year
```
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from stockpile.data.bundle import BUNDLED, BUNDLED_LABEL
from stockpile.data.inputs import Inputs
from stockpile.data.params import Params
from stockpile.data.problems import InputError, Problem
from stockpile.model.family import PLAN
from stockpile.result import SolveResult
from stockpile.scenarios.overrides import Change, Override, Scenario

if TYPE_CHECKING:
    from stockpile.model.pyomo import PyomoModel
    from stockpile.pipeline import Run
    from stockpile.stress.commands import Stress

__all__ = [
    "BASE",
    "InputError",
    "Inputs",
    "Override",
    "Problem",
    "Scenario",
    "Solution",
    "StressResult",
    "apply_scenario",
    "build_model",
    "compare",
    "example_inputs",
    "ignoring_disruptions",
    "read_workbook",
    "scenarios",
    "solve",
    "stress",
    "validate",
    "write_workbook",
]

Data = Inputs | str | Path | None
"""What to solve: a workbook path, inputs read or made in code, or ``None`` for the
bundled dataset."""
ScenarioLike = str | Scenario | Sequence[Override]
"""A scenario: its name (looked up like ``--scenario``), a ``Scenario``, or a sequence of
``Override`` rows made in code."""
Method = Literal["choose", "simplex", "ipm", "pdlp"]
"""The HiGHS LP method, as ``--method``."""
Interface = Literal["direct", "pyomo"]
"""How the model reaches HiGHS, as ``--interface``."""
BASE: str = PLAN
"""The name of the plan's future (no disruption) in every frame's ``future`` column."""

# How inputs made in code are named in a run's provenance.
_CODE_LABEL = "inputs made in code"


# --- inputs -------------------------------------------------------------------------------


def example_inputs() -> Inputs:
    """The bundled default dataset (US critical minerals 2026-2040) as inputs: what
    ``stockpile solve`` without INPUT solves. Money in USD, mass in t."""
    inputs, _warnings = read_workbook(BUNDLED)
    return inputs


def read_workbook(path: str | Path) -> tuple[Inputs, list[Problem]]:
    """Read and check an input workbook (.xlsx).

    Returns the inputs (quantities in the workbook's units: USD, t, m3, fractions) and
    the warnings. Raises [`InputError`][stockpile.api.InputError] listing every problem
    (sheet, row, column, value, fix) when the workbook has an error.
    """
    from stockpile.pipeline import load

    return load(Path(path))


def validate(path: str | Path) -> list[Problem]:
    """Check a workbook as ``stockpile validate`` does, the overrides of its Scenarios
    sheet included. Returns the warnings; raises
    [`InputError`][stockpile.api.InputError] with every problem (no units involved)."""
    from stockpile.scenarios.commands import validate_workbook

    return validate_workbook(Path(path))


def write_workbook(inputs: Inputs, path: str | Path, *, force: bool = False) -> Path:
    """Write inputs as an input workbook a planner can open and ``stockpile solve`` can
    read (values in the workbook's units). Written atomically; an existing file is only
    replaced with ``force=True`` (``FileExistsError`` otherwise). Returns the path."""
    from stockpile.data.template import write_workbook as write

    write(path, inputs, force=force)
    return Path(path)


def scenarios(
    data: str | Path | None = None, scenarios_file: str | Path | None = None
) -> pd.DataFrame:
    """Every scenario a solve can name, as ``stockpile scenarios --json`` lists them:
    those of ``scenarios_file``, of the workbook ``data``'s Scenarios sheet, then the
    bundled ones. Columns: ``name``, ``defined_in``, ``description``, ``overrides``
    (how many; a count, no unit)."""
    from stockpile.scenarios.commands import list_scenarios

    found = list_scenarios(_path(data), _path(scenarios_file))
    return pd.DataFrame(
        [
            {
                "name": s.name,
                "defined_in": s.origin,
                "description": s.summary(),
                "overrides": len(s.overrides),
            }
            for s in found
        ],
        columns=["name", "defined_in", "description", "overrides"],
    )


def apply_scenario(
    inputs: Inputs,
    scenario: ScenarioLike,
    *,
    data: str | Path | None = None,
    scenarios_file: str | Path | None = None,
) -> Inputs:
    """The inputs with a scenario applied (the inputs themselves are not changed).

    ``scenario`` is a name (looked up in ``scenarios_file``, then in the workbook
    ``data``'s Scenarios sheet, then among the bundled scenarios), a ``Scenario``, or a
    sequence of ``Override`` rows, e.g. every budget times 0.8::

        apply_scenario(inputs, [Override("tight", "Budget", "*", "scale", "budget_usd", 0.8)])

    Values keep the workbook's units (USD, t, m3, fractions). Raises
    [`InputError`][stockpile.api.InputError] for an unknown name or a bad override.
    """
    from stockpile.scenarios.apply import apply_scenario as apply

    return apply(inputs, _scenario(scenario, _path(data), _path(scenarios_file)))


def ignoring_disruptions(inputs: Inputs) -> Inputs:
    """The inputs of the plan that ignores disruptions, as ``stockpile stress`` makes
    it: every Disruptions ``probability`` and every Materials ``min_coverage`` set to 0
    (targets and budgets stay). Its ``futures()`` cost K of ``base`` [USD] is the least
    cost of a plan bought for peacetime only."""
    from stockpile.stress.plans import ignoring_disruptions as ignoring

    return ignoring(inputs)


# --- solve --------------------------------------------------------------------------------


def solve(
    data: Data = None,
    *,
    scenario: ScenarioLike | None = None,
    scenarios_file: str | Path | None = None,
    report: str | Path | None = None,
    time_limit: float | None = None,
    threads: int | None = None,
    method: Method = "choose",
    interface: Interface = "direct",
) -> Solution:
    """Solve a workbook, inputs made in code, or (``data=None``) the bundled dataset,
    as ``stockpile solve`` does.

    Args:
        data: a workbook path, an ``Inputs``, or None for the bundled dataset.
        scenario: a scenario to apply first (see
            [`apply_scenario`][stockpile.api.apply_scenario]).
        scenarios_file: a workbook with a Scenarios sheet to look ``scenario`` up in.
        report: also write the Excel report here (written atomically; never over the
            input).
        time_limit: the solver's time limit [s] (None: none).
        threads: HiGHS threads (a count).
        method: the LP method, as ``--method``.
        interface: ``direct`` (rows to HiGHS) or ``pyomo`` (through Pyomo), as
            ``--interface``.

    Returns:
        The [`Solution`][stockpile.api.Solution]: its status, costs [USD] and frames.
        An infeasible or time-limited model is a solution with that ``status``.

    Raises:
        InputError: bad input, an unknown scenario or a bad override (nothing solved).
    """
    from stockpile.pipeline import Run, finish, load, run, scenario_facts, sha256, solve_inputs
    from stockpile.solver.highs import SolveOptions

    options = SolveOptions(
        time_limit=time_limit, threads=threads, method=method, interface=interface
    )
    report_path = Path(report) if report is not None else None
    path = _path(data) if not isinstance(data, Inputs) else None
    if data is None:
        path = BUNDLED
    name = BUNDLED_LABEL if data is None else (path.name if path else _CODE_LABEL)
    if path is not None and report_path is not None and report_path.resolve() == path.resolve():
        raise InputError(
            [Problem("the report would overwrite the input", "Choose another report path.")]
        )
    if path is not None and (scenario is None or isinstance(scenario, str)):
        outcome = run(
            path,
            report_path,
            options,
            display_name=name,
            scenario=scenario,
            scenarios_file=_path(scenarios_file),
        )
        return Solution.from_run(outcome)

    started = datetime.now(UTC)
    if isinstance(data, Inputs):
        inputs, warnings, digest = data, [], ""
    else:
        assert path is not None
        (inputs, warnings), digest = load(path), sha256(path)
    found, changes, extra = None, [], None
    if scenario is not None:
        from stockpile.scenarios.apply import apply_scenario_traced

        found = _scenario(scenario, path, _path(scenarios_file))
        inputs, changes = apply_scenario_traced(inputs, found)
        extra = scenario_facts(found, changes)
    params, result = solve_inputs(inputs, options)
    outcome = Run(
        path or Path(_CODE_LABEL),
        inputs,
        params,
        result,
        warnings,
        scenario=found,
        changes=changes,
    )
    return Solution.from_run(
        finish(outcome, digest, started, report_path, display_name=name, extra=extra)
    )


@dataclass
class Solution:
    """One solve: the inputs it solved, its result and the report's tables as frames.

    Every frame method returns a new ``pandas.DataFrame`` (change it freely). Frames of
    decisions have a ``future`` column: ``base`` is the plan (what is bought in
    peacetime), a disruption's id is that disruption's future from its start year on.
    Like the report, they list only rows whose amounts print as non-zero. Column
    headers carry units in brackets; money columns: ``cost [USD]`` in the money of its
    year, ``discounted ... [USD]`` discounted to the first year, ``weight [%]`` the
    probability the decision is taken (a fraction, shown as % in Excel),
    ``expected ... [USD]`` = weight x discounted (each expected column sums to its part
    of the expected cost).
    """

    inputs: Inputs
    """The inputs solved (after the scenario, if any), in the workbook's units."""
    params: Params
    """Every derived parameter: escalated costs [USD/unit], discount factors, need per
    future and year [t], each with the workbook row it came from."""
    result: SolveResult
    """The typed solver result: ``values`` of every variable [t or activity units] and
    ``rows`` of every constraint with its dual [USD per unit of the row]."""
    warnings: list[Problem] = field(default_factory=list)
    """The input's warnings (ignored sheets or columns, unknown settings)."""
    scenario: Scenario | None = None
    """The scenario applied, if any."""
    changes: list[Change] = field(default_factory=list)
    """Every input value the scenario changed: its value before and after, in its unit."""
    provenance: dict[str, Any] = field(default_factory=dict)
    """Where the run came from: input name and SHA-256, scenario, software versions."""
    report_path: Path | None = None
    """The Excel report written by ``solve(report=...)`` or ``write_report``, if any."""

    @classmethod
    def from_run(cls, run: Run) -> Solution:
        """The solution of a ``pipeline.Run`` (what ``stockpile solve`` produced)."""
        return cls(
            inputs=run.inputs,
            params=run.params,
            result=run.result,
            warnings=list(run.warnings),
            scenario=run.scenario,
            changes=list(run.changes),
            provenance=dict(run.provenance),
            report_path=run.report_path,
        )

    # ----- numbers ------------------------------------------------------------------------
    @property
    def status(self) -> str:
        """``optimal``, ``infeasible``, ``unbounded``, ``time_limit_feasible``,
        ``time_limit_no_solution`` or ``error`` (as ``--json``'s ``status``; no unit)."""
        return self.result.status

    @property
    def has_plan(self) -> bool:
        """True when the solve found a plan (optimal, or feasible at the time limit)."""
        return self.result.has_plan

    @property
    def message(self) -> str:
        """The status in planner words (what the terminal's summary says first)."""
        return self.result.status_text()

    @property
    def objective_usd(self) -> float | None:
        """The minimised objective [USD, discounted]: the expected cost, or with
        ``risk_weight`` > 0 the risk-weighted one (None without a plan)."""
        return self.result.objective_usd

    @property
    def expected_cost_usd(self) -> float | None:
        """The expected discounted cost over the futures [USD] (None without a plan)."""
        return self.result.expected_cost_usd

    @property
    def cvar_usd(self) -> float | None:
        """The CVaR term [USD, discounted] when ``risk_weight`` > 0, else None."""
        return self.result.cvar_usd

    @property
    def parts_usd(self) -> dict[str, float]:
        """The expected cost's parts [USD, discounted, each >= 0], keyed as ``--json``'s
        ``parts``: purchase_usd + transport_usd + holding_usd + investment_usd -
        resale_usd + shortfall_penalty_usd = ``expected_cost_usd``."""
        return dict(self.result.parts)

    def to_json(self) -> dict[str, Any]:
        """The result as ``stockpile solve --json`` prints it (money in USD, need in t)."""
        return self.result.to_json()

    # ----- frames -------------------------------------------------------------------------
    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the Excel report, keyed ``"Sheet"`` or ``"Sheet/block"`` in
        sheet order (``"Summary/Expected cost"``, ``"Futures/Futures"``, ``"Stock"``, ...);
        units in the column headers or a ``unit`` column. Computed once; the frame
        methods return copies of these."""
        from stockpile.reports.extract import extract

        return extract(self.inputs, self.params, self.result, self.provenance)

    def table(self, key: str) -> pd.DataFrame:
        """A copy of one report table by its key in [`tables`][stockpile.api.Solution.tables]
        (units as there); ``KeyError`` names the keys there are."""
        if key not in self.tables:
            raise KeyError(f"no table {key!r}; there are: {', '.join(self.tables)}")
        return self.tables[key].copy()

    def _decisions(self, key: str, future: str | None) -> pd.DataFrame:
        df = self.table(key)
        if future is not None:
            df = df[df["future"] == future].reset_index(drop=True)
        return df

    def purchases(self, future: str | None = None) -> pd.DataFrame:
        """Purchases per future, source and year: ``activity [units]`` (the source's
        activity unit: t of metal, or t of nodules), ``capacity used [%]``, ``unit cost
        [USD/unit]``, ``cost [USD]`` (money of its year), discounted, weight and expected
        cost [USD]. ``future="base"``: the plan's only."""
        return self._decisions("Purchases", future)

    def deliveries(self, future: str | None = None) -> pd.DataFrame:
        """Deliveries per future, source, material, site and year: ``delivered [t]`` and
        the transport cost [USD] (money of its year, discounted, expected)."""
        return self._decisions("Deliveries", future)

    def stock(self, future: str | None = None) -> pd.DataFrame:
        """Stock at the end of each year per future, material and site: ``stock [t]``,
        ``volume [m3]`` and the holding cost [USD] (money of its year, discounted,
        expected). A future's rows start in its start year (before it: the plan's)."""
        return self._decisions("Stock", future)

    def investments(self, future: str | None = None) -> pd.DataFrame:
        """Capacity added per future, source and year: ``capacity added [units]``
        (activity units per year), the year it produces from, and its cost [USD]. Empty
        when no source is expandable."""
        if "Investments" not in self.tables:
            return pd.DataFrame(columns=["future", "source", "year", "capacity added [units]"])
        return self._decisions("Investments", future)

    def releases(self, future: str | None = None) -> pd.DataFrame:
        """Stock released per disruption's future, material, site and window year:
        ``released [t]``."""
        return self._decisions("Releases", future)

    def resale(self, future: str | None = None) -> pd.DataFrame:
        """Co-product output resold per future, source, material and year: ``resold [t]``,
        ``resale price [USD/t]`` and the income [USD]."""
        return self._decisions("Resale", future)

    def futures(self) -> pd.DataFrame:
        """One row per future (``base`` first): ``probability [%]`` (a fraction), start
        year, window, ``cost K [USD]`` (the discounted cost of the whole future),
        ``probability x cost [USD]`` (sums to ``expected_cost_usd``), ``need [t]``,
        ``released [t]``, ``unmet [t]`` and the first unmet year."""
        return self.table("Futures/Futures")

    def unmet(self) -> pd.DataFrame:
        """Unmet need per future and material: ``need [t]``, ``unmet [t]``, ``unmet share
        [%]`` (a fraction) and the first unmet year. Empty when every need is met."""
        return self.table("Futures/Unmet need")

    def coverage(self) -> pd.DataFrame:
        """Per disruption, material and window year: ``need [t]`` = ``released [t]`` +
        ``unmet [t]``, the covered share and ``minimum coverage [%]`` (fractions), the
        penalty if it happens and its expected value [USD, discounted]."""
        return self.table("Coverage")

    def shadow_prices(self) -> pd.DataFrame:
        """The planner's shadow prices, largest first: ``family``, ``dual [USD per
        unit]`` (the change of the expected discounted cost per unit more of the limit),
        ``conditional [USD per unit]`` (dual / probability: if that disruption happens),
        ``unit`` (e.g. ``USD/t``) and the ``meaning`` in words. Balances are in
        [`shadow_prices_detail`][stockpile.api.Solution.shadow_prices_detail]."""
        return self.table("ShadowPrices")

    def shadow_prices_detail(self) -> pd.DataFrame:
        """Every non-zero dual, the balances included: ``family``, ``index`` (as text),
        ``dual [USD per unit]`` and its ``unit``."""
        return self.table("ShadowPricesDetail")

    def binding(self) -> pd.DataFrame:
        """Every constraint at its limit, with the limit and its unit."""
        return self.table("Binding")

    def buy_list(self) -> pd.DataFrame:
        """The plan's contract list: purchases per source and year in activity units, the
        total and its cost [USD, money of each year], largest contracts first."""
        return self.table("BuyList")

    def stock_paths(self, material: str | None = None) -> pd.DataFrame:
        """Total stock of each material at the end of each year along every future, in
        long form: ``material``, ``year``, ``future``, ``stock [t]`` and ``target [t]``
        (NaN where no target). A future follows the plan until the year before its start
        and its own stock after: the drawdown. What the report's stock charts plot."""
        rows = []
        for m in self.params.MATERIALS if material is None else [material]:
            frame = self.tables.get(f"Charts/Stock {m}")
            if frame is None:
                raise KeyError(f"no material {m!r}")
            for col in frame.columns:
                if col in ("year", "target [t]"):
                    continue
                future = col.removesuffix(" [t]")
                for year, stock, target in zip(
                    frame["year"], frame[col], frame["target [t]"], strict=True
                ):
                    rows.append(
                        {
                            "material": m,
                            "year": int(year),
                            "future": future,
                            "stock [t]": float(stock),
                            "target [t]": float("nan") if target is None else float(target),
                        }
                    )
        return pd.DataFrame(rows, columns=["material", "year", "future", "stock [t]", "target [t]"])

    # ----- outputs ------------------------------------------------------------------------
    def write_report(self, path: str | Path) -> Path:
        """Write the Excel report (the one ``stockpile solve`` writes; atomically, through
        a temporary file). Raises ``ReportWriteError`` when it cannot be written."""
        from stockpile.reports import build_report

        build_report(self.inputs, self.params, self.result, Path(path), self.provenance)
        self.report_path = Path(path)
        return self.report_path

    def pyomo_model(self) -> PyomoModel:
        """The Pyomo ``ConcreteModel`` of the solved inputs (unsolved: the same rows the
        solve handed to HiGHS), to inspect, extend and solve with any Pyomo solver. Its
        components carry ``doc`` with their units."""
        return build_model(self.params)


def build_model(data: Data = None) -> PyomoModel:
    """The Pyomo ``ConcreteModel`` of a workbook, of inputs, or of the bundled dataset:
    sets ``MATERIALS``, ``SOURCES``, ``SITES``, ``YEARS``, ``DISRUPTIONS``, the variables
    of the plan and each future (``Buy`` [activity units], ``Ship``, ``Stock``,
    ``Release``, ``Unmet`` [t], ...), one ``Constraint`` per family and the objective
    ``total_cost`` [USD, discounted] with its parts as named ``Expression``s."""
    from stockpile.model.pyomo import build_model as build

    if isinstance(data, Params):
        return build(data)
    inputs = data if isinstance(data, Inputs) else read_workbook(_path(data) or BUNDLED)[0]
    return build(inputs)


# --- many solves --------------------------------------------------------------------------


def compare(
    data: Data = None,
    scenarios: Sequence[ScenarioLike] | Mapping[str, Inputs] = (),
    *,
    scenarios_file: str | Path | None = None,
    workers: int = 1,
    time_limit: float | None = None,
) -> pd.DataFrame:
    """Solve the base and every scenario, as ``stockpile compare`` does (without
    writing the comparison workbook), and return one row per solve, the base first.

    ``scenarios`` are names (looked up like ``--scenario``), ``Scenario`` objects, or a
    mapping of name to inputs made in code (variants of ``data``: a sweep). Solves run
    in ``workers`` processes; in one process a scenario that changes only numbers is
    re-solved warm from the previous basis (the answer is the same).

    Columns: ``scenario``, ``status``, ``objective [USD]``, ``expected cost [USD]``,
    ``change [USD]`` (objective minus the base's), one column per part of the expected
    cost (``purchase [USD]``, ..., resale as income, >= 0), ``unmet [t]`` (unmet need
    summed over futures, materials and years) and ``seconds`` [s].
    """
    from stockpile.model.objective import PART_KEYS
    from stockpile.scenarios.apply import apply_scenario as apply
    from stockpile.scenarios.runner import BASE, run_scenarios
    from stockpile.solver.highs import SolveOptions

    base = data if isinstance(data, Inputs) else read_workbook(_path(data) or BUNDLED)[0]
    tasks: list[tuple[str, Inputs]] = [(BASE, base)]
    if isinstance(scenarios, Mapping):
        tasks += list(scenarios.items())
    else:
        where = None if isinstance(data, Inputs) else _path(data)
        for item in scenarios:
            found = _scenario(item, where, _path(scenarios_file))
            tasks.append((found.name, apply(base, found)))
    outcomes = run_scenarios(tasks, SolveOptions(time_limit=time_limit), workers=workers)
    base_objective = outcomes[0].objective_usd
    rows = []
    for o in outcomes:
        row: dict[str, Any] = {
            "scenario": o.name,
            "status": o.status,
            "objective [USD]": o.objective_usd,
            "expected cost [USD]": o.expected_cost_usd,
            "change [USD]": None
            if o.objective_usd is None or base_objective is None
            else o.objective_usd - base_objective,
        }
        for key in PART_KEYS:
            row[f"{key.removesuffix('_usd')} [USD]"] = o.parts.get(key)
        row["unmet [t]"] = sum(o.unmet_t.values()) if o.shows_plan else None
        row["seconds"] = o.seconds
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class StressResult:
    """What ``stress`` produced: the statistics of the sampled futures under the plan
    (and the plan that ignores disruptions), as frames. Shares and probabilities are
    fractions from 0 to 1 (``[%]`` columns, as the report formats them)."""

    raw: Stress
    """Everything the stress command produced: the plans' solves, every sample's outcome
    (costs in USD, unmet need in t) and the summary statistics."""

    @property
    def status(self) -> str:
        """The plan's solve status; the samples are evaluated only when it has a plan."""
        return self.raw.status

    @property
    def samples(self) -> int:
        """How many futures were drawn and evaluated (a count)."""
        return self.raw.summary.samples if self.raw.summary else 0

    @property
    def vss_usd(self) -> float | None:
        """What planning for disruptions is worth [USD, discounted]: the expected cost of
        the plan that ignores disruptions minus the plan's, over the same samples (the
        value of the stochastic solution; None without both plans)."""
        from stockpile.stress.plans import IGNORES
        from stockpile.stress.plans import PLAN as STRESS_PLAN

        return self.raw.summary.vss_usd(STRESS_PLAN, IGNORES) if self.raw.summary else None

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the stress report, keyed by sheet or ``"Sheet/block"``
        (``"Stress test/Shortfall risk"``, ``"Samples"``, ...); units in the headers."""
        from stockpile.stress.report import frames
        from stockpile.stress.uncertainty import uncertainty

        if self.raw.summary is None:
            return {}
        u = self.raw.uncertainty or uncertainty(self.raw.inputs)
        return frames(self.raw.summary, u, self.raw.params.MATERIALS, self.raw.provenance)

    def materials(self) -> pd.DataFrame:
        """Per plan and material: ``shortfall probability [%]`` (share of samples),
        expected, 95th- and 99th-percentile and worst ``unmet [t]``, and how often the
        coverage floor or a stock target is missed [%]."""
        return self._table("By plan")

    def plans(self) -> pd.DataFrame:
        """Each plan on the same samples: expected and 95th-percentile cost [USD,
        discounted], expected shortfall penalty [USD], how often anything falls short
        [%], and the cost without disruption [USD]."""
        return self._table("Stress test/Plans")

    def sample_table(self) -> pd.DataFrame:
        """Every sample: what hit (types, start year, duration [yr], multipliers [x]),
        each plan's status, cost [USD] and unmet need [t], and the plan's unmet need per
        material [t]."""
        return self._table("Samples")

    def _table(self, key: str) -> pd.DataFrame:
        if key not in self.tables:
            raise ValueError(f"no stress results: the plan's status is {self.status}")
        return self.tables[key].copy()

    def write_report(self, path: str | Path) -> Path:
        """Write the stress report workbook (atomically)."""
        from stockpile.reports.excel import write_report

        write_report(self.tables, Path(path))
        return Path(path)


def stress(
    data: Data = None,
    *,
    samples: int = 1000,
    seed: int = 0,
    workers: int = 1,
    risk_weight: float | None = None,
    floor: bool = True,
    listed: bool = False,
    report: str | Path | None = None,
) -> StressResult:
    """Stress the plan against sampled disruptions (the DisruptionTypes sheet), as
    ``stockpile stress`` does.

    Args:
        data: a workbook path, an ``Inputs``, or None for the bundled dataset.
        samples: how many futures to draw (a count).
        seed: the seed of the draws: the same seed gives the same samples.
        workers: worker processes (a count).
        risk_weight: also solve and evaluate the plan with this risk weight (0 to 1).
        floor: keep the coverage floor in the evaluation (``--no-floor`` is False).
        listed: the samples are the workbook's own Disruptions, one each.
        report: also write the stress report workbook here.

    Returns:
        The [`StressResult`][stockpile.api.StressResult] (costs in USD, unmet need in
        t, shares as fractions).

    Raises:
        InputError: bad input, or nothing to sample (no DisruptionTypes rows).
    """
    from stockpile.stress.commands import stress as run_stress
    from stockpile.stress.commands import stress_inputs

    kw: dict[str, Any] = {
        "samples": samples,
        "seed": seed,
        "workers": workers,
        "risk_weight": risk_weight,
        "floor": floor,
        "listed": listed,
    }
    report_path = Path(report) if report is not None else None
    if isinstance(data, Inputs):
        out = stress_inputs(data, report_path, input_path=Path(_CODE_LABEL), **kw)
    else:
        path = _path(data) or BUNDLED
        name = BUNDLED_LABEL if data is None else path.name
        out = run_stress(path, report_path, display_name=name, **kw)
    return StressResult(out)


# --- helpers ------------------------------------------------------------------------------


def _path(value: str | Path | None) -> Path | None:
    return None if value is None else Path(value)


def _scenario(
    scenario: ScenarioLike, input_path: Path | None, scenarios_file: Path | None
) -> Scenario:
    """A Scenario from a name (looked up like ``--scenario``), a Scenario or overrides."""
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str):
        from stockpile.scenarios.commands import find_scenarios

        (found,) = find_scenarios([scenario], input_path, scenarios_file)
        return found
    overrides = tuple(scenario)
    name = overrides[0].scenario if overrides else "scenario"
    return Scenario(name, overrides, origin="code")
