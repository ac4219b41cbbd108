"""Hardened XML parsing: the only place rncpkit creates an XML parser.

Every parser is built here with DTD loading, entity resolution and network access turned off
*explicitly* (never lxml's process-wide default parser, which any library may replace), and
a document that declares a DOCTYPE is refused before libxml2 sees it: the France Compétences
export has none, and a DOCTYPE is how entity attacks (XXE, billion laughs) arrive.

The pre-scan can only refuse what it can read, so it also refuses encodings it cannot decode
(EBCDIC, UTF-7, anything outside a short list), and, as a second line, any tree whose
``docinfo`` still shows a DTD is refused after parsing.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import IO, Any, Literal

from lxml import etree

from rncpkit.errors import InputError, UnsafeInputError

__all__ = [
    "ALLOWED_ENCODINGS",
    "PrologGuard",
    "check_prolog",
    "declared_encoding",
    "iterparse",
    "new_parser",
    "parse_bytes",
    "parse_file",
]

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
_DECLARED = re.compile(r"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")

# Encodings the pre-scan reads reliably; libxml2 would accept many more (through iconv),
# in which a DOCTYPE could hide from the scan.
_UNICODE = {"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "utf-32", "utf-32le", "utf-32be"}
_SINGLE_BYTE = {
    "us-ascii",
    "ascii",
    "iso-8859-1",
    "iso8859-1",
    "latin1",
    "latin-1",
    "iso-8859-15",
    "iso8859-15",
    "latin-9",
    "windows-1252",
    "cp1252",
}
ALLOWED_ENCODINGS = frozenset(_UNICODE | _SINGLE_BYTE)
_NON_ASCII = re.compile(rb"[\x80-\xff]+")


def new_parser() -> etree.XMLParser:
    """A fresh hardened parser for small documents (schemas, Europass files, fragments)."""
    parser: etree.XMLParser = etree.XMLParser(remove_blank_text=False, **_PARSER_FLAGS)
    return parser


def _refuse_dtd(tree: etree._ElementTree, name: str) -> None:
    """Second line of defence: a tree parsed with a DTD despite the pre-scan is refused."""
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise UnsafeInputError("document carries a DTD; rncpkit refuses DTDs", file=name, line=1)


def _precise(exc: etree.XMLSyntaxError, log: Any) -> tuple[str, int | None]:
    """The message and line of a syntax error; lxml's iterparse sometimes reports a
    generic 'no element found' at line 0 while its own log holds the real cause."""
    message, line = exc.msg, exc.lineno
    if not line:
        entries = [entry for entry in log if entry.level_name in ("FATAL", "ERROR")]
        if entries:
            message, line = entries[-1].message, entries[-1].line
    return message, line or None


def parse_bytes(data: bytes, *, name: str = "<input>") -> etree._Element:
    """Parse a whole (small) document safely; errors become :class:`InputError`."""
    check_prolog(data, name=name)
    parser = new_parser()
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        message, line = _precise(exc, parser.error_log)
        raise InputError(f"not well-formed XML: {message}", file=name, line=line) from None
    _refuse_dtd(root.getroottree(), name)
    return root


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
    """Stream ``(event, element)`` pairs with the hardened flags, refusing any DTD.

    Syntax errors are re-raised as :class:`lxml.etree.XMLSyntaxError` carrying the real
    cause and line (callers turn them into :class:`InputError`).
    """
    guarded = PrologGuard(stream, name)
    events_iter = etree.iterparse(guarded, events=events, tag=tag, **_PARSER_FLAGS)
    return _checked(events_iter, guarded, name)


def _checked(
    events_iter: Any, guarded: PrologGuard, name: str
) -> Iterator[tuple[str, etree._Element]]:
    first = True
    try:
        for event, element in events_iter:
            if first:
                _refuse_dtd(element.getroottree(), name)
                first = False
            yield event, element
    except etree.XMLSyntaxError as exc:
        message, line = _precise(exc, events_iter.error_log)
        if guarded.blank:
            message, line = "the document is empty", 1
        if (message, line) == (exc.msg, exc.lineno):
            raise
        raise etree.XMLSyntaxError(message, exc.code, line or 0, exc.offset or 0) from None


def _sniff_codec(head: bytes, name: str) -> str:
    """How to decode the prolog, the way libxml2 guesses it (BOM, then first bytes)."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head[:4] == b"\x00\x00\x00<":
        return "utf-32-be"
    if head[:4] == b"<\x00\x00\x00":
        return "utf-32-le"
    if head[:2] == b"<\x00":
        return "utf-16-le"
    if head[:2] == b"\x00<":
        return "utf-16-be"
    if head[:4] == b"\x4c\x6f\xa7\x94":
        raise UnsafeInputError("EBCDIC documents are not supported", file=name, line=1)
    return "latin-1"  # byte-transparent: enough to see ASCII markup in UTF-8 or 8-bit text


def declared_encoding(text: str) -> str | None:
    """The ``encoding`` of the XML declaration at the start of ``text``, lower-cased."""
    match = _DECLARED.match(text.lstrip("\ufeff"))
    return match.group(1).strip().lower() if match else None


def check_prolog(head: bytes, *, name: str, complete: bool = True) -> bool:
    """Refuse a DOCTYPE/ENTITY declaration before the root element, and encodings the
    scan cannot read.

    Returns True once the root element has been seen (the prolog is over). With
    ``complete=False`` the bytes are only the beginning of the document.
    """
    text = head.decode(_sniff_codec(head, name), errors="replace")
    encoding = declared_encoding(text)
    if encoding is not None and encoding not in ALLOWED_ENCODINGS:
        raise UnsafeInputError(
            f"unsupported encoding {encoding!r} in the XML declaration "
            "(rncpkit reads UTF-8, UTF-16, UTF-32, ASCII, ISO-8859-1/15 and windows-1252)",
            file=name,
            line=1,
        )
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
    mark = _DTD_MARK.search(prolog)
    if mark is not None:
        raise UnsafeInputError(
            "document declares a DOCTYPE or entities; rncpkit refuses DTDs "
            "(entity expansion and external references are never processed)",
            file=name,
            line=prolog.count("\n", 0, mark.start()) + 1,
        )
    if root is None and not complete and len(head) >= _MAX_PROLOG:
        raise UnsafeInputError("no root element in the first MiB of the document", file=name)
    return root is not None


class PrologGuard:
    """A read-through stream that checks the prolog of the document it carries.

    When the declaration names a single-byte encoding (ISO-8859-1…) it also checks that
    the first non-ASCII bytes are not UTF-8: that mislabelling turns every ``é`` into
    ``Ã©`` without any parser noticing.
    """

    def __init__(self, stream: IO[bytes], name: str = "<input>") -> None:
        self._stream = stream
        self._name = name
        self._head = b""
        self._done = False
        self._watch_utf8 = False
        self._lines = 1
        self._carry = b""
        self.blank = True
        """No byte but whitespace so far (an empty document gets a message of its own)."""

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if self.blank and data.strip():
            self.blank = False
        if not self._done:
            self._head += data
            self._done = check_prolog(self._head, name=self._name, complete=not data)
            if self._done:
                prolog_text = self._head[:200].decode("latin-1")
                self._watch_utf8 = declared_encoding(prolog_text) in _SINGLE_BYTE
                data_seen, self._head = self._head, b""
                if self._watch_utf8:
                    self._inspect(data_seen)
                return data
        elif self._watch_utf8:
            self._inspect(data)
        return data

    def _inspect(self, data: bytes) -> None:
        data, self._carry = self._carry + data, b""
        match = _NON_ASCII.search(data)
        if match is None:
            self._lines += data.count(b"\n")
            return
        run = match.group()
        try:
            run.decode("utf-8")
            utf8 = True
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data" and match.end() == len(data):
                # the run may go on in the next read: decide then
                self._lines += data.count(b"\n", 0, match.start())
                self._carry = run
                return
            utf8 = False
        self._watch_utf8 = False  # the first non-ASCII run decides
        if utf8:
            raise InputError(
                "the XML declaration names a single-byte encoding but the text is UTF-8 "
                "(accented letters would read as 'Ã©'); fix the encoding declaration",
                file=self._name,
                line=self._lines + data.count(b"\n", 0, match.start()),
            )
