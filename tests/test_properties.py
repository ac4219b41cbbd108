"""Properties: any valid Certification survives fc-xml and JSON unchanged; any bytes fed to
a reader end in rncpkit's own documented errors, never in anything else."""

from __future__ import annotations

import io
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rncpkit
from rncpkit.errors import OutputError, RncpkitError
from rncpkit.model import (
    AccessRouteCode,
    Certification,
    CertifierState,
    FicheState,
    HabilitationKind,
    HabilitationState,
    Level,
    RegistrationType,
)
from rncpkit.validation import check, text

from .conftest import SAMPLES

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------- valid models

_XML_CHARS = st.characters(
    codec="utf-8",
    exclude_categories=("Cs",),
    exclude_characters="\ufffe\uffff",
    min_codepoint=0x20,
) | st.sampled_from("\t\n\r")
"""Every character XML 1.0 can carry (fc-xml cannot hold NUL or most C0 controls)."""

TEXT = st.text(_XML_CHARS, max_size=40)
CODE = TEXT.map(str.strip)
"""Codes are trimmed on reading, as the flux pads some of them."""
DIGITS = string.digits


def _digits(size: int) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(DIGITS), min_size=size, max_size=size)


NUMBER = st.builds(
    lambda prefix, digits: prefix + digits,
    st.sampled_from(["RNCP", "RS"]),
    st.text(st.sampled_from(DIGITS), min_size=1, max_size=6),
)
ROME = st.builds(lambda a, b: a + b, st.sampled_from(string.ascii_uppercase), _digits(4))
NSF = st.builds(lambda a, b: a + b, _digits(3), st.sampled_from(["", *string.ascii_lowercase]))
COUNT = st.integers(min_value=0, max_value=10**9)
DATES = st.dates()
"""The whole range, years 1 to 9999: the flux pads years to four digits."""


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def _code_label(code: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"code": code}, optional={"label": _opt(TEXT)})


_LIST = {"max_size": 3}

CERTIFIER = st.fixed_dictionaries(
    {"name": TEXT},
    optional={
        "siret": _opt(_digits(14)),
        "state": _opt(st.sampled_from(CertifierState)),
        "state_changed_on": _opt(DATES),
        "trade_name": _opt(TEXT),
        "website": _opt(TEXT),
    },
)
PARTNER = st.fixed_dictionaries(
    {"name": TEXT},
    optional={
        "siret": _opt(_digits(14)),
        "habilitation": _opt(st.sampled_from(HabilitationKind)),
        "habilitation_state": _opt(st.sampled_from(HabilitationState)),
        "active_since": _opt(DATES),
        "state_changed_on": _opt(DATES),
    },
)
ROUTE = st.fixed_dictionaries(
    {"open": st.booleans()}, optional={"jury": _opt(TEXT), "changed_on": _opt(DATES)}
)
PUBLICATION = st.fixed_dictionaries({"title": TEXT}, optional={"published_on": _opt(DATES)})
STATS = st.fixed_dictionaries(
    {"year": COUNT},
    optional={
        name: _opt(COUNT)
        for name in (
            "certified",
            "certified_by_vae",
            "employment_rate_6_months",
            "occupation_rate_2_years",
        )
    },
)
BLOCK = st.fixed_dictionaries(
    {"code": CODE, "label": TEXT},
    optional={
        name: _opt(TEXT)
        for name in (
            "competences",
            "assessment_methods",
            "entry_prerequisites",
            "validation_prerequisites",
        )
    },
)
CORRESPONDENCE = st.fixed_dictionaries(
    {"target_number": NUMBER},
    optional={
        "source_blocks": st.lists(CODE, **_LIST),
        "target_blocks": st.lists(CODE, **_LIST),
    },
)

_TEXT_FIELDS = [
    "level_label",
    "activities",
    "attested_skills",
    "sectors",
    "job_types",
    "activity_regulations",
    "description_url",
    "objectives",
    "mastery_level",
    "partial_validation_scope",
    "entry_prerequisites",
    "certification_prerequisites",
    "validity_duration",
    "renewal_terms",
]
_DATE_FIELDS = [
    "last_journal_date",
    "decision_date",
    "registration_end",
    "effective_date",
    "publication_date",
    "issuance_deadline",
]
_BOOL_FIELDS = ["has_partners", "new_caledonia", "french_polynesia", "partial_validation", "active"]

CERTIFICATION = st.fixed_dictionaries(
    {"number": NUMBER, "title": TEXT},
    optional={
        "fiche_id": _opt(COUNT),
        "successors": st.lists(NUMBER, **_LIST),
        "predecessors": st.lists(NUMBER, **_LIST),
        "abbreviation": _opt(_code_label(CODE)),
        "state": _opt(st.sampled_from(FicheState)),
        "formacodes": st.lists(_code_label(_digits(5)), **_LIST),
        "level": _opt(st.sampled_from(Level)),
        "nsf": st.lists(_code_label(NSF), **_LIST),
        "certifiers": st.lists(CERTIFIER, **_LIST),
        "partners": st.lists(PARTNER, **_LIST),
        "rome": st.lists(_code_label(ROME), **_LIST),
        "collective_agreements": st.lists(
            st.fixed_dictionaries({"number": CODE}, optional={"label": _opt(TEXT)}), max_size=3
        ),
        "idcc": st.lists(_code_label(CODE), **_LIST),
        "access_routes": st.dictionaries(st.sampled_from(AccessRouteCode), ROUTE),
        "general_decree": st.lists(PUBLICATION, **_LIST),
        "creation_decree": st.lists(PUBLICATION, **_LIST),
        "other_decree": st.lists(PUBLICATION, **_LIST),
        "registration_years": _opt(COUNT),
        "statistics": st.lists(STATS, **_LIST),
        "level_granted_years": st.lists(COUNT, **_LIST),
        "registration_type": _opt(st.sampled_from(RegistrationType)),
        "blocks": st.lists(BLOCK, **_LIST),
        "correspondences": st.lists(CORRESPONDENCE, **_LIST),
        **{name: _opt(TEXT) for name in _TEXT_FIELDS},
        **{name: _opt(DATES) for name in _DATE_FIELDS},
        **{name: _opt(st.booleans()) for name in _BOOL_FIELDS},
    },
).map(Certification.model_validate)


def _through(cert: Certification, to: str, source_format: str) -> Certification:
    buffer = io.BytesIO()
    assert rncpkit.write([cert], buffer, to=to) == 1
    [again] = rncpkit.read(buffer.getvalue(), from_format=source_format)
    return again


@SETTINGS
@given(CERTIFICATION)
def test_any_certification_survives_fc_xml(cert: Certification) -> None:
    assert _through(cert, "fc-xml", "fc-xml") == cert


@SETTINGS
@given(CERTIFICATION)
def test_any_certification_survives_json_and_jsonl(cert: Certification) -> None:
    assert _through(cert, "json", "json") == cert
    assert _through(cert, "jsonl", "jsonl") == cert


@SETTINGS
@given(st.text(max_size=30))
def test_any_text_survives_json_or_is_refused_as_output_error(title: str) -> None:
    """JSON carries control characters; only lone surrogates (no UTF-8 form) are refused."""
    cert = Certification(number="RNCP1", title=title)
    try:
        again = _through(cert, "json", "json")
    except OutputError:
        assert any(0xD800 <= ord(char) <= 0xDFFF for char in title)
    else:
        assert again == cert


@SETTINGS
@given(st.text(max_size=30))
def test_any_text_survives_fc_xml_or_is_refused_as_output_error(title: str) -> None:
    """XML cannot carry NUL or most C0 controls: the writer refuses them, clearly."""
    cert = Certification(number="RNCP1", title=title)
    try:
        again = _through(cert, "fc-xml", "fc-xml")
    except OutputError as exc:
        assert exc.fiche == "RNCP1"
    else:
        assert again == cert


# --------------------------------------------------------------------------- any bytes

SAMPLE = (SAMPLES / "RNCP35080.xml").read_bytes()
SAMPLE_JSON = (SAMPLES / "RNCP35080.json").read_bytes()
_MARKUP = st.sampled_from(
    [
        b"<",
        b">",
        b"</FICHE>",
        b"<FICHE>",
        b"&amp;",
        b"&x;",
        b"<!DOCTYPE a>",
        b"<![CDATA[",
        b"]]>",
        b"\x00",
        b"\xff\xfe",
        b"\xc3",
        b'<?xml version="1.0" encoding="ISO-8859-1"?>',
        b"<VERSION_FLUX>4.1</VERSION_FLUX>",
        b"<DATE_DECISION>31/02/2020</DATE_DECISION>",
        b"<ROME><CODE>1</CODE></ROME>",
        b'"',
        b"{",
        b"[",
        b"\n",
    ]
)


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    """The sample with a few random cuts, insertions and overwrites."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "insert", "overwrite", "truncate"]))
        piece = draw(_MARKUP | st.binary(min_size=1, max_size=8))
        if action == "cut":
            del data[position : position + draw(st.integers(1, 200))]
        elif action == "insert":
            data[position:position] = piece
        elif action == "overwrite":
            data[position : position + len(piece)] = piece
        else:
            del data[position:]
    return bytes(data)


def _consume(data: bytes, format: str | None) -> None:
    try:
        for _result in rncpkit.read_records(data, format):
            pass
    except RncpkitError:
        pass  # the documented outcome; anything else fails the test


ANY_BYTES = st.binary(max_size=300) | mutated(SAMPLE) | mutated(SAMPLE_JSON)


@settings(max_examples=150, deadline=None)
@given(ANY_BYTES)
def test_any_bytes_fed_to_the_xml_reader_raise_only_rncpkit_errors(data: bytes) -> None:
    _consume(data, "fc-xml")


@settings(max_examples=100, deadline=None)
@given(ANY_BYTES)
def test_any_bytes_fed_to_the_json_readers_raise_only_rncpkit_errors(data: bytes) -> None:
    _consume(data, "json")
    _consume(data, "jsonl")


@settings(max_examples=60, deadline=None)
@given(mutated(SAMPLE))
def test_any_bytes_fed_to_the_validator_raise_only_rncpkit_errors(data: bytes) -> None:
    try:
        for _finding in rncpkit.validate(data, "fc-xml"):
            pass
    except RncpkitError:
        pass


# --------------------------------------------------------------------------- text rules

_TEXT_RULES = {"TEXT-CONTROL": "CONTROL", "TEXT-HTML": "HTML", "TEXT-MOJIBAKE": "MOJIBAKE"}
_TRICKY = st.sampled_from(["Ã©", "â€™", "<br/>", "&eacute;", "\x07", "\u202e", "\ufffd", "é"])


@SETTINGS
@given(st.lists(st.text(max_size=12) | _TRICKY, min_size=1, max_size=6))
def test_text_rules_shortcuts_agree_with_the_plain_patterns(pieces: list[str]) -> None:
    """The per-fiche shortcuts (one joined scan, isprintable…) never hide a finding."""
    title, *others = pieces
    cert = Certification(
        number="RNCP1",
        title=title,
        blocks=[{"code": f"RNCP1BC0{i}", "label": text} for i, text in enumerate(others)],
    )
    fired: dict[str, str | None] = {}
    for finding in check(cert, select=list(_TEXT_RULES)):
        fired.setdefault(finding.rule, finding.field)  # the first field each rule names
    for code, name in _TEXT_RULES.items():
        pattern = getattr(text, name)
        expected = next(
            (
                field
                for field, value in [("title", title)]
                + [(f"blocks[{i}].label", t) for i, t in enumerate(others)]
                if pattern.search(value)
            ),
            None,
        )
        assert fired.get(code) == expected, code
