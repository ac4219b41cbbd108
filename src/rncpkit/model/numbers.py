"""What a person types for a fiche number, read the one way every command reads it.

``RNCP35080``, ``rncp35080``, ``RNCP 35080`` and ``35080`` all name RNCP35080; a bare
number may also be an RS fiche (``RS35080`` is another certification), so it gives both
candidates, RNCP first.
"""

from __future__ import annotations

import re

__all__ = [
    "fiche_number_candidates",
    "normalise_fiche_number",
]

_NUMBER = re.compile(r"(?P<prefix>RNCP|RS)?\s*[-_]?\s*(?P<digits>[0-9]+)", re.IGNORECASE)


def fiche_number_candidates(text: str) -> tuple[str, ...]:
    """The fiche numbers ``text`` may mean, most likely first: one with a prefix
    (``rncp34762`` → ``("RNCP34762",)``, ``RS5000`` → ``("RS5000",)``), two for a bare
    number (``34762`` → ``("RNCP34762", "RS34762")``). Leading zeros are dropped; a
    ``ValueError`` says what is expected for anything else."""
    match = _NUMBER.fullmatch(text.strip())
    if match is None or not match.group("digits").isascii():
        raise ValueError(
            f"{text!r} is not a fiche number (expected like RNCP35080, rncp35080, RS5000 or 35080)"
        )
    digits = str(int(match.group("digits")))
    prefix = match.group("prefix")
    if prefix:
        return (f"{prefix.upper()}{digits}",)
    return (f"RNCP{digits}", f"RS{digits}")


def normalise_fiche_number(text: str) -> str:
    """The one fiche number ``text`` most likely means (``35080`` → ``RNCP35080``)."""
    return fiche_number_candidates(text)[0]
