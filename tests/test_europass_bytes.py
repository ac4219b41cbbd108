"""The Europass outputs, byte for byte: SHA-256 digests (first 16 hex digits) of what the
``europass-xml`` and ``europass-jsonld`` writers produced for the embedded sample and the
real France Compétences fiches before their element tables moved to the shared xmltable
node kinds; and the LOQ document read back and written again is the same document. A
refactoring of the tables or their walks must leave every byte as it was; a
deliberate change of the output updates the digests (the failure message gives them)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

import rncpkit
from rncpkit.formats import WriteOptions
from tests.conftest import SAMPLES, reference

OPTIONS = WriteOptions(base_uri="https://data.example.fr/rncp/", eqf_level=5)
"""An explicit base (no placeholder warning) and a level, so that RS fiches are written."""

DIGESTS = {
    "RNCP35080.xml": {"europass-xml": "5a4d4f46f5222ac3", "europass-jsonld": "c191267e75daef09"},
    "export_fiches_RNCP_V4_1_sample.xml": {
        "europass-xml": "99aff6c1213b1d57",
        "europass-jsonld": "941b0c082cc2c26d",
    },
    "export_fiches_RS_V4_1_sample.xml": {
        "europass-xml": "05db51948c6d0016",
        "europass-jsonld": "798833b68a25e87f",
    },
}


def _source(name: str) -> Path:
    if name == "RNCP35080.xml":
        return SAMPLES / name
    return reference("france-competences", name)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_europass_outputs_are_byte_identical(name: str) -> None:
    source = _source(name)
    found = {}
    for to in DIGESTS[name]:
        out = io.BytesIO()
        summary = rncpkit.convert(source, out, to=to, from_format="fc-xml", options=OPTIONS)
        assert summary.written >= 1 and not summary.errors
        found[to] = _digest(out.getvalue())
        if to == "europass-xml":  # what is read back is written again, to the byte
            back = list(rncpkit.read(out.getvalue(), from_format="europass-xml"))
            again = io.BytesIO()
            rncpkit.write(back, again, to="europass-xml", options=OPTIONS)
            assert len(back) == summary.written and again.getvalue() == out.getvalue()
    assert found == DIGESTS[name], f"{name}: {found}"
