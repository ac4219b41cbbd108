"""supplement-pdf: the supplement page printed to A4 by WeasyPrint (the ``pdf`` extra).

Checked on the PDF itself (pypdf): page size, the seed's facts in the extracted text, every
font embedded; and on WeasyPrint's layout: no line of text reaches beyond the page's content
area. Skips, saying why, when WeasyPrint or pypdf is not importable.
"""

from __future__ import annotations

import importlib.util
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rncpkit import api
from rncpkit.cli import cli
from rncpkit.errors import OutputError
from rncpkit.formats import WriteOptions
from rncpkit.formats import supplement_html as sh
from rncpkit.formats import supplement_pdf as sp
from rncpkit.model import AccessRoute, AccessRouteCode, Certification, CompetenceBlock
from tests.conftest import SAMPLES, reference
from tests.test_supplement_html import FACTS, TRANSLATION, normalise


def _weasyprint_usable() -> str | None:
    """Why the PDF tests cannot run here, or None."""
    if importlib.util.find_spec("pypdf") is None:
        return "pypdf is not installed (pip install 'rncpkit[pdf,test]')"
    try:
        sp.weasyprint()
    except OutputError as exc:
        return str(exc)
    return None


WHY_NOT = _weasyprint_usable()
needs_weasyprint = pytest.mark.skipif(WHY_NOT is not None, reason=f"{WHY_NOT}")

A4_POINTS = (595.28, 841.89)


def pdf_reader(data: bytes) -> Any:
    import pypdf

    return pypdf.PdfReader(io.BytesIO(data))


def squeeze(text: str) -> str:
    """Text without whitespace, hyphens or case (line wrapping and uppercase headings)."""
    return re.sub(r"[\s\-\u00ad]+", "", normalise(text)).casefold()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(data).pages)


def fonts(data: bytes) -> Iterator[tuple[str, bool]]:
    """(name, embedded?) of every font of every page, descendant fonts included."""
    for page in pdf_reader(data).pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for item in descendants:
                descriptor = item.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor is not None else {}
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                yield str(item.get("/BaseFont")), embedded


def overflowing_text(certification: Certification, lang: str = "fr") -> list[str]:
    """Lines of text whose box leaves the page's content area (clipped when printed)."""
    from weasyprint.formatting_structure import boxes

    module = sp.weasyprint()
    document = sp._document(module, certification, lang, None)
    outside: list[str] = []

    def walk(box: Any, left: float, right: float, bottom: float) -> None:
        if isinstance(box, boxes.TextBox) and (
            box.position_x < left - 0.5
            or box.position_x + box.width > right + 0.5
            or box.position_y + box.height > bottom + 0.5
        ):
            outside.append(box.text)
        for child in getattr(box, "children", []):
            walk(child, left, right, bottom)

    for page in document.pages:
        page_box = page._page_box
        left = page_box.content_box_x()
        top = page_box.content_box_y()
        walk(page_box, left, left + page_box.width, top + page_box.height)
    return outside


@pytest.fixture(scope="module")
def sample() -> Certification:
    return next(api.read(SAMPLES / "RNCP35080.xml"))


@needs_weasyprint
def test_seed_pdf_is_a4_with_every_fact_and_embedded_fonts(sample: Certification) -> None:
    data = sp.to_pdf(sample)
    assert data.startswith(b"%PDF-")
    reader = pdf_reader(data)
    assert 3 <= len(reader.pages) <= 8
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1
    text = squeeze(pdf_text(data))
    assert [fact for fact in FACTS if squeeze(fact) not in text] == []
    found = list(fonts(data))
    assert found and all(embedded for _name, embedded in found), found
    assert overflowing_text(sample) == []


@needs_weasyprint
def test_english_pdf_has_the_english_page(sample: Certification) -> None:
    data = sp.to_pdf(sample, "en", TRANSLATION)
    text = squeeze(pdf_text(data))
    for expected in (
        "EUROPASS CERTIFICATE SUPPLEMENT",
        TRANSLATION,
        "translation, no legal status",
        "5. OFFICIAL BASIS OF THE CERTIFICATE",
        "Under a professionalisation contract",
        "The registration has ended: it was valid until 18/11/2025.",
    ):
        assert squeeze(expected) in text, expected
    # the level label is English (the fiche's own French text may say "niveau 7")
    assert "Niveau 7" not in pdf_text(data)
    assert squeeze("National level (Decree No. 2019-14") in text


@needs_weasyprint
def test_long_unbroken_values_wrap_instead_of_being_clipped() -> None:
    long_url = "https://example.org/" + "tres-long-chemin-sans-espace-" * 12
    long_word = "Anticonstitutionnellement" * 8
    fiche = Certification(
        number="RNCP99999",
        title=long_word,
        description_url=long_url,
        blocks=[CompetenceBlock(code="RNCP99999BC01", label=long_word, competences=long_word)],
        access_routes={AccessRouteCode.VAE: AccessRoute(open=True, jury=long_word)},
    )
    text = squeeze(pdf_text(sp.to_pdf(fiche)))
    assert squeeze(long_url) in text
    assert text.count(squeeze(long_word)) >= 4
    assert overflowing_text(fiche) == []


@needs_weasyprint
def test_the_clipping_check_can_fail() -> None:
    """A page forced wider than A4 is reported: the check above is not vacuous."""
    fiche = Certification(number="RNCP1", title="x")
    module = sp.weasyprint()
    page = sh.render(fiche).replace("</style>", "body{width:400mm;max-width:none}</style>")
    document = module.HTML(string=page).render()
    from weasyprint.formatting_structure import boxes

    page_box = document.pages[0]._page_box
    right = page_box.content_box_x() + page_box.width

    def texts(box: Any) -> Iterator[Any]:
        if isinstance(box, boxes.TextBox):
            yield box
        for child in getattr(box, "children", []):
            yield from texts(child)

    assert any(box.position_x + box.width > right for box in texts(page_box))


@needs_weasyprint
def test_directory_gets_one_pdf_per_fiche(tmp_path: Path) -> None:
    path = reference("france-competences", "export_fiches_RS_V4_1_sample.xml")
    summary = api.convert(
        path, f"{tmp_path}/out/", "supplement-pdf", options=WriteOptions(lang="en")
    )
    assert summary.rejected == 0 and summary.written == summary.read == 5
    pdfs = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert pdfs == ["RS5000.pdf", "RS5719.pdf", "RS6232.pdf", "RS6547.pdf", "RS7485.pdf"]
    text = squeeze(pdf_text((tmp_path / "out" / "RS5000.pdf").read_bytes()))
    assert squeeze("Registered on request in the Répertoire spécifique (RS)") in text
    assert squeeze("The registration has ended: it was valid until 24/05/2024.") in text
    assert squeeze("national register") not in text
    assert (tmp_path / "out" / "RS5000.pdf").stat().st_mode & 0o044  # not mkstemp's 0600


@needs_weasyprint
def test_single_file_holds_every_fiche_from_the_cli(tmp_path: Path) -> None:
    path = reference("france-competences", "export_fiches_RS_V4_1_sample.xml")
    out = tmp_path / "all.pdf"
    result = CliRunner().invoke(
        cli, ["convert", str(path), "--to", "supplement-pdf", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = squeeze(pdf_text(out.read_bytes()))
    for number in ("RS6232", "RS5719", "RS6547", "RS5000", "RS7485"):
        assert squeeze(f"Fiche {number}") in text


def test_missing_extra_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without WeasyPrint (or Pango): exit 1, how to install, nothing written."""
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    out = tmp_path / "x.pdf"
    result = CliRunner().invoke(
        cli, ["convert", str(SAMPLES / "RNCP35080.xml"), "--to", "supplement-pdf", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert "pip install 'rncpkit[pdf]'" in result.output
    assert "libpango-1.0-0" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


@needs_weasyprint
@pytest.mark.conformance
def test_no_real_fiche_loses_text_off_the_page() -> None:
    """Long juries and assessment texts of real fiches break across pages, none runs off."""
    for name in ("export_fiches_RNCP_V4_1_sample.xml", "export_fiches_RS_V4_1_sample.xml"):
        for fiche in api.read(reference("france-competences", name)):
            assert overflowing_text(fiche) == [], fiche.number
