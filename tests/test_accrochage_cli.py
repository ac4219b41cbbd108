"""``rncpkit accrochage template | build | check`` as a certifier runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from rncpkit.cli import cli
from tests.accrochage_support import XSD_PARTS, assert_portal_ready, reference
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "holders-RNCP35080.csv"
IDS = ["--id-client", "03VML243", "--id-contrat", "MCFCER000209"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_template_on_stdout_and_in_a_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["accrochage", "template"])
    assert result.exit_code == 0
    lines = result.stdout_bytes.split(b"\r\n")
    assert lines[0].startswith(b'"# certification : code RNCP/RS')
    assert lines[1].startswith(b"certification;id_technique;date_obtention;voie_acces;")
    out = tmp_path / "titulaires.csv"
    result = runner.invoke(cli, ["accrochage", "template", "-o", str(out), "--delimiter", ","])
    assert result.exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.split(b"\r\n")[1].startswith(b"certification,id_technique,")


def test_walkthrough_template_fill_build_check(runner: CliRunner, tmp_path: Path) -> None:
    holders = tmp_path / "titulaires.csv"
    runner.invoke(cli, ["accrochage", "template", "-o", str(holders)])
    header = holders.read_bytes().split(b"\r\n")[1].decode().split(";")
    values = {
        "id_technique": "2025-001",
        "date_obtention": "04/07/2025",
        "voie_acces": "VAE",
        "nom_naissance": "EXEMPLE",
        "prenom1": "Zoé",
        "date_naissance": "03/05/1990",
        "sexe": "F",
        "code_insee_naissance": "75056",
    }
    with holders.open("ab") as handle:
        handle.write((";".join(values.get(c, "") for c in header) + "\r\n").encode())
    flux = tmp_path / "flux.xml"
    result = runner.invoke(
        cli,
        [
            "accrochage",
            "build",
            str(holders),
            "--certification",
            "RNCP35080",
            *IDS,
            "-o",
            str(flux),
        ],
    )
    assert result.exit_code == 0, result.output
    assert_portal_ready(flux.read_bytes())
    assert f"wrote {flux}" in result.stderr
    assert "1 rows read, 1 passages written in 1 file(s), 0 rows rejected" in result.stderr
    result = runner.invoke(cli, ["accrochage", "check", str(flux)])
    assert result.exit_code == 0
    assert "RNCP35080 (RNCP, CERTIFICATEUR): 1 passages" in result.stdout
    assert "modaliteAcces: VAE 1" in result.stdout
    assert "OK: 0 erreur(s)/error(s)" in result.stdout


@pytest.mark.conformance
def test_check_with_the_official_xsd(runner: CliRunner, tmp_path: Path) -> None:
    flux = tmp_path / "flux.xml"
    runner.invoke(cli, ["accrochage", "build", str(SAMPLE), *IDS, "-o", str(flux)])
    xsd = str(reference(*XSD_PARTS))
    result = runner.invoke(cli, ["accrochage", "check", str(flux), "--xsd", xsd])
    assert result.exit_code == 0
    assert "XSD cpf-accrochage-1.1.2.xsd: valide / valid" in result.stdout
    result = runner.invoke(
        cli, ["accrochage", "check", str(flux), "--xsd", xsd, "--format", "json"]
    )
    summary = json.loads(result.stdout)
    assert summary["ok"] is True and summary["passages"] == 12
    assert summary["certifications"][0]["identification"] == {
        "titulaire": 9,
        "dossierFormation": 3,
    }


def bad_holders(tmp_path: Path) -> Path:
    text = SAMPLE.read_bytes().decode("utf-8-sig")
    text = text.replace(";12/03/1998;F;75056;", ";12/03/1998;X;75056;")  # row 3: bad sex
    text = text.replace("CNAM-MOVS-2025-003;04/07/2025;CQ;", "CNAM-MOVS-2025-003;04/07/2025;FI;")
    path = tmp_path / "titulaires.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    return path


def test_build_all_or_nothing(runner: CliRunner, tmp_path: Path) -> None:
    flux = tmp_path / "flux.xml"
    result = runner.invoke(
        cli, ["accrochage", "build", str(bad_holders(tmp_path)), *IDS, "-o", str(flux)]
    )
    assert result.exit_code == 1
    assert not flux.exists()
    lines = result.stderr.splitlines()
    assert lines[0].startswith("rncpkit: ligne/row 3 [idTechnique CNAM-MOVS-2025-001]: sexe ")
    assert "(valeur masquée / value hidden)" in lines[0]
    assert lines[1].startswith(
        'rncpkit: ligne/row 5 [idTechnique CNAM-MOVS-2025-003]: voie_acces "FI"'
    )
    assert "2 of 12 rows rejected: nothing written" in lines[2]
    for secret in ("MARTINEAU", "Léa", "CASANOVA", "1998", "75056", "Ajaccio"):
        assert secret not in result.stderr


def test_build_skip_invalid_writes_a_report(runner: CliRunner, tmp_path: Path) -> None:
    flux = tmp_path / "flux.xml"
    result = runner.invoke(
        cli,
        [
            "accrochage",
            "build",
            str(bad_holders(tmp_path)),
            *IDS,
            "-o",
            str(flux),
            "--skip-invalid",
        ],
    )
    assert result.exit_code == 1
    assert_portal_ready(flux.read_bytes())
    report = tmp_path / "flux-rejets.csv"
    assert f"rejected rows reported in {report}" in result.stderr
    rows = report.read_bytes().decode("utf-8-sig").split("\r\n")
    assert [row.split(";")[:3] for row in rows[1:3]] == [
        ["3", "CNAM-MOVS-2025-001", "sexe"],
        ["5", "CNAM-MOVS-2025-003", "voie_acces"],
    ]
    assert "10 passages written in 1 file(s), 2 rows rejected" in result.stderr


def test_build_from_stdin_to_stdout(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["accrochage", "build", "-", *IDS, "-o", "-"], input=SAMPLE.read_bytes()
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<cpf:flux ')
    assert result.stdout_bytes.count(b"<cpf:passageCertification>") == 12
    assert_portal_ready(result.stdout_bytes)


def test_build_from_json_holders(runner: CliRunner, tmp_path: Path) -> None:
    import csv
    import io

    reader = csv.DictReader(io.StringIO(SAMPLE.read_bytes().decode("utf-8-sig")), delimiter=";")
    rows = [row for row in reader if not row["certification"].startswith("#")]
    holders = tmp_path / "titulaires.json"
    holders.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    flux = tmp_path / "flux.xml"
    result = runner.invoke(cli, ["accrochage", "build", str(holders), *IDS, "-o", str(flux)])
    assert result.exit_code == 0, result.stderr
    assert_portal_ready(flux.read_bytes())
    assert flux.read_bytes().count(b"<cpf:passageCertification>") == 12


def test_split_to_stdout_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(
        cli,
        ["accrochage", "build", str(SAMPLE), *IDS, "-o", "-", "--max-passages", "5"],
    )
    assert result.exit_code == 2
    assert "several files" in result.stderr


def test_split_files_named(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli,
        [
            "accrochage",
            "build",
            str(SAMPLE),
            *IDS,
            "-o",
            str(tmp_path / "flux.xml"),
            "--max-passages",
            "5",
        ],
    )
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "flux-001.xml",
        "flux-002.xml",
        "flux-003.xml",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--id-client", "ABC", "--id-contrat", "MCFCER000209"], "--id-client"),
        ([*IDS, "--max-passages", "200001"], "200001"),
        ([*IDS, "--certification", "hello"], "--certification"),
    ],
)
def test_usage_errors(runner: CliRunner, tmp_path: Path, args: list[str], message: str) -> None:
    out = str(tmp_path / "f.xml")
    result = runner.invoke(cli, ["accrochage", "build", str(SAMPLE), *args, "-o", out])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "f.xml").exists()


def test_unreadable_holders_file_is_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "titulaires.csv"
    path.write_bytes("id_technique;date_obtention;nom_naissance;prénom\r\n".encode("cp1252"))
    result = runner.invoke(cli, ["accrochage", "build", str(path), *IDS, "-o", "f.xml"])
    assert result.exit_code == 1
    assert "CSV UTF-8" in result.stderr


def test_check_rejects_a_bad_flux(runner: CliRunner, tmp_path: Path) -> None:
    flux = tmp_path / "flux.xml"
    runner.invoke(cli, ["accrochage", "build", str(SAMPLE), *IDS, "-o", str(flux)])
    flux.write_text(flux.read_text().replace("<cpf:sexe>F<", "<cpf:sexe>Q<", 1))
    result = runner.invoke(cli, ["accrochage", "check", str(flux)])
    assert result.exit_code == 1
    assert "[idTechnique CNAM-MOVS-2025-001]: erreur/error: sexe:" in result.stdout
    assert "REJETÉ / REJECTED: 1 erreur(s)/error(s)" in result.stdout


def test_skip_invalid_help_says_the_exit_code(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["accrochage", "build", "--help"])
    text = " ".join(result.output.split())
    assert "The exit code is still 1 when any row was rejected." in text
    assert "the exit code is 1 all the same" in text


def test_skip_invalid_says_why_it_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    flux = tmp_path / "flux.xml"
    result = runner.invoke(
        cli,
        [
            "accrochage",
            "build",
            str(bad_holders(tmp_path)),
            *IDS,
            "-o",
            str(flux),
            "--skip-invalid",
        ],
    )
    assert result.exit_code == 1 and flux.exists()
    assert "exit code 1 although the valid rows were written" in result.stderr


# --------------------------------------------------------------------------- progress


def _big_holders(tmp_path: Path, count: int) -> Path:
    """``count`` valid rows (CPF dossier identification), more than one read buffer."""
    path = tmp_path / "many.csv"
    lines = ["id_technique;date_obtention;id_dossier_cpf;nom_naissance;prenom1"]
    lines += [f"P-{n:05d};04/07/2025;{10000000000 + n};EXEMPLE;Zoé" for n in range(count)]
    path.write_text("\r\n".join(lines) + "\r\n", "utf-8")
    return path


def test_build_prints_only_its_summary_when_stderr_is_not_a_terminal(
    runner: CliRunner, tmp_path: Path
) -> None:
    holders = _big_holders(tmp_path, 3000)
    args = ["accrochage", "build", str(holders), "--certification", "RNCP35080", *IDS]
    result = runner.invoke(cli, [*args, "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "rncpkit: 3000 rows read, 3000 passages written in 1 file(s), 0 rows rejected\n"
    )
    flux = tmp_path / "flux.xml"
    result = runner.invoke(cli, [*args, "-o", str(flux)])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"rncpkit: wrote {flux}",
        "rncpkit: 3000 rows read, 3000 passages written in 1 file(s), 0 rows rejected",
    ]


def test_build_shows_a_progress_bar_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    holders = _big_holders(tmp_path, 3000)
    assert holders.stat().st_size > 2 * 64 * 1024  # the bar moves more than once
    fake = Terminal()
    monkeypatch.setattr(sys, "stderr", fake)
    flux = tmp_path / "flux.xml"
    args = ["accrochage", "build", str(holders), "--certification", "RNCP35080", *IDS]
    cli.main([*args, "-o", str(flux)], standalone_mode=False)
    shown = fake.getvalue()
    bar, _, after = shown.rpartition("\n" + f"rncpkit: wrote {flux}")
    frames = [frame for frame in bar.split("\r") if "Reading rows" in frame]
    percents = [int(found) for frame in frames for found in re.findall(r"(\d+)%", frame)]
    assert len(percents) >= 3 and percents == sorted(percents) and percents[-1] == 100
    assert percents[0] < 100
    assert after.strip().endswith(
        "3000 rows read, 3000 passages written in 1 file(s), 0 rows rejected"
    )
    assert "Zoé" not in shown and "P-0" not in shown


def test_build_reports_rows_read_to_its_progress_callback(tmp_path: Path) -> None:
    from rncpkit.accrochage import build

    holders = _big_holders(tmp_path, 3000)
    calls: list[tuple[int, int | None]] = []
    report = build(
        holders,
        tmp_path / "flux.xml",
        id_client="03VML243",
        id_contract="MCFCER000209",
        certification="RNCP35080",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert report.rows == len(calls) == 3000
    size = holders.stat().st_size
    assert {total for _done, total in calls} == {size}
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[0][0] < size and calls[-1][0] == size
