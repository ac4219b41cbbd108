"""Controlled-vocabulary URIs of ELM 3 / LOQ 3.1 that rncpkit uses, with their English labels.

Written from the ELM 3.1 controlled lists (EU Vocabularies concept schemes); only the concepts
an RNCP fiche can need are listed. Each scheme IRI is the targetNamespace of the list's XSD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rncpkit.model import AccessRouteCode

__all__ = [
    "ACTUAL",
    "APPRENTICESHIP",
    "ASSESSMENT_PATTERNS",
    "AUTHORITY",
    "EDC_CONTEXT",
    "EDUCATIONAL_PROGRAMME",
    "FORMAL",
    "FRANCE",
    "FRANCE_ATU",
    "FRENCH",
    "JOB_EXPERIENCE",
    "LOQ_NS",
    "LOQ_XSD_VERSION",
    "NQF_FRAMEWORK_FRANCE",
    "NQF_FRANCE",
    "OCCUPATION",
    "PROGRAM_LICENSE",
    "ROUTE_ACTIVITY",
    "SKILL",
    "SNB",
    "Term",
    "assessment_types",
    "eqf",
    "isced",
]

SNB = "http://data.europa.eu/snb/"
AUTHORITY = "http://publications.europa.eu/resource/authority/"

LOQ_NS = "http://data.europa.eu/snb/model/ap/loq-constraints/"
"""Target namespace of the LOQ XML binding (``loq.xsd`` 3.1.0)."""
LOQ_XSD_VERSION = "3.1.0"
EDC_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
"""The official ELM 3 JSON-LD context."""


@dataclass(frozen=True, slots=True)
class Term:
    """One concept of a controlled list: its URI, its scheme and its English label."""

    uri: str
    scheme: str
    label_en: str


def _term(path: str, scheme: str, label: str) -> Term:
    return Term(f"{SNB}{path}", f"{SNB}{scheme}/25831c2", label)


EQF_SCHEME = f"{SNB}eqf/25831c2"
NQF_SCHEME = f"{SNB}qdr/25831c2"
ISCED_SCHEME = f"{SNB}isced-f/25831c2"


def eqf(level: int) -> Term:
    """EQF level 1…8: ``http://data.europa.eu/snb/eqf/N``."""
    return Term(f"{SNB}eqf/{level}", EQF_SCHEME, f"Level {level}")


NQF_FRANCE: dict[int, Term] = {
    number: Term(f"{SNB}qdr/{code}", NQF_SCHEME, label)
    for number, code, label in (
        (3, "c_d7cce980", "NQF RNCP Level V"),
        (4, "c_40020d69", "NQF RNCP Level IV"),
        (5, "c_243aefbe", "NQF RNCP Level III"),
        (6, "c_5ad5d222", "NQF RNCP Level II-Grade de Licence"),
        (7, "c_828fbcc3", "NQF RNCP Level I-Master"),
        (8, "c_7ab73420", "NQF RNCP Level I-Doctorat"),
    )
}
"""National levels 3–8 (décret 2019-14) → the QDR list's pre-2019 RNCP levels V … I.

The QDR list bundled with LOQ 3.1 still has only the old levels; levels 1 and 2 have no
concept, so a fiche at EQF 1–2 cannot be expressed in LOQ.
"""


NQF_FRAMEWORK_FRANCE = Term(
    f"{SNB}qdr/c_c8bc1cb9", NQF_SCHEME, "French National Qualifications Framework"
)
"""The French framework itself, without a level: the NQF concept of an RS fiche written with
``--eqf-level`` (it has no national level; an RNCP level concept would be untrue)."""


def isced(code: str) -> Term:
    """An ISCED-F 2013 field: ``http://data.europa.eu/snb/isced-f/0413``."""
    return Term(f"{SNB}isced-f/{code}", ISCED_SCHEME, ISCED_LABELS.get(code, code))


FRENCH = Term(f"{AUTHORITY}language/FRA", f"{AUTHORITY}language", "French")
FRANCE = Term(f"{AUTHORITY}country/FRA", f"{AUTHORITY}country", "France")
FRANCE_ATU = Term(f"{AUTHORITY}atu/FRA", f"{AUTHORITY}atu", "France")

FORMAL = _term("learning-setting/6fd4685715", "learning-setting", "formal learning")
SKILL = _term("skill-type/skill", "skill-type", "skill")
OCCUPATION = _term("entitlement/52f62180c2", "entitlement", "occupation")
ACTUAL = _term("entitlement-status/b7015a8a8c", "entitlement-status", "actual")
PROGRAM_LICENSE = _term("accreditation/e57dddfcf3", "accreditation", "Program License")

APPRENTICESHIP = _term("learning-activity/d46a826a39", "learning-activity", "apprenticeship")
EDUCATIONAL_PROGRAMME = _term(
    "learning-activity/fd33e234ae", "learning-activity", "educational programme"
)
JOB_EXPERIENCE = _term("learning-activity/4357e0e681", "learning-activity", "job experience")

ROUTE_ACTIVITY: dict[AccessRouteCode, Term | None] = {
    AccessRouteCode.FI: EDUCATIONAL_PROGRAMME,
    AccessRouteCode.CA: APPRENTICESHIP,
    AccessRouteCode.FC: EDUCATIONAL_PROGRAMME,
    AccessRouteCode.CQ: APPRENTICESHIP,
    AccessRouteCode.CL: None,
    AccessRouteCode.VAE: JOB_EXPERIENCE,
}
"""Learning-activity type of each access route. Professionalisation contracts (CQ) are
work-study like apprenticeships; an individual application (CL) is no learning activity,
so its specification carries no type (the type is optional in LOQ)."""

WRITTEN = _term("assessment/6e6cb2cc78", "assessment", "written examination")
ORAL = _term("assessment/d30284d7df", "assessment", "oral examination")
PRACTICAL = _term("assessment/6a4db9f11d", "assessment", "practical assessment")
PROJECT = _term("assessment/795dac4096", "assessment", "project work")
PORTFOLIO = _term("assessment/4f03b91c0e", "assessment", "portfolio")
CONTINUOUS = _term("assessment/3484bd7e51", "assessment", "continuous evaluation")
QUIZ = _term("assessment/b1b68f6735", "assessment", "quiz")

ASSESSMENT_PATTERNS: tuple[tuple[Term, re.Pattern[str]], ...] = tuple(
    (term, re.compile(pattern))
    for term, pattern in (
        (WRITTEN, r"\b(?:écrite?s?|ecrite?s?|rédaction|redaction|épreuve écrite)\b"),
        (ORAL, r"\b(?:orale?s?|soutenance|entretiens?|présentation|presentation)\b"),
        (PRACTICAL, r"\b(?:mises? en situation|cas pratiques?|pratiques?|jeux de rôles?)\b"),
        (PROJECT, r"\b(?:projets?|mémoire|memoire|études? de cas|etudes? de cas)\b"),
        (PORTFOLIO, r"\b(?:dossiers?|portfolio|livret)\b"),
        (CONTINUOUS, r"\b(?:contrôle continu|controle continu|évaluation continue|ccf)\b"),
        (QUIZ, r"\b(?:qcm|questionnaires?|quiz|tests?)\b"),
    )
)
"""Words of ``MODALITES_EVALUATION`` that reveal an assessment type (a documented heuristic:
RNCP describes assessments in free text only). Patterns are lower case: the text is lowered
once rather than matched case-insensitively seven times."""


ASSESSMENT_STEMS: tuple[tuple[str, ...], ...] = (
    ("crit", "daction"),
    ("oral", "soutenance", "entretien", "sentation"),
    ("mise", "pratique", "jeu"),
    ("projet", "moire", "tude"),
    ("dossier", "portfolio", "livret"),
    ("continu", "ccf"),
    ("qcm", "questionnaire", "quiz", "test"),
)
"""For each of :data:`ASSESSMENT_PATTERNS`, substrings one of which every match contains
(``crit`` is in ``écrit``, ``ecrit`` and ``épreuve écrite``; ``moire`` in ``mémoire`` and
``memoire``…): a pattern is searched only when the text has one of them. Substring tests
are C-fast and most texts mention two or three types, so most regex searches are skipped
(on a 60 MB export the seven searches per text took 1.2 s of the 3.9 s spent building LOQ
graphs); the shortest common substrings make 21 tests a text instead of 27. The result is
exactly the patterns' (a test compares both on every real fiche)."""

_STEM_TESTS: tuple[tuple[int, str], ...] = tuple(
    (index, stem) for index, stems in enumerate(ASSESSMENT_STEMS) for stem in stems
)
"""(pattern index, stem) in order: one flat loop instead of a generator per pattern."""


def assessment_types(text: str | None) -> list[Term]:
    """The assessment types an assessment-methods text mentions, in vocabulary order."""
    if not text:
        return []
    lowered = text.lower()
    found: list[Term] = []
    done = -1  # the last pattern searched: its other stems are skipped
    for index, stem in _STEM_TESTS:
        if index != done and stem in lowered:
            done = index
            term, pattern = ASSESSMENT_PATTERNS[index]
            if pattern.search(lowered):
                found.append(term)
    return found


_MIXED = "Inter-disciplinary programmes and qualifications involving "

ISCED_LABELS: dict[str, str] = {
    "0011": "Basic programmes and qualifications",
    "0021": "Literacy and numeracy",
    "0031": "Personal skills and development",
    "0111": "Education science",
    "0114": "Teacher training with subject specialisation",
    "0211": "Audio-visual techniques and media production",
    "0212": "Fashion, interior and industrial design",
    "0213": "Fine arts",
    "0214": "Handicrafts",
    "0215": "Music and performing arts",
    "0221": "Religion and theology",
    "0222": "History and archaeology",
    "0223": "Philosophy and ethics",
    "0231": "Language acquisition",
    "0232": "Literature and linguistics",
    "0288": _MIXED + "arts and humanities",
    "0311": "Economics",
    "0312": "Political sciences and civics",
    "0313": "Psychology",
    "0314": "Sociology and cultural studies",
    "0321": "Journalism and reporting",
    "0322": "Library, information and archival studies",
    "0388": _MIXED + "social sciences, journalism and information",
    "0411": "Accounting and taxation",
    "0412": "Finance, banking and insurance",
    "0413": "Management and administration",
    "0414": "Marketing and advertising",
    "0415": "Secretarial and office work",
    "0416": "Wholesale and retail sales",
    "0421": "Law",
    "0511": "Biology",
    "0512": "Biochemistry",
    "0522": "Natural environments and wildlife",
    "0531": "Chemistry",
    "0532": "Earth sciences",
    "0533": "Physics",
    "0541": "Mathematics",
    "0588": _MIXED + "natural sciences, mathematics and statistics",
    "0612": "Database and network design and administration",
    "0613": "Software and applications development and analysis",
    "0711": "Chemical engineering and processes",
    "0712": "Environmental protection technology",
    "0713": "Electricity and energy",
    "0714": "Electronics and automation",
    "0715": "Mechanics and metal trades",
    "0716": "Motor vehicles, ships and aircraft",
    "0721": "Food processing",
    "0722": "Materials (glass, paper, plastic and wood)",
    "0723": "Textiles (clothes, footwear and leather)",
    "0724": "Mining and extraction",
    "0731": "Architecture and town planning",
    "0732": "Building and civil engineering",
    "0788": _MIXED + "engineering, manufacturing and construction",
    "0811": "Crop and livestock production",
    "0812": "Horticulture",
    "0821": "Forestry",
    "0831": "Fisheries",
    "0841": "Veterinary",
    "0888": _MIXED + "agriculture, forestry, fisheries and veterinary",
    "0912": "Medicine",
    "0913": "Nursing and midwifery",
    "0923": "Social work and counselling",
    "0988": _MIXED + "health and welfare",
    "1012": "Hair and beauty services",
    "1013": "Hotel, restaurants and catering",
    "1014": "Sports",
    "1015": "Travel, tourism and leisure",
    "1021": "Community sanitation",
    "1022": "Occupational health and safety",
    "1031": "Military and defence",
    "1032": "Protection of persons and property",
    "1041": "Transport services",
    "1088": _MIXED + "services",
}
"""English labels of the ISCED-F 2013 fields the NSF crosswalk uses."""
