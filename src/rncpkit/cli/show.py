"""``rncpkit show``: a readable summary of one fiche, found by number in any file."""

from __future__ import annotations

import datetime as dt
import textwrap

import click

from rncpkit.api import find
from rncpkit.cli._common import fail, from_option, handle_errors
from rncpkit.model import Certification


def _wrap(text: str, indent: str = "    ") -> str:
    flattened = " ".join(text.split())
    return textwrap.fill(flattened, width=96, initial_indent=indent, subsequent_indent=indent)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def render(cert: Certification) -> str:
    """A plain-text summary of a certification, for people."""
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
        ("Décision", _iso(cert.decision_date)),
        ("Durée", f"{cert.registration_years} ans" if cert.registration_years else None),
        (
            "Fin d'enregistrement",
            cert.registration_end.isoformat() if cert.registration_end else None,
        ),
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
        lines += [
            "  Objectifs et contexte",
            _wrap(cert.objectives[:600] + ("…" if len(cert.objectives) > 600 else "")),
        ]
    return "\n".join(lines)


@click.command()
@click.argument("numero")
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True, dir_okay=False))
@from_option()
@handle_errors
def show(numero: str, input_path: str, from_format: str | None) -> None:
    """Summarise fiche NUMERO (e.g. RNCP35080) found in INPUT.

    INPUT may be the whole national export: the fiche is found in the bytes and only it
    is read.

    \b
    Example:
      rncpkit show RNCP35080 samples/RNCP35080.xml
    """
    wanted = numero.strip().upper()
    cert = find(input_path, wanted, from_format)
    if cert is not None:
        click.echo(render(cert))
        return
    fail(f"error: {input_path}: no valid fiche {wanted} found")
