"""The command line: conventions (help, '-', exit codes), atomic output, summaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rncpkit import __version__
from rncpkit.cli import cli

COMMANDS = ["convert", "validate", "show", "schema", "formats"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_help_everywhere(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_convert_to_file_and_summary(runner: CliRunner, seed_xml: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = runner.invoke(cli, ["convert", str(seed_xml), "--to", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["number"] == "RNCP35080"
    assert "1 fiches read, 1 written, 0 skipped by filter, 0 rejected" in result.stderr


def test_convert_stdin_to_stdout(runner: CliRunner, seed_xml: Path) -> None:
    result = runner.invoke(cli, ["convert", "-", "--to", "jsonl"], input=seed_xml.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["title"].startswith("Manager")


def test_unknown_format_is_a_usage_error(runner: CliRunner, seed_xml: Path) -> None:
    result = runner.invoke(cli, ["convert", str(seed_xml), "--to", "pdf"])
    assert result.exit_code == 2


def test_missing_input_is_exit_1_with_a_message(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["convert", str(tmp_path / "nope.xml"), "--to", "json"])
    assert result.exit_code == 1
    assert "nope.xml" in result.stderr and "cannot open" in result.stderr


def test_failed_conversion_leaves_no_file(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<FICHES><VERSION_FLUX>4.1</VERSION_FLUX><FICHE><NUMERO_FICHE>RNCP1")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["convert", str(broken), "--to", "jsonl", "-o", str(out)])
    assert result.exit_code == 1
    assert "broken.xml:1" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [broken]  # no temporary file left behind


def test_failed_conversion_keeps_the_previous_output(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"not xml at all")
    result = runner.invoke(
        cli, ["convert", str(broken), "--from", "fc-xml", "--to", "jsonl", "-o", str(out)]
    )
    assert result.exit_code == 1 and out.read_text() == "previous\n"


def test_bad_fiche_is_reported_others_converted(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "mixed.xml"
    source.write_text(
        "<FICHES><VERSION_FLUX>4.1</VERSION_FLUX>\n"
        "<FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE><INTITULE>A</INTITULE></FICHE>\n"
        "<FICHE><NUMERO_FICHE>RNCP2</NUMERO_FICHE><INTITULE>B</INTITULE>"
        "<DATE_EFFET>32/01/2020</DATE_EFFET></FICHE>\n</FICHES>\n"
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["convert", str(source), "--to", "jsonl", "-o", str(out)])
    assert result.exit_code == 1
    assert "mixed.xml:3: fiche RNCP2: field FICHE/DATE_EFFET" in result.stderr
    assert "2 fiches read, 1 written, 0 skipped by filter, 1 rejected" in result.stderr
    assert [json.loads(line)["number"] for line in out.read_text().splitlines()] == ["RNCP1"]


def test_validate_clean_sample(runner: CliRunner, seed_xml: Path) -> None:
    result = runner.invoke(cli, ["validate", str(seed_xml)])
    assert result.exit_code == 0
    assert "0 errors" in result.stderr


def test_validate_json_findings(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "bad.xml"
    source.write_text(
        "<FICHES><VERSION_FLUX>4.1</VERSION_FLUX>\n<FICHE><NUMERO_FICHE>RNCP2</NUMERO_FICHE>"
        "<INTITULE>B</INTITULE>\n<CODES_ROME><ROME><CODE>12345</CODE></ROME></CODES_ROME>"
        "</FICHE></FICHES>"
    )
    result = runner.invoke(cli, ["validate", str(source), "--format", "json"])
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)
    assert finding["file"] == str(source)
    assert (finding["line"], finding["fiche"], finding["field"]) == (
        3,
        "RNCP2",
        "CODES_ROME/ROME[1]/CODE",
    )
    assert finding["severity"] == "error"


def test_show_finds_a_fiche(runner: CliRunner, seed_xml: Path) -> None:
    result = runner.invoke(cli, ["show", "RNCP35080", str(seed_xml)])
    assert result.exit_code == 0
    assert "RNCP35080 — Manager d’organismes" in result.stdout
    assert "RNCP35080BC04" in result.stdout and "CONSERVATOIRE NATIONAL" in result.stdout


def test_show_missing_fiche(runner: CliRunner, seed_xml: Path) -> None:
    result = runner.invoke(cli, ["show", "RNCP1", str(seed_xml)])
    assert result.exit_code == 1 and "no valid fiche RNCP1" in result.stderr


def test_schema_is_json_schema(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Certification"


def test_formats_lists_the_core_formats(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["formats"])
    for name in ("fc-xml", "json", "jsonl"):
        assert name in result.stdout


def test_output_files_get_ordinary_permissions(
    runner: CliRunner, seed_xml: Path, tmp_path: Path
) -> None:
    import os
    import stat

    out = tmp_path / "out.jsonl"
    old = os.umask(0o022)
    try:
        result = runner.invoke(cli, ["convert", str(seed_xml), "--to", "jsonl", "-o", str(out)])
    finally:
        os.umask(old)
    assert result.exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
