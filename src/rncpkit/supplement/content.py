"""Mapping a fiche onto the seven sections of the Europass Certificate Supplement.

The RNCP does not hold everything the 2004 template asks for (translated title, access to
the next level, international agreements, durations): those slots are marked
:data:`NOT_IN_RNCP` so that both writers say so instead of leaving a silent gap.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rncpkit.errors import UsageError
from rncpkit.formats.base import WriteOptions
from rncpkit.formats.options import FormatOptions, option
from rncpkit.model import Certification
from rncpkit.model.text import flattened_lines

NAMESPACE: Final = "urn:rncpkit:certificate-supplement:1"
"""The project's namespace: no official schema exists for the supplement."""

NOT_IN_RNCP: Final = "not-in-rncp"
"""The register has no such field: the slot is empty for every fiche."""
NOT_PROVIDED: Final = "not-provided"
"""The register has the field, but this fiche leaves it empty."""

FRANCE_COMPETENCES: Final = "France compétences"
FRANCE_COMPETENCES_ADDRESS: Final = "11 rue Scribe 75009 Paris"
MORE_INFO_URL: Final = "https://www.francecompetences.fr"
EUROPASS_CENTRE: Final = "Agence Erasmus+ France / Éducation Formation"
EUROPASS_CENTRE_URL: Final = "https://agence.erasmusplus.fr/programme-erasmus/outils/europass/"


def text_items(text: str | None) -> list[tuple[bool, str]]:
    """Split a flattened RNCP text into ``(is_list_item, line)`` pairs, for display."""
    return flattened_lines(text)


def assessment_summary(certification: Certification) -> list[str]:
    """The distinct assessment texts of the blocks, in order (they often repeat)."""
    seen: dict[str, None] = {}
    for block in certification.blocks:
        text = (block.assessment_methods or "").strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)


def schema_path() -> Path:
    """The project XSD: inside the installed package, or in the source tree."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "_schemas", package.parents[1] / "schemas"):
        path = candidate / "certificate-supplement.xsd"
        if path.exists():
            return path
    raise FileNotFoundError("certificate-supplement.xsd not found")


@dataclass(frozen=True)
class SupplementOptions(FormatOptions):
    """Options of the supplement writers (``supplement-html``, ``supplement-xml``)."""

    translations: Path | None = option(
        parse=Path, help="JSON file mapping fiche numbers to English titles"
    )
    title_en: dict[str, str] = option(
        prefix=True, help="English title of one fiche: title_en.RNCP35080=Title"
    )


@dataclass(frozen=True)
class Translations:
    """English titles by fiche number: the register carries none.

    Given as :class:`SupplementOptions`: ``title_en.RNCP35080=…`` (one fiche) or
    ``translations=FILE.json`` (an object mapping fiche numbers to English titles).
    Loaded once per writer, never per fiche.
    """

    titles: dict[str, str]

    @classmethod
    def from_options(cls, options: WriteOptions) -> Translations:
        titles: dict[str, str] = {}
        settings = options.of(SupplementOptions)
        path = settings.translations
        if path:
            try:
                data = json.loads(Path(path).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise UsageError(f"cannot read translations file {path}: {exc}") from None
            if not isinstance(data, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in data.items()
            ):
                raise UsageError(
                    f"translations file {path} must map fiche numbers to English titles"
                )
            titles.update(data)
        titles.update(settings.title_en)
        return cls({k: v.strip() for k, v in titles.items() if v.strip()})

    def title(self, certification: Certification) -> str | None:
        """The English title of the fiche, when one was given."""
        return self.titles.get(certification.number)
