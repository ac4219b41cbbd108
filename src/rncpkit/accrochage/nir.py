"""The NIR (numéro d'inscription au répertoire, "numéro de sécurité sociale"): reading it
from a spreadsheet cell, checking its key, and what its digits say of the person.

The INSEE rule: 15 characters = sex (1 male, 2 female), year of birth (2 digits), month of
birth (2 digits; 01–12 normally, other values for unknown or special birth records),
département (2 digits, or ``2A``/``2B`` for Corsica), commune (3 digits), order number
(3 digits), key (2 digits). The key is ``97 − (N mod 97)`` where N is the 13-character
number read as an integer, ``2A`` being read as ``19`` and ``2B`` as ``18``.

The accrochage flux 1.1.5 carries the first 13 characters only (no key), matching
``[12]\\d{4}(2[AB]|\\d{2})\\d{6}``. A NIR is sensitive personal data: nothing here ever puts
its value in a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "NIR_PATTERN",
    "Nir",
    "NirError",
    "contradictions",
    "nir_key",
    "parse_nir",
]

NIR_PATTERN = r"[12]\d{4}(2[AB]|\d{2})\d{6}"
"""The 13 characters the flux carries (pattern of ``identifiantNational/nir``)."""
_NIR = re.compile(NIR_PATTERN)
_CORSICA = {"2A": "19", "2B": "18"}


class NirError(ValueError):
    """A cell that is not a usable NIR: the reason in English and French (never the value)."""

    def __init__(self, en: str, fr: str) -> None:
        super().__init__(en)
        self.en = en
        self.fr = fr


def nir_key(number: str) -> int:
    """The key of a 13-character NIR: ``97 − (N mod 97)``, 2A read 19, 2B read 18."""
    digits = number[:5] + _CORSICA.get(number[5:7], number[5:7]) + number[7:]
    return 97 - int(digits) % 97


@dataclass(frozen=True, slots=True)
class Nir:
    """A checked NIR, as the flux carries it (13 characters, no key)."""

    number: str

    @property
    def sex(self) -> str:
        """``M`` or ``F`` (first digit 1 or 2)."""
        return "M" if self.number[0] == "1" else "F"

    @property
    def year_digits(self) -> int:
        """The last two digits of the birth year."""
        return int(self.number[1:3])

    @property
    def month(self) -> int | None:
        """The birth month, or None when the digits are not a month (unknown month)."""
        month = int(self.number[3:5])
        return month if 1 <= month <= 12 else None

    def __repr__(self) -> str:  # never show the number, even in a debugger or a traceback
        return "Nir(<hidden>)"

    __str__ = __repr__


def parse_nir(text: str) -> Nir:
    """13 or 15 characters, spaces (and dots or dashes) allowed; with 15, the key is checked
    and dropped. Raises :class:`NirError`."""
    compact = re.sub(r"[\s.\-]", "", text).upper()
    if len(compact) not in (13, 15):
        raise NirError(
            "a NIR has 13 characters, or 15 with its key",
            "un NIR a 13 caractères, ou 15 avec sa clé",
        )
    number, key = compact[:13], compact[13:]
    if not _NIR.fullmatch(number):
        raise NirError(
            "not a NIR: 1 or 2, then year, month, département (digits, 2A or 2B), "
            "commune and order number",
            "pas un NIR : 1 ou 2, puis année, mois, département (chiffres, 2A ou 2B), "
            "commune et numéro d'ordre",
        )
    if key:
        if not key.isdigit():
            raise NirError(
                "the NIR key must be two digits", "la clé du NIR doit être deux chiffres"
            )
        if int(key) != nir_key(number):
            raise NirError(
                "the NIR key is wrong (mistyped number?)",
                "la clé du NIR est fausse (numéro mal saisi ?)",
            )
    return Nir(number)


def contradictions(
    nir: Nir, sex: str | None, year: int | None, month: int | None
) -> list[tuple[str, str, str]]:
    """(column, English, French) for each of the row's own values the NIR contradicts."""
    found: list[tuple[str, str, str]] = []
    if sex is not None and sex != nir.sex:
        found.append(
            (
                "sexe",
                "the NIR's first digit says the other sex",
                "le 1er chiffre du NIR dit l'autre sexe",
            )
        )
    if year is not None and year % 100 != nir.year_digits:
        found.append(
            (
                "date_naissance",
                "the birth year differs from the NIR's year digits",
                "l'année de naissance diffère de celle du NIR",
            )
        )
    if month is not None and nir.month is not None and month != nir.month:
        found.append(
            (
                "date_naissance",
                "the birth month differs from the NIR's month digits",
                "le mois de naissance diffère de celui du NIR",
            )
        )
    return found
