"""Where the tool may write, and writing there so that nothing is lost.

Every file the tool writes (solve, compare and stress reports, the template, the
example, ``--write-lp``) goes through ``write_atomically``, which keeps one rule
(``check_destination``): it writes only a new name or over a regular file. A folder,
a device (``/dev/null``), a named pipe, a socket or a symbolic link is never replaced:
replacing a device node by a file would break the machine's device, and replacing a
link would silently cut it. Links are refused rather than written through: the planner
names the file itself (``realpath`` tells it), so the tool never writes somewhere the
command line did not name.

The file is written under a short temporary name in the same folder (so a legal name
of 255 characters still works, and the rename cannot cross file systems) and renamed
over the destination only when complete. An error, Ctrl-C or SIGTERM removes the
temporary file; the old file stays as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from stockpile.processes import terminate_as_exit

#: What a refused destination's message tells the planner to do.
CHOOSE_ANOTHER = "Choose another file name (the tool writes only new or regular files)."
#: What a failed write's message tells the planner to do.
CLOSE_OR_CHOOSE = "Close it in Excel or choose another file name."


class CannotWrite(Exception):
    """A file could not be written at ``path``: ``reason`` says why and ``fix`` what to
    do, in words (the command line exits 73)."""

    def __init__(self, path: str | os.PathLike[str], reason: str, fix: str = CLOSE_OR_CHOOSE):
        self.path = Path(path)
        self.reason = reason
        self.fix = fix
        super().__init__(f"cannot write {self.path}: {reason}")


def check_destination(path: Path, *, replace: bool = True) -> None:
    """Raise ``CannotWrite`` unless a file may be written at ``path``: a new name in an
    existing folder, or (when ``replace``) an existing regular file."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        found = None
    except NotADirectoryError:
        raise CannotWrite(path, "a part of its folder path is a file, not a folder") from None
    except OSError as exc:
        raise CannotWrite(path, reason(exc)) from exc
    if found is None:
        folder = path.parent
        if not folder.is_dir():
            raise CannotWrite(path, f"the folder {folder} does not exist", CHOOSE_ANOTHER)
        return
    mode = found.st_mode
    if stat.S_ISLNK(mode):
        target = os.readlink(path)
        raise CannotWrite(
            path,
            f"it is a symbolic link (to {target}); the tool does not write through links",
            "Give the path of the file itself, or another file name.",
        )
    if not stat.S_ISREG(mode):
        raise CannotWrite(path, f"the destination is {kind(mode)}, not a file", CHOOSE_ANOTHER)
    if not replace:
        raise CannotWrite(path, "it already exists", "Choose another file name.")


def kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words ("a folder", "a device", ...)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def write_atomically(
    path: str | os.PathLike[str], write: Callable[[Path], object], *, replace: bool = True
) -> None:
    """Call ``write(tmp)`` to write the file's content to a temporary file next to
    ``path``, then rename it to ``path``. ``CannotWrite`` when ``check_destination``
    refuses ``path`` or an ``OSError`` stops the write; any other exception of ``write``
    is raised as it is. Either way the temporary file is gone and ``path`` is untouched.

    An existing file keeps its permissions; a new one gets the usual ``0o666 & ~umask``.
    """
    path = Path(path)
    check_destination(path, replace=replace)
    with terminate_as_exit():
        try:
            # mkstemp: a name no one else holds; the suffix keeps the file's extension
            # for writers that choose the format by it (HiGHS).
            fd, name = tempfile.mkstemp(
                prefix=".stockpile-", suffix=temp_suffix(path), dir=path.parent
            )
        except OSError as exc:
            raise CannotWrite(path, reason(exc)) from exc
        os.close(fd)
        tmp = Path(name)
        try:
            write(tmp)
            os.chmod(tmp, _new_file_mode(path))
            check_destination(path, replace=replace)  # again: it may have changed meanwhile
            os.replace(tmp, path)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                raise CannotWrite(path, reason(exc)) from exc
            raise


def temp_suffix(path: Path) -> str:
    """``.tmp`` and the destination's extension when it has a short one (``.tmp.xlsx``)."""
    suffix = path.suffix
    return f".tmp{suffix}" if 1 < len(suffix) <= 8 else ".tmp"


def reason(exc: OSError) -> str:
    """Why a write failed, in words."""
    if isinstance(exc, IsADirectoryError):
        return "the destination is a folder"
    if isinstance(exc, PermissionError):
        return "permission denied (is the file open in Excel, or the folder read-only?)"
    if isinstance(exc, FileNotFoundError):
        return "the folder does not exist"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return exc.strerror or str(exc)


def _new_file_mode(path: Path) -> int:
    """Keep an existing file's permissions; a new one gets the usual 0o666 & ~umask."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
