"""supplement-html printed by a real browser: headless Chromium → PDF → text and page boxes.

Skips when Debian's ``chromium`` or poppler's ``pdftotext``/``pdfinfo`` are missing
(``.ci/run`` installs them). No network: the page is a local file with nothing to fetch.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from rncpkit import api, xmlsafe
from rncpkit.formats import supplement_html as sh
from rncpkit.model import AccessRoute, AccessRouteCode, Certification, CompetenceBlock
from tests.conftest import SAMPLES, reference
from tests.test_supplement_html import FACTS, TRANSLATION, normalise

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and PDFTOTEXT and PDFINFO),
    reason="needs Debian's chromium and poppler-utils (pdftotext, pdfinfo)",
)

A4_POINTS = (595.0, 842.0)
MARGIN_X = 12 * 72 / 25.4  # @page margin, left and right, in points


def print_to_pdf(page: str, tmp_path: Path, name: str) -> Path:
    source = tmp_path / f"{name}.html"
    source.write_text(page, encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--no-pdf-header-footer",
            f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}",
            source.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    assert pdf.exists() and pdf.stat().st_size > 0
    return pdf


def pdf_pages(pdf: Path) -> tuple[int, tuple[float, float]]:
    assert PDFINFO is not None
    info = subprocess.run(
        [PDFINFO, str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    pages = re.search(r"^Pages:\s+(\d+)", info, re.M)
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert pages and size
    return int(pages.group(1)), (float(size.group(1)), float(size.group(2)))


def pdf_text(pdf: Path) -> str:
    assert PDFTOTEXT is not None
    return subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


def word_boxes(pdf: Path, tmp_path: Path) -> list[tuple[float, float, float, float, float, float]]:
    """(xMin, yMin, xMax, yMax, page width, page height) of every word of the PDF."""
    assert PDFTOTEXT is not None
    out = tmp_path / f"{pdf.stem}-bbox.html"
    subprocess.run([PDFTOTEXT, "-bbox", str(pdf), str(out)], check=True, timeout=60)
    data = re.sub(rb"<!DOCTYPE[^>]*>", b"", out.read_bytes(), count=1)
    root = xmlsafe.parse_bytes(data, name=out.name)
    boxes = []
    for page in root.iter("{*}page"):
        width, height = float(page.get("width", 0)), float(page.get("height", 0))
        for word in page.iter("{*}word"):
            boxes.append(
                (
                    float(word.get("xMin", 0)),
                    float(word.get("yMin", 0)),
                    float(word.get("xMax", 0)),
                    float(word.get("yMax", 0)),
                    width,
                    height,
                )
            )
    return boxes


def squeeze(text: str) -> str:
    """Text without whitespace, hyphens or case: line wrapping (pdftotext drops a hyphen at
    the end of a line) and CSS uppercase headings must not hide a fact."""
    return re.sub(r"[\s\-]+", "", normalise(text)).casefold()


def assert_nothing_clipped(pdf: Path, tmp_path: Path) -> None:
    boxes = word_boxes(pdf, tmp_path)
    assert boxes
    outside = [
        box
        for box in boxes
        if box[0] < MARGIN_X - 2 or box[2] > box[4] - MARGIN_X + 2 or box[1] < 0 or box[3] > box[5]
    ]
    assert outside == []
    # Chromium shrinks a page whose content overflows the paper width, so "inside the page"
    # alone proves little: the body text must also keep its 10pt size (word boxes ~11.6pt
    # high; an overflowing page comes out around 7.8pt).
    heights = sorted(box[3] - box[1] for box in boxes)
    assert 10.5 <= heights[len(heights) // 2] <= 13


@pytest.fixture(scope="module")
def sample() -> Certification:
    return next(api.read(SAMPLES / "RNCP35080.xml"))


def test_seed_page_prints_to_a_few_a4_pages_with_every_fact(
    sample: Certification, tmp_path: Path
) -> None:
    pdf = print_to_pdf(sh.render(sample, "fr"), tmp_path, "RNCP35080-fr")
    pages, size = pdf_pages(pdf)
    assert 3 <= pages <= 8
    assert abs(size[0] - A4_POINTS[0]) < 2 and abs(size[1] - A4_POINTS[1]) < 2
    text = squeeze(pdf_text(pdf))
    assert [fact for fact in FACTS if squeeze(fact) not in text] == []
    assert_nothing_clipped(pdf, tmp_path)


def test_english_page_prints_with_flagged_translation(
    sample: Certification, tmp_path: Path
) -> None:
    pdf = print_to_pdf(sh.render(sample, "en", TRANSLATION), tmp_path, "RNCP35080-en")
    pages, _size = pdf_pages(pdf)
    assert 3 <= pages <= 8
    text = squeeze(pdf_text(pdf))
    for expected in (
        "EUROPASS CERTIFICATE SUPPLEMENT",
        TRANSLATION,
        "translation, no legal status",
        "5. OFFICIAL BASIS OF THE CERTIFICATE",
        "Under a professionalisation contract",
        "Not available in the data published by France compétences",
    ):
        assert squeeze(expected) in text, expected
    assert_nothing_clipped(pdf, tmp_path)


def test_long_unbroken_values_wrap_instead_of_being_clipped(tmp_path: Path) -> None:
    long_url = "https://example.org/" + "tres-long-chemin-sans-espace-" * 12
    long_word = "Anticonstitutionnellement" * 8
    fiche = Certification(
        number="RNCP99999",
        title=long_word,
        description_url=long_url,
        blocks=[CompetenceBlock(code="RNCP99999BC01", label=long_word, competences=long_word)],
        access_routes={AccessRouteCode.VAE: AccessRoute(open=True, jury=long_word)},
    )
    pdf = print_to_pdf(sh.render(fiche, "fr"), tmp_path, "long")
    text = squeeze(pdf_text(pdf))
    assert squeeze(long_url) in text
    assert text.count(squeeze(long_word)) >= 4
    assert_nothing_clipped(pdf, tmp_path)


@pytest.mark.conformance
def test_real_fiche_with_juries_and_decrees_prints_cleanly(tmp_path: Path) -> None:
    path = reference("france-competences", "export_fiches_RNCP_V4_1_sample.xml")
    fiche = next(f for f in api.read(path) if f.number == "RNCP37674")
    pdf = print_to_pdf(sh.render(fiche, "en"), tmp_path, fiche.number)
    pages, _size = pdf_pages(pdf)
    assert 3 <= pages <= 12
    text = squeeze(pdf_text(pdf))
    for expected in (fiche.title, *(b.label for b in fiche.blocks), *(r.code for r in fiche.rome)):
        assert squeeze(expected) in text, expected
    assert_nothing_clipped(pdf, tmp_path)
