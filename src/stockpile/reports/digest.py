"""A short, planner-facing digest of a solved plan, in Markdown.

The README's "What the default run says" section is this digest of the bundled
dataset; tests/regression/test_readme_digest.py checks that the README still matches a
fresh run (``STOCKPILE_UPDATE=1 pytest tests/regression/test_readme_digest.py``
rewrites it). Numbers are rounded to what a planner
reads (3 significant figures, whole percent) so the text is stable across machines.
"""

from __future__ import annotations

from collections import defaultdict

from stockpile.data.params import Params
from stockpile.result import SolveResult


def _sig(x: float, digits: int = 3) -> str:
    """3 significant figures with thousands separators: 95,000; 15,400; 0.0185."""
    if x == 0:
        return "0"
    rounded = float(f"{x:.{digits}g}")
    return f"{rounded:,.0f}" if abs(rounded) >= 10 ** (digits - 1) else f"{rounded:,.{digits}g}"


def _usd(x: float) -> str:
    if abs(x) >= 1e9:
        return f"{_sig(x / 1e9)} bn USD"
    if abs(x) >= 1e6:
        return f"{_sig(x / 1e6)} M USD"
    return f"{_sig(x)} USD"


def digest_markdown(params: Params, result: SolveResult) -> str:
    """What the plan buys, from where, what the seabed source adds, and what security
    costs at the margin (shadow prices)."""
    p = params
    if not result.has_plan:
        return f"The run ended with status `{result.status}`: {result.message}\n"
    first, last = p.YEARS[0], p.YEARS[-1]
    parts = result.parts
    lines = [
        f"Status `{result.status}`. The plan costs **{_usd(result.objective_usd or 0.0)}** "
        f"over {first}-{last}, discounted to {first}: purchases {_usd(parts['purchase_usd'])}, "
        f"transport {_usd(parts['transport_usd'])}, holding {_usd(parts['holding_usd'])}, "
        f"minus resale income {_usd(parts['resale_usd'])}, plus an expected shortfall "
        f"penalty of {_usd(parts['shortfall_penalty_usd'])}.",
        "",
        f"| material | delivered {first}-{last} (t) | sources carrying it (share of deliveries) |",
        "|---|---:|---|",
    ]
    delivered: dict[tuple[str, str], float] = defaultdict(float)
    for (s, m, _l, _t), v in result.values["Ship"].items():
        delivered[m, s] += v
    for m in p.MATERIALS:
        total = sum(v for (mm, _), v in delivered.items() if mm == m)
        shares = sorted(
            ((v / total, s) for (mm, s), v in delivered.items() if mm == m and total > 0),
            reverse=True,
        )
        carried = ", ".join(f"{s} {share:.0%}" for share, s in shares if share >= 0.005)
        lines.append(f"| {m} | {_sig(total)} | {carried or 'none'} |")

    seabed = [s for s in p.SOURCES if p.source_type[s] == "seabed"]
    if seabed:
        lines += ["", "**What the seabed source contributes.**"]
        for s in seabed:
            bought = {t: v for (ss, t), v in result.values["Buy"].items() if ss == s and v > 1e-6}
            if not bought:
                lines.append(f"`{s}` is not used.")
                continue
            stocked = []
            for m in p.outputs[s]:
                total = sum(v for (mm, _), v in delivered.items() if mm == m)
                mine = delivered.get((m, s), 0.0)
                if total > 0 and mine > 0:
                    stocked.append(f"{m} {_sig(mine)} t ({mine / total:.0%} of all {m})")
            resold = [
                f"{m} {_sig(v)} t"
                for m in p.outputs[s]
                if (
                    v := sum(
                        x
                        for (ss, mm, _), x in result.values["Surplus"].items()
                        if ss == s and mm == m
                    )
                )
                > 0.5
            ]
            years = f"{min(bought)}-{max(bought)}"
            lines.append(
                f"`{s}` is bought in {years} ({_sig(sum(bought.values()))} "
                f"{_activity_unit(p, s)} in all) and stockpiles "
                + (", ".join(stocked) or "nothing")
                + (f"; it resells {', '.join(resold)}." if resold else ".")
            )

    lines += ["", "**The price of security** (shadow prices, discounted USD):", ""]
    targets = result.rows.get("stock_target", {})
    best: dict[str, tuple[float, int]] = {}
    for (m, t), row in targets.items():
        if row.dual is not None and row.dual > 1e-6 and row.dual > best.get(m, (0.0, 0))[0]:
            best[m] = (row.dual, t)
    if best:
        lines.append(
            "- The dearest tonne of stock target per material: "
            + "; ".join(
                f"{m} {_sig(d)} USD/t ({t})"
                for m, (d, t) in sorted(best.items(), key=lambda kv: -kv[1][0])
            )
            + "."
        )
    budget = {
        t: row.dual
        for (t,), row in result.rows.get("budget", {}).items()
        if row.dual is not None and row.dual < -1e-9
    }
    if budget:
        lines.append(
            "- The budget binds in "
            + ", ".join(f"{t} ({-d:.3f} USD saved per extra USD)" for t, d in budget.items())
            + "."
        )
    covers = [
        (row.dual, d, m)
        for (d, m), row in result.rows.get("disruption_cover", {}).items()
        if row.dual is not None and row.dual > 1e-6
    ]
    if covers:
        lines.append(
            "- Disruptions that cost extra stock: "
            + "; ".join(
                f"{d} / {m} {_sig(y)} USD per t of need" for y, d, m in sorted(covers, reverse=True)
            )
            + "."
        )
    return "\n".join(lines) + "\n"


def _activity_unit(p: Params, s: str) -> str:
    src = next(x for x in p.inputs.sources if x.source == s)
    return src.activity_unit
