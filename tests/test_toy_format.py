""" "Adding a format is one module and one registry line": a toy format (tests/toy_format.py)
registered in a temporary registry works through the library and the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import rncpkit
from rncpkit.cli import cli
from rncpkit.formats import registry

from . import toy_format


@pytest.fixture(autouse=True)
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(registry.FORMATS, "toy", toy_format.FORMAT)  # the one registry line
    yield


def test_library_converts_to_and_from_the_toy(seed_xml: Path, tmp_path: Path) -> None:
    out = tmp_path / "fiches.toy"
    assert rncpkit.convert(seed_xml, out, to="toy").written == 1
    assert out.read_text().startswith("RNCP35080|Manager d’organismes")
    [back] = rncpkit.read(out)  # detected by its extension
    assert back.number == "RNCP35080"
    assert rncpkit.write([back], tmp_path / "again.json", to="json") == 1


def test_cli_lists_and_uses_the_toy(seed_xml: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert "toy" in runner.invoke(cli, ["formats"]).output
    out = tmp_path / "fiches.toy"
    result = runner.invoke(cli, ["convert", str(seed_xml), "--to", "toy", "-o", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["convert", str(out), "--from", "toy", "--to", "jsonl"])
    assert result.exit_code == 0, result.output
    assert '"number":"RNCP35080"' in result.output.replace(" ", "")


def test_toy_errors_and_options_follow_the_rules(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toy"
    bad.write_text("RNCP1|A\nno separator\n")
    records = list(rncpkit.read_records(bad))
    assert isinstance(records[1], rncpkit.FicheError) and records[1].line == 2
    result = CliRunner().invoke(cli, ["convert", str(bad), "--to", "toy", "-O", "x=1"])
    assert result.exit_code == 2
    assert "the toy format takes no -O option" in result.output


def test_validation_knows_what_the_toy_cannot_carry(tmp_path: Path) -> None:
    """The toy has no place for a level or blocks: rules do not call them missing there,
    while the same fiche as JSON is reported for both."""
    toy = tmp_path / "one.toy"
    toy.write_text("RNCP35080|Manager\n")
    as_json = tmp_path / "one.json"
    rncpkit.write(rncpkit.read(toy), as_json, to="json")
    in_json = {finding.field for finding in rncpkit.validate(as_json)}
    in_toy = {finding.field for finding in rncpkit.validate(toy)}
    assert {"level", "blocks"} <= in_json
    assert not {"level", "blocks"} & in_toy
