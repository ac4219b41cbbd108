"""Free texts: no control characters, leftover HTML, mojibake or absurd lengths."""

from __future__ import annotations

from collections.abc import Iterator

from rncpkit.model import Certification
from rncpkit.validation import text
from rncpkit.validation.findings import Severity
from rncpkit.validation.rules.engine import Context, Issue, rule

# Its rules register themselves in the catalogue when the package imports it;
# nothing is imported from here by name.
__all__: list[str] = []


@rule(
    "TEXT-CONTROL",
    Severity.ERROR,
    "Texts hold no control characters or bidirectional overrides",
    "Les textes ne contiennent ni caractères de contrôle ni forçages de direction",
    reads_text=True,
)
def _text_control(cert: Certification, context: Context) -> Iterator[Issue]:
    if not context.text_digest(cert).may_match(text.CONTROL):
        return
    for path, _name, value in text.strings(cert):
        match = text.CONTROL.search(value)
        if match:
            shown = f"U+{ord(match.group()):04X}"
            yield Issue(
                path,
                f"control character {shown} at position {match.start()}",
                f"caractère de contrôle {shown} à la position {match.start()}",
            )


@rule(
    "TEXT-HTML",
    Severity.WARNING,
    "Texts hold no leftover HTML tags or character references",
    "Les textes ne contiennent pas de reste de balises ou d'entités HTML",
    reads_text=True,
)
def _text_html(cert: Certification, context: Context) -> Iterator[Issue]:
    if not context.text_digest(cert).may_match(text.HTML):
        return
    for path, _name, value in text.strings(cert):
        match = text.HTML.search(value)
        if match:
            yield Issue(
                path,
                f"leftover HTML {match.group()[:40]!r}",
                f"reste de HTML {match.group()[:40]!r}",
            )


@rule(
    "TEXT-MOJIBAKE",
    Severity.ERROR,
    "Texts are not garbled by a wrong decoding (Ã© for é, â€™ for ’)",
    "Les textes ne sont pas altérés par un mauvais décodage (Ã© pour é, â€™ pour ’)",
    reads_text=True,
)
def _text_mojibake(cert: Certification, context: Context) -> Iterator[Issue]:
    if not context.text_digest(cert).may_match(text.MOJIBAKE):
        return
    for path, _name, value in text.strings(cert):
        match = text.MOJIBAKE.search(value)
        if match:
            yield Issue(
                path,
                f"garbled text {text.excerpt(value, match.start())!r} (UTF-8 read as Latin-1?)",
                f"texte altéré {text.excerpt(value, match.start())!r} (UTF-8 lu en Latin-1 ?)",
            )


@rule(
    "TEXT-LENGTH",
    Severity.ERROR,
    f"Titles, labels and names stay under {text.LIMITS['title']} characters, other texts "
    f"under {text.DEFAULT_LIMIT}",
    f"Intitulés, libellés et noms font moins de {text.LIMITS['title']} caractères, les "
    f"autres textes moins de {text.DEFAULT_LIMIT}",
    reads_text=True,
)
def _text_length(cert: Certification, context: Context) -> Iterator[Issue]:
    if not context.text_digest(cert).may_be_too_long():
        return
    for path, name, value in text.strings(cert):
        limit = text.LIMITS.get(name, text.DEFAULT_LIMIT)
        if len(value) > limit:
            yield Issue(
                path,
                f"{len(value)} characters (limit {limit})",
                f"{len(value)} caractères (limite {limit})",
            )
