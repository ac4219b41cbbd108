"""The generic writer walk of an element table, through :class:`rncpkit.xmlwrite.XmlWriter`:
elements in table order, absent values left out, no empty wrappers."""

from __future__ import annotations

from typing import Any

from rncpkit.errors import OutputError
from rncpkit.formats.xmltable.compiled_writer import compiled_writer
from rncpkit.formats.xmltable.nodes import (
    Attribute,
    Context,
    Custom,
    Derived,
    Fixed,
    Group,
    Key,
    Leaf,
    ListOf,
    Repeated,
    Values,
    Wrapper,
    format_enum_or_text,
    local_name,
)
from rncpkit.xmlwrite import XmlWriter

__all__ = ["attribute_values", "write_children", "write_record"]

_AS_IS = format_enum_or_text
"""The format of text codecs: a str comes back unchanged."""


def _get(obj: Any, key: Key) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    if isinstance(key, tuple):
        mapping = getattr(obj, key[0])
        return next((v for k, v in mapping.items() if getattr(k, "value", k) == key[1]), None)
    return getattr(obj, key)


def attribute_values(
    attributes: tuple[Attribute, ...], obj: Any, context: Context | None = None
) -> dict[str, str] | None:
    """The attributes written for ``obj`` (derived ones from ``context``), in table order;
    None when there are none to write."""
    if not attributes:
        return None
    found = {}
    for attribute in attributes:
        if attribute.derive is not None:
            value = attribute.derive(obj, context if context is not None else Context(obj))
        elif attribute.key is None:
            continue  # written by its element's own function (a Derived node)
        else:
            value = _get(obj, attribute.key)
        if value is not None:
            found[attribute.tag] = attribute.codec.format(value)
    return found


def _blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


def _rich_leaf(writer: XmlWriter, node: Leaf, obj: Any, context: Context | None) -> None:
    """A leaf with attributes (from the enclosing object), an absence or a minimum."""
    value = _get(obj, node.key)  # type: ignore[arg-type]
    absence = node.absence
    if absence is not None and _blank(value):
        writer.leaf(
            node.tag,
            None,
            {
                absence.attribute: absence.reason(
                    node, obj, context if context is not None else Context(obj)
                )
            },
        )
        return
    attributes = attribute_values(node.attributes, obj, context)
    if value is not None:
        writer.leaf(node.tag, node.codec.format(value), attributes)
    elif node.occurs[0]:
        writer.leaf(node.tag, "", attributes)


def _text_element(
    writer: XmlWriter, tag: str, group: Group, value: Any, context: Context | None
) -> None:
    """One element of a group that has a :class:`~.nodes.Text`: its text and attributes
    on one line."""
    content = group.content
    assert content is not None
    text = _get(value, content.key)  # type: ignore[arg-type]
    attributes = attribute_values(group.attributes, value, context)
    writer.leaf(tag, "" if text is None else content.codec.format(text), attributes)


def _write_item(
    writer: XmlWriter, tag: str, node: ListOf | Repeated, item: Any, context: Context | None
) -> None:
    """One item of a list (``ListOf``) or of a repeated element (``Repeated``), as ``tag``."""
    value = {node.scalar: item} if node.scalar else item
    if node.content is not None:
        _text_element(writer, tag, node, value, context)
        return
    writer.start(tag, attribute_values(node.attributes, value, context))
    write_children(writer, node, value, context)
    writer.end()


def write_children(
    writer: XmlWriter, group: Group, obj: Any, context: Context | None = None
) -> None:
    """Write what ``group`` describes of ``obj`` inside the element open in ``writer``;
    ``context`` is handed to derived nodes and attributes."""
    # The writer's hot loop: kinds are precomputed ints (``Group.plan``, in the order of
    # ``nodes.KINDS``), text leaves of a model read with one getattr, and a text value
    # of a text codec written without the codec's call (it would return it as is).
    leaf = writer.leaf
    is_dict = type(obj) is dict
    for kind, node in group.plan:
        if kind == 0:  # Leaf
            key = node.key
            value = _get(obj, key) if is_dict or type(key) is not str else getattr(obj, key)  # type: ignore[arg-type]
            if value is not None:
                format = node.codec.format  # type: ignore[attr-defined]
                leaf(node.tag, value if format is _AS_IS and type(value) is str else format(value))
        elif kind == 1:  # ListOf
            assert isinstance(node, ListOf)
            items = _get(obj, node.key)  # type: ignore[arg-type]
            if items:
                writer.start(node.tag)
                for item in items:
                    _write_item(writer, node.item, node, item, context)
                writer.end()
        elif kind == 2:  # Repeated
            assert isinstance(node, Repeated)
            items = _get(obj, node.key)  # type: ignore[arg-type]
            if node.slot is not None:
                items = items[node.slot : node.slot + 1]
            for item in items:
                _write_item(writer, node.tag, node, item, context)
        elif kind == 3:  # Group
            assert isinstance(node, Group)
            if node.key is None:  # a section of ``obj``, left out when empty unless required
                writer.start(
                    node.tag,
                    attribute_values(node.attributes, obj, context),
                    namespaces=node.namespaces,
                    omit_if_empty=not node.occurs[0],
                )
                write_children(writer, node, obj, context)
                writer.end()
            else:
                value = _get(obj, node.key)
                if value is None:
                    continue
                if node.content is not None:
                    _text_element(writer, node.tag, node, value, context)
                    continue
                attributes = attribute_values(node.attributes, value, context)
                writer.start(node.tag, attributes, namespaces=node.namespaces)
                write_children(writer, node, value, context)
                writer.end()
        elif kind == 4:  # Values
            assert isinstance(node, Values)
            values = _get(obj, node.key)  # type: ignore[arg-type]
            if values:
                writer.start(node.tag)
                for value in values:
                    leaf(node.item, node.codec.format(value))
                writer.end()
        elif kind == 5:  # Custom
            assert isinstance(node, Custom)
            node.write(writer, obj)
        elif kind == 8:  # Derived
            assert isinstance(node, Derived)
            node.write(writer, node, obj, context if context is not None else Context(obj))
        elif kind == 9:  # a Leaf with attributes, an absence or a minimum
            assert isinstance(node, Leaf)
            _rich_leaf(writer, node, obj, context)
        elif kind == 10:  # Fixed
            assert isinstance(node, Fixed)
            _write_value(writer, node.tag, node, node.value, context)
        elif kind == 11:  # Wrapper
            assert isinstance(node, Wrapper)
            value = _get(obj, node.key)  # type: ignore[arg-type]
            if value is not None and value != "":
                _write_value(writer, node.tag, node, {node.scalar: value}, context)
        # kinds 6 and 7, Attribute and Text: written with their element


def _write_value(
    writer: XmlWriter, tag: str, group: Group, value: Any, context: Context | None
) -> None:
    """One element of ``group`` for ``value``: its text when the group has no children."""
    if not group.children:
        writer.leaf(tag, str(getattr(value, "value", value)))
    elif group.content is not None:
        _text_element(writer, tag, group, value, context)
    else:
        writer.start(tag, attribute_values(group.attributes, value, context))
        write_children(writer, group, value, context)
        writer.end()


def write_record(writer: XmlWriter, table: Group, obj: Any) -> None:
    """Write ``obj`` as one record element (``<FICHE>…</FICHE>``) described by ``table``.

    The record is written whole or not at all: on an :class:`OutputError` (a value XML
    cannot carry) nothing of it stays in the writer, and the error names the element.
    """
    with writer.record():
        writer.start(
            table.tag, attribute_values(table.attributes, obj), namespaces=table.namespaces
        )
        try:
            # what write_children(writer, table, obj) writes, without interpreting the table
            compiled_writer(table)(writer, obj, None)
        except OutputError as exc:
            if exc.field is None:
                exc.field = local_name(table.tag)
            raise
        writer.end()
