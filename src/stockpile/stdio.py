"""Where native code's prints go.

HiGHS prints its banner on file descriptor 1 from C++, past Python's ``sys.stdout``;
``contextlib.redirect_stdout`` cannot catch it. The command line, the scenario workers
and the solver all point fd 1 elsewhere for a while with ``redirect_native_stdout``.
Standard library only, so that every module can import it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Literal


@contextlib.contextmanager
def redirect_native_stdout(to: Literal["stderr", "devnull"] = "stderr") -> Iterator[None]:
    """Point the process's stdout file descriptor at stderr (``--json`` keeps stdout for
    its one object) or at /dev/null (silence) while the block runs, then restore it.

    Python's buffered stdout is flushed before and after, so its text lands where it was
    written. Without a real stdout descriptor (embedded use) nothing is redirected.
    """
    try:
        stream = sys.__stdout__
        fd = stream.fileno() if stream is not None else 1
        _flush()
        saved = os.dup(fd)
    except (OSError, ValueError):
        yield
        return
    try:
        with open(os.devnull, "wb") if to == "devnull" else contextlib.nullcontext() as sink:
            os.dup2(sink.fileno() if sink is not None else 2, fd)
            yield
    finally:
        _flush()
        os.dup2(saved, fd)
        os.close(saved)


def _flush() -> None:
    for stream in {id(s): s for s in (sys.stdout, sys.__stdout__) if s is not None}.values():
        with contextlib.suppress(Exception):
            stream.flush()
