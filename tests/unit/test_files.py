"""Where the tool writes (``files``), what it reads (``safety.check_input``) and SIGTERM
taken like Ctrl-C (``processes.terminate_as_exit``), without a solve."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from stockpile.data.problems import InputError
from stockpile.data.safety import check_file, check_input
from stockpile.data.schema import Limits
from stockpile.files import CannotWrite, check_destination, write_atomically
from stockpile.pipeline import sha256
from stockpile.processes import TERMINATED, terminate_as_exit

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")


def _device(path: Path) -> Path:
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a /dev/null twin
    return path


@pytest.fixture
def short_dir():
    """A folder with a short path: a socket's path must fit in 108 bytes."""
    with tempfile.TemporaryDirectory(prefix="sp-") as folder:
        yield Path(folder)


# --- the destination rule ----------------------------------------------------------------


def test_new_names_and_regular_files_may_be_written(tmp_path):
    check_destination(tmp_path / "new.xlsx")
    (tmp_path / "old.xlsx").write_bytes(b"old")
    check_destination(tmp_path / "old.xlsx")
    with pytest.raises(CannotWrite, match="already exists"):
        check_destination(tmp_path / "old.xlsx", replace=False)


def test_a_folder_a_pipe_and_a_socket_are_refused(tmp_path, short_dir):
    (tmp_path / "folder.xlsx").mkdir()
    os.mkfifo(tmp_path / "pipe.xlsx")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(short_dir / "s.xlsx"))
    try:
        for path, words in [
            (tmp_path / "folder.xlsx", "a folder"),
            (tmp_path / "pipe.xlsx", "a named pipe"),
            (short_dir / "s.xlsx", "a socket"),
        ]:
            with pytest.raises(CannotWrite) as err:
                check_destination(path)
            assert words in err.value.reason and err.value.path == path
    finally:
        sock.close()


@needs_root
def test_a_device_is_refused(tmp_path):
    with pytest.raises(CannotWrite, match="a device"):
        check_destination(_device(tmp_path / "null"))


def test_links_are_refused_even_to_a_regular_file(tmp_path):
    target = tmp_path / "target.xlsx"
    target.write_bytes(b"keep")
    for name, points_to in [("good", target), ("dangling", tmp_path / "gone"), ("dir", tmp_path)]:
        link = tmp_path / f"{name}.xlsx"
        link.symlink_to(points_to)
        with pytest.raises(CannotWrite, match="symbolic link"):
            check_destination(link)


def test_a_missing_folder_or_a_file_as_folder_is_refused(tmp_path):
    with pytest.raises(CannotWrite, match="does not exist"):
        check_destination(tmp_path / "nowhere" / "r.xlsx")
    (tmp_path / "plain").write_bytes(b"")
    with pytest.raises(CannotWrite, match="is a file, not a folder"):
        check_destination(tmp_path / "plain" / "r.xlsx")


# --- writing -------------------------------------------------------------------------------


def test_the_temporary_file_is_short_and_beside_the_destination(tmp_path):
    path = tmp_path / ("r" * 250 + ".xlsx")  # 255 bytes: the longest legal name
    seen: list[Path] = []

    def write(tmp: Path) -> None:
        seen.append(tmp)
        tmp.write_bytes(b"new")

    write_atomically(path, write)
    assert path.read_bytes() == b"new"
    (tmp,) = seen
    assert tmp.parent == tmp_path and len(tmp.name) <= 40 and tmp.name.endswith(".xlsx")
    assert os.listdir(tmp_path) == [path.name]


@needs_root
def test_refused_destinations_are_left_as_they_were(tmp_path):
    dev = _device(tmp_path / "null")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "target").write_bytes(b"keep")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    for name in ("null", "pipe", "link"):
        with pytest.raises(CannotWrite):
            write_atomically(tmp_path / name, lambda tmp: tmp.write_bytes(b"new"))
    assert stat.S_ISCHR(os.lstat(dev).st_mode)
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe").st_mode)
    assert (tmp_path / "link").is_symlink() and (tmp_path / "target").read_bytes() == b"keep"
    assert sorted(os.listdir(tmp_path)) == ["link", "null", "pipe", "target"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary_one(tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"old")

    def full(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(CannotWrite, match="disk is full"):
        write_atomically(path, full)

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise ValueError("not a number")

    with pytest.raises(ValueError, match="not a number"):  # not a write failure: as it is
        write_atomically(path, broken)
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["r.xlsx"]


def test_a_new_file_gets_the_usual_permissions_and_an_old_one_keeps_its_own(tmp_path):
    umask = os.umask(0o022)
    try:
        write_atomically(tmp_path / "new.xlsx", lambda tmp: tmp.write_bytes(b"x"))
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.xlsx").stat().st_mode) == 0o644
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"old")
    old.chmod(0o600)
    write_atomically(old, lambda tmp: tmp.write_bytes(b"x"))
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


def _run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sigterm_while_the_report_is_written_removes_the_temporary_file(tmp_path):
    """The writer stops itself with SIGTERM half-way: the command exits 143 (128 +
    SIGTERM) and neither a report nor a temporary file is left."""
    done = _run(
        """
        import os, signal, time
        from xlsxwriter.workbook import Workbook
        from stockpile.reports.excel import write_report
        import pandas as pd

        def stopped(self):
            with open(self.filename, "wb") as f:
                f.write(b"PK half a workbook")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(30)

        Workbook._store_workbook = stopped
        write_report({"Summary": pd.DataFrame({"a": [1]})}, "report.xlsx")
        """,
        tmp_path,
    )
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert os.listdir(tmp_path) == []


def test_terminate_as_exit_raises_and_restores_the_handler():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stopped, terminate_as_exit():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)  # the handler interrupts the wait
    assert stopped.value.code == TERMINATED == 143
    assert signal.getsignal(signal.SIGTERM) == before


# --- the input gate ------------------------------------------------------------------------


def _problem(path: Path, limits: Limits | None = None) -> str:
    (problem,) = check_input(path, limits) if limits else check_input(path)
    return problem.message


def test_the_gate_refuses_what_is_not_a_readable_regular_file(tmp_path):
    (tmp_path / "folder.xlsx").mkdir()
    os.mkfifo(tmp_path / "pipe.xlsx")
    (tmp_path / "zero.xlsx").symlink_to("/dev/zero")
    (tmp_path / "gone.xlsx").symlink_to(tmp_path / "nothing.xlsx")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert "is a folder" in _problem(tmp_path / "folder.xlsx")
    assert "is a named pipe (FIFO)" in _problem(tmp_path / "pipe.xlsx")
    assert "(a link to /dev/zero) is a device" in _problem(tmp_path / "zero.xlsx")
    assert "a link to a missing file" in _problem(tmp_path / "gone.xlsx")
    assert "file not found" in _problem(tmp_path / "missing.xlsx")
    assert "empty" in _problem(tmp_path / "empty.xlsx")
    assert "only .xlsx" in _problem(tmp_path / "book.csv")


def test_the_gate_checks_the_size_before_reading(tmp_path):
    big = tmp_path / "big.xlsx"
    with big.open("wb") as f:
        f.truncate(2048)  # sparse: no byte is written, none needs reading
    assert "2,048 bytes, more than the limit of 1,000" in _problem(big, Limits(max_file_bytes=1000))
    huge = tmp_path / "huge.xlsx"
    with huge.open("wb") as f:
        f.truncate(Limits().max_file_bytes + 1)
    with pytest.raises(InputError, match="more than the limit"):
        sha256(huge)  # refused before a byte is hashed


def test_a_folder_is_never_hashed(tmp_path):
    (tmp_path / "x.xlsx").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        sha256(tmp_path / "x.xlsx")


def test_an_unreadable_file_is_refused(tmp_path, monkeypatch):
    """As root chmod 000 stops no read, so the refusal is simulated where the gate opens."""
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"PK\x03\x04")
    path.chmod(0)
    if os.geteuid() == 0:
        real_open = os.open

        def refuse(name, *args, **kwargs):
            if Path(name) == path:
                raise PermissionError(13, "Permission denied", str(name))
            return real_open(name, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
    assert "cannot read the file: Permission denied" in _problem(path)
    assert [p.message for p in check_file(path)] == [_problem(path)]
