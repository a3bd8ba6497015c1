"""The stall guard of solver/highs.py: it stops a simplex whose iteration rate collapsed and
leaves alone one that merely slows down. Driven by a fake clock and fake events."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from stockpile.solver import highs


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Event:
    def __init__(self) -> None:
        self.data_out = SimpleNamespace(simplex_iteration_count=0)
        self.interrupted = False

    def interrupt(self, value: bool = True) -> None:
        self.interrupted = value


def drive(monkeypatch, rates: list[tuple[float, float]]) -> tuple[highs.StallGuard, float | None]:
    """Feed the guard events every 0.1 s: ``rates`` is (seconds, iterations per second)
    stretches in order. Returns the guard and when it interrupted (None: never)."""
    clock = Clock()
    monkeypatch.setattr(highs.time, "monotonic", clock)
    guard = highs.StallGuard()
    event, done = Event(), 0.0
    for seconds, rate in rates:
        for _ in range(round(seconds / 0.1)):
            clock.now += 0.1
            done += rate * 0.1
            event.data_out.simplex_iteration_count = int(done)
            guard(event)
            if event.interrupted:
                return guard, clock.now
    return guard, None


def test_a_collapse_to_one_percent_is_a_stall(monkeypatch):
    # the measured case: thousands of iterations a second, then a handful
    guard, when = drive(monkeypatch, [(1.5, 2000), (60, 4)])
    assert guard.stalled and when is not None
    # slow from the first window that ends after the drop (<= 1.5 + 3 s), stopped once
    # it has stayed slow for the guard's patience (6 s)
    assert 1.5 + 6 <= when <= 1.5 + 3 + 6 + 1


def test_a_large_lp_slowing_a_hundredfold_with_pauses_is_left_alone(monkeypatch):
    # the version-2 XL instance: 9,000 iterations a second in phase 1, then about 100,
    # with a 2.5 s refactorisation pause every 10 s (0.3 % of the best window's rate)
    phase2 = [(7.5, 100), (2.5, 0)] * 20
    guard, when = drive(monkeypatch, [(30, 9000), *phase2])
    assert not guard.stalled and when is None


def test_a_short_pause_is_not_a_stall_but_a_long_one_is(monkeypatch):
    _, when = drive(monkeypatch, [(10, 5000), (5, 0), (30, 5000)])
    assert when is None
    _, when = drive(monkeypatch, [(10, 5000), (12, 0), (30, 5000)])
    assert when is not None and 10 + 6 <= when <= 10 + 3 + 6 + 1


def test_a_solve_that_slows_down_tenfold_is_left_alone(monkeypatch):
    guard, when = drive(monkeypatch, [(10, 5000), (10, 2000), (40, 500)])
    assert not guard.stalled and when is None


@pytest.mark.parametrize("seconds", [1, 4.9])
def test_nothing_is_stopped_before_min_seconds(monkeypatch, seconds):
    _, when = drive(monkeypatch, [(0.5, 2000), (seconds - 0.5, 0)])
    assert when is None
