"""The library entry points: :func:`read`, :func:`write`, :func:`convert`, :func:`find`.

Data flows one way, one fiche at a time: bytes → reader → model → writer → bytes. The work
is done by :mod:`rncpkit.pipeline` (one process) and :mod:`rncpkit.parallel` (``jobs`` > 1);
this module checks what it is given, so that a wrong kind of argument is a clear
:class:`~rncpkit.errors.ArgumentTypeError`, not a traceback from inside a reader.

Formats are named by keyword, the same way everywhere: ``from_format=`` for what is read
(detected when omitted), ``to=`` for what is written, as the command line's ``--from`` and
``--to``. Deprecated: a format given positionally (``read(path, "json")``,
``write(certs, path, "jsonl")``) and ``read(…, format=…)``; they still work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rncpkit import _arguments, parallel
from rncpkit.errors import ArgumentTypeError, FicheError, UsageError
from rncpkit.formats import ReadResult, WriteOptions
from rncpkit.formats.base import UnusualLayout
from rncpkit.formats.registry import detect_format, get_format
from rncpkit.io import Source, open_input, reopenable
from rncpkit.model import Certification
from rncpkit.pipeline import (
    Accepted,
    Destination,
    ErrorHandler,
    Progress,
    Summary,
    Where,
    open_records,
    open_writer,
    write_outcomes,
)

__all__ = [
    "ErrorHandler",
    "Progress",
    "Summary",
    "convert",
    "find",
    "read",
    "read_records",
    "write",
]


def read_records(
    source: Source,
    *legacy: str | None,
    from_format: str | None = None,
    progress: Progress | None = None,
    format: str | None = None,
) -> Iterator[ReadResult]:
    """Like :func:`read`, but yields each fiche's error instead of raising it, and gives
    each record the line where it starts (what validators and bulk converters need)."""
    _arguments.check_source(source, "read_records")
    chosen = _arguments.from_format_argument(legacy, from_format, format, "read_records")
    return _read_records(source, chosen, progress)


def _read_records(
    source: Source, from_format: str | None, progress: Progress | None
) -> Iterator[ReadResult]:
    with open_records(source, from_format, progress=progress) as opened:
        yield from opened.records


def read(
    source: Source,
    *legacy: str | None,
    from_format: str | None = None,
    on_error: ErrorHandler | None = None,
    format: str | None = None,
) -> Iterator[Certification]:
    """Yield the certifications of ``source`` one at a time, whatever its format.

    ``source`` is a path (``-`` for stdin), bytes or a binary file object; ``from_format``
    a name from :data:`rncpkit.formats.FORMATS` (detected when omitted). An invalid fiche
    raises :class:`~rncpkit.errors.FicheError`, unless ``on_error`` is given: it then
    receives the error and reading goes on with the next fiche. Arguments of the wrong
    kind (XML text instead of a path, a text stream) raise
    :class:`~rncpkit.errors.ArgumentTypeError` at once.
    """
    _arguments.check_source(source, "read")
    chosen = _arguments.from_format_argument(legacy, from_format, format, "read")
    return _read(source, chosen, on_error)


def _read(
    source: Source, from_format: str | None, on_error: ErrorHandler | None
) -> Iterator[Certification]:
    for result in _read_records(source, from_format, None):
        if isinstance(result, FicheError):
            if on_error is None:
                raise result
            on_error(result)
        else:
            yield result.certification


def find(
    source: Source, number: str, *, from_format: str | None = None
) -> Certification | None:
    """The first valid fiche numbered ``number`` (``RNCP35080``, ``RS5000``) in ``source``,
    or None. Formats that can (the France Compétences flux, zipped or not; a register)
    find the number without building the other fiches; others are read until it comes."""
    _arguments.check_source(source, "find")
    from_format = _arguments.format_name(from_format, "from_format", "find")
    if reopenable(source):
        with open_input(source) as opened:
            fmt = get_format(from_format) if from_format else detect_format(opened)
            if fmt.find is not None:
                try:
                    found = fmt.find(opened, number)
                except UnusualLayout:
                    pass  # read it the long way below, which reports what is unusual
                else:
                    return found.certification if found is not None else None
    for result in _read_records(source, from_format, None):
        if not isinstance(result, FicheError) and result.certification.number == number:
            return result.certification
    return None


def write(
    certifications: Iterable[Certification],
    destination: Destination,
    *legacy: str,
    to: str | None = None,
    options: WriteOptions | None = None,
    on_error: ErrorHandler | None = None,
) -> int:
    """Write ``certifications`` to ``destination`` in format ``to``; return how many.

    A path is written atomically (a temporary file renamed at the end, removed on
    failure); ``-`` is stdout. A fiche the format cannot express raises
    :class:`~rncpkit.errors.OutputError`, unless ``on_error`` takes it.
    """
    _arguments.check_certifications(certifications, "write")
    _arguments.check_destination(destination, "write")
    _arguments.check_options(options, "write")
    to = _arguments.format_argument(legacy, to, "to", "write")
    if to is None:
        raise UsageError("write() needs the output format: to='jsonl', to='fc-xml'…")
    fmt = get_format(to)
    summary = Summary()
    with open_writer(fmt, destination, options or WriteOptions()) as sink:
        write_outcomes(_accepted(certifications), sink, summary, on_error)
    return summary.written


def _accepted(certifications: Iterable[Certification]) -> Iterator[Accepted]:
    for certification in certifications:
        if not isinstance(certification, Certification):
            raise ArgumentTypeError(
                f"write() takes Certification models, got {type(certification).__name__}"
            )
        yield Accepted(certification)


def convert(
    source: Source,
    destination: Destination,
    *legacy: str,
    to: str | None = None,
    from_format: str | None = None,
    options: WriteOptions | None = None,
    where: Where | None = None,
    fail_fast: bool = False,
    progress: Progress | None = None,
    jobs: int = 1,
) -> Summary:
    """Convert every fiche of ``source`` into ``to``, keeping going past bad fiches.

    Invalid input fiches and fiches the target format cannot express are counted as
    rejected and listed in :attr:`Summary.errors` (or raised at once with ``fail_fast``);
    ``where`` filters fiches out. Input that cannot be read at all raises. ``jobs`` > 1
    spreads the work over processes (:mod:`rncpkit.parallel`): same output, byte for byte.
    """
    _arguments.check_source(source, "convert")
    _arguments.check_destination(destination, "convert")
    _arguments.check_options(options, "convert")
    to = _arguments.format_argument(legacy, to, "to", "convert")
    if to is None:
        raise UsageError("convert() needs the output format: to='jsonl', to='fc-xml'…")
    from_format = _arguments.format_name(from_format, "from_format", "convert")
    if not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"convert(): jobs must be a whole number ≥ 1, got {jobs!r}")
    # rncpkit.parallel runs one job in this process (pipeline.convert) when jobs is 1 or
    # the formats cannot be split.
    return parallel.convert(
        source,
        destination,
        to,
        jobs=jobs,
        from_format=from_format,
        options=options,
        where=where,
        fail_fast=fail_fast,
        progress=progress,
    )
