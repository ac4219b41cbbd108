"""``convert --jobs N``: the same bytes and the same summary as one job."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

import rncpkit
from rncpkit import parallel
from rncpkit.api import Summary
from rncpkit.cli import cli
from rncpkit.filters import FicheFilter
from rncpkit.formats import WriteOptions
from rncpkit.io import open_input
from rncpkit.model import Repertoire
from tests.conftest import FIXTURES, SAMPLES

OPTIONS = WriteOptions(extra={"export_date": "2026-08-16"})


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~300 fiches (several chunks), with a broken one in the middle and RS fiches."""
    seed = next(rncpkit.read(SAMPLES / "RNCP35080.xml"))
    v30 = list(rncpkit.read(FIXTURES / "flux_v3_0.xml", on_error=lambda _e: None))
    certs = []
    for index in range(300):
        base = v30[1] if index % 7 == 0 else seed
        prefix = "RS" if base is v30[1] else "RNCP"
        certs.append(base.model_copy(update={"number": f"{prefix}{50000 + index}"}))
    out = io.BytesIO()
    rncpkit.write(certs, out, "fc-xml")
    data = out.getvalue()
    # Break fiche RNCP50150: a date that does not parse, located on its own line.
    data = data.replace(
        b"<NUMERO_FICHE>RNCP50150</NUMERO_FICHE>",
        b"<NUMERO_FICHE>RNCP50150</NUMERO_FICHE>\n        <DATE_EFFET>31/02/2020</DATE_EFFET>",
    )
    path = tmp_path_factory.mktemp("parallel") / "many.xml"
    path.write_bytes(data)
    return path


def _run(source: Path, to: str, jobs: int, **kwargs: object) -> tuple[bytes, Summary]:
    out = io.BytesIO()
    summary = rncpkit.convert(source, out, to, options=OPTIONS, jobs=jobs, **kwargs)  # type: ignore[arg-type]
    return out.getvalue(), summary


def _errors(summary: Summary) -> list[str]:
    return [str(error) for error in summary.errors]


@pytest.mark.parametrize("to", ["jsonl", "fc-xml", "fc-csv"])
def test_same_bytes_and_summary(many: Path, to: str) -> None:
    one, first = _run(many, to, 1)
    two, second = _run(many, to, 2)
    assert one == two
    assert (first.read, first.written, first.filtered, first.rejected) == (300, 299, 0, 1)
    assert (second.read, second.written, second.filtered, second.rejected) == (300, 299, 0, 1)
    assert _errors(first) == _errors(second)
    assert "fiche RNCP50150" in _errors(second)[0] and "DATE_EFFET" in _errors(second)[0]


def test_same_with_a_filter_and_older_flux(many: Path) -> None:
    where = FicheFilter(repertoire=Repertoire.RS)
    one, first = _run(many, "jsonl", 1, where=where)
    two, second = _run(many, "jsonl", 3, where=where)
    assert one == two and first.filtered == second.filtered == 256
    assert second.read == second.written + second.filtered + second.rejected
    v30 = FIXTURES / "flux_v3_0.xml"
    one, first = _run(v30, "fc-xml", 1)
    two, second = _run(v30, "fc-xml", 2)
    assert one == two and _errors(first) == _errors(second)
    assert second.errors[0].line == 132  # located in the original file, not the fragment


def test_falls_back_to_one_job_when_it_cannot_help(many: Path, tmp_path: Path) -> None:
    assert parallel.parallelisable("fc-csv") and parallel.parallelisable("jsonl")
    assert not parallel.parallelisable("json")  # an array: each item depends on the others
    assert _run(many, "json", 2)[0] == _run(many, "json", 1)[0]
    jsonl = tmp_path / "many.jsonl"
    rncpkit.convert(many, jsonl, "jsonl")
    assert _run(jsonl, "fc-xml", 2)[0] == _run(many, "fc-xml", 1)[0]


def test_unpicklable_filter_is_refused(many: Path) -> None:
    with pytest.raises(rncpkit.RncpkitError, match="picklable"):
        _run(many, "jsonl", 2, where=lambda cert: True)


def test_cli_jobs(many: Path, tmp_path: Path) -> None:
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.zip"
        result = CliRunner().invoke(
            cli,
            [
                *("convert", str(many), "--to", "fc-csv", "-o", str(out), "-j", jobs),
                *("--active", "-O", "export_date=2026-08-16"),
            ],
        )
        assert result.exit_code == 1  # RNCP50150 rejected
        assert "300 fiches read, 43 written, 256 skipped by filter, 1 rejected" in result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    b"<FICHES>\n    <VERSION_FLUX>4.1</VERSION_FLUX>\n"
)


def _fiche(number: str, extra: bytes = b"") -> bytes:
    return (
        b"    <FICHE>\n        <NUMERO_FICHE>" + number.encode() + b"</NUMERO_FICHE>\n"
        b"        <INTITULE>T" + extra + b"</INTITULE>\n    </FICHE>\n"
    )


TRICKY = (
    HEAD
    + b"    <!-- a comment with <FICHE> and </FICHE> inside -->\n"
    + _fiche("RNCP1", b"<![CDATA[ </FICHE> <FICHE> ]]>")
    + b"    <?pi </FICHE>?>\n"
    + _fiche("RNCP2", b"<!-- </FICHE> -->")
    + _fiche("RNCP3", b" &amp; &#233;")
    + b"</FICHES>\n<!-- after -->\n"
)


@pytest.mark.parametrize(
    "data",
    [
        TRICKY,
        TRICKY.replace(b"UTF-8", b"ISO-8859-1"),  # not UTF-8: one job does it
        TRICKY.replace(b"<FICHES>", b'<FICHES xmlns:x="urn:x">'),  # unusual root
        TRICKY.replace(b"</FICHES>", b""),  # truncated: the same error
        TRICKY.replace(b"    <?pi", b"    junk <?pi"),  # text between fiches: same error
        TRICKY.replace(b"T<!--", b"T<FICHE/><!--"),  # nested FICHE
    ],
    ids=["tricky", "latin1", "root-attributes", "truncated", "junk", "nested"],
)
def test_byte_splitter_agrees_with_the_parser(tmp_path: Path, data: bytes) -> None:
    source = tmp_path / "in.xml"
    source.write_bytes(data)
    results = []
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}.jsonl"
        try:
            summary = rncpkit.convert(source, out, "jsonl", jobs=jobs)
        except rncpkit.RncpkitError as exc:
            results.append(("raised", str(exc), out.exists()))
        else:
            results.append(("ok", summary.line(), out.read_bytes()))
    assert results[0] == results[1]


def test_byte_splitter_lines_and_fragments(tmp_path: Path) -> None:
    with open_input(TRICKY) as opened:
        raw = list(parallel._raw_fragments(opened.stream, "t"))
    with open_input(TRICKY) as opened:
        parsed = list(parallel._fragments(opened.stream, "t"))
    assert [line for _v, line, _f in raw] == [line for _v, line, _f in parsed] == [5, 10, 14]
    assert raw[0][2].endswith(b"]]></INTITULE>\n    </FICHE>")
    for data in (b"junk", TRICKY.replace(b"</FICHES>", b"")):
        with open_input(data) as opened, pytest.raises(parallel._Fallback):
            list(parallel._raw_fragments(opened.stream, "t"))
