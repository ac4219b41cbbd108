"""France Compétences XML flux (``export_fiches_{RNCP,RS}_V4_1_*.xml``), read and written.

One declarative table per flux version maps every element of a ``FICHE`` to a model field
(:mod:`.table` for V4.1, :mod:`.legacy` deriving V3.0 and V2.0 from it); the reader
(:mod:`.reading`), the writer (:mod:`.writing`) and the error locator all walk it, so they
cannot disagree. Scalars are spelled as :mod:`.codecs` says. Reading streams one ``FICHE``
at a time with a hardened ``iterparse`` and frees it at once.

Adding a flux version is one entry in :data:`VERSIONS` (a table, usually derived from
:data:`V41` as :mod:`.legacy` does) and, if it can be written, one in :data:`WRITABLE`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO

from rncpkit.formats.base import Format, Piece, ReadResult, Record, Split, Versions, WriteOptions
from rncpkit.formats.fc_xml import reading, scan, writing
from rncpkit.formats.fc_xml.codecs import BOOL, CODE, DATE, INT, TEXT
from rncpkit.formats.fc_xml.legacy import V20, V30
from rncpkit.formats.fc_xml.reading import read_fiche
from rncpkit.formats.fc_xml.table import V41
from rncpkit.formats.fc_xml.v12 import V12
from rncpkit.formats.fc_xml.writing import FluxWriter
from rncpkit.formats.xmltable import BadValue, Group
from rncpkit.io import InputFile, single_member

__all__ = [
    "BOOL",
    "CODE",
    "DATE",
    "FORMAT",
    "INT",
    "SPECS",
    "TEXT",
    "V41",
    "VERSIONS",
    "WRITABLE",
    "FluxWriter",
    "ValueError_",
    "read",
    "read_fiche",
]

VERSIONS: dict[str, Group] = {"4.1": V41, "3.0": V30, "2.0": V20, "1.2": V12}
"""The fiche table of every ``VERSION_FLUX`` rncpkit reads."""
WRITABLE: tuple[str, ...] = ("4.1", "3.0")
"""The versions rncpkit writes (V2.0's exact layout is not attested well enough)."""
SPECS = VERSIONS
"""Former name of :data:`VERSIONS` (rncpkit.parallel uses it)."""
ValueError_ = BadValue
"""Former name of :class:`rncpkit.formats.xmltable.BadValue`."""


def read(opened: InputFile) -> Iterator[ReadResult]:
    """Stream the fiches of a flux (plain XML or the zip France Compétences publishes)."""
    return reading.read(opened, VERSIONS)


def _writer(stream: IO[bytes], options: WriteOptions) -> FluxWriter:
    return writing.FluxWriter(stream, VERSIONS, options.flux_version, WRITABLE)


def _member(opened: InputFile) -> InputFile:
    return single_member(opened, ".xml") if opened.archive is not None else opened


def _pieces(opened: InputFile) -> Iterator[Piece]:
    return reading.fragments(_member(opened), VERSIONS)


def _quick_pieces(opened: InputFile) -> Iterator[Piece]:
    member = _member(opened)
    return scan.fragments(member.stream, member.name, VERSIONS.__contains__)


def _find(opened: InputFile, number: str) -> Record | None:
    return scan.find(opened, number, read)


def _read_pieces(pieces: Sequence[Piece], name: str) -> Iterator[ReadResult]:
    return reading.read_fragments(pieces, name, VERSIONS)


def sniff(opened: InputFile) -> bool:
    """A France Compétences flux: root ``FICHES`` (directly or as the zip's XML member)."""
    if opened.archive is not None:
        names = [n.lower() for n in opened.archive.namelist()]
        return sum(n.endswith(".xml") for n in names) >= 1 and not any(
            n.endswith(".csv") for n in names
        )
    return b"<FICHES" in opened.head[:4096]


FORMAT = Format(
    name="fc-xml",
    description="France Compétences XML flux V4.1, V3.0, V2.0, V1.2 (export_fiches_*.xml, .zip)",
    extensions=(".xml",),
    sniff=sniff,
    reader=read,
    writer=_writer,
    split=Split(_pieces, _read_pieces, quick=_quick_pieces),
    concatenable=True,
    find=_find,
    versions=Versions(reads=tuple(VERSIONS), writes=WRITABLE, default="4.1"),
)
