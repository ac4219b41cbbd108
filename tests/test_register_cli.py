"""``rncpkit register …``, ``show`` and ``convert`` on a register, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rncpkit.cli import cli
from tests.register_support import SEED_XML, export, fiche

DAY1 = "2026-08-16"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def built(runner: CliRunner, tmp_path: Path) -> Path:
    source = export(
        tmp_path / f"export_{DAY1}.xml",
        [fiche("RNCP35080"), fiche("RNCP41336", predecessors=["RNCP35080"], active=True)],
    )
    target = tmp_path / "register.sqlite"
    result = runner.invoke(cli, ["register", "build", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "2 fiches read, 2 added" in result.stderr
    return target


@pytest.mark.parametrize(
    "command", ["build", "update", "changes", "search", "lineage", "habilitation"]
)
def test_help(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, ["register", command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_update_and_changes_in_every_format(runner: CliRunner, built: Path, tmp_path: Path) -> None:
    newer = export(tmp_path / "export_2026-08-17.xml", [fiche("RNCP35080", title="Autre titre")])
    result = runner.invoke(cli, ["register", "update", str(built), str(newer), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["changed"] == 1 and json.loads(result.stdout)["removed"] == 1
    text = runner.invoke(cli, ["register", "changes", str(built), "--since", "2026-08-17"])
    assert text.stdout.splitlines() == [
        "2026-08-17 ~ RNCP35080 title: "
        "Manager d’organismes à vocation sociale et culturelle en éc… → Autre titre",
        "2026-08-17 - RNCP41336",
    ]
    lines = runner.invoke(
        cli,
        [
            "register",
            "changes",
            str(built),
            "--format",
            "jsonl",
            "--field",
            "title",
            "--numero",
            "35080",
        ],
    )
    assert [json.loads(line)["change"] for line in lines.stdout.splitlines()] == [
        "added",
        "changed",
    ]
    array = runner.invoke(cli, ["register", "changes", str(built), "--format", "json"])
    assert len(json.loads(array.stdout)) == 4
    older = runner.invoke(
        cli, ["register", "update", str(built), str(tmp_path / f"export_{DAY1}.xml")]
    )
    assert older.exit_code == 1 and "older than the last one applied" in older.stderr


def test_search_formats_and_filters(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(
        cli, ["register", "search", str(built), "économie", "--active", "--level", "7"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[0] == "RNCP41336" and len(result.stdout.splitlines()) == 1
    rows = runner.invoke(
        cli, ["register", "search", str(built), '"manager* (-', "--format", "json"]
    )
    assert rows.exit_code == 0 and {r["number"] for r in json.loads(rows.stdout)} == {
        "RNCP35080",
        "RNCP41336",
    }
    near = runner.invoke(
        cli, ["register", "search", str(built), "manager NEAR", "--format", "jsonl"]
    )
    assert near.exit_code == 0 and near.stdout == ""  # NEAR is a word to find, not an operator
    bad = runner.invoke(cli, ["register", "search", str(built), "x", "--level", "12"])
    assert bad.exit_code == 2


def test_lineage_text_and_json(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(
        cli, ["register", "lineage", str(built), "35080", "--on", "2026-01-01", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    graph = json.loads(result.stdout)
    assert graph["edges"] == [
        {"predecessor": "RNCP35080", "successor": "RNCP41336", "declared_by": ["RNCP41336"]}
    ]
    text = runner.invoke(
        cli, ["register", "lineage", str(built), "RNCP35080", "--on", "2025-01-01"]
    )
    assert "current: RNCP41336 via RNCP35080 → RNCP41336" in text.stdout
    missing = runner.invoke(cli, ["register", "lineage", str(built), "RNCP1"])
    assert missing.exit_code == 1 and "no fiche RNCP1" in missing.stderr


def test_habilitation_exit_codes(runner: CliRunner, built: Path) -> None:
    yes = runner.invoke(
        cli,
        [
            "register",
            "habilitation",
            str(built),
            "197 534 712 00017",
            "--numero",
            "RNCP35080",
            "--on",
            "2024-01-01",
        ],
    )
    assert yes.exit_code == 0 and yes.stdout.startswith("yes: ")
    no = runner.invoke(
        cli,
        [
            "register",
            "habilitation",
            str(built),
            "19753471200017",
            "--numero",
            "RNCP35080",
            "--on",
            "2026-01-01",
        ],
    )
    assert no.exit_code == 1 and "not in force on 2026-01-01" in no.stdout
    listed = runner.invoke(
        cli, ["register", "habilitation", str(built), "197534712", "--format", "json"]
    )
    assert [r["number"] for r in json.loads(listed.stdout)] == ["RNCP35080", "RNCP41336"]
    usage = runner.invoke(cli, ["register", "habilitation", str(built), "12"])
    assert usage.exit_code == 2


def test_not_a_register_is_exit_1(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["register", "search", str(SEED_XML), "x"])
    assert result.exit_code == 1 and "not a register" in result.stderr


def test_show_and_convert_read_the_register(runner: CliRunner, built: Path) -> None:
    shown = runner.invoke(cli, ["show", "35080", str(built)])
    assert shown.exit_code == 0 and shown.stdout.startswith("RNCP35080 — Manager")
    absent = runner.invoke(cli, ["show", "RNCP1", str(built)])
    assert absent.exit_code == 1
    converted = runner.invoke(cli, ["convert", str(built), "--to", "jsonl", "--active"])
    assert converted.exit_code == 0, converted.output
    assert [json.loads(line)["number"] for line in converted.stdout.splitlines()] == ["RNCP41336"]
    piped = runner.invoke(cli, ["convert", "-", "--to", "jsonl"], input=built.read_bytes())
    assert len(piped.stdout.splitlines()) == 2


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_failed_write_is_exit_1_with_the_register_named(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    """An SQLite error while writing (in the writing process with two jobs): one line naming
    the register, exit code 1, no traceback, no file left."""
    from rncpkit.register import store

    source = export(tmp_path / f"export_{DAY1}.xml", [fiche("RNCP35080")])
    monkeypatch.setattr(
        store, "FTS_INSERT", store.FTS_INSERT.replace("fiche_text (", "no_such_table (", 1)
    )
    target = tmp_path / "register.sqlite"
    result = runner.invoke(
        cli, ["register", "build", str(source), "-o", str(target), "--jobs", jobs]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"rncpkit: error: {target}: cannot write the register: ")
    assert "no such table: no_such_table" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [source.name]


def test_a_register_in_a_missing_directory_is_refused_not_made(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = export(tmp_path / f"export_{DAY1}.xml", [fiche("RNCP35080")])
    target = tmp_path / "typo" / "register.sqlite"
    result = runner.invoke(cli, ["register", "build", str(source), "-o", str(target)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"rncpkit: error: {target}: cannot write: the directory {target.parent} does not exist\n"
    )
    assert not target.parent.exists()


def test_exports_on_stdin_are_named_with_from(runner: CliRunner, tmp_path: Path) -> None:
    source = export(tmp_path / f"export_{DAY1}.xml", [fiche("RNCP35080")])
    jsonl = runner.invoke(cli, ["convert", str(source), "--to", "jsonl"]).stdout_bytes
    target = tmp_path / "register.sqlite"
    unnamed = runner.invoke(
        cli, ["register", "build", "-", "--as-of", DAY1, "-o", str(target)], input=b"\x00" + jsonl
    )
    assert unnamed.exit_code == 1 and "name it with --from" in unnamed.stderr
    args = ["register", "build", "-", "--from", "jsonl", "--as-of", DAY1, "-o", str(target)]
    built = runner.invoke(cli, args, input=jsonl)
    assert built.exit_code == 0, built.stderr
    assert "1 added" in built.stderr
    changed = jsonl.replace(b"RNCP35080", b"RNCP35081")
    args = ["register", "update", str(target), "-", "--from", "jsonl", "--as-of", "2026-08-17"]
    updated = runner.invoke(cli, args, input=changed)
    assert updated.exit_code == 0, updated.stderr
    assert "1 added, 1 removed" in updated.stderr
