"""The writer walk of a table compiled into straight-line Python, for record-sized output.

:func:`record_writer` turns a table into one function ``obj -> str`` that writes the
record element exactly as :func:`.writing.write_record` through an
:class:`~rncpkit.xmlwrite.XmlWriter` would (same bytes, same
:class:`~rncpkit.errors.OutputError` naming the element of a value XML cannot carry), but
with each element's tag, margin, field and codec as constants of generated code instead
of a method call and a lookup per element. Only tables made of plain nodes are compiled
(leaves without attributes, absence or minimum; groups, lists, repeated items, values;
no attributes, element text or namespaces): for any other table it returns None and the
caller keeps the generic walk, which stays the reference
(``tests/test_xmltable_compiled_reader.py`` compares both byte for byte).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from rncpkit.formats.xmltable.nodes import (
    Group,
    Leaf,
    ListOf,
    Node,
    Repeated,
    Values,
    format_enum_or_text,
)
from rncpkit.formats.xmltable.writing import _get
from rncpkit.xmlwrite import _SPECIAL, check_text, escape_text

__all__ = ["record_writer"]

RecordWriter = Callable[[Any], str]

_CACHE: dict[tuple[int, str, int], tuple[Group, RecordWriter | None]] = {}


def record_writer(table: Group, indent: str, level: int) -> RecordWriter | None:
    """``obj -> str``: the record element of ``obj`` as ``table`` describes it, indented by
    ``indent`` from depth ``level`` (its line break first); None when ``table`` holds
    nodes this compiler leaves to the generic writer. Built once per table and layout."""
    key = (id(table), indent, level)
    entry = _CACHE.get(key)
    if entry is None or entry[0] is not table:
        writer = _Compiler(indent).compile(table, level) if _plain(table) else None
        entry = _CACHE[key] = (table, writer)
    return entry[1]


def _plain(node: Node) -> bool:
    """Whether the compiler knows ``node`` and everything under it (by exact type)."""
    kind = type(node)
    if kind is Leaf:
        assert isinstance(node, Leaf)
        return (
            isinstance(node.key, str)
            and not node.attributes
            and node.absence is None
            and not node.occurs[0]
            and node.tag[:1] != "{"
        )
    if kind is Values:
        assert isinstance(node, Values)
        return node.key is not None and "{" not in node.tag + node.item
    if kind in (Group, ListOf, Repeated):
        assert isinstance(node, Group)
        if node.attributes or node.content is not None or node.namespaces:
            return False
        if node.tag[:1] == "{" or (isinstance(node, ListOf) and node.item[:1] == "{"):
            return False
        if isinstance(node, ListOf | Repeated) and not isinstance(node.key, str):
            return False
        return all(_plain(child) for child in node.children)
    return False


_ENUM_TEXTS: dict[Enum, str] = {}
"""Enum member → its text (an enum's ``value`` is a Python-level property: 0.5 µs a read,
about 30 a fiche)."""


def _enum_text(value: Any) -> str:
    """:func:`~.nodes.format_enum_or_text` of a value that is not a plain str."""
    if isinstance(value, Enum):
        text = _ENUM_TEXTS.get(value)
        if text is None:
            text = _ENUM_TEXTS[value] = format_enum_or_text(value)
        return text
    return format_enum_or_text(value)


class _Compiler:
    def __init__(self, indent: str) -> None:
        self.indent = indent
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {
            "_get": _get,
            "_SPECIAL": _SPECIAL.search,
            "check_text": check_text,
            "escape_text": escape_text,
            "enum_text": _enum_text,
        }
        self.count = 0

    def margin(self, level: int) -> str:
        return "" if level == 0 else "\n" + self.indent * level

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def constant(self, value: object) -> str:
        name = self.name("c")
        self.namespace[name] = value
        return name

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def compile(self, table: Group, level: int) -> RecordWriter:
        self.lines = ["def write(obj):", "    parts = []", "    append = parts.append"]
        # the record element itself: written even when empty, as write_record does
        self.element(table, "obj", level, 1, omit_if_empty=False)
        self.lines.append('    return "".join(parts)')
        source = "\n".join(self.lines)
        exec(compile(source, f"<xmltable writer of {table.tag}>", "exec"), self.namespace)
        writer: RecordWriter = self.namespace["write"]
        return writer

    def element(
        self, group: Group, obj: str, level: int, depth: int, *, omit_if_empty: bool
    ) -> None:
        """``<tag>children</tag>`` of ``obj`` (an expression), ``<tag/>`` without children,
        nothing at all when empty with ``omit_if_empty``."""
        mark = self.name("mark")
        margin = self.margin(level)
        self.emit(depth, f"{mark} = len(parts)")
        self.emit(depth, f"append({margin + '<' + group.tag + '>'!r})")
        self.children(group, obj, level + 1, depth)
        self.emit(depth, f"if len(parts) == {mark} + 1:")
        if omit_if_empty:
            self.emit(depth + 1, f"del parts[{mark}]")
        else:
            self.emit(depth + 1, f"parts[{mark}] = {margin + '<' + group.tag + '/>'!r}")
        self.emit(depth, "else:")
        end = (self.margin(level) or "\n") + "</" + group.tag + ">"
        self.emit(depth + 1, f"append({end!r})")

    def value(self, obj: str, key: Any) -> str:
        """The expression of field ``key`` of ``obj`` (a model, or a dict for scalars)."""
        if isinstance(key, str):
            return f"({obj}.get({key!r}) if {obj}.__class__ is dict else {obj}.{key})"
        return f"_get({obj}, {key!r})"

    def leaf(self, tag: str, text: str, level: int, depth: int) -> None:
        """XmlWriter.leaf: escaped (or refused) only when a special character is there."""
        self.emit(depth, f"text = {text}")
        self.emit(depth, "if _SPECIAL(text) is not None:")
        self.emit(depth + 1, f"check_text(text, {'<' + tag + '>'!r}, field={tag!r})")
        self.emit(depth + 1, "text = escape_text(text)")
        start, end = self.margin(level) + "<" + tag + ">", "</" + tag + ">"
        self.emit(depth, f"append({start!r} + text + {end!r})")

    def formatted(self, format: Callable[[Any], str], value: str) -> str:
        if format is format_enum_or_text:
            return f"({value} if {value}.__class__ is str else enum_text({value}))"
        return f"{self.constant(format)}({value})"

    def children(self, group: Group, obj: str, level: int, depth: int) -> None:
        for node in group.children:
            if isinstance(node, Leaf):
                value = self.name("v")
                self.emit(depth, f"{value} = {self.value(obj, node.key)}")
                self.emit(depth, f"if {value} is not None:")
                text = self.formatted(node.codec.format, value)
                self.leaf(node.tag, text, level, depth + 1)
            elif isinstance(node, Values):
                values = self.name("values")
                self.emit(depth, f"{values} = {self.value(obj, node.key)}")
                self.emit(depth, f"if {values}:")
                self.emit(depth + 1, f"append({self.margin(level) + '<' + node.tag + '>'!r})")
                item = self.name("item")
                self.emit(depth + 1, f"for {item} in {values}:")
                text = self.formatted(node.codec.format, item)
                self.leaf(node.item, text, level + 1, depth + 2)
                end = self.margin(level) + "</" + node.tag + ">"
                self.emit(depth + 1, f"append({end!r})")
            elif isinstance(node, ListOf):
                items = self.name("items")
                self.emit(depth, f"{items} = {self.value(obj, node.key)}")
                self.emit(depth, f"if {items}:")
                self.emit(depth + 1, f"append({self.margin(level) + '<' + node.tag + '>'!r})")
                item = self.name("item")
                self.emit(depth + 1, f"for {item} in {items}:")
                value = f"{{{node.scalar!r}: {item}}}" if node.scalar else item
                entry = self.name("entry")
                self.emit(depth + 2, f"{entry} = {value}")
                item_group = Group(node.item, None, node.children)
                self.element(item_group, entry, level + 1, depth + 2, omit_if_empty=False)
                end = self.margin(level) + "</" + node.tag + ">"
                self.emit(depth + 1, f"append({end!r})")
            elif isinstance(node, Repeated):
                items = self.name("items")
                self.emit(depth, f"{items} = {self.value(obj, node.key)}")
                if node.slot is not None:
                    self.emit(depth, f"{items} = {items}[{node.slot}:{node.slot + 1}]")
                item = self.name("item")
                self.emit(depth, f"for {item} in {items}:")
                value = f"{{{node.scalar!r}: {item}}}" if node.scalar else item
                entry = self.name("entry")
                self.emit(depth + 1, f"{entry} = {value}")
                self.element(node, entry, level, depth + 1, omit_if_empty=False)
            elif isinstance(node, Group):
                if node.key is None:  # a section of obj, left out when empty unless required
                    self.element(node, obj, level, depth, omit_if_empty=not node.occurs[0])
                else:
                    value = self.name("v")
                    self.emit(depth, f"{value} = {self.value(obj, node.key)}")
                    self.emit(depth, f"if {value} is not None:")
                    self.element(node, value, level, depth + 1, omit_if_empty=False)
