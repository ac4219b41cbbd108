"""Shared helpers of the accrochage tests: example passages and the official XSD."""

from __future__ import annotations

import datetime as dt
import functools
import io
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
from tests.conftest import REFERENCE, reference

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


def assert_portal_ready(data: bytes) -> None:
    """Every flux a test produces must pass the official XSD (when the reference files are
    here; the dedicated conformance tests say so when they are not)."""
    schema = _schema_if_present()
    if schema is not None:
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
