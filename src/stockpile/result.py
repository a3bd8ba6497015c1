"""The typed outcome of a solve: plain Python data, no Pyomo objects.

Produced by ``stockpile.solver``; read by ``stockpile.reports`` and the CLI.
Indices use the letters of the model: m material, s source, l site, t year,
d disruption, r rule (a Rules id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal[
    "optimal",
    "infeasible",
    "unbounded",
    "time_limit_feasible",
    "time_limit_no_solution",
    "error",
]

STATUS_WORDS: dict[str, str] = {
    "optimal": "Optimal: the least-cost plan that meets every requirement.",
    "infeasible": "Infeasible: no plan meets every requirement (see the Infeasibility sheet).",
    "unbounded": "Unbounded: the cost can fall without limit (check resale prices and limits).",
    "time_limit_feasible": "Time limit reached: the plan shown is feasible but not proven "
    "least-cost.",
    "time_limit_no_solution": "Time limit reached before any feasible plan was found.",
    "error": "The solver failed (see the message).",
}

#: The statuses that come with a plan (a feasible solution to report).
PLAN_STATUSES = frozenset({"optimal", "time_limit_feasible"})


#: |dual| below this is zero (HiGHS's default dual feasibility tolerance).
DUAL_ZERO = 1e-7
#: Families whose duals only price the model's bookkeeping (balances), not a requirement:
#: on the report's ShadowPricesDetail, not ShadowPrices; never checked by re-solving.
BOOKKEEPING = ("stock_balance", "output_split")
#: A checked dual "holds" when relaxing its limit by a step saves at least this share of it.
DUAL_HOLDS = 0.5


@dataclass(frozen=True)
class RowValue:
    """One constraint after the solve.

    ``lower``/``upper`` are the limits of ``body`` (None = no limit) with every constant
    moved to the limit side, so ``body`` holds only the decision terms. ``dual`` is
    the change of the objective (discounted USD) per unit increase of the constraint's
    right-hand side (the data limit as written in MODEL.md): positive for a
    requirement that costs money (a stock target), negative for a limit whose
    relaxation saves money (a capacity, a budget). ``conditional`` is dual / prob[d]
    for a row of disruption d's future when prob[d] > 0 and there is no risk term: the
    change of cost if d happens (None otherwise).
    """

    body: float
    lower: float | None
    upper: float | None
    dual: float | None
    conditional: float | None = None

    def slack(self) -> float:
        """Distance to the nearest limit (0 when binding)."""
        gaps = []
        if self.lower is not None:
            gaps.append(self.body - self.lower)
        if self.upper is not None:
            gaps.append(self.upper - self.body)
        return min(gaps) if gaps else float("inf")


@dataclass(frozen=True)
class IisMember:
    """One constraint or bound of an irreducible infeasible subset, in planner terms."""

    family: str  # constraint family or "bound:<Variable>"
    index: tuple[Any, ...]
    text: str  # "stock_target[Dy, 2030]: total Dy stock at end of 2030 >= 5000 t"
    sources: tuple[tuple[str, int | None, str], ...] = ()  # (sheet, excel row, what it says)


@dataclass(frozen=True)
class Diagnosis:
    """Why a model is infeasible."""

    method: Literal["iis", "elastic", "none"]
    members: tuple[IisMember, ...]
    suggestion: str
    note: str = ""


@dataclass(frozen=True)
class Relaxation:
    """One workbook limit the closest plan had to move (the requirements could not all
    be met). ``limit`` is the value the model used (after any scenario override),
    ``moved_to`` the value that makes the closest plan feasible; ``amount`` is
    ``moved_to - limit`` in ``unit`` (negative: lowered, e.g. a stock target missed).
    ``text`` says it in planner words ("Cu stock target 2032 (Targets row 7) missed by
    1,200 t")."""

    family: str  # stock_target, budget, coverage_floor, site_capacity, source_capacity, ...
    index: tuple[Any, ...]  # the limit's own index: (m, t), (t,), (m,), (l,), (s, t), ...
    sheet: str
    row: int | None  # Excel row of the limit in the input workbook (None: a default)
    column: str
    limit: float
    moved_to: float
    unit: str
    text: str

    @property
    def amount(self) -> float:
        return self.moved_to - self.limit

    def to_json(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "index": list(self.index),
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "limit": self.limit,
            "moved_to": self.moved_to,
            "amount": self.amount,
            "unit": self.unit,
            "text": self.text,
        }


#: Unmet need below this [t] counts as none (solver round-off).
UNMET_TINY = 1e-6


@dataclass(frozen=True)
class FutureOutcome:
    """One future (the plan without disruption, ``base``, or a disruption's) after the
    solve: its probability, the discounted cost of the whole future K[f] [USD], and its
    unmet need by material [t] with the first year it occurs."""

    future: str
    probability: float
    cost_usd: float
    unmet_t: dict[str, float] = field(default_factory=dict)
    first_unmet_year: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "future": self.future,
            "probability": self.probability,
            "cost_usd": self.cost_usd,
            "unmet_t": sum(self.unmet_t.values()),
        }


@dataclass
class SolveResult:
    status: Status
    message: str = ""
    #: the minimised objective: the expected cost E, or (1 - lambda) E + lambda CVaR
    objective_usd: float | None = None
    #: the parts of E (expected, discounted, each >= 0), keyed by objective.PART_KEYS
    parts: dict[str, float] = field(default_factory=dict)
    expected_cost_usd: float | None = None
    #: the CVaR term (Eta + 1/(1 - alpha) sum_f prob[f] Z[f]) when risk_weight > 0
    cvar_usd: float | None = None
    #: the plan (base) and every disruption's future
    futures: list[FutureOutcome] = field(default_factory=list)
    #: variable name -> index tuple -> value (every variable of the model)
    values: dict[str, dict[tuple[Any, ...], float]] = field(default_factory=dict)
    #: family -> index tuple -> RowValue (every constraint of the model)
    rows: dict[str, dict[tuple[Any, ...], RowValue]] = field(default_factory=dict)
    diagnosis: Diagnosis | None = None
    #: when infeasible: the limits the closest plan moved; ``values``/``rows``/parts
    #: then describe that closest plan (it does not meet the requirements)
    relaxations: list[Relaxation] = field(default_factory=list)
    #: (family, index) -> the measured saving (objective USD per unit) of relaxing that
    #: limit by a small step, for the largest duals (solver.margins): a dual at a
    #: degenerate corner may promise a saving that relaxing does not bring
    margins: dict[tuple[str, tuple[Any, ...]], float] = field(default_factory=dict)
    #: seconds per phase: build, handover, solve (HiGHS's own), extract
    timings: dict[str, float] = field(default_factory=dict)
    solver: dict[str, Any] = field(default_factory=dict)  # name, version, options
    counts: dict[str, int] = field(default_factory=dict)  # variables, constraints
    log: str = ""
    #: why the status may not be the data's answer (badly scaled numbers), "" when none
    caution: str = ""

    @property
    def has_plan(self) -> bool:
        return self.status in PLAN_STATUSES

    @property
    def closest(self) -> bool:
        """Infeasible, but with the closest plan (the requirements moved by
        ``relaxations``) in ``values``, ``rows``, ``parts`` and ``futures``."""
        return self.status == "infeasible" and bool(self.relaxations) and bool(self.values)

    @property
    def shows_plan(self) -> bool:
        """A plan to report: the optimal or time-limited plan, or the closest plan."""
        return self.has_plan or self.closest

    def dual_holds(self, family: str, index: tuple[Any, ...], dual: float) -> bool | None:
        """Whether relaxing the row saves what its dual says, as ``margins`` measured it
        (at least DUAL_HOLDS of it); None when the row was not checked."""
        saving = self.margins.get((family, index))
        if saving is None:
            return None
        return saving >= DUAL_HOLDS * abs(dual)

    def status_text(self) -> str:
        """The status in planner words; a plan that leaves disruption need uncovered says
        so (the coverage floor, min_coverage, allows it) instead of "meets every
        requirement" alone."""
        words = STATUS_WORDS[self.status]
        unmet = [(f.future, m, t) for f in self.futures for m, t in f.unmet_t.items()]
        if not (self.has_plan and unmet):
            return words
        if len(unmet) <= 3:
            left = "; ".join(
                f"{t:,.1f} t of {m} disruption need stays uncovered in {future}"
                if abs(t) >= 1
                else f"{t:,.3g} t of {m} disruption need stays uncovered in {future}"
                for future, m, t in unmet
            )
        else:
            futures = len({future for future, _, _ in unmet})
            left = (
                f"disruption need stays uncovered for {len(unmet)} materials in {futures} "
                f"future{'s' if futures > 1 else ''} (listed below)"
            )
        return f"{words.rstrip('.')}; {left} (allowed by min_coverage)."

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``stockpile solve --json`` (public keys)."""
        out: dict[str, Any] = {
            "status": self.status,
            "message": self.message,
            "objective_usd": self.objective_usd,
            "expected_cost_usd": self.expected_cost_usd,
            "parts": dict(self.parts) if self.parts else None,
            "futures": [f.to_json() for f in self.futures] if self.futures else None,
        }
        if self.cvar_usd is not None:
            out["cvar_usd"] = self.cvar_usd
        if self.relaxations:
            out["relaxations"] = [r.to_json() for r in self.relaxations]
        return out
