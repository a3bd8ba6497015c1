"""The objective: discounted cost of the plan, in five named parts."""

from __future__ import annotations

from stockpile.model.lp import LP

#: The parts of the objective; resale is income and is subtracted.
PARTS = ("purchase", "transport", "holding", "resale", "shortfall_penalty")


def objective_parts(lp: LP) -> dict[str, dict[int, float]]:
    """total_cost = purchase + transport + holding - resale + shortfall_penalty [USD].

    Every part is discounted to start_year with delta_t = (1 + rate)^-(t - t0); the
    shortfall penalty of disruption d is weighted by its probability and discounted
    from its start year. Returns, per part, the coefficient of each column.
    """
    p = lp.params
    start = {d.disruption: d.start_year for d in p.inputs.disruptions}
    return {
        "purchase": {col: p.delta[t] * p.cost_usd_per_unit[s, t] for (s, t), col in lp.buy.items()},
        "transport": {
            col: p.delta[t] * p.route_usd_per_t[s, l] for (s, _m, l, t), col in lp.ship.items()
        },
        "holding": {
            col: p.delta[t] * p.holding_usd_per_t_yr[l] for (_m, l, t), col in lp.stock.items()
        },
        "resale": {
            col: p.delta[t] * p.resale_usd_per_t[m] for (_s, m, t), col in lp.surplus.items()
        },
        "shortfall_penalty": {
            col: p.probability[d] * p.delta[start[d]] * p.penalty_usd_per_t[m]
            for (d, m), col in lp.unmet.items()
        },
    }
