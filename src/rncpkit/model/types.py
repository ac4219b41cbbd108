"""Constrained scalar types shared by every model: identifiers and codes.

They carry patterns only; the model stays ignorant of any file format.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

__all__ = [
    "FicheNumber",
    "FormacodeCode",
    "NsfCode",
    "RomeCode",
    "Siret",
    "siret_checksum_ok",
]

FicheNumber = Annotated[str, StringConstraints(pattern=r"^(RNCP|RS)[0-9]+$")]
"""A fiche number (``NUMERO_FICHE``): ``RNCP35080``, ``RS5000``."""

RomeCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9]{4}$")]
"""A ROME occupation code (``CODES_ROME/ROME/CODE``): ``K1206``."""

NsfCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{3}[a-z]?$")]
"""A NSF specialty code (``CODES_NSF/NSF/CODE``): ``332n``."""

FormacodeCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{5}$")]
"""A Formacode (``FORMACODES/FORMACODE/CODE``): five digits."""

Siret = Annotated[str, StringConstraints(pattern=r"^[0-9]{14}$")]
"""A SIRET establishment number: fourteen digits (checksum checked by the validator)."""


_DOUBLED = bytes.maketrans(b"0123456789", bytes([0, 2, 4, 6, 8, 1, 3, 5, 7, 9]))
"""A digit → the Luhn value of the digit doubled (2·d, less 9 when over 9)."""
_ZERO = ord("0")


def siret_checksum_ok(siret: str) -> bool:
    """Luhn check of a SIRET, with La Poste's exception (SIREN 356000000: digit sum % 5).

    Real exports contain SIRETs that fail it, so callers report a warning, not an error.
    The validator runs it on every certifier and partner: the sums are done by C code.
    """
    if len(siret) != 14 or not siret.isdigit():
        return False
    if not siret.isascii():  # other Unicode digits: the plain arithmetic
        return _luhn_any_digits(siret)
    digits = siret.encode("ascii")
    if siret.startswith("356000000"):
        return (sum(digits) - 14 * _ZERO) % 5 == 0
    # of 14 digits, the Luhn doubles those at even offsets from the left
    total = sum(digits[0::2].translate(_DOUBLED)) + sum(digits[1::2]) - 7 * _ZERO
    return total % 10 == 0


def _luhn_any_digits(siret: str) -> bool:
    if siret.startswith("356000000"):
        return sum(int(d) for d in siret) % 5 == 0
    total = 0
    for index, char in enumerate(reversed(siret)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0
