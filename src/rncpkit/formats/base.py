"""What a format module provides: a reader, a writer, and how to recognise its files.

A format is one module exposing one or more :class:`Format` objects, listed once in
:mod:`rncpkit.formats.registry`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

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
