"""The ``europass-xml`` reader: the reverse mapping for documents rncpkit wrote. A fiche is
complete only at the end of the document (its outcomes, organisations… come in later
containers), so the reader keeps the document's entities as graph dataclasses, not as XML,
and yields the fiches at the end. Each entity is read by xmltable's generic walk of its
table in :mod:`rncpkit.europass.loq_table`, the one the writer walks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pydantic import ValidationError

from rncpkit import xmlsafe
from rncpkit.errors import FicheError, InputError
from rncpkit.europass import loq_table, vocab
from rncpkit.europass.graph import (
    JURY_NOTE,
    NOTE_FIELDS,
    REGULATION_NOTE,
    VALIDATION_NOTE,
    Accreditation,
    Activity,
    Assessment,
    Concept,
    Entitlement,
    Identifier,
    Note,
    Organisation,
    Qualification,
)
from rncpkit.formats.base import ReadResult, Record
from rncpkit.formats.xmltable import Problem, local_name, read_group
from rncpkit.io import InputFile, single_member
from rncpkit.model import AccessRouteCode, Certification, RegistrationType

__all__ = ["CONTAINERS", "NS", "read"]

NS = vocab.LOQ_NS
CONTAINERS = tuple(container.tag for container in loq_table.CONTAINERS)
"""The containers rncpkit fills, in ``CoursesRootType`` order."""


def _q(tag: str, ns: str = NS) -> str:
    return f"{{{ns}}}{tag}"


_ENTITY_TAGS = {
    container.item: local_name(container.tag)
    for entity, container in loq_table.READING.items()
    if entity not in ("learningOutcome", "location")
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


def _read_entity(el: etree._Element) -> Any:
    """An entity read back as the graph dataclass it was written from, by xmltable's
    reading walk of its table (raises :class:`~rncpkit.formats.xmltable.Problem` on a
    value that does not read, such as a malformed date)."""
    table = loq_table.READING[etree.QName(el).localname]
    values: dict[str, Any] = {}
    read_group(el, table, values, [])
    assert table.build is not None
    entity = table.build(values)
    if isinstance(entity, Qualification) and entity.identifier is None:
        entity.identifier = Identifier("", "")
    elif isinstance(entity, Activity):  # the route: the id's last segment, or its title
        code = entity.id.rsplit("/", 1)[-1]
        entity.code = (
            AccessRouteCode(code)
            if code in AccessRouteCode.__members__
            else _ROUTE_BY_LABEL.get(entity.title)  # type: ignore[assignment]
        )
    return entity


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
                    parsed = _Read(el.sourceline, _read_entity(el))
                except (Problem, ValueError) as exc:  # a malformed date: that fiche only
                    parsed = _Read(el.sourceline, None, problem=str(exc))
                qualifications[ident] = parsed
                if parsed.qualification is None or not parsed.qualification.partial:
                    order.append(ident)
            else:
                try:
                    entities[kind][ident] = _read_entity(el)
                except (Problem, ValueError) as exc:
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
