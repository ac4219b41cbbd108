"""The one pipeline under :mod:`rncpkit.api` and :mod:`rncpkit.parallel`: open a source's
records, sort each into an :data:`Outcome`, and write them, counting as it goes.

Both the one-process path (:func:`convert`) and ``--jobs`` (:mod:`rncpkit.parallel`) run the
same write loop (:func:`write_outcomes`) on typed outcomes, so their output and their
:class:`Summary` cannot drift apart. Validation, ``stats`` and ``diff`` open their inputs
with the same :func:`open_records`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rncpkit.errors import FicheError, OutputError, RncpkitError, UsageError
from rncpkit.formats import Format, ReadResult, RecordWriter, WriteOptions
from rncpkit.formats.registry import detect_format, get_format
from rncpkit.io import InputFile, Source, atomic_output, display_name, open_input
from rncpkit.model import Certification

__all__ = [
    "Accepted",
    "Destination",
    "Encoded",
    "ErrorHandler",
    "Filtered",
    "Opened",
    "Outcome",
    "Progress",
    "Rejected",
    "Sink",
    "Summary",
    "Where",
    "classify",
    "collector",
    "convert",
    "open_records",
    "open_writer",
    "write_outcomes",
    "writes_directory",
]

ErrorHandler = Callable[[RncpkitError], None]
Progress = Callable[[int, int | None], None]
"""Called after each fiche with (bytes read so far, total bytes or None)."""
Where = Callable[[Certification], bool]
"""A filter: fiches for which it returns False are skipped (counted as filtered)."""
Destination = str | os.PathLike[str] | IO[bytes]


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


# --------------------------------------------------------------------------- reading


@dataclass
class Opened:
    """A source opened for reading: its format, the opened input and its records."""

    format: Format
    input: InputFile
    records: Iterator[ReadResult]


@contextlib.contextmanager
def open_records(
    source: Source, format: str | None = None, *, progress: Progress | None = None
) -> Iterator[Opened]:
    """Open ``source``, recognise its format (unless ``format`` names it) and stream its
    records; ``progress`` is called after each. The one way every bulk reader opens input."""
    with open_input(source) as opened:
        fmt = get_format(format) if format else detect_format(opened)
        if fmt.reader is None:
            raise UsageError(f"rncpkit cannot read the {fmt.name} format")
        records = fmt.reader(opened)
        if progress is not None:
            records = _with_progress(records, opened, progress)
        yield Opened(fmt, opened, records)


def _with_progress(
    records: Iterator[ReadResult], opened: InputFile, progress: Progress
) -> Iterator[ReadResult]:
    for record in records:
        yield record
        progress(opened.bytes_read, opened.size)


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True, slots=True)
class Accepted:
    """A fiche to write, as a model (the one-process path), with the line where it starts
    in the input (to locate the writer's refusal, when it refuses it)."""

    certification: Certification
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Encoded:
    """A fiche already encoded in the target format (by a ``--jobs`` worker process)."""

    data: bytes


@dataclass(frozen=True, slots=True)
class Filtered:
    """A fiche the filter left out."""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A fiche that could not be read, or that the target format cannot express."""

    error: RncpkitError


Outcome = Accepted | Encoded | Filtered | Rejected
FILTERED = Filtered()


def classify(result: ReadResult, where: Where | None) -> Accepted | Filtered | Rejected:
    """What becomes of one read result: rejected (unreadable), filtered out, or accepted."""
    if isinstance(result, FicheError):
        return Rejected(result)
    if where is not None and not where(result.certification):
        return FILTERED
    return Accepted(result.certification, result.line)


# --------------------------------------------------------------------------- writing


def writes_directory(fmt: Format, destination: Destination) -> bool:
    """Whether ``fmt`` writes a directory (one file per fiche) for this destination."""
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


@dataclass
class Sink:
    """Where a run writes: the format's writer, and how to append a fiche that a worker
    process encoded (the writer's ``write_encoded``, else the output stream itself)."""

    writer: RecordWriter
    write_encoded: Callable[[bytes], object] | None = None


@contextlib.contextmanager
def open_writer(fmt: Format, destination: Destination, options: WriteOptions) -> Iterator[Sink]:
    """The writer of ``fmt`` on ``destination`` (a directory, or a stream written
    atomically), closed when the block succeeds; a failed block leaves no output file."""
    if writes_directory(fmt, destination):
        assert fmt.directory_writer is not None and isinstance(destination, str | os.PathLike)
        writer = fmt.directory_writer(Path(destination), options)
        yield Sink(writer, getattr(writer, "write_encoded", None))
        writer.close()
        return
    assert fmt.writer is not None
    with atomic_output(destination) as stream:
        writer = fmt.writer(stream, options)
        yield Sink(writer, getattr(writer, "write_encoded", None) or stream.write)
        writer.close()


def write_outcomes(
    outcomes: Iterable[Outcome],
    sink: Sink,
    summary: Summary,
    on_error: ErrorHandler | None = None,
) -> Summary:
    """The write loop: write accepted and encoded fiches in order and count every outcome
    in ``summary``. A rejected fiche (or one the writer refuses with
    :class:`~rncpkit.errors.OutputError`) goes to ``on_error``, or is raised without one."""
    writer = sink.writer

    def reject(error: RncpkitError) -> None:
        if on_error is None:
            raise error
        summary.rejected += 1
        on_error(error)

    for outcome in outcomes:
        summary.read += 1
        if isinstance(outcome, Accepted):
            try:
                writer.write(outcome.certification)
            except OutputError as exc:
                if exc.line is None:
                    exc.line = outcome.line
                reject(exc)
                continue
            summary.written += 1
        elif isinstance(outcome, Encoded):
            assert sink.write_encoded is not None, "this writer takes no encoded fiches"
            sink.write_encoded(outcome.data)
            summary.written += 1
        elif isinstance(outcome, Filtered):
            summary.filtered += 1
        else:
            reject(outcome.error)
    return summary


def collector(summary: Summary, fail_fast: bool, source_name: str | None = None) -> ErrorHandler:
    """The error handler of a bulk run: keep each error in ``summary.errors`` (or raise the
    first one with ``fail_fast``); a writer's refusal is located in the input file."""

    def keep(error: RncpkitError) -> None:
        if isinstance(error, OutputError) and error.file is None:
            error.file = source_name
        if fail_fast:
            raise error
        summary.errors.append(error)

    return keep


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
) -> Summary:
    """Convert in this process (what :func:`rncpkit.convert` does with one job)."""
    fmt = get_format(to)
    summary = Summary()
    keep = collector(summary, fail_fast, display_name(source))
    try:
        with (
            open_writer(fmt, destination, options or WriteOptions()) as sink,
            open_records(source, from_format, progress=progress) as opened,
        ):
            outcomes = (classify(result, where) for result in opened.records)
            write_outcomes(outcomes, sink, summary, keep)
    except OutputError as exc:
        # A writer that refuses to close (nothing valid to write: no empty LOQ document)
        # has left nothing behind; the rejections counted above say why.
        if fail_fast or not summary.errors:
            raise
        summary.errors.append(exc)
    return summary
