"""The Europass Certificate Supplement as a printable, self-contained HTML page.

One page per fiche, laid out like the official supplement (header, seven numbered sections,
the routes table, the legal basis block), French by default and English with
``WriteOptions.lang = "en"``. Inline CSS only and no script, image or font to fetch, so the
file opens offline and prints to A4. Every value from the fiche goes through
:func:`html.escape`. Slots the RNCP cannot fill are shown as such, never left blank.
"""

from __future__ import annotations

import contextlib
import functools
import re
from html import escape
from pathlib import Path
from typing import IO

from rncpkit.errors import UsageError
from rncpkit.formats.base import Format, WriteOptions
from rncpkit.io import atomic_output
from rncpkit.model import AccessRouteCode, Certification, Repertoire
from rncpkit.supplement import labels, registration
from rncpkit.supplement.content import (
    EUROPASS_CENTRE,
    EUROPASS_CENTRE_URL,
    FRANCE_COMPETENCES,
    FRANCE_COMPETENCES_ADDRESS,
    MORE_INFO_URL,
    NOT_APPLICABLE,
    SupplementOptions,
    Translations,
    absence,
    assessment_summary,
    text_items,
)

__all__ = [
    "FORMAT",
    "check_lang",
    "render",
    "replace_file",
]

CSS = """
:root{--ink:#1b1b1b;--accent:#123f8c;--muted:#555;--line:#b7c3d7;--band:#e9eef7}
*{box-sizing:border-box}
html{font:10pt/1.4 "DejaVu Sans","Liberation Sans",Arial,Helvetica,sans-serif;color:var(--ink)}
body{margin:0 auto;max-width:200mm;padding:10mm}
article+article{margin-top:12mm}
header.doc{border-bottom:3px solid var(--accent);padding-bottom:3mm;margin-bottom:4mm;
 display:flex;justify-content:space-between;align-items:flex-end;gap:6mm}
.brand{font-weight:bold;letter-spacing:.2em;color:var(--accent);font-size:9pt;margin:0}
h1{font-size:15pt;text-transform:uppercase;letter-spacing:.03em;color:var(--accent);margin:1mm 0}
.country{text-align:right;margin:0;font-size:9pt}
.country strong{display:block;font-size:12pt}
.cert-title{font-size:12pt;font-weight:bold;margin:0 0 1mm}
h2{font-size:11pt;text-transform:uppercase;background:var(--band);
 border-left:5px solid var(--accent);padding:1.5mm 3mm;margin:6mm 0 2mm;break-after:avoid}
h3{font-size:10pt;color:var(--accent);margin:3mm 0 1mm;break-after:avoid}
h4{font-size:9.5pt;font-style:italic;margin:2mm 0 .5mm;break-after:avoid}
p{margin:.8mm 0}
ul{margin:.5mm 0 1mm;padding-left:6mm}
li{margin:.3mm 0}
p,li,td,th,dd,dt,h1,h2,h3,h4,a{overflow-wrap:anywhere;word-break:normal}
a{color:var(--accent)}
table{width:100%;border-collapse:collapse;table-layout:fixed;margin:1mm 0 2mm}
caption{text-align:left;font-weight:bold;color:var(--accent);padding:1mm 0;caption-side:top}
th,td{border:1px solid var(--line);padding:1.2mm 2mm;vertical-align:top;text-align:left}
thead th{background:var(--band)}
tbody th{font-weight:normal}
tr{break-inside:avoid}
.routes col.route{width:36%}.routes col.flag{width:16%}.routes col.jury{width:48%}
.sr-only{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;
 clip:rect(0 0 0 0);white-space:nowrap;border:0}
.rome col.code{width:16%}
.legal col.head{width:42%}
.flag-yes{font-weight:bold}
.grid{display:grid;grid-template-columns:1fr 1fr;border:1px solid var(--line);margin:1mm 0 2mm}
.box{border:1px solid var(--line);padding:2mm 3mm;min-width:0}
.box.wide{grid-column:1 / -1}
.box h3{margin-top:0}
.missing{color:var(--muted);font-style:italic}
.badge{font-size:8pt;font-weight:normal;border:1px solid var(--muted);border-radius:2px;
 padding:0 1mm;color:var(--muted);white-space:nowrap}
.note{font-size:8pt;color:var(--muted)}
.block{border-left:2px solid var(--line);padding-left:3mm;margin:2mm 0}
footer.doc{border-top:1px solid var(--line);margin-top:6mm;padding-top:2mm;font-size:8pt;
 color:var(--muted)}
@page{size:A4;margin:14mm 12mm 15mm}
@media print{
 body{max-width:none;padding:0}
 article+article{break-before:page;margin-top:0}
 h2{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 thead th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


# Characters HTML forbids in a document (controls, surrogates, noncharacters) would make
# a browser report a parse error: they are shown as U+FFFD. Written as the allowed ranges,
# which the regex engine scans far faster than a list of forbidden ones.
_FORBIDDEN = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd"
    + "".join(f"{chr(plane)}-{chr(plane + 0xFFFD)}" for plane in range(0x10000, 0x110000, 0x10000))
    + "]"
)


def _e(text: str) -> str:
    return escape(_FORBIDDEN.sub("\ufffd", text), quote=True)


@functools.cache
def _label(key: str, lang: str) -> str:
    """A fixed label, escaped once per process rather than once per fiche."""
    return _e(labels.label(key, lang))


_date = registration.date_text


class _Page:
    """Builds the HTML of one supplement in one language."""

    def __init__(self, certification: Certification, lang: str, translation: str | None) -> None:
        self.c = certification
        self.lang = lang
        self.translation = translation
        # Fiche content is French: mark it so when the page is English (screen readers).
        self.fr = ' lang="fr"' if lang != "fr" else ""
        self.out: list[str] = []
        self.colon = " : " if lang == "fr" else ": "  # French typography puts a space before
        self.register = registration.register_short(certification.repertoire, lang)

    def t(self, key: str, **values: object) -> str:
        if values:
            return _e(labels.label(key, self.lang, **values))
        return _label(key, self.lang)

    def w(self, *parts: str) -> None:
        self.out.extend(parts)

    def missing(self, key: str = "not_in_register", **values: object) -> None:
        self.w(f'<p class="missing">— {self.t(key, **values)}</p>')

    def why_absent(self, name: str) -> str:
        """The sentence that says why a field of the fiche is empty (escaped)."""
        if absence(self.c, name) == NOT_APPLICABLE:
            return self.t("not_published_for", register=self.register)
        return self.t("not_provided")

    def absent(self, name: str) -> None:
        self.w(f'<p class="missing">— {self.why_absent(name)}</p>')

    def fragment(self, value: str | None) -> str:
        """A flattened RNCP text as paragraphs and bullet lists.

        The text is escaped whole, then split, rather than line by line (one escape per
        text instead of one per line): the same lines, since an escape (``&…;``) holds no
        blank and no bullet, starts with ``&``, which is neither a blank nor a letter, as are
        the characters it replaces. A text with a character HTML forbids is split first:
        some of those are blanks that the split strips.
        """
        if not value:
            return ""
        if _FORBIDDEN.search(value) is None:
            items = text_items(escape(value, quote=True))
        else:
            items = [(is_item, _e(line)) for is_item, line in text_items(value)]
        parts: list[str] = []
        in_list = False
        paragraph = f"<p{self.fr}>"
        for is_item, line in items:
            if is_item:
                if not in_list:
                    parts.append(f"<ul{self.fr}>")
                    in_list = True
                parts.append(f"<li>{line}</li>")
            else:
                if in_list:
                    parts.append("</ul>")
                    in_list = False
                parts.append(f"{paragraph}{line}</p>")
        if in_list:
            parts.append("</ul>")
        return "".join(parts)

    def text(self, value: str | None, field: str | None = "") -> None:
        """A text of the fiche, or the reason it is absent (``field`` None: say nothing)."""
        html = self.fragment(value)
        if html:
            self.w(html)
        elif field is not None:
            self.absent(field)

    # ------------------------------------------------------------------ sections

    def render(self) -> str:
        c = self.c
        self.w(f'<article id="{_e(c.number)}">')
        self.header()
        self.section1_2()
        self.section3()
        self.section4()
        self.section5()
        self.section6()
        self.section7()
        self.w(
            f'<footer class="doc"><p>{self.t("disclaimer", number=c.number)}</p>'
            + (f"<p>{self.t('french_content')}</p>" if self.lang != "fr" else "")
            + "</footer></article>\n"
        )
        return "".join(self.out)

    def display_title(self) -> str:
        """The title the page leads with: the translation in English, flagged as such."""
        if self.lang != "fr" and self.translation:
            badge = f' <span class="badge">{self.t("translation_badge")}</span>'
            return f'<span lang="en">{_e(self.translation)}</span>{badge}'
        return f"<span{self.fr}>{_e(self.c.title)}</span>"

    def header(self) -> None:
        c = self.c
        self.w(
            '<header class="doc"><div>'
            '<p class="brand">EUROPASS</p>'
            f"<h1>{self.t('document')}</h1>"
            f'<p class="cert-title">{self.display_title()}</p>'
            "</div>"
            f'<p class="country"><strong>{self.t("country")}</strong>'
            f"{self.t('fiche')} {_e(c.number)}</p>"
            "</header>"
        )

    def section1_2(self) -> None:
        c = self.c
        self.w('<section id="s1">', f"<h2>{self.t('s1')}</h2>")
        self.w(f'<p class="cert-title" lang="fr">{_e(c.title)}</p>')
        if c.abbreviation is not None:
            kind = c.abbreviation.label or c.abbreviation.code
            self.w(f"<p>{self.t('abbreviation')}{self.colon}<span{self.fr}>{_e(kind)}</span></p>")
        self.w(f'<p class="note">(1) {self.t("s1_note")}</p></section>')
        self.w('<section id="s2">', f"<h2>{self.t('s2')}</h2>")
        if self.translation:
            self.w(
                f'<p class="cert-title" lang="en">{_e(self.translation)} '
                f'<span class="badge">{self.t("translation_badge")}</span></p>'
            )
        else:
            self.w(
                f'<p class="missing">— {self.t("no_translation")} ({self.t("not_in_register")})</p>'
            )
        self.w(f'<p class="note">(2) {self.t("s2_note")}</p></section>')

    def section3(self) -> None:
        c = self.c
        self.w('<section id="s3">', f"<h2>{self.t('s3')}</h2>")
        if c.activities:
            self.w(f"<h3>{self.t('activities')}</h3>")
            self.text(c.activities)
        if c.attested_skills:
            self.w(f"<h3>{self.t('attested_skills')}</h3>")
            self.text(c.attested_skills)
        if not (c.activities or c.attested_skills or c.blocks):
            self.absent("attested_skills")
        for block in c.blocks:
            self.w(
                f'<div class="block" id="{_e(block.code)}">'
                f"<h3>{self.t('block')} {_e(block.code)}{self.colon}"
                f"<span{self.fr}>{_e(block.label)}</span></h3>"
            )
            self.w(f"<h4>{self.t('competences')}</h4>")
            self.text(block.competences)
            self.w(f"<h4>{self.t('assessment')}</h4>")
            self.text(block.assessment_methods)
            if block.entry_prerequisites:
                self.w(f"<h4>{self.t('block_entry')}</h4>")
                self.text(block.entry_prerequisites)
            if block.validation_prerequisites:
                self.w(f"<h4>{self.t('block_validation')}</h4>")
                self.text(block.validation_prerequisites)
            self.w("</div>")
        self.w("</section>")

    def section4(self) -> None:
        c = self.c
        self.w('<section id="s4">', f"<h2>{self.t('s4')}</h2>")
        self.w(f"<h3>{self.t('job_types')}</h3>")
        self.text(c.job_types, "job_types")
        self.w(f"<h3>{self.t('sectors')}</h3>")
        self.text(c.sectors, "sectors")
        self.w(f"<h3>{self.t('rome')}</h3>")
        if c.rome:
            self.w(
                f'<table class="rome"><caption class="sr-only">{self.t("rome")}</caption>'
                '<colgroup><col class="code"><col></colgroup>'
                f'<thead><tr><th scope="col">{self.t("rome_code")}</th>'
                f'<th scope="col">{self.t("rome_label")}</th></tr></thead><tbody>'
            )
            for rome in c.rome:
                self.w(
                    f'<tr><th scope="row">{_e(rome.code)}</th>'
                    f"<td{self.fr}>{_e(rome.label or '')}</td></tr>"
                )
            self.w("</tbody></table>")
        else:
            self.absent("rome")
        if c.activity_regulations:
            self.w(f"<h3>{self.t('regulations')}</h3>")
            self.text(c.activity_regulations)
        self.w("</section>")

    def section5(self) -> None:
        c = self.c
        self.w('<section id="s5">', f"<h2>{self.t('s5')}</h2>", '<div class="grid">')
        # (a) awarding bodies
        self.w(f'<div class="box"><h3>{self.t("s5a")}</h3>')
        if c.certifiers:
            self.w(f"<p>{self.t('legal_name')}{self.colon.rstrip()}</p><ul>")
            for certifier in c.certifiers:
                extra = []
                if certifier.trade_name:
                    extra.append(f"{self.t('trade_name')}{self.colon}{_e(certifier.trade_name)}")
                if certifier.siret:
                    extra.append(f"{self.t('siret')} {_e(certifier.siret)}")
                if certifier.website:
                    extra.append(_e(certifier.website))
                detail = f'<br><span class="note">{" — ".join(extra)}</span>' if extra else ""
                self.w(f"<li><strong>{_e(certifier.name)}</strong>{detail}</li>")
            self.w("</ul>")
        else:
            self.missing("not_provided")
        self.w("</div>")
        # (b) recognising authority
        self.w(
            f'<div class="box"><h3>{self.t("s5b")}</h3>'
            f"<p><strong>{_e(FRANCE_COMPETENCES)}</strong><br>{_e(FRANCE_COMPETENCES_ADDRESS)}</p>"
            f"<p>{_e(registration.statement(c, self.lang))}</p></div>"
        )
        # (c) level
        self.w(f'<div class="box"><h3>{self.t("s5c")}</h3>')
        no_level = registration.level_absence(c, self.lang)
        if c.eqf_level is not None:
            # The fiche's label (``Niveau 7``) is French: the English page uses its own.
            national = (
                _e(c.level_label)
                if self.lang == "fr" and c.level_label
                else self.t("level_n", n=c.eqf_level)
            )
            self.w(
                f"<p>{self.t('national_level')}{self.colon}<strong>{national}</strong></p>"
                f"<p>{self.t('eqf_level')}{self.colon}"
                f"<strong>{self.t('level_n', n=c.eqf_level)}</strong></p>"
            )
        elif no_level is not None:
            self.w(f"<p>{_e(no_level)}</p>")
        else:
            self.absent("level")
        self.w("</div>")
        # (d) grading scale / pass requirements
        self.w(f'<div class="box"><h3>{self.t("s5d")}</h3>')
        methods = assessment_summary(c)
        if methods:
            self.w(f"<h4>{self.t('assessment')}</h4>")
            for text in methods:
                self.text(text)
        else:
            self.absent("blocks")
        self.w("</div>")
        # (e), (f): not in the register
        for key in ("s5e", "s5f"):
            self.w(f'<div class="box"><h3>{self.t(key)}</h3>')
            self.missing()
            self.w("</div>")
        # (g) legal basis
        self.w(f'<div class="box wide"><h3>{self.t("s5g")}</h3>')
        self.legal_basis()
        self.w("</div></div></section>")

    def legal_basis(self) -> None:
        c = self.c
        rows: list[tuple[str, str]] = []
        if c.registration_type:
            rows.append(
                (
                    self.t("registration_type"),
                    _e(registration.type_name(c.registration_type, self.lang)),
                )
            )
        in_force = registration.state(c, self.lang)
        if in_force is not None:
            rows.append((self.t("registration_state"), _e(in_force)))
        for key, day in (("decision_date", c.decision_date), ("effective_date", c.effective_date)):
            if day:
                rows.append((self.t(key), _date(day)))
        if c.registration_years is not None:
            unit = "year" if c.registration_years == 1 else "years"
            rows.append((self.t("registration_years"), self.t(unit, n=c.registration_years)))
        for key, day in (
            ("registration_end", c.registration_end),
            ("issuance_deadline", c.issuance_deadline),
            ("last_journal_date", c.last_journal_date),
        ):
            if day:
                rows.append((self.t(key), _date(day)))
        for key, publications in (
            ("publication_general", c.general_decree),
            ("publication_creation", c.creation_decree),
            ("publication_other", c.other_decree),
        ):
            for publication in publications:
                when = ""
                if publication.published_on:
                    published = self.t("published_on", d=_date(publication.published_on))
                    when = f' <span class="note">({published})</span>'
                rows.append((self.t(key), self.fragment(publication.title) + when))
        if not rows:
            self.absent("legal_basis")
            return
        # Column widths on a <colgroup>, as the other tables: WeasyPrint drops the cells of
        # a fixed-layout table that has none.
        self.w(
            f'<table class="legal"><caption class="sr-only">{self.t("s5g")}</caption>'
            '<colgroup><col class="head"><col></colgroup><tbody>'
        )
        for header, value in rows:
            self.w(f'<tr><th scope="row">{header}</th><td>{value}</td></tr>')
        self.w("</tbody></table>")

    def section6(self) -> None:
        c = self.c
        self.w('<section id="s6">', f"<h2>{self.t('s6')}</h2>")
        self.w(
            '<table class="routes"><caption>'
            f"{self.t('routes_caption')}</caption>"
            '<colgroup><col class="route"><col class="flag"><col class="jury"></colgroup>'
            f'<thead><tr><th scope="col">{self.t("route")}</th>'
            f'<th scope="col">{self.t("route_open")}</th>'
            f'<th scope="col">{self.t("jury")}</th></tr></thead><tbody>'
        )
        # A jury text shared by several routes (the usual case) is printed once, below.
        counts: dict[str, int] = {}
        for stated in c.access_routes.values():
            if stated.jury and stated.jury.strip():
                counts[stated.jury.strip()] = counts.get(stated.jury.strip(), 0) + 1
        notes = {text: n for n, text in enumerate((t for t, k in counts.items() if k > 1), 1)}
        for code in AccessRouteCode:
            route = c.access_routes.get(code)
            label = code.label_fr if self.lang == "fr" else code.label_en
            why = self.why_absent(f"route_{code.value}")
            if route is None:
                flag = f'<span class="missing">{why}</span>'
            else:
                flag = (
                    f'<span class="flag-yes">{self.t("yes")}</span>' if route.open else self.t("no")
                )
            jury = route.jury.strip() if route is not None and route.jury else ""
            if jury in notes:
                anchor = f"{c.number}-jury-{notes[jury]}"
                cell = f'<td><a href="#{_e(anchor)}">{self.t("see_note", n=notes[jury])}</a></td>'
            elif jury:
                cell = f"<td{self.fr}>{self.fragment(jury)}</td>"
            elif route is not None and not route.open:
                cell = f'<td><span class="missing">{self.t("route_closed")}</span></td>'
            else:
                cell = f'<td><span class="missing">{why}</span></td>'

            self.w(f'<tr><th scope="row">{_e(label)}</th><td>{flag}</td>{cell}</tr>')
        self.w("</tbody></table>")
        if notes:
            self.w(f"<h3>{self.t('jury')}</h3>")
            for jury, number in notes.items():
                anchor = f"{c.number}-jury-{number}"
                self.w(f'<h4 id="{_e(anchor)}">{self.t("jury_note", n=number)}</h4>')
                self.text(jury)
        self.w(f"<h3>{self.t('duration')}</h3>")
        self.missing()
        self.w(f"<h3>{self.t('entry')}</h3>")
        self.text(c.entry_prerequisites, "entry_prerequisites")
        self.w(f"<h3>{self.t('by_blocks')}</h3>")
        if c.certification_prerequisites or c.partial_validation is None:
            self.text(c.certification_prerequisites)
        if c.partial_validation is not None:
            answer = self.t("yes") if c.partial_validation else self.t("no")
            self.w(f"<p>{self.t('partial_validation')}{self.colon}{answer}</p>")
            self.text(c.partial_validation_scope, None)
        self.w("</section>")

    def section7(self) -> None:
        c = self.c
        url = c.page_url
        self.w('<section id="s7">', f"<h2>{self.t('s7')}</h2><ul>")
        link = self.t("fiche_link", register=self.register)
        self.w(f'<li>{link}{self.colon}<a href="{_e(url)}">{_e(url)}</a></li>')
        if c.description_url:
            link = c.description_url.strip()
            target = (
                f'<a href="{_e(link)}">{_e(link)}</a>'
                if link.startswith(("https://", "http://")) and " " not in link
                else f"<span{self.fr}>{_e(link)}</span>"
            )
            self.w(f"<li>{self.t('description_link')}{self.colon}{target}</li>")
        for key, numbers in (("successors", c.successors), ("predecessors", c.predecessors)):
            if numbers:
                self.w(f"<li>{self.t(key)}{self.colon}{_e(', '.join(numbers))}</li>")
        for key, items in (("nsf", c.nsf), ("formacode", c.formacodes)):
            if items:
                listed = "; ".join(
                    f"{item.code}" + (f" – {item.label}" if item.label else "") for item in items
                )
                self.w(f"<li>{self.t(key)}{self.colon}<span{self.fr}>{_e(listed)}</span></li>")
        self.w("</ul>")
        self.w(
            f"<p>{self.t('more_info')}</p>"
            f'<p><a href="{_e(MORE_INFO_URL)}">{_e(MORE_INFO_URL)}</a></p>'
            f"<h3>{self.t('europass_centre')}</h3>"
            f"<p>{_e(EUROPASS_CENTRE)}<br>"
            f'<a href="{_e(EUROPASS_CENTRE_URL)}">{_e(EUROPASS_CENTRE_URL)}</a></p>'
            "</section>"
        )


def check_lang(lang: str) -> str:
    if lang not in labels.LANGUAGES:
        raise UsageError(f"supplement-html: unsupported language {lang!r} (fr or en)")
    return lang


def render_article(
    certification: Certification, lang: str = "fr", translation: str | None = None
) -> str:
    """The ``<article>`` of one supplement."""
    return _Page(certification, check_lang(lang), translation).render()


def _document_head(title: str, lang: str) -> str:
    """The start of a document, up to its ``<title>`` included."""
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="rncpkit">\n'
        f"<title>{_e(title)}</title>\n"
    )


_DOCUMENT_STYLE = f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
"""The rest of the start of a document: the style sheet, the same on every page."""


def _document_start(title: str, lang: str) -> str:
    return _document_head(title, lang) + _DOCUMENT_STYLE


_DOCUMENT_END = "</main>\n</body>\n</html>\n"
_STYLE_BYTES = _DOCUMENT_STYLE.encode()
_END_BYTES = _DOCUMENT_END.encode()


def _page_title(certification: Certification, lang: str, translation: str | None) -> str:
    title = translation if lang != "fr" and translation else certification.title
    return f"{labels.label('document', lang)} – {certification.number} – {title}"


def render(certification: Certification, lang: str = "fr", translation: str | None = None) -> str:
    """A complete, self-contained HTML document for one fiche."""
    return (
        _document_start(_page_title(certification, lang, translation), lang)
        + render_article(certification, lang, translation)
        + _DOCUMENT_END
    )


def _page_bytes(certification: Certification, lang: str, translation: str | None) -> bytes:
    """``render(…).encode()``, the constant style sheet encoded once per process rather
    than joined to and encoded with every page."""
    head = _document_head(_page_title(certification, lang, translation), lang)
    article = render_article(certification, lang, translation)
    return b"".join((head.encode(), _STYLE_BYTES, article.encode(), _END_BYTES))


class SupplementHtmlWriter:
    """One fiche → one page; several → one document with a page break between fiches."""

    def __init__(self, stream: IO[bytes], options: WriteOptions) -> None:
        self._stream = stream
        self._lang = check_lang(options.lang)
        self._translations = Translations.from_options(options)
        self._first: tuple[Certification, str] | None = None
        self._count = 0

    def write(self, certification: Certification) -> None:
        translation = self._translations.title(certification)
        article = render_article(certification, self._lang, translation)
        self._count += 1
        if self._count == 1:
            self._first = (certification, article)
            return
        if self._count == 2:
            assert self._first is not None
            title = labels.label("documents", self._lang)
            self._stream.write(_document_start(title, self._lang).encode())
            self._stream.write(self._first[1].encode())
            self._first = None
        self._stream.write(article.encode())

    def close(self) -> None:
        self._translations.warn_unused(FORMAT.name)
        if self._count == 0:
            title = labels.label("documents", self._lang)
            self._stream.write(
                (
                    _document_start(title, self._lang)
                    + f"<h1>{_e(title)}</h1><p>{_e(labels.label('index_empty', self._lang))}</p>"
                    + _DOCUMENT_END
                ).encode()
            )
        elif self._count == 1:
            assert self._first is not None
            certification, article = self._first
            translation = self._translations.title(certification)
            self._stream.write(
                (
                    _document_start(_page_title(certification, self._lang, translation), self._lang)
                    + article
                    + _DOCUMENT_END
                ).encode()
            )
        else:
            self._stream.write(_DOCUMENT_END.encode())


def replace_file(target: Path, data: bytes) -> None:
    """Write ``target`` atomically (temporary file + rename). No fsync per page: a crash
    may lose a page, never leave half of one; the index is synced once at the end."""
    with atomic_output(target, sync=False) as handle:  # I/O failures named, nothing left
        handle.write(data)


class SupplementDirectoryWriter:
    """``DIR/<fiche>.html`` for each fiche, written atomically, plus ``DIR/index.html``.

    The index is streamed to a temporary file row by row and renamed at ``close``: only one
    fiche is ever in memory.
    """

    def __init__(self, directory: Path, options: WriteOptions) -> None:
        self._directory = Path(directory)
        self._directory.mkdir(parents=True, exist_ok=True)
        self._lang = check_lang(options.lang)
        self._translations = Translations.from_options(options)
        self._count = 0
        self._stack = contextlib.ExitStack()
        self._index = self._stack.enter_context(atomic_output(self._directory / "index.html"))
        title = labels.label("index_title", self._lang)
        t = self._label
        self._index.write(
            (
                _document_start(f"{labels.label('documents', self._lang)} – {title}", self._lang)
                + f"<h1>{_e(title)}</h1>\n"
                + f"<table><caption>{_e(labels.label('documents', self._lang))}</caption>"
                + f'<thead><tr><th scope="col">{t("index_number")}</th>'
                + f'<th scope="col">{t("index_title_col")}</th>'
                + f'<th scope="col">{t("index_level")}</th>'
                + f'<th scope="col">{t("index_certifiers")}</th></tr></thead><tbody>\n'
            ).encode()
        )

    def _label(self, key: str) -> str:
        return _e(labels.label(key, self._lang))

    def write(self, certification: Certification) -> None:
        translation = self._translations.title(certification)
        name = f"{certification.number}.html"
        replace_file(self._directory / name, _page_bytes(certification, self._lang, translation))
        self._count += 1
        if certification.eqf_level is not None:
            level = labels.label("level_n", self._lang, n=certification.eqf_level)
        elif certification.repertoire is Repertoire.RS:  # no level by nature, not missing
            level = labels.label("index_level_rs", self._lang)
        elif certification.level is not None:  # REPRISE: the register says "no level"
            level = labels.label("no_level", self._lang)
        else:
            level = labels.label("index_level_unknown", self._lang)
        certifiers = ", ".join(certifier.name for certifier in certification.certifiers)
        self._index.write(
            (
                f'<tr><th scope="row"><a href="{_e(name)}">{_e(certification.number)}</a></th>'
                f'<td lang="fr">{_e(certification.title)}</td><td>{_e(level)}</td>'
                f'<td lang="fr">{_e(certifiers)}</td></tr>\n'
            ).encode()
        )

    def close(self) -> None:
        self._translations.warn_unused(FORMAT.name)
        empty = (
            f'<tr><td colspan="4">{self._label("index_empty")}</td></tr>\n'
            if self._count == 0
            else ""
        )
        self._index.write((empty + "</tbody></table>\n" + _DOCUMENT_END).encode())
        self._stack.close()


FORMAT = Format(
    name="supplement-html",
    description="Europass Certificate Supplement as a printable HTML page (fr/en); "
    "-o DIR/ writes one page per fiche and an index",
    extensions=(".html",),
    writer=SupplementHtmlWriter,
    directory_writer=SupplementDirectoryWriter,
    options=SupplementOptions,
)
