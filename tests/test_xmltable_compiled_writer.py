"""The compiled writer walk writes what the interpreted one writes, byte for byte and error
for error: every fc-xml table on every real fiche, the accrochage passage table, a table
with every node kind (plain and namespaced), dicts as well as models."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import rncpkit
from rncpkit.formats.fc_xml import VERSIONS, WRITABLE
from rncpkit.formats.fc_xml.codecs import DATE, INT
from rncpkit.formats.xmltable import (
    Absence,
    Attribute,
    Context,
    Derived,
    Group,
    Leaf,
    ListOf,
    Repeated,
    Text,
    Values,
    attribute_values,
    qualified,
    write_children,
    write_record,
)
from rncpkit.formats.xmltable.compiled_writer import compiled_writer
from rncpkit.xmlwrite import XmlWriter
from tests.conftest import REAL_V41_SAMPLES, SAMPLES, reference
from tests.test_properties import CERTIFICATION


def _interpreted(table: Group, obj: Any) -> bytes | str:
    out = io.BytesIO()
    writer = XmlWriter(out)
    try:
        with writer.record():
            writer.start(
                table.tag, attribute_values(table.attributes, obj), namespaces=table.namespaces
            )
            write_children(writer, table, obj)
            writer.end()
    except Exception as exc:  # the same error either way
        return f"{type(exc).__name__} {getattr(exc, 'field', None)}: {exc}"
    return out.getvalue()


def _compiled(table: Group, obj: Any) -> bytes | str:
    out = io.BytesIO()
    writer = XmlWriter(out)
    try:
        write_record(writer, table, obj)
    except Exception as exc:  # the same error either way
        return f"{type(exc).__name__} {getattr(exc, 'field', None)}: {exc}"
    return out.getvalue()


def _fiches() -> list[rncpkit.Certification]:
    paths = [SAMPLES / "RNCP35080.xml"]
    paths += [reference("france-competences", name) for name in REAL_V41_SAMPLES]
    return [cert for path in paths for cert in rncpkit.read(path)]


def test_every_fc_xml_table_on_every_real_fiche() -> None:
    fiches = _fiches()
    assert len(fiches) >= 3
    for version in WRITABLE:
        table = VERSIONS[version]
        for cert in fiches:
            assert _compiled(table, cert) == _interpreted(table, cert), (version, cert.number)
            as_dict = cert.model_dump()
            assert _compiled(table, as_dict) == _interpreted(table, as_dict)
        bad = fiches[0].model_copy(update={"title": "bell \x07", "activities": "\ud800"})
        refused = _compiled(table, bad)
        assert refused == _interpreted(table, bad) and refused.startswith("OutputError INTITULE: ")  # type: ignore[union-attr]


def _reason(_node: object, obj: Any, _context: Context) -> str:
    return "absent" if obj.get("kind") is None else "withheld"


def _derived(writer: XmlWriter, node: Any, obj: Any, context: Context) -> None:
    writer.leaf(node.tag, f"{obj.get('number')}/{context.root.get('number')}")


_EVERY_KIND = Group(
    "record",
    None,
    (
        Attribute("version", "version"),
        Leaf("number", "number", INT),
        Leaf("title", "title"),
        Leaf("code", ("routes", "FI")),
        Leaf("required", "missing", occurs=(1, 1)),
        Leaf("why", "why", absence=Absence("status", _reason)),
        Leaf("labelled", "label", attributes=(Attribute("lang", "lang"),)),
        Group("holder", "holder", (Leaf("name", "name"), Leaf("born", "born", DATE))),
        Group("section", None, (Leaf("inside", "inside"),)),
        Group("kept", None, (Leaf("empty", "nothing"),), occurs=(1, 1)),
        Group("coded", "coded", (Attribute("code", "code"), Text("", "label"))),
        ListOf("items", "items", (Attribute("code", "code"), Leaf("label", "label")), item="item"),
        ListOf("plain", "plain", (Leaf("label", "label"),), item="one"),
        ListOf("numbers", "numbers", (Leaf("n", "v", INT),), item="number", scalar="v"),
        ListOf("texts", "texts", (Text("", "v"),), item="text", scalar="v"),
        Repeated("slot_1", "slots", (Leaf("label", "label"),), slot=0),
        Repeated("slot_2", "slots", (Leaf("label", "label"),), slot=1),
        Repeated("each", "each", (Leaf("v", "v"),), scalar="v"),
        Values("years", "years", item="year", codec=INT),
        Derived("derived", None, write=_derived),
    ),
)


def _record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "version": "2",
        "number": 12,
        "title": "Dupont & fils <x>",
        "routes": {"FI": "a"},
        "why": None,
        "kind": "k",
        "label": "étiquette",
        "lang": "fr",
        "holder": {"name": "N", "born": __import__("datetime").date(2003, 2, 1)},
        "inside": "dedans",
        "coded": {"code": "C1", "label": "L"},
        "items": [{"code": "A", "label": "a"}, {"code": "B", "label": None}],
        "plain": [{"label": "x"}, {"label": None}],
        "numbers": [1, 2],
        "texts": ["t1", "t\r2"],
        "slots": [{"label": "s1"}, {"label": "s2"}, {"label": "s3"}],
        "each": ["e1", "e2"],
        "years": [2020, 2021],
    }
    record.update(changes)
    return record


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"items": [], "plain": None, "numbers": [], "texts": [], "each": [], "years": None},
        {"holder": None, "coded": None, "inside": None, "slots": [{"label": "only"}]},
        {"why": "  ", "kind": None, "label": None, "title": None},
        {"title": "bell \x07"},
        {"inside": "\ufffe"},
        {"plain": [{"label": "\x01"}]},
    ],
)
@pytest.mark.parametrize("namespaced", [False, True])
def test_a_table_with_every_node_kind(changes: dict[str, Any], namespaced: bool) -> None:
    table = _EVERY_KIND
    if namespaced:
        uri = "urn:example:every"
        table = qualified(Group("record", None, table.children, namespaces={None: uri}), uri)  # type: ignore[assignment]
    record = _record(**changes)
    written = _compiled(table, record)
    assert written == _interpreted(table, record)
    if not changes:
        assert (
            isinstance(written, bytes)
            and b"<title>Dupont &amp; fils &lt;x&gt;</title>" in (written.replace(b"ns0:", b""))
        ) or namespaced


def test_compiled_once_per_table() -> None:
    assert compiled_writer(_EVERY_KIND) is compiled_writer(_EVERY_KIND)


def test_a_codec_that_gives_no_text_is_written_as_the_interpreter_does() -> None:
    """A format giving None (an empty element) or a number (refused) is left to
    ``XmlWriter.leaf``, as the interpreter leaves it."""
    from rncpkit.formats.xmltable import Codec

    for spelled in (lambda _value: None, lambda value: value):
        codec = Codec("odd", str, spelled)
        table = Group("record", None, (Leaf("odd", "odd", codec), Leaf("after", "after")))
        record = {"odd": 3, "after": "x"}
        assert _compiled(table, record) == _interpreted(table, record)
    assert (
        _compiled(table, {"odd": None, "after": "x"})
        == b"<record>\n    <after>x</after>\n</record>"
    )


def test_the_embedded_sample_is_written_alike_and_reads_back() -> None:
    cert = next(rncpkit.read(SAMPLES / "RNCP35080.xml"))
    written = _compiled(VERSIONS["4.1"], cert)
    assert written == _interpreted(VERSIONS["4.1"], cert)
    assert isinstance(written, bytes)
    assert written.startswith(b"<FICHE>\n    <NUMERO_FICHE>RNCP35080</NUMERO_FICHE>\n")
    out = io.BytesIO()
    rncpkit.write([cert], out, to="fc-xml")
    assert next(rncpkit.read(out.getvalue())) == cert


def test_what_xml_cannot_carry_is_refused_alike_naming_the_element() -> None:
    cert = next(rncpkit.read(SAMPLES / "RNCP35080.xml"))
    broken = cert.model_copy(update={"objectives": "a\x07b"})
    refused = _compiled(VERSIONS["4.1"], broken)
    assert refused == _interpreted(VERSIONS["4.1"], broken)
    assert isinstance(refused, str)
    assert refused.startswith("OutputError OBJECTIFS_CONTEXTE:")
    assert "U+0007" in refused


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CERTIFICATION)
def test_the_compiled_writer_agrees_on_any_certification(data: dict[str, Any]) -> None:
    cert = rncpkit.Certification.model_validate(data)
    assert _compiled(VERSIONS["4.1"], cert) == _interpreted(VERSIONS["4.1"], cert)
