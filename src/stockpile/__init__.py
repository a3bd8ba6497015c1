"""Least-cost planning of a strategic critical-minerals stockpile."""

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
    """The installed version of stockpile-optimizer ("unknown" when running from a source
    tree that is not installed)."""
    try:
        return version("stockpile-optimizer")
    except PackageNotFoundError:
        return "unknown"
