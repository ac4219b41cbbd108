"""Hardened XML parsing: the only place rncpkit creates an XML parser.

Every parser is built here with DTD loading, entity resolution and network access turned off
*explicitly* (never lxml's process-wide default parser, which any library may replace), and
a document that declares a DOCTYPE is refused before libxml2 sees it: the France Compétences
export has none, and a DOCTYPE is how entity attacks (XXE, billion laughs) arrive.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import IO, Any, Literal

from lxml import etree

from rncpkit.errors import InputError, UnsafeInputError

_PARSER_FLAGS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}

# A prolog (XML declaration, comments, processing instructions) is short; anything
# that keeps us from reaching the root element within this many bytes is refused.
_MAX_PROLOG = 1 << 20
_ROOT_START = re.compile(r"<[A-Za-z_\u00C0-\uFFFF]")
_DTD_MARK = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def new_parser() -> etree.XMLParser:
    """A fresh hardened parser for small documents (schemas, Europass files, fragments)."""
    parser: etree.XMLParser = etree.XMLParser(remove_blank_text=False, **_PARSER_FLAGS)
    return parser


def parse_bytes(data: bytes, *, name: str = "<input>") -> etree._Element:
    """Parse a whole (small) document safely; errors become :class:`InputError`."""
    check_prolog(data, name=name)
    try:
        return etree.fromstring(data, parser=new_parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not well-formed XML: {exc.msg}", file=name, line=exc.lineno) from None


def parse_file(path: str, *, name: str | None = None) -> etree._ElementTree:
    """Parse a whole (small) file safely, e.g. an XSD shipped with rncpkit."""
    with open(path, "rb") as handle:
        data = handle.read()
    return etree.ElementTree(parse_bytes(data, name=name or path))


def iterparse(
    stream: IO[bytes],
    *,
    tag: str | tuple[str, ...],
    events: tuple[Literal["start", "end"], ...] = ("end",),
    name: str = "<input>",
) -> Iterator[tuple[str, etree._Element]]:
    """Stream ``(event, element)`` pairs with the hardened flags, refusing any DTD."""
    guarded = PrologGuard(stream, name)
    return etree.iterparse(
        guarded, events=events, tag=tag, **_PARSER_FLAGS
    )


def _sniff_codec(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head[:2] == b"<\x00":
        return "utf-16-le"
    if head[:2] == b"\x00<":
        return "utf-16-be"
    return "latin-1"  # byte-transparent: enough to see ASCII markup in UTF-8 or 8-bit text


def check_prolog(head: bytes, *, name: str, complete: bool = True) -> bool:
    """Refuse a DOCTYPE/ENTITY declaration before the root element.

    Returns True once the root element has been seen (the prolog is over). With
    ``complete=False`` the bytes are only the beginning of the document.
    """
    text = head.decode(_sniff_codec(head), errors="replace")
    root = None
    pos = 0
    while True:
        match = _ROOT_START.search(text, pos)
        if match is None:
            break
        # skip "<name" matches inside comments / PIs of the prolog
        before = text[: match.start()]
        if before.count("<!--") > before.count("-->"):
            pos = match.end()
            continue
        root = match.start()
        break
    prolog = text if root is None else text[:root]
    if _DTD_MARK.search(prolog):
        raise UnsafeInputError(
            "document declares a DOCTYPE or entities; rncpkit refuses DTDs "
            "(entity expansion and external references are never processed)",
            file=name,
            line=prolog.count("\n", 0, _DTD_MARK.search(prolog).start()) + 1,  # type: ignore[union-attr]
        )
    if root is None and not complete and len(head) >= _MAX_PROLOG:
        raise UnsafeInputError("no root element in the first MiB of the document", file=name)
    return root is not None


class PrologGuard:
    """A read-through stream that checks the prolog of the document it carries."""

    def __init__(self, stream: IO[bytes], name: str = "<input>") -> None:
        self._stream = stream
        self._name = name
        self._head = b""
        self._done = False

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if not self._done:
            self._head += data
            self._done = check_prolog(self._head, name=self._name, complete=not data)
            if self._done:
                self._head = b""
        return data
