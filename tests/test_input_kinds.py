"""Inputs that are not what they claim (an HTML page saved as .xml, an error body, a PDF, an
Office file) and CSV exports that are not UTF-8: each gets a message saying what the file
seems to be and how to fix it, on the real line."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import rncpkit
from rncpkit.accrochage.holders import read_rows
from rncpkit.cli import cli
from rncpkit.errors import InputError, UnsafeInputError, UsageError
from rncpkit.io import Encoded, what_it_seems

from .conftest import SAMPLES


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


IMPOSTORS = {
    "html-download": (
        b"<!DOCTYPE html>\n<html lang='fr'><head><title>France comp\xc3\xa9tences - "
        b"Recherche</title></head><body>...</body></html>",
        "an HTML page titled 'France compétences - Recherche'",
    ),
    "http-404": (
        b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>nginx</body></html>",
        "an HTTP error page ('404 Not Found'): the download failed",
    ),
    "html-with-xml-declaration": (
        b'<?xml version="1.0"?>\n<!-- saved -->\n<html xmlns="http://www.w3.org/1999/xhtml">'
        b"<body/></html>",
        "an HTML page",
    ),
    "s3-error": (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>'
        b"<Message>The specified key does not exist.</Message></Error>",
        "an error response from a web server (NoSuchKey: The specified key does not exist.)",
    ),
    "json-error": (
        b'{"error": "Unauthorized", "status": 401}',
        'a JSON error response ({"error": "Unauthorized", "status": 401})',
    ),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "a Word or Excel document"),
    "docx": (
        _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
        "a Word document (.docx)",
    ),
    "xlsx": (
        _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
        "an Excel workbook (.xlsx)",
    ),
    "odt": (_zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), "an OpenDocument"),
}


@pytest.mark.parametrize("name", IMPOSTORS)
@pytest.mark.parametrize("suffix", [".xml", ".zip", ".json", ".csv"])
def test_impostor_is_named_not_alarming(tmp_path: Path, name: str, suffix: str) -> None:
    data, seems = IMPOSTORS[name]
    path = tmp_path / f"export_fiches_RNCP_V4_1_2026-08-16{suffix}"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        list(rncpkit.read(path))
    error = caught.value
    assert not isinstance(error, UnsafeInputError)
    assert error.message.startswith("this is not a certification file: it seems to be ")
    assert seems in error.message
    assert "DTD" not in error.message and "DOCTYPE" not in error.message
    assert (error.file, error.line) == (str(path), 1)


def test_impostor_through_the_cli_and_validate(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(IMPOSTORS["http-404"][0])
    runner = CliRunner()
    result = runner.invoke(cli, ["convert", str(path), "--to", "json"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"rncpkit: error: {path}:1: this is not a certification file: it seems to be an HTTP "
        "error page ('404 Not Found'): the download failed\n"
    )
    result = runner.invoke(cli, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)
    assert finding["rule"] == "INPUT-UNREADABLE" and "HTTP error page" in finding["message"]


def test_impostor_inside_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(_zip({"export_fiches_RNCP_V4_1_2026-08-16.xml": IMPOSTORS["pdf"][0]}))
    with pytest.raises(InputError, match="it seems to be a PDF document") as caught:
        list(rncpkit.read(path))
    assert caught.value.file == f"{path}!export_fiches_RNCP_V4_1_2026-08-16.xml"


def test_zip_of_something_else_says_what_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(_zip({"notes.txt": b"hello", "photo.jpg": b"\xff\xd8"}))
    with pytest.raises(InputError, match=r"found 0 \(it holds notes.txt, photo.jpg\)"):
        list(rncpkit.read(path, "fc-xml"))


def test_a_doctype_attack_is_still_refused_as_such(tmp_path: Path) -> None:
    """An HTML DOCTYPE with an internal subset is an attack, not a failed download."""
    path = tmp_path / "evil.xml"
    path.write_bytes(b'<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html>&x;</html>')
    with pytest.raises(UnsafeInputError, match="refuses DTDs"):
        list(rncpkit.read(path))
    path.write_bytes(b'<!DOCTYPE FICHES [<!ENTITY x SYSTEM "file:///etc/passwd">]><FICHES/>')
    with pytest.raises(UnsafeInputError, match="refuses DTDs"):
        list(rncpkit.read(path))


def test_real_inputs_are_not_impostors() -> None:
    for path in SAMPLES.iterdir():
        if path.is_file():
            assert what_it_seems(path.read_bytes()[: 64 * 1024]) is None, path
    assert what_it_seems(b'{"number": "RNCP1", "title": "T", "message": "x"}') is None
    assert what_it_seems(b"<FICHES><FICHE><OBJECTIFS>&lt;html&gt;</OBJECTIFS>") is None


# --------------------------------------------------------------------------- encodings

HEADER = (
    "Id_Fiche;Numero_Fiche;Intitule;Abrege_Libelle;Abrege_Intitule;"
    "Nomenclature_Europe_Niveau;Nomenclature_Europe_Intitule;Accessible_Nouvelle_Caledonie;"
    "Accessible_Polynesie_Francaise;Date_dernier_jo;Date_Decision;Date_Fin_Enregistrement;"
    "Date_Effet;Type_Enregistrement;Validation_Partielle;Actif"
)


def _standard(rows: list[str], encoding: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding)


def _row(number: int, title: str) -> str:
    return (
        f"{number};RNCP{number};{title};;;NIV7;Niveau 7;Non;Non;;18/11/2020;18/11/2025;;"
        "Enregistrement sur demande;;ACTIVE"
    )


ROWS = [_row(1, "Manager de projet"), _row(2, "Chef de chantier"), _row(3, "Éducateur")]


@pytest.mark.parametrize(
    ("encoding", "seems", "fix"),
    [
        ("latin-1", "Latin-1 (ISO-8859-1) or Windows-1252", "--encoding cp1252"),
        ("cp1252", "Windows-1252 (Excel's 'CSV' on Windows)", "--encoding cp1252"),
    ],
)
def test_csv_not_utf8_names_the_real_line(
    tmp_path: Path, encoding: str, seems: str, fix: str
) -> None:
    path = tmp_path / "export_fiches_CSV_Standard_2026_08_16.csv"
    rows = [*ROWS]
    if encoding == "cp1252":
        rows[2] = _row(3, "Éducateur d’équipe")  # the curly apostrophe only Windows-1252 has
    path.write_bytes(_standard(rows, encoding))
    with pytest.raises(InputError) as caught:
        list(rncpkit.read(path, "fc-csv"))
    error = caught.value
    assert error.line == 4  # header, two good rows, then the one with "É"
    assert "not UTF-8: byte 0xC9 ('É' in Windows-1252)" in error.message
    assert f"the file seems to be {seems}" in error.message
    assert "save it as 'CSV UTF-8' in Excel" in error.message and fix in error.message
    # and with the encoding named, it reads
    certs = list(rncpkit.read(Encoded(path, "cp1252"), "fc-csv"))
    assert certs[2].title.startswith("Éducateur")


def test_the_line_is_right_far_into_a_big_file(tmp_path: Path) -> None:
    """The bad byte lies beyond the first chunks a decoder would read at once."""
    path = tmp_path / "export_fiches_CSV_Standard_2026_08_16.csv"
    rows = [_row(n, "Intitulé de la certification " + "x" * 50) for n in range(1, 3001)]
    rows.append(_row(3001, "Électricien"))
    data = _standard(rows[:-1], "utf-8") + rows[-1].encode("latin-1") + b"\r\n"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        list(rncpkit.read(path, "fc-csv"))
    assert caught.value.line == 3002


def test_cli_encoding_option(tmp_path: Path) -> None:
    path = tmp_path / "export_fiches_CSV_Standard_2026_08_16.csv"
    path.write_bytes(_standard(ROWS, "cp1252"))
    runner = CliRunner()
    result = runner.invoke(cli, ["convert", str(path), "--from", "fc-csv", "--to", "jsonl"])
    assert result.exit_code == 1 and f"{path}:4: not UTF-8" in result.stderr
    result = runner.invoke(
        cli, ["convert", str(path), "--from", "fc-csv", "--to", "jsonl", "--encoding", "cp1252"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[2])["title"] == "Éducateur"
    for command in (["validate"], ["show", "3"]):
        args = [*command[:1], *command[1:], str(path), "--from", "fc-csv", "--encoding", "cp1252"]
        result = runner.invoke(cli, args)
        assert "not UTF-8" not in result.output, command
    result = runner.invoke(cli, ["convert", str(path), "--to", "json", "--encoding", "klingon"])
    assert result.exit_code == 2 and "unknown encoding 'klingon'" in result.output


def test_unknown_encoding_in_the_library() -> None:
    with pytest.raises(UsageError, match="unknown encoding"):
        Encoded("x.csv", "nope")


def test_holders_csv_shares_the_decoding(tmp_path: Path) -> None:
    text = (SAMPLES / "holders-RNCP35080.csv").read_text("utf-8-sig")
    lines = text.splitlines()
    data_line = next(i for i, line in enumerate(lines) if not line.startswith("#") and i > 1)
    path = tmp_path / "holders.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252", "replace"))
    with pytest.raises(InputError) as caught:
        list(read_rows(path))
    assert caught.value.line is not None and caught.value.line >= data_line
    assert "--encoding cp1252" in caught.value.message
    # no holder's value in the message: only the byte and what it is
    assert all(cell not in caught.value.message for cell in lines[-1].split(";") if len(cell) > 3)
    assert list(read_rows(Encoded(path, "cp1252")))


def test_accrochage_build_encoding_option(tmp_path: Path) -> None:
    text = (SAMPLES / "holders-RNCP35080.csv").read_text("utf-8-sig")
    holders = tmp_path / "holders.csv"
    holders.write_bytes(text.encode("cp1252"))
    flux = tmp_path / "flux.xml"
    args = [
        "accrochage",
        "build",
        str(holders),
        "--certification",
        "RNCP35080",
        "--id-client",
        "03VML243",
        "--id-contrat",
        "MCFCER000209",
        "-o",
        str(flux),
    ]
    runner = CliRunner()
    result = runner.invoke(cli, args)
    assert result.exit_code == 1 and "--encoding cp1252" in result.stderr
    assert not flux.exists()
    result = runner.invoke(cli, [*args, "--encoding", "cp1252"])
    assert result.exit_code == 0, result.output
    assert flux.read_bytes().startswith(b"<?xml")


def test_holders_file_that_is_a_web_page(tmp_path: Path) -> None:
    path = tmp_path / "titulaires.csv"
    path.write_bytes(IMPOSTORS["html-download"][0])
    with pytest.raises(InputError, match="it seems to be an HTML page"):
        list(read_rows(path))
