"""Business rules checked on a valid model: each has a stable code and a severity.

A rule is a function ``(certification, context) -> iterable of Issue`` registered with
:func:`rule`; rules that need the whole file (duplicates, link cycles) are collectors
registered with :func:`file_rule`. The catalogue is what ``rncpkit validate --rules``
lists; codes never change meaning once published.

Facts behind the rules are those observed on the real V4.1 export (notes §2.2–2.3): a rule
that fires on every real fiche is a wrong rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from rncpkit.model import (
    AccessRouteCode,
    Certification,
    Level,
    RegistrationType,
    siret_checksum_ok,
)
from rncpkit.model.enums import Repertoire
from rncpkit.validation import text
from rncpkit.validation.findings import Severity


@dataclass(frozen=True, slots=True)
class Issue:
    """What a rule reports; the engine adds the rule code, severity and location."""

    field: str
    message_en: str
    message_fr: str


@dataclass(frozen=True)
class Context:
    """Facts a rule may need beyond the fiche: the day the export describes, and the fields
    the source format cannot carry (a rule does not call "missing" what the file had no
    place for)."""

    today: dt.date
    uncarried: frozenset[str] = frozenset()

    def carries(self, field_name: str) -> bool:
        """Whether the source format has a place for ``field_name``."""
        return field_name not in self.uncarried


UNCARRIED: dict[str, frozenset[str]] = {
    "fc-csv": frozenset(
        {
            "state",
            "has_partners",
            "activities",
            "attested_skills",
            "sectors",
            "job_types",
            "registration_years",
            "jury",
            "publication_date",
        }
    ),
}
"""Model fields that a lossy input format has no column for, by format name. The CSV
export has no ETAT_FICHE, EXISTENCE_PARTENAIRES, texts, durations or jury compositions
(notes §4): presence rules are moot there."""


Check = Callable[[Certification, Context], Iterable[Issue]]


@dataclass(frozen=True, slots=True)
class Located:
    """An issue a file-level rule found, with the fiche and line it belongs to."""

    fiche: str
    line: int | None
    issue: Issue


class Collector(Protocol):
    """A file-level rule: sees each fiche in turn, reports as it goes and at the end."""

    def observe(self, cert: Certification, line: int | None) -> Iterable[Located]: ...

    def finish(self) -> Iterable[Located]: ...


@dataclass(frozen=True)
class Rule:
    """A catalogued rule: a per-fiche ``check``, a file-level ``collector``, or neither
    (findings raised while reading, such as ``READ-INVALID``)."""

    code: str
    severity: Severity
    summary_en: str
    summary_fr: str
    check: Check | None = None
    collector: Callable[[], Collector] | None = None


CATALOGUE: dict[str, Rule] = {}


def _register(item: Rule) -> None:
    if item.code in CATALOGUE:
        raise ValueError(f"duplicate rule code {item.code}")
    CATALOGUE[item.code] = item


def rule(
    code: str, severity: Severity, summary_en: str, summary_fr: str
) -> Callable[[Check], Check]:
    """Register a per-fiche rule in the catalogue under its stable code."""

    def register(check: Check) -> Check:
        _register(Rule(code, severity, summary_en, summary_fr, check=check))
        return check

    return register


def file_rule(
    code: str, severity: Severity, summary_en: str, summary_fr: str
) -> Callable[[type[Collector]], type[Collector]]:
    """Register a file-level rule (a :class:`Collector` class) under its stable code."""

    def register(cls: type[Collector]) -> type[Collector]:
        _register(Rule(code, severity, summary_en, summary_fr, collector=cls))
        return cls

    return register


# --------------------------------------------------------------------------- read time

READ_INVALID = "READ-INVALID"
INPUT_UNREADABLE = "INPUT-UNREADABLE"

_register(
    Rule(
        INPUT_UNREADABLE,
        Severity.ERROR,
        "The file cannot be read at all (not well-formed, unsafe, unsupported version or "
        "encoding, empty, bad zip)",
        "Le fichier est illisible (XML mal formé, dangereux, version ou encodage non pris "
        "en charge, vide, zip invalide)",
    )
)
_register(
    Rule(
        READ_INVALID,
        Severity.ERROR,
        "A fiche does not fit the model (missing element, bad date, number or code)",
        "Une fiche ne respecte pas le modèle (élément manquant, date, nombre ou code invalide)",
    )
)

# --------------------------------------------------------------------------- RNCP / RS


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


# --------------------------------------------------------------------------- registration


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; 29 February lands on 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@rule(
    "REG-REQUEST-DATES",
    Severity.ERROR,
    "A registration on request has a decision date and a duration",
    "Un enregistrement sur demande a une date de décision et une durée",
)
def _request_dates(cert: Certification, context: Context) -> Iterator[Issue]:
    if cert.registration_type is not RegistrationType.ON_REQUEST:
        return
    if cert.decision_date is None:
        yield Issue(
            "decision_date",
            "registration on request without DATE_DECISION",
            "enregistrement sur demande sans DATE_DECISION",
        )
    if cert.registration_years is None and context.carries("registration_years"):
        yield Issue(
            "registration_years",
            "registration on request without DUREE_ENREGISTREMENT",
            "enregistrement sur demande sans DUREE_ENREGISTREMENT",
        )


@rule(
    "REG-END-DATE",
    Severity.ERROR,
    "On request, the end of registration is the decision date plus the duration in years",
    "Sur demande, la fin d'enregistrement est la date de décision plus la durée en années",
)
def _end_date(cert: Certification, context: Context) -> Iterator[Issue]:
    if (
        cert.registration_type is not RegistrationType.ON_REQUEST
        or cert.decision_date is None
        or cert.registration_years is None
        or cert.registration_end is None
    ):
        return
    try:
        expected = add_years(cert.decision_date, cert.registration_years)
    except (ValueError, OverflowError):
        expected = None
    if expected != cert.registration_end:
        shown = expected.isoformat() if expected else "out of range"
        yield Issue(
            "registration_end",
            f"registration ends {cert.registration_end.isoformat()} but decision "
            f"{cert.decision_date.isoformat()} + {cert.registration_years} years gives {shown}",
            f"l'enregistrement finit le {cert.registration_end.isoformat()} mais décision "
            f"{cert.decision_date.isoformat()} + {cert.registration_years} ans donne {shown}",
        )


@rule(
    "REG-RIGHT-EFFECTIVE",
    Severity.ERROR,
    "A registration by right has an effective date",
    "Un enregistrement de droit a une date d'effet",
)
def _right_effective(cert: Certification, context: Context) -> Iterator[Issue]:
    if cert.registration_type is RegistrationType.BY_RIGHT and cert.effective_date is None:
        yield Issue(
            "effective_date",
            "registration by right without DATE_EFFET",
            "enregistrement de droit sans DATE_EFFET",
        )


@rule(
    "REG-MIXED-DATES",
    Severity.WARNING,
    "Dates of the other registration type are absent (no decision or duration by right, "
    "no effective date on request)",
    "Les dates de l'autre type d'enregistrement sont absentes (ni décision ni durée de "
    "droit, pas de date d'effet sur demande)",
)
def _mixed_dates(cert: Certification, context: Context) -> Iterator[Issue]:
    if cert.registration_type is RegistrationType.BY_RIGHT:
        for name, element, value in (
            ("decision_date", "DATE_DECISION", cert.decision_date),
            ("registration_years", "DUREE_ENREGISTREMENT", cert.registration_years),
        ):
            if value is not None:
                yield Issue(
                    name,
                    f"registration by right with {element}",
                    f"enregistrement de droit avec {element}",
                )
    elif cert.registration_type is RegistrationType.ON_REQUEST and cert.effective_date:
        yield Issue(
            "effective_date",
            "registration on request with DATE_EFFET",
            "enregistrement sur demande avec DATE_EFFET",
        )


@rule(
    "ACTIVE-FLAG",
    Severity.WARNING,
    "The active flag agrees with the end of registration on the export date",
    "L'indicateur actif concorde avec la fin d'enregistrement à la date de l'export",
)
def _active_flag(cert: Certification, context: Context) -> Iterator[Issue]:
    end = cert.registration_end
    if end is None or cert.active is None:
        return
    day = context.today
    # ACTIF turns off the day after the end; allow the export one day to catch up
    if cert.active and day > end + dt.timedelta(days=1):
        yield Issue(
            "active",
            f"flagged active but registration ended {end.isoformat()} (export date "
            f"{day.isoformat()})",
            f"marquée active alors que l'enregistrement a pris fin le {end.isoformat()} "
            f"(date de l'export {day.isoformat()})",
        )
    elif not cert.active and day < end:
        yield Issue(
            "active",
            f"flagged inactive but registration runs until {end.isoformat()} (export date "
            f"{day.isoformat()})",
            f"marquée inactive alors que l'enregistrement court jusqu'au {end.isoformat()} "
            f"(date de l'export {day.isoformat()})",
        )


# --------------------------------------------------------------------------- partners


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
)
def _partner_siret(cert: Certification, context: Context) -> Iterator[Issue]:
    for index, partner in enumerate(cert.partners):
        if not partner.siret:
            yield Issue(
                f"partners[{index}].siret",
                f"partner {partner.name!r} has no SIRET",
                f"le partenaire {partner.name!r} n'a pas de SIRET",
            )


def _sirets(cert: Certification) -> Iterator[tuple[str, str, str, str]]:
    for index, certifier in enumerate(cert.certifiers):
        if certifier.siret:
            yield f"certifiers[{index}].siret", "certifier", "du certificateur", certifier.siret
    for index, partner in enumerate(cert.partners):
        if partner.siret:
            yield f"partners[{index}].siret", "partner", "du partenaire", partner.siret


@rule(
    "SIRET-FORMAT",
    Severity.ERROR,
    "A SIRET is fourteen digits",
    "Un SIRET compte quatorze chiffres",
)
def _siret_format(cert: Certification, context: Context) -> Iterator[Issue]:
    for path, who_en, who_fr, siret in _sirets(cert):
        if not (len(siret) == 14 and siret.isascii() and siret.isdigit()):
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
    for path, who_en, who_fr, siret in _sirets(cert):
        if len(siret) == 14 and siret.isdigit() and not siret_checksum_ok(siret):
            yield Issue(
                path,
                f"{who_en} SIRET {siret} fails its checksum",
                f"le SIRET {who_fr} {siret} a une clé invalide",
            )


# --------------------------------------------------------------------------- access routes

_ROUTES_RS = tuple(code for code in AccessRouteCode if code is not AccessRouteCode.CA)


@rule(
    "ROUTE-MISSING",
    Severity.WARNING,
    "Every access route has its flag (six on RNCP; all but apprenticeship on RS)",
    "Chaque voie d'accès a son indicateur (six au RNCP ; toutes sauf l'apprentissage au RS)",
)
def _route_missing(cert: Certification, context: Context) -> Iterator[Issue]:
    expected = tuple(AccessRouteCode) if _is_rncp(cert) else _ROUTES_RS
    for code in expected:
        if code not in cert.access_routes:
            yield Issue(
                f"access_routes.{code.value}",
                f"SI_JURY_{code.value} is missing",
                f"l'élément SI_JURY_{code.value} est absent",
            )


@rule(
    "ROUTE-JURY-CLOSED",
    Severity.WARNING,
    "A closed access route has no jury composition",
    "Une voie d'accès fermée n'a pas de composition de jury",
)
def _jury_closed(cert: Certification, context: Context) -> Iterator[Issue]:
    for code, route in cert.access_routes.items():
        if not route.open and route.jury and route.jury.strip():
            yield Issue(
                f"access_routes.{code.value}.jury",
                f"route {code.value} is closed but describes a jury",
                f"la voie {code.value} est fermée mais décrit un jury",
            )


@rule(
    "ROUTE-JURY-MISSING",
    Severity.WARNING,
    "An open access route describes its jury",
    "Une voie d'accès ouverte décrit son jury",
)
def _jury_missing(cert: Certification, context: Context) -> Iterator[Issue]:
    if not context.carries("jury"):
        return
    for code, route in cert.access_routes.items():
        if route.open and not (route.jury and route.jury.strip()):
            yield Issue(
                f"access_routes.{code.value}.jury",
                f"route {code.value} is open but has no jury composition",
                f"la voie {code.value} est ouverte mais sans composition de jury",
            )


# --------------------------------------------------------------------------- codes

ROME = re.compile(r"[A-N][0-9]{4}")
"""ROME codes: a domain letter A (agriculture) … N (transport) and four digits."""
NSF = re.compile(r"[1-4][0-9]{2}[a-z]?")
"""NSF: three digits (domains 1xx–4xx) and an optional lowercase function letter."""
FORMACODE = re.compile(r"[0-9]{5}")


def _code_rule(
    code: str,
    name: str,
    pattern: re.Pattern[str],
    example: str,
    items: Callable[[Certification], list[str]],
    field_name: str,
) -> None:
    def check(cert: Certification, context: Context) -> Iterator[Issue]:
        for index, value in enumerate(items(cert)):
            if not pattern.fullmatch(value):
                yield Issue(
                    f"{field_name}[{index}].code",
                    f"{name} code {value!r} is malformed (expected like {example})",
                    f"le code {name} {value!r} est mal formé (attendu comme {example})",
                )

    rule(
        code,
        Severity.ERROR,
        f"{name} codes are well formed (like {example})",
        f"Les codes {name} sont bien formés (comme {example})",
    )(check)


_code_rule("ROME-FORMAT", "ROME", ROME, "M1805", lambda c: [r.code for r in c.rome], "rome")
_code_rule("NSF-FORMAT", "NSF", NSF, "326t", lambda c: [n.code for n in c.nsf], "nsf")
_code_rule(
    "FORMACODE-FORMAT",
    "Formacode",
    FORMACODE,
    "34254",
    lambda c: [f.code for f in c.formacodes],
    "formacodes",
)

FICHE_NUMBER = re.compile(r"(RNCP|RS)[0-9]+")
"""A fiche number in ASCII digits (the model's pattern also lets other scripts' digits by)."""


@rule(
    "NUMBER-FORMAT",
    Severity.ERROR,
    "Fiche numbers, of the fiche and of the fiches it links to, are RNCP or RS and ASCII digits",
    "Les numéros de fiche, de la fiche et des fiches liées, sont RNCP ou RS et des chiffres ASCII",
)
def _number_format(cert: Certification, context: Context) -> Iterator[Issue]:
    numbers = [("number", cert.number)]
    numbers += [(f"successors[{i}]", n) for i, n in enumerate(cert.successors)]
    numbers += [(f"predecessors[{i}]", n) for i, n in enumerate(cert.predecessors)]
    numbers += [
        (f"correspondences[{i}].target_number", c.target_number)
        for i, c in enumerate(cert.correspondences)
    ]
    for path, number in numbers:
        if not FICHE_NUMBER.fullmatch(number):
            yield Issue(
                path,
                f"fiche number {number!r} is malformed (expected like RNCP35080 or RS5000)",
                f"le numéro de fiche {number!r} est mal formé (attendu comme RNCP35080 ou RS5000)",
            )


# --------------------------------------------------------------------------- links


@rule(
    "LINK-SELF",
    Severity.ERROR,
    "A fiche is not its own successor or predecessor",
    "Une fiche n'est ni sa propre nouvelle ni sa propre ancienne certification",
)
def _link_self(cert: Certification, context: Context) -> Iterator[Issue]:
    for name, links in (("successors", cert.successors), ("predecessors", cert.predecessors)):
        for index, number in enumerate(links):
            if number == cert.number:
                yield Issue(
                    f"{name}[{index}]",
                    f"the fiche lists itself among its {name}",
                    f"la fiche se cite elle-même parmi ses "
                    f"{'nouvelles' if name == 'successors' else 'anciennes'} certifications",
                )


@file_rule(
    "LINK-CYCLE",
    Severity.ERROR,
    "Successor links within one file form no cycle",
    "Les liens vers les nouvelles certifications d'un même fichier ne forment pas de cycle",
)
class _LinkCycles:
    """Keeps only the links (not the fiches) and looks for cycles once the file is read."""

    def __init__(self) -> None:
        self.edges: dict[str, set[str]] = {}
        self.where: dict[str, int | None] = {}

    def observe(self, cert: Certification, line: int | None) -> Iterable[Located]:
        self.where.setdefault(cert.number, line)
        for successor in cert.successors:
            if successor != cert.number:
                self.edges.setdefault(cert.number, set()).add(successor)
        for predecessor in cert.predecessors:
            if predecessor != cert.number:
                self.edges.setdefault(predecessor, set()).add(cert.number)
        return ()

    def finish(self) -> Iterable[Located]:
        for component in _cycles(self.edges):
            start = min(component, key=lambda n: (n not in self.where, self.where.get(n) or 0, n))
            path = _cycle_path(start, component, self.edges)
            shown = " → ".join(path)
            yield Located(
                start,
                self.where.get(start),
                Issue(
                    "successors",
                    f"successor links form a cycle: {shown}",
                    f"les liens de succession forment un cycle : {shown}",
                ),
            )


def _cycles(edges: dict[str, set[str]]) -> Iterator[set[str]]:
    """Strongly connected components of more than one fiche (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    yield component


def _cycle_path(start: str, component: set[str], edges: dict[str, set[str]]) -> list[str]:
    """The shortest way from ``start`` back to itself inside its component."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for child in sorted(edges.get(node, ())):
                if child not in component:
                    continue
                if child == start:
                    path = [start]
                    while node != start:
                        path.append(node)
                        node = previous[node]
                    return [start, *reversed(path[1:]), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return [start, start]  # unreachable for a real component


@file_rule(
    "FICHE-DUPLICATE",
    Severity.ERROR,
    "A fiche number appears once in a file",
    "Un numéro de fiche n'apparaît qu'une fois dans un fichier",
)
@dataclass
class _Duplicates:
    seen: dict[str, int | None] = field(default_factory=dict)

    def observe(self, cert: Certification, line: int | None) -> Iterable[Located]:
        if cert.number not in self.seen:
            self.seen[cert.number] = line
            return ()
        first = self.seen[cert.number]
        at = f" (first at line {first})" if first else ""
        at_fr = f" (d'abord ligne {first})" if first else ""
        return (
            Located(
                cert.number,
                line,
                Issue(
                    "number",
                    f"fiche {cert.number} appears again{at}",
                    f"la fiche {cert.number} apparaît de nouveau{at_fr}",
                ),
            ),
        )

    def finish(self) -> Iterable[Located]:
        return ()


# --------------------------------------------------------------------------- texts


@rule(
    "TEXT-CONTROL",
    Severity.ERROR,
    "Texts hold no control characters or bidirectional overrides",
    "Les textes ne contiennent ni caractères de contrôle ni forçages de direction",
)
def _text_control(cert: Certification, context: Context) -> Iterator[Issue]:
    if not text.digest(cert).may_match(text.CONTROL):
        return
    for path, _name, value in text.strings(cert):
        match = text.CONTROL.search(value)
        if match:
            shown = f"U+{ord(match.group()):04X}"
            yield Issue(
                path,
                f"control character {shown} at position {match.start()}",
                f"caractère de contrôle {shown} à la position {match.start()}",
            )


@rule(
    "TEXT-HTML",
    Severity.WARNING,
    "Texts hold no leftover HTML tags or character references",
    "Les textes ne contiennent pas de reste de balises ou d'entités HTML",
)
def _text_html(cert: Certification, context: Context) -> Iterator[Issue]:
    if not text.digest(cert).may_match(text.HTML):
        return
    for path, _name, value in text.strings(cert):
        match = text.HTML.search(value)
        if match:
            yield Issue(
                path,
                f"leftover HTML {match.group()[:40]!r}",
                f"reste de HTML {match.group()[:40]!r}",
            )


@rule(
    "TEXT-MOJIBAKE",
    Severity.ERROR,
    "Texts are not garbled by a wrong decoding (Ã© for é, â€™ for ’)",
    "Les textes ne sont pas altérés par un mauvais décodage (Ã© pour é, â€™ pour ’)",
)
def _text_mojibake(cert: Certification, context: Context) -> Iterator[Issue]:
    if not text.digest(cert).may_match(text.MOJIBAKE):
        return
    for path, _name, value in text.strings(cert):
        match = text.MOJIBAKE.search(value)
        if match:
            yield Issue(
                path,
                f"garbled text {text.excerpt(value, match.start())!r} (UTF-8 read as Latin-1?)",
                f"texte altéré {text.excerpt(value, match.start())!r} (UTF-8 lu en Latin-1 ?)",
            )


@rule(
    "TEXT-LENGTH",
    Severity.ERROR,
    f"Titles, labels and names stay under {text.LIMITS['title']} characters, other texts "
    f"under {text.DEFAULT_LIMIT}",
    f"Intitulés, libellés et noms font moins de {text.LIMITS['title']} caractères, les "
    f"autres textes moins de {text.DEFAULT_LIMIT}",
)
def _text_length(cert: Certification, context: Context) -> Iterator[Issue]:
    if not text.digest(cert).may_be_too_long():
        return
    for path, name, value in text.strings(cert):
        limit = text.LIMITS.get(name, text.DEFAULT_LIMIT)
        if len(value) > limit:
            yield Issue(
                path,
                f"{len(value)} characters (limit {limit})",
                f"{len(value)} caractères (limite {limit})",
            )


# --------------------------------------------------------------------------- other

_TAG = re.compile(r"<([^\s/>]+)")


@rule(
    "UNKNOWN-ELEMENT",
    Severity.ERROR,
    "The fiche holds no element unknown to the flux (kept verbatim by convert)",
    "La fiche ne contient aucun élément inconnu du flux (conservé tel quel par convert)",
)
def _unknown(cert: Certification, context: Context) -> Iterator[Issue]:
    for item in cert.unknown_elements:
        match = _TAG.match(item.xml)
        tag = match.group(1)[:60] if match else "?"
        yield Issue(
            f"{item.parent}/{tag}",
            f"unknown element <{tag}> in {item.parent}",
            f"élément inconnu <{tag}> dans {item.parent}",
        )


@rule(
    "STATS-RANGE",
    Severity.ERROR,
    "Promotion statistics are plausible: VAE ≤ total, rates 0–100 (the model refuses negatives)",
    "Les statistiques de promotion sont plausibles : VAE ≤ total, taux 0–100",
)
def _stats_range(cert: Certification, context: Context) -> Iterator[Issue]:
    for index, stats in enumerate(cert.statistics):
        where = f"statistics[{index}]"
        for name in ("employment_rate_6_months", "occupation_rate_2_years"):
            value = getattr(stats, name)
            if value is not None and not 0 <= value <= 100:
                yield Issue(
                    f"{where}.{name}",
                    f"rate {value} is not a percentage",
                    f"le taux {value} n'est pas un pourcentage",
                )
        if (
            stats.certified is not None
            and stats.certified_by_vae is not None
            and stats.certified_by_vae > stats.certified
        ):
            yield Issue(
                f"{where}.certified_by_vae",
                f"{stats.certified_by_vae} certified by VAE out of {stats.certified}",
                f"{stats.certified_by_vae} certifiés par VAE sur {stats.certified}",
            )


CODES_BY_READ_FIELD: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(^|/)CODES_ROME(/|$)|^rome\."), "ROME-FORMAT"),
    (re.compile(r"(^|/)CODES_NSF(/|$)|^nsf\."), "NSF-FORMAT"),
    (re.compile(r"(^|/)FORMACODES(/|$)|^formacodes\."), "FORMACODE-FORMAT"),
    (re.compile(r"SIRET|\.siret$"), "SIRET-FORMAT"),
)


def read_rule(field_path: str | None, message: str) -> str:
    """The rule code of a problem found while reading: a code's format rule when the
    problem is a malformed code, ``READ-INVALID`` otherwise."""
    if field_path and "pattern" in message:
        for pattern, code in CODES_BY_READ_FIELD:
            if pattern.search(field_path):
                return code
    return READ_INVALID
