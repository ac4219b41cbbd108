"""``rncpkit convert``: any readable format to any writable one, streaming."""

from __future__ import annotations

import os

import click

from rncpkit.api import convert as run_conversion
from rncpkit.cli._common import (
    EXIT_INVALID,
    FormatChoice,
    echo_error,
    encoding_option,
    format_options,
    from_option,
    handle_errors,
    output_option,
    progress_bar,
    with_encoding,
)
from rncpkit.cli._filters import filter_options
from rncpkit.filters import FicheFilter
from rncpkit.formats import WriteOptions

__all__ = ["convert"]


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True, dir_okay=False))
@output_option("Output file ('-' for stdout; a directory for one-file-per-fiche formats).")
@click.option("--to", "to_format", required=True, type=FormatChoice("write"), help="Output format.")
@from_option()
@click.option("--fail-fast", is_flag=True, help="Stop at the first invalid fiche.")
@click.option("--base-uri", help="Base URI of the entities minted for Europass outputs.")
@click.option(
    "--eqf-level",
    type=click.IntRange(1, 8),
    help="EQF level for fiches that have none (RS), where the format needs one.",
)
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Language of human-readable outputs.",
)
@click.option(
    "--flux-version",
    default="4.1",
    show_default=True,
    help="France Compétences flux version to write (fc-xml).",
)
@click.option(
    "-O",
    "--option",
    "extra",
    multiple=True,
    metavar="KEY=VALUE",
    help="Option of the output format, repeatable (e.g. supplement-* "
    "'title_en.RNCP35080=Title' or 'translations=titles.json'; fc-csv 'export_date=2026-08-16'; "
    "europass-* 'isced=0413' or 'nsf-isced=FILE'). An unknown key is an error listing the "
    "known ones.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Worker processes for a France Compétences XML input (0 = one per core); "
    "the output is the same, byte for byte.",
)
@encoding_option
@filter_options
@handle_errors
def convert(
    input_path: str,
    output: str,
    to_format: str,
    from_format: str | None,
    fail_fast: bool,
    base_uri: str | None,
    eqf_level: int | None,
    lang: str,
    flux_version: str,
    extra: tuple[str, ...],
    jobs: int,
    encoding: str | None,
    fiche_filter: FicheFilter,
) -> None:
    """Convert INPUT ('-' for stdin) to another format.

    \b
    Examples:
      rncpkit convert export_fiches_RNCP_V4_1_2026-08-16.zip --to jsonl -o fiches.jsonl
      rncpkit convert samples/RNCP35080.xml --to json
      cat fiches.jsonl | rncpkit convert - --from jsonl --to fc-xml -o export.xml

    Invalid fiches are reported on stderr and skipped (exit code 1); the others are
    converted. An output file is replaced only when the run completes.
    """
    options = WriteOptions(
        base_uri=base_uri,
        eqf_level=eqf_level,
        lang=lang,
        flux_version=flux_version,
        format=format_options(to_format, extra),
    )
    with progress_bar("Converting") as progress:
        summary = run_conversion(
            with_encoding(input_path, encoding),
            output,
            to_format,
            from_format=from_format,
            options=options,
            fail_fast=fail_fast,
            progress=progress,
            where=None if fiche_filter.empty else fiche_filter,
            jobs=jobs or os.cpu_count() or 1,
        )
    for error in summary.errors:
        echo_error(error)
    click.echo(f"rncpkit: {summary.line()}", err=True)
    if summary.rejected:
        raise SystemExit(EXIT_INVALID)
