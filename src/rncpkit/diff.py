"""What changed between two exports: fiches added, removed, and changed (with which fields).

Both inputs are streamed, in any readable format (and need not be the same one). Each fiche
is reduced to a fingerprint, an 8-byte digest per model field, kept in a temporary SQLite
file (the on-disk index), so memory does not grow with the export; the comparison is then
three indexed queries, sorted by répertoire and fiche number.

Comparing two formats compares what both carry: a CSV export has no texts, so against an
XML flux every fiche would show ``objectives`` and the other texts as changed; pass those
fields in ``ignore``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic_core import to_json

from rncpkit.api import read_records
from rncpkit.errors import FicheError, UsageError
from rncpkit.io import Source, display_name
from rncpkit.model import Certification
from rncpkit.pipeline import Progress

FIELDS: tuple[str, ...] = tuple(Certification.model_fields)
"""The compared fields, in model order (top-level fields of :class:`Certification`)."""
_SIZE = 8
_EMPTY = bytes(_SIZE)
_BATCH = 2000


def fingerprint(cert: Certification, fields: tuple[str, ...] = FIELDS) -> bytes:
    """One digest per field; an absent value (``None``, ``[]``, ``{}``) digests to zeros.

    Access routes are compared as a set (the CSV export orders them differently); every
    other list keeps its order, which is part of the fiche. Strings are hashed as UTF-8,
    other values as their JSON (pydantic-core's serializer: no Python-level ``repr``).
    """
    data = cert.model_dump(include=set(fields))
    parts: list[bytes] = []
    for name in fields:
        value = data.get(name)
        if value is None or value == [] or value == {}:
            parts.append(_EMPTY)
            continue
        if isinstance(value, str):
            raw = value.encode("utf-8", "surrogatepass")
        else:
            raw = to_json(sorted(value.items()) if isinstance(value, dict) else value)
        parts.append(hashlib.blake2b(raw, digest_size=_SIZE).digest())
    return b"".join(parts)


def changed_fields(old: bytes, new: bytes, fields: tuple[str, ...] = FIELDS) -> list[str]:
    """The names of the fields whose digests differ."""
    return [
        name
        for index, name in enumerate(fields)
        if old[index * _SIZE : (index + 1) * _SIZE] != new[index * _SIZE : (index + 1) * _SIZE]
    ]


@dataclass(frozen=True)
class Change:
    """One difference: a fiche ``added`` or ``removed``, or ``changed`` in ``fields``."""

    kind: Literal["added", "removed", "changed"]
    number: str
    fields: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change": self.kind, "number": self.number}
        if self.kind == "changed":
            out["fields"] = list(self.fields)
        return out

    def __str__(self) -> str:
        mark = {"added": "+", "removed": "-", "changed": "~"}[self.kind]
        suffix = f": {', '.join(self.fields)}" if self.fields else ""
        return f"{mark} {self.number}{suffix}"


@dataclass
class Side:
    """What was read from one input. Invariant: ``read == compared + filtered + rejected``."""

    name: str
    read: int = 0
    compared: int = 0
    filtered: int = 0
    rejected: int = 0
    errors: list[FicheError] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.name}: {self.read} fiches read, {self.compared} compared, "
            f"{self.filtered} skipped by filter, {self.rejected} rejected"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "read": self.read,
            "compared": self.compared,
            "filtered": self.filtered,
            "rejected": self.rejected,
        }


@dataclass
class DiffResult:
    """The comparison, read lazily from the on-disk index (valid inside :func:`compare`)."""

    old: Side
    new: Side
    fields: tuple[str, ...]
    _db: sqlite3.Connection
    counts: dict[str, int] = field(default_factory=dict)

    def changes(self) -> Iterator[Change]:
        """Added, then removed, then changed fiches, each sorted by répertoire and number."""
        yield from self.added()
        yield from self.removed()
        yield from self.changed()

    def _only(self, side: int) -> Iterator[str]:
        query = (
            "SELECT a.number FROM fiches a WHERE a.side = ? AND NOT EXISTS "
            "(SELECT 1 FROM fiches b WHERE b.side = ? AND b.number = a.number) "
            "ORDER BY a.rep, a.num, a.number"
        )
        for (number,) in self._db.execute(query, (side, 1 - side)):
            yield number

    def added(self) -> Iterator[Change]:
        for number in self._only(1):
            yield Change("added", number)

    def removed(self) -> Iterator[Change]:
        for number in self._only(0):
            yield Change("removed", number)

    def changed(self) -> Iterator[Change]:
        query = (
            "SELECT a.number, a.digest, b.digest FROM fiches a JOIN fiches b "
            "ON b.side = 1 AND b.number = a.number "
            "WHERE a.side = 0 AND a.digest != b.digest ORDER BY a.rep, a.num, a.number"
        )
        for number, old, new in self._db.execute(query):
            yield Change("changed", number, tuple(changed_fields(old, new, self.fields)))

    def count(self) -> dict[str, int]:
        """How many fiches were added, removed, changed and left unchanged."""
        one = self._db.execute
        added = sum(1 for _ in self._only(1))
        removed = sum(1 for _ in self._only(0))
        common, changed = one(
            "SELECT COUNT(*), COALESCE(SUM(a.digest != b.digest), 0) FROM fiches a "
            "JOIN fiches b ON b.side = 1 AND b.number = a.number WHERE a.side = 0"
        ).fetchone()
        return {
            "added": added,
            "removed": removed,
            "changed": int(changed),
            "unchanged": int(common) - int(changed),
        }


def _sort_key(number: str) -> tuple[int, int]:
    digits = number.lstrip("RNCPS")
    return (0 if number.startswith("RNCP") else 1, int(digits) if digits.isdigit() else -1)


def _index(
    db: sqlite3.Connection,
    side: int,
    source: Source,
    format: str | None,
    where: Callable[[Certification], bool] | None,
    fields: tuple[str, ...],
    progress: Progress | None,
) -> Side:
    info = Side(display_name(source))
    seen: set[str] = set()
    batch: list[tuple[int, str, int, int, bytes]] = []
    insert = "INSERT INTO fiches VALUES (?, ?, ?, ?, ?)"
    for result in read_records(source, format, progress=progress):
        info.read += 1
        if isinstance(result, FicheError):
            info.rejected += 1
            info.errors.append(result)
            continue
        cert = result.certification
        if where is not None and not where(cert):
            info.filtered += 1
            continue
        if cert.number in seen:
            info.rejected += 1
            info.errors.append(
                FicheError(
                    "fiche listed twice: only its first occurrence is compared",
                    file=info.name,
                    line=result.line,
                    fiche=cert.number,
                )
            )
            continue
        seen.add(cert.number)
        info.compared += 1
        rep, num = _sort_key(cert.number)
        batch.append((side, cert.number, rep, num, fingerprint(cert, fields)))
        if len(batch) >= _BATCH:
            db.executemany(insert, batch)
            batch.clear()
    db.executemany(insert, batch)
    return info


_SCHEMA = (
    "CREATE TABLE fiches (side INTEGER, number TEXT, rep INTEGER, num INTEGER, "
    "digest BLOB, PRIMARY KEY (side, number)) WITHOUT ROWID"
)


def _connect(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(_SCHEMA)
    return db


def _index_file(
    side: int,
    source: Source,
    format: str | None,
    where: Callable[[Certification], bool] | None,
    fields: tuple[str, ...],
    path: str,
) -> Side:
    """Index one input into its own SQLite file (run in a worker process)."""
    db = _connect(path)
    try:
        info = _index(db, side, source, format, where, fields, None)
        db.commit()
        return info
    finally:
        db.close()


def _in_two_processes(
    old: Source, new: Source, where: Callable[[Certification], bool] | None, jobs: int | None
) -> bool:
    """Both inputs are files, there are two cores (or ``jobs=2``) and ``where`` pickles."""
    if jobs == 1 or (jobs is None and (os.cpu_count() or 1) < 2):
        return False
    if not all(isinstance(s, str | os.PathLike) and os.fspath(s) != "-" for s in (old, new)):
        return False
    try:
        pickle.dumps(where)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def _half(progress: Progress | None, side: int) -> Progress | None:
    """One progress bar over both files: each counts for half of it."""
    if progress is None:
        return None
    callback = progress

    def update(done: int, total: int | None) -> None:
        if total:
            callback(side * total + done, 2 * total)
        else:
            callback(done, None)

    return update


@contextlib.contextmanager
def compare(
    old: Source,
    new: Source,
    *,
    old_format: str | None = None,
    new_format: str | None = None,
    where: Callable[[Certification], bool] | None = None,
    ignore: Iterable[str] = (),
    progress: Progress | None = None,
    jobs: int | None = None,
) -> Iterator[DiffResult]:
    """Index both inputs on disk and yield the :class:`DiffResult` to query.

    ``ignore`` names model fields left out of the comparison (``objectives``…). Two files
    are read by two processes when the machine has two cores (``jobs=1`` forbids it;
    ``progress`` is then not called); the result is the same.
    """
    ignored = set(ignore)
    unknown = ignored - set(FIELDS)
    if unknown:
        raise UsageError(
            f"unknown field(s) {', '.join(sorted(unknown))} (fields: {', '.join(FIELDS)})"
        )
    fields = tuple(name for name in FIELDS if name not in ignored)
    with tempfile.TemporaryDirectory(prefix="rncpkit-diff-") as directory:
        db = _connect(os.path.join(directory, "index.sqlite"))
        try:
            if _in_two_processes(old, new, where, jobs):
                # Each input read and fingerprinted by its own process, then merged.
                paths = [os.path.join(directory, f"side{side}.sqlite") for side in (0, 1)]
                with ProcessPoolExecutor(2) as pool:
                    futures = [
                        pool.submit(_index_file, side, source, fmt, where, fields, paths[side])
                        for side, (source, fmt) in enumerate(((old, old_format), (new, new_format)))
                    ]
                    old_side, new_side = (future.result() for future in futures)
                for path in paths:
                    db.execute("ATTACH DATABASE ? AS side", (path,))
                    db.execute("INSERT INTO fiches SELECT * FROM side.fiches")
                    db.commit()
                    db.execute("DETACH DATABASE side")
            else:
                old_side = _index(db, 0, old, old_format, where, fields, _half(progress, 0))
                new_side = _index(db, 1, new, new_format, where, fields, _half(progress, 1))
            db.execute("CREATE INDEX by_order ON fiches (side, rep, num, number)")
            yield DiffResult(old_side, new_side, fields, db)
        finally:
            db.close()
