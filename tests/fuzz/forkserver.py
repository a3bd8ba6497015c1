"""Fork server for the fuzzing harness (see fuzz_runner.ForkServer).

Reads one JSON request per line on stdin ({argv, cwd, timeout, mem_bytes, stdout,
stderr}), forks a child that runs ``stockpile`` with ``argv`` exactly as
``python -m stockpile`` would, and answers one JSON line {returncode, seconds,
timed_out}. The imports happen once, here, before any fork; nothing here starts a
thread or a solver, so forking is safe.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import signal
import sys
import time
import traceback

# What the commands import lazily, imported once before forking.
import stockpile.cli
import stockpile.pipeline
import stockpile.reports.excel
import stockpile.scenarios.commands
import stockpile.scenarios.runner
import stockpile.solver.highs


def _child(req: dict) -> None:
    """Become ``python -m stockpile *argv``; never returns."""
    code = 1
    try:
        os.setpgid(0, 0)
        resource.setrlimit(resource.RLIMIT_AS, (req["mem_bytes"], req["mem_bytes"]))
        os.chdir(req["cwd"])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        for fd, path in ((1, req["stdout"]), (2, req["stderr"])):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
        # the child's own text streams on the new fds (never closed: os._exit ends it)
        sys.stdin = io.TextIOWrapper(open(0, "rb", closefd=False), encoding="utf-8")  # noqa: SIM115
        sys.stdout = io.TextIOWrapper(open(1, "wb", closefd=False), encoding="utf-8")  # noqa: SIM115
        sys.stderr = io.TextIOWrapper(
            open(2, "wb", closefd=False),  # noqa: SIM115
            encoding="utf-8",
            errors="backslashreplace",
        )
        sys.argv = ["stockpile", *req["argv"]]
        try:
            stockpile.cli.main()
            code = 0
        except SystemExit as exc:
            # as the interpreter does: None is 0, an int is the code, else print it, 1
            if exc.code is None:
                code = 0
            elif isinstance(exc.code, int):
                code = exc.code
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except BaseException:
            traceback.print_exc()
            code = 1
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code & 0xFF)


def _serve(req: dict) -> dict:
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(req)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # also done by the child: whichever runs first
    deadline = start + req["timeout"]
    timed_out = False
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            break
        time.sleep(0.005)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)  # anything the command left running
    code = os.waitstatus_to_exitcode(status)
    return {"returncode": code, "seconds": time.monotonic() - start, "timed_out": timed_out}


def main() -> None:
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(_serve(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
