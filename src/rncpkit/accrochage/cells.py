"""Reading one cell of the holders file: dates as French Excel writes them, yes/no, enumerated
values spelled loosely, the birth date's three precisions, a NIR.

Each parser takes the stripped text of a non-empty cell and returns the value, or raises
:class:`CellError` with a reason in English and French that says what is really wrong (a
date in the right format that does not exist is not "a badly formatted date").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from rncpkit.accrochage.enums import AccessMode
from rncpkit.accrochage.model import NO_SUCH_DATE
from rncpkit.accrochage.nir import Nir, NirError, parse_nir
from rncpkit.model import AccessRouteCode

__all__ = [
    "CellError",
    "access_mode",
    "birth",
    "boolean",
    "date",
    "digital_results",
    "enum",
    "insee",
    "integer",
    "nir",
    "text",
]


class CellError(ValueError):
    """A cell that cannot be converted: its reason in English and French."""

    def __init__(self, en: str, fr: str) -> None:
        super().__init__(en)
        self.en = en
        self.fr = fr


_PLAIN = re.compile(r"[A-Z0-9]+(_[A-Z0-9]+)*")


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """``très bien`` → ``TRES_BIEN``: how enumerated cells are compared (cached: the
    values of a column repeat)."""
    text = text.strip()
    if _PLAIN.fullmatch(text):
        return text
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).upper()
    return re.sub(r"[^A-Z0-9]+", "_", text).strip("_")


E = TypeVar("E", bound=StrEnum)


def enum(kind: type[E], aliases: dict[str, str] | None = None) -> Callable[[str], E]:
    """A parser of ``kind``'s values (case, accents and separators ignored; ``aliases``)."""

    def parse(text: str) -> E:
        folded = fold(text)
        folded = (aliases or {}).get(folded, folded)
        try:
            return kind(folded)
        except ValueError:
            values = ", ".join(member.value for member in kind)
            raise CellError(f"expected one of {values}", f"valeurs possibles : {values}") from None

    return parse


_DATE = re.compile(r"(?:(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{2})-(\d{2}))(?:[ T]00:00(?::00)?)?")


@functools.lru_cache(maxsize=4096)
def date(text: str) -> dt.date:
    """``JJ/MM/AAAA`` (what French Excel writes) or ``AAAA-MM-JJ``; a midnight time that
    Excel may append is ignored."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise CellError("expected a date DD/MM/YYYY", "date JJ/MM/AAAA attendue")
    day, month, year = (match[1], match[2], match[3]) if match[1] else match.group(6, 5, 4)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(*NO_SUCH_DATE) from None


def birth(text: str) -> tuple[int, int | None, int | None]:
    """``JJ/MM/AAAA``, ``MM/AAAA`` or ``AAAA`` → (year, month or None, day or None)."""
    text = re.sub(r"[ T]00:00(:00)?$", "", text.strip())
    if re.fullmatch(r"\d{4}", text):
        return int(text), None, None
    match = re.fullmatch(r"(\d{1,2})/(\d{4})", text)
    if match:
        if not 1 <= int(match[1]) <= 12:
            raise CellError("this month does not exist", "ce mois n'existe pas")
        return int(match[2]), int(match[1]), None
    if not _DATE.fullmatch(text):
        raise CellError(
            "expected DD/MM/YYYY, MM/YYYY or YYYY", "JJ/MM/AAAA, MM/AAAA ou AAAA attendu"
        )
    day = date(text)
    return day.year, day.month, day.day


_TRUE = {"OUI", "O", "VRAI", "TRUE", "1", "YES", "Y", "X"}
_FALSE = {"NON", "N", "FAUX", "FALSE", "0", "NO"}


def boolean(text: str) -> bool:
    """oui/non, vrai/faux, yes/no, 1/0, x."""
    folded = fold(text)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError("expected yes or no", "oui ou non attendu")


def integer(text: str) -> int:
    """A whole number."""
    try:
        return int(text.strip())
    except ValueError:
        raise CellError("expected a whole number", "nombre entier attendu") from None


def digital_results(text: str) -> list[dict[str, Any]]:
    """``niveau:domaine:compétence`` entries separated by ``|`` (e.g. ``4:2:1|3:1:2``)."""
    results: list[dict[str, Any]] = []
    for part in text.split("|"):
        pieces = [piece.strip() for piece in part.split(":")]
        if len(pieces) != 3 or not pieces[0].isdigit():
            raise CellError(
                "expected level:domain:competence entries separated by |",
                "format niveau:domaine:compétence séparés par | attendu",
            )
        result: dict[str, Any] = {"level": int(pieces[0])}
        if pieces[1]:
            result["domain_id"] = pieces[1]
        if pieces[2]:
            result["competence_id"] = pieces[2]
        results.append(result)
    return results


def access_mode(text: str) -> AccessMode:
    """An RNCP route code (FI, CA, FC, CQ, CL, VAE), or a CDC ``modaliteAcces`` value."""
    folded = fold(text)
    if folded in AccessRouteCode.__members__:
        return AccessMode.from_rncp_route(AccessRouteCode(folded))
    if folded == "EQUIVALENCE":
        return AccessMode.FOREIGN_DIPLOMA_EQUIVALENCE
    try:
        return AccessMode(folded)
    except ValueError:
        raise CellError(
            "expected FI, CA, FC, CQ, CL, VAE or EQUIVALENCE_DIPLOME_ETRANGER",
            "FI, CA, FC, CQ, CL, VAE ou EQUIVALENCE_DIPLOME_ETRANGER attendu",
        ) from None


def insee(text: str) -> str:
    """An INSEE commune code; the leading zero Excel drops is put back."""
    text = text.strip().upper()
    return "0" + text if re.fullmatch(r"\d{4}", text) else text


def nir(text: str) -> Nir:
    """A NIR of 13 or 15 characters (key checked)."""
    try:
        return parse_nir(text)
    except NirError as exc:
        raise CellError(exc.en, exc.fr) from None


def text(value: str) -> str:
    """Free text, stripped."""
    return value.strip()
