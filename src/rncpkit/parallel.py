"""``convert --jobs N``: one conversion spread over several processes, same bytes out.

The parent cuts the input into pieces with the input format's :class:`~rncpkit.formats.base.Split`
(for the France Compétences flux: a byte-level cut, no parsing) and hands batches of pieces
to worker processes. Each worker reads its batch with the format's own reader, filters, and
encodes each fiche in the target format; it returns typed outcomes
(:class:`~rncpkit.pipeline.Encoded`, :class:`~rncpkit.pipeline.Filtered`,
:class:`~rncpkit.pipeline.Rejected`). The parent writes them in input order through the
same write loop as one job (:func:`rncpkit.pipeline.write_outcomes`): header, fiches,
footer; the output is byte for byte what one job writes, with the same summary.

Memory is bounded whatever the input size: at most :data:`IN_FLIGHT` batches per worker are
queued, and the parent never holds more than those batches and their encoded results.

Any input format whose :class:`~rncpkit.formats.Format` declares ``split`` can be read this
way, into any format whose fiches are self-contained (``concatenable``, or a writer with
``encode``/``write_encoded``). The quick cut gives up on unusual layouts
(:class:`~rncpkit.formats.base.UnusualLayout`): the run is then redone with one job, which
reports it exactly as usual. When it cannot be redone (stdin, or an output stream), the
parent cuts with the format's safe cut (``Split.pieces``) instead. Other inputs and outputs
are converted with one job (same result, no speed-up).
"""

from __future__ import annotations

import collections
import io
import os
import pickle
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from rncpkit import pipeline
from rncpkit.errors import RncpkitError
from rncpkit.formats import Format, WriteOptions, detect_format, get_format
from rncpkit.formats.base import Piece, UnusualLayout
from rncpkit.io import InputFile, Source, open_input, reopenable, single_member
from rncpkit.model import Certification
from rncpkit.pipeline import (
    Accepted,
    Destination,
    Encoded,
    Outcome,
    Progress,
    Rejected,
    Summary,
    Where,
    classify,
    collector,
    open_writer,
    write_outcomes,
)

__all__ = ["BATCH_BYTES", "BATCH_PIECES", "IN_FLIGHT", "Job", "convert", "parallelisable", "work"]

BATCH_BYTES = 1 << 19
"""A batch closes past this many input bytes (512 KiB)…"""
BATCH_PIECES = 64
"""…or this many pieces: large enough to amortise inter-process traffic, small enough to
keep every core busy and memory low."""
IN_FLIGHT = 2
"""Batches queued per worker process; bounds the memory of the run."""

# --------------------------------------------------------------------------- worker side


@dataclass(frozen=True)
class Job:
    """What a worker needs besides its pieces (sent with every batch: it is small)."""

    source_format: str
    to: str
    options: WriteOptions
    where: Where | None
    name: str


def _encoder(job: Job) -> Callable[[Certification], bytes]:
    """Encode one fiche alone in the target format: the writer's ``encode`` when it has one,
    else what its ``write`` appends to a scratch stream after the header."""
    factory = get_format(job.to).writer
    assert factory is not None
    buffer = io.BytesIO()
    writer = factory(buffer, job.options)
    encode: Callable[[Certification], bytes] | None = getattr(writer, "encode", None)
    if encode is not None:
        return encode

    def encoded(certification: Certification) -> bytes:
        buffer.seek(0)
        buffer.truncate()
        writer.write(certification)
        return buffer.getvalue()

    return encoded


def work(job: Job, pieces: list[Piece]) -> list[Outcome]:
    """Read, filter and encode one batch of pieces, in order (runs in a worker)."""
    split = get_format(job.source_format).split
    assert split is not None
    encode = _encoder(job)
    outcomes: list[Outcome] = []
    for result in split.read(pieces, job.name):
        outcome = classify(result, job.where)
        if isinstance(outcome, Accepted):
            try:
                outcomes.append(Encoded(encode(outcome.certification)))
            except RncpkitError as exc:
                outcomes.append(Rejected(exc))
        else:
            outcomes.append(outcome)
    return outcomes


# --------------------------------------------------------------------------- parent side


def _batches(pieces: Iterator[Piece]) -> Iterator[list[Piece]]:
    batch: list[Piece] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece.data)
        if size >= BATCH_BYTES or len(batch) >= BATCH_PIECES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def parallelisable(to: str) -> bool:
    """Whether the writer of ``to`` can take fiches encoded by worker processes."""
    fmt = get_format(to)
    if fmt.writer is None:
        return False
    return fmt.concatenable or (
        hasattr(fmt.writer, "encode") and hasattr(fmt.writer, "write_encoded")
    )


def _restartable(destination: Destination) -> bool:
    """Whether a failed attempt leaves no trace: a path written atomically, or /dev/null."""
    if not isinstance(destination, str | os.PathLike):
        return False
    path = os.fspath(destination)
    if path == "-":
        return False
    return path == os.devnull or not os.path.exists(path) or os.path.isfile(path)


def convert(
    source: Source,
    destination: Destination,
    to: str,
    *,
    jobs: int,
    from_format: str | None = None,
    options: WriteOptions | None = None,
    where: Where | None = None,
    fail_fast: bool = False,
    progress: Progress | None = None,
) -> Summary:
    """Like :func:`rncpkit.convert`, with ``jobs`` processes; same output, same summary.

    ``where`` must be picklable (a :class:`~rncpkit.filters.FicheFilter` is). Falls back to
    one job when the input format cannot be split or the writer cannot take fiches encoded
    elsewhere.
    """
    options = options or WriteOptions()

    def one_job() -> Summary:
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

    fmt = get_format(to)
    if jobs <= 1 or not parallelisable(to) or pipeline.writes_directory(fmt, destination):
        return one_job()
    try:
        pickle.dumps(where)
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        raise RncpkitError(f"--jobs needs a picklable filter: {exc}") from None
    replayable = reopenable(source)
    if not replayable and (from_format is None or get_format(from_format).split is None):
        return one_job()  # recognising the format would consume a stream we cannot replay
    # The quick cut gives up on unusual layouts: it is used when the run can then be redone
    # with one job (input reopenable, output a path).
    restartable = replayable and _restartable(destination)
    try:
        with open_input(source) as opened:
            source_format = get_format(from_format) if from_format else detect_format(opened)
            if source_format.split is not None:
                return _run(
                    opened, source_format, destination, to, jobs, options, where,
                    fail_fast, progress, restartable,
                )  # fmt: skip
    except UnusualLayout:
        pass
    return one_job()


def _run(
    opened: InputFile,
    source_format: Format,
    destination: Destination,
    to: str,
    jobs: int,
    options: WriteOptions,
    where: Where | None,
    fail_fast: bool,
    progress: Progress | None,
    restartable: bool,
) -> Summary:
    split = source_format.split
    assert split is not None
    if opened.archive is not None:  # the one member a reader of the format would read
        opened = single_member(opened, source_format.extensions[0])
    cut = split.quick if restartable and split.quick is not None else split.pieces
    job = Job(source_format.name, to, options, where, opened.name)
    summary = Summary()
    keep = collector(summary, fail_fast)
    pending: collections.deque[Future[list[Outcome]]] = collections.deque()
    with (
        open_writer(get_format(to), destination, options) as sink,
        ProcessPoolExecutor(jobs) as pool,
    ):
        try:
            for batch in _batches(cut(opened)):
                pending.append(pool.submit(work, job, batch))
                if progress is not None:
                    progress(opened.bytes_read, opened.size)
                while len(pending) >= IN_FLIGHT * jobs:
                    write_outcomes(pending.popleft().result(), sink, summary, keep)
            while pending:
                write_outcomes(pending.popleft().result(), sink, summary, keep)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return summary
