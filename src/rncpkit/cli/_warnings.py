"""rncpkit's warnings on the command line: one ``rncpkit: warning: …`` line on stderr.

The library reports what is worth a word but not a failure (a placeholder base URI, …) as
:class:`~rncpkit.errors.RncpkitWarning` through :mod:`warnings`, so that library users can
filter or turn them into errors; the command line shows them as its other messages.
Other warnings keep Python's own display.
"""

from __future__ import annotations

import warnings
from typing import TextIO

import click

from rncpkit.errors import RncpkitWarning

_python_showwarning = warnings.showwarning


def _show(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    if issubclass(category, RncpkitWarning):
        click.echo(f"rncpkit: warning: {message}", err=True)
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


def install() -> None:
    """Show rncpkit's warnings as command-line messages (every occurrence: the library
    warns once per run where once is meant)."""
    warnings.showwarning = _show
    warnings.simplefilter("always", RncpkitWarning)
