"""The portal's processing report: summary, known messages explained, refused rows back to
the spreadsheet, streamed in bounded memory, safe parsing."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from rncpkit.accrochage import explain, read_report, read_rows, reconcile
from rncpkit.cli import cli
from rncpkit.errors import InputError, UnsafeInputError
from tests.accrochage_support import report_xml
from tests.conftest import SAMPLES

HOLDERS = SAMPLES / "holders-RNCP35080.csv"
NO_ONE = "Aucun titulaire ne correspond aux critères obligatoires"
NO_ONE_DAY = NO_ONE + " enrichis du jour et du mois de naissance"
ALREADY = "Le titulaire existe déjà en base"
IDS = [f"CNAM-MOVS-2025-{n:03d}" for n in range(1, 13)]


def write(tmp_path: Path, data: bytes, name: str = "accuse.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def mixed() -> bytes:
    return report_xml(
        accepted=IDS[3:11],
        refused=[(IDS[0], NO_ONE), (IDS[1], NO_ONE_DAY), (IDS[2], NO_ONE), (IDS[11], ALREADY)],
    )


def test_summary_counts_and_groups_reasons(tmp_path: Path) -> None:
    report = read_report(write(tmp_path, mixed()))
    assert (report.file_name, report.treatment_id) == ("flux.xml", "4711")
    assert (report.accepted, report.refused, report.file_refused, report.ok) == (8, 4, False, False)
    assert report.reasons.most_common() == [(NO_ONE, 2), (NO_ONE_DAY, 1), (ALREADY, 1)]


def test_outcomes_are_streamed_one_by_one(tmp_path: Path) -> None:
    seen: list[tuple[str, bool, str | None]] = []
    read_report(
        write(tmp_path, mixed()), lambda o, _r: seen.append((o.technical_id, o.accepted, o.message))
    )
    assert seen[:2] == [(IDS[0], False, NO_ONE), (IDS[1], False, NO_ONE_DAY)]
    assert [tid for tid, accepted, _ in seen if accepted] == IDS[3:11]


def test_a_file_refused_by_the_xsd(tmp_path: Path) -> None:
    message = "cvc-complex-type.2.4.b: Le contenu de l'élément 'cpf:titulaire' n'est pas complet."
    data = report_xml(errors=[(message, 57, 31)], file_name=None, id_flux="flux-9")
    report = read_report(write(tmp_path, data))
    assert report.file_refused and not report.ok and report.id_flux == "flux-9"
    [error] = report.errors
    assert (error.type, error.message, error.line, error.column) == ("XSD", message, 57, 31)


@pytest.mark.parametrize(
    ("message", "fragment_fr", "fragment_en"),
    [
        (NO_ONE, "nom de naissance (pas le nom d'usage)", "birth name (not the usage name)"),
        (NO_ONE_DAY, "jour et mois", "day and month"),
        (ALREADY, "ne pas le renvoyer", "do not send it again"),
        ("  Aucun titulaire ne correspond   aux critères obligatoires ", "nom de naissance", "sex"),
    ],
)
def test_known_messages_are_explained_in_both_languages(
    message: str, fragment_fr: str, fragment_en: str
) -> None:
    explanation = explain(message)
    assert explanation is not None
    assert fragment_fr in explanation.fr and fragment_en in explanation.en


def test_an_unknown_message_has_no_invented_explanation() -> None:
    assert explain("Erreur technique") is None and explain(None) is None


def test_refused_passages_mapped_to_rows_and_a_file_to_correct(tmp_path: Path) -> None:
    holders = tmp_path / "titulaires.csv"
    holders.write_bytes(HOLDERS.read_bytes())
    result = reconcile(write(tmp_path, mixed()), holders=holders)
    assert [(r.row, r.technical_id, r.reason) for r in result.rows] == [
        (3, IDS[0], NO_ONE),
        (4, IDS[1], NO_ONE_DAY),
        (5, IDS[2], NO_ONE),
        (14, IDS[11], ALREADY),
    ]
    assert result.missing == 0
    assert result.corrections == tmp_path / "titulaires-a-corriger.csv"
    rows = list(read_rows(result.corrections))
    assert [row.technical_id for row in rows] == [IDS[0], IDS[1], IDS[2], IDS[11]]

    def filled(cells: dict[str, str]) -> dict[str, str]:
        return {name: value for name, value in cells.items() if value}

    original = {row.technical_id: filled(row.cells) for row in read_rows(HOLDERS)}
    assert all(filled(row.cells) == original[row.technical_id] for row in rows)  # as sent
    assert stat.S_IMODE(result.corrections.stat().st_mode) == 0o600  # personal data


def test_refused_passages_absent_from_the_holders_file_are_counted(tmp_path: Path) -> None:
    data = report_xml(refused=[("ELSEWHERE-1", NO_ONE), (IDS[4], NO_ONE)])
    result = reconcile(write(tmp_path, data), holders=HOLDERS, corrections=tmp_path / "c.csv")
    assert [r.row for r in result.rows] == [7] and result.missing == 1


def test_nothing_refused_writes_no_file_to_correct(tmp_path: Path) -> None:
    result = reconcile(write(tmp_path, report_xml(accepted=IDS)), holders=HOLDERS)
    assert result.report.ok and result.corrections is None and result.rows == []


def test_cli_text_summary(tmp_path: Path) -> None:
    path = write(tmp_path, mixed())
    corrections = tmp_path / "c.csv"
    result = CliRunner().invoke(
        cli,
        [
            *("accrochage", "report", str(path), "--holders", str(HOLDERS)),
            "--corrections",
            str(corrections),
        ],
    )
    assert result.exit_code == 1  # something was refused
    out = result.stdout
    assert "acceptés/accepted: 8" in out and "refusés/refused: 4" in out
    assert f"    2 × {NO_ONE}\n" in out
    assert "      → Aucune personne ne correspond" in out
    assert f"  ligne/row 3 [idTechnique {IDS[0]}]: {NO_ONE}" in out
    assert f"to correct and resend: {corrections}" in out
    for secret in ("MARTINEAU", "Léa", "1998", "75056"):
        assert secret not in out


def test_cli_json_and_exit_0_when_all_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, report_xml(accepted=IDS[:3]))
    result = CliRunner().invoke(cli, ["accrochage", "report", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["acceptes"], data["refuses"], data["fichierRefuse"]) == (3, 0, False)


def test_cli_json_reasons_carry_explanations(tmp_path: Path) -> None:
    path = write(tmp_path, mixed())
    result = CliRunner().invoke(cli, ["accrochage", "report", str(path), "--format", "json"])
    data = json.loads(result.stdout)
    assert (data["raisons"][0]["message"], data["raisons"][0]["passages"]) == (NO_ONE, 2)
    assert data["raisons"][0]["explanation"].startswith("No person matches")


def test_cli_file_refused_shows_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, report_xml(errors=[("Élément inattendu", 12, 9)]))
    result = CliRunner().invoke(cli, ["accrochage", "report", str(path)])
    assert result.exit_code == 1
    assert "FICHIER REFUSÉ / FILE REFUSED: 1 erreur(s)" in result.stdout
    assert "ligne/line 12, colonne/column 9: [XSD] Élément inattendu" in result.stdout


def test_a_report_with_a_doctype_is_refused(tmp_path: Path) -> None:
    data = mixed().replace(
        b"?>\n", b'?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n', 1
    )
    with pytest.raises(UnsafeInputError):
        read_report(write(tmp_path, data))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<flux/>", "not a Caisse des D"),
        (b"<rapport><PassagesOK>", "well-formed"),
        (b"", "empty"),
    ],
)
def test_not_a_report(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_report(write(tmp_path, data))
