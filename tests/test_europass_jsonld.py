"""Europass ELM 3 JSON-LD: content, RDF parsing with the official context, SHACL conformance.

The SHACL check works around two defects of the official shapes that a Python validator
meets:

* ``LOQ-constraints.ttl`` has three URL/URI ``sh:pattern`` regexes in Java-only syntax
  (``(?i)`` in mid-pattern, ``\\p{L}``) that Python's ``re`` cannot compile; they are stripped
  before validating. They only constrain ``contentUrl`` syntax.
* ``LOQ-constraints-mdr.ttl`` 1.1.0 requires ``elm:status`` 1..1 *as an IRI of the
  entitlement-status scheme* on every entitlement specification, while
  ``LOQ-constraints.ttl`` puts that value in ``elm:entitlementStatus`` and types ``elm:status``
  as a publication-status string: no entitlement can satisfy both. Against the mdr file, that
  violation is the expected and only one.
"""

from __future__ import annotations

import collections
import datetime as dt
import io
import json
import re
from typing import Any

import pytest

import rncpkit
from rncpkit.errors import OutputError
from rncpkit.europass import loq_table, vocab
from rncpkit.formats import WriteOptions
from rncpkit.formats.europass_jsonld import XSD_DATETIME, JsonLdWriter
from rncpkit.model import Certification
from tests.conftest import REAL_V41_SAMPLES, SAMPLES, reference

rdflib = pytest.importorskip("rdflib")
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
BASE = "https://data.example.fr/rncp/"
ELM = "http://data.europa.eu/snb/model/elm/"


def seed() -> Certification:
    return next(rncpkit.read(SAMPLES / "RNCP35080.xml"))


def jsonld(*certs: Certification, **options: Any) -> dict[str, Any]:
    out = io.BytesIO()
    writer = JsonLdWriter(out, WriteOptions(**options))
    for cert in certs:
        writer.write(cert)
    writer.close()
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


def node(document: dict[str, Any], ident: str) -> dict[str, Any]:
    (found,) = [n for n in document["@graph"] if n["id"] == ident]
    return found  # type: ignore[no-any-return]


def test_document_shape_and_qualification_content() -> None:
    document = jsonld(seed(), base_uri=BASE)
    assert document["@context"] == [
        "http://data.europa.eu/snb/model/context/edc-ap",
        {"id": "@id", "type": "@type"},
    ]
    q = node(document, BASE + "RNCP35080")
    assert q["type"] == "Qualification"
    assert q["identifier"] == [
        {
            "type": "Identifier",
            "notation": "RNCP35080",
            "schemeName": "Répertoire national des certifications professionnelles (RNCP)",
            "schemeAgency": {"fr": "France compétences"},
        }
    ]
    assert q["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/7"
    assert q["eqfLevel"]["inScheme"]["id"] == "http://data.europa.eu/snb/eqf/25831c2"
    assert [c["id"] for c in q["nqfLevel"]] == ["http://data.europa.eu/snb/qdr/c_828fbcc3"]
    assert [c["id"].rsplit("/", 1)[1] for c in q["thematicArea"]] == ["0923", "0413", "0988"]
    assert q["hasPart"] == [BASE + f"RNCP35080BC0{i}" for i in range(1, 5)]
    assert q["isPartialQualification"] is False
    assert len(q["learningOutcome"]) == 15
    body = q["awardingOpportunity"][0]["awardingBody"]
    assert body == [BASE + "organisation/siret/19753471200017"]
    org = node(document, body[0])
    assert org["registration"]["notation"] == "19753471200017"
    assert org["registration"]["schemeName"] == "SIRET"
    block = node(document, BASE + "RNCP35080BC01")
    assert block["isPartialQualification"] is True and block["isPartOf"] == [q["id"]]
    (entitlement,) = [
        n for n in document["@graph"] if n["type"] == "LearningEntitlementSpecification"
    ]
    assert [c["notation"] for c in entitlement["limitNationalOccupation"]] == [
        "K1206",
        "M1301",
        "K1403",
        "K1802",
        "M1302",
    ]


def test_same_graph_as_the_xml() -> None:
    """Every id of the XML document is a node of the JSON-LD document, and vice versa."""
    from rncpkit.formats.europass_xml import LoqWriter

    out = io.BytesIO()
    writer = LoqWriter(out, WriteOptions(base_uri=BASE))
    writer.write(seed())
    writer.close()
    xml_ids = set(re.findall(rb' id="([^"]+)"', out.getvalue()))
    json_ids = {n["id"].encode() for n in jsonld(seed(), base_uri=BASE)["@graph"]}
    assert xml_ids == json_ids


def test_errors_and_shared_nodes() -> None:
    rs = seed().model_copy(update={"number": "RS5000", "level": None})
    with pytest.raises(OutputError) as caught:
        jsonld(rs)
    assert (caught.value.fiche, caught.value.field) == ("RS5000", "level")
    twin = seed().model_copy(update={"number": "RNCP99999", "blocks": []})
    document = jsonld(seed(), twin)
    kinds = collections.Counter(n["type"] for n in document["@graph"])
    assert kinds["Organisation"] == 2 and kinds["Location"] == 1
    assert kinds["Qualification"] == 6  # two fiches, four blocks


def _rdf(document: dict[str, Any]) -> Any:
    """Parse with the official context read from the reference folder (never the network)."""
    context = json.loads(reference("europass", "edc-ap-context.jsonld").read_text("utf-8"))
    local = dict(document)
    local["@context"] = [
        context["@context"] if c == vocab.EDC_CONTEXT else c for c in document["@context"]
    ]
    return rdflib.Graph().parse(data=json.dumps(local), format="json-ld")


@pytest.mark.conformance
def test_parses_as_rdf_with_the_official_context() -> None:
    graph = _rdf(jsonld(seed(), base_uri=BASE))
    q = rdflib.URIRef(BASE + "RNCP35080")
    elm = rdflib.Namespace(ELM)
    assert (q, rdflib.RDF.type, elm.Qualification) in graph
    assert (q, elm.EQFLevel, rdflib.URIRef("http://data.europa.eu/snb/eqf/7")) in graph
    assert (q, elm.ISCEDFCode, rdflib.URIRef("http://data.europa.eu/snb/isced-f/0413")) in graph
    assert (q, elm.hasPart, rdflib.URIRef(BASE + "RNCP35080BC03")) in graph
    titles = list(graph.objects(q, rdflib.URIRef("http://purl.org/dc/terms/title")))
    assert [(str(t), t.language) for t in titles] == [(seed().title, "fr")]


def _shapes(name: str) -> Any:
    text = reference("europass", "shacl", name).read_text("utf-8")
    java_only = re.compile(r'\n\s*sh:pattern "[^"\n]*(?:\\\\p\{L\}|\(\?i\))[^"\n]*" ;')
    stripped, count = java_only.subn("\n", text)
    if name == "LOQ-constraints.ttl":
        assert count == 3  # the three Java-only patterns; no other constraint removed
    return rdflib.Graph().parse(data=stripped, format="turtle")


def _all_certifications() -> list[Certification]:
    certs = [seed()]
    for name in REAL_V41_SAMPLES:
        certs.extend(rncpkit.read(reference("france-competences", name)))
    return certs


@pytest.mark.conformance
def test_conforms_to_loq_constraints() -> None:
    pyshacl = pytest.importorskip("pyshacl")
    shapes = _shapes("LOQ-constraints.ttl")
    data = _rdf(jsonld(*_all_certifications(), eqf_level=5))
    conforms, _graph, report = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert conforms, report
    # the shapes do bite: without NQF level and ISCED-F the qualification is refused
    broken = jsonld(seed())
    for key in ("nqfLevel", "thematicArea"):
        del broken["@graph"][0][key]
    conforms, _graph, report = pyshacl.validate(_rdf(broken), shacl_graph=shapes)
    assert not conforms
    assert "NQFLevel" in report and "ISCEDFCode" in report


@pytest.mark.conformance
def test_mdr_shapes_report_only_the_known_entitlement_conflict() -> None:
    pyshacl = pytest.importorskip("pyshacl")
    shapes = _shapes("LOQ-constraints-mdr.ttl")
    certs = _all_certifications()
    conforms, results, _text = pyshacl.validate(
        _rdf(jsonld(*certs, eqf_level=5)), shacl_graph=shapes, inference="none"
    )
    violations = results.query(
        """PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?focus ?path WHERE { ?r a sh:ValidationResult ; sh:focusNode ?focus ;
                                      sh:resultPath ?path }"""
    )
    found = sorted((str(row.focus), str(row.path)) for row in violations)
    with_jobs = [c.number for c in certs if c.job_types or c.rome or c.activity_regulations]
    expected = sorted(
        (f"https://rncpkit.invalid/{number}/occupations", ELM + "status") for number in with_jobs
    )
    assert not conforms
    assert found == expected


def test_every_declared_jsonld_name_is_a_term_of_the_official_context() -> None:
    """The JSON-LD property of each LOQ table slot and each entity class is an ``edc-ap``
    term: a misspelt name in the table would silently vanish from the RDF."""
    context = json.loads(reference("europass", "edc-ap-context.jsonld").read_text("utf-8"))
    terms = context["@context"]
    names = {
        loq_table.json_name(e) for entity in loq_table.ENTITIES for e in loq_table.elements(entity)
    }
    names |= set(loq_table.JSONLD_TYPES.values())
    assert "dcType" in names and "thematicArea" in names and "type" not in names
    assert sorted(name for name in names if name not in terms) == []


def test_nodes_follow_the_loq_table() -> None:
    """Each node's properties are its entity's table slots' JSON-LD names, in table order
    (the writer walks the one table the LOQ XML writer walks)."""
    document = jsonld(seed(), base_uri=BASE)
    entity_of = {kind: tag for tag, kind in loq_table.JSONLD_TYPES.items()}
    seen = set()
    for n in document["@graph"]:
        order = [loq_table.json_name(e) for e in loq_table.elements(entity_of[n["type"]])]
        keys = list(n)[2:]
        assert list(n)[:2] == ["id", "type"]
        assert keys == sorted(keys, key=order.index), n["type"]
        seen.add(n["type"])
    assert seen == set(loq_table.JSONLD_TYPES.values())
    accreditation = next(n for n in document["@graph"] if n["type"] == "Accreditation")
    assert set(accreditation["title"]) == {"fr", "en"}  # the lang-en slot joins "title"
    assert accreditation["dcType"]["id"] == vocab.PROGRAM_LICENSE.uri
    fiche = node(document, BASE + "RNCP35080")
    dated = seed().model_copy(update={"publication_date": dt.date(2024, 3, 1)})
    modified = node(jsonld(dated, base_uri=BASE), BASE + "RNCP35080")["dateModified"]
    assert modified == {"@value": "2024-03-01T00:00:00", "@type": XSD_DATETIME}
    assert [c["id"] for c in fiche["language"]] == [vocab.FRENCH.uri]
