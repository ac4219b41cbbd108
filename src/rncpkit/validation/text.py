"""Text checks shared by the rules: control characters, leftover HTML, mojibake, sizes.

The patterns are compiled once; a fiche's strings are walked generically so that a field
added to the model is checked without touching this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

__all__ = [
    "CONTROL",
    "DEFAULT_LIMIT",
    "HTML",
    "LIMITS",
    "MOJIBAKE",
    "Digest",
    "digest",
    "excerpt",
    "strings",
]

CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
"""C0/C1 controls other than tab and line breaks, DEL, bidirectional overrides (which make
a text display differently from what it says) and lone surrogates (which have no UTF-8)."""

HTML = re.compile(
    r"<\s*/?\s*(?:p|br|li|ul|ol|div|span|strong|b|i|u|em|a|h[1-6]|table|tr|td|th|font|img)"
    r"(?:\s[^<>]{0,200})?\s*/?\s*>"
    r"|&(?:nbsp|eacute|egrave|ecirc|agrave|acirc|ccedil|ocirc|ucirc|icirc|euml|iuml|rsquo"
    r"|lsquo|laquo|raquo|hellip|amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});",
    re.IGNORECASE,
)
"""HTML tags and character references left in a text (the V2/V3 flux carried escaped HTML;
V4.1 texts are plain)."""

_CP1252_TAIL = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
"""Characters that the second byte of a UTF-8 sequence becomes when read as windows-1252."""
MOJIBAKE = re.compile(rf"[ÂÃ][{_CP1252_TAIL}]|â€|Å[“\u0178\u00a0-\u00bf]|\ufffd")
"""UTF-8 read as ISO-8859-1/windows-1252 (``é`` → ``Ã©``, ``’`` → ``â€™``), or the
replacement character left by a lossy decoder."""
_MOJIBAKE_MARKS = ("Ã", "Â", "Å", "\ufffd")
"""A MOJIBAKE match starts with one of these, or is ``â€``."""


def _may_be_garbled(joined: str) -> bool:
    """Whether ``joined`` holds the start of a MOJIBAKE match. ``â€`` is looked for only
    where ``€`` is: a two-character search costs ten times a one-character one (French
    text has many ``â``)."""
    if any(mark in joined for mark in _MOJIBAKE_MARKS):
        return True
    return "€" in joined and "â€" in joined


LIMITS = {"title": 1000, "label": 1000, "name": 1000}
"""Longest plausible value per field name (the longest real title is 129 characters)."""
DEFAULT_LIMIT = 100_000
"""Longest plausible free text (the longest real one seen is 13.7k characters)."""

_SKIP = frozenset({"unknown_elements"})


def strings(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, str, str]]:
    """Every free-text value of a model: ``(path, field name, text)``; enums are skipped."""
    for name in type(model).model_fields:
        if name in _SKIP:
            continue
        value = getattr(model, name)
        path = f"{prefix}{name}"
        yield from _values(value, path, name)


def _values(value: object, path: str, name: str) -> Iterator[tuple[str, str, str]]:
    if value is None or isinstance(value, Enum | bool | int):
        return
    if isinstance(value, str):
        yield path, name, value
    elif isinstance(value, BaseModel):
        yield from strings(value, f"{path}.")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _values(item, f"{path}[{index}]", name)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _values(item, f"{path}.{getattr(key, 'value', key)}", name)


@dataclass(frozen=True, slots=True)
class Digest:
    """All the free text of one fiche joined once, so that each text rule makes one C-level
    regex scan per fiche and walks the fields (to name the culprit) only after a hit."""

    joined: str
    longest_short: int
    """Longest value of a field with a short limit (titles, labels, names)."""
    longest: int

    def may_match(self, pattern: re.Pattern[str]) -> bool:
        """False when no text can match ``pattern``; cheap C-level tests first (a regex
        scan of a fiche's 10 kB of text costs ~150 µs, these a few)."""
        joined = self.joined
        if pattern is CONTROL:
            if joined.isprintable():  # every character CONTROL looks for is unprintable
                return False
        elif pattern is HTML:
            if "<" not in joined and "&" not in joined:
                return False
        elif pattern is MOJIBAKE and not _may_be_garbled(joined):
            return False
        return pattern.search(joined) is not None

    def may_be_too_long(self) -> bool:
        """False when no value can exceed its limit."""
        return self.longest_short > min(LIMITS.values()) or self.longest > DEFAULT_LIMIT


def digest(model: BaseModel) -> Digest:
    """The :class:`Digest` of ``model``; the engine computes it once per fiche and hands
    it to the text rules in their context."""
    collected: list[str] = []
    shorts: list[str] = []
    longs: list[str] = []
    _collect(model.__dict__, collected, shorts, longs)
    # joined by spaces: printable, so that ``isprintable`` speaks for the texts alone
    return Digest(
        " ".join(collected), max(map(len, shorts), default=0), max(map(len, longs), default=0)
    )


_NONE, _STR, _LIST, _DICT, _MODEL = range(5)
_KINDS: dict[type, int] = {str: _STR, list: _LIST, dict: _DICT, type(None): _NONE}
"""What a value of each exact type holds for the digest (learnt as types come): text, a
container to look into, a model, or nothing (numbers, dates, enums, None). A dict lookup
per value instead of a chain of type tests and ``isinstance(value, BaseModel)``."""


def _kind(kind: type) -> int:
    found = _KINDS[kind] = _MODEL if issubclass(kind, BaseModel) else _NONE
    return found


def _collect(
    fields: dict[str, object], out: list[str], shorts: list[str], longs: list[str]
) -> None:
    """A model's fields: a text directly in a field of :data:`LIMITS` is a short one."""
    kinds = _KINDS
    for name, value in fields.items():
        kind = kinds.get(type(value))
        if kind is None:
            kind = _kind(type(value))
        if kind == _STR:
            out.append(value)  # type: ignore[arg-type]
            (shorts if name in LIMITS else longs).append(value)  # type: ignore[arg-type]
        elif kind and name not in _SKIP:
            _gather(value, kind, out, shorts, longs)


def _gather(value: Any, kind: int, out: list[str], shorts: list[str], longs: list[str]) -> None:
    if kind == _STR:
        out.append(value)
        longs.append(value)
    elif kind == _MODEL:
        _collect(value.__dict__, out, shorts, longs)
    else:  # a list or a dict
        kinds = _KINDS
        for item in value if kind == _LIST else value.values():
            item_kind = kinds.get(type(item))
            if item_kind is None:
                item_kind = _kind(type(item))
            if item_kind == _MODEL:
                _collect(item.__dict__, out, shorts, longs)
            elif item_kind:
                _gather(item, item_kind, out, shorts, longs)


def excerpt(text: str, start: int, width: int = 30) -> str:
    """A short, printable piece of ``text`` around ``start`` for a message."""
    piece = text[max(0, start - 10) : start + width]
    return piece.encode("unicode_escape").decode("ascii") if CONTROL.search(piece) else piece
