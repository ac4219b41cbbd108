"""``rncpkit register``: build, update and query a register (an SQLite copy of the exports)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

from rncpkit.cli._common import (
    EXIT_INVALID,
    echo_error,
    from_option,
    handle_errors,
    output_format_option,
    progress_bar,
)
from rncpkit.cli._filters import filter_options
from rncpkit.errors import InputError
from rncpkit.filters import FicheFilter
from rncpkit.register.api import Register
from rncpkit.register.ingest import UpdateSummary
from rncpkit.register.ingest import build as build_register

__all__ = [
    "register",
]

F = TypeVar("F", bound=Callable[..., Any])
_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _format_option(*choices: str, default: str = "text") -> Callable[[F], F]:
    return output_format_option(
        "Output: text for people, json (or jsonl) for scripts.", *choices, default=default
    )


def _register_argument(function: F) -> F:
    return click.argument("register_path", metavar="REGISTER", type=click.Path(dir_okay=False))(
        function
    )


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _short(value: Any, width: int = 60) -> str:
    text = "∅" if value is None else value if isinstance(value, str) else _dump(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _report(summary: UpdateSummary, output_format: str) -> None:
    for error in summary.errors:
        echo_error(error)
    if output_format == "json":
        click.echo(
            _dump(
                {
                    "as_of": summary.as_of.isoformat(),
                    "repertoires": list(summary.repertoires),
                    "export_id": summary.export_id,
                    "read": summary.read,
                    "added": summary.added,
                    "removed": summary.removed,
                    "changed": summary.changed,
                    "unchanged": summary.unchanged,
                    "rejected": summary.rejected,
                }
            )
        )
    click.echo(f"rncpkit: {summary.line()}", err=True)
    if summary.rejected:
        sys.exit(EXIT_INVALID)


@click.group()
def register() -> None:
    """An embedded, queryable copy of the national register (one SQLite file), built from
    exports and kept current from each nightly export.

    \b
    Examples:
      rncpkit register build export_fiches_RNCP_V4_1_2026-08-16.zip \
          export_fiches_RS_V4_1_2026-08-16.zip -o register.sqlite
      rncpkit register update register.sqlite export_fiches_RNCP_V4_1_2026-08-17.zip
      rncpkit register search register.sqlite "manager économie sociale" --level 7 --active
      rncpkit register lineage register.sqlite RNCP35080
      rncpkit register habilitation register.sqlite 19753471200017 --numero RNCP35080
      rncpkit register changes register.sqlite --since 2026-11-01 --format jsonl
    """


_EXPORTS = click.argument(
    "exports",
    metavar="EXPORT...",
    nargs=-1,
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
)
_AS_OF = click.option(
    "--as-of",
    type=_DATE,
    metavar="AAAA-MM-JJ",
    help="Date of the exports (default: the date in their file names).",
)


@register.command()
@_EXPORTS
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Register file to create (replaced only when the build succeeds).",
)
@_AS_OF
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=None,
    help="Processes: 1 = this one only; 2 (the default with two cores or more) = one reads "
    "while another writes the file; more also read a France Compétences XML input "
    "(0 = one per core). The register is the same.",
)
@from_option("Format of the exports (detected from content and extension when omitted).")
@_format_option("text", "json")
@handle_errors
def build(
    exports: tuple[str, ...],
    output: str,
    as_of: dt.datetime | None,
    jobs: int | None,
    from_format: str | None,
    output_format: str,
) -> None:
    """Build a register from one or more exports (any format rncpkit reads; RNCP and RS
    files together). Invalid fiches are reported and left out (exit code 1)."""
    with progress_bar("Building") as progress:
        summary = build_register(
            output,
            exports,
            as_of=_day(as_of),
            progress=progress,
            jobs=(os.cpu_count() or 1) if jobs == 0 else jobs,
            from_format=from_format,
        )
    _report(summary, output_format)


@register.command()
@_register_argument
@_EXPORTS
@_AS_OF
@click.option("--force", is_flag=True, help="Apply an export older than the last one applied.")
@from_option("Format of the exports (detected from content and extension when omitted).")
@_format_option("text", "json")
@handle_errors
def update(
    register_path: str,
    exports: tuple[str, ...],
    as_of: dt.datetime | None,
    force: bool,
    from_format: str | None,
    output_format: str,
) -> None:
    """Apply newer exports: fiches added, removed (kept, marked absent) and changed, in one
    transaction recorded in the change feed. Only the répertoires present in EXPORT are
    concerned; an interrupted update leaves the register as it was."""
    with Register(register_path) as reg, progress_bar("Updating") as progress:
        summary = reg.update(
            exports, as_of=_day(as_of), force=force, progress=progress, from_format=from_format
        )
    _report(summary, output_format)


@register.command()
@_register_argument
@click.option("--since", type=_DATE, metavar="AAAA-MM-JJ", help="Exports of this date or later.")
@click.option("--numero", multiple=True, metavar="NUMERO", help="Only this fiche (repeatable).")
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="FIELD",
    help="Only this model field, e.g. title (repeatable).",
)
@_format_option("text", "json", "jsonl")
@handle_errors
def changes(
    register_path: str,
    since: dt.datetime | None,
    numero: tuple[str, ...],
    fields: tuple[str, ...],
    output_format: str,
) -> None:
    """The change feed: per export, fiches added, removed, and changed fields with their old
    and new values."""
    with Register(register_path) as reg:
        entries = reg.changes(since=_day(since), numbers=numero, fields=fields)
        if output_format == "text":
            for entry in entries:
                line = str(entry)
                if entry.change == "changed":
                    line += f": {_short(entry.old)} → {_short(entry.new)}"
                click.echo(line)
        else:
            _stream((entry.as_dict() for entry in entries), output_format)


def _stream(items: Iterable[dict[str, Any]], output_format: str) -> None:
    """A JSON array written item by item, or JSON lines."""
    if output_format == "jsonl":
        for item in items:
            click.echo(_dump(item))
        return
    first = True
    click.echo("[", nl=False)
    for item in items:
        click.echo(("\n" if first else ",\n") + _dump(item), nl=False)
        first = False
    click.echo("\n]")


@register.command()
@_register_argument
@click.argument("query", required=False, default="")
@filter_options
@click.option(
    "--rome", multiple=True, metavar="CODE", help="Fiches with this ROME code (repeatable)."
)
@click.option(
    "--nsf",
    multiple=True,
    metavar="CODE",
    help="Fiches with this NSF code or code prefix (332 → 332n).",
)
@click.option("--formacode", multiple=True, metavar="CODE", help="Fiches with this Formacode.")
@click.option(
    "--certifier-name", metavar="TEXT", help="Fiches one of whose certifiers' names contains TEXT."
)
@click.option("--include-removed", is_flag=True, help="Also fiches no longer in the exports.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True)
@_format_option("table", "text", "json", "jsonl", default="table")
@handle_errors
def search(
    register_path: str,
    query: str,
    fiche_filter: FicheFilter,
    rome: tuple[str, ...],
    nsf: tuple[str, ...],
    formacode: tuple[str, ...],
    certifier_name: str | None,
    include_removed: bool,
    limit: int,
    output_format: str,
) -> None:
    """Full-text search (titles, abbreviation, activities, skills, job types, blocks),
    accent- and case-insensitive, best first, with combinable filters. QUERY is plain
    words (a fiche number such as 35080 finds it); omit it to list by filters only."""
    with Register(register_path) as reg:
        hits = reg.search(
            query,
            where=fiche_filter,
            rome=rome,
            nsf=nsf,
            formacode=formacode,
            certifier_name=certifier_name,
            include_removed=include_removed,
            limit=limit,
        )
    if output_format in ("json", "jsonl"):
        _stream((hit.as_dict() for hit in hits), output_format)
        return
    for hit in hits:
        active = {True: "actif", False: "inactif", None: "?"}[hit.active]
        end = hit.registration_end.isoformat() if hit.registration_end else "-"
        gone = "" if hit.present else " (absent)"
        click.echo(f"{hit.number:11} {hit.level or '-':7} {active:8} {end:10}  {hit.title}{gone}")
    click.echo(f"rncpkit: {len(hits)} fiches found", err=True)


@register.command()
@_register_argument
@click.argument("numero")
@click.option(
    "--on",
    type=_DATE,
    metavar="AAAA-MM-JJ",
    help="Day the current certification must be in force (default today).",
)
@_format_option("text", "json")
@handle_errors
def lineage(register_path: str, numero: str, on: dt.datetime | None, output_format: str) -> None:
    """Predecessors and successors of NUMERO as a graph, and the chain to the current
    certification (the newest successor in force); cycles and dangling links reported."""
    with Register(register_path) as reg:
        if reg.resolve(numero) is None:
            raise InputError(
                f"no fiche {numero.strip().upper()} in the register", file=register_path
            )
        graph = reg.lineage(numero, on=_day(on))
    if output_format == "json":
        click.echo(_dump(graph.as_dict()))
        return
    click.echo(f"{graph.number}: lineage on {graph.on.isoformat()}")
    for node in graph.nodes:
        if not node.in_register:
            click.echo(f"  {node.number:11} (not in the register)")
            continue
        force = "in force" if node.in_force else "not in force"
        gone = ", absent from the exports" if not node.present else ""
        click.echo(f"  {node.number:11} {force:12}{gone}  {node.title}")
    for edge in graph.edges:
        click.echo(
            f"  {edge.predecessor} → {edge.successor}  (declared by {', '.join(edge.declared_by)})"
        )
    if graph.current:
        click.echo(f"current: {graph.current} via {' → '.join(graph.chain)}")
    else:
        click.echo("current: none in force on that day")
    for cycle in graph.cycles:
        click.echo(f"cycle: {' → '.join(cycle)}")
    if graph.dangling:
        click.echo(f"dangling links to: {', '.join(graph.dangling)}")
    if graph.truncated:
        click.echo("(graph cut: too many linked fiches)")


@register.command()
@_register_argument
@click.argument("siret")
@click.option(
    "--numero", metavar="NUMERO", help="Answer yes (exit 0) or no (exit 1) for this fiche."
)
@click.option("--on", type=_DATE, metavar="AAAA-MM-JJ", help="Day of the answer (default today).")
@_format_option("text", "json")
@handle_errors
def habilitation(
    register_path: str, siret: str, numero: str | None, on: dt.datetime | None, output_format: str
) -> None:
    """Every fiche for which SIRET (or any establishment of a 9-digit SIREN) is a certifier
    or a partner, with the habilitation and whether the fiche is in force. With --numero,
    a yes/no answer with its reason: exit code 0 for yes, 1 for no."""
    with Register(register_path) as reg:
        if numero is not None:
            answer = reg.habilitation(siret, numero, on=_day(on))
            if output_format == "json":
                click.echo(_dump(answer.as_dict()))
            else:
                click.echo(f"{'yes' if answer.yes else 'no'}: {answer.reason}")
            sys.exit(0 if answer.yes else EXIT_INVALID)
        roles = reg.habilitations(siret, on=_day(on))
    if output_format == "json":
        click.echo(_dump([role.as_dict() for role in roles]))
        return
    for role in roles:
        force = "in force" if role.in_force else "not in force"
        click.echo(
            f"{role.number:11} {role.description:46} {role.state or '-':9} {force:12}  {role.title}"
        )
    click.echo(f"rncpkit: {len(roles)} roles found", err=True)
