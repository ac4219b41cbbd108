"""NSF → ISCED-F 2013 crosswalk: LOQ requires an ISCED-F field, RNCP fiches only carry NSF.

The NSF (*Nomenclature des spécialités de formation*, 1994) writes a specialty group as three
digits; fiches often add a letter (``332n``) that names a *function* (study, production,
sales…), not a field, so only the three digits matter here. Each group maps to the ISCED-F
2013 detailed fields (four digits) that best cover it; a group that spans several fields maps to
all of them, a "plurivalent" group to the matching inter-disciplinary field (``xx88``). A group
missing from the table falls back on its domain (first two digits, :data:`NSF_DOMAINS`).

The table was written for rncpkit from the two nomenclatures' published definitions; it is a
proposal, not an official correspondence. Users override it with a TSV file (``NSF<TAB>ISCED
[,ISCED…]`` per line, ``#`` comments; the key ``*`` gives the fields of fiches whose NSF codes
give none, e.g. fiches without NSF): ``EuropassOptions(nsf_isced=path)`` (``-O nsf-isced=PATH``),
or the ``RNCPKIT_NSF_ISCED`` environment variable. ``EuropassOptions(isced=("0413",))``
(``-O isced=0413``) forces the fields of every fiche.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rncpkit.errors import UsageError
from rncpkit.formats.options import FormatOptions, option

__all__ = [
    "ENV_VAR",
    "NSF_TO_ISCED",
    "Crosswalk",
    "EuropassOptions",
    "load_crosswalk",
]

NSF_TO_ISCED: dict[str, tuple[str, ...]] = {
    # 1 — Domaines disciplinaires
    "100": ("0011",),  # Formations générales
    "110": ("0588",),  # Spécialités pluri-scientifiques
    "111": ("0531", "0533"),  # Physique-chimie
    "112": ("0512",),  # Chimie-biologie, biochimie
    "113": ("0511", "0532"),  # Sciences naturelles (biologie-géologie)
    "114": ("0541",),  # Mathématiques
    "115": ("0533",),  # Physique
    "116": ("0531",),  # Chimie
    "117": ("0532",),  # Sciences de la terre
    "118": ("0511",),  # Sciences de la vie
    "120": ("0388",),  # Spécialités pluridisciplinaires, sciences humaines et droit
    "121": ("0314",),  # Géographie (human geography is in 0314)
    "122": ("0311",),  # Economie
    "123": ("0314",),  # Sciences sociales (y compris démographie, anthropologie)
    "124": ("0313",),  # Psychologie
    "125": ("0232",),  # Linguistique
    "126": ("0222",),  # Histoire
    "127": ("0223", "0221"),  # Philosophie, éthique et théologie
    "128": ("0421", "0312"),  # Droit, sciences politiques
    "130": ("0288",),  # Spécialités littéraires et artistiques plurivalentes
    "131": ("0232",),  # Français, littérature et civilisation française
    "132": ("0213",),  # Arts plastiques
    "133": ("0215",),  # Musique, arts du spectacle
    "134": ("0212", "0214"),  # Autres disciplines artistiques (design, métiers d'art)
    "135": ("0231",),  # Langues et civilisations anciennes
    "136": ("0231",),  # Langues vivantes, civilisations étrangères et régionales
    # 2 — Domaines technico-professionnels de la production
    "200": ("0788",),  # Technologies industrielles fondamentales
    "201": ("0714",),  # Technologies de commandes des transformations industrielles
    "210": ("0888",),  # Spécialités plurivalentes de l'agronomie et de l'agriculture
    "211": ("0811", "0812"),  # Productions végétales, cultures spécialisées
    "212": ("0811", "0841"),  # Productions animales, élevage, soins aux animaux, vétérinaire
    "213": ("0821", "0831"),  # Forêts, espaces naturels, faune sauvage, pêche
    "214": ("0812",),  # Aménagement paysager
    "220": ("0788",),  # Spécialités pluritechnologiques des transformations
    "221": ("0721", "1013"),  # Agro-alimentaire, alimentation, cuisine
    "222": ("0711",),  # Transformations chimiques et apparentées
    "223": ("0715",),  # Métallurgie
    "224": ("0722",),  # Matériaux de construction, verre, céramique
    "225": ("0722",),  # Plasturgie, matériaux composites
    "226": ("0722",),  # Papier, carton
    "227": ("0713",),  # Energie, génie climatique
    "230": ("0732",),  # Spécialités pluritechnologiques génie civil, construction, bois
    "231": ("0724", "0732"),  # Mines et carrières, génie civil, topographie
    "232": ("0732",),  # Bâtiment : construction et couverture
    "233": ("0732",),  # Bâtiment : finitions
    "234": ("0722",),  # Travail du bois et de l'ameublement
    "240": ("0723",),  # Spécialités pluritechnologiques matériaux souples
    "241": ("0723",),  # Textile
    "242": ("0723",),  # Habillement
    "243": ("0723",),  # Cuirs et peaux
    "250": ("0715", "0713"),  # Spécialités pluritechnologiques mécanique-électricité
    "251": ("0715",),  # Mécanique générale et de précision, usinage
    "252": ("0716",),  # Moteurs et mécanique auto
    "253": ("0716",),  # Mécanique aéronautique et spatiale
    "254": ("0715",),  # Structures métalliques
    "255": ("0713", "0714"),  # Electricité, électronique
    # 3 — Domaines technico-professionnels des services
    "300": ("1088",),  # Spécialités plurivalentes des services
    "310": ("0413",),  # Spécialités plurivalentes des échanges et de la gestion
    "311": ("1041",),  # Transport, manutention, magasinage
    "312": ("0416", "0414"),  # Commerce, vente
    "313": ("0412",),  # Finances, banque, assurances, immobilier
    "314": ("0411",),  # Comptabilité, gestion
    "315": ("0413",),  # Ressources humaines, gestion du personnel, gestion de l'emploi
    "320": ("0388",),  # Spécialités plurivalentes de la communication et de l'information
    "321": ("0321",),  # Journalisme et communication
    "322": ("0211",),  # Techniques de l'imprimerie et de l'édition
    "323": ("0211",),  # Techniques de l'image et du son, métiers connexes du spectacle
    "324": ("0415",),  # Secrétariat, bureautique
    "325": ("0322",),  # Documentation, bibliothèques, administration des données
    "326": ("0613", "0612"),  # Informatique, traitement de l'information, réseaux
    "330": ("0988",),  # Spécialités plurivalentes sanitaires et sociales
    "331": ("0912", "0913"),  # Santé
    "332": ("0923",),  # Travail social
    "333": ("0111", "0114"),  # Enseignement, formation
    "334": ("1013", "1015"),  # Accueil, hôtellerie, tourisme
    "335": ("1014", "1015"),  # Animation culturelle, sportive et de loisirs
    "336": ("1012",),  # Coiffure, esthétique et autres services aux personnes
    "340": ("1088",),  # Spécialités plurivalentes des services à la collectivité
    "341": ("0731",),  # Aménagement du territoire, développement, urbanisme
    "342": ("0222", "0322"),  # Protection et développement du patrimoine
    "343": ("1021", "0712"),  # Nettoyage, assainissement, protection de l'environnement
    "344": ("1032", "1022"),  # Sécurité des biens et des personnes, police, surveillance
    "345": ("0421",),  # Application des droits et statut des personnes
    "346": ("1031",),  # Spécialités militaires
    # 4 — Domaines du développement personnel
    "410": ("0031",),  # Spécialités concernant plusieurs capacités
    "411": ("1014",),  # Pratiques sportives
    "412": ("0011", "0021"),  # Capacités mentales et apprentissages de base
    "413": ("0031",),  # Capacités comportementales et relationnelles
    "414": ("0031",),  # Capacités individuelles d'organisation
    "415": ("0031",),  # Capacités d'orientation, d'insertion ou de réinsertion
}
"""Every NSF specialty group (three digits) → ISCED-F 2013 detailed fields."""

NSF_DOMAINS: dict[str, tuple[str, ...]] = {
    "10": ("0011",),  # Formations générales
    "11": ("0588",),  # Mathématiques et sciences
    "12": ("0388",),  # Sciences humaines et droit
    "13": ("0288",),  # Lettres et arts
    "20": ("0788",),  # Spécialités pluritechnologiques de production
    "21": ("0888",),  # Agriculture, pêche, forêt et espaces verts
    "22": ("0788",),  # Transformations
    "23": ("0732",),  # Génie civil, construction et bois
    "24": ("0723",),  # Matériaux souples
    "25": ("0788",),  # Mécanique, électricité, électronique
    "30": ("1088",),  # Spécialités plurivalentes des services
    "31": ("0413",),  # Echanges et gestion
    "32": ("0388",),  # Communication et information
    "33": ("0988",),  # Services aux personnes
    "34": ("1088",),  # Services à la collectivité
    "41": ("0031",),  # Capacités individuelles et sociales
}
"""NSF domains (first two digits of a group) → ISCED-F, for groups the table lacks."""

_ISCED_CODE = re.compile(r"^\d{2,4}$")
_NSF_GROUP = re.compile(r"^(\d{3})[a-z]?$")
ENV_VAR = "RNCPKIT_NSF_ISCED"
DEFAULT_KEY = "*"
"""Crosswalk key of the fields used when no NSF code of a fiche maps."""


def load_crosswalk(path: str | os.PathLike[str]) -> dict[str, tuple[str, ...]]:
    """Read an override TSV: ``NSF<TAB>ISCED[,ISCED…]`` per line; ``#`` starts a comment."""
    table: dict[str, tuple[str, ...]] = {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read the NSF→ISCED-F crosswalk {path}: {exc.strerror}") from None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split("\t") if "\t" in line else line.split(None, 1)
        codes = tuple(c.strip() for c in parts[1].split(",")) if len(parts) == 2 else ()
        if not codes or not all(_ISCED_CODE.match(c) for c in codes):
            raise UsageError(f"{path}:{number}: expected 'NSF<TAB>ISCED[,ISCED…]', got {raw!r}")
        table[parts[0].strip()] = codes
    return table


def _isced_codes(text: str) -> tuple[str, ...]:
    codes = tuple(c.strip() for c in text.split(",") if c.strip())
    if not codes or not all(_ISCED_CODE.match(c) for c in codes):
        raise ValueError(f"expected ISCED-F codes such as 0413, got {text!r}")
    return codes


@dataclass(frozen=True)
class EuropassOptions(FormatOptions):
    """Options of the Europass writers (``europass-xml``, ``europass-jsonld``)."""

    nsf_isced: Path | None = option(
        key="nsf-isced",
        parse=Path,
        help="TSV file overriding the NSF → ISCED-F crosswalk (NSF<TAB>ISCED[,ISCED…])",
    )
    isced: tuple[str, ...] | None = option(
        parse=_isced_codes, help="ISCED-F fields forced on every fiche, e.g. 0413 or 0413,0414"
    )


class Crosswalk:
    """The NSF → ISCED-F mapping in force: the built-in table, overridden entry by entry."""

    def __init__(
        self,
        overrides: Mapping[str, tuple[str, ...]] | None = None,
        forced: tuple[str, ...] | None = None,
    ) -> None:
        self._table = {**NSF_TO_ISCED, **(overrides or {})}
        self._forced = forced

    @classmethod
    def from_options(cls, options: EuropassOptions | Mapping[str, str]) -> Crosswalk:
        """Built from the Europass formats' options (or their ``-O`` text form) and the
        environment."""
        if not isinstance(options, EuropassOptions):
            options = EuropassOptions.parse(options)
        path = options.nsf_isced or os.environ.get(ENV_VAR)
        overrides = load_crosswalk(path) if path else None
        return cls(overrides, options.isced)

    def lookup(self, nsf_code: str) -> tuple[str, ...]:
        """ISCED-F fields of one NSF code: exact entry, else its group, else its domain."""
        if nsf_code in self._table:
            return self._table[nsf_code]
        match = _NSF_GROUP.match(nsf_code)
        if match is None:
            return ()
        group = match.group(1)
        return self._table.get(group) or NSF_DOMAINS.get(group[:2], ())

    def fields(self, nsf_codes: Iterable[str]) -> list[str]:
        """ISCED-F fields of a fiche, in NSF order, without duplicates."""
        if self._forced is not None:
            return list(self._forced)
        seen: dict[str, None] = {}
        for code in nsf_codes:
            for field in self.lookup(code):
                seen.setdefault(field, None)
        return list(seen) or list(self._table.get(DEFAULT_KEY, ()))
