"""The import rules of the code base (STYLE.md), checked on the source text.

- No module imports an underscore name from another module, nor reaches one through a
  module it imported (``reader._cell``): what a module shares, it names publicly.
- Imports point one way: data/ and reports/ never import Pyomo or the solver; model/
  never opens a file; only model/pyomo.py and the solver's Pyomo hand-over import Pyomo.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "stockpile"
MODULES = sorted(SRC.rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _imported_modules(tree: ast.Module) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_underscore_names_from_other_modules(path):
    tree = _tree(path)
    aliases: set[str] = set()  # names bound to our own modules
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("stockpile"):
            for alias in node.names:
                assert not alias.name.startswith("_"), f"imports {node.module}.{alias.name}"
                aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("stockpile"):
                    aliases.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            raise AssertionError(f"reaches {node.value.id}.{node.attr} (line {node.lineno})")


@pytest.mark.parametrize(
    "package", ["data", "reports"], ids=lambda p: f"{p}/ imports neither Pyomo nor the solver"
)
def test_data_and_reports_stay_apart_from_pyomo_and_the_solver(package):
    for path in sorted((SRC / package).rglob("*.py")):
        for module in _imported_modules(_tree(path)):
            assert not module.startswith(("pyomo", "highspy", "stockpile.solver")), (
                f"{path.relative_to(SRC)} imports {module}"
            )


def test_pyomo_is_imported_only_where_the_pyomo_model_is_made_or_handed_over():
    users = {
        str(path.relative_to(SRC))
        for path in MODULES
        if any(m.startswith("pyomo") for m in _imported_modules(_tree(path)))
    }
    assert users <= {"model/pyomo.py", "solver/highs.py", "solver/policy.py"}, users


def test_the_model_never_opens_a_file():
    for path in sorted((SRC / "model").rglob("*.py")):
        text = path.read_text()
        for pattern in (
            r"(?<![\w.])open\(",
            r"\.(read|write)_(text|bytes)\(",
            "openpyxl",
            "to_excel",
        ):
            assert not re.search(pattern, text), f"{path.relative_to(SRC)} matches {pattern}"
