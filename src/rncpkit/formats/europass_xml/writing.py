"""The ``europass-xml`` writer: each fiche becomes a ``qualification`` and each block a
partial ``qualification`` (see :mod:`rncpkit.europass.graph`). LOQ puts every kind of
entity in its own container, in a fixed order, so the writer serialises each fiche at once
into one temporary file per container and concatenates them at ``close``: memory stays
flat however many fiches. What it writes is what the tables of
:mod:`rncpkit.europass.loq_table` say, walked once into emitting functions (:func:`_compile`).
"""

from __future__ import annotations

import operator
import shutil
import tempfile
from collections.abc import Callable
from typing import IO, Any

from rncpkit.errors import OutputError
from rncpkit.europass import loq_table, vocab
from rncpkit.europass.graph import (
    Builder,
    Graph,
    Outcome,
    Written,
    nothing_written,
    warn_placeholder,
)
from rncpkit.europass.isced import Crosswalk, EuropassOptions
from rncpkit.formats.base import WriteOptions
from rncpkit.formats.xmltable import (
    TEXT,
    Attribute,
    Codec,
    Fixed,
    FixedAttribute,
    Group,
    Leaf,
    Node,
    Repeated,
    Wrapper,
)
from rncpkit.model import Certification
from rncpkit.xmlwrite import escape_attribute, escape_text

__all__ = ["FORMAT_NAME", "LoqWriter", "serialise"]

FORMAT_NAME = "europass-xml"

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
    if isinstance(node, Wrapper):  # its value is a text or an object: empty text is none
        wrapped = _element(node, node.scalar)

        def one(out: _Out, obj: Any) -> None:
            value = get(obj)
            if value is not None and (type(value) is not str or value):
                wrapped(out, value)

        return one
    element = _element(node, None)

    def single(out: _Out, obj: Any) -> None:
        value = get(obj)
        if value is not None:
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
shared (written once per document), in ``CoursesRootType`` order."""


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
            for container, _entities, _emit, _shared in _SECTIONS:
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
