"""``rncpkit show``: a readable summary of one fiche, found by number in any file."""

from __future__ import annotations

import datetime as dt
import textwrap

import click

from rncpkit.api import find
from rncpkit.cli._common import encoding_option, fail, from_option, handle_errors, with_encoding
from rncpkit.model import Certification
from rncpkit.model.numbers import fiche_number_candidates
from rncpkit.model.text import flattened_lines

__all__ = [
    "show",
]


def _wrap(text: str, indent: str = "    ") -> str:
    flattened = " ".join(text.split())
    return textwrap.fill(flattened, width=96, initial_indent=indent, subsequent_indent=indent)


def _french(day: dt.date | None) -> str | None:
    """JJ/MM/AAAA, as France Compétences writes dates (the labels here are French)."""
    return day.strftime("%d/%m/%Y") if day else None


TRUNCATED = 600
"""Characters of the objectives shown without ``--full``."""

_TEXTS = (
    ("Activités visées", "activities"),
    ("Compétences attestées", "attested_skills"),
    ("Secteurs d'activité", "sectors"),
    ("Types d'emplois accessibles", "job_types"),
    ("Réglementation d'activités", "activity_regulations"),
    ("Niveau de maîtrise", "mastery_level"),
    ("Validation partielle", "partial_validation_scope"),
    ("Prérequis à l'entrée en formation", "entry_prerequisites"),
    ("Prérequis à la validation", "certification_prerequisites"),
    ("Durée de validité", "validity_duration"),
    ("Modalités de renouvellement", "renewal_terms"),
)
"""The free texts ``--full`` adds, in the order of the public fiche page."""


def render(cert: Certification, *, full: bool = False) -> str:
    """A plain-text summary of a certification, for people; ``full`` prints every text
    whole (objectives, activities, skills…) instead of a truncated objectives excerpt."""
    lines = [f"{cert.number} — {cert.title}"]
    facts = [
        ("Répertoire", cert.repertoire.value),
        ("État", cert.state.value if cert.state else None),
        ("Actif", {True: "oui", False: "non", None: None}[cert.active]),
        (
            "Niveau",
            f"{cert.level_label or ''} (CEC/EQF {cert.eqf_level})"
            if cert.eqf_level
            else (cert.level.value if cert.level else None),
        ),
        ("Enregistrement", cert.registration_type.value if cert.registration_type else None),
        ("Décision", _french(cert.decision_date)),
        ("Date d'effet", _french(cert.effective_date)),
        ("Durée", f"{cert.registration_years} ans" if cert.registration_years else None),
        ("Fin d'enregistrement", _french(cert.registration_end)),
        ("NSF", ", ".join(n.code for n in cert.nsf) or None),
        ("Formacodes", ", ".join(f.code for f in cert.formacodes) or None),
        ("ROME", ", ".join(r.code for r in cert.rome) or None),
        ("Successeurs", ", ".join(cert.successors) or None),
        ("Prédécesseurs", ", ".join(cert.predecessors) or None),
        ("Partenaires", str(len(cert.partners)) if cert.partners else None),
    ]
    lines += [f"  {label:22} {value}" for label, value in facts if value]
    if cert.certifiers:
        lines.append("  Certificateurs")
        lines += [
            f"    - {c.name}" + (f" (SIRET {c.siret})" if c.siret else "") for c in cert.certifiers
        ]
    if cert.access_routes:
        lines.append("  Voies d'accès")
        for code, route in cert.access_routes.items():
            lines.append(f"    {'oui' if route.open else 'non':4} {code.label_fr}")
    if cert.blocks:
        lines.append("  Blocs de compétences")
        lines += [f"    {b.code}  {b.label}" for b in cert.blocks]
    if cert.objectives:
        shown = cert.objectives
        if not full and len(shown) > TRUNCATED:
            shown = shown[:TRUNCATED] + "… (--full pour le texte entier)"
        lines += ["  Objectifs et contexte", _wrap(shown) if not full else _indent(shown)]
    if full:
        for label, name in _TEXTS:
            value = getattr(cert, name)
            if value and value.strip():
                lines += [f"  {label}", _indent(value)]
        for block in cert.blocks:
            if block.competences and block.competences.strip():
                lines += [f"  {block.code} — compétences", _indent(block.competences)]
    return "\n".join(lines)


def _indent(text: str, indent: str = "    ") -> str:
    """A whole text, one line per line of the fiche (V4.1 flattens lists into runs of
    blanks: :func:`~rncpkit.model.text.flattened_lines` reads them back), wrapped."""
    out: list[str] = []
    for is_item, line in flattened_lines(text):
        first = indent + ("- " if is_item else "")
        out.append(
            textwrap.fill(
                line,
                width=96,
                initial_indent=first,
                subsequent_indent=indent + ("  " if is_item else ""),
            )
        )
    return "\n".join(out)


@click.command()
@click.argument("numero")
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True, dir_okay=False))
@from_option()
@click.option("--full", is_flag=True, help="Print every text whole, without truncation.")
@encoding_option
@handle_errors
def show(
    numero: str, input_path: str, from_format: str | None, full: bool, encoding: str | None
) -> None:
    """Summarise fiche NUMERO found in INPUT.

    NUMERO may be written RNCP35080, rncp35080, RS5000 or 35080: a bare number is looked
    up as RNCP then RS (and you are told when both exist). INPUT may be the whole
    national export: the fiche is found in the bytes and only it is read; a register
    answers from its index.

    \b
    Examples:
      rncpkit show RNCP35080 samples/RNCP35080.xml
      rncpkit show 35080 export.zip --full
    """
    try:
        candidates = fiche_number_candidates(numero)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NUMERO") from None
    source = with_encoding(input_path, encoding)
    found = [
        cert
        for cert in (find(source, number, from_format=from_format) for number in candidates)
        if cert is not None
    ]
    if not found:
        fail(f"error: {input_path}: no valid fiche {' or '.join(candidates)} found")
        return
    chosen = found[0]
    click.echo(render(chosen, full=full))
    if len(found) > 1:
        other = found[1].number
        click.echo(
            f"rncpkit: both {chosen.number} and {other} exist in {input_path}; shown: "
            f"{chosen.number} (ask for {other} to see the other)",
            err=True,
        )
