"""``rncpkit diff``: fiches added, removed and changed between two exports."""

from __future__ import annotations

import json

import click

from rncpkit.cli._common import EXIT_INVALID, echo_error, from_option, handle_errors, progress_bar
from rncpkit.cli._filters import filter_options
from rncpkit.diff import FIELDS, compare
from rncpkit.filters import FicheFilter


@click.command()
@click.argument("old_path", metavar="OLD", type=click.Path(allow_dash=True, dir_okay=False))
@click.argument("new_path", metavar="NEW", type=click.Path(allow_dash=True, dir_okay=False))
@from_option("Format of both inputs (detected, for each, when omitted).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="'+ NUMERO' / '- NUMERO' / '~ NUMERO: fields' lines, or one JSON object.",
)
@click.option(
    "--ignore-field",
    "ignore",
    multiple=True,
    metavar="FIELD",
    type=click.Choice(FIELDS),
    help="Leave a model field out of the comparison (repeatable), e.g. the texts a CSV "
    "export lacks when comparing it with an XML flux.",
)
@filter_options
@handle_errors
def diff(
    old_path: str,
    new_path: str,
    from_format: str | None,
    output_format: str,
    ignore: tuple[str, ...],
    fiche_filter: FicheFilter,
) -> None:
    """Compare two exports OLD and NEW (any readable formats, e.g. two nights' zips).

    Both are streamed into an on-disk index: memory stays flat on national files.
    Output is sorted by répertoire and number. Exit code 0 whether or not they differ;
    1 if a fiche could not be read (reported on stderr, left out of the comparison).

    \b
    Examples:
      rncpkit diff export_2026-08-15.zip export_2026-08-16.zip
      rncpkit diff old.xml new.xml --repertoire rs --format json > changes.json
    """
    with (
        progress_bar("Comparing") as progress,
        compare(
            old_path,
            new_path,
            old_format=from_format,
            new_format=from_format,
            where=None if fiche_filter.empty else fiche_filter,
            ignore=ignore,
            progress=progress,
        ) as result,
    ):
        counts = result.count()
        if output_format == "json":
            click.echo("{")
            for kind, changes in (
                ("added", result.added()),
                ("removed", result.removed()),
                ("changed", result.changed()),
            ):
                click.echo(f'  "{kind}": [', nl=False)
                first = True
                for change in changes:
                    item = (
                        {"number": change.number, "fields": list(change.fields)}
                        if kind == "changed"
                        else change.number
                    )
                    prefix = "\n    " if first else ",\n    "
                    click.echo(prefix + json.dumps(item, ensure_ascii=False), nl=False)
                    first = False
                click.echo("]," if first else "\n  ],")
            summary = {
                "counts": counts,
                "old": result.old.as_dict(),
                "new": result.new.as_dict(),
            }
            click.echo(f'  "summary": {json.dumps(summary, ensure_ascii=False)}')
            click.echo("}")
        else:
            for change in result.changes():
                click.echo(str(change))
        for side in (result.old, result.new):
            for error in side.errors:
                echo_error(error)
        click.echo(
            f"rncpkit: {counts['added']} added, {counts['removed']} removed, "
            f"{counts['changed']} changed, {counts['unchanged']} unchanged",
            err=True,
        )
        click.echo(f"rncpkit: {result.old.line()}", err=True)
        click.echo(f"rncpkit: {result.new.line()}", err=True)
        if result.old.rejected or result.new.rejected:
            raise SystemExit(EXIT_INVALID)
