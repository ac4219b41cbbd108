"""What a fiche must or must not hold, by répertoire (RNCP or Répertoire spécifique)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

from rncpkit.model import AccessRouteCode, Certification, Level
from rncpkit.model.enums import Repertoire
from rncpkit.validation.findings import Severity
from rncpkit.validation.rules.engine import INACTIVE, Context, Issue, rule

# Its rules register themselves in the catalogue when the package imports it;
# nothing is imported from here by name.
__all__: list[str] = []


def _is_rncp(cert: Certification) -> bool:
    return cert.repertoire is Repertoire.RNCP


def _rncp_requires(
    code: str, what_en: str, what_fr: str, field_name: str, present: Callable[[Certification], bool]
) -> None:
    def check(cert: Certification, context: Context) -> Iterator[Issue]:
        if _is_rncp(cert) and context.carries(field_name) and not present(cert):
            yield Issue(
                field_name,
                f"an RNCP fiche must have {what_en}",
                f"une fiche RNCP doit comporter {what_fr}",
            )

    rule(
        code,
        Severity.ERROR,
        f"An RNCP fiche has {what_en}",
        f"Une fiche RNCP comporte {what_fr}",
        legacy=INACTIVE,
    )(check)


_rncp_requires(
    "RNCP-LEVEL-REQUIRED",
    "a level (NOMENCLATURE_EUROPE/NIVEAU)",
    "un niveau (NOMENCLATURE_EUROPE/NIVEAU)",
    "level",
    lambda c: c.level is not None,
)
_rncp_requires(
    "RNCP-ROME-REQUIRED",
    "at least one ROME code (CODES_ROME)",
    "au moins un code ROME (CODES_ROME)",
    "rome",
    lambda c: bool(c.rome),
)
_rncp_requires(
    "RNCP-ACTIVITIES-REQUIRED",
    "its targeted activities (ACTIVITES_VISEES)",
    "ses activités visées (ACTIVITES_VISEES)",
    "activities",
    lambda c: bool(c.activities and c.activities.strip()),
)
_rncp_requires(
    "RNCP-JOBS-REQUIRED",
    "the job types it gives access to (TYPE_EMPLOI_ACCESSIBLES)",
    "les types d'emplois accessibles (TYPE_EMPLOI_ACCESSIBLES)",
    "job_types",
    lambda c: bool(c.job_types and c.job_types.strip()),
)
BLOCKS_SINCE = dt.date(2019, 1, 1)
"""Blocks of competences became compulsory with the law of 5 September 2018, for
registrations from 2019; older and ``REPRISE`` fiches were registered without them."""


def _has_blocks_or_is_legacy(cert: Certification) -> bool:
    if cert.blocks or cert.level is Level.REPRISE:
        return True
    start, end = cert.registration_start, cert.registration_end
    return (start is not None and start < BLOCKS_SINCE) or (end is not None and end < BLOCKS_SINCE)


_rncp_requires(
    "RNCP-BLOC-REQUIRED",
    "at least one competence block (BLOCS_COMPETENCES), unless registered before 2019",
    "au moins un bloc de compétences (BLOCS_COMPETENCES), sauf enregistrement avant 2019",
    "blocks",
    _has_blocks_or_is_legacy,
)

_BLOC_SUFFIX = re.compile(r"BC[0-9]{2}")


@rule(
    "RNCP-BLOC-PREFIX",
    Severity.ERROR,
    "A block code is the fiche number followed by BC and two digits (RNCP35080BC01)",
    "Un code de bloc est le numéro de fiche suivi de BC et de deux chiffres (RNCP35080BC01)",
)
def _bloc_prefix(cert: Certification, context: Context) -> Iterator[Issue]:
    for index, block in enumerate(cert.blocks):
        code = block.code
        if not (code.startswith(cert.number) and _BLOC_SUFFIX.fullmatch(code, len(cert.number))):
            yield Issue(
                f"blocks[{index}].code",
                f"block code {code!r} should be {cert.number}BC followed by two digits",
                f"le code de bloc {code!r} devrait être {cert.number}BC suivi de deux chiffres",
            )


@rule(
    "RNCP-BLOC-UNIQUE",
    Severity.ERROR,
    "Block codes are unique within a fiche",
    "Les codes de bloc sont uniques dans une fiche",
)
def _bloc_unique(cert: Certification, context: Context) -> Iterator[Issue]:
    seen: dict[str, int] = {}
    for index, block in enumerate(cert.blocks):
        if block.code in seen:
            yield Issue(
                f"blocks[{index}].code",
                f"block code {block.code} is used twice (also blocks[{seen[block.code]}])",
                f"le code de bloc {block.code} est utilisé deux fois "
                f"(aussi blocks[{seen[block.code]}])",
            )
        else:
            seen[block.code] = index


_RNCP_ONLY: tuple[tuple[str, str, Callable[[Certification], bool]], ...] = (
    ("level", "NOMENCLATURE_EUROPE", lambda c: c.level is not None),
    ("abbreviation", "ABREGE", lambda c: c.abbreviation is not None),
    ("activities", "ACTIVITES_VISEES", lambda c: c.activities is not None),
    ("sectors", "SECTEURS_ACTIVITE", lambda c: c.sectors is not None),
    ("job_types", "TYPE_EMPLOI_ACCESSIBLES", lambda c: c.job_types is not None),
    ("rome", "CODES_ROME", lambda c: bool(c.rome)),
    ("blocks", "BLOCS_COMPETENCES", lambda c: bool(c.blocks)),
    # a closed apprenticeship route or a "Non" (the CSV export gives both for RS) says
    # nothing RNCP-specific; an open one or an "Oui" does
    ("access_routes.CA", "SI_JURY_CA", lambda c: _route_open(c, AccessRouteCode.CA)),
    ("new_caledonia", "ACCESSIBLE_NOUVELLE_CALEDONIE", lambda c: c.new_caledonia is True),
    ("french_polynesia", "ACCESSIBLE_POLYNESIE_FRANCAISE", lambda c: c.french_polynesia is True),
)


def _route_open(cert: Certification, code: AccessRouteCode) -> bool:
    route = cert.access_routes.get(code)
    return route is not None and route.open


@rule(
    "RS-RNCP-ONLY",
    Severity.ERROR,
    "An RS fiche has none of the RNCP-only elements (level, ROME, blocks, activities…)",
    "Une fiche RS ne comporte aucun élément propre au RNCP (niveau, ROME, blocs, activités…)",
)
def _rs_rncp_only(cert: Certification, context: Context) -> Iterator[Issue]:
    if _is_rncp(cert):
        return
    for field_name, element, present in _RNCP_ONLY:
        if present(cert):
            yield Issue(
                field_name,
                f"an RS fiche cannot have {element} (RNCP only)",
                f"une fiche RS ne peut pas comporter {element} (propre au RNCP)",
            )


_ALWAYS: tuple[tuple[str, str, Callable[[Certification], bool]], ...] = (
    ("state", "ETAT_FICHE", lambda c: c.state is not None),
    ("has_partners", "EXISTENCE_PARTENAIRES", lambda c: c.has_partners is not None),
    ("registration_end", "DATE_FIN_ENREGISTREMENT", lambda c: c.registration_end is not None),
    ("registration_type", "TYPE_ENREGISTREMENT", lambda c: c.registration_type is not None),
    ("active", "ACTIF", lambda c: c.active is not None),
)


@rule(
    "FICHE-REQUIRED",
    Severity.ERROR,
    "Every fiche has a state, partner flag, registration type and end, and an active flag",
    "Toute fiche a un état, un indicateur de partenaires, un type et une fin "
    "d'enregistrement, et un indicateur actif",
    legacy=INACTIVE,
)
def _fiche_required(cert: Certification, context: Context) -> Iterator[Issue]:
    for field_name, element, present in _ALWAYS:
        if context.carries(field_name) and not present(cert):
            yield Issue(field_name, f"{element} is missing", f"l'élément {element} est absent")


@rule(
    "CERTIFIER-MISSING",
    Severity.WARNING,
    "A fiche names at least one certifier",
    "Une fiche désigne au moins un certificateur",
)
def _certifier_missing(cert: Certification, context: Context) -> Iterator[Issue]:
    if not cert.certifiers:
        yield Issue("certifiers", "no certifier is named", "aucun certificateur n'est désigné")
