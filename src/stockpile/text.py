"""User text as the terminal and the messages show it: control characters escaped,
invisible and look-alike characters named, the nearest valid name suggested.

A workbook cell can hold anything XML can: a C1 control such as U+009B (CSI, which a
terminal may read as the start of an escape sequence), U+202E (right-to-left
override, which turns the rest of the line around), line breaks, a zero-width space, a
Cyrillic "С" that looks like a Latin "C". Printed raw, they garble the terminal or
make "Sites has no site 'L1'" look like a contradiction. Every console print of user
text goes through ``printable``; messages about an id the workbook does not define
describe it with ``describe`` and suggest the valid one with ``suggest``.
"""

from __future__ import annotations

import difflib
import math
import unicodedata
from collections.abc import Iterable
from typing import Any

#: Unicode categories that do not print as themselves: controls (C0, DEL, C1), format
#: characters (zero-width spaces and joiners, bidi overrides), line and paragraph
#: separators, private use, surrogates and unassigned code points.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})

#: Letters that look like Latin ones (Cyrillic and Greek capitals and small letters
#: drawn the same in common fonts); NFKC folds full-width forms, this folds the rest.
_LOOKALIKE = str.maketrans(
    "АВЕКМНОРСТХаеорсухіјѕԁԛԝ"  # Cyrillic
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοντ",  # Greek
    "ABEKMHOPCTXaeopcyxijsdqwABEZHIKMNOPTYXovt",
)


#: Names of the control characters Python's unicodedata leaves unnamed.
_CONTROL_NAMES = {
    0x09: "CHARACTER TABULATION",
    0x0A: "LINE FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x9B: "CONTROL SEQUENCE INTRODUCER",
}


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in _HIDDEN and ch != " "


def printable(text: Any) -> str:
    """``text`` with every control, format or invisible character written as a Python
    escape (\\x1b, \\u202e, \\n), so that it prints as what it is and cannot act on
    the terminal. Other text is unchanged."""
    s = str(text)
    if all(ch.isprintable() or ch == " " for ch in s):
        return s
    out = []
    for ch in s:
        if _hidden(ch) or not (ch.isprintable() or ch == " "):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _plain(ch: str) -> bool:
    """A character that reads unambiguously: printable ASCII."""
    return " " <= ch <= "~"


def describe(text: str) -> str:
    """``text`` quoted, and when it holds anything but printable ASCII, what it is made
    of: "'Сo' (U+0421 CYRILLIC CAPITAL LETTER ES, then 'o')"."""
    quoted = f"'{printable(text)}'"
    if all(_plain(ch) for ch in text):
        return quoted
    parts: list[str] = []
    run = ""
    for ch in text:
        if _plain(ch):
            run += ch
            continue
        if run:
            parts.append(f"'{run}'")
            run = ""
        name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(ord(ch), "CONTROL CHARACTER")
        parts.append(f"U+{ord(ch):04X} {name}")
    if run:
        parts.append(f"'{run}'")
    return f"{quoted} ({', then '.join(parts)})"


def skeleton(text: str) -> str:
    """What ``text`` looks like: NFKC-folded, invisible characters dropped, look-alike
    letters mapped to Latin, case folded. Two names with the same skeleton look the same
    (or differ only in case) to a reader."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not _hidden(ch)).translate(_LOOKALIKE).casefold().strip()


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The valid name ``name`` most likely meant: one that looks the same
    (``skeleton``), else the closest by ``difflib`` (ratio >= 0.6); None if none."""
    pool = [c for c in candidates if c != name]
    if not name.strip() or not pool:
        return None
    key = skeleton(name)
    same = next((c for c in pool if skeleton(c) == key), None)
    if same is not None:
        return same
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return close[0] if close else None


def json_safe(value: Any) -> Any:
    """``value`` with every float that JSON cannot hold (inf, -inf, NaN) replaced by
    None (null), in nested dicts, lists and tuples, so ``json.dumps(allow_nan=False)``
    writes strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value
