"""``rncpkit validate``: every problem of every fiche, located."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import click

from rncpkit.cli._common import (
    EXIT_INVALID,
    encoding_option,
    from_option,
    handle_errors,
    output_format_option,
    output_option,
    report_output,
    with_encoding,
)
from rncpkit.cli._filters import filter_options
from rncpkit.errors import InputError
from rncpkit.filters import FicheFilter
from rncpkit.validation import CATALOGUE, Finding, Severity, Tally, finding_from_error
from rncpkit.validation import validate as run_validation

__all__ = [
    "validate",
]


def _print_catalogue(as_json: bool) -> None:
    if as_json:
        rules = [
            {
                "rule": code,
                "severity": rule.severity.value,
                "summary": rule.summary_en,
                "summary_fr": rule.summary_fr,
                "legacy": rule.legacy.when_en if rule.legacy else None,
                "legacy_fr": rule.legacy.when_fr if rule.legacy else None,
            }
            for code, rule in CATALOGUE.items()
        ]
        click.echo(json.dumps(rules, indent=2, ensure_ascii=False))
        return
    for code, rule in CATALOGUE.items():
        click.echo(f"{code:28} {rule.severity.value:8} {rule.summary_en}")
        click.echo(f"{'':28} {'':8} {rule.summary_fr}")
        if rule.legacy:
            click.echo(f"{'':28} {'':8} (warning {rule.legacy.when_en})")


def _guarded(findings: Iterator[Finding]) -> Iterator[Finding]:
    """Findings, then the error that stopped reading (if any) as a last finding, so that a
    JSON report stays a complete document."""
    try:
        yield from findings
    except InputError as exc:
        yield finding_from_error(exc)


@click.command()
@click.argument(
    "input_path", metavar="INPUT", required=False, type=click.Path(allow_dash=True, dir_okay=False)
)
@from_option()
@output_format_option("Report as text lines or as a JSON array of findings.")
@click.option("--rules", "list_rules", is_flag=True, help="List the rule catalogue and exit.")
@click.option("--select", multiple=True, metavar="CODE", help="Run only these rules (repeatable).")
@click.option("--ignore", multiple=True, metavar="CODE", help="Skip these rules (repeatable).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first error found.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date the export describes, for the active flag (default: the date in the file "
    "name, else the system date).",
)
@output_option("Write the report to this file (replaced only when the run completes).")
@encoding_option
@filter_options
@handle_errors
def validate(
    input_path: str | None,
    from_format: str | None,
    output_format: str,
    list_rules: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    strict: bool,
    fail_fast: bool,
    today: dt.datetime | None,
    output: str,
    encoding: str | None,
    fiche_filter: FicheFilter,
) -> None:
    """Check INPUT ('-' for stdin) and report every problem found.

    Each problem names the file, line, fiche, field and rule. Exit code 1 when an error
    is found (or a warning, with --strict); 0 otherwise. Rule codes are listed by --rules;
    --select and --ignore take codes, separated by commas or repeated. On an inactive
    fiche (the register's history), rules about missing elements report warnings, not
    errors (--rules says which).

    \b
    Examples:
      rncpkit validate samples/RNCP35080.xml
      rncpkit validate --rules
      rncpkit validate export.zip --ignore SIRET-CHECKSUM,TEXT-HTML
      rncpkit validate export.zip --format json -o findings.json
      rncpkit validate holders-export.csv --from fc-csv --encoding cp1252
    """
    if list_rules:
        _print_catalogue(output_format == "json")
        return
    if input_path is None:
        raise click.UsageError("missing argument INPUT")
    selected = {code.strip() for item in select for code in item.split(",") if code.strip()}
    ignored = {code.strip() for item in ignore for code in item.split(",") if code.strip()}
    unknown = (selected | ignored) - set(CATALOGUE)
    if unknown:
        raise click.UsageError(
            f"unknown rule code(s): {', '.join(sorted(unknown))} (see rncpkit validate --rules)"
        )
    errors = warnings = 0
    tally = Tally()
    findings = run_validation(
        with_encoding(input_path, encoding),
        from_format,
        today=today.date() if today else None,
        select=selected or None,
        ignore=ignored or None,
        where=None if fiche_filter.empty else fiche_filter,
        tally=tally,
    )
    as_json = output_format == "json"
    with report_output(output) as echo:
        if as_json:
            echo("[")
        first = True
        for finding in _guarded(findings):
            if finding.severity is Severity.ERROR:
                errors += 1
            else:
                warnings += 1
            if as_json:
                echo(("\n" if first else ",\n") + json.dumps(finding.as_dict(), ensure_ascii=False))
                first = False
            else:
                echo(str(finding) + "\n")
            if fail_fast and finding.severity is Severity.ERROR:
                break
        if as_json:
            echo("\n]\n")
    counts = "" if fail_fast and errors else f"{tally.line()}; "
    click.echo(f"rncpkit: {counts}{errors} errors, {warnings} warnings", err=True)
    if errors or (strict and warnings):
        raise SystemExit(EXIT_INVALID)
