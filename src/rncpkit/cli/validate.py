"""``rncpkit validate``: every problem of every fiche, located."""

from __future__ import annotations

import datetime as dt
import json

import click

from rncpkit.cli._common import EXIT_INVALID, handle_errors
from rncpkit.formats import readable_formats
from rncpkit.validation import CATALOGUE, Severity
from rncpkit.validation import validate as run_validation


def _print_catalogue() -> None:
    for code, rule in CATALOGUE.items():
        click.echo(f"{code:28} {rule.severity.value:8} {rule.summary_en}")
        click.echo(f"{'':28} {'':8} {rule.summary_fr}")


@click.command()
@click.argument(
    "input_path", metavar="INPUT", required=False, type=click.Path(allow_dash=True, dir_okay=False)
)
@click.option(
    "--from",
    "from_format",
    type=click.Choice(readable_formats()),
    help="Input format (detected when omitted).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report as text lines or as JSON findings.",
)
@click.option("--rules", "list_rules", is_flag=True, help="List the rule catalogue and exit.")
@click.option("--select", multiple=True, metavar="CODE", help="Run only these rules.")
@click.option("--ignore", multiple=True, metavar="CODE", help="Skip these rules.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date the rules treat as today (default: the system date).",
)
@handle_errors
def validate(
    input_path: str | None,
    from_format: str | None,
    output_format: str,
    list_rules: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    strict: bool,
    today: dt.datetime | None,
) -> None:
    """Check INPUT ('-' for stdin) and report every problem found.

    Each problem names the file, line, fiche and field. Exit code 1 when an error is
    found (or a warning, with --strict); 0 otherwise.

    \b
    Examples:
      rncpkit validate samples/RNCP35080.xml
      rncpkit validate export.zip --format json > findings.json
    """
    if list_rules:
        _print_catalogue()
        return
    if input_path is None:
        raise click.UsageError("missing argument INPUT")
    unknown = (set(select) | set(ignore)) - set(CATALOGUE)
    if unknown:
        raise click.UsageError(f"unknown rule code(s): {', '.join(sorted(unknown))}")
    errors = warnings = 0
    findings = run_validation(
        input_path,
        from_format,
        today=today.date() if today else None,
        select=select or None,
        ignore=ignore or None,
    )
    as_json = output_format == "json"
    if as_json:
        click.echo("[")
    first = True
    for finding in findings:
        if finding.severity is Severity.ERROR:
            errors += 1
        else:
            warnings += 1
        if as_json:
            click.echo(
                ("" if first else ",\n") + json.dumps(finding.as_dict(), ensure_ascii=False),
                nl=False,
            )
            first = False
        else:
            click.echo(str(finding))
    if as_json:
        click.echo("\n]")
    click.echo(f"rncpkit: {errors} errors, {warnings} warnings", err=True)
    if errors or (strict and warnings):
        raise SystemExit(EXIT_INVALID)
