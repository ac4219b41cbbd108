"""``convert --jobs N``: the France Compétences flux converted by several processes.

Reading stays sequential: the parent process cuts the flux into raw ``FICHE`` fragments and
hands chunks of them to worker processes, which do the expensive part: parse each chunk with
the hardened parser, map the fiches to validated models, filter, and encode each fiche in the
target format. The parent writes the encoded fiches in input order through the real writer
(header, fiches, footer), so the output is byte for byte what one job writes, and the summary
counts are the same.

The cut is made at the byte level (:func:`_raw_fragments`: a regular-expression scan that
skips comments, CDATA and processing instructions, about 7 times cheaper than ``iterparse``
+ ``tostring``), for the plain layout of the flux only; anything unusual makes the run start
again with one job, which then reports it exactly as usual. When the run cannot be redone
(stdin, or an output stream), the parent cuts with ``iterparse`` (:func:`_fragments`).
Fiche line numbers are counted exactly; the one-job reader gets them from libxml2, which
reports a ``FICHE`` past line 65,535 one line late (on the line of its first child).

Only writers whose output for one fiche does not depend on the others can be parallelised:
those with ``encode``/``write_encoded`` methods (``fc-csv``) and the ``fc-xml`` and
``jsonl`` writers, whose ``write`` is self-contained. Other inputs or outputs are converted
with one job (same result, no speed-up).
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import re
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import IO, Any

from lxml import etree

from rncpkit import xmlsafe
from rncpkit.api import Progress, Summary
from rncpkit.api import convert as convert_sequential
from rncpkit.errors import FicheError, InputError, RncpkitError, UnsupportedVersionError
from rncpkit.formats import WriteOptions, detect_format, fc_xml, get_format
from rncpkit.io import InputFile, Source, atomic_output, open_input, single_member
from rncpkit.model import Certification

SLICEABLE = frozenset({"fc-xml", "jsonl"})
"""Writers whose ``write`` output for a fiche depends on no other fiche."""
CHUNK = 128
"""Fiches per task: large enough to amortise inter-process traffic, small enough to keep
every core busy and memory bounded (at most ``4 × jobs`` chunks in flight)."""

Outcome = tuple[str, Any]
"""``("w", bytes)`` written, ``("f", None)`` filtered, ``("r", error)`` rejected."""

# --------------------------------------------------------------------------- worker side

_state: dict[str, Any] = {}


def _init(to: str, options: WriteOptions, where: Callable[[Certification], bool] | None) -> None:
    factory = get_format(to).writer
    assert factory is not None
    buffer = io.BytesIO()
    writer = factory(buffer, options)
    _state.update(buffer=buffer, writer=writer, where=where)


def _encode(cert: Certification) -> bytes:
    writer = _state["writer"]
    encode = getattr(writer, "encode", None)
    if encode is not None:
        data: bytes = encode(cert)
        return data
    buffer: io.BytesIO = _state["buffer"]
    buffer.seek(0)
    buffer.truncate()
    writer.write(cert)
    return buffer.getvalue()


def _work(version: str, name: str, lines: list[int], fragments: list[bytes]) -> list[Outcome]:
    """Parse, map, filter and encode one chunk of ``FICHE`` fragments, in order."""
    spec = fc_xml.SPECS[version]
    where = _state["where"]
    document = xmlsafe.parse_bytes(b"<FICHES>" + b"".join(fragments) + b"</FICHES>", name=name)
    outcomes: list[Outcome] = []
    for element, line in zip(document, lines, strict=True):
        shift = line - (element.sourceline or line)
        result = fc_xml.read_fiche(element, spec, name)
        if isinstance(result, FicheError):
            for problem in result.all_problems():
                if problem.line is not None:
                    problem.line += shift
            outcomes.append(("r", result))
            continue
        if where is not None and not where(result):
            outcomes.append(("f", None))
            continue
        try:
            outcomes.append(("w", _encode(result)))
        except RncpkitError as exc:
            outcomes.append(("r", exc))
    return outcomes


# --------------------------------------------------------------------------- parent side


def _fragments(stream: IO[bytes], name: str) -> Iterator[tuple[str, int, bytes]]:
    """``(VERSION_FLUX, line, FICHE bytes)`` for each fiche, memory freed as it goes."""
    version: str | None = None
    try:
        for _event, element in xmlsafe.iterparse(stream, tag=("VERSION_FLUX", "FICHE"), name=name):
            if element.tag == "VERSION_FLUX":
                version = (element.text or "").strip()
                if version not in fc_xml.SPECS:
                    supported = ", ".join(sorted(fc_xml.SPECS))
                    raise UnsupportedVersionError(
                        f"VERSION_FLUX {version!r} is not supported (supported: {supported})",
                        file=name,
                        line=element.sourceline,
                        field="VERSION_FLUX",
                    )
                continue
            if version is None:
                raise InputError(
                    "<VERSION_FLUX> missing before the first <FICHE>",
                    file=name,
                    line=element.sourceline,
                )
            yield version, element.sourceline or 0, etree.tostring(element, with_tail=False)
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not well-formed XML: {exc.msg}", file=name, line=exc.lineno) from None
    if version is None:
        raise InputError("no <VERSION_FLUX> found: not a France Compétences flux", file=name)


class _Fallback(Exception):
    """The byte-level splitter met something it does not handle: redo with one job."""


_BLOCK = 1 << 22
_TOKEN = re.compile(rb"<!--|<!\[CDATA\[|<\?|<FICHE(?=[\s>/])|</FICHE\s*>")
_CLOSERS = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}
_GAP = re.compile(rb"(?:\s+|<!--(?:(?!-->).)*-->|<\?(?:(?!\?>).)*\?>)*", re.DOTALL)
_TRAILER = re.compile(rb"</FICHES\s*>", re.DOTALL)
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")


def _raw_fragments(stream: IO[bytes], name: str) -> Iterator[tuple[str, int, bytes]]:
    """Like :func:`_fragments`, but cut at the byte level, without building any tree: the
    parent then costs little, and each fragment is still parsed by the hardened parser in
    a worker. Only the plain layout of the flux is accepted (UTF-8, root ``<FICHES>``
    without attributes, ``VERSION_FLUX`` first, nothing but blanks, comments and
    processing instructions between fiches); anything else raises :class:`_Fallback`."""
    buffer = stream.read(_BLOCK)
    eof = not buffer
    while not eof and b"<FICHE" not in buffer.replace(b"<FICHES", b""):
        more = stream.read(_BLOCK)
        eof = not more
        buffer += more
        if len(buffer) > 4 * _BLOCK:
            raise _Fallback("no fiche in the first blocks")
    encoding = _ENCODING.match(buffer)
    if encoding is not None and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
        raise _Fallback("not UTF-8")
    first = _next_fiche(buffer, 0)
    if first < 0:
        raise _Fallback("no fiche")
    header = xmlsafe.parse_bytes(buffer[:first] + b"</FICHES>", name=name)
    elements = [child for child in header if isinstance(child.tag, str)]
    if header.tag != "FICHES" or header.attrib or header.nsmap or len(elements) != 1:
        raise _Fallback("unusual root")
    flux = elements[0]
    if flux.tag != "VERSION_FLUX" or len(flux):
        raise _Fallback("unusual header")
    version = (flux.text or "").strip()
    if version not in fc_xml.SPECS:
        raise _Fallback("unsupported version")  # one job reports it, located
    line = 1 + buffer.count(b"\n", 0, first)
    position = first
    while True:  # at ``position`` starts a <FICHE> element
        end = _fiche_end(buffer, position)
        while end < 0:
            if eof:
                raise _Fallback("truncated")
            more = stream.read(_BLOCK)
            eof = not more
            buffer, position = buffer[position:] + more, 0
            end = _fiche_end(buffer, position)
        yield version, line, buffer[position:end]
        line += buffer.count(b"\n", position, end)
        while True:  # blanks, comments, PIs, then the next fiche or the end of the root
            match = _GAP.match(buffer, end)
            after = match.end() if match else end
            rest = buffer[after : after + 64]
            if eof or (len(rest) == 64 and not rest.startswith((b"<!--", b"<?"))):
                break
            more = stream.read(_BLOCK)
            eof = not more
            buffer, end = buffer[end:] + more, 0
        line += buffer.count(b"\n", end, after)
        if _next_fiche(buffer, after) == after:
            position = after
            continue
        trailer = _TRAILER.match(buffer, after)
        if trailer is None:
            raise _Fallback("unexpected content between fiches")
        tail = buffer[trailer.end() :]
        while True:
            if _GAP.fullmatch(tail) is None:
                raise _Fallback("content after the root")
            if eof:
                return
            tail = stream.read(_BLOCK)
            eof = not tail


def _next_fiche(buffer: bytes, start: int) -> int:
    """Offset of the next ``<FICHE`` tag at top level (comments, CDATA, PIs skipped)."""
    while (match := _TOKEN.search(buffer, start)) is not None:
        token = match.group()
        closer = _CLOSERS.get(token)
        if closer is None:
            return match.start() if token.startswith(b"<FICHE") else -1
        close = buffer.find(closer, match.end())
        if close < 0:
            return -1
        start = close + len(closer)
    return -1


def _fiche_end(buffer: bytes, start: int) -> int:
    """Offset just past the ``</FICHE>`` closing the fiche at ``start``; -1 if not in the
    buffer yet. A nested ``<FICHE`` is not the flux layout: :class:`_Fallback`."""
    search = start + 6
    while (match := _TOKEN.search(buffer, search)) is not None:
        token = match.group()
        closer = _CLOSERS.get(token)
        if closer is not None:
            close = buffer.find(closer, match.end())
            if close < 0:
                return -1
            search = close + len(closer)
        elif token.startswith(b"</"):
            return match.end()
        else:
            raise _Fallback("nested FICHE")
    return -1


def _chunks(
    fragments: Iterator[tuple[str, int, bytes]],
) -> Iterator[tuple[str, list[int], list[bytes]]]:
    version = ""
    lines: list[int] = []
    data: list[bytes] = []
    for fragment_version, line, fragment in fragments:
        if data and fragment_version != version:
            yield version, lines, data
            lines, data = [], []
        version = fragment_version
        lines.append(line)
        data.append(fragment)
        if len(data) >= CHUNK:
            yield version, lines, data
            lines, data = [], []
    if data:
        yield version, lines, data


def parallelisable(to: str) -> bool:
    """Whether the writer of ``to`` can take fiches encoded by worker processes."""
    fmt = get_format(to)
    if fmt.writer is None:
        return False
    return to in SLICEABLE or (
        hasattr(fmt.writer, "encode") and hasattr(fmt.writer, "write_encoded")
    )


def _writes_directory(to: str, destination: str | os.PathLike[str] | IO[bytes]) -> bool:
    fmt = get_format(to)
    return fmt.directory_writer is not None and (
        fmt.writer is None
        or (isinstance(destination, str | os.PathLike) and os.path.isdir(destination))
    )


def _restartable(destination: str | os.PathLike[str] | IO[bytes]) -> bool:
    """Whether a failed attempt leaves no trace: a path written atomically, or /dev/null."""
    if not isinstance(destination, str | os.PathLike):
        return False
    path = os.fspath(destination)
    if path == "-":
        return False
    return path == os.devnull or not os.path.exists(path) or os.path.isfile(path)


def convert(
    source: Source,
    destination: str | os.PathLike[str] | IO[bytes],
    to: str,
    *,
    jobs: int,
    from_format: str | None = None,
    options: WriteOptions | None = None,
    where: Callable[[Certification], bool] | None = None,
    fail_fast: bool = False,
    progress: Progress | None = None,
) -> Summary:
    """Like :func:`rncpkit.convert`, with ``jobs`` processes; same output, same summary.

    ``where`` must be picklable (a :class:`~rncpkit.filters.FicheFilter` is). Falls back to
    one job when the input is not a France Compétences flux or the writer cannot take
    fiches encoded elsewhere.
    """
    options = options or WriteOptions()
    sequential = {
        "from_format": from_format,
        "options": options,
        "where": where,
        "fail_fast": fail_fast,
        "progress": progress,
    }
    if jobs <= 1 or not parallelisable(to) or _writes_directory(to, destination):
        return convert_sequential(source, destination, to, **sequential)  # type: ignore[arg-type]
    try:
        pickle.dumps(where)
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        raise RncpkitError(f"--jobs needs a picklable filter: {exc}") from None
    reopenable = isinstance(source, bytes) or (
        isinstance(source, str | os.PathLike) and os.fspath(source) != "-"
    )
    if from_format is None and not reopenable:
        return convert_sequential(source, destination, to, **sequential)  # type: ignore[arg-type]
    # Cutting the flux at the byte level is fast but gives up on unusual layouts: it is
    # used when the run can then be redone with one job (input reopenable, output a path).
    restartable = reopenable and _restartable(destination)
    try:
        with open_input(source) as opened:
            fmt = get_format(from_format) if from_format else detect_format(opened)
            if fmt is fc_xml.FORMAT:
                return _run(
                    opened, destination, to, jobs, options, where, fail_fast, progress, restartable
                )
    except _Fallback:
        pass
    if not reopenable:
        raise RncpkitError(f"--jobs reads only the fc-xml format from a stream, not {fmt.name}")
    return convert_sequential(source, destination, to, **sequential)  # type: ignore[arg-type]


def _run(
    opened: InputFile,
    destination: str | os.PathLike[str] | IO[bytes],
    to: str,
    jobs: int,
    options: WriteOptions,
    where: Callable[[Certification], bool] | None,
    fail_fast: bool,
    progress: Progress | None,
    restartable: bool,
) -> Summary:
    summary = Summary()
    member = single_member(opened, ".xml") if opened.archive is not None else opened
    name = member.name
    factory = get_format(to).writer
    assert factory is not None

    with atomic_output(destination) as stream:
        writer = factory(stream, options)
        write_encoded = getattr(writer, "write_encoded", None) or stream.write

        def drain(outcomes: list[Outcome]) -> None:
            for kind, payload in outcomes:
                summary.read += 1
                if kind == "w":
                    write_encoded(payload)
                    summary.written += 1
                elif kind == "f":
                    summary.filtered += 1
                else:
                    if fail_fast:
                        raise payload
                    summary.rejected += 1
                    summary.errors.append(payload)

        pending: collections.deque[Future[list[Outcome]]] = collections.deque()
        with ProcessPoolExecutor(jobs, initializer=_init, initargs=(to, options, where)) as pool:
            try:
                split = _raw_fragments if restartable else _fragments
                for version, lines, data in _chunks(split(member.stream, name)):
                    pending.append(pool.submit(_work, version, name, lines, data))
                    if progress is not None:
                        progress(member.bytes_read, member.size)
                    while len(pending) >= 4 * jobs:
                        drain(pending.popleft().result())
                while pending:
                    drain(pending.popleft().result())
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
        writer.close()
    return summary
