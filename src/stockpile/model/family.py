"""What a constraint family is: its rows and everything the rest of the program needs
to know about it.

A family is one ``Family`` object, defined in ``model/families/<name>.py`` next to the
function that makes its rows. Solve, diagnosis, report and comparison read the
registry (``stockpile.model.families.FAMILIES``) and never list families themselves, so
adding a family is one file (and its test file); see the README, "How to add a
constraint family".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from stockpile.data.params import Params
    from stockpile.model.lp import LP, Future, Index, Row

#: (sheet, Excel row or None, what that row says) behind a constraint.
Ref = tuple[str, int | None, str]

#: The words of each index letter (model package docstring).
LETTER_WORDS = {
    "s": "source",
    "m": "material",
    "l": "site",
    "t": "year",
    "d": "disruption",
    "r": "rule",
    "f": "future",
}

#: The plan's name among the futures (model.lp.BASE).
PLAN = "base"


class Limit(Protocol):
    """A row's limits with every constant on the limit side (``lower <= body <= upper``,
    None = no limit): ``lp.Row`` as made, ``result.RowValue`` as solved, or ``Bounds``."""

    @property
    def lower(self) -> float | None: ...

    @property
    def upper(self) -> float | None: ...


@dataclass(frozen=True)
class Bounds:
    """Limits given as numbers (``NO_LIMIT``: none known; read them from the data)."""

    lower: float | None = None
    upper: float | None = None


NO_LIMIT = Bounds()


@dataclass(frozen=True)
class Explained:
    """A constraint in planner words: what it requires and the workbook rows behind it."""

    text: str  # "stock_target[Dy, 2030]: total Dy stock at end of 2030 >= 5000 t"
    refs: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class Family:
    """One constraint family of MODEL.md.

    ``rows(lp, future)`` makes the family's rows for one future (the plan, ``BASE``,
    or a disruption's future) as ``{key: Row}``, a future's rows keyed ``(d, *index)``
    (``Future.key``); ``formulate`` calls it for every future in ``futures``. The other
    fields are what solve, diagnosis, report and comparison need to know about it.
    ``dual_subject`` and ``explain`` take the future's name (``PLAN`` for the plan) and
    the index without it.
    """

    name: str  # the MODEL.md name, used by code, report and docs alike
    number: int  # its number in MODEL.md "Constraints"
    index: tuple[str, ...]  # index letters within one future, e.g. ("m", "t")
    index_doc: str  # the index set in words
    rows: Callable[[LP, Future], dict[Index, Row]]
    unit: str  # unit of the row (its limit); the dual is USD per this unit
    #: sign of the dual (d objective / d limit) where the row binds: "<= 0" for a
    #: limit whose relaxation saves money, ">= 0" for a requirement, "free" otherwise
    dual_sign: Literal["<= 0", ">= 0", "free"]
    #: the subject of the dual's sentence ("One more tonne of Dy target in 2030") and
    #: its mood: "does" ("... costs 812 USD.") or "would" ("... would save 12 USD.")
    dual_subject: Callable[[Params, str, Index], str]
    dual_mood: Literal["does", "would"]
    #: the constraint in words and the workbook rows behind it; the limit is the row's
    explain: Callable[[Params, str, Index, Limit], Explained]
    #: what relaxing it means in planner words (a diagnosis's suggestion)
    relax_hint: str
    #: True: an elastic diagnosis may relax the row (it carries a planner's limit)
    relaxable: bool
    #: True: the row only links decisions (a balance); a diagnosis lists it last
    structural: bool = False
    #: True: a diagnosis suggests relaxing this family only when it names no other
    suggest_last: bool = False
    #: per-row unit where it depends on the index (a source's activity unit)
    row_unit: Callable[[Params, Index], str] | None = None
    #: which futures have rows: "all" (the plan and every disruption's future) or
    #: "disruptions" (only a disruption's future)
    futures: Literal["all", "disruptions"] = "all"
    #: True: every row, the plan's too, is keyed by its future (risk[f])
    keyed_by_future: bool = False

    def split(self, key: Index) -> tuple[str, Index]:
        """A row's key -> (its future's name, the index within that future)."""
        if self.keyed_by_future or len(key) == len(self.index) + 1:
            return str(key[0]), tuple(key[1:])
        return PLAN, tuple(key)

    def letters(self, key: Index) -> tuple[str, ...]:
        """The index letters of a row's key: a future's rows have d in front."""
        if self.keyed_by_future:
            return ("f", *self.index)
        return self.index if len(key) == len(self.index) else ("d", *self.index)

    def unit_of(self, p: Params, key: Index) -> str:
        """The unit of one row: ``row_unit`` where given, else ``unit``."""
        if self.row_unit is None:
            return self.unit
        return self.row_unit(p, self.split(key)[1])

    def index_text(self, key: Index) -> str:
        """A row's key in words: 'disruption ban, material Dy_oxide, year 2030'."""
        letters = self.letters(key)
        if len(letters) != len(key):
            return ", ".join(map(str, key))
        return ", ".join(f"{LETTER_WORDS[k]} {v}" for k, v in zip(letters, key, strict=True))

    def label(self, key: Index) -> str:
        """'stock_target[Dy, 2030]'."""
        return f"{self.name}[{', '.join(map(str, key))}]"

    def explain_row(self, p: Params, key: Index, limit: Limit) -> Explained:
        """The row in words and the workbook rows behind it."""
        future, index = self.split(key)
        return self.explain(p, future, index, limit)

    def sentence(self, p: Params, key: Index, dual: float, money: str) -> str:
        """What the dual means in planner words, e.g. "One more tonne of Dy target in
        2030 costs 812 USD." ``money`` is the amount with its unit, unsigned. A row of
        a disruption's future says so first ("If ban happens: ...")."""
        gain = dual < 0  # the objective falls when the limit grows
        future, index = self.split(key)
        subject = self.dual_subject(p, future, index)
        if self.dual_mood == "does":
            text = f"{subject} {'saves' if gain else 'costs'} {money}."
        else:
            text = f"{subject} would {'save' if gain else 'cost'} {money}."
        if future == PLAN or self.keyed_by_future:
            return text
        return f"If {future} happens: {text[0].lower()}{text[1:]}"


def fmt(x: float) -> str:
    """A number for a requirement's text: 5,000 / 12.5 / 1,234,567."""
    return f"{x:,.0f}" if abs(x) >= 1e5 else f"{x:,.6g}"


def share_text(x: float) -> str:
    """0.3 -> '30%', 0.125 -> '12.5%'."""
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


def first(rows: Any, **match: Any) -> Any:
    """The first record of ``rows`` whose fields equal ``match``."""
    return next(r for r in rows if all(getattr(r, k) == v for k, v in match.items()))
