"""Writing outputs atomically: a temporary file beside the target, renamed over it only when
the run succeeds; every I/O failure one :class:`~rncpkit.errors.OutputFileError` naming the
path the user gave."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from rncpkit.errors import OutputFileError

__all__ = [
    "atomic_output",
    "discard",
    "open_temporary",
    "output_error",
]

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
    if target.is_symlink():
        # write through the link, as cp does: the link stays, the file it names is replaced
        target = Path(os.path.realpath(target))
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
