"""What a format module provides: a reader, a writer, and how to recognise its files.

A format is one module exposing one or more :class:`Format` objects, listed once in
:mod:`rncpkit.formats.registry`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple, Protocol

from pydantic import ValidationError

from rncpkit.errors import FicheError
from rncpkit.io import InputFile
from rncpkit.model import Certification


@dataclass(slots=True)
class Record:
    """A certification read from a file, with the line where its record starts."""

    certification: Certification
    line: int | None = None


ReadResult = Record | FicheError
"""Readers yield records, or the error of a fiche they could not read (and go on)."""

Locator = Callable[[tuple[int | str, ...]], tuple[str | None, int | None]]
"""Maps a model error location, e.g. ``('rome', 2, 'code')``, to (source field, line)."""


def _dotted(loc: tuple[int | str, ...]) -> tuple[str | None, int | None]:
    return ".".join(str(part) for part in loc) or None, None


def fiche_error(
    exc: ValidationError,
    *,
    file: str,
    line: int | None,
    fiche: str | None,
    locate: Locator = _dotted,
) -> FicheError:
    """Every complaint of the model about one fiche, as one :class:`FicheError` (the first
    problem, the others attached), each located in the source by ``locate``."""
    problems = []
    for error in exc.errors(include_url=False):
        message = error["msg"]
        if "input" in error and error["type"] != "missing":
            message += f" (got {str(error['input'])[:60]!r})"
        field, where = locate(tuple(error["loc"]))
        problems.append(
            FicheError(message, file=file, line=where or line, fiche=fiche, field=field)
        )
    problems[0].others = problems[1:]
    return problems[0]


@dataclass(frozen=True)
class WriteOptions:
    """Options a writer may use; each writer ignores those that do not concern it."""

    base_uri: str | None = None
    """Base of the URIs minted for Europass entities."""
    eqf_level: int | None = None
    """EQF level to use where the fiche has none (RS fiches) for formats that need one."""
    lang: str = "fr"
    """Language of human-readable outputs (``fr`` or ``en``)."""
    flux_version: str = "4.1"
    """France Compétences flux version to write."""
    extra: dict[str, str] = field(default_factory=dict)
    """Format-specific settings, for formats added without changing this class."""


class RecordWriter(Protocol):
    """An incremental writer: one ``write`` per certification, then ``close``."""

    def write(self, certification: Certification) -> None: ...

    def close(self) -> None: ...


Reader = Callable[[InputFile], Iterator[ReadResult]]


class Piece(NamedTuple):
    """One record of an input cut for ``--jobs``: what a worker needs to read it alone."""

    context: str
    """What the record needs from the file around it (fc-xml: the ``VERSION_FLUX``)."""
    line: int
    """The line where the record starts in the whole file."""
    data: bytes


class UnusualLayout(Exception):
    """A byte-level shortcut (:attr:`Split.quick`, a format's ``find``) met a layout it
    does not handle: the caller uses the format's reader instead."""


@dataclass(frozen=True)
class Split:
    """How an input of a format is cut into records that worker processes read alone:
    ``pieces`` runs in the parent (cheap, streaming), ``read`` in a worker on a batch of
    pieces, with lines reported as in the whole file. ``quick``, when given, cuts without
    parsing but may raise :class:`UnusualLayout` (the run is then redone with one job)."""

    pieces: Callable[[InputFile], Iterator[Piece]]
    read: Callable[[Sequence[Piece], str], Iterator[ReadResult]]
    quick: Callable[[InputFile], Iterator[Piece]] | None = None


Finder = Callable[[InputFile, str], Record | None]
"""Finds the first valid fiche with a number (``RNCP35080``) without reading the others."""
StreamWriterFactory = Callable[[IO[bytes], WriteOptions], RecordWriter]
DirectoryWriterFactory = Callable[[Path, WriteOptions], RecordWriter]


@dataclass(frozen=True)
class Format:
    """A file format rncpkit reads and/or writes."""

    name: str
    description: str
    extensions: tuple[str, ...] = ()
    sniff: Callable[[InputFile], bool] | None = None
    """Recognise the format from the opened input (first bytes, zip member names)."""
    reader: Reader | None = None
    writer: StreamWriterFactory | None = None
    directory_writer: DirectoryWriterFactory | None = None
    """For formats that write one file per fiche into a directory."""
    media_type: str = "application/octet-stream"
    split: Split | None = None
    """How an input can be cut for ``--jobs``; None: read by one process."""
    concatenable: bool = False
    """Whether a fiche's output depends on no other fiche, so that fiches encoded by worker
    processes can be appended to the stream between the writer's header and footer."""
    find: Finder | None = None
    """A shortcut to one fiche by number (``rncpkit show``); None: read until it comes."""
