"""The docs site builds in strict mode, its generated pages match the code, and every
public API name is documented with its units."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import stockpile.api as sp
from stockpile.docgen import PAGES, cli_page

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

#: Words that say a unit (or that a value has none: a count, a status, a share).
UNIT = re.compile(
    r"USD|\[t\]|\bt\b|tonnes|m3|\[s\]|\bunits?\b|fraction|share|%|count|"
    r"no unit|status|\[yr\]|\bx\b|years?\b",
)


@pytest.mark.parametrize("rel", sorted(PAGES))
def test_generated_pages_match_the_code(rel: str) -> None:
    """docs/reference/*.md are what `python -m stockpile.docgen docs` writes now."""
    page = (DOCS / rel).read_text(encoding="utf-8")
    assert page == PAGES[rel](), f"docs/{rel} is stale: run `python -m stockpile.docgen docs`"


def test_cli_reference_lists_every_command_and_option() -> None:
    """Independent of the generator's layout: every command of `stockpile --help` and
    every option name of each command's `--help` is on the page."""
    page = cli_page()
    helps = subprocess.run(
        [sys.executable, "-m", "stockpile", "--help"], capture_output=True, text=True
    ).stdout
    commands = re.findall(
        r"^\W*\s(template|example|validate|solve|compare|scenarios|stress)\s", helps, flags=re.M
    )
    assert set(commands) == {
        "template",
        "example",
        "validate",
        "solve",
        "compare",
        "scenarios",
        "stress",
    }
    for command in set(commands):
        assert f"## stockpile {command}\n" in page
        text = subprocess.run(
            [sys.executable, "-m", "stockpile", command, "--help"],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"},
        ).stdout
        for option in set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", text)) - {"--help"}:
            assert f"{option}" in page, (command, option)


def _public_members(obj: type) -> list[tuple[str, object]]:
    return [
        (name, member)
        for name, member in vars(obj).items()
        if not name.startswith("_")
        and (callable(member) or isinstance(member, property | type(sp.Solution.tables)))
    ]


def test_every_public_api_name_has_a_docstring_with_units() -> None:
    """Every name of stockpile.api.__all__ and every public member of its result classes
    has a docstring; those that return a quantity or a frame say its unit."""
    missing, unitless = [], []
    names = [(n, getattr(sp, n)) for n in sp.__all__]
    for cls in (sp.Solution, sp.StressResult):
        names += [(f"{cls.__name__}.{n}", m) for n, m in _public_members(cls)]
        names += [
            (f"{cls.__name__}.{f}", None)
            for f in cls.__dataclass_fields__  # fields
        ]
    source = inspect.getsource(sp)
    for name, obj in names:
        if obj is None:  # a dataclass field: its docstring is the string after it
            field = name.split(".")[1]
            match = re.search(rf"\n    {field}: [^\n]+\n    \"\"\"(.+?)\"\"\"", source, re.S)
            doc = match[1] if match else ""
        elif isinstance(obj, str):  # BASE: the string after its assignment
            match = re.search(rf"\n{name}: str = [^\n]+\n\"\"\"(.+?)\"\"\"", source, re.S)
            doc = match[1] if match else ""
        else:
            target = obj.fget if isinstance(obj, property) else getattr(obj, "func", obj)
            doc = inspect.getdoc(target) or ""
        if not doc.strip():
            missing.append(name)
            continue
        returns = ""
        target = getattr(obj, "fget", None) or getattr(obj, "func", None) or obj
        if callable(target) and not isinstance(target, type):
            returns = str(inspect.signature(target).return_annotation)
        if re.search(r"float|DataFrame|dict\[str, float\]|int\b", returns) and not UNIT.search(doc):
            unitless.append(name)
    assert not missing, f"undocumented public names: {missing}"
    assert not unitless, f"docstrings without a unit: {unitless}"


def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    """`mkdocs build --strict`: a broken link, a missing page or anchor, an unresolved
    API reference or a docstring mkdocstrings cannot parse fails the build. The built
    API page holds every public name."""
    site = tmp_path / "site"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(site),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WARNING" not in done.stderr, done.stderr[-3000:]
    api = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    for name in sp.__all__:
        if name in ("InputError", "Problem", "Override", "Scenario", "Inputs"):
            continue  # documented where they are defined (below on the same page)
        assert f'id="stockpile.api.{name}"' in api, name
    for name in ("Solution.stock_paths", "Solution.coverage", "StressResult.vss_usd"):
        assert f'id="stockpile.api.{name}"' in api, name
    for page in ("reference/workbook", "reference/cli", "guide/model", "python", "contract"):
        assert (site / page / "index.html").exists(), page
    assert (site / "examples" / "stock-and-sweep.ipynb").exists()
