"""What the commands refuse to write over and to read (README: What the tool refuses,
Files): exit 73 for a destination, 65 for an input, and nothing is changed or left."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stockpile.cli import app
from stockpile.data.template import write_scenario_workbook, write_workbook
from strategies import hand_case

runner = CliRunner()
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")


@pytest.fixture
def hand_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "hand.xlsx"
    write_workbook(path, hand_case())
    return path


def _device(path: Path) -> Path:
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a /dev/null twin
    return path


def _stockpile(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command in its own process: a read that blocks fails by the timeout, not by
    hanging the test run."""
    return subprocess.run(
        [sys.executable, "-m", "stockpile", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "400"},  # table cells unwrapped
    )


def _leftovers(folder: Path, *keep: str) -> list[str]:
    return sorted(set(os.listdir(folder)) - set(keep))


# --- destinations: exit 73, and the destination as it was ------------------------------------


@needs_root
@pytest.mark.parametrize(
    "command",
    [
        ["solve", "{input}", "-q", "-o", "{dest}"],
        ["template", "{dest}", "--force"],
        ["example", "{dest}", "--force"],
        ["compare", "-s", "budget_cut_30pct", "-q", "-o", "{dest}"],
        ["stress", "-n", "2", "-q", "-o", "{dest}"],
        ["solve", "{input}", "-q", "-o", "{folder}/r.xlsx", "--write-lp", "{dest}"],
    ],
    ids=["solve", "template", "example", "compare", "stress", "write-lp"],
)
def test_a_device_node_is_never_replaced(hand_xlsx, tmp_path, command):
    dev = _device(tmp_path / "node.xlsx")
    if command[-1] == "{dest}" and command[-2] == "--write-lp":
        dev = _device(tmp_path / "node.lp")
    args = [a.format(input=hand_xlsx, dest=dev, folder=tmp_path) for a in command]
    result = runner.invoke(app, args)
    assert result.exit_code == 73, result.output
    assert stat.S_ISCHR(os.lstat(dev).st_mode)
    assert "is a device" in result.output and str(dev) in result.output
    assert _leftovers(tmp_path) == sorted({"hand.xlsx", "node.xlsx", dev.name})


def test_a_pipe_a_link_and_a_folder_are_never_replaced(hand_xlsx, tmp_path):
    os.mkfifo(tmp_path / "pipe.xlsx")
    target = tmp_path / "target.xlsx"
    target.write_bytes(b"last week's report")
    (tmp_path / "link.xlsx").symlink_to(target)
    (tmp_path / "dangling.xlsx").symlink_to(tmp_path / "nothing.xlsx")
    (tmp_path / "folder.xlsx").mkdir()
    for name, words in [
        ("pipe.xlsx", "a named pipe"),
        ("link.xlsx", "symbolic link"),
        ("dangling.xlsx", "symbolic link"),
        ("folder.xlsx", "a folder"),
    ]:
        result = runner.invoke(app, ["solve", str(hand_xlsx), "-q", "-o", str(tmp_path / name)])
        assert result.exit_code == 73 and words in result.output, (name, result.output)
        result = runner.invoke(app, ["template", str(tmp_path / name), "--force"])
        assert result.exit_code == 73 and words in result.output, (name, result.output)
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe.xlsx").st_mode)
    assert (tmp_path / "link.xlsx").is_symlink() and target.read_bytes() == b"last week's report"
    assert (tmp_path / "dangling.xlsx").is_symlink() and not (tmp_path / "nothing.xlsx").exists()
    assert os.listdir(tmp_path / "folder.xlsx") == []
    assert _leftovers(tmp_path) == sorted(
        ["hand.xlsx", "pipe.xlsx", "target.xlsx", "link.xlsx", "dangling.xlsx", "folder.xlsx"]
    )


def test_refused_destination_in_json(hand_xlsx, tmp_path):
    os.mkfifo(tmp_path / "pipe.xlsx")
    result = runner.invoke(
        app, ["solve", str(hand_xlsx), "-q", "--json", "-o", str(tmp_path / "pipe.xlsx")]
    )
    assert result.exit_code == 73
    out = json.loads(result.stdout)
    assert out["status"] == "report_not_writable" and "named pipe" in out["message"]


def test_a_report_name_of_250_characters_is_written(hand_xlsx, tmp_path):
    name = "r" * 250 + ".xlsx"  # 255 bytes: the longest name most file systems allow
    result = runner.invoke(app, ["solve", str(hand_xlsx), "-q", "-o", str(tmp_path / name)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / name).read_bytes()[:2] == b"PK"
    assert _leftovers(tmp_path) == sorted(["hand.xlsx", name])


def test_template_over_an_existing_file_needs_force(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"mine")
    result = runner.invoke(app, ["example", str(path)])
    assert result.exit_code == 73 and "--force" in result.output
    assert path.read_bytes() == b"mine"
    assert runner.invoke(app, ["example", str(path), "--force"]).exit_code == 0
    assert path.read_bytes()[:2] == b"PK" and os.listdir(tmp_path) == ["t.xlsx"]


# --- --write-lp ------------------------------------------------------------------------------


def _solve_writing_lp(hand_xlsx, tmp_path, lp):
    """``stockpile solve`` of the hand case with ``--write-lp tmp_path/lp``."""
    out = str(tmp_path / "r.xlsx")
    return runner.invoke(
        app, ["solve", str(hand_xlsx), "-q", "-o", out, "--write-lp", str(tmp_path / lp)]
    )


@pytest.mark.parametrize(
    "lp, words",
    [
        ("model.txt", "only as .lp (CPLEX LP) or .mps, not '.txt'"),
        ("model", "not 'no extension'"),
        ("nowhere/model.lp", "does not exist"),
    ],
)
def test_write_lp_refuses_before_solving(hand_xlsx, tmp_path, lp, words):
    result = _solve_writing_lp(hand_xlsx, tmp_path, lp)
    assert result.exit_code == 73, result.output
    assert words in " ".join(result.output.split())
    assert _leftovers(tmp_path) == ["hand.xlsx"]  # nothing solved, no report


@pytest.mark.parametrize("name", ["model.lp", "model.MPS"])
def test_write_lp_writes_the_model(hand_xlsx, tmp_path, name):
    result = _solve_writing_lp(hand_xlsx, tmp_path, name)
    assert result.exit_code == 0, result.output
    text = (tmp_path / name).read_text()
    # the hand case buys in 2026 and 2027 (MODEL.md): its columns are named after the model
    assert "Buy(" in text
    assert ("ROWS" in text) == name.endswith(".MPS")
    assert _leftovers(tmp_path) == sorted(["hand.xlsx", "r.xlsx", name])


# --- inputs: exit 65 before a byte is read ----------------------------------------------------


READERS = {
    "solve": ["solve", "{input}", "-q", "-o", "r.xlsx"],
    "validate": ["validate", "{input}"],
    "compare": ["compare", "{input}", "-s", "x", "-q", "-o", "c.xlsx"],
    "stress": ["stress", "{input}", "-n", "2", "-q", "-o", "s.xlsx"],
    "scenarios": ["scenarios", "{input}"],
    "solve --scenarios": ["solve", "{hand}", "--scenario", "x", "--scenarios", "{input}", "-q"],
    "scenarios --scenarios": ["scenarios", "--scenarios", "{input}"],
}


def _bad_inputs(folder: Path) -> dict[str, tuple[Path, str]]:
    os.mkfifo(folder / "pipe.xlsx")
    (folder / "zero.xlsx").symlink_to("/dev/zero")
    (folder / "dir.xlsx").mkdir()
    return {
        "pipe": (folder / "pipe.xlsx", "is a named pipe (FIFO)"),
        "/dev/zero": (folder / "zero.xlsx", "is a device"),
        "folder": (folder / "dir.xlsx", "is a folder"),
    }


@pytest.mark.parametrize("command", list(READERS))
def test_every_reader_refuses_a_pipe_a_device_and_a_folder(hand_xlsx, tmp_path, command):
    """A pipe would block a reader forever and /dev/zero never ends: each command exits
    65 at once, naming the file (in a process of its own, so a hang is a timeout)."""
    write_scenario_workbook(tmp_path / "x.xlsx", [])  # unused: the gate comes first
    for what, (path, words) in _bad_inputs(tmp_path).items():
        args = [a.format(input=path, hand=hand_xlsx) for a in READERS[command]]
        done = _stockpile(*args, cwd=tmp_path)
        said = " ".join((done.stdout + done.stderr).split())
        assert done.returncode == 65, (what, said)
        assert words in said and "Traceback" not in said, (what, said)
    assert not {"r.xlsx", "c.xlsx", "s.xlsx"} & set(os.listdir(tmp_path))


def test_an_unreadable_input_is_invalid_input(hand_xlsx, tmp_path, monkeypatch):
    """Exit 65 naming the file. As root chmod 000 stops no read, so the refusal is
    simulated where the gate opens the file."""
    hand_xlsx.chmod(0)
    if os.geteuid() == 0:
        real_open = os.open

        def refuse(name, *args, **kwargs):
            if Path(name) == hand_xlsx:
                raise PermissionError(13, "Permission denied", str(name))
            return real_open(name, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
    report = str(tmp_path / "r.xlsx")
    solved = runner.invoke(app, ["solve", str(hand_xlsx), "-q", "--json", "-o", report])
    checked = runner.invoke(app, ["validate", str(hand_xlsx), "--json"])
    assert solved.exit_code == checked.exit_code == 65
    for problems in (json.loads(solved.stdout)["problems"], json.loads(checked.stdout)):
        (problem,) = problems
        assert problem["message"] == "cannot read the file: Permission denied"
    assert not (tmp_path / "r.xlsx").exists()
