"""Fast path for inputs a format can cut into records (``Format.split``: the XML flux).

The format cuts its input into one piece per fiche (the bytes of the ``FICHE``, with what
it needs from around it) before any fiche is mapped to the model: at the byte level when it
can (``Split.quick``: the flux's usual layout), else with its parser. The register keeps a
digest of each piece, so a fiche whose piece is the same as last night is known unchanged
without being read into the model, validated or serialised. The other pieces are read by
the format's own ``split.read``, in batches, exactly as the whole file would be read (same
models, same located errors).

The digest is salted with rncpkit's version, so a newer rncpkit (whose reader might map the
same bytes differently) reads every fiche again once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rncpkit._version import __version__
from rncpkit.errors import FicheError, InputError
from rncpkit.formats.base import Piece, ReadResult, Split
from rncpkit.formats.registry import detect_format, get_format
from rncpkit.io import InputFile, Source, open_input
from rncpkit.register.store import Rows

__all__ = [
    "BATCH",
    "Split_",
    "digest",
    "number",
    "prepare",
    "split_input",
]

_NUMBER = re.compile(rb"<NUMERO_FICHE>\s*((?:RNCP|RS)[0-9]+)\s*</NUMERO_FICHE>")
_SALT = f"rncpkit {__version__}\n".encode()
_SALT_QUICK = _SALT + b"quick "
BATCH = 64
"""Pieces read together (one parse for the batch)."""


def digest(piece: Piece, quick: bool = False) -> bytes:
    """The digest of one piece: how it was cut, its context (the flux version) and bytes.
    A piece cut at the byte level (``quick``) is the fiche's bytes as in the file; one cut
    by the parser is the element serialised again: never the same digest."""
    hasher = hashlib.sha256(_SALT_QUICK if quick else _SALT)
    hasher.update(piece.context.encode() + b"\n")
    hasher.update(piece.data)  # hashed in place, not copied into one string first
    return hasher.digest()[:16]


def number(piece: Piece) -> str | None:
    """The fiche number a piece declares, found without parsing (None if not found)."""
    found = _NUMBER.search(piece.data)
    return found.group(1).decode() if found else None


@dataclass
class Split_:
    """An input opened for the fast path: its pieces and how to read a batch of them."""

    opened: InputFile
    pieces: Iterator[Piece]
    split: Split
    format_name: str
    quick: bool = False
    """Cut at the byte level, without parsing (``Split.quick``): may raise
    :class:`UnusualLayout` while cutting; the run is then redone with ``quick=False``."""

    def read(self, batch: list[Piece]) -> Iterator[ReadResult]:
        return self.split.read(batch, self.opened.name)

    def digest(self, piece: Piece) -> bytes:
        return digest(piece, self.quick)


@contextlib.contextmanager
def split_input(
    source: Source, quick: bool = True, from_format: str | None = None
) -> Iterator[Split_ | None]:
    """``source`` opened and cut into pieces, or None when its format (``from_format``, else
    detected) cannot cut it; with
    ``quick``, cut at the byte level when the format can (its pieces are then the bytes
    of the file, not parsed: the parse is the reading of the pieces, once)."""
    if not isinstance(source, str | os.PathLike) or os.fspath(source) == "-":
        yield None  # a stream: read it once, the ordinary way
        return
    with open_input(source) as opened:
        try:
            fmt = get_format(from_format) if from_format else detect_format(opened)
        except InputError:
            fmt = None
        if fmt is None or fmt.split is None:
            yield None
            return
        if quick and fmt.split.quick is not None:
            yield Split_(opened, fmt.split.quick(opened), fmt.split, fmt.name, quick=True)
        else:
            yield Split_(opened, fmt.split.pieces(opened), fmt.split, fmt.name)


def prepare(
    format_name: str, name: str, batch: list[tuple[Piece, bytes]]
) -> list[Rows | FicheError]:
    """Read a batch of pieces into the rows of new fiches (in a worker process of a
    parallel build, or in line): errors as the format reports them."""
    split = get_format(format_name).split
    assert split is not None
    results = split.read([piece for piece, _ in batch], name)
    return [
        result if isinstance(result, FicheError) else Rows.of(result.certification, raw_digest)
        for (_piece, raw_digest), result in zip(batch, results, strict=True)
    ]
