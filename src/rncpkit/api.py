"""The library entry points: :func:`read`, :func:`write`, :func:`convert`.

Data flows one way, one fiche at a time: bytes → reader → model → writer → bytes.

Formats are named by keyword, the same way everywhere: ``from_format=`` for what is read
(detected when omitted), ``to=`` for what is written, as the command line's ``--from`` and
``--to``. Deprecated: a format given positionally (``read(path, "json")``,
``write(certs, path, "jsonl")``) and ``read(…, format=…)``; they still work.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rncpkit import _arguments
from rncpkit.errors import ArgumentTypeError, FicheError, OutputError, RncpkitError, UsageError
from rncpkit.formats import Format, ReadResult, RecordWriter, WriteOptions
from rncpkit.formats.registry import detect_format, get_format
from rncpkit.io import InputFile, Source, atomic_output, display_name, open_input
from rncpkit.model import Certification

__all__ = ["ErrorHandler", "Progress", "Summary", "convert", "read", "read_records", "write"]

ErrorHandler = Callable[[RncpkitError], None]
Progress = Callable[[int, int | None], None]
"""Called after each fiche with (bytes read so far, total bytes or None)."""


@contextlib.contextmanager
def _opened_records(
    source: Source, format: str | None, progress: Progress | None = None
) -> Iterator[Iterator[ReadResult]]:
    with open_input(source) as opened:
        fmt = get_format(format) if format else detect_format(opened)
        if fmt.reader is None:
            raise UsageError(f"rncpkit cannot read the {fmt.name} format")
        records = fmt.reader(opened)
        yield records if progress is None else _with_progress(records, opened, progress)


def _with_progress(
    records: Iterator[ReadResult], opened: InputFile, progress: Progress
) -> Iterator[ReadResult]:
    for record in records:
        yield record
        progress(opened.bytes_read, opened.size)


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
    with _opened_records(source, from_format, progress) as records:
        yield from records


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


def _writer_for(fmt: Format, destination: str | os.PathLike[str] | IO[bytes]) -> bool:
    """Whether ``fmt`` writes a directory for this destination."""
    if fmt.writer is None and fmt.directory_writer is None:
        raise UsageError(f"rncpkit cannot write the {fmt.name} format")
    if fmt.directory_writer is None:
        return False
    if fmt.writer is None:
        return True
    if isinstance(destination, str | os.PathLike):
        path = os.fspath(destination)
        return path.endswith(os.sep) or Path(path).is_dir()
    return False


def write(
    certifications: Iterable[Certification],
    destination: str | os.PathLike[str] | IO[bytes],
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
    options = options or WriteOptions()
    written = 0
    if _writer_for(fmt, destination):
        assert fmt.directory_writer is not None and isinstance(destination, str | os.PathLike)
        writer = fmt.directory_writer(Path(destination), options)
        written = _drain(certifications, writer, on_error)
        writer.close()
        return written
    assert fmt.writer is not None
    with atomic_output(destination) as stream:
        writer = fmt.writer(stream, options)
        written = _drain(certifications, writer, on_error)
        writer.close()
    return written


def _drain(
    certifications: Iterable[Certification], writer: RecordWriter, on_error: ErrorHandler | None
) -> int:
    written = 0
    for certification in certifications:
        if not isinstance(certification, Certification):
            raise ArgumentTypeError(
                f"write() takes Certification models, got {type(certification).__name__}"
            )
        try:
            writer.write(certification)
        except OutputError as exc:
            if on_error is None:
                raise
            on_error(exc)
            continue
        written += 1
    return written


@dataclass
class Summary:
    """What a bulk run did. Invariant: ``read == written + filtered + rejected``."""

    read: int = 0
    written: int = 0
    filtered: int = 0
    rejected: int = 0
    errors: list[RncpkitError] = field(default_factory=list)

    def line(self) -> str:
        """The one-line summary printed at the end of a bulk run."""
        return (
            f"{self.read} fiches read, {self.written} written, "
            f"{self.filtered} skipped by filter, {self.rejected} rejected"
        )


def convert(
    source: Source,
    destination: str | os.PathLike[str] | IO[bytes],
    *legacy: str,
    to: str | None = None,
    from_format: str | None = None,
    options: WriteOptions | None = None,
    where: Callable[[Certification], bool] | None = None,
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
    if jobs > 1:
        from rncpkit import parallel

        return parallel.convert(
            source,
            destination,
            to,  # positional: rncpkit.parallel's own signature
            jobs=jobs,
            from_format=from_format,
            options=options,
            where=where,
            fail_fast=fail_fast,
            progress=progress,
        )
    summary = Summary()
    name = display_name(source)
    current: list[int | None] = [None]  # line of the record being written

    def reject(error: RncpkitError) -> None:
        if isinstance(error, OutputError) and error.file is None:
            error.file, error.line = name, current[0]  # locate it in the input
        if fail_fast:
            raise error
        summary.rejected += 1
        summary.errors.append(error)

    def certifications() -> Iterator[Certification]:
        for result in _read_records(source, from_format, progress):
            summary.read += 1
            if isinstance(result, FicheError):
                reject(result)
            elif where is not None and not where(result.certification):
                summary.filtered += 1
            else:
                current[0] = result.line
                yield result.certification

    try:
        summary.written = write(
            certifications(), destination, to=to, options=options, on_error=reject
        )
    except OutputError as exc:
        # A writer that refuses to close (nothing valid to write: no empty LOQ document)
        # has left nothing behind; the rejections above say why.
        if fail_fast or not summary.errors:
            raise
        summary.errors.append(exc)
    return summary
