"""Building a register from exports and applying newer exports to it.

Both stream the exports, one fiche at a time, through the formats' readers (the whole
record stream of :func:`rncpkit.read_records`, or the pieces of a format that can cut its
input: :mod:`.pieces`), and store each fiche's model JSON with a digest of it. An update
compares digests: an unchanged fiche costs one indexed lookup and nothing is written for it;
a changed fiche is compared field by field (:func:`rncpkit.diff.fingerprint`: one digest per
model field) and rewritten, the changed fields with their old and new values going to the
change feed.

Atomicity: a build writes a temporary file renamed over the target at the end; an update is
one SQLite transaction (WAL), so a failure or a ``kill -9`` halfway leaves the previous
register exactly as it was.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from pydantic_core import to_json

from rncpkit.api import Progress, read_records
from rncpkit.diff import FIELDS, changed_fields, fingerprint
from rncpkit.errors import FicheError, InputError, OutputFileError, RncpkitError, UsageError
from rncpkit.formats.base import Piece, UnusualLayout
from rncpkit.io import Source, display_name, output_error
from rncpkit.model import Certification
from rncpkit.register import pieces, store, writer
from rncpkit.register.schema import APPLICATION_ID, SCHEMA_VERSION, RegisterError, connect
from rncpkit.validation import export_date

BATCH = 200
"""Fiches written per batch (and per transaction while building: the build file is
private until renamed)."""
_NAMED_REPERTOIRE = re.compile(r"(?:^|[_\-])(rncp|rs)[_\-]v\d", re.IGNORECASE)


@dataclass
class UpdateSummary:
    """What a build or an update did. ``read == added + changed + unchanged + rejected``
    (+ fiches that came back unchanged after being absent, counted as added)."""

    as_of: dt.date
    repertoires: tuple[str, ...] = ()
    export_id: int = 0
    read: int = 0
    added: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RncpkitError] = field(default_factory=list)

    def line(self) -> str:
        """The summary line of a run."""
        return (
            f"export of {self.as_of.isoformat()} ({', '.join(self.repertoires) or 'no fiche'}): "
            f"{self.read} fiches read, {self.added} added, {self.removed} removed, "
            f"{self.changed} changed, {self.unchanged} unchanged, {self.rejected} rejected"
        )


def named_repertoire(name: str) -> str | None:
    """The répertoire an export's file name declares (``export_fiches_RS_V4_1_…`` → RS)."""
    match = _NAMED_REPERTOIRE.search(PurePath(name.split("!")[0]).name)
    return match.group(1).upper() if match else None


def export_day(sources: Iterable[Source], as_of: dt.date | None) -> dt.date | None:
    """``as_of``, else the date in the file names (all the same), else None."""
    if as_of is not None:
        return as_of
    days = {export_date(display_name(source)) for source in sources}
    if len(days) > 1:
        if None in days:
            raise UsageError("some export names carry a date and others do not: give --as-of")
        listed = ", ".join(sorted(d.isoformat() for d in days if d))
        raise UsageError(f"the exports are of different dates ({listed}): apply them one by one")
    return days.pop() if days else None


def _value_json(cert: Certification, name: str) -> str | None:
    value = getattr(cert, name)
    if value is None or value == [] or value == {}:
        return None
    return to_json(
        cert.__pydantic_serializer__.to_python(cert, include={name}, mode="json")[name]
    ).decode()


class _Applier:
    """One export applied inside the caller's transaction(s).

    A build only writes (through ``out``: the connection, or the writing process of a
    parallel build); an update also reads, so its ``out`` is the connection."""

    def __init__(self, out: writer.Statements, summary: UpdateSummary, kind: str) -> None:
        self.out = out
        self.summary = summary
        self.building = kind == "build"
        self.covered: set[str] = set()
        self.seen: set[str] = set()
        """Numbers read (a few bytes each: 30,000 fiches take about 3 MB)."""
        if self.building:  # a new file: its first export and fiche have the id 1
            self.export_id = 1
            next_fiche = 1
        else:
            self.db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS seen (number TEXT PRIMARY KEY) WITHOUT ROWID"
            )
            self.db.execute("DELETE FROM temp.seen")
            (last_export, last_fiche) = self.db.execute(
                "SELECT (SELECT coalesce(max(id), 0) FROM exports), "
                "(SELECT coalesce(max(id), 0) FROM fiches)"
            ).fetchone()
            self.export_id, next_fiche = int(last_export) + 1, int(last_fiche) + 1
        summary.export_id = self.export_id
        self.inserts = store.Inserts(out, next_fiche)
        out.execute(
            "INSERT INTO exports (id, kind, as_of, applied_at, repertoires, files, fiches, added, "
            "removed, changed, rejected) VALUES (?, ?, ?, ?, '', '[]', 0, 0, 0, 0, 0)",
            (
                self.export_id,
                kind,
                summary.as_of.isoformat(),
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            ),
        )

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, to read (an update)."""
        assert isinstance(self.out, sqlite3.Connection)
        return self.out

    def _see(self, number: str, file: str) -> None:
        if number in self.seen:
            raise InputError(
                "fiche given twice in the exports read together", file=file, fiche=number
            )
        self.seen.add(number)

    def _change(
        self,
        number: str,
        change: str,
        name: str | None = None,
        old: str | None = None,
        new: str | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO changes (export_id, as_of, number, change, field, old, new) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.export_id, self.summary.as_of.isoformat(), number, change, name, old, new),
        )

    def _count(self, number: str, file: str, declared: str | None) -> None:
        """Every fiche read: its répertoire checked and covered, its number seen once."""
        self.summary.read += 1
        repertoire = "RS" if number.startswith("RS") else "RNCP"
        if declared is not None and repertoire != declared:
            raise InputError(
                f"a {repertoire} fiche in an export of the {declared}: an export of another "
                "répertoire is mixed in",
                file=file,
                fiche=number,
            )
        self.covered.add(repertoire)
        self._see(number, file)

    def same_bytes(self, number: str, raw_digest: bytes, file: str, declared: str | None) -> bool:
        """Whether a fiche of an XML flux has the very bytes stored (then it is counted
        unchanged, without being parsed)."""
        if self.building:
            return False
        row = self.db.execute(
            "SELECT raw_digest, present FROM fiches WHERE number = ?", (number,)
        ).fetchone()
        if row is None or row[0] != raw_digest or not row[1]:
            return False
        self._count(number, file, declared)
        self.summary.unchanged += 1
        return True

    def new_rows(self, rows: store.Rows, file: str, declared: str | None) -> None:
        """A fiche of a build, read (possibly by a worker process) into its rows."""
        self._count(rows.number, file, declared)
        self.inserts.add_rows(rows, self.export_id)
        self.summary.added += 1

    def fiche(
        self, cert: Certification, file: str, declared: str | None, raw_digest: bytes | None = None
    ) -> None:
        summary = self.summary
        self._count(cert.number, file, declared)
        fiche = store.Prepared.of(cert, raw_digest)
        row = None
        if not self.building:
            row = self.db.execute(
                "SELECT id, digest, present FROM fiches WHERE number = ?", (cert.number,)
            ).fetchone()
        if row is None:
            self.inserts.add(fiche, self.export_id)
            if not self.building:
                self._change(cert.number, "added")
            summary.added += 1
            return
        fiche_id, old_digest, present = row
        if not present:
            self._change(cert.number, "added")
            summary.added += 1
            self.db.execute(
                "UPDATE fiches SET present = 1, removed_export = NULL WHERE id = ?", (fiche_id,)
            )
        if old_digest == fiche.digest:
            summary.unchanged += bool(present)
            self.db.execute("UPDATE fiches SET raw_digest = ? WHERE id = ?", (raw_digest, fiche_id))
            return
        (old_data,) = self.db.execute(
            "SELECT data FROM fiche_json WHERE fiche_id = ?", (fiche_id,)
        ).fetchone()
        if old_data.encode() == fiche.data:  # the same JSON, digested otherwise (older rncpkit)
            summary.unchanged += bool(present)
            self.db.execute(
                "UPDATE fiches SET digest = ?, raw_digest = ? WHERE id = ?",
                (fiche.digest, raw_digest, fiche_id),
            )
            return
        old = store.load(old_data)
        names = changed_fields(fingerprint(old), fingerprint(cert))
        for name in names:
            self._change(
                cert.number, "changed", name, _value_json(old, name), _value_json(cert, name)
            )
        self.inserts.replace(fiche_id, fiche, self.export_id)
        if present:
            if names:
                summary.changed += 1
            else:  # same content, serialised differently (e.g. access routes reordered)
                summary.unchanged += 1

    def rejected(self, error: FicheError) -> None:
        """An invalid fiche: reported, and its stored version (if any) left as it was."""
        self.summary.read += 1
        self.summary.rejected += 1
        self.summary.errors.append(error)
        number = (error.fiche or "").upper()
        if re.fullmatch(r"(RNCP|RS)\d+", number):
            self.covered.add("RS" if number.startswith("RS") else "RNCP")
            with contextlib.suppress(InputError):
                self._see(number, error.file or "")

    def finish(self, files: list[str], declared: set[str]) -> None:
        """Mark the fiches of the covered répertoires not seen as removed; close the export."""
        self.inserts.flush()
        covered = sorted(self.covered | declared)
        summary = self.summary
        summary.repertoires = tuple(covered)
        if self.building:
            self.out.execute(
                "INSERT INTO changes (export_id, as_of, number, change) "
                "SELECT ?, ?, number, 'added' FROM fiches ORDER BY id",
                (self.export_id, summary.as_of.isoformat()),
            )
        elif covered:
            self.db.executemany("INSERT INTO temp.seen VALUES (?)", ((n,) for n in self.seen))
            marks = ", ".join("?" * len(covered))
            gone = self.db.execute(
                f"SELECT id, number FROM fiches WHERE present = 1 AND repertoire IN ({marks}) "
                "AND number NOT IN (SELECT number FROM temp.seen) ORDER BY id",
                covered,
            ).fetchall()
            for fiche_id, number in gone:
                self.db.execute(
                    "UPDATE fiches SET present = 0, removed_export = ? WHERE id = ?",
                    (self.export_id, fiche_id),
                )
                self._change(number, "removed")
            summary.removed = len(gone)
        self.out.execute(
            "UPDATE exports SET repertoires = ?, files = ?, fiches = ?, added = ?, removed = ?, "
            "changed = ?, rejected = ? WHERE id = ?",
            (
                ",".join(covered),
                json.dumps(files, ensure_ascii=False),
                summary.read,
                summary.added,
                summary.removed,
                summary.changed,
                summary.rejected,
                self.export_id,
            ),
        )
        if not self.building:
            self.db.execute("DELETE FROM temp.seen")


def _read_pieces(
    split: pieces.Split_,
    applier: _Applier,
    name: str,
    declared: str | None,
    step: Callable[[], None],
    progress: Progress | None,
    readers: int,
) -> None:
    """Apply an input its format cut into pieces: a piece with the very bytes stored is
    counted unchanged; the others are read in batches by the format. A build reads them
    into rows (:func:`pieces.prepare`), with ``readers`` > 0 in that many worker processes
    while this one cuts and hands the rows over. Cut at the byte level (``split.quick``),
    the flux is parsed once: when its pieces are read."""
    batch: list[tuple[Piece, bytes]] = []
    pending: collections.deque[Future[list[store.Rows | FicheError]]] = collections.deque()
    with contextlib.ExitStack() as stack:
        pool = (
            stack.enter_context(ProcessPoolExecutor(max_workers=readers))
            if applier.building and readers > 0
            else None
        )

        def apply_rows(results: list[store.Rows | FicheError]) -> None:
            for result in results:
                if isinstance(result, FicheError):
                    applier.rejected(result)
                else:
                    applier.new_rows(result, name, declared)
                step()

        def read_batch() -> None:
            if pool is not None:
                pending.append(pool.submit(pieces.prepare, split.format_name, name, list(batch)))
                while len(pending) > 2 * (readers + 1):
                    apply_rows(pending.popleft().result())
            elif applier.building:
                apply_rows(pieces.prepare(split.format_name, name, batch))
            else:
                results = split.read([piece for piece, _ in batch])
                for (_piece, raw_digest), result in zip(batch, results, strict=True):
                    if isinstance(result, FicheError):
                        applier.rejected(result)
                    else:
                        applier.fiche(result.certification, name, declared, raw_digest)
                    step()
            batch.clear()

        for piece in split.pieces:
            raw_digest = split.digest(piece)
            found = None if applier.building else pieces.number(piece)
            if found is not None and applier.same_bytes(found, raw_digest, name, declared):
                step()
            else:
                batch.append((piece, raw_digest))
                if len(batch) == pieces.BATCH:
                    read_batch()
            if progress is not None:
                progress(split.opened.bytes_read, split.opened.size)
        if batch:
            read_batch()
        while pending:
            apply_rows(pending.popleft().result())


def _apply(
    db: writer.Statements,
    sources: list[Source],
    summary: UpdateSummary,
    kind: str,
    progress: Progress | None,
    commit_batches: bool,
    readers: int = 0,
    quick: bool = True,
    from_format: str | None = None,
) -> None:
    """Read every source into the register: through :mod:`.pieces` when its format can
    cut it into records (unchanged fiches are then not even read), else record by record.
    ``db`` is the connection, or (a build) the process that writes the file."""
    applier = _Applier(db, summary, kind)
    files: list[str] = []
    declared_all: set[str] = set()
    count = 0

    def step() -> None:
        nonlocal count
        count += 1
        if count % BATCH == 0:
            applier.inserts.flush()
            if commit_batches:
                db.execute("COMMIT")
                db.execute("BEGIN")

    for source in sources:
        name = display_name(source)
        files.append(name)
        declared = named_repertoire(name)
        if declared:
            declared_all.add(declared)
        with pieces.split_input(source, quick, from_format) as split:
            if split is not None:
                _read_pieces(split, applier, name, declared, step, progress, readers)
                continue
        for result in read_records(source, from_format=from_format, progress=progress):
            if isinstance(result, FicheError):
                applier.rejected(result)
            else:
                applier.fiche(result.certification, name, declared)
            step()
    applier.finish(files, declared_all)


def build(
    target: str | os.PathLike[str],
    sources: Iterable[Source],
    *,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
    from_format: str | None = None,
) -> UpdateSummary:
    """Build a new register at ``target`` from ``sources`` (replacing any file there, only
    once the build has succeeded); the register is the same whatever ``jobs``.

    ``jobs`` is the number of processes: 1 reads and writes in this one; 2 (the default
    when the machine has two cores or more) reads here while a second process writes the
    file (:mod:`.writer`), so the two stages overlap; more adds ``jobs - 2`` processes that
    read the fiches of an input its format can cut (the XML flux) for this one."""
    sources = list(sources)
    if not sources:
        raise UsageError("give at least one export")
    day = export_day(sources, as_of) or dt.date.today()
    if jobs is None:
        jobs = default_jobs()
    return _build(Path(target), sources, day, progress, max(1, jobs), from_format)


def default_jobs() -> int:
    """A build's processes by default: two (one reads, one writes) when this process may
    run on two cores or more."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 if (cores or 1) >= 2 else 1


def _build(
    path: Path,
    sources: list[Source],
    day: dt.date,
    progress: Progress | None,
    jobs: int,
    from_format: str | None,
) -> UpdateSummary:
    """Build with the exports cut at the byte level; again with the parser's cut if one of
    them has a layout the byte-level cut does not handle (the first file was private)."""
    try:
        return _build_once(path, sources, day, progress, jobs, True, from_format)
    except UnusualLayout:
        return _build_once(path, sources, day, progress, jobs, False, from_format)


BUILD_PRAGMAS = (
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "PRAGMA cache_size = -16000",
)
"""The build's file is private until renamed: no journal, no sync."""


def _build_once(
    path: Path,
    sources: list[Source],
    day: dt.date,
    progress: Progress | None,
    jobs: int,
    quick: bool,
    from_format: str | None,
) -> UpdateSummary:
    summary = UpdateSummary(as_of=day)
    try:  # a missing directory is refused as by every other output (a typo makes none)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise output_error(exc, os.fspath(path)) from None
    os.close(fd)
    out: writer.Writer | None = None
    try:
        tables, indexes = store.ddl_tables_then_indexes()
        db = sqlite3.connect(temporary, isolation_level=None)
        try:
            target: writer.Statements = db
            if jobs >= 2 and writer.available():
                db.close()  # the writing process's connection is the only one
                target = out = writer.Writer(temporary, os.fspath(path))
            for pragma in BUILD_PRAGMAS:
                target.execute(pragma)
            target.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            target.executescript(tables)
            target.execute(
                "INSERT INTO meta VALUES ('created_by', ?), ('created_at', ?)",
                (_version(), dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
            )
            readers = jobs - 2 if out is not None else 0
            _load(target, indexes, sources, summary, progress, readers, quick, from_format)
            if out is not None:
                out.close()
        except sqlite3.Error as exc:
            raise OutputFileError(
                f"cannot write the register: {type(exc).__name__}: {exc}", path=os.fspath(path)
            ) from None
        finally:
            db.close()
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{path}{suffix}")
    except BaseException:
        if out is not None:
            out.abort()  # before the file is removed: nothing writes it any more
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(temporary + suffix)
        raise
    return summary


def _load(
    db: writer.Statements,
    indexes: str,
    sources: list[Source],
    summary: UpdateSummary,
    progress: Progress | None,
    readers: int,
    quick: bool,
    from_format: str | None,
) -> None:
    """The fiches into a new register, then its indexes (one sort each, once the rows are
    in) and its final settings."""
    db.execute("BEGIN")
    _apply(db, sources, summary, "build", progress, True, readers, quick, from_format)
    db.execute("COMMIT")
    db.executescript(indexes)
    db.execute("INSERT INTO fiche_text (fiche_text) VALUES ('optimize')")
    db.execute("PRAGMA optimize")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.execute("PRAGMA journal_mode = WAL")


def update(
    path: str | os.PathLike[str],
    sources: Iterable[Source],
    *,
    as_of: dt.date | None = None,
    force: bool = False,
    progress: Progress | None = None,
    from_format: str | None = None,
) -> UpdateSummary:
    """Apply newer exports to the register at ``path`` in one transaction."""
    sources = list(sources)
    if not sources:
        raise UsageError("give at least one export")
    day = export_day(sources, as_of)
    if day is None:
        raise UsageError("the export names carry no date (…_2026-08-16.xml): give --as-of")
    connection = connect(path, write=True)
    try:
        return _update(connection, sources, day, force, progress, os.fspath(path), from_format)
    finally:
        connection.close()


def _update(
    db: sqlite3.Connection,
    sources: list[Source],
    day: dt.date,
    force: bool,
    progress: Progress | None,
    name: str,
    from_format: str | None,
) -> UpdateSummary:
    for quick in (True, False):  # again with the parser's cut for an unusual layout
        summary = UpdateSummary(as_of=day)
        db.execute("BEGIN IMMEDIATE")
        try:
            last = _last_applied(db)
            declared = {r for s in sources if (r := named_repertoire(display_name(s)))}
            _refuse_older(last, day, declared, force, name)
            _apply(db, sources, summary, "update", progress, False, 0, quick, from_format)
            _refuse_older(last, day, set(summary.repertoires), force, name)
            db.execute("COMMIT")
        except UnusualLayout:
            db.execute("ROLLBACK")
            if not quick:
                raise
            continue
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return summary
    raise AssertionError("unreachable")


def _last_applied(db: sqlite3.Connection) -> dict[str, str]:
    """The date of the newest export applied, per répertoire."""
    last: dict[str, str] = {}
    for repertoires, as_of in db.execute("SELECT repertoires, as_of FROM exports"):
        for repertoire in filter(None, repertoires.split(",")):
            last[repertoire] = max(last.get(repertoire, as_of), as_of)
    return last


def _refuse_older(
    last: dict[str, str], day: dt.date, repertoires: set[str], force: bool, name: str
) -> None:
    if force:
        return
    for repertoire in sorted(repertoires):
        newest = last.get(repertoire)
        if newest is not None and day.isoformat() < newest:
            raise RegisterError(
                f"this {repertoire} export is of {day.isoformat()}, older than the last one "
                f"applied ({newest}); use --force to apply it all the same",
                file=name,
            )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _version() -> str:
    from rncpkit import __version__

    return f"rncpkit {__version__}"


__all__ = ["FIELDS", "UpdateSummary", "build", "named_repertoire", "update"]
