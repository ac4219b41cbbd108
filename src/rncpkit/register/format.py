"""The register as a readable format: ``rncpkit convert register.sqlite --to …`` and any
other reading command stream the fiches present in the last exports.

Recognised by the SQLite header; a register given on stdin is first copied to a temporary
file (SQLite needs a file). Imports only the schema, so the format registry can load it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from rncpkit.formats.base import Format, ReadResult, Record
from rncpkit.io import InputFile
from rncpkit.model import Certification
from rncpkit.register.schema import SQLITE_HEADER, connect
from rncpkit.register.store import DATA_BY_NUMBER, iter_fiches


def sniff(opened: InputFile) -> bool:
    return opened.archive is None and opened.head.startswith(SQLITE_HEADER)


@contextlib.contextmanager
def _as_file(opened: InputFile) -> Iterator[str]:
    """A path to the register: the input's own, or a temporary copy of a stream."""
    if Path(opened.name).is_file():
        yield opened.name
        return
    fd, temporary = tempfile.mkstemp(suffix=".sqlite")
    try:
        with os.fdopen(fd, "wb") as handle:
            shutil.copyfileobj(opened.stream, handle)
        yield temporary
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def read(opened: InputFile) -> Iterator[ReadResult]:
    """The fiches present in the register's last exports, in the order first read."""
    with _as_file(opened) as path:
        db = connect(path)
        try:
            for cert in iter_fiches(db):
                yield Record(cert)
        finally:
            db.close()


def find(opened: InputFile, number: str) -> Certification | None:
    """One fiche by number, straight from the index (what ``show`` needs)."""
    with _as_file(opened) as path:
        db = connect(path)
        try:
            row = db.execute(DATA_BY_NUMBER, (number,)).fetchone()
        finally:
            db.close()
    return None if row is None else Certification.model_validate_json(row[0])


FORMAT = Format(
    name="register",
    description="rncpkit register (SQLite, built by rncpkit register build): read",
    extensions=(".sqlite", ".sqlite3", ".db"),
    sniff=sniff,
    reader=read,
)


def find_in_file(path: str, number: str) -> Certification | bool | None:
    """``show``'s fast path: False when ``path`` is not a register, else the fiche ``number``
    means (``35080`` → RNCP35080, then RS35080) or None."""
    if path == "-" or not Path(path).is_file():
        return False
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return False
    from rncpkit.register.api import number_candidates

    db = connect(path)
    try:
        for candidate in number_candidates(number) or (number.strip().upper(),):
            row = db.execute(DATA_BY_NUMBER, (candidate,)).fetchone()
            if row is not None:
                return Certification.model_validate_json(row[0])
    finally:
        db.close()
    return None
