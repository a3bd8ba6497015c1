"""site_dispersion (MODEL.md family 8): no site holds more than a share of a material."""

from __future__ import annotations

from stockpile.data.params import Params
from stockpile.model.families.sourcing_rule import rule_ref, rule_years
from stockpile.model.family import Explained, Family, Limit, first, fmt, share_text
from stockpile.model.lp import LP, Future, Index, Row


def site_dispersion_rows(lp: LP, future: Future) -> dict[Index, Row]:
    """site_dispersion[r,m,l,t]: Stock[m,l,t] <= share * sum_l' Stock[m,l',t] [t].

    For Rules rows of group_type site (max_share only), every material named, every
    site of the group ("*" = every site) open in t; the sum runs over sites open in t
    (in a disruption's future: after its window). With fewer than 1/share sites open
    this forces zero stock. Written as Stock[m,l,t] - share * sum_l' Stock[m,l',t] <= 0.
    Dual [USD/t]: the change in cost if one more tonne could sit at l (<= 0).
    """
    p = lp.params
    stock = lp.path(future, "Stock")
    years = rule_years(lp, future)
    rows = {}
    for rule in p.inputs.rules:
        if rule.group_type != "site":
            continue
        for m in p.rule_materials(rule.material):
            for t in years:
                open_now = p.open_sites(t)
                cols = [stock[m, k, t] for k in open_now]
                for l in open_now:
                    if rule.group in ("*", l):
                        coefs = [(1.0 if k == l else 0.0) - rule.share for k in open_now]
                        rows[future.key((rule.rule, m, l, t))] = Row(cols, coefs, None, 0.0)
    return rows


def _subject(p: Params, _f: str, index: Index) -> str:
    r, m, l, t = index
    share = share_text(first(p.inputs.rules, rule=r).share)
    return (
        f"Letting one more tonne of {m} sit at {l} in {t} than rule {r} permits "
        f"(at most {share} per site)"
    )


def _explain(p: Params, _f: str, index: Index, _limit: Limit) -> Explained:
    r, m, l, t = index
    rule = first(p.inputs.rules, rule=r)
    n_open = len(p.open_sites(t))
    return Explained(
        f"at most {fmt(rule.share)} of {m} stock at {l} ({n_open} site(s) open in {t})",
        (rule_ref(p, r),),
    )


FAMILY = Family(
    name="site_dispersion",
    number=8,
    index=("r", "m", "l", "t"),
    index_doc="Rules rows r of group_type site, each material m named, each site l of "
    "the group open in year t (in a disruption's future, after its window)",
    rows=site_dispersion_rows,
    unit="t",
    dual_sign="<= 0",
    dual_subject=_subject,
    dual_mood="would",
    explain=_explain,
    relax_hint="open more sites or raise the dispersion share",
    relaxable=True,
)
