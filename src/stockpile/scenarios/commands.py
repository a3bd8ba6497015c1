"""What ``stockpile solve --scenario`` and ``stockpile compare`` do, and the scenario
checks of ``stockpile validate``, without the CLI.

Scenario names are looked up in a ``--scenarios FILE`` workbook first, then in the
input workbook's own Scenarios sheet, then among the bundled scenarios; the first place
that defines a name wins (``find_scenarios`` reports where each came from).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stockpile.data.bundle import BUNDLED, BUNDLED_LABEL
from stockpile.data.inputs import Inputs
from stockpile.data.problems import InputError, Problem
from stockpile.scenarios.apply import apply_scenario, apply_scenario_traced
from stockpile.scenarios.overrides import SHEET, Change, Scenario
from stockpile.scenarios.runner import BASE, OnDone, Outcome, run_scenarios
from stockpile.scenarios.sheet import read_scenarios
from stockpile.solver.highs import SolveOptions
from stockpile.text import describe, skeleton


def _places(
    input_path: Path | None, scenarios_file: Path | None
) -> list[tuple[str, dict[str, Scenario]]]:
    """Where scenario names are looked up, in order: (where, name -> scenario)."""
    from stockpile.scenarios.bundled import bundled_scenarios

    places: list[tuple[str, dict[str, Scenario]]] = []
    if scenarios_file is not None:
        places.append((str(scenarios_file), read_scenarios(scenarios_file, required=True)))
    if input_path is not None:
        places.append((input_path.name, read_scenarios(input_path)))
    places.append(("bundled", bundled_scenarios()))
    return places


def list_scenarios(
    input_path: Path | None = None, scenarios_file: Path | None = None
) -> list[Scenario]:
    """Every scenario ``--scenario`` can name: those of ``scenarios_file``, then of the
    input's Scenarios sheet, then the bundled ones (a name defined twice: the first)."""
    found: dict[str, Scenario] = {}
    for where, defined in _places(input_path, scenarios_file):
        for name, scenario in defined.items():
            if name not in found:
                origin = scenario.origin or where
                found[name] = Scenario(scenario.name, scenario.overrides, origin)
    return list(found.values())


def find_scenarios(
    names: Sequence[str], input_path: Path | None, scenarios_file: Path | None
) -> list[Scenario]:
    """The scenarios called ``names``, in that order; ``InputError`` for an unknown name
    or a Scenarios sheet that cannot be read."""
    places = _places(input_path, scenarios_file)
    found, problems = [], []
    asked: dict[str, str] = {}
    for name in names:
        was = asked.setdefault(skeleton(name), name)
        if was != name:
            problems.append(
                Problem(
                    f"scenarios {describe(was)} and {describe(name)} differ only in case or "
                    "look; the comparison would take them for one name",
                    "Compare one of them, or rename one in its Scenarios sheet.",
                    sheet=SHEET,
                    value=name,
                )
            )
            continue
        hit = next((defined[name] for _, defined in places if name in defined), None)
        if name == BASE:
            problems.append(
                Problem(
                    f"'{BASE}' is the unchanged input, always solved first; it cannot be a "
                    "scenario name",
                    "Rename the scenario.",
                    sheet=SHEET,
                    value=name,
                )
            )
        elif hit is None:
            known = "; ".join(
                f"{where}: {', '.join(defined) or '(none)'}" for where, defined in places
            )
            problems.append(
                Problem(
                    f"no scenario named '{name}'",
                    f"Use a scenario defined in a Scenarios sheet or bundled ({known}). "
                    "Names are case-sensitive.",
                    sheet=SHEET,
                    value=name,
                )
            )
        else:
            found.append(hit)
    if problems:
        raise InputError(problems)
    return found


def validate_workbook(path: Path) -> list[Problem]:
    """Read and check a workbook, then apply every scenario of its Scenarios sheet (if
    any), so that a bad override is found by ``validate``, not only when it is solved.
    Returns the warnings; ``InputError`` lists the problems."""
    from stockpile.pipeline import load

    inputs, warnings = load(path)
    problems: list[Problem] = []
    for scenario in read_scenarios(path).values():
        try:
            apply_scenario(inputs, scenario)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return warnings


def load_base(input_path: Path | None) -> tuple[Inputs, list[Problem], dict[str, Any]]:
    """The base inputs, their warnings and what the provenance says about them.

    No input: the bundled default workbook, as for ``stockpile solve``.
    """
    from stockpile.pipeline import load, sha256

    path = input_path if input_path is not None else BUNDLED
    if not path.exists():
        raise InputError([Problem(f"file not found: {path}", "Check the path and the file name.")])
    inputs, warnings = load(path)
    name = path.name if input_path is not None else BUNDLED_LABEL
    return inputs, warnings, {"input_file": name, "input_sha256": sha256(path)}


@dataclass
class Comparison:
    """What ``stockpile compare`` produced."""

    outcomes: list[Outcome]
    scenarios: list[Scenario]
    warnings: list[Problem]
    provenance: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    input_path: Path | None = None  # the base workbook (the bundled one when none was given)
    #: scenario -> every input value it changed (workbook value and scenario value)
    changes: dict[str, list[Change]] = field(default_factory=dict)


def prepare(
    input_path: Path | None, names: Sequence[str], scenarios_file: Path | None
) -> tuple[
    list[tuple[str, Inputs]],
    list[Scenario],
    list[Problem],
    dict[str, Any],
    dict[str, list[Change]],
]:
    """Read the base, find and apply every scenario: ``InputError`` lists every bad
    override of every scenario at once; nothing is solved before all are valid. Returns
    the tasks, the scenarios, the warnings, the base's facts (for the provenance) and the
    values each scenario changed."""
    base, warnings, facts = load_base(input_path)
    scenarios = find_scenarios(list(dict.fromkeys(names)), input_path, scenarios_file)
    tasks: list[tuple[str, Inputs]] = [(BASE, base)]
    problems: list[Problem] = []
    changes: dict[str, list[Change]] = {}
    for s in scenarios:
        try:
            inputs, changes[s.name] = apply_scenario_traced(base, s)
            tasks.append((s.name, inputs))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return tasks, scenarios, warnings, facts, changes


def compare(
    input_path: Path | None,
    names: Sequence[str],
    output: Path,
    options: SolveOptions,
    *,
    scenarios_file: Path | None = None,
    workers: int = 1,
    dask: Any = None,
    on_start: Any = lambda _n: None,
    on_done: OnDone | None = None,
) -> Comparison:
    """Solve the base and every scenario and write the comparison workbook.

    Raises ``InputError`` (bad input or override: nothing solved), ``files.CannotWrite``
    (checked before solving too, so a bad ``output`` fails fast) and
    ``runner.ScaleOutError`` (Dask unreachable).
    """
    from stockpile.files import check_destination
    from stockpile.pipeline import run_facts
    from stockpile.scenarios.compare import write_comparison

    started = datetime.now(UTC)
    tick = time.perf_counter()
    tasks, scenarios, warnings, facts, changes = prepare(input_path, names, scenarios_file)
    check_destination(output)
    on_start(len(tasks))
    outcomes = run_scenarios(tasks, options, workers=workers, dask=dask, on_done=on_done)
    provenance: dict[str, Any] = {
        **facts,
        "scenarios": ", ".join(f"{s.name} ({s.origin or 'code'})" for s in scenarios),
        "started_utc": started.isoformat(timespec="seconds"),
        "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_time_s": round(time.perf_counter() - tick, 3),
        "run_on": f"Dask cluster {dask}" if dask is not None else f"{workers} worker process(es)",
        **run_facts(options.highs_options()),
    }
    write_comparison(outcomes, output, scenarios=scenarios, provenance=provenance, changes=changes)
    return Comparison(
        outcomes,
        scenarios,
        warnings,
        provenance,
        output,
        input_path=input_path or BUNDLED,
        changes=changes,
    )
