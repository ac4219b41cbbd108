"""The generic reader walk of an element table, and the error locator.

:func:`read_record` maps one record element (a ``FICHE``) to a dict of model values in one
pass over its children; what the table does not know is collected, not dropped. The walk
is the hot loop of every XML reader: text leaves are looked up in one dict and inlined.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lxml import etree

from rncpkit.errors import FicheError
from rncpkit.formats.xmltable.nodes import (
    Attribute,
    BadValue,
    Custom,
    Derived,
    Fixed,
    Group,
    Key,
    Leaf,
    ListOf,
    Node,
    Repeated,
    Text,
    Values,
    Wrapper,
    local_name,
)

__all__ = ["Problem", "finish_record", "locate", "read_group", "read_record", "relative_path"]


class Problem(Exception):
    """A value the table cannot read, with the element where it is."""

    def __init__(self, message: str, element: etree._Element) -> None:
        super().__init__(message)
        self.message = message
        self.element = element

    def fiche_error(self, record: etree._Element, file: str, fiche: str | None) -> FicheError:
        """This problem of ``record`` (a fiche read from ``file``) as the error a reader
        yields: its line and its path from the record's element."""
        return FicheError(
            self.message,
            file=file,
            line=self.element.sourceline,
            fiche=fiche,
            field=relative_path(record, self.element),
        )


def _name(element: etree._Element) -> str:
    tag = element.tag
    return local_name(tag) if isinstance(tag, str) else repr(tag)


def _text(element: etree._Element) -> str:
    if len(element):
        raise Problem(f"<{_name(element)}> holds markup where text is expected", element)
    return element.text or ""


def _store(out: dict[str, Any], key: Key, value: Any, element: etree._Element) -> None:
    if isinstance(key, tuple):
        target = out.setdefault(key[0], {})
        name = key[1]
    else:
        target, name = out, key
    if name in target:
        raise Problem(f"<{_name(element)}> appears more than once", element)
    target[name] = value


Unknown = list[tuple[etree._Element, etree._Element]]
"""(parent, child) of each element the table does not know, in document order."""


def _read_attributes(
    element: etree._Element, attributes: tuple[Attribute, ...], out: dict[str, Any]
) -> None:
    for attribute in attributes:
        if attribute.key is None:
            continue  # derived by the writer
        text = element.get(attribute.tag)
        if text is not None:
            try:
                _store(out, attribute.key, attribute.codec.parse(text), element)
            except BadValue as exc:
                raise Problem(f"@{attribute.tag}: {exc}", element) from None


def read_group(
    element: etree._Element, group: Group, out: dict[str, Any], unknown: Unknown
) -> None:
    """Read the children of ``element`` as ``group`` describes them into ``out``."""
    # The hot loop of the reader: one pass over the children, text leaves inlined.
    if group.attributes:
        _read_attributes(element, group.attributes, out)
    content = group.content
    if content is not None and content.key is not None:
        text = element.text
        try:
            _store(out, content.key, None if text is None else content.codec.parse(text), element)
        except BadValue as exc:
            raise Problem(str(exc), element) from None
    leaves = group.leaves
    table = group.table
    for child in element:
        tag = child.tag
        leaf = leaves.get(tag)  # type: ignore[arg-type]
        if leaf is not None:
            key, parse = leaf
            if len(child):
                raise Problem(f"<{_name(child)}> holds markup where text is expected", child)
            if key in out:
                raise Problem(f"<{_name(child)}> appears more than once", child)
            text = child.text or ""
            if parse is None:
                out[key] = text
            else:
                try:
                    out[key] = parse(text)
                except BadValue as exc:
                    raise Problem(str(exc), child) from None
            continue
        if not isinstance(tag, str):
            continue  # comments and processing instructions carry no data
        node = table.get(tag)
        if node is None:
            unknown.append((element, child))
        else:
            if group.variants and tag in group.variants:
                node = _variant(child, group.variants[tag])
                if node is None:
                    unknown.append((element, child))
                    continue
            _read_node(child, node, out, unknown)


def _variant(child: etree._Element, variant: tuple[str, dict[str, Node], Node]) -> Node | None:
    """Which of the nodes of its tag ``child`` is, by its fixed attribute's value: None for
    a value no node has, the first node when the attribute is absent."""
    name, by_value, first = variant
    value = child.get(name)
    return first if value is None else by_value.get(value)


def _read_leaf(child: etree._Element, node: Leaf, out: dict[str, Any]) -> None:
    """A leaf off the fast path: with attributes, or an absence (read as None)."""
    if node.attributes:
        _read_attributes(child, node.attributes, out)
    if node.key is None:
        return
    if node.absence is not None and child.get(node.absence.attribute) is not None:
        _store(out, node.key, None, child)
        return
    try:
        _store(out, node.key, node.codec.parse(_text(child)), child)
    except BadValue as exc:
        raise Problem(str(exc), child) from None


def _read_node(child: etree._Element, node: Node, out: dict[str, Any], unknown: Unknown) -> None:
    if isinstance(node, Derived):  # before Group, which it extends
        if node.read is not None:
            try:
                node.read(child, node, out)
            except BadValue as exc:
                raise Problem(str(exc), child) from None
    elif isinstance(node, Leaf):
        _read_leaf(child, node, out)
    elif isinstance(node, Fixed):
        pass  # the table's own value, not the record's
    elif isinstance(node, Wrapper):
        held: dict[str, Any] = {}
        read_group(child, node, held, unknown)
        _store(out, node.key, held.get(node.scalar), child)  # type: ignore[arg-type]
    elif isinstance(node, ListOf):
        items: list[Any] = []
        for item in child:
            if item.tag != node.item:
                if isinstance(item.tag, str):
                    unknown.append((child, item))
                continue
            values: dict[str, Any] = {}
            read_group(item, node, values, unknown)
            items.append(values.get(node.scalar) if node.scalar else _built(node, values))
        _store(out, node.key, items, child)  # type: ignore[arg-type]
    elif isinstance(node, Repeated):
        values = {}
        read_group(child, node, values, unknown)
        assert isinstance(node.key, str)
        bucket = out.setdefault(node.key, [])
        bucket.append(values.get(node.scalar) if node.scalar else _built(node, values))
    elif isinstance(node, Group):
        if node.key is None:
            read_group(child, node, out, unknown)
        else:
            values = {}
            read_group(child, node, values, unknown)
            _store(out, node.key, _built(node, values), child)
    elif isinstance(node, Values):
        scalars: list[Any] = []
        for item in child:
            if not isinstance(item.tag, str):
                continue
            if item.tag != node.item:
                raise Problem(f"unexpected <{_name(item)}> in <{_name(child)}>", item)
            try:
                scalars.append(node.codec.parse(_text(item)))
            except BadValue as exc:
                raise Problem(str(exc), item) from None
        _store(out, node.key, scalars, child)  # type: ignore[arg-type]
    elif isinstance(node, Custom):
        try:
            node.read(child, out)
        except BadValue as exc:
            raise Problem(str(exc), child) from None


def _built(group: Group, values: dict[str, Any]) -> Any:
    """A group's value: ``build(values)`` when the table gives it a type, else the dict."""
    return values if group.build is None else group.build(values)


def relative_path(record: etree._Element, element: etree._Element) -> str:
    """``FICHE/CERTIFICATEURS/CERTIFICATEUR[2]``: the path of ``element`` from ``record``,
    an index given where siblings share the tag (as XPath ``getpath`` writes it), local
    names for namespaced elements."""
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        tag = node.tag
        name = local_name(tag) if isinstance(tag, str) else "node()"
        if node is record:
            steps.append(name)
            break
        parent = node.getparent()
        if parent is not None:
            same = [sibling for sibling in parent if sibling.tag == tag]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/".join(reversed(steps))


def read_record(
    record: etree._Element, table: Group
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The model values of one record and the elements the table does not know, each as
    ``{"parent": path, "position": index among the parent's elements, "xml": markup}``.
    Raises :class:`Problem` on a value that does not read."""
    values: dict[str, Any] = {}
    found: Unknown = []
    read_group(record, table, values, found)
    return values, finish_record(record, found)


def finish_record(record: etree._Element, found: Unknown) -> list[dict[str, Any]]:
    """The unknown elements a walk of ``record`` found, as :func:`read_record` gives them."""
    unknown = []
    for parent, child in found:
        position = [c for c in parent if isinstance(c.tag, str)].index(child)
        xml = etree.tostring(child, encoding="unicode", with_tail=False)
        unknown.append({"parent": relative_path(record, parent), "position": position, "xml": xml})
    return unknown


# --------------------------------------------------------------------------- locating


def locate(
    record: etree._Element, table: Group, loc: Sequence[int | str]
) -> tuple[str, int | None]:
    """Map a model error location such as ``('rome', 2, 'code')`` back to the source:
    (element path from the record, line)."""
    path: list[str] = []
    element: etree._Element | None = record
    group: Group = table
    steps = list(loc)
    while steps and element is not None:
        step = steps.pop(0)
        node = _node_for_key(group, step, steps)
        if node is None:
            break
        found = element.find(node.tag) if not isinstance(node, Attribute) else None
        path.append(local_name(node.tag) if not isinstance(node, Attribute) else "@" + node.tag)
        if found is None:
            break
        element = found
        if isinstance(node, ListOf | Values) and steps and isinstance(steps[0], int):
            index = int(steps.pop(0))
            item_tag = node.item
            items = [c for c in element if c.tag == item_tag]
            if index >= len(items):
                break
            element = items[index]
            path[-1] += f"/{local_name(item_tag)}[{index + 1}]"
            if isinstance(node, ListOf) and node.scalar:
                scalar_node = node.table.get(next(iter(node.table)))
                if scalar_node is not None:
                    element = element.find(scalar_node.tag)
                    path.append(local_name(scalar_node.tag))
                break
        if isinstance(node, Group):
            group = node
            if node.key is None:
                steps.insert(0, step)  # an inline container: the field lives inside it
        else:
            break
    line = element.sourceline if element is not None else None
    return "/".join(path) or local_name(table.tag), line


def _node_for_key(group: Group, step: int | str, rest: list[int | str]) -> Node | None:
    for child in group.children:
        if isinstance(child, Text):
            continue  # the group's own text: the group's element is the place
        key = child.key
        if key is None and isinstance(child, Group):
            if _node_for_key(child, step, rest) is not None:
                return child
            continue
        if isinstance(key, tuple):
            if key[0] == step and rest and rest[0] == key[1]:
                rest.pop(0)
                return child
        elif key == step:
            return child
    return None
