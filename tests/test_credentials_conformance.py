"""Credentials against the published artefacts (skipped when ../shared is absent): the
official eddsa-rdfc-2022 test vector of Open Badges 3.0, the W3C/1EdTech contexts, the OB 3.0
JSON Schema, and the Europass EDC SHACL shapes (EDC-generic-full + EDC-generic-no-cv)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("cryptography")
pytest.importorskip("pyld")
pytest.importorskip("PIL")

from cryptography.hazmat.primitives.asymmetric import ed25519

import rncpkit
from rncpkit.credentials import keys, loader, proof
from rncpkit.credentials.issuing import IssueOptions, issue
from rncpkit.credentials.verification import verify
from tests import credentials_support as independent
from tests.conftest import FC_REFERENCE, SAMPLES, reference

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

NOW = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)
VECTOR_DIR = ("credentials", "ob3")


def _vector() -> tuple[str, dict[str, Any]]:
    html = reference(*VECTOR_DIR, "linked-data-proof-ob.html").read_text("utf-8")
    match = re.search(r'title="Signed credential">(.*?)</pre>', html, re.S)
    assert match is not None
    return html, json.loads(match.group(1))


def _code(html: str, anchor: str) -> str:
    match = re.search(rf'id="{anchor}".*?<code\s*>\s*([0-9a-zA-Z]+)\s*</code', html, re.S)
    assert match is not None, anchor
    return match.group(1)


def test_official_test_vector_reproduced_exactly() -> None:
    html, signed = _vector()
    secret = re.search(r"Private key \(hex\):\s*<code\s*>([0-9a-f]{128})<", html)
    public = re.search(r"Public key \(hex\):\s*<code\s*>([0-9a-f]{64})<", html)
    assert secret is not None and public is not None
    private = ed25519.Ed25519PrivateKey.from_private_bytes(bytes.fromhex(secret.group(1))[:32])
    assert private.public_key().public_bytes_raw().hex() == public.group(1)
    document = {k: v for k, v in signed.items() if k != "proof"}
    options = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    config = {"@context": document["@context"], **options}
    # canonical forms, byte for byte
    assert proof.canonical(document) == reference(*VECTOR_DIR, "document-canon.txt").read_text()
    assert proof.canonical(config) == reference(*VECTOR_DIR, "proof-canon.txt").read_text()
    # hashes, data to sign, signature, proof value
    document_hash = hashlib.sha256(proof.canonical(document).encode()).hexdigest()
    proof_hash = hashlib.sha256(proof.canonical(config).encode()).hexdigest()
    assert document_hash == _code(html, "ob-document-hash")
    assert proof_hash == _code(html, "ob-proof-hash")
    data = proof.hash_data(document, options)
    assert data.hex() == _code(html, "ob-data") == proof_hash + document_hash
    assert private.sign(data).hex() == _code(html, "ob-signature")
    ours = proof.sign_data_integrity(
        document, private, options["verificationMethod"], options["created"]
    )
    assert ours == signed
    # the official key as its did:key / Multikey
    assert keys.multikey(private.public_key()) == options["verificationMethod"].split("#")[1]
    # both verifiers accept the official credential, and refuse it altered
    controller = {
        "id": "https://example.edu/issuers/565049",
        "verificationMethod": [
            {
                "id": options["verificationMethod"],
                "type": "Multikey",
                "controller": "https://example.edu/issuers/565049",
                "publicKeyMultibase": keys.multikey(private.public_key()),
            }
        ],
        "assertionMethod": [options["verificationMethod"]],
    }
    verdict = verify(signed, did_documents=[controller])
    assert verdict.ok, verdict.reasons
    assert independent.verify_eddsa_rdfc_2022(signed, private.public_key())
    altered = json.loads(json.dumps(signed))
    altered["credentialSubject"]["achievement"]["name"] = "Teamwork!"
    assert not verify(altered, did_documents=[controller]).ok
    assert not independent.verify_eddsa_rdfc_2022(altered, private.public_key())


@pytest.mark.parametrize(
    ("url", "published"),
    [
        (loader.VC_V2, ("credentials", "contexts", "credentials-v2.jsonld")),
        (loader.VC_V1, ("credentials", "contexts", "2018-credentials-v1.jsonld")),
        (loader.DATA_INTEGRITY, ("credentials", "contexts", "data-integrity-v1.jsonld")),
        (loader.DID_V1, ("credentials", "contexts", "did-v1.jsonld")),
        (loader.OB_V3, ("europass", "openbadges-context-3.0.3.json")),
    ],
)
def test_served_contexts_define_what_the_published_ones_do(
    url: str, published: tuple[str, ...]
) -> None:
    official = json.loads(reference(*published).read_text("utf-8"))
    assert loader.context_document(url) == official


def test_other_urls_are_refused() -> None:
    with pytest.raises(loader.ContextRefused):
        loader.load_document("https://www.w3.org/ns/credentials/v3")


def _schema_validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(
        reference(*VECTOR_DIR, "ob_v3p0_achievementcredential_schema.json").read_text("utf-8")
    )
    validator = jsonschema.Draft201909Validator
    return validator(schema, format_checker=validator.FORMAT_CHECKER)


def _holders(tmp_path: Path, certs: list[Any]) -> Path:
    """One fictional holder per fiche, with every block, awarded on a day the fiche allows."""
    lines = ["certification;id_technique;date_obtention;nom_naissance;prenom1;id_dossier_cpf;blocs"]
    for index, cert in enumerate(certs):
        day = cert.registration_start or dt.date(2024, 1, 1)
        last = cert.issuance_deadline or cert.registration_end
        day = min(max(day, dt.date(2024, 1, 1)), last or day, dt.date(2026, 1, 1))
        blocks = " ".join(cert.block_codes)
        lines.append(
            f"{cert.number};T-{index};{day:%d/%m/%Y};EXEMPLE;Zoé;{10000000000 + index};{blocks}"
        )
    path = tmp_path / "holders.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _real_fiches() -> tuple[list[str], list[Any]]:
    files = [
        str(reference("france-competences", "export_fiches_RNCP_V4_1_sample.xml")),
        str(FC_REFERENCE / "export_fiches_RS_V4_1_sample.xml"),
        str(SAMPLES / "RNCP35080.xml"),
    ]
    return files, [cert for path in files for cert in rncpkit.read(path)]


def test_every_badge_satisfies_the_json_schema_and_both_verifiers(tmp_path: Path) -> None:
    validator = _schema_validator()
    files, certs = _real_fiches()
    keys.write_key(tmp_path / "k.jwk", keys.generate())
    options = IssueOptions(
        issuer_name="Organisme",
        fiches=files,
        key=keys.read_key(tmp_path / "k.jwk"),
        blocks=True,
        include_name=True,
        now=NOW,
    )
    report = issue(_holders(tmp_path, certs), tmp_path / "out", options)
    assert report.ok, [str(p) for p in report.problems]
    issued = sorted((tmp_path / "out").glob("*.json"))
    assert len(issued) == len(certs) + sum(len(c.blocks) for c in certs)
    for path in issued:
        document = json.loads(path.read_text("utf-8"))
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
        assert errors == [], path.name
        assert independent.verify_eddsa_rdfc_2022(document), path.name
        assert verify(path, now=NOW).ok, path.name


def _shapes() -> Any:
    rdflib = pytest.importorskip("rdflib")
    graph = rdflib.Graph()
    graph.parse(reference("credentials", "edc", "EDC-generic-full.ttl"), format="turtle")
    graph.parse(reference("europass", "shacl", "EDC-generic-no-cv.ttl"), format="turtle")
    return graph


def _rdf(document: dict[str, Any]) -> Any:
    """Parse with the W3C context rncpkit serves and the official EDC context (no network)."""
    rdflib = pytest.importorskip("rdflib")
    edc_context = json.loads(reference("europass", "edc-ap-context.jsonld").read_text("utf-8"))
    local = dict(document)
    local["@context"] = [
        loader.context_document(c)["@context"]
        if c in loader.CONTEXT_FILES
        else edc_context["@context"]
        for c in document["@context"]
    ]
    return rdflib.Graph().parse(data=json.dumps(local), format="json-ld")


def _violations(document: dict[str, Any], shapes: Any) -> set[str]:
    pyshacl = pytest.importorskip("pyshacl")
    import rdflib

    conforms, results, _text = pyshacl.validate(
        _rdf(document), shacl_graph=shapes, inference="none"
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    paths = {
        str(results.value(r, sh.resultPath))
        for r in results.subjects(rdflib.RDF.type, sh.ValidationResult)
    }
    assert conforms == (not paths)
    return paths


SEALING_ADDS = {
    "https://www.w3.org/2018/credentials#issued",
    "http://data.europa.eu/snb/model/elm/eidasLegalIdentifier",
    "https://www.w3.org/2018/credentials#issuer",  # the issuer shape, failing on eIDAS only
}


def _sealed(document: dict[str, Any]) -> dict[str, Any]:
    """What the sealing service adds: ``issued`` and the issuer's eIDAS identifier."""
    sealed = json.loads(json.dumps(document))
    sealed["issued"] = "2026-01-15T10:00:00Z"
    sealed["issuer"]["eIDASIdentifier"] = {
        "id": "urn:example:eidas:1",
        "type": "LegalIdentifier",
        "notation": "FR-19753471200017",
        "spatial": {
            "id": "http://publications.europa.eu/resource/authority/country/FRA",
            "type": "Concept",
            "inScheme": {
                "id": "http://publications.europa.eu/resource/authority/country",
                "type": "ConceptScheme",
            },
        },
    }
    return sealed


def test_sample_holders_edcs_conform_to_the_edc_shapes(tmp_path: Path) -> None:
    shapes = _shapes()
    report = issue(
        SAMPLES / "holders-RNCP35080.csv",
        tmp_path / "edc",
        IssueOptions(
            issuer_name="Le Cnam",
            to="edc",
            certification="RNCP35080",
            include_birth_date=True,
            langs=("fr", "en"),
            now=NOW,
        ),
    )
    assert report.credentials == 12
    for path in sorted((tmp_path / "edc").glob("*.json")):
        document = json.loads(path.read_text("utf-8"))
        assert _violations(document, shapes) == SEALING_ADDS, path.name
        assert _violations(_sealed(document), shapes) == set(), path.name


def test_real_fiches_and_blocks_edcs_conform(tmp_path: Path) -> None:
    shapes = _shapes()
    files, certs = _real_fiches()
    report = issue(
        _holders(tmp_path, certs),
        tmp_path / "edc",
        IssueOptions(
            issuer_name="Organisme", to="edc", fiches=files, blocks=True, eqf_level=5, now=NOW
        ),
    )
    assert report.ok, [str(p) for p in report.problems]
    issued = sorted((tmp_path / "edc").glob("*.json"))
    assert len(issued) == len(certs) + sum(len(c.blocks) for c in certs)
    for path in issued:
        document = json.loads(path.read_text("utf-8"))
        assert _violations(_sealed(document), shapes) == set(), path.name


def test_verify_cli_with_the_official_schema(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from rncpkit.cli import cli

    schema = reference(*VECTOR_DIR, "ob_v3p0_achievementcredential_schema.json")
    pytest.importorskip("jsonschema")
    keys.write_key(tmp_path / "k.jwk", keys.generate())
    report = issue(
        SAMPLES / "holders-RNCP35080.csv",
        tmp_path / "out",
        IssueOptions(
            issuer_name="Le Cnam",
            certification="RNCP35080",
            key=keys.read_key(tmp_path / "k.jwk"),
            now=NOW,
        ),
    )
    assert report.ok
    files = sorted(str(p) for p in (tmp_path / "out").glob("*.json"))
    result = CliRunner().invoke(cli, ["credentials", "verify", *files, "--schema", str(schema)])
    assert result.exit_code == 0, result.output
    document = json.loads(Path(files[0]).read_text())
    del document["credentialSubject"]["achievement"]["criteria"]
    verdict = verify(document, schema=json.loads(schema.read_text()))
    assert "missing credentialSubject.achievement.criteria" in verdict.reasons
    assert any(r.startswith("JSON Schema: credentialSubject/achievement") for r in verdict.reasons)
    assert any("altered" in r for r in verdict.reasons)
