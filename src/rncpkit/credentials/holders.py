"""The holders spreadsheet, read for credentials: the accrochage columns plus ours.

Every accrochage column is read and checked by :mod:`rncpkit.accrochage` itself
(``read_rows`` and ``to_passage``: dates, names, identifiers, with the same messages and
the same row numbers); the credential columns (:mod:`.columns`) are passed to it as
``extra_columns``, so their cells arrive in the same rows and are checked here.

Issuing reads the file several times (nothing is written until every row is right): a
path is opened again for each pass; stdin or a stream, which can be read only once, is
kept in an unnamed temporary file (owner-only, gone when closed) as it came.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from rncpkit.accrochage import (
    CivilIdentity,
    CpfFile,
    Passage,
    Row,
    RowProblem,
    read_rows,
    to_passage,
)
from rncpkit.credentials.columns import COLUMNS, PERSONAL
from rncpkit.io import Source, display_name

__all__ = [
    "Holder",
    "open_holders",
    "read_holders",
]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_BLOCK = re.compile(r"(?:RNCP|RS)\d+BC\d+", re.IGNORECASE)


@dataclass(slots=True)
class Holder:
    """One holder's award, as the credentials need it (never printed: personal data)."""

    row: int
    technical_id: str
    certification: str
    award_date: dt.date
    given_name: str
    family_name: str
    birth_date: dt.date | None
    email: str | None = None
    credential_id: str | None = None
    blocks: list[str] = field(default_factory=list)
    valid_until: dt.date | None = None
    """``date_fin_validite``: last day the certification is valid, when it expires."""


@dataclass(frozen=True, slots=True)
class PersonalProblem(RowProblem):
    """A problem of a personal credential column (``email``): its value is never shown."""

    @property
    def hidden(self) -> bool:
        return True


def _problem(row: Row, column: str, en: str, fr: str) -> RowProblem:
    """A problem of one of our columns; a personal one never shows its value."""
    kind = PersonalProblem if column in PERSONAL else RowProblem
    return kind(row.number, row.technical_id, column, row.get(column) or None, en, fr)


def _names(passage: Passage) -> tuple[str, str, dt.date | None]:
    holder = passage.holder
    if isinstance(holder, CpfFile):
        return holder.first_name, holder.last_name, None
    assert isinstance(holder, CivilIdentity)
    birth = None
    if holder.birth_month and holder.birth_day:
        with contextlib.suppress(ValueError):
            birth = dt.date(holder.birth_year, holder.birth_month, holder.birth_day)
    return holder.first_name, holder.usage_name or holder.birth_name, birth


@contextlib.contextmanager
def open_holders(
    source: Source, certification: str | None = None
) -> Iterator[Callable[[], Iterator[tuple[Holder | None, list[RowProblem]]]]]:
    """A function giving the rows of ``source`` afresh at each call (stdin included), as
    (holder, problems); holder is None when the row has any problem."""
    with _rereadable(source) as again:
        yield lambda: _checked(again, certification)


def read_holders(
    source: Source, certification: str | None = None
) -> Iterator[tuple[Holder | None, list[RowProblem]]]:
    """Each data row as (holder, problems), read once."""
    yield from _checked(lambda: contextlib.nullcontext(source), certification)


Opener = Callable[[], contextlib.AbstractContextManager[Source]]
"""Gives the source, ready to be read from its start once more."""


@contextlib.contextmanager
def _rereadable(source: Source) -> Iterator[Opener]:
    """A path or bytes as they are; stdin or a stream kept in an unnamed temporary file."""
    if isinstance(source, bytes) or (
        isinstance(source, str | os.PathLike) and os.fspath(source) != "-"
    ):
        yield lambda: contextlib.nullcontext(source)
        return
    name = display_name(source)
    encoding = getattr(source, "encoding", None)
    with tempfile.TemporaryFile() as spool:  # mode 0600, unlinked from the start
        if isinstance(source, str | os.PathLike):
            shutil.copyfileobj(sys.stdin.buffer, spool)
        else:
            shutil.copyfileobj(source, spool)
        spool.flush()

        def again() -> contextlib.AbstractContextManager[Source]:
            spool.seek(0)
            return _Pass(io.FileIO(os.dup(spool.fileno()), "rb"), name, encoding)

        yield again


class _Pass(io.BufferedReader):
    """One reading of the spooled bytes, under the source's name (messages name the
    user's input, not the spool) and with its ``--encoding``."""

    def __init__(self, raw: io.FileIO, name: str, encoding: str | None) -> None:
        super().__init__(raw, 1 << 16)
        self._shown = name
        self.encoding = encoding

    @property
    def name(self) -> str:
        return self._shown


def _checked(
    opener: Opener, certification: str | None
) -> Iterator[tuple[Holder | None, list[RowProblem]]]:
    with opener() as source:
        for row in read_rows(source, extra_columns=COLUMNS):
            yield _holder(row, certification)


def _holder(row: Row, certification: str | None) -> tuple[Holder | None, list[RowProblem]]:
    ref, passage, problems = to_passage(row, certification)
    email = row.get("email") or None
    if email and not _EMAIL.fullmatch(email):
        problems.append(_problem(row, "email", "not an e-mail address", "adresse e-mail invalide"))
    cid = row.get("credential_id") or None
    if cid and not _URI.fullmatch(cid):
        problems.append(
            _problem(
                row,
                "credential_id",
                "not a URI (e.g. urn:uuid:… or https://…)",
                "pas une URI (ex. urn:uuid:… ou https://…)",
            )
        )
    blocks = [b.upper() for b in re.split(r"[\s,;|]+", row.get("blocs")) if b]
    bad = [b for b in blocks if not _BLOCK.fullmatch(b)]
    if bad:
        problems.append(
            _problem(
                row,
                "blocs",
                f"not block codes: {', '.join(bad)}",
                f"codes de blocs invalides : {', '.join(bad)}",
            )
        )
    if problems or ref is None or passage is None:
        return None, problems
    given, family, birth = _names(passage)
    return (
        Holder(
            row=row.number,
            technical_id=passage.technical_id,
            certification=ref.code,
            award_date=passage.valid_from,
            given_name=given,
            family_name=family,
            birth_date=birth,
            email=email,
            credential_id=cid,
            blocks=blocks,
            valid_until=passage.valid_until,
        ),
        [],
    )
