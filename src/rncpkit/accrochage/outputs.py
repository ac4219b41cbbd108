"""The files of one build: written under temporary names, renamed together at the end (or
removed), and the files of an earlier run that lie beside them."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import IO

from rncpkit.errors import UsageError
from rncpkit.io import discard, open_temporary

__all__ = [
    "Outputs",
    "stale_files",
]


class Outputs:
    """The files of one build, written under temporary names and renamed together."""

    def __init__(self, target: Path, numbered: bool) -> None:
        self.target = target
        self.numbered = numbered
        self.stdout = os.fspath(target) == "-"
        self.pending: list[tuple[IO[bytes], str, Path]] = []

    def open(self) -> IO[bytes]:
        if self.stdout:
            if self.pending:
                raise UsageError("the flux needs several files: give -o FILE, not stdout")
            self.pending.append((sys.stdout.buffer, "", self.target))
            return sys.stdout.buffer
        index = len(self.pending) + 1
        target = self.target
        if self.numbered:
            target = target.with_name(f"{target.stem}-{index:03d}{target.suffix or '.xml'}")
        target.parent.mkdir(parents=True, exist_ok=True)
        # owner-only, as before; a failed write names the target, not the .part file
        stream, temporary = open_temporary(target, private=True)
        self.pending.append((stream, temporary, target))
        return stream

    def name(self) -> str:
        """The name of the file being written, as the ledger records it."""
        return "<stdout>" if self.stdout else self.pending[-1][2].name

    def commit(self) -> list[Path]:
        if self.stdout:
            sys.stdout.buffer.flush()
            return [self.target]
        for stream, _temporary, _target in self.pending:
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
        for _stream, temporary, target in self.pending:
            os.replace(temporary, target)
        return [target for _stream, _temporary, target in self.pending]

    def abort(self) -> None:
        for stream, temporary, _target in [] if self.stdout else self.pending:
            discard(stream, temporary)  # removed even when closing fails (disk full)


def stale_files(target: Path, written: list[Path]) -> list[Path]:
    if os.fspath(target) == "-" or not target.parent.is_dir():
        return []
    suffix = target.suffix or ".xml"
    pattern = re.compile(re.escape(target.stem) + r"(-\d{3})?" + re.escape(suffix))
    return sorted(
        path
        for path in target.parent.iterdir()
        if pattern.fullmatch(path.name) and path not in written and path.is_file()
    )
