"""The ``rncpkit`` command line: a thin layer over the library."""

from __future__ import annotations

import click

from rncpkit import __version__
from rncpkit.cli import _warnings
from rncpkit.cli._common import guarded_stdout, handle_errors
from rncpkit.cli.accrochage import accrochage
from rncpkit.cli.convert import convert
from rncpkit.cli.credentials import credentials
from rncpkit.cli.diff import diff
from rncpkit.cli.register import register
from rncpkit.cli.schema import schema
from rncpkit.cli.show import show
from rncpkit.cli.stats import stats
from rncpkit.cli.validate import validate
from rncpkit.formats import FORMATS

__all__ = [
    "cli",
    "main",
]


class _Cli(click.Group):
    """The command group: every command runs with stdout guarded (a full disk is one
    line, not a traceback) and with the error handling of
    :func:`~rncpkit.cli._common.handle_errors` around it, so that Ctrl-C anywhere exits
    130 with "interrupted" (not Click's "Aborted!" and 1), even in a command without its
    own handler."""

    def invoke(self, ctx: click.Context) -> object:
        with guarded_stdout():
            return handle_errors(super().invoke)(ctx)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rncpkit")
def cli() -> None:
    """Read, validate and convert French professional certification records
    (RNCP and Répertoire spécifique fiches of France Compétences).

    INPUT and OUTPUT may be '-' for stdin/stdout. Exit codes: 0 ok, 1 invalid or
    unreadable input or an output that cannot be written (explained on stderr), 2 usage
    error, 130 interrupted (Ctrl-C; no output file is left half-written).
    """
    _warnings.install()


@cli.command(name="formats")
def list_formats() -> None:
    """List the formats rncpkit reads and writes."""
    for fmt in FORMATS.values():
        modes = ("read" if fmt.reader else "    ") + (
            " write" if fmt.writer or fmt.directory_writer else ""
        )
        click.echo(f"{fmt.name:18} {modes:11} {fmt.description}")


COMMANDS = [convert, validate, show, schema, accrochage, stats, diff, register, credentials]
for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="rncpkit")
