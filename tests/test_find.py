"""``rncpkit.find`` / ``rncpkit show``: the fiche is found in the bytes, only it is built."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import rncpkit
from rncpkit.cli import cli
from rncpkit.formats import fc_xml
from rncpkit.formats.base import UnusualLayout
from rncpkit.formats.fc_xml import reading
from rncpkit.io import open_input
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def flux(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 fiches RNCP60000…RNCP60039 in the layout of the national export."""
    seed = next(rncpkit.read(SAMPLES / "RNCP35080.xml"))
    certs = [seed.model_copy(update={"number": f"RNCP{60000 + i}"}) for i in range(40)]
    out = io.BytesIO()
    rncpkit.write(certs, out, "fc-xml")
    path = tmp_path_factory.mktemp("find") / "flux.xml"
    path.write_bytes(out.getvalue())
    return path


def _zipped(path: Path) -> Path:
    target = path.with_suffix(".zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(path, "export_fiches_RNCP_V4_1_2026-08-16.xml")
    return target


def _by_reading(path: Path, number: str) -> rncpkit.Record:
    return next(
        r
        for r in rncpkit.read_records(path)
        if isinstance(r, rncpkit.Record) and r.certification.number == number
    )


@pytest.mark.parametrize("number", ["RNCP60000", "RNCP60017", "RNCP60039"])
def test_finds_the_same_fiche_as_reading_plain_and_zipped(flux: Path, number: str) -> None:
    expected = _by_reading(flux, number)
    assert rncpkit.find(flux, number) == expected.certification
    assert rncpkit.find(_zipped(flux), number) == expected.certification
    with open_input(flux) as opened:
        found = fc_xml.FORMAT.find(opened, number)  # type: ignore[misc]
    assert found is not None and found.line == expected.line


def test_absent_number_and_prefix_of_a_number(flux: Path) -> None:
    assert rncpkit.find(flux, "RNCP99999") is None
    assert rncpkit.find(flux, "RNCP6000") is None  # a prefix of RNCP60000 is not a match
    assert rncpkit.find(flux, "RS60000") is None


def test_builds_only_the_match(flux: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    real = reading.read_fiche

    def counting(element: object, spec: object, name: str) -> object:
        result = real(element, spec, name)  # type: ignore[arg-type]
        built.append(getattr(result, "number", "?"))
        return result

    monkeypatch.setattr(reading, "read_fiche", counting)
    assert rncpkit.find(flux, "RNCP60039") is not None
    assert built == ["RNCP60039"]


def _edit(flux: Path, tmp_path: Path, old: bytes, new: bytes) -> Path:
    data = flux.read_bytes()
    assert old in data
    path = tmp_path / "edited.xml"
    path.write_bytes(data.replace(old, new, 1))
    return path


def test_a_decoy_in_cdata_is_only_a_false_lead(flux: Path, tmp_path: Path) -> None:
    decoy = b"<![CDATA[<NUMERO_FICHE>RNCP60030</NUMERO_FICHE>]]>"
    path = _edit(flux, tmp_path, b"<INTITULE>", b"<INTITULE>" + decoy)
    found = rncpkit.find(path, "RNCP60030")
    assert found is not None and found == _by_reading(path, "RNCP60030").certification


def test_an_invalid_fiche_is_skipped_as_show_always_did(flux: Path, tmp_path: Path) -> None:
    path = _edit(
        flux,
        tmp_path,
        b"<NUMERO_FICHE>RNCP60005</NUMERO_FICHE>",
        b"<NUMERO_FICHE>RNCP60030</NUMERO_FICHE><DATE_EFFET>31/02/2020</DATE_EFFET>",
    )
    found = rncpkit.find(path, "RNCP60030")
    assert found is not None and found == _by_reading(path, "RNCP60030").certification


def test_a_number_not_spelled_plainly_hands_over_to_the_reader(
    flux: Path, tmp_path: Path
) -> None:
    path = _edit(
        flux,
        tmp_path,
        b"<NUMERO_FICHE>RNCP60020</NUMERO_FICHE>",
        b"<NUMERO_FICHE> RNCP&#54;0020 </NUMERO_FICHE>",
    )
    with open_input(path) as opened, pytest.raises(UnusualLayout):
        fc_xml.FORMAT.find(opened, "RNCP60020")  # type: ignore[misc]
    found = rncpkit.find(path, "RNCP60020")  # found all the same, by reading
    assert found is not None and found.number == "RNCP60020"


def test_doctype_is_refused_before_any_search(flux: Path, tmp_path: Path) -> None:
    path = _edit(
        flux, tmp_path, b"<FICHES>", b'<!DOCTYPE FICHES [<!ENTITY x "y">]>\n<FICHES>'
    )
    with pytest.raises(rncpkit.UnsafeInputError):
        rncpkit.find(path, "RNCP60001")


def test_show_cli_uses_it(flux: Path) -> None:
    result = CliRunner().invoke(cli, ["show", "RNCP60039", str(_zipped(flux))])
    assert result.exit_code == 0 and result.output.startswith("RNCP60039 — ")
    result = CliRunner().invoke(cli, ["show", "RNCP99999", str(flux)])
    assert result.exit_code == 1 and "no valid fiche RNCP99999" in result.output
