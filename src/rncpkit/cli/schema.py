"""``rncpkit schema``: the JSON Schema of the certification model."""

from __future__ import annotations

import json

import click

from rncpkit.model import Certification

__all__ = [
    "schema",
]


@click.command()
def schema() -> None:
    """Print the JSON Schema of a fiche as rncpkit writes it in JSON."""
    click.echo(json.dumps(Certification.model_json_schema(), indent=2, ensure_ascii=False))
