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
}


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
    or a disruption's future) as ``{index: Row}``; ``formulate`` calls it for every
    future the family applies to. The other fields are what solve, diagnosis, report
    and comparison need to know about it.
    """

    name: str  # the MODEL.md name, used by code, report and docs alike
    number: int  # its number in MODEL.md "Constraints"
    index: tuple[str, ...]  # index letters, e.g. ("m", "t")
    index_doc: str  # the index set in words
    rows: Callable[[LP, Future], dict[Index, Row]]
    unit: str  # unit of the row (its limit); the dual is USD per this unit
    #: sign of the dual (d objective / d limit) where the row binds: "<= 0" for a
    #: limit whose relaxation saves money, ">= 0" for a requirement, "free" otherwise
    dual_sign: Literal["<= 0", ">= 0", "free"]
    #: the subject of the dual's sentence ("One more tonne of Dy target in 2030") and
    #: its mood: "does" ("... costs 812 USD.") or "would" ("... would save 12 USD.")
    dual_subject: Callable[[Params, Index], str]
    dual_mood: Literal["does", "would"]
    #: the constraint in words and the workbook rows behind it; the limit is the row's
    explain: Callable[[Params, Index, Limit], Explained]
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

    def unit_of(self, p: Params, index: Index) -> str:
        """The unit of one row: ``row_unit`` where given, else ``unit``."""
        return self.row_unit(p, index) if self.row_unit is not None else self.unit

    def index_text(self, index: Index) -> str:
        """The index in words: 'material Dy_oxide, year 2030'."""
        if len(self.index) != len(index):
            return ", ".join(map(str, index))
        return ", ".join(f"{LETTER_WORDS[k]} {v}" for k, v in zip(self.index, index, strict=True))

    def label(self, index: Index) -> str:
        """'stock_target[Dy, 2030]'."""
        return f"{self.name}[{', '.join(map(str, index))}]"

    def sentence(self, p: Params, index: Index, dual: float, money: str) -> str:
        """What the dual means in planner words, e.g. "One more tonne of Dy target in
        2030 costs 812 USD." ``money`` is the amount with its unit, unsigned."""
        gain = dual < 0  # the objective falls when the limit grows
        subject = self.dual_subject(p, index)
        if self.dual_mood == "does":
            return f"{subject} {'saves' if gain else 'costs'} {money}."
        return f"{subject} would {'save' if gain else 'cost'} {money}."


def fmt(x: float) -> str:
    """A number for a requirement's text: 5,000 / 12.5 / 1,234,567."""
    return f"{x:,.0f}" if abs(x) >= 1e5 else f"{x:,.6g}"


def share_text(x: float) -> str:
    """0.3 -> '30%', 0.125 -> '12.5%'."""
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


def first(rows: Any, **match: Any) -> Any:
    """The first record of ``rows`` whose fields equal ``match``."""
    return next(r for r in rows if all(getattr(r, k) == v for k, v in match.items()))
