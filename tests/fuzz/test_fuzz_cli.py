"""Fuzzing the command line with mutated workbooks (issue 15).

Property: whatever a planner's workbook contains, ``stockpile validate``, ``solve``
and ``compare`` end with a documented exit code (validate 0 or 65; solve 0, 10 or
65; compare 0 or 65), print no traceback, print strict JSON with ``--json``, finish
within TIMEOUT_S seconds and MEMORY_BYTES of address space, leave the input's bytes
(and the --scenarios file's) unchanged and leave no file behind but the report they
were asked to write; and a workbook that validate passes is not refused by solve
(without --scenario).

The cases (fuzz_cases.py) start from small valid workbooks and mutate cells, types,
rows, columns, sheets, names and zip entries.

Profiles, chosen with the environment variable STOCKPILE_FUZZ:
- ``ci`` (default, part of the normal suite): 15 examples of a fixed seed (the same
  every run, so CI does not flake on a new find), each command in a fresh
  ``python -m stockpile`` process; under a minute.
- ``long``: 2,000 random examples (STOCKPILE_FUZZ_EXAMPLES=N to change), each
  command in a process forked from a server that has already imported stockpile
  (STOCKPILE_FUZZ_RUNNER=subprocess for fresh interpreters). A failing example does
  not stop the run: every failure is recorded under .hypothesis/fuzz-findings/NAME/
  (NAME from STOCKPILE_FUZZ_RUN, default "last": the command, its output and the
  input workbook, three per class), and the test fails at the end with one line per
  class, also written to summary.txt there. Run it by hand::

      STOCKPILE_FUZZ=long python -m pytest -q tests/fuzz -p no:cacheprovider

Hypothesis keeps its example database in .hypothesis/fuzz (ignored by git).
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_cases import BASES, Case, base_bytes, build_input, build_scenarios, cases
from fuzz_runner import ROOT, ForkServer, Run, run_subprocess
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.database import DirectoryBasedExampleDatabase

PROFILE = os.environ.get("STOCKPILE_FUZZ", "ci")
if PROFILE not in ("ci", "long"):
    raise ValueError(f"STOCKPILE_FUZZ={PROFILE!r}: use ci or long")
LONG = PROFILE == "long"
EXAMPLES = int(os.environ.get("STOCKPILE_FUZZ_EXAMPLES", "0")) or (2000 if LONG else 15)
RUNNER = os.environ.get("STOCKPILE_FUZZ_RUNNER", "fork" if LONG else "subprocess")
TIMEOUT_S = 60.0
MEMORY_BYTES = 3 * 2**30
CI_SEED = 20261130  # the ci profile runs the same examples every time
FINDINGS = ROOT / ".hypothesis" / "fuzz-findings" / os.environ.get("STOCKPILE_FUZZ_RUN", "last")

ALLOWED_EXIT = {"validate": {0, 65}, "solve": {0, 10, 65}, "compare": {0, 65}}
OUTPUTS = {"validate": (), "solve": ("report.xlsx",), "compare": ("compare.xlsx",)}

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=DirectoryBasedExampleDatabase(str(ROOT / ".hypothesis" / "fuzz")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)


# --- running one case ----------------------------------------------------------------------


def commands(case: Case, input_path: Path, out: Path, scenarios: Path | None) -> list[list[str]]:
    """The command lines a case runs, each as argv after ``stockpile``."""
    flag = ["--json"] if case.json_out else []
    quiet = ["-q"] if case.quiet else []
    from_file = ["--scenarios", str(scenarios)] if scenarios else []
    solve = ["solve", str(input_path), "-o", str(out / "report.xlsx"), *quiet, *flag]
    if case.scenario:
        solve += ["--scenario", case.scenario, *from_file]
    runs = [["validate", str(input_path), *flag], solve]
    if case.compare:
        picks = [a for name in case.compare for a in ("-s", name)]
        runs.append(
            ["compare", str(input_path), *picks, "-o", str(out / "compare.xlsx"),
             "--workers", "1", *quiet, *flag, *from_file]
        )  # fmt: skip
    return runs


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def run_problems(run: Run, json_out: bool) -> list[str]:
    """What is wrong with one command's run (empty: nothing)."""
    command = run.argv[0]
    problems = []
    if run.timed_out:
        problems.append(f"timed out after {TIMEOUT_S:.0f} s")
    elif run.returncode not in ALLOWED_EXIT[command]:
        problems.append(f"exit {run.returncode}")
    if "Traceback" in run.stdout or "Traceback" in run.stderr:
        problems.append("traceback")
    if json_out and not run.timed_out:
        try:
            json.loads(run.stdout, parse_constant=_reject_constant)
        except ValueError as exc:
            problems.append(f"stdout is not strict JSON: {str(exc)[:80]}")
    return problems


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def check_case(case: Case, runner: object, tmp: Path) -> tuple[list[dict], list[str], list[str]]:
    """Run the case's commands: each failing run as a dict, the op notes, and each
    run's command and exit code ("solve 10")."""
    data, notes = build_input(case, tmp)
    inbox, work, out = tmp / case.folder, tmp / "work", tmp / "out"
    for folder in (inbox, work, out):
        folder.mkdir(parents=True)
    input_path = inbox / case.file_name
    input_path.write_bytes(data)
    given = {input_path: hashlib.sha256(data).hexdigest()}
    scenarios = None
    if case.scenario_ops is not None:
        scenario_data, scenario_notes = build_scenarios(case, tmp)
        notes += scenario_notes
        scenarios = inbox / "scenarios.xlsx"
        scenarios.write_bytes(scenario_data)
        given[scenarios] = hashlib.sha256(scenario_data).hexdigest()
    failures, exits = [], []
    valid = False
    for argv in commands(case, input_path, out, scenarios):
        run = runner(argv, work, TIMEOUT_S, MEMORY_BYTES)  # type: ignore[operator]
        exits.append(f"{argv[0]} {run.returncode}")
        problems = run_problems(run, case.json_out)
        if argv[0] == "validate":
            valid = run.returncode == 0
        elif argv[0] == "solve" and not case.scenario and valid and run.returncode == 65:
            problems.append("validate said valid, solve said invalid")
        for path, digest in given.items():
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                problems.append(f"{path.name} changed")
        if _listing(inbox) != sorted(p.name for p in given):
            problems.append(f"input folder holds {_listing(inbox)}")
        if _listing(work):
            problems.append(f"working folder holds {_listing(work)}")
        extra = set(_listing(out)) - set(OUTPUTS[run.argv[0]])
        if extra:
            problems.append(f"output folder holds {sorted(extra)}")
        for name in _listing(out):  # the next command starts clean
            (out / name).unlink()
        if problems:
            failures.append(
                {
                    "class": failure_class(argv[0], problems, run.stderr + run.stdout),
                    "argv": list(run.argv),
                    "exit": run.returncode,
                    "seconds": round(run.seconds, 2),
                    "problems": problems,
                    "stdout": run.stdout[-3000:],
                    "stderr": run.stderr[-3000:],
                }
            )
    return failures, notes, exits


_FRAME = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')


def failure_class(command: str, problems: list[str], output: str) -> str:
    """One line naming a class of failure: the command, what went wrong and, for a
    traceback, its exception and the deepest stockpile frame."""
    key = f"{command}: {', '.join(p.split(':')[0] for p in problems)}"
    if "Traceback" in output:
        tail = output[output.rindex("Traceback") :]
        frames = [f for f in _FRAME.findall(tail) if "stockpile" in f[0]]
        error = next(
            (line for line in reversed(tail.strip().splitlines()) if re.match(r"^\w", line)),
            "",
        )
        where = f"{Path(frames[-1][0]).name}:{frames[-1][2]}" if frames else "?"
        key += f" | {error.split(':')[0]} at {where}"
    return key


class Findings:
    """Failures of the long profile, grouped by class, written as they come."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.classes: collections.Counter[str] = collections.Counter()
        self.examples = 0
        self.exits: collections.Counter[str] = collections.Counter()

    def add(self, case: Case, notes: list[str], failures: list[dict], data: bytes) -> None:
        for failure in failures:
            key = failure["class"]
            self.classes[key] += 1
            n = self.classes[key]
            if n > 3:  # three examples of a class are enough to read
                continue
            name = f"{hashlib.sha1(key.encode()).hexdigest()[:8]}-{n}"
            (self.folder / f"{name}.xlsx").write_bytes(data)
            record = {"case": repr(case), "ops": notes, **failure}
            (self.folder / f"{name}.json").write_text(json.dumps(record, indent=1, default=str))

    def summary(self) -> str:
        lines = [f"{self.examples} examples; exit codes {dict(self.exits)}"]
        lines += [f"{n:5d} x {key}" for key, n in self.classes.most_common()]
        return "\n".join(lines)


@pytest.fixture(scope="module")
def runner() -> Iterator[object]:
    if RUNNER == "subprocess":
        yield run_subprocess
        return
    server = ForkServer()
    try:
        yield server.run
    finally:
        server.close()


# --- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("base", BASES)
def test_every_base_is_a_valid_workbook(base: str, runner: object, tmp_path: Path) -> None:
    """The fuzzer starts from valid workbooks: each base validates clean (exit 0)."""
    case = Case(base, raw=None if base != "drawn" else _DRAWN)
    path = tmp_path / "input.xlsx"
    path.write_bytes(base_bytes(case, tmp_path))
    run = runner(["validate", str(path)], tmp_path, TIMEOUT_S, MEMORY_BYTES)  # type: ignore[operator]
    assert (run.returncode, run_problems(run, False)) == (0, []), run.stderr


_DRAWN = (
    {"start_year": 2026, "end_year": 2027},
    {
        "materials": [{"material": "M1"}],
        "countries": [{"country": "C1", "bloc": "allied"}],
        "sources": [
            {"source": "S1", "type": "market", "country": "C1", "cost_usd_per_unit": 5.0,
             "capacity_units_per_yr": 100.0}
        ],
        "source_outputs": [{"source": "S1", "material": "M1", "yield_t_per_unit": 1.0}],
        "sites": [{"site": "L1", "capacity_m3": 10.0}],
        "routes": [{"source": "S1", "site": "L1"}],
    },
)  # fmt: skip


def test_the_checks_catch_what_they_look_for() -> None:
    """The property is not vacuous: a traceback, an undocumented exit code, a timeout
    and non-strict JSON are each reported, and a clean run is not."""
    clean = Run(("solve",), 10, "{}", "", 1.0, False)
    assert run_problems(clean, True) == []
    crashed = Run(("solve",), 1, "", 'Traceback (most recent call last):\n  File "x"', 1.0, False)
    assert run_problems(crashed, False) == ["exit 1", "traceback"]
    assert run_problems(Run(("validate",), 10, "", "", 1.0, False), False) == ["exit 10"]
    hung = Run(("compare",), -9, "", "", 60.0, True)
    assert run_problems(hung, False) == ["timed out after 60 s"]
    nan = Run(("solve",), 0, '{"objective_usd": NaN}', "", 1.0, False)
    assert run_problems(nan, True) == ["stdout is not strict JSON: NaN is not JSON"]
    output = (
        'Traceback (most recent call last):\n  File "/a/stockpile/data/cells.py", '
        "line 3, in number\nValueError: bad\n"
    )
    key = failure_class("solve", ["exit 1", "traceback"], output)
    assert key == "solve: exit 1, traceback | ValueError at cells.py:number"


def test_cli_survives_mutated_workbooks(runner: object) -> None:
    findings = Findings(FINDINGS) if LONG else None

    @SETTINGS
    @given(case=cases())
    def check(case: Case) -> None:
        with tempfile.TemporaryDirectory(prefix="stockpile-fuzz-") as tmp:
            failures, notes, exits = check_case(case, runner, Path(tmp))
            if findings is None:
                assert not failures, json.dumps({"ops": notes, "failures": failures}, indent=1)
                return
            findings.examples += 1
            findings.exits.update(exits)
            if failures:
                data = (Path(tmp) / case.folder / case.file_name).read_bytes()
                findings.add(case, notes, failures, data)

    if not LONG:
        check = seed(CI_SEED)(check)
    check()
    if findings is not None:
        (FINDINGS / "summary.txt").write_text(findings.summary() + "\n")
        assert not findings.classes, findings.summary()
