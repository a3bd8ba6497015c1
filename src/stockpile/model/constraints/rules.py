"""Rules: sourcing shares by group and dispersion of stock over sites."""

from __future__ import annotations

from stockpile.model.lp import LP, Index, Row


def sourcing_rule_rows(lp: LP) -> dict[Index, Row]:
    """sourcing_rule[r,m,t]: del_G[m,t] <= share * del[m,t] (max_share) or >= (min_share) [t].

    del[m,t] is every tonne of m delivered into stock in year t, del_G the part from
    sources in the rule's group (matched by source id, source type, country or bloc).
    Index: Rules rows of group_type country, bloc, source_type or source, each
    material they name ("*" = every material separately), each year in which m can be
    delivered at all. Written as del_G - share * del <= 0 (or >= 0).
    Dual [USD/t]: the change in cost if the group were allowed one more tonne
    (max_share, <= 0) or had to deliver one more tonne (min_share, >= 0).
    """
    p = lp.params
    ship = lp.ship
    by_mt = lp.lookups.ship_by_mt
    rows = {}
    for rule in p.inputs.rules:
        if rule.group_type == "site":
            continue
        in_group = {s: p.source_matches(s, rule.group_type, rule.group) for s in p.SOURCES}
        for m in p.rule_materials(rule.material):
            for t in p.YEARS:
                ships = by_mt.get((m, t))
                if not ships:
                    continue  # nothing of m can be delivered in t: nothing to constrain
                cols = [ship[s, m, l, t] for s, l in ships]
                coefs = [(1.0 if in_group[s] else 0.0) - rule.share for s, _ in ships]
                if rule.limit == "max_share":
                    rows[rule.rule, m, t] = Row(cols, coefs, None, 0.0)
                else:
                    rows[rule.rule, m, t] = Row(cols, coefs, 0.0, None)
    return rows


def site_dispersion_rows(lp: LP) -> dict[Index, Row]:
    """site_dispersion[r,m,l,t]: Stock[m,l,t] <= share * sum_l' Stock[m,l',t] [t].

    For Rules rows of group_type site (max_share only), every material named, every
    site of the group ("*" = every site) open in t; the sum runs over sites open in t.
    With fewer than 1/share sites open this forces zero stock. Written as
    Stock[m,l,t] - share * sum_l' Stock[m,l',t] <= 0.
    Dual [USD/t]: the change in cost if one more tonne could sit at l (<= 0).
    """
    p = lp.params
    stock = lp.stock
    rows = {}
    for rule in p.inputs.rules:
        if rule.group_type != "site":
            continue
        for m in p.rule_materials(rule.material):
            for t in p.YEARS:
                open_now = p.open_sites(t)
                cols = [stock[m, k, t] for k in open_now]
                for l in open_now:
                    if rule.group in ("*", l):
                        coefs = [(1.0 if k == l else 0.0) - rule.share for k in open_now]
                        rows[rule.rule, m, l, t] = Row(cols, coefs, None, 0.0)
    return rows
