"""Hostile and broken input: one file per case, made here in tmp_path (never downloaded).

Every case must end in a clear message naming the file (and the line where there is one),
exit code 1, the previous output left untouched, no temporary file left behind, and no
byte of a local secret in anything rncpkit prints or writes.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import random
import re
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

import rncpkit
from rncpkit import xmlsafe
from rncpkit.cli import cli
from rncpkit.errors import InputError

from .conftest import SAMPLES

SECRET = "TOP-SECRET-7f3a9c"
SAMPLE = (SAMPLES / "RNCP35080.xml").read_bytes()
FICHE = SAMPLE[SAMPLE.index(b"<FICHE>") : SAMPLE.index(b"</FICHES>")]
HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass(frozen=True)
class World:
    """What a case may refer to: a local secret file and a loopback URL."""

    secret: Path
    url: str


@dataclass(frozen=True)
class Case:
    make: Callable[[World], bytes]
    suffix: str = ".xml"
    line: int | None = None
    """The line the message must name (None: the file alone, e.g. zip structure)."""
    says: str = ""
    """A piece of the message that explains the problem."""


def _flux(body: bytes) -> bytes:
    return HEAD + b"<FICHES>\n<VERSION_FLUX>4.1</VERSION_FLUX>\n" + body + b"\n</FICHES>\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _doctype(subset: str) -> Callable[[World], bytes]:
    def make(world: World) -> bytes:
        text = subset.format(secret=world.secret.as_uri(), url=world.url)
        return HEAD + text.encode() + b"\n" + _flux(b"<FICHE>&e;</FICHE>")[len(HEAD) :]

    return make


LAUGHS = "".join(
    f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
).replace("&l0;", "lol")


@functools.cache
def _bomb() -> bytes:
    """60 MB of XML in 60 kB (made once: compressing it is the slowest step here)."""
    return _zip({"export.xml": b"<FICHES>" + b" " * (60 * 1024 * 1024) + b"</FICHES>"})


def _corrupt_zip(world: World) -> bytes:
    data = bytearray(_zip({"export.xml": SAMPLE * 1}))
    middle = len(data) // 3
    data[middle : middle + 40] = bytes(40)
    return bytes(data)


def _absurd(world: World) -> bytes:
    fiche = (
        b"<FICHE><ID_FICHE>"
        + b"9" * 100_000
        + b"</ID_FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE>\n<INTITULE>"
        + b"T" * 10_500_000
        + b"</INTITULE><CODES_ROME>"
        + b"<ROME><CODE>K1206</CODE></ROME>" * 20_000
        + b"</CODES_ROME></FICHE>"
    )
    return _flux(fiche)


CASES: dict[str, Case] = {
    "xxe_local_file": Case(
        _doctype('<!DOCTYPE FICHES [<!ENTITY e SYSTEM "{secret}">]>'), line=2, says="DOCTYPE"
    ),
    "xxe_parameter_entity": Case(
        _doctype('<!DOCTYPE FICHES [<!ENTITY % p SYSTEM "{secret}"> %p;]>'), line=2, says="DOCTYPE"
    ),
    "billion_laughs": Case(
        _doctype(f"<!DOCTYPE FICHES [{LAUGHS}<!ENTITY e '&l9;'>]>"), line=2, says="DOCTYPE"
    ),
    "quadratic_blowup": Case(
        lambda w: (
            HEAD
            + b'<!DOCTYPE FICHES [<!ENTITY e "'
            + b"A" * 100_000
            + b'">]>\n'
            + _flux(b"<FICHE><INTITULE>" + b"&e;" * 20_000 + b"</INTITULE></FICHE>")[len(HEAD) :]
        ),
        line=2,
        says="DOCTYPE",
    ),
    "external_dtd": Case(
        _doctype('<!DOCTYPE FICHES SYSTEM "{url}/evil.dtd">'), line=2, says="DOCTYPE"
    ),
    "external_parameter_dtd": Case(
        _doctype('<!DOCTYPE FICHES [<!ENTITY % d SYSTEM "{url}/evil.dtd"> %d;]>'),
        line=2,
        says="DOCTYPE",
    ),
    "doctype_after_comments": Case(
        lambda w: HEAD + b"<!-- <FICHES> -->\n<?pi x?>\n<!DOCTYPE FICHES>\n" + _flux(FICHE)[39:],
        line=4,
        says="DOCTYPE",
    ),
    "doctype_in_utf16": Case(
        lambda w: (
            '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE FICHES [<!ENTITY e "x">]>'
            "<FICHES/>".encode("utf-16")
        ),
        line=2,
        says="DOCTYPE",
    ),
    "doctype_in_utf32_without_bom": Case(
        lambda w: (
            '<?xml version="1.0" encoding="UTF-32"?>\n<!DOCTYPE FICHES [<!ENTITY e "x">]>'
            "<FICHES/>".encode("utf-32-le")
        ),
        line=2,
        says="DOCTYPE",
    ),
    "utf7_declared": Case(
        lambda w: b'<?xml version="1.0" encoding="UTF-7"?>\n+ADw-!DOCTYPE x+AD4-<FICHES/>',
        line=1,
        says="unsupported encoding 'utf-7'",
    ),
    "ebcdic": Case(
        lambda w: '<?xml version="1.0" encoding="IBM037"?><FICHES/>'.encode("cp037"),
        line=1,
        says="EBCDIC",
    ),
    "undeclared_entity": Case(
        lambda w: _flux(b"<FICHE>\n<INTITULE>&e;</INTITULE></FICHE>"),
        line=5,
        says="Entity 'e' not defined",
    ),
    "truncated": Case(lambda w: SAMPLE[: len(SAMPLE) // 2], says="not well-formed XML"),
    "latin1_declared_utf8_content": Case(
        lambda w: SAMPLE.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"'),
        line=6,
        says="single-byte encoding but the text is UTF-8",
    ),
    "utf8_declared_latin1_content": Case(
        lambda w: SAMPLE.decode("utf-8").replace("’", "'").encode("latin-1", "replace"),
        line=6,
        says="not well-formed XML",
    ),
    "invalid_utf8": Case(
        lambda w: _flux(b"<FICHE>\n\n<INTITULE>caf\xe9\xff\xfe</INTITULE></FICHE>"),
        line=6,
        says="not well-formed XML",
    ),
    "nul_byte": Case(lambda w: _flux(b"<FICHE>\n<INTITULE>a\x00b</INTITULE></FICHE>"), line=5),
    "binary": Case(lambda w: random.Random(7).randbytes(4096), suffix=".bin"),
    "binary_named_xml": Case(lambda w: random.Random(7).randbytes(4096), line=1),
    "png_named_xml": Case(lambda w: b"\x89PNG\r\n\x1a\n" + bytes(200), line=1),
    "empty": Case(lambda w: b"", line=1, says="the document is empty"),
    "whitespace_only": Case(lambda w: b" \n\t\n", line=1, says="the document is empty"),
    "empty_json": Case(lambda w: b"", suffix=".json", says="empty input"),
    "zip_bomb": Case(
        lambda w: _bomb(),
        suffix=".zip",
        says="decompression bomb",
    ),
    "zip_member_with_doctype": Case(
        lambda w: _zip(
            {"export.xml": _doctype('<!DOCTYPE FICHES [<!ENTITY e SYSTEM "{secret}">]>')(w)}
        ),
        suffix=".zip",
        line=2,
        says="DOCTYPE",
    ),
    "zip_two_xml_members": Case(
        lambda w: _zip({"a.xml": SAMPLE, "b.xml": SAMPLE}),
        suffix=".zip",
        says="expected exactly one .xml member in the zip, found 2 (a.xml, b.xml)",
    ),
    "zip_no_xml_member": Case(lambda w: _zip({"readme.txt": b"hello"}), suffix=".zip"),
    "zip_corrupt_member": Case(_corrupt_zip, suffix=".zip"),
    "zip_not_a_zip": Case(lambda w: b"PK\x03\x04" + bytes(100), suffix=".zip", says="zip"),
    "absurd_sizes": Case(_absurd, line=5, says="Text node too long"),
    "deep_nesting": Case(
        lambda w: _flux(b"<FICHE>\n" + b"<A>" * 100_000 + b"</A>" * 100_000 + b"</FICHE>"),
        line=5,
        says="Excessive depth",
    ),
    "unsupported_version": Case(
        lambda w: _flux(b"").replace(b"4.1", b"9.9"), line=3, says="VERSION_FLUX '9.9'"
    ),
    "no_version": Case(
        lambda w: HEAD + b"<FICHES>\n" + FICHE + b"</FICHES>", line=3, says="VERSION_FLUX"
    ),
    "deep_json": Case(lambda w: b"[" * 100_000, suffix=".json", line=1, says="nested too deeply"),
}


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        body = f'<!ENTITY e "{SECRET}">'.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A loopback HTTP server that counts the DTD fetches (there must be none)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
    assert _CountingHandler.hits == 0


@pytest.fixture
def world(tmp_path: Path, server: str) -> World:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    return World(secret=secret, url=server)


def _write_case(tmp_path: Path, world: World, name: str) -> Path:
    case = CASES[name]
    path = tmp_path / f"{name}{case.suffix}"
    path.write_bytes(case.make(world))
    return path


def _located(output: str, path: Path, line: int | None) -> None:
    where = re.escape(str(path)) + (rf"(!\S+)?:{line}:" if line else r"(!\S+)?(:\d+)?:")
    assert re.search(where, output), output


@pytest.mark.parametrize("name", sorted(CASES))
def test_convert_refuses_and_writes_nothing(name: str, tmp_path: Path, world: World) -> None:
    path = _write_case(tmp_path, world, name)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "fiches.jsonl"
    out.write_text("previous run\n")
    result = CliRunner().invoke(cli, ["convert", str(path), "--to", "jsonl", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    _located(result.stderr, path, CASES[name].line)
    assert CASES[name].says in result.stderr
    assert out.read_text() == "previous run\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["fiches.jsonl"]  # no temp file left
    assert SECRET not in result.output


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_reports_and_exits_1(name: str, tmp_path: Path, world: World) -> None:
    path = _write_case(tmp_path, world, name)
    result = CliRunner().invoke(cli, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    findings = json.loads(result.stdout)  # a complete JSON document even so
    assert findings[-1]["severity"] == "error"
    assert findings[-1]["file"].startswith(str(path))
    if CASES[name].line:
        assert findings[-1]["line"] == CASES[name].line
    assert CASES[name].says in findings[-1]["message"]
    assert SECRET not in result.output


def test_doctype_refusal_message(tmp_path: Path, world: World) -> None:
    path = _write_case(tmp_path, world, "xxe_local_file")
    result = CliRunner().invoke(cli, ["convert", str(path), "--to", "json"])
    assert result.stderr.splitlines()[0] == (
        f"rncpkit: error: {path}:2: document declares a DOCTYPE or entities; rncpkit refuses "
        "DTDs (entity expansion and external references are never processed)"
    )
    assert result.stdout == ""


def test_xinclude_is_never_processed(tmp_path: Path, world: World) -> None:
    include = f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{world.secret}"/>'
    path = tmp_path / "xinclude.xml"
    path.write_bytes(SAMPLE.replace(b"</INTITULE>", b"</INTITULE>" + include.encode(), 1))
    converted = CliRunner().invoke(cli, ["convert", str(path), "--to", "json"])
    assert SECRET not in converted.output
    checked = CliRunner().invoke(cli, ["validate", str(path)])
    assert checked.exit_code == 1
    assert re.search(
        rf"{re.escape(str(path))}:4: fiche RNCP35080: field FICHE/xi:include", checked.stdout
    )


def test_unknown_elements_fail_validation_and_are_kept_by_convert(tmp_path: Path) -> None:
    path = tmp_path / "unknown.xml"
    path.write_bytes(SAMPLE.replace(b"</INTITULE>", b"</INTITULE><COULEUR>bleu</COULEUR>", 1))
    checked = CliRunner().invoke(cli, ["validate", str(path)])
    assert checked.exit_code == 1
    assert (
        f"{path}:4: fiche RNCP35080: field FICHE/COULEUR: error [UNKNOWN-ELEMENT] "
        "unknown element <COULEUR> in FICHE"
    ) in checked.stdout
    converted = CliRunner().invoke(cli, ["convert", str(path), "--to", "fc-xml"])
    assert converted.exit_code == 0
    assert "<COULEUR>bleu</COULEUR>" in converted.stdout


# --------------------------------------------------------------------------- bulk files


def _fiche(number: int, date: bytes = b"18/11/2020") -> bytes:
    return FICHE.replace(b"RNCP35080", b"RNCP%d" % number).replace(b"18/11/2020", date).strip()


@pytest.fixture
def bulk(tmp_path: Path) -> Path:
    """Four fiches, the third with an impossible decision date."""
    path = tmp_path / "bulk.xml"
    body = b"\n".join([_fiche(1), _fiche(2), _fiche(3, b"31/02/2020"), _fiche(4)])
    path.write_bytes(_flux(body))
    return path


def _line_of(path: Path, needle: bytes) -> int:
    return path.read_bytes()[: path.read_bytes().index(needle)].count(b"\n") + 1


def test_bulk_converts_the_valid_fiches_and_reports_the_broken_one(
    bulk: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["convert", str(bulk), "--to", "jsonl", "-o", str(out)])
    assert result.exit_code == 1
    line = _line_of(bulk, b"31/02/2020")
    assert (
        f"rncpkit: error: {bulk}:{line}: fiche RNCP3: field FICHE/DATE_DECISION: invalid date"
        in result.stderr
    )
    assert "4 fiches read, 3 written, 0 skipped by filter, 1 rejected" in result.stderr
    assert [json.loads(row)["number"] for row in out.read_text().splitlines()] == [
        "RNCP1",
        "RNCP2",
        "RNCP4",
    ]


def test_bulk_fail_fast_writes_nothing(bulk: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous run\n")
    result = CliRunner().invoke(
        cli, ["convert", str(bulk), "--to", "jsonl", "-o", str(out), "--fail-fast"]
    )
    assert result.exit_code == 1
    assert f"{bulk}:{_line_of(bulk, b'31/02/2020')}: fiche RNCP3" in result.stderr
    assert out.read_text() == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bulk.xml", "out.jsonl"]


def test_bulk_validate_names_the_broken_fiche(bulk: Path) -> None:
    result = CliRunner().invoke(
        cli, ["validate", str(bulk), "--format", "json", "--select", "READ-INVALID"]
    )
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)
    assert (finding["rule"], finding["fiche"], finding["field"], finding["line"]) == (
        "READ-INVALID",
        "RNCP3",
        "FICHE/DATE_DECISION",
        _line_of(bulk, b"31/02/2020"),
    )


def test_stdin_is_guarded_too(tmp_path: Path, world: World) -> None:
    data = CASES["billion_laughs"].make(world)
    result = CliRunner().invoke(
        cli, ["convert", "-", "--from", "fc-xml", "--to", "json"], input=data
    )
    assert result.exit_code == 1
    assert "rncpkit: error: <stdin>:2: document declares a DOCTYPE" in result.stderr


class _Trickle(io.RawIOBase):
    """A stream that hands out one byte per read, so that every boundary gets crossed."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._data.read(1)


@pytest.mark.parametrize("declared", ["ISO-8859-1", "windows-1252"])
def test_mislabelled_utf8_is_caught_across_read_boundaries(declared: str) -> None:
    data = SAMPLE.replace(b'encoding="UTF-8"', f'encoding="{declared}"'.encode())
    with pytest.raises(InputError) as caught:
        for _event, _element in xmlsafe.iterparse(_Trickle(data), tag="FICHE", name="t.xml"):
            pass
    assert caught.value.line == 6
    assert "single-byte encoding but the text is UTF-8" in caught.value.message


def test_real_single_byte_text_is_read() -> None:
    data = SAMPLE.replace(b'encoding="UTF-8"', b'encoding="windows-1252"')
    [cert] = rncpkit.read(_Trickle(data.decode("utf-8").encode("cp1252")))
    assert cert == next(rncpkit.read(SAMPLE))
