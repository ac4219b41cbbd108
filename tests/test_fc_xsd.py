"""The project's XSD of flux V4.1 (schemas/fc-flux-v4.1.xsd) is not a second hand-kept copy of
the mapping: it is generated from the V41 table and the model
(``python -m rncpkit.formats.fc_xml.schema``), the committed copy must be current, and its
element names, order and enumerations are checked against the table and the model enums."""

from __future__ import annotations

import enum
import types
import typing
from typing import Any, Union

from lxml import etree
from pydantic import BaseModel

from rncpkit import xmlsafe
from rncpkit.formats.fc_xml import V41
from rncpkit.formats.fc_xml.schema import render
from rncpkit.formats.xmltable import Group, Leaf, ListOf, Node, Repeated, Values
from rncpkit.model import Certification

from .conftest import SCHEMAS

XS = "{http://www.w3.org/2001/XMLSchema}"
SCHEMA = xmlsafe.parse_file(str(SCHEMAS / "fc-flux-v4.1.xsd")).getroot()
TYPES = {
    element.get("name"): element
    for element in SCHEMA
    if element.tag in (f"{XS}complexType", f"{XS}simpleType")
}

Shape = tuple[str, tuple["Shape", ...]]


def _xsd_children(element: etree._Element) -> tuple[Shape, ...]:
    complex_type = element.find(f"{XS}complexType")
    if complex_type is None:
        complex_type = TYPES.get(element.get("type", ""))
    if complex_type is None or complex_type.tag != f"{XS}complexType":
        return ()
    sequence = complex_type.find(f"{XS}sequence")
    assert sequence is not None
    return tuple(_xsd(child) for child in sequence.iterchildren(f"{XS}element"))


def _xsd(element: etree._Element) -> Shape:
    return (element.get("name", ""), _xsd_children(element))


def _table(node: Node) -> Shape:
    if isinstance(node, ListOf):
        return (node.tag, ((node.item, tuple(_table(c) for c in node.children)),))
    if isinstance(node, Group):
        return (node.tag, tuple(_table(c) for c in node.children))
    if isinstance(node, Values):
        return (node.tag, ((node.item, ()),))
    return (node.tag, ())


def _fiche_element() -> etree._Element:
    [fiche] = SCHEMA.xpath("//xs:element[@name='FICHE']", namespaces={"xs": XS[1:-1]})
    return fiche


def test_committed_xsd_is_current() -> None:
    committed = (SCHEMAS / "fc-flux-v4.1.xsd").read_text(encoding="utf-8")
    assert committed == render(), (
        "regenerate: python -m rncpkit.formats.fc_xml.schema > schemas/fc-flux-v4.1.xsd"
    )


def test_xsd_elements_and_their_order_equal_the_v41_table() -> None:
    assert _xsd(_fiche_element()) == _table(V41)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType, list, dict):
        for argument in reversed(typing.get_args(annotation)):
            found = _model_of(argument)
            if found is not None:
                return found
        return None
    return (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )


def _enum_of(annotation: Any) -> type[enum.Enum] | None:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    for argument in typing.get_args(annotation):
        found = _enum_of(argument)
        if found is not None:
            return found
    return None


def _enumerated_leaves(
    group: Group, model: type[BaseModel], xsd: etree._Element, path: str = "FICHE"
) -> list[tuple[str, set[str], set[str]]]:
    """(path, the model enum's values, the XSD enumeration) of every enum-typed leaf."""
    found = []
    for node in group.children:
        child = next(
            e for e in _xsd_sequence(xsd) if e.get("name") == node.tag
        )  # the element of the same name in the XSD
        if isinstance(node, Leaf) and isinstance(node.key, str):
            kind = _enum_of(model.model_fields[node.key].annotation)
            if kind is not None:
                values = {str(member.value) for member in kind}
                simple = TYPES[child.get("type", "")]
                listed = {e.get("value", "") for e in simple.iter(f"{XS}enumeration")}
                found.append((f"{path}/{node.tag}", values, listed))
        elif isinstance(node, Group):
            sub = model
            if node.key is not None:
                field = node.key[0] if isinstance(node.key, tuple) else node.key
                sub = _model_of(model.model_fields[field].annotation) or model
            inner = child
            if isinstance(node, ListOf):
                inner = next(e for e in _xsd_sequence(child) if e.get("name") == node.item)
            if not (isinstance(node, ListOf | Repeated) and node.scalar):
                found += _enumerated_leaves(node, sub, inner, f"{path}/{node.tag}")
    return found


def _xsd_sequence(element: etree._Element) -> list[etree._Element]:
    complex_type = element.find(f"{XS}complexType")
    if complex_type is None:
        complex_type = TYPES.get(element.get("type", ""))
    if complex_type is None:
        return []
    return list(complex_type.iter(f"{XS}element"))


def test_xsd_enumerations_equal_the_model_enums() -> None:
    leaves = _enumerated_leaves(V41, Certification, _fiche_element())
    paths = {path for path, _values, _listed in leaves}
    assert {"FICHE/ETAT_FICHE", "FICHE/NOMENCLATURE_EUROPE/NIVEAU"} <= paths
    for path, values, listed in leaves:
        assert values == listed, path
