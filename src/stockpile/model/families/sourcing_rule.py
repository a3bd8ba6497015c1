"""sourcing_rule (MODEL.md family 7): a group's share of a material's deliveries."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.family import Explained, Family, Limit, first, fmt, share_text
from stockpile.model.lp import LP, Future, Index, Row


def rule_years(lp: LP, future: Future) -> list[int]:
    """The years in which Rules hold: every year of the plan; in a disruption's future
    the years after its window (rules resume as soon as the disruption ends)."""
    d = future.disruption
    return [t for t in future.years if d is None or lp.params.rules_hold(d, t)]


def sourcing_rule_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """sourcing_rule[r,m,t]: del_G[m,t] <= share * del[m,t] (max_share) or >= (min_share) [t].

    del[m,t] is every tonne of m delivered into stock in year t, del_G the part from
    sources in the rule's group (matched by source id, source type, country or bloc).
    Index: Rules rows of group_type country, bloc, source_type or source, each
    material they name ("*" = every material separately), each year in which m can be
    delivered at all (in a disruption's future: after its window).
    Written as del_G - share * del <= 0 (or >= 0).
    Dual [USD/t]: the change in cost if the group were allowed one more tonne
    (max_share, <= 0) or had to deliver one more tonne (min_share, >= 0).
    """
    p = lp.params
    ship = lp.path(future, "Ship")
    by_mt = lp.lookups[future.name].ship_by_mt
    years = rule_years(lp, future)
    rows = {}
    for rule in p.inputs.rules:
        if rule.group_type == "site":
            continue
        in_group = {s: p.source_matches(s, rule.group_type, rule.group) for s in p.SOURCES}
        for m in p.rule_materials(rule.material):
            for t in years:
                ships = by_mt.get((m, t))
                if not ships:
                    continue  # nothing of m can be delivered in t: nothing to constrain
                cols = [ship[s, m, l, t] for s, l in ships]
                coefs = [(1.0 if in_group[s] else 0.0) - rule.share for s, _ in ships]
                key = future.key((rule.rule, m, t))
                if rule.limit == "max_share":
                    rows[key] = Row(cols, coefs, None, 0.0)
                else:
                    rows[key] = Row(cols, coefs, 0.0, None)
    return rows


def rule_ref(p: Params, r: str) -> tuple[str, int, str]:
    """The Rules row of rule r, as a diagnosis names it."""
    rule = first(p.inputs.rules, rule=r)
    sheet, row = p.rule_where[r]
    return (
        sheet,
        row,
        f"{r}: {rule.limit} {fmt(rule.share)} for {rule.group_type} {rule.group}, "
        f"material {rule.material}",
    )


def _subject(p: Params, _f: str, index: Index) -> str:
    r, m, t = index
    rule = first(p.inputs.rules, rule=r)
    group = f"{rule.group_type.replace('_', ' ')} {rule.group}"
    if rule.limit == "max_share":
        return (
            f"Allowing one more tonne of {m} from {group} in {t} than rule {r} permits "
            f"(at most {share_text(rule.share)})"
        )
    return (
        f"Requiring one more tonne of {m} from {group} in {t} than rule {r} asks "
        f"(at least {share_text(rule.share)})"
    )


def _explain(p: Params, _f: str, index: Index, _limit: Limit) -> Explained:
    r, m, t = index
    rule = first(p.inputs.rules, rule=r)
    word = "at most" if rule.limit == "max_share" else "at least"
    return Explained(
        f"{word} {fmt(rule.share)} of {m} deliveries in {t} from {rule.group_type} {rule.group}",
        (rule_ref(p, r),),
    )


FAMILY = Family(
    name="sourcing_rule",
    number=7,
    index=("r", "m", "t"),
    index_doc="Rules rows r of group_type country, bloc, source_type or source, each "
    "material m they name, each year t in which m can be delivered (in a disruption's "
    "future, after its window)",
    rows=sourcing_rule_rows,
    unit="t",
    dual_sign="free",
    dual_subject=_subject,
    dual_mood="would",
    explain=_explain,
    relax_hint="relax the sourcing rule's share",
    relaxable=True,
)
