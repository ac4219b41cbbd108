"""Europass ELM 3 JSON-LD: the LOQ graph of :mod:`rncpkit.formats.europass_xml`, as JSON-LD.

The document is ``{"@context": [...], "@graph": [...]}`` with the official ``edc-ap`` context
(plus the ``id``/``type`` aliases it leaves to the W3C VC context). Entities are flat nodes
linked by URI, so a fiche's nodes are written as soon as it is read; shared organisations and
locations appear once. Controlled values are embedded ``Concept`` nodes, as in the official
samples; dates are typed ``xsd:dateTime`` literals (the context types ``dateModified`` as an
IRI by mistake, so that one is written as an explicit value object).

Each entity's properties are not listed here: the writer walks the element tables of
:mod:`rncpkit.europass.loq_table`, where each node carries its LOQ element and its JSON-LD
property (its ``alias``), so an entity's properties are declared once for both
serialisations; each value is converted by the name of its node's shape
(:func:`~rncpkit.europass.loq_table.kind`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
from collections.abc import Callable
from typing import IO, Any

from rncpkit import jsonwrite
from rncpkit.errors import OutputError
from rncpkit.europass import loq_table, vocab
from rncpkit.europass.graph import (
    Awarding,
    Builder,
    Concept,
    Graph,
    Identifier,
    Note,
    Outcome,
    Qualification,
    Written,
    nothing_written,
    warn_placeholder,
)
from rncpkit.europass.isced import Crosswalk, EuropassOptions
from rncpkit.formats.base import Format, WriteOptions
from rncpkit.formats.xmltable import Fixed, Repeated
from rncpkit.formats.xmltable import Node as Element
from rncpkit.model import Certification

__all__ = [
    "FORMAT",
    "JsonLdWriter",
    "concept",
    "location",
    "nodes",
    "organisation",
]

_encode = jsonwrite.encoder()
"""One encoder for every node (115,000 nodes for a 60 MB export): see
:mod:`rncpkit.jsonwrite`."""

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


def _awarding(opportunities: list[Awarding], q: Qualification) -> list[Node]:
    """``awardingOpportunity``: inline nodes, numbered under the qualification's id."""
    awarding = []
    for index, a in enumerate(opportunities, start=1):
        period = None
        if a.start or a.end:
            period = _clean(
                {
                    "type": "PeriodOfTime",
                    "startDate": _datetime(a.start),
                    "endDate": _datetime(a.end),
                }
            )
        node = {
            "id": f"{q.id}/awarding/{index}",
            "type": "AwardingOpportunity",
            "awardingBody": [a.body],
            "location": a.location,
            "temporal": period,
            "learningAchievementSpecification": a.specification,
        }
        awarding.append(_clean(node))
    return awarding


def _registration(siret: str | None) -> Node | None:
    if not siret:
        return None
    return {
        "type": "LegalIdentifier",
        "notation": siret,
        "schemeName": "SIRET",
        "spatial": concept(Concept.of(vocab.FRANCE)),
    }


_TYPED_DATES = frozenset({"dateModified"})
"""Dates the ``edc-ap`` context types as IRIs by mistake: written as explicit
``xsd:dateTime`` value objects."""


Convert = Callable[[Any, Any], Any]
"""A slot's value (and its entity) → its JSON-LD value, None or [] when absent."""


def _same(value: Any, _entity: Any) -> Any:
    return value


def _lang(value: Any, _entity: Any) -> Any:
    return _fr(value)


def _concepts(value: Any, _entity: Any) -> Any:
    return [concept(c) for c in value]


def _concept_or_none(value: Any, _entity: Any) -> Any:
    return concept(value) if value is not None else None


def _notes(value: Any, _entity: Any) -> Any:
    return [_note(n) for n in value]


def _text_note_value(value: Any, _entity: Any) -> Any:
    return _text_note(value)


def _date(value: Any, _entity: Any) -> Any:
    return _datetime(value)


def _typed_date(value: Any, _entity: Any) -> Any:
    return {"@value": _datetime(value), "@type": XSD_DATETIME} if value else None


def _web_value(value: Any, _entity: Any) -> Any:
    return _web(value) if value else None


def _webs(value: Any, _entity: Any) -> Any:
    return [_web(url) for url in value]


def _identifier_value(value: Any, _entity: Any) -> Any:
    return _identifier(value)


def _registration_value(value: Any, _entity: Any) -> Any:
    return _registration(value)


def _address(value: Any, _entity: Any) -> Any:
    return {"type": "Address", "countryCode": concept(value)}


_CONVERT: dict[str, Convert] = {
    "lang": _lang,
    "ref": _same,
    "refs": _same,
    "text": _same,
    "bool": _same,
    "concepts": _concepts,
    "concepts-full": _concepts,
    "concept": _concept_or_none,
    "notes": _notes,
    "text-note": _text_note_value,
    "datetime": _date,
    "web": _web_value,
    "webs": _webs,
    "identifier": _identifier_value,
    "awarding": _awarding,
    "registration": _registration_value,
    "address": _address,
}
"""Each element kind of :mod:`rncpkit.europass.loq_table` (its
:func:`~rncpkit.europass.loq_table.kind`) as JSON-LD: the counterpart of the LOQ XML
writer's table walk (constants, English texts, typed dates and one-item arrays are settled
per element by :func:`_converter`)."""


def _one_item(convert: Convert) -> Convert:
    """A single value of a property LOQ allows more than once, as a one-item array."""

    def one(value: Any, entity: Any) -> Any:
        converted = convert(value, entity)
        return None if converted is None else [converted]

    return one


def _converter(element: Element) -> Convert:
    """How one element's value is written, chosen once per element rather than per value."""
    kind = loq_table.kind(element)
    if kind == "lang-en":  # joined to the property's language map by the walk
        return _same
    if isinstance(element, Fixed):
        fixed = concept(Concept.of(element.value))  # shared, like every concept node
        convert: Convert = lambda _value, _entity: fixed  # noqa: E731
    elif kind == "datetime" and loq_table.json_name(element) in _TYPED_DATES:
        convert = _typed_date
    else:
        convert = _CONVERT[kind]
    if element.occurs[1] is None and kind != "lang" and not isinstance(element, Repeated):
        return _one_item(convert)
    return convert


def _entity(tag: str) -> Callable[[Any], Node]:
    """The JSON-LD writer of one LOQ entity: ``id``, ``type`` and its table's elements in
    table order, absent values dropped so that no key carries null or an empty list."""
    kind = loq_table.JSONLD_TYPES[tag]
    plan = [
        (loq_table.json_name(e), e.key, loq_table.is_english(e), _converter(e))
        for e in loq_table.elements(tag)
    ]

    def write(entity: Any) -> Node:
        node: Node = {"id": entity.id, "type": kind}
        for name, attr, english, convert in plan:
            value = None if attr is None else getattr(entity, attr)  # type: ignore[arg-type]
            if english:  # the English text of the property before it
                if value:
                    node.setdefault(name, {})["en"] = value
                continue
            value = convert(value, entity)
            if value is not None and value != []:
                node[name] = value
        return node

    return write


_WRITERS = {entity: _entity(entity) for entity in loq_table.ENTITIES}
outcome = _OUTCOME = _WRITERS["learningOutcome"]
organisation = _WRITERS["organisation"]
location = _WRITERS["location"]
_SECTIONS = tuple(
    (operator.attrgetter(str(container.key)), _WRITERS[entity], entity in loq_table.SHARED)
    for entity, container in loq_table.ENTITIES.items()
)
"""Each entity kind's graph list, its writer and whether it is shared, in container order."""


_SKILL_JSON = _encode(concept(Concept.of(vocab.SKILL)))


def outcome_json(o: Outcome) -> str:
    """``learningOutcome`` (LOQ's commonest entity, about 25 a fiche) encoded in one
    f-string: the text of ``_encode(outcome(o))`` (a test compares them), without building
    the node and walking it (together a seventh of the writer's time)."""
    title = f', "title": {{"fr": {_encode(o.title)}}}' if o.title else ""
    return f'{{"id": {_encode(o.id)}, "type": "LearningOutcome"{title}, "dcType": {_SKILL_JSON}}}'


def nodes(graph: Graph, seen: set[str], outcome: Callable[[Outcome], Any] = outcome) -> list[Any]:
    """The JSON-LD nodes of one fiche; shared entities already in ``seen`` are skipped.
    ``outcome`` makes the outcome nodes (the writer gives :func:`outcome_json`)."""
    found: list[Any] = []
    for entities_of, write, shared in _SECTIONS:
        entities = entities_of(graph)
        if shared:
            entities = [entity for entity in entities if entity.id not in seen]
        found.extend(map(outcome if write is _OUTCOME else write, entities))
    return found


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
            fiche = nodes(graph, self._written.shared, outcome_json)
            text = ",\n".join(node if type(node) is str else _encode(node) for node in fiche)
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
