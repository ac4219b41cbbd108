"""The library entry points: :func:`read`, :func:`write`, :func:`convert`.

Data flows one way, one fiche at a time: bytes → reader → model → writer → bytes. The work
is done by :mod:`rncpkit.pipeline` (one process) and :mod:`rncpkit.parallel` (``jobs`` > 1).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from rncpkit import parallel, pipeline
from rncpkit.errors import FicheError
from rncpkit.formats import ReadResult, WriteOptions
from rncpkit.formats.base import UnusualLayout
from rncpkit.formats.registry import detect_format, get_format
from rncpkit.io import Source, open_input
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
    source: Source, format: str | None = None, *, progress: Progress | None = None
) -> Iterator[ReadResult]:
    """Like :func:`read`, but yields each fiche's error instead of raising it, and gives
    each record the line where it starts (what validators and bulk converters need)."""
    with open_records(source, format, progress=progress) as opened:
        yield from opened.records


def read(
    source: Source, format: str | None = None, *, on_error: ErrorHandler | None = None
) -> Iterator[Certification]:
    """Yield the certifications of ``source`` one at a time, whatever its format.

    ``source`` is a path (``-`` for stdin), bytes or a binary file object; ``format`` a
    name from :data:`rncpkit.formats.FORMATS` (detected when omitted). An invalid fiche
    raises :class:`~rncpkit.errors.FicheError`, unless ``on_error`` is given: it then
    receives the error and reading goes on with the next fiche.
    """
    for result in read_records(source, format):
        if isinstance(result, FicheError):
            if on_error is None:
                raise result
            on_error(result)
        else:
            yield result.certification


def find(source: Source, number: str, format: str | None = None) -> Certification | None:
    """The first valid fiche numbered ``number`` (``RNCP35080``, ``RS5000``) in ``source``,
    or None. Formats that can (the France Compétences flux, zipped or not) find the number
    in the bytes and build only that fiche; others are read until it comes."""
    reopenable = isinstance(source, bytes) or (
        isinstance(source, str | os.PathLike) and os.fspath(source) != "-"
    )
    if reopenable:
        with open_input(source) as opened:
            fmt = get_format(format) if format else detect_format(opened)
            if fmt.find is not None:
                try:
                    found = fmt.find(opened, number)
                except UnusualLayout:
                    pass  # read it the long way below, which reports what is unusual
                else:
                    return found.certification if found is not None else None
    for result in read_records(source, format):
        if not isinstance(result, FicheError) and result.certification.number == number:
            return result.certification
    return None


def write(
    certifications: Iterable[Certification],
    destination: Destination,
    to: str,
    *,
    options: WriteOptions | None = None,
    on_error: ErrorHandler | None = None,
) -> int:
    """Write ``certifications`` to ``destination`` in format ``to``; return how many.

    A path is written atomically (a temporary file renamed at the end, removed on
    failure); ``-`` is stdout. A fiche the format cannot express raises
    :class:`~rncpkit.errors.OutputError`, unless ``on_error`` takes it.
    """
    fmt = get_format(to)
    summary = Summary()
    with open_writer(fmt, destination, options or WriteOptions()) as sink:
        outcomes = (Accepted(certification) for certification in certifications)
        write_outcomes(outcomes, sink, summary, on_error)
    return summary.written


def convert(
    source: Source,
    destination: Destination,
    to: str,
    *,
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
    if jobs > 1:
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
    return pipeline.convert(
        source,
        destination,
        to,
        from_format=from_format,
        options=options,
        where=where,
        fail_fast=fail_fast,
        progress=progress,
    )
