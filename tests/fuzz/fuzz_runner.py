"""Run one ``stockpile`` command the way a user's shell would, with a time and memory
limit, and capture what it printed.

Two runners give the same ``Run``:

- ``run_subprocess``: ``python -m stockpile ARGS`` in a fresh interpreter (the real
  thing: imports, exit code, tracebacks). About 0.5 s of every run is imports.
- ``ForkServer``: a helper process (``forkserver.py``) imports stockpile once and forks
  a child per command; the child sets the limits, points fd 1 and 2 at files, and runs
  ``stockpile.cli.main()`` as ``python -m stockpile`` does. Each command still gets its
  own process (exit code, crash, traceback and memory are its own) without paying for
  the imports, which makes the long profile about twice as fast.

Both put the command in its own process group, so a timeout kills the worker processes
it started too.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
SERVER = Path(__file__).with_name("forkserver.py")


@dataclass(frozen=True)
class Run:
    argv: tuple[str, ...]
    returncode: int  # negative: killed by that signal
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool


def child_env() -> dict[str, str]:
    """The environment of a run: this checkout's sources first, no colour codes, a
    fixed terminal width (so output does not depend on who runs the tests)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
    env.update(NO_COLOR="1", TERM="dumb", COLUMNS="120", PYTHONIOENCODING="utf-8")
    env.pop("FORCE_COLOR", None)
    return env


def _limit_memory(mem_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))


def run_subprocess(argv: list[str], cwd: Path, timeout: float, mem_bytes: int) -> Run:
    """``python -m stockpile *argv`` in ``cwd``, killed (with its children) after
    ``timeout`` seconds, its address space capped at ``mem_bytes``."""
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "stockpile", *argv],
        cwd=cwd,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=lambda: _limit_memory(mem_bytes),
    )
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # anything the command left running
    return Run(
        tuple(argv),
        proc.returncode,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        time.monotonic() - start,
        timed_out,
    )


class ForkServer:
    """A running ``forkserver.py``: ``run`` has ``run_subprocess``'s signature."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, str(SERVER)],
            env=child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        ready = self._proc.stdout.readline()  # type: ignore[union-attr]
        if ready.strip() != "ready":
            raise RuntimeError(f"fork server did not start: {ready!r}")

    def run(self, argv: list[str], cwd: Path, timeout: float, mem_bytes: int) -> Run:
        capture = cwd.parent / f".{cwd.name}-capture"
        capture.mkdir(exist_ok=True)
        request = {
            "argv": argv,
            "cwd": str(cwd),
            "timeout": timeout,
            "mem_bytes": mem_bytes,
            "stdout": str(capture / "stdout"),
            "stderr": str(capture / "stderr"),
        }
        self._proc.stdin.write(json.dumps(request) + "\n")  # type: ignore[union-attr]
        self._proc.stdin.flush()  # type: ignore[union-attr]
        reply = json.loads(self._proc.stdout.readline())  # type: ignore[union-attr]
        return Run(
            tuple(argv),
            reply["returncode"],
            (capture / "stdout").read_bytes().decode("utf-8", "replace"),
            (capture / "stderr").read_bytes().decode("utf-8", "replace"),
            reply["seconds"],
            reply["timed_out"],
        )

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._proc.stdin.close()  # type: ignore[union-attr]
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
