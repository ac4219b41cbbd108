"""Europass ELM 3 LOQ XML: content of the graph, XSD conformance, bulk errors, reading back."""

from __future__ import annotations

import io
import os
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import rncpkit
from rncpkit import xmlsafe
from rncpkit.api import convert
from rncpkit.cli import cli
from rncpkit.errors import OutputError
from rncpkit.europass import mapping
from rncpkit.formats import WriteOptions, detect_format
from rncpkit.formats.europass_xml import NS, LoqWriter
from rncpkit.io import open_input
from rncpkit.model import Certification, Certifier, CompetenceBlock, RegistrationType
from tests.conftest import FC_REFERENCE, REAL_V41_SAMPLES, SAMPLES, reference

SKOS = "http://www.w3.org/2004/02/skos/core#"
N = {"l": NS, "skos": SKOS, "dc": "http://purl.org/dc/terms/"}
BASE = "https://data.example.fr/rncp/"


def seed() -> Certification:
    return next(rncpkit.read(SAMPLES / "RNCP35080.xml"))


def loq(*certs: Certification, **options: object) -> bytes:
    out = io.BytesIO()
    writer = LoqWriter(out, WriteOptions(**options))  # type: ignore[arg-type]
    for cert in certs:
        writer.write(cert)
    writer.close()
    return out.getvalue()


def parse(data: bytes) -> etree._Element:
    return xmlsafe.parse_bytes(data)


def xpath(root: etree._Element, path: str) -> list[str]:
    return [str(v) for v in root.xpath(path, namespaces=N)]  # type: ignore[union-attr]


def qual(root: etree._Element, ident: str) -> etree._Element:
    found = root.xpath(
        f"l:learningAchievementSpecificationReferences/l:qualification[@id='{ident}']", namespaces=N
    )
    assert isinstance(found, list) and len(found) == 1
    element = found[0]
    assert isinstance(element, etree._Element)
    return element


# --------------------------------------------------------------------------- content


def test_seed_qualification_content() -> None:
    root = parse(loq(seed(), base_uri=BASE))
    q = qual(root, BASE + "RNCP35080")
    assert xpath(q, "l:identifier/skos:notation/text()") == ["RNCP35080"]
    assert xpath(q, "l:identifier/l:schemeAgency/text()") == ["France compétences"]
    assert xpath(q, "l:title[@language='fr']/text()") == [
        "Manager d’organismes à vocation sociale et culturelle en économie sociale et solidaire"
    ]
    assert xpath(q, "l:EQFLevel/@uri") == ["http://data.europa.eu/snb/eqf/7"]
    assert xpath(q, "l:NQFLevel/@uri") == ["http://data.europa.eu/snb/qdr/c_828fbcc3"]
    # NSF 332n, 310m, 330p → social work, management, health-and-welfare inter-disciplinary
    assert xpath(q, "l:ISCEDFCode/@uri") == [
        "http://data.europa.eu/snb/isced-f/0923",
        "http://data.europa.eu/snb/isced-f/0413",
        "http://data.europa.eu/snb/isced-f/0988",
    ]
    assert xpath(q, "l:educationSubject/skos:notation/text()") == [
        "332n",
        "310m",
        "330p",
        "32135",
        "32142",
        "44047",
        "44037",
    ]
    assert xpath(q, "l:language/@uri") == [
        "http://publications.europa.eu/resource/authority/language/FRA"
    ]
    assert xpath(q, "l:homepage/l:contentUrl/text()") == [
        "https://www.francecompetences.fr/recherche/rncp/35080/"
    ]
    assert xpath(q, "l:isPartialQualification/text()") == ["false"]
    assert xpath(q, "l:entryRequirement/l:noteLiteral/text()")[0].startswith(
        "Avoir une année d’expérience professionnelle"
    )
    subjects = xpath(q, "l:additionalNote/dc:subject/skos:prefLabel/text()")
    assert subjects == ["Activités visées", "Secteurs d'activité"]
    # 4 blocks with 5 + 3 + 3 + 4 competences
    assert len(xpath(q, "l:learningOutcome/@idref")) == 15
    assert xpath(q, "l:hasPart/@idref") == [BASE + f"RNCP35080BC0{i}" for i in range(1, 5)]


def test_blocks_are_partial_qualifications() -> None:
    root = parse(loq(seed(), base_uri=BASE))
    block = qual(root, BASE + "RNCP35080BC02")
    assert xpath(block, "l:identifier/skos:notation/text()") == ["RNCP35080BC02"]
    assert xpath(block, "l:isPartialQualification/text()") == ["true"]
    assert xpath(block, "l:isPartOf/@idref") == [BASE + "RNCP35080"]
    assert xpath(block, "l:EQFLevel/@uri") == ["http://data.europa.eu/snb/eqf/7"]
    outcomes = xpath(block, "l:learningOutcome/@idref")
    assert outcomes == [BASE + f"RNCP35080BC02/outcome/{i}" for i in (1, 2, 3)]
    titles = [
        xpath(root, f"l:learningOutcomeReferences/l:learningOutcome[@id='{o}']/l:title/text()")[0]
        for o in outcomes
    ]
    assert titles[1] == "Construire et suivre le budget de l’organisme"
    assessment = xpath(block, "l:provenBy/@idref")
    assert assessment == [BASE + "RNCP35080BC02/assessment"]
    spec = root.xpath(
        f"l:learningAssessmentSpecificationReferences/l:learningAssessmentSpecification"
        f"[@id='{assessment[0]}']",
        namespaces=N,
    )[0]  # type: ignore[index]
    # "mémoire" → project work, "Soutenance orale" → oral, "cas pratiques" → practical
    assert set(xpath(spec, "l:type/@uri")) == {
        "http://data.europa.eu/snb/assessment/d30284d7df",
        "http://data.europa.eu/snb/assessment/6a4db9f11d",
        "http://data.europa.eu/snb/assessment/795dac4096",
        "http://data.europa.eu/snb/assessment/6e6cb2cc78",
    }
    assert xpath(spec, "l:proves/@idref") == [BASE + "RNCP35080BC02"]


def test_routes_entitlement_awarding_and_accreditation() -> None:
    root = parse(loq(seed(), base_uri=BASE))
    activities = root.xpath(
        "l:learningActivitySpecificationReferences/l:learningActivitySpecification", namespaces=N
    )
    assert isinstance(activities, list)
    routes = {a.get("id").rsplit("/", 1)[-1]: xpath(a, "l:type/@uri") for a in activities}  # type: ignore[union-attr]
    assert routes == {  # FI and CL are closed on this fiche
        "CA": ["http://data.europa.eu/snb/learning-activity/d46a826a39"],
        "FC": ["http://data.europa.eu/snb/learning-activity/fd33e234ae"],
        "CQ": ["http://data.europa.eu/snb/learning-activity/d46a826a39"],
        "VAE": ["http://data.europa.eu/snb/learning-activity/4357e0e681"],
    }
    ent = "l:learningEntitlementSpecificationReferences/l:learningEntitlementSpecification"
    assert xpath(root, f"{ent}/l:limitNationalOccupation/skos:notation/text()") == [
        "K1206",
        "M1301",
        "K1403",
        "K1802",
        "M1302",
    ]
    assert xpath(root, f"{ent}/l:type/@uri") == ["http://data.europa.eu/snb/entitlement/52f62180c2"]
    org = BASE + "organisation/siret/19753471200017"
    q = qual(root, BASE + "RNCP35080")
    assert xpath(q, "l:awardingOpportunity/l:awardingBody/@idref") == [org]
    assert xpath(q, "l:awardingOpportunity/l:temporal/*/text()") == [
        "2020-11-18T00:00:00",
        "2025-11-18T00:00:00",
    ]
    orgs = "l:agentReferences/l:organisation"
    assert xpath(root, f"{orgs}[@id='{org}']/l:registration/skos:notation/text()") == [
        "19753471200017"
    ]
    assert xpath(root, f"{orgs}[@id='{org}']/l:registration/l:schemeName/text()") == ["SIRET"]
    assert xpath(root, f"{orgs}[@id='{org}']/skos:altLabel/text()") == ["Le Cnam"]
    acc = "l:accreditationReferences/l:accreditation"
    assert xpath(root, f"{acc}/l:accreditingAgent/@idref") == [
        BASE + "organisation/france-competences"
    ]
    assert xpath(root, f"{acc}/l:title[@language='fr']/text()") == [
        "Enregistrement sur demande au répertoire national des certifications "
        "professionnelles (RNCP), par décision du directeur général de France compétences "
        "après avis de la commission de la certification professionnelle, pour une durée "
        "limitée de cinq ans au plus (article L. 6113-5 du code du travail)."
    ]
    assert xpath(root, f"{acc}/l:title[@language='en']/text()") == [
        "Registered on request in the national register of professional certifications "
        "(RNCP, répertoire national des certifications professionnelles) by decision of the "
        "director general of France compétences, after the opinion of its professional "
        "certification committee (commission de la certification professionnelle), for a "
        "limited period of at most five years (article L. 6113-5 of the French Labour Code)."
    ]
    assert xpath(root, f"{acc}/l:issued/text()") == ["2020-11-18T00:00:00"]
    assert xpath(root, f"{acc}/l:expiryDate/text()") == ["2025-11-18T00:00:00"]


def test_registration_by_right_is_still_registered_by_france_competences() -> None:
    """By right (L. 6113-5: at the ministry's request) or on request, the registration is
    France compétences' act: it is the accrediting agent, the title says the rest."""
    ministry = Certifier(siret="11004401300040", name="MINISTERE DE L'ENSEIGNEMENT SUPERIEUR")
    cert = seed().model_copy(
        update={
            "registration_type": RegistrationType.BY_RIGHT,
            "certifiers": [*seed().certifiers, ministry],
        }
    )
    root = parse(loq(cert, base_uri=BASE))
    assert xpath(root, "l:accreditationReferences/l:accreditation/l:accreditingAgent/@idref") == [
        BASE + "organisation/france-competences"
    ]
    assert xpath(
        root, "l:accreditationReferences/l:accreditation/l:title[@language='fr']/text()"
    ) == [
        "Enregistrement de droit au répertoire national des certifications professionnelles "
        "(RNCP), à la demande du ministère qui la délivre : les diplômes et titres à finalité "
        "professionnelle délivrés au nom de l’État y sont enregistrés pour la durée de leur "
        "validité (article L. 6113-5 du code du travail)."
    ]
    (back,) = read_back(loq(cert, base_uri=BASE))
    assert back.registration_type is RegistrationType.BY_RIGHT
    assert xpath(root, "l:accreditationReferences/l:accreditation/l:organisation/@idref") == [
        BASE + "organisation/siret/19753471200017",
        BASE + "organisation/siret/11004401300040",
    ]


def test_default_base_uri_and_fallback_outcomes() -> None:
    cert = seed().model_copy(update={"blocks": []})
    root = parse(loq(cert))
    q = qual(root, "https://rncpkit.invalid/RNCP35080")
    # no blocks: the attested capacities, split at the flux's flattened line breaks
    outcomes = xpath(root, "l:learningOutcomeReferences/l:learningOutcome/l:title/text()")
    assert len(outcomes) == 15 == len(xpath(q, "l:learningOutcome/@idref"))
    assert outcomes[0] == (
        "Construire et développer le projet de l’organisme en cohérence avec l’objet social "
        "de l’organisme"
    )


def test_containers_in_xsd_order_and_shared_entities_once() -> None:
    other = seed().model_copy(update={"number": "RNCP99999", "blocks": []})
    root = parse(loq(seed(), other))
    assert [etree.QName(c).localname for c in root] == [
        "learningAchievementSpecificationReferences",
        "learningOutcomeReferences",
        "learningActivitySpecificationReferences",
        "learningAssessmentSpecificationReferences",
        "learningEntitlementSpecificationReferences",
        "agentReferences",
        "accreditationReferences",
        "locationReferences",
    ]
    assert root.get("xsdVersion") == "3.1.0"
    assert len(xpath(root, "l:agentReferences/l:organisation/@id")) == 2  # Cnam + FC, once
    assert len(xpath(root, "l:locationReferences/l:location/@id")) == 1


# --------------------------------------------------------------------------- errors


def test_rs_fiche_needs_an_eqf_level() -> None:
    cert = seed().model_copy(update={"number": "RS5000", "level": None, "blocks": []})
    with pytest.raises(OutputError) as caught:
        loq(cert)
    assert caught.value.fiche == "RS5000" and caught.value.field == "level"
    assert "--eqf-level" in str(caught.value)
    root = parse(loq(cert, eqf_level=4))
    assert xpath(root, "//l:EQFLevel/@uri") == ["http://data.europa.eu/snb/eqf/4"]
    # no RNCP level for an RS fiche: the French framework itself, and a note saying whose
    # statement the EQF level is
    assert xpath(root, "//l:NQFLevel/@uri") == ["http://data.europa.eu/snb/qdr/c_c8bc1cb9"]
    assert xpath(
        root,
        "//l:additionalNote[dc:subject/@uri='https://rncpkit.invalid/scheme/note-subject/niveau']/l:noteLiteral/text()",
    ) == [
        "Sans objet : une certification du Répertoire spécifique n’a pas de niveau de "
        "qualification ; le cadre national des certifications professionnelles (décret "
        "n° 2019-14) ne classe que les certifications du RNCP. Le niveau 4 du cadre européen "
        "des certifications (CEC) figurant ici est déclaré par l’éditeur de ce fichier, non "
        "par France compétences."
    ]
    assert xpath(root, "//l:qualification/l:homepage/l:contentUrl/text()") == [
        "https://www.francecompetences.fr/recherche/rs/5000/"
    ]
    assert "an RS fiche has no level by nature" in str(caught.value)
    with pytest.raises(OutputError, match="no French NQF concept"):
        loq(cert.model_copy(update={"number": "RNCP5000"}), eqf_level=2)


def test_missing_isced_is_an_error_unless_forced() -> None:
    cert = seed().model_copy(update={"nsf": []})
    with pytest.raises(OutputError) as caught:
        loq(cert)
    assert caught.value.field == "nsf"
    root = parse(loq(cert, extra={"isced": "0413,0923"}))
    assert xpath(root, "//l:ISCEDFCode/@uri")[:2] == [
        "http://data.europa.eu/snb/isced-f/0413",
        "http://data.europa.eu/snb/isced-f/0923",
    ]


def test_failed_fiche_writes_no_bytes_and_others_survive() -> None:
    out = io.BytesIO()
    writer = LoqWriter(out, WriteOptions())
    bad_text = seed().model_copy(update={"number": "RNCP1", "title": "bad \x01 title"})
    no_level = seed().model_copy(update={"number": "RNCP2", "level": None})
    for cert in (bad_text, no_level):
        with pytest.raises(OutputError) as caught:
            writer.write(cert)
        assert caught.value.fiche == cert.number
    writer.write(seed())
    with pytest.raises(OutputError, match="twice"):
        writer.write(seed())
    writer.close()
    root = parse(out.getvalue())
    assert xpath(root, "//l:qualification[l:isPartialQualification='false']/@id") == [
        "https://rncpkit.invalid/RNCP35080"
    ]


def test_bulk_conversion_lists_failures(tmp_path: Path) -> None:
    rs = reference("france-competences", "export_fiches_RS_V4_1_sample.xml")
    target = tmp_path / "rs.xml"
    summary = convert(rs, target, "europass-xml")
    assert (summary.read, summary.written, summary.rejected) == (5, 0, 5)
    # every rejection located (file, line, fiche, field); then: nothing was written
    assert [e.fiche for e in summary.errors] == [
        "RS6232", "RS5719", "RS6547", "RS5000", "RS7485", None
    ]  # fmt: skip
    lines = [int(line) for line in re.findall(r"^\s*<FICHE>", rs.read_text(), re.M) and [
        n for n, text in enumerate(rs.read_text().splitlines(), 1) if text.strip() == "<FICHE>"
    ]]  # fmt: skip
    located = [e for e in summary.errors if isinstance(e, OutputError) and e.fiche]
    assert [(e.file, e.line, e.field) for e in located] == [
        (str(rs), line, "level") for line in lines
    ]
    assert "no fiche could be written, so no file was written" in str(summary.errors[-1])
    assert not target.exists() and list(tmp_path.iterdir()) == []
    result = (
        __import__("click.testing")
        .testing.CliRunner()
        .invoke(cli, ["convert", str(rs), "--to", "europass-xml", "-o", str(target)])
    )
    assert result.exit_code == 1
    assert f"{rs}:{lines[3]}: fiche RS5000: field level: LOQ requires an EQF level" in result.output
    assert "europass-xml: no fiche could be written, so no file was written" in result.output
    assert result.output.count("placeholder https://rncpkit.invalid/") == 1
    assert not target.exists()
    result = (
        __import__("click.testing")
        .testing.CliRunner()
        .invoke(
            cli, ["convert", str(rs), "--to", "europass-xml", "--eqf-level", "4", "-o", str(target)]
        )
    )
    assert result.exit_code == 0, result.output
    assert len(xpath(parse(target.read_bytes()), "//l:EQFLevel")) == 5


# --------------------------------------------------------------------------- XSD conformance


@pytest.fixture(scope="module")
def loq_schema() -> etree.XMLSchema:
    path = reference("europass", "loq-xsd-3.1", "loq.xsd")
    tree = xmlsafe.parse_file(str(path))
    tree.docinfo.URL = str(path)  # includes (cv/, external/) resolve next to the XSD
    return etree.XMLSchema(tree)


def assert_valid(schema: etree.XMLSchema, data: bytes) -> None:
    document = etree.ElementTree(parse(data))
    if not schema.validate(document):
        errors = [f"{e.line}: {e.message}" for e in list(schema.error_log)[:5]]
        raise AssertionError("\n".join(errors))


@pytest.mark.conformance
def test_schema_is_strict(loq_schema: etree.XMLSchema) -> None:
    """The validator really checks: an official example passes, a broken document fails."""
    example = reference("europass", "loq-xsd-3.1", "loq.xml")
    assert loq_schema.validate(etree.ElementTree(parse(example.read_bytes())))
    data = loq(seed()).replace(b"<isPartialQualification>false</isPartialQualification>\n", b"")
    data = data.replace(b'<NQFLevel uri="http://data.europa.eu/snb/qdr/c_828fbcc3"/>', b"", 1)
    assert not loq_schema.validate(etree.ElementTree(parse(data)))


@pytest.mark.conformance
def test_seed_and_real_samples_validate_in_one_document(loq_schema: etree.XMLSchema) -> None:
    certs = [seed()]
    for name in REAL_V41_SAMPLES:
        certs.extend(rncpkit.read(reference("france-competences", name)))
    data = loq(*certs, eqf_level=5, base_uri=BASE)
    assert_valid(loq_schema, data)
    root = parse(data)
    full = xpath(
        root,
        "//l:qualification[l:isPartialQualification='false']/l:identifier/skos:notation/text()",
    )
    assert full == [c.number for c in certs]


@pytest.mark.conformance
@pytest.mark.parametrize("name", REAL_V41_SAMPLES)
def test_each_real_sample_validates(loq_schema: etree.XMLSchema, name: str) -> None:
    certs = list(rncpkit.read(reference("france-competences", name)))
    assert_valid(loq_schema, loq(*certs, eqf_level=5))


@pytest.mark.conformance
def test_certifier_without_siret(loq_schema: etree.XMLSchema) -> None:
    certs = {c.number: c for c in rncpkit.read(FC_REFERENCE / REAL_V41_SAMPLES[0])}
    cert = certs["RNCP40344"]
    root = parse(loq(cert))
    names = xpath(root, "l:agentReferences/l:organisation/l:legalName/text()")
    assert "SNVEL" in names
    # the slug loses the case: the digest of the exact name follows it
    assert "https://rncpkit.invalid/organisation/snvel.3f9065ca" in xpath(
        root, "l:agentReferences/l:organisation/@id"
    )
    assert_valid(loq_schema, loq(cert))


# --------------------------------------------------------------------------- reading back

CARRIED = {
    "number",
    "title",
    "abbreviation",
    "state",
    "formacodes",
    "level",
    "level_label",
    "nsf",
    "activities",
    "attested_skills",
    "sectors",
    "job_types",
    "rome",
    "activity_regulations",
    "decision_date",
    "description_url",
    "registration_end",
    "effective_date",
    "registration_type",
    "blocks",
    "objectives",
    "mastery_level",
    "partial_validation_scope",
    "entry_prerequisites",
    "publication_date",
    "certification_prerequisites",
    "validity_duration",
    "renewal_terms",
}
"""Fields LOQ carries exactly (certifiers and access routes are compared apart)."""


def read_back(data: bytes) -> list[Certification]:
    return list(rncpkit.read(data, "europass-xml"))


def assert_round_trip(original: Certification, back: Certification) -> None:
    a, b = original.model_dump(), back.model_dump()
    assert {k: a[k] for k in CARRIED} == {k: b[k] for k in CARRIED}
    assert [(c.siret, c.name, c.trade_name) for c in original.certifiers] == [
        (c.siret, c.name, c.trade_name) for c in back.certifiers
    ]
    for code, route in back.access_routes.items():
        source = original.access_routes.get(code)
        assert route.open == (source is not None and source.open)
        assert route.jury == (source.jury if source is not None and source.open else None)


@pytest.mark.parametrize("names", [(":", ";"), ("X", "Ȝ"), ("snvel", "SNVEL")])
def test_certifiers_whose_names_share_a_slug_stay_distinct(names: tuple[str, str]) -> None:
    """Regression: two certifiers without SIRET whose names reduce to the same slug got
    one URI, and the second vanished from the LOQ output (found by hypothesis)."""
    cert = seed().model_copy(update={"certifiers": [Certifier(name=n) for n in names]})
    data = loq(cert, base_uri=BASE)
    ids = xpath(parse(data), "l:agentReferences/l:organisation/@id")
    mine = [i for i in ids if i != BASE + "organisation/france-competences"]
    assert len(mine) == 2 and len(set(mine)) == 2
    assert xpath(parse(data), "l:agentReferences/l:organisation/l:legalName/text()")[:2] == [*names]
    (back,) = read_back(data)
    assert [c.name for c in back.certifiers] == [*names]
    # stable across runs and documents: the URI depends on the exact name only
    alone = seed().model_copy(update={"certifiers": [Certifier(name=names[1])]})
    assert mine[1] in xpath(
        parse(loq(alone, base_uri=BASE)), "l:agentReferences/l:organisation/@id"
    )


def test_organisation_uris_by_name() -> None:
    from rncpkit.europass.graph import Uris

    uris = Uris(BASE)
    org = BASE + "organisation/"
    assert uris.organisation(Certifier(name=":")) == org + "x.e7ac0786"
    assert uris.organisation(Certifier(name=";")) == org + "x.41b805ea"
    assert uris.organisation(Certifier(name="x")) == org + "x"  # its own slug: no digest
    assert uris.organisation(Certifier(name="X")) == org + "x.4b68ab38"
    assert uris.organisation(Certifier(name="Ȝ")) == org + "x.1a01b046"
    assert uris.organisation(Certifier(name="X", siret="12345678900011")) == (
        org + "siret/12345678900011"
    )
    assert uris.organisation(Certifier(name="France Compétences")) == org + "france-competences"


def test_read_back_seed() -> None:
    original = seed()
    (back,) = read_back(loq(original, base_uri=BASE))
    assert_round_trip(original, back)
    assert back.level is not None and back.level.value == "NIV7"
    assert [b.code for b in back.blocks] == original.block_codes
    assert back.blocks[0].competences == original.blocks[0].competences


def test_read_back_real_samples_and_detection() -> None:
    originals = []
    for name in REAL_V41_SAMPLES:
        originals.extend(rncpkit.read(reference("france-competences", name)))
    data = loq(*originals, eqf_level=5)
    with open_input(data) as opened:
        assert detect_format(opened).name == "europass-xml"
    backs = list(rncpkit.read(data))  # detected from content
    assert [b.number for b in backs] == [o.number for o in originals]
    for original, back in zip(originals, backs, strict=True):
        assert_round_trip(original, back)
    rs = {b.number: b for b in backs}["RS5000"]
    assert rs.level is None  # the EQF level was supplied for LOQ, not part of the fiche


def test_cli_reads_loq_back(tmp_path: Path) -> None:
    from click.testing import CliRunner

    loq_file = tmp_path / "seed.xml"
    loq_file.write_bytes(loq(seed()))
    result = CliRunner().invoke(
        cli, ["convert", str(loq_file), "--from", "europass-xml", "--to", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    assert '"number":"RNCP35080"' in result.output.splitlines()[0]


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from(["\n", "\t", "\r", " ", "&", "<", ">", "]"]),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT, objectives=_TEXT, competences=_TEXT, methods=_TEXT, jury=_TEXT)
def test_free_text_round_trips_exactly(
    title: str, objectives: str, competences: str, methods: str, jury: str
) -> None:
    base = seed()
    routes = dict(base.access_routes)
    routes[next(iter(base.open_routes()))] = routes[base.open_routes()[0]].model_copy(
        update={"jury": jury}
    )
    cert = base.model_copy(
        update={
            "title": title,
            "objectives": objectives,
            "access_routes": routes,
            "blocks": [
                CompetenceBlock(
                    code="RNCP35080BC01",
                    label=title,
                    competences=competences,
                    assessment_methods=methods,
                )
            ],
        }
    )
    (back,) = read_back(loq(cert))
    assert_round_trip(cert, back)


REAL_SOURCES = [
    *REAL_V41_SAMPLES,
    "export-fiches-csv-2024-02-22.zip",  # read by fc-csv
    "export_fiches_V3_0_fragment.xml",  # read by fc-xml (legacy flux, truncated on purpose)
]


@pytest.mark.conformance
@pytest.mark.parametrize("name", REAL_SOURCES)
def test_every_real_sample_converts_to_the_three_formats(
    loq_schema: etree.XMLSchema, name: str, tmp_path: Path
) -> None:
    """Every fiche the readers accept converts; only input errors are rejected. Fiches without
    NSF code (RS5841 of the V3.0 fragment) need the crosswalk's ``*`` default."""
    source = reference("france-competences", name)
    crosswalk = tmp_path / "nsf.tsv"
    crosswalk.write_text("*\t0413\n", "utf-8")
    options = WriteOptions(eqf_level=5, extra={"nsf-isced": str(crosswalk)})
    readable = sum(1 for r in rncpkit.read_records(source) if not isinstance(r, rncpkit.FicheError))
    assert readable >= 1
    for to in ("europass-xml", "europass-jsonld", "openbadges"):
        target = tmp_path / f"out.{to}"
        summary = convert(source, target, to, options=options)
        assert summary.written == readable, summary.errors
        assert all(isinstance(e, rncpkit.FicheError) for e in summary.errors)
    assert_valid(loq_schema, (tmp_path / "out.europass-xml").read_bytes())


def test_reader_rejects_bad_fiches_and_doctype() -> None:
    good = loq(seed())
    bad_date = good.replace(b"<issued>2020-11-18T00:00:00</issued>", b"<issued>18/11/2020</issued>")
    (result,) = rncpkit.read_records(bad_date, "europass-xml")
    assert isinstance(result, rncpkit.FicheError)
    assert "accreditation" in result.message and result.line == 4  # its qualification
    doctype = good.replace(b"<Courses", b'<!DOCTYPE Courses [<!ENTITY x "y">]>\n<Courses', 1)
    with pytest.raises(rncpkit.UnsafeInputError):
        list(rncpkit.read(doctype, "europass-xml"))
    with pytest.raises(rncpkit.InputError, match="not well-formed"):
        list(rncpkit.read(good[:-20], "europass-xml"))


def test_reader_walks_the_tables_strictly_but_passes_over_other_languages() -> None:
    """The reader is xmltable's generic walk: an element LOQ allows once per value that
    appears twice rejects its fiche, naming the element (as every rncpkit XML reader
    does); a title in another language (LOQ allows one per language) is passed over."""
    cert = seed()
    good = loq(cert, base_uri=BASE)
    title = f'<title language="fr">{cert.title}</title>'.encode()
    assert good.count(title) == 1
    english = good.replace(title, title + b'<title language="en">Network technician</title>')
    (back,) = read_back(english)
    assert back.title == cert.title
    eqf = re.search(rb"<EQFLevel [^>]*/>", good)
    assert eqf is not None
    twice = good.replace(eqf.group(), eqf.group() * 2, 1)
    (result,) = rncpkit.read_records(twice, "europass-xml")
    assert isinstance(result, rncpkit.FicheError)
    assert "<EQFLevel> appears more than once" in result.message and result.line == 4


def test_ids_stay_unique(loq_schema: etree.XMLSchema) -> None:
    base = seed()
    twice = base.model_copy(update={"blocks": [base.blocks[0], base.blocks[0]]})
    with pytest.raises(OutputError) as caught:
        loq(twice)
    assert (caught.value.fiche, caught.value.field) == ("RNCP35080", "blocks")
    assert "RNCP35080BC01 is written twice" in str(caught.value)
    borrower = base.model_copy(update={"number": "RNCP99999", "blocks": base.blocks[:1]})
    out = io.BytesIO()
    writer = LoqWriter(out, WriteOptions())
    writer.write(base)
    with pytest.raises(OutputError, match="RNCP35080BC01 is written twice"):
        writer.write(borrower)  # a block code already used by another fiche
    writer.close()
    # a certifier named like the accrediting agent, without SIRET: one organisation
    fc = Certifier(name="France compétences")
    alone = base.model_copy(update={"number": "RNCP2", "blocks": [], "certifiers": [fc]})
    data = loq(alone)
    assert xpath(parse(data), "l:agentReferences/l:organisation/@id") == [
        "https://rncpkit.invalid/organisation/france-competences"
    ]
    assert_valid(loq_schema, data)


_CODES = st.sampled_from(sorted(__import__("rncpkit.europass").europass.NSF_TO_ISCED))
_NSF = st.builds(
    lambda code, letter, label: {"code": code + letter, "label": label},
    _CODES,
    st.sampled_from(["", "n", "t", "p"]),
    st.none() | _TEXT,
)
_CERTIFIER = st.builds(
    lambda siret, name, trade: {"siret": siret, "name": name, "trade_name": trade},
    st.none() | st.from_regex(r"\A[0-9]{14}\Z"),
    _TEXT,
    st.none() | _TEXT,
)
_BLOCK = st.builds(
    lambda n, label, comp, meth: {
        "code": f"RNCP123BC{n:02d}",
        "label": label,
        "competences": comp,
        "assessment_methods": meth,
    },
    st.integers(1, 99),
    _TEXT,
    st.none() | _TEXT,
    st.none() | _TEXT,
)
_DATES = st.none() | st.dates(min_value=__import__("datetime").date(1990, 1, 1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    level=st.sampled_from(["NIV3", "NIV4", "NIV5", "NIV6", "NIV7", "NIV8"]),
    nsf=st.lists(_NSF, min_size=1, max_size=3),
    rome=st.lists(st.from_regex(r"\A[A-N][0-9]{4}\Z"), max_size=3, unique=True),
    certifiers=st.lists(_CERTIFIER, max_size=3),
    blocks=st.lists(_BLOCK, max_size=4, unique_by=lambda b: b["code"]),
    routes=st.dictionaries(
        st.sampled_from(["FI", "CA", "FC", "CQ", "CL", "VAE"]),
        st.builds(lambda o, j: {"open": o, "jury": j}, st.booleans(), st.none() | _TEXT),
    ),
    by_right=st.booleans(),
    dates=st.tuples(_DATES, _DATES, _DATES),
    texts=st.tuples(*(st.none() | _TEXT for _ in range(4))),
)
def test_generated_fiches_validate_and_round_trip(
    loq_schema: etree.XMLSchema,
    level: str,
    nsf: list[dict[str, str]],
    rome: list[str],
    certifiers: list[dict[str, str]],
    blocks: list[dict[str, str]],
    routes: dict[str, dict[str, object]],
    by_right: bool,
    dates: tuple[object, object, object],
    texts: tuple[str | None, ...],
) -> None:
    cert = Certification.model_validate(
        {
            "number": "RNCP123",
            "title": "Titre",
            "level": level,
            "nsf": nsf,
            "rome": [{"code": code} for code in rome],
            "certifiers": certifiers,
            "blocks": blocks,
            "access_routes": routes,
            "registration_type": "Enregistrement de droit" if by_right else None,
            "decision_date": dates[0],
            "effective_date": dates[1],
            "registration_end": dates[2],
            "objectives": texts[0],
            "attested_skills": texts[1],
            "job_types": texts[2],
            "description_url": texts[3],
        }
    )
    data = loq(cert)
    assert_valid(loq_schema, data)
    (back,) = read_back(data)
    if not certifiers:  # no organisation to accredit: LOQ has no accreditation to carry it
        cert = cert.model_copy(
            update=dict.fromkeys(
                ("registration_type", "decision_date", "effective_date", "registration_end")
            )
        )
    if len({c["siret"] or c["name"] for c in certifiers}) == len(certifiers):
        assert_round_trip(cert, back)


def test_placeholder_base_uri_is_warned_once_and_only_then(tmp_path: Path) -> None:
    from click.testing import CliRunner

    args = ["convert", str(SAMPLES / "RNCP35080.xml"), "-o", str(tmp_path / "x")]
    for to in ("europass-xml", "europass-jsonld", "openbadges"):
        result = CliRunner().invoke(cli, [*args, "--to", to])
        assert result.exit_code == 0, result.output
        warning = f"rncpkit: warning: {to}: every URI is minted under the placeholder "
        assert result.output.count(warning) == 1, result.output
        result = CliRunner().invoke(cli, [*args, "--to", to, "--base-uri", BASE])
        assert result.exit_code == 0 and "placeholder" not in result.output
    with pytest.warns(rncpkit.errors.RncpkitWarning, match="placeholder"):
        loq(seed())


def test_jsonld_writes_nothing_when_no_fiche_is_valid(tmp_path: Path) -> None:
    rs = reference("france-competences", "export_fiches_RS_V4_1_sample.xml")
    target = tmp_path / "rs.jsonld"
    summary = convert(rs, target, "europass-jsonld", options=WriteOptions(base_uri=BASE))
    assert (summary.written, summary.rejected) == (0, 5)
    assert "no file was written" in str(summary.errors[-1])
    assert list(tmp_path.iterdir()) == []


def test_one_scan_assessment_matching_equals_the_seven_patterns() -> None:
    """The single-scan matcher finds exactly what the seven patterns find one by one."""
    from rncpkit.europass import vocab

    texts = [
        "Épreuve écrite, soutenance orale d'un mémoire, études de cas pratiques, QCM, "
        "dossier professionnel, contrôle continu et mises en situation",
        "Aucune modalité",
        "TESTS en ligne puis présentation",
    ]
    paths = [SAMPLES / "RNCP35080.xml"] + [
        reference("france-competences", name) for name in REAL_V41_SAMPLES
    ]
    for path in paths:
        for cert in rncpkit.read(path):
            texts.append(cert.certification_prerequisites or "")
            texts.extend(block.assessment_methods or "" for block in cert.blocks)
    words = [
        "Mises en situation", "jeux de rôles", "Épreuve écrite", "ÉTUDES DE CAS", "attestation",
        "contrôle  continu", "Contrôle continu", "tests", "Orales", "entretiens", "livret",
        "portfolio", "CCF", "projets", "mémoire", "rédaction", "pratique", "dossiers", "QCM",
        "questionnaire", "présentation", "écrites", "et", "le", "jury", "la", "—", "(",
    ]  # fmt: skip
    generator = random.Random(0)
    texts.extend(" ".join(generator.choices(words, k=generator.randint(1, 12))) for _ in range(400))
    for text in texts:
        one_by_one = [t for t, p in vocab.ASSESSMENT_PATTERNS if p.search(text.lower())]
        assert vocab.assessment_types(text) == one_by_one, text[:80]
    assert len(vocab.assessment_types(texts[0])) == 7


def test_outcome_fast_path_writes_what_the_table_says() -> None:
    """The one-f-string outcome writer and the generic walk of the outcome table agree."""
    from rncpkit.europass import loq_table
    from rncpkit.europass.graph import Outcome
    from rncpkit.formats.europass_xml import writing as ex

    walk = ex._compile("learningOutcome")
    assert loq_table.ENTITIES["learningOutcome"] is loq_table.OUTCOME
    for title in ("Animer une équipe", "a < b & c > d \r", ""):
        outcome = Outcome('https://x.example/RNCP1BC01/outcome/1?a="b"', title)
        fast, walked = ex._Out(), ex._Out()
        ex._outcome(fast, outcome)
        walk(walked, outcome)
        assert fast.result() == walked.result()
        assert ("<title" in fast.result()) is bool(title)


def test_reader_and_writer_walk_the_same_tables() -> None:
    """Every slot of every table is written and read back: a graph attribute changed in
    the source reaches the fiche read back (title, a note, a date, a route's jury)."""
    from rncpkit.europass import loq_table

    kinds = {loq_table.kind(e) for entity in loq_table.ENTITIES for e in loq_table.elements(entity)}
    assert kinds == set(loq_table.Kind.__args__)  # type: ignore[attr-defined]
    cert = seed()
    (back,) = read_back(loq(cert, base_uri=BASE))
    assert back.title == cert.title and back.registration_end == cert.registration_end
    assert back.access_routes == {
        code: route.model_copy(update={"changed_on": None})
        for code, route in cert.access_routes.items()
        if route.open
    } | {
        code: type(route)(open=False)
        for code, route in cert.access_routes.items()
        if not route.open
    }


def test_docs_loq_element_list_is_current() -> None:
    import os

    from rncpkit.europass import loq_table

    doc = Path(__file__).resolve().parents[1] / "docs" / "europass.md"
    text = doc.read_text(encoding="utf-8")
    start, end = "<!-- loq-elements:start -->", "<!-- loq-elements:end -->"
    before, rest = text.split(start, 1)
    current, after = rest.split(end, 1)
    expected = "\n" + loq_table.mapping_markdown()
    if current != expected and os.environ.get("RNCPKIT_UPDATE_DOCS") == "1":
        doc.write_text(before + start + expected + end + after, encoding="utf-8")
        pytest.skip("docs/europass.md updated")
    assert current == expected, "run RNCPKIT_UPDATE_DOCS=1 pytest tests/test_europass_xml.py"


def test_docs_mapping_table_is_current() -> None:
    """docs/europass.md's RNCP → LOQ → JSON-LD → badge table is the generated one."""
    doc = Path(__file__).resolve().parents[1] / "docs" / "europass.md"
    text = doc.read_text("utf-8")
    start, end = "<!-- europass-mapping:start -->", "<!-- europass-mapping:end -->"
    head, rest = text.split(start)
    current, tail = rest.split(end)
    expected = "\n" + mapping.mapping_markdown()
    if current != expected and os.environ.get("RNCPKIT_UPDATE_DOCS") == "1":
        doc.write_text(head + start + expected + end + tail, "utf-8")
        current = expected
    assert current == expected, "run RNCPKIT_UPDATE_DOCS=1 pytest tests/test_europass_xml.py"


def test_mapping_probe_finds_what_the_writers_write() -> None:
    """The generated table is what the builder and badge writer do: a field moves exactly
    its slots, and a field no output carries moves none."""
    rows = {name: (slots, keys) for name, slots, keys in mapping.probe()}
    assert rows["title"] == ([("qualification", "title/lang")], ["name"])
    assert rows["publication_date"] == ([("qualification", "modified/datetime")], [])
    assert rows["effective_date"] == ([("accreditation", "valid/datetime")], [])
    assert ("learningActivitySpecification", "") in rows["access_routes"][0]
    assert rows["rome"][1] == ["alignment"]
    assert rows["partners"] == ([], []) and rows["statistics"] == ([], [])
    table = mapping.mapping_markdown()
    assert "| `publication_date` ← DATE_DE_PUBLICATION | `qualification/modified` | " in table
    assert "`Qualification.dateModified`" in table and "`Qualification.thematicArea`" in table
