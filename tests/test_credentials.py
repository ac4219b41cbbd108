"""``rncpkit credentials``: keys, issuing (OB 3.0 signed, EDC), the manifest, verifying.

Every issued Open Badge is checked by the independent verifier of
``tests/credentials_support.py`` (pyld + cryptography, no rncpkit code), then tampered with.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

pytest.importorskip("cryptography")
pytest.importorskip("pyld")
pytest.importorskip("PIL")

from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

import rncpkit
from rncpkit.cli import cli
from rncpkit.credentials import issuing as issue_module
from rncpkit.credentials import keys, multibase, proof
from rncpkit.credentials.fiches import load_windows
from rncpkit.credentials.issuing import IssueOptions, issue
from rncpkit.credentials.verification import verify
from rncpkit.formats import WriteOptions
from rncpkit.formats.openbadges import Badges
from tests import credentials_support as independent
from tests.conftest import SAMPLES

HOLDERS = SAMPLES / "holders-RNCP35080.csv"
ISSUER = "Conservatoire national des arts et métiers"
NOW = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)
HEADER = (
    "id_technique;date_obtention;nom_naissance;prenom1;id_dossier_cpf;email;credential_id;blocs"
)


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "issuer.jwk"
    keys.write_key(path, keys.generate("ed25519"))
    return path


def options(key_file: Path, **changes: Any) -> IssueOptions:
    values: dict[str, Any] = {
        "issuer_name": ISSUER,
        "certification": "RNCP35080",
        "key": keys.read_key(key_file),
        "now": NOW,
    }
    values.update(changes)
    return IssueOptions(**values)


def manifest(directory: Path) -> list[dict[str, str]]:
    text = (directory / "manifest.csv").read_text("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def holders_csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "holders.csv"
    path.write_text("\n".join([header, *rows]) + "\n", "utf-8")
    return path


@pytest.fixture(scope="module")
def sample_badges(tmp_path_factory: pytest.TempPathFactory, key_file: Path) -> Path:
    out = tmp_path_factory.mktemp("issued") / "badges"
    report = issue(HOLDERS, out, options(key_file))
    assert report.ok and report.credentials == 12
    return out


# --------------------------------------------------------------------------- keys


@given(st.binary(max_size=70))
def test_base58_round_trip(data: bytes) -> None:
    assert multibase.b58decode(multibase.b58encode(data)) == data
    assert independent.b58decode(multibase.b58encode(data)) == data


@pytest.mark.parametrize("kind", ["ed25519", "p-256", "rsa"])
def test_jwk_round_trip_and_did_key(kind: str, tmp_path: Path) -> None:
    key = keys.generate(kind)  # type: ignore[arg-type]
    keys.write_key(tmp_path / "k.jwk", key)
    assert stat.S_IMODE(os.stat(tmp_path / "k.jwk").st_mode) == 0o600
    again = keys.read_key(tmp_path / "k.jwk")
    assert keys.private_jwk(again.private) == keys.private_jwk(key)
    with pytest.raises(rncpkit.errors.UsageError):
        keys.write_key(tmp_path / "k.jwk", key)  # never overwrites a key
    if kind == "ed25519":
        did = keys.did_key(key.public_key())
        assert did.startswith("did:key:z6Mk")
        assert keys.public_jwk(keys.did_key_public(did)) == keys.public_jwk(key.public_key())
        assert (
            independent.did_key_ed25519(did).public_bytes_raw()
            == key.public_key().public_bytes_raw()
        )  # type: ignore[union-attr]
    elif kind == "p-256":
        did = keys.did_key(key.public_key())
        assert did.startswith("did:key:zDn")
        assert keys.public_jwk(keys.did_key_public(did)) == keys.public_jwk(key.public_key())


def test_did_web_urls_and_document() -> None:
    assert keys.did_web_url("did:web:example.fr") == "https://example.fr/.well-known/did.json"
    assert keys.did_web_url("did:web:example.fr:certif:2026") == (
        "https://example.fr/certif/2026/did.json"
    )
    key = keys.generate()
    document = keys.did_document("did:web:example.fr", key.public_key())
    assert document["id"] == "did:web:example.fr"
    assert document["assertionMethod"] == ["did:web:example.fr#key-1"]
    method = document["verificationMethod"][0]
    assert method["controller"] == "did:web:example.fr"
    assert "did:key:" + method["publicKeyMultibase"] == keys.did_key(key.public_key())
    with pytest.raises(rncpkit.errors.UsageError):
        keys.did_web("https://example.fr/x")


def test_keygen_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["credentials", "keygen", "-o", str(tmp_path / "i.jwk"), "--did-web", "example.fr"]
    )
    assert result.exit_code == 0, result.output
    did_key, did_web = result.stdout.split()
    assert did_key.startswith("did:key:z6Mk") and did_web == "did:web:example.fr"
    assert stat.S_IMODE(os.stat(tmp_path / "i.jwk").st_mode) == 0o600
    document = json.loads((tmp_path / "did.json").read_text())
    assert document["id"] == "did:web:example.fr"
    assert "https://example.fr/.well-known/did.json" in result.stderr
    again = CliRunner().invoke(cli, ["credentials", "keygen", "-o", str(tmp_path / "i.jwk")])
    assert again.exit_code == 2 and "never overwrites" in again.output


# --------------------------------------------------------------------------- issuing OB 3.0


def test_sample_holders_give_verified_badges(sample_badges: Path, key_file: Path) -> None:
    rows = manifest(sample_badges)
    assert [r["ligne"] for r in rows] == [str(n) for n in range(3, 15)]
    did = keys.did_key(keys.read_key(key_file).public)
    achievement = Badges(WriteOptions()).achievements(
        next(rncpkit.read(SAMPLES / "RNCP35080.xml"))
    )[0]
    expected_achievement = {k: v for k, v in achievement.items() if k != "@context"}
    for row in rows:
        document = json.loads((sample_badges / row["fichier"]).read_text("utf-8"))
        assert independent.verify_eddsa_rdfc_2022(document)
        assert verify(document, now=NOW).ok
        assert document["@context"] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
        assert document["id"] == row["credential_id"]
        assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert document["issuer"] == {
            "id": did,
            "type": ["Profile"],
            "name": ISSUER,
            "otherIdentifier": [
                {
                    "type": "IdentifierEntry",
                    "identifier": "19753471200017",
                    "identifierType": "ext:SIRET",
                }
            ],
        }
        assert document["validFrom"] == "2026-01-15T10:00:00Z"
        assert document["credentialSubject"]["achievement"] == expected_achievement
        [identity] = document["credentialSubject"]["identifier"]
        assert row["identifiant"] == identity["identityType"] == "sourcedId"
        digest = hashlib.sha256((row["id_technique"] + row["sel"]).encode()).hexdigest()
        assert identity == {
            "type": "IdentityObject",
            "identityHash": f"sha256${digest}",
            "identityType": "sourcedId",
            "hashed": True,
        }
        assert document["proof"][0]["verificationMethod"] == f"{did}#{did[8:]}"
    salts = {row["sel"] for row in rows}
    assert len(salts) == 12 and all(len(s) == 32 for s in salts)
    first = json.loads((sample_badges / "cnam-movs-2025-001.json").read_text())
    assert first["awardedDate"] == "2025-07-04T00:00:00+02:00"  # French summer time
    december = json.loads((sample_badges / "cnam-movs-2025-012.json").read_text())
    assert december["awardedDate"] == "2025-11-14T00:00:00+01:00"


def test_no_personal_data_in_badges_and_private_files(sample_badges: Path) -> None:
    assert stat.S_IMODE(os.stat(sample_badges).st_mode) == 0o700
    for path in sample_badges.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = "".join(p.read_text("utf-8") for p in sample_badges.glob("*.json"))
    # random values (hashes, uuids, the run's did:key, signatures) may spell "1998" by chance
    text = re.sub(r"[0-9a-f]{32,}|[0-9a-f-]{36}|z[1-9A-HJ-NP-Za-km-z]{40,}", "", text)
    for personal in ("MARTINEAU", "Léa", "DURANDAL", "1998", "12/03", "75056", "Ajaccio"):
        assert personal not in text


def test_email_name_credential_id_and_blocks(tmp_path: Path, key_file: Path) -> None:
    source = holders_csv(
        tmp_path,
        "A-1;04/07/2025;EXEMPLE;Zoé;12345678901;Zoe.Exemple@Example.FR;https://badges.example.fr/1;"
        "RNCP35080BC01, rncp35080bc03",
        "A-2;04/07/2025;AUTRE;Jean;12345678902;;;",
    )
    out = tmp_path / "out"
    report = issue(source, out, options(key_file, blocks=True, include_name=True))
    assert report.ok, [str(p) for p in report.problems]
    rows = manifest(out)
    assert [(r["id_technique"], r["obtenu"], r["fichier"]) for r in rows] == [
        ("A-1", "RNCP35080", "a-1.json"),
        ("A-1", "RNCP35080BC01", "a-1-RNCP35080BC01.json"),
        ("A-1", "RNCP35080BC03", "a-1-RNCP35080BC03.json"),
        ("A-2", "RNCP35080", "a-2.json"),
    ]
    assert rows[0]["credential_id"] == "https://badges.example.fr/1"
    assert rows[1]["credential_id"].startswith("urn:uuid:")
    for row in rows:
        document = json.loads((out / row["fichier"]).read_text())
        assert independent.verify_eddsa_rdfc_2022(document)
        assert document["credentialSubject"]["achievement"]["humanCode"] == row["obtenu"]
        main, name = document["credentialSubject"]["identifier"]
        salt = row["sel"]
        if row["id_technique"] == "A-1":
            assert main["identityType"] == row["identifiant"] == "emailAddress"
            digest = hashlib.sha256(("zoe.exemple@example.fr" + salt).encode()).hexdigest()
            assert main["identityHash"] == f"sha256${digest}"
            assert (
                name["identityHash"]
                == "sha256$" + hashlib.sha256(("Zoé EXEMPLE" + salt).encode()).hexdigest()
            )
        assert name["identityType"] == "name" and name["hashed"] is True
    plain = issue(source, tmp_path / "plain", options(key_file, include_name=True, plain_name=True))
    assert plain.credentials == 2
    document = json.loads((tmp_path / "plain" / "a-1.json").read_text())
    assert document["credentialSubject"]["identifier"][1] == {
        "type": "IdentityObject",
        "identityHash": "Zoé EXEMPLE",
        "identityType": "name",
        "hashed": False,
    }


def test_every_bad_row_reported_and_nothing_written(tmp_path: Path, key_file: Path) -> None:
    source = holders_csv(
        tmp_path,
        "B-1;04/07/2025;EXEMPLE;Zoé;12345678901;not-an-email;;",
        "B-2;04/07/2027;EXEMPLE;Zoé;12345678901;;;",
        "B-3;04/07/2025;EXEMPLE;Zoé;12345678901;;;RNCP35080BC09",
        "B-4;04/07/2019;EXEMPLE;Zoé;12345678901;;;",
        "B-5;04/07/2025;EXEMPLE;Zoé;12345678901;;no uri;",
        "B-1;04/07/2025;EXEMPLE;Zoé;12345678901;;;",
        "B-7;31/02/2025;EXEMPLE;Zoé;12345678901;;;",
        "B-8;04/07/2025;EXEMPLE;Zoé;12345678901;;;",
    )
    out = tmp_path / "out"
    report = issue(source, out, options(key_file, blocks=True))
    assert not report.ok and not out.exists()
    assert list(tmp_path.iterdir()) == [source]  # no temporary directory left either
    found = {(p.row, p.column) for p in report.problems}
    assert found == {
        (2, "email"),
        (3, "date_obtention"),  # in the future
        (4, "blocs"),  # not a block of the fiche
        (5, "date_obtention"),  # before the fiche was registered (18/11/2020)
        (6, "credential_id"),
        (7, "id_technique"),  # duplicate of row 2
        (8, "date_obtention"),  # no 31 February
    }
    assert "Zoe" not in "".join(str(p) for p in report.problems)
    assert "masquée" in str(next(p for p in report.problems if p.column == "email"))
    assert report.line().startswith("7 of 8 rows rejected")


def test_cli_issue_reports_rows_and_exits_1(tmp_path: Path, key_file: Path) -> None:
    source = holders_csv(tmp_path, "C-1;04/07/2025;EXEMPLE;Zoé;12345678901;bad;;")
    result = CliRunner().invoke(
        cli,
        [
            "credentials",
            "issue",
            str(source),
            "--key",
            str(key_file),
            "--issuer-name",
            ISSUER,
            "--certification",
            "RNCP35080",
            "-o",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 1
    assert "ligne/row 2 [idTechnique C-1]: email (valeur masquée / value hidden)" in result.stderr
    assert not (tmp_path / "out").exists()


def test_issue_from_stdin_and_json(tmp_path: Path, key_file: Path) -> None:
    rows = [
        {
            "id_technique": "J-1",
            "date_obtention": "2025-07-04",
            "nom_naissance": "EXEMPLE",
            "prenom1": "Zoé",
            "id_dossier_cpf": "12345678901",
            "courriel": "z@example.fr",
        },
    ]
    result = CliRunner().invoke(
        cli,
        [
            "credentials",
            "issue",
            "-",
            "--key",
            str(key_file),
            "--issuer-name",
            ISSUER,
            "--certification",
            "RNCP35080",
            "-o",
            str(tmp_path / "out"),
        ],
        input=json.dumps(rows),
    )
    assert result.exit_code == 0, result.output
    [row] = manifest(tmp_path / "out")
    assert row["identifiant"] == "emailAddress"
    assert verify(tmp_path / "out" / "j-1.json").ok


def test_failure_midway_leaves_no_directory(
    tmp_path: Path, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0
    sign = proof.sign_data_integrity

    def failing(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 5:
            raise OSError("disk full")
        return sign(*args, **kwargs)

    monkeypatch.setattr(issue_module.proof, "sign_data_integrity", failing)
    with pytest.raises(OSError):
        issue(HOLDERS, tmp_path / "out", options(key_file))
    assert list(tmp_path.iterdir()) == []


def test_existing_directory_refused(tmp_path: Path, key_file: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.json").write_text("{}")
    with pytest.raises(rncpkit.errors.UsageError):
        issue(HOLDERS, tmp_path / "out", options(key_file))
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["old.json"]


# --------------------------------------------------------------------------- verifying


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, (*path, i))]
    return [path]


def _changed(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    copy = json.loads(json.dumps(document))
    node = copy
    for part in path[:-1]:
        node = node[part]
    value = node[path[-1]]
    node[path[-1]] = (
        (not value)
        if isinstance(value, bool)
        else (value + 1 if isinstance(value, int) else value + "x")
    )
    return copy


def test_tampering_with_any_field_is_detected(sample_badges: Path) -> None:
    document = json.loads((sample_badges / "cnam-movs-2025-003.json").read_text())
    leaves = [p for p in _leaves(document) if p[0] != "proof"]
    assert len(leaves) > 60
    for path in leaves:
        changed = _changed(document, path)
        if path[0] == "@context":
            assert not verify(changed).ok  # an unknown context is refused, never fetched
            continue
        assert not independent.verify_eddsa_rdfc_2022(changed), path
        assert "altered" in "; ".join(verify(changed).reasons), path
    for field in ("created", "verificationMethod", "proofValue"):
        changed = _changed(document, ("proof", 0, field))
        assert not verify(changed).ok, field


def test_verify_reasons(sample_badges: Path, key_file: Path, tmp_path: Path) -> None:
    document = json.loads((sample_badges / "cnam-movs-2025-001.json").read_text())
    key = keys.read_key(key_file)
    unsigned = {k: v for k, v in document.items() if k != "proof"}

    def signed(doc: dict[str, Any], method: str | None = None) -> dict[str, Any]:
        method = method or document["proof"][0]["verificationMethod"]
        return proof.sign_data_integrity(doc, key.private, method, "2026-01-15T10:00:00Z")  # type: ignore[arg-type]

    other = keys.did_key(keys.generate().public_key())
    stolen = signed({**unsigned, "issuer": {**unsigned["issuer"], "id": other}})
    assert "not by the issuer" in str(verify(stolen))
    future = signed({**unsigned, "validFrom": "2099-01-01T00:00:00Z"})
    assert "not yet valid" in str(verify(future))
    expired = signed({**unsigned, "validUntil": "2026-01-01T00:00:00+01:00"})
    assert "expired" in str(verify(expired, now=NOW))
    windows = load_windows([SAMPLES / "RNCP35080.xml"])
    assert verify(document, windows=windows, now=NOW).ok
    late = signed({**unsigned, "awardedDate": "2025-12-01T00:00:00+01:00"})
    assert "after the last day fiche RNCP35080 may be awarded (18/11/2025)" in str(
        verify(late, windows=windows, now=NOW)
    )
    foreign = {**document, "@context": [*unsigned["@context"], "https://example.org/x"]}
    assert "not one rncpkit serves offline" in str(verify(foreign))
    bare = signed({k: v for k, v in unsigned.items() if k != "credentialSubject"})
    assert "missing credentialSubject" in str(verify(bare))
    assert "unreadable" in str(verify(tmp_path / "missing.json"))


def test_verify_cli_with_did_web(tmp_path: Path) -> None:
    runner = CliRunner()
    assert (
        runner.invoke(
            cli, ["credentials", "keygen", "-o", str(tmp_path / "k.jwk"), "--did-web", "example.fr"]
        ).exit_code
        == 0
    )
    issued = runner.invoke(
        cli,
        [
            "credentials",
            "issue",
            str(HOLDERS),
            "--key",
            str(tmp_path / "k.jwk"),
            "--issuer-name",
            "Le Cnam",
            "--issuer-id",
            "did:web:example.fr",
            "--certification",
            "RNCP35080",
            "-o",
            str(tmp_path / "out"),
        ],
    )
    assert issued.exit_code == 0, issued.output
    files = sorted(str(p) for p in (tmp_path / "out").glob("*.json"))
    ok = runner.invoke(
        cli,
        [
            "credentials",
            "verify",
            *files,
            "--did-document",
            str(tmp_path / "did.json"),
            "--fiche",
            str(SAMPLES / "RNCP35080.xml"),
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.count(": valid (") == 12
    assert "12 checked, 12 valid, 0 invalid" in ok.stderr
    missing = runner.invoke(cli, ["credentials", "verify", files[0]])
    assert missing.exit_code == 1 and "no local DID/controller document" in missing.stdout


# --------------------------------------------------------------------------- VC-JWT


@pytest.mark.parametrize("kind", ["p-256", "rsa"])
def test_jwt_proof(kind: str, tmp_path: Path) -> None:
    key_path = tmp_path / "k.jwk"
    keys.write_key(key_path, keys.generate(kind))  # type: ignore[arg-type]
    key = keys.read_key(key_path)
    did_documents = []
    issuer_id = None
    if kind == "rsa":
        issuer_id = "did:web:example.fr"
        did_documents.append(keys.did_document(issuer_id, key.public))
    report = issue(HOLDERS, tmp_path / "out", options(key_path, proof="jwt", issuer_id=issuer_id))
    assert report.credentials == 12
    token = (tmp_path / "out" / "cnam-movs-2025-002.jwt").read_text()
    payload = independent.verify_jwt(token, keys.public_jwk(key.public))
    assert payload is not None
    assert payload["iss"] == payload["issuer"]["id"] and payload["jti"] == payload["id"]
    assert payload["nbf"] == int(NOW.timestamp())
    header = json.loads(independent.b64url_decode(token.split(".")[0]))
    assert header["alg"] == ("ES256" if kind == "p-256" else "RS256") and header["typ"] == "JWT"
    verdict = verify(tmp_path / "out" / "cnam-movs-2025-002.jwt", did_documents=did_documents)
    assert verdict.ok, verdict.reasons
    head, body, signature = token.strip().split(".")
    forged = json.loads(independent.b64url_decode(body))
    forged["name"] = "Autre"
    body = multibase.b64url(json.dumps(forged).encode())
    assert independent.verify_jwt(f"{head}.{body}.{signature}", keys.public_jwk(key.public)) is None
    assert "altered" in str(
        verify(f"{head}.{body}.{signature}".encode(), did_documents=did_documents)
    )


def test_jwt_needs_a_jwt_key(tmp_path: Path, key_file: Path) -> None:
    with pytest.raises(rncpkit.errors.UsageError, match="RSA or P-256"):
        issue(HOLDERS, tmp_path / "out", options(key_file, proof="jwt"))


# --------------------------------------------------------------------------- Europass


def test_edc_credentials(tmp_path: Path) -> None:
    out = tmp_path / "edc"
    report = issue(
        HOLDERS,
        out,
        IssueOptions(issuer_name="Le Cnam", to="edc", certification="RNCP35080", now=NOW),
    )
    assert report.ok and report.credentials == 12
    document = json.loads((out / "cnam-movs-2025-001.json").read_text())
    assert document["@context"] == [
        "https://www.w3.org/2018/credentials/v1",
        "http://data.europa.eu/snb/model/context/edc-ap",
    ]
    assert document["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    person = document["credentialSubject"]
    assert person["type"] == "Person"
    assert person["givenName"] == {"fr": "Léa"} and person["familyName"] == {"fr": "MARTINEAU"}
    assert "dateOfBirth" not in person
    [claim] = person["hasClaim"]
    assert claim["type"] == "LearningAchievement"
    assert claim["awardedBy"]["awardingDate"] == "2025-07-04T00:00:00"
    assert claim["awardedBy"]["awardingBody"] == [document["issuer"]["id"]]
    assert document["issuer"]["legalName"] == {"fr": "CONSERVATOIRE NATIONAL DES ARTS ET METIERS"}
    assert claim["specifiedBy"]["id"] == "https://rncpkit.invalid/RNCP35080"
    assert claim["specifiedBy"]["type"] == "Qualification"
    assert "issued" not in document and "eIDASIdentifier" not in document["issuer"]
    [display] = document["displayParameter"]["individualDisplay"]
    image = display["displayDetail"][0]["image"]
    png = Image.open(io.BytesIO(base64.b64decode(image["content"])))
    assert png.format == "PNG" and png.size == (1123, 794)
    assert display["displayDetail"][0]["page"] == 1
    assert "MARTINEAU" not in "".join(r["fichier"] for r in manifest(out))


def test_edc_options(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "credentials",
            "issue",
            str(HOLDERS),
            "--to",
            "edc",
            "--issuer-name",
            "Le Cnam",
            "--certification",
            "RNCP35080",
            "--include-birth-date",
            "--lang",
            "en",
            "--edc-upload",
            "-o",
            str(tmp_path / "edc"),
        ],
    )
    assert result.exit_code == 0, result.output
    wrapper = json.loads((tmp_path / "edc" / "cnam-movs-2025-001.json").read_text())
    assert list(wrapper) == ["credential"]
    document = wrapper["credential"]
    assert document["credentialSubject"]["dateOfBirth"] == "1998-03-12T00:00:00"
    displays = document["displayParameter"]["individualDisplay"]
    assert [d["language"]["id"][-3:] for d in displays] == ["FRA", "ENG"]
    pages = {base64.b64decode(d["displayDetail"][0]["image"]["content"]) for d in displays}
    assert len(pages) == 2


# --------------------------------------------------------------------------- the extra


def test_cli_module_does_not_import_the_extra() -> None:
    code = (
        "import sys, rncpkit.cli; "
        "assert not {'cryptography', 'pyld', 'PIL'} & set(sys.modules), sys.modules.keys()"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_extra_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real_import = __import__

    def no_pyld(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyld":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr("builtins.__import__", no_pyld)
    result = CliRunner().invoke(cli, ["credentials", "keygen", "-o", str(tmp_path / "k.jwk")])
    assert result.exit_code == 1
    assert "pip install 'rncpkit[credentials]'" in result.stderr
    assert not (tmp_path / "k.jwk").exists()


def test_end_of_validity_becomes_valid_until(tmp_path: Path, key_file: Path) -> None:
    source = holders_csv(
        tmp_path,
        "V-1;04/07/2025;EXEMPLE;Zoé;12345678901;04/07/2030",
        header="id_technique;date_obtention;nom_naissance;prenom1;id_dossier_cpf;date_fin_validite",
    )
    assert issue(source, tmp_path / "out", options(key_file)).ok
    document = json.loads((tmp_path / "out" / "v-1.json").read_text())
    assert document["validUntil"] == "2030-07-05T00:00:00+02:00"  # the end of the last day
    assert verify(document, now=NOW).ok
    later = dt.datetime(2030, 7, 5, 1, 0, tzinfo=dt.UTC)
    assert "expired" in str(verify(document, now=later))


def test_file_level_errors_name_the_users_file(tmp_path: Path, key_file: Path) -> None:
    source = holders_csv(
        tmp_path,
        "U-1;04/07/2025;EXEMPLE;Zoé;1",
        header="id_technique;date_obtention;nom_naissance;prenom1;couleur",
    )
    with pytest.raises(rncpkit.errors.InputError) as caught:
        issue(source, tmp_path / "out", options(key_file))
    assert caught.value.file == str(source) and "couleur" in str(caught.value)
    progress: list[tuple[int, int]] = []
    issue(HOLDERS, tmp_path / "ok", options(key_file), progress=lambda *a: progress.append(a))
    assert progress[0] == (1, 12) and progress[-1] == (12, 12)


_FREE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\r;,\"'"),
    max_size=15,
)


@given(
    rows=st.lists(st.tuples(_FREE_TEXT, st.sampled_from(["", "#", "blank"])), max_size=6),
    crlf=st.booleans(),
    delimiter=st.sampled_from([";", ","]),
)
def test_rows_keep_the_spreadsheets_numbers(
    rows: list[tuple[str, str]], crlf: bool, delimiter: str
) -> None:
    """Taking the credential columns out never shifts a row number: each row is numbered as
    accrochage numbers the same file without them, and keeps its own e-mail."""
    from rncpkit.accrochage import read_rows
    from rncpkit.credentials.holders import read_holders

    def table(with_email: bool) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
        head = ["id_technique", "date_obtention", "nom_naissance", "prenom1", "id_dossier_cpf"]
        writer.writerow([*head[:2], *(["email"] if with_email else []), *head[2:], "verbatim"])
        for index, (text, before) in enumerate(rows):
            if before == "#":
                writer.writerow([f"# note {index}"])
            elif before == "blank":
                writer.writerow([])
            mail = [f"r{index}@example.fr"] if with_email else []
            writer.writerow(
                [f"R-{index}", "04/07/2025", *mail, "EXEMPLE", "Zoé", "1234567890", text]
            )
        return out.getvalue().encode("utf-8")

    expected = [(row.number, row.technical_id) for row in read_rows(table(False))]
    found = []
    for holder, problems in read_holders(table(True), "RNCP35080"):
        if holder is None:
            found.append((problems[0].row, problems[0].technical_id))
            continue
        found.append((holder.row, holder.technical_id))
        assert holder.email == f"r{holder.technical_id[2:]}@example.fr"
    assert found == expected
