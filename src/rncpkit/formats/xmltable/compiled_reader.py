"""The reader walk of a table compiled into straight-line Python, once per table.

:func:`read_record` does what :func:`.reading.read_record` does (same values, same unknown
elements, same :class:`~.reading.Problem` on the same element) but without the generic
walk's per-node work: each group gets its own function, generated from the table with
``exec`` the first time the table is read, where the node kinds are decided once (no
``isinstance`` chain per element), the group's leaves, children and keys are constants
(a group of few leaves tests the tag against each, in table order), and each non-leaf
child is dispatched by one dict lookup to its own handler. Node kinds
the compiler does not know (:class:`~.nodes.Custom`, :class:`~.nodes.Derived`, leaves
with attributes or an absence) are handed to the generic walk, which stays the reference:
``tests/test_xmltable_compiled_reader.py`` proves both agree on every real fiche and on generated
ones, errors included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from rncpkit.formats.xmltable import reading
from rncpkit.formats.xmltable.nodes import BadValue, Group, ListOf, Node, Repeated, Values
from rncpkit.formats.xmltable.reading import Problem, Unknown, finish_record

__all__ = ["compiled", "read_record"]

GroupReader = Callable[[etree._Element, dict[str, Any], Unknown], None]
"""``(element, values, unknown)``: reads ``element``'s children into ``values``, as
:func:`.reading.read_group` with the group the function was compiled from."""

_CACHE: dict[int, tuple[Group, GroupReader]] = {}
"""id(table) → (the table, kept alive so that the id stays its own; its reader)."""


def compiled(table: Group) -> GroupReader:
    """The compiled reader of ``table`` (built at the first call, then cached)."""
    entry = _CACHE.get(id(table))
    if entry is None or entry[0] is not table:
        entry = _CACHE[id(table)] = (table, _compile(table))
    return entry[1]


def _compile(table: Group) -> GroupReader:
    if type(table) is not Group or not _compilable(table):  # the generic walk

        def generic(element: etree._Element, out: dict[str, Any], unknown: Unknown) -> None:
            reading.read_group(element, table, out, unknown)

        return generic
    return _Compiler().compile(table)


def read_record(
    record: etree._Element, table: Group
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """:func:`.reading.read_record`, through the compiled reader of ``table``."""
    values: dict[str, Any] = {}
    found: Unknown = []
    compiled(table)(record, values, found)
    return values, finish_record(record, found)


# The generated source of a group: the generic walk's ``read_group`` specialised for this
# group; ``{handlers}`` dispatches the children that are not plain leaves.
_GROUP = """
def {name}(element, out, unknown):
{prologue}    for child in element:
        tag = child.tag
        leaf = {leaves}.get(tag)
        if leaf is not None:
            key, parse = leaf
            if len(child):
                raise Problem(f"<{{_name(child)}}> holds markup where text is expected", child)
            if key in out:
                raise Problem(f"<{{_name(child)}}> appears more than once", child)
            text = child.text or ""
            if parse is None:
                out[key] = text
            else:
                try:
                    out[key] = parse(text)
                except BadValue as exc:
                    raise Problem(str(exc), child) from None
            continue
        handler = {handlers}.get(tag)
        if handler is not None:
            handler(child, out, unknown)
        elif isinstance(tag, str):
            unknown.append((element, child))
"""

# A group of few leaves tests the tag against each, in table order (the order the
# elements come in): cheaper than a dict lookup, and the leaf's key and codec are inlined.
_SMALL_GROUP = """
def {name}(element, out, unknown):
{prologue}    for child in element:
        tag = child.tag
{chain}        else:
            handler = {handlers}.get(tag)
            if handler is not None:
                handler(child, out, unknown)
            elif isinstance(tag, str):
                unknown.append((element, child))
"""

_LEAF_TEST = """        {keyword} tag == {tag!r}:
            if len(child):
                raise Problem(f"<{{_name(child)}}> holds markup where text is expected", child)
            if {key!r} in out:
                raise Problem(f"<{{_name(child)}}> appears more than once", child)
"""
_LEAF_TEXT = """            out[{key!r}] = child.text or ""
"""
_LEAF_PARSED = """            try:
                out[{key!r}] = {parse}(child.text or "")
            except BadValue as exc:
                raise Problem(str(exc), child) from None
"""

SMALL = 8
"""Groups of at most this many leaves get the chain of tests (:data:`_SMALL_GROUP`)."""

_ATTRIBUTES = "    _read_attributes(element, {attributes}, out)\n"

_CONTENT = """    text = element.text
    try:
        value = None if text is None else {parse}(text)
    except BadValue as exc:
        raise Problem(str(exc), element) from None
    _store(out, {key}, value, element)
"""

# Storing a container's value under its key: a plain key inlined, a (dict, key) pair
# through the generic ``_store``.
_STORE = """    if {key!r} in out:
        raise Problem(f"<{{_name(child)}}> appears more than once", child)
    out[{key!r}] = {value}
"""
_STORE_PAIR = "    _store(out, {key!r}, {value}, child)\n"

_LIST_OF = """
def {name}(child, out, unknown):
    items = []
    for item in child:
        item_tag = item.tag
        if item_tag != {item!r}:
            if isinstance(item_tag, str):
                unknown.append((child, item))
            continue
        values = {{}}
        {group}(item, values, unknown)
        items.append({result})
{store}"""

_REPEATED = """
def {name}(child, out, unknown):
    values = {{}}
    {group}(child, values, unknown)
    out.setdefault({key!r}, []).append({result})
"""

_GROUP_INLINE = """
def {name}(child, out, unknown):
    {group}(child, out, unknown)
"""

_GROUP_KEYED = """
def {name}(child, out, unknown):
    values = {{}}
    {group}(child, values, unknown)
{store}"""

_VALUES = """
def {name}(child, out, unknown):
    scalars = []
    for item in child:
        item_tag = item.tag
        if not isinstance(item_tag, str):
            continue
        if item_tag != {item!r}:
            raise Problem(f"unexpected <{{_name(item)}}> in <{{_name(child)}}>", item)
        try:
            scalars.append({parse}(_text(item)))
        except BadValue as exc:
            raise Problem(str(exc), item) from None
{store}"""


class _Compiler:
    """Generates one module of functions for a table; constants go to its namespace."""

    def __init__(self) -> None:
        self.sources: list[str] = []
        self.namespace: dict[str, Any] = {
            "Problem": Problem,
            "BadValue": BadValue,
            "_name": reading._name,
            "_text": reading._text,
            "_store": reading._store,
            "_read_attributes": reading._read_attributes,
        }
        self.count = 0
        self.dispatch: list[tuple[str, dict[str, str]]] = []
        """(name, tag → handler name) of each group's table of non-leaf children."""

    def constant(self, value: object, prefix: str = "c") -> str:
        """A name in the generated module bound to ``value``."""
        self.count += 1
        name = f"{prefix}{self.count}"
        self.namespace[name] = value
        return name

    def compile(self, table: Group) -> GroupReader:
        entry = self.group(table)
        # the dispatch tables last, once every function they name is defined
        for name, handlers in self.dispatch:
            items = ", ".join(f"{tag!r}: {handler}" for tag, handler in handlers.items())
            self.sources.append(f"{name} = {{{items}}}")
        code = compile("\n".join(self.sources), f"<xmltable reader of {table.tag}>", "exec")
        exec(code, self.namespace)
        reader: GroupReader = self.namespace[entry]
        return reader

    def group(self, group: Group) -> str:
        """The function reading ``group``'s element (as ``read_group``); returns its name."""
        name = self.constant(None, "read_group_")
        prologue = ""
        if group.attributes:
            prologue += _ATTRIBUTES.format(attributes=self.constant(group.attributes))
        content = group.content
        if content is not None and content.key is not None:
            prologue += _CONTENT.format(
                parse=self.constant(content.codec.parse), key=self.constant(content.key)
            )
        handlers = {
            tag: self.handler(node) for tag, node in group.table.items() if tag not in group.leaves
        }
        dispatch = self.constant(None, "dispatch_")
        self.dispatch.append((dispatch, handlers))
        if len(group.leaves) > SMALL:
            source = _GROUP.format(
                name=name,
                prologue=prologue,
                leaves=self.constant(dict(group.leaves)),
                handlers=dispatch,
            )
        else:
            chain = ""
            for tag, (key, parse) in group.leaves.items():
                keyword = "elif" if chain else "if"
                chain += _LEAF_TEST.format(keyword=keyword, tag=tag, key=key)
                if parse is None:
                    chain += _LEAF_TEXT.format(key=key)
                else:
                    chain += _LEAF_PARSED.format(key=key, parse=self.constant(parse))
            if not chain:
                chain = "        if False:\n            pass\n"
            source = _SMALL_GROUP.format(
                name=name, prologue=prologue, chain=chain, handlers=dispatch
            )
        self.sources.append(source)
        return name

    def handler(self, node: Node) -> str:
        """The name of the reader of one non-leaf child: a generated function, or the
        generic walk's for the kinds not compiled (by exact type, so that a new kind,
        even one extending Group, goes to the generic walk until it is taught here)."""
        kind = type(node)
        if kind not in (Group, ListOf, Repeated, Values) or not _compilable(node):
            return self.constant(_generic(node), "generic_")
        name = self.constant(None, "read_node_")
        if isinstance(node, Values):
            source = _VALUES.format(
                name=name,
                item=node.item,
                parse=self.constant(node.codec.parse),
                store=self.store(node.key, "scalars"),
            )
        else:
            assert isinstance(node, Group)
            group = self.group(node)
            scalar = getattr(node, "scalar", None)
            result = f"values.get({scalar!r})" if scalar else "values"
            if isinstance(node, ListOf):
                source = _LIST_OF.format(
                    name=name,
                    item=node.item,
                    group=group,
                    result=result,
                    store=self.store(node.key, "items"),
                )
            elif isinstance(node, Repeated):
                assert isinstance(node.key, str)
                source = _REPEATED.format(name=name, group=group, key=node.key, result=result)
            elif node.key is None:
                source = _GROUP_INLINE.format(name=name, group=group)
            else:
                source = _GROUP_KEYED.format(
                    name=name, group=group, store=self.store(node.key, "values")
                )
        self.sources.append(source)
        return name

    def store(self, key: Any, value: str) -> str:
        if isinstance(key, str):
            return _STORE.format(key=key, value=value)
        return _STORE_PAIR.format(key=key, value=value)


def _compilable(node: Node) -> bool:
    """Not a group that builds a typed value or tells same-tag children apart by a fixed
    attribute (:class:`~.nodes.FixedAttribute`): the generic walk reads those."""
    return not isinstance(node, Group) or (node.build is None and not node.variants)


def _generic(node: Node) -> GroupReader:
    """The generic walk's reading of ``node``'s element."""

    def generic(child: etree._Element, out: dict[str, Any], unknown: Unknown) -> None:
        reading._read_node(child, node, out, unknown)

    return generic
