"""Opening inputs: paths (``-`` for stdin), bytes, binary files and zips, streamed, with
the first bytes kept for recognising the format."""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from rncpkit.errors import InputError, UnsafeInputError, UsageError
from rncpkit.io.kinds import refuse_impostor

__all__ = [
    "HEAD_SIZE",
    "MAX_RATIO",
    "MAX_UNCOMPRESSED",
    "ZIP_MAGIC",
    "Encoded",
    "InputFile",
    "Source",
    "check_encoding",
    "display_name",
    "open_input",
    "open_member",
    "reopenable",
    "single_member",
]

Source = str | os.PathLike[str] | bytes | IO[bytes]
"""What :func:`rncpkit.read` accepts: a path (``-`` for stdin), the bytes, or a binary file.
A path wrapped in :class:`Encoded` also names the encoding of a CSV input."""


class Encoded(os.PathLike[str]):
    """A path with the text encoding of its content (``--encoding cp1252`` for a CSV saved
    by Excel on Windows). It is a path for everything else, so that it goes wherever a
    path goes; :func:`open_input` hands the encoding to the CSV readers."""

    def __init__(self, path: str | os.PathLike[str], encoding: str) -> None:
        self.path = os.fspath(path)
        self.encoding = check_encoding(encoding)

    def __fspath__(self) -> str:
        return self.path

    def __repr__(self) -> str:
        return f"Encoded({self.path!r}, {self.encoding!r})"

    def __reduce__(self) -> tuple[type[Encoded], tuple[str, str]]:
        return (Encoded, (self.path, self.encoding))


def check_encoding(encoding: str) -> str:
    """The codec's canonical name, or a :class:`UsageError` for an unknown one."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise UsageError(f"unknown encoding {encoding!r} (e.g. utf-8, cp1252, latin-1)") from None


HEAD_SIZE = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"

# A zip member is refused beyond these (a decompression bomb); the real national
# export is ~600 MB of XML that compresses about 15 times.
MAX_UNCOMPRESSED = 8 * 1024**3
MAX_RATIO = 1000


class _Replay(io.RawIOBase):
    """Replays the bytes already read for sniffing, then the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if self._head.nbytes:
            count = min(len(view), self._head.nbytes)
            view[:count] = self._head[:count]
            self._head = self._head[count:]
        else:
            data = self._rest.read(len(view))
            count = len(data)
            view[:count] = data
        self.bytes_read += count
        return count


def reopenable(source: Source) -> bool:
    """Whether ``source`` can be opened again from its start (bytes, or a path other than
    stdin): what a second pass over the input needs."""
    return isinstance(source, bytes) or (
        isinstance(source, str | os.PathLike) and os.fspath(source) != "-"
    )


def display_name(source: Source) -> str:
    """How errors name a source: its path, ``<stdin>``, ``<bytes>`` or the file's name."""
    if isinstance(source, bytes):
        return "<bytes>"
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        return "<stdin>" if path == "-" else path
    return str(getattr(source, "name", "<stream>"))


@dataclass
class InputFile:
    """An opened input: a binary stream with its display name and first bytes."""

    name: str
    stream: BinaryIO
    head: bytes
    archive: zipfile.ZipFile | None = None
    size: int | None = None
    encoding: str | None = None
    """The text encoding the user named (CSV inputs); None: UTF-8, with or without BOM."""

    @property
    def bytes_read(self) -> int:
        """How far the stream has been consumed (for progress bars)."""
        raw = getattr(self.stream, "raw", None)
        return raw.bytes_read if isinstance(raw, _Replay) else 0


def _wrap(name: str, raw: IO[bytes], size: int | None = None) -> InputFile:
    head = raw.read(HEAD_SIZE)
    if not isinstance(head, bytes):
        raise InputError("input is a text stream; open it in binary mode", file=name)
    # raw streams and pipes may return less than asked: sniff on a full head all the same
    if 0 < len(head) < HEAD_SIZE:
        buffer = bytearray(head)
        while len(buffer) < HEAD_SIZE and (more := raw.read(HEAD_SIZE - len(buffer))):
            buffer += more
        head = bytes(buffer)
    stream = io.BufferedReader(_Replay(head, raw), buffer_size=1 << 16)
    return InputFile(name=name, stream=stream, head=head, size=size)


@contextlib.contextmanager
def open_input(source: Source, *, name: str | None = None) -> Iterator[InputFile]:
    """Open any supported source; a zip is opened as an archive (``InputFile.archive``)."""
    with contextlib.ExitStack() as stack:
        name = name or display_name(source)
        if isinstance(source, bytes):
            opened = _wrap(name, io.BytesIO(source), len(source))
        elif isinstance(source, str | os.PathLike):
            path = os.fspath(source)
            if path == "-":
                opened = _wrap(name, sys.stdin.buffer)
            else:
                try:
                    handle = stack.enter_context(open(path, "rb"))
                except OSError as exc:
                    raise InputError(f"cannot open: {exc.strerror}", file=path) from None
                if Path(path).is_dir():
                    raise InputError("is a directory", file=path)
                opened = _wrap(name, handle, os.fstat(handle.fileno()).st_size)
        else:
            opened = _wrap(name, source)
        opened.encoding = getattr(source, "encoding", None)
        if opened.head.startswith(ZIP_MAGIC):
            opened.archive = stack.enter_context(_open_zip(opened, stack))
        refuse_impostor(opened)
        yield opened


@contextlib.contextmanager
def _open_zip(opened: InputFile, stack: contextlib.ExitStack) -> Iterator[zipfile.ZipFile]:
    spool = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115
    while chunk := opened.stream.read(1 << 20):
        spool.write(chunk)
    spool.seek(0)
    try:
        archive = zipfile.ZipFile(spool)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"not a readable zip archive: {exc}", file=opened.name) from None
    with archive:
        yield archive


def open_member(opened: InputFile, member: zipfile.ZipInfo) -> InputFile:
    """Open one zip member, refusing decompression bombs."""
    assert opened.archive is not None
    name = f"{opened.name}!{member.filename}"
    if member.file_size > MAX_UNCOMPRESSED:
        raise UnsafeInputError(
            f"zip member would inflate to {member.file_size} bytes (limit {MAX_UNCOMPRESSED})",
            file=name,
        )
    if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
        raise UnsafeInputError(
            f"zip member compression ratio {member.file_size // member.compress_size}:1 "
            f"exceeds {MAX_RATIO}:1 (decompression bomb?)",
            file=name,
        )
    try:
        stream = _MemberStream(opened.archive.open(member), name)
        inner = _wrap(name, io.BufferedReader(stream, buffer_size=1 << 16), member.file_size)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error) as exc:
        raise InputError(f"cannot read zip member: {exc}", file=name) from None
    inner.encoding = opened.encoding
    refuse_impostor(inner)
    return inner


class _MemberStream(io.RawIOBase):
    """A zip member whose corruption, found mid-stream (bad CRC, broken deflate data, a
    size that lies), becomes an :class:`InputError` instead of a zipfile exception."""

    def __init__(self, member: IO[bytes], name: str) -> None:
        self._member = member
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        try:
            data = self._member.read(len(view))
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise InputError(f"cannot read zip member: {exc}", file=self._name) from None
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._member.close()
        super().close()


def single_member(opened: InputFile, suffix: str) -> InputFile:
    """The one member of a zip whose name ends with ``suffix`` (a clear error otherwise)."""
    assert opened.archive is not None
    members = [
        info
        for info in opened.archive.infolist()
        if not info.is_dir() and info.filename.lower().endswith(suffix)
    ]
    if len(members) != 1:
        others = [info.filename for info in opened.archive.infolist() if not info.is_dir()]
        found = ", ".join(info.filename for info in members) or (
            "it holds " + ", ".join(others[:5]) + (", …" if len(others) > 5 else "")
            if others
            else "it is empty"
        )
        raise InputError(
            f"expected exactly one {suffix} member in the zip, found {len(members)} ({found})",
            file=opened.name,
        )
    return open_member(opened, members[0])
