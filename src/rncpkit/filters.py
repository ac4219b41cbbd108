"""Which fiches a bulk run keeps: one picklable predicate built from the CLI filters.

A :class:`FicheFilter` is a plain frozen dataclass (so ``--jobs`` can ship it to worker
processes) and is called on each :class:`~rncpkit.model.Certification`; every criterion
given must hold (AND), and a criterion listing several values keeps any of them (OR).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rncpkit.errors import UsageError
from rncpkit.model import Certification, Level, Repertoire

__all__ = [
    "FicheFilter",
    "parse_level",
    "parse_numbers",
    "parse_siret",
]

_NUMBER = re.compile(r"^(RNCP|RS)\d+$")


@dataclass(frozen=True)
class FicheFilter:
    """The criteria of a bulk run; ``None`` means "any"."""

    numbers: frozenset[str] | None = None
    """Fiche numbers (``RNCP35080``, ``RS5000``)."""
    repertoire: Repertoire | None = None
    active: bool | None = None
    """``ACTIF`` (``Actif`` in the CSV): True keeps active fiches, False inactive ones."""
    levels: frozenset[Level] | None = None
    certifiers: frozenset[str] | None = None
    """SIRETs: a fiche is kept when one of its certifiers has one of them."""
    in_force_on: dt.date | None = None
    """Keep fiches whose registration covers this day (:meth:`Certification.in_force_on`)."""

    @property
    def empty(self) -> bool:
        """True when the filter keeps everything (callers then skip calling it)."""
        return self == FicheFilter()

    def __call__(self, cert: Certification) -> bool:
        if self.numbers is not None and cert.number not in self.numbers:
            return False
        if self.repertoire is not None and cert.repertoire is not self.repertoire:
            return False
        if self.active is not None and cert.active is not self.active:
            return False
        if self.levels is not None and cert.level not in self.levels:
            return False
        if self.certifiers is not None and not any(
            c.siret in self.certifiers for c in cert.certifiers
        ):
            return False
        return self.in_force_on is None or cert.in_force_on(self.in_force_on)

    def describe(self) -> str:
        """A short human description (``numero in 2 values, level NIV7``) for summaries."""
        parts: list[str] = []
        if self.numbers is not None:
            parts.append(f"numero in {len(self.numbers)} values")
        if self.repertoire is not None:
            parts.append(f"repertoire {self.repertoire.value}")
        if self.active is not None:
            parts.append("active" if self.active else "inactive")
        if self.levels is not None:
            parts.append("level " + "|".join(sorted(level.value for level in self.levels)))
        if self.certifiers is not None:
            parts.append(f"certifier in {len(self.certifiers)} SIRETs")
        if self.in_force_on is not None:
            parts.append(f"in force on {self.in_force_on.isoformat()}")
        return ", ".join(parts) or "none"


def parse_numbers(values: Iterable[str]) -> frozenset[str]:
    """Fiche numbers from ``--numero`` values: a number, a comma-separated list, or
    ``@FILE`` (one number per line; blank lines and ``#`` comments ignored). Numbers are
    upper-cased; a bare number is refused (``35080`` could be RNCP or RS)."""
    found: set[str] = set()
    for value in values:
        if value.startswith("@"):
            path = Path(value[1:])
            try:
                text = path.read_text(encoding="utf-8-sig")
            except OSError as exc:
                raise UsageError(
                    f"--numero {value}: cannot read the file: {exc.strerror}"
                ) from None
            items = [line.split("#", 1)[0] for line in text.splitlines()]
        else:
            items = value.split(",")
        for item in items:
            number = item.strip().upper()
            if not number:
                continue
            if not _NUMBER.match(number):
                raise UsageError(f"--numero: {item.strip()!r} is not a fiche number (RNCP…, RS…)")
            found.add(number)
    return frozenset(found)


def parse_level(value: str) -> Level:
    """``7``, ``NIV7``, ``niv7`` or ``REPRISE``."""
    text = value.strip().upper()
    if text.isdigit():
        text = f"NIV{text}"
    try:
        return Level(text)
    except ValueError:
        known = ", ".join(level.value for level in Level)
        raise UsageError(f"--level: {value!r} is not a level (3…8 or {known})") from None


def parse_siret(value: str) -> str:
    """A SIRET, spaces (and the CSV's TAB) removed."""
    siret = "".join(value.split())
    if not (len(siret) == 14 and siret.isascii() and siret.isdigit()):
        raise UsageError(f"--certifier: {value!r} is not a SIRET (14 digits)")
    return siret
