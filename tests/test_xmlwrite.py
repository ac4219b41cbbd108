"""The one XML writer: lxml's layout byte for byte, escaping, refusals, namespaces, streaming."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from rncpkit import xmlsafe
from rncpkit.errors import OutputError
from rncpkit.xmlwrite import XmlWriter

Tree = tuple[str, "str | list[Tree] | None"]

_TAG = st.sampled_from(["A", "B", "LIBELLE", "x-y", "n.1"])
# XML 1.0 characters, with the ones that need escaping over-represented
_XML_TEXT = st.text(
    st.characters(
        blacklist_categories=["Cs"],
        blacklist_characters=["\ufffe", "\uffff"],
        min_codepoint=0x20,
    )
    | st.sampled_from(["&", "<", ">", '"', "'", "\r", "\n", "\t", "é", "€", "𝄞"]),
    max_size=12,
)
_TREE: st.SearchStrategy[Tree] = st.recursive(
    st.tuples(_TAG, st.none() | _XML_TEXT),
    lambda children: st.tuples(_TAG, st.lists(children, min_size=1, max_size=4)),
    max_leaves=20,
)


def _lxml(tree: Tree) -> etree._Element:
    tag, content = tree
    element = etree.Element(tag)
    if isinstance(content, list):
        element.extend(_lxml(child) for child in content)
    else:
        element.text = content
    return element


def _write(writer: XmlWriter, tree: Tree) -> None:
    tag, content = tree
    if isinstance(content, list):
        with writer.element(tag):
            for child in content:
                _write(writer, child)
    else:
        writer.leaf(tag, content)


def _written(tree: Tree, **declaration: bool) -> bytes:
    out = io.BytesIO()
    writer = XmlWriter(out)
    writer.declaration(**declaration)
    _write(writer, tree)
    writer.close()
    return out.getvalue()


@settings(max_examples=200, deadline=None)
@given(_TREE)
def test_layout_and_escaping_are_lxml_indent_and_tostring_byte_for_byte(tree: Tree) -> None:
    root = _lxml(tree)
    etree.indent(root, space="    ")
    expected = etree.tostring(root, encoding="UTF-8", xml_declaration=False) + b"\n"
    written = _written(tree, standalone=False)
    header = b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    assert written == header + expected


def test_written_text_reads_back_exactly() -> None:
    text = 'R&D <avancée> "5 %" \' \r\n\t 𝄞'
    out = io.BytesIO()
    writer = XmlWriter(out)
    writer.start("R", {"note": text})
    writer.leaf("T", text)
    writer.close()
    root = xmlsafe.parse_bytes(out.getvalue())
    assert root.get("note") == text
    assert root[0].text == text


@pytest.mark.parametrize("bad", ["\x00", "bell \x07", "\x1f", "\ud800", "\ufffe", "\uffff"])
def test_characters_xml_cannot_carry_are_refused_naming_the_element(bad: str) -> None:
    writer = XmlWriter(io.BytesIO())
    writer.start("FICHES")
    with pytest.raises(OutputError, match=r"<INTITULE> holds the character U\+") as caught:
        writer.leaf("INTITULE", bad)
    assert caught.value.field == "INTITULE"
    with pytest.raises(OutputError, match="attribute code"):
        writer.leaf("A", "ok", {"code": bad})


def test_a_refused_record_leaves_nothing_behind() -> None:
    out = io.BytesIO()
    writer = XmlWriter(out)
    writer.start("FICHES")
    writer.leaf("VERSION_FLUX", "4.1")
    with pytest.raises(OutputError), writer.record():
        writer.start("FICHE")
        writer.leaf("NUMERO_FICHE", "RNCP1")
        writer.leaf("INTITULE", "\x07")
    with writer.record():
        writer.start("FICHE")
        writer.leaf("NUMERO_FICHE", "RNCP2")
        writer.end()
    writer.close()
    assert out.getvalue() == (
        b"<FICHES>\n    <VERSION_FLUX>4.1</VERSION_FLUX>\n    <FICHE>\n"
        b"        <NUMERO_FICHE>RNCP2</NUMERO_FICHE>\n    </FICHE>\n</FICHES>\n"
    )


def test_each_record_is_written_out_at_once() -> None:
    """Streaming: a record reaches the stream when it ends, not at close."""
    out = io.BytesIO()
    writer = XmlWriter(out)
    writer.start("FICHES")
    sizes = []
    for number in range(3):
        with writer.record():
            writer.leaf("FICHE", str(number))
        sizes.append(len(out.getvalue()))
    assert sizes[0] > 0 and sizes[0] < sizes[1] < sizes[2]
    writer.close()
    assert out.getvalue().endswith(b"<FICHE>2</FICHE>\n</FICHES>\n")


def test_empty_elements_self_close_or_are_omitted() -> None:
    out = io.BytesIO()
    writer = XmlWriter(out, indent="  ")
    writer.start("R")
    with writer.element("KEPT"):
        pass
    with writer.element("DROPPED", omit_if_empty=True), writer.element("ALSO", omit_if_empty=True):
        pass
    with writer.element("OUTER", omit_if_empty=True), writer.element("INNER"):
        writer.leaf("V", "")
    writer.leaf("NONE", None)
    writer.close()
    assert out.getvalue() == (
        b"<R>\n  <KEPT/>\n  <OUTER>\n    <INNER>\n      <V></V>\n    </INNER>\n  </OUTER>\n"
        b"  <NONE/>\n</R>\n"
    )


def test_namespaces_are_declared_once_and_names_prefixed() -> None:
    flux, other = "urn:cdc:cpf:pc5:schema:1.0.0", "urn:example:other"
    out = io.BytesIO()
    writer = XmlWriter(out)
    writer.start(f"{{{flux}}}flux", namespaces={None: flux, "o": other})
    writer.leaf(f"{{{flux}}}idFlux", "1")
    writer.leaf(f"{{{other}}}note", "x", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})
    writer.close()
    data = out.getvalue()
    assert data.startswith(b'<flux xmlns="urn:cdc:cpf:pc5:schema:1.0.0" xmlns:o="urn:example')
    assert b'<o:note xml:lang="fr">x</o:note>' in data
    root = xmlsafe.parse_bytes(data)
    assert [child.tag for child in root] == [f"{{{flux}}}idFlux", f"{{{other}}}note"]


def test_undeclared_namespace_and_second_root_are_refused() -> None:
    writer = XmlWriter(io.BytesIO())
    with pytest.raises(OutputError, match="no prefix declared"):
        writer.start("{urn:x}a")
    writer.leaf("A", "1")
    with pytest.raises(OutputError, match="one root"):
        writer.leaf("B", "2")


def test_fragment_is_reindented_to_its_place() -> None:
    out = io.BytesIO()
    writer = XmlWriter(out)
    writer.start("FICHE")
    writer.fragment(xmlsafe.parse_bytes(b"<X><Y>1</Y>   <Z/></X>"))
    writer.close()
    assert (
        out.getvalue() == b"<FICHE>\n    <X>\n        <Y>1</Y>\n        <Z/>\n    </X>\n</FICHE>\n"
    )
