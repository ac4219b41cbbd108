"""The ledger of declarations: what was sent, refusal of a second declaration before anything
is written, resending, outcomes from the portal's reports, status, one writer at a time,
and an interrupted run leaving the previous state."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from rncpkit.accrochage import (
    BuildReport,
    Ledger,
    LedgerBusyError,
    build,
    reconcile,
)
from rncpkit.cli import cli
from rncpkit.errors import InputError, UsageError
from tests.accrochage_support import assert_portal_ready, report_xml
from tests.test_accrochage_build import IDS, holders, ids_in

NOW = dt.datetime(2025, 11, 26, 9, 0, tzinfo=dt.UTC)
NO_ONE = "Aucun titulaire ne correspond aux critères obligatoires"


def run(source: Path, output: Path, ledger: Path, **options: object) -> BuildReport:
    report = build(
        source,
        output,
        id_client="03VML243",
        id_contract="MCFCER000209",
        certification="RNCP35080",
        now=NOW,
        ledger=ledger,
        **options,  # type: ignore[arg-type]
    )
    for path in report.files:
        assert_portal_ready(path.read_bytes())
    return report


def rows_of(ledger: Path) -> dict[str, tuple[str, str, str, str | None, int]]:
    with sqlite3.connect(ledger) as db:
        return {
            tid: (status, file, awarded, reason, sends)
            for tid, status, file, awarded, reason, sends in db.execute(
                "SELECT technical_id, status, file, awarded, reason, sends FROM passage"
            )
        }


def flux_id(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("<cpf:idFlux>")[1].split("<")[0]


def answer(tmp_path: Path, ledger: Path, **report: object) -> object:
    path = tmp_path / "accuse.xml"
    path.write_bytes(report_xml(**report))  # type: ignore[arg-type]
    return reconcile(path, ledger=ledger)


@pytest.fixture
def sent(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The sample declared once: (holders, flux, ledger)."""
    source, flux, ledger = holders(tmp_path), tmp_path / "flux.xml", tmp_path / "reg.sqlite"
    report = run(source, flux, ledger)
    assert report.recorded == 12
    return source, flux, ledger


def test_a_build_records_every_passage_without_personal_data(sent: tuple[Path, ...]) -> None:
    _source, flux, ledger = sent
    recorded = rows_of(ledger)
    assert sorted(recorded) == IDS
    assert recorded[IDS[0]] == ("sent", "flux.xml", "2025-07-04", None, 1)
    with sqlite3.connect(ledger) as db:
        [(id_flux,)] = db.execute("SELECT DISTINCT id_flux FROM passage").fetchall()
        [(certification,)] = db.execute("SELECT DISTINCT certification FROM passage").fetchall()
    assert id_flux == flux_id(flux) and certification == "RNCP35080"
    raw = ledger.read_bytes()
    for secret in (b"MARTINEAU", "Léa".encode(), b"1998-03-12", b"12/03/1998", b"75056"):
        assert secret not in raw


def test_same_content_again_is_a_duplicate_refused_before_writing(
    sent: tuple[Path, ...], tmp_path: Path
) -> None:
    source, _flux, ledger = sent
    again = tmp_path / "again.xml"
    report = run(source, again, ledger)
    assert not again.exists() and report.files == [] and report.rejected == 12
    assert all("duplicate declaration" in p.reason_en for p in report.problems)
    assert "(flux.xml, " in report.problems[0].reason_en
    assert all(status == "sent" for status, *_ in rows_of(ledger).values())


def test_other_content_is_a_conflict(sent: tuple[Path, ...], tmp_path: Path) -> None:
    _source, _flux, ledger = sent
    changed = holders(tmp_path, {0: {"date_obtention": "05/07/2025"}})
    report = run(changed, tmp_path / "again.xml", ledger, skip_invalid=True)
    conflicts = [p for p in report.problems if p.reason_en.startswith("conflict")]
    assert [p.technical_id for p in conflicts] == [IDS[0]]
    assert len(report.problems) == 12  # the 11 others are duplicates
    assert report.files == []


def test_resend_after_refusal_then_accepted_is_never_resent(
    sent: tuple[Path, ...], tmp_path: Path
) -> None:
    _source, flux, ledger = sent
    answer(
        tmp_path,
        ledger,
        accepted=IDS[2:],
        refused=[(IDS[0], NO_ONE), (IDS[1], NO_ONE)],
        id_flux=flux_id(flux),
    )
    assert rows_of(ledger)[IDS[0]][:2] == ("refused", "flux.xml")
    assert rows_of(ledger)[IDS[0]][3] == NO_ONE
    corrected = holders(tmp_path, {0: {"prenom1": "Léna"}})
    resend = tmp_path / "resend.xml"
    report = run(corrected, resend, ledger, only_refused=True)
    assert report.ok and report.skipped == 10 and report.written == 2
    assert ids_in(resend) == IDS[:2]
    after = rows_of(ledger)
    assert after[IDS[0]] == ("sent", "resend.xml", "2025-07-04", None, 2)
    assert after[IDS[5]][0] == "accepted"
    # an accepted passage is refused even with --resend
    report = run(corrected, tmp_path / "x.xml", ledger, resend=True, skip_invalid=True)
    accepted = [p for p in report.problems if "accepted" in p.reason_en]
    assert len(accepted) == 10 and "never sent again" in accepted[0].reason_en


def test_resend_sends_never_answered_passages(sent: tuple[Path, ...], tmp_path: Path) -> None:
    source, _flux, ledger = sent
    report = run(source, tmp_path / "again.xml", ledger, resend=True)
    assert report.ok and report.written == 12
    assert {sends for *_, sends in rows_of(ledger).values()} == {2}


def test_a_file_refused_by_the_xsd_marks_all_its_passages(
    sent: tuple[Path, ...], tmp_path: Path
) -> None:
    _source, flux, ledger = sent
    answer(tmp_path, ledger, errors=[("Élément inattendu", 12, 9)], id_flux=flux_id(flux))
    assert {(s, r) for s, _f, _a, r, _n in rows_of(ledger).values()} == {
        ("file_refused", "Élément inattendu")
    }
    source = holders(tmp_path)
    report = run(source, tmp_path / "again.xml", ledger, only_refused=True)
    assert report.written == 12


def test_a_report_found_by_file_name_when_it_has_no_id_flux(
    sent: tuple[Path, ...], tmp_path: Path
) -> None:
    _source, _flux, ledger = sent
    answer(tmp_path, ledger, errors=[("x", 1, 1)], file_name="C:\\dépôts\\flux.xml")
    assert {s for s, *_ in rows_of(ledger).values()} == {"file_refused"}


def test_only_refused_needs_a_ledger(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--ledger"):
        build(
            holders(tmp_path),
            tmp_path / "f.xml",
            id_client="03VML243",
            id_contract="MCFCER000209",
            only_refused=True,
        )


def test_only_refused_with_nothing_refused(sent: tuple[Path, ...], tmp_path: Path) -> None:
    source, _flux, ledger = sent
    with pytest.raises(InputError, match="no row the ledger records as refused"):
        run(source, tmp_path / "x.xml", ledger, only_refused=True)


def test_one_writer_at_a_time(sent: tuple[Path, ...], tmp_path: Path) -> None:
    source, _flux, ledger = sent
    with Ledger(ledger, write=True):
        with pytest.raises(LedgerBusyError, match="another rncpkit run"):
            run(source, tmp_path / "x.xml", ledger, resend=True)
        with pytest.raises(LedgerBusyError):
            answer(tmp_path, ledger, accepted=IDS)
        with Ledger(ledger) as reader:  # reading is still possible
            assert reader.summary().counts["RNCP35080"]["sent"] == 12
    assert not (tmp_path / "x.xml").exists()


def test_an_interrupted_build_leaves_the_previous_state(
    sent: tuple[Path, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, _flux, ledger = sent
    previous = rows_of(ledger)
    from rncpkit.accrochage import outputs

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs.Outputs, "commit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(source, tmp_path / "x.xml", ledger, resend=True)
    assert not (tmp_path / "x.xml").exists()
    assert not list(tmp_path.glob(".x.xml.*"))
    assert rows_of(ledger) == previous


def test_a_build_whose_ledger_cannot_commit_leaves_no_file(
    sent: tuple[Path, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, _flux, ledger = sent
    previous = rows_of(ledger)

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Ledger, "commit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(source, tmp_path / "x.xml", ledger, resend=True)
    assert not (tmp_path / "x.xml").exists()
    assert rows_of(ledger) == previous


def test_an_interrupted_report_leaves_the_previous_state(
    sent: tuple[Path, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _source, flux, ledger = sent
    from rncpkit.accrochage import ledger as ledger_module

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ledger_module.Ledger, "finish_report", interrupted)
    with pytest.raises(KeyboardInterrupt):
        answer(tmp_path, ledger, accepted=IDS, id_flux=flux_id(flux))
    assert {s for s, *_ in rows_of(ledger).values()} == {"sent"}


def test_not_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("not sqlite at all" * 100)
    with pytest.raises(InputError, match="ledger"):
        Ledger(path)
    with pytest.raises(InputError, match="created by a build"):
        Ledger(tmp_path / "absent.sqlite")


def test_status_cli(sent: tuple[Path, ...], tmp_path: Path) -> None:
    _source, flux, ledger = sent
    answer(tmp_path, ledger, accepted=IDS[1:], refused=[(IDS[0], NO_ONE)], id_flux=flux_id(flux))
    runner = CliRunner()
    result = runner.invoke(cli, ["accrochage", "status", "--ledger", str(ledger)])
    assert result.exit_code == 0, result.output
    assert "RNCP35080: 12 passages envoyés / sent" in result.stdout
    assert "acceptés / accepted: 11" in result.stdout
    assert "refusés / refused: 1" in result.stdout
    assert f"    1 × {NO_ONE}" in result.stdout
    result = runner.invoke(
        cli,
        [
            *("accrochage", "status", "--ledger", str(ledger), "--format", "json"),
            "--certification",
            "rs5875",
        ],
    )
    assert json.loads(result.stdout) == {"counts": {}, "reasons": {}}


def test_build_and_report_cli_with_ledger(tmp_path: Path) -> None:
    runner = CliRunner()
    source, ledger = holders(tmp_path), tmp_path / "reg.sqlite"
    args = ["accrochage", "build", str(source), "--certification", "RNCP35080"]
    args += ["--id-client", "03VML243", "--id-contrat", "MCFCER000209", "--ledger", str(ledger)]
    result = runner.invoke(cli, [*args, "-o", str(tmp_path / "f.xml")])
    assert result.exit_code == 0, result.stderr
    assert f"12 passages recorded in {ledger}" in result.stderr
    accuse = tmp_path / "accuse.xml"
    accuse.write_bytes(report_xml(accepted=IDS, file_name="f.xml"))
    result = runner.invoke(cli, ["accrochage", "report", str(accuse), "--ledger", str(ledger)])
    assert result.exit_code == 0, result.output
    assert "12 passage(s) mis à jour/updated" in result.stdout
    result = runner.invoke(cli, [*args, "-o", str(tmp_path / "g.xml"), "--resend"])
    assert result.exit_code == 1 and "never sent again" in result.stderr
