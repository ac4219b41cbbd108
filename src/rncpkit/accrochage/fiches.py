"""What a build needs to know of each certification's fiche: its open routes and dates.

Only a few facts per fiche are kept (not the fiches), so ``--fiche`` may be a whole
national export.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass

from rncpkit.model import AccessRouteCode, Certification
from rncpkit.samples import sample_path as sample_path  # the one lookup of shipped files

__all__ = [
    "FicheFacts",
    "FicheIndex",
    "sample_path",
]

@dataclass(frozen=True, slots=True)
class FicheFacts:
    """The facts of one fiche that a holder's row is checked against."""

    number: str
    title: str
    open_routes: frozenset[AccessRouteCode]
    last_award_date: dt.date | None
    """Last day the certification may be awarded: ``DATE_LIMITE_DELIVRANCE`` when the fiche
    gives one, otherwise ``DATE_FIN_ENREGISTREMENT``; None when neither is known."""
    registration_start: dt.date | None = None
    """First day of the registration (decision date, or effective date for a registration
    by right); None when the fiche gives neither."""
    predecessors: tuple[str, ...] = ()
    """``ANCIENNES_CERTIFICATIONS``: the fiches this one renews (they may cover older awards)."""

    @classmethod
    def of(cls, cert: Certification) -> FicheFacts:
        """Extract the facts from a fiche."""
        return cls(
            number=cert.number,
            title=cert.title,
            open_routes=frozenset(cert.open_routes()),
            last_award_date=cert.issuance_deadline or cert.registration_end,
            registration_start=cert.registration_start,
            predecessors=tuple(cert.predecessors),
        )


class FicheIndex:
    """The fiches known to a build, by number."""

    def __init__(self, facts: Iterable[FicheFacts] = ()) -> None:
        self._facts = {fact.number: fact for fact in facts}

    @classmethod
    def load(cls, sources: Iterable[str | os.PathLike[str]] = ()) -> FicheIndex:
        """Read the fiches of ``sources`` (any format rncpkit reads); the embedded sample
        RNCP35080 when none is given."""
        from rncpkit.api import read

        paths = list(sources) or [sample_path()]
        return cls(FicheFacts.of(cert) for path in paths for cert in read(path))

    def get(self, number: str) -> FicheFacts | None:
        """The facts of fiche ``number``, if known."""
        return self._facts.get(number)

    def __contains__(self, number: object) -> bool:
        return number in self._facts

    def __len__(self) -> int:
        return len(self._facts)
