"""What changed between two exports: fiches added, removed, and changed (which fields, from
which value to which).

Both inputs are streamed, in any readable format (and need not be the same one). Each fiche
is reduced to a fingerprint, an 8-byte digest per model field, kept with its compressed JSON
in a temporary SQLite file (the on-disk index), so memory does not grow with the export; the
comparison is then three indexed queries, sorted by répertoire and fiche number, and the old
and new values of a changed fiche are read back from the index only for that fiche.

Comparing two formats compares what both carry: a CSV export has no texts, so against an
XML flux every fiche would show ``objectives`` and the other texts as changed; pass those
fields in ``ignore``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import sqlite3
import struct
import tempfile
import zlib
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

__all__ = [
    "FIELDS",
    "Change",
    "DiffResult",
    "changed_fields",
    "compare",
    "fingerprint",
]

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
    return _fingerprint(cert.model_dump(include=set(fields)), fields)


def _fingerprint(data: dict[str, Any], fields: tuple[str, ...]) -> bytes:
    return _fingerprint_and_values(data, fields, keep=False)[0]


_PIECE = struct.Struct("<HcI")
"""A stored value: field index, kind (``s`` text, ``j`` JSON, ``d`` JSON of a dict's
sorted items), length of the bytes that follow."""


def _fingerprint_and_values(
    data: dict[str, Any], fields: tuple[str, ...], *, keep: bool = True
) -> tuple[bytes, bytes | None]:
    """The fingerprint, and (with ``keep``) the fields' values packed from the very bytes
    it hashed (no second serialisation), compressed: what the old → new lines are read
    back from."""
    parts: list[bytes] = []
    pieces: list[bytes] = []
    for index, name in enumerate(fields):
        value = data.get(name)
        if value is None or value == [] or value == {}:
            parts.append(_EMPTY)
            continue
        if isinstance(value, str):
            raw, kind = value.encode("utf-8", "surrogatepass"), b"s"
        elif isinstance(value, dict):
            raw, kind = to_json(sorted(value.items())), b"d"
        else:
            raw, kind = to_json(value), b"j"
        parts.append(hashlib.blake2b(raw, digest_size=_SIZE).digest())
        if keep:
            pieces += (_PIECE.pack(index, kind, len(raw)), raw)
    return b"".join(parts), zlib.compress(b"".join(pieces), 1) if keep else None


def _unpack_values(stored: bytes, fields: tuple[str, ...]) -> dict[str, Any]:
    data = zlib.decompress(stored)
    values: dict[str, Any] = {}
    at = 0
    while at < len(data):
        index, kind, size = _PIECE.unpack_from(data, at)
        at += _PIECE.size
        raw = data[at : at + size]
        at += size
        if kind == b"s":
            values[fields[index]] = raw.decode("utf-8", "surrogatepass")
        elif kind == b"d":
            values[fields[index]] = dict(json.loads(raw))
        else:
            values[fields[index]] = json.loads(raw)
    return values


def changed_fields(old: bytes, new: bytes, fields: tuple[str, ...] = FIELDS) -> list[str]:
    """The names of the fields whose digests differ."""
    return [
        name
        for index, name in enumerate(fields)
        if old[index * _SIZE : (index + 1) * _SIZE] != new[index * _SIZE : (index + 1) * _SIZE]
    ]


SHOWN = 70
"""Characters of a value shown in text mode (JSON has the whole value)."""


CONTEXT = 20
"""Characters kept before the first difference of two long texts."""


def _one_line(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return " ".join(text.split())


def shorten(value: Any, width: int = SHOWN, start: int = 0) -> str:
    """A value on one line for people: a text quoted, a list or object as compact JSON,
    a long one cut to ``width`` characters from ``start`` (``'…ale et solidaire…'``) with
    its length."""
    if value is None or value == [] or value == {}:
        return "(absent)"
    text = _one_line(value)
    if len(text) > width or start:
        piece = text[start : start + width]
        text = (
            ("…" if start else "")
            + piece
            + ("…" if start + width < len(text) else "")
            + f" ({len(text)} characters)"
        )
    return repr(text) if isinstance(value, str) else text


def first_difference(old: Any, new: Any) -> int:
    """Where two values' one-line forms start to differ, less some context: long texts
    that share their beginning are shown from there, so that the change is visible."""
    if old is None or new is None:
        return 0
    a, b = _one_line(old), _one_line(new)
    common = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        common += 1
    return max(0, common - CONTEXT) if common > SHOWN - CONTEXT else 0


@dataclass(frozen=True)
class Change:
    """One difference: a fiche ``added`` or ``removed``, or ``changed`` in ``fields``;
    ``values`` gives, for each changed field, its old and new value (JSON form)."""

    kind: Literal["added", "removed", "changed"]
    number: str
    fields: tuple[str, ...] = ()
    values: dict[str, tuple[Any, Any]] = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change": self.kind, "number": self.number}
        if self.kind == "changed":
            out["fields"] = list(self.fields)
            out["values"] = {
                name: {"old": old, "new": new} for name, (old, new) in self.values.items()
            }
        return out

    def __str__(self) -> str:
        mark = {"added": "+", "removed": "-", "changed": "~"}[self.kind]
        suffix = f": {', '.join(self.fields)}" if self.fields else ""
        return f"{mark} {self.number}{suffix}"

    def details(self, width: int = SHOWN) -> list[str]:
        """One ``field: old → new`` line per changed field, values shortened."""
        lines = []
        for name, (old, new) in self.values.items():
            start = first_difference(old, new)
            lines.append(f"{name}: {shorten(old, width, start)} → {shorten(new, width, start)}")
        return lines


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
        """Changed fiches with the old and new value of each changed field."""
        query = (
            "SELECT a.number, a.digest, b.digest, "
            "(SELECT data FROM payload WHERE rowid = a.payload), "
            "(SELECT data FROM payload WHERE rowid = b.payload) FROM fiches a JOIN fiches b "
            "ON b.side = 1 AND b.number = a.number "
            "WHERE a.side = 0 AND a.digest != b.digest ORDER BY a.rep, a.num, a.number"
        )
        for number, old, new, old_data, new_data in self._db.execute(query):
            names = tuple(changed_fields(old, new, self.fields))
            if old_data is None or new_data is None:  # compare(values=False)
                yield Change("changed", number, names)
                continue
            before = _unpack_values(old_data, self.fields)
            after = _unpack_values(new_data, self.fields)
            values = {name: (before.get(name), after.get(name)) for name in names}
            yield Change("changed", number, names, values)

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
    values: bool = True,
) -> Side:
    info = Side(display_name(source))
    seen: set[str] = set()
    batch: list[tuple[int, str, int, int, bytes, bytes | None]] = []
    # the values live apart (a rowid table): the comparison queries never read them
    include = set(fields)
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
        # the values are kept (compressed) for the old → new lines of the changed fiches
        data = cert.model_dump(include=include)
        if values:
            digest, stored = _fingerprint_and_values(data, fields)
        else:
            digest, stored = _fingerprint(data, fields), None
        batch.append((side, cert.number, rep, num, digest, stored))
        if len(batch) >= _BATCH:
            _insert(db, batch)
            batch.clear()
    _insert(db, batch)
    return info


def _insert(
    db: sqlite3.Connection, batch: list[tuple[int, str, int, int, bytes, bytes | None]]
) -> None:
    """Store a batch: values in ``payload``, the rest (with the payload's rowid, or NULL
    without values) in ``fiches``."""
    if batch and batch[0][5] is None:
        db.executemany("INSERT INTO fiches VALUES (?, ?, ?, ?, ?, NULL)", (r[:5] for r in batch))
        return
    first = db.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM payload").fetchone()[0]
    db.executemany("INSERT INTO payload (data) VALUES (?)", ((row[5],) for row in batch))
    db.executemany(
        "INSERT INTO fiches VALUES (?, ?, ?, ?, ?, ?)",
        ((*row[:5], first + offset) for offset, row in enumerate(batch)),
    )


_SCHEMA = (
    "CREATE TABLE fiches (side INTEGER, number TEXT, rep INTEGER, num INTEGER, "
    "digest BLOB, payload INTEGER, PRIMARY KEY (side, number)) WITHOUT ROWID",
    "CREATE TABLE payload (data BLOB)",
)


def _connect(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    for statement in _SCHEMA:
        db.execute(statement)
    return db


def _index_file(
    side: int,
    source: Source,
    format: str | None,
    where: Callable[[Certification], bool] | None,
    fields: tuple[str, ...],
    path: str,
    values: bool = True,
) -> Side:
    """Index one input into its own SQLite file (run in a worker process)."""
    db = _connect(path)
    try:
        info = _index(db, side, source, format, where, fields, None, values)
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
    values: bool = True,
) -> Iterator[DiffResult]:
    """Index both inputs on disk and yield the :class:`DiffResult` to query.

    ``ignore`` names model fields left out of the comparison (``objectives``…). Two files
    are read by two processes when the machine has two cores (``jobs=1`` forbids it;
    ``progress`` is then not called); the result is the same. ``values=False`` keeps only
    the fingerprints: changes then name their fields without old and new values (about a
    quarter faster, for very large comparisons where the names are enough).
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
                        pool.submit(
                            _index_file, side, source, fmt, where, fields, paths[side], values
                        )
                        for side, (source, fmt) in enumerate(((old, old_format), (new, new_format)))
                    ]
                    old_side, new_side = (future.result() for future in futures)
                for path in paths:
                    db.execute("ATTACH DATABASE ? AS side", (path,))
                    shift = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM payload").fetchone()[0]
                    db.execute(
                        "INSERT INTO payload (rowid, data) SELECT rowid + ?, data "
                        "FROM side.payload",
                        (shift,),
                    )
                    db.execute(
                        "INSERT INTO fiches SELECT side, number, rep, num, digest, payload + ? "
                        "FROM side.fiches",
                        (shift,),
                    )
                    db.commit()
                    db.execute("DETACH DATABASE side")
            else:
                old_side = _index(db, 0, old, old_format, where, fields, _half(progress, 0), values)
                new_side = _index(db, 1, new, new_format, where, fields, _half(progress, 1), values)
            db.execute("CREATE INDEX by_order ON fiches (side, rep, num, number)")
            yield DiffResult(old_side, new_side, fields, db)
        finally:
            db.close()
