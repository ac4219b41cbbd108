"""Generate a synthetic France Compétences export (flux V4.1) of national size.

30,000 fiches ≈ the real national export (~570 MB for RNCP): ~85 % RNCP fiches with long
texts, 0–60 partners (≈15 on average, as the 397,774 partners of 25,638 real fiches),
2–10 blocks; ~15 % RS fiches. Written directly as text (independently of rncpkit's writer)
and deterministic for a given seed. ``--mutate P`` changes P % of the fiches, to produce
the "next night's" export for diff benchmarks.

    python benchmarks/generate_export.py --fiches 30000 -o benchmarks/data/national.xml
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from xml.sax.saxutils import escape

WORDS = [
    "analyser",
    "concevoir",
    "piloter",
    "organiser",
    "évaluer",
    "mettre",
    "en",
    "œuvre",
    "les",
    "projets",
    "de",
    "l’entreprise",
    "gestion",
    "des",
    "ressources",
    "humaines",
    "budget",
    "qualité",
    "sécurité",
    "environnement",
    "client",
    "partenaires",
    "réglementation",
    "stratégie",
    "développement",
    "communication",
    "équipe",
    "management",
    "numérique",
    "données",
    "accompagner",
    "former",
    "conseiller",
    "négocier",
    "contrôler",
    "produire",
    "maintenir",
    "installer",
    "diagnostiquer",
    "à",
    "vocation",
    "sociale",
    "et",
    "culturelle",
    "économie",
    "sociale",
    "et",
    "solidaire",
    "«",
    "responsabilité",
    "»",
    "d'activité",
]
ROMES = ["K1206", "M1301", "K1403", "K1802", "M1302", "H1102", "M1805", "D1402", "J1506", "F1603"]
NSF = ["332n", "310m", "330p", "313", "315p", "326t", "333r", "251", "114b", "326"]
ROUTES = ("FI", "CA", "FC", "CQ", "CL", "VAE")


def _luhn_siret(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(13)]
    for check in range(10):
        candidate = [*digits, check]
        total = 0
        for index, digit in enumerate(reversed(candidate)):
            if index % 2 == 1:
                digit *= 2
                if digit > 9:
                    digit -= 9
            total += digit
        if total % 10 == 0:
            return "".join(map(str, candidate))
    raise AssertionError


def _text(rng: random.Random, words: int) -> str:
    parts = []
    for index in range(words):
        if index and index % 14 == 0:
            parts.append("    -")
        parts.append(rng.choice(WORDS))
    return escape(" ".join(parts))


def _words(rng: random.Random, low: int, high: int, scale: float) -> int:
    return int(rng.randint(low, high) * scale)


def _date(rng: random.Random, first: int = 2015, last: int = 2030) -> str:
    return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(first, last)}"


def fiche(index: int, rng: random.Random, mutated: bool = False, scale: float = 1.0) -> str:
    """One FICHE element, indented as the official export; ``scale`` multiplies the long
    texts and the number of partners (:data:`SHAPES`)."""
    rs = index % 7 == 0
    number = f"RS{1000 + index}" if rs else f"RNCP{30000 + index}"
    i = "        "
    out = [
        "    <FICHE>",
        f"{i}<ID_FICHE>{10000 + index}</ID_FICHE>",
        f"{i}<NUMERO_FICHE>{number}</NUMERO_FICHE>",
    ]
    if index % 3 == 0:
        out += [
            f"{i}<ANCIENNES_CERTIFICATIONS>",
            f"{i}    <ANCIENNE_CERTIFICATION>",
            f"{i}        <ID_FICHE_ANCIENNE_CERTIFICATION>RNCP{20000 + index}"
            "</ID_FICHE_ANCIENNE_CERTIFICATION>",
            f"{i}    </ANCIENNE_CERTIFICATION>",
            f"{i}</ANCIENNES_CERTIFICATIONS>",
        ]
    title = _text(rng, rng.randint(4, 14)) + (" (révisé)" if mutated else "")
    out.append(f"{i}<INTITULE>{title}</INTITULE>")
    if not rs and index % 2:
        out += [
            f"{i}<ABREGE>",
            f"{i}    <CODE>TP</CODE>",
            f"{i}    <LIBELLE>Titre professionnel</LIBELLE>",
            f"{i}</ABREGE>",
        ]
    out.append(f"{i}<ETAT_FICHE>Publiée</ETAT_FICHE>")
    out.append(f"{i}<FORMACODES>")
    for _ in range(rng.randint(1, 5)):
        out += [
            f"{i}    <FORMACODE>",
            f"{i}        <CODE>{rng.randint(10000, 99999)}</CODE>",
            f"{i}        <LIBELLE>{_text(rng, 3)}</LIBELLE>",
            f"{i}    </FORMACODE>",
        ]
    out.append(f"{i}</FORMACODES>")
    level = rng.randint(3, 8)
    if not rs:
        out += [
            f"{i}<NOMENCLATURE_EUROPE>",
            f"{i}    <NIVEAU>NIV{level}</NIVEAU>",
            f"{i}    <LIBELLE>Niveau {level}</LIBELLE>",
            f"{i}</NOMENCLATURE_EUROPE>",
        ]
    out.append(f"{i}<CODES_NSF>")
    for code in rng.sample(NSF, rng.randint(1, 3)):
        out += [
            f"{i}    <NSF>",
            f"{i}        <CODE>{code}</CODE>",
            f"{i}        <LIBELLE>{_text(rng, 5)}</LIBELLE>",
            f"{i}    </NSF>",
        ]
    out.append(f"{i}</CODES_NSF>")
    out.append(f"{i}<CERTIFICATEURS>")
    for _ in range(rng.randint(1, 3)):
        out += [
            f"{i}    <CERTIFICATEUR>",
            f"{i}        <SIRET_CERTIFICATEUR>{_luhn_siret(rng)}</SIRET_CERTIFICATEUR>",
            f"{i}        <NOM_CERTIFICATEUR>{_text(rng, 5).upper()}</NOM_CERTIFICATEUR>",
            f"{i}        <ETAT_CERTIFICATEUR>Actif</ETAT_CERTIFICATEUR>",
            f"{i}        <DATE_DERNIERE_MODIFICATION_ETAT>{_date(rng)}</DATE_DERNIERE_MODIFICATION_ETAT>",
            f"{i}    </CERTIFICATEUR>",
        ]
    out.append(f"{i}</CERTIFICATEURS>")
    partners = min(int(rng.expovariate(1 / 13) * scale), 400)
    out.append(f"{i}<EXISTENCE_PARTENAIRES>{'Oui' if partners else 'Non'}</EXISTENCE_PARTENAIRES>")
    if partners:
        out.append(f"{i}<PARTENAIRES>")
        for _ in range(partners):
            out += [
                f"{i}    <PARTENAIRE>",
                f"{i}        <NOM_PARTENAIRE>{_text(rng, 4).upper()}</NOM_PARTENAIRE>",
                f"{i}        <SIRET_PARTENAIRE>{_luhn_siret(rng)}</SIRET_PARTENAIRE>",
                f"{i}        <HABILITATION_PARTENAIRE>HABILITATION_ORGA_FORM</HABILITATION_PARTENAIRE>",
                f"{i}        <ETAT_HABILITATION>Actif</ETAT_HABILITATION>",
                f"{i}        <DATE_ACTIF>{_date(rng)}</DATE_ACTIF>",
                f"{i}        <DATE_DERNIERE_MODIFICATION_ETAT>{_date(rng)}</DATE_DERNIERE_MODIFICATION_ETAT>",
                f"{i}    </PARTENAIRE>",
            ]
        out.append(f"{i}</PARTENAIRES>")
    if not rs:
        out.append(
            f"{i}<ACTIVITES_VISEES>{_text(rng, _words(rng, 60, 260, scale))}</ACTIVITES_VISEES>"
        )
    out.append(
        f"{i}<CAPACITES_ATTESTEES>{_text(rng, _words(rng, 80, 350, scale))}</CAPACITES_ATTESTEES>"
    )
    if not rs:
        out.append(
            f"{i}<SECTEURS_ACTIVITE>{_text(rng, _words(rng, 30, 110, scale))}</SECTEURS_ACTIVITE>"
        )
        out.append(
            f"{i}<TYPE_EMPLOI_ACCESSIBLES>{_text(rng, _words(rng, 20, 80, scale))}</TYPE_EMPLOI_ACCESSIBLES>"
        )
        out.append(f"{i}<CODES_ROME>")
        for code in rng.sample(ROMES, rng.randint(1, 5)):
            out += [
                f"{i}    <ROME>",
                f"{i}        <CODE>{code}</CODE>",
                f"{i}        <LIBELLE>{_text(rng, 4)}</LIBELLE>",
                f"{i}    </ROME>",
            ]
        out.append(f"{i}</CODES_ROME>")
    for route in ROUTES:
        if rs and route == "CA":
            continue
        active = rng.random() < 0.6
        out += [f"{i}<SI_JURY_{route}>", f"{i}    <ACTIF>{'Oui' if active else 'Non'}</ACTIF>"]
        if active:
            out.append(
                f"{i}    <COMPOSITION>{_text(rng, _words(rng, 12, 40, scale))}</COMPOSITION>"
            )
        out.append(f"{i}</SI_JURY_{route}>")
    if not rs:
        out.append(f"{i}<ACCESSIBLE_NOUVELLE_CALEDONIE>Non</ACCESSIBLE_NOUVELLE_CALEDONIE>")
        out.append(f"{i}<ACCESSIBLE_POLYNESIE_FRANCAISE>Non</ACCESSIBLE_POLYNESIE_FRANCAISE>")
    decision = _date(rng, 2018, 2024)
    end = f"{decision[:6]}{int(decision[6:]) + 5}"  # on request: decision + 5 years
    out.append(f"{i}<DATE_DECISION>{decision}</DATE_DECISION>")
    out.append(f"{i}<DUREE_ENREGISTREMENT>5</DUREE_ENREGISTREMENT>")
    if index % 4 == 0:
        out.append(f"{i}<STATISTIQUES_PROMOTIONS>")
        for year in (2021, 2022):
            out += [
                f"{i}    <STATISTIQUES_PROMOTION>",
                f"{i}        <ANNEE>{year}</ANNEE>",
                f"{i}        <NOMBRE_CERTIFIES>{(certified := rng.randint(1, 500))}</NOMBRE_CERTIFIES>",
                f"{i}        <NOMBRE_CERTIFIES_VAE>{rng.randint(0, min(20, certified))}</NOMBRE_CERTIFIES_VAE>",
                f"{i}    </STATISTIQUES_PROMOTION>",
            ]
        out.append(f"{i}</STATISTIQUES_PROMOTIONS>")
    out.append(f"{i}<DATE_FIN_ENREGISTREMENT>{end}</DATE_FIN_ENREGISTREMENT>")
    out.append(f"{i}<TYPE_ENREGISTREMENT>Enregistrement sur demande</TYPE_ENREGISTREMENT>")
    if not rs:
        out.append(f"{i}<BLOCS_COMPETENCES>")
        for block in range(1, rng.randint(2, 8) + 1):
            out += [
                f"{i}    <BLOC_COMPETENCES>",
                f"{i}        <CODE>{number}BC{block:02d}</CODE>",
                f"{i}        <LIBELLE>{_text(rng, 8)}</LIBELLE>",
                f"{i}        <LISTE_COMPETENCES>{_text(rng, _words(rng, 25, 110, scale))}</LISTE_COMPETENCES>",
                f"{i}        <MODALITES_EVALUATION>{_text(rng, _words(rng, 15, 60, scale))}</MODALITES_EVALUATION>",
                f"{i}    </BLOC_COMPETENCES>",
            ]
        out.append(f"{i}</BLOCS_COMPETENCES>")
    out.append(
        f"{i}<OBJECTIFS_CONTEXTE>{_text(rng, _words(rng, 40, 160, scale))}</OBJECTIFS_CONTEXTE>"
    )
    if rs:
        out.append(f"{i}<VALIDATION_PARTIELLE>Non</VALIDATION_PARTIELLE>")
    active = int(end[6:]) >= 2027  # consistent with an export of 2026
    out.append(f"{i}<ACTIF>{'Oui' if active else 'Non'}</ACTIF>")
    if rs:
        out.append(f"{i}<PREREQUIS_ENTREE_FORMATION>{_text(rng, 30)}</PREREQUIS_ENTREE_FORMATION>")
    out.append("    </FICHE>")
    return "\n".join(out) + "\n"


SHAPES = {"national": 1.0, "large": 3.3}
"""Fiche shapes: ``national`` averages about 22 KB a fiche, like the national export;
``large`` about 60 KB (longer texts, more partners), like fiches replicated from rich ones."""


def generate(
    path: Path, fiches: int, seed: int = 35080, mutate: float = 0.0, shape: str = "national"
) -> None:
    """Write ``fiches`` fiches to ``path``; ``mutate`` percent of them differ (diff tests)."""
    scale = SHAPES[shape]
    path.parent.mkdir(parents=True, exist_ok=True)
    picker = random.Random(seed + 1)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<FICHES>\n')
        out.write("    <VERSION_FLUX>4.1</VERSION_FLUX>\n")
        for index in range(fiches):
            mutated = mutate > 0 and picker.random() < mutate / 100
            out.write(fiche(index, random.Random(seed * 1_000_003 + index), mutated, scale))
        out.write("</FICHES>\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", type=int, default=30000)
    parser.add_argument("--seed", type=int, default=35080)
    parser.add_argument("--mutate", type=float, default=0.0, help="percent of fiches changed")
    parser.add_argument("--shape", choices=SHAPES, default="national", help="fiche size")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    generate(args.output, args.fiches, args.seed, args.mutate, args.shape)
    size = args.output.stat().st_size
    print(f"{args.output}: {args.fiches} fiches, {size / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
