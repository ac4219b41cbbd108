"""The Europass Certificate Supplement as a PDF: the ``supplement-html`` page, printed to A4.

Certifiers hand holders a PDF. The page is the same HTML and CSS as ``supplement-html``
(its ``@page`` rule sets A4 and the margins), laid out by WeasyPrint, which needs no
browser; fonts are embedded (subset) in every file. WeasyPrint is an optional extra
(``pip install 'rncpkit[pdf]'``, plus Pango on the system): without it this format fails
at once with exit code 1 and says how to install it.

``-o DIR/`` writes ``DIR/<fiche>.pdf`` per fiche, each one atomically, one fiche in memory
at a time. A single output file holds every fiche, each starting on a new page: WeasyPrint
lays out a document whole, so that file's pages stay in memory until the end (use
``-o DIR/`` for large runs).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from rncpkit.errors import OutputError
from rncpkit.formats import supplement_html
from rncpkit.formats.base import Format, WriteOptions
from rncpkit.model import Certification
from rncpkit.supplement.content import SupplementOptions, Translations

__all__ = [
    "FORMAT",
    "to_pdf",
    "weasyprint",
]

INSTALL_HINT = (
    "supplement-pdf needs WeasyPrint: pip install 'rncpkit[pdf]' "
    "(it also needs Pango; on Debian or Ubuntu: "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)"
)


def weasyprint() -> Any:
    """The ``weasyprint`` module, or an :class:`OutputError` saying how to install it.

    Importing WeasyPrint raises ``OSError`` (not ``ImportError``) when the Python package is
    there but the Pango library is not.
    """
    try:
        import weasyprint as module  # type: ignore[import-untyped,unused-ignore]
    except (ImportError, OSError) as exc:
        raise OutputError(f"{INSTALL_HINT} [{type(exc).__name__}: {exc}]") from None
    return module


PRINT_CSS = """
.grid{display:block !important}
.grid>.box{float:left;width:50%}
.grid>.box:nth-child(odd){clear:left}
.grid>.box.wide{clear:both;width:100%}
.grid::after{content:"";display:block;clear:both}
tr{break-inside:auto !important}
"""
"""Print fixes for WeasyPrint 70, which lays section 5's CSS grid out as columns one letter
wide: the same two columns are floats, each odd box starting a row (inline blocks, tried
first, cannot break across pages, so a tall box ran off the page's bottom). A table row
taller than what is left of a page (a long jury text) may break, for the same reason.
``!important`` because WeasyPrint gives a stylesheet passed to ``render`` less weight than
the page's own ``<style>``."""


def _document(module: Any, certification: Certification, lang: str, title: str | None) -> Any:
    page = supplement_html.render(certification, lang, title)
    return module.HTML(string=page).render(stylesheets=[module.CSS(string=PRINT_CSS)])


def _pdf(documents: list[Any]) -> bytes:
    first = documents[0]
    if len(documents) > 1:
        first = first.copy([page for document in documents for page in document.pages])
    data = first.write_pdf()
    assert isinstance(data, bytes)
    return data


def to_pdf(certification: Certification, lang: str = "fr", translation: str | None = None) -> bytes:
    """One fiche's supplement as PDF bytes."""
    module = weasyprint()
    return _pdf([_document(module, certification, lang, translation)])


class SupplementPdfWriter:
    """Every fiche into one PDF, each fiche starting a new page."""

    def __init__(self, stream: IO[bytes], options: WriteOptions) -> None:
        self._module = weasyprint()
        self._stream = stream
        self._lang = supplement_html.check_lang(options.lang)
        self._translations = Translations.from_options(options)
        self._documents: list[Any] = []

    def write(self, certification: Certification) -> None:
        title = self._translations.title(certification)
        self._documents.append(_document(self._module, certification, self._lang, title))

    def close(self) -> None:
        self._translations.warn_unused(FORMAT.name)
        if not self._documents:
            raise OutputError("supplement-pdf: no fiche to print (nothing written)")
        self._stream.write(_pdf(self._documents))
        self._documents.clear()


class SupplementPdfDirectoryWriter:
    """``DIR/<fiche>.pdf`` for each fiche, each written atomically."""

    def __init__(self, directory: Path, options: WriteOptions) -> None:
        self._module = weasyprint()
        self._directory = Path(directory)
        self._directory.mkdir(parents=True, exist_ok=True)
        self._lang = supplement_html.check_lang(options.lang)
        self._translations = Translations.from_options(options)

    def write(self, certification: Certification) -> None:
        title = self._translations.title(certification)
        document = _document(self._module, certification, self._lang, title)
        target = self._directory / f"{certification.number}.pdf"
        supplement_html.replace_file(target, _pdf([document]))

    def close(self) -> None:
        """Nothing is pending: every page is already in place."""
        self._translations.warn_unused(FORMAT.name)


FORMAT = Format(
    name="supplement-pdf",
    description="Europass Certificate Supplement as an A4 PDF (fr/en; needs rncpkit[pdf]); "
    "-o DIR/ writes one PDF per fiche",
    extensions=(".pdf",),
    writer=SupplementPdfWriter,
    directory_writer=SupplementPdfDirectoryWriter,
    options=SupplementOptions,
)
