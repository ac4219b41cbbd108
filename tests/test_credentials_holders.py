"""The holders spreadsheet as ``credentials issue`` reads it: the accrochage reader with the
credential columns as ``extra_columns`` (no private copy of the file), stdin read three
times, JSON streamed, and the columns each command reads shown by its help."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

pytest.importorskip("cryptography")
pytest.importorskip("pyld")
pytest.importorskip("PIL")

from rncpkit.cli import cli
from rncpkit.credentials import holders as holders_module
from rncpkit.credentials import keys
from rncpkit.credentials.columns import COLUMNS, PERSONAL
from rncpkit.credentials.holders import read_holders
from rncpkit.credentials.issuing import IssueOptions, issue
from rncpkit.errors import InputError
from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[1]
ISSUER = "Conservatoire national des arts et métiers"
HEADER = ["id_technique", "date_obtention", "nom_naissance", "prenom1", "id_dossier_cpf"]


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "issuer.jwk"
    keys.write_key(path, keys.generate("ed25519"))
    return path


def _csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def _issue_args(source: str, key_file: Path, out: Path, *extra: str) -> list[str]:
    return [
        "credentials",
        "issue",
        source,
        "--key",
        str(key_file),
        "--issuer-name",
        ISSUER,
        "--certification",
        "RNCP35080",
        "-o",
        str(out),
        *extra,
    ]


def test_the_column_table_reaches_the_rows() -> None:
    """Every credential column and each of its spellings is read into its row."""
    for column in COLUMNS:
        for spelling in (column.name, *column.aliases):
            value = {"email": "z@example.fr", "credential_id": "urn:x:1"}.get(
                column.name, "RNCP35080BC01"
            )
            data = _csv(
                [
                    [*HEADER, spelling.upper()],
                    ["R-1", "04/07/2025", "EXEMPLE", "Zoé", "12345678901", value],
                ]
            )
            [(holder, problems)] = read_holders(data, "RNCP35080")
            assert problems == [] and holder is not None, spelling
            got = {
                "email": holder.email,
                "credential_id": holder.credential_id,
                "blocs": " ".join(holder.blocks),
            }
            assert got[column.name] == value, spelling


def test_personal_columns_never_show_their_value() -> None:
    assert {"email"} == PERSONAL
    data = _csv(
        [
            [*HEADER, "email", "blocs"],
            ["R-1", "04/07/2025", "EXEMPLE", "Zoé", "12345678901", "zoe.exemple@", "XX1"],
        ]
    )
    [(holder, problems)] = read_holders(data, "RNCP35080")
    assert holder is None
    by_column = {problem.column: problem for problem in problems}
    assert set(by_column) == {"email", "blocs"}
    email, blocs = by_column["email"], by_column["blocs"]
    assert email.hidden and "zoe.exemple" not in str(email) and email.as_dict()["valeur"] is None
    assert not blocs.hidden and '"XX1"' in str(blocs)


def test_a_path_is_read_again_without_any_copy(
    tmp_path: Path, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three passes over a path open the path three times: no temporary file at all."""

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a temporary file was made for a path")

    monkeypatch.setattr(holders_module.tempfile, "TemporaryFile", refused)
    monkeypatch.setattr(holders_module.tempfile, "mkstemp", refused)
    report = issue(
        SAMPLES / "holders-RNCP35080.csv",
        tmp_path / "out",
        IssueOptions(issuer_name=ISSUER, certification="RNCP35080", key=keys.read_key(key_file)),
    )
    assert report.ok and report.credentials == 12


def test_stdin_is_read_three_times_with_its_encoding(tmp_path: Path, key_file: Path) -> None:
    data = _csv(
        [[*HEADER, "courriel"], ["S-1", "04/07/2025", "EXEMPLE", "Zoé", "12345678901", ""]],
        encoding="cp1252",
    )
    args = _issue_args("-", key_file, tmp_path / "plain")
    refused = CliRunner().invoke(cli, args, input=data)
    assert refused.exit_code == 1
    assert "<stdin>" in refused.stderr and "--encoding cp1252" in refused.stderr
    args = _issue_args("-", key_file, tmp_path / "out", "--encoding", "cp1252")
    result = CliRunner().invoke(cli, args, input=data)
    assert result.exit_code == 0, result.output
    [document] = [json.loads(p.read_text("utf-8")) for p in (tmp_path / "out").glob("*.json")]
    assert document["credentialSubject"]["achievement"]["id"].endswith("RNCP35080")


def test_file_level_errors_on_stdin_name_stdin(tmp_path: Path, key_file: Path) -> None:
    data = _csv([[*HEADER, "couleur"], ["S-1", "04/07/2025", "EXEMPLE", "Zoé", "1", "bleu"]])
    result = CliRunner().invoke(cli, _issue_args("-", key_file, tmp_path / "o"), input=data)
    assert result.exit_code == 1
    assert re.search(r"<stdin>.*couleur", result.stderr), result.stderr
    assert not (tmp_path / "o").exists()


class _Counted(io.RawIOBase):
    """A binary stream that counts what was read from it."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._data.readinto(buffer)
        self.read_so_far += count
        return count


def test_a_json_array_is_streamed() -> None:
    """The first holder of a large JSON array comes before the array is read whole."""
    row = {
        "id_technique": "J-0",
        "date_obtention": "2025-07-04",
        "nom_naissance": "EXEMPLE",
        "prenom1": "Zoé",
        "id_dossier_cpf": "12345678901",
        "email": "z@example.fr",
    }
    rows = [{**row, "id_technique": f"J-{n}"} for n in range(5000)]
    data = json.dumps(rows).encode()
    stream = _Counted(data)
    holders = read_holders(io.BufferedReader(stream), "RNCP35080")
    holder, problems = next(holders)
    assert problems == [] and holder is not None and holder.email == "z@example.fr"
    assert stream.read_so_far < len(data) / 2
    assert sum(1 for _ in holders) == 4999


def test_json_lines_keep_their_line_numbers() -> None:
    line = json.dumps(
        {
            "id_technique": "L-1",
            "date_obtention": "04/07/2025",
            "nom_naissance": "EXEMPLE",
            "prenom1": "Zoé",
            "id_dossier_cpf": "12345678901",
            "mail": "not-an-address",
        }
    )
    data = f"\n{line}\n\n{line.replace('L-1', 'L-2')}\n".encode()
    numbers = [problems[0].row for _holder, problems in read_holders(data, "RNCP35080")]
    assert numbers == [2, 4]
    with pytest.raises(InputError, match="unknown key"):
        list(read_holders(b'{"id_technique": "L-1", "couleur": "bleu"}\n'))


def test_each_commands_help_says_which_columns_it_reads() -> None:
    runner = CliRunner()
    issue_help = " ".join(runner.invoke(cli, ["credentials", "issue", "--help"]).output.split())
    assert "accrochage template" in issue_help
    for column in COLUMNS:
        assert f"{column.name}: {' '.join(column.help_en.split())}" in issue_help
        for alias in column.aliases:
            assert alias in issue_help
    assert "email: holder's e-mail address (hashed identifier in the badge) (personal" in (
        issue_help
    )
    template_help = " ".join(
        runner.invoke(cli, ["accrochage", "template", "--help"]).output.split()
    )
    assert "columns `accrochage build` reads" in template_help
    assert "rncpkit credentials issue --help" in template_help
    # the template itself stays the accrochage columns only
    template = runner.invoke(cli, ["accrochage", "template"]).output
    assert not {column.name for column in COLUMNS} & set(template.splitlines()[1].split(";"))


def test_docs_list_every_credential_column() -> None:
    docs = (ROOT / "docs" / "credentials.md").read_text("utf-8")
    for column in COLUMNS:
        for spelling in (column.name, *column.aliases):
            assert f"`{spelling}`" in docs


def test_issue_progress_bar_only_on_a_terminal(
    tmp_path: Path, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared progress bar of the CLI (one credential a step), on a terminal only."""
    import sys

    holders = str(SAMPLES / "holders-RNCP35080.csv")
    result = CliRunner().invoke(cli, _issue_args(holders, key_file, tmp_path / "quiet"))
    assert result.exit_code == 0
    summary = "rncpkit: 12 rows read, 12 credentials written to {}\n"
    assert result.stderr == summary.format(tmp_path / "quiet")  # no bar, no label

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    fake = Terminal()
    monkeypatch.setattr(sys, "stderr", fake)
    cli.main(_issue_args(holders, key_file, tmp_path / "shown"), standalone_mode=False)
    shown = fake.getvalue()
    percents = [int(p) for p in re.findall(r"credentials\s+\[[#-]+\]\s+(\d+)%", shown)]
    assert percents[-1] == 100 and percents == sorted(percents) and len(set(percents)) > 2
    assert shown.endswith("\n" + summary.format(tmp_path / "shown"))
