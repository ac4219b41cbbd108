"""The process that writes a register while this one reads the exports (a build with
``jobs`` ≥ 2): both ends of their pipe.

A build's work is two stages of about the same order: reading the fiches (parse, model,
JSON, rows: Python) and storing them (SQLite: B-trees, full-text index). On two cores they
overlap: this process reads and hands each batch of statements to a child process that owns
the only connection to the file. What crosses the pipe is what ``executemany`` takes,
pickled (tuples of str, bytes and int: never model objects), one message per transaction;
a sending thread writes the messages, so this process reads the next batch while the pipe
drains, and its queue holds at most :data:`QUEUED` batches (memory stays flat).

The child runs this file as a script with ``-I``: it imports the standard library only (not
rncpkit, pydantic or lxml), so it starts in milliseconds and holds little more than
SQLite's page cache. It ignores Ctrl-C (the parent kills it, then removes the temporary
file); it stops at the end of its input, committing nothing more, if the parent dies; an
error is sent back as one line, and the parent raises it as an
:class:`~rncpkit.errors.OutputFileError` naming the register.

This module imports the standard library only, since the child runs it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterable, Sequence
from typing import BinaryIO, Protocol

__all__ = ["QUEUED", "Statements", "Writer", "available", "serve"]

EXECUTE, MANY, SCRIPT, END = range(4)
QUEUED = 2
"""Batches (transactions) waiting to be sent, besides the one being sent."""
_OK = b"ok\n"


class Statements(Protocol):
    """What a build writes through: an ``sqlite3.Connection`` (one process) or a
    :class:`Writer` (the child process)."""

    def execute(self, sql: str, parameters: Sequence[object] = (), /) -> object: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[object]], /) -> object: ...

    def executescript(self, sql_script: str, /) -> object: ...


def available() -> bool:
    """Whether the child can be started (this module is a file Python can run)."""
    return os.path.isfile(__file__) and bool(sys.executable)


class Writer:
    """:class:`Statements` executed, in order, by a child process on the file ``path``.

    Statements are sent a transaction at a time (at each ``COMMIT``, and at :meth:`close`);
    :meth:`close` waits for the child to have executed everything, and raises its error.
    Any failure here (or Ctrl-C) must be followed by :meth:`abort`.
    """

    def __init__(self, path: str, target: str) -> None:
        self.target = target
        self._batch: list[bytes] = []
        self._queue: queue.Queue[list[bytes] | None] = queue.Queue(maxsize=QUEUED)
        self._failed = threading.Event()
        self._process = subprocess.Popen(
            [sys.executable, "-I", __file__, path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._thread = threading.Thread(target=self._send, name="register-writer", daemon=True)
        self._thread.start()

    def execute(self, sql: str, parameters: Sequence[object] = (), /) -> None:
        self._add(EXECUTE, sql, tuple(parameters))
        if sql == "COMMIT":
            self._post()

    def executemany(self, sql: str, parameters: Iterable[Sequence[object]], /) -> None:
        self._add(MANY, sql, parameters if isinstance(parameters, list) else list(parameters))

    def executescript(self, sql_script: str, /) -> None:
        self._add(SCRIPT, sql_script, ())

    def _add(self, kind: int, sql: str, parameters: object) -> None:
        # pickled now: the caller clears its lists of rows once they are handed over
        self._batch.append(pickle.dumps((kind, sql, parameters), pickle.HIGHEST_PROTOCOL))

    def _post(self) -> None:
        if self._failed.is_set():
            self._raise()
        self._queue.put(self._batch)
        self._batch = []

    def _send(self) -> None:
        """The sending thread: writes the queued batches into the child's input (the
        writes release the GIL), and after a failure only empties the queue."""
        stream = self._process.stdin
        assert stream is not None
        while (batch := self._queue.get()) is not None:
            if self._failed.is_set():
                continue
            try:
                for message in batch:
                    stream.write(message)
                stream.flush()
            except OSError:  # the child stopped (its error is on its output)
                self._failed.set()

    def close(self) -> None:
        """Send what is left and wait for the child to have executed everything."""
        self._add(END, "", ())
        self._post()
        self._queue.put(None)
        self._thread.join()
        assert self._process.stdin is not None
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        if self._process.wait() != 0 or self._failed.is_set():
            self._raise()

    def _raise(self) -> None:
        from rncpkit.errors import OutputFileError

        try:  # the child has stopped, or is stopping: its input is closed or broken
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
        said = ""
        assert self._process.stdout is not None
        with contextlib.suppress(OSError, ValueError):
            said = self._process.stdout.read().decode("utf-8", "replace").strip()
        self.abort()
        raise OutputFileError(
            "cannot write the register: "
            + (said or f"its writing process stopped (exit code {self._process.returncode})"),
            path=self.target,
        )

    def abort(self) -> None:
        """Stop the child (at once) and the sending thread."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._failed.set()
        if self._thread.is_alive():
            self._queue.put(None)  # the thread empties the queue once it has failed
            self._thread.join()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class _Plain(pickle.Unpickler):
    """Plain values only (tuples, lists, str, bytes, numbers, None): a reference to a class
    (a model's enum, say) would import rncpkit here; it is refused instead."""

    def find_class(self, module: str, name: str, /) -> object:
        raise pickle.UnpicklingError(f"the writing process takes plain values, not {name}")


def serve(path: str, messages: BinaryIO, replies: BinaryIO) -> int:
    """The child: execute the statements read from ``messages`` on ``path`` until the end
    message (reply ``ok``, exit code 0). An error is replied as one line (exit code 1); at
    the end of ``messages`` before the end message (the parent died) nothing more is done."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        while True:
            try:
                kind, sql, parameters = _Plain(messages).load()
            except EOFError:
                return 1
            if kind == MANY:
                db.executemany(sql, parameters)
            elif kind == EXECUTE:
                db.execute(sql, parameters)
            elif kind == SCRIPT:
                db.executescript(sql)
            else:
                db.close()
                replies.write(_OK)
                return 0
    except Exception as exc:  # sent back to the parent, which raises it
        replies.write(f"{type(exc).__name__}: {exc}\n".encode())
        return 1
    finally:
        db.close()
        replies.flush()


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides, and kills this one
    sys.exit(serve(sys.argv[1], sys.stdin.buffer, sys.stdout.buffer))
