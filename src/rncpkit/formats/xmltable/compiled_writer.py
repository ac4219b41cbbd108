"""A table's writer walk compiled into one Python function, for the per-record hot path.

:func:`~.writing.write_children` interprets a table: for every element of every record it
looks up the node's kind, key, codec and tag, and calls itself for every list item. This
module writes, once per table, the Python source of the same walk with those lookups done
(``obj.title``, the tag as a constant, list items as inner loops) and compiles it. Only the
common node kinds are compiled: plain leaves, lists, repeated items, groups and value
lists; any other node (custom, derived, a leaf with attributes or an absence, a group with
a text or attributes, a kind added later) is written by the interpreter, for that node
alone, so the output is the interpreter's byte for byte (a test compares both on every
table and real fiche).
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from typing import Any

from rncpkit import xmlwrite
from rncpkit.formats.xmltable.nodes import (
    Context,
    Group,
    Leaf,
    ListOf,
    Repeated,
    Values,
    format_enum_or_text,
)
from rncpkit.xmlwrite import XmlWriter

__all__ = ["compiled_writer"]

Writer = Callable[[XmlWriter, Any, "Context | None"], None]

_CACHE: dict[int, tuple[Group, Writer]] = {}


def compiled_writer(group: Group) -> Writer:
    """``write(writer, obj, context)``: what ``write_children(writer, group, obj, context)``
    writes, compiled once per table (tables are long-lived constants)."""
    cached = _CACHE.get(id(group))
    if cached is not None and cached[0] is group:
        return cached[1]
    function = _Compiler().compile(group)
    _CACHE[id(group)] = (group, function)  # the group is kept: its id stays its own
    return function


def _plain(tag: str) -> bool:
    """A tag that can be written inside the generated f-string as it is."""
    return not any(char in tag for char in "{}'\\\n")


def _attribute(key: str) -> bool:
    return key.isidentifier() and not keyword.iskeyword(key)


class _Compiler:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: list[Any] = []
        self.names = 0

    def constant(self, value: Any) -> str:
        self.constants.append(value)
        return f"K[{len(self.constants) - 1}]"

    def fresh(self, stem: str) -> str:
        self.names += 1
        return f"{stem}{self.names}"

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def compile(self, group: Group) -> Writer:
        from rncpkit.formats.xmltable import writing

        self.emit(0, "def write(w, o0, context):")
        self.emit(1, "leaf = w.leaf; start = w.start; end = w.end")
        # XmlWriter.leaf() inlined (see its fast path): the element's pending start tag,
        # the escape when needed, one append of the line at the depth's margin.
        self.emit(1, "opened = w._open; parts = w._parts; margins = w._margins; base = w._base")
        self.body(group, "o0", 1)
        namespace: dict[str, Any] = {
            "K": self.constants,
            "_get": writing._get,
            "attribute_values": writing.attribute_values,
            "_text_element": writing._text_element,
            "write_children": writing.write_children,
            "_AS_IS": format_enum_or_text,
            "special": xmlwrite.SPECIAL.search,
            "checked": xmlwrite.checked_text,
        }
        exec(compile("\n".join(self.lines), f"<xmltable writer of {group.tag}>", "exec"), namespace)
        function: Writer = namespace["write"]
        return function

    def get(self, obj: str, key: Any) -> str:
        """``_get(obj, key)``, inlined for a plain field name."""
        if isinstance(key, str) and _attribute(key):
            return f"({obj}.get({key!r}) if isinstance({obj}, dict) else {obj}.{key})"
        return f"_get({obj}, {self.constant(key)})"

    def body(self, group: Group, obj: str, indent: int) -> None:
        """The walk of ``group``'s children for the object in variable ``obj``."""
        is_dict = self.fresh("d")
        margin = self.fresh("m")
        if any(kind == 0 for kind, _node in group.plan):
            self.emit(indent, f"{is_dict} = type({obj}) is dict")
            self.emit(indent, f"{margin} = margins[base + len(opened)]")
        for kind, node in group.plan:
            if kind == 0 and isinstance(node, Leaf) and isinstance(node.key, str):
                self.leaf(node, obj, is_dict, margin, indent)
            elif kind in (1, 2) and isinstance(node, ListOf | Repeated) and node.content is None:
                self.items(node, obj, indent)
            elif kind == 3 and isinstance(node, Group) and node.content is None:
                self.group(node, obj, indent)
            elif kind == 4 and isinstance(node, Values):
                self.values(node, obj, indent)
            elif kind not in (6, 7):  # attributes and texts are written with their element
                alone = self.constant(Group(group.tag, None, children=(node,)))
                self.emit(indent, f"write_children(w, {alone}, {obj}, context)")

    def leaf(self, node: Leaf, obj: str, is_dict: str, margin: str, indent: int) -> None:
        key = node.key
        assert isinstance(key, str)
        value = self.fresh("v")
        read = f"{obj}.{key}" if _attribute(key) else f"getattr({obj}, {key!r})"
        self.emit(indent, f"{value} = {obj}.get({key!r}) if {is_dict} else {read}")
        self.emit(indent, f"if {value} is not None:")
        tag = repr(node.tag)
        codec = node.codec.format
        if codec is format_enum_or_text:
            text = f"{value} if type({value}) is str else _AS_IS({value})"
        else:
            text = f"{self.constant(codec)}({value})"
        if node.tag[0] == "{" or not _plain(node.tag):  # the writer resolves a prefix
            self.emit(indent + 1, f"leaf({tag}, {text})")
            return
        self.emit(indent + 1, f"{value} = {text}")
        if codec is not format_enum_or_text:  # a text for sure only from that format
            self.emit(indent + 1, f"if type({value}) is not str:")
            self.emit(indent + 2, f"leaf({tag}, {value})")
            self.emit(indent + 1, "else:")
            indent += 1
        self.emit(indent + 1, "if not opened[-1].children:")
        self.emit(indent + 2, "w._open_parent()")
        self.emit(indent + 1, f"if special({value}) is not None:")
        self.emit(indent + 2, f"{value} = checked({value}, {tag})")
        self.emit(indent + 1, f"parts.append(f'{{{margin}}}<{node.tag}>{{{value}}}</{node.tag}>')")

    def attributes(self, node: Group, obj: str) -> str:
        if not node.attributes:
            return "None"
        return f"attribute_values({self.constant(node.attributes)}, {obj}, context)"

    def items(self, node: ListOf | Repeated, obj: str, indent: int) -> None:
        items, item, value = self.fresh("items"), self.fresh("item"), self.fresh("o")
        self.emit(indent, f"{items} = {self.get(obj, node.key)}")
        if isinstance(node, ListOf):
            self.emit(indent, f"if {items}:")
            indent += 1
            self.emit(indent, f"start({node.tag!r})")
            tag = node.item
        else:
            if node.slot is not None:
                self.emit(indent, f"{items} = {items}[{node.slot}:{node.slot + 1}]")
            tag = node.tag
        self.emit(indent, f"for {item} in {items}:")
        scalar = f"{{{node.scalar!r}: {item}}}" if node.scalar else item
        self.emit(indent + 1, f"{value} = {scalar}")
        self.emit(indent + 1, f"start({tag!r}, {self.attributes(node, value)})")
        self.body(node, value, indent + 1)
        self.emit(indent + 1, "end()")
        if isinstance(node, ListOf):
            self.emit(indent, "end()")

    def group(self, node: Group, obj: str, indent: int) -> None:
        namespaces = self.constant(node.namespaces) if node.namespaces else "None"
        if node.key is None:
            omit = not node.occurs[0]
            self.emit(
                indent,
                f"start({node.tag!r}, {self.attributes(node, obj)}, namespaces={namespaces}, "
                f"omit_if_empty={omit})",
            )
            self.body(node, obj, indent)
            self.emit(indent, "end()")
            return
        value = self.fresh("o")
        self.emit(indent, f"{value} = {self.get(obj, node.key)}")
        self.emit(indent, f"if {value} is not None:")
        self.emit(
            indent + 1,
            f"start({node.tag!r}, {self.attributes(node, value)}, namespaces={namespaces})",
        )
        self.body(node, value, indent + 1)
        self.emit(indent + 1, "end()")

    def values(self, node: Values, obj: str, indent: int) -> None:
        values, value = self.fresh("values"), self.fresh("v")
        self.emit(indent, f"{values} = {self.get(obj, node.key)}")
        self.emit(indent, f"if {values}:")
        self.emit(indent + 1, f"start({node.tag!r})")
        self.emit(indent + 1, f"for {value} in {values}:")
        self.emit(indent + 2, f"leaf({node.item!r}, {self.constant(node.codec.format)}({value}))")
        self.emit(indent + 1, "end()")
