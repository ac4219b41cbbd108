"""The compiled reader of a table reads exactly what the generic walk reads: the same
values, the same unknown elements, the same problem on the same element, on every real
fiche, on every table kind, and on fiches mutated at random. The compiled writer writes
the same bytes as the generic one, or refuses the same value, on real and generated
certifications."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from rncpkit import xmlsafe
from rncpkit.formats.fc_xml import VERSIONS
from rncpkit.formats.xmltable import (
    Group,
    Leaf,
    ListOf,
    Problem,
    read_record,
    relative_path,
)
from rncpkit.formats.xmltable import (
    compiled_reader as compiled,
)

from .conftest import FC_REFERENCE, REAL_V41_SAMPLES, SAMPLES, reference
from .test_xmltable import ROOT_TABLE, TABLE, WRITTEN, XML


def _outcome(record: etree._Element, table: Group, reader: Any) -> tuple[Any, ...]:
    """What a reader makes of ``record``: its values and unknown elements, or its problem
    (message and the path of the element it names)."""
    try:
        values, unknown = reader(record, table)
    except Problem as problem:
        return ("problem", problem.message, relative_path(record, problem.element))
    return ("values", values, unknown)


def _same(record: etree._Element, table: Group) -> tuple[Any, ...]:
    generic = _outcome(record, table, read_record)
    assert _outcome(record, table, compiled.read_record) == generic
    return generic


def _fiches(path: Path) -> list[tuple[Group, etree._Element]]:
    root = xmlsafe.parse_bytes(path.read_bytes(), name=str(path))
    version = (root.findtext("VERSION_FLUX") or "").strip()
    return [(VERSIONS[version], fiche) for fiche in root.iter("FICHE")]


@pytest.mark.parametrize("name", [*REAL_V41_SAMPLES, "export_fiches_V3_0_fragment.xml"])
def test_compiled_reader_agrees_on_every_real_fiche(name: str) -> None:
    fiches = _fiches(reference("france-competences", name))
    assert fiches
    outcomes = [_same(fiche, table)[0] for table, fiche in fiches]
    assert "values" in outcomes


def test_compiled_reader_agrees_on_the_embedded_sample() -> None:
    ((table, fiche),) = _fiches(SAMPLES / "RNCP35080.xml")
    kind, values, unknown = _same(fiche, table)
    assert kind == "values"
    assert values["number"] == "RNCP35080"
    assert unknown == []


def test_every_flux_version_compiles() -> None:
    """V4.1 and the tables derived from it (Custom nodes go to the generic walk)."""
    for table in VERSIONS.values():
        assert callable(compiled.compiled(table))
        assert compiled.compiled(table) is compiled.compiled(table)  # built once


def test_attributes_text_absences_and_derived_nodes_agree() -> None:
    """The other node kinds: attributes, an element's own text, leaves with attributes or
    an absence, Derived nodes read back, namespaces."""
    kind, values, _unknown = _same(xmlsafe.parse_bytes(WRITTEN.encode()), ROOT_TABLE)
    assert kind == "values"
    assert values["count"] == 2
    assert values["why"] is None
    kind, values, _unknown = _same(xmlsafe.parse_bytes(XML), TABLE)
    assert values["blocks"] == [{"code": "BC01", "label": "Un"}, {"code": "BC02"}]


# --------------------------------------------------------------------------- mutations

_SAMPLE = SAMPLES / "RNCP35080.xml"
_TEXTS = st.sampled_from(
    ["", " ", "Oui", "Non", "peut-être", "12", "-1", "1x", "18/11/2020", "31/02/2020", "RNCP1"]
)
_ACTIONS = st.sampled_from(
    ["duplicate", "remove", "text", "unknown", "comment", "markup", "move", "tail"]
)


def _mutate(root: etree._Element, steps: list[tuple[int, str, str]]) -> None:
    for index, action, text in steps:
        elements = [element for element in root.iter() if isinstance(element.tag, str)]
        element = elements[index % len(elements)]
        parent = element.getparent() if element is not root else None
        if action == "duplicate" and parent is not None:
            element.addnext(copy.deepcopy(element))
        elif action == "remove" and parent is not None:
            parent.remove(element)
        elif action == "text":
            element.text = text
        elif action == "unknown":
            etree.SubElement(element, "INCONNU").text = text
        elif action == "comment":
            element.insert(0, etree.Comment("note"))
        elif action == "markup":
            etree.SubElement(element, "B")
        elif action == "move" and parent is not None:
            inside = set(element.iter())
            targets = [target for target in elements if target not in inside]
            parent.remove(element)
            targets[(index * 7) % len(targets)].append(element)
        elif action == "tail":
            element.tail = text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10_000), _ACTIONS, _TEXTS), min_size=1, max_size=4))
def test_compiled_reader_agrees_on_mutated_fiches(steps: list[tuple[int, str, str]]) -> None:
    for path in (_SAMPLE, FC_REFERENCE / REAL_V41_SAMPLES[0]):
        if not path.exists():
            continue  # the reference files are not on every machine
        table, fiche = _fiches(path)[0]
        _mutate(fiche, steps)
        _same(fiche, table)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 1_000), _ACTIONS, _TEXTS), min_size=1, max_size=4))
def test_compiled_reader_agrees_on_mutated_records_of_every_kind(
    steps: list[tuple[int, str, str]],
) -> None:
    for data, table in ((WRITTEN.encode(), ROOT_TABLE), (XML, TABLE)):
        record = xmlsafe.parse_bytes(data)
        _mutate(record, steps)
        try:
            expected = _outcome(record, table, read_record)
        except (ValueError, TypeError):  # a Derived reader of the test table, fed junk
            with pytest.raises((ValueError, TypeError)):
                compiled.read_record(record, table)
            continue
        assert _outcome(record, table, compiled.read_record) == expected


# --------------------------------------------------------------------------- the writer


def test_a_record_table_of_another_kind_is_read_by_the_generic_walk() -> None:
    table = ListOf("blocs", "blocks", (Leaf("libelle", "label"),), item="bloc")
    record = xmlsafe.parse_bytes(b"<blocs><libelle>x</libelle><bloc/></blocs>")
    kind, values, unknown = _same(record, table)
    assert (kind, values) == ("values", {"label": "x"})
    assert [item["xml"] for item in unknown] == ["<bloc/>"]
