"""Mapping a fiche onto the seven sections of the Europass Certificate Supplement.

The register does not hold everything the 2004 template asks for (translated title, access
to the next level, international agreements, durations): those slots are marked
:data:`NOT_IN_REGISTER`, slots an RS fiche has no use for :data:`NOT_APPLICABLE`, and fields
a fiche leaves empty :data:`NOT_PROVIDED`, so that both writers say why instead of leaving a
silent gap.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from rncpkit import samples
from rncpkit.errors import RncpkitWarning, UsageError
from rncpkit.formats.base import WriteOptions
from rncpkit.formats.options import FormatOptions, option
from rncpkit.model import Certification, Repertoire
from rncpkit.model.text import flattened_lines

__all__ = [
    "EUROPASS_CENTRE",
    "EUROPASS_CENTRE_URL",
    "FRANCE_COMPETENCES",
    "FRANCE_COMPETENCES_ADDRESS",
    "MORE_INFO_URL",
    "NAMESPACE",
    "NOT_APPLICABLE",
    "NOT_IN_REGISTER",
    "NOT_IN_RNCP",
    "NOT_PROVIDED",
    "SupplementOptions",
    "Translations",
    "absence",
    "assessment_summary",
    "schema_path",
    "text_items",
]

NAMESPACE: Final = "urn:rncpkit:certificate-supplement:1"
"""The project's namespace: no official schema exists for the supplement."""

NOT_IN_REGISTER: Final = "not-in-register"
"""France compétences publishes no such field: the slot is empty for every fiche."""
NOT_IN_RNCP: Final = "not-in-rncp"
"""The former name of :data:`NOT_IN_REGISTER` (RNCP wording, untrue for RS fiches): still
accepted when reading, never written."""
NOT_PROVIDED: Final = "not-provided"
"""The register has the field, but this fiche leaves it empty."""
NOT_APPLICABLE: Final = "not-applicable"
"""The slot does not apply to this kind of fiche: an RS fiche has no level, no job types,
no sectors, no ROME codes and no apprenticeship route by nature."""

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
    return samples.schema_path("certificate-supplement.xsd")


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
    explicit: frozenset[str] = frozenset()
    """Fiches named one by one (``title_en.RNCP35080=…``): a typo there deserves a word."""
    asked: set[str] = field(default_factory=set, compare=False)

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
        return cls(
            {k: v.strip() for k, v in titles.items() if v.strip()}, frozenset(settings.title_en)
        )

    def title(self, certification: Certification) -> str | None:
        """The English title of the fiche, when one was given."""
        self.asked.add(certification.number)
        return self.titles.get(certification.number)

    def warn_unused(self, format_name: str) -> None:
        """Warn, once, about ``title_en.<NUMERO>`` options naming no fiche of the input
        (a typo in the number, or the wrong input). Writers call it when they close."""
        unused = sorted(self.explicit - self.asked)
        if unused:
            shown = ", ".join(unused[:10]) + (" …" if len(unused) > 10 else "")
            warnings.warn(
                f"{format_name}: title_en given for fiches not among those converted: {shown}",
                RncpkitWarning,
                stacklevel=2,
            )


RNCP_ONLY: Final = frozenset(
    {"activities", "sectors", "job_types", "rome", "level", "blocks", "route_CA"}
)
"""What France compétences never publishes for RS fiches (``ACTIVITES_VISEES``,
``SECTEURS_ACTIVITE``, ``TYPE_EMPLOI_ACCESSIBLES``, ``CODES_ROME``, ``NOMENCLATURE_EUROPE``,
``BLOCS_COMPETENCES``, ``SI_JURY_CA``): on an RS fiche their absence is its nature, not a gap."""


def absence(certification: Certification, name: str) -> str:
    """Why a field of the fiche is empty: :data:`NOT_APPLICABLE` for what RS fiches never
    have, :data:`NOT_PROVIDED` otherwise."""
    if certification.repertoire is Repertoire.RS and name in RNCP_ONLY:
        return NOT_APPLICABLE
    return NOT_PROVIDED
