"""The one-page certificate image every Europass Digital Credential carries (PNG).

Europass shows a credential through the image in its ``displayParameter``; rncpkit draws it
from the holder's and the fiche's data with Pillow, in French or English. The register holds
no English title: the English page keeps the official French title and says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "Lang",
    "Page",
    "render",
]

Lang = Literal["fr", "en"]

WIDTH, HEIGHT = 1123, 794  # A4 landscape at 96 dpi
INK, ACCENT, MUTED, PAPER = (25, 35, 60), (0, 85, 140), (95, 100, 115), (255, 255, 255)
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/Library/Fonts")
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

LABELS: dict[str, dict[Lang, str]] = {
    "heading": {"fr": "Attestation de certification", "en": "Certificate of achievement"},
    "heading_block": {
        "fr": "Attestation de bloc de compétences",
        "en": "Certificate of a block of competences",
    },
    "awarded": {"fr": "décernée à", "en": "awarded to"},
    "for": {"fr": "pour l'obtention de", "en": "for obtaining"},
    "french_title": {"fr": "", "en": "(official French title; no English title is registered)"},
    "block_of": {"fr": "bloc de compétences de la certification", "en": "block of certification"},
    "date": {"fr": "Date d'obtention", "en": "Date awarded"},
    "issuer": {"fr": "Délivrée par", "en": "Issued by"},
    "id": {"fr": "Identifiant", "en": "Identifier"},
    "rncp": {
        "fr": "Répertoire national des certifications professionnelles (RNCP)",
        "en": "French national register of professional certifications (RNCP)",
    },
    "rs": {"fr": "Répertoire spécifique (RS)", "en": "French specific register (RS)"},
    "fiche": {"fr": "Fiche {number} du {register}", "en": "Record {number} of the {register}"},
    "level": {
        "fr": "Niveau {level} du cadre national des certifications professionnelles (CEC {level})",
        "en": "Level {level} of the French national qualifications framework (EQF {level})",
    },
}


@dataclass(frozen=True, slots=True)
class Page:
    """What the certificate says (all of it already true of the fiche and the row)."""

    holder: str
    title: str
    number: str
    repertoire: str  # RNCP or RS
    award_date: dt.date
    issuer: str
    credential_id: str
    page_url: str
    eqf_level: int | None = None
    block_code: str | None = None
    certification_number: str | None = None


def long_date(day: dt.date, lang: Lang) -> str:
    """``4 juillet 2025`` / ``4 July 2025``."""
    months = _MONTHS_FR if lang == "fr" else _MONTHS_EN
    first = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{first} {months[day.month - 1]} {day.year}"


@functools.cache
def _font(size: int, bold: bool = False, serif: bool = True) -> ImageFont.FreeTypeFont:
    """DejaVu when installed (every accent and typographic sign), else Pillow's own font."""
    name = ("DejaVuSerif" if serif else "DejaVuSans") + ("-Bold" if bold else "") + ".ttf"
    for directory in _FONT_DIRS:
        path = Path(directory, name)
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):  # Pillow built without FreeType
        raise RuntimeError("Pillow has no FreeType support: the certificate cannot be drawn")
    return font


def _centred(
    draw: ImageDraw.ImageDraw,
    y: int,
    text: str,
    font: ImageFont.FreeTypeFont,
    fill: tuple[int, int, int],
    width: int,
) -> int:
    """Draw ``text`` centred, wrapped to the page; return the y below it."""
    average = max(font.getlength("n"), 1)
    for line in textwrap.wrap(text, width=max(int(width / average), 10)) or [""]:
        length = font.getlength(line)
        draw.text(((WIDTH - length) / 2, y), line, font=font, fill=fill)
        y += int(font.size * 1.3)
    return y


def render(page: Page, lang: Lang = "fr") -> bytes:
    """The certificate as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((18, 18, WIDTH - 18, HEIGHT - 18), outline=ACCENT, width=4)
    draw.rectangle((30, 30, WIDTH - 30, HEIGHT - 30), outline=ACCENT, width=1)
    text_width = WIDTH - 160
    heading = LABELS["heading_block" if page.block_code else "heading"][lang]
    y = _centred(draw, 70, heading, _font(40, bold=True), ACCENT, text_width) + 20
    y = _centred(draw, y, LABELS["awarded"][lang], _font(20), MUTED, text_width)
    y = _centred(draw, y + 5, page.holder, _font(38, bold=True), INK, text_width) + 15
    y = _centred(draw, y, LABELS["for"][lang], _font(20), MUTED, text_width)
    title_size = 26 if len(page.title) <= 120 else 22 if len(page.title) <= 200 else 18
    y = _centred(draw, y + 5, page.title, _font(title_size, bold=True), INK, text_width)
    if lang == "en":
        y = _centred(draw, y, LABELS["french_title"][lang], _font(15), MUTED, text_width)
    if page.block_code and page.certification_number:
        line = f"{page.block_code} — {LABELS['block_of'][lang]} {page.certification_number}"
        y = _centred(draw, y + 6, line, _font(18), INK, text_width)
    register = LABELS["rs" if page.repertoire == "RS" else "rncp"][lang]
    fiche = LABELS["fiche"][lang].format(
        number=page.certification_number or page.number, register=register
    )
    y = _centred(draw, y + 10, fiche, _font(17), INK, text_width)
    if page.eqf_level is not None:
        level = LABELS["level"][lang].format(level=page.eqf_level)
        y = _centred(draw, y, level, _font(17), INK, text_width)
    y = max(y + 25, 500)
    small = _font(18, serif=False)
    rows = [
        (LABELS["date"][lang], long_date(page.award_date, lang)),
        (LABELS["issuer"][lang], page.issuer),
        (LABELS["id"][lang], page.credential_id),
    ]
    for label, value in rows:
        y = _centred(
            draw,
            y,
            f"{label} : {value}" if lang == "fr" else f"{label}: {value}",
            small,
            INK,
            text_width,
        )
    _centred(draw, HEIGHT - 75, page.page_url, _font(15, serif=False), MUTED, text_width)
    out = io.BytesIO()
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(out, "PNG", optimize=True)
    return out.getvalue()
