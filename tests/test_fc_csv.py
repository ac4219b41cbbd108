"""France Compétences CSV export: reading, writing, and the row-for-row round trip."""

from __future__ import annotations

import datetime as dt
import io
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rncpkit
from rncpkit.errors import FicheError, InputError
from rncpkit.formats import WriteOptions, detect_format
from rncpkit.formats.fc_csv import FILES, STANDARD, encode_rows, member_name
from rncpkit.io import open_input
from rncpkit.model import AccessRouteCode, Certification
from tests.conftest import SAMPLES, reference

REAL_ZIP = ("france-competences", "export-fiches-csv-2024-02-22.zip")
OPTIONS = WriteOptions(extra={"export_date": "2024-02-22"})


def _rows_by_file(data: bytes) -> dict[str, list[bytes]]:
    """Every member's lines (CRLF kept), keyed by logical file name."""
    out: dict[str, list[bytes]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            name = member_name(info)
            logical = name.removeprefix("export_fiches_CSV_").rsplit("_", 3)[0]
            out[logical] = archive.read(info).splitlines(keepends=True)
    return out


def _number(line: bytes, column: int = 0) -> bytes:
    return line.split(b";")[column]


def _convert(source: object, **extra: str) -> bytes:
    out = io.BytesIO()
    options = WriteOptions(extra={"export_date": "2024-02-22", **extra})
    rncpkit.convert(source, out, "fc-csv", options=options)  # type: ignore[arg-type]
    return out.getvalue()


def _zip(members: dict[str, str], *, utf8_flag: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name), text.encode("utf-8"))
    data = bytearray(buffer.getvalue())
    if not utf8_flag:
        # What France Compétences does: UTF-8 names without the UTF-8 flag (bit 11), which
        # readers then decode as cp437. Clear the flag in local and central headers.
        for signature, offset in ((b"PK\x03\x04", 7), (b"PK\x01\x02", 9)):
            start = data.find(signature)
            while start != -1:
                data[start + offset] &= ~0x08
                start = data.find(signature, start + 4)
    return bytes(data)


HEADER = ";".join(f'"{c}"' for c in STANDARD.columns) + "\r\n"
ROW = (
    '"14791";"RNCP509";"Agent vérificateur";"CAP";"Certificat d\'aptitude professionnelle";'
    '"NIV3";"Niveau 3";"Non";"Non";;;"31/08/2023";;"Enregistrement de droit";;"INACTIVE"\r\n'
)


@pytest.mark.conformance
def test_real_export_reads_every_fiche_and_reports_the_orphan_row() -> None:
    results = list(rncpkit.read_records(reference(*REAL_ZIP)))
    records = [r for r in results if not isinstance(r, FicheError)]
    errors = [r for r in results if isinstance(r, FicheError)]
    assert [r.certification.number for r in records] == [
        "RNCP509", "RNCP1197", "RNCP4049", "RNCP22094", "RNCP28155", "RNCP30271",
        "RS5000", "RNCP19468", "RS6117",
    ]  # fmt: skip
    # The sample links RNCP509 to RNCP38228, whose own row has no Standard row: reported.
    assert [(e.fiche, e.field, e.line) for e in errors] == [
        ("RNCP38228", "Ancienne_Nouvelle_Certification", 3)
    ]
    by_number = {r.certification.number: r.certification for r in records}
    cap = by_number["RNCP509"]
    assert cap.certifiers[0].siret == "11004301500012"  # TAB prefix stripped
    assert cap.formacodes[0].code == "42872"
    assert cap.formacodes[0].label == "Sécurité incendie"  # "42872 : " prefix stripped
    assert cap.nsf[0].label == "Mécanique générale et de précision, usinage"
    assert cap.abbreviation is not None and cap.abbreviation.code == "CAP"
    assert cap.active is False and cap.registration_end == dt.date(2023, 8, 31)
    assert cap.successors == ["RNCP38228"]
    assert cap.block_codes[:2] == ["RNCP509BC05", "RNCP509BC06"]  # file order kept
    assert cap.open_routes() == list(AccessRouteCode)
    rs = by_number["RS6117"]
    assert rs.active is True and rs.partial_validation is False and rs.level is None
    assert rs.open_routes() == [AccessRouteCode.FC, AccessRouteCode.CQ, AccessRouteCode.VAE]
    assert rs.collective_agreements[0].number == "3117"
    assert len(rs.partners) == 6 and rs.predecessors == ["RNCP19468"]
    assert by_number["RNCP19468"].level is not None
    assert by_number["RNCP19468"].level.value == "REPRISE"
    assert by_number["RNCP4049"].rome[2].label == "Management et ingénierie d''affaires"


@pytest.mark.conformance
def test_real_export_round_trip_is_identical_row_for_row() -> None:
    path = reference(*REAL_ZIP)
    original = _rows_by_file(path.read_bytes())
    written = _rows_by_file(_convert(path))
    assert set(written) == {f.name for f in FILES} == set(original)
    order = [_number(line, 1) for line in original["Standard"][1:]]
    for name, lines in original.items():
        column = 1 if name == "Standard" else 0
        # Rows of a fiche absent from Standard (RNCP38228) are reported, not written.
        kept = [line for line in lines[1:] if _number(line, column) in order]
        # Child rows come out grouped per fiche in Standard order, each fiche's rows in order.
        expected = sorted(kept, key=lambda line: order.index(_number(line, column)))
        assert written[name][0] == lines[0], name  # header, byte for byte
        assert written[name][1:] == expected, name
    assert all(line.endswith(b"\r\n") for lines in written.values() for line in lines)


@pytest.mark.conformance
def test_real_export_second_generation_is_byte_identical() -> None:
    first = _convert(reference(*REAL_ZIP))
    assert _convert(first) == first


def test_writer_layout_quotes_tabs_prefixes_and_member_names() -> None:
    data = _convert(SAMPLES / "RNCP35080.xml")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == [f"export_fiches_CSV_{f.name}_2024_02_22.csv" for f in FILES]
        assert all(i.date_time == (2024, 2, 22, 0, 0, 0) for i in archive.infolist())
    rows = _rows_by_file(data)
    assert rows["Certificateurs"][1] == (
        b'"RNCP35080";"\t19753471200017";"CONSERVATOIRE NATIONAL DES ARTS ET METIERS"\r\n'
    )
    assert rows["Nsf"][1] == b'"RNCP35080";"332n";"332n : Expertise sociale et projets sociaux"\r\n'
    assert rows["Formacode"][1] == b'"RNCP35080";"32135";"32135 : Conduite projet"\r\n'
    assert rows["Standard"][1].decode() == (
        ';"RNCP35080";"Manager d’organismes à vocation sociale et culturelle en économie sociale '
        'et solidaire";;;"NIV7";"Niveau 7";"Non";"Non";;"18/11/2020";"18/11/2025";;'
        '"Enregistrement sur demande";;"INACTIVE"\r\n'
    )
    assert [line.decode() for line in rows["VoixdAccès"][1:]] == [
        f'"RNCP35080";"{code.label_fr}"\r\n'
        for code in (
            AccessRouteCode.CA,
            AccessRouteCode.FC,
            AccessRouteCode.CQ,
            AccessRouteCode.VAE,
        )
    ]
    assert len(rows["Blocs_De_Compétences"]) == 1 + 4
    assert rows["CCN"] == [rows["CCN"][0]]  # no agreement, no row


def test_xml_to_csv_keeps_what_the_csv_carries() -> None:
    xml = next(rncpkit.read(SAMPLES / "RNCP35080.xml"))
    back = next(rncpkit.read(_convert(SAMPLES / "RNCP35080.xml")))
    for field in (
        "number", "title", "level", "level_label", "nsf", "formacodes", "rome", "certifiers",
        "block_codes", "registration_end", "decision_date", "registration_type", "active",
    ):  # fmt: skip
        if field == "certifiers":
            assert [(c.siret, c.name) for c in back.certifiers] == [
                (c.siret, c.name) for c in xml.certifiers
            ]
        else:
            assert getattr(back, field) == getattr(xml, field), field
    assert back.open_routes() == xml.open_routes()
    assert back.objectives is None  # texts are not in the CSV


def test_member_names_in_any_unicode_form_and_without_utf8_flag() -> None:
    blocks = "export_fiches_CSV_Blocs_De_Compétences_2024_02_22.csv"
    members = {
        "export_fiches_CSV_Standard_2024_02_22.csv": HEADER + ROW,
        unicodedata.normalize("NFD", blocks): (
            '"Numero_Fiche";"Bloc_Competences_Code";"Bloc_Competences_Libelle"\r\n'
            '"RNCP509";"RNCP509BC01";"UP1"\r\n'
        ),
    }
    for flag in (True, False):
        cert = next(rncpkit.read(_zip(members, utf8_flag=flag)))
        assert cert.block_codes == ["RNCP509BC01"]
        assert cert.open_routes() == []  # no VoixdAccès rows: every route closed


def test_detection_zip_and_lone_standard_file() -> None:
    with open_input(_zip({"export_fiches_CSV_Standard_2024_02_22.csv": HEADER + ROW})) as opened:
        assert detect_format(opened).name == "fc-csv"
    with open_input((HEADER + ROW).encode()) as opened:
        assert detect_format(opened).name == "fc-csv"
    cert = next(rncpkit.read((HEADER + ROW).encode()))
    assert cert.number == "RNCP509" and cert.fiche_id == 14791


def test_located_errors_and_nothing_lost(tmp_path: Path) -> None:
    bad_active = ROW.replace('"INACTIVE"', '"PERHAPS"').replace("RNCP509", "RNCP510")
    routes = '"Numero_Fiche";"Si_Jury"\r\n"RNCP509";"Par télépathie"\r\n'
    data = _zip(
        {
            "export_fiches_CSV_Standard_2024_02_22.csv": HEADER + ROW + bad_active + ROW,
            "export_fiches_CSV_VoixdAccès_2024_02_22.csv": routes,
        }
    )
    errors = [r for r in rncpkit.read_records(data) if isinstance(r, FicheError)]
    assert [(e.fiche, e.field, e.line) for e in errors] == [
        ("RNCP509", "VoixdAccès", 2),
        ("RNCP510", "Standard", 3),
        ("RNCP509", "Standard.Numero_Fiche", 4),
    ]
    assert "Par télépathie" in errors[0].message and "PERHAPS" in errors[1].message
    summary = rncpkit.convert(data, tmp_path / "out.zip", "fc-csv", options=OPTIONS)
    assert (summary.read, summary.written, summary.rejected) == (3, 0, 3)


def test_structure_errors() -> None:
    with pytest.raises(InputError, match="unexpected header"):
        list(rncpkit.read(_zip({"export_fiches_CSV_Standard_2024_02_22.csv": "a;b\r\n"})))
    with pytest.raises(InputError, match="unexpected member"):
        list(
            rncpkit.read(
                _zip(
                    {
                        "export_fiches_CSV_Standard_2024_02_22.csv": HEADER,
                        "export_fiches_CSV_Prerequis_2024_02_22.csv": "x\r\n",
                    }
                ),
                "fc-csv",
            )
        )
    with pytest.raises(InputError, match="no Standard"):
        list(rncpkit.read(_zip({"export_fiches_CSV_Nsf_2024_02_22.csv": "x"}), "fc-csv"))


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(
    title=_text.filter(lambda t: t != ""),
    label=st.none() | _text.filter(lambda t: t != ""),
    name=_text,
    active=st.none() | st.booleans(),
    opened=st.sets(st.sampled_from(list(AccessRouteCode))),
)
def test_round_trip_of_varied_values(
    title: str, label: str | None, name: str, active: bool | None, opened: set[AccessRouteCode]
) -> None:
    cert = Certification.model_validate(
        {
            "number": "RNCP35080",
            "title": title,
            "active": active,
            "nsf": [{"code": "332n", "label": label}],
            "rome": [{"code": "K1206", "label": label}],
            "certifiers": [{"siret": "19753471200017", "name": name}],
            "blocks": [{"code": "RNCP35080BC01", "label": name}],
            "access_routes": {c.value: {"open": c in opened} for c in AccessRouteCode},
        }
    )
    out = io.BytesIO()
    rncpkit.write([cert], out, "fc-csv", options=OPTIONS)
    back = next(rncpkit.read(out.getvalue()))
    assert back.title == title and back.active == active
    assert back.nsf == cert.nsf and back.rome == cert.rome and back.blocks == cert.blocks
    assert back.certifiers == cert.certifiers
    assert set(back.open_routes()) == opened
    assert encode_rows(back) == encode_rows(cert)


def test_csv_zip_streams_to_a_pipe_and_to_dev_null(tmp_path: Path, seed_xml: Path) -> None:
    """stdout and /dev/null cannot seek: the zip is written with data descriptors."""
    import subprocess
    import sys
    import zipfile as zf

    result = subprocess.run(
        [sys.executable, "-m", "rncpkit", "convert", str(seed_xml), "--to", "fc-csv"],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    piped = tmp_path / "piped.zip"
    piped.write_bytes(result.stdout)
    with zf.ZipFile(piped) as archive:
        assert len(archive.namelist()) == 10
    assert [c.number for c in rncpkit.read(piped)] == ["RNCP35080"]
    summary = rncpkit.convert(seed_xml, os.devnull, "fc-csv")
    assert summary.written == 1


def test_rows_of_many_fiches_keep_their_order_across_the_writer_batches() -> None:
    """The writer joins rows a batch of fiches at a time: 150 fiches (more than two
    batches) come out with every row, fiche after fiche, as each fiche alone gives them."""
    from rncpkit.formats.fc_csv import writing

    base = next(rncpkit.read(SAMPLES / "RNCP35080.json"))
    certs = [base.model_copy(update={"number": f"RNCP{90000 + i}"}) for i in range(150)]
    assert len(certs) > 2 * writing.FLUSH_EVERY
    out = io.BytesIO()
    rncpkit.write(certs, out, "fc-csv", options=OPTIONS)
    rows = _rows_by_file(out.getvalue())
    for index, csv_file in enumerate(FILES):
        expected = "".join(encode_rows(cert)[index] for cert in certs).encode("utf-8")
        assert b"".join(rows[csv_file.name][1:]) == expected
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
