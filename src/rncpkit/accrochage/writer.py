"""Serialising the flux: the element table (:mod:`.elements`) walked by rncpkit's one XML
writer (:class:`rncpkit.xmlwrite.XmlWriter`).

Every piece of a file — the head, each certification's opening and closing, each passage —
is rendered to bytes on its own, so a builder knows the exact size of what it is about to
write and can split files at the portal's limits before crossing them. The root declares
``cpf`` and ``xsi`` once; the pieces use the prefixes without redeclaring them.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Iterable
from typing import IO

from rncpkit.accrochage.elements import (
    CERTIFICATION,
    HEADER,
    PASSAGE,
    SLOT,
    XSI,
    prefixed,
)
from rncpkit.accrochage.model import (
    NAMESPACE,
    CertificationRef,
    FluxHeader,
    NationalId,
    Passage,
)
from rncpkit.formats.xmltable import write_children, write_record
from rncpkit.xmlwrite import XmlWriter

__all__ = [
    "FragmentWriter",
    "new_flux_id",
    "paris_time",
    "render_head",
    "write_flux",
]

# ---------------------------------------------------------------------------------------
# horodatage and idFlux


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _eu_paris_offset(instant: dt.datetime) -> dt.timedelta:
    """CET/CEST by the EU rule (since 1996): summer time from the last Sunday of March to
    the last Sunday of October, switching at 01:00 UTC. Used only without tz data."""
    utc = instant.astimezone(dt.UTC).replace(tzinfo=None)
    start = dt.datetime.combine(_last_sunday(utc.year, 3), dt.time(1))
    end = dt.datetime.combine(_last_sunday(utc.year, 10), dt.time(1))
    return dt.timedelta(hours=2 if start <= utc < end else 1)


def paris_time(instant: dt.datetime | None = None) -> dt.datetime:
    """``instant`` (default: now) in French legal time, with its real UTC offset
    (+01:00 in winter, +02:00 in summer), to the second."""
    instant = (instant or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    if instant.tzinfo is None:
        raise ValueError("paris_time needs an aware datetime")
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover - Python always has zoneinfo since 3.9
        return instant.astimezone(dt.timezone(_eu_paris_offset(instant)))
    try:
        return instant.astimezone(ZoneInfo("Europe/Paris"))
    except ZoneInfoNotFoundError:  # no tz database on this machine (e.g. minimal images)
        return instant.astimezone(dt.timezone(_eu_paris_offset(instant)))


def new_flux_id() -> str:
    """A unique ``idFlux`` (a random UUID: 36 characters, within the XSD's 50)."""
    return str(uuid.uuid4())


# ---------------------------------------------------------------------------------------
# rendering

_PASSAGE = prefixed(PASSAGE)
_CERTIFICATION = prefixed(CERTIFICATION)
_HEADER = prefixed(HEADER)
NSMAP: dict[str | None, str] = {"cpf": NAMESPACE, "xsi": XSI}
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
INDENT = "  "
"""Two spaces, like the CDC example; ``compact`` writes none (one element per line)."""
_DEPTH = {"certification": 5, "passageCertification": 7}
"""Depth of each piece in the flux (``flux`` is 0): where its indentation starts."""


def _split(rendered: bytes) -> tuple[bytes, bytes]:
    """(before, after) the line of the :data:`~.elements.SLOT` placeholder."""
    marker = f"<{SLOT}/>".encode()
    at = rendered.index(marker)
    line = rendered.rindex(b"\n", 0, at)
    return rendered[:line], rendered[at + len(marker) :]


def render_head(header: FluxHeader, *, compact: bool = False) -> tuple[bytes, bytes]:
    """(head, tail) of one file: everything before the first ``certification`` and
    everything after the last one."""
    buffer = io.BytesIO()
    writer = XmlWriter(buffer, indent="" if compact else INDENT)
    writer.start(_HEADER.tag, namespaces=NSMAP)
    write_children(writer, _HEADER, header)
    writer.close()
    head, tail = _split(buffer.getvalue())
    return DECLARATION + head, tail


class FragmentWriter:
    """Renders certifications and passages to bytes, one piece at a time, indented for
    their place in the flux, with the ``cpf`` prefix the file's root declares (so no piece
    redeclares a namespace)."""

    def __init__(self, *, compact: bool = False) -> None:
        indent = "" if compact else INDENT
        self._buffer = io.BytesIO()
        self._passages = XmlWriter(
            self._buffer, indent=indent, level=_DEPTH["passageCertification"]
        )
        self._certifications = XmlWriter(self._buffer, indent=indent, level=_DEPTH["certification"])

    def _take(self) -> bytes:
        data = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return data

    def close(self) -> None:
        """Release the writer (nothing to release: kept for callers)."""

    def certification(self, ref: CertificationRef) -> tuple[bytes, bytes]:
        """(opening, closing) of a ``certification`` around its passages."""
        writer = self._certifications
        writer.start(_CERTIFICATION.tag)
        write_children(writer, _CERTIFICATION, ref)
        writer.end()
        writer.flush()
        return _split(self._take())

    def passage(self, passage: Passage) -> bytes:
        """One ``passageCertification``, with its leading indentation."""
        write_record(self._passages, _PASSAGE, passage)
        return self._take()


def write_flux(
    stream: IO[bytes],
    header: FluxHeader,
    certifications: Iterable[tuple[CertificationRef, Iterable[Passage]]],
    *,
    compact: bool = False,
) -> int:
    """Write one whole flux to ``stream``, streaming; return the number of passages.

    The low-level writer: no size limits, no splitting (see :func:`rncpkit.accrochage.build`
    for that). Each certification must bring at least one passage (the XSD requires it).
    """
    head, tail = render_head(header, compact=compact)
    fragments = FragmentWriter(compact=compact)
    count = 0
    try:
        stream.write(head)
        for ref, passages in certifications:
            opening, closing = fragments.certification(ref)
            stream.write(opening)
            before = count
            for passage in passages:
                if isinstance(passage.holder, NationalId) and header.action is None:
                    raise ValueError("a holder identified by NIR needs schema 1.1.5 (an action)")
                stream.write(fragments.passage(passage))
                count += 1
            if count == before:
                raise ValueError(f"certification {ref.code} has no passage")
            stream.write(closing)
        stream.write(tail)
    finally:
        fragments.close()
    return count
