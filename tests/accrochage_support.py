"""Shared helpers of the accrochage tests: example passages and the official XSD."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from pathlib import Path

from lxml import etree

from rncpkit import xmlsafe
from rncpkit.accrochage import (
    CertificationRef,
    Certifier,
    CivilIdentity,
    CpfFile,
    FluxHeader,
    Passage,
    write_flux,
)
from tests.conftest import REFERENCE, SCHEMAS, reference

XSD_PARTS = ("cdc-accrochage", "cpf-accrochage-1.1.2.xsd")
SUMMER = dt.datetime(2025, 7, 15, 8, 30, 5, tzinfo=dt.UTC)
WINTER = dt.datetime(2025, 12, 1, 8, 30, 5, tzinfo=dt.UTC)


def official_schema() -> etree.XMLSchema:
    """The official XSD 1.1.2 (the test is skipped when the reference files are absent)."""
    return etree.XMLSchema(xmlsafe.parse_file(str(reference(*XSD_PARTS))))


@functools.cache
def _schema_if_present() -> etree.XMLSchema | None:
    path = REFERENCE.joinpath(*XSD_PARTS)
    return etree.XMLSchema(xmlsafe.parse_file(str(path))) if path.exists() else None


@functools.cache
def reconstructed_schema() -> etree.XMLSchema:
    """The project's own XSD 1.1.5 (reconstructed, shipped in ``schemas/``)."""
    return etree.XMLSchema(xmlsafe.parse_file(str(SCHEMAS / "accrochage-1.1.5.xsd")))


_ACTION = re.compile(rb"\s*<cpf:action>[A-Z]+</cpf:action>")


def assert_portal_ready(data: bytes) -> None:
    """Every flux a test produces must pass its XSD: a 1.1.2 flux the official one (when the
    reference files are here; the dedicated conformance tests say so when they are not); a
    1.1.5 flux the reconstructed 1.1.5 one, and, for the parts it shares with 1.1.2 (all but
    the action and the NIR branch), the official 1.1.2 one too."""
    schema = _schema_if_present()
    if b"<cpf:action>" in data:
        assert xsd_errors(reconstructed_schema(), data) == []
        if schema is not None and b"identifiantNational" not in data:
            assert xsd_errors(schema, _ACTION.sub(b"", data, count=1)) == []
    elif schema is not None:
        assert xsd_errors(schema, data) == []


def xsd_errors(schema: etree.XMLSchema, data: bytes) -> list[str]:
    """The XSD's complaints about ``data`` (empty when valid)."""
    schema.validate(xmlsafe.parse_bytes(data))
    return [f"{e.line}: {e.message}" for e in schema.error_log]


def civil(**changes: object) -> CivilIdentity:
    data: dict[str, object] = {
        "birth_name": "EXEMPLE",
        "first_name": "Zoé",
        "birth_year": 1990,
        "birth_month": 5,
        "birth_day": 3,
        "sex": "F",
        "birth_insee_code": "75056",
    }
    data.update(changes)
    return CivilIdentity.model_validate(data)


def passage(**changes: object) -> Passage:
    data: dict[str, object] = {
        "technical_id": "T-1",
        "valid_from": dt.date(2025, 7, 4),
        "holder": civil(),
    }
    data.update(changes)
    return Passage.model_validate(data)


def cpf(**changes: object) -> CpfFile:
    data: dict[str, object] = {
        "file_id": "12345678901",
        "last_name": "INVENTE",
        "first_name": "Marc",
    }
    data.update(changes)
    return CpfFile.model_validate(data)


def header(instant: dt.datetime = SUMMER) -> FluxHeader:
    from rncpkit.accrochage import paris_time

    return FluxHeader(
        id_flux="flux-1",
        timestamp=paris_time(instant),
        emitter_id_client="03VML243",
        certifier=Certifier(id_client="03VML243", id_contract="MCFCER000209"),
    )


def flux_bytes(*passages: Passage, code: str = "RNCP35080") -> bytes:
    out = io.BytesIO()
    write_flux(out, header(), [(CertificationRef(code=code), list(passages))])
    assert_portal_ready(out.getvalue())
    return out.getvalue()


def write_fiche(path: Path, number: str, routes: dict[str, bool], **fields: object) -> Path:
    """A minimal fiche as JSON, for ``--fiche``."""
    import rncpkit
    from rncpkit.model import AccessRouteCode, Certification
    from rncpkit.model.certification import AccessRoute

    cert = Certification.model_validate(
        {
            "number": number,
            "title": f"Certification {number}",
            "access_routes": {
                AccessRouteCode(code): AccessRoute(open=is_open) for code, is_open in routes.items()
            },
            **fields,
        }
    )
    rncpkit.write([cert], path, to="json")
    return path


def holders_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """A holders file as Excel saves it (BOM, ';', CRLF) with the union of the rows' keys."""
    names: list[str] = []
    for row in rows:
        names += [name for name in row if name not in names]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    return path


def report_xml(
    *,
    accepted: list[str] = (),  # type: ignore[assignment]
    refused: list[tuple[str, str]] = (),  # type: ignore[assignment]
    errors: list[tuple[str, int, int]] = (),  # type: ignore[assignment]
    file_name: str | None = "flux.xml",
    id_flux: str | None = None,
    treatment: str | None = "4711",
) -> bytes:
    """A processing report as the portal writes it (root ``rapport`` declaring an unused
    ``ns2`` prefix, elements in no namespace, 4-space indentation, ``standalone="no"``)."""
    from xml.sax.saxutils import escape

    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
        '<rapport xmlns:ns2="urn:cdc:cpf:pc5:rapport:schema">',
    ]
    if file_name is not None:
        lines.append(f"    <nomFichier>{escape(file_name)}</nomFichier>")
    if id_flux is not None:
        lines.append(f"    <idFlux>{escape(id_flux)}</idFlux>")
    if treatment is not None:
        lines.append(f"    <idTraitement>{treatment}</idTraitement>")
    if errors:
        lines.append("    <erreurs>")
        for message, line, column in errors:
            lines += [
                "        <erreur>",
                "            <type>XSD</type>",
                f"            <message>{escape(message)}</message>",
                f"            <ligne>{line}</ligne>",
                f"            <colonne>{column}</colonne>",
                "        </erreur>",
            ]
        lines.append("    </erreurs>")
    if refused:
        lines.append("    <PassagesKO>")
        for tid, message in refused:
            lines += [
                "        <passage>",
                f"            <idTechnique>{escape(tid)}</idTechnique>",
                f"            <messageErreur>{escape(message)}</messageErreur>",
                "        </passage>",
            ]
        lines.append("    </PassagesKO>")
    if accepted:
        lines.append("    <PassagesOK>")
        lines += [f"        <idTechnique>{escape(tid)}</idTechnique>" for tid in accepted]
        lines.append("    </PassagesOK>")
    lines.append("</rapport>")
    return ("\n".join(lines) + "\n").encode("utf-8")
