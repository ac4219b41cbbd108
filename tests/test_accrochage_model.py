"""The flux model and its XML: every enumeration, nil elements, both holder identifications,
the birth-place choice, horodatage offsets, write → read round trips, XSD conformance."""

from __future__ import annotations

import datetime as dt
import functools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pydantic import ValidationError

from rncpkit import xmlsafe
from rncpkit.accrochage import (
    RNCP_TO_CDC,
    AccessMode,
    CertificationRef,
    Certifier,
    DepositorKind,
    DigitalLevel,
    DigitalResult,
    ExamMode,
    FluxHeader,
    LanguageLevel,
    Mention,
    Obtention,
    Passage,
    RegistrationInitiative,
    Sex,
    VaeRoute,
    paris_time,
    read_passage,
)
from rncpkit.accrochage.model import reasons
from rncpkit.accrochage.writer import _eu_paris_offset
from rncpkit.model import AccessRouteCode
from tests.accrochage_support import (
    SUMMER,
    WINTER,
    civil,
    cpf,
    flux_bytes,
    header,
    official_schema,
    passage,
    xsd_errors,
)

NS = {"cpf": "urn:cdc:cpf:pc5:schema:1.0.0"}
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def passages_of(data: bytes) -> list[etree._Element]:
    return list(xmlsafe.parse_bytes(data).iterfind(".//cpf:passageCertification", NS))


def read_back(data: bytes) -> list[Passage]:
    result = []
    for element in passages_of(data):
        read, problems = read_passage(element)
        assert problems == []
        assert read is not None
        result.append(read)
    return result


# --------------------------------------------------------------------------- enumerations

ENUM_CASES: list[tuple[str, dict[str, object], str, str]] = (
    [
        (f"obtention-{v}", {"obtained_by": v, "scoring": "512"}, "obtentionCertification", v.value)
        for v in Obtention
    ]
    + [(f"exam-{v}", {"exam_mode": v}, "modalitePassageExamen", v.value) for v in ExamMode]
    + [(f"lang-{v}", {"language_level": v}, "niveauLangueEuropeen", v.value) for v in LanguageLevel]
    + [(f"mention-{v}", {"mention": v}, "mentionValidee", v.value) for v in Mention]
    + [(f"access-{v}", {"access_mode": v}, "modaliteAcces", v.value) for v in AccessMode]
    + [
        (f"vae-{v}", {"access_mode": AccessMode.VAE, "vae_route": v}, "voieAccessVAE", v.value)
        for v in VaeRoute
    ]
    + [
        (f"init-{v}", {"registration_initiative": v}, "initiativeInscription", v.value)
        for v in RegistrationInitiative
    ]
    + [(f"sex-{v}", {"holder": civil(sex=v)}, "sexe", v.value) for v in Sex]
)


@pytest.mark.parametrize(
    ("changes", "element", "value"),
    [case[1:] for case in ENUM_CASES],
    ids=[case[0] for case in ENUM_CASES],
)
def test_each_enumeration_value_is_written_and_read_back(
    changes: dict[str, object], element: str, value: str
) -> None:
    original = passage(**changes)
    data = flux_bytes(original)
    assert [e.text for e in xmlsafe.parse_bytes(data).iterfind(f".//cpf:{element}", NS)] == [value]
    assert read_back(data) == [original]


@pytest.mark.conformance
@pytest.mark.parametrize(
    ("changes", "element", "value"),
    [case[1:] for case in ENUM_CASES],
    ids=[case[0] for case in ENUM_CASES],
)
def test_each_enumeration_value_validates_against_the_official_xsd(
    changes: dict[str, object], element: str, value: str
) -> None:
    assert xsd_errors(official_schema(), flux_bytes(passage(**changes))) == []


@pytest.mark.parametrize("depositor", list(DepositorKind))
def test_depositor_kinds(depositor: DepositorKind) -> None:
    from io import BytesIO

    from rncpkit.accrochage import write_flux

    out = BytesIO()
    write_flux(out, header(), [(CertificationRef(code="RS5875", depositor=depositor), [passage()])])
    root = xmlsafe.parse_bytes(out.getvalue())
    assert root.findtext(".//cpf:natureDeposant", namespaces=NS) == depositor.value
    assert root.findtext(".//cpf:type", namespaces=NS) == "RS"


def test_enumerations_are_the_xsd_ones() -> None:
    assert [v.value for v in AccessMode] == [
        "FORMATION_INITIALE_HORS_APPRENTISSAGE",
        "FORMATION_INITIALE_APPRENTISSAGE",
        "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
        "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
        "VAE",
        "EQUIVALENCE_DIPLOME_ETRANGER",
        "CANDIDAT_LIBRE",
    ]
    assert [v.value for v in Mention][-1] == "MENTION_TRES_BIEN_AVEC_FELICITATIONS_DU_JURY"


def test_rncp_route_mapping_is_the_notes_one() -> None:
    assert {route.value: mode.value for route, mode in RNCP_TO_CDC.items()} == {
        "FI": "FORMATION_INITIALE_HORS_APPRENTISSAGE",
        "CA": "FORMATION_INITIALE_APPRENTISSAGE",
        "FC": "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
        "CQ": "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
        "VAE": "VAE",
        "CL": "CANDIDAT_LIBRE",
    }
    for route in AccessRouteCode:
        assert AccessMode.from_rncp_route(route).rncp_route is route
    assert AccessMode.FOREIGN_DIPLOMA_EQUIVALENCE.rncp_route is None


# --------------------------------------------------------------------------- nil elements


def test_absent_nillable_values_are_written_nil() -> None:
    data = flux_bytes(passage(holder=civil(birth_month=None, birth_day=None)))
    root = xmlsafe.parse_bytes(data)
    nil = sorted(etree.QName(e).localname for e in root.iter() if e.get(XSI_NIL) == "true")
    assert nil == sorted(
        [
            "dateFinValidite",
            "scoring",
            "mentionValidee",
            "modaliteAcces",
            "nomUsage",
            "moisNaissance",
            "jourNaissance",
        ]
    )
    for element in root.iter():
        if element.get(XSI_NIL) == "true":
            assert element.text is None and len(element) == 0


def test_given_nillable_values_are_not_nil() -> None:
    original = passage(
        valid_until=dt.date(2030, 7, 3),
        scoring="512",
        mention=Mention.GOOD,
        access_mode=AccessMode.APPRENTICESHIP,
        holder=civil(usage_name="USAGE"),
    )
    data = flux_bytes(original)
    assert b'nil="true"' not in data
    assert read_back(data) == [original]


def test_unknown_birth_place_is_a_nil_postal_code() -> None:
    data = flux_bytes(passage(holder=civil(birth_insee_code=None)))
    root = xmlsafe.parse_bytes(data)
    code = root.find(".//cpf:codePostalNaissance/cpf:codePostal", NS)
    assert code is not None and code.get(XSI_NIL) == "true"
    assert read_back(data)[0].holder == civil(birth_insee_code=None)


@pytest.mark.conformance
def test_nil_elements_validate() -> None:
    schema = official_schema()
    assert xsd_errors(schema, flux_bytes(passage(holder=civil(birth_insee_code=None)))) == []
    assert xsd_errors(schema, flux_bytes(passage(holder=civil(birth_day=None)))) == []


# --------------------------------------------------------------------------- holders


def test_holder_by_cpf_dossier() -> None:
    original = passage(holder=cpf())
    data = flux_bytes(original)
    root = xmlsafe.parse_bytes(data)
    assert root.findtext(".//cpf:dossierFormation/cpf:idDossier", namespaces=NS) == "12345678901"
    assert root.find(".//cpf:titulaire", NS) is None
    assert read_back(data) == [original]


def test_holder_by_civil_identity_with_insee_code() -> None:
    original = passage(holder=civil(birth_insee_code="2A004", birth_town="Ajaccio"))
    data = flux_bytes(original)
    root = xmlsafe.parse_bytes(data)
    assert root.findtext(".//cpf:codeInseeNaissance/cpf:codeInsee", namespaces=NS) == "2A004"
    assert root.find(".//cpf:codePostalNaissance", NS) is None
    assert read_back(data) == [original]


def test_holder_by_civil_identity_with_postal_code() -> None:
    original = passage(holder=civil(birth_insee_code=None, birth_postcode="69003"))
    root = xmlsafe.parse_bytes(flux_bytes(original))
    assert root.findtext(".//cpf:codePostalNaissance/cpf:codePostal", namespaces=NS) == "69003"
    assert root.find(".//cpf:codeInseeNaissance", NS) is None


def test_birth_place_is_a_choice() -> None:
    with pytest.raises(ValidationError) as caught:
        civil(birth_insee_code="75056", birth_postcode="75001")
    field, en, fr = reasons(caught.value)[0]
    assert field == "birth_postcode"
    assert "not both" in en and "pas les deux" in fr


@pytest.mark.conformance
def test_both_identifications_validate() -> None:
    schema = official_schema()
    data = flux_bytes(
        passage(technical_id="a", holder=cpf()),
        passage(technical_id="b", holder=civil(birth_insee_code=None, birth_postcode="69003")),
        passage(
            technical_id="c",
            holder=civil(
                birth_insee_code="99109",
                birth_country_code="109",
                birth_country="ALLEMAGNE",
                birth_town="Berlin",
            ),
        ),
    )
    assert xsd_errors(schema, data) == []


# --------------------------------------------------------------------------- constraints


@pytest.mark.parametrize(
    ("build", "field", "fragment"),
    [
        (lambda: cpf(last_name="X" * 31), "last_name", "at most 30"),
        (lambda: cpf(first_name="X" * 21), "first_name", "at most 20"),
        (lambda: cpf(file_id="1" * 14), "file_id", "at most 13"),
        (lambda: civil(birth_name="X" * 61), "birth_name", "at most 60"),
        (lambda: civil(birth_name="   "), "birth_name", "blank"),
        (lambda: civil(birth_name="A\x01B"), "birth_name", "control character"),
        (lambda: civil(birth_year=1899), "birth_year", "at least 1900"),
        (lambda: civil(birth_month=13), "birth_month", "at most 12"),
        (lambda: civil(birth_month=2, birth_day=30), "birth_day", "does not exist"),
        (lambda: civil(birth_month=None, birth_day=3), "birth_day", "needs a birth month"),
        (lambda: civil(birth_insee_code="7505"), "birth_insee_code", "five characters"),
        (lambda: civil(birth_country_code="1090"), "birth_country_code", "three digits"),
        (lambda: civil(sex=""), "sex", "must be one of"),
        (lambda: passage(technical_id=""), "technical_id", "at least 1"),
        (lambda: passage(technical_id="x" * 256), "technical_id", "at most 255"),
        (lambda: passage(valid_from=dt.date(1899, 12, 31)), "valid_from", "1900"),
        (lambda: passage(valid_until=dt.date(2025, 1, 1)), "valid_until", "before"),
        (
            lambda: passage(exam_start=dt.date(2025, 6, 2), exam_end=dt.date(2025, 6, 1)),
            "exam_end",
            "before",
        ),
        (lambda: passage(vae_route=VaeRoute.VAE_LEAVE), "vae_route", "VAE access mode"),
        (lambda: passage(obtained_by=Obtention.BY_SCORING), "scoring", "score"),
        (lambda: passage(registration_date=dt.date(2026, 1, 1)), "registration_date", "after"),
        (
            lambda: passage(digital_level=DigitalLevel(general_score=0)),
            "general_score",
            "at least 1",
        ),
        (lambda: DigitalResult(level=-1), "level", "at least 1"),
        (lambda: DigitalResult(domain_id="12"), "domain_id", "at most 1"),
        (
            lambda: Certifier(id_client="1234567", id_contract="MCFCER000209"),
            "id_client",
            "at least 8",
        ),
        (
            lambda: Certifier(id_client="03VML 43", id_contract="MCFCER000209"),
            "id_client",
            "spaces",
        ),
        (
            lambda: Certifier(id_client="03VML243", id_contract="M" * 21),
            "id_contract",
            "at most 20",
        ),
        (lambda: CertificationRef(code="RNCP-35080"), "code", "RNCP35080"),
    ],
)
def test_xsd_constraints_are_enforced_with_bilingual_reasons(
    build: object, field: str, fragment: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        build()  # type: ignore[operator]
    found = reasons(caught.value)
    assert [f for f, _en, _fr in found] == [field]
    _field, en, fr = found[0]
    assert fragment in en
    assert fr and fr != en


def test_reasons_never_quote_the_value() -> None:
    with pytest.raises(ValidationError) as caught:
        civil(birth_name="SECRETNAME" * 7)
    assert all("SECRETNAME" not in en + fr for _f, en, fr in reasons(caught.value))


def test_presence_flags_follow_the_levels() -> None:
    root = xmlsafe.parse_bytes(
        flux_bytes(
            passage(technical_id="a"),
            passage(
                technical_id="b",
                language_level=LanguageLevel.C1,
                digital_level=DigitalLevel(
                    general_score=324,
                    results=[DigitalResult(level=4, domain_id="2", competence_id="1")],
                ),
            ),
        )
    )
    flags = [
        (
            p.findtext("cpf:presenceNiveauLangueEuro", namespaces=NS),
            p.findtext("cpf:presenceNiveauNumeriqueEuro", namespaces=NS),
        )
        for p in root.iterfind(".//cpf:passageCertification", NS)
    ]
    assert flags == [("false", "false"), ("true", "true")]


# --------------------------------------------------------------------------- horodatage


def test_horodatage_has_the_real_offset_summer_and_winter() -> None:
    assert header(SUMMER).horodatage == "2025-07-15T10:30:05+02:00"
    assert header(WINTER).horodatage == "2025-12-01T09:30:05+01:00"


def test_horodatage_matches_the_xsd_pattern() -> None:
    pattern = re.compile(
        r"(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T(2[0-3]|[01][0-9]):"
        r"[0-5][0-9]:[0-5][0-9](\+|-)(:2[0-3]|[01][0-9]):[0-5][0-9]"
    )
    for instant in (SUMMER, WINTER, dt.datetime(2025, 3, 30, 0, 59, 59, 999, tzinfo=dt.UTC)):
        assert pattern.fullmatch(header(instant).horodatage)


@given(st.datetimes(min_value=dt.datetime(1997, 1, 1), max_value=dt.datetime(2037, 12, 31)))
@settings(max_examples=300)
def test_fallback_rule_agrees_with_the_tz_database(naive: dt.datetime) -> None:
    instant = naive.replace(tzinfo=dt.UTC)
    assert _eu_paris_offset(instant) == paris_time(instant).utcoffset()


def test_dst_switch_instants() -> None:
    before = dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=dt.UTC)
    after = dt.datetime(2026, 3, 29, 1, 0, 0, tzinfo=dt.UTC)
    assert paris_time(before).isoformat() == "2026-03-29T01:59:59+01:00"
    assert paris_time(after).isoformat() == "2026-03-29T03:00:00+02:00"
    assert _eu_paris_offset(before) == dt.timedelta(hours=1)
    assert _eu_paris_offset(after) == dt.timedelta(hours=2)


def test_without_tz_database_the_eu_rule_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    import zoneinfo

    def missing(key: str) -> zoneinfo.ZoneInfo:
        raise zoneinfo.ZoneInfoNotFoundError(key)

    monkeypatch.setattr(zoneinfo, "ZoneInfo", missing)
    assert paris_time(SUMMER).isoformat() == "2025-07-15T10:30:05+02:00"
    assert paris_time(WINTER).isoformat() == "2025-12-01T09:30:05+01:00"


def test_header_needs_an_aware_timestamp() -> None:
    with pytest.raises(ValidationError):
        FluxHeader(
            id_flux="x",
            timestamp=dt.datetime(2025, 1, 1),
            emitter_id_client="03VML243",
            certifier=Certifier(id_client="03VML243", id_contract="C"),
        )


# --------------------------------------------------------------------------- round trips

_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20
).filter(lambda s: s.strip() != "")
_dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def passages(draw: st.DrawFn) -> Passage:
    start = draw(_dates)
    access = draw(st.none() | st.sampled_from(list(AccessMode)))
    obtained = draw(st.sampled_from(list(Obtention)))
    if draw(st.booleans()):
        holder = cpf(last_name=draw(_text), first_name=draw(_text))
    else:
        place = draw(st.sampled_from(["insee", "postal", "none"]))
        holder = civil(
            birth_name=draw(_text),
            usage_name=draw(st.none() | _text),
            first_name=draw(_text),
            second_first_name=draw(st.none() | _text),
            birth_year=draw(st.integers(1900, 2099)),
            birth_month=None if place == "none" else 1,
            birth_day=None,
            sex=draw(st.sampled_from(list(Sex))),
            birth_insee_code="2B033" if place == "insee" else None,
            birth_postcode=draw(_text.map(lambda s: s[:9])) if place == "postal" else None,
            birth_town=draw(st.none() | _text),
        )
    return passage(
        technical_id=draw(_text),
        option_label=draw(st.none() | _text),
        obtained_by=obtained,
        definitive=draw(st.booleans()),
        valid_from=start,
        valid_until=draw(st.none() | st.just(start + dt.timedelta(days=365))),
        language_level=draw(st.none() | st.sampled_from(list(LanguageLevel))),
        digital_level=draw(
            st.none()
            | st.builds(
                DigitalLevel,
                general_score=st.none() | st.integers(1, 1000),
                results=st.lists(
                    st.builds(
                        DigitalResult,
                        level=st.none() | st.integers(1, 8),
                        domain_id=st.none() | st.sampled_from("12345"),
                        competence_id=st.none() | st.sampled_from("123"),
                    ),
                    max_size=3,
                ),
            )
        ),
        scoring=draw(_text) if obtained is Obtention.BY_SCORING else draw(st.none() | _text),
        mention=draw(st.none() | st.sampled_from(list(Mention))),
        access_mode=access,
        vae_route=draw(st.none() | st.sampled_from(list(VaeRoute)))
        if access is AccessMode.VAE
        else None,
        holder=holder,
        verbatim=draw(st.none() | _text),
    )


@given(st.lists(passages(), min_size=1, max_size=3))
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_any_valid_passage_survives_write_and_read(originals: list[Passage]) -> None:
    assert read_back(flux_bytes(*originals)) == originals


@pytest.mark.conformance
@given(st.lists(passages(), min_size=1, max_size=3))
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_any_valid_passage_validates_against_the_official_xsd(originals: list[Passage]) -> None:
    assert xsd_errors(_cached_schema(), flux_bytes(*originals)) == []


@functools.cache
def _cached_schema() -> etree.XMLSchema:
    return official_schema()


def test_write_flux_refuses_a_certification_without_passage() -> None:
    from io import BytesIO

    from rncpkit.accrochage import write_flux

    with pytest.raises(ValueError, match="RS5875 has no passage"):
        write_flux(BytesIO(), header(), [(CertificationRef(code="RS5875"), [])])


def test_paris_time_needs_an_aware_instant() -> None:
    with pytest.raises(ValueError, match="aware"):
        paris_time(dt.datetime(2025, 1, 1))
