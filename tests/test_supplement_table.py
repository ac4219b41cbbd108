"""The supplement's one mapping table against the project XSD and the docs: the XSD is not
a second hand-kept copy (same element names, order, cardinalities, attributes and
enumerations), and docs/supplement.md carries the table's current rendering."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest
from lxml import etree

from rncpkit import xmlsafe
from rncpkit.formats.xmltable import Group, Leaf, Node
from rncpkit.supplement.table import (
    SUPPLEMENT,
    attributes_of,
    elements_of,
    is_derived,
    mapping_markdown,
    walk,
)
from tests.conftest import ROOT, SCHEMAS

XS = "{http://www.w3.org/2001/XMLSchema}"
DOC = ROOT / "docs" / "supplement.md"
START, END = "<!-- mapping:start -->", "<!-- mapping:end -->"


@dataclass
class XsdElement:
    name: str
    occurs: tuple[int, int | None]
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    children: list[XsdElement] = field(default_factory=list)


class Schema:
    """The XSD's element tree, with named types and attributes resolved."""

    def __init__(self) -> None:
        self.root = xmlsafe.parse_file(str(SCHEMAS / "certificate-supplement.xsd")).getroot()
        self.complex = {t.get("name"): t for t in self.root.iterfind(f"{XS}complexType")}
        self.simple = {t.get("name"): t for t in self.root.iterfind(f"{XS}simpleType")}

    def enumeration(self, node: etree._Element) -> tuple[str, ...]:
        type_name = node.get("type")
        simple = self.simple.get(type_name) if type_name else node.find(f"{XS}simpleType")
        if simple is None:
            return ()
        low, high = simple.find(f".//{XS}minInclusive"), simple.find(f".//{XS}maxInclusive")
        if low is not None and high is not None:  # an integer range: its values
            return tuple(str(n) for n in range(int(low.get("value")), int(high.get("value")) + 1))
        return tuple(e.get("value") or "" for e in simple.iter(f"{XS}enumeration"))

    def element(self, node: etree._Element) -> XsdElement:
        low = int(node.get("minOccurs", "1"))
        high_text = node.get("maxOccurs", "1")
        high = None if high_text == "unbounded" else int(high_text)
        result = XsdElement(node.get("name") or "", (low, high))
        type_name = node.get("type")
        complex_type = self.complex.get(type_name) if type_name else node.find(f"{XS}complexType")
        if complex_type is None:
            return result
        own = f"{XS}attribute", f"{XS}simpleContent/{XS}extension/{XS}attribute"
        for attribute in (a for path in own for a in complex_type.iterfind(path)):
            result.attributes[attribute.get("name") or ""] = self.enumeration(attribute)
        sequence = complex_type.find(f"{XS}sequence")
        if sequence is not None:
            result.children = [self.element(e) for e in sequence.iterfind(f"{XS}element")]
        return result

    def supplement(self) -> XsdElement:
        (top,) = [e for e in self.root.iterfind(f"{XS}element") if e.get("name") == SUPPLEMENT.tag]
        return self.element(top)


def expected_attributes(node: Node) -> set[str]:
    names = {a.tag for a in attributes_of(node)}
    if isinstance(node, Leaf) and node.absence is not None:
        names.add(node.absence.attribute)
    return names


def compare(node: Node, xsd: XsdElement, path: str, problems: list[str]) -> None:
    here = f"{path}/{node.tag}"
    if node.occurs != xsd.occurs and path:  # the root's own occurs are the document's
        problems.append(f"{here}: occurs {node.occurs} in the table, {xsd.occurs} in the XSD")
    if not is_derived(node):
        if expected_attributes(node) != set(xsd.attributes):
            problems.append(
                f"{here}: attributes {sorted(expected_attributes(node))} in the table, "
                f"{sorted(xsd.attributes)} in the XSD"
            )
        for attr in attributes_of(node):
            if attr.values and set(attr.values) != set(xsd.attributes.get(attr.tag, ())):
                problems.append(f"{here}/@{attr.tag}: enumeration differs from the XSD")
    children = elements_of(node)
    table_children = [c.tag for c in children]
    xsd_children = [c.name for c in xsd.children]
    if children and table_children != xsd_children:
        problems.append(f"{here}: children {table_children} in the table, {xsd_children}")
        return
    if not children and xsd_children and not is_derived(node):
        problems.append(f"{here}: the XSD has children {xsd_children}, the table none")
    for child, xsd_child in zip(children, xsd.children, strict=False):
        compare(child, xsd_child, here, problems)


def test_xsd_has_the_tables_elements_order_cardinalities_and_enumerations() -> None:
    problems: list[str] = []
    compare(SUPPLEMENT, Schema().supplement(), "", problems)
    assert problems == []


def test_the_comparison_catches_a_difference() -> None:
    """A test that cannot fail is a defect: a table with one element moved is caught."""
    skills = next(n for _p, n in walk() if n.tag == "SkillsProfile")
    assert isinstance(skills, Group)
    swapped = Group(skills.tag, None, children=tuple(reversed(skills.children)), occurs=(1, 1))
    problems: list[str] = []
    schema = Schema().supplement()
    xsd_skills = next(c for c in schema.children if c.name == "SkillsProfile")
    compare(swapped, xsd_skills, "/CertificateSupplement", problems)
    assert problems and "children" in problems[0]


def test_every_field_node_names_its_france_competences_element() -> None:
    missing = [path for path, node in walk() if node.key and not node.source]
    assert missing == []


def test_docs_mapping_table_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert START in text and END in text
    before, rest = text.split(START, 1)
    current, after = rest.split(END, 1)
    expected = "\n" + mapping_markdown()
    if current != expected and os.environ.get("RNCPKIT_UPDATE_DOCS") == "1":
        DOC.write_text(before + START + expected + END + after, encoding="utf-8")
        pytest.skip("docs/supplement.md updated")
    assert current == expected, "run RNCPKIT_UPDATE_DOCS=1 pytest tests/test_supplement_table.py"
