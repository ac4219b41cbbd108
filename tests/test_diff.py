"""``rncpkit diff``: added, removed and changed fiches (with fields), across formats."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import rncpkit
from rncpkit.cli import cli
from rncpkit.diff import FIELDS, Change, changed_fields, compare, fingerprint
from rncpkit.errors import UsageError
from rncpkit.filters import FicheFilter
from rncpkit.model import Certification, Repertoire
from tests.conftest import FIXTURES, reference

RNCP = ("france-competences", "export_fiches_RNCP_V4_1_sample.xml")


def _xml(certs: list[Certification]) -> bytes:
    out = io.BytesIO()
    rncpkit.write(certs, out, "fc-xml")
    return out.getvalue()


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """The real RNCP sample, and a "next night" with one fiche removed, one added, two
    changed (title; partners and active), the others identical."""
    certs = list(rncpkit.read(reference(*RNCP)))
    old = tmp_path / "old.xml"
    old.write_bytes(_xml(certs))
    updates = {
        "RNCP34762": {"title": "Nouveau titre"},
        "RNCP40344": {"partners": [], "active": False},
    }
    new_certs = [
        c.model_copy(update=updates.get(c.number, {})) for c in certs if c.number != "RNCP35419"
    ]
    new_certs.append(certs[0].model_copy(update={"number": "RNCP99999"}))
    new = tmp_path / "new.xml"
    new.write_bytes(_xml(new_certs))
    return old, new


def test_compare(pair: tuple[Path, Path]) -> None:
    old, new = pair
    with compare(old, new) as result:
        changes = list(result.changes())
        counts = result.count()
    assert changes == [
        Change("added", "RNCP99999"),
        Change("removed", "RNCP35419"),
        Change("changed", "RNCP34762", ("title",)),
        Change("changed", "RNCP40344", ("partners", "active")),
    ]
    assert counts == {"added": 1, "removed": 1, "changed": 2, "unchanged": 3}
    assert (result.old.read, result.old.compared, result.new.compared) == (6, 6, 6)


def test_cli_text_and_json(pair: tuple[Path, Path]) -> None:
    old, new = pair
    runner = CliRunner()
    result = runner.invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == ["+ RNCP99999", "- RNCP35419"]
    assert any(line.endswith(": partners, active") for line in lines)
    assert "rncpkit: 1 added, 1 removed, 2 changed, 3 unchanged" in lines
    result = runner.invoke(cli, ["diff", str(old), str(new), "--format", "json"])
    body = json.loads(result.output[: result.output.rindex("}") + 1])
    assert body["added"] == ["RNCP99999"] and body["removed"] == ["RNCP35419"]
    assert sorted(c["fields"] for c in body["changed"]) == [["partners", "active"], ["title"]]
    assert body["summary"]["counts"]["unchanged"] == 3
    assert body["summary"]["old"]["read"] == 6


def test_identical_files_and_filters(pair: tuple[Path, Path]) -> None:
    old, new = pair
    with compare(old, old) as result:
        assert list(result.changes()) == []
    with compare(old, new, where=FicheFilter(numbers=frozenset({"RNCP99999"}))) as result:
        assert list(result.changes()) == [Change("added", "RNCP99999")]
        assert (result.old.filtered, result.new.filtered) == (6, 5)
    with compare(old, new, ignore=["title", "partners", "active"]) as result:
        assert [c.kind for c in result.changes()] == ["added", "removed"]
    with pytest.raises(UsageError, match="unknown field"), compare(old, new, ignore=["nope"]):
        pass


def test_across_formats_and_versions(tmp_path: Path) -> None:
    # The same fiches as V3.0 XML and as JSON Lines: no difference.
    v30 = FIXTURES / "flux_v3_0.xml"
    jsonl = tmp_path / "same.jsonl"
    rncpkit.convert(v30, jsonl, "jsonl")
    with compare(v30, jsonl) as result:
        assert list(result.changes()) == []
        assert (result.old.rejected, result.new.read) == (1, 2)  # RS6010 invalid in V3.0


def test_csv_against_xml_with_ignored_texts(tmp_path: Path) -> None:
    rncp = reference(*RNCP)
    csv = tmp_path / "export.zip"
    rncpkit.convert(rncp, csv, "fc-csv")
    with compare(rncp, csv) as result:
        fields = {f for change in result.changed() for f in change.fields}
    assert "objectives" in fields and "title" not in fields and "level" not in fields
    carried = {"number", "title", "level", "level_label", "nsf", "rome", "blocks", "active"}
    with compare(
        rncp, csv, ignore=[f for f in FIELDS if f not in carried and f != "blocks"]
    ) as result:
        # Blocks lose their texts in the CSV: only they differ.
        assert {f for c in result.changed() for f in c.fields} <= {"blocks"}


def test_fingerprint_ignores_route_order_only() -> None:
    routes = {"FI": {"open": True}, "CA": {"open": False}}
    a = Certification.model_validate({"number": "RS1", "title": "T", "access_routes": routes})
    b = Certification.model_validate(
        {"number": "RS1", "title": "T", "access_routes": dict(reversed(routes.items()))}
    )
    c = Certification.model_validate({"number": "RS1", "title": "T ", "access_routes": routes})
    assert fingerprint(a) == fingerprint(b)
    assert changed_fields(fingerprint(a), fingerprint(c)) == ["title"]
    assert FicheFilter(repertoire=Repertoire.RS)(a)


def test_duplicates_and_errors_are_counted(tmp_path: Path) -> None:
    sample = list(rncpkit.read(reference(*RNCP)))
    twice = tmp_path / "twice.xml"
    twice.write_bytes(_xml([sample[0], sample[0]]))
    with compare(twice, twice) as result:
        assert (result.old.read, result.old.compared, result.old.rejected) == (2, 1, 1)
        assert "listed twice" in result.old.errors[0].message
    result = CliRunner().invoke(cli, ["diff", str(twice), str(twice)])
    assert result.exit_code == 1 and "listed twice" in result.output


def test_one_or_two_processes_agree(pair: tuple[Path, Path]) -> None:
    old, new = pair
    outcomes = []
    for jobs in (1, 2):
        with compare(old, new, jobs=jobs, where=FicheFilter(repertoire=Repertoire.RNCP)) as result:
            outcomes.append((list(result.changes()), result.count(), result.old, result.new))
    assert outcomes[0] == outcomes[1]
    # Bytes are not a file: read in this process, and the same answer.
    with compare(old.read_bytes(), new.read_bytes()) as result:
        assert result.count() == outcomes[0][1]


# --------------------------------------------------------------------------- values, --exit-code

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "RNCP35080.xml"


@pytest.fixture
def edited(tmp_path: Path) -> tuple[Path, Path]:
    """The embedded sample, and the same fiche with a new title, end date and a longer
    objectives text (the change at its very end)."""
    cert = next(rncpkit.read(SAMPLE))
    assert cert.objectives is not None and len(cert.objectives) > 200
    new_cert = cert.model_copy(
        update={
            "title": "Nouveau titre",
            "registration_end": cert.registration_end.replace(year=2030)
            if cert.registration_end
            else None,
            "objectives": cert.objectives + " Ajout.",
        }
    )
    old, new = tmp_path / "old.xml", tmp_path / "new.xml"
    old.write_bytes(_xml([cert]))
    new.write_bytes(_xml([new_cert]))
    return old, new


def test_changes_carry_old_and_new_values(edited: tuple[Path, Path]) -> None:
    old, new = edited
    with compare(old, new) as result:
        [change] = list(result.changed())
    assert change.fields == ("title", "registration_end", "objectives")
    assert change.values["title"] == (
        "Manager d’organismes à vocation sociale et culturelle en économie sociale et solidaire",
        "Nouveau titre",
    )
    assert change.values["registration_end"] == ("2025-11-18", "2030-11-18")
    before, after = change.values["objectives"]
    assert after == before + " Ajout."
    assert change.as_dict()["values"]["title"]["new"] == "Nouveau titre"


def test_text_mode_shows_values_shortened_around_the_change(edited: tuple[Path, Path]) -> None:
    old, new = edited
    result = CliRunner().invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "~ RNCP35080: title, registration_end, objectives"
    assert lines[1] == (
        "    title: 'Manager d’organismes à vocation sociale et culturelle en économie "
        "soci… (86 characters)' → 'Nouveau titre'"
    )
    assert lines[2] == "    registration_end: '2025-11-18' → '2030-11-18'"
    # the objectives share 281 characters: both are shown from just before the change
    assert lines[3].startswith("    objectives: '…") and lines[3].endswith(
        " Ajout. (288 characters)'"
    )
    assert max(len(line) for line in lines[:4]) < 200


def test_json_mode_has_whole_values(edited: tuple[Path, Path]) -> None:
    old, new = edited
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", "json"])
    body = json.loads(result.output[: result.output.rindex("}") + 1])
    [change] = body["changed"]
    objectives = change["values"]["objectives"]
    assert objectives["new"] == objectives["old"] + " Ajout."
    assert len(objectives["old"]) == 281


def test_exit_code_option(edited: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = edited
    runner = CliRunner()
    assert runner.invoke(cli, ["diff", str(old), str(new)]).exit_code == 0
    assert runner.invoke(cli, ["diff", str(old), str(new), "--exit-code"]).exit_code == 1
    assert runner.invoke(cli, ["diff", str(old), str(old), "--exit-code"]).exit_code == 0
    report = tmp_path / "changes.json"
    result = runner.invoke(
        cli, ["diff", str(old), str(new), "--format", "json", "-o", str(report), "--exit-code"]
    )
    assert result.exit_code == 1
    assert json.loads(report.read_text("utf-8"))["summary"]["counts"]["changed"] == 1


def test_names_only(edited: tuple[Path, Path]) -> None:
    old, new = edited
    for jobs in (1, 2):
        with compare(old, new, values=False, jobs=jobs) as result:
            [change] = list(result.changed())
        assert change.fields == ("title", "registration_end", "objectives")
        assert change.values == {} and change.details() == []
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--names-only"])
    assert result.stdout == "~ RNCP35080: title, registration_end, objectives\n"
    result = CliRunner().invoke(
        cli, ["diff", str(old), str(new), "--names-only", "--format", "json"]
    )
    [change_json] = json.loads(result.stdout)["changed"]
    assert change_json == {
        "number": "RNCP35080",
        "fields": ["title", "registration_end", "objectives"],
    }


def test_values_survive_the_two_process_merge(edited: tuple[Path, Path]) -> None:
    old, new = edited
    found = []
    for jobs in (1, 2):
        with compare(old, new, jobs=jobs) as result:
            [change] = list(result.changed())
            found.append(change.values)
    assert found[0] == found[1] and found[0]["title"][1] == "Nouveau titre"
