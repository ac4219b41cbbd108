"""``rncpkit stats``: counts by répertoire, level, état, registration type and activity."""

from __future__ import annotations

import json

import click

from rncpkit.cli._common import (
    echo_error,
    from_option,
    handle_errors,
    output_format_option,
    progress_bar,
)
from rncpkit.cli._filters import filter_options
from rncpkit.filters import FicheFilter
from rncpkit.stats import compute

__all__ = [
    "stats",
]


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True, dir_okay=False))
@from_option()
@output_format_option("Print aligned text or a JSON object.")
@filter_options
@handle_errors
def stats(
    input_path: str, from_format: str | None, output_format: str, fiche_filter: FicheFilter
) -> None:
    """Count the fiches of INPUT ('-' for stdin), streaming: by répertoire, level, état,
    registration type and activity, with block, partner and certifier totals.

    Invalid fiches are reported on stderr and left out of the counts (exit code 0: the
    counts are still right for what was read; the summary line says how many).

    \b
    Examples:
      rncpkit stats export_fiches_RNCP_V4_1_2026-08-16.zip
      rncpkit stats export-fiches-csv-2024-02-22.zip --active --format json
    """
    with progress_bar("Counting") as progress:
        result = compute(
            input_path,
            from_format,
            where=None if fiche_filter.empty else fiche_filter,
            progress=progress,
        )
    for error in result.errors:
        echo_error(error)
    if output_format == "json":
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(result.render())
    click.echo(f"rncpkit: {result.line()}", err=True)
