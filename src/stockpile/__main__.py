"""``python -m stockpile``: the same command as ``stockpile``."""

from stockpile.cli import main

main()
