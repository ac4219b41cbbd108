"""Declarative element tables: each XML mapping declared once, as data.

A table is a tree of nodes (:mod:`.nodes`): a :class:`Leaf` is a text element filling one
model field, a :class:`Group` a container, :class:`ListOf` / :class:`Repeated` /
:class:`Values` repeated content, :class:`Attribute` an attribute, :class:`Text` an
element's own text beside its attributes, :class:`Custom` what no generic node says, and
:class:`Derived` what the writer works out from the walk's :class:`Context` (the whole
record, the options) rather than copies from one field, :class:`Fixed` an element (and
:class:`FixedAttribute` an attribute) whose value the table fixes, :class:`Wrapper` one
value held inside an element's content; a group's ``build`` makes a typed value of what it
reads. The reader (:func:`read_record`),
the writer (:func:`write_record`), the error locator (:func:`locate`), the XSD test and the
generated docs all walk the same table, so they cannot disagree. Tags may be namespaced
(:func:`qualified`).
"""

from rncpkit.formats.xmltable.nodes import (
    TEXT,
    Absence,
    Attribute,
    BadValue,
    Codec,
    Context,
    Custom,
    Derived,
    Fixed,
    FixedAttribute,
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
    qualified,
)
from rncpkit.formats.xmltable.reading import Problem, locate, read_group, read_record, relative_path
from rncpkit.formats.xmltable.writing import attribute_values, write_children, write_record

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
    "Problem",
    "Repeated",
    "Text",
    "Values",
    "Wrapper",
    "attribute_values",
    "local_name",
    "locate",
    "qualified",
    "read_group",
    "read_record",
    "relative_path",
    "write_children",
    "write_record",
]
