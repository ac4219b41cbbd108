"""The element table is the one description of the flux: the XSDs (the project's reconstructed
1.1.5, and the official 1.1.2 for the parts they share) declare exactly its elements, in its
order, with its optional and nillable ones, its choices and its enumerations."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pytest
from lxml import etree

from rncpkit import xmlsafe
from rncpkit.accrochage import enums
from rncpkit.accrochage.elements import (
    CERTIFICATION,
    HEADER,
    ONLY_1_1_5,
    PASSAGE,
    Choice,
    Element,
    Flag,
    Nil,
    Slot,
    field_elements,
    walk,
)
from rncpkit.formats.xmltable import Group, ListOf, Node
from tests.conftest import SCHEMAS, reference

XS = "{http://www.w3.org/2001/XMLSchema}"


@dataclass(frozen=True)
class Declared:
    """What an XSD says of one element."""

    name: str
    optional: bool
    nillable: bool
    children: tuple[Declared, ...] | None  # None: a simple element
    choice: bool = False
    enumeration: tuple[str, ...] = ()


class Schema:
    """A tiny reader of the flux XSDs (named and anonymous types, xs:all / xs:sequence /
    xs:choice), enough to compare them with the table."""

    def __init__(self, path: Path) -> None:
        self.root = xmlsafe.parse_file(str(path)).getroot()
        self.types = {
            e.get("name"): e
            for e in self.root
            if e.tag in (XS + "complexType", XS + "simpleType") and e.get("name")
        }

    def element(self, name: str) -> Declared:
        [declaration] = [e for e in self.root if e.tag == XS + "element" and e.get("name") == name]
        return self._declared(declaration)

    def _type(self, declaration: etree._Element) -> etree._Element | None:
        named = declaration.get("type")
        if named is not None:
            return self.types.get(named.split(":")[-1])
        inline = [c for c in declaration if c.tag in (XS + "complexType", XS + "simpleType")]
        return inline[0] if inline else None

    def _declared(self, declaration: etree._Element) -> Declared:
        kind = self._type(declaration)
        children: tuple[Declared, ...] | None = None
        choice = False
        enumeration: tuple[str, ...] = ()
        if kind is not None and kind.tag == XS + "complexType":
            group = next(c for c in kind.iter(XS + "all", XS + "sequence", XS + "choice"))
            choice = any(c.tag == XS + "choice" and len(c) > 1 for c in kind.iter(XS + "choice"))
            children = tuple(
                self._declared(e)
                for e in group.iter(XS + "element")
                if e.getparent() is not None and self._owner(e) is kind
            )
        elif kind is not None:
            enumeration = tuple(e.get("value") or "" for e in kind.iter(XS + "enumeration"))
        return Declared(
            declaration.get("name") or "",
            declaration.get("minOccurs") == "0",
            declaration.get("nillable") == "true",
            children,
            choice,
            enumeration,
        )

    @staticmethod
    def _owner(element: etree._Element) -> etree._Element | None:
        """The complexType an element declaration belongs to (nearest ancestor)."""
        node = element.getparent()
        while node is not None and node.tag != XS + "complexType":
            node = node.getparent()
        return node


def _children_of(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Choice):
        return node.branches
    if isinstance(node, Group):
        return node.children
    return ()


def compare(node: Node, declared: Declared, skip: frozenset[str], path: str = "") -> list[str]:
    """Differences between a table node and an XSD declaration (empty when equal)."""
    where = f"{path}/{node.tag}"
    found: list[str] = []
    optional = isinstance(node, Element) and node.optional
    if isinstance(node, ListOf) or (isinstance(node, Group) and node.key == "digital_level"):
        optional = True  # written only when there is something to write
    if declared.optional != optional:
        found.append(f"{where}: optional {optional} in the table, {declared.optional} in the XSD")
    if declared.nillable != isinstance(node, Nil):
        found.append(f"{where}: nillable differs")
    if isinstance(node, Slot | ListOf):
        return found  # items compared on their own
    table = [child for child in _children_of(node) if child.tag not in skip]
    if declared.children is None:
        if table:
            found.append(f"{where}: the XSD declares no children")
        return found
    if isinstance(node, Choice) != declared.choice:
        found.append(f"{where}: choice differs")
    names = [c.tag for c in table]
    xsd = [c.name for c in declared.children if c.name not in skip]
    if names != xsd:
        found.append(f"{where}: children {names} in the table, {xsd} in the XSD")
        return found
    kept = [c for c in declared.children if c.name not in skip]
    for child, child_declared in zip(table, kept, strict=True):
        found += compare(child, child_declared, skip, where)
    return found


def _item(declared: Declared, *names: str) -> Declared:
    for name in names:
        assert declared.children is not None
        declared = next(c for c in declared.children if c.name == name)
    return declared


def _all(schema: Schema, skip: frozenset[str] = frozenset()) -> list[str]:
    flux = schema.element("flux")
    problems = compare(HEADER, flux, skip)
    certification = _item(flux, "emetteur", "certificateurs", "certificateur", "certifications")
    certification = _item(certification, "certification")
    problems += compare(CERTIFICATION, certification, skip)
    passage = _item(certification, "passageCertifications", "passageCertification")
    problems += compare(PASSAGE, passage, skip)
    results = _item(passage, "niveauNumeriqueEuropeen", "resultats", "resultat")
    [results_node] = [n for _p, n in walk(PASSAGE) if isinstance(n, ListOf)]
    names = [c.tag for c in results_node.children]
    assert results.children is not None
    problems += [] if names == [c.name for c in results.children] else ["resultat differs"]
    return problems


def test_the_reconstructed_1_1_5_xsd_is_the_table() -> None:
    assert _all(Schema(SCHEMAS / "accrochage-1.1.5.xsd")) == []


@pytest.mark.conformance
def test_the_official_1_1_2_xsd_is_the_table_less_the_1_1_5_additions() -> None:
    schema = Schema(reference("cdc-accrochage", "cpf-accrochage-1.1.2.xsd"))
    assert _all(schema, skip=ONLY_1_1_5) == []


def test_a_changed_table_would_be_caught() -> None:
    """The comparison is not vacuous: an element moved or made optional is reported."""
    schema = Schema(SCHEMAS / "accrochage-1.1.5.xsd")
    passage = _item(schema.element("flux"), "emetteur", "certificateurs", "certificateur")
    passage = _item(passage, "certifications", "certification", "passageCertifications")
    passage = _item(passage, "passageCertification")
    swapped = Group(
        "passageCertification", None, children=PASSAGE.children[1::-1] + PASSAGE.children[2:]
    )
    assert compare(swapped, passage, frozenset()) != []
    first = PASSAGE.children[0]
    assert isinstance(first, Element)
    loose = Group(
        "passageCertification",
        None,
        children=(Element(first.tag, first.key, optional=True), *PASSAGE.children[1:]),
    )
    assert any("optional" in p for p in compare(loose, passage, frozenset()))


@pytest.mark.parametrize(
    ("xsd_type", "enum"),
    [
        ("natureDeposant", enums.DepositorKind),
        ("obtentionCertification", enums.Obtention),
        ("modalitePassageExamen", enums.ExamMode),
        ("niveauCECRL", enums.LanguageLevel),
        ("mention", enums.Mention),
        ("modaliteAcces", enums.AccessMode),
        ("voieAccesVAE", enums.VaeRoute),
        ("initiativeInscription", enums.RegistrationInitiative),
        ("genre", enums.Sex),
    ],
)
@pytest.mark.conformance
def test_official_enumerations_are_the_models(xsd_type: str, enum: type[StrEnum]) -> None:
    schema = Schema(reference("cdc-accrochage", "cpf-accrochage-1.1.2.xsd"))
    values = [e.get("value") for e in schema.types[xsd_type].iter(XS + "enumeration")]
    assert values == [member.value for member in enum]


def test_every_model_error_is_located_at_an_element_of_the_table() -> None:
    from rncpkit.accrochage import (
        CivilIdentity,
        CpfFile,
        DigitalLevel,
        DigitalResult,
        NationalId,
        Passage,
    )

    located = field_elements(PASSAGE)
    tags = {node.tag for _parent, node in walk(PASSAGE)}
    derived = {"language_level_present", "digital_level_present"}
    for model in (Passage, CivilIdentity, CpfFile, NationalId, DigitalLevel, DigitalResult):
        for name in model.model_fields:
            if name not in derived:
                assert located[name] in tags, name
    assert located["first_name"] == "prenom1" and located["last_name"] == "nomTitulaire"
    flags = [node.tag for _p, node in walk(PASSAGE) if isinstance(node, Flag)]
    assert flags == ["presenceNiveauLangueEuro", "presenceNiveauNumeriqueEuro"]
