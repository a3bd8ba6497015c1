"""Worker processes die with the command (``processes.worker_pool``): stopped by SIGTERM,
or killed outright, ``compare --workers 2`` and ``stress --workers 2`` leave no process
and no temporary file behind.

Each test starts the command on the bundled dataset (its scenarios take tens of
seconds), waits until both workers run, signals the command, and then looks for every
process it had started (found under /proc, Linux only).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/task").is_dir(), reason="finds child processes under /proc"
)

#: How long the command may take to start its workers, and its processes to end [s].
START_S = 180.0
END_S = 15.0


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(c) for c in (task / "children").read_text().split())
        except OSError:  # the task ended meanwhile
            continue
    return found


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        kids = _children(todo.pop()) - found
        found |= kids
        todo.extend(kids)
    return found


def _alive(pid: int) -> bool:
    """Running (a zombie has ended: only its exit status waits to be collected)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _workers(pid: int) -> set[int]:
    """The pool's workers: the children of the command's forkserver."""
    out = set()
    for child in _children(pid):
        try:
            cmd = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"forkserver" in cmd:
            out |= _children(child)
    return out


def _start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], set[int]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "stockpile", *args, "--workers", "2", "-q"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_S
    while len(_workers(proc.pid)) < 2:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the command never ran two workers (exit {proc.poll()})")
        time.sleep(0.2)
    return proc, _descendants(proc.pid)


def _outlived(pids: set[int]) -> set[int]:
    deadline = time.monotonic() + END_S
    while (left := {p for p in pids if _alive(p)}) and time.monotonic() < deadline:
        time.sleep(0.2)
    for p in left:  # do not leave them to the next test
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)
    return left


def _stopped(proc: subprocess.Popen[bytes], how: signal.Signals) -> int:
    proc.send_signal(how)
    try:
        return proc.wait(timeout=END_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


COMMANDS = {
    "compare": ["compare", "-s", "no_recycling", "-s", "budget_cut_30pct", "-o", "out.xlsx"],
    "stress": ["stress", "-n", "600", "-o", "out.xlsx"],
}


@pytest.mark.parametrize("command", ["compare", pytest.param("stress", marks=pytest.mark.slow)])
def test_sigterm_stops_the_workers_and_leaves_no_file(tmp_path, command):
    proc, started = _start(tmp_path, *COMMANDS[command])
    assert len(started) >= 3  # the forkserver and two workers at least
    code = _stopped(proc, signal.SIGTERM)
    assert _outlived(started) == set()  # looked for (and cleared) before any other assert
    assert code == 128 + signal.SIGTERM
    assert os.listdir(tmp_path) == []  # no report, no temporary file


def test_workers_end_when_the_command_is_killed(tmp_path):
    """SIGKILL cannot be caught: the workers notice that the command has gone."""
    proc, started = _start(tmp_path, *COMMANDS["compare"])
    _stopped(proc, signal.SIGKILL)
    assert _outlived(started) == set()
