"""What the supplement (HTML, XML), the LOQ and its JSON-LD say about the registration, for
every real RNCP and RS fiche, in both languages: the register (RNCP, article L. 6113-5, or
Répertoire spécifique, article L. 6113-6), by right or on request, whether it has ended and
when, and that an RS fiche has no level by nature. The expected sentences are written out
here, in full, so that any change of wording must be made on purpose."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from lxml import etree

from rncpkit import api, xmlsafe
from rncpkit.formats import WriteOptions
from rncpkit.formats import supplement_html as sh
from rncpkit.formats import supplement_xml as sx
from rncpkit.model import Certification
from rncpkit.supplement.content import NAMESPACE
from tests.conftest import SAMPLES, reference

# number: (register, by right?, in force?, end date) — read by eye from the real exports
FICHES: dict[str, tuple[str, bool, bool, str]] = {
    "RS6232": ("RS", False, False, "25/01/2026"),
    "RS5719": ("RS", True, True, "31/12/2026"),
    "RS6547": ("RS", False, True, "27/03/2027"),
    "RS5000": ("RS", False, False, "24/05/2024"),
    "RS7485": ("RS", False, True, "18/12/2027"),
    "RNCP34762": ("RNCP", True, False, "31/08/2024"),
    "RNCP35809": ("RNCP", True, True, "31/08/2026"),
    "RNCP35419": ("RNCP", False, False, "17/03/2026"),
    "RNCP40344": ("RNCP", False, True, "28/03/2028"),
    "RNCP37674": ("RNCP", True, True, "01/09/2028"),
    "RNCP39568": ("RNCP", True, True, "31/08/2029"),
    "RNCP35080": ("RNCP", False, False, "18/11/2025"),  # the embedded sample
}

RNCP_FR = "répertoire national des certifications professionnelles (RNCP)"
RNCP_EN = (
    "national register of professional certifications (RNCP, répertoire national des "
    "certifications professionnelles)"
)
STATEMENTS = {
    ("RNCP", False, "fr"): (
        f"Enregistrement sur demande au {RNCP_FR}, par décision du directeur général de France "
        "compétences après avis de la commission de la certification professionnelle, pour une "
        "durée limitée de cinq ans au plus (article L. 6113-5 du code du travail)."
    ),
    ("RNCP", False, "en"): (
        f"Registered on request in the {RNCP_EN} by decision of the director general of France "
        "compétences, after the opinion of its professional certification committee (commission "
        "de la certification professionnelle), for a limited period of at most five years "
        "(article L. 6113-5 of the French Labour Code)."
    ),
    ("RNCP", True, "fr"): (
        f"Enregistrement de droit au {RNCP_FR}, à la demande du ministère qui la délivre : les "
        "diplômes et titres à finalité professionnelle délivrés au nom de l’État y sont "
        "enregistrés pour la durée de leur validité (article L. 6113-5 du code du travail)."
    ),
    ("RNCP", True, "en"): (
        f"Registered by right in the {RNCP_EN}, at the request of the ministry awarding it: the "
        "vocational diplomas and titles awarded in the name of the State are registered for as "
        "long as they are valid (article L. 6113-5 of the French Labour Code)."
    ),
    ("RS", False, "fr"): (
        "Enregistrement sur demande au Répertoire spécifique (RS), par décision du directeur "
        "général de France compétences après avis de la commission de la certification "
        "professionnelle, pour une durée limitée de cinq ans au plus (article L. 6113-6 du code "
        "du travail)."
    ),
    ("RS", False, "en"): (
        "Registered on request in the Répertoire spécifique (RS) by decision of the director "
        "general of France compétences, after the opinion of its professional certification "
        "committee (commission de la certification professionnelle), for a limited period of at "
        "most five years (article L. 6113-6 of the French Labour Code)."
    ),
    ("RS", True, "fr"): (
        "Enregistrement de droit au Répertoire spécifique (RS) (article L. 6113-6 du code du "
        "travail)."
    ),
    ("RS", True, "en"): (
        "Registered by right in the Répertoire spécifique (RS) (article L. 6113-6 of the French "
        "Labour Code)."
    ),
}
NO_LEVEL = {
    "fr": "Sans objet : une certification du Répertoire spécifique n’a pas de niveau de "
    "qualification ; le cadre national des certifications professionnelles (décret "
    "n° 2019-14) ne classe que les certifications du RNCP.",
    "en": "Not applicable: a certification registered in the Répertoire spécifique has no "
    "qualification level; the national framework of professional certifications (Decree "
    "No. 2019-14) grades RNCP certifications only.",
}
TYPE_ROW = {
    (False, "fr"): "Type d’enregistrement Enregistrement sur demande",
    (True, "fr"): "Type d’enregistrement Enregistrement de droit",
    (False, "en"): "Type of registration Registered on request",
    (True, "en"): "Type of registration Registered by right",
}
FICHE_LINK = {
    ("RNCP", "fr"): "Fiche au RNCP :",
    ("RNCP", "en"): "Fiche in the RNCP:",
    ("RS", "fr"): "Fiche au Répertoire spécifique :",
    ("RS", "en"): "Fiche in the Répertoire spécifique:",
}


RNCP_ONLY_WORDING = [
    "répertoire national", "national register", "Fiche au RNCP", "Fiche in the RNCP",
    "RNCP fiche", "RNCP data", "L. 6113-5", "Niveau national", "National level",
]  # fmt: skip


def state(in_force: bool, end: str, lang: str) -> str:
    if in_force:
        return {"fr": f"Enregistrement en vigueur jusqu’au {end}.", "en": f"Registration in "
                f"force until {end}."}[lang]  # fmt: skip
    return {
        "fr": f"L’enregistrement a pris fin : il était valable jusqu’au {end}.",
        "en": f"The registration has ended: it was valid until {end}.",
    }[lang]


def fiches() -> list[Certification]:
    found = list(api.read(SAMPLES / "RNCP35080.xml"))
    for name in ("export_fiches_RNCP_V4_1_sample.xml", "export_fiches_RS_V4_1_sample.xml"):
        found.extend(api.read(reference("france-competences", name)))
    return found


@pytest.fixture(scope="module")
def real() -> list[Certification]:
    return fiches()


def page_text(page: str) -> str:
    text = re.sub(r"<(style|title)>.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", text))).strip()


def without_french_content(page: str) -> str:
    """The English page's own words: the fiche's French content (``lang="fr"``) removed."""
    root = etree.fromstring(page.split("\n", 1)[1].encode(), etree.HTMLParser())
    for element in root.xpath("//body//*[@lang='fr']"):
        element.getparent().remove(element)
    for element in root.xpath("//style|//title"):
        element.getparent().remove(element)
    return re.sub(r"\s+", " ", " ".join(root.itertext()))


@pytest.mark.conformance
def test_every_real_fiche_is_known_to_this_test(real: list[Certification]) -> None:
    assert sorted(c.number for c in real) == sorted(FICHES)
    for c in real:
        register, by_right, in_force, end = FICHES[c.number]
        assert (c.repertoire.value, c.registration_type.value if c.registration_type else "") == (
            register,
            "Enregistrement de droit" if by_right else "Enregistrement sur demande",
        )
        assert c.active is in_force and c.registration_end is not None
        assert c.registration_end.strftime("%d/%m/%Y") == end


@pytest.mark.conformance
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_html_states_register_kind_state_and_level(real: list[Certification], lang: str) -> None:
    for c in real:
        register, by_right, in_force, end = FICHES[c.number]
        text = page_text(sh.render(c, lang))
        assert STATEMENTS[register, by_right, lang] in text, c.number
        assert state(in_force, end, lang) in text, c.number
        assert TYPE_ROW[by_right, lang] in text, c.number
        assert FICHE_LINK[register, lang] in text, c.number
        if register == "RS":
            assert NO_LEVEL[lang] in text, c.number
            # nothing RNCP-only reaches an RS page, and the level is not "missing"
            for wrong in RNCP_ONLY_WORDING:
                assert wrong not in text, (c.number, wrong)
        else:
            assert NO_LEVEL[lang] not in text and "L. 6113-6" not in text
            level = c.eqf_level
            national = c.level_label if lang == "fr" else f"Level {level}"
            label = {"fr": "Niveau national (Décret n° 2019-14 du 8 janvier 2019 relatif au "
                     "cadre national des certifications professionnelles) : ",
                     "en": "National level (Decree No. 2019-14 of 8 January 2019 on the "
                     "national framework of professional certifications): "}[lang]  # fmt: skip
            assert f"{label}{national}" in text, c.number


@pytest.mark.conformance
def test_xml_states_register_kind_state_and_level(real: list[Certification]) -> None:
    ns = {"s": NAMESPACE}
    for c in real:
        register, by_right, in_force, end = FICHES[c.number]
        root = xmlsafe.parse_bytes(sx.to_bytes(c))
        assert sx.schema().validate(root.getroottree()), sx.schema().error_log
        assert root.get("register") == register
        status = {
            e.get("lang"): e.text
            for e in root.findall("s:OfficialBasis/s:RecognitionAuthority/s:Status", ns)
        }
        assert status == {lang: STATEMENTS[register, by_right, lang] for lang in ("fr", "en")}
        legal = root.find("s:OfficialBasis/s:LegalBasis", ns)
        assert legal is not None and legal.get("active") == ("true" if in_force else "false")
        states = {e.get("lang"): e.text for e in legal.findall("s:State", ns)}
        assert states == {lang: state(in_force, end, lang) for lang in ("fr", "en")}
        level = root.find("s:OfficialBasis/s:Level", ns)
        assert level is not None
        notes = {e.get("lang"): e.text for e in level.findall("s:Note", ns)}
        if register == "RS":
            assert level.get("status") == "not-applicable" and notes == NO_LEVEL
            assert b"not-in-rncp" not in sx.to_bytes(c)
        else:
            assert level.get("status") is None and notes == {}
            assert level.get("eqf") == str(c.eqf_level)


@pytest.mark.conformance
def test_loq_and_jsonld_accreditation_titles(real: list[Certification]) -> None:
    options = WriteOptions(eqf_level=4, extra={"isced": "0413"})
    for c in real:
        register, by_right, _in_force, _end = FICHES[c.number]
        data = _written([c], "europass-xml", options)
        root = xmlsafe.parse_bytes(data)
        titles = {
            e.get("language"): e.text
            for e in root.iterfind(".//{*}accreditationReferences/{*}accreditation/{*}title")
        }
        assert titles == {lang: STATEMENTS[register, by_right, lang] for lang in ("fr", "en")}
        nqf = root.findall(".//{*}qualification/{*}NQFLevel")
        if register == "RS":  # never an RNCP level for an RS fiche
            assert {e.get("uri") for e in nqf} == {"http://data.europa.eu/snb/qdr/c_c8bc1cb9"}
        else:
            assert "http://data.europa.eu/snb/qdr/c_c8bc1cb9" not in {e.get("uri") for e in nqf}
        document = json.loads(_written([c], "europass-jsonld", options))
        accreditations = [
            n for n in _walk(document) if isinstance(n, dict) and n.get("type") == "Accreditation"
        ]
        assert [a["title"] for a in accreditations] == [
            {lang: STATEMENTS[register, by_right, lang] for lang in ("fr", "en")}
        ]


def _written(certs: list[Certification], to: str, options: WriteOptions) -> bytes:
    import io

    out = io.BytesIO()
    assert api.write(certs, out, to, options=options) == len(certs)
    return out.getvalue()


def _walk(node: object) -> list[object]:
    found: list[object] = [node]
    if isinstance(node, dict):
        for value in node.values():
            found.extend(_walk(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_walk(value))
    return found


FRENCH_LABELS = [
    r"\bNiveau\b", r"Non renseigné", r"\bOui\b", r"\bNon\b", r"\bEnregistrement\b",
    r"Sans niveau", r"Sans objet", r"Fiche au\b", r"voir jury", r"Modalités", r"Compétences",
    r"Intitulé", r"publié au", r"Décret général", r"Texte de création", r"Autre texte",
    r"Type d’enregistrement", r"\bDate d", r"\bDurée\b", r"\bans\b", r"Accessible",
    r"Voies d’accès", r"Centre national", r"Supplément", r"certificateur", r"Activités",
    r"Secteurs", r"Prérequis", r"Validation partielle", r"Aucune", r"Information absente",
    r"Non publié", r"en vigueur", r"a pris fin", r"jusqu’au",
]  # fmt: skip


@pytest.mark.conformance
def test_english_pages_print_no_french_label(real: list[Certification]) -> None:
    """Every real fiche in English: outside the fiche's own French content (marked
    ``lang="fr"``), no French label, level or status."""
    pattern = re.compile("|".join(FRENCH_LABELS))
    for c in real:
        text = without_french_content(sh.render(c, "en"))
        assert not pattern.findall(text), (c.number, pattern.findall(text))
        assert "Niveau 7" not in text and "Niveau 5" not in text
    # the test can fail: the same check finds French labels on the French page
    assert pattern.findall(without_french_content(sh.render(real[0], "fr")))


@pytest.mark.conformance
def test_index_says_an_rs_fiche_has_no_level_by_nature(tmp_path: Path) -> None:
    path = reference("france-competences", "export_fiches_RS_V4_1_sample.xml")
    for lang, expected in (
        ("fr", "Sans objet (Répertoire spécifique)"),
        ("en", "Not applicable (Répertoire spécifique)"),
    ):
        api.convert(path, f"{tmp_path}/{lang}/", "supplement-html", options=WriteOptions(lang=lang))
        index = page_text((tmp_path / lang / "index.html").read_text(encoding="utf-8"))
        assert index.count(expected) == 5
        assert "—" not in index


def test_level_wording_for_reprise_and_missing_levels() -> None:
    """REPRISE: the register says the level is undetermined; an RNCP fiche without level
    leaves it empty ("not given"); neither is said to be an RS fiche's nature."""
    from rncpkit.model import Level

    reprise = Certification(number="RNCP1", title="T", level=Level.REPRISE)
    empty = Certification(number="RNCP2", title="T")
    expected = {
        ("RNCP1", "fr"): "Sans niveau : le positionnement dans le cadre national des "
        "certifications professionnelles n’est pas déterminé (fiche reprise de l’ancien "
        "répertoire).",
        ("RNCP1", "en"): "No level: the position in the national framework of professional "
        "certifications has not been determined (fiche carried over from the former register).",
        ("RNCP2", "fr"): "Non renseigné dans la fiche",
        ("RNCP2", "en"): "Not given in the fiche",
    }
    for fiche in (reprise, empty):
        for lang in ("fr", "en"):
            text = page_text(sh.render(fiche, lang))
            section = text[text.index("Niveau (national" if lang == "fr" else "Level of the") :]
            assert expected[fiche.number, lang] in section[:400], (fiche.number, lang)
            assert NO_LEVEL[lang] not in text
