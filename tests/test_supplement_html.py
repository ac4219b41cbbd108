"""supplement-html: a self-contained, valid, accessible page that reproduces the seed."""

from __future__ import annotations

import functools
import io
import itertools
import re
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from rncpkit import api
from rncpkit.cli import cli
from rncpkit.errors import UsageError
from rncpkit.formats import WriteOptions
from rncpkit.formats import supplement_html as sh
from rncpkit.model import AccessRoute, AccessRouteCode, Certification, CompetenceBlock
from rncpkit.supplement import labels
from tests.conftest import REAL_V41_SAMPLES, SAMPLES, SEED, reference

TRANSLATION = "Manager of social and cultural organisations in the social and solidarity economy"
ROUTES_FR = [
    ("Après un parcours de formation sous statut d'élève ou d'étudiant", "Non"),
    ("En contrat d'apprentissage", "Oui"),
    ("Après un parcours de formation continue", "Oui"),
    ("En contrat de professionnalisation", "Oui"),
    ("Par candidature individuelle", "Non"),
    ("Par expérience", "Oui"),
]

# Facts of the seed document (France Compétences' own text for RNCP35080, ``SEED`` in
# conftest), as it spells them: each must be in the seed
# and in the page rendered from the embedded sample. Pairs are a label and its value.
FACTS: list[str] = [
    "Manager d'organismes à vocation sociale et culturelle en économie sociale et solidaire",
    "CONSERVATOIRE NATIONAL DES ARTS ET METIERS",
    # section 3: the four functions (blocks) and their competences
    "Pilotage stratégique d'un organisme à vocation sociale ou culturelle en ESS",
    "Gestion administrative, comptable et financière d'un organisme à vocation sociale ou "
    "culturelle",
    "Coordination de l'activité d'une équipe RH (salariés + bénévoles + adhérents) dans un "
    "organisme à vocation sociale et culturelle",
    "Construction de l'innovation sociale et de la conduite de projet en ESS",
    "Construire et développer le projet de l'organisme en cohérence avec l'objet social de "
    "l'organisme",
    "Promouvoir et garantir l'expression des usagers/adhérents et l'exercice de leurs droits",
    "Animer les relations avec les instances dirigeantes en tenant compte des niveaux de "
    "responsabilité respectifs",
    "Valoriser l'utilité sociale de l'organisme et des actions portées par l'organisme",
    "Mettre en œuvre une dimension éthique aux différents niveaux de responsabilité",
    "Définir des politiques budgétaires et financières. Inscription stratégique du "
    "développement de l'organisme dans le cadre des politiques contractuelles publiques.",
    "Construire et suivre le budget de l'organisme",
    "Gérer l'activité d'un service ou d'un organisme",
    "Mettre en œuvre, avec les élus ou avec la direction RH (selon la taille de l'organisme) "
    "la politique de gestion des ressources humaines",
    "Appliquer des dispositions juridiques et administratives relatives au droit du travail "
    "et à la convention collective de référence",
    "Animer une équipe",
    "Mettre en œuvre d'une démarche de recherche action en ESS",
    "Assurer le montage financier des projets",
    "Conduire et accompagner le projet, évaluation, bilan",
    "Evaluer le projet",
    # section 4
    "Type d'emploi accessibles",
    "Directeur / Directrice de structures sociales ou culturelles, dans le domaine de "
    "l'Economie Sociale et Solidaire",
    "Chef de service / Responsable de service en milieu socio-éducatif, dans l'action sociale "
    "ou dans un service culturel",
    "Chef de projet, chargé de mission, chargé de développement",
    "Consultant en organisation",
    "Coordinateur de réseaux",
    "Délégué fédéral",
    "Conseil, consultant en économie sociale et solidaire",
    "de l'intervention sociale (association de prévention spécialisée, aide à domicile, "
    "foyers, CHRS…)",
    "de l'éducation populaire, de l'animation sociale et culturelle (Centre sociaux et socio "
    "culturels)",
    "de l'insertion sociale et professionnelle (Missions locales, CRIJ, entreprises "
    "d'insertion par l'activité économique)",
    "Il peut s'agir également de GIE (Groupement d'intérêt économique), de GIP (Groupement "
    "d'intérêt public), d'une coopérative ou d'une mutuelle.",
    "Code(s) ROME",
    "K1206",
    "Intervention socioculturelle",
    "M1301",
    "Direction de grande entreprise ou d'établissement public",
    "K1403",
    "Management de structure de santé, sociale ou pénitentiaire",
    "K1802",
    "Développement local",
    "M1302",
    "Direction de petite ou moyenne entreprise",
    "Références juridiques des réglementations d'activité",
    "la loi n° 2014-856 du 31 juillet 2014 (JORF, 2014) relative à l'économie sociale et solidaire",
    # section 5
    "5. Base officielle du certificat",
    "Organisme(s) certificateur(s)",
    "Nom légal certificateur(s)",
    "Autorité responsable de l'habilitation du certificat",
    "France compétences",
    "11 rue Scribe 75009 Paris",
    "Niveau (national ou européen) du certificat",
    "Décret n° 2019-14 du 8 janvier 2019",
    "Niveau du Cadre européen des certifications (CEC) : Niveau 7",
    "Système de notation / conditions d'octroi",
    "Modalités d'évaluation",
    "Présentation et analyse de cas pratiques",
    "Rédaction d'un mémoire professionnel",
    "Soutenance orale d'analyse de pratiques devant un jury mixte enseignants/professionnels",
    "Présentation des supports et d'outils conçus et utilisés dans le cadre d'une expérience "
    "professionnelle vécue",
    "Accès au niveau suivant d'éducation / de formation",
    "Accords internationaux de reconnaissance des qualifications",
    "Base légale",
    # section 6
    "6. Modes d'accès à la certification officiellement reconnus",
    "Niveau d'entrée requis (Le cas échéant)",
    "Avoir une année d'expérience professionnelle dans le secteur à un poste correspondant aux "
    "responsabilités habituellement confiées à un certifié de niveau 7",
    "Une dérogation pour les personnes ne possédant pas un diplôme de niveau 6 est "
    "envisageable à partir de six ans d'expérience",
    "Description des modalités d'acquisition de la certification par capitalisation des blocs "
    "de compétences et/ou par équivalence",
    "Pour acquérir la certification, il convient d'avoir validé les quatre blocs de compétences.",
    # section 7
    "7. Information complémentaire",
    "Pour toute information complémentaire, notamment sur le système national de qualifications",
    "https://www.francecompetences.fr",
    "Centre national Europass",
    "https://agence.erasmusplus.fr/programme-erasmus/outils/europass",
]
PAIRS: list[tuple[str, str]] = [
    ("Date de décision d'enregistrement", "18/11/2020"),
    ("Durée de l'enregistrement", "5"),
    ("Date d'échéance de l'enregistrement", "18/11/2025"),
    ("certifications professionnelles)", "Niveau 7"),
    *ROUTES_FR,
]


def normalise(text: str) -> str:
    """Compare wording, not typography: apostrophes, the seed's doubled quote, spaces."""
    text = text.replace("’", "'").replace("''", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def has_pair(text: str, label: str, value: str, gap: int = 200) -> bool:
    """``value`` follows ``label`` within ``gap`` characters (the PDF extraction of the seed
    puts other words between a label and its value)."""
    pattern = re.escape(normalise(label)) + rf".{{0,{gap}}}?\b" + re.escape(value) + r"\b"
    return re.search(pattern, text) is not None


def missing_facts(text: str, gap: int = 200) -> list[str]:
    text = normalise(text)
    lost = [fact for fact in FACTS if normalise(fact) not in text]
    lost += [
        f"{label} → {value}" for label, value in PAIRS if not has_pair(text, label, value, gap)
    ]
    return lost


def page_text(page: str) -> str:
    """The text a reader sees: the body, without the stylesheet."""
    tree = html5lib.parse(page, treebuilder="lxml", namespaceHTMLElements=False)
    body = tree.find("body")
    assert body is not None
    return " ".join(body.itertext())


@pytest.fixture(scope="module")
def sample() -> Certification:
    return next(api.read(SAMPLES / "RNCP35080.xml"))


@pytest.fixture(scope="module")
def page_fr(sample: Certification) -> str:
    return sh.render(sample, "fr")


@pytest.fixture(scope="module")
def page_en(sample: Certification) -> str:
    return sh.render(sample, "en", TRANSLATION)


def strict_parse(page: str) -> etree._Element:
    """Parse as a browser would, failing on any HTML parse error."""
    parser = html5lib.HTMLParser(
        strict=True, tree=html5lib.getTreeBuilder("lxml"), namespaceHTMLElements=False
    )
    document = parser.parse(page)
    root = document.getroot()
    assert isinstance(root, etree._Element)
    return root


def check_accessible(page: str, lang: str) -> etree._Element:
    root = strict_parse(page)
    assert page.startswith("<!DOCTYPE html>")
    assert root.get("lang") == lang
    assert root.findtext("head/title")
    assert root.find("head/meta[@charset='utf-8']") is not None
    levels = [int(e.tag[1]) for e in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    for table in root.iter("table"):
        assert table.find("caption") is not None
        headers = table.findall(".//th")
        assert headers and all(th.get("scope") in ("row", "col") for th in headers)
    # self-contained: nothing the browser would fetch
    assert not root.xpath("//*[@src] | //link | //script | //iframe | //object | //img")
    assert "url(" not in page and "@import" not in page
    return root


def test_page_parses_without_errors_and_is_accessible(page_fr: str, page_en: str) -> None:
    check_accessible(page_fr, "fr")
    root = check_accessible(page_en, "en")
    # English page: the French content is marked as such
    assert root.xpath("//ul[@lang='fr']") and root.xpath("//p[@lang='fr']")


def test_sections_in_order(page_fr: str, page_en: str) -> None:
    for page, lang in ((page_fr, "fr"), (page_en, "en")):
        root = strict_parse(page)
        sections = [s.get("id") for s in root.iter("section")]
        assert sections == ["s1", "s2", "s3", "s4", "s5", "s6", "s7"]
        headings = [" ".join(h.itertext()) for h in root.iter("h2")]
        assert headings == [labels.label(f"s{n}", lang) for n in range(1, 8)]


def test_rendered_sample_reproduces_the_seed_facts(page_fr: str) -> None:
    assert missing_facts(page_text(page_fr), gap=40) == []


def test_seed_document_states_the_same_facts() -> None:
    if not SEED.exists():
        pytest.skip(f"seed document absent: {SEED}")
    assert missing_facts(SEED.read_text(encoding="utf-8")) == []


def test_routes_table(page_fr: str, page_en: str) -> None:
    for page, expected in (
        (page_fr, ROUTES_FR),
        (
            page_en,
            [
                (code.label_en, flag)
                for code, (_, flag) in zip(AccessRouteCode, ROUTES_FR, strict=True)
            ],
        ),
    ):
        root = strict_parse(page)
        rows = root.xpath("//table[contains(@class,'routes')]/tbody/tr")
        got = [
            (normalise(row[0].text or ""), normalise("".join(row[1].itertext()))) for row in rows
        ]
        want = [
            (normalise(a), b if page is page_fr else {"Oui": "Yes", "Non": "No"}[b])
            for a, b in expected
        ]
        assert got == want


def test_english_page_translates_labels_and_flags_the_title(page_en: str) -> None:
    text = normalise(page_text(page_en))
    for key in ("document", "s5a", "s5g", "route", "jury", "europass_centre", "more_info"):
        assert normalise(labels.label(key, "en")) in text
    assert "Niveau du Cadre européen" not in text
    root = strict_parse(page_en)
    assert normalise(root.findtext("head/title") or "").endswith(TRANSLATION)
    flagged = root.xpath("//*[@lang='en' and contains(., 'Manager of social')]/..")
    assert any("translation, no legal status" in "".join(e.itertext()) for e in flagged)
    # the original title keeps its place in section 1
    assert root.xpath("//section[@id='s1']//p[@lang='fr']")[0].text.startswith("Manager d’")


def test_without_translation_section_2_says_so(page_fr: str, sample: Certification) -> None:
    for page, lang in ((page_fr, "fr"), (sh.render(sample, "en"), "en")):
        section = strict_parse(page).xpath("//section[@id='s2']")[0]
        text = normalise(" ".join(section.itertext()))
        assert normalise(labels.label("no_translation", lang)) in text
        assert normalise(labels.label("s2_note", lang)) in text


def test_gaps_of_the_register_are_shown(page_fr: str) -> None:
    root = strict_parse(page_fr)
    missing = [normalise(" ".join(e.itertext())) for e in root.xpath("//*[@class='missing']")]
    not_in_register = labels.label("not_in_register", "fr")
    # translated title, access to next level, international agreements, duration
    assert sum(not_in_register in m for m in missing) == 4


def shown(text: str) -> str:
    """What a browser shows of ``text``: forbidden code points replaced, newlines unified."""
    out = []
    for char in text.replace("\r\n", "\n").replace("\r", "\n"):
        code = ord(char)
        forbidden = (
            (code < 0x20 and char not in "\t\n")
            or 0x7F <= code <= 0x9F
            or 0xD800 <= code <= 0xDFFF
            or 0xFDD0 <= code <= 0xFDEF
            or (code & 0xFFFE) == 0xFFFE
        )
        out.append("\ufffd" if forbidden else char)
    return "".join(out)


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=1, max_size=60).filter(lambda s: s.strip() != ""))
def test_everything_is_escaped(text: str) -> None:
    fiche = Certification(
        number="RNCP1",
        title=text,
        job_types=text,
        blocks=[CompetenceBlock(code="RNCP1BC01", label=text, competences=text)],
        access_routes={AccessRouteCode.FI: AccessRoute(open=True, jury=text)},
        description_url=text,
    )
    for lang in ("fr", "en"):
        root = strict_parse(sh.render(fiche, lang))
        assert not root.xpath("//script | //img | //iframe | //*[@onerror]")
        title = root.xpath("//section[@id='s1']/p[contains(@class,'cert-title')]")[0]
        assert "".join(title.itertext()) == shown(text)


def test_hostile_markup_stays_text() -> None:
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
    fiche = Certification(number="RNCP1", title=evil, description_url=evil)
    page = sh.render(fiche)
    assert "<script>" not in page and "<img" not in page
    assert evil in page_text(page)


def test_unknown_language_is_a_usage_error(sample: Certification) -> None:
    with pytest.raises(UsageError):
        api.write([sample], io.BytesIO(), "supplement-html", options=WriteOptions(lang="de"))


def test_single_file_with_several_fiches(sample: Certification) -> None:
    buffer = io.BytesIO()
    other = Certification(number="RS5000", title="Autre")
    assert api.write([sample, other], buffer, "supplement-html") == 2
    root = check_accessible(buffer.getvalue().decode(), "fr")
    assert [a.get("id") for a in root.iter("article")] == ["RNCP35080", "RS5000"]
    empty = io.BytesIO()
    assert api.write([], empty, "supplement-html") == 0
    strict_parse(empty.getvalue().decode())


def test_directory_of_pages_with_index(tmp_path: Path) -> None:
    out = tmp_path / "pages" / "nested"
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["convert", str(SAMPLES / "RNCP35080.xml"), "--to", "supplement-html", "-o", f"{out}/"],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["RNCP35080.html", "index.html"]
    check_accessible((out / "RNCP35080.html").read_text(encoding="utf-8"), "fr")
    index = check_accessible((out / "index.html").read_text(encoding="utf-8"), "fr")
    rows = index.xpath("//tbody/tr")
    assert [r.xpath("th/a/@href")[0] for r in rows] == ["RNCP35080.html"]
    assert normalise(" ".join(rows[0].itertext())) == normalise(
        "RNCP35080 Manager d’organismes à vocation sociale et culturelle en économie sociale "
        "et solidaire Niveau 7 CONSERVATOIRE NATIONAL DES ARTS ET METIERS"
    )


def test_single_html_file_from_cli(tmp_path: Path) -> None:
    out = tmp_path / "RNCP35080.html"
    result = CliRunner().invoke(
        cli,
        [
            "convert", str(SAMPLES / "RNCP35080.xml"), "--to", "supplement-html", "-o", str(out),
            "--lang", "en", "-O", f"title_en.RNCP35080={TRANSLATION}",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    check_accessible(page, "en")
    assert TRANSLATION in page


def test_all_labels_exist_in_both_languages() -> None:
    for key in labels.all_keys():
        assert labels.label(key, "en"), key
        if key != "french_content":
            assert labels.label(key, "fr"), key


@pytest.mark.conformance
@pytest.mark.parametrize("name", REAL_V41_SAMPLES)
def test_real_fiches_render_in_both_languages(name: str, tmp_path: Path) -> None:
    path = reference("france-competences", name)
    summary = api.convert(path, f"{tmp_path}/fr/", "supplement-html")
    assert summary.rejected == 0 and summary.written == summary.read > 0
    summary = api.convert(
        path, f"{tmp_path}/en/", "supplement-html", options=WriteOptions(lang="en")
    )
    assert summary.written == summary.read
    for lang in ("fr", "en"):
        pages = sorted((tmp_path / lang).glob("*.html"))
        assert len(pages) == summary.read + 1
        for page in pages:
            check_accessible(page.read_text(encoding="utf-8"), lang)
    for fiche in api.read(path):
        text = normalise(page_text((tmp_path / "fr" / f"{fiche.number}.html").read_text()))
        assert normalise(fiche.title) in text
        for block in fiche.blocks:
            assert normalise(block.label) in text
        for rome in fiche.rome:
            assert rome.code in text
        for certifier in fiche.certifiers:
            assert normalise(certifier.name) in text


def test_shared_jury_text_is_printed_once() -> None:
    shared = "Le jury est nommé par le recteur :    - deux enseignants    - deux professionnels"
    fiche = Certification(
        number="RNCP1",
        title="T",
        access_routes={
            AccessRouteCode.FI: AccessRoute(open=True, jury=shared),
            AccessRouteCode.CA: AccessRoute(open=True, jury=shared),
            AccessRouteCode.CL: AccessRoute(open=False, jury=""),
            AccessRouteCode.VAE: AccessRoute(open=True, jury="Jury VAE propre"),
        },
    )
    root = check_accessible(sh.render(fiche), "fr")
    cells = [
        normalise(" ".join(row[2].itertext()))
        for row in root.xpath("//table[contains(@class,'routes')]/tbody/tr")
    ]
    # FC and CQ are not in the fiche; CL is closed: every empty cell says why
    assert cells == [
        "voir jury (1) ci-dessous",
        "voir jury (1) ci-dessous",
        "Non renseigné dans la fiche",
        "Non renseigné dans la fiche",
        "Sans objet : voie d'accès non ouverte",
        "Jury VAE propre",
    ]
    assert root.xpath("//a[@href='#RNCP1-jury-1']")
    note = root.xpath("//h4[@id='RNCP1-jury-1']")
    assert len(note) == 1 and note[0].text == "Jury (1)"
    assert root.xpath("//h4[@id='RNCP1-jury-1']/following-sibling::ul[1]/li/text()") == [
        "deux enseignants",
        "deux professionnels",
    ]
    assert normalise(" ".join(root.itertext())).count("deux enseignants") == 1


def test_flattened_texts_are_split_into_lines_and_bullets() -> None:
    from rncpkit.supplement import text_items

    assert text_items("Intro :    - un    • deux\n3. trois      fin\r\nx") == [
        (False, "Intro :"),
        (True, "un"),
        (True, "deux"),
        (False, "3. trois"),
        (False, "fin"),
        (False, "x"),
    ]
    assert text_items("  une seule ligne  ") == [(False, "une seule ligne")]
    assert text_items("   ") == [] and text_items(None) == []


def test_title_for_a_fiche_not_converted_is_a_warning(tmp_path: Path) -> None:
    """A typo in ``-O title_en.<NUMERO>`` is said (once, exit 0), not silently ignored."""
    args = ["convert", str(SAMPLES / "RNCP35080.xml"), "--to", "supplement-html"]
    result = CliRunner().invoke(
        cli,
        [*args, "-O", "title_en.RNCP35800=Typo", "-O", "title_en.RNCP35080=Right",
         "-o", str(tmp_path / "a.html")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        result.output.count(
            "rncpkit: warning: supplement-html: title_en given for fiches not among those "
            "converted: RNCP35800"
        )
        == 1
    )
    assert "Right" in (tmp_path / "a.html").read_text(encoding="utf-8")
    result = CliRunner().invoke(
        cli, [*args, "-O", "title_en.RNCP35080=Right", "-o", str(tmp_path / "b.html")]
    )
    assert result.exit_code == 0 and "warning" not in result.output


def test_directory_pages_are_the_rendered_documents(tmp_path: Path) -> None:
    """A page of ``-o DIR/`` (assembled from pre-encoded parts) is :func:`render`'s text,
    for real fiches, both languages, with and without a translated title; and a text
    holding characters HTML forbids is escaped line by line as before (U+FFFD)."""
    paths = [SAMPLES / "RNCP35080.xml"]
    paths += [reference("france-competences", name) for name in REAL_V41_SAMPLES]
    fiches = [cert for path in paths for cert in api.read(path)]
    fiches.append(fiches[0].model_copy(update={"activities": "a\x0b   - b & <c>\x0c   d\x01 e"}))
    for cert in fiches:
        for lang, translation in (("fr", None), ("en", None), ("en", "A title & more")):
            expected = sh.render(cert, lang, translation).encode()
            assert sh._page_bytes(cert, lang, translation) == expected
    page = sh.render(fiches[-1], "fr")  # blanks stripped, then the rest shown as U+FFFD
    assert "<p>a</p><ul><li>b &amp; &lt;c&gt;</li></ul><p>d\ufffd e</p>" in page


@functools.cache
def _sample() -> Certification:
    return next(iter(api.read(SAMPLES / "RNCP35080.xml")))


@given(
    st.text(
        st.sampled_from(list(" -–—•*·o&<>\"'ab\té\r\n\x0b\x0c\x01\x85\xa0\u2019\ufffe"))
        | st.characters(),
        max_size=40,
    )
)
@settings(max_examples=300)
def test_fragment_escapes_the_whole_text_as_line_by_line(text: str) -> None:
    """Escaping a text whole, then splitting it into lines, gives the lines escaped one by
    one (what the page did before): an escape holds no blank and no bullet."""
    from rncpkit.supplement import text_items

    page = sh._Page(_sample(), "en", None)
    expected, in_list = [], False
    for is_item, line in text_items(text):
        if is_item != in_list:
            expected.append('<ul lang="fr">' if is_item else "</ul>")
            in_list = is_item
        expected.append(f"<li>{sh._e(line)}</li>" if is_item else f'<p lang="fr">{sh._e(line)}</p>')
    if in_list:
        expected.append("</ul>")
    assert page.fragment(text) == "".join(expected)
