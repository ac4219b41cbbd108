"""Schema 1.1.5: the file's action, holders identified by NIR (key, Corsica, consistency with
the row, never shown), the reconstructed XSD, and ``check`` telling the versions apart."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from rncpkit import xmlsafe
from rncpkit.accrochage import (
    AccessMode,
    CertificationRef,
    DepositorKind,
    FluxAction,
    FluxHeader,
    LanguageLevel,
    Mention,
    NationalId,
    NirError,
    Row,
    build,
    check,
    nir_key,
    parse_nir,
    to_passage,
    write_flux,
    write_report,
)
from rncpkit.accrochage.enums import (
    ExamMode,
    Obtention,
    RegistrationInitiative,
    Sex,
    VaeRoute,
)
from rncpkit.cli import cli
from tests.accrochage_support import (
    assert_portal_ready,
    header,
    holders_csv,
    official_schema,
    passage,
    reconstructed_schema,
    xsd_errors,
)
from tests.conftest import SCHEMAS

NOW = dt.datetime(2025, 11, 26, 9, 0, tzinfo=dt.UTC)
IDS = ["--id-client", "03VML243", "--id-contrat", "MCFCER000209"]
NIR_PARIS = "2 98 03 75 056 042 32"  # fictional: F, March 1998, Paris, key 32
NIR_AJACCIO = "1 92 08 2A 004 017 61"  # fictional: M, August 1992, Corse-du-Sud, key 61
NIR_BASTIA = "192082B03301791"  # fictional, Haute-Corse, key 91
XSD_115 = SCHEMAS / "accrochage-1.1.5.xsd"


def nir_row(**cells: str) -> Row:
    base = {
        "id_technique": "N-1",
        "date_obtention": "04/07/2025",
        "nom_naissance": "EXEMPLE",
        "nir": NIR_PARIS,
    }
    return Row(4, {**base, **cells})


# --------------------------------------------------------------------------- the NIR itself


def test_key_of_the_published_example() -> None:
    assert nir_key("2550814168025") == 38  # INSEE's example 2 55 08 14 168 025 38


@pytest.mark.parametrize(
    ("text", "number"),
    [
        (NIR_PARIS, "2980375056042"),
        ("2980375056042", "2980375056042"),
        (NIR_AJACCIO, "192082A004017"),
        (NIR_AJACCIO.lower(), "192082A004017"),
        (NIR_BASTIA, "192082B033017"),
        ("2.98.03.75.056.042-32", "2980375056042"),
    ],
)
def test_nir_is_read_with_spaces_and_its_key_dropped(text: str, number: str) -> None:
    assert parse_nir(text).number == number


def test_corsica_keys_read_2a_as_19_and_2b_as_18() -> None:
    assert nir_key("192082A004017") == 97 - int("1920819004017") % 97 == 61
    assert nir_key("192082B033017") == 97 - int("1920818033017") % 97 == 91


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2 98 03 75 056 042 33", "key is wrong"),
        ("2 98 03 75 056 04", "13 characters"),
        ("3 98 03 75 056 042", "not a NIR"),
        ("2 98 03 2C 056 042", "not a NIR"),
        ("2 98 03 75 056 042 3X", "two digits"),
    ],
)
def test_bad_nirs_are_refused_without_quoting_them(text: str, fragment: str) -> None:
    with pytest.raises(NirError) as caught:
        parse_nir(text)
    assert fragment in caught.value.en and caught.value.fr
    assert "056" not in caught.value.en + caught.value.fr


def test_a_nir_never_shows_itself() -> None:
    nir = parse_nir(NIR_PARIS)
    assert "2980375056042" not in repr(nir) + str(nir)
    holder = NationalId(nir=nir.number, birth_name="EXEMPLE")
    assert "2980375056042" not in repr(holder)


@given(
    st.from_regex(r"[12]\d{4}(2[AB]|\d{2})\d{6}", fullmatch=True),
    st.integers(min_value=1, max_value=97),
)
def test_exactly_one_key_is_right(number: str, key: int) -> None:
    text = f"{number}{key:02d}"
    if key == nir_key(number):
        assert parse_nir(text).number == number
    else:
        with pytest.raises(NirError):
            parse_nir(text)


# --------------------------------------------------------------------------- rows


def test_a_nir_row_gives_a_national_identification_in_1_1_5() -> None:
    _ref, passage_, problems = to_passage(nir_row(), "RNCP35080", schema="1.1.5")
    assert problems == []
    assert passage_ is not None
    assert passage_.holder == NationalId(nir="2980375056042", birth_name="EXEMPLE")


def test_a_nir_row_is_refused_in_1_1_2_saying_why() -> None:
    _ref, passage_, problems = to_passage(nir_row(), "RNCP35080")
    assert passage_ is None
    [problem] = problems
    assert problem.column == "nir" and "--schema 1.1.5" in problem.reason_en
    assert "2980375056042" not in str(problem) and problem.as_dict()["valeur"] is None


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"sexe": "M"}, [("sexe", "other sex")]),
        ({"date_naissance": "12/03/1997"}, [("date_naissance", "birth year")]),
        ({"date_naissance": "12/04/1998"}, [("date_naissance", "birth month")]),
        (
            {"sexe": "H", "date_naissance": "04/1997"},
            [("sexe", "other sex"), ("date_naissance", "birth year"), ("date_naissance", "month")],
        ),
        ({"nir": "2 98 03 75 056 042 33", "sexe": "M"}, [("nir", "key is wrong")]),
        ({"id_dossier_cpf": "12345678901", "prenom1": "Zoé"}, [("nir", "not both")]),
        ({"nom_naissance": ""}, [("nom_naissance", "required")]),
    ],
)
def test_nir_contradicting_the_row_is_refused(
    cells: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    _ref, passage_, problems = to_passage(nir_row(**cells), "RNCP35080", schema="1.1.5")
    assert passage_ is None
    assert len(problems) == len(expected)
    for problem, (column, fragment) in zip(problems, expected, strict=True):
        assert problem.column == column and fragment in problem.reason_en
        assert problem.reason_fr and "98" not in problem.reason_en


@pytest.mark.parametrize(
    "cells",
    [
        {"sexe": "F", "date_naissance": "12/03/1998"},
        {"date_naissance": "1998"},
        {"nir": "2 98 20 75 056 042", "date_naissance": "12/05/1998"},  # month 20: unknown
        {"nir": NIR_AJACCIO, "sexe": "M", "prenom1": ""},  # no first name needed
    ],
)
def test_nir_agreeing_with_the_row_is_accepted(cells: dict[str, str]) -> None:
    assert to_passage(nir_row(**cells), "RNCP35080", schema="1.1.5")[2] == []


# --------------------------------------------------------------------------- build and XSD


def _build(tmp_path: Path, rows: list[dict[str, str]], **options: object) -> object:
    source = holders_csv(tmp_path / "titulaires.csv", rows)
    settings: dict[str, object] = {
        "id_client": "03VML243",
        "id_contract": "MCFCER000209",
        "certification": "RNCP35080",
        "now": NOW,
    }
    settings.update(options)
    return build(source, tmp_path / "flux.xml", **settings)  # type: ignore[arg-type]


CIVIL = {
    "id_technique": "C-1",
    "date_obtention": "04/07/2025",
    "nom_naissance": "EXEMPLE",
    "prenom1": "Zoé",
    "date_naissance": "03/05/1990",
    "sexe": "F",
    "code_insee_naissance": "75056",
    "voie_acces": "CA",
}
CPF = {"id_technique": "D-1", "date_obtention": "04/07/2025", "id_dossier_cpf": "12345678901"}
CPF |= {"nom_naissance": "INVENTE", "prenom1": "Marc"}
NIR = {"id_technique": "N-1", "date_obtention": "04/07/2025", "nom_naissance": "EXEMPLE"}
NIR |= {"nir": NIR_AJACCIO, "sexe": "M", "date_naissance": "1992"}


def test_a_1_1_5_build_writes_the_action_and_the_three_identifications(tmp_path: Path) -> None:
    report = _build(tmp_path, [CIVIL, CPF, NIR], schema="1.1.5")
    assert report.ok and report.written == 3  # type: ignore[attr-defined]
    data = (tmp_path / "flux.xml").read_bytes()
    assert_portal_ready(data)
    root = xmlsafe.parse_bytes(data)
    names = [etree.QName(child).localname for child in root]
    assert names == ["idFlux", "horodatage", "action", "emetteur"]
    assert root[2].text == "CREATION"
    ns = {"cpf": "urn:cdc:cpf:pc5:schema:1.0.0"}
    kinds = [
        etree.QName(e[0]).localname for e in root.iterfind(".//cpf:identificationTitulaire", ns)
    ]
    assert kinds == ["titulaire", "dossierFormation", "identifiantNational"]
    national = root.find(".//cpf:identifiantNational", ns)
    assert national is not None
    assert [(etree.QName(e).localname, e.text) for e in national] == [
        ("nir", "192082A004017"),
        ("nomNaissance", "EXEMPLE"),
    ]
    summary = check(tmp_path / "flux.xml", xsd=XSD_115)
    assert summary.ok and summary.version == "1.1.5" and summary.action == "CREATION"
    assert dict(summary.certifications[0].identifications) == {
        "titulaire": 1,
        "dossierFormation": 1,
        "identifiantNational": 1,
    }


def test_the_default_is_still_1_1_2_without_action(tmp_path: Path) -> None:
    report = _build(tmp_path, [CIVIL, CPF])
    assert report.ok  # type: ignore[attr-defined]
    data = (tmp_path / "flux.xml").read_bytes()
    assert b"<cpf:action>" not in data
    assert_portal_ready(data)
    assert check(tmp_path / "flux.xml").version == "1.1.2"


@pytest.mark.conformance
def test_shared_parts_of_a_1_1_5_flux_pass_the_official_1_1_2_xsd(tmp_path: Path) -> None:
    _build(tmp_path, [CIVIL, CPF], schema="1.1.5")
    data = (tmp_path / "flux.xml").read_bytes()
    assert xsd_errors(official_schema(), data) != []  # the action is not 1.1.2
    start = data.index(b"<cpf:action>")
    end = data.index(b"</cpf:action>") + len(b"</cpf:action>")
    assert xsd_errors(official_schema(), data[:start] + data[end:]) == []


def test_nir_rows_in_a_1_1_2_build_are_rejected_and_never_shown(tmp_path: Path) -> None:
    bad = {**NIR, "id_technique": "N-2", "nir": "1 92 08 2A 004 017 62"}
    report = _build(tmp_path, [CIVIL, NIR, bad], schema="1.1.5", skip_invalid=True)
    [problem] = report.problems  # type: ignore[attr-defined]
    assert (problem.row, problem.column) == (4, "nir")
    rejects = tmp_path / "rejets.csv"
    write_report(report.problems, rejects)  # type: ignore[attr-defined]
    text = rejects.read_text(encoding="utf-8-sig")
    assert "N-2" in text and "2A004" not in text and "004 017" not in text
    refused = _build(tmp_path, [CIVIL, NIR])
    assert [p.column for p in refused.problems] == ["nir"]  # type: ignore[attr-defined]


def test_cli_never_prints_a_nir(tmp_path: Path) -> None:
    bad = {**NIR, "nir": "1 92 08 2A 004 017 62", "sexe": "F"}
    source = holders_csv(tmp_path / "t.csv", [CIVIL, bad])
    result = CliRunner().invoke(
        cli,
        [
            *("accrochage", "build", str(source), "--certification", "RNCP35080", *IDS),
            *("--schema", "1.1.5", "--skip-invalid", "-o", str(tmp_path / "f.xml")),
        ],
    )
    assert result.exit_code == 1
    assert "ligne/row 3 [idTechnique N-1]: nir (valeur masquée / value hidden)" in result.stderr
    for secret in ("2A", "004 017", "192082"):
        assert secret not in result.stderr
    rejects = (tmp_path / "f-rejets.csv").read_text(encoding="utf-8-sig")
    assert "192082" not in rejects and "004 017" not in rejects


def test_write_flux_refuses_a_nir_in_a_1_1_2_flux() -> None:
    holder = NationalId(nir="2980375056042", birth_name="EXEMPLE")
    with pytest.raises(ValueError, match=r"1\.1\.5"):
        write_flux(
            io.BytesIO(), header(), [(CertificationRef(code="RNCP35080"), [passage(holder=holder)])]
        )


# --------------------------------------------------------------------------- check


def test_check_tells_a_nir_in_a_1_1_2_flux(tmp_path: Path) -> None:
    _build(tmp_path, [CIVIL, NIR], schema="1.1.5")
    text = (tmp_path / "flux.xml").read_text(encoding="utf-8")
    path = tmp_path / "without-action.xml"
    path.write_text(text.replace("<cpf:action>CREATION</cpf:action>", ""), encoding="utf-8")
    report = check(path)
    assert report.version == "1.1.2"
    assert [(p.element, p.reason_en[:40]) for p in report.problems] == [
        ("identifiantNational", "1 passage(s) identify the holder by NIR,")
    ]


@pytest.mark.parametrize(
    ("action", "ok", "warned"),
    [("CREATION", True, False), ("SUPPRESSION", True, True), ("X", False, False)],
)
def test_check_reads_the_action(tmp_path: Path, action: str, ok: bool, warned: bool) -> None:
    _build(tmp_path, [CIVIL], schema="1.1.5")
    path = tmp_path / "flux.xml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(">CREATION<", f">{action}<"), encoding="utf-8"
    )
    report = check(path)
    assert (report.version, report.action, report.ok) == ("1.1.5", action, ok)
    assert any(p.warning for p in report.problems) == warned


def test_check_cli_shows_the_version(tmp_path: Path) -> None:
    _build(tmp_path, [CIVIL, NIR], schema="1.1.5")
    result = CliRunner().invoke(
        cli, ["accrochage", "check", str(tmp_path / "flux.xml"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["version"], data["action"]) == ("1.1.5", "CREATION")
    assert "192082" not in result.stdout


# --------------------------------------------------------------------------- the XSD itself


def _enumeration(name: str) -> list[str]:
    root = xmlsafe.parse_file(str(XSD_115)).getroot()
    ns = {"xs": "http://www.w3.org/2001/XMLSchema"}
    [simple] = root.xpath(f"xs:simpleType[@name='{name}']", namespaces=ns)
    return [e.get("value") for e in simple.iterfind(".//xs:enumeration", ns)]


def test_reconstructed_xsd_says_so_and_parses() -> None:
    text = XSD_115.read_text(encoding="utf-8")
    assert "RECONSTRUCTED BY RNCPKIT, NOT THE OFFICIAL FILE" in text
    assert 'version="1.1.5-reconstructed"' in text
    assert reconstructed_schema() is not None


@pytest.mark.parametrize(
    ("name", "enum"),
    [
        ("action", FluxAction),
        ("natureDeposant", DepositorKind),
        ("obtentionCertification", Obtention),
        ("modalitePassageExamen", ExamMode),
        ("niveauCECRL", LanguageLevel),
        ("mention", Mention),
        ("modaliteAcces", AccessMode),
        ("voieAccesVAE", VaeRoute),
        ("initiativeInscription", RegistrationInitiative),
        ("genre", Sex),
    ],
)
def test_reconstructed_xsd_enumerations_are_the_models(name: str, enum: type) -> None:
    assert _enumeration(name) == [member.value for member in enum]


def test_reconstructed_xsd_nir_pattern_is_the_models() -> None:
    from rncpkit.accrochage.nir import NIR_PATTERN

    text = XSD_115.read_text(encoding="utf-8")
    assert f'<xs:pattern value="{NIR_PATTERN}"/>' in text
    header_115 = FluxHeader.model_validate({**header().model_dump(), "action": FluxAction.CREATION})
    assert header_115.version == "1.1.5" and header().version == "1.1.2"
