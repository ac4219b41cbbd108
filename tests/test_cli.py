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


# --------------------------------------------------------------------------- show


@pytest.mark.parametrize("numero", ["RNCP35080", "rncp35080", "35080", "Rncp 35080", "035080"])
def test_show_accepts_the_ways_people_write_a_number(
    runner: CliRunner, seed_xml: Path, numero: str
) -> None:
    result = runner.invoke(cli, ["show", numero, str(seed_xml)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("RNCP35080 — Manager d’organismes")


def test_fiche_number_candidates() -> None:
    from rncpkit.model.numbers import fiche_number_candidates, normalise_fiche_number

    assert fiche_number_candidates("34762") == ("RNCP34762", "RS34762")
    assert fiche_number_candidates(" rncp34762 ") == ("RNCP34762",)
    assert fiche_number_candidates("rs5000") == ("RS5000",)
    assert fiche_number_candidates("RS-05000") == ("RS5000",)
    assert normalise_fiche_number("35080") == "RNCP35080"
    for bad in ("", "RNCP", "RNCPX1", "35080a", "٣٥٠٨٠", "RNCP 1 2"):
        with pytest.raises(ValueError, match="is not a fiche number"):
            fiche_number_candidates(bad)


def test_show_a_bare_number_says_when_rncp_and_rs_both_exist(
    runner: CliRunner, seed_json: Path, tmp_path: Path
) -> None:
    import rncpkit

    cert = next(rncpkit.read(seed_json))
    rs = cert.model_copy(
        update={"number": "RS35080", "title": "Une fiche RS", "level": None, "blocks": []}
    )
    both = tmp_path / "both.jsonl"
    rncpkit.write([rs, cert], both, "jsonl")
    result = runner.invoke(cli, ["show", "35080", str(both)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("RNCP35080 — ")  # RNCP first, though RS comes first
    assert "both RNCP35080 and RS35080 exist" in result.stderr
    result = runner.invoke(cli, ["show", "rs35080", str(both)])
    assert result.stdout.startswith("RS35080 — Une fiche RS") and "both" not in result.stderr
    result = runner.invoke(cli, ["show", "99", str(both)])
    assert result.exit_code == 1 and "no valid fiche RNCP99 or RS99 found" in result.stderr
    result = runner.invoke(cli, ["show", "abc", str(both)])
    assert result.exit_code == 2 and "'abc' is not a fiche number" in result.output


def test_show_dates_are_french_and_full_prints_whole_texts(
    runner: CliRunner, seed_xml: Path
) -> None:
    short = runner.invoke(cli, ["show", "RNCP35080", str(seed_xml)]).stdout
    assert "  Décision               18/11/2020" in short
    assert "  Fin d'enregistrement   18/11/2025" in short
    assert "2020-11-18" not in short and "Prérequis à la validation" not in short
    full = runner.invoke(cli, ["show", "RNCP35080", str(seed_xml), "--full"]).stdout
    assert "  Prérequis à la validation" in full
    assert "    - Animer une équipe" in full  # a block's competences, one item per line
    assert "--full pour le texte entier" not in full


def test_show_truncates_long_objectives_without_full(
    runner: CliRunner, seed_json: Path, tmp_path: Path
) -> None:
    import rncpkit

    cert = next(rncpkit.read(seed_json))
    long = cert.model_copy(update={"objectives": "Début. " + "mot " * 400 + "Fin du texte."})
    path = tmp_path / "long.json"
    rncpkit.write([long], path, "json")
    short = runner.invoke(cli, ["show", "35080", str(path)]).stdout
    assert "… (--full pour le texte entier)" in short and "Fin du texte." not in short
    full = runner.invoke(cli, ["show", "35080", str(path), "--full"]).stdout
    assert "Fin du texte." in full


# --------------------------------------------------------------------------- errors


def test_every_error_class_has_location_and_as_dict() -> None:
    import rncpkit.errors as errors

    classes = [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, errors.RncpkitError)
    ]
    assert len(classes) >= 8
    keys = {"file", "line", "fiche", "field", "message"}
    samples: list[errors.RncpkitError] = [
        errors.RncpkitError("x"),
        errors.UsageError("bad option"),
        errors.InputError("bad", file="f.xml", line=3, fiche="RNCP1", field="title"),
        errors.FicheError("bad", file="f.xml", line=3),
        errors.OutputError("cannot", fiche="RNCP1", field="level"),
        errors.OutputFileError("cannot write: Permission denied", path="out/x.json", errno=13),
    ]
    for error in samples:
        assert set(error.as_dict()) == keys, type(error)
        assert isinstance(error.location(), str), type(error)
    assert samples[1].location() == "" and samples[1].as_dict()["message"] == "bad option"
    assert samples[2].location() == "f.xml:3: fiche RNCP1: field title"
    assert samples[5].location() == "out/x.json"
    assert str(samples[5]) == "out/x.json: cannot write: Permission denied"


def test_validate_report_to_a_file(runner: CliRunner, seed_xml: Path, tmp_path: Path) -> None:
    report = tmp_path / "findings.json"
    result = runner.invoke(
        cli, ["validate", str(seed_xml), "--format", "json", "-o", str(report), "--strict"]
    )
    assert result.exit_code == 1  # warnings, --strict: the report is written all the same
    findings = json.loads(report.read_text("utf-8"))
    assert {f["rule"] for f in findings} == {"ROUTE-JURY-MISSING"}
    assert result.stdout == ""
