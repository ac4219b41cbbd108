"""The node kinds of an element table: what each element of a record is and which model
field it fills. A table is data; :mod:`.reading` and :mod:`.writing` walk it both ways and
:func:`~.reading.locate` walks it to place a model error in the source."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from lxml import etree

if TYPE_CHECKING:
    from rncpkit.xmlwrite import XmlWriter

__all__ = [
    "TEXT",
    "Absence",
    "Attribute",
    "BadValue",
    "Codec",
    "Context",
    "Custom",
    "Derived",
    "Group",
    "Key",
    "Leaf",
    "ListOf",
    "Node",
    "Repeated",
    "Text",
    "Values",
    "local_name",
    "qualified",
]


class BadValue(Exception):
    """A value that does not parse; the reader turns it into a located FicheError."""


@dataclass(frozen=True, slots=True)
class Codec:
    """How a scalar is spelled in a format: ``parse`` raises :class:`BadValue`."""

    name: str
    parse: Callable[[str], Any]
    format: Callable[[Any], str]


def format_enum_or_text(value: Any) -> str:
    """Text as is, an enum by its value."""
    if type(value) is str:
        return value
    return str(getattr(value, "value", value))


TEXT = Codec("text", str, format_enum_or_text)
"""Text kept as written (enums written by value). The reader's fast path knows it."""

Key = str | tuple[str, str]
"""A model field, or (dict field, dict key), e.g. ``("access_routes", "FI")``."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a walk carries besides the current object, for the nodes that need more:
    the record being written (``root``, e.g. the whole fiche while a block is written)
    and the writer's options. :class:`Derived` nodes, derived :class:`Attribute` values
    and :class:`Absence` reasons receive it."""

    root: Any
    options: Any = None


@dataclass(frozen=True)
class Node:
    """One element and the field it fills. ``tag`` is plain (``FICHE``) or in Clark
    notation (``{urn:…}flux``); :func:`qualified` qualifies a whole table at once.

    ``occurs`` is the element's cardinality (for the schema comparison and the docs; an
    element of ``occurs[0] >= 1`` is written even when its value is absent); ``source``
    the element of another format the value comes from and ``note`` a remark, both for
    generated docs.
    """

    tag: str
    key: Key | None
    occurs: tuple[int, int | None] = field(default=(0, 1), kw_only=True)
    source: str = field(default="", kw_only=True)
    note: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class Attribute(Node):
    """An attribute of the enclosing group's element: ``<titre xml:lang="fr">``.

    With ``derive`` (and no key) its value is worked out by the writer from the current
    object and the walk :class:`Context`; the reader skips it. ``values`` is its
    enumeration, when it has one (for the schema comparison).
    """

    codec: Codec = TEXT
    description: str = ""
    derive: Callable[[Any, Context], Any] | None = field(default=None, kw_only=True)
    values: tuple[str, ...] = field(default=(), kw_only=True)


@dataclass(frozen=True, slots=True)
class Absence:
    """How an element says why its value is absent: written empty with ``attribute`` set
    to ``reason(node, obj, context)`` when the value is None or blank text
    (``<Sectors status="not-provided"/>``); read back as None."""

    attribute: str
    reason: Callable[[Node, Any, Context], str]


@dataclass(frozen=True)
class Leaf(Node):
    """A text element: ``<DATE_DECISION>18/11/2020</DATE_DECISION>``.

    ``attributes`` are written on it from the enclosing object (``<Title lang="fr">``);
    with ``absence``, an absent value is written as an empty element saying why.
    """

    codec: Codec = TEXT
    description: str = ""
    """What the element holds, for the generated docs (the model field's description
    is used when empty)."""
    attributes: tuple[Attribute, ...] = field(default=(), kw_only=True)
    absence: Absence | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Text(Node):
    """The text content of the enclosing group's element, beside its attributes:
    ``<Nsf code="326">Informatique</Nsf>`` is a group with an ``Attribute("code")`` and a
    ``Text("", "label")``. A group with a text is written on one line."""

    codec: Codec = TEXT


@dataclass(frozen=True)
class Group(Node):
    """A container read into a sub-model (``key``) or into the parent itself (key None).

    ``namespaces`` (prefix → URI, ``None`` for the default) are declared on the element
    when it is written.
    """

    children: tuple[Node, ...] = ()
    namespaces: Mapping[str | None, str] | None = field(default=None, compare=False)
    table: dict[str, Node] = field(init=False, repr=False, compare=False)
    content: Text | None = field(init=False, repr=False, compare=False)
    """The :class:`Text` child, if any."""
    leaves: dict[str, tuple[str, Callable[[str], Any] | None]] = field(
        init=False, repr=False, compare=False
    )
    """Fast path of the reader: text child tag → (field, parser or None for plain text)."""
    attributes: tuple[Attribute, ...] = field(init=False, repr=False, compare=False)
    plan: tuple[tuple[int, Node], ...] = field(init=False, repr=False, compare=False)
    """Fast path of the writer: each child with its kind (an index into the writer's cases)."""

    def __post_init__(self) -> None:
        elements = [child for child in self.children if not isinstance(child, Attribute | Text)]
        object.__setattr__(self, "table", {child.tag: child for child in elements})
        content = next((child for child in self.children if isinstance(child, Text)), None)
        object.__setattr__(self, "content", content)
        leaves = {
            child.tag: (child.key, None if child.codec is TEXT else child.codec.parse)
            for child in elements
            if isinstance(child, Leaf)
            and isinstance(child.key, str)
            and not child.attributes
            and child.absence is None
        }
        object.__setattr__(self, "leaves", leaves)
        attributes = tuple(child for child in self.children if isinstance(child, Attribute))
        object.__setattr__(self, "attributes", attributes)
        object.__setattr__(self, "plan", tuple((_kind(child), child) for child in self.children))


@dataclass(frozen=True)
class ListOf(Group):
    """A wrapper of repeated items: ``<CODES_ROME><ROME>…</ROME>…</CODES_ROME>``; the
    children describe one item. With ``scalar``, each item contributes only that value
    (``NOUVELLE_CERTIFICATION``)."""

    item: str = ""
    scalar: str | None = None


@dataclass(frozen=True)
class Repeated(Group):
    """Items repeated directly under the parent, with no wrapper; ``slot`` picks which
    item of the list a numbered tag holds (``CCN_1`` … ``CCN_3``)."""

    scalar: str | None = None
    slot: int | None = None
    occurs: tuple[int, int | None] = field(default=(0, None), kw_only=True)


@dataclass(frozen=True)
class Values(Node):
    """A wrapper of repeated scalars: ``<ANNEES_PROMOTIONS_NIVEAU><ANNEE>…``."""

    item: str = ""
    codec: Codec = TEXT


KINDS: tuple[type[Node], ...] = ()
"""Node classes in the order the writer's cases test them (set below, once all exist)."""

RICH_LEAF = 9
"""The writer's case for a :class:`Leaf` with attributes, an absence or ``occurs[0]``:
plain leaves keep the fast case."""


def _kind(node: Node) -> int:
    if isinstance(node, Derived):  # before Group, which it extends
        return KINDS.index(Derived)
    if isinstance(node, Leaf) and (node.attributes or node.absence or node.occurs[0]):
        return RICH_LEAF
    return next(i for i, kind in enumerate(KINDS) if isinstance(node, kind))


def _ignore_read(_element: etree._Element, _values: dict[str, Any]) -> None:
    return None


def _ignore_write(_writer: XmlWriter, _obj: Any) -> None:
    return None


@dataclass(frozen=True)
class Custom(Node):
    """An element no generic node maps, as in older flux versions: ``read(element,
    values)`` stores its value in the record's values (raising :class:`BadValue` on bad
    input); ``write(writer, obj)`` writes its elements, if any, through the XML writer."""

    read: Callable[[etree._Element, dict[str, Any]], None] = _ignore_read
    write: Callable[[XmlWriter, Any], None] = _ignore_write


def _skip_write(_writer: XmlWriter, _node: Derived, _obj: Any, _context: Context) -> None:
    return None


@dataclass(frozen=True)
class Derived(Group):
    """An element the writer works out rather than copies from one field: ``write(writer,
    node, obj, context)`` writes it (or nothing) from the current object and the walk
    :class:`Context` (the whole record, the options). The reader skips it, unless it is
    an irregular element read back by ``read(element, node, values)`` (called for each
    such element). Its children and attributes describe what it writes, for the schema
    comparison and the docs."""

    write: Callable[[XmlWriter, Derived, Any, Context], None] = _skip_write
    read: Callable[[etree._Element, Derived, dict[str, Any]], None] | None = None


KINDS = (Leaf, ListOf, Repeated, Group, Values, Custom, Attribute, Text, Derived)


def local_name(tag: str) -> str:
    """``{urn:x}flux`` → ``flux``; a plain tag is returned as is."""
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


def _qualify(tag: str, uri: str) -> str:
    return tag if not tag or tag[0] == "{" else f"{{{uri}}}{tag}"


def qualified(node: Node, uri: str) -> Node:
    """The same table with every plain tag (elements, list items) in namespace ``uri``.
    Attributes stay unqualified, as XML attributes without a prefix are."""
    if isinstance(node, Attribute):
        return node
    changes: dict[str, Any] = {"tag": _qualify(node.tag, uri)}
    if isinstance(node, ListOf | Values):
        changes["item"] = _qualify(node.item, uri)
    if isinstance(node, Group):
        changes["children"] = tuple(qualified(child, uri) for child in node.children)
    return replace(node, **changes)
