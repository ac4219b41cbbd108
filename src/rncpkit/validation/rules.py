"""Business rules checked on a valid model: each has a stable code and a severity.

A rule is a function ``(certification, context) -> iterable of Issue`` registered with
:func:`rule`; the catalogue is what ``rncpkit validate --rules`` lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from rncpkit.model import Certification, siret_checksum_ok
from rncpkit.validation.findings import Severity


@dataclass(frozen=True, slots=True)
class Issue:
    """What a rule reports; the engine adds the rule code, severity and location."""

    field: str
    message_en: str
    message_fr: str


@dataclass(frozen=True)
class Context:
    """Facts a rule may need beyond the fiche: the day the export describes."""

    today: dt.date


Check = Callable[[Certification, Context], Iterable[Issue]]


@dataclass(frozen=True)
class Rule:
    """A catalogued rule."""

    code: str
    severity: Severity
    summary_en: str
    summary_fr: str
    check: Check


CATALOGUE: dict[str, Rule] = {}


def rule(
    code: str, severity: Severity, summary_en: str, summary_fr: str
) -> Callable[[Check], Check]:
    """Register a rule in the catalogue under its stable code."""

    def register(check: Check) -> Check:
        if code in CATALOGUE:
            raise ValueError(f"duplicate rule code {code}")
        CATALOGUE[code] = Rule(code, severity, summary_en, summary_fr, check)
        return check

    return register


@rule(
    "SIRET-CHECKSUM",
    Severity.WARNING,
    "A SIRET fails its Luhn checksum (La Poste's exception applied)",
    "Un SIRET ne respecte pas sa clé de Luhn (exception de La Poste appliquée)",
)
def _siret_checksum(cert: Certification, context: Context) -> Iterator[Issue]:
    for index, certifier in enumerate(cert.certifiers):
        if certifier.siret and not siret_checksum_ok(certifier.siret):
            yield Issue(
                f"certifiers[{index}].siret",
                f"certifier SIRET {certifier.siret} fails its checksum",
                f"le SIRET du certificateur {certifier.siret} a une clé invalide",
            )
    for index, partner in enumerate(cert.partners):
        if partner.siret and not siret_checksum_ok(partner.siret):
            yield Issue(
                f"partners[{index}].siret",
                f"partner SIRET {partner.siret} fails its checksum",
                f"le SIRET du partenaire {partner.siret} a une clé invalide",
            )
