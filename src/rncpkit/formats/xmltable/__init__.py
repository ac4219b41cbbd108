"""Declarative element tables: each XML mapping declared once, as data.

A table is a tree of nodes (:mod:`.nodes`): a :class:`Leaf` is a text element filling one
model field, a :class:`Group` a container, :class:`ListOf` / :class:`Repeated` /
:class:`Values` repeated content, :class:`Attribute` an attribute, :class:`Custom` what no
generic node says. The reader (:func:`read_record`), the writer (:func:`write_record`), the
error locator (:func:`locate`), the XSD test and the generated docs all walk the same table,
so they cannot disagree. Tags may be namespaced (:func:`qualified`).
"""

from rncpkit.formats.xmltable.nodes import (
    TEXT,
    Attribute,
    BadValue,
    Codec,
    Custom,
    Group,
    Key,
    Leaf,
    ListOf,
    Node,
    Repeated,
    Values,
    local_name,
    qualified,
)
from rncpkit.formats.xmltable.reading import Problem, locate, read_group, read_record, relative_path
from rncpkit.formats.xmltable.writing import write_children, write_record

__all__ = [
    "TEXT",
    "Attribute",
    "BadValue",
    "Codec",
    "Custom",
    "Group",
    "Key",
    "Leaf",
    "ListOf",
    "Node",
    "Problem",
    "Repeated",
    "Values",
    "local_name",
    "locate",
    "qualified",
    "read_group",
    "read_record",
    "relative_path",
    "write_children",
    "write_record",
]
