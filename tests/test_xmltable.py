"""The shared element-table machinery on its own: a namespaced toy table, read and written
by the generic walks, errors located, unknown elements kept."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from typing import Any

import pytest

from rncpkit import xmlsafe
from rncpkit.errors import OutputError
from rncpkit.formats.fc_xml.codecs import DATE, INT
from rncpkit.formats.xmltable import (
    Absence,
    Attribute,
    Context,
    Derived,
    Fixed,
    FixedAttribute,
    Group,
    Leaf,
    ListOf,
    Problem,
    Repeated,
    Text,
    Values,
    Wrapper,
    attribute_values,
    locate,
    qualified,
    read_record,
    write_children,
    write_record,
)
from rncpkit.xmlwrite import XmlWriter

NS = "urn:cdc:cpf:pc5:schema:1.0.0"

TABLE = qualified(
    Group(
        "passage",
        None,
        (
            Attribute("version", "version"),
            Leaf("numero", "number", INT),
            Group("titulaire", "holder", (Leaf("nom", "name"), Leaf("ne", "born", DATE))),
            ListOf(
                "blocs",
                "blocks",
                (Attribute("code", "code"), Leaf("libelle", "label")),
                item="bloc",
            ),
            Values("annees", "years", item="annee", codec=INT),
        ),
        namespaces={None: NS},
    ),
    NS,
)
assert isinstance(TABLE, Group)

XML = f"""<passage xmlns="{NS}" version="2">
    <numero>12</numero>
    <titulaire>
        <nom>Dupont &amp; fils</nom>
        <ne>01/02/2003</ne>
    </titulaire>
    <blocs>
        <bloc code="BC01">
            <libelle>Un</libelle>
        </bloc>
        <bloc code="BC02"/>
    </blocs>
    <annees>
        <annee>2020</annee>
        <annee>2021</annee>
    </annees>
</passage>
""".encode()


def test_namespaced_table_reads_every_value() -> None:
    values, unknown = read_record(xmlsafe.parse_bytes(XML), TABLE)
    assert unknown == []
    assert values["version"] == "2" and values["number"] == 12
    assert values["holder"]["name"] == "Dupont & fils"
    assert str(values["holder"]["born"]) == "2003-02-01"
    assert values["blocks"] == [{"code": "BC01", "label": "Un"}, {"code": "BC02"}]
    assert values["years"] == [2020, 2021]


def test_namespaced_table_writes_what_it_reads_byte_for_byte() -> None:
    values, _ = read_record(xmlsafe.parse_bytes(XML), TABLE)
    out = io.BytesIO()
    writer = XmlWriter(out)
    write_record(writer, TABLE, values)
    writer.close()
    assert out.getvalue() == XML


def test_unknown_elements_are_collected_with_their_place() -> None:
    data = XML.replace(b"<numero>", b"<extra>x</extra><numero>")
    _values, unknown = read_record(xmlsafe.parse_bytes(data), TABLE)
    assert unknown == [
        {"parent": "passage", "position": 0, "xml": f'<extra xmlns="{NS}">x</extra>'}
    ]


def test_bad_value_is_a_problem_at_its_element() -> None:
    data = XML.replace(b"<ne>01/02/2003</ne>", b"<ne>31/02/2003</ne>")
    with pytest.raises(Problem, match="invalid date") as caught:
        read_record(xmlsafe.parse_bytes(data), TABLE)
    assert caught.value.element.sourceline == 5


def test_model_error_locations_map_back_to_elements_and_lines() -> None:
    record = xmlsafe.parse_bytes(XML)
    assert locate(record, TABLE, ("holder", "name")) == ("titulaire/nom", 4)
    assert locate(record, TABLE, ("blocks", 1, "label")) == ("blocs/bloc[2]/libelle", 11)
    assert locate(record, TABLE, ("years", 1)) == ("annees/annee[2]", 15)


def test_a_value_xml_cannot_carry_names_its_element() -> None:
    values: dict[str, Any] = {"number": 1, "holder": {"name": "a\x00b"}}
    writer = XmlWriter(io.BytesIO())
    with pytest.raises(OutputError, match="<nom>") as caught:
        write_record(writer, TABLE, values)
    assert caught.value.field == "nom"


# --------------------------------------------------------------------------- walk context


def _write_of(writer: XmlWriter, node: Derived, obj: Any, context: Context) -> None:
    """Sees both the current item and the whole record."""
    writer.leaf(node.tag, f"{obj['name']} of {context.root['number']}")


def _write_count(writer: XmlWriter, node: Derived, obj: Any, context: Context) -> None:
    writer.leaf(node.tag, str(len(obj["items"])), {"unit": context.options["unit"]})


def _read_count(element: Any, _node: Derived, values: dict[str, Any]) -> None:
    values["count"] = int(element.text)


ROOT_TABLE = Group(
    "doc",
    None,
    (
        Attribute("id", "number"),
        Attribute("lang", None, derive=lambda _obj, ctx: ctx.options["lang"]),
        Leaf("title", "title", occurs=(1, 1), attributes=(Attribute("kind", "kind"),)),
        Leaf(
            "why",
            "why",
            occurs=(1, 1),
            absence=Absence("status", lambda node, _obj, ctx: f"{node.key}-{ctx.root['number']}"),
        ),
        Group("empty", None, (Leaf("nothing", "nothing"),), occurs=(1, 1)),
        Group("omitted", None, (Leaf("nothing", "nothing"),)),
        Repeated("code", "codes", (Attribute("id", "id"), Text("", "label"))),
        Repeated(
            "item",
            "items",
            (Leaf("name", "name"), Derived("of", None, write=_write_of, occurs=(1, 1))),
        ),
        Derived("count", None, write=_write_count, read=_read_count),
    ),
)


RECORD = {
    "number": "7",
    "title": None,
    "kind": "main",
    "why": "  ",
    "nothing": None,
    "codes": [{"id": "a", "label": "Un & deux"}, {"id": "b", "label": None}],
    "items": [{"name": "x"}, {"name": "y"}],
}

WRITTEN = """<doc id="7" lang="fr">
  <title kind="main"></title>
  <why status="why-7"/>
  <empty/>
  <code id="a">Un &amp; deux</code>
  <code id="b"></code>
  <item>
    <name>x</name>
    <of>x of 7</of>
  </item>
  <item>
    <name>y</name>
    <of>y of 7</of>
  </item>
  <count unit="items">2</count>
</doc>
"""


def test_derived_nodes_and_attributes_see_the_record_and_the_options() -> None:
    out = io.BytesIO()
    writer = XmlWriter(out, indent="  ")
    context = Context(RECORD, {"lang": "fr", "unit": "items"})
    writer.start(ROOT_TABLE.tag, attribute_values(ROOT_TABLE.attributes, RECORD, context))
    write_children(writer, ROOT_TABLE, RECORD, context)
    writer.end()
    writer.close()
    assert out.getvalue().decode() == WRITTEN


def test_reader_skips_derived_reads_text_absences_and_irregular_nodes() -> None:
    values, unknown = read_record(xmlsafe.parse_bytes(WRITTEN.encode()), ROOT_TABLE)
    assert unknown == []
    assert values == {
        "number": "7",
        "title": "",
        "kind": "main",
        "why": None,
        "codes": [{"id": "a", "label": "Un & deux"}, {"id": "b", "label": None}],
        "items": [{"name": "x"}, {"name": "y"}],
        "count": 2,
    }


def test_derived_and_text_nodes_are_qualified_with_the_table() -> None:
    table = qualified(ROOT_TABLE, NS)
    assert isinstance(table, Group)
    derived = table.table[f"{{{NS}}}count"]
    assert isinstance(derived, Derived) and derived.read is _read_count
    code = table.table[f"{{{NS}}}code"]
    assert isinstance(code, Group) and code.content is not None and code.content.tag == ""


# --------------------------------------------------------------------------- typed and fixed values


@dataclass
class _Concept:
    uri: str
    label: str | None = None


@dataclass
class _Course:
    id: str
    title: str
    title_en: str | None
    page: str | None
    kind: _Concept | None
    tags: list[str]


SKOS = "http://www.w3.org/2004/02/skos/core#"
FR = FixedAttribute("lang", None, value="fr")
EN = FixedAttribute("lang", None, value="en")
COURSE = qualified(
    Group(
        "course",
        None,
        (
            Attribute("id", "id"),
            Leaf("title", "title", attributes=(FR,)),
            Leaf("title", "title_en", attributes=(EN,)),
            Wrapper("page", "page", (Leaf("url", "url"),), scalar="url"),
            Group(
                "kind",
                "kind",
                (Attribute("uri", "uri"), Leaf("skos:prefLabel", "label")),
                build=lambda values: _Concept(**values),
            ),
            Fixed("language", None, (Attribute("uri", "uri"),), value=_Concept("urn:lang:fr")),
            Fixed("scheme", None, value="SIRET"),
            Repeated("tag", "tags", (Attribute("ref", "ref"),), scalar="ref"),
        ),
        namespaces={None: NS, "skos": SKOS},
        build=lambda values: _Course(**values),
    ),
    NS,
    {"skos": SKOS},
)
assert isinstance(COURSE, Group)
COURSE_OBJECT = _Course(
    "c1", "Cours", "Course", "https://x.example/?a&b", _Concept("urn:k", "Kind"), ["a", "b"]
)
COURSE_XML = f"""<course xmlns="{NS}" xmlns:skos="{SKOS}" id="c1">
    <title lang="fr">Cours</title>
    <title lang="en">Course</title>
    <page>
        <url>https://x.example/?a&amp;b</url>
    </page>
    <kind uri="urn:k">
        <skos:prefLabel>Kind</skos:prefLabel>
    </kind>
    <language uri="urn:lang:fr"/>
    <scheme>SIRET</scheme>
    <tag ref="a"/>
    <tag ref="b"/>
</course>
"""


def test_fixed_values_wrappers_and_same_tag_variants_are_written() -> None:
    out = io.BytesIO()
    writer = XmlWriter(out)
    write_record(writer, COURSE, COURSE_OBJECT)
    writer.close()
    assert out.getvalue().decode() == COURSE_XML
    kind = COURSE.table[f"{{{NS}}}kind"]
    assert isinstance(kind, Group) and f"{{{SKOS}}}prefLabel" in kind.table


def test_typed_groups_read_back_what_was_written() -> None:
    values, unknown = read_record(xmlsafe.parse_bytes(COURSE_XML.encode()), COURSE)
    assert unknown == []  # the fixed elements are the table's, not unknown
    assert COURSE.build is not None and COURSE.build(values) == COURSE_OBJECT
    assert isinstance(values["kind"], _Concept)


def test_same_tag_variants_are_told_apart_by_their_fixed_attribute() -> None:
    name, by_value, first = COURSE.variants[f"{{{NS}}}title"]
    assert name == "lang" and set(by_value) == {"fr", "en"} and first.key == "title"
    swapped = COURSE_XML.replace('lang="fr">Cours', 'lang="en">Cours', 1).replace(
        'lang="en">Course', 'lang="fr">Course', 1
    )
    values, _ = read_record(xmlsafe.parse_bytes(swapped.encode()), COURSE)
    assert (values["title"], values["title_en"]) == ("Course", "Cours")
    third = COURSE_XML.replace('lang="en">Course', 'lang="de">Kurs', 1)
    values, unknown = read_record(xmlsafe.parse_bytes(third.encode()), COURSE)
    assert values["title"] == "Cours" and "title_en" not in values  # not the table's
    assert [(u["parent"], u["position"]) for u in unknown] == [("course", 1)]
    plain = third.replace('<title lang="de">Kurs</title>', "<title>Kurs</title>", 1).replace(
        '<title lang="fr">Cours</title>\n', "", 1
    )
    values, unknown = read_record(xmlsafe.parse_bytes(plain.encode()), COURSE)
    assert values["title"] == "Kurs" and unknown == []  # no attribute: the first node


def test_an_empty_wrapper_is_left_out() -> None:
    for page in (None, ""):
        out = io.BytesIO()
        writer = XmlWriter(out)
        write_record(writer, COURSE, replace(COURSE_OBJECT, page=page, kind=None, tags=[]))
        writer.close()
        text = out.getvalue().decode()
        assert "<page>" not in text and "<kind" not in text and "<tag " not in text
        assert '<language uri="urn:lang:fr"/>' in text


def test_the_compiled_reader_reads_typed_and_variant_groups_as_the_generic_walk() -> None:
    from rncpkit.formats.xmltable import compiled_reader

    record = xmlsafe.parse_bytes(COURSE_XML.encode())
    assert compiled_reader.read_record(record, COURSE) == read_record(record, COURSE)
    inner = Group("catalogue", None, (Repeated("course", "courses", COURSE.children),))
    assert isinstance(inner.children[0], Repeated) and inner.children[0].variants
    wrapped = xmlsafe.parse_bytes(f'<catalogue xmlns="{NS}">{COURSE_XML}</catalogue>'.encode())
    table = qualified(inner, NS, {"skos": SKOS})
    assert isinstance(table, Group)
    assert compiled_reader.read_record(wrapped, table) == read_record(wrapped, table)
