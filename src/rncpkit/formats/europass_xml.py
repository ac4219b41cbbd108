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

import operator
import shutil
import tempfile
from collections.abc import Callable, Iterator
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
from rncpkit.formats.base import Format, ReadResult, Record, WriteOptions
from rncpkit.formats.xmltable import (
    TEXT,
    Attribute,
    Codec,
    Fixed,
    FixedAttribute,
    Group,
    Leaf,
    Node,
    Problem,
    Repeated,
    Wrapper,
    local_name,
    read_group,
)
from rncpkit.io import InputFile, single_member
from rncpkit.model import AccessRouteCode, Certification, RegistrationType
from rncpkit.xmlwrite import escape_attribute, escape_text

__all__ = [
    "FORMAT",
    "NS",
    "LoqWriter",
]

NS = vocab.LOQ_NS

CONTAINERS = tuple(container.tag for container in loq_table.CONTAINERS)
"""The containers rncpkit fills, in ``CoursesRootType`` order."""


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
    if (
        len(data.translate(None, _C0)) != len(data)
        or b"\xef\xbf\xbe" in data
        or b"\xef\xbf\xbf" in data
    ):
        bad = next(
            char
            for char in text
            if (ord(char) < 32 and char not in "\t\n\r") or char in "\ufffe\uffff"
        )
        raise _Unwritable(f"character {bad!r} cannot be written in XML")
    return data


_PADS = tuple("  " * level for level in range(64))
_CONCEPT_CACHE_LIMIT = 4096


class _Out:
    """A tiny indented XML emitter: entities are written as text, fast and namespace-clean.

    This is the LOQ writer's specialised path, kept instead of the shared
    :class:`~rncpkit.xmlwrite.XmlWriter` because a benchmark shows it matters: 60,000
    ``learningOutcome`` entities (LOQ's commonest, with an ``id`` and a ``uri`` attribute)
    took 0.21 s here and 1.12 s through ``XmlWriter`` (best of 3, same run), whose
    per-attribute checks dominate; the XML 1.0 check is made once per container on the
    encoded bytes instead (:func:`_encoded`). It writes what the tables of
    :mod:`rncpkit.europass.loq_table` say: :func:`_compile` walks each table once into
    emitting functions. On a 60 MB export of 2,700 fiches, serialising took 7.2 s under
    cProfile with a pad computed per line and each concept rendered anew (214,000 concepts,
    most of them the same few vocabulary URIs); pads and rendered concepts are now looked
    up (:func:`_cached`).
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

    def result(self) -> str:
        return "".join(self.parts)


# --------------------------------------------------------------------------- the table walk

Emit = Callable[[_Out, Any], None]
"""Writes what one node says of an object (an entity, a concept…) into the emitter."""
Render = Callable[[Any], str]


def _itself(value: Any) -> Any:
    return value


def _getter(key: Any, scalar: str | None) -> Callable[[Any], Any]:
    """How a node's value is taken from its object: the attribute ``key``, or the object
    itself inside a :class:`~rncpkit.formats.xmltable.Wrapper` or a scalar ``Repeated``."""
    return _itself if key == scalar else operator.attrgetter(key)


def _formatter(codec: Codec) -> Callable[[Any], str]:
    return _itself if codec is TEXT else codec.format


def _attributes(attributes: tuple[Attribute, ...], scalar: str | None) -> str | Render:
    """The attributes of an element: text when the table fixes them all, else a function
    of the object."""
    fixed = all(isinstance(a, FixedAttribute) for a in attributes)
    if fixed:
        return "".join(f' {a.tag}="{_attr(a.value)}"' for a in attributes)  # type: ignore[attr-defined]
    if len(attributes) == 1 and attributes[0].codec is TEXT:  # an id, a uri: one call
        name, get = attributes[0].tag, _getter(attributes[0].key, scalar)

        def one(obj: Any) -> str:
            value = get(obj)
            return "" if value is None else f' {name}="{_attr(value)}"'

        return one
    parts = [
        (f' {a.tag}="{_attr(a.value)}"', None, None)
        if isinstance(a, FixedAttribute)
        else (a.tag, _getter(a.key, scalar), _formatter(a.codec))
        for a in attributes
    ]

    def render(obj: Any) -> str:
        text = []
        for name, get, fmt in parts:
            if get is None:
                text.append(name)
                continue
            value = get(obj)
            if value is not None:
                text.append(f' {name}="{_attr(fmt(value))}"')  # type: ignore[misc]
        return "".join(text)

    return render


def _leaf(node: Leaf, scalar: str | None) -> Emit:
    """A text element, left out when its value is None, or empty text unless required."""
    get, tag = _getter(node.key, scalar), node.tag
    plain = node.codec is TEXT
    fmt = node.codec.format
    keep_empty = node.occurs[0] >= 1 or not plain  # a date, a boolean: never empty text
    attrs = _attributes(node.attributes, scalar)
    if isinstance(attrs, str):
        start, end = f"<{tag}{attrs}>", f"</{tag}>\n"
        if plain:

            def emit_text(out: _Out, obj: Any) -> None:
                value = get(obj)
                if value or (keep_empty and value is not None):
                    out.parts.append(f"{out.pad}{start}{_text(value)}{end}")

            return emit_text

        def emit(out: _Out, obj: Any) -> None:
            value = get(obj)
            if value or (keep_empty and value is not None):
                out.parts.append(f"{out.pad}{start}{_text(fmt(value))}{end}")

        return emit

    def emit_attributes(out: _Out, obj: Any) -> None:
        value = get(obj)
        if value or (keep_empty and value is not None):
            out.parts.append(f"{out.pad}<{tag}{attrs(obj)}>{_text(fmt(value))}</{tag}>\n")

    return emit_attributes


def _element(node: Group, scalar: str | None, tag: str = "") -> Emit:
    """One element of ``node`` (named ``tag``, else the node's) for a value (not from a
    field: the caller has it)."""
    tag = tag or node.tag
    if not node.children:  # a fixed text
        return lambda out, value: out.parts.append(f"{out.pad}<{tag}>{_text(str(value))}</{tag}>\n")
    attrs = _attributes(node.attributes, scalar)
    render: Render = (lambda _value: attrs) if isinstance(attrs, str) else attrs
    if len(node.attributes) == len(node.children):  # attributes only: an empty element

        def empty(out: _Out, value: Any) -> None:
            out.parts.append(f"{out.pad}<{tag}{render(value)}/>\n")

        return _cached(node, empty)
    inner = _children(node, scalar)

    def element(out: _Out, value: Any) -> None:
        out.open(tag, render(value))
        inner(out, value)
        out.close(tag)

    return _cached(node, element)


def _cached(node: Group, emit: Emit) -> Emit:
    """Concepts rendered once per value and indentation: most are the same few vocabulary
    URIs (a bounded cache: memory stays flat)."""
    if node.children is not loq_table.CONCEPT and node.children is not loq_table.FULL_CONCEPT:
        return emit
    keys = [str(a.key) for a in node.children if isinstance(a, Attribute)]
    keys += [str(n.key) for n in node.children if isinstance(n, Leaf)]
    keys += [str(a.key) for n in node.children if isinstance(n, Leaf) for a in n.attributes]
    fields = operator.attrgetter(*keys)
    cache = _Out._concepts
    shape = id(node.children)

    def cached(out: _Out, value: Any) -> None:
        key = (node.tag, shape, out.level, fields(value))
        rendered = cache.get(key)
        if rendered is None:
            alone = _Out(out.level)
            emit(alone, value)
            rendered = alone.result()
            if len(cache) >= _CONCEPT_CACHE_LIMIT:
                cache.clear()
            cache[key] = rendered
        out.parts.append(rendered)

    return cached


def _references(node: Group) -> Emit | None:
    """A repeated or wrapped reference, ``<tag idref="…"/>``, in one f-string (LOQ's
    commonest element after the outcomes)."""
    only = node.children[0] if len(node.children) == 1 else None
    if not isinstance(only, Attribute) or isinstance(only, FixedAttribute):
        return None
    if not isinstance(node, Repeated | Wrapper) or only.key != node.scalar:
        return None
    get, head = operator.attrgetter(str(node.key)), f'<{node.tag} {only.tag}="'
    if isinstance(node, Wrapper):

        def one(out: _Out, obj: Any) -> None:
            value = get(obj)
            if value is not None and value != "":
                out.parts.append(f'{out.pad}{head}{_attr(value)}"/>\n')

        return one

    def each(out: _Out, obj: Any) -> None:
        pad, parts = out.pad, out.parts
        for value in get(obj):
            parts.append(f'{pad}{head}{_attr(value)}"/>\n')

    return each


def _node(node: Node, scalar: str | None) -> Emit | None:
    """What one child node writes of its parent's object (None: an attribute, written
    with its element)."""
    if isinstance(node, Attribute):
        return None
    if isinstance(node, Leaf):
        return _leaf(node, scalar)
    assert isinstance(node, Group), node
    if isinstance(node, Fixed):
        fixed, value = _element(node, None), node.value
        return lambda out, _obj: fixed(out, value)
    references = _references(node)
    if references is not None:
        return references
    if node.key is None:  # a section of the object: left out when nothing is in it
        inner, tag = _children(node, scalar), node.tag

        def section(out: _Out, obj: Any) -> None:
            mark = len(out.parts)
            out.open(tag)
            inner(out, obj)
            if len(out.parts) == mark + 1:
                del out.parts[mark]
                out.level -= 1
                out.pad = _PADS[out.level]
            else:
                out.close(tag)

        return section
    get = _getter(node.key, scalar)
    if isinstance(node, Repeated):
        item = _element(node, node.scalar)

        def repeated(out: _Out, obj: Any) -> None:
            for value in get(obj):
                item(out, value)

        return repeated
    element = _element(node, node.scalar if isinstance(node, Wrapper) else None)
    blank = "" if isinstance(node, Wrapper) else None

    def single(out: _Out, obj: Any) -> None:
        value = get(obj)
        if value is not None and value != blank:
            element(out, value)

    return single


def _children(group: Group, scalar: str | None) -> Emit:
    emitters = [e for node in group.children if (e := _node(node, scalar)) is not None]

    def children(out: _Out, obj: Any) -> None:
        for emit in emitters:
            emit(out, obj)

    return children


def _compile(entity: str) -> Emit:
    """The writer of one entity, walked once from its table (its container's)."""
    container = loq_table.ENTITIES[entity]
    return _element(container, None, container.item)


def _outcome(out: _Out, o: Outcome) -> None:
    """``learningOutcome``, LOQ's commonest entity (25 per fiche), in one f-string: the
    same text as the walk of :data:`~rncpkit.europass.loq_table.OUTCOME` (a test compares
    them), a third of the calls."""
    pad, inner = out.pad, _PADS[out.level + 1]
    title = f'{inner}<title language="fr">{_text(o.title)}</title>\n' if o.title else ""
    out.parts.append(
        f'{pad}<learningOutcome id="{_attr(o.id)}">\n{title}'
        f'{inner}<type uri="{_attr(vocab.SKILL.uri)}"/>\n{pad}</learningOutcome>\n'
    )


_SECTIONS: tuple[tuple[str, Callable[[Graph], list[Any]], Emit, bool], ...] = tuple(
    (
        container.tag,
        operator.attrgetter(str(container.key)),
        _outcome if container.item == "learningOutcome" else _compile(container.item),
        container.item in loq_table.SHARED,
    )
    for container in loq_table.CONTAINERS
)
"""Each container with its graph list, the writer of its entities and whether they are
shared (written once per document), in :data:`CONTAINERS` order."""


def serialise(graph: Graph, seen: set[str]) -> dict[str, bytes]:
    """Each container's XML for one fiche's graph; shared entities already in ``seen``
    (organisations, locations) are skipped. Raises :class:`_Unwritable`."""
    parts: dict[str, bytes] = {}
    for container, entities_of, emit, shared in _SECTIONS:
        entities = entities_of(graph)
        if shared:
            entities = [entity for entity in entities if entity.id not in seen]
        if entities:
            out = _Out()
            for entity in entities:
                emit(out, entity)
            parts[container] = _encoded(out.result())
    return parts


def _document_start() -> bytes:
    """The XML declaration and the root's start tag, with its namespaces and attributes."""
    document = loq_table.DOCUMENT
    xmlns = "".join(
        f' xmlns{":" + prefix if prefix else ""}="{_attr(uri)}"'
        for prefix, uri in (document.namespaces or {}).items()
    )
    attributes = _attributes(document.attributes, None)
    assert isinstance(attributes, str)  # fixed by the table
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{document.tag}{xmlns}{attributes}>\n'.encode()


_HEADER = _document_start()
_FOOTER = f"</{loq_table.DOCUMENT.tag}>\n".encode()


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
                spool = self._spools[container] = tempfile.TemporaryFile()  # noqa: SIM115
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
