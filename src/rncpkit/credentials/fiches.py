"""The fiches a run needs, and whether a fiche could be awarded on a given day."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rncpkit.accrochage import sample_path
from rncpkit.model import Certification

__all__ = [
    "AwardWindow",
    "load_fiches",
    "load_windows",
    "same_name",
]


def same_name(a: str, b: str) -> bool:
    """Names equal but for case, accents and spacing (``Le Cnam`` = ``LE CNAM``)."""

    def key(text: str) -> str:
        folded = unicodedata.normalize("NFKD", text.casefold())
        return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())

    return bool(a.strip()) and key(a) == key(b)


@dataclass(frozen=True, slots=True)
class AwardWindow:
    """When a certification may be awarded: from the registration's start (when known) to
    its last day of issue, ``DATE_LIMITE_DELIVRANCE`` when given, else
    ``DATE_FIN_ENREGISTREMENT`` (inclusive)."""

    number: str
    first: dt.date | None
    last: dt.date | None
    blocks: frozenset[str]

    @classmethod
    def of(cls, cert: Certification) -> AwardWindow:
        return cls(
            cert.number,
            cert.registration_start,
            cert.issuance_deadline or cert.registration_end,
            frozenset(cert.block_codes),
        )

    def why_not(self, day: dt.date) -> tuple[str, str] | None:
        """None when ``day`` is inside the window, else the reason (en, fr)."""
        if self.first is not None and day < self.first:
            first = self.first.strftime("%d/%m/%Y")
            return (
                f"before fiche {self.number} was registered ({first})",
                f"antérieure à l'enregistrement de la fiche {self.number} ({first})",
            )
        if self.last is not None and day > self.last:
            last = self.last.strftime("%d/%m/%Y")
            return (
                f"after the last day fiche {self.number} may be awarded ({last})",
                f"postérieure au dernier jour de délivrance de la fiche {self.number} ({last})",
            )
        return None


def load_fiches(
    sources: Iterable[str | os.PathLike[str]], numbers: set[str]
) -> dict[str, Certification]:
    """The fiches numbered ``numbers`` found in ``sources`` (any format rncpkit reads; the
    embedded RNCP35080 sample when none is given), read one at a time."""
    from rncpkit.api import read

    found: dict[str, Certification] = {}
    for path in list(sources) or [sample_path()]:
        for cert in read(path):
            if cert.number in numbers:
                found[cert.number] = cert
    return found


def load_windows(sources: Iterable[str | os.PathLike[str]]) -> dict[str, AwardWindow]:
    """Award windows of every fiche of ``sources``, by fiche and by block code."""
    from rncpkit.api import read

    windows: dict[str, AwardWindow] = {}
    for path in sources:
        for cert in read(path):
            window = AwardWindow.of(cert)
            windows[cert.number] = window
            for code in window.blocks:
                windows.setdefault(code, window)
    return windows
