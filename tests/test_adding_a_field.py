"""The worked example of docs/CONTRIBUTING.md: adding a France Compétences element is the
model field and one table node, nothing else. Here a hypothetical ``DUREE_HEURES`` element
(hours of training) is added that way, and it is read, written, in JSON, in the generated
XSD and in the generated mapping page."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from lxml import etree
from pydantic import Field

from rncpkit import xmlsafe
from rncpkit.formats import fc_xml, mapping_docs
from rncpkit.formats.fc_xml import INT, V41, schema
from rncpkit.formats.xmltable import Group, Leaf, read_record, write_record
from rncpkit.model import Certification
from rncpkit.xmlwrite import XmlWriter


class WithHours(Certification):
    """Edit 1 of 2 — the model: ``hours: int | None = Field(None, description=…)``."""

    hours: int | None = Field(None, description="Hours of training (DUREE_HEURES).")


# Edit 2 of 2 — the table: one node, where the element stands in the flux.
TABLE = replace(V41, children=(*V41.children, Leaf("DUREE_HEURES", "hours", INT)))
assert isinstance(TABLE, Group)

FICHE = b"""<FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE><INTITULE>Titre</INTITULE>
<DUREE_HEURES>120</DUREE_HEURES></FICHE>"""


@pytest.fixture
def added(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the two edits change for the generators, which read the module-level names."""
    monkeypatch.setattr(fc_xml, "V41", TABLE)
    monkeypatch.setattr(schema, "V41", TABLE)
    monkeypatch.setattr(schema, "Certification", WithHours)
    monkeypatch.setattr(mapping_docs, "Certification", WithHours)


def test_the_new_element_is_read_and_written() -> None:
    values, unknown = read_record(xmlsafe.parse_bytes(FICHE), TABLE)
    cert = WithHours.model_validate(values)
    assert (cert.hours, unknown) == (120, [])
    out = io.BytesIO()
    writer = XmlWriter(out)
    write_record(writer, TABLE, cert)
    writer.close()
    assert b"<DUREE_HEURES>120</DUREE_HEURES>" in out.getvalue()


def test_the_new_field_is_in_json() -> None:
    cert = WithHours(number="RNCP1", title="Titre", hours=120)
    assert '"hours":120' in cert.model_dump_json()
    assert WithHours.model_json_schema()["properties"]["hours"]["description"].startswith("Hours")


@pytest.mark.usefixtures("added")
def test_the_new_element_is_in_the_generated_xsd_and_docs() -> None:
    xsd = schema.render()
    parsed = etree.XMLSchema(etree.fromstring(xsd.encode()))
    assert parsed.validate(
        etree.fromstring(b"<FICHES><VERSION_FLUX>4.1</VERSION_FLUX>" + FICHE + b"</FICHES>")
    )
    assert '<xs:element name="DUREE_HEURES" type="xs:nonNegativeInteger" minOccurs="0">' in xsd
    assert "Hours of training (DUREE_HEURES)." in xsd
    page = mapping_docs.render()
    assert "| `FICHE/DUREE_HEURES` | `hours` | int | Hours of training (DUREE_HEURES). |" in page
