"""JSON and JSON Lines: shapes, streaming, lossless round trips, located errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import rncpkit
from rncpkit.errors import FicheError, InputError
from rncpkit.model import Certification

from .conftest import REAL_V41_SAMPLES, reference


def dump(certifications: list[Certification], to: str) -> bytes:
    out = io.BytesIO()
    rncpkit.write(certifications, out, to=to)
    return out.getvalue()


def test_one_fiche_is_an_object_several_an_array(seed_xml: Path) -> None:
    [cert] = list(rncpkit.read(seed_xml))
    assert json.loads(dump([cert], "json"))["number"] == "RNCP35080"
    assert [c["number"] for c in json.loads(dump([cert, cert], "json"))] == ["RNCP35080"] * 2
    assert json.loads(dump([], "json")) == []


def test_jsonl_has_one_compact_fiche_per_line(seed_xml: Path) -> None:
    [cert] = list(rncpkit.read(seed_xml))
    lines = dump([cert, cert, cert], "jsonl").splitlines()
    assert len(lines) == 3 and all(json.loads(line)["number"] == "RNCP35080" for line in lines)


@pytest.mark.parametrize("to", ["json", "jsonl"])
def test_seed_round_trip_is_lossless(seed_xml: Path, to: str) -> None:
    certifications = list(rncpkit.read(seed_xml))
    data = dump(certifications, to)
    assert list(rncpkit.read(data, to)) == certifications
    assert dump(list(rncpkit.read(data, to)), to) == data


@pytest.mark.conformance
@pytest.mark.parametrize("name", REAL_V41_SAMPLES)
@pytest.mark.parametrize("to", ["json", "jsonl"])
def test_real_samples_round_trip_through_json(name: str, to: str) -> None:
    certifications = list(rncpkit.read(reference("france-competences", name)))
    assert list(rncpkit.read(dump(certifications, to), to)) == certifications


def test_array_is_decoded_incrementally_across_chunk_boundaries(seed_xml: Path) -> None:
    [cert] = list(rncpkit.read(seed_xml))
    data = dump([cert] * 40, "json")  # ~800 KB: many 64 KiB chunks, values split across them
    assert len(data) > 5 * 65536
    assert sum(1 for _ in rncpkit.read(data, "json")) == 40


def test_format_is_detected_from_content(seed_xml: Path) -> None:
    [cert] = list(rncpkit.read(seed_xml))
    assert [c.number for c in rncpkit.read(dump([cert, cert], "jsonl"))] == ["RNCP35080"] * 2
    assert [c.number for c in rncpkit.read(dump([cert, cert], "json"))] == ["RNCP35080"] * 2


def test_invalid_fiche_in_jsonl_is_located_by_line() -> None:
    data = (
        b'{"number": "RNCP1", "title": "A"}\n\n'
        b'{"number": "RNCP2", "title": "B", "rome": [{"code": "X"}]}\n'
    )
    results = list(rncpkit.read_records(data, "jsonl"))
    error = results[1]
    assert isinstance(error, FicheError)
    assert (error.line, error.fiche, error.field) == (3, "RNCP2", "rome.0.code")


def test_invalid_json_is_located() -> None:
    with pytest.raises(InputError, match="invalid JSON") as caught:
        list(rncpkit.read(b'[\n{"number": "RNCP1", "title": "A"},\n{"number": \n', "json"))
    assert caught.value.line is not None


@pytest.mark.parametrize("data", [b"", b"   \n"])
def test_empty_json_is_an_error(data: bytes) -> None:
    with pytest.raises(InputError, match="empty"):
        list(rncpkit.read(data, "json"))


def test_non_object_items_are_fiche_errors() -> None:
    results = list(rncpkit.read_records(b'[{"number": "RNCP1", "title": "A"}, 42]', "json"))
    assert isinstance(results[1], FicheError) and "object" in results[1].message
