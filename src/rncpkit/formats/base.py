"""What a format module provides: a reader, a writer, how to recognise its files, and what
it can do (fields it carries, versions, splitting for ``--jobs``, its typed options).

A format is one module exposing one or more :class:`Format` objects, listed once in
:mod:`rncpkit.formats.registry`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple, Protocol, TypeVar

from pydantic import ValidationError

from rncpkit.errors import FicheError, UsageError
from rncpkit.formats.options import FormatOptions, NoOptions
from rncpkit.io import InputFile
from rncpkit.model import Certification

__all__ = [
    "DirectoryWriterFactory",
    "Format",
    "Locator",
    "Piece",
    "ReadResult",
    "Reader",
    "Record",
    "RecordWriter",
    "Split",
    "StreamWriterFactory",
    "Versions",
    "WriteOptions",
    "fiche_error",
]

OptionsT = TypeVar("OptionsT", bound=FormatOptions)
LANGUAGES = ("fr", "en")
"""Languages of rncpkit's human-readable outputs."""
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")


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
    """Options a writer may use: the settings several formats share (each writer ignores
    those that do not concern it), and the target format's own typed options."""

    base_uri: str | None = None
    """Base of the URIs minted for Europass entities."""
    eqf_level: int | None = None
    """EQF level to use where the fiche has none (RS fiches) for formats that need one."""
    lang: str = "fr"
    """Language of human-readable outputs (``fr`` or ``en``)."""
    flux_version: str = "4.1"
    """France Compétences flux version to write."""
    format: FormatOptions | None = None
    """The target format's own options: an instance of its :attr:`Format.options` class
    (what ``-O key=value`` sets on the command line)."""
    extra: Mapping[str, str] = field(default_factory=dict)
    """Deprecated: the target format's options as untyped ``key: text`` pairs; they are
    parsed (and checked) against the format's options class by :meth:`of`. Use
    ``format=`` with the format's options class instead."""

    def __post_init__(self) -> None:
        """Faults in the shared settings are usage errors at once, whatever the format."""
        if self.lang not in LANGUAGES:
            raise UsageError(f"lang must be one of {', '.join(LANGUAGES)}, got {self.lang!r}")
        if self.eqf_level is not None and (
            type(self.eqf_level) is not int or not 1 <= self.eqf_level <= 8
        ):
            raise UsageError(
                f"eqf_level must be a whole number from 1 to 8, got {self.eqf_level!r}"
            )
        if self.base_uri is not None and not _URI.match(self.base_uri):
            raise UsageError(f"base_uri must be an absolute URI (https://…), got {self.base_uri!r}")
        if not isinstance(self.extra, Mapping):
            raise UsageError("extra must map option keys to text")

    def of(self, kind: type[OptionsT]) -> OptionsT:
        """The format options of class ``kind``: those given, parsed from the deprecated
        ``extra``, or the defaults. :class:`UsageError` if another format's were given."""
        if self.format is not None:
            if not isinstance(self.format, kind):
                raise UsageError(
                    f"{type(self.format).__name__} given where {kind.__name__} is expected"
                )
            return self.format
        return kind.parse(self.extra)


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
    """A byte-level shortcut (:attr:`Split.quick`, :attr:`Format.find`) met a layout it does
    not handle: the caller uses the format's reader instead."""


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
"""Finds the first valid fiche with a number (``RNCP35080``) without building the others;
may raise :class:`UnusualLayout`."""


@dataclass(frozen=True)
class Versions:
    """The versions of a versioned format (the France Compétences flux)."""

    reads: tuple[str, ...]
    writes: tuple[str, ...]
    default: str


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
    options: type[FormatOptions] = NoOptions
    """The class of the format's own options (``-O key=value``)."""
    uncarried: frozenset[str] = frozenset()
    """Model fields the format has no place for: reading it leaves them empty, so rules
    do not call them missing."""
    split: Split | None = None
    """How an input can be cut for ``--jobs``; None: read by one process."""
    concatenable: bool = False
    """Whether a fiche's output depends on no other fiche, so that fiches encoded by worker
    processes can simply be written one after the other."""
    versions: Versions | None = None
    """The versions read and written, for a versioned format."""
    find: Finder | None = None
    """A shortcut to one fiche by number (``rncpkit show``); None: read until it comes."""

    def carries(self, field_name: str) -> bool:
        """Whether the format has a place for model field ``field_name``."""
        return field_name not in self.uncarried
