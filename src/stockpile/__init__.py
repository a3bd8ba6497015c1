"""Least-cost planning of a strategic critical-minerals stockpile.

The Python API is ``stockpile.api`` (``import stockpile.api as sp``). Its names are not
re-exported here: ``stockpile.scenarios`` and ``stockpile.stress`` are subpackages, so
``stockpile.scenarios`` could not also be the function ``scenarios``.
"""

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
    """The installed version of stockpile-optimizer ("unknown" when running from a source
    tree that is not installed)."""
    try:
        return version("stockpile-optimizer")
    except PackageNotFoundError:
        return "unknown"
