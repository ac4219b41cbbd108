"""The flux at the byte level: cut it into ``FICHE`` fragments and find a fiche by number,
without building any tree.

Both shortcuts serve the common, plain layout of the France Compétences flux (UTF-8 or an
ASCII-compatible encoding, root ``<FICHES>`` without attributes, ``VERSION_FLUX`` first,
nothing but blanks, comments and processing instructions between fiches). Anything else
raises :class:`UnusualLayout`, and the caller reads the flux with the real reader instead,
which then reports it exactly as usual. Every fragment is still parsed by the hardened
parser (:mod:`rncpkit.xmlsafe`), through the format's own reader; the prolog of the file is
checked for a DOCTYPE before anything else.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from typing import IO

from rncpkit import xmlsafe
from rncpkit.errors import FicheError
from rncpkit.formats.base import Piece, ReadResult, Record, UnusualLayout
from rncpkit.io import InputFile, open_input, single_member

__all__ = ["UnusualLayout", "find", "fragments"]

BLOCK = 1 << 21
"""Bytes read at a time (2 MiB): memory stays flat whatever the file size."""


_TOKEN = re.compile(rb"<!--|<!\[CDATA\[|<\?|<FICHE(?=[\s>/])|</FICHE\s*>")
_CLOSERS = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}
_GAP = re.compile(rb"(?:\s+|<!--(?:(?!-->).)*-->|<\?(?:(?!\?>).)*\?>)*", re.DOTALL)
_TRAILER = re.compile(rb"</FICHES\s*>", re.DOTALL)
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-32 BOMs start like these


def _header(stream: IO[bytes], name: str) -> tuple[bytes, bool, int, str]:
    """Read up to the first fiche; return (buffer, eof, offset of the first ``<FICHE``,
    version). Refuses a DOCTYPE (as the parser would) and gives up on unusual headers."""
    buffer = stream.read(BLOCK)
    eof = not buffer
    while not eof and b"<FICHE" not in buffer.replace(b"<FICHES", b""):
        more = stream.read(BLOCK)
        eof = not more
        buffer += more
        if len(buffer) > 4 * BLOCK:
            raise UnusualLayout("no fiche in the first blocks")
    if buffer.startswith(_WIDE_BOMS) or b"\x00" in buffer[:64]:
        raise UnusualLayout("not an ASCII-compatible encoding")
    encoding = _ENCODING.match(buffer)
    if encoding is not None and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
        raise UnusualLayout("not UTF-8")
    first = _next_fiche(buffer, 0)
    if first < 0:
        raise UnusualLayout("no fiche")
    header = xmlsafe.parse_bytes(buffer[:first] + b"</FICHES>", name=name)
    elements = [child for child in header if isinstance(child.tag, str)]
    if header.tag != "FICHES" or header.attrib or header.nsmap or len(elements) != 1:
        raise UnusualLayout("unusual root")
    flux = elements[0]
    if flux.tag != "VERSION_FLUX" or len(flux):
        raise UnusualLayout("unusual header")
    return buffer, eof, first, (flux.text or "").strip()


def fragments(stream: IO[bytes], name: str, supported: Callable[[str], bool]) -> Iterator[Piece]:
    """The fiches of a flux as :class:`Piece` (``VERSION_FLUX``, start line, bytes), cut at
    the byte level (comments, CDATA and processing instructions skipped). ``supported``
    says whether a ``VERSION_FLUX`` can be read; an unsupported one is left to the reader,
    which reports it located."""
    buffer, eof, first, version = _header(stream, name)
    if not supported(version):
        raise UnusualLayout("unsupported version")  # the reader reports it, located
    line = 1 + buffer.count(b"\n", 0, first)
    position = first
    while True:  # at ``position`` starts a <FICHE> element
        end = _fiche_end(buffer, position)
        while end < 0:
            if eof:
                raise UnusualLayout("truncated")
            more = stream.read(BLOCK)
            eof = not more
            buffer, position = buffer[position:] + more, 0
            end = _fiche_end(buffer, position)
        yield Piece(version, line, buffer[position:end])
        line += buffer.count(b"\n", position, end)
        while True:  # blanks, comments, PIs, then the next fiche or the end of the root
            match = _GAP.match(buffer, end)
            after = match.end() if match else end
            rest = buffer[after : after + 64]
            if eof or (len(rest) == 64 and not rest.startswith((b"<!--", b"<?"))):
                break
            more = stream.read(BLOCK)
            eof = not more
            buffer, end = buffer[end:] + more, 0
        line += buffer.count(b"\n", end, after)
        if _next_fiche(buffer, after) == after:
            position = after
            continue
        trailer = _TRAILER.match(buffer, after)
        if trailer is None:
            raise UnusualLayout("unexpected content between fiches")
        tail = buffer[trailer.end() :]
        while True:
            if _GAP.fullmatch(tail) is None:
                raise UnusualLayout("content after the root")
            if eof:
                return
            tail = stream.read(BLOCK)
            eof = not tail


def _next_fiche(buffer: bytes, start: int) -> int:
    """Offset of the next ``<FICHE`` tag at top level (comments, CDATA, PIs skipped)."""
    while (match := _TOKEN.search(buffer, start)) is not None:
        token = match.group()
        closer = _CLOSERS.get(token)
        if closer is None:
            return match.start() if token.startswith(b"<FICHE") else -1
        close = buffer.find(closer, match.end())
        if close < 0:
            return -1
        start = close + len(closer)
    return -1


def _fiche_end(buffer: bytes, start: int) -> int:
    """Offset just past the ``</FICHE>`` closing the fiche at ``start``; -1 if not in the
    buffer yet. A nested ``<FICHE`` is not the flux layout: :class:`UnusualLayout`."""
    search = start + 6
    while (match := _TOKEN.search(buffer, search)) is not None:
        token = match.group()
        closer = _CLOSERS.get(token)
        if closer is not None:
            close = buffer.find(closer, match.end())
            if close < 0:
                return -1
            search = close + len(closer)
        elif token.startswith(b"</"):
            return match.end()
        else:
            raise UnusualLayout("nested FICHE")
    return -1


# --------------------------------------------------------------------------- find

_PLAIN_NUMBER = re.compile(rb"<NUMERO_FICHE>(?:RNCP|RS)[0-9]+</NUMERO_FICHE>")


def _all_plain(buffer: bytes, limit: int) -> bool:
    """Whether every ``NUMERO_FICHE`` before ``limit`` is spelled plainly. One that is not
    (blanks, a character reference, CDATA…) might name the fiche sought without the bytes
    showing it, so the search hands over to the reader. (``bytes.find`` then an anchored
    match: five times faster than a regular-expression search for the exceptions.)"""
    tag = b"<NUMERO_FICHE"
    position = buffer.find(tag, 0, limit)
    while position >= 0:
        match = _PLAIN_NUMBER.match(buffer, position)
        if match is None or match.end() > limit:
            return False
        position = buffer.find(tag, match.end(), limit)
    return True


def find(
    opened: InputFile, number: str, read: Callable[[InputFile], Iterator[ReadResult]]
) -> Record | None:
    """The first valid fiche numbered ``number`` (``RNCP35080``), found in the bytes first
    and built alone with ``read``, the format's reader; None when the flux has none.

    Only fiches whose bytes hold ``<NUMERO_FICHE>number</NUMERO_FICHE>`` are parsed; each
    is checked by the reader, so a match inside a comment or CDATA is only a false lead.
    """
    if opened.archive is not None:
        opened = single_member(opened, ".xml")
    stream, name = opened.stream, opened.name
    wanted = b"<NUMERO_FICHE>" + number.encode("ascii") + b"</NUMERO_FICHE>"
    buffer, eof, first, _version = _header(stream, name)
    prolog = buffer[:first]  # declaration, root start tag, VERSION_FLUX: read verbatim
    line = 1  # the line where ``buffer`` starts
    while True:
        # search up to the last complete fiche; the rest waits for the next block
        cut = buffer.rfind(b"</FICHE>")
        limit = len(buffer) if eof else (cut + len(b"</FICHE>") if cut >= 0 else 0)
        if not _all_plain(buffer, limit):
            raise UnusualLayout("a fiche number not spelled plainly")
        hit = buffer.find(wanted, 0, limit)
        while hit >= 0:
            start = buffer.rfind(b"<FICHE>", 0, hit)
            end = buffer.find(b"</FICHE>", hit, limit)
            if start < 0 or end < 0 or buffer.find(b"<FICHE", start + 1, end) >= 0:
                raise UnusualLayout("fiche boundaries not plain")
            # the fiche's line in the file, less its line in the one-fiche document
            shift = line + buffer.count(b"\n", 0, start) - 1 - prolog.count(b"\n")
            document = prolog + buffer[start : end + len(b"</FICHE>")] + b"</FICHES>"
            found = _read_one(document, name, shift, read)
            if found is not None and found.certification.number == number:
                return found
            hit = buffer.find(wanted, end, limit)
        if eof:
            return None
        line += buffer.count(b"\n", 0, limit)
        more = stream.read(BLOCK)
        eof = not more
        buffer = buffer[limit:] + more


def _read_one(
    document: bytes, name: str, shift: int, read: Callable[[InputFile], Iterator[ReadResult]]
) -> Record | None:
    with open_input(document, name=name) as opened:
        for result in read(opened):
            if isinstance(result, FicheError):
                return None
            if result.line is not None:
                result.line += shift
            return result
    return None
