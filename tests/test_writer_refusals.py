"""Every XML writer refuses, for that fiche only, a text that XML 1.0 cannot carry (control
characters, U+FFFE, U+FFFF, lone surrogates), wherever it sits in the fiche, and writes the
others; and it writes the characters next to those (U+FFFD, U+EFFF, U+F000) as they are."""

from __future__ import annotations

import io

import pytest

import rncpkit
from rncpkit.errors import OutputError
from rncpkit.formats import WriteOptions
from rncpkit.model import Certification
from tests.conftest import SAMPLES

WRITERS = ("fc-xml", "europass-xml", "supplement-xml")


def _sample() -> Certification:
    return next(iter(rncpkit.read(SAMPLES / "RNCP35080.xml")))


def _write(to: str, fiches: list[Certification]) -> tuple[bytes, list[OutputError]]:
    errors: list[OutputError] = []
    out = io.BytesIO()
    rncpkit.write(fiches, out, to=to, options=WriteOptions(), on_error=errors.append)
    return out.getvalue(), errors


@pytest.mark.filterwarnings("ignore::rncpkit.errors.RncpkitWarning")
@pytest.mark.parametrize("to", WRITERS)
@pytest.mark.parametrize("bad", ["\x01", "\x1f", "\ufffe", "\uffff", "\ud800"])
@pytest.mark.parametrize("field", ["title", "activities"])
def test_a_character_xml_cannot_carry_refuses_that_fiche(to: str, bad: str, field: str) -> None:
    good = _sample()
    refused = good.model_copy(update={"number": "RNCP1", field: f"avant {bad} après"})
    data, errors = _write(to, [refused, good])
    assert [(e.fiche, type(e)) for e in errors] == [("RNCP1", OutputError)]
    assert "XML" in str(errors[0])
    assert bad.encode("utf-8", "surrogatepass") not in data and b"RNCP35080" in data


@pytest.mark.filterwarnings("ignore::rncpkit.errors.RncpkitWarning")
@pytest.mark.parametrize("to", WRITERS)
def test_characters_next_to_the_refused_ones_are_written(to: str) -> None:
    text = "a \ufffd b \uefff c \uf000 d \U0010fffd"
    fiche = _sample().model_copy(update={"title": text})
    data, errors = _write(to, [fiche])
    assert errors == [] and text.encode() in data
