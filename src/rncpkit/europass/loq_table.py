"""The LOQ XML and ELM 3 JSON-LD binding of each graph entity, declared once with
:mod:`rncpkit.formats.xmltable`'s node kinds: element, graph attribute, shape and JSON-LD
property (the node's ``alias``, the tag when empty), in the order the LOQ 3.1 XSD requires.

The ``europass-xml`` writer walks these tables to write a fiche's graph
(:mod:`rncpkit.europass.graph`) and its reader reads them back with xmltable's generic
reading walk (:func:`~rncpkit.formats.xmltable.read_group`, each group's ``build`` making
the graph dataclass), so writing and reading cannot disagree on an element, its order or
its meaning. The ``europass-jsonld`` writer walks them too (each node's JSON-LD property,
in the same order; an English ``title`` joins the language map of the French one before
it). ``docs/europass.md``'s element list is generated from them.

The values of an entity's elements have a few recurring shapes, declared once below as
tuples of child nodes: a reference (:data:`REF`, ``idref``), a concept (:data:`CONCEPT`,
a URI; :data:`FULL_CONCEPT` with label, notation and scheme), a note (:data:`NOTE`; a text
alone as a note, :data:`NOTE_TEXT`), a web resource (:data:`WEB`), an identifier, an
awarding opportunity, a registration and an address. :func:`kind` names a node by its
shape (``refs``, ``concepts-full``, ``lang``…): the JSON-LD writer converts by that name
and the docs show it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, Final, Literal

from rncpkit.europass import vocab
from rncpkit.europass.graph import (
    Accreditation,
    Activity,
    Assessment,
    Awarding,
    Concept,
    Entitlement,
    Identifier,
    Location,
    Note,
    Organisation,
    Outcome,
    Qualification,
)
from rncpkit.formats.xmltable import (
    Attribute,
    BadValue,
    Codec,
    Fixed,
    FixedAttribute,
    Group,
    Leaf,
    ListOf,
    Node,
    Repeated,
    Wrapper,
    qualified,
)

__all__ = [
    "CONTAINERS",
    "DOCUMENT",
    "ENTITIES",
    "JSONLD_TYPES",
    "NAMESPACES",
    "OUTCOME",
    "READING",
    "SHARED",
    "Kind",
    "json_name",
    "kind",
    "mapping_markdown",
]

SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DC: Final = "http://purl.org/dc/terms/"
NAMESPACES: Final[dict[str | None, str]] = {None: vocab.LOQ_NS, "skos": SKOS, "dc": DC}
"""The namespaces of a LOQ document (declared on its root), by prefix (None: the default)."""

Kind = Literal[
    "identifier", "text", "lang", "lang-en", "notes", "text-note", "web", "webs", "datetime",
    "bool", "concept", "concepts", "concepts-full", "constant", "ref", "refs", "awarding",
    "registration", "address",
]  # fmt: skip
"""The name of an entity element's shape (:func:`kind`)."""


# --------------------------------------------------------------------------- scalars


def _parse_date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError as exc:
        raise BadValue(str(exc)) from None


DATETIME: Final = Codec("datetime", _parse_date, lambda day: f"{day.isoformat()}T00:00:00")
"""``xs:dateTime`` at midnight; read back as the date."""
BOOL: Final = Codec(
    "bool", lambda text: text.strip() == "true", lambda value: "true" if value else "false"
)

FR: Final = FixedAttribute("language", None, value="fr")
EN: Final = FixedAttribute("language", None, value="en")


def _typed(cls: type) -> Callable[[dict[str, Any]], Any]:
    """A group's ``build``: the graph dataclass ``cls`` of the values read, a required
    field the document lacks being empty (``""``, ``[]``, else None), as the reader has
    always made it; fields with a default keep it."""
    required = [
        f for f in dataclasses.fields(cls) if f.default is f.default_factory is dataclasses.MISSING
    ]
    texts = {f.name: "" for f in required if f.type == "str"}
    lists = tuple(f.name for f in required if str(f.type).startswith("list["))
    nones = {f.name: None for f in required if f.name not in texts and f.name not in lists}

    def build(values: dict[str, Any]) -> Any:
        return cls(**{**nones, **texts, **{name: [] for name in lists}, **values})

    return build


def _lang(tag: str, key: str, **kw: Any) -> Leaf:
    """A French text: ``<title language="fr">…</title>``."""
    return Leaf(tag, key, attributes=(FR,), **kw)


# --------------------------------------------------------------------------- shapes

REF: Final = (Attribute("idref", "idref"),)
"""A reference to another entity: ``<learningOutcome idref="…"/>``."""
CONCEPT: Final = (Attribute("uri", "uri"),)
"""A concept by its URI: ``<EQFLevel uri="…"/>``."""
FULL_CONCEPT: Final = (
    Attribute("uri", "uri"),
    Leaf("skos:prefLabel", "label", attributes=(Attribute("language", "label_lang"),)),
    Leaf("skos:notation", "notation"),
    Leaf("skos:inScheme", "scheme", occurs=(1, 1)),
)
"""A concept with its label, notation and scheme (rncpkit's own schemes: NSF, ROME…)."""
NOTE_TEXT: Final = (_lang("noteLiteral", "text"),)
"""A French text as a note."""
NOTE: Final = (Group("dc:subject", "subject", FULL_CONCEPT, build=_typed(Concept)), *NOTE_TEXT)
"""An additional note: its subject (what fiche field it is) and its text."""
WEB: Final = (Leaf("contentUrl", "url", alias="contentURL"),)
"""A web resource."""
IDENTIFIER: Final = (
    Leaf("skos:notation", "notation", occurs=(1, 1)),
    _lang("schemeAgency", "scheme_agency"),
    Leaf("schemeName", "scheme_name", occurs=(1, 1)),
)
AWARDING: Final = (
    Wrapper("awardingBody", "body", REF, scalar="idref"),
    Wrapper("location", "location", REF, scalar="idref"),
    Group(
        "temporal",
        None,
        (Leaf("startDate", "start", DATETIME), Leaf("endDate", "end", DATETIME)),
    ),
    Wrapper("learningAchievementSpecification", "specification", REF, scalar="idref"),
)
"""An awarding opportunity, inline in its qualification (one per certifier)."""
REGISTRATION: Final = (
    Leaf("skos:notation", "siret", occurs=(1, 1)),
    Fixed("schemeName", None, value="SIRET"),
    Fixed("spatial", None, CONCEPT, value=vocab.FRANCE),
)
"""An organisation's legal identifier, its SIRET."""
ADDRESS: Final = (Group("countryCode", "country", CONCEPT, build=_typed(Concept)),)

_SHAPES: Final[tuple[tuple[tuple[Node, ...], str, str], ...]] = (
    (REF, "ref", "refs"),
    (CONCEPT, "concept", "concepts"),
    (FULL_CONCEPT, "concept", "concepts-full"),
    (NOTE, "", "notes"),
    (NOTE_TEXT, "text-note", ""),
    (WEB, "web", "webs"),
    (IDENTIFIER, "identifier", ""),
    (AWARDING, "", "awarding"),
    (REGISTRATION, "registration", ""),
    (ADDRESS, "address", ""),
)
"""Each shape with the kind of one value of it and of a repeated value."""


def _ref(tag: str, key: str, **kw: Any) -> Wrapper:
    return Wrapper(tag, key, REF, scalar="idref", **kw)


def _refs(tag: str, key: str) -> Repeated:
    return Repeated(tag, key, REF, scalar="idref")


def _concept(tag: str, key: str, **kw: Any) -> Group:
    return Group(tag, key, CONCEPT, build=_typed(Concept), **kw)


def _concepts(tag: str, key: str, shape: tuple[Node, ...] = CONCEPT, **kw: Any) -> Repeated:
    return Repeated(tag, key, shape, build=_typed(Concept), **kw)


def _constant(tag: str, term: vocab.Term, **kw: Any) -> Fixed:
    """A concept every entity of its kind carries (not a graph attribute)."""
    return Fixed(tag, None, CONCEPT, value=term, **kw)


def _entity(
    container: str, graph: str, tag: str, cls: type, *children: Node, jsonld: str
) -> ListOf:
    """The LOQ container of an entity kind, holding the :class:`~rncpkit.europass.graph.Graph`
    list ``graph`` of ``cls`` entities as ``tag`` elements (``jsonld``: their JSON-LD
    class), each with its ``id`` and ``children``."""
    return ListOf(
        container,
        graph,
        (Attribute("id", "id"), *children),
        build=_typed(cls),
        alias=jsonld,
        item=tag,
    )


# --------------------------------------------------------------------------- entities

MANY: Final = (0, None)
"""The cardinality of an element LOQ allows more than once. A node's ``occurs`` is declared
where it decides something: an element of one graph value that LOQ allows more than once is
written by JSON-LD as a one-item array, as the ``edc-ap`` context and the SHACL shapes
expect (a list, :class:`~rncpkit.formats.xmltable.Repeated`, is an array anyway); a text
element of ``occurs[0] >= 1`` is written even when its text is empty."""

QUALIFICATION: Final = _entity(
    "learningAchievementSpecificationReferences",
    "qualifications",
    "qualification",
    Qualification,
    Group("identifier", "identifier", IDENTIFIER, build=_typed(Identifier), occurs=MANY),
    _lang("title", "title"),
    _lang("description", "description"),
    Repeated("additionalNote", "notes", NOTE, build=_typed(Note)),
    Wrapper("homepage", "homepage", WEB, scalar="url", occurs=MANY),
    Repeated("supplementaryDocument", "supplementary", WEB, scalar="url"),
    Leaf("status", "status"),
    Leaf("modified", "modified", DATETIME, alias="dateModified"),
    _concepts("type", "types", FULL_CONCEPT, alias="dcType"),
    Wrapper("learningOutcomeSummary", "summary", NOTE_TEXT, scalar="text"),
    _concepts("ISCEDFCode", "isced", alias="thematicArea"),
    _concepts("educationSubject", "subjects", FULL_CONCEPT),
    _concepts("educationLevel", "education_levels", FULL_CONCEPT),
    _constant("language", vocab.FRENCH, occurs=(1, None)),
    _concept("learningSetting", "setting"),
    Wrapper("entryRequirement", "entry", NOTE_TEXT, scalar="text"),
    _refs("learningOutcome", "outcomes"),
    _refs("influencedBy", "influenced_by"),
    _refs("provenBy", "proven_by"),
    _refs("entitlesTo", "entitles_to"),
    _refs("hasPart", "has_part"),
    _refs("isPartOf", "is_part_of"),
    Repeated("awardingOpportunity", "awarding", AWARDING, build=_typed(Awarding)),
    Leaf("isPartialQualification", "partial", BOOL, occurs=(1, 1)),
    _concept("EQFLevel", "eqf", alias="eqfLevel"),
    _concepts("NQFLevel", "nqf", alias="nqfLevel"),
    _refs("accreditation", "accreditation"),
    jsonld="Qualification",
)

OUTCOME: Final = _entity(
    "learningOutcomeReferences",
    "outcomes",
    "learningOutcome",
    Outcome,
    _lang("title", "title"),
    _constant("type", vocab.SKILL, alias="dcType"),
    jsonld="LearningOutcome",
)

ACTIVITY: Final = _entity(
    "learningActivitySpecificationReferences",
    "activities",
    "learningActivitySpecification",
    Activity,
    _lang("title", "title"),
    Repeated("additionalNote", "notes", NOTE, build=_typed(Note)),
    _concepts("type", "types", alias="dcType"),
    _ref("influences", "influences", occurs=MANY),
    jsonld="LearningActivitySpecification",
)

ASSESSMENT: Final = _entity(
    "learningAssessmentSpecificationReferences",
    "assessments",
    "learningAssessmentSpecification",
    Assessment,
    _lang("title", "title"),
    _lang("description", "description"),
    _concepts("type", "types", alias="dcType"),
    _ref("proves", "proves", occurs=MANY),
    _refs("hasPart", "parts"),
    jsonld="LearningAssessmentSpecification",
)

ENTITLEMENT: Final = _entity(
    "learningEntitlementSpecificationReferences",
    "entitlements",
    "learningEntitlementSpecification",
    Entitlement,
    _lang("title", "title"),
    _lang("description", "description"),
    Repeated("additionalNote", "notes", NOTE, build=_typed(Note)),
    _constant("type", vocab.OCCUPATION, alias="dcType", occurs=(1, 1)),
    _constant("entitlementStatus", vocab.ACTUAL, occurs=(1, 1)),
    _constant("limitJurisdiction", vocab.FRANCE_ATU, occurs=MANY),
    _concepts("limitNationalOccupation", "occupations", FULL_CONCEPT),
    _ref("entitledBy", "entitled_by", occurs=MANY),
    jsonld="LearningEntitlementSpecification",
)

ORGANISATION: Final = _entity(
    "agentReferences",
    "organisations",
    "organisation",
    Organisation,
    _lang("skos:altLabel", "alt_name", alias="altLabel"),
    _lang("legalName", "name"),
    Wrapper("registration", "siret", REGISTRATION, scalar="siret"),
    Wrapper("homepage", "homepage", WEB, scalar="url", occurs=MANY),
    _ref("location", "location", occurs=(1, None)),
    jsonld="Organisation",
)

ACCREDITATION: Final = _entity(
    "accreditationReferences",
    "accreditations",
    "accreditation",
    Accreditation,
    _constant("type", vocab.PROGRAM_LICENSE, alias="dcType", occurs=(1, 1)),
    _lang("title", "title"),
    Leaf("title", "title_en", attributes=(EN,)),
    _refs("organisation", "organisations"),
    _ref("limitQualification", "qualification"),
    _ref("accreditingAgent", "agent", occurs=(1, 1)),
    Leaf("issued", "issued", DATETIME, alias="dateIssued"),
    Leaf("expiryDate", "expiry", DATETIME),
    Leaf("valid", "valid", DATETIME),
    jsonld="Accreditation",
)

LOCATION: Final = _entity(
    "locationReferences",
    "locations",
    "location",
    Location,
    Wrapper("address", "country", ADDRESS, scalar="country", occurs=(1, None)),
    jsonld="Location",
)

DOCUMENT: Final = Group(
    "Courses",
    None,
    (
        FixedAttribute("xsdVersion", None, value=vocab.LOQ_XSD_VERSION),
        QUALIFICATION,
        OUTCOME,
        ACTIVITY,
        ASSESSMENT,
        ENTITLEMENT,
        ORGANISATION,
        ACCREDITATION,
        LOCATION,
    ),
    namespaces=NAMESPACES,
)
"""A LOQ document: its containers in ``CoursesRootType`` order, each the list of one kind
of entity (the :class:`~rncpkit.europass.graph.Graph` list of that name)."""

CONTAINERS: Final[tuple[ListOf, ...]] = tuple(
    node for node in DOCUMENT.children if isinstance(node, ListOf)
)
ENTITIES: Final = {container.item: container for container in CONTAINERS}
"""Each entity's element name and its table (its container's), in the order of the LOQ
containers."""
SHARED: Final = frozenset({"organisation", "location"})
"""The entities the fiches share (certifiers, France): written once per document."""


def _reading(group: Group) -> ListOf:
    found = qualified(group, vocab.LOQ_NS, {p: uri for p, uri in NAMESPACES.items() if p})
    assert isinstance(found, ListOf)
    return found


READING: Final = {tag: _reading(group) for tag, group in ENTITIES.items()}
"""The same tables with their tags in Clark notation (``{uri}local``), as the reader meets
them."""

JSONLD_TYPES: Final = {tag: container.alias for tag, container in ENTITIES.items()}
"""Each entity's ELM 3 JSON-LD class (its node's ``type``)."""


def elements(entity: str) -> tuple[Node, ...]:
    """An entity's element nodes in table order (its ``id`` attribute left out)."""
    return tuple(node for node in ENTITIES[entity].children if not isinstance(node, Attribute))


def json_name(node: Node) -> str:
    """The JSON-LD property of an element."""
    return node.alias or node.tag


def is_english(node: Node) -> bool:
    """An element holding the English text of the property before it."""
    return isinstance(node, Leaf) and EN in node.attributes


def kind(node: Node) -> Kind:
    """The name of an entity element's shape, what its value is written as."""
    if isinstance(node, Fixed):
        return "constant"
    if isinstance(node, Leaf):
        if FR in node.attributes:
            return "lang"
        if EN in node.attributes:
            return "lang-en"
        return "datetime" if node.codec is DATETIME else "bool" if node.codec is BOOL else "text"
    assert isinstance(node, Group)
    for shape, one, many in _SHAPES:
        if node.children is shape:
            name = many if isinstance(node, Repeated) else one
            assert name, node.tag
            return name  # type: ignore[return-value]
    raise AssertionError(f"no shape for <{node.tag}>")


def mapping_markdown() -> str:
    """The LOQ element list of ``docs/europass.md``, generated from the tables."""
    rows = [
        "| LOQ entity | element | graph attribute | kind | JSON-LD (class.property) |",
        "|---|---|---|---|---|",
    ]
    for entity in ENTITIES:
        for node in elements(entity):
            value = f"`{node.value.uri}`" if isinstance(node, Fixed) else f"`{node.key}`"
            json = f"`{JSONLD_TYPES[entity]}.{json_name(node)}`" + (
                " (en)" if is_english(node) else ""
            )
            rows.append(f"| `{entity}` | `{node.tag}` | {value} | {kind(node)} | {json} |")
    return "\n".join(rows) + "\n"
