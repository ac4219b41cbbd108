"""The certification model: identifiers, derived helpers, JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
import pydoc
import typing

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from rncpkit.formats import fc_xml, xmltable
from rncpkit.model import (
    AccessRoute,
    AccessRouteCode,
    Certification,
    CompetenceBlock,
    Level,
    Repertoire,
    RomeOccupation,
    siret_checksum_ok,
)


def make(**fields: object) -> Certification:
    return Certification.model_validate({"number": "RNCP35080", "title": "Manager", **fields})


@pytest.mark.parametrize("number", ["RNCP35080", "RS5000", "RNCP1"])
def test_valid_fiche_numbers(number: str) -> None:
    assert make(number=number).number == number


@pytest.mark.parametrize("number", ["rncp35080", "RNCP", "RS-5000", "35080", "RNCP35080 "])
def test_invalid_fiche_numbers_are_rejected(number: str) -> None:
    with pytest.raises(ValidationError, match="number"):
        make(number=number)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rome", [{"code": "K120"}]),
        ("rome", [{"code": "k1206"}]),
        ("nsf", [{"code": "3320"}]),
        ("nsf", [{"code": "332N"}]),
        ("formacodes", [{"code": "3213"}]),
        ("certifiers", [{"name": "X", "siret": "1975347120001"}]),
        ("certifiers", [{"name": "X", "siret": "1975347120001A"}]),
    ],
)
def test_invalid_codes_are_rejected(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        make(**{field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("number", "RNCP١٢"),  # non-ASCII digits
        ("fiche_id", -1),
        ("registration_years", -5),
        ("statistics", [{"year": 2022, "certified": -1}]),
        ("level_granted_years", [-2020]),
    ],
)
def test_non_ascii_digits_and_negative_counts_are_rejected(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        make(**{field: value})


def test_codes_with_valid_formats_are_accepted() -> None:
    cert = make(
        rome=[{"code": "K1206"}],
        nsf=[{"code": "332n"}, {"code": "310"}],
        formacodes=[{"code": "32135"}],
        certifiers=[{"name": "CNAM", "siret": "19753471200017"}],
    )
    assert [r.code for r in cert.rome] == ["K1206"]
    assert [n.code for n in cert.nsf] == ["332n", "310"]


@pytest.mark.parametrize(
    ("siret", "ok"),
    [
        ("19753471200017", True),  # Cnam
        ("81738914100018", True),
        ("19753471200018", False),
        ("35600000000010", True),  # La Poste: digit sum multiple of 5
        ("35600000000011", False),
        ("1234", False),
    ],
)
def test_siret_checksum(siret: str, ok: bool) -> None:
    assert siret_checksum_ok(siret) is ok


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        make(colour="blue")


@pytest.mark.parametrize(
    ("level", "eqf"),
    [(Level.NIV3, 3), (Level.NIV7, 7), (Level.NIV8, 8), (Level.REPRISE, None), (None, None)],
)
def test_eqf_level(level: Level | None, eqf: int | None) -> None:
    assert make(level=level).eqf_level == eqf


def test_repertoire_follows_the_number() -> None:
    assert make(number="RNCP35080").repertoire is Repertoire.RNCP
    assert make(number="RS5000").repertoire is Repertoire.RS


def test_in_force_on_covers_start_to_end_inclusive() -> None:
    cert = make(decision_date=dt.date(2020, 11, 18), registration_end=dt.date(2025, 11, 18))
    assert not cert.in_force_on(dt.date(2020, 11, 17))
    assert cert.in_force_on(dt.date(2020, 11, 18))
    assert cert.in_force_on(dt.date(2025, 11, 18))
    assert not cert.in_force_on(dt.date(2025, 11, 19))
    assert not make().in_force_on(dt.date(2025, 1, 1))  # no end date: not in force


def test_block_codes_and_open_routes() -> None:
    cert = make(
        blocks=[
            CompetenceBlock(code="RNCP35080BC01", label="a"),
            CompetenceBlock(code="RNCP35080BC02", label="b"),
        ],
        access_routes={
            AccessRouteCode.VAE: AccessRoute(open=True),
            AccessRouteCode.FI: AccessRoute(open=False),
            AccessRouteCode.CA: AccessRoute(open=True),
        },
    )
    assert cert.block_codes == ["RNCP35080BC01", "RNCP35080BC02"]
    assert cert.open_routes() == [AccessRouteCode.CA, AccessRouteCode.VAE]


def test_lists_are_always_lists() -> None:
    cert = make(rome=[RomeOccupation(code="K1206")])
    assert isinstance(cert.rome, list)
    assert make().partners == []


def test_json_schema_documents_every_field() -> None:
    schema = Certification.model_json_schema()
    assert schema["required"] == ["number", "title"]
    assert set(schema["properties"]) == set(Certification.model_fields)
    assert schema["properties"]["number"]["pattern"] == "^(RNCP|RS)[0-9]+$"


def test_dates_are_iso_in_json() -> None:
    cert = make(decision_date=dt.date(2020, 11, 18))
    assert '"decision_date":"2020-11-18"' in cert.model_dump_json()
    assert Certification.model_validate_json(cert.model_dump_json()) == cert


def test_page_url_is_the_public_fiche_page() -> None:
    assert make().page_url == "https://www.francecompetences.fr/recherche/rncp/35080/"
    assert make(number="RS5000").page_url == "https://www.francecompetences.fr/recherche/rs/5000/"


def test_flattened_lines_recover_the_lines_of_a_v41_text() -> None:
    from rncpkit.model.text import flattened_lines

    text = (
        "Quatre axes :    - Fonction 1 : piloter    -Fonction 2 : gérer"
        "        o sous-point  organiser\r\n3. Évaluer      fin"
    )
    assert flattened_lines(text) == [
        (False, "Quatre axes :"),
        (True, "Fonction 1 : piloter"),
        (True, "Fonction 2 : gérer"),
        (True, "sous-point  organiser"),
        (False, "3. Évaluer"),
        (False, "fin"),
    ]
    assert flattened_lines("   ") == [] and flattened_lines(None) == []
    assert flattened_lines("organiser") == [(False, "organiser")]


def _model_of(annotation: object) -> type[BaseModel] | None:
    """The model class inside ``X``, ``X | None``, ``list[X]`` or ``dict[K, X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_of(argument)
        if found is not None:
            return found
    return None


def _check_table(group: xmltable.Group, model: type[BaseModel], seen: set[str]) -> None:
    for node in group.children:
        if node.key is None:
            assert isinstance(node, xmltable.Group)
            _check_table(node, model, seen)  # an inline container: its fields are the model's
            continue
        name = node.key[0] if isinstance(node.key, tuple) else node.key
        if name == "v":  # the single value of a scalar list, described by its list field
            continue
        description = model.model_fields[name].description or ""
        # the element itself, or (for SI_JURY_FI…) the family it belongs to
        tag = "SI_JURY_" if isinstance(node.key, tuple) else node.tag
        assert tag in description, (model.__name__, name, node.tag, description)
        seen.add(f"{model.__name__}.{name}")
        if isinstance(node, xmltable.ListOf) and node.scalar:
            assert node.children[0].tag in description, (name, description)
        elif isinstance(node, xmltable.Group) and not getattr(node, "scalar", None):
            inner = _model_of(model.model_fields[name].annotation)
            assert inner is not None, name
            _check_table(node, inner, seen)


def test_every_field_names_its_france_competences_element() -> None:
    """Item 19: each field's description names the element the fc-xml table maps to it, so
    ``help()``, IDE hovers and the JSON Schema (``rncpkit schema``) carry it."""
    seen: set[str] = set()
    _check_table(fc_xml.V41, Certification, seen)
    models = {
        Certification,
        *(_model_of(f.annotation) for f in Certification.model_fields.values()),
    }
    for model in filter(None, models):
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name} has no description"
            assert "France Compétences element" in info.description, (model.__name__, name)
            if "Not a France Compétences element" not in info.description:
                assert f"{model.__name__}.{name}" in seen, f"{model.__name__}.{name} not in V41"
    schema = Certification.model_json_schema()
    assert "NUMERO_FICHE" in schema["properties"]["number"]["description"]
    partner = schema["$defs"]["Partner"]["properties"]["siret"]
    assert "SIRET_PARTENAIRE" in partner["description"]
    assert "NUMERO_FICHE" in (pydoc.render_doc(Certification, renderer=pydoc.plaintext))


def test_assignment_is_validated() -> None:
    cert = make()
    with pytest.raises(ValidationError, match="level"):
        cert.level = "bogus"  # type: ignore[assignment]
    with pytest.raises(ValidationError, match="number"):
        cert.number = "35080"
    with pytest.raises(ValidationError, match="name"):
        cert.partners = [{"siret": "19753471200017"}]  # type: ignore[list-item]
    assert cert.level is None and cert.partners == []  # a refused assignment changes nothing
    cert.decision_date = "2020-11-18"  # type: ignore[assignment]
    assert cert.decision_date == dt.date(2020, 11, 18)


@pytest.mark.parametrize("given", [7, "7", "NIV7", Level.NIV7])
def test_level_accepts_a_number_for_niv(given: object) -> None:
    assert make(level=given).level is Level.NIV7
    cert = make()
    cert.level = given  # type: ignore[assignment]
    assert cert.level is Level.NIV7
    assert (
        Certification.model_validate_json(
            f'{{"number": "RNCP1", "title": "t", "level": {json.dumps(given)}}}'
        ).level
        is Level.NIV7
    )


@pytest.mark.parametrize("given", [2, 9, "9", True, 7.0, "niv7", " 7", "", "REPRISE7"])
def test_level_refuses_what_is_no_level(given: object) -> None:
    with pytest.raises(ValidationError, match="level"):
        make(level=given)


def test_competence_items_are_the_lines_of_the_flattened_text() -> None:
    block = CompetenceBlock(
        code="RNCP35080BC01",
        label="Piloter",
        competences="Identifier les besoins    - Analyser le marché    - Définir l’offre",
        assessment_methods="Étude de cas.      Mise en situation professionnelle",
    )
    assert block.competence_items == [
        "Identifier les besoins",
        "Analyser le marché",
        "Définir l’offre",
    ]
    assert block.assessment_items == ["Étude de cas.", "Mise en situation professionnelle"]
    assert CompetenceBlock(code="X", label="y").competence_items == []
    cert = make(
        activities="Gérer    - budgets    - équipes",
        attested_skills="        * Négocier        * Conclure",
        sectors="Commerce",
        job_types=None,
    )
    assert cert.activity_items == ["Gérer", "budgets", "équipes"]
    assert cert.attested_skill_items == ["Négocier", "Conclure"]
    assert cert.sector_items == ["Commerce"]
    assert cert.job_type_items == []
    # the derived lists follow the text: they are not stored, so never stale
    block.competences = "    - Un    - Deux"
    assert block.competence_items == ["Un", "Deux"]
    assert "competence_items" not in block.model_dump()


@given(st.text(alphabet="0123456789١٢x ", min_size=12, max_size=15))
def test_siret_checksum_equals_the_plain_luhn(siret: str) -> None:
    """The C-level sums give the textbook Luhn (and La Poste's digit sum) on any input."""
    from rncpkit.model.types import _luhn_any_digits

    expected = len(siret) == 14 and siret.isdigit() and _luhn_any_digits(siret)
    assert siret_checksum_ok(siret) is expected
    poste = "356000000" + siret[:5]
    if poste.isdigit():
        assert siret_checksum_ok(poste) is (sum(int(d) for d in poste) % 5 == 0)
