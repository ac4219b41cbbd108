"""Open Badges 3.0 Achievements: content, block links, and JSON-LD parsing with the OB context."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import rncpkit
from rncpkit.cli import cli
from rncpkit.errors import OutputError
from rncpkit.formats import WriteOptions
from rncpkit.formats.openbadges import OB_CONTEXT, OpenBadgesWriter, markdown
from rncpkit.model import Certification
from tests.conftest import REAL_V41_SAMPLES, SAMPLES, reference

BASE = "https://data.example.fr/rncp/"
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"


def seed() -> Certification:
    return next(rncpkit.read(SAMPLES / "RNCP35080.xml"))


def badges(*certs: Certification, **options: Any) -> list[dict[str, Any]]:
    out = io.BytesIO()
    writer = OpenBadgesWriter(out, WriteOptions(**options))
    for cert in certs:
        writer.write(cert)
    writer.close()
    result: list[dict[str, Any]] = json.loads(out.getvalue())
    return result


def test_fiche_achievement() -> None:
    main, *blocks = badges(seed(), base_uri=BASE)
    assert main["@context"] == OB_CONTEXT
    assert main["id"] == BASE + "RNCP35080"
    assert main["type"] == ["Achievement"]
    assert main["achievementType"] == "Certification"
    assert main["humanCode"] == "RNCP35080"
    assert main["name"] == seed().title
    assert main["inLanguage"] == "fr"
    assert main["criteria"]["id"] == "https://www.francecompetences.fr/recherche/rncp/35080/"
    assert main["criteria"]["narrative"].startswith("## Modalités de validation\n\n")
    assert "- Rédaction d’un mémoire professionnel\n" in main["criteria"]["narrative"]
    assert main["creator"] == {
        "id": BASE + "organisation/siret/19753471200017",
        "type": ["Profile"],
        "name": "CONSERVATOIRE NATIONAL DES ARTS ET METIERS",
        "url": "https://cnam.fr",
        "otherIdentifier": [
            {
                "type": "IdentifierEntry",
                "identifier": "19753471200017",
                "identifierType": "ext:SIRET",
            }
        ],
    }
    eqf, *rest = main["alignment"]
    assert eqf == {
        "type": ["Alignment"],
        "targetName": "Level 7",
        "targetUrl": "http://data.europa.eu/snb/eqf/7",
        "targetFramework": "European Qualifications Framework (EQF)",
        "targetCode": "7",
        "targetType": "ext:EQF",
    }
    assert [(a["targetType"], a["targetCode"]) for a in rest] == [
        ("ext:ROME", "K1206"),
        ("ext:ROME", "M1301"),
        ("ext:ROME", "K1403"),
        ("ext:ROME", "K1802"),
        ("ext:ROME", "M1302"),
        ("ext:NSF", "332n"),
        ("ext:NSF", "310m"),
        ("ext:NSF", "330p"),
    ]
    assert rest[0]["targetName"] == "Intervention socioculturelle"
    assert main["fieldOfStudy"].startswith("Expertise sociale et projets sociaux, ")
    assert [r["id"] for r in main["related"]] == [b["id"] for b in blocks]
    assert len(blocks) == 4


def test_block_achievements_link_back() -> None:
    _main, first, *_ = badges(seed(), base_uri=BASE)
    assert first["id"] == BASE + "RNCP35080BC01"
    assert first["achievementType"] == "Competency"
    assert first["humanCode"] == "RNCP35080BC01"
    assert first["related"] == [{"id": BASE + "RNCP35080", "type": ["Related"], "inLanguage": "fr"}]
    assert first["description"].splitlines()[0] == (
        "- Construire et développer le projet de l’organisme en cohérence avec l’objet social "
        "de l’organisme"
    )
    assert first["criteria"]["narrative"].splitlines()[0] == (
        "- Présentation et analyse de cas pratiques"
    )
    assert [a["targetType"] for a in first["alignment"]] == ["ext:EQF"]


def test_rs_fiche_has_no_level_unless_given() -> None:
    rs = seed().model_copy(update={"number": "RS5000", "level": None, "blocks": []})
    (badge,) = badges(rs)
    assert "ext:EQF" not in [a["targetType"] for a in badge["alignment"]]
    assert "related" not in badge
    (badge,) = badges(rs, eqf_level=4)
    assert badge["alignment"][0]["targetUrl"] == "http://data.europa.eu/snb/eqf/4"
    # the level is the publisher's statement, and the badge says so
    assert badge["alignment"][0]["targetDescription"] == (
        "Sans objet : une certification du Répertoire spécifique n’a pas de niveau de "
        "qualification ; le cadre national des certifications professionnelles (décret "
        "n° 2019-14) ne classe que les certifications du RNCP. Niveau déclaré par l’éditeur "
        "de ce badge, non par France compétences."
    )
    (rncp,) = badges(seed().model_copy(update={"blocks": []}), eqf_level=4)
    assert "targetDescription" not in rncp["alignment"][0]


def test_empty_output_and_unencodable_text() -> None:
    assert badges() == []
    out = io.BytesIO()
    writer = OpenBadgesWriter(out, WriteOptions())
    with pytest.raises(OutputError):
        writer.write(seed().model_copy(update={"title": "lone \ud800 surrogate"}))
    writer.write(seed())
    writer.close()
    assert [b["humanCode"] for b in json.loads(out.getvalue())][:1] == ["RNCP35080"]


def test_markdown_lists() -> None:
    # the flux flattens line breaks into runs of three or more spaces
    assert markdown("    - Analyser    - Concevoir   - Évaluer") == (
        "- Analyser\n- Concevoir\n- Évaluer"
    )
    assert markdown("Analyser  et concevoir") == "Analyser  et concevoir"  # two: no break
    assert markdown("Épreuve écrite") == "Épreuve écrite"


def test_cli_converts_every_real_sample(tmp_path: Path) -> None:
    for name in REAL_V41_SAMPLES:
        target = tmp_path / f"{name}.json"
        result = CliRunner().invoke(
            cli,
            [
                "convert",
                str(reference("france-competences", name)),
                "--to",
                "openbadges",
                "-o",
                str(target),
            ],
        )
        assert result.exit_code == 0, result.output
        fiches = [
            b for b in json.loads(target.read_bytes()) if b["achievementType"] == "Certification"
        ]
        assert len(fiches) == (6 if "RNCP" in name else 5)


@pytest.mark.conformance
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_parses_as_json_ld_with_the_official_context() -> None:
    rdflib = pytest.importorskip("rdflib")
    context = json.loads(reference("europass", "openbadges-context-3.0.3.json").read_text("utf-8"))
    certs = [seed()]
    for name in REAL_V41_SAMPLES:
        certs.extend(rncpkit.read(reference("france-competences", name)))
    documents = badges(*certs, base_uri=BASE)
    used = {key for document in documents for key in _keys(document)}
    for document in documents:
        document["@context"] = context["@context"]
    graph = rdflib.Graph().parse(data=json.dumps(documents), format="json-ld")
    ob = rdflib.Namespace(OB)
    fiche = rdflib.URIRef(BASE + "RNCP35080")
    assert (fiche, rdflib.RDF.type, ob.Achievement) in graph
    assert (fiche, ob.humanCode, rdflib.Literal("RNCP35080")) in graph
    assert (fiche, ob.achievementType, rdflib.Literal("Certification")) in graph
    assert (fiche, ob.related, rdflib.URIRef(BASE + "RNCP35080BC04")) in graph
    creator = graph.value(fiche, ob.creator)
    entry = graph.value(creator, ob.otherIdentifier)
    assert graph.value(entry, ob.identifier) == rdflib.Literal("19753471200017")
    targets = {
        str(graph.value(a, rdflib.URIRef("https://schema.org/targetUrl")))
        for a in graph.objects(fiche, ob.alignment)
    }
    assert "http://data.europa.eu/snb/eqf/7" in targets
    # every key of every achievement is a term of the context: nothing is dropped silently
    known = set(context["@context"]) | set(context["@context"]["Achievement"]["@context"])
    for scoped in ("Profile", "Alignment", "IdentifierEntry", "Related"):
        known |= set(context["@context"][scoped]["@context"])
    assert used - known == {"@context"}
    achievements = set(graph.subjects(rdflib.RDF.type, ob.Achievement))
    assert len(achievements) == len(documents)


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        keys = set(value)
        for inner in value.values():
            keys |= _keys(inner)
        return keys
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value)) if value else set()
    return set()
