"""How France Compétences spells scalars: dates ``JJ/MM/AAAA``, booleans ``Oui``/``Non``,
whole numbers, codes (trimmed) and texts. The CSV export spells them the same way."""

from __future__ import annotations

import datetime as dt
import functools
import re

from rncpkit.formats.xmltable import TEXT, BadValue, Codec
from rncpkit.formats.xmltable.nodes import format_enum_or_text

__all__ = [
    "BOOL",
    "CODE",
    "DATE",
    "INT",
    "TEXT",
    "format_date",
    "parse_bool",
    "parse_date",
    "parse_int",
]

_DATE = re.compile(r"\s*(\d{2})/(\d{2})/(\d{4})\s*\Z")


@functools.lru_cache(maxsize=8192)
def parse_date(text: str) -> dt.date:
    """``18/11/2020`` → 2020-11-18 (surrounding spaces tolerated).

    Memoised: a national export holds about 30 dates per fiche but few distinct ones, and
    a cache hit costs a tenth of a parse (dates are immutable; errors are not cached)."""
    if len(text) == 10 and text[2] == "/" and text[5] == "/":  # fast path: JJ/MM/AAAA
        day, month, year = text[:2], text[3:5], text[6:]
        if day.isdigit() and month.isdigit() and year.isdigit() and text.isascii():
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError as exc:
                raise BadValue(f"invalid date {text!r}: {exc}") from None
    match = _DATE.match(text)
    if match is None:
        raise BadValue(f"expected a date JJ/MM/AAAA, got {text!r:.60}")
    day, month, year = match.groups()
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise BadValue(f"invalid date {text!r}: {exc}") from None


def parse_bool(text: str) -> bool:
    """``Oui`` / ``Non``."""
    value = text.strip()
    if value == "Oui":
        return True
    if value == "Non":
        return False
    raise BadValue(f"expected Oui or Non, got {text!r:.60}")


def parse_int(text: str) -> int:
    """A whole number of ASCII digits."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()):
        raise BadValue(f"expected a whole number, got {text!r:.60}")
    return int(value)


@functools.lru_cache(maxsize=8192)
def format_date(day: dt.date) -> str:
    """2020-11-18 → ``18/11/2020``. Memoised as :func:`parse_date` is (few distinct dates,
    about 30 a fiche). ``strftime("%Y")`` does not pad years below 1000, which the reader
    would then refuse: the digits are padded here."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


CODE = Codec("code", str.strip, format_enum_or_text)
INT = Codec("int", parse_int, str)
DATE = Codec("date", parse_date, format_date)
BOOL = Codec("bool", parse_bool, lambda b: "Oui" if b else "Non")
