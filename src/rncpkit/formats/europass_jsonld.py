"""Europass ELM 3 JSON-LD: the LOQ graph of :mod:`rncpkit.formats.europass_xml`, as JSON-LD.

The document is ``{"@context": [...], "@graph": [...]}`` with the official ``edc-ap`` context
(plus the ``id``/``type`` aliases it leaves to the W3C VC context). Entities are flat nodes
linked by URI, so a fiche's nodes are written as soon as it is read; shared organisations and
locations appear once. Controlled values are embedded ``Concept`` nodes, as in the official
samples; dates are typed ``xsd:dateTime`` literals (the context types ``dateModified`` as an
IRI by mistake, so that one is written as an explicit value object).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import IO, Any

from rncpkit.errors import OutputError
from rncpkit.europass import vocab
from rncpkit.europass.graph import (
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
    nothing_written,
    warn_placeholder,
)
from rncpkit.europass.isced import Crosswalk, EuropassOptions
from rncpkit.formats.base import Format, WriteOptions
from rncpkit.model import Certification

__all__ = [
    "FORMAT",
    "JsonLdWriter",
    "concept",
    "location",
    "nodes",
    "organisation",
]

_encode = json.JSONEncoder(ensure_ascii=False).encode
"""One encoder for every node: ``json.dumps(node, ensure_ascii=False)`` builds a new
encoder per call (115,000 calls for a 60 MB export)."""

CONTEXT: list[Any] = [vocab.EDC_CONTEXT, {"id": "@id", "type": "@type"}]
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"

Node = dict[str, Any]


def _fr(text: str | None) -> dict[str, str] | None:
    return {"fr": text} if text else None


def _datetime(day: dt.date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00" if day else None


def concept(c: Concept) -> Node:
    """An embedded SKOS concept node (shared between nodes: serialised, never mutated)."""
    return _concept(c.uri, c.scheme, c.label, c.label_lang, c.notation)


@functools.lru_cache(maxsize=8192)
def _concept(
    uri: str, scheme: str, label: str | None, label_lang: str, notation: str | None
) -> Node:
    node: Node = {"id": uri, "type": "Concept", "inScheme": {"id": scheme, "type": "ConceptScheme"}}
    if label:
        node["prefLabel"] = {label_lang: label}
    if notation:
        node["notation"] = notation
    return node


def _note(note: Note | None) -> Node | None:
    if note is None or not note.text:
        return None
    node: Node = {"type": "Note", "noteLiteral": {"fr": note.text}}
    if note.subject is not None:
        node["subject"] = concept(note.subject)
    return node


def _text_note(text: str | None) -> Node | None:
    return _note(Note(text)) if text else None


def _web(url: str) -> Node:
    return {"type": "WebResource", "contentURL": url}


def _identifier(ident: Identifier) -> Node:
    node: Node = {"type": "Identifier", "notation": ident.notation, "schemeName": ident.scheme_name}
    if ident.scheme_agency:
        node["schemeAgency"] = {"fr": ident.scheme_agency}
    return node


def _clean(node: Node) -> Node:
    """Drop absent values so that no key carries null or an empty list."""
    return {k: v for k, v in node.items() if v is not None and v != []}


def qualification(q: Qualification) -> Node:
    assert q.eqf is not None
    awarding = []
    for index, a in enumerate(q.awarding, start=1):
        period = None
        if a.start or a.end:
            period = _clean(
                {
                    "type": "PeriodOfTime",
                    "startDate": _datetime(a.start),
                    "endDate": _datetime(a.end),
                }
            )
        awarding.append(
            _clean(
                {
                    "id": f"{q.id}/awarding/{index}",
                    "type": "AwardingOpportunity",
                    "awardingBody": [a.body],
                    "location": a.location,
                    "temporal": period,
                    "learningAchievementSpecification": a.specification,
                }
            )
        )
    modified = {"@value": _datetime(q.modified), "@type": XSD_DATETIME} if q.modified else None
    return _clean(
        {
            "id": q.id,
            "type": "Qualification",
            "identifier": [_identifier(q.identifier)],
            "title": _fr(q.title),
            "description": _fr(q.description),
            "additionalNote": [_note(n) for n in q.notes],
            "homepage": [_web(q.homepage)] if q.homepage else None,
            "supplementaryDocument": [_web(u) for u in q.supplementary],
            "status": q.status,
            "dateModified": modified,
            "dcType": [concept(c) for c in q.types],
            "learningOutcomeSummary": _text_note(q.summary),
            "thematicArea": [concept(c) for c in q.isced],
            "educationSubject": [concept(c) for c in q.subjects],
            "educationLevel": [concept(c) for c in q.education_levels],
            "language": [concept(Concept.of(vocab.FRENCH))],
            "learningSetting": concept(q.setting) if q.setting else None,
            "entryRequirement": _text_note(q.entry),
            "learningOutcome": q.outcomes,
            "influencedBy": q.influenced_by,
            "provenBy": q.proven_by,
            "entitlesTo": q.entitles_to,
            "hasPart": q.has_part,
            "isPartOf": q.is_part_of,
            "awardingOpportunity": awarding,
            "isPartialQualification": q.partial,
            "eqfLevel": concept(q.eqf),
            "nqfLevel": [concept(c) for c in q.nqf],
            "accreditation": q.accreditation,
        }
    )


def outcome(o: Outcome) -> Node:
    return {
        "id": o.id,
        "type": "LearningOutcome",
        "title": {"fr": o.title},
        "dcType": concept(Concept.of(vocab.SKILL)),
    }


def activity(a: Activity) -> Node:
    return _clean(
        {
            "id": a.id,
            "type": "LearningActivitySpecification",
            "title": {"fr": a.title},
            "additionalNote": [_note(n) for n in a.notes],
            "dcType": [concept(c) for c in a.types],
            "influences": [a.influences],
        }
    )


def assessment(a: Assessment) -> Node:
    return _clean(
        {
            "id": a.id,
            "type": "LearningAssessmentSpecification",
            "title": {"fr": a.title},
            "description": _fr(a.description),
            "dcType": [concept(c) for c in a.types],
            "proves": [a.proves],
            "hasPart": a.parts,
        }
    )


def entitlement(e: Entitlement) -> Node:
    return _clean(
        {
            "id": e.id,
            "type": "LearningEntitlementSpecification",
            "title": {"fr": e.title},
            "description": _fr(e.description),
            "additionalNote": [_note(n) for n in e.notes],
            "dcType": concept(Concept.of(vocab.OCCUPATION)),
            "entitlementStatus": concept(Concept.of(vocab.ACTUAL)),
            "limitJurisdiction": [concept(Concept.of(vocab.FRANCE_ATU))],
            "limitNationalOccupation": [concept(c) for c in e.occupations],
            "entitledBy": [e.entitled_by],
        }
    )


def organisation(o: Organisation) -> Node:
    registration = None
    if o.siret:
        registration = {
            "type": "LegalIdentifier",
            "notation": o.siret,
            "schemeName": "SIRET",
            "spatial": concept(Concept.of(vocab.FRANCE)),
        }
    return _clean(
        {
            "id": o.id,
            "type": "Organisation",
            "altLabel": _fr(o.alt_name),
            "legalName": {"fr": o.name},
            "registration": registration,
            "homepage": [_web(o.homepage)] if o.homepage else None,
            "location": [o.location],
        }
    )


def accreditation(a: Accreditation) -> Node:
    return _clean(
        {
            "id": a.id,
            "type": "Accreditation",
            "dcType": concept(Concept.of(vocab.PROGRAM_LICENSE)),
            "title": {"fr": a.title, **({"en": a.title_en} if a.title_en else {})},
            "organisation": a.organisations,
            "limitQualification": a.qualification,
            "accreditingAgent": a.agent,
            "dateIssued": _datetime(a.issued),
            "expiryDate": _datetime(a.expiry),
            "valid": _datetime(a.valid),
        }
    )


def location(loc: Location) -> Node:
    return {
        "id": loc.id,
        "type": "Location",
        "address": [{"type": "Address", "countryCode": concept(loc.country)}],
    }


def nodes(graph: Graph, seen: set[str]) -> list[Node]:
    """The JSON-LD nodes of one fiche; shared entities already in ``seen`` are skipped."""
    return [
        *(qualification(q) for q in graph.qualifications),
        *(outcome(o) for o in graph.outcomes),
        *(activity(a) for a in graph.activities),
        *(assessment(a) for a in graph.assessments),
        *(entitlement(e) for e in graph.entitlements),
        *(organisation(o) for o in graph.organisations if o.id not in seen),
        *(accreditation(a) for a in graph.accreditations),
        *(location(loc) for loc in graph.locations if loc.id not in seen),
    ]


class JsonLdWriter:
    """Streams the ``@graph`` array: one batch of nodes per fiche."""

    def __init__(self, stream: IO[bytes], options: WriteOptions) -> None:
        warn_placeholder(options.base_uri, FORMAT_NAME)
        self._stream = stream
        self._builder = Builder(
            options.base_uri, options.eqf_level, Crosswalk.from_options(options.of(EuropassOptions))
        )
        self._written = Written()
        self._count = 0
        head = json.dumps(CONTEXT, ensure_ascii=False)
        self._stream.write(f'{{\n  "@context": {head},\n  "@graph": ['.encode())

    def write(self, certification: Certification) -> None:
        graph = self._builder.build(certification)
        self._written.check(certification, graph)
        try:
            text = ",\n".join(_encode(node) for node in nodes(graph, self._written.shared))
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise OutputError(
                f"cannot be written as UTF-8 JSON: {exc.reason}", fiche=certification.number
            ) from None
        self._stream.write((b",\n" if self._count else b"\n") + data)
        self._count += 1
        self._written.add(graph)

    def close(self) -> None:
        if not self._count:
            raise nothing_written(FORMAT_NAME)
        self._stream.write(b"\n  ]\n}\n")


FORMAT_NAME = "europass-jsonld"
FORMAT = Format(
    name=FORMAT_NAME,
    description="Europass ELM 3 JSON-LD (edc-ap context): the europass-xml graph as JSON-LD",
    extensions=(".jsonld",),
    writer=JsonLdWriter,
    options=EuropassOptions,
)
