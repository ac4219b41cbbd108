"""Europass ELM 3 "LOQ" XML 3.1.0 (Qualification Dataset Register upload format).

Writing: each fiche becomes a ``qualification`` and each block a partial ``qualification``
(see :mod:`rncpkit.europass.graph`). LOQ puts every kind of entity in its own container, in
a fixed order, so the writer serialises each fiche at once into one temporary file per
container and concatenates them at ``close``: memory stays flat however many fiches.

Reading: the reverse mapping for documents rncpkit wrote. A fiche is complete only at the end
of the document (its outcomes, organisations… come in later containers), so the reader keeps
the document's entities as small tuples, not as XML, and yields the fiches at the end.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree
from pydantic import ValidationError

from rncpkit import xmlsafe
from rncpkit.errors import FicheError, InputError, OutputError
from rncpkit.europass import vocab
from rncpkit.europass.graph import (
    JURY_NOTE,
    NOTE_FIELDS,
    REGULATION_NOTE,
    VALIDATION_NOTE,
    Accreditation,
    Activity,
    Assessment,
    Builder,
    Concept,
    Entitlement,
    Graph,
    Identifier,
    Location,
    Note,
    Organisation,
    Outcome,
    Qualification,
    Written,
)
from rncpkit.europass.isced import Crosswalk, EuropassOptions
from rncpkit.formats.base import Format, ReadResult, Record, WriteOptions
from rncpkit.io import InputFile, single_member
from rncpkit.model import AccessRouteCode, Certification, RegistrationType

NS = vocab.LOQ_NS
SKOS = "http://www.w3.org/2004/02/skos/core#"
DC = "http://purl.org/dc/terms/"

CONTAINERS = (
    "learningAchievementSpecificationReferences",
    "learningOutcomeReferences",
    "learningActivitySpecificationReferences",
    "learningAssessmentSpecificationReferences",
    "learningEntitlementSpecificationReferences",
    "agentReferences",
    "accreditationReferences",
    "locationReferences",
)
"""The containers rncpkit fills, in ``CoursesRootType`` order."""

_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<Courses xmlns="{NS}" xmlns:skos="{SKOS}" xmlns:dc="{DC}" '
    f'xsdVersion="{vocab.LOQ_XSD_VERSION}">\n'
).encode()
_FOOTER = b"</Courses>\n"

# --------------------------------------------------------------------------- serialisation

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class _Unwritable(Exception):
    """A character XML 1.0 cannot carry."""


def _text(value: str) -> str:
    """Escape character data (``str.replace`` is C-fast; ``\\r`` kept as a reference so that
    parsing does not normalise it away)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def _attr(value: str) -> str:
    value = _text(value)
    if '"' in value:
        value = value.replace('"', "&quot;")
    if "\n" in value or "\t" in value:
        value = value.replace("\n", "&#10;").replace("\t", "&#9;")
    return value


def _check(text: str) -> str:
    """Refuse, once per fiche, the characters XML 1.0 cannot carry."""
    bad = _ILLEGAL.search(text)
    if bad is not None:
        raise _Unwritable(f"character {bad.group()!r} cannot be written in XML")
    return text


def _datetime(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00"


class _Out:
    """A tiny indented XML emitter: entities are written as text, fast and namespace-clean."""

    def __init__(self, level: int = 2) -> None:
        self.parts: list[str] = []
        self.level = level

    def _pad(self) -> str:
        return "  " * self.level

    def open(self, tag: str, attrs: str = "") -> None:
        self.parts.append(f"{self._pad()}<{tag}{attrs}>\n")
        self.level += 1

    def close(self, tag: str) -> None:
        self.level -= 1
        self.parts.append(f"{self._pad()}</{tag}>\n")

    def leaf(self, tag: str, text: str, attrs: str = "") -> None:
        self.parts.append(f"{self._pad()}<{tag}{attrs}>{_text(text)}</{tag}>\n")

    def lang(self, tag: str, text: str | None, language: str = "fr") -> None:
        if text:
            self.leaf(tag, text, f' language="{language}"')

    def ref(self, tag: str, target: str) -> None:
        self.parts.append(f'{self._pad()}<{tag} idref="{_attr(target)}"/>\n')

    def concept(self, tag: str, concept: Concept, *, full: bool = False) -> None:
        attrs = f' uri="{_attr(concept.uri)}"'
        if not full:
            self.parts.append(f"{self._pad()}<{tag}{attrs}/>\n")
            return
        self.open(tag, attrs)
        if concept.label:
            self.leaf("skos:prefLabel", concept.label, f' language="{concept.label_lang}"')
        if concept.notation:
            self.leaf("skos:notation", concept.notation)
        self.leaf("skos:inScheme", concept.scheme)
        self.close(tag)

    def note(self, tag: str, note: Note | None) -> None:
        if note is None or not note.text:
            return
        self.open(tag)
        if note.subject is not None:
            self.concept("dc:subject", note.subject, full=True)
        self.lang("noteLiteral", note.text)
        self.close(tag)

    def text_note(self, tag: str, text: str | None) -> None:
        if text:
            self.note(tag, Note(text))

    def web(self, tag: str, url: str) -> None:
        self.open(tag)
        self.leaf("contentUrl", url)
        self.close(tag)

    def identifier(self, tag: str, ident: Identifier) -> None:
        self.open(tag)
        self.leaf("skos:notation", ident.notation)
        if ident.scheme_agency:
            self.lang("schemeAgency", ident.scheme_agency)
        self.leaf("schemeName", ident.scheme_name)
        self.close(tag)

    def result(self) -> str:
        return "".join(self.parts)


def _qualification(out: _Out, q: Qualification) -> None:
    out.open("qualification", f' id="{_attr(q.id)}"')
    out.identifier("identifier", q.identifier)
    out.lang("title", q.title)
    out.lang("description", q.description)
    for note in q.notes:
        out.note("additionalNote", note)
    if q.homepage:
        out.web("homepage", q.homepage)
    for url in q.supplementary:
        out.web("supplementaryDocument", url)
    if q.status:
        out.leaf("status", q.status)
    if q.modified:
        out.leaf("modified", _datetime(q.modified))
    for concept in q.types:
        out.concept("type", concept, full=True)
    out.text_note("learningOutcomeSummary", q.summary)
    for concept in q.isced:
        out.concept("ISCEDFCode", concept)
    for concept in q.subjects:
        out.concept("educationSubject", concept, full=True)
    for concept in q.education_levels:
        out.concept("educationLevel", concept, full=True)
    out.concept("language", Concept.of(vocab.FRENCH))
    if q.setting is not None:
        out.concept("learningSetting", q.setting)
    out.text_note("entryRequirement", q.entry)
    for tag, targets in (
        ("learningOutcome", q.outcomes),
        ("influencedBy", q.influenced_by),
        ("provenBy", q.proven_by),
        ("entitlesTo", q.entitles_to),
        ("hasPart", q.has_part),
        ("isPartOf", q.is_part_of),
    ):
        for target in targets:
            out.ref(tag, target)
    for awarding in q.awarding:
        out.open("awardingOpportunity")
        out.ref("awardingBody", awarding.body)
        out.ref("location", awarding.location)
        if awarding.start or awarding.end:
            out.open("temporal")
            if awarding.start:
                out.leaf("startDate", _datetime(awarding.start))
            if awarding.end:
                out.leaf("endDate", _datetime(awarding.end))
            out.close("temporal")
        out.ref("learningAchievementSpecification", awarding.specification)
        out.close("awardingOpportunity")
    out.leaf("isPartialQualification", "true" if q.partial else "false")
    assert q.eqf is not None
    out.concept("EQFLevel", q.eqf)
    for concept in q.nqf:
        out.concept("NQFLevel", concept)
    for target in q.accreditation:
        out.ref("accreditation", target)
    out.close("qualification")


def _outcome(out: _Out, o: Outcome) -> None:
    out.open("learningOutcome", f' id="{_attr(o.id)}"')
    out.lang("title", o.title)
    out.concept("type", Concept.of(vocab.SKILL))
    out.close("learningOutcome")


def _activity(out: _Out, a: Activity) -> None:
    out.open("learningActivitySpecification", f' id="{_attr(a.id)}"')
    out.lang("title", a.title)
    for note in a.notes:
        out.note("additionalNote", note)
    for concept in a.types:
        out.concept("type", concept)
    out.ref("influences", a.influences)
    out.close("learningActivitySpecification")


def _assessment(out: _Out, a: Assessment) -> None:
    out.open("learningAssessmentSpecification", f' id="{_attr(a.id)}"')
    out.lang("title", a.title)
    out.lang("description", a.description)
    for concept in a.types:
        out.concept("type", concept)
    out.ref("proves", a.proves)
    for part in a.parts:
        out.ref("hasPart", part)
    out.close("learningAssessmentSpecification")


def _entitlement(out: _Out, e: Entitlement) -> None:
    out.open("learningEntitlementSpecification", f' id="{_attr(e.id)}"')
    out.lang("title", e.title)
    out.lang("description", e.description)
    for note in e.notes:
        out.note("additionalNote", note)
    out.concept("type", Concept.of(vocab.OCCUPATION))
    out.concept("entitlementStatus", Concept.of(vocab.ACTUAL))
    out.concept("limitJurisdiction", Concept.of(vocab.FRANCE_ATU))
    for concept in e.occupations:
        out.concept("limitNationalOccupation", concept, full=True)
    out.ref("entitledBy", e.entitled_by)
    out.close("learningEntitlementSpecification")


def _organisation(out: _Out, o: Organisation) -> None:
    out.open("organisation", f' id="{_attr(o.id)}"')
    out.lang("skos:altLabel", o.alt_name)
    out.lang("legalName", o.name)
    if o.siret:
        out.open("registration")
        out.leaf("skos:notation", o.siret)
        out.leaf("schemeName", "SIRET")
        out.concept("spatial", Concept.of(vocab.FRANCE))
        out.close("registration")
    if o.homepage:
        out.web("homepage", o.homepage)
    out.ref("location", o.location)
    out.close("organisation")


def _accreditation(out: _Out, a: Accreditation) -> None:
    out.open("accreditation", f' id="{_attr(a.id)}"')
    out.concept("type", Concept.of(vocab.PROGRAM_LICENSE))
    out.lang("title", a.title)
    for org in a.organisations:
        out.ref("organisation", org)
    out.ref("limitQualification", a.qualification)
    out.ref("accreditingAgent", a.agent)
    for tag, day in (("issued", a.issued), ("expiryDate", a.expiry), ("valid", a.valid)):
        if day:
            out.leaf(tag, _datetime(day))
    out.close("accreditation")


def _location(out: _Out, loc: Location) -> None:
    out.open("location", f' id="{_attr(loc.id)}"')
    out.open("address")
    out.concept("countryCode", loc.country)
    out.close("address")
    out.close("location")


def serialise(graph: Graph, seen: set[str]) -> dict[str, str]:
    """Each container's XML for one fiche's graph; shared entities already in ``seen``
    (organisations, locations) are skipped. Raises :class:`_Unwritable`."""
    parts: dict[str, str] = {}
    sections: list[tuple[str, list[Any], Any]] = [
        (CONTAINERS[0], graph.qualifications, _qualification),
        (CONTAINERS[1], graph.outcomes, _outcome),
        (CONTAINERS[2], graph.activities, _activity),
        (CONTAINERS[3], graph.assessments, _assessment),
        (CONTAINERS[4], graph.entitlements, _entitlement),
        (CONTAINERS[5], [o for o in graph.organisations if o.id not in seen], _organisation),
        (CONTAINERS[6], graph.accreditations, _accreditation),
        (CONTAINERS[7], [loc for loc in graph.locations if loc.id not in seen], _location),
    ]
    for container, entities, emit in sections:
        if entities:
            out = _Out()
            for entity in entities:
                emit(out, entity)
            parts[container] = _check(out.result())
    return parts


class LoqWriter:
    """Streams fiches into one ``Courses`` document (spooled per container, joined at close)."""

    def __init__(self, stream: IO[bytes], options: WriteOptions) -> None:
        self._stream = stream
        self._builder = Builder(
            options.base_uri, options.eqf_level, Crosswalk.from_options(options.of(EuropassOptions))
        )
        self._spools: dict[str, IO[bytes]] = {}
        self._written = Written()

    def write(self, certification: Certification) -> None:
        number = certification.number
        graph = self._builder.build(certification)
        self._written.check(certification, graph)
        try:
            parts = serialise(graph, self._written.shared)
        except _Unwritable as exc:
            raise OutputError(f"cannot be written as XML: {exc}", fiche=number) from None
        for container, text in parts.items():
            spool = self._spools.get(container)
            if spool is None:
                spool = self._spools[container] = tempfile.TemporaryFile()  # noqa: SIM115
            spool.write(text.encode("utf-8"))
        self._written.add(graph)

    def close(self) -> None:
        try:
            self._stream.write(_HEADER)
            for container in CONTAINERS:
                spool = self._spools.get(container)
                if spool is None:
                    continue
                self._stream.write(f"  <{container}>\n".encode())
                spool.seek(0)
                shutil.copyfileobj(spool, self._stream, 1 << 20)
                self._stream.write(f"  </{container}>\n".encode())
            self._stream.write(_FOOTER)
        finally:
            for spool in self._spools.values():
                spool.close()
            self._spools.clear()


# --------------------------------------------------------------------------- reading


def _q(tag: str, ns: str = NS) -> str:
    return f"{{{ns}}}{tag}"


_ENTITY_TAGS = {
    _q("qualification"): CONTAINERS[0],
    _q("learningActivitySpecification"): CONTAINERS[2],
    _q("learningAssessmentSpecification"): CONTAINERS[3],
    _q("learningEntitlementSpecification"): CONTAINERS[4],
    _q("organisation"): CONTAINERS[5],
    _q("accreditation"): CONTAINERS[6],
}
_NOTE_BY_SUBJECT = {code: name for name, (code, _label) in NOTE_FIELDS.items()}
_ROUTE_BY_LABEL = {code.label_fr: code for code in AccessRouteCode}


@dataclass(slots=True)
class _Broken:
    """An entity that could not be parsed; fiches that refer to it are rejected."""

    message: str


@dataclass(slots=True)
class _ParsedQualification:
    line: int | None
    values: dict[str, Any]
    partial: bool
    problem: str | None = None
    parts: list[str] = field(default_factory=list)
    awarding: list[str] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)
    proven_by: list[str] = field(default_factory=list)
    entitles_to: list[str] = field(default_factory=list)
    accreditation: list[str] = field(default_factory=list)


def _child_text(element: etree._Element, tag: str) -> str | None:
    child = element.find(tag)
    return None if child is None else (child.text or "")


def _lang_text(element: etree._Element, tag: str) -> str | None:
    children = element.findall(tag)
    for child in children:
        if child.get("language") == "fr":
            return child.text or ""
    return (children[0].text or "") if children else None


def _note_text(element: etree._Element | None) -> str | None:
    return None if element is None else _lang_text(element, _q("noteLiteral"))


def _subject_code(note: etree._Element) -> str | None:
    subject = note.find(_q("subject", DC))
    if subject is None:
        return None
    return subject.get("uri", "").rsplit("/", 1)[-1]


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    return dt.date.fromisoformat(text.strip()[:10])


def _concept(element: etree._Element) -> tuple[str, str | None, str | None]:
    """(scheme name, notation, label) of an rncpkit concept."""
    scheme = (_child_text(element, _q("inScheme", SKOS)) or "").rsplit("/", 1)[-1]
    return (
        scheme,
        _child_text(element, _q("notation", SKOS)),
        _lang_text(element, _q("prefLabel", SKOS)),
    )


def _refs(element: etree._Element, tag: str) -> list[str]:
    return [child.get("idref", "") for child in element.findall(_q(tag))]


def _parse_qualification(el: etree._Element) -> _ParsedQualification:
    values: dict[str, Any] = {}
    ident = el.find(_q("identifier"))
    values["number"] = _child_text(ident, _q("notation", SKOS)) if ident is not None else None
    partial = _child_text(el, _q("isPartialQualification")) == "true"
    values["title"] = _lang_text(el, _q("title"))
    if partial:
        values["code"] = values.pop("number")
        values["label"] = values.pop("title")
    for note in el.findall(_q("additionalNote")):
        code = _subject_code(note)
        text = _note_text(note)
        if partial and code == VALIDATION_NOTE[0]:
            values["validation_prerequisites"] = text
        elif code in _NOTE_BY_SUBJECT:
            values[_NOTE_BY_SUBJECT[code]] = text
    summary = _note_text(el.find(_q("learningOutcomeSummary")))
    entry = _note_text(el.find(_q("entryRequirement")))
    if partial:
        values["competences"] = summary
        values["entry_prerequisites"] = entry
    else:
        values["objectives"] = _lang_text(el, _q("description"))
        values["attested_skills"] = summary
        values["entry_prerequisites"] = entry
        document = el.find(_q("supplementaryDocument"))
        if document is not None and "description_url" not in values:
            values["description_url"] = _child_text(document, _q("contentUrl"))
        values["state"] = _child_text(el, _q("status"))
        values["publication_date"] = _date(_child_text(el, _q("modified")))
        for kind in el.findall(_q("type")):
            scheme, notation, label = _concept(kind)
            if scheme == "abrege" and notation:
                values["abbreviation"] = {"code": notation, "label": label}
        for subject in el.findall(_q("educationSubject")):
            scheme, notation, label = _concept(subject)
            if scheme in ("nsf", "formacode") and notation:
                key = "nsf" if scheme == "nsf" else "formacodes"
                values.setdefault(key, []).append({"code": notation, "label": label})
        for level in el.findall(_q("educationLevel")):
            scheme, notation, label = _concept(level)
            if scheme == "niveau" and notation:
                values["level"] = notation
                values["level_label"] = label
    parsed = _ParsedQualification(el.sourceline, values, partial)
    parsed.parts = _refs(el, "hasPart")
    parsed.routes = _refs(el, "influencedBy")
    parsed.proven_by = _refs(el, "provenBy")
    parsed.entitles_to = _refs(el, "entitlesTo")
    parsed.accreditation = _refs(el, "accreditation")
    for awarding in el.findall(_q("awardingOpportunity")):
        parsed.awarding.extend(_refs(awarding, "awardingBody"))
    return parsed


def _parse_entity(kind: str, el: etree._Element) -> Any:
    if kind == CONTAINERS[2]:
        code = el.get("id", "").rsplit("/", 1)[-1]
        route = (
            AccessRouteCode(code)
            if code in AccessRouteCode.__members__
            else _ROUTE_BY_LABEL.get(_lang_text(el, _q("title")) or "")
        )
        jury = None
        for note in el.findall(_q("additionalNote")):
            if _subject_code(note) == JURY_NOTE[0]:
                jury = _note_text(note)
        return route, jury
    if kind == CONTAINERS[3]:
        return _lang_text(el, _q("description"))
    if kind == CONTAINERS[4]:
        regulations = None
        for note in el.findall(_q("additionalNote")):
            if _subject_code(note) == REGULATION_NOTE[0]:
                regulations = _note_text(note)
        rome = []
        for occupation in el.findall(_q("limitNationalOccupation")):
            scheme, notation, label = _concept(occupation)
            if scheme == "rome" and notation:
                rome.append({"code": notation, "label": label})
        return _lang_text(el, _q("description")), regulations, rome
    if kind == CONTAINERS[5]:
        registration = el.find(_q("registration"))
        homepage = el.find(_q("homepage"))
        return {
            "name": _lang_text(el, _q("legalName")) or "",
            "trade_name": _lang_text(el, _q("altLabel", SKOS)),
            "siret": _child_text(registration, _q("notation", SKOS))
            if registration is not None
            else None,
            "website": _child_text(homepage, _q("contentUrl")) if homepage is not None else None,
        }
    # accreditation
    return (
        _lang_text(el, _q("title")),
        _date(_child_text(el, _q("issued"))),
        _date(_child_text(el, _q("valid"))),
        _date(_child_text(el, _q("expiryDate"))),
    )


def _assemble(
    parsed: _ParsedQualification,
    qualifications: dict[str, _ParsedQualification],
    entities: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    if parsed.problem is not None:
        raise ValueError(parsed.problem)
    for container, targets in (
        (CONTAINERS[2], parsed.routes),
        (CONTAINERS[3], parsed.proven_by),
        (CONTAINERS[4], parsed.entitles_to),
        (CONTAINERS[5], parsed.awarding),
        (CONTAINERS[6], parsed.accreditation),
    ):
        for target in targets:
            found = entities[container].get(target)
            if isinstance(found, _Broken):
                raise ValueError(found.message)
    values = dict(parsed.values)
    assessments = entities[CONTAINERS[3]]
    routes: dict[str, Any] = {code.value: {"open": False} for code in AccessRouteCode}
    for target in parsed.routes:
        route, jury = entities[CONTAINERS[2]].get(target, (None, None))
        if route is not None:
            routes[route.value] = {"open": True, "jury": jury}
    values["access_routes"] = routes
    for target in parsed.proven_by:
        if assessments.get(target):
            values["certification_prerequisites"] = assessments[target]
    for target in parsed.entitles_to:
        found = entities[CONTAINERS[4]].get(target)
        if found is not None:
            values["job_types"], values["activity_regulations"], values["rome"] = found
    organisations = entities[CONTAINERS[5]]
    values["certifiers"] = [organisations[t] for t in parsed.awarding if t in organisations]
    for target in parsed.accreditation:
        found = entities[CONTAINERS[6]].get(target)
        if found is not None:
            title, issued, valid, expiry = found
            if title in RegistrationType._value2member_map_:
                values["registration_type"] = title
            values["decision_date"], values["effective_date"] = issued, valid
            values["registration_end"] = expiry
    blocks = []
    for target in parsed.parts:
        block = qualifications.get(target)
        if block is None:
            continue
        block_values = dict(block.values)
        for proof in block.proven_by:
            if assessments.get(proof):
                block_values["assessment_methods"] = assessments[proof]
        blocks.append(block_values)
    values["blocks"] = blocks
    return {key: value for key, value in values.items() if value is not None}


def read(opened: InputFile) -> Iterator[ReadResult]:
    """Yield the fiches of a LOQ document rncpkit wrote (full qualifications, in order)."""
    if opened.archive is not None:
        opened = single_member(opened, ".xml")
    name = opened.name
    qualifications: dict[str, _ParsedQualification] = {}
    order: list[str] = []
    entities: dict[str, dict[str, Any]] = {c: {} for c in CONTAINERS}
    tags = tuple(_ENTITY_TAGS)
    try:
        for _event, el in xmlsafe.iterparse(opened.stream, tag=tags, name=name):
            parent = el.getparent()
            kind = _ENTITY_TAGS[el.tag]  # type: ignore[index]
            if parent is None or parent.tag != _q(kind):
                continue  # an idref of the same name inside another entity
            ident = el.get("id", "")
            if kind == CONTAINERS[0]:
                try:
                    parsed = _parse_qualification(el)
                except ValueError as exc:  # a malformed date: that fiche only is rejected
                    parsed = _ParsedQualification(el.sourceline, {}, False, problem=str(exc))
                qualifications[ident] = parsed
                if not parsed.partial:
                    order.append(ident)
            else:
                try:
                    entities[kind][ident] = _parse_entity(kind, el)
                except ValueError as exc:
                    entities[kind][ident] = _Broken(f"{etree.QName(el).localname}: {exc}")
            el.clear()
            while el.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not well-formed XML: {exc.msg}", file=name, line=exc.lineno) from None
    for ident in order:
        parsed = qualifications[ident]
        number = parsed.values.get("number")
        try:
            values = _assemble(parsed, qualifications, entities)
            yield Record(Certification.model_validate(values), parsed.line)
        except (ValidationError, ValueError, TypeError) as exc:
            yield FicheError(
                f"cannot read the qualification back: {exc}".splitlines()[0],
                file=name,
                line=parsed.line,
                fiche=number if isinstance(number, str) else None,
            )


def sniff(opened: InputFile) -> bool:
    """A LOQ document: root ``Courses`` in the LOQ namespace."""
    head = opened.head[:4096]
    return opened.archive is None and b"<Courses" in head and NS.encode() in head


FORMAT = Format(
    name="europass-xml",
    description="Europass ELM 3 LOQ XML 3.1.0 (QDR): one qualification per fiche, blocks as "
    "partial qualifications",
    extensions=(".loq.xml",),
    sniff=sniff,
    reader=read,
    writer=LoqWriter,
    options=EuropassOptions,
)
