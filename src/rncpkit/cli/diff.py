"""``rncpkit diff``: fiches added, removed and changed between two exports."""

from __future__ import annotations

import json
from collections.abc import Callable

import click

from rncpkit.cli._common import (
    EXIT_INVALID,
    echo_error,
    encoding_option,
    from_option,
    handle_errors,
    output_format_option,
    output_option,
    progress_bar,
    report_output,
    with_encoding,
)
from rncpkit.cli._filters import filter_options
from rncpkit.diff import FIELDS, DiffResult, compare
from rncpkit.filters import FicheFilter

__all__ = [
    "diff",
]


@click.command()
@click.argument("old_path", metavar="OLD", type=click.Path(allow_dash=True, dir_okay=False))
@click.argument("new_path", metavar="NEW", type=click.Path(allow_dash=True, dir_okay=False))
@from_option("Format of both inputs (detected, for each, when omitted).")
@output_format_option(
    "'+ NUMERO' / '- NUMERO' / '~ NUMERO: fields' lines, each changed field then on "
    "its own 'field: old → new' line (long values shortened), or one JSON object (whole "
    "values)."
)
@click.option(
    "--names-only",
    is_flag=True,
    help="Name the changed fields without their old and new values (about a quarter "
    "faster on national exports).",
)
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit 1 when the exports differ, 0 when they do not (as git diff --exit-code).",
)
@output_option("Write the differences to this file (replaced only when the run completes).")
@encoding_option
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
    names_only: bool,
    exit_code: bool,
    output: str,
    encoding: str | None,
    fiche_filter: FicheFilter,
) -> None:
    """Compare two exports OLD and NEW (any readable formats, e.g. two nights' zips).

    Both are streamed into an on-disk index: memory stays flat on national files.
    Output is sorted by répertoire and number; each changed field is shown with its old
    and new value. Exit code 0 whether or not they differ, unless --exit-code (then 1 when
    they differ); 1 if a fiche could not be read (reported on stderr, left out of the
    comparison).

    \b
    Examples:
      rncpkit diff export_2026-08-15.zip export_2026-08-16.zip
      rncpkit diff old.xml new.xml --repertoire rs --format json -o changes.json
      rncpkit diff old.zip new.zip --exit-code > /dev/null || echo "the register changed"
    """
    with (
        progress_bar("Comparing") as progress,
        compare(
            with_encoding(old_path, encoding),
            with_encoding(new_path, encoding),
            old_format=from_format,
            new_format=from_format,
            where=None if fiche_filter.empty else fiche_filter,
            ignore=ignore,
            progress=progress,
            values=not names_only,
        ) as result,
        report_output(output) as echo,
    ):
        counts = result.count()
        if output_format == "json":
            _json(result, counts, echo)
        else:
            for change in result.changes():
                echo(f"{change}\n")
                for line in change.details():
                    echo(f"    {line}\n")
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
        differ = bool(counts["added"] or counts["removed"] or counts["changed"])
        rejected = bool(result.old.rejected or result.new.rejected)
    # after the with: the report is in place before the exit code says what it holds
    if rejected or (exit_code and differ):
        raise SystemExit(EXIT_INVALID)


def _json(result: DiffResult, counts: dict[str, int], echo: Callable[[str], None]) -> None:
    """One JSON object, streamed: added, removed, changed (with whole old/new values)."""
    echo("{\n")
    for kind, changes in (
        ("added", result.added()),
        ("removed", result.removed()),
        ("changed", result.changed()),
    ):
        echo(f'  "{kind}": [')
        first = True
        for change in changes:
            item: object = change.number
            if kind == "changed":
                item = {"number": change.number, "fields": list(change.fields)}
                if change.values:
                    item["values"] = change.as_dict()["values"]
            prefix = "\n    " if first else ",\n    "
            echo(prefix + json.dumps(item, ensure_ascii=False))
            first = False
        echo("],\n" if first else "\n  ],\n")
    summary = {"counts": counts, "old": result.old.as_dict(), "new": result.new.as_dict()}
    echo(f'  "summary": {json.dumps(summary, ensure_ascii=False)}\n')
    echo("}\n")
