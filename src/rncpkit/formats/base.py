"""What a format module provides: a reader, a writer, and how to recognise its files.

A format is one module exposing one or more :class:`Format` objects, listed once in
:mod:`rncpkit.formats.registry`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

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
