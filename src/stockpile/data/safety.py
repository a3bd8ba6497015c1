"""Checks on an input file before any of its XML is parsed.

A workbook is a zip of XML parts, and both layers can be weaponised: a zip bomb
(a few KB that unpack to GBs) or an XML entity attack (billion laughs, external
entities). Planners also hand us .xls, .xlsm, renamed .csv and password-protected
files, which deserve a clear "save it as .xlsx" rather than a parser traceback.
Everything here looks only at the file's bytes and the zip directory; openpyxl is
opened only when ``check_file`` finds no problem. Its first layer, ``check_input``, is
the gate of every input file: nothing reads a byte of a file (``pipeline.sha256``
hashes, ``check_file`` parses) before it has said the path is a readable regular file
of a sane size.

The reader opens workbooks only through ``open_workbook`` here, and this module
refuses to load unless openpyxl parses with the stdlib parser wrapped by defusedxml
(never lxml, which resolves entities in some configurations). The package
``__init__`` pins that choice before any data module can import openpyxl.
"""

from __future__ import annotations

import codecs
import os
import stat
import zipfile
import zlib
from pathlib import Path
from typing import Any

from stockpile.data.problems import Problem
from stockpile.data.schema import SAFETY_LIMITS, Limits
from stockpile.files import kind

# openpyxl reads OPENPYXL_LXML / OPENPYXL_DEFUSEDXML once, at import; the package
# __init__ sets them, and they are set again here in case this module is loaded alone.
os.environ["OPENPYXL_LXML"] = "False"
os.environ["OPENPYXL_DEFUSEDXML"] = "True"

import openpyxl  # after the environment settings above, which it reads at import

if not openpyxl.DEFUSEDXML or openpyxl.LXML:
    raise ImportError(
        "openpyxl must parse XML through defusedxml and without lxml "
        f"(openpyxl.DEFUSEDXML={openpyxl.DEFUSEDXML}, openpyxl.LXML={openpyxl.LXML}); "
        "install defusedxml and import stockpile.data before anything else imports openpyxl"
    )

#: The first bytes of an OLE compound file: legacy .xls and every encrypted Office file.
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK"

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_FORBIDDEN = ("<!DOCTYPE", "<!ENTITY")
_CHUNK = 64 * 1024

_SAVE_AS_XLSX = "Open the file in Excel and save it as 'Excel Workbook (*.xlsx)'."
_RESAVE = "Open the workbook in Excel and save it again; do not use files from unknown sources."


def check_input(path: str | Path, limits: Limits = SAFETY_LIMITS) -> list[Problem]:
    """The gate every input file passes before any of its bytes is read (hashed or
    parsed): an empty list when ``path`` is an .xlsx name of an existing regular file
    (after following links) that this process may read, neither empty nor larger than
    ``limits.max_file_bytes``.

    Only ``stat`` looks at the path until it is known to be a regular file, so a folder,
    a named pipe (which would block a reader forever) or a device (``/dev/zero`` never
    ends) is refused without being opened; the readability check opens with
    ``O_NONBLOCK`` in case the file was swapped for a pipe meanwhile.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix != ".xlsx":
        return [_extension_problem(path, suffix)]
    try:
        found = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        what = "a link to a missing file" if path.is_symlink() else "file not found"
        return [_problem(f"{what}: {path}", "Check the path and the file name.")]
    except OSError as exc:
        return [_unreadable(exc)]
    if not stat.S_ISREG(found.st_mode):
        name = f"{path} (a link to {os.path.realpath(path)})" if path.is_symlink() else path
        return [
            _problem(
                f"{name} is {kind(found.st_mode)}, not a workbook file",
                "Give the path of an .xlsx workbook.",
            )
        ]
    if found.st_size == 0:
        return [_problem("the file is empty (0 bytes)", _SAVE_AS_XLSX)]
    if found.st_size > limits.max_file_bytes:
        return [
            _problem(
                f"the file is {found.st_size:,} bytes, more than the limit of "
                f"{limits.max_file_bytes:,} bytes",
                "Remove unneeded sheets, images and formatting, or split the data.",
                value=found.st_size,
            )
        ]
    try:
        # O_NONBLOCK and O_NOCTTY are POSIX only; Windows has neither pipes nor ttys here.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags)
    except OSError as exc:
        return [_unreadable(exc)]
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return [_problem(f"{path} changed while it was checked", "Run the command again.")]
    finally:
        os.close(fd)
    return []


def check_file(path: str | Path, limits: Limits = SAFETY_LIMITS) -> list[Problem]:
    """Every reason to refuse ``path`` before parsing it (an empty list: safe to open).

    The checks run cheapest first and stop at the first failing layer, since a file
    that is not a zip has no zip entries to judge: ``check_input`` (the file itself),
    the first bytes, the zip directory, the XML parts.
    """
    path = Path(path)
    problems = check_input(path, limits)
    if problems:
        return problems
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as exc:
        return [_unreadable(exc)]
    if head.startswith(OLE_MAGIC):
        return [
            _problem(
                "the file is an encrypted (password-protected) workbook or legacy .xls "
                "file, not an .xlsx workbook",
                "Remove the password (File > Info > Protect Workbook > Encrypt with "
                "Password) and save it as 'Excel Workbook (*.xlsx)'.",
            )
        ]
    if not head.startswith(ZIP_MAGIC):
        return [
            _problem(
                "the file is not an .xlsx workbook (it is not a zip archive; "
                "perhaps a renamed .csv or .xls file)",
                _SAVE_AS_XLSX,
            )
        ]
    try:
        with zipfile.ZipFile(path) as zf:
            return _check_zip(zf, limits)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        RuntimeError,
        zlib.error,
    ) as exc:
        # RuntimeError: zipfile's answer to an encrypted zip entry; zlib.error: a
        # damaged compressed part (zipfile passes zlib's own exception through).
        return [_problem(f"the file is damaged or not a workbook: {exc}", _RESAVE)]


def open_workbook(path: str | Path, *, data_only: bool) -> Any:
    """Open a workbook that passed ``check_file``, read-only and without external links.

    The reader opens workbooks only through here, so that every parse goes through
    the openpyxl configured above. Read-only mode streams rows instead of building
    every cell object, which keeps memory flat on large sheets.
    """
    return openpyxl.load_workbook(path, read_only=True, data_only=data_only, keep_links=False)


def _check_zip(zf: zipfile.ZipFile, limits: Limits) -> list[Problem]:
    """Judge the zip directory (sizes as declared: zipfile refuses to unpack more
    than the declared size of an entry), then the XML prologs."""
    infos = zf.infolist()
    if len(infos) > limits.max_zip_entries:
        return [
            _problem(
                f"the workbook has {len(infos):,} parts, more than the limit of "
                f"{limits.max_zip_entries:,}",
                "Remove unneeded sheets, images and objects, or split the workbook.",
                value=len(infos),
            )
        ]
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        return [
            _problem(
                f"the workbook unpacks to {total:,} bytes, more than the limit of "
                f"{limits.max_uncompressed_bytes:,} (a zip bomb?)",
                "Remove unneeded sheets, images and objects, or split the workbook.",
                value=total,
            )
        ]
    problems: list[Problem] = []
    for info in infos:
        if info.file_size <= limits.ratio_min_bytes:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            problems.append(
                _problem(
                    f"part {info.filename} unpacks to {ratio:,.0f} times its packed size, "
                    f"more than the limit of {limits.max_compression_ratio:,.0f} (a zip bomb?)",
                    _RESAVE,
                    value=info.filename,
                )
            )
    if problems:
        return problems
    for info in infos:
        if info.filename.lower().endswith(_XML_SUFFIXES) and _declares_dtd(zf, info):
            problems.append(
                _problem(
                    f"part {info.filename} declares a DOCTYPE or ENTITY, which a workbook "
                    "never does (an XML entity attack?)",
                    _RESAVE,
                    value=info.filename,
                )
            )
    return problems


def _declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when the part contains a DOCTYPE or ENTITY declaration.

    The whole part is scanned, not just its prolog: a prolog can be padded with
    comments, and markup inside cell text is always escaped ("&lt;!DOCTYPE"), so the
    scan cannot trip on a planner's data. The size limits above bound the work.
    """
    with zf.open(info) as f:
        first = f.read(_CHUNK)
        encoding = _bom_encoding(first)
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        tail = ""
        chunk = first
        while chunk:
            text = tail + decoder.decode(chunk)
            if any(marker in text for marker in _FORBIDDEN):
                return True
            # Keep enough to catch a marker split across two chunks.
            tail = text[-(max(map(len, _FORBIDDEN)) - 1) :]
            chunk = f.read(_CHUNK)
    return False


def _bom_encoding(head: bytes) -> str:
    """UTF-16 parts are legal XML; without decoding them a byte scan would miss markers."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def _unreadable(exc: OSError) -> Problem:
    return _problem(
        f"cannot read the file: {exc.strerror or exc}",
        "Close the file in other programs and check that you may read it.",
    )


def _extension_problem(path: Path, suffix: str) -> Problem:
    kind = {
        ".xls": "a legacy Excel 97-2003 workbook (.xls)",
        ".xlsm": "a macro-enabled workbook (.xlsm); macros are never run or read",
        ".xlsb": "a binary workbook (.xlsb)",
        ".csv": "a .csv file",
        ".ods": "an OpenDocument spreadsheet (.ods)",
    }.get(suffix, f"a '{suffix}' file" if suffix else "a file without an extension")
    return _problem(
        f"{path.name} is {kind}: only .xlsx workbooks are read",
        _SAVE_AS_XLSX,
        value=suffix or None,
    )


def _problem(message: str, fix: str, value: object = None) -> Problem:
    return Problem(message=message, fix=fix, sheet=None, row=None, column=None, value=value)
