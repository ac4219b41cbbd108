"""Europass ELM 3 "LOQ" XML 3.1.0 (Qualification Dataset Register upload format).

Writing: each fiche becomes a ``qualification`` and each block a partial ``qualification``
(see :mod:`rncpkit.europass.graph`). LOQ puts every kind of entity in its own container, in
a fixed order, so the writer serialises each fiche at once into one temporary file per
container and concatenates them at ``close``: memory stays flat however many fiches.

Reading: the reverse mapping for documents rncpkit wrote. A fiche is complete only at the end
of the document (its outcomes, organisations… come in later containers), so the reader keeps
the document's entities as graph dataclasses, not as XML, and yields the fiches at the end.

Writer and reader walk the same element tables, one per LOQ entity
(:mod:`rncpkit.europass.loq_table`).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from lxml import etree
from pydantic import ValidationError

from rncpkit import xmlsafe
from rncpkit.errors import FicheError, InputError, OutputError
from rncpkit.europass import loq_table, vocab
from rncpkit.europass.graph import (
    JURY_NOTE,
    NOTE_FIELDS,
    REGULATION_NOTE,
    VALIDATION_NOTE,
    Accreditation,
    Activity,
    Assessment,
    Awarding,
    Builder,
    Concept,
    Entitlement,
    Graph,
    Identifier,
    Note,
    Organisation,
    Outcome,
    Qualification,
    Written,
    nothing_written,
    warn_placeholder,
)
from rncpkit.europass.isced import Crosswalk, EuropassOptions
from rncpkit.europass.loq_table import Slot
from rncpkit.formats.base import Format, ReadResult, Record, WriteOptions
from rncpkit.io import InputFile, single_member
from rncpkit.model import AccessRouteCode, Certification, RegistrationType
from rncpkit.xmlwrite import escape_attribute, escape_text

__all__ = [
    "FORMAT",
    "NS",
    "LoqWriter",
]

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

_C0 = bytes(code for code in range(32) if code not in (9, 10, 13))
"""The control characters XML 1.0 cannot carry (single bytes in UTF-8)."""


class _Unwritable(Exception):
    """A character XML 1.0 cannot carry."""


_text = escape_text
_attr = escape_attribute
"""Escaping as :mod:`rncpkit.xmlwrite` does it (one definition): the string writer below
only inlines the tags."""


def _encoded(text: str) -> bytes:
    """``text`` in UTF-8, refusing what XML 1.0 cannot carry: control characters, lone
    surrogates (UTF-8 cannot encode them) and U+FFFE/U+FFFF. Checked on the bytes, which
    must be made anyway: ``bytes.translate`` and two substring tests cost a fifth of the
    regex search over the text this replaced (0.7 s of a 60 MB export's conversion)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _Unwritable(f"character {exc.object[exc.start]!r} cannot be written in XML") from None
    if len(data.translate(None, _C0)) != len(data) or (
        # U+FFFE / U+FFFF; their lead byte (rare: U+F000…U+FFFF) is looked for first, with
        # memchr: two 3-byte searches over every container cost about 50 µs a fiche
        b"\xef" in data and (b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data)
    ):
        bad = next(
            char
            for char in text
            if (ord(char) < 32 and char not in "\t\n\r") or char in "\ufffe\uffff"
        )
        raise _Unwritable(f"character {bad!r} cannot be written in XML")
    return data


def _datetime(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00"


_SPOOL_BUFFER = 1 << 18
"""Bytes buffered per container spool (8 containers: 2 MB at most)."""

_PADS = tuple("  " * level for level in range(64))
_CONCEPT_CACHE_LIMIT = 4096


class _Out:
    """A tiny indented XML emitter: entities are written as text, fast and namespace-clean.

    This is the LOQ writer's specialised path, kept instead of the shared
    :class:`~rncpkit.xmlwrite.XmlWriter` because a benchmark shows it matters: 60,000
    ``learningOutcome`` entities (LOQ's commonest, with an ``id`` and a ``uri`` attribute)
    took 0.21 s here and 1.12 s through ``XmlWriter`` (best of 3, same run), whose
    per-attribute checks dominate; the XML 1.0 check is made once per container on the
    encoded bytes instead (:func:`_encoded`). On a 60 MB export of 2,700 fiches,
    serialising took 7.2 s under cProfile with a pad computed per line and each concept
    rendered anew (214,000 concepts, most of them the same few vocabulary URIs); pads and
    rendered concepts are now looked up.
    """

    _concepts: dict[tuple[object, ...], str] = {}  # noqa: RUF012 (shared on purpose)

    def __init__(self, level: int = 2) -> None:
        self.parts: list[str] = []
        self.level = level
        self.pad = _PADS[level]

    def open(self, tag: str, attrs: str = "") -> None:
        self.parts.append(f"{self.pad}<{tag}{attrs}>\n")
        self.level += 1
        self.pad = _PADS[self.level]

    def close(self, tag: str) -> None:
        self.level -= 1
        self.pad = _PADS[self.level]
        self.parts.append(f"{self.pad}</{tag}>\n")

    def leaf(self, tag: str, text: str, attrs: str = "") -> None:
        self.parts.append(f"{self.pad}<{tag}{attrs}>{_text(text)}</{tag}>\n")

    def lang(self, tag: str, text: str | None, language: str = "fr") -> None:
        if text:
            self.parts.append(f'{self.pad}<{tag} language="{language}">{_text(text)}</{tag}>\n')

    def ref(self, tag: str, target: str) -> None:
        self.parts.append(f'{self.pad}<{tag} idref="{_attr(target)}"/>\n')

    def concept(self, tag: str, concept: Concept, *, full: bool = False) -> None:
        key = (tag, full, self.level, concept.uri, concept.label, concept.label_lang,
               concept.notation, concept.scheme)  # fmt: skip
        cache = _Out._concepts
        rendered = cache.get(key)
        if rendered is None:
            out = _Out(self.level)
            out._concept(tag, concept, full=full)
            rendered = out.result()
            if len(cache) >= _CONCEPT_CACHE_LIMIT:  # bounded: memory stays flat
                cache.clear()
            cache[key] = rendered
        self.parts.append(rendered)

    def _concept(self, tag: str, concept: Concept, *, full: bool) -> None:
        attrs = f' uri="{_attr(concept.uri)}"'
        if not full:
            self.parts.append(f"{self.pad}<{tag}{attrs}/>\n")
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


_CONSTANTS: dict[str, Concept] = {}


def _constant(term: vocab.Term) -> Concept:
    concept = _CONSTANTS.get(term.uri)
    if concept is None:
        concept = _CONSTANTS[term.uri] = Concept.of(term)
    return concept


def _awarding(out: _Out, tag: str, opportunities: list[Awarding]) -> None:
    for awarding in opportunities:
        out.open(tag)
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
        out.close(tag)


def _registration(out: _Out, tag: str, siret: str | None) -> None:
    if siret:
        out.open(tag)
        out.leaf("skos:notation", siret)
        out.leaf("schemeName", "SIRET")
        out.concept("spatial", _constant(vocab.FRANCE))
        out.close(tag)


def _address(out: _Out, tag: str, country: Concept) -> None:
    out.open(tag)
    out.concept("countryCode", country)
    out.close(tag)


def _write_slot(out: _Out, slot: Slot, value: Any) -> None:
    """One slot of :mod:`rncpkit.europass.loq_table`, written as its kind says."""
    kind, tag = slot.kind, slot.tag
    if kind == "lang":
        out.lang(tag, value)
    elif kind == "refs":
        for target in value:
            out.ref(tag, target)
    elif kind == "ref":
        out.ref(tag, value)
    elif kind == "concepts":
        for concept in value:
            out.concept(tag, concept)
    elif kind == "concepts-full":
        for concept in value:
            out.concept(tag, concept, full=True)
    elif kind == "concept":
        if value is not None:
            out.concept(tag, value)
    elif kind == "constant":
        assert slot.constant is not None
        out.concept(tag, _constant(slot.constant))
    elif kind == "notes":
        for note in value:
            out.note(tag, note)
    elif kind == "text-note":
        out.text_note(tag, value)
    elif kind == "text":
        if value:
            out.leaf(tag, value)
    elif kind == "datetime":
        if value:
            out.leaf(tag, _datetime(value))
    elif kind == "bool":
        out.leaf(tag, "true" if value else "false")
    elif kind == "web":
        if value:
            out.web(tag, value)
    elif kind == "webs":
        for url in value:
            out.web(tag, url)
    elif kind == "identifier":
        out.identifier(tag, value)
    elif kind == "lang-en":
        out.lang(tag, value, "en")
    elif kind == "awarding":
        _awarding(out, tag, value)
    elif kind == "registration":
        _registration(out, tag, value)
    else:
        assert kind == "address"
        _address(out, tag, value)


def _write_entity(out: _Out, tag: str, slots: tuple[Slot, ...], entity: Any) -> None:
    """An entity with its ``id``, its slots in table order."""
    out.open(tag, f' id="{_attr(entity.id)}"')
    for slot in slots:
        _write_slot(out, slot, None if slot.attr is None else getattr(entity, slot.attr))
    out.close(tag)


def _entity_writer(tag: str) -> Any:
    slots = loq_table.ENTITIES[tag]

    def write(out: _Out, entity: Any) -> None:
        _write_entity(out, tag, slots, entity)

    return write


_SKILL = Concept.of(vocab.SKILL)


def _outcome(out: _Out, o: Outcome) -> None:
    """``learningOutcome``, LOQ's commonest entity (25 per fiche), in one f-string: the
    same text as :func:`_write_entity` with :data:`~rncpkit.europass.loq_table.OUTCOME`
    (a test compares them), a third of the calls."""
    pad, inner = out.pad, _PADS[out.level + 1]
    title = f'{inner}<title language="fr">{_text(o.title)}</title>\n' if o.title else ""
    out.parts.append(
        f'{pad}<learningOutcome id="{_attr(o.id)}">\n{title}'
        f'{inner}<type uri="{_attr(_SKILL.uri)}"/>\n{pad}</learningOutcome>\n'
    )


_WRITERS: tuple[Any, ...] = (
    _entity_writer("qualification"),
    _outcome,
    _entity_writer("learningActivitySpecification"),
    _entity_writer("learningAssessmentSpecification"),
    _entity_writer("learningEntitlementSpecification"),
    _entity_writer("organisation"),
    _entity_writer("accreditation"),
    _entity_writer("location"),
)
"""The writer of each container's entities, in :data:`CONTAINERS` order."""


def serialise(graph: Graph, seen: set[str]) -> dict[str, bytes]:
    """Each container's XML for one fiche's graph; shared entities already in ``seen``
    (organisations, locations) are skipped. Raises :class:`_Unwritable`."""
    parts: dict[str, bytes] = {}
    sections: list[tuple[str, list[Any], Any]] = [
        (CONTAINERS[0], graph.qualifications, _WRITERS[0]),
        (CONTAINERS[1], graph.outcomes, _WRITERS[1]),
        (CONTAINERS[2], graph.activities, _WRITERS[2]),
        (CONTAINERS[3], graph.assessments, _WRITERS[3]),
        (CONTAINERS[4], graph.entitlements, _WRITERS[4]),
        (CONTAINERS[5], [o for o in graph.organisations if o.id not in seen], _WRITERS[5]),
        (CONTAINERS[6], graph.accreditations, _WRITERS[6]),
        (CONTAINERS[7], [loc for loc in graph.locations if loc.id not in seen], _WRITERS[7]),
    ]
    for container, entities, emit in sections:
        if entities:
            out = _Out()
            for entity in entities:
                emit(out, entity)
            parts[container] = _encoded(out.result())
    return parts


class LoqWriter:
    """Streams fiches into one ``Courses`` document (spooled per container, joined at close)."""

    def __init__(self, stream: IO[bytes], options: WriteOptions) -> None:
        warn_placeholder(options.base_uri, FORMAT_NAME)
        self._stream = stream
        self._count = 0
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
                # With the default 8 KB buffer most pieces went straight to a system
                # call: about 50 µs a fiche, half of it saved by a larger buffer.
                spool = self._spools[container] = tempfile.TemporaryFile(  # noqa: SIM115
                    buffering=_SPOOL_BUFFER
                )
            spool.write(text)
        self._written.add(graph)
        self._count += 1

    def close(self) -> None:
        if not self._count:
            raise nothing_written(FORMAT_NAME)
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
"""The entities a fiche is read back from (outcomes and locations add nothing the fiche's
qualification and organisations do not already carry)."""
_NOTE_BY_SUBJECT = {code: name for name, (code, _label) in NOTE_FIELDS.items()}
_ROUTE_BY_LABEL = {code.label_fr: code for code in AccessRouteCode}


@dataclass(slots=True)
class _Broken:
    """An entity that could not be parsed; fiches that refer to it are rejected."""

    message: str


@dataclass(slots=True)
class _Read:
    """A qualification read back, with its line (or the problem that stops it)."""

    line: int | None
    qualification: Qualification | None
    problem: str | None = None


def _child_text(element: etree._Element, tag: str) -> str | None:
    child = element.find(tag)
    return None if child is None else (child.text or "")


def _lang_text(element: etree._Element, tag: str, language: str | None = "fr") -> str | None:
    """The text of ``tag`` in ``language``; with "fr", the first one when none is French;
    with None, the first one."""
    children = element.findall(tag)
    for child in children:
        if language is None or child.get("language") == language:
            return child.text or ""
    return (children[0].text or "") if children and language == "fr" else None


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    return dt.date.fromisoformat(text.strip()[:10])


def _read_concept(element: etree._Element) -> Concept:
    label = element.find(_q("prefLabel", SKOS))
    return Concept(
        element.get("uri", ""),
        _child_text(element, _q("inScheme", SKOS)) or "",
        None if label is None else label.text or "",
        "en" if label is None else label.get("language", "en"),
        _child_text(element, _q("notation", SKOS)),
    )


def _read_note(element: etree._Element) -> Note:
    subject = element.find(_q("subject", DC))
    return Note(
        _lang_text(element, _q("noteLiteral")) or "",
        None if subject is None else _read_concept(subject),
    )


def _idref(element: etree._Element, tag: str) -> str:
    child = element.find(_q(tag))
    return "" if child is None else child.get("idref", "")


def _read_slot(slot: Slot, el: etree._Element) -> Any:
    """The graph value of one slot, read as the writer wrote it (:func:`_write_slot`)."""
    kind = slot.kind
    tag = _q(slot.tag.removeprefix("skos:"), SKOS) if slot.tag.startswith("skos:") else _q(slot.tag)
    found = el.findall(tag)
    if kind in ("lang", "lang-en"):
        return _lang_text(el, tag, "en" if kind == "lang-en" else "fr")
    if kind == "refs":
        return [child.get("idref", "") for child in found]
    if kind in ("concepts", "concepts-full"):
        return [_read_concept(child) for child in found]
    if kind == "notes":
        return [_read_note(child) for child in found]
    if kind == "webs":
        return [_child_text(child, _q("contentUrl")) or "" for child in found]
    if kind == "awarding":
        return [
            Awarding(
                _idref(child, "awardingBody"),
                _idref(child, "location"),
                _date(_child_text(child, f"{_q('temporal')}/{_q('startDate')}")),
                _date(_child_text(child, f"{_q('temporal')}/{_q('endDate')}")),
                _idref(child, "learningAchievementSpecification"),
            )
            for child in found
        ]
    first = found[0] if found else None
    if first is None:
        return False if kind == "bool" else None
    if kind == "ref":
        return first.get("idref", "")
    if kind == "concept":
        return _read_concept(first)
    if kind == "text-note":
        return _lang_text(first, _q("noteLiteral"))
    if kind == "text":
        return first.text or ""
    if kind == "datetime":
        return _date(first.text)
    if kind == "bool":
        return (first.text or "").strip() == "true"
    if kind == "web":
        return _child_text(first, _q("contentUrl"))
    if kind == "identifier":
        return Identifier(
            _child_text(first, _q("notation", SKOS)) or "",
            _child_text(first, _q("schemeName")) or "",
            _lang_text(first, _q("schemeAgency")),
        )
    if kind == "registration":
        return _child_text(first, _q("notation", SKOS))
    assert kind == "address"
    country = first.find(_q("countryCode"))
    return None if country is None else _read_concept(country)


def _read_entity(tag: str, el: etree._Element) -> dict[str, Any]:
    """Every slot of an entity's table, by graph attribute (constants skipped)."""
    values: dict[str, Any] = {"id": el.get("id", "")}
    for slot in loq_table.ENTITIES[tag]:
        if slot.attr is not None:
            values[slot.attr] = _read_slot(slot, el)
    return values


def _read_qualification(el: etree._Element) -> Qualification:
    values = _read_entity("qualification", el)
    if values["identifier"] is None:
        values["identifier"] = Identifier("", "")
    values["title"] = values["title"] or ""
    return Qualification(**values)


def _read_other(kind: str, el: etree._Element) -> Any:
    """An activity, assessment, entitlement, organisation or accreditation, as the graph
    dataclass it was written from."""
    tag = etree.QName(el).localname
    values = _read_entity(tag, el)
    if kind == CONTAINERS[2]:
        code = values["id"].rsplit("/", 1)[-1]
        route = (
            AccessRouteCode(code)
            if code in AccessRouteCode.__members__
            else _ROUTE_BY_LABEL.get(values["title"] or "")
        )
        return Activity(code=route, **values)  # type: ignore[arg-type]
    if kind == CONTAINERS[3]:
        return Assessment(**values)
    if kind == CONTAINERS[4]:
        return Entitlement(**values)
    if kind == CONTAINERS[5]:
        values["name"] = values["name"] or ""
        return Organisation(**values)
    return Accreditation(**values)


def _subject(note: Note) -> str | None:
    return None if note.subject is None else note.subject.uri.rsplit("/", 1)[-1]


def _scheme(concept: Concept) -> str:
    return concept.scheme.rsplit("/", 1)[-1]


def _fiche_values(q: Qualification) -> dict[str, Any]:
    """The fields the fiche's own qualification carries (the graph builder, reversed)."""
    values: dict[str, Any] = {
        "number": q.identifier.notation or None,
        "title": q.title,
        "objectives": q.description,
        "attested_skills": q.summary,
        "entry_prerequisites": q.entry,
        "state": q.status,
        "publication_date": q.modified,
    }
    for note in q.notes:
        name = _NOTE_BY_SUBJECT.get(_subject(note) or "")
        if name is not None:
            values[name] = note.text
    if q.supplementary and "description_url" not in values:
        values["description_url"] = q.supplementary[0]
    for kind in q.types:
        if _scheme(kind) == "abrege" and kind.notation:
            values["abbreviation"] = {"code": kind.notation, "label": kind.label}
    for subject in q.subjects:
        scheme = _scheme(subject)
        if scheme in ("nsf", "formacode") and subject.notation:
            key = "nsf" if scheme == "nsf" else "formacodes"
            values.setdefault(key, []).append({"code": subject.notation, "label": subject.label})
    for level in q.education_levels:
        if _scheme(level) == "niveau" and level.notation:
            values["level"] = level.notation
            values["level_label"] = level.label
    return values


def _block_values(q: Qualification, assessments: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": q.identifier.notation or None,
        "label": q.title,
        "competences": q.summary,
        "entry_prerequisites": q.entry,
    }
    for note in q.notes:
        if _subject(note) == VALIDATION_NOTE[0]:
            values["validation_prerequisites"] = note.text
    for proof in q.proven_by:
        found = assessments.get(proof)
        if isinstance(found, Assessment) and found.description:
            values["assessment_methods"] = found.description
    return values


def _assemble(
    q: Qualification,
    qualifications: dict[str, _Read],
    entities: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """A fiche's model values from its qualification and the entities it refers to."""
    for container, targets in (
        (CONTAINERS[2], q.influenced_by),
        (CONTAINERS[3], q.proven_by),
        (CONTAINERS[4], q.entitles_to),
        (CONTAINERS[5], [a.body for a in q.awarding]),
        (CONTAINERS[6], q.accreditation),
    ):
        for target in targets:
            found = entities[container].get(target)
            if isinstance(found, _Broken):
                raise ValueError(found.message)
    values = _fiche_values(q)
    activities = entities[CONTAINERS[2]]
    assessments = entities[CONTAINERS[3]]
    routes: dict[str, Any] = {code.value: {"open": False} for code in AccessRouteCode}
    for target in q.influenced_by:
        activity = activities.get(target)
        if isinstance(activity, Activity) and activity.code is not None:
            jury = next((n.text for n in activity.notes if _subject(n) == JURY_NOTE[0]), None)
            routes[activity.code.value] = {"open": True, "jury": jury}
    values["access_routes"] = routes
    for target in q.proven_by:
        found = assessments.get(target)
        if isinstance(found, Assessment) and found.description:
            values["certification_prerequisites"] = found.description
    for target in q.entitles_to:
        entitlement = entities[CONTAINERS[4]].get(target)
        if isinstance(entitlement, Entitlement):
            values["job_types"] = entitlement.description
            values["activity_regulations"] = next(
                (n.text for n in entitlement.notes if _subject(n) == REGULATION_NOTE[0]), None
            )
            values["rome"] = [
                {"code": c.notation, "label": c.label}
                for c in entitlement.occupations
                if _scheme(c) == "rome" and c.notation
            ]
    organisations = entities[CONTAINERS[5]]
    values["certifiers"] = [
        {"name": o.name, "trade_name": o.alt_name, "siret": o.siret, "website": o.homepage}
        for a in q.awarding
        if isinstance(o := organisations.get(a.body), Organisation)
    ]
    for target in q.accreditation:
        accreditation = entities[CONTAINERS[6]].get(target)
        if isinstance(accreditation, Accreditation):
            kind = _registration_type(accreditation.title)
            if kind is not None:
                values["registration_type"] = kind
            values["decision_date"] = accreditation.issued
            values["effective_date"] = accreditation.valid
            values["registration_end"] = accreditation.expiry
    values["blocks"] = [
        _block_values(block.qualification, assessments)
        for target in q.has_part
        if (block := qualifications.get(target)) is not None and block.qualification is not None
    ]
    return {key: value for key, value in values.items() if value is not None}


def _registration_type(title: str | None) -> RegistrationType | None:
    """The kind of registration an accreditation title starts with (rncpkit writes the
    register's statement, ``Enregistrement sur demande au …``; older files the bare value)."""
    for kind in RegistrationType:
        if title and title.startswith(kind.value):
            return kind
    return None


def read(opened: InputFile) -> Iterator[ReadResult]:
    """Yield the fiches of a LOQ document rncpkit wrote (full qualifications, in order).

    Each entity is read into the graph dataclass it was written from, by walking the same
    table as the writer (:mod:`rncpkit.europass.loq_table`); the fiches are then assembled
    from the graph, at the end (a fiche's entities come in later containers).
    """
    if opened.archive is not None:
        opened = single_member(opened, ".xml")
    name = opened.name
    qualifications: dict[str, _Read] = {}
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
                    parsed = _Read(el.sourceline, _read_qualification(el))
                except ValueError as exc:  # a malformed date: that fiche only is rejected
                    parsed = _Read(el.sourceline, None, problem=str(exc))
                qualifications[ident] = parsed
                if parsed.qualification is None or not parsed.qualification.partial:
                    order.append(ident)
            else:
                try:
                    entities[kind][ident] = _read_other(kind, el)
                except ValueError as exc:
                    entities[kind][ident] = _Broken(f"{etree.QName(el).localname}: {exc}")
            el.clear()
            while el.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not well-formed XML: {exc.msg}", file=name, line=exc.lineno) from None
    for ident in order:
        parsed = qualifications[ident]
        q = parsed.qualification
        number = q.identifier.notation if q is not None else None
        try:
            if q is None:
                raise ValueError(parsed.problem)
            values = _assemble(q, qualifications, entities)
            yield Record(Certification.model_validate(values), parsed.line)
        except (ValidationError, ValueError, TypeError) as exc:
            yield FicheError(
                f"cannot read the qualification back: {exc}".splitlines()[0],
                file=name,
                line=parsed.line,
                fiche=number or None,
            )


def sniff(opened: InputFile) -> bool:
    """A LOQ document: root ``Courses`` in the LOQ namespace."""
    head = opened.head[:4096]
    return opened.archive is None and b"<Courses" in head and NS.encode() in head


FORMAT_NAME = "europass-xml"
FORMAT = Format(
    name=FORMAT_NAME,
    description="Europass ELM 3 LOQ XML 3.1.0 (QDR): one qualification per fiche, blocks as "
    "partial qualifications",
    extensions=(".loq.xml",),
    sniff=sniff,
    reader=read,
    writer=LoqWriter,
    options=EuropassOptions,
)
