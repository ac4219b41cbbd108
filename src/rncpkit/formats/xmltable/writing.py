"""The generic writer walk of an element table, through :class:`rncpkit.xmlwrite.XmlWriter`:
elements in table order, absent values left out, no empty wrappers."""

from __future__ import annotations

from typing import Any

from rncpkit.errors import OutputError
from rncpkit.formats.xmltable.nodes import (
    Custom,
    Group,
    Key,
    ListOf,
    Repeated,
    Values,
    local_name,
)
from rncpkit.xmlwrite import XmlWriter

__all__ = ["write_children", "write_record"]


def _get(obj: Any, key: Key) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    if isinstance(key, tuple):
        mapping = getattr(obj, key[0])
        return next((v for k, v in mapping.items() if getattr(k, "value", k) == key[1]), None)
    return getattr(obj, key)


def _attributes(group: Group, obj: Any) -> dict[str, str] | None:
    if not group.attributes:
        return None
    found = {}
    for attribute in group.attributes:
        value = _get(obj, attribute.key)  # type: ignore[arg-type]
        if value is not None:
            found[attribute.tag] = attribute.codec.format(value)
    return found


def write_children(writer: XmlWriter, group: Group, obj: Any) -> None:
    """Write what ``group`` describes of ``obj`` inside the element open in ``writer``."""
    # The writer's hot loop: kinds are precomputed ints (``Group.plan``, in the order of
    # ``nodes.KINDS``), text leaves of a model read with one getattr.
    leaf = writer.leaf
    is_dict = type(obj) is dict
    for kind, node in group.plan:
        if kind == 0:  # Leaf
            key = node.key
            value = _get(obj, key) if is_dict or type(key) is not str else getattr(obj, key)  # type: ignore[arg-type]
            if value is not None:
                leaf(node.tag, node.codec.format(value))  # type: ignore[attr-defined]
        elif kind == 1:  # ListOf
            assert isinstance(node, ListOf)
            items = _get(obj, node.key)  # type: ignore[arg-type]
            if items:
                writer.start(node.tag)
                for item in items:
                    value = {node.scalar: item} if node.scalar else item
                    writer.start(node.item, _attributes(node, value))
                    write_children(writer, node, value)
                    writer.end()
                writer.end()
        elif kind == 2:  # Repeated
            assert isinstance(node, Repeated)
            items = _get(obj, node.key)  # type: ignore[arg-type]
            if node.slot is not None:
                items = items[node.slot : node.slot + 1]
            for item in items:
                value = {node.scalar: item} if node.scalar else item
                writer.start(node.tag, _attributes(node, value))
                write_children(writer, node, value)
                writer.end()
        elif kind == 3:  # Group
            assert isinstance(node, Group)
            if node.key is None:
                writer.start(
                    node.tag, _attributes(node, obj), namespaces=node.namespaces, omit_if_empty=True
                )
                write_children(writer, node, obj)
                writer.end()
            else:
                value = _get(obj, node.key)
                if value is not None:
                    writer.start(node.tag, _attributes(node, value), namespaces=node.namespaces)
                    write_children(writer, node, value)
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
        # kind 6, Attribute: written with its element


def write_record(writer: XmlWriter, table: Group, obj: Any) -> None:
    """Write ``obj`` as one record element (``<FICHE>…</FICHE>``) described by ``table``.

    The record is written whole or not at all: on an :class:`OutputError` (a value XML
    cannot carry) nothing of it stays in the writer, and the error names the element.
    """
    with writer.record():
        writer.start(table.tag, _attributes(table, obj), namespaces=table.namespaces)
        try:
            write_children(writer, table, obj)
        except OutputError as exc:
            if exc.field is None:
                exc.field = local_name(table.tag)
            raise
        writer.end()
