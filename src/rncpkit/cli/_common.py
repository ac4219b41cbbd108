"""What every command shares: error reporting, exit codes, progress, summary."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

import click

from rncpkit.errors import InputError, OutputError, RncpkitError, UsageError
from rncpkit.formats.options import FormatOptions

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK = 0
EXIT_INVALID = 1


def from_option(
    help: str = "Input format (detected from content and extension when omitted).",
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The ``--from FORMAT`` option every reading command shares."""
    from rncpkit.formats import readable_formats

    return click.option("--from", "from_format", type=click.Choice(readable_formats()), help=help)


def format_options(format_name: str, pairs: tuple[str, ...]) -> FormatOptions:
    """``-O KEY=VALUE`` pairs parsed against the options class of ``format_name``: an
    unknown key or a bad value is a usage error (exit 2) naming the known keys."""
    from rncpkit.formats import get_format

    fmt = get_format(format_name)
    settings: list[tuple[str, str]] = []
    for item in pairs:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--option")
        settings.append((key.strip(), value))
    try:
        return fmt.options.parse(settings, fmt=fmt.name)
    except UsageError as exc:
        raise click.BadParameter(str(exc), param_hint="'-O' / '--option'") from None


def fail(message: str, code: int = EXIT_INVALID) -> None:
    """Print ``rncpkit: message`` on stderr and exit."""
    click.echo(f"rncpkit: {message}", err=True)
    sys.exit(code)


def handle_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn rncpkit's errors into a located message on stderr and the right exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
        except (InputError, OutputError) as exc:
            fail(f"error: {exc}")
        except RncpkitError as exc:
            fail(f"error: {exc}")
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(EXIT_OK)
        raise AssertionError("unreachable")

    return wrapper


@contextlib.contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int | None], None] | None]:
    """A byte progress bar on stderr when it is a terminal; None (silent) otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    bar: Any = None
    shown = 0

    def update(done: int, total: int | None) -> None:
        nonlocal bar, shown
        if bar is None:
            bar = click.progressbar(length=total or 0, label=label, file=sys.stderr)
            bar.__enter__()
        if done > shown:
            bar.update(done - shown)
            shown = done

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def echo_error(error: RncpkitError) -> None:
    """One located error line on stderr."""
    click.echo(f"rncpkit: error: {error}", err=True)
