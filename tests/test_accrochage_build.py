"""Building the flux: all or nothing, route and date checks against the fiche, duplicates,
several certifications per file, the split at the portal's limits, XSD conformance."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from rncpkit import xmlsafe
from rncpkit.accrochage import (
    BuildReport,
    DepositorKind,
    FicheIndex,
    build,
    check,
    read_rows,
    sample_path,
    write_report,
)
from rncpkit.errors import InputError, UsageError
from tests.accrochage_support import assert_portal_ready, official_schema, write_fiche, xsd_errors
from tests.conftest import SAMPLES

NOW = dt.datetime(2025, 11, 26, 9, 0, tzinfo=dt.UTC)
SAMPLE = SAMPLES / "holders-RNCP35080.csv"
NS = {"cpf": "urn:cdc:cpf:pc5:schema:1.0.0"}
IDS = [f"CNAM-MOVS-2025-{n:03d}" for n in range(1, 13)]


def sample_lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8-sig").split("\r\n")


def holders(
    tmp_path: Path,
    edit: dict[int, dict[str, str]] | None = None,
    extra: list[dict[str, str]] | None = None,
) -> Path:
    """The sample holders file, with some cells of some data rows (0-based) changed."""
    reader = csv.DictReader(io.StringIO(SAMPLE.read_text(encoding="utf-8-sig")), delimiter=";")
    rows = [row for row in reader if not row["certification"].startswith("#")]
    for index, changes in (edit or {}).items():
        rows[index].update(changes)
    rows += [{**rows[0], **more} for more in extra or []]
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=reader.fieldnames or [], delimiter=";", lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "titulaires.csv"
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    return path


def run(source: Path, output: Path, **options: object) -> BuildReport:
    settings: dict[str, object] = {
        "id_client": "03VML243",
        "id_contract": "MCFCER000209",
        "certification": "RNCP35080",
        "now": NOW,
    }
    settings.update(options)
    report = build(source, output, **settings)  # type: ignore[arg-type]
    for path in report.files:
        assert_portal_ready(path.read_bytes())
        assert check(path, max_passages=report.written, max_bytes=10**9).ok
    return report


def ids_in(path: Path) -> list[str]:
    root = xmlsafe.parse_file(str(path)).getroot()
    return [e.text or "" for e in root.iterfind(".//cpf:idTechnique", NS)]


# --------------------------------------------------------------------------- the sample


def test_sample_builds_one_valid_file(tmp_path: Path) -> None:
    out = tmp_path / "flux.xml"
    report = run(SAMPLE, out)
    assert report.ok and report.files == [out]
    assert (report.rows, report.written, report.rejected) == (12, 12, 0)
    assert report.per_certification == {"RNCP35080": 12}
    assert ids_in(out) == IDS
    checked = check(out)
    assert checked.ok and checked.problems == []
    assert checked.horodatage == "2025-11-26T10:00:00+01:00"
    assert checked.emitter == checked.certifier == "03VML243"
    assert checked.contract == "MCFCER000209"
    [cert] = checked.certifications
    assert (cert.code, cert.type, cert.depositor, cert.passages) == (
        "RNCP35080",
        "RNCP",
        "CERTIFICATEUR",
        12,
    )
    assert dict(cert.access_modes) == {
        "FORMATION_INITIALE_APPRENTISSAGE": 2,
        "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION": 3,
        "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION": 2,
        "VAE": 3,
        "EQUIVALENCE_DIPLOME_ETRANGER": 1,
        "(nil)": 1,
    }
    assert dict(cert.identifications) == {"titulaire": 9, "dossierFormation": 3}
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left


@pytest.mark.conformance
def test_sample_flux_validates_against_the_official_xsd(tmp_path: Path) -> None:
    out = tmp_path / "flux.xml"
    run(SAMPLE, out)
    assert xsd_errors(official_schema(), out.read_bytes()) == []
    from tests.accrochage_support import XSD_PARTS, reference

    assert check(out, xsd=reference(*XSD_PARTS)).ok


def test_summer_build_has_summer_offset(tmp_path: Path) -> None:
    out = tmp_path / "flux.xml"
    run(SAMPLE, out, now=dt.datetime(2025, 11, 26, 9, 0, tzinfo=dt.UTC))
    summer = tmp_path / "summer.xml"
    run(
        holders(tmp_path, {i: {"date_obtention": "01/06/2025"} for i in range(12)}),
        summer,
        now=dt.datetime(2025, 8, 1, 12, 0, tzinfo=dt.UTC),
    )
    assert check(summer).horodatage == "2025-08-01T14:00:00+02:00"
    assert check(out).horodatage == "2025-11-26T10:00:00+01:00"


def test_every_file_has_its_own_id_flux(tmp_path: Path) -> None:
    run(SAMPLE, tmp_path / "a.xml")
    run(SAMPLE, tmp_path / "b.xml")
    assert check(tmp_path / "a.xml").id_flux != check(tmp_path / "b.xml").id_flux


def test_embedded_sample_fiche_is_found() -> None:
    assert sample_path() == SAMPLES / "RNCP35080.xml"
    facts = FicheIndex.load().get("RNCP35080")
    assert facts is not None
    assert sorted(r.value for r in facts.open_routes) == ["CA", "CQ", "FC", "VAE"]
    assert facts.last_award_date == dt.date(2025, 11, 18)


# --------------------------------------------------------------------------- all or nothing


def test_one_bad_row_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "flux.xml"
    out.write_bytes(b"previous")
    report = run(holders(tmp_path, {2: {"sexe": "X"}, 6: {"date_obtention": "32/01/2025"}}), out)
    assert not report.ok and report.files == []
    assert [(p.row, p.technical_id, p.column) for p in report.problems] == [
        (4, IDS[2], "sexe"),
        (8, IDS[6], "date_obtention"),
    ]
    assert (report.rows, report.rejected, report.written) == (12, 2, 0)
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flux.xml", "titulaires.csv"]


def test_skip_invalid_writes_the_others_and_a_report(tmp_path: Path) -> None:
    out = tmp_path / "flux.xml"
    report = run(
        holders(tmp_path, {2: {"sexe": "X"}, 6: {"voie_acces": "??"}}), out, skip_invalid=True
    )
    assert report.files == [out] and (report.written, report.rejected) == (10, 2)
    assert ids_in(out) == [i for n, i in enumerate(IDS) if n not in (2, 6)]
    write_report(report.problems, tmp_path / "rejets.csv")
    text = (tmp_path / "rejets.csv").read_bytes().decode("utf-8-sig")
    assert text.split("\r\n")[:3] == [
        "ligne;id_technique;colonne;valeur;raison;reason",
        f"4;{IDS[2]};sexe;;valeurs possibles : M, F;expected one of M, F",
        f"8;{IDS[6]};voie_acces;??;FI, CA, FC, CQ, CL, VAE ou EQUIVALENCE_DIPLOME_ETRANGER "
        "attendu;expected FI, CA, FC, CQ, CL, VAE or EQUIVALENCE_DIPLOME_ETRANGER",
    ]


def test_all_rows_invalid_with_skip_writes_nothing(tmp_path: Path) -> None:
    report = run(
        holders(tmp_path, {i: {"sexe": "?", "id_dossier_cpf": ""} for i in range(12)}),
        tmp_path / "flux.xml",
        skip_invalid=True,
    )
    assert report.files == [] and report.written == 0 and report.rejected == 12


def test_no_row_at_all_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "vide.csv"
    path.write_text("id_technique;date_obtention;nom_naissance;prenom1\r\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        run(path, tmp_path / "flux.xml")
    assert caught.value.file == str(path)


def test_duplicate_id_technique_refuses_every_row_that_shares_it(tmp_path: Path) -> None:
    source = holders(tmp_path, {5: {"id_technique": IDS[1]}, 9: {"id_technique": IDS[1]}})
    report = run(source, tmp_path / "flux.xml")
    assert [(p.row, p.column, p.reason_en) for p in report.problems] == [
        (3, "id_technique", "idTechnique used again on row 7"),
        (7, "id_technique", "idTechnique already used on row 3"),
        (11, "id_technique", "idTechnique already used on row 3"),
    ]
    assert report.files == []
    report = run(source, tmp_path / "flux.xml", skip_invalid=True)
    assert report.written == 9 and report.rejected == 3
    assert IDS[1] not in ids_in(tmp_path / "flux.xml")
    assert report.per_certification == {"RNCP35080": 9}


# --------------------------------------------------------------------------- fiche checks


@pytest.mark.parametrize("route", ["FI", "CL"])
def test_route_closed_on_the_fiche_is_refused(tmp_path: Path, route: str) -> None:
    report = run(holders(tmp_path, {0: {"voie_acces": route}}), tmp_path / "flux.xml")
    [problem] = report.problems
    assert (problem.row, problem.column, problem.value) == (2, "voie_acces", route)
    assert f"does not open the {route} route" in problem.reason_en
    assert "open routes: CA, CQ, FC, VAE" in problem.reason_en
    assert f"n'ouvre pas la voie {route}" in problem.reason_fr


def test_route_open_on_a_given_fiche_is_accepted(tmp_path: Path) -> None:
    routes = {"FI": True, "CA": False, "FC": True, "CQ": True, "CL": True, "VAE": True}
    fiche = write_fiche(tmp_path / "fiche.json", "RNCP35080", routes)
    report = run(
        holders(
            tmp_path, {0: {"voie_acces": "FI"}, 1: {"voie_acces": "CL"}, 2: {"voie_acces": "CA"}}
        ),
        tmp_path / "flux.xml",
        fiches=FicheIndex.load([fiche]),
        skip_invalid=True,
    )
    assert [(p.row, p.value) for p in report.problems] == [(4, "CA"), (10, "CA")]
    assert report.written == 10


def test_foreign_diploma_equivalence_needs_no_route(tmp_path: Path) -> None:
    fiche = write_fiche(tmp_path / "fiche.json", "RNCP35080", {"FI": False})
    report = run(
        holders(
            tmp_path,
            {
                i: {"voie_acces": "EQUIVALENCE_DIPLOME_ETRANGER", "voie_acces_vae": ""}
                for i in range(12)
            },
        ),
        tmp_path / "flux.xml",
        fiches=FicheIndex.load([fiche]),
    )
    assert report.ok and report.written == 12


def test_award_after_the_fiche_ends_or_in_the_future(tmp_path: Path) -> None:
    report = run(
        holders(
            tmp_path, {0: {"date_obtention": "19/11/2025"}, 1: {"date_obtention": "27/11/2025"}}
        ),
        tmp_path / "f.xml",
    )
    assert [(p.row, p.column) for p in report.problems] == [
        (2, "date_obtention"),
        (3, "date_obtention"),
        (3, "date_obtention"),
    ]
    assert "18/11/2025" in report.problems[0].reason_en
    assert report.problems[1].reason_en == "date is in the future"


def test_certification_without_fiche_is_refused(tmp_path: Path) -> None:
    report = run(holders(tmp_path, {0: {"certification": "RS5875"}}), tmp_path / "f.xml")
    [problem] = report.problems
    assert problem.column == "certification" and "--fiche" in problem.reason_en


# --------------------------------------------------------------------------- several certifications


def test_several_certifications_in_one_file_grouped(tmp_path: Path) -> None:
    rs = write_fiche(
        tmp_path / "rs.json",
        "RS5875",
        {"FI": False, "FC": True, "CQ": True, "CL": True, "VAE": True},
    )
    fiches = FicheIndex.load([sample_path(), rs])
    moved = {i: {"certification": "rs5875"} for i in (1, 4, 7, 10)}
    report = run(holders(tmp_path, moved), tmp_path / "flux.xml", fiches=fiches, certification=None)
    assert report.ok and report.per_certification == {"RNCP35080": 8, "RS5875": 4}
    checked = check(tmp_path / "flux.xml")
    assert checked.ok
    assert [(c.code, c.type, c.passages) for c in checked.certifications] == [
        ("RNCP35080", "RNCP", 8),
        ("RS5875", "RS", 4),
    ]
    assert ids_in(tmp_path / "flux.xml") == [
        *(IDS[i] for i in range(12) if i not in moved),
        *(IDS[i] for i in sorted(moved)),
    ]


@pytest.mark.conformance
def test_several_certifications_validate(tmp_path: Path) -> None:
    rs = write_fiche(tmp_path / "rs.json", "RS5875", {"FC": True, "CQ": True, "VAE": True})
    fiches = FicheIndex.load([sample_path(), rs])
    run(holders(tmp_path, {1: {"certification": "RS5875"}}), tmp_path / "flux.xml", fiches=fiches)
    assert xsd_errors(official_schema(), (tmp_path / "flux.xml").read_bytes()) == []


def test_trusted_third_party(tmp_path: Path) -> None:
    run(SAMPLE, tmp_path / "flux.xml", emitter_id_client="TIERS001")
    checked = check(tmp_path / "flux.xml")
    assert (checked.emitter, checked.certifier) == ("TIERS001", "03VML243")
    assert checked.certifications[0].depositor == DepositorKind.TRUSTED_THIRD_PARTY.value


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"id_client": "1234"}, "--id-client"),
        ({"id_contract": ""}, "--id-contrat"),
        ({"certification": "35080"}, "--certification"),
    ],
)
def test_bad_certifier_identifiers_are_usage_errors(
    tmp_path: Path, options: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        run(SAMPLE, tmp_path / "flux.xml", **options)


# --------------------------------------------------------------------------- split


def test_split_by_passage_count(tmp_path: Path) -> None:
    report = run(SAMPLE, tmp_path / "flux.xml", max_passages=5)
    assert [p.name for p in report.files] == ["flux-001.xml", "flux-002.xml", "flux-003.xml"]
    assert [len(ids_in(p)) for p in report.files] == [5, 5, 2]
    assert [i for p in report.files for i in ids_in(p)] == IDS
    checks = [check(p, max_passages=5) for p in report.files]
    assert all(c.ok for c in checks)
    assert len({c.id_flux for c in checks}) == 3
    assert not (tmp_path / "flux.xml").exists()


def test_split_by_size_keeps_every_file_under_the_limit(tmp_path: Path) -> None:
    limit = 8_000
    report = run(SAMPLE, tmp_path / "flux.xml", max_bytes=limit)
    assert len(report.files) > 2
    assert all(p.stat().st_size <= limit for p in report.files)
    assert [i for p in report.files for i in ids_in(p)] == IDS
    assert all(check(p, max_bytes=limit).ok for p in report.files)


def test_split_keeps_certifications_grouped(tmp_path: Path) -> None:
    rs = write_fiche(tmp_path / "rs.json", "RS5875", {"FC": True, "CQ": True, "VAE": True})
    fiches = FicheIndex.load([sample_path(), rs])
    source = holders(tmp_path, {i: {"certification": "RS5875"} for i in (1, 4, 7, 10)})
    report = run(source, tmp_path / "flux.xml", fiches=fiches, max_passages=5)
    summary = [[(c.code, c.passages) for c in check(p).certifications] for p in report.files]
    assert summary == [[("RNCP35080", 5)], [("RNCP35080", 3), ("RS5875", 2)], [("RS5875", 2)]]


@pytest.mark.conformance
def test_split_files_validate(tmp_path: Path) -> None:
    schema = official_schema()
    report = run(SAMPLE, tmp_path / "flux.xml", max_bytes=8_000)
    for path in report.files:
        assert xsd_errors(schema, path.read_bytes()) == []


def test_files_of_an_earlier_run_are_pointed_out(tmp_path: Path) -> None:
    assert run(SAMPLE, tmp_path / "flux.xml", max_passages=3).stale_files == []
    report = run(SAMPLE, tmp_path / "flux.xml", max_passages=5)
    assert [p.name for p in report.stale_files] == ["flux-004.xml"]
    report = run(SAMPLE, tmp_path / "flux.xml")
    assert [p.name for p in report.stale_files] == [f"flux-00{i}.xml" for i in range(1, 5)]


def test_exactly_at_the_limit_is_one_unnumbered_file(tmp_path: Path) -> None:
    single = run(SAMPLE, tmp_path / "one.xml")
    size = single.files[0].stat().st_size
    report = run(SAMPLE, tmp_path / "flux.xml", max_passages=12, max_bytes=size)
    assert [p.name for p in report.files] == ["flux.xml"]
    assert (tmp_path / "flux.xml").stat().st_size == size
    assert len(run(SAMPLE, tmp_path / "two.xml", max_bytes=size - 1).files) == 2


def test_compact_output_is_smaller_and_the_same_flux(tmp_path: Path) -> None:
    pretty = run(SAMPLE, tmp_path / "pretty.xml").files[0]
    compact = run(SAMPLE, tmp_path / "compact.xml", compact=True).files[0]
    assert compact.stat().st_size < 0.8 * pretty.stat().st_size
    assert b"\n " not in compact.read_bytes()
    assert ids_in(compact) == ids_in(pretty) == IDS
    from tests.test_accrochage_model import read_back

    assert read_back(compact.read_bytes()) == read_back(pretty.read_bytes())


def test_portal_limits_are_the_defaults() -> None:
    from rncpkit.accrochage import MAX_BYTES_PER_FILE, MAX_PASSAGES_PER_FILE

    assert (MAX_PASSAGES_PER_FILE, MAX_BYTES_PER_FILE) == (200_000, 200_000_000)


def test_rows_are_read_one_at_a_time() -> None:
    rows = read_rows(SAMPLE)
    assert next(rows).number == 3  # a generator: the file is not loaded whole


# --------------------------------------------------------------------------- all at once


def test_format_and_business_problems_come_in_one_run(tmp_path: Path) -> None:
    """A row with a bad sex code, a closed route and a future award gets all three at once,
    and the rules between fields run although a cell failed."""
    report = run(
        holders(
            tmp_path,
            {
                0: {"sexe": "X", "voie_acces": "FI", "date_obtention": "27/11/2025"},
                1: {"date_naissance": "31/09/1985", "date_debut_examen": "20/06/2025"}
                | {"date_fin_examen": "16/06/2025", "voie_acces": "CL"},
            },
        ),
        tmp_path / "f.xml",
    )
    found = [(p.row, p.column, p.reason_en) for p in report.problems]
    assert [(row, column) for row, column, _ in found] == [
        (2, "sexe"),
        (2, "date_obtention"),
        (2, "voie_acces"),
        (2, "date_obtention"),
        (3, "date_naissance"),
        (3, "date_fin_examen"),
        (3, "voie_acces"),
    ]
    assert found[4][2].startswith("this date does not exist")
    assert found[5][2] == "the exam ends before it starts"
    assert report.rejected == 2 and report.files == []


def _dated_fiche(tmp_path: Path, **fields: object) -> FicheIndex:
    routes = {"FI": True, "CA": True, "FC": True, "CQ": True, "CL": True, "VAE": True}
    path = write_fiche(tmp_path / "fiche.json", "RNCP35080", routes, **fields)
    return FicheIndex.load([path])


def test_award_before_the_registration_warns_naming_the_predecessor(tmp_path: Path) -> None:
    fiches = _dated_fiche(
        tmp_path,
        decision_date=dt.date(2020, 11, 18),
        registration_end=dt.date(2025, 11, 18),
        predecessors=["RNCP26845"],
    )
    report = run(
        holders(tmp_path, {0: {"date_obtention": "04/07/2015", "date_inscription": ""}}),
        tmp_path / "f.xml",
        fiches=fiches,
    )
    assert report.ok and report.written == 12 and report.problems == []
    [warning] = report.warnings
    assert (warning.row, warning.column, warning.warning) == (2, "date_obtention", True)
    assert warning.reason_en == (
        "before fiche RNCP35080 was registered (18/11/2020): legitimate only if awarded under "
        "its predecessor RNCP26845"
    )
    assert "fiche précédente RNCP26845" in warning.reason_fr
    assert str(warning).startswith("ligne/row 2 [idTechnique CNAM-MOVS-2025-001]: avertissement")


def test_award_before_the_registration_without_predecessor(tmp_path: Path) -> None:
    fiches = _dated_fiche(tmp_path, effective_date=dt.date(2020, 1, 1))
    report = run(
        holders(tmp_path, {0: {"date_obtention": "31/12/2019", "date_inscription": ""}}),
        tmp_path / "f.xml",
        fiches=fiches,
    )
    [warning] = report.warnings
    assert "names no predecessor" in warning.reason_en and report.ok
    assert report.written == 12


def test_award_on_the_registration_day_is_silent(tmp_path: Path) -> None:
    fiches = _dated_fiche(tmp_path, decision_date=dt.date(2025, 7, 4))
    report = run(holders(tmp_path), tmp_path / "f.xml", fiches=fiches)
    assert report.warnings == []
