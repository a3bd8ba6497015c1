"""Processes that never outlive the command, and SIGTERM taken like Ctrl-C.

A command stopped with SIGTERM (``kill``, a container or job scheduler stopping it)
should leave what Ctrl-C leaves: no temporary file and no worker process. Python
turns Ctrl-C into ``KeyboardInterrupt``, which runs every ``finally`` and ``except
BaseException`` on its way out; SIGTERM's default action ends the process at once.
``terminate_as_exit`` raises ``SystemExit(143)`` (128 + SIGTERM, what a shell reports)
on SIGTERM instead, so both signals take the same clean-up path.

Worker pools come from ``worker_pool``: the pool's workers are stopped when the block
is left by an exception (a signal included), and each worker also watches the
command's process and exits when it ends, however it ended (SIGKILL too). Workers
forked by the forkserver are its children, not the command's, so the kernel's
parent-death signal alone would not reach them: the watch is on the command's pid.
Standard library only.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

#: The exit code of a command stopped by SIGTERM (what a shell reports for it).
TERMINATED = 128 + signal.SIGTERM
#: How long stopped workers get to end before they are killed [s].
STOP_GRACE_S = 2.0
#: Linux prctl option: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


@contextlib.contextmanager
def terminate_as_exit() -> Iterator[None]:
    """While the block runs, SIGTERM raises ``SystemExit(TERMINATED)`` in the main thread;
    the previous handler is restored after. A second SIGTERM during the clean-up meets
    the previous handler (by default: the process ends at once). Off the main thread,
    where Python cannot install handlers, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)

    def stop(signum: int, _frame: Any) -> None:
        signal.signal(signal.SIGTERM, _restorable(previous))
        raise SystemExit(TERMINATED)

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, _restorable(previous))


def _restorable(handler: Any) -> Any:
    # getsignal answers None for a handler installed from C; the default is the best guess.
    return signal.SIG_DFL if handler is None else handler


@contextlib.contextmanager
def worker_pool(
    workers: int,
    *,
    preload: Sequence[str] = (),
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes that never outlives this one.

    Workers start from a forkserver that has imported ``preload`` (else they are
    spawned). Leaving the block normally waits for the work; leaving it by an exception
    (SIGTERM or Ctrl-C included) cancels what has not started and stops the workers.
    Each worker runs ``initializer(*initargs)`` after it starts watching this process.
    """
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(preload),
        initializer=_start_worker,
        initargs=(os.getpid(), initializer, initargs),
    )
    with terminate_as_exit():
        try:
            yield pool
        except BaseException:
            stop_pool(pool)
            raise
        pool.shutdown(wait=True)


def _context(preload: Sequence[str]) -> Any:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has already imported the model and HiGHS.
        ctx.set_forkserver_preload(list(preload))
        return ctx
    return multiprocessing.get_context("spawn")


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel the pool's pending work and end its workers now (SIGTERM, then SIGKILL
    for any still running after ``STOP_GRACE_S``)."""
    # ProcessPoolExecutor names its workers only in _processes (terminate_workers() is
    # Python 3.14+); a pool that never started any has none.
    workers = list((getattr(pool, "_processes", None) or {}).values())
    for proc in workers:
        with contextlib.suppress(Exception):
            proc.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_GRACE_S
    for proc in workers:
        with contextlib.suppress(Exception):
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join(STOP_GRACE_S)


def _start_worker(
    parent: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    exit_with(parent)
    if initializer is not None:
        initializer(*initargs)


def exit_with(pid: int) -> None:
    """End this process when process ``pid`` ends (a worker: when the command ends,
    whatever ended it). A daemon thread waits on a pidfd where Linux has them, else
    checks every second; the kernel's parent-death signal is set too, for the direct
    parent. Call it early: if ``pid`` has already gone, this process ends at once."""
    die_with_parent()
    fd = None
    if hasattr(os, "pidfd_open"):
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            os._exit(1)
        except OSError:  # a kernel before 5.3
            fd = None
    thread = threading.Thread(target=_watch, args=(pid, fd), name="exit-with", daemon=True)
    thread.start()


def _watch(pid: int, fd: int | None) -> None:
    if fd is not None:
        waiter = select.poll()
        waiter.register(fd, select.POLLIN)
        waiter.poll()  # readable once the process has ended
        os._exit(1)
    while True:
        time.sleep(1.0)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # alive, only not ours to signal
            pass


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (nothing elsewhere). A
    parent that died before the request leaves this process adopted: it ends now."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
