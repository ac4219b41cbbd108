"""France Compétences flux V4.1: reading, writing, round trips, located errors."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import rncpkit
from rncpkit import xmlsafe
from rncpkit.errors import (
    FicheError,
    InputError,
    OutputError,
    UnsafeInputError,
    UnsupportedVersionError,
)
from rncpkit.model import AccessRouteCode, Certification, Level, RegistrationType

from .conftest import REAL_V41_SAMPLES, SCHEMAS, reference

HEADER = b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'


def flux(*fiches: str, version: str = "4.1") -> bytes:
    body = "".join(f"<FICHE>{fiche}</FICHE>" for fiche in fiches)
    return HEADER + f"<FICHES><VERSION_FLUX>{version}</VERSION_FLUX>{body}</FICHES>".encode()


def to_xml(certifications: list[Certification]) -> bytes:
    out = io.BytesIO()
    rncpkit.write(certifications, out, to="fc-xml")
    return out.getvalue()


def canonical(data: bytes) -> bytes:
    """Canonical tree with whitespace inside texts normalised (the round-trip criterion)."""
    root = xmlsafe.parse_bytes(data)
    for element in root.iter():
        if element.text is not None:
            element.text = " ".join(element.text.split()) or None
        element.tail = None
    return etree.tostring(root, method="c14n")


# --------------------------------------------------------------------- the embedded sample


def test_seed_sample_reads_with_exact_values(seed_xml: Path) -> None:
    [cert] = list(rncpkit.read(seed_xml))
    assert cert.number == "RNCP35080"
    assert cert.title.startswith("Manager d’organismes à vocation sociale et culturelle")
    assert cert.level is Level.NIV7 and cert.eqf_level == 7
    assert [c.siret for c in cert.certifiers] == ["19753471200017"]
    assert cert.certifiers[0].name == "CONSERVATOIRE NATIONAL DES ARTS ET METIERS"
    assert cert.block_codes == [f"RNCP35080BC0{n}" for n in range(1, 5)]
    assert [r.code for r in cert.rome] == ["K1206", "M1301", "K1403", "K1802", "M1302"]
    assert [n.code for n in cert.nsf] == ["332n", "310m", "330p"]
    assert [f.code for f in cert.formacodes] == ["32135", "32142", "44047", "44037"]
    assert cert.registration_type is RegistrationType.ON_REQUEST
    assert cert.decision_date == dt.date(2020, 11, 18)
    assert cert.registration_years == 5
    assert cert.registration_end == dt.date(2025, 11, 18)
    routes = {code: route.open for code, route in cert.access_routes.items()}
    assert routes == {
        AccessRouteCode.FI: False,
        AccessRouteCode.CA: True,
        AccessRouteCode.FC: True,
        AccessRouteCode.CQ: True,
        AccessRouteCode.CL: False,
        AccessRouteCode.VAE: True,
    }
    assert cert.entry_prerequisites and "niveau 6" in cert.entry_prerequisites


def test_writer_reproduces_the_seed_sample_byte_for_byte(seed_xml: Path) -> None:
    assert to_xml(list(rncpkit.read(seed_xml))) == seed_xml.read_bytes()


def test_seed_json_sample_is_the_same_certification(seed_xml: Path, seed_json: Path) -> None:
    assert list(rncpkit.read(seed_json)) == list(rncpkit.read(seed_xml))


# --------------------------------------------------------------------- real data


@pytest.mark.conformance
@pytest.mark.parametrize("name", REAL_V41_SAMPLES)
def test_real_samples_round_trip_losslessly(name: str) -> None:
    path = reference("france-competences", name)
    certifications = list(rncpkit.read(path))
    assert certifications
    assert canonical(to_xml(certifications)) == canonical(path.read_bytes())


@pytest.mark.conformance
def test_real_samples_have_expected_content() -> None:
    path = reference("france-competences", "export_fiches_RNCP_V4_1_sample.xml")
    by_number = {cert.number: cert for cert in rncpkit.read(path)}
    assert list(by_number) == [
        "RNCP34762",
        "RNCP35809",
        "RNCP35419",
        "RNCP40344",
        "RNCP37674",
        "RNCP39568",
    ]
    first = by_number["RNCP34762"]
    assert first.successors == ["RNCP39568"] and first.predecessors == ["RNCP24998"]
    assert first.abbreviation is not None and first.abbreviation.code == "DipViGrM"
    assert first.unknown_elements == []
    assert all(not cert.unknown_elements for cert in by_number.values())
    rs = list(rncpkit.read(reference("france-competences", "export_fiches_RS_V4_1_sample.xml")))
    assert [cert.level for cert in rs] == [None] * 5
    assert all(cert.partial_validation is not None for cert in rs)


@pytest.fixture(scope="module")
def flux_schema() -> etree.XMLSchema:
    return etree.XMLSchema(xmlsafe.parse_file(str(SCHEMAS / "fc-flux-v4.1.xsd")))


@pytest.mark.parametrize("name", REAL_V41_SAMPLES)
def test_real_samples_and_their_rewrite_validate_against_the_project_xsd(
    name: str, flux_schema: etree.XMLSchema
) -> None:
    path = reference("france-competences", name)
    assert flux_schema.validate(etree.ElementTree(xmlsafe.parse_bytes(path.read_bytes())))
    rewritten = to_xml(list(rncpkit.read(path)))
    assert flux_schema.validate(etree.ElementTree(xmlsafe.parse_bytes(rewritten)))


def test_seed_and_its_rewrite_validate_against_the_project_xsd(
    seed_xml: Path, flux_schema: etree.XMLSchema
) -> None:
    assert flux_schema.validate(etree.ElementTree(xmlsafe.parse_bytes(seed_xml.read_bytes())))
    assert flux_schema.validate(
        etree.ElementTree(xmlsafe.parse_bytes(to_xml(list(rncpkit.read(seed_xml)))))
    )


def test_the_zip_as_published_is_read(tmp_path: Path, seed_xml: Path) -> None:
    archive = tmp_path / "export-fiches-rncp-v4-1-2026-08-16.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(seed_xml, "export_fiches_RNCP_V4_1_2026-08-16.xml")
    assert [c.number for c in rncpkit.read(archive)] == ["RNCP35080"]


def test_file_objects_and_bytes_are_read(seed_xml: Path) -> None:
    data = seed_xml.read_bytes()
    assert [c.number for c in rncpkit.read(data)] == ["RNCP35080"]
    with seed_xml.open("rb") as handle:
        assert [c.number for c in rncpkit.read(handle)] == ["RNCP35080"]


# --------------------------------------------------------------------- writer details


def test_writer_layout_follows_the_official_export(seed_xml: Path) -> None:
    text = to_xml(list(rncpkit.read(seed_xml))).decode()
    lines = text.splitlines()
    assert lines[0] == '<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
    assert lines[1:4] == ["<FICHES>", "    <VERSION_FLUX>4.1</VERSION_FLUX>", "    <FICHE>"]
    assert lines[4] == "        <NUMERO_FICHE>RNCP35080</NUMERO_FICHE>"
    assert lines[-1] == "</FICHES>"
    assert "<ID_FICHE>" not in text  # absent optional elements are omitted, never empty
    assert "/>" not in text


def test_children_are_written_in_official_order_whatever_the_input_order() -> None:
    data = flux(
        "<DATE_FIN_ENREGISTREMENT>18/11/2025</DATE_FIN_ENREGISTREMENT>"
        "<INTITULE>T</INTITULE><NUMERO_FICHE>RNCP1</NUMERO_FICHE><ID_FICHE>7</ID_FICHE>"
    )
    text = to_xml(list(rncpkit.read(data))).decode()
    order = [text.index(tag) for tag in ("<ID_FICHE>", "<NUMERO_FICHE>", "<INTITULE>", "<DATE_FIN")]
    assert order == sorted(order)


def test_unknown_elements_are_kept_and_written_back_in_place() -> None:
    data = flux(
        "<NUMERO_FICHE>RNCP1</NUMERO_FICHE><NOUVEAU_CHAMP a='1'>x <b>y</b></NOUVEAU_CHAMP>"
        "<INTITULE>T</INTITULE><CERTIFICATEURS><CERTIFICATEUR><NOM_CERTIFICATEUR>N"
        "</NOM_CERTIFICATEUR><AUTRE>z</AUTRE></CERTIFICATEUR></CERTIFICATEURS>"
    )
    [cert] = list(rncpkit.read(data))
    assert [(u.parent, u.position) for u in cert.unknown_elements] == [
        ("FICHE", 1),
        ("FICHE/CERTIFICATEURS/CERTIFICATEUR", 1),
    ]
    assert canonical(to_xml([cert])) == canonical(data)


def test_text_is_escaped_on_write() -> None:
    cert = Certification(number="RNCP1", title="R&D <avancée> « 5 % »")
    [back] = list(rncpkit.read(to_xml([cert])))
    assert back.title == "R&D <avancée> « 5 % »"


def test_characters_xml_cannot_carry_are_an_output_error() -> None:
    cert = Certification(number="RNCP1", title="bell \x07")
    with pytest.raises(OutputError, match="RNCP1"):
        to_xml([cert])


# --------------------------------------------------------------------- errors, located


def first_error(data: bytes) -> FicheError:
    results = list(rncpkit.read_records(data))
    errors = [r for r in results if isinstance(r, FicheError)]
    assert errors, results
    return errors[0]


def test_bad_date_names_line_fiche_and_field() -> None:
    data = flux(
        "<NUMERO_FICHE>RNCP9</NUMERO_FICHE>\n<INTITULE>T</INTITULE>\n"
        "<DATE_DECISION>2020-11-18</DATE_DECISION>"
    )
    error = first_error(data)
    assert (error.fiche, error.line) == ("RNCP9", 4)
    assert error.field == "FICHE/DATE_DECISION"
    assert "JJ/MM/AAAA" in error.message


def test_bad_code_is_located_in_its_list_item() -> None:
    data = flux(
        "<NUMERO_FICHE>RNCP9</NUMERO_FICHE><INTITULE>T</INTITULE>\n<CODES_ROME>\n"
        "<ROME><CODE>K1206</CODE></ROME>\n<ROME>\n<CODE>K12</CODE></ROME></CODES_ROME>"
    )
    error = first_error(data)
    assert error.field == "CODES_ROME/ROME[2]/CODE"
    assert error.line == 6
    assert "K12" in error.message


def test_missing_title_is_reported() -> None:
    error = first_error(flux("<NUMERO_FICHE>RNCP9</NUMERO_FICHE>"))
    assert error.fiche == "RNCP9" and "Field required" in error.message


def test_bad_boolean_and_enum_values() -> None:
    assert (
        "Oui or Non"
        in first_error(
            flux("<NUMERO_FICHE>RNCP9</NUMERO_FICHE><INTITULE>T</INTITULE><ACTIF>Yes</ACTIF>")
        ).message
    )
    error = first_error(
        flux(
            "<NUMERO_FICHE>RNCP9</NUMERO_FICHE><INTITULE>T</INTITULE>"
            "<NOMENCLATURE_EUROPE><NIVEAU>NIV9</NIVEAU></NOMENCLATURE_EUROPE>"
        )
    )
    assert error.field == "NOMENCLATURE_EUROPE/NIVEAU"


def test_duplicate_single_element_is_an_error_not_a_silent_overwrite() -> None:
    error = first_error(
        flux("<NUMERO_FICHE>RNCP9</NUMERO_FICHE><INTITULE>A</INTITULE><INTITULE>B</INTITULE>")
    )
    assert "more than once" in error.message


def test_a_broken_fiche_does_not_stop_the_others() -> None:
    data = flux(
        "<NUMERO_FICHE>RNCP1</NUMERO_FICHE><INTITULE>A</INTITULE>",
        "<NUMERO_FICHE>RNCP2</NUMERO_FICHE><INTITULE>B</INTITULE><ACTIF>peut-être</ACTIF>",
        "<NUMERO_FICHE>RNCP3</NUMERO_FICHE><INTITULE>C</INTITULE>",
    )
    seen: list[str | None] = []
    numbers = [c.number for c in rncpkit.read(data, on_error=lambda e: seen.append(e.fiche))]  # type: ignore[attr-defined]
    assert numbers == ["RNCP1", "RNCP3"] and seen == ["RNCP2"]
    with pytest.raises(FicheError):
        list(rncpkit.read(data))


def test_unsupported_version_is_named() -> None:
    with pytest.raises(UnsupportedVersionError, match=r"'9\.9'"):
        list(rncpkit.read(flux("<NUMERO_FICHE>RNCP1</NUMERO_FICHE>", version="9.9"), "fc-xml"))


def test_truncated_xml_names_the_line() -> None:
    data = flux("<NUMERO_FICHE>RNCP1</NUMERO_FICHE><INTITULE>A</INTITULE>")[:-20]
    with pytest.raises(InputError, match="not well-formed") as caught:
        list(rncpkit.read(data, "fc-xml"))
    assert caught.value.line == 2


def test_doctype_is_refused_before_parsing() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE FICHES [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b"<FICHES><VERSION_FLUX>4.1</VERSION_FLUX><FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE>"
        b"<INTITULE>&x;</INTITULE></FICHE></FICHES>"
    )
    with pytest.raises(UnsafeInputError, match="DOCTYPE"):
        list(rncpkit.read(data, "fc-xml"))
