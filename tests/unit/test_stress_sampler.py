"""The sampler of ``stockpile stress`` (stress/uncertainty.py): its draws follow the
distributions the DisruptionTypes describe, and the same seed gives the same samples.

The statistical tests use fixed seeds and a generous significance level (a p-value
below 1e-3 fails): with a fixed seed each test is deterministic, and a correct sampler
passes it with probability 0.999 over seeds. The expected distributions are written
from the sheet's definition alone: a type starts an event in each year independently
with probability p, so its first start is year t0 + j with probability (1 - p)^j p and
there is none in a horizon of T years with probability (1 - p)^T; durations are whole
years each as likely; multipliers and availabilities are uniform on their range.
"""

from __future__ import annotations

import math

import pytest

from stockpile.stress.uncertainty import (
    DisruptionType,
    Draw,
    TypeImpact,
    Uncertainty,
    draw,
    first_start,
    listed,
)

T0, END = 2026, 2040
LEVEL = 1e-3


# --- p-values, without scipy ------------------------------------------------------------
def _gamma_q(a: float, x: float) -> float:
    """The regularized upper incomplete gamma function Q(a, x) (Numerical Recipes 6.2)."""
    if x <= 0:
        return 1.0
    gln = math.lgamma(a)
    if x < a + 1:  # series for P
        term = total = 1.0 / a
        ap = a
        for _ in range(10_000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return 1.0 - total * math.exp(-x + a * math.log(x) - gln)
    b = x + 1 - a  # continued fraction for Q
    c = 1 / 1e-300
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1e-300 if abs(d) < 1e-300 else d
        c = b + an / c
        c = 1e-300 if abs(c) < 1e-300 else c
        d = 1 / d
        h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return math.exp(-x + a * math.log(x) - gln) * h


def chi2_pvalue(observed: list[int], expected_p: list[float]) -> float:
    n = sum(observed)
    stat = sum((o - n * p) ** 2 / (n * p) for o, p in zip(observed, expected_p, strict=True))
    return _gamma_q((len(observed) - 1) / 2, stat / 2)


def ks_pvalue(values: list[float], low: float, high: float) -> float:
    """Kolmogorov-Smirnov test against uniform(low, high) (asymptotic distribution)."""
    xs = sorted(values)
    n = len(xs)
    d = max(
        max((i + 1) / n - (x - low) / (high - low), (x - low) / (high - low) - i / n)
        for i, x in enumerate(xs)
    )
    lam = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * d
    if lam < 1.0:  # the Jacobi form converges where the alternating series does not
        tail = sum(
            math.exp(-((2 * j - 1) ** 2) * math.pi**2 / (8 * lam * lam)) for j in range(1, 50)
        )
        return 1.0 - math.sqrt(2 * math.pi) / lam * tail
    return min(
        1.0, 2 * sum((-1) ** (j - 1) * math.exp(-2 * j * j * lam * lam) for j in range(1, 101))
    )


def test_the_p_values_are_right() -> None:
    """Q(a, x) against closed forms: chi-square with 2 dof has sf exp(-x/2)."""
    assert _gamma_q(1.0, 3.0) == pytest.approx(math.exp(-3.0), rel=1e-12)
    assert _gamma_q(1.0, 0.5) == pytest.approx(math.exp(-0.5), rel=1e-12)
    # 1 dof: sf(x) = erfc(sqrt(x/2))
    assert _gamma_q(0.5, 2.0) == pytest.approx(math.erfc(math.sqrt(2.0)), rel=1e-10)
    assert ks_pvalue([(i + 0.5) / 1000 for i in range(1000)], 0, 1) == pytest.approx(1.0)
    # both forms agree where they meet; a clearly non-uniform sample fails
    assert ks_pvalue([(i / 1000) ** 1.2 for i in range(1000)], 0, 1) < LEVEL


# --- the description ----------------------------------------------------------------------
def kind(
    name: str = "ban",
    p: float = 0.1,
    duration: tuple[int, int] = (1, 4),
    mult: tuple[float, float] = (1.0, 1.5),
    pmult: tuple[float, float] = (1.0, 2.0),
    impacts: tuple[TypeImpact, ...] = (TypeImpact("*", "country", "CN", (0.2, 0.6)),),
) -> DisruptionType:
    return DisruptionType(name, p, duration, mult, pmult, impacts)


def sample(types: tuple[DisruptionType, ...], n: int, seed: int = 7) -> list[Draw]:
    u = Uncertainty(T0, END, types)
    return [draw(u, seed, i) for i in range(n)]


N = 6000


@pytest.fixture(scope="module")
def one_type() -> list[Draw]:
    return sample((kind(),), N)


def test_first_start_is_geometric(one_type: list[Draw]) -> None:
    """P(first start = t0 + j) = 0.9^j 0.1 for j = 0..14, P(none) = 0.9^15."""
    years = list(range(T0, END + 1))
    counts = [sum(d.start_year == t for d in one_type) for t in years]
    counts.append(sum(d.start_year is None for d in one_type))
    expected = [0.9**j * 0.1 for j in range(len(years))] + [0.9 ** len(years)]
    assert sum(expected) == pytest.approx(1.0)
    assert chi2_pvalue(counts, expected) > LEVEL


def test_durations_are_whole_years_each_as_likely(one_type: list[Draw]) -> None:
    durations = [d.detail["ban"][1] for d in one_type]
    assert set(durations) == {1, 2, 3, 4}
    assert chi2_pvalue([durations.count(k) for k in (1, 2, 3, 4)], [0.25] * 4) > LEVEL


def test_multipliers_and_availabilities_are_uniform(one_type: list[Draw]) -> None:
    mult = [d.detail["ban"][2] for d in one_type]
    pmult = [d.detail["ban"][3] for d in one_type]
    avail = [d.detail["ban"][4][0] for d in one_type]
    assert min(mult) >= 1.0 and max(mult) <= 1.5
    assert min(avail) >= 0.2 and max(avail) <= 0.6
    assert ks_pvalue(mult, 1.0, 1.5) > LEVEL
    assert ks_pvalue(pmult, 1.0, 2.0) > LEVEL
    assert ks_pvalue(avail, 0.2, 0.6) > LEVEL


def test_a_struck_sample_carries_its_type_draws(one_type: list[Draw]) -> None:
    for d in one_type[:200]:
        start, duration, mult, pmult, avail = d.detail["ban"]
        if d.disrupted:
            assert (d.start_year, d.duration_years) == (start, duration)
            assert (d.demand_multiplier, d.price_multiplier) == (mult, pmult)
            assert d.impacts == (("*", "country", "CN", avail[0]),)
            assert d.types == ("ban",)
        else:
            assert d.impacts == () and d.types == ()


def test_two_types_none_first_and_later() -> None:
    """Two independent types: no disruption with probability 0.9^15 * 0.95^15; type a
    strikes first (alone or together) with the probability that its first start is at
    most b's; the other's later event is named in ``later``."""
    a, b = kind("a", 0.1), kind("b", 0.05, impacts=())
    draws = sample((a, b), N, seed=11)
    none = sum(not d.disrupted for d in draws)
    p_none = 0.9**15 * 0.95**15
    z = (none - N * p_none) / math.sqrt(N * p_none * (1 - p_none))
    assert abs(z) < 3.5
    for d in draws:
        starts = {k: v[0] for k, v in d.detail.items() if v[0] is not None}
        if not starts:
            continue
        first = min(starts.values())
        assert d.start_year == first
        assert set(d.types) == {k for k, s in starts.items() if s == first}
        assert set(d.later) == {k for k, s in starts.items() if s > first}


def test_types_that_start_together_strike_as_one() -> None:
    """Probability 1: both start in t0, with the longest duration, the largest
    multipliers and both types' impact rows."""
    a = kind("a", 1.0, duration=(2, 2), mult=(1.1, 1.1), pmult=(1.5, 1.5))
    b = kind(
        "b",
        1.0,
        duration=(3, 3),
        mult=(1.3, 1.3),
        pmult=(1.2, 1.2),
        impacts=(TypeImpact("Co", "country", "CD", (0.4, 0.4)),),
    )
    (d,) = sample((a, b), 1)
    assert d.start_year == T0 and d.types == ("a", "b") and d.later == ()
    assert d.duration_years == 3
    assert (d.demand_multiplier, d.price_multiplier) == (1.3, 1.5)
    assert d.impacts[-1] == ("Co", "country", "CD", 0.4)
    assert len(d.impacts) == 2


def test_first_start_by_inversion() -> None:
    assert first_start(0.0, 0.1, T0) == T0
    assert first_start(0.5, 0.0, T0) is None
    assert first_start(0.99, 1.0, T0) == T0
    # P(G > 1) = 0.9: u just below 0.1 gives the first year, just above the second
    assert first_start(0.0999, 0.1, T0) == T0
    assert first_start(0.1001, 0.1, T0) == T0 + 1


def test_the_same_seed_gives_the_same_samples() -> None:
    """Sample i depends on (seed, i) only: drawn alone, in another order, or among
    others, it is the same; another seed gives others."""
    u = Uncertainty(T0, END, (kind("a", 0.2), kind("b", 0.1)))
    forward = [draw(u, 3, i) for i in range(50)]
    backward = [draw(u, 3, i) for i in reversed(range(50))][::-1]
    assert forward == backward
    assert [d.detail for d in forward] == [d.detail for d in backward]
    assert draw(u, 3, 17) == forward[17]
    other = [draw(u, 4, i) for i in range(50)]
    assert [d.detail for d in other] != [d.detail for d in forward]


def test_listed_disruptions_become_draws() -> None:
    from hand import check_b

    (d,) = listed(check_b())
    assert d == Draw(0, 2027, 1, 1.0, 1.0, (("*", "country", "CN", 0.0),), ("ban",))
