"""``convert --jobs N``: the same bytes and the same summary as one job."""

from __future__ import annotations

import ast
import dataclasses
import io
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

import rncpkit
from rncpkit import parallel, pipeline
from rncpkit.api import Summary
from rncpkit.cli import cli
from rncpkit.filters import FicheFilter
from rncpkit.formats import WriteOptions, registry
from rncpkit.formats.base import Piece, UnusualLayout
from rncpkit.formats.fc_xml import FORMAT as FC_XML
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
    split = FC_XML.split
    assert split is not None and split.quick is not None
    with open_input(TRICKY) as opened:
        raw = list(split.quick(opened))
    with open_input(TRICKY) as opened:
        parsed = list(split.pieces(opened))
    assert [p.line for p in raw] == [p.line for p in parsed] == [5, 10, 14]
    assert [p.context for p in raw] == [p.context for p in parsed] == ["4.1"] * 3
    assert raw[0].data.endswith(b"]]></INTITULE>\n    </FICHE>")
    for data in (b"junk", TRICKY.replace(b"</FICHES>", b"")):
        with open_input(data) as opened, pytest.raises(UnusualLayout):
            list(split.quick(opened))
    # the worker reads its pieces with the format's own reader, lines as in the whole file
    first, second, third = split.read(raw, "t")
    assert isinstance(first, rncpkit.Record) and isinstance(third, rncpkit.Record)
    assert (first.certification.number, first.line) == ("RNCP1", 5)
    assert (third.certification.number, third.line) == ("RNCP3", 14)
    # a comment inside INTITULE is markup where text is expected, as for one job
    assert isinstance(second, rncpkit.FicheError) and second.fiche == "RNCP2"
    assert second.line == 12 and "INTITULE" in str(second)


def test_worker_outcomes_are_typed(many: Path) -> None:
    """A worker returns encoded, filtered or rejected outcomes, not tagged tuples."""
    split = FC_XML.split
    assert split is not None
    with open_input(many) as opened:
        pieces = list(split.pieces(opened))[147:151]  # RS50147 … RNCP50150
    job = parallel.Job("fc-xml", "jsonl", OPTIONS, FicheFilter(repertoire=Repertoire.RNCP), "m")
    outcomes = parallel.work(job, pieces)
    kinds = [type(outcome) for outcome in outcomes]
    assert kinds == [pipeline.Filtered, pipeline.Encoded, pipeline.Encoded, pipeline.Rejected]
    first = outcomes[1]
    assert isinstance(first, pipeline.Encoded) and first.data.startswith(b'{"fiche_id"')
    rejected = outcomes[3]
    assert isinstance(rejected, pipeline.Rejected) and "RNCP50150" in str(rejected.error)


def test_memory_is_bounded_by_the_queue(many: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parent never has more than IN_FLIGHT batches per worker submitted but unwritten."""
    submitted: list[int] = []
    real = parallel.ProcessPoolExecutor

    class Counting(real):  # type: ignore[misc, valid-type]
        def submit(self, *args: object, **kwargs: object) -> object:
            submitted.append(1)
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Counting)
    monkeypatch.setattr(parallel, "BATCH_PIECES", 8)
    written: list[int] = []
    real_write = parallel.write_outcomes

    def watch(outcomes: list[pipeline.Outcome], *args: object) -> object:
        written.append(1)
        assert len(submitted) - len(written) < parallel.IN_FLIGHT * 2
        return real_write(outcomes, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "write_outcomes", watch)
    one, _ = _run(many, "jsonl", 1)
    two, summary = _run(many, "jsonl", 2)
    assert one == two and summary.read == 300
    assert len(submitted) == len(written) == 38  # 300 fiches in batches of 8


def test_any_splittable_format_runs_in_parallel(
    many: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--jobs is driven by Format.split, not by a format name: a toy format that declares a
    split (here fc-xml's, renamed) is converted by workers, with the same bytes."""
    toy = dataclasses.replace(FC_XML, name="toy-xml")
    monkeypatch.setitem(registry.FORMATS, "toy-xml", toy)
    calls: list[int] = []
    real = parallel.work

    def counted(job: parallel.Job, pieces: list[Piece]) -> list[pipeline.Outcome]:
        calls.append(len(pieces))
        return real(job, pieces)

    monkeypatch.setattr(parallel, "work", counted)
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", ThreadPoolExecutor)
    one, _ = _run(many, "jsonl", 1)
    two, summary = _run(many, "jsonl", 2, from_format="toy-xml")
    assert one == two and sum(calls) == 300 and summary.rejected == 1


def test_zipped_flux_and_a_stream_output(many: Path, tmp_path: Path) -> None:
    """A zipped flux is cut inside its member; to a stream (no restart possible) the parent
    cuts with the parser: the same bytes either way."""
    zipped = tmp_path / "many.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(many, "export_fiches_RNCP_V4_1_2026-08-16.xml")
    one, first = _run(zipped, "jsonl", 1)
    two, second = _run(zipped, "jsonl", 2)  # to a BytesIO: the safe cut
    assert one == two and _errors(first) == _errors(second)
    out = tmp_path / "out.jsonl"
    summary = rncpkit.convert(zipped, out, "jsonl", jobs=2)  # to a path: the quick cut
    assert out.read_bytes() == one and summary.line() == first.line()


def _imports(module: object) -> set[str]:
    tree = ast.parse(Path(module.__file__).read_text())  # type: ignore[attr-defined]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_one_pipeline_below_api_and_parallel() -> None:
    """api → pipeline ← parallel: neither the pipeline nor parallel imports api, and
    parallel keeps no module-level state (everything a worker needs travels in a Job)."""
    assert not any(name.startswith("rncpkit.api") for name in _imports(pipeline))
    assert not any(name.startswith("rncpkit.api") for name in _imports(parallel))
    assert "rncpkit.pipeline" in _imports(parallel)
    state = [
        name
        for name, value in vars(parallel).items()
        if isinstance(value, dict | list | set) and not name.startswith("__")
    ]
    assert state == [], state
