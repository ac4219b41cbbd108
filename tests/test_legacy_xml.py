"""France Compétences XML flux V3.0 and V2.0: read into the V4.1 model, V3.0 written back."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rncpkit
from rncpkit.errors import FicheError, UsageError
from rncpkit.formats import WriteOptions, detect_format
from rncpkit.formats.fc_xml.legacy import html_to_text, text_to_html
from rncpkit.io import open_input
from rncpkit.model import AccessRouteCode, HabilitationKind, Level
from tests.conftest import FIXTURES, SAMPLES, reference

V30 = FIXTURES / "flux_v3_0.xml"
V20 = FIXTURES / "flux_v2_0.xml"
V30_OPTIONS = WriteOptions(flux_version="3.0")


def _write(certs: list[rncpkit.Certification], options: WriteOptions = V30_OPTIONS) -> bytes:
    out = io.BytesIO()
    rncpkit.write(certs, out, "fc-xml", options=options)
    return out.getvalue()


def test_v30_fixture_maps_every_difference() -> None:
    results = list(rncpkit.read_records(V30))
    cert = results[0].certification  # type: ignore[union-attr]
    assert cert.number == "RNCP35080" and cert.fiche_id == 30001
    assert cert.successors == ["RNCP41336"]  # text NOUVELLE_CERTIFICATION
    assert cert.predecessors == ["RNCP26752", "RNCP16239"]  # trimmed
    assert cert.level is Level.NIV7 and cert.level_label == "Niveau 7"  # INTITULE
    assert cert.nsf[0].label == "Expertise sociale et projets sociaux"  # NSF/INTITULE
    assert cert.formacodes[0].label == " Conduite projet"  # V3.0 LIBELLE, spaces kept
    assert cert.activities == (
        "Le manager d’organismes développe quatre axes :    - Pilotage stratégique"
        "    - Gestion administrative & financière"
    )
    assert cert.attested_skills == (  # CDATA with markup
        "Construire le projet de l’organisme    Promouvoir l'expression des usagers"
    )
    routes = cert.access_routes
    assert [c for c in AccessRouteCode if routes[c].open] == cert.open_routes()
    assert cert.open_routes() == [
        AccessRouteCode.CA, AccessRouteCode.FC, AccessRouteCode.CQ, AccessRouteCode.VAE
    ]  # fmt: skip
    assert (
        routes[AccessRouteCode.CA].jury == "Président et 3 membres    dont 50 % de professionnels"
    )
    assert routes[AccessRouteCode.FI].jury is None and routes[AccessRouteCode.CL].jury == ""
    assert cert.collective_agreements[0].number == "3218" and cert.idcc[0].code == "1518"
    assert cert.statistics[0].certified == 42 and cert.registration_years == 5
    assert cert.creation_decree[0].published_on == dt.date(2020, 11, 20)
    assert cert.blocks[0].competences == "- Construire le projet    - Animer les instances"
    assert cert.blocks[0].assessment_methods == "Mémoire & soutenance"
    # Reported at FICHE level in V3.0 importers: kept verbatim, nothing vanishes.
    assert [u.xml for u in cert.unknown_elements] == [
        "<PREREQUIS_ENTREE_FORMATION_BLOC>Aucun</PREREQUIS_ENTREE_FORMATION_BLOC>"
    ]
    rs = results[1].certification  # type: ignore[union-attr]
    assert rs.number == "RS5841" and rs.partial_validation is False and rs.active is True
    assert set(rs.access_routes) == {AccessRouteCode.FI, AccessRouteCode.FC}
    error = results[2]
    assert isinstance(error, FicheError)
    assert (error.fiche, error.field, error.line) == ("RS6010", "FICHE/SI_JURY_FI", 132)
    assert "Peut-être" in error.message


def test_v20_fixture_escaped_html_cdata_and_empty_publication() -> None:
    [cert] = list(rncpkit.read(V20))
    assert cert.title == "Chef de projet commercial pour l'agroalimentaire"  # CDATA
    assert cert.formacodes[0].label == "Commercialisation agroalimentaire"  # V2.0 INTITULE
    assert cert.partners[0].name == "ISARA & associés"
    assert cert.partners[0].habilitation is HabilitationKind.TRAIN
    assert cert.activities == (
        "Le chef de projet commercial conçoit l'offre.    Il négocie avec la grande distribution."
    )
    assert cert.access_routes[AccessRouteCode.FI].jury == "- Paramétrer le jury : 5 membres"
    assert cert.general_decree == []  # <PUBLICATION_JO/> skipped
    assert cert.predecessors == ["RNCP1197"] and cert.successors == ["RNCP22094"]
    assert cert.activity_regulations == "A compléter (Reprise)"


def test_v30_round_trip_is_lossless_and_stable() -> None:
    certs = list(rncpkit.read(V30, on_error=lambda _e: None))
    first = _write(certs)
    assert b"<VERSION_FLUX>3.0</VERSION_FLUX>" in first
    assert b"<SI_JURY_CA>Oui</SI_JURY_CA>\n        <JURY_CA>" in first
    assert b"<NOUVELLE_CERTIFICATION>RNCP41336</NOUVELLE_CERTIFICATION>" in first
    assert b"Gestion administrative &amp;amp; financi" in first  # text escaped as HTML
    assert list(rncpkit.read(first)) == certs
    assert _write(list(rncpkit.read(first))) == first


def test_v41_sample_written_as_v30_reads_back_identical() -> None:
    certs = list(rncpkit.read(SAMPLES / "RNCP35080.xml"))
    assert list(rncpkit.read(_write(certs))) == certs


def test_v30_and_v41_of_the_same_fiche_give_the_same_model() -> None:
    v30 = list(rncpkit.read(V30, on_error=lambda _e: None))
    v41 = _write(v30, WriteOptions())
    assert b"<VERSION_FLUX>4.1</VERSION_FLUX>" in v41 and b"<JURY_" not in v41
    back = list(rncpkit.read(v41))
    # Unknown elements keep their XML; their position is relative to each version's layout.
    assert [c.model_dump(exclude={"unknown_elements"}) for c in back] == [
        c.model_dump(exclude={"unknown_elements"}) for c in v30
    ]
    assert [u.xml for u in back[0].unknown_elements] == [u.xml for u in v30[0].unknown_elements]


def test_v20_is_readable_but_not_writable() -> None:
    with pytest.raises(UsageError, match=r"cannot write flux version '2\.0'"):
        _write(list(rncpkit.read(V20)), WriteOptions(flux_version="2.0"))


def test_detection_zipped_or_not() -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(V30, "export_fiches_RNCP_V3_0_2023-08-30.xml")
    for source in (V30.read_bytes(), buffer.getvalue()):
        with open_input(source) as opened:
            assert detect_format(opened).name == "fc-xml"
        assert [c.number for c in rncpkit.read(source, on_error=lambda _e: None)] == [
            "RNCP35080",
            "RS5841",
        ]


@pytest.mark.conformance
def test_real_v30_fragment() -> None:
    # Truncated real fragment with a stray attribute: both fiches are read.
    path = reference("france-competences", "export_fiches_V3_0_fragment.xml")
    results = list(rncpkit.read_records(path))
    first = results[0]
    assert not isinstance(first, FicheError)
    assert first.certification.formacodes[0].label == " Maquillage"
    assert first.certification.active is False
    # RS6010 has no INTITULE in the truncated fragment: reported, located.
    assert isinstance(results[1], FicheError) and results[1].fiche == "RS6010"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("plain  text ", "plain  text "),
        ("R&D et T&amp;A", "R&D et T&A"),
        ("<p>a</p>\r\n<p>b &eacute;</p>", "a    b é"),
        ("<ul><li>un</li><li>deux</li></ul>", "- un    - deux"),
        ("x<br/>y<BR>z", "x    y    z"),
        ("<b>gras</b> et <i>italique</i>", "gras et italique"),
        ("a &lt;p&gt; b", "a <p> b"),
        ("1 < 2 > 0", "1 < 2 > 0"),
        ("ligne\nsuite", "ligne    suite"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\u2028\u2029"
        )
    )
)
def test_text_to_html_round_trips_single_line_text(text: str) -> None:
    assert html_to_text(text_to_html(text)) == text
