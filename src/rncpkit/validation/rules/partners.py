"""Partners and SIRET numbers of certifiers and partners."""

from __future__ import annotations

from collections.abc import Iterator

from rncpkit.model import Certification, siret_checksum_ok
from rncpkit.validation.findings import Severity
from rncpkit.validation.rules.engine import INACTIVE, Context, Issue, rule

# Its rules register themselves in the catalogue when the package imports it;
# nothing is imported from here by name.
__all__: list[str] = []


@rule(
    "PARTNERS-FLAG",
    Severity.ERROR,
    "EXISTENCE_PARTENAIRES agrees with the partners listed",
    "EXISTENCE_PARTENAIRES concorde avec les partenaires listés",
)
def _partners_flag(cert: Certification, context: Context) -> Iterator[Issue]:
    if cert.has_partners is True and not cert.partners:
        yield Issue(
            "has_partners",
            "EXISTENCE_PARTENAIRES is Oui but no partner is listed",
            "EXISTENCE_PARTENAIRES vaut Oui mais aucun partenaire n'est listé",
        )
    elif cert.has_partners is False and cert.partners:
        yield Issue(
            "has_partners",
            f"EXISTENCE_PARTENAIRES is Non but {len(cert.partners)} partners are listed",
            f"EXISTENCE_PARTENAIRES vaut Non mais {len(cert.partners)} partenaires sont listés",
        )


@rule(
    "PARTNER-SIRET-REQUIRED",
    Severity.ERROR,
    "Every partner has a SIRET",
    "Chaque partenaire a un SIRET",
    legacy=INACTIVE,
)
def _partner_siret(cert: Certification, context: Context) -> Iterator[Issue]:
    for index, partner in enumerate(cert.partners):
        if not partner.siret:
            yield Issue(
                f"partners[{index}].siret",
                f"partner {partner.name!r} has no SIRET",
                f"le partenaire {partner.name!r} n'a pas de SIRET",
            )


def _sirets(cert: Certification) -> Iterator[tuple[str, int, str]]:
    """``(list, index, SIRET)`` of each certifier and partner with a SIRET; the rules
    build a path (:func:`_who`) only for a SIRET they report."""
    for index, certifier in enumerate(cert.certifiers):
        if certifier.siret:
            yield "certifiers", index, certifier.siret
    for index, partner in enumerate(cert.partners):
        if partner.siret:
            yield "partners", index, partner.siret


def _who(owners: str, index: int) -> tuple[str, str, str]:
    """The field path and who holds the SIRET, in English and French."""
    if owners == "certifiers":
        return f"certifiers[{index}].siret", "certifier", "du certificateur"
    return f"partners[{index}].siret", "partner", "du partenaire"


@rule(
    "SIRET-FORMAT",
    Severity.ERROR,
    "A SIRET is fourteen digits",
    "Un SIRET compte quatorze chiffres",
)
def _siret_format(cert: Certification, context: Context) -> Iterator[Issue]:
    for owners, index, siret in _sirets(cert):
        if not (len(siret) == 14 and siret.isascii() and siret.isdigit()):
            path, who_en, who_fr = _who(owners, index)
            yield Issue(
                path,
                f"{who_en} SIRET {siret!r} is not fourteen digits",
                f"le SIRET {who_fr} {siret!r} ne compte pas quatorze chiffres",
            )


@rule(
    "SIRET-CHECKSUM",
    Severity.WARNING,
    "A SIRET fails its Luhn checksum (La Poste's exception applied)",
    "Un SIRET ne respecte pas sa clé de Luhn (exception de La Poste appliquée)",
)
def _siret_checksum(cert: Certification, context: Context) -> Iterator[Issue]:
    for owners, index, siret in _sirets(cert):
        if len(siret) == 14 and siret.isdigit() and not siret_checksum_ok(siret):
            path, who_en, who_fr = _who(owners, index)
            yield Issue(
                path,
                f"{who_en} SIRET {siret} fails its checksum",
                f"le SIRET {who_fr} {siret} a une clé invalide",
            )
