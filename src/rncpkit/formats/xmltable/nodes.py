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
    "Fixed",
    "FixedAttribute",
    "Group",
    "Key",
    "Leaf",
    "ListOf",
    "Node",
    "Repeated",
    "Text",
    "Values",
    "Wrapper",
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
    generated docs; ``alias`` the value's name in another serialisation of the same table
    (a LOQ element's JSON-LD property), empty when it is the tag.
    """

    tag: str
    key: Key | None
    occurs: tuple[int, int | None] = field(default=(0, 1), kw_only=True)
    source: str = field(default="", kw_only=True)
    note: str = field(default="", kw_only=True)
    alias: str = field(default="", kw_only=True)


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


@dataclass(frozen=True)
class FixedAttribute(Attribute):
    """An attribute whose value is fixed by the table, not taken from the model:
    ``<title language="fr">``. The writer writes it; the reader uses it to tell apart
    sibling nodes of the same tag (``<title language="fr">`` and ``<title language="en">``
    filling two fields) and to pass over an element of another value (a title in a third
    language is not the table's): see :attr:`Group.variants`."""

    value: str = ""

    def __post_init__(self) -> None:
        value = self.value
        object.__setattr__(self, "derive", lambda _obj, _context: value)
        object.__setattr__(self, "values", (value,))


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
    when it is written. With ``build``, the reader makes the group's value with
    ``build(values)`` (a typed object, e.g. a dataclass) rather than keeping the dict.
    """

    children: tuple[Node, ...] = ()
    namespaces: Mapping[str | None, str] | None = field(default=None, compare=False)
    build: Callable[[dict[str, Any]], Any] | None = field(default=None, kw_only=True)
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
    variants: dict[str, tuple[str, dict[str, Node], Node]] = field(
        init=False, repr=False, compare=False
    )
    """Children with a :class:`FixedAttribute`: tag → (attribute name, node by attribute
    value, the first node of the tag for an element without the attribute)."""

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
        object.__setattr__(self, "variants", _variants(elements))


def _variants(elements: list[Node]) -> dict[str, tuple[str, dict[str, Node], Node]]:
    """The elements of a group that a fixed attribute tells apart."""
    found: dict[str, tuple[str, dict[str, Node], Node]] = {}
    for node in elements:
        attributes: tuple[Attribute, ...] = getattr(node, "attributes", ())
        fixed = next((a for a in attributes if isinstance(a, FixedAttribute)), None)
        if fixed is None:
            continue
        found.setdefault(node.tag, (fixed.tag, {}, node))[1][fixed.value] = node
    return found


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


FIXED = 10
"""The writer's case for a :class:`Fixed` element."""
WRAPPER = 11
"""The writer's case for a :class:`Wrapper`."""


def _kind(node: Node) -> int:
    if isinstance(node, Derived):  # before Group, which it extends
        return KINDS.index(Derived)
    if isinstance(node, Fixed):
        return FIXED
    if isinstance(node, Wrapper):
        return WRAPPER
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


@dataclass(frozen=True)
class Fixed(Group):
    """An element whose value is fixed by the table, not taken from the model: a
    controlled-vocabulary concept every record carries (``<language uri="…/FRA"/>``) or a
    constant text (``<schemeName>SIRET</schemeName>``). The writer writes ``value`` as the
    children describe it (as its text when there are none); the reader skips it."""

    value: Any = None


@dataclass(frozen=True)
class Wrapper(Group):
    """One value held inside an element's content rather than as its text:
    ``<homepage><contentUrl>…</contentUrl></homepage>`` is a wrapper of key ``homepage``
    whose child ``Leaf("contentUrl", "url")`` carries it (``scalar="url"``). Written when
    the value is neither None nor empty text."""

    scalar: str = ""


def local_name(tag: str) -> str:
    """``{urn:x}flux`` → ``flux``; a plain tag is returned as is."""
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


def _qualify(tag: str, uri: str, prefixes: Mapping[str, str] | None = None) -> str:
    if not tag or tag[0] == "{":
        return tag
    if prefixes:
        prefix, colon, local = tag.partition(":")
        if colon:
            return f"{{{prefixes[prefix]}}}{local}"
    return f"{{{uri}}}{tag}"


def qualified(node: Node, uri: str, prefixes: Mapping[str, str] | None = None) -> Node:
    """The same table with every plain tag (elements, list items) in namespace ``uri``,
    and each prefixed tag (``skos:notation``) in its prefix's namespace from ``prefixes``.
    Attributes stay unqualified, as XML attributes without a prefix are."""
    if isinstance(node, Attribute):
        return node
    changes: dict[str, Any] = {"tag": _qualify(node.tag, uri, prefixes)}
    if isinstance(node, ListOf | Values):
        changes["item"] = _qualify(node.item, uri, prefixes)
    if isinstance(node, Group):
        changes["children"] = tuple(qualified(child, uri, prefixes) for child in node.children)
    return replace(node, **changes)
