"""Regression tests for what the fuzzing harness found (tests/fuzz/FINDINGS.md), each
the smallest case that failed before its fix.

F1 was fixed by wt-numbers (``console.shown``: user text escaped before rich reads
markup), except the progress bar of ``compare``, fixed here.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from stockpile import console
from stockpile.cli import app
from workbooks import write_valid

runner = CliRunner()


@pytest.fixture(scope="module")
def valid_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_valid(tmp_path_factory.mktemp("valid") / "input.xlsx", writer="zip")


def _squashed(text: str) -> str:
    """``text`` without whitespace: rich wraps long lines (and folds long paths) at
    its width, so a message is compared with its spaces and line breaks taken out."""
    return "".join(text.split())


def _in_folder(valid: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    return Path(shutil.copy(valid, folder / "input.xlsx"))


# F1: rich read the input's path as markup. "[draft]" vanished from the message
# ("Plans /input.xlsx is valid") and a "[/" in a path ("x[/y]": folder "x[" holding
# folder "y]") raised rich.errors.MarkupError: a traceback and exit 1.


@pytest.mark.parametrize("folder", ["Plans [draft]", "x[/y]", "in [bold]"])
def test_validate_prints_the_path_as_written(valid_xlsx: Path, tmp_path: Path, folder: str) -> None:
    path = _in_folder(valid_xlsx, tmp_path / folder)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0
    assert _squashed(f"{path} is valid") in _squashed(result.stderr)


def test_solve_of_bad_input_names_the_path_as_written(tmp_path: Path) -> None:
    path = tmp_path / "x[" / "y]" / "input.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a workbook")
    result = runner.invoke(app, ["solve", str(path), "-o", str(tmp_path / "r.xlsx"), "-q"])
    assert result.exit_code == 65
    assert _squashed(f"in {path}; nothing was solved") in _squashed(result.stderr)


def test_input_not_found_names_the_path_as_written(tmp_path: Path) -> None:
    path = tmp_path / "a[" / "b]" / "missing.xlsx"
    result = runner.invoke(app, ["solve", str(path), "-o", str(tmp_path / "r.xlsx"), "-q"])
    assert result.exit_code == 65
    assert _squashed(str(path)) in _squashed(result.stderr)


def test_compare_progress_shows_a_scenario_name_as_written(monkeypatch) -> None:
    """A scenario's name comes from the workbook: "[/]" is a name, not markup (the
    progress bar is drawn only on a terminal, so the fuzzer's runs never show it)."""
    screen = io.StringIO()
    monkeypatch.setattr(
        console, "err", Console(file=screen, force_terminal=True, width=100, color_system=None)
    )

    class Done:
        name = "[/]"
        status = "optimal"

    with console.compare_progress(quiet=False) as (started, done):
        started(1)
        done(Done())
    assert "Solved [/]: optimal" in screen.getvalue()


# F2: one damaged byte in a compressed part (here the first byte of
# [Content_Types].xml's deflate data) made zipfile raise zlib.error in the input gate:
# a traceback and exit 1 from validate, solve and compare instead of exit 65.


def _damaged(valid: Path, tmp_path: Path) -> Path:
    with zipfile.ZipFile(valid) as zf:
        first = zf.infolist()[0]
    data = bytearray(valid.read_bytes())
    name_len, extra_len = struct.unpack(
        "<HH", data[first.header_offset + 26 : first.header_offset + 30]
    )
    data[first.header_offset + 30 + name_len + extra_len] ^= 0xFF
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf, pytest.raises(zlib.error):
        zf.read(first)  # the damage is where the test means it to be
    return path


@pytest.mark.parametrize("command", ["validate", "solve", "compare"])
def test_a_damaged_compressed_part_is_invalid_input(
    valid_xlsx: Path, tmp_path: Path, command: str
) -> None:
    path = _damaged(valid_xlsx, tmp_path)
    args = {
        "validate": [],
        "solve": ["-o", str(tmp_path / "r.xlsx"), "-q"],
        "compare": ["-s", "x", "-o", str(tmp_path / "c.xlsx"), "-q"],
    }[command]
    result = runner.invoke(app, [command, str(path), *args, "--json"])
    assert result.exit_code == 65, result.exception
    problems = json.loads(result.stdout)
    problems = problems if isinstance(problems, list) else problems["problems"]
    assert [p["message"].split(":")[0] for p in problems] == [
        "the file is damaged or not a workbook"
    ]
