"""The LOQ XML and ELM 3 JSON-LD binding of each graph entity, declared once: element,
graph attribute, kind and JSON-LD property, in the order the LOQ 3.1 XSD requires.

The ``europass-xml`` writer walks these tables to write a fiche's graph
(:mod:`rncpkit.europass.graph`) and its reader walks the same tables to read the graph
back before mapping it to the model, so writing and reading cannot disagree on an element,
its order or its meaning. The ``europass-jsonld`` writer walks them too (each slot's
JSON-LD property, in the same order; a ``lang-en`` slot adds its English text to the
language map of the property before it). ``docs/europass.md``'s element list is generated
from them.

Kinds: ``identifier`` (notation, scheme agency, scheme name), ``text`` (one element with
text), ``lang`` (text with ``language="fr"``; ``lang-en`` for English), ``notes`` (each
:class:`~rncpkit.europass.graph.Note` as ``additionalNote``), ``text-note`` (a text as a
note's ``noteLiteral``), ``web`` / ``webs`` (``contentUrl``), ``datetime``, ``bool``,
``concept`` / ``concepts`` (a URI), ``concepts-full`` (URI, label, notation, scheme),
``constant`` (a fixed concept, not an attribute), ``ref`` / ``refs`` (``idref``), and the
three composite kinds ``awarding``, ``registration`` and ``address``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from rncpkit.europass import vocab
from rncpkit.europass.vocab import Term

__all__ = [
    "ENTITIES",
    "JSONLD_TYPES",
    "OUTCOME",
    "Kind",
    "Slot",
    "mapping_markdown",
]

Kind = Literal[
    "identifier", "text", "lang", "lang-en", "notes", "text-note", "web", "webs", "datetime",
    "bool", "concept", "concepts", "concepts-full", "constant", "ref", "refs", "awarding",
    "registration", "address",
]  # fmt: skip


@dataclass(frozen=True)
class Slot:
    """One child element of an entity: its LOQ tag, the graph attribute it carries (None
    for a ``constant``), how it is written, and its ELM 3 JSON-LD property (``json``, the
    tag when empty; ``array`` for a single ``ref`` / ``constant`` that JSON-LD writes as a
    one-item array, as the ``edc-ap`` context and the SHACL shapes expect)."""

    tag: str
    attr: str | None
    kind: Kind
    constant: Term | None = None
    json: str = ""
    array: bool = False

    @property
    def json_name(self) -> str:
        """The JSON-LD property of this slot."""
        return self.json or self.tag


def _const(tag: str, term: Term, json: str = "", *, array: bool = False) -> Slot:
    return Slot(tag, None, "constant", term, json, array)


QUALIFICATION: Final = (
    Slot("identifier", "identifier", "identifier"),
    Slot("title", "title", "lang"),
    Slot("description", "description", "lang"),
    Slot("additionalNote", "notes", "notes"),
    Slot("homepage", "homepage", "web"),
    Slot("supplementaryDocument", "supplementary", "webs"),
    Slot("status", "status", "text"),
    Slot("modified", "modified", "datetime", json="dateModified"),
    Slot("type", "types", "concepts-full", json="dcType"),
    Slot("learningOutcomeSummary", "summary", "text-note"),
    Slot("ISCEDFCode", "isced", "concepts", json="thematicArea"),
    Slot("educationSubject", "subjects", "concepts-full"),
    Slot("educationLevel", "education_levels", "concepts-full"),
    _const("language", vocab.FRENCH, array=True),
    Slot("learningSetting", "setting", "concept"),
    Slot("entryRequirement", "entry", "text-note"),
    Slot("learningOutcome", "outcomes", "refs"),
    Slot("influencedBy", "influenced_by", "refs"),
    Slot("provenBy", "proven_by", "refs"),
    Slot("entitlesTo", "entitles_to", "refs"),
    Slot("hasPart", "has_part", "refs"),
    Slot("isPartOf", "is_part_of", "refs"),
    Slot("awardingOpportunity", "awarding", "awarding"),
    Slot("isPartialQualification", "partial", "bool"),
    Slot("EQFLevel", "eqf", "concept", json="eqfLevel"),
    Slot("NQFLevel", "nqf", "concepts", json="nqfLevel"),
    Slot("accreditation", "accreditation", "refs"),
)

OUTCOME: Final = (
    Slot("title", "title", "lang"),
    _const("type", vocab.SKILL, "dcType"),
)

ACTIVITY: Final = (
    Slot("title", "title", "lang"),
    Slot("additionalNote", "notes", "notes"),
    Slot("type", "types", "concepts", json="dcType"),
    Slot("influences", "influences", "ref", array=True),
)

ASSESSMENT: Final = (
    Slot("title", "title", "lang"),
    Slot("description", "description", "lang"),
    Slot("type", "types", "concepts", json="dcType"),
    Slot("proves", "proves", "ref", array=True),
    Slot("hasPart", "parts", "refs"),
)

ENTITLEMENT: Final = (
    Slot("title", "title", "lang"),
    Slot("description", "description", "lang"),
    Slot("additionalNote", "notes", "notes"),
    _const("type", vocab.OCCUPATION, "dcType"),
    _const("entitlementStatus", vocab.ACTUAL),
    _const("limitJurisdiction", vocab.FRANCE_ATU, array=True),
    Slot("limitNationalOccupation", "occupations", "concepts-full"),
    Slot("entitledBy", "entitled_by", "ref", array=True),
)

ORGANISATION: Final = (
    Slot("skos:altLabel", "alt_name", "lang", json="altLabel"),
    Slot("legalName", "name", "lang"),
    Slot("registration", "siret", "registration"),
    Slot("homepage", "homepage", "web"),
    Slot("location", "location", "ref", array=True),
)

ACCREDITATION: Final = (
    _const("type", vocab.PROGRAM_LICENSE, "dcType"),
    Slot("title", "title", "lang"),
    Slot("title", "title_en", "lang-en"),
    Slot("organisation", "organisations", "refs"),
    Slot("limitQualification", "qualification", "ref"),
    Slot("accreditingAgent", "agent", "ref"),
    Slot("issued", "issued", "datetime", json="dateIssued"),
    Slot("expiryDate", "expiry", "datetime"),
    Slot("valid", "valid", "datetime"),
)

LOCATION: Final = (Slot("address", "country", "address"),)

ENTITIES: Final = {
    "qualification": QUALIFICATION,
    "learningOutcome": OUTCOME,
    "learningActivitySpecification": ACTIVITY,
    "learningAssessmentSpecification": ASSESSMENT,
    "learningEntitlementSpecification": ENTITLEMENT,
    "organisation": ORGANISATION,
    "accreditation": ACCREDITATION,
    "location": LOCATION,
}
"""Each entity's element name and its slots, in the order of the LOQ containers."""

JSONLD_TYPES: Final = {
    "qualification": "Qualification",
    "learningOutcome": "LearningOutcome",
    "learningActivitySpecification": "LearningActivitySpecification",
    "learningAssessmentSpecification": "LearningAssessmentSpecification",
    "learningEntitlementSpecification": "LearningEntitlementSpecification",
    "organisation": "Organisation",
    "accreditation": "Accreditation",
    "location": "Location",
}
"""Each entity's ELM 3 JSON-LD class (its node's ``type``)."""


def mapping_markdown() -> str:
    """The LOQ element list of ``docs/europass.md``, generated from the tables."""
    rows = [
        "| LOQ entity | element | graph attribute | kind | JSON-LD (class.property) |",
        "|---|---|---|---|---|",
    ]
    for entity, slots in ENTITIES.items():
        for slot in slots:
            value = (
                f"`{slot.attr}`" if slot.attr else f"`{slot.constant.uri}`" if slot.constant else ""
            )
            json = f"`{JSONLD_TYPES[entity]}.{slot.json_name}`" + (
                " (en)" if slot.kind == "lang-en" else ""
            )
            rows.append(f"| `{entity}` | `{slot.tag}` | {value} | {slot.kind} | {json} |")
    return "\n".join(rows) + "\n"
