"""The register's SQL schema, declared once: the DDL, its version, and how a file is opened.

A register is one SQLite file. ``fiches`` holds every fiche ever seen, its model JSON in
``data`` (what :meth:`Register.get` returns) and the columns that filters use; one small
table per repeated code (:data:`rncpkit.register.store.CHILDREN`) serves the queries; the
FTS5 table ``fiche_text`` indexes the texts; ``exports`` and ``changes`` are the history.

``PRAGMA application_id`` marks the file as a register and ``PRAGMA user_version`` is the
schema version: a register written by a newer rncpkit is refused with a clear message
rather than misread.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from rncpkit.errors import InputError

__all__ = [
    "APPLICATION_ID",
    "FTS_COLUMNS",
    "SCHEMA_VERSION",
    "SQLITE_HEADER",
    "TABLES",
    "RegisterError",
    "connect",
]

SCHEMA_VERSION = 1
"""Bumped whenever the tables change in a way older readers would misread."""
APPLICATION_ID = 0x524E4350
"""``RNCP`` in ASCII: what tells a register from any other SQLite file."""
SQLITE_HEADER = b"SQLite format 3\x00"
MMAP_BYTES = 256 * 1024 * 1024
"""Address space a connection may map (pages read in place rather than copied; the
memory stays the page cache's, shared by every process reading the file)."""
CACHE_KIB = -16_000
"""Page cache of a reading connection (negative: in KiB): the FTS index and ``fiches``
pages. A writing one keeps SQLite's default, so an update spills to the WAL early."""

TOKENIZER = "unicode61 remove_diacritics 2"
"""Case- and accent-insensitive words: ``economie`` finds ``économie``."""

FTS_COLUMNS: tuple[tuple[str, float], ...] = (
    ("title", 10.0),  # INTITULE
    ("abbreviation", 4.0),  # ABREGE code and label
    ("activities", 1.0),  # ACTIVITES_VISEES
    ("skills", 1.0),  # CAPACITES_ATTESTEES
    ("job_types", 2.0),  # TYPE_EMPLOI_ACCESSIBLES
    ("blocks", 1.5),  # BLOCS_COMPETENCES: LIBELLE and LISTE_COMPETENCES
    ("facets", 0.0),  # filter values as tokens (see rncpkit.register.store.facets)
)
"""Indexed columns with their bm25 weight (a word of the title counts most; the facets,
which only narrow a search, count for nothing)."""


TABLES = f"""
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE exports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,      -- build | update
    as_of       TEXT NOT NULL,      -- date of the export (ISO), from its name or --as-of
    applied_at  TEXT NOT NULL,      -- UTC time the export was applied
    repertoires TEXT NOT NULL,      -- répertoires the export covers: RNCP, RS or RNCP,RS
    files       TEXT NOT NULL,      -- JSON list of the file names
    fiches      INTEGER NOT NULL,   -- fiches read
    added       INTEGER NOT NULL,
    removed     INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    rejected    INTEGER NOT NULL    -- invalid fiches (left as they were)
);
CREATE TABLE fiches (
    id                 INTEGER PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,   -- NUMERO_FICHE
    repertoire         TEXT NOT NULL,          -- RNCP | RS
    title              TEXT NOT NULL,          -- INTITULE
    level              TEXT,                   -- NOMENCLATURE_EUROPE/NIVEAU
    active             INTEGER,                -- ACTIF (1/0)
    state              TEXT,                   -- ETAT_FICHE
    registration_start TEXT,                   -- DATE_DECISION or DATE_EFFET (ISO)
    registration_end   TEXT,                   -- DATE_FIN_ENREGISTREMENT (ISO)
    present            INTEGER NOT NULL,       -- 1 while in the last export of its répertoire
    first_export       INTEGER NOT NULL REFERENCES exports(id),
    changed_export     INTEGER NOT NULL REFERENCES exports(id),
    removed_export     INTEGER REFERENCES exports(id),  -- set while absent
    digest             BLOB NOT NULL,          -- digest of data
    raw_digest         BLOB                    -- digest of the FICHE bytes in an XML flux
);
CREATE TABLE fiche_json (
    fiche_id INTEGER PRIMARY KEY REFERENCES fiches(id),
    data     TEXT NOT NULL        -- the fiche: the model's JSON
);
CREATE INDEX fiches_repertoire ON fiches (repertoire, level);
CREATE INDEX fiches_end ON fiches (registration_end);
CREATE TABLE changes (
    id        INTEGER PRIMARY KEY,
    export_id INTEGER NOT NULL REFERENCES exports(id),
    as_of     TEXT NOT NULL,      -- the export's date
    number    TEXT NOT NULL,
    change    TEXT NOT NULL,      -- added | removed | changed
    field     TEXT,               -- model field (changed only)
    old       TEXT,               -- JSON of the field before
    new       TEXT                -- JSON of the field after
);
CREATE INDEX changes_as_of ON changes (as_of);
CREATE INDEX changes_number ON changes (number);
CREATE VIRTUAL TABLE fiche_text USING fts5 (
    {", ".join(name for name, _ in FTS_COLUMNS)},
    content='', tokenize='{TOKENIZER}'
);
"""
"""Everything but the child tables, whose DDL :mod:`rncpkit.register.store` derives."""


class RegisterError(InputError):
    """A file that cannot be used as a register (not one, newer schema, interrupted build)."""


def check(connection: sqlite3.Connection, name: str) -> None:
    """Refuse a file that is not a register, or one whose schema is newer than this code's."""
    try:
        (app,) = connection.execute("PRAGMA application_id").fetchone()
        (version,) = connection.execute("PRAGMA user_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise RegisterError(f"not a register (not an SQLite database: {exc})", file=name) from None
    if app != APPLICATION_ID:
        raise RegisterError(
            "not a register: an SQLite database that rncpkit register build did not make",
            file=name,
        )
    if version > SCHEMA_VERSION:
        raise RegisterError(
            f"this register has schema version {version}, made by a newer rncpkit; this "
            f"rncpkit reads up to version {SCHEMA_VERSION}: upgrade rncpkit",
            file=name,
        )
    if version < 1:
        raise RegisterError("not a complete register (its build did not finish)", file=name)


def connect(path: str | os.PathLike[str], *, write: bool = False) -> sqlite3.Connection:
    """Open an existing register, read-only unless ``write``; checked by :func:`check`.

    Readers and one writer may work at once: the file is in WAL mode, so readers keep
    seeing the last committed state while an update runs.
    """
    name = os.fspath(path)
    if not Path(name).is_file():
        raise RegisterError("no such register file", file=name)
    with open(name, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise RegisterError("not a register (not an SQLite database)", file=name)
    resolved = Path(name).resolve()
    # A reader opens the file read-write but query-only when it may: the last connection
    # to close then folds the WAL back and removes the -wal and -shm files, which a
    # ``mode=ro`` connection cannot do (a search would leave them beside the register).
    writable = os.access(resolved, os.W_OK) and os.access(resolved.parent, os.W_OK)
    uri = resolved.as_uri() + ("?mode=rw" if write or writable else "?mode=ro")
    connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        if not write:
            connection.execute("PRAGMA query_only = ON")
        check(connection, name)
        connection.execute("PRAGMA busy_timeout = 10000")
        if not write:  # queries read pages in place and keep the index pages they revisit
            connection.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            connection.execute(f"PRAGMA cache_size = {CACHE_KIB}")
        if write:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        connection.close()
        raise
    return connection
