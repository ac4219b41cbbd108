"""supplement-xml: every document validates against the project XSD and reads back the
fiche fields it carries."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from rncpkit import api, xmlsafe
from rncpkit.cli import cli as main
from rncpkit.errors import FicheError, InputError
from rncpkit.formats import get_format
from rncpkit.formats import supplement_xml as sx
from rncpkit.model import (
    AccessRoute,
    AccessRouteCode,
    Certification,
    CompetenceBlock,
    JournalPublication,
    RomeOccupation,
)
from rncpkit.supplement.content import NAMESPACE, Translations
from tests.conftest import REAL_V41_SAMPLES, SAMPLES, SCHEMAS, reference

NS = {"s": NAMESPACE}

# The model fields the supplement carries (everything else is not part of the template).
CARRIED = [
    "number", "title", "abbreviation", "activities", "attested_skills", "blocks",
    "job_types", "sectors", "rome", "activity_regulations", "certifiers", "level",
    "level_label", "registration_type", "decision_date", "effective_date",
    "registration_years", "registration_end", "issuance_deadline", "last_journal_date",
    "general_decree", "creation_decree", "other_decree", "access_routes",
    "entry_prerequisites", "certification_prerequisites", "partial_validation",
    "partial_validation_scope", "description_url", "successors", "predecessors", "nsf", "active",
    "formacodes",
]  # fmt: skip


def _blank(text: str | None) -> str | None:
    """Slots with a status (no text) read back as None."""
    return text if text is not None and text.strip() else None


def carried(certification: Certification) -> Certification:
    """What reading the supplement of ``certification`` must give back, exactly."""
    values: dict[str, Any] = {name: getattr(certification, name) for name in CARRIED}
    values["certifiers"] = [
        c.model_copy(update={"state_changed_on": None}) for c in certification.certifiers
    ]
    for name in ("job_types", "sectors", "entry_prerequisites"):
        values[name] = _blank(values[name])
    values["blocks"] = [
        b.model_copy(
            update={
                "competences": _blank(b.competences),
                "assessment_methods": _blank(b.assessment_methods),
            }
        )
        for b in certification.blocks
    ]
    return Certification(**values)


@pytest.fixture(scope="module")
def sample() -> Certification:
    return next(api.read(SAMPLES / "RNCP35080.xml"))


def _validate(data: bytes) -> etree._Element:
    root = xmlsafe.parse_bytes(data)
    schema = sx.schema()
    assert schema.validate(root.getroottree()), schema.error_log
    return root


def _read_back(data: bytes) -> list[Certification]:
    return list(api.read(data, "supplement-xml"))


def test_schema_file_is_the_one_the_writer_uses() -> None:
    from rncpkit.supplement import schema_path

    assert schema_path() == SCHEMAS / "certificate-supplement.xsd"
    tree = xmlsafe.parse_file(str(schema_path()))
    assert tree.getroot().get("targetNamespace") == NAMESPACE


def test_sample_validates_and_reads_back(sample: Certification) -> None:
    data = sx.to_bytes(sample)
    root = _validate(data)
    assert root.tag == f"{{{NAMESPACE}}}CertificateSupplement"
    assert root.get("fiche") == "RNCP35080"
    assert _read_back(data) == [carried(sample)]


def test_sample_sections_hold_the_expected_values(sample: Certification) -> None:
    root = _validate(sx.to_bytes(sample))

    def one(path: str) -> etree._Element:
        found = root.xpath(path, namespaces=NS)
        assert isinstance(found, list) and len(found) == 1, path
        element = found[0]
        assert isinstance(element, etree._Element)
        return element

    assert one("s:Title").text == sample.title
    assert one("s:TranslatedTitle").get("status") == "not-in-register"
    assert root.xpath("s:SkillsProfile/s:CompetenceBlock/@code", namespaces=NS) == [
        "RNCP35080BC01", "RNCP35080BC02", "RNCP35080BC03", "RNCP35080BC04",
    ]  # fmt: skip
    assert root.xpath("s:RangeOfOccupations/s:RomeOccupation/@code", namespaces=NS) == [
        "K1206", "M1301", "K1403", "K1802", "M1302",
    ]  # fmt: skip
    body = one("s:OfficialBasis/s:AwardingBodies/s:AwardingBody")
    assert body.get("siret") == "19753471200017"
    assert body.findtext("s:Name", namespaces=NS) == "CONSERVATOIRE NATIONAL DES ARTS ET METIERS"
    assert one("s:OfficialBasis/s:RecognitionAuthority/s:Name").text == "France compétences"
    level = one("s:OfficialBasis/s:Level")
    assert (level.get("national"), level.get("eqf")) == ("NIV7", "7")
    assert len(root.xpath("s:OfficialBasis/s:GradingScale/s:AssessmentMethods", namespaces=NS)) == 1
    assert one("s:OfficialBasis/s:AccessToNextLevel").get("status") == "not-in-register"
    assert one("s:OfficialBasis/s:InternationalAgreements").get("status") == "not-in-register"
    legal = one("s:OfficialBasis/s:LegalBasis")
    assert legal.get("registrationType") == "Enregistrement sur demande"
    assert [(e.tag.split("}")[1], e.text) for e in legal] == [
        ("DecisionDate", "2020-11-18"),
        ("RegistrationYears", "5"),
        ("RegistrationEnd", "2025-11-18"),
        ("State", "L’enregistrement a pris fin : il était valable jusqu’au 18/11/2025."),
        ("State", "The registration has ended: it was valid until 18/11/2025."),
    ]
    assert legal.get("active") == "false"
    routes = root.xpath("s:WaysOfAcquiring/s:Route", namespaces=NS)
    assert [(r.get("code"), r.get("open")) for r in routes] == [
        ("FI", "false"), ("CA", "true"), ("FC", "true"),
        ("CQ", "true"), ("CL", "false"), ("VAE", "true"),
    ]  # fmt: skip
    assert routes[1].xpath("s:Label/@lang", namespaces=NS) == ["fr", "en"]
    assert one("s:WaysOfAcquiring/s:Duration").get("status") == "not-in-register"
    assert one("s:WaysOfAcquiring/s:AcquisitionByBlocks").get("blocks") == "4"
    assert (
        one("s:AdditionalInformation/s:FicheLink").text
        == "https://www.francecompetences.fr/recherche/rncp/35080/"
    )
    assert one("s:AdditionalInformation/s:NationalEuropassCentre").get("href") == (
        "https://agence.erasmusplus.fr/programme-erasmus/outils/europass/"
    )


def test_translated_title_is_flagged_without_legal_status(sample: Certification) -> None:
    root = _validate(sx.to_bytes(sample, "Manager of social and cultural organisations"))
    title = root.find("s:TranslatedTitle", NS)
    assert title is not None
    assert (title.text, title.get("lang"), title.get("legalStatus"), title.get("status")) == (
        "Manager of social and cultural organisations",
        "en",
        "none",
        None,
    )


def test_translations_from_options(tmp_path: Path, sample: Certification) -> None:
    path = tmp_path / "titles.json"
    path.write_text('{"RNCP35080": "From file", "RNCP1": "Other"}', encoding="utf-8")
    from rncpkit.formats import WriteOptions

    translations = Translations.from_options(
        WriteOptions(extra={"translations": str(path), "title_en.RNCP1": " Given "})
    )
    assert translations.titles == {"RNCP35080": "From file", "RNCP1": "Given"}
    assert translations.title(sample) == "From file"
    path.write_text("[1]", encoding="utf-8")
    with pytest.raises(Exception, match="must map fiche numbers"):
        Translations.from_options(WriteOptions(extra={"translations": str(path)}))


def _fiche(number: str, **update: Any) -> Certification:
    return Certification(number=number, title=f"Titre {number}", **update)


def test_minimal_and_rs_fiches_validate_and_read_back() -> None:
    rs = _fiche(
        "RS5000",
        partial_validation=True,
        partial_validation_scope="Bloc 1 seul",
        access_routes={AccessRouteCode.FC: AccessRoute(open=True, jury="Trois membres")},
        general_decree=[JournalPublication(title="Arrêté", published_on=dt.date(2020, 1, 2))],
        other_decree=[JournalPublication(title="Sans date")],
        job_types="   ",
    )
    for fiche in (_fiche("RNCP1"), rs):
        data = sx.to_bytes(fiche)
        root = _validate(data)
        assert _read_back(data) == [carried(fiche)]
    assert root.get("register") == "RS"
    # an RS fiche has no level, no job types by nature: not-applicable, never "missing"
    level = root.find("s:OfficialBasis/s:Level", NS)
    assert level is not None and level.get("status") == "not-applicable"
    assert [(n.get("lang"), n.text) for n in level.findall("s:Note", NS)] == [
        ("fr", "Sans objet : une certification du Répertoire spécifique n’a pas de niveau de "
         "qualification ; le cadre national des certifications professionnelles (décret "
         "n° 2019-14) ne classe que les certifications du RNCP."),
        ("en", "Not applicable: a certification registered in the Répertoire spécifique has no "
         "qualification level; the national framework of professional certifications (Decree "
         "No. 2019-14) grades RNCP certifications only."),
    ]  # fmt: skip
    routes = root.findall("s:WaysOfAcquiring/s:Route", NS)
    assert [r.get("open") for r in routes] == [None, None, "true", None, None, None]
    jobs = root.find("s:RangeOfOccupations/s:JobTypes", NS)
    assert jobs is not None and jobs.get("status") == "not-applicable" and not jobs.text
    plain = sx.to_bytes(_fiche("RNCP1"))
    jobs = xmlsafe.parse_bytes(plain).find("s:RangeOfOccupations/s:JobTypes", NS)
    assert jobs is not None and jobs.get("status") == "not-provided"


def test_several_fiches_stream_into_a_wrapper(sample: Certification) -> None:
    fiches = [sample, _fiche("RNCP2"), _fiche("RS3")]
    buffer = io.BytesIO()
    assert api.write(fiches, buffer, "supplement-xml") == 3
    data = buffer.getvalue()
    root = _validate(data)
    assert root.tag == f"{{{NAMESPACE}}}CertificateSupplements"
    assert [c.get("fiche") for c in root] == ["RNCP35080", "RNCP2", "RS3"]
    assert _read_back(data) == [carried(f) for f in fiches]


def test_no_fiche_gives_an_empty_valid_wrapper() -> None:
    buffer = io.BytesIO()
    assert api.write([], buffer, "supplement-xml") == 0
    root = _validate(buffer.getvalue())
    assert len(root) == 0
    assert _read_back(buffer.getvalue()) == []


def test_format_is_detected_from_content(sample: Certification) -> None:
    assert [c.number for c in api.read(sx.to_bytes(sample))] == ["RNCP35080"]
    assert get_format("supplement-xml").reader is not None


def test_invalid_supplement_is_a_located_fiche_error(sample: Certification) -> None:
    data = sx.to_bytes(sample).replace(b' code="K1206"', b' code="bad"')
    results = list(api.read_records(data, "supplement-xml"))
    assert len(results) == 1 and isinstance(results[0], FicheError)
    assert results[0].fiche == "RNCP35080" and results[0].line == 2
    assert "not a valid certificate supplement" in str(results[0])


def test_other_xml_is_refused() -> None:
    with pytest.raises(InputError, match="no CertificateSupplement"):
        list(api.read(b"<FICHES/>", "supplement-xml"))
    with pytest.raises(InputError, match="not well-formed"):
        list(api.read(f'<CertificateSupplement xmlns="{NAMESPACE}">'.encode(), "supplement-xml"))


def test_doctype_is_refused(sample: Certification) -> None:
    data = sx.to_bytes(sample).replace(b"?>\n", b'?>\n<!DOCTYPE x [<!ENTITY e "boom">]>\n', 1)
    with pytest.raises(InputError):
        list(api.read(data, "supplement-xml"))


_XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), min_size=0, max_size=40)
_NONEMPTY = _XML_TEXT.filter(lambda s: s.strip() != "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=_NONEMPTY,
    job_types=st.none() | _XML_TEXT,
    competences=st.none() | _XML_TEXT,
    jury=st.none() | _XML_TEXT,
    open_=st.booleans(),
    rome_label=_NONEMPTY,
    years=st.none() | st.integers(0, 99),
    end=st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2999, 12, 31)),
)
def test_round_trip_any_text(
    sample: Certification,
    title: str,
    job_types: str | None,
    competences: str | None,
    jury: str | None,
    open_: bool,
    rome_label: str,
    years: int | None,
    end: dt.date | None,
) -> None:
    fiche = sample.model_copy(
        update={
            "title": title,
            "job_types": job_types,
            "blocks": [CompetenceBlock(code="RNCP35080BC01", label=title, competences=competences)],
            "access_routes": {AccessRouteCode.CL: AccessRoute(open=open_, jury=jury)},
            "rome": [RomeOccupation(code="A1234", label=rome_label)],
            "registration_years": years,
            "registration_end": end,
        }
    )
    data = sx.to_bytes(fiche)
    _validate(data)
    assert _read_back(data) == [carried(fiche)]


def test_cli_writes_and_reads_supplement_xml(tmp_path: Path) -> None:
    out = tmp_path / "supplement.xml"
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "convert", str(SAMPLES / "RNCP35080.xml"), "--to", "supplement-xml", "-o", str(out),
            "-O", "title_en.RNCP35080=Manager of social and cultural organisations",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    root = _validate(out.read_bytes())
    assert root.findtext("s:TranslatedTitle", namespaces=NS) == (
        "Manager of social and cultural organisations"
    )
    back = tmp_path / "back.json"
    result = runner.invoke(main, ["convert", str(out), "--to", "json", "-o", str(back)])
    assert result.exit_code == 0, result.output
    assert Certification.model_validate_json(back.read_bytes()).title == root.findtext(
        "s:Title", namespaces=NS
    )


@pytest.mark.conformance
@pytest.mark.parametrize("name", REAL_V41_SAMPLES)
def test_real_fiches_validate_and_read_back(name: str) -> None:
    path = reference("france-competences", name)
    fiches = list(api.read(path))
    assert fiches
    for fiche in fiches:
        data = sx.to_bytes(fiche)
        _validate(data)
        assert _read_back(data) == [carried(fiche)], fiche.number


def test_text_xml_cannot_carry_rejects_that_fiche_only(sample: Certification) -> None:
    """Through the one XML writer: a control character refuses the fiche (named), and the
    others are written whole, the wrapper valid."""
    from rncpkit.errors import OutputError
    from rncpkit.formats import WriteOptions

    bad = sample.model_copy(update={"number": "RNCP1", "activities": "bad \x01 text"})
    for first, second in ((sample, bad), (bad, sample)):
        out = io.BytesIO()
        writer = sx.SupplementXmlWriter(out, WriteOptions())
        errors = []
        fiches = (first, sample.model_copy(update={"number": "RNCP2"}), second)
        for fiche in fiches:
            try:
                writer.write(fiche)
            except OutputError as exc:
                errors.append(exc)
        writer.close()
        assert [(e.fiche, e.field) for e in errors] == [("RNCP1", "Activities")]
        expected = [f.number for f in fiches if f is not bad]
        assert [c.number for c in _read_back(out.getvalue())] == expected
        assert b"\x01" not in out.getvalue()
