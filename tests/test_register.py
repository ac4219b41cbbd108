"""The register: build, update and change feed, queries, and bad input."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rncpkit
from rncpkit import Register
from rncpkit.errors import FicheError, OutputFileError
from rncpkit.filters import FicheFilter
from rncpkit.formats.base import Piece, ReadResult
from rncpkit.model import Level, Repertoire
from rncpkit.register import RegisterError, number_candidates, pieces, store, writer
from rncpkit.register.schema import SCHEMA_VERSION
from tests.conftest import REAL_V41_SAMPLES, reference
from tests.register_support import SEED_XML, export, fiche, seed

DAY1 = "2026-08-16"
DAY2 = "2026-08-17"


@pytest.fixture
def three(tmp_path: Path) -> list[rncpkit.Certification]:
    return [
        fiche("RNCP35080"),
        fiche(
            "RNCP41336",
            title="Manager de l’économie sociale et solidaire",
            predecessors=["RNCP35080"],
        ),
        fiche(
            "RS5000",
            title="Habilitation électrique",
            level=None,
            level_label=None,
            rome=[],
            activities=None,
            attested_skills="Travaux sous tension",
            job_types=None,
            blocks=[],
        ),
    ]


@pytest.fixture
def built(tmp_path: Path, three: list[rncpkit.Certification]) -> Path:
    source = export(tmp_path / f"export_{DAY1}.xml", three)
    target = tmp_path / "register.sqlite"
    summary = Register.build(target, [source])
    assert (summary.read, summary.added, summary.rejected) == (3, 3, 0)
    assert summary.as_of == dt.date(2026, 8, 16) and summary.repertoires == ("RNCP", "RS")
    return target


# ----------------------------------------------------------------------------- build and get


def test_get_returns_exactly_what_was_read(built: Path, three: list[rncpkit.Certification]) -> None:
    with Register(built) as reg:
        assert len(reg) == 3
        for cert in three:
            assert reg.get(cert.number) == cert
        assert reg.get("35080") == three[0]
        assert reg.get("rncp 35080") == three[0]
        assert reg.get("RNCP1") is None
        assert list(reg.fiches()) == three


@pytest.mark.parametrize("name", REAL_V41_SAMPLES)
def test_real_exports_round_trip_through_the_register(name: str, tmp_path: Path) -> None:
    path = reference("france-competences", name)
    target = tmp_path / "r.sqlite"
    Register.build(target, [path], as_of=dt.date(2026, 8, 16))
    read = list(rncpkit.read(path))
    assert list(rncpkit.read(target)) == read  # the register is a readable source
    with Register(target) as reg:
        assert [reg.get(c.number) for c in read] == read


def test_csv_export_builds_with_its_invalid_fiche_reported(tmp_path: Path) -> None:
    csv = reference("france-competences", "export-fiches-csv-2024-02-22.zip")
    summary = Register.build(tmp_path / "r.sqlite", [csv])
    assert summary.as_of == dt.date(2024, 2, 22) and summary.repertoires == ("RNCP", "RS")
    assert (summary.read, summary.added, summary.rejected) == (10, 9, 1)


def test_schema_is_versioned_and_marked(built: Path) -> None:
    db = sqlite3.connect(built)
    assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    # any SQL tool reads it: the documented example query
    rows = db.execute(
        "SELECT f.number FROM fiches f JOIN rome r ON r.fiche_id = f.id "
        "JOIN fiche_json j ON j.fiche_id = f.id "
        "WHERE r.code = 'K1206' AND json_extract(j.data, '$.level') = 'NIV7' ORDER BY f.number"
    ).fetchall()
    assert rows == [("RNCP35080",), ("RNCP41336",)]


# ----------------------------------------------------------------------------- update and feed


def test_update_records_added_removed_and_changed_fields(
    built: Path, tmp_path: Path, three: list[rncpkit.Certification]
) -> None:
    changed = three[1].model_copy(update={"title": "Nouveau titre", "active": True})
    newer = export(
        tmp_path / f"export_{DAY2}.xml",
        [three[0], changed, fiche("RS6000", level=None, level_label=None)],
    )
    with Register(built) as reg:
        summary = reg.update([newer])
        assert (summary.added, summary.removed, summary.changed, summary.unchanged) == (1, 1, 1, 1)
        feed = [e for e in reg.changes(since=dt.date(2026, 8, 17))]
        assert [(e.number, e.change, e.field) for e in feed] == [
            ("RNCP41336", "changed", "title"),
            ("RNCP41336", "changed", "active"),
            ("RS6000", "added", None),
            ("RS5000", "removed", None),
        ]
        assert (feed[0].old, feed[0].new) == (
            "Manager de l’économie sociale et solidaire",
            "Nouveau titre",
        )
        assert (feed[1].old, feed[1].new) == (False, True)
        # removed fiches keep their last content, marked absent
        assert reg.get("RS5000") == three[2] and not reg.is_present("RS5000")
        assert len(reg) == 3
        assert reg.get("RNCP41336") == changed
        assert [e.field for e in reg.changes(numbers=["41336"], fields=["title"])] == [
            None,
            "title",
        ]
        # the same export again records nothing
        again = reg.update([newer])
        assert (again.added, again.removed, again.changed, again.unchanged) == (0, 0, 0, 3)
        assert len(list(reg.changes(since=dt.date(2026, 8, 17)))) == 4
        # and a removed fiche that comes back is added again
        back = reg.update(
            [export(tmp_path / "export_2026-08-18.xml", [*three[:2], three[2]])], force=False
        )
        assert back.added == 1 and reg.is_present("RS5000")


def test_digests_of_an_older_rncpkit_are_renewed_without_a_change(
    built: Path, tmp_path: Path, three: list[rncpkit.Certification]
) -> None:
    """A register whose digests were taken otherwise (an older rncpkit's): the same
    export again records nothing, keeps every fiche as it was and stores the new digests."""
    with sqlite3.connect(built) as db:
        digests = db.execute("SELECT number, digest FROM fiches ORDER BY id").fetchall()
        db.execute("UPDATE fiches SET digest = zeroblob(16), raw_digest = zeroblob(16)")
    db.close()
    same = export(tmp_path / f"export_{DAY2}.xml", three)
    with Register(built) as reg:
        summary = reg.update([same])
        assert (summary.added, summary.removed, summary.changed, summary.unchanged) == (0, 0, 0, 3)
        assert list(reg.changes(since=dt.date(2026, 8, 17))) == []
        assert [reg.get(cert.number) for cert in three] == three
    with sqlite3.connect(built) as db:
        assert db.execute("SELECT number, digest FROM fiches ORDER BY id").fetchall() == digests
        assert db.execute("SELECT count(*) FROM fiches WHERE changed_export > 1").fetchone() == (0,)
    db.close()


def test_update_covers_only_the_repertoires_given(
    built: Path, tmp_path: Path, three: list[rncpkit.Certification]
) -> None:
    rncp_only = export(tmp_path / f"export_fiches_RNCP_V4_1_{DAY2}.xml", three[:1])
    with Register(built) as reg:
        summary = reg.update([rncp_only])
        assert summary.repertoires == ("RNCP",)
        assert [(e.number, e.change) for e in reg.changes(since=dt.date(2026, 8, 17))] == [
            ("RNCP41336", "removed")
        ]
        assert reg.is_present("RS5000")


def test_an_older_export_is_refused_unless_forced(
    built: Path, tmp_path: Path, three: list[rncpkit.Certification]
) -> None:
    older = export(tmp_path / "export_2026-08-01.xml", three)
    before = built.read_bytes()
    with Register(built) as reg:
        with pytest.raises(RegisterError, match="older than the last one applied"):
            reg.update([older])
        assert built.read_bytes() == before
        assert reg.update([older], force=True).unchanged == 3
        assert [e.kind for e in reg.exports()] == ["build", "update"]


def test_update_needs_a_date(
    built: Path, tmp_path: Path, three: list[rncpkit.Certification]
) -> None:
    undated = export(tmp_path / "fiches.xml", three)
    with Register(built) as reg, pytest.raises(rncpkit.UsageError, match="--as-of"):
        reg.update([undated])


def test_invalid_fiche_is_reported_and_left_as_it_was(built: Path, tmp_path: Path) -> None:
    text = tmp_path / "x.xml"
    export(text, [fiche("RNCP35080"), fiche("RNCP41336")])
    broken = tmp_path / f"export_{DAY2}.xml"
    broken.write_text(text.read_text().replace("<NIVEAU>NIV7</NIVEAU>", "<NIVEAU>NIV9</NIVEAU>", 1))
    with Register(built) as reg:
        before = reg.get("RNCP35080")
        summary = reg.update([broken])
        assert summary.rejected == 1 and summary.errors[0].fiche == "RNCP35080"
        assert reg.get("RNCP35080") == before and reg.is_present("RNCP35080")


# ----------------------------------------------------------------------------- search


def test_search_is_accent_and_case_insensitive_and_ranked(built: Path) -> None:
    with Register(built) as reg:
        hits = reg.search("ECONOMIE solidaire")
        assert [h.number for h in hits] == ["RNCP41336", "RNCP35080"]  # shorter title ranks first
        assert all(h.score is not None for h in hits)
        assert [h.number for h in reg.search("électrique")] == ["RS5000"]
        assert [h.number for h in reg.search("electrique")] == ["RS5000"]
        assert reg.search("nonexistentword") == []


def test_search_filters_combine(built: Path) -> None:
    with Register(built) as reg:

        def numbers(text: str = "", **kw: object) -> list[str]:
            return sorted(h.number for h in reg.search(text, **kw))  # type: ignore[arg-type]

        assert numbers(where=FicheFilter(levels=frozenset({Level.NIV7}))) == [
            "RNCP35080",
            "RNCP41336",
        ]
        assert numbers(where=FicheFilter(repertoire=Repertoire.RS)) == ["RS5000"]
        assert numbers("manager", rome=["k1206"], nsf=["332"]) == ["RNCP35080", "RNCP41336"]
        assert numbers(nsf=["331"]) == []
        assert numbers(formacode=["32135"], certifier_name="arts et") == [
            "RNCP35080",
            "RNCP41336",
            "RS5000",
        ]
        assert numbers(
            where=FicheFilter(
                certifiers=frozenset({"19753471200017"}), in_force_on=dt.date(2024, 1, 1)
            )
        ) == ["RNCP35080", "RNCP41336", "RS5000"]
        assert numbers(where=FicheFilter(in_force_on=dt.date(2026, 1, 1))) == []
        assert numbers("35080") == ["RNCP35080"] and numbers("rncp35080") == ["RNCP35080"]
        assert len(reg.search("", limit=2)) == 2


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(
        alphabet=st.sampled_from(list("\"*-^:()+ NEARORANDNOTéa{}0123456789'\\%_")), max_size=30
    )
    | st.text(max_size=20)
)
def test_fts_syntax_typed_by_a_user_is_text(built: Path, text: str) -> None:
    with Register(built) as reg:
        hits = reg.search(text)
        assert all(h.present for h in hits)


def test_fts_operators_are_searched_as_words(built: Path) -> None:
    with Register(built) as reg:
        assert [h.number for h in reg.search('"électrique*')] == ["RS5000"]
        assert reg.search("NEAR(électrique manager)") == []  # both words must occur
        assert [h.number for h in reg.search("-électrique")] == ["RS5000"]


def test_number_candidates() -> None:
    assert number_candidates("35080") == ("RNCP35080", "RS35080")
    assert number_candidates(" rs 5000 ") == ("RS5000",)
    assert number_candidates("RNCP035080") == ("RNCP35080",)
    assert number_candidates("manager") == ()


# ----------------------------------------------------------------------------- lineage


def test_lineage_chain_cycle_and_dangling(tmp_path: Path) -> None:
    fiches = [
        fiche("RNCP100", successors=["RNCP200"], registration_end=dt.date(2020, 1, 1)),
        fiche(
            "RNCP200",
            predecessors=["RNCP100"],
            successors=["RS300"],
            registration_end=dt.date(2023, 1, 1),
        ),
        fiche(
            "RS300",
            level=None,
            level_label=None,
            decision_date=dt.date(2022, 6, 1),
            registration_end=dt.date(2030, 1, 1),
        ),
        fiche("RNCP400", successors=["RNCP500", "RNCP999"]),  # RNCP999 is not in the register
        fiche("RNCP500", successors=["RNCP400"]),  # a cycle
    ]
    target = tmp_path / "r.sqlite"
    Register.build(target, [export(tmp_path / f"export_{DAY1}.xml", fiches)])
    with Register(target) as reg:
        graph = reg.lineage("100", on=dt.date(2026, 1, 1))
        assert graph.current == "RS300" and graph.chain == ("RNCP100", "RNCP200", "RS300")
        assert [(e.predecessor, e.successor, e.declared_by) for e in graph.edges] == [
            ("RNCP100", "RNCP200", ("RNCP100", "RNCP200")),
            ("RNCP200", "RS300", ("RNCP200",)),
        ]
        assert graph.cycles == () and graph.dangling == ()
        # from the middle, predecessors are in the graph too
        assert {n.number for n in reg.lineage("RS300", on=dt.date(2026, 1, 1)).nodes} == {
            "RNCP100",
            "RNCP200",
            "RS300",
        }
        looped = reg.lineage("RNCP400", on=dt.date(2026, 1, 1))
        assert looped.cycles == (("RNCP400", "RNCP500", "RNCP400"),)
        assert looped.dangling == ("RNCP999",)
        assert looped.current is None and not looped.node("RNCP999").in_register
        assert json.loads(json.dumps(looped.as_dict()))["dangling"] == ["RNCP999"]


# ----------------------------------------------------------------------------- habilitation


def test_habilitations_by_siret_and_siren(tmp_path: Path) -> None:
    base = seed()
    partner = {
        "name": "ORGANISME A",
        "siret": "12345678900011",
        "habilitation": "HABILITATION_FORMER",
        "habilitation_state": "Actif",
    }
    other = {**partner, "siret": "12345678900029", "habilitation": "HABILITATION_ORGA_FORM"}
    gone = {**partner, "habilitation_state": "Supprimé"}
    fiches = [
        fiche("RNCP1", partners=[partner], registration_end=dt.date(2030, 1, 1)),
        fiche("RNCP2", partners=[other], registration_end=dt.date(2030, 1, 1)),
        fiche("RNCP3", partners=[gone], registration_end=dt.date(2030, 1, 1)),
        fiche("RNCP4", partners=[partner], registration_end=dt.date(2020, 1, 1)),
    ]
    target = tmp_path / "r.sqlite"
    Register.build(target, [export(tmp_path / f"export_{DAY1}.xml", fiches)])
    day = dt.date(2026, 1, 1)
    with Register(target) as reg:
        assert [h.number for h in reg.habilitations("123 456 789 00011", on=day)] == [
            "RNCP1",
            "RNCP3",
            "RNCP4",
        ]
        assert [h.number for h in reg.habilitations("123456789", on=day)] == [
            "RNCP1",
            "RNCP2",
            "RNCP3",
            "RNCP4",
        ]
        certifier = reg.habilitations(base.certifiers[0].siret or "", number="RNCP1", on=day)
        assert [(h.role, h.in_force) for h in certifier] == [("certifier", True)]
        yes = reg.habilitation("12345678900011", "1", on=day)
        assert yes.yes and "partner: to train (HABILITATION_FORMER) of RNCP1" in yes.reason
        assert not reg.habilitation("12345678900011", "RNCP2", on=day).yes
        assert "not active (Supprimé)" in reg.habilitation("12345678900011", "RNCP3", on=day).reason
        assert (
            "not in force on 2026-01-01"
            in reg.habilitation("12345678900011", "RNCP4", on=day).reason
        )
        assert "not in the register" in reg.habilitation("12345678900011", "RNCP9", on=day).reason
        with pytest.raises(rncpkit.UsageError):
            reg.habilitations("1234")


# ----------------------------------------------------------------------------- bad input


def test_not_a_register(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(RegisterError, match="not an SQLite database"):
        Register(text)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(RegisterError, match="did not make"):
        Register(other)
    with pytest.raises(RegisterError, match="no such register"):
        Register(tmp_path / "missing.sqlite")


def test_a_newer_schema_is_refused(built: Path) -> None:
    db = sqlite3.connect(built)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(RegisterError, match="newer rncpkit"):
        Register(built)


def test_an_export_of_another_repertoire_mixed_in(
    built: Path, tmp_path: Path, three: list[rncpkit.Certification]
) -> None:
    mixed = export(tmp_path / f"export_fiches_RNCP_V4_1_{DAY2}.xml", three)
    before = built.read_bytes()
    with (
        Register(built) as reg,
        pytest.raises(rncpkit.InputError, match="another répertoire is mixed in"),
    ):
        reg.update([mixed])
    assert built.read_bytes() == before
    with pytest.raises(rncpkit.InputError, match="given twice"):
        Register.build(tmp_path / "twice.sqlite", [mixed.parent / f"export_{DAY1}.xml"] * 2)
    assert not (tmp_path / "twice.sqlite").exists()


def _dump(path: Path) -> list[str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(db.iterdump())
    finally:
        db.close()


KILLER = """
import os, signal, sys
from rncpkit import Register
count = 0
def progress(done, total):
    global count
    count += 1
    if count == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)
with Register(sys.argv[1]) as reg:
    reg.update([sys.argv[2]], progress=progress)
"""


def test_kill_9_during_update_leaves_the_register_as_it_was(tmp_path: Path) -> None:
    first = [fiche(f"RNCP{n}", title=f"Titre {n}") for n in range(1, 301)]
    target = tmp_path / "r.sqlite"
    Register.build(target, [export(tmp_path / f"export_{DAY1}.xml", first)])
    second = [fiche(f"RNCP{n}", title=f"Nouveau {n}") for n in range(50, 451)]
    newer = export(tmp_path / f"export_{DAY2}.xml", second)
    before = _dump(target)
    done = subprocess.run(
        # killed once batches of fiches were written into the open transaction (beyond
        # SQLite's page cache: into the WAL file)
        [sys.executable, "-c", KILLER, str(target), str(newer), "390"],
        check=False,
    )
    assert done.returncode == -9
    assert os.path.getsize(f"{target}-wal") > 0  # the update had written when it was killed
    assert _dump(target) == before
    with Register(target) as reg:
        assert reg.get("RNCP60") == first[59] and reg.get("RNCP400") is None
        assert reg.update([newer]).changed == 251  # and the next update goes through


def test_readers_see_the_last_commit_while_an_update_runs(built: Path) -> None:
    with Register(built) as reader:
        writer = sqlite3.connect(built, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE fiches SET title = 'x' WHERE number = 'RNCP35080'")
        assert reader.search("35080")[0].title.startswith("Manager")
        writer.execute("COMMIT")
        writer.close()
        assert reader.search("35080")[0].title == "x"


def test_build_failure_leaves_the_previous_file(built: Path, tmp_path: Path) -> None:
    before = built.read_bytes()
    broken = tmp_path / f"export_{DAY2}.xml"
    broken.write_text("<FICHES><VERSION_FLUX>4.1</VERSION_FLUX><FICHE>")
    with pytest.raises(rncpkit.InputError):
        Register.build(built, [broken])
    assert built.read_bytes() == before
    assert sorted(p.name for p in built.parent.iterdir() if p.name.startswith(".")) == []


def test_seed_sample_builds(tmp_path: Path) -> None:
    summary = Register.build(tmp_path / "r.sqlite", [SEED_XML], as_of=dt.date(2026, 8, 16))
    assert summary.line() == (
        "export of 2026-08-16 (RNCP): 1 fiches read, 1 added, 0 removed, 0 changed, "
        "0 unchanged, 0 rejected"
    )
    assert os.path.getsize(tmp_path / "r.sqlite") > 0


# ----------------------------------------------------------------------------- the XML fast path


def test_fast_path_and_ordinary_reader_store_the_same(
    tmp_path: Path, three: list[rncpkit.Certification]
) -> None:
    xml = export(tmp_path / f"export_{DAY1}.xml", three)
    jsonl = tmp_path / f"export_{DAY1}.jsonl"
    rncpkit.write(three, jsonl, to="jsonl")
    Register.build(tmp_path / "a.sqlite", [xml])
    Register.build(tmp_path / "b.sqlite", [jsonl])

    def rows(path: Path) -> list[tuple[object, ...]]:
        db = sqlite3.connect(path)
        try:
            return db.execute(
                "SELECT number, digest, data, raw_digest IS NULL FROM fiches "
                "JOIN fiche_json ON fiche_id = id"
            ).fetchall()
        finally:
            db.close()

    a, b = rows(tmp_path / "a.sqlite"), rows(tmp_path / "b.sqlite")
    assert [r[:3] for r in a] == [r[:3] for r in b]
    assert [r[3] for r in a] == [0, 0, 0] and [r[3] for r in b] == [1, 1, 1]


def test_reformatted_flux_is_parsed_and_found_unchanged(built: Path, tmp_path: Path) -> None:
    flux = (built.parent / f"export_{DAY1}.xml").read_text()
    newer = tmp_path / f"export_{DAY2}.xml"
    newer.write_text(flux.replace("\n        <", "\n\t\t<"))  # same fiches, other indentation
    with Register(built) as reg:
        summary = reg.update([newer])
        assert (summary.unchanged, summary.changed) == (3, 0)
        assert list(reg.changes(since=dt.date(2026, 8, 17))) == []


def test_unchanged_fiches_of_a_flux_are_not_read_again(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flux = (built.parent / f"export_{DAY1}.xml").read_text()
    newer = tmp_path / f"export_{DAY2}.xml"
    newer.write_text(flux.replace("Manager d’organismes", "Directeur d’organismes", 1))
    read: list[str] = []
    original = pieces.Split_.read

    def spy(self: pieces.Split_, batch: list[Piece]) -> Iterator[ReadResult]:
        read.extend(pieces.number(piece) or "?" for piece in batch)
        return original(self, batch)

    monkeypatch.setattr(pieces.Split_, "read", spy)
    with Register(built) as reg:
        summary = reg.update([newer])
        assert read == ["RNCP35080"]  # the two others are known by their bytes
        assert (summary.read, summary.changed, summary.unchanged) == (3, 1, 2)
        assert [e.field for e in reg.changes(since=dt.date(2026, 8, 17))] == ["title"]


def test_malformed_flux_is_reported_located_and_changes_nothing(
    built: Path, tmp_path: Path
) -> None:
    flux = (built.parent / f"export_{DAY1}.xml").read_text()
    newer = tmp_path / f"export_{DAY2}.xml"
    newer.write_text(flux.replace("<INTITULE>", "<INTITULE><b>", 1))
    before = _dump(built)
    with (
        Register(built) as reg,
        pytest.raises(rncpkit.InputError, match="not well-formed") as caught,
    ):
        reg.update([newer])
    assert caught.value.line is not None
    assert _dump(built) == before


# ----------------------------------------------------------------------------- documentation

DOCS = Path(__file__).resolve().parents[1] / "docs" / "register.md"


def _sql_blocks() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    return [block.split("```", 1)[0].strip() for block in text.split("```sql\n")[1:]]


def test_the_documented_schema_is_the_schema() -> None:
    from rncpkit.register import store

    assert _sql_blocks()[0] == store.ddl().strip()


def test_the_documented_queries_run(built: Path) -> None:
    db = sqlite3.connect(f"file:{built}?mode=ro", uri=True)
    results = [db.execute(query).fetchall() for query in _sql_blocks()[1:]]
    assert len(results) == 4
    assert sorted(row[0] for row in results[1]) == ["RNCP35080", "RNCP41336"]
    assert results[0] == []  # the level-7 sample fiches are not active
    assert len(results[2]) == 3  # the build: three fiches added
    assert results[3] == []  # the sample's certifier is no partner


@pytest.mark.parametrize(
    "filters",
    [
        {"where": FicheFilter(levels=frozenset({Level.NIV7}), active=False)},
        {"where": FicheFilter(repertoire=Repertoire.RS)},
        {"where": FicheFilter(certifiers=frozenset({"19753471200017"}))},
        {"rome": ["K1206", "M1301"], "nsf": ["332n"]},
        {"nsf": ["310"], "formacode": ["32135"]},
        {"nsf": ["33"]},  # not a facet word: filtered in SQL
    ],
)
def test_filters_as_facet_words_agree_with_sql(built: Path, filters: dict[str, object]) -> None:
    """With words, filters are FTS5 facet words; without, SQL on the tables: same fiches."""
    with Register(built) as reg:
        texts = {h.number for h in reg.search("manager")}
        by_sql = {h.number for h in reg.search("", **filters)}  # type: ignore[arg-type]
        by_facets = {h.number for h in reg.search("manager", **filters)}  # type: ignore[arg-type]
        assert by_facets == by_sql & texts


def test_a_parallel_build_makes_the_same_register(tmp_path: Path) -> None:
    fiches = [fiche(f"RNCP{n}", title=f"Titre {n}") for n in range(1, 200)]
    source = export(tmp_path / f"export_{DAY1}.xml", fiches)
    one = Register.build(tmp_path / "one.sqlite", [source])
    two = Register.build(tmp_path / "two.sqlite", [source], jobs=2)
    assert (one.read, one.added) == (two.read, two.added) == (199, 199)

    def rows(path: Path) -> list[list[tuple[object, ...]]]:
        db = sqlite3.connect(path)
        try:
            tables = ["fiches", "fiche_json", "certifiers", "partners", "blocks", "routes"]
            out = [db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables]
            out.append(
                db.execute("SELECT rowid FROM fiche_text WHERE fiche_text MATCH 'titre'").fetchall()
            )
            return out
        finally:
            db.close()

    assert rows(tmp_path / "one.sqlite") == rows(tmp_path / "two.sqlite")


def test_ranked_search_is_the_exact_head_of_the_filtered_ranking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both ranking plans (capped then filtered by presence; filtered then ranked) give
    the first fiches of the full ranking that pass the filters, also when the cap cut
    every fiche that passes (the search is then run again uncapped)."""
    from rncpkit.register import api

    def titled(n: int) -> rncpkit.Certification:
        end = dt.date(2020, 1, 1) if n % 3 == 0 else dt.date(2030, 1, 1)
        return fiche(f"RNCP{n}", title="Titre " + "gestion " * (n % 4 + 1), registration_end=end)

    everyone = [titled(n) for n in range(1, 61)]
    target = tmp_path / "r.sqlite"
    Register.build(target, [export(tmp_path / f"export_{DAY1}.xml", everyone)])
    # the next night drops the 30 fiches that rank first (the title says "gestion" 4 times)
    best_first = sorted(everyone, key=lambda c: (-c.title.count("gestion"), int(c.number[4:])))
    dropped = {c.number for c in best_first[:30]}
    kept = [c for c in everyone if c.number not in dropped]
    with Register(target) as reg:
        reg.update([export(tmp_path / f"export_{DAY2}.xml", kept)])
        full = reg.search("gestion", include_removed=True, limit=100)
        assert len(full) == 60 and {h.number for h in full[:30]} == dropped
        scores = [(h.score, int(h.number[4:])) for h in full]
        assert scores == sorted(scores)  # type: ignore[type-var]
        monkeypatch.setattr(api, "RANKED", 0)  # cap = 4 × limit: only dropped fiches
        present = [h.number for h in full if h.present]
        assert [h.number for h in reg.search("gestion", limit=3)] == present[:3]
        day = dt.date(2026, 1, 1)
        in_force = [
            h.number for h in full if h.present and h.registration_end and h.registration_end >= day
        ]
        hits = reg.search("gestion", where=FicheFilter(in_force_on=day), limit=3)
        assert [h.number for h in hits] == in_force[:3] and len(in_force) > 3


def test_an_invalid_fiche_of_a_flux_is_located_alike_with_one_or_two_jobs(
    tmp_path: Path,
) -> None:
    """One job reads the flux in a single parse, two jobs re-parse cut pieces: the same
    fiche is rejected with the same line of the whole file, and the others are stored."""
    fiches = [fiche(f"RNCP{n}", title=f"Titre {n}") for n in range(1, 6)]
    flux = export(tmp_path / "model.xml", fiches).read_text()
    at = flux.index("<NUMERO_FICHE>RNCP3</NUMERO_FICHE>")
    end = flux.index("<DATE_FIN_ENREGISTREMENT>", at) + len("<DATE_FIN_ENREGISTREMENT>")
    source = tmp_path / f"export_{DAY1}.xml"
    source.write_text(flux[:end] + "31/02/2025x" + flux[flux.index("<", end) :])
    expected_line = flux[:end].count("\n") + 1
    found = []
    for jobs in (1, 2):
        summary = Register.build(tmp_path / f"{jobs}.sqlite", [source], jobs=jobs)
        assert (summary.read, summary.added, summary.rejected) == (5, 4, 1)
        (error,) = summary.errors
        assert (error.fiche, error.line) == ("RNCP3", expected_line)
        found.append((error.field, str(error)))
        with Register(tmp_path / f"{jobs}.sqlite") as reg:
            assert reg.get("RNCP3") is None and reg.get("RNCP4") == fiches[3]
    assert found[0] == found[1]


def test_a_zipped_flux_builds_the_register_of_its_xml(
    tmp_path: Path, three: list[rncpkit.Certification]
) -> None:
    """The zip France Compétences publishes: its XML member is read, in one parse with one
    job and cut into pieces with two, and the update compares the same digests."""
    import zipfile

    xml = export(tmp_path / f"export_fiches_V4_1_{DAY1}.xml", three)
    archive = tmp_path / f"export_fiches_V4_1_{DAY1}.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(xml, xml.name)
    dumps = []
    for jobs in (1, 2):
        target = tmp_path / f"zip-{jobs}.sqlite"
        summary = Register.build(target, [archive], jobs=jobs)
        assert (summary.read, summary.added, summary.rejected) == (3, 3, 0)
        db = sqlite3.connect(target)
        dumps.append(db.execute("SELECT number, digest, raw_digest FROM fiches").fetchall())
        db.close()
    Register.build(tmp_path / "xml.sqlite", [xml])
    db = sqlite3.connect(tmp_path / "xml.sqlite")
    assert (
        dumps[0]
        == dumps[1]
        == db.execute("SELECT number, digest, raw_digest FROM fiches").fetchall()
    )
    db.close()
    with Register(tmp_path / "zip-1.sqlite") as reg:
        assert reg.update([archive], as_of=dt.date(2026, 8, 17)).unchanged == 3


def test_an_unusual_layout_is_cut_by_the_parser_instead(
    tmp_path: Path, three: list[rncpkit.Certification], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Something else than blanks or comments between two fiches: the byte-level cut gives
    up after the first fiches, and the build (or the update) is redone with the parser's
    cut, the register being the same; digests of the two cuts never match each other."""
    usual = export(tmp_path / f"export_{DAY1}.xml", three).read_text()
    second = usual.index("<FICHE>", usual.index("<FICHE>") + 1)
    unusual = tmp_path / "unusual" / f"export_{DAY1}.xml"
    unusual.parent.mkdir()
    unusual.write_text(usual[:second] + "<NOTE>x</NOTE>\n    " + usual[second:])

    def rows(path: Path) -> list[tuple[object, ...]]:
        db = sqlite3.connect(path)
        try:
            return db.execute(
                "SELECT number, digest, data FROM fiches JOIN fiche_json ON fiche_id = id"
            ).fetchall()
        finally:
            db.close()

    summary = Register.build(tmp_path / "unusual.sqlite", [unusual])
    assert (summary.read, summary.added) == (3, 3)
    summary = Register.build(tmp_path / "unusual-2.sqlite", [unusual], jobs=2)
    assert (summary.read, summary.added) == (3, 3)
    Register.build(tmp_path / "usual.sqlite", [tmp_path / f"export_{DAY1}.xml"])
    assert rows(tmp_path / "unusual.sqlite") == rows(tmp_path / "usual.sqlite")
    assert rows(tmp_path / "unusual-2.sqlite") == rows(tmp_path / "usual.sqlite")
    assert not list(tmp_path.glob("*.part"))  # the first attempt's file is gone

    read: list[str] = []
    original = pieces.Split_.read

    def spy(self: pieces.Split_, batch: list[Piece]) -> Iterator[ReadResult]:
        read.extend(pieces.number(piece) or "?" for piece in batch)
        return original(self, batch)

    monkeypatch.setattr(pieces.Split_, "read", spy)
    with Register(tmp_path / "unusual.sqlite") as reg:
        # the same unusual file: known by the digests of the parser's cut, nothing read
        assert reg.update([unusual], as_of=dt.date(2026, 8, 17)).unchanged == 3
        assert read == []
        # the same fiches in the usual layout: other digests, so read, and found unchanged
        again = reg.update([tmp_path / f"export_{DAY1}.xml"], as_of=dt.date(2026, 8, 18))
        assert (again.unchanged, again.changed) == (3, 0) and len(read) == 3
        assert list(reg.changes(since=dt.date(2026, 8, 17))) == []


# ----------------------------------------------------------------------------- stored rows


def _expected_rows(cert: rncpkit.Certification) -> dict[str, list[tuple[object, ...]]]:
    """What each child table holds for a fiche, written from the model (the register draws
    them from the stored JSON in SQL)."""

    def numbered(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
        return [(position, *row) for position, row in enumerate(rows)]

    return {
        "certifiers": numbered(
            [(c.siret, c.siret and c.siret[:9], c.name, c.state) for c in cert.certifiers]
        ),
        "partners": numbered(
            [
                (p.siret, p.siret and p.siret[:9], p.name, p.habilitation, p.habilitation_state)
                for p in cert.partners
            ]
        ),
        "rome": numbered([(x.code,) for x in cert.rome]),
        "nsf": numbered([(x.code,) for x in cert.nsf]),
        "formacodes": numbered([(x.code,) for x in cert.formacodes]),
        "blocks": numbered([(b.code, b.label) for b in cert.blocks]),
        "links": numbered(
            [("successor", n) for n in cert.successors]
            + [("predecessor", n) for n in cert.predecessors]
        ),
        "routes": numbered([(code, str(int(r.open))) for code, r in cert.access_routes.items()]),
    }


def _expected_facets(cert: rncpkit.Certification) -> list[str]:
    """The filter words of a fiche's ``facets`` column, written from the model."""
    words = [f"zzr{cert.repertoire.value}"]
    if cert.level is not None:
        words.append(f"zzl{cert.level.value}")
    if cert.active is not None:
        words.append(f"zza{int(cert.active)}")
    words += [f"zzrome{x.code}" for x in cert.rome]
    words += [f"zznsf{x.code}" for x in cert.nsf]
    words += sorted({f"zznsf{x.code[:3]}" for x in cert.nsf if len(x.code) > 3})
    words += [f"zzfc{x.code}" for x in cert.formacodes]
    words += [f"zzsiret{x.siret}" for x in cert.certifiers if x.siret]
    return [word.lower() for word in words]


def _stored_rows(path: Path, number: str) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    try:
        (fiche_id,) = db.execute("SELECT id FROM fiches WHERE number = ?", (number,)).fetchone()
        return {
            table: db.execute(
                f"SELECT * FROM {table} WHERE fiche_id = ? ORDER BY position", (fiche_id,)
            ).fetchall()
            for table in _expected_rows(seed())
        }
    finally:
        db.close()


@pytest.mark.parametrize("jobs", [1, 2])
def test_child_rows_drawn_from_the_json_are_the_models_values(tmp_path: Path, jobs: int) -> None:
    """Real fiches (RNCP and RS, with partners, links, routes, blocks) and edge cases: no
    SIRET, no list at all, predecessors without successors and the reverse."""
    real = [
        cert
        for name in REAL_V41_SAMPLES
        if (path := reference("france-competences", name)).is_file()
        for cert in rncpkit.read(path)
    ]
    made = [
        fiche("RNCP1", successors=["RNCP2"], predecessors=[]),
        fiche("RNCP2", successors=[], predecessors=["RNCP1", "RS7"]),
        fiche("RNCP3", rome=[], nsf=[], formacodes=[], blocks=[], access_routes={}),
        fiche("RNCP4", certifiers=[{"name": "Sans SIRET"}], partners=[{"name": "Partenaire"}]),
        fiche(
            "RS5",
            level=None,
            level_label=None,
            active=None,
            nsf=[{"code": "332n"}, {"code": "310"}, {"code": "332t"}, {"code": "200d"}],
        ),
    ]
    target = tmp_path / "r.sqlite"
    Register.build(target, [export(tmp_path / f"export_{DAY1}.xml", made + real)], jobs=jobs)
    db = sqlite3.connect(target)
    db.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, fiche_text, instance)")
    for cert in made + real:
        (fiche_id,) = db.execute(
            "SELECT id FROM fiches WHERE number = ?", (cert.number,)
        ).fetchone()
        facets = db.execute(
            "SELECT term FROM temp.words WHERE doc = ? AND col = 'facets' ORDER BY offset",
            (fiche_id,),
        ).fetchall()
        assert [term for (term,) in facets] == _expected_facets(cert), cert.number
        stored = _stored_rows(target, cert.number)
        assert {t: [row[1:] for row in rows] for t, rows in stored.items()} == _expected_rows(
            cert
        ), cert.number


def test_a_rewritten_fiche_leaves_no_word_of_its_old_texts(built: Path, tmp_path: Path) -> None:
    """A changed fiche's full-text entry is removed with the very texts it was indexed
    with (drawn again from its stored JSON) and indexed anew: its old words no longer find
    it, its new ones do, its child rows are the new ones, and the index passes FTS5's own
    integrity check."""
    with Register(built) as reg:
        old = reg.get("RNCP41336")
        assert old is not None
        others = [c for c in reg.fiches() if c.number != "RNCP41336"]
        first = old.model_copy(update={"title": "Chaudronnier soudeur"})
        reg.update([export(tmp_path / f"export_{DAY2}.xml", [*others, first])])
        assert [h.number for h in reg.search("chaudronnier")] == ["RNCP41336"]
        new = old.model_copy(
            update={"title": "Gestionnaire de paie", "blocks": [], "predecessors": []}
        )
        reg.update([export(tmp_path / "export_2026-08-18.xml", [*others, new])])
        assert reg.search("chaudronnier") == []
        assert [h.number for h in reg.search("gestionnaire paie")] == ["RNCP41336"]
    db = sqlite3.connect(built)
    try:
        db.execute("INSERT INTO fiche_text (fiche_text, rank) VALUES ('integrity-check', 1)")
    finally:
        db.close()
    stored = _stored_rows(built, "RNCP41336")
    assert {t: [row[1:] for row in rows] for t, rows in stored.items()} == _expected_rows(new)


# ----------------------------------------------------------------------------- writing process


@pytest.fixture
def writers(monkeypatch: pytest.MonkeyPatch) -> list[writer.Writer]:
    """The writing processes the builds start, kept to be checked."""
    started: list[writer.Writer] = []
    original = writer.Writer.__init__

    def spy(self: writer.Writer, path: str, target: str) -> None:
        original(self, path, target)
        started.append(self)

    monkeypatch.setattr(writer.Writer, "__init__", spy)
    return started


def _gone(process: writer.Writer) -> bool:
    """The child process has exited and been waited for (its id is free)."""
    pid = process._process.pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return process._process.returncode is not None
    return False


def test_a_two_process_build_writes_through_a_child_that_stops(
    tmp_path: Path, writers: list[writer.Writer]
) -> None:
    source = export(tmp_path / f"export_{DAY1}.xml", [fiche(f"RNCP{n}") for n in range(1, 450)])
    summary = Register.build(tmp_path / "r.sqlite", [source], jobs=2)
    assert summary.added == 449
    (child,) = writers
    assert child._process.returncode == 0 and _gone(child)
    assert Register.build(tmp_path / "one.sqlite", [source], jobs=1).added == 449
    assert not writers[1:]  # one job: no child


def test_an_error_in_the_writing_process_is_the_usual_error_and_leaves_nothing(
    tmp_path: Path, writers: list[writer.Writer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SQL error in the child (here a statement it cannot run, as a full disk would make
    one) is raised here as an OutputFileError naming the register; the previous register
    is untouched and no temporary file is left."""
    source = export(tmp_path / f"export_{DAY1}.xml", [fiche(f"RNCP{n}") for n in range(1, 450)])
    target = tmp_path / "r.sqlite"
    Register.build(target, [source], jobs=1)
    before = target.read_bytes()
    monkeypatch.setattr(
        store, "FTS_INSERT", store.FTS_INSERT.replace("fiche_text (", "no_such_table (", 1)
    )
    with pytest.raises(OutputFileError) as caught:
        Register.build(target, [source], jobs=2)
    assert caught.value.path == str(target)
    assert "cannot write the register: OperationalError: no such table: no_such_table" in str(
        caught.value
    )
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["r.sqlite", source.name])
    assert all(_gone(child) for child in writers)
    # one process: the same error, the same way
    with pytest.raises(OutputFileError, match="no such table: no_such_table"):
        Register.build(target, [source], jobs=1)
    assert target.read_bytes() == before


def test_a_killed_writing_process_stops_the_build(
    tmp_path: Path, writers: list[writer.Writer], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = export(tmp_path / f"export_{DAY1}.xml", [fiche(f"RNCP{n}") for n in range(1, 650)])
    posted = 0
    original = writer.Writer._post

    def kill_after_one(self: writer.Writer) -> None:
        nonlocal posted
        posted += 1
        if posted == 2:  # the child has a batch; then it dies
            os.kill(self._process.pid, signal.SIGKILL)
            self._process.wait()
        original(self)

    monkeypatch.setattr(writer.Writer, "_post", kill_after_one)
    with pytest.raises(OutputFileError, match="its writing process stopped"):
        Register.build(tmp_path / "r.sqlite", [source], jobs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [source.name]
    assert all(_gone(child) for child in writers)


def test_an_interrupted_two_process_build_leaves_the_previous_register(
    tmp_path: Path, writers: list[writer.Writer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the fiches are read: the child is stopped, the temporary file removed,
    the register there before is as it was."""
    source = export(tmp_path / f"export_{DAY1}.xml", [fiche(f"RNCP{n}") for n in range(1, 650)])
    target = tmp_path / "r.sqlite"
    target.write_bytes(b"the previous register")
    batches = 0
    original = pieces.prepare

    def interrupted(*args: object) -> list[store.Rows | FicheError]:
        nonlocal batches
        batches += 1
        if batches == 5:
            raise KeyboardInterrupt
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pieces, "prepare", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Register.build(target, [source], jobs=2)
    assert target.read_bytes() == b"the previous register"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["r.sqlite", source.name])
    (child,) = writers
    assert _gone(child)


def test_the_writing_process_takes_plain_values_only(tmp_path: Path) -> None:
    """What crosses to the child is plain values: a model's enum (a class reference that
    would make the child import rncpkit) is refused there, and said here."""
    path = tmp_path / "x.sqlite"
    sqlite3.connect(path).close()
    out = writer.Writer(str(path), str(path))
    out.execute("CREATE TABLE t (x)")
    out.executemany("INSERT INTO t VALUES (?)", [(Level.NIV7,)])
    with pytest.raises(OutputFileError, match="plain values, not Level"):
        out.close()
    assert _gone(out)


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="Linux: the usable cores")
@pytest.mark.parametrize(("cores", "children"), [({0}, 0), ({0, 1}, 1), ({0, 1, 2, 3}, 1)])
def test_the_default_build_writes_from_a_second_process_when_two_cores_are_usable(
    tmp_path: Path,
    writers: list[writer.Writer],
    monkeypatch: pytest.MonkeyPatch,
    cores: set[int],
    children: int,
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: cores)
    source = export(tmp_path / f"export_{DAY1}.xml", [fiche("RNCP1")])
    assert Register.build(tmp_path / "r.sqlite", [source]).added == 1
    assert len(writers) == children


def test_a_reader_leaves_no_wal_files_and_cannot_write(built: Path) -> None:
    with rncpkit.Register(built) as register:
        assert register.get("RNCP35080") is not None
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            register._db.execute("DELETE FROM fiches")
    leftovers = sorted(p.name for p in built.parent.iterdir() if p.name.startswith(built.name))
    assert leftovers == [built.name]
