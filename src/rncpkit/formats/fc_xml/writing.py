"""Writing the flux: the header, then one indented ``FICHE`` per certification, through
the one XML writer (:mod:`rncpkit.xmlwrite`), each fiche flushed as soon as it is written."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import IO

from lxml import etree

from rncpkit import xmlsafe
from rncpkit.errors import OutputError, UsageError
from rncpkit.formats.xmltable import Group, write_record
from rncpkit.model import Certification, UnknownElement
from rncpkit.xmlwrite import XmlWriter

__all__ = ["INDENT", "FluxWriter"]

INDENT = "    "
"""France Compétences indents its exports by four spaces."""


def _reinsert(fiche: etree._Element, unknown: list[UnknownElement], number: str) -> None:
    """Put back, at their places, the elements a reader kept without understanding them."""
    for item in sorted(unknown, key=lambda u: (u.parent.count("/"), u.position)):
        parent_path = item.parent.removeprefix("FICHE").lstrip("/")
        parent = fiche if not parent_path else fiche.find(parent_path)
        if parent is None:
            raise OutputError(
                f"cannot place unknown element: no {item.parent} in the fiche",
                fiche=number,
                field="unknown_elements",
            )
        element = xmlsafe.parse_bytes(item.xml.encode("utf-8"), name="unknown_elements")
        parent.insert(item.position, element)


class FluxWriter:
    """Writes a flux incrementally: header, then one indented ``FICHE`` per call."""

    def __init__(
        self,
        stream: IO[bytes],
        tables: Mapping[str, Group],
        version: str,
        writable: tuple[str, ...],
    ) -> None:
        if version not in writable or version not in tables:
            raise UsageError(
                f"cannot write flux version {version!r} (writable: {', '.join(writable)})"
            )
        self._table = tables[version]
        self._xml = XmlWriter(stream, indent=INDENT)
        self._xml.declaration(standalone=False)
        self._xml.start("FICHES")
        self._xml.leaf("VERSION_FLUX", version)
        self._xml.flush()

    def write(self, certification: Certification) -> None:
        try:
            if certification.unknown_elements:
                self._xml.fragment(self._with_unknown(certification))
                self._xml.flush()
            else:
                write_record(self._xml, self._table, certification)
        except OutputError as exc:
            exc.fiche = exc.fiche or certification.number
            raise

    def _with_unknown(self, certification: Certification) -> etree._Element:
        # Rare path (a fiche read with elements rncpkit does not know): build the fiche,
        # put the kept elements back in place, and let the writer re-indent the whole.
        buffer = io.BytesIO()
        scratch = XmlWriter(buffer, indent=INDENT)
        write_record(scratch, self._table, certification)
        scratch.close()
        fiche = xmlsafe.parse_bytes(buffer.getvalue(), name="fiche")
        _reinsert(fiche, certification.unknown_elements, certification.number)
        return fiche

    def close(self) -> None:
        self._xml.close()
