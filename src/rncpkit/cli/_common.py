"""What every command shares: error reporting, exit codes, progress, summary."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

import click

from rncpkit.errors import OutputFileError, RncpkitError, UsageError
from rncpkit.formats.options import FormatOptions
from rncpkit.io import Encoded, atomic_output, output_error

P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_INTERRUPTED = 130
"""128 + SIGINT, what a shell reports for a command stopped by Ctrl-C."""


class FormatChoice(click.Choice[str]):
    """The registered formats that can be read (or written), looked up when the command
    line is parsed: a format added to the registry is a choice at once."""

    def __init__(self, direction: str) -> None:
        self._direction = direction
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from rncpkit.formats import readable_formats, writable_formats

        names = readable_formats() if self._direction == "read" else writable_formats()
        return tuple(names)

    @choices.setter
    def choices(self, _value: object) -> None:
        """Set by click.Choice's constructor; the registry is the source."""


def from_option(
    help: str = "Input format (detected from content and extension when omitted).",
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The ``--from FORMAT`` option every reading command shares."""
    return click.option("--from", "from_format", type=FormatChoice("read"), help=help)


def output_format_option(help: str, *choices: str, default: str = "text") -> Callable[[C], C]:
    """The ``--format`` option of the commands that print for people (text) or scripts
    (json, jsonl); the chosen value arrives as ``output_format``."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices or ("text", "json")),
        default=default,
        show_default=True,
        help=help,
    )


def output_option(help: str) -> Callable[[C], C]:
    """The ``-o/--output`` option of the commands that write one file or stdout (``-``)."""
    return click.option(
        "-o",
        "--output",
        default="-",
        show_default=True,
        type=click.Path(allow_dash=True),
        help=help,
    )


def encoding_option(command: Callable[P, R]) -> Callable[P, R]:
    """The ``--encoding`` option of the commands that read CSV inputs."""
    return click.option(
        "--encoding",
        metavar="ENCODING",
        help="Encoding of a CSV input (default UTF-8, with or without BOM); e.g. cp1252 "
        "for a file saved by Excel as plain 'CSV' on Windows.",
    )(command)


def with_encoding(path: str, encoding: str | None) -> str | Encoded:
    """``path`` as the source to read, carrying ``--encoding`` when given."""
    return Encoded(path, encoding) if encoding else path


@contextlib.contextmanager
def report_output(output: str) -> Iterator[Callable[[str], None]]:
    """A ``write(text)`` function for a command's report: stdout for ``-``, else a file
    replaced only when the command completes (:func:`rncpkit.io.atomic_output`)."""
    if output == "-":
        yield functools.partial(click.echo, nl=False)
        return
    with atomic_output(output) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")

        def write(piece: str) -> None:
            text.write(piece)

        yield write
        text.flush()
        text.detach()


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
    """Turn rncpkit's errors into a located message on stderr and the right exit code:
    1 for bad input and for any output that cannot be written (one line naming the path),
    2 for a wrong call, 130 for Ctrl-C; never a traceback for an I/O failure."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
        except OutputFileError as exc:
            _silence_stdout(exc.path)
            fail(f"error: {exc}")
        except RncpkitError as exc:
            fail(f"error: {exc}")
        except BrokenPipeError:
            _silence_stdout("<stdout>")
            sys.exit(EXIT_OK)
        except KeyboardInterrupt:
            interrupted()
        except OSError as exc:
            # one the library did not name: say what the system says, with the path
            if exc.filename is None:
                # stdout's failures are named by guarded_stdout: this is an anonymous
                # file, one of the spools and indexes rncpkit keeps in TMPDIR
                where = f"the temporary directory {tempfile.gettempdir()} (TMPDIR)"
                fail(f"error: cannot write in {where}: {exc.strerror or exc}")
            name = os.fspath(exc.filename)
            target = _target_of(name)
            if target != name:
                fail(f"error: {output_error(exc, target)}")
            fail(f"error: {name}: {exc.strerror or exc}")
        raise AssertionError("unreachable")

    return wrapper


_PART = re.compile(r"\.(?P<name>.+)\.[A-Za-z0-9_]+\.part")


def _target_of(path: str) -> str:
    """The file the user asked for, when ``path`` is the temporary ``.NAME.xxxx.part``
    beside it (the user never named that one)."""
    directory, name = os.path.split(path)
    match = _PART.fullmatch(name)
    return os.path.join(directory, match.group("name")) if match else path


class _GuardedStdout:
    """``sys.stdout`` for the time of a command: a failed write (disk full, a full device
    such as /dev/full) becomes an :class:`OutputFileError` naming ``<stdout>``; a closed
    pipe stays a :class:`BrokenPipeError`. Everything else is the real stream's; its
    ``buffer`` is guarded too."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, data: Any) -> int:
        with stdout_errors():
            written: int = self._stream.write(data)
        return written

    @property
    def buffer(self) -> _GuardedStdout:
        """The binary stream, guarded the same way (``sys.stdout.buffer.write``)."""
        return _GuardedStdout(self._stream.buffer)

    def flush(self) -> None:
        with stdout_errors():
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def stdout_errors() -> Iterator[None]:
    """An :class:`OSError` of a write to stdout as the one-line ``<stdout>`` error."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise output_error(exc, "<stdout>") from None


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """Run a command with :class:`_GuardedStdout` in place of ``sys.stdout``."""
    real = sys.stdout
    sys.stdout = _GuardedStdout(real)
    try:
        yield
    finally:
        sys.stdout = real


def interrupted() -> None:
    """Ctrl-C: say so and exit 130 (outputs were not replaced: see rncpkit.io)."""
    _silence_stdout("<stdout>")
    click.echo("\nrncpkit: interrupted", err=True)
    sys.exit(EXIT_INTERRUPTED)


def _silence_stdout(path: str) -> None:
    """After stdout failed (closed pipe, full disk), point it at /dev/null so that the
    interpreter's last flush at exit does not print a second error."""
    if path != "<stdout>":
        return
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


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
