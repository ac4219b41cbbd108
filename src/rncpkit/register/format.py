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

__all__ = [
    "FORMAT",
]


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


def find(opened: InputFile, number: str) -> Record | None:
    """One fiche by number, straight from the index (``Format.find``: what ``show`` and
    :func:`rncpkit.find` use)."""
    with _as_file(opened) as path:
        db = connect(path)
        try:
            row = db.execute(DATA_BY_NUMBER, (number,)).fetchone()
        finally:
            db.close()
    return None if row is None else Record(Certification.model_validate_json(row[0]))


FORMAT = Format(
    name="register",
    description="rncpkit register (SQLite, built by rncpkit register build): read",
    extensions=(".sqlite", ".sqlite3", ".db"),
    sniff=sniff,
    reader=read,
    find=find,
)
