"""Opening inputs (paths, ``-``, bytes, file objects, zips), decoding text inputs, and
writing outputs atomically.

Three things every command shares live here, once: recognising a file that is not what it
claims (an HTML page saved as .xml…), decoding CSV inputs with a precise error when they are
not UTF-8, and replacing an output only when the run succeeds, with every I/O failure
turned into one :class:`~rncpkit.errors.OutputFileError` naming the path.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import json
import os
import re
import stat
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from rncpkit.errors import InputError, OutputFileError, UnsafeInputError, UsageError

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


# --------------------------------------------------------------------------- what is it


_HTML = re.compile(
    rb"(?:<\?xml[^>]{0,200}>\s*)?(?:<!--.*?-->\s*){0,5}(?:<!doctype\s+html\b(?![^>]*\[)|<html[\s>])",
    re.IGNORECASE | re.DOTALL,
)
"""An HTML document, from its start (a DOCTYPE with an internal subset is left to the XML
parser's refusal: that is an attack, not a download gone wrong)."""
_TITLE = re.compile(rb"<title[^>]*>(.{0,200}?)</title", re.IGNORECASE | re.DOTALL)
_HTTP_STATUS = re.compile(r"\b([45]\d\d)\b")
_S3_ERROR = re.compile(rb"<Error>\s*<Code>([^<]{1,100})</Code>(?:\s*<Message>([^<]{0,200})<)?")
_JSON_ERROR_KEYS = frozenset({"error", "errors", "message", "status", "statusCode", "detail"})
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OFFICE = (
    ("word/", "a Word document (.docx)"),
    ("xl/", "an Excel workbook (.xlsx)"),
    ("ppt/", "a PowerPoint presentation (.pptx)"),
)


def _text_of(raw: bytes) -> str:
    return " ".join(raw.decode("utf-8", "replace").split())


def what_it_seems(head: bytes) -> str | None:
    """What a file that no rncpkit format reads seems to be, from its first bytes: an HTML
    page (an error page, a login page: a failed download), a JSON or XML error body, a
    PDF, an Office document. None when it may be a real input."""
    start = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"%PDF-"):
        return "a PDF document"
    if start.startswith(_OLE2):
        return "a Word or Excel document (.doc/.xls, Microsoft Office 97-2003)"
    if start.startswith(b"{\\rtf"):
        return "an RTF document"
    if _HTML.match(start[:2048]):
        title = _TITLE.search(head[:16384])
        shown = _text_of(title.group(1)) if title else ""
        status = _HTTP_STATUS.search(shown)
        if status:
            return f"an HTTP error page ({shown!r}): the download failed"
        named = f" titled {shown!r}" if shown else ""
        return f"an HTML page{named} (a web page saved in place of the file?)"
    error = _S3_ERROR.search(start[:2048])
    if error:
        detail = ": " + _text_of(error.group(2)) if error.group(2) else ""
        return f"an error response from a web server ({_text_of(error.group(1))}{detail})"
    if start.startswith(b"{") and len(head) < HEAD_SIZE:
        try:
            body = json.loads(head.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            return None
        # an error body is a small object with an error key, and no fiche ``number``
        if (
            isinstance(body, dict)
            and len(body) <= 8
            and "number" not in body
            and _JSON_ERROR_KEYS & set(body)
        ):
            shown = json.dumps(body, ensure_ascii=False)[:160]
            return f"a JSON error response ({shown}): the download or API call failed"
    return None


def _zip_seems(archive: zipfile.ZipFile) -> str | None:
    """What a zip that is an Office or OpenDocument file is."""
    names = archive.namelist()
    if "[Content_Types].xml" in names:
        for prefix, kind in _OFFICE:
            if any(name.startswith(prefix) for name in names):
                return kind
        return "a Microsoft Office document"
    if "mimetype" in names:
        return "an OpenDocument file (LibreOffice)"
    return None


def _refuse_impostor(opened: InputFile) -> None:
    what = _zip_seems(opened.archive) if opened.archive is not None else what_it_seems(opened.head)
    if what is not None:
        raise InputError(
            f"this is not a certification file: it seems to be {what}", file=opened.name, line=1
        )


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
        _refuse_impostor(opened)
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
    _refuse_impostor(inner)
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


# --------------------------------------------------------------------------- text inputs


class _CheckedText(io.RawIOBase):
    """The bytes of a text input, passed through unchanged but checked against their
    encoding as they go, counting lines: a byte that does not decode is reported on its
    real line, with what the encoding seems to be (a decoding text stream would only say
    "line 1", the first chunk it decodes)."""

    def __init__(self, stream: IO[bytes], name: str, encoding: str) -> None:
        self._stream = stream
        self._name = name
        self._encoding = encoding
        self._decoder = codecs.getincrementaldecoder(encoding)("strict")
        self._line = 1

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        data = self._stream.read(len(view))
        pending = self._decoder.getstate()[0]
        try:
            self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise self._error(pending + data, exc.start, len(pending)) from None
        self._line += data.count(b"\n")
        view[: len(data)] = data
        return len(data)

    def _error(self, data: bytes, start: int, carried: int) -> InputError:
        line = self._line + data.count(b"\n", carried, max(start, carried))
        begin = data.rfind(b"\n", 0, start) + 1
        end = data.find(b"\n", start)
        text = data[begin : end if end >= 0 else len(data)]
        byte = data[start]
        seems_en, seems_fr, option = _guess_encoding(text, self._encoding)
        shown = bytes([byte]).decode("cp1252", "replace")
        name = self._encoding.upper()
        # the byte and what it is, never the line itself (a holder's name, birth date…)
        return InputError(
            f"not {name}: byte 0x{byte:02X} ({shown!r} in Windows-1252); the file seems to be "
            f"{seems_en}: save it as 'CSV UTF-8' in Excel, or pass --encoding {option} / "
            f"pas en {name} : le fichier semble en {seems_fr} ; dans Excel, enregistrer sous "
            f"« CSV UTF-8 », ou --encoding {option}",
            file=self._name,
            line=line,
        )


def _guess_encoding(text: bytes, tried: str) -> tuple[str, str, str]:
    """What a line that failed to decode seems to be encoded in (English, French) and
    the ``--encoding`` that reads it."""
    if text.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in text:
        return "UTF-16 (Excel's 'Unicode text')", "UTF-16 (« texte Unicode » d'Excel)", "utf-16"
    try:
        text.decode("cp1252")
    except UnicodeDecodeError:
        return "an 8-bit encoding other than Windows-1252", "un autre codage 8 bits", "ENCODING"
    if tried != "utf-8":
        return "UTF-8 or another encoding", "UTF-8 ou un autre codage", "utf-8"
    if any(0x80 <= byte <= 0x9F for byte in text):
        return (
            "Windows-1252 (Excel's 'CSV' on Windows)",
            "Windows-1252 (« CSV » d'Excel sous Windows)",
            "cp1252",
        )
    return "Latin-1 (ISO-8859-1) or Windows-1252", "Latin-1 (ISO-8859-1) ou Windows-1252", "cp1252"


def text_stream(
    opened: InputFile, *, name: str | None = None, newline: str | None = ""
) -> io.TextIOWrapper:
    """The text of a CSV or JSON input, in the encoding the user named (UTF-8 with or
    without BOM by default). Bytes that do not decode raise an :class:`InputError` naming
    their line and the encoding the file seems to be in. Call ``detach()`` on the result
    to leave ``opened.stream`` open."""
    encoding = opened.encoding or "utf-8"
    checked = io.BufferedReader(
        _CheckedText(opened.stream, name or opened.name, encoding), 1 << 16
    )
    return io.TextIOWrapper(
        checked, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline=newline
    )


# --------------------------------------------------------------------------- outputs

_STDOUT = "<stdout>"
_DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})
"""Errors of a write on an already open stream (stdout, a device): no file name comes with
them."""


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def output_error(exc: OSError, path: str) -> OutputFileError:
    """An :class:`OSError` met while writing ``path`` as the one-line error to report."""
    reason = exc.strerror or str(exc)
    code = exc.errno
    if code == errno.ENOENT:
        parent = os.path.dirname(path) or "."
        reason = f"the directory {parent} does not exist"
    elif code == errno.EISDIR:
        reason = "it is a directory (give a file name, or a format that writes a directory)"
    elif code == errno.ENOTDIR:
        reason = "a file stands where a directory of the path is expected"
    return OutputFileError(f"cannot write: {reason}", path=path, errno=code)


class _OutputFile(io.FileIO):
    """The temporary file: a failed write (disk full, quota) names the real target."""

    target = ""

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            return super().write(data)
        except OSError as exc:
            raise output_error(exc, self.target) from None


def _replaced_mode(target: Path, path: str) -> os.stat_result | None:
    """The existing file's status, refusing to replace what the user may not write (as
    ``cp`` refuses): a file without write permission for them, or marked read-only for
    everybody (which stops root too: permission bits do not)."""
    try:
        status = os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise output_error(exc, path) from None
    if stat.S_ISDIR(status.st_mode):
        raise output_error(OSError(errno.EISDIR, os.strerror(errno.EISDIR)), path)
    if not os.access(target, os.W_OK) or not status.st_mode & 0o222:
        raise OutputFileError(
            "cannot write: the file is read-only; it was left as it is (make it writable, "
            "or choose another name)",
            path=path,
            errno=errno.EACCES,
        )
    return status


@contextlib.contextmanager
def atomic_output(
    destination: str | os.PathLike[str] | IO[bytes], *, private: bool = False, sync: bool = True
) -> Iterator[IO[bytes]]:
    """A binary stream that replaces ``destination`` only if the block succeeds.

    ``-`` is stdout; an already open stream is written as is. For paths, data goes to a
    temporary file in the same directory, renamed over the target at the end (``sync``:
    flushed to disk first). A new file gets the permissions any new file would (the
    umask), or owner-only ones with ``private`` (files holding personal data); a replaced
    file keeps its mode and owner, and a read-only one is not replaced. Every I/O failure
    (permission, disk full, read-only file system, a directory in the way, a missing
    directory) raises :class:`~rncpkit.errors.OutputFileError` naming ``destination``, and
    leaves no temporary file behind; so does an interruption (Ctrl-C).
    """
    if not isinstance(destination, str | os.PathLike):
        yield destination
        return
    path = os.fspath(destination)
    if path == "-":
        with _stream_errors(_STDOUT):
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        return
    target = Path(path)
    if target.exists() and not target.is_file() and not target.is_dir():
        # /dev/null, a FIFO, a terminal: write straight through. Renaming a temporary file
        # over them would replace the device itself (as root, /dev/null became a file).
        try:
            device = open(target, "wb")  # noqa: SIM115 (closed by the with below)
        except OSError as exc:
            raise output_error(exc, path) from None
        with _stream_errors(path), device:
            yield device
        return
    handle, temporary = open_temporary(target, private=private, name=path)
    try:
        try:
            yield handle
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
            handle.close()
            os.replace(temporary, target)
        except OSError as exc:
            raise output_error(exc, path) from None
    except BaseException:
        discard(handle, temporary)
        raise


def open_temporary(
    target: Path, *, private: bool = False, name: str | None = None
) -> tuple[IO[bytes], str]:
    """A new temporary file beside ``target`` for a writer that renames it over the target
    itself (several files committed together): the mode ``target`` will have (its own if
    it exists, the umask's or owner-only with ``private`` otherwise), a read-only target
    refused, and every failed write an :class:`OutputFileError` naming ``name`` (the path
    the user gave). Returns the stream and the temporary path; :func:`discard` cleans up."""
    path = name or os.fspath(target)
    existing = _replaced_mode(target, path)
    try:
        fd, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
    except OSError as exc:
        raise output_error(exc, path) from None
    raw = _OutputFile(fd, "wb")
    raw.target = path
    handle = io.BufferedWriter(raw, 1 << 16)  # type: ignore[type-var]  # FileIO write, typed loosely
    try:
        if existing is None:
            os.fchmod(fd, 0o600 if private else 0o666 & ~_umask())
        else:
            mode = stat.S_IMODE(existing.st_mode)
            os.fchmod(fd, mode & ~0o077 if private else mode)
            if existing.st_uid != os.geteuid():
                with contextlib.suppress(OSError):  # only root may give a file away
                    os.fchown(fd, existing.st_uid, existing.st_gid)
    except OSError as exc:
        discard(handle, temporary)
        raise output_error(exc, path) from None
    return handle, temporary


def discard(handle: IO[bytes], temporary: str) -> None:
    """Close and remove a temporary output after a failure, whatever else fails."""
    with contextlib.suppress(OSError, OutputFileError):
        handle.close()
    raw = getattr(handle, "raw", None)
    if raw is not None:
        with contextlib.suppress(OSError):
            raw.close()
    with contextlib.suppress(OSError):
        os.unlink(temporary)


@contextlib.contextmanager
def _stream_errors(path: str) -> Iterator[None]:
    """A failed write on an open stream (stdout, a device such as /dev/full) as an
    :class:`OutputFileError`; a closed pipe stays a :class:`BrokenPipeError`."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        if exc.filename is None and exc.errno in _DISK_ERRORS:
            raise output_error(exc, path) from None
        raise
