"""Reading a flux back: ``check`` finds what the portal would reject, and says it without
quoting personal data."""

from __future__ import annotations

from pathlib import Path

import pytest

from rncpkit.accrochage import check
from rncpkit.accrochage.checker import check_xsd
from rncpkit.errors import InputError, UnsafeInputError
from tests.accrochage_support import XSD_PARTS, civil, flux_bytes, passage, reference

SAMPLE_PARTS = ("cdc-accrochage", "accrochage-sample-1.1.2.xml")


def good() -> str:
    return flux_bytes(
        passage(technical_id="A-1"), passage(technical_id="A-2", holder=civil(birth_day=None))
    ).decode()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "flux.xml"
    path.write_text(text, encoding="utf-8")
    return path


def errors(report: object) -> list[tuple[str, str]]:
    return [(p.element, p.reason_en) for p in report.problems if not p.warning]  # type: ignore[attr-defined]


def test_a_written_flux_is_clean(tmp_path: Path) -> None:
    report = check(write(tmp_path, good()))
    assert report.ok and report.problems == [] and report.passages == 2
    assert (report.id_flux, report.emitter, report.certifier, report.contract) == (
        "flux-1",
        "03VML243",
        "03VML243",
        "MCFCER000209",
    )
    assert report.horodatage == "2025-07-15T10:30:05+02:00"


@pytest.mark.conformance
def test_the_official_example_is_clean() -> None:
    report = check(reference(*SAMPLE_PARTS), xsd=reference(*XSD_PARTS))
    assert report.ok and report.problems == []
    assert report.xsd == "cpf-accrochage-1.1.2.xsd"
    [cert] = report.certifications
    assert (cert.code, cert.type, cert.depositor, cert.passages) == (
        "RS5875",
        "RS",
        "CERTIFICATEUR",
        2,
    )
    assert dict(cert.access_modes) == {"(nil)": 2}


@pytest.mark.conformance
def test_a_written_flux_validates_with_xsd_option(tmp_path: Path) -> None:
    assert check(write(tmp_path, good()), xsd=reference(*XSD_PARTS)).problems == []


def test_winter_offset_in_summer_is_a_warning(tmp_path: Path) -> None:
    text = good().replace("2025-07-15T10:30:05+02:00", "2025-07-15T09:30:05+01:00")
    report = check(write(tmp_path, text))
    assert report.ok
    [warning] = report.problems
    assert warning.warning and warning.element == "horodatage"
    assert "2025-07-15T10:30:05+02:00" in warning.reason_en


@pytest.mark.parametrize(
    "stamp", ["2025-07-15T08:30:05Z", "2025-07-15T10:30:05.123+02:00", "2025-07-15T10:30:05"]
)
def test_horodatage_outside_the_pattern(tmp_path: Path, stamp: str) -> None:
    report = check(write(tmp_path, good().replace("2025-07-15T10:30:05+02:00", stamp)))
    assert ("horodatage", "does not match the XSD pattern YYYY-MM-DDThh:mm:ss±hh:mm") in errors(
        report
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "<cpf:idTechnique>A-2<",
            "<cpf:idTechnique>A-1<",
            ("idTechnique", "already used on line 16"),
        ),
        ("<cpf:type>RNCP<", "<cpf:type>RS<", ("certification/type", "must be RNCP for RNCP35080")),
        (
            "<cpf:idClient>03VML243</cpf:idClient>\n    <cpf:certificateurs>",
            "<cpf:idClient>03VML24</cpf:idClient>\n    <cpf:certificateurs>",
            ("emetteur/idClient", "must have at least 8 character(s)"),
        ),
        (
            '<cpf:dateFinValidite xsi:nil="true"/>',
            "",
            ("dateFinValidite", 'required element missing (write it xsi:nil="true" when unknown)'),
        ),
        (
            "<cpf:presenceNiveauLangueEuro>false<",
            "<cpf:presenceNiveauLangueEuro>true<",
            (
                "presenceNiveauLangueEuro",
                "must be true exactly when niveauLangueEuropeen is given",
            ),
        ),
        (
            "<cpf:sexe>F<",
            "<cpf:sexe><",
            ("sexe", "must be one of 'M' or 'F'"),
        ),
        (
            "<cpf:codeInsee>75056<",
            "<cpf:codeInsee>7505<",
            ("codeInsee", "an INSEE commune code has five characters (e.g. 75056, 2A004, 99109)"),
        ),
        (
            "<cpf:modalitesInscription>",
            "<cpf:modalitesInscription><cpf:couleur>bleu</cpf:couleur>",
            ("couleur", "unknown element"),
        ),
    ],
)
def test_problems_are_found(tmp_path: Path, old: str, new: str, expected: tuple[str, str]) -> None:
    text = good()
    assert old in text
    report = check(write(tmp_path, text.replace(old, new, 1)))
    assert not report.ok
    assert expected in errors(report)


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("2025-09-31", "this date does not exist in the calendar (check day and month)"),
        ("2025-13-04", "this date does not exist in the calendar (check day and month)"),
        ("04/07/2025", "must be a date YYYY-MM-DD"),
    ],
)
def test_a_date_that_does_not_exist_is_not_a_format_error(
    tmp_path: Path, date: str, reason: str
) -> None:
    text = good().replace(
        "<cpf:dateDebutValidite>2025-07-04<", f"<cpf:dateDebutValidite>{date}<", 1
    )
    assert errors(check(write(tmp_path, text))) == [("dateDebutValidite", reason)]


def test_passage_problems_are_located_by_line_and_id(tmp_path: Path) -> None:
    text = good().replace("<cpf:sexe>F<", "<cpf:sexe>X<", 1)
    [problem] = check(write(tmp_path, text)).problems
    assert (problem.line, problem.technical_id, problem.element) == (16, "A-1", "sexe")
    assert str(problem).startswith("ligne/line 16 [idTechnique A-1]: erreur/error: sexe: ")


def test_personal_values_never_appear(tmp_path: Path) -> None:
    text = good().replace("<cpf:nomNaissance>EXEMPLE<", "<cpf:nomNaissance>" + "SECRET" * 11 + "<")
    text = text.replace("<cpf:anneeNaissance>1990<", "<cpf:anneeNaissance>SECRET<")
    report = check(write(tmp_path, text))
    assert {p.element for p in report.problems} == {"nomNaissance", "anneeNaissance"}
    assert all("SECRET" not in str(p) for p in report.problems)


@pytest.mark.conformance
def test_xsd_messages_are_redacted(tmp_path: Path) -> None:
    text = good().replace("<cpf:sexe>F<", "<cpf:sexe>SECRET<", 1)
    text = text.replace("<cpf:anneeNaissance>1990<", "<cpf:anneeNaissance>SECRET<", 1)
    xsd = check_xsd(write(tmp_path, text), reference(*XSD_PARTS))
    assert [p.element for p in xsd] == ["anneeNaissance", "sexe"]
    assert all("SECRET" not in str(p) and "hidden" in str(p) for p in xsd)
    assert [p.reason_fr for p in xsd] == [
        "la valeur n'a pas le type attendu",
        "la valeur n'est pas une des valeurs permises {'M', 'F'}",
    ]


@pytest.mark.conformance
def test_one_finding_per_problem_with_the_xsd(tmp_path: Path) -> None:
    """A bad value the model refuses is not reported a second time by the XSD."""
    text = good().replace("<cpf:sexe>F<", "<cpf:sexe>X<", 1)
    text = text.replace("<cpf:anneeNaissance>1990<", "<cpf:anneeNaissance>1850<", 2)
    report = check(write(tmp_path, text), xsd=reference(*XSD_PARTS))
    assert [(p.line, p.element, p.xsd) for p in report.problems] == [
        (16, "anneeNaissance", False),
        (16, "sexe", False),
        (46, "anneeNaissance", False),
    ]
    assert all(p.reason_fr != p.reason_en for p in report.problems)


@pytest.mark.conformance
def test_what_only_the_xsd_finds_is_reported_in_both_languages(tmp_path: Path) -> None:
    text = good().replace("<cpf:idClient>03VML243</cpf:idClient>", "", 1)
    report = check(write(tmp_path, text), xsd=reference(*XSD_PARTS))
    xsd = [p for p in report.problems if p.xsd]
    assert [(p.element, p.reason_fr) for p in xsd] == [
        (
            "emetteur",
            "élément(s) enfant(s) manquant(s) : ( {urn:cdc:cpf:pc5:schema:1.0.0}idClient )",
        )
    ]
    assert len(report.problems) == 2  # and the model's own finding on emetteur/idClient


def test_breakdown_adds_up_on_a_broken_flux(tmp_path: Path) -> None:
    """Invalid passages are counted in the breakdown too (5 declared = 5 counted)."""
    text = flux_bytes(*(passage(technical_id=f"B-{i}") for i in range(5))).decode()
    text = text.replace("<cpf:sexe>F<", "<cpf:sexe>X<", 2)
    text = text.replace(
        '<cpf:modaliteAcces xsi:nil="true"/>',
        "<cpf:modaliteAcces>FORMATION_INITIALE_APPRENTISSAGE</cpf:modaliteAcces>",
        1,
    )
    report = check(write(tmp_path, text))
    [cert] = report.certifications
    assert report.passages == cert.passages == 5
    assert sum(cert.access_modes.values()) == sum(cert.identifications.values()) == 5
    assert dict(cert.identifications) == {"titulaire": 5}
    assert cert.access_modes["FORMATION_INITIALE_APPRENTISSAGE"] == 1
    assert len(report.problems) == 2


def test_portal_limits(tmp_path: Path) -> None:
    path = write(tmp_path, good())
    assert errors(check(path, max_passages=1)) == [
        ("flux", "2 passages, above the portal's 1 per file")
    ]
    assert errors(check(path, max_bytes=100)) == [("flux", "file exceeds the portal's 100 bytes")]


def test_wrong_namespace_root(tmp_path: Path) -> None:
    text = good().replace("urn:cdc:cpf:pc5:schema:1.0.0", "urn:example")
    report = check(write(tmp_path, text))
    assert errors(report) == [
        ("flux", "the root must be cpf:flux in namespace urn:cdc:cpf:pc5:schema:1.0.0")
    ]


def test_certification_without_passage(tmp_path: Path) -> None:
    text = good()
    start = text.index("<cpf:passageCertifications>") + len("<cpf:passageCertifications>")
    end = text.index("</cpf:passageCertifications>")
    report = check(write(tmp_path, text[:start] + text[end:]))
    assert ("certification", "RNCP35080 has no passage") in errors(report)


def test_doctype_is_refused(tmp_path: Path) -> None:
    text = good().replace("?>\n", '?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n', 1)
    with pytest.raises(UnsafeInputError):
        check(write(tmp_path, text))


def test_not_well_formed(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="well-formed"):
        check(write(tmp_path, good()[:-30]))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        check(tmp_path / "absent.xml")
