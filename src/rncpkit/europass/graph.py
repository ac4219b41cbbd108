"""One fiche as an ELM 3 LOQ graph, independent of its XML or JSON-LD serialisation.

:func:`build` maps a :class:`~rncpkit.model.Certification` to plain dataclasses, one per LOQ
entity, so that the LOQ XML and the JSON-LD writers emit the same graph. It raises
:class:`~rncpkit.errors.OutputError` for fiches LOQ cannot express (no EQF level, no ISCED-F
field), before any writer has written a byte of that fiche.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
import warnings
from dataclasses import dataclass, field

from rncpkit.errors import OutputError, RncpkitWarning
from rncpkit.europass import vocab
from rncpkit.europass.isced import Crosswalk
from rncpkit.europass.vocab import Term
from rncpkit.model import AccessRouteCode, Certification, Certifier, Repertoire
from rncpkit.model.text import flattened_lines
from rncpkit.supplement import registration

__all__ = [
    "DEFAULT_BASE_URI",
    "JURY_NOTE",
    "NOTE_FIELDS",
    "REGULATION_NOTE",
    "VALIDATION_NOTE",
    "Accreditation",
    "Activity",
    "Assessment",
    "Awarding",
    "Builder",
    "Concept",
    "Entitlement",
    "Graph",
    "Identifier",
    "Location",
    "Note",
    "Organisation",
    "Outcome",
    "Qualification",
    "Uris",
    "Written",
    "build_graph",
    "is_url",
    "nothing_written",
    "slug",
    "split_items",
    "term_concept",
    "warn_placeholder",
]

DEFAULT_BASE_URI = "https://rncpkit.invalid/"
"""Placeholder base of minted URIs (``.invalid`` never resolves): publishers set their own."""


def warn_placeholder(base_uri: str | None, format_name: str) -> None:
    """Warn (once per output: writers call this when they start) that the URIs minted for
    ``format_name`` use the placeholder base, which a publisher must replace."""
    if not base_uri:
        warnings.warn(
            f"{format_name}: every URI is minted under the placeholder {DEFAULT_BASE_URI} "
            "(a reserved domain that never resolves); give yours with --base-uri "
            "https://your.domain/ before publishing",
            RncpkitWarning,
            stacklevel=3,
        )


def nothing_written(format_name: str) -> OutputError:
    """The error a LOQ writer raises at close when no fiche could be written: an empty
    document is of no use, and raising leaves nothing behind (the output is atomic)."""
    return OutputError(
        f"{format_name}: no fiche could be written, so no file was written "
        "(the fiches' own errors say why)"
    )


FRANCE_COMPETENCES = "France compétences"
_FRANCE_COMPETENCES_SLUG = "france-competences"
SCHEME_NAME = {
    Repertoire.RNCP: "Répertoire national des certifications professionnelles (RNCP)",
    Repertoire.RS: "Répertoire spécifique (RS)",
}
BLOCK_SCHEME_NAME = "Blocs de compétences RNCP"

NOTE_FIELDS: dict[str, tuple[str, str]] = {
    "activities": ("activites-visees", "Activités visées"),
    "sectors": ("secteurs-activite", "Secteurs d'activité"),
    "mastery_level": ("niveau-maitrise", "Niveau de maîtrise des compétences"),
    "partial_validation_scope": ("validation-partielle", "Périmètre de la validation partielle"),
    "validity_duration": ("duree-validite", "Durée de validité"),
    "renewal_terms": ("modalites-renouvellement", "Modalités de renouvellement"),
    "description_url": ("lien-description", "Lien vers la description"),
}
"""Free-text fields of a fiche that ELM has no property for: each becomes an
``additionalNote`` whose ``dc:subject`` (a concept of rncpkit's note-subject scheme) names it."""
VALIDATION_NOTE = ("prerequis-validation", "Prérequis à la validation")
REGULATION_NOTE = ("reglementations", "Réglementations d'activités")
JURY_NOTE = ("composition-jury", "Composition du jury")
LEVEL_NOTE = ("niveau", "Niveau de qualification")


@dataclass(slots=True)
class Concept:
    """A SKOS concept: a controlled value, or a code of an rncpkit scheme (NSF, ROME…)."""

    uri: str
    scheme: str
    label: str | None = None
    label_lang: str = "en"
    notation: str | None = None

    @classmethod
    def of(cls, term: Term) -> Concept:
        return cls(term.uri, term.scheme, term.label_en)


_TERM_CONCEPTS: dict[Term, Concept] = {}


def term_concept(term: Term) -> Concept:
    """The concept of a vocabulary term, made once per process and shared by every graph
    (graph concepts are read, never changed, by the writers)."""
    concept = _TERM_CONCEPTS.get(term)
    if concept is None:
        concept = _TERM_CONCEPTS[term] = Concept.of(term)
    return concept


@dataclass(slots=True)
class Note:
    """``additionalNote`` / ``entryRequirement`` …: a French text, optionally with a subject."""

    text: str
    subject: Concept | None = None


@dataclass(slots=True)
class Identifier:
    notation: str
    scheme_name: str
    scheme_agency: str | None = None


@dataclass(slots=True)
class Outcome:
    """``learningOutcome``: one competence."""

    id: str
    title: str


@dataclass(slots=True)
class Activity:
    """``learningActivitySpecification``: an access route."""

    id: str
    code: AccessRouteCode
    title: str
    types: list[Concept]
    notes: list[Note]
    influences: str


@dataclass(slots=True)
class Assessment:
    """``learningAssessmentSpecification``: assessment methods of a block, or of the fiche."""

    id: str
    title: str
    description: str | None
    types: list[Concept]
    proves: str
    parts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Entitlement:
    """``learningEntitlementSpecification``: the jobs the certification gives access to."""

    id: str
    title: str
    description: str | None
    notes: list[Note]
    occupations: list[Concept]
    entitled_by: str


@dataclass(slots=True)
class Awarding:
    """``awardingOpportunity`` (inline in the qualification): one per certifier."""

    body: str
    location: str
    start: dt.date | None
    end: dt.date | None
    specification: str


@dataclass(slots=True)
class Organisation:
    id: str
    name: str
    alt_name: str | None
    siret: str | None
    homepage: str | None
    location: str


@dataclass(slots=True)
class Accreditation:
    """``accreditation``: the registration in the RNCP / RS."""

    id: str
    title: str
    organisations: list[str]
    qualification: str
    agent: str
    issued: dt.date | None
    valid: dt.date | None
    expiry: dt.date | None
    title_en: str | None = None


@dataclass(slots=True)
class Location:
    id: str
    country: Concept


@dataclass(slots=True)
class Qualification:
    """``qualification``: the fiche, or one of its blocks (``partial``)."""

    id: str
    identifier: Identifier
    title: str
    description: str | None = None
    notes: list[Note] = field(default_factory=list)
    homepage: str | None = None
    supplementary: list[str] = field(default_factory=list)
    status: str | None = None
    modified: dt.date | None = None
    types: list[Concept] = field(default_factory=list)
    summary: str | None = None
    isced: list[Concept] = field(default_factory=list)
    subjects: list[Concept] = field(default_factory=list)
    education_levels: list[Concept] = field(default_factory=list)
    setting: Concept | None = None
    entry: str | None = None
    outcomes: list[str] = field(default_factory=list)
    influenced_by: list[str] = field(default_factory=list)
    proven_by: list[str] = field(default_factory=list)
    entitles_to: list[str] = field(default_factory=list)
    has_part: list[str] = field(default_factory=list)
    is_part_of: list[str] = field(default_factory=list)
    awarding: list[Awarding] = field(default_factory=list)
    partial: bool = False
    eqf: Concept | None = None
    nqf: list[Concept] = field(default_factory=list)
    accreditation: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Graph:
    """Every LOQ entity of one fiche, grouped as the LOQ containers group them."""

    qualifications: list[Qualification] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    entitlements: list[Entitlement] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    accreditations: list[Accreditation] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)


class Written:
    """What a document already holds: entity ids must be unique in LOQ, and organisations and
    locations are shared by the fiches (written once). One per output document."""

    def __init__(self) -> None:
        self.qualifications: set[str] = set()
        self.shared: set[str] = set()

    def check(self, cert: Certification, graph: Graph) -> None:
        """Refuse a fiche whose fiche or block ids are already taken (before writing it)."""
        ids = [q.id for q in graph.qualifications]
        clash = [i for i in ids if i in self.qualifications] or [i for i in ids if ids.count(i) > 1]
        if clash:
            field_name = "number" if clash[0] == ids[0] else "blocks"
            raise OutputError(
                f"{clash[0].rsplit('/', 1)[-1]} is written twice: LOQ ids must be unique",
                fiche=cert.number,
                field=field_name,
            )

    def add(self, graph: Graph) -> None:
        self.qualifications.update(q.id for q in graph.qualifications)
        self.shared.update(o.id for o in graph.organisations)
        self.shared.update(loc.id for loc in graph.locations)


# --------------------------------------------------------------------------- helpers


def split_items(text: str | None) -> list[str]:
    """The items of an RNCP list text, for learning outcomes: the text's lines
    (:func:`~rncpkit.model.text.flattened_lines`) less headings (``…:``) and scraps."""
    return [line for _, line in flattened_lines(text) if len(line) >= 3 and not line.endswith(":")]


def slug(text: str) -> str:
    """An ASCII path segment for a name: ``Ministère du Travail`` → ``ministere-du-travail``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def name_key(name: str) -> str:
    """A URI path segment that only this exact name gets, stable across runs.

    :func:`slug` loses case, accents and punctuation, so distinct names can share a slug
    (``:`` and ``;`` both give ``x``, ``X`` and ``Ȝ`` too); unless the name is its own slug,
    the first 8 hex digits of the SHA-256 of its UTF-8 bytes follow it after a ``.``, a
    character no slug holds: ``SNVEL`` → ``snvel.<digest>``, ``snvel`` → ``snvel``. A
    counter in document order would be unique too, but would change an organisation's URI
    when another certifier is added to the fiche or the flux.
    """
    key = slug(name)
    if key == name:
        return key
    return f"{key}.{hashlib.sha256(name.encode()).hexdigest()[:8]}"


_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def is_url(text: str | None) -> bool:
    """Whether a free-text field is one absolute http(s) URL (``LIEN_URL_DESCRIPTION`` is
    often prose)."""
    return bool(text and _URL.match(text.strip()))


class Uris:
    """Every URI rncpkit mints, from one base (``--base-uri``)."""

    def __init__(self, base: str | None) -> None:
        base = base or DEFAULT_BASE_URI
        self.base = base if base.endswith(("/", "#", ":")) else base + "/"
        self._organisations: dict[tuple[str | None, str], str] = {}

    def fiche(self, number: str) -> str:
        return f"{self.base}{number}"

    def sub(self, number: str, *parts: str) -> str:
        return "/".join([self.fiche(number), *parts])

    def scheme(self, name: str) -> str:
        return f"{self.base}scheme/{name}"

    def concept(self, scheme: str, code: str) -> str:
        return f"{self.base}scheme/{scheme}/{code}"

    def organisation(self, certifier: Certifier) -> str:
        """One URI per distinct organisation, the same in every run: by SIRET when the
        fiche gives one, else by name (see :func:`name_key`); a certifier named like
        France compétences without SIRET is the accrediting agent itself. Memoised (the
        same certifiers sign thousands of fiches; a name's key is a slug and a digest)."""
        key = (certifier.siret, certifier.name)
        uri = self._organisations.get(key)
        if uri is None:
            if len(self._organisations) >= 4096:  # bounded: memory stays flat
                self._organisations.clear()
            uri = self._organisations[key] = self._organisation(certifier)
        return uri

    def _organisation(self, certifier: Certifier) -> str:
        if certifier.siret:
            return f"{self.base}organisation/siret/{certifier.siret}"
        if slug(certifier.name) == _FRANCE_COMPETENCES_SLUG:
            return self.france_competences
        return f"{self.base}organisation/{name_key(certifier.name)}"

    @property
    def france_competences(self) -> str:
        return f"{self.base}organisation/{_FRANCE_COMPETENCES_SLUG}"

    @property
    def france(self) -> str:
        return f"{self.base}location/FRA"


def note_subject(uris: Uris, code: str, label: str) -> Concept:
    return Concept(uris.concept("note-subject", code), uris.scheme("note-subject"), label, "fr")


# --------------------------------------------------------------------------- the builder


class Builder:
    """Maps certifications to graphs with one set of options (built once per output)."""

    def __init__(
        self, base_uri: str | None, eqf_level: int | None, crosswalk: Crosswalk | None = None
    ) -> None:
        self.uris = Uris(base_uri)
        self.eqf_default = eqf_level
        self.crosswalk = crosswalk or Crosswalk()
        self._subjects: dict[tuple[str, str], Concept] = {}

    def note_subject(self, code: str, label: str) -> Concept:
        """The subject concept of a note, made once per builder and shared by its graphs."""
        concept = self._subjects.get((code, label))
        if concept is None:
            concept = self._subjects[code, label] = note_subject(self.uris, code, label)
        return concept

    def levels(self, cert: Certification) -> tuple[Concept, Concept]:
        """The EQF and NQF concepts, or an OutputError naming the missing field.

        An RS fiche has no level by nature: LOQ still requires an EQF and an NQF level, so
        it is written only with ``--eqf-level`` (the publisher's statement, said so in a
        note) and its NQF concept is the French framework itself, never an RNCP level.
        """
        rs = cert.repertoire is Repertoire.RS
        number = cert.eqf_level if cert.eqf_level is not None else self.eqf_default
        if number is None:
            why = (
                "an RS fiche has no level by nature: certifications of the Répertoire "
                "spécifique are outside the national framework of levels"
                if rs
                else "the fiche gives no level"
            )
            raise OutputError(
                f"LOQ requires an EQF level and this fiche has none ({why}); "
                "supply one with --eqf-level",
                fiche=cert.number,
                field="level",
            )
        if rs:
            return term_concept(vocab.eqf(number)), term_concept(vocab.NQF_FRAMEWORK_FRANCE)
        nqf = vocab.NQF_FRANCE.get(number)
        if nqf is None:
            raise OutputError(
                f"EQF level {number} has no French NQF concept in the LOQ 3.1 list "
                "(levels 3 to 8 only)",
                fiche=cert.number,
                field="level",
            )
        return term_concept(vocab.eqf(number)), term_concept(nqf)

    def isced(self, cert: Certification) -> list[Concept]:
        codes = self.crosswalk.fields(n.code for n in cert.nsf)
        if not codes:
            nsf = ", ".join(n.code for n in cert.nsf) or "none"
            raise OutputError(
                f"LOQ requires an ISCED-F field and none derives from the NSF codes ({nsf}); "
                "extend the crosswalk (nsf-isced) or force one (isced)",
                fiche=cert.number,
                field="nsf",
            )
        return [term_concept(vocab.isced(code)) for code in codes]

    def build(self, cert: Certification) -> Graph:
        """The LOQ graph of one fiche (raises OutputError before anything is written)."""
        eqf, nqf = self.levels(cert)
        isced = self.isced(cert)
        graph = Graph()
        qualification = self._qualification(cert, eqf, nqf, isced)
        graph.qualifications.append(qualification)
        self._blocks(cert, qualification, graph)
        self._outcomes(cert, qualification, graph)
        self._assessment(cert, qualification, graph)
        self._routes(cert, qualification, graph)
        self._entitlement(cert, qualification, graph)
        self._awarding(cert, qualification, graph)
        return graph

    def _concept(self, scheme: str, code: str, label: str | None) -> Concept:
        """A code of one of rncpkit's schemes (NSF, Formacode, ROME…), labelled in French."""
        uris = self.uris
        return Concept(uris.concept(scheme, code), uris.scheme(scheme), label, "fr", code)

    def _qualification(
        self, cert: Certification, eqf: Concept, nqf: Concept, isced: list[Concept]
    ) -> Qualification:
        """The fiche's own qualification: identity, texts, notes and classifications."""
        uris = self.uris
        qualification = Qualification(
            id=uris.fiche(cert.number),
            identifier=Identifier(cert.number, SCHEME_NAME[cert.repertoire], FRANCE_COMPETENCES),
            title=cert.title,
            description=cert.objectives,
            homepage=cert.page_url,
            status=cert.state.value if cert.state is not None else None,
            modified=cert.publication_date,
            summary=cert.attested_skills,
            isced=isced,
            setting=term_concept(vocab.FORMAL),
            entry=cert.entry_prerequisites,
            eqf=eqf,
            nqf=[nqf],
        )
        for name, (code, label) in NOTE_FIELDS.items():
            value = getattr(cert, name)
            if name == "description_url" and is_url(value):
                qualification.supplementary.append(value.strip())
            elif value:
                qualification.notes.append(Note(value, self.note_subject(code, label)))
        if cert.abbreviation is not None:
            code = cert.abbreviation.code
            kind = self._concept("abrege", slug(code), cert.abbreviation.label)
            kind.notation = code
            qualification.types.append(kind)
        if cert.repertoire is Repertoire.RS:
            qualification.notes.append(
                Note(
                    f"{registration.level_absence(cert, 'fr')} Le niveau "
                    f"{eqf.uri.rsplit('/', 1)[-1]} du cadre européen des certifications (CEC) "
                    "figurant ici est déclaré par l’éditeur de ce fichier, non par France "
                    "compétences.",
                    self.note_subject(*LEVEL_NOTE),
                )
            )
        if cert.level is not None:
            qualification.education_levels.append(
                self._concept("niveau", cert.level.value, cert.level_label)
            )
        qualification.subjects.extend(self._concept("nsf", n.code, n.label) for n in cert.nsf)
        qualification.subjects.extend(
            self._concept("formacode", f.code, f.label) for f in cert.formacodes
        )
        return qualification

    def _blocks(self, cert: Certification, qualification: Qualification, graph: Graph) -> None:
        """Blocks: partial qualifications with their own outcomes and assessment."""
        uris = self.uris
        for block in cert.blocks:
            b_id = uris.fiche(block.code)
            part = Qualification(
                id=b_id,
                identifier=Identifier(block.code, BLOCK_SCHEME_NAME, FRANCE_COMPETENCES),
                title=block.label,
                summary=block.competences,
                isced=qualification.isced,
                entry=block.entry_prerequisites,
                is_part_of=[qualification.id],
                partial=True,
                eqf=qualification.eqf,
                nqf=qualification.nqf,
            )
            if block.validation_prerequisites:
                part.notes.append(
                    Note(block.validation_prerequisites, self.note_subject(*VALIDATION_NOTE))
                )
            _add_outcomes(graph, part, split_items(block.competences) or [block.label])
            if block.assessment_methods:
                assessment = Assessment(
                    f"{b_id}/assessment",
                    f"Modalités d'évaluation du bloc {block.code}",
                    block.assessment_methods,
                    [term_concept(t) for t in vocab.assessment_types(block.assessment_methods)],
                    b_id,
                )
                graph.assessments.append(assessment)
                part.proven_by.append(assessment.id)
            qualification.has_part.append(b_id)
            graph.qualifications.append(part)

    @staticmethod
    def _outcomes(cert: Certification, qualification: Qualification, graph: Graph) -> None:
        """The fiche's outcomes: its blocks', else its attested skills (LOQ needs one)."""
        block_outcomes = [o for part in graph.qualifications[1:] for o in part.outcomes]
        if block_outcomes:
            qualification.outcomes = block_outcomes
        else:
            _add_outcomes(graph, qualification, split_items(cert.attested_skills) or [cert.title])

    @staticmethod
    def _assessment(cert: Certification, qualification: Qualification, graph: Graph) -> None:
        """The fiche's assessment: its validation prerequisites, made of its blocks'."""
        block_assessments = [a.id for a in graph.assessments]
        if cert.certification_prerequisites or block_assessments:
            assessment = Assessment(
                f"{qualification.id}/assessment",
                "Modalités de validation de la certification",
                cert.certification_prerequisites,
                [term_concept(t) for t in vocab.assessment_types(cert.certification_prerequisites)],
                qualification.id,
                block_assessments,
            )
            graph.assessments.append(assessment)
            qualification.proven_by.append(assessment.id)

    def _routes(self, cert: Certification, qualification: Qualification, graph: Graph) -> None:
        """One learning activity per open access route, with its jury as a note."""
        for code in cert.open_routes():
            route = cert.access_routes[code]
            term = vocab.ROUTE_ACTIVITY[code]
            activity = Activity(
                self.uris.sub(cert.number, "route", code.value),
                code,
                code.label_fr,
                [term_concept(term)] if term is not None else [],
                [Note(route.jury, self.note_subject(*JURY_NOTE))] if route.jury else [],
                qualification.id,
            )
            graph.activities.append(activity)
            qualification.influenced_by.append(activity.id)

    def _entitlement(self, cert: Certification, qualification: Qualification, graph: Graph) -> None:
        """The jobs the certification leads to (types of jobs, ROME, regulations)."""
        if not (cert.job_types or cert.rome or cert.activity_regulations):
            return
        notes = (
            [Note(cert.activity_regulations, self.note_subject(*REGULATION_NOTE))]
            if cert.activity_regulations
            else []
        )
        entitlement = Entitlement(
            self.uris.sub(cert.number, "occupations"),
            "Types d'emplois accessibles",
            cert.job_types,
            notes,
            [self._concept("rome", rome.code, rome.label) for rome in cert.rome],
            qualification.id,
        )
        graph.entitlements.append(entitlement)
        qualification.entitles_to.append(entitlement.id)

    def _awarding(self, cert: Certification, qualification: Qualification, graph: Graph) -> None:
        """Certifiers (awarding opportunities) and the registration (accreditation).

        The registration is France compétences' act in every case (by right or on request,
        RNCP or RS): it is the accrediting agent; the title says which register, which kind
        of registration and which article of the Code du travail.
        """
        uris = self.uris
        graph.locations.append(Location(uris.france, term_concept(vocab.FRANCE)))
        org_ids: list[str] = []
        for certifier in cert.certifiers:
            org = Organisation(
                uris.organisation(certifier),
                certifier.name,
                certifier.trade_name,
                certifier.siret,
                certifier.website if is_url(certifier.website) else None,
                uris.france,
            )
            if org.id in org_ids:
                continue
            org_ids.append(org.id)
            graph.organisations.append(org)
            qualification.awarding.append(
                Awarding(
                    org.id,
                    uris.france,
                    cert.registration_start,
                    cert.registration_end,
                    qualification.id,
                )
            )
        if not org_ids:
            return  # LOQ accreditations need an organisation
        agent = uris.france_competences
        if agent not in org_ids:
            graph.organisations.append(
                Organisation(
                    agent,
                    FRANCE_COMPETENCES,
                    None,
                    None,
                    "https://www.francecompetences.fr/",
                    uris.france,
                )
            )
        accreditation = Accreditation(
            uris.sub(cert.number, "registration"),
            registration.statement(cert, "fr"),
            org_ids,
            qualification.id,
            agent,
            cert.decision_date,
            cert.effective_date,
            cert.registration_end,
            registration.statement(cert, "en"),
        )
        graph.accreditations.append(accreditation)
        qualification.accreditation.append(accreditation.id)


def _add_outcomes(graph: Graph, qualification: Qualification, items: list[str]) -> None:
    for index, item in enumerate(items, start=1):
        outcome = Outcome(f"{qualification.id}/outcome/{index}", item)
        graph.outcomes.append(outcome)
        qualification.outcomes.append(outcome.id)


def build_graph(
    certification: Certification,
    *,
    base_uri: str | None = None,
    eqf_level: int | None = None,
    crosswalk: Crosswalk | None = None,
) -> Graph:
    """The LOQ graph of one fiche (public, stable: the credentials use its Qualification).

    For many fiches, build one :class:`Builder` and call :meth:`Builder.build`.
    """
    return Builder(base_uri, eqf_level, crosswalk).build(certification)
