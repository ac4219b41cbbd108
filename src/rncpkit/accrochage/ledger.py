"""A ledger of declarations: what was sent to the Caisse des Dépôts, and what became of it.

One SQLite file (standard library) per certifier. Each passage written by a build is
recorded — ``idTechnique``, certification, award date, file, ``idFlux``, and a keyed digest
of its content (never a name, a birth date or a NIR in clear) — and each processing report
read with the ledger records every passage's outcome. The ledger lets a build refuse, before
writing anything, an award already declared (same content: a duplicate; other content: a
conflict), and rebuild the refused passages once corrected.

Statuses: ``sent`` (no report yet), ``accepted``, ``refused`` (with the portal's message),
``file_refused`` (the whole file was refused by the XSD). An accepted passage is never sent
again; a refused or never-answered one is, with ``--resend``.

One writer at a time: a build or a report holds SQLite's write lock from its first check to
its last record (``BEGIN IMMEDIATE``), so a second one stops at once with a clear message;
an interrupted run rolls back and leaves the ledger as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from rncpkit.accrochage.model import Passage
from rncpkit.accrochage.receipt import Outcome, ProcessingReport
from rncpkit.errors import InputError, RncpkitError

__all__ = [
    "ACCEPTED",
    "FILE_REFUSED",
    "REFUSED",
    "SENT",
    "Declared",
    "Ledger",
    "LedgerBusyError",
    "Recorded",
]

SCHEMA_VERSION = "1"
SENT, ACCEPTED, REFUSED, FILE_REFUSED = "sent", "accepted", "refused", "file_refused"
STATUSES = (SENT, ACCEPTED, REFUSED, FILE_REFUSED)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS passage (
    technical_id  TEXT PRIMARY KEY,   -- idTechnique
    certification TEXT NOT NULL,      -- certification/code
    awarded       TEXT NOT NULL,      -- dateDebutValidite (ISO)
    digest        TEXT NOT NULL,      -- keyed digest of the passage's content
    id_flux       TEXT NOT NULL,      -- idFlux of the file it was last sent in
    file          TEXT NOT NULL,      -- that file's name
    sent_at       TEXT NOT NULL,      -- when it was last written (UTC, ISO)
    sends         INTEGER NOT NULL DEFAULT 1,
    status        TEXT NOT NULL DEFAULT 'sent',
    reason        TEXT,               -- messageErreur, or the file's first error
    treatment_id  TEXT                -- idTraitement of the report that gave the status
);
CREATE INDEX IF NOT EXISTS passage_by_certification ON passage (certification, status);
CREATE INDEX IF NOT EXISTS passage_by_flux ON passage (id_flux);
CREATE TABLE IF NOT EXISTS treatment (
    id_flux TEXT, file TEXT, treatment_id TEXT, read_at TEXT NOT NULL,
    accepted INTEGER NOT NULL, refused INTEGER NOT NULL, file_refused INTEGER NOT NULL
);
"""


class LedgerBusyError(RncpkitError):
    """Another run is writing the ledger."""


@dataclass(frozen=True, slots=True)
class Declared:
    """What the ledger knows of one idTechnique."""

    technical_id: str
    status: str
    digest: str
    file: str
    sent_at: str
    reason: str | None


@dataclass
class StatusSummary:
    """Counts per certification and status, and the refusal reasons."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class Recorded:
    """What a report did to the ledger."""

    updated: int = 0
    """Passages whose status changed."""
    seen: int = 0
    """Passages the report lists."""


class Ledger:
    """An open ledger; use as a context manager (commit on success, roll back otherwise).

    ``write=True`` takes the write lock at once (``BEGIN IMMEDIATE``).
    """

    def __init__(self, path: str | os.PathLike[str], *, write: bool = False) -> None:
        self.path = os.fspath(path)
        if not write and not Path(self.path).is_file():
            raise InputError(
                "no ledger here (it is created by a build with --ledger)", file=self.path
            )
        try:
            self._db = sqlite3.connect(self.path, timeout=0.5, isolation_level=None)
        except sqlite3.Error as exc:
            raise InputError(f"cannot open the ledger: {exc}", file=self.path) from None
        self._write = write
        self._key: bytes | None = None
        self.recorded = 0
        """Passages recorded by this build."""
        self._outcomes: list[tuple[str, str | None, str | None, str]] = []
        self._recorded = Recorded()
        try:
            if write:
                self._db.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._check_version()
            else:
                self._db.execute("BEGIN")
                self._check_version()
        except sqlite3.OperationalError as exc:
            self._db.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise LedgerBusyError(
                    f"{self.path}: the ledger is being written by another rncpkit run (one "
                    "writer at a time): try again when it has finished / le registre est en "
                    "cours d'écriture par une autre exécution : réessayer quand elle sera finie"
                ) from None
            raise InputError(f"not a usable ledger: {exc}", file=self.path) from None
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise InputError(f"not a ledger (SQLite): {exc}", file=self.path) from None

    def _check_version(self) -> None:
        rows = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if not rows:
            if not self._write:
                raise InputError("an empty ledger", file=self.path)
            self._db.execute("INSERT INTO meta VALUES ('version', ?)", (SCHEMA_VERSION,))
            self._db.execute("INSERT INTO meta VALUES ('key', ?)", (secrets.token_hex(32),))
            rows = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if rows.get("version") != SCHEMA_VERSION:
            raise InputError(f"ledger version {rows.get('version')} unknown", file=self.path)
        self._key = bytes.fromhex(rows["key"])

    # ----------------------------------------------------------------- context

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if self._db.in_transaction:
                self._db.execute("COMMIT" if kind is None and self._write else "ROLLBACK")
        finally:
            self._db.close()

    def commit(self) -> None:
        """Make what was recorded durable now (a build commits right after renaming its
        files, and removes them if the commit fails)."""
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    # ----------------------------------------------------------------- build side

    def digest(self, passage: Passage) -> str:
        """A keyed digest of the passage's content: equal for the same declaration, and
        useless to guess a person's data from without the ledger's key."""
        assert self._key is not None
        data = passage.model_dump_json().encode()
        return hashlib.blake2b(data, key=self._key, digest_size=16).hexdigest()

    def lookup(self, technical_id: str) -> Declared | None:
        """What was declared under ``technical_id``, if anything."""
        row = self._db.execute(
            "SELECT status, digest, file, sent_at, reason FROM passage WHERE technical_id = ?",
            (technical_id,),
        ).fetchone()
        return None if row is None else Declared(technical_id, *row)

    def record_passages(self, entries: Iterable[tuple[str, ...]]) -> None:
        """Record passages just written: (idTechnique, certification, award date, digest,
        idFlux, file) each. A passage sent again keeps its history (``sends`` + 1, status
        back to ``sent``). Nothing is durable before :meth:`commit`."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        cursor = self._db.executemany(
            """
            INSERT INTO passage (technical_id, certification, awarded, digest, id_flux, file,
                                 sent_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (technical_id) DO UPDATE SET
                certification = excluded.certification, awarded = excluded.awarded,
                digest = excluded.digest, id_flux = excluded.id_flux, file = excluded.file,
                sent_at = excluded.sent_at, sends = sends + 1, status = 'sent',
                reason = NULL, treatment_id = NULL
            """,
            [(*entry, now) for entry in entries],
        )
        self.recorded += max(cursor.rowcount, 0)

    # ----------------------------------------------------------------- report side

    def record_outcome(self, outcome: Outcome, treatment_id: str | None = None) -> None:
        """One passage's outcome from a processing report (buffered; see
        :meth:`finish_report`). An accepted passage stays accepted."""
        status = ACCEPTED if outcome.accepted else REFUSED
        self._outcomes.append((status, outcome.message, treatment_id, outcome.technical_id))
        if len(self._outcomes) >= 5000:
            self._flush_outcomes()

    def _flush_outcomes(self) -> None:
        if not self._outcomes:
            return
        before = self._db.total_changes
        self._db.executemany(
            "UPDATE passage SET status = ?, reason = ?, treatment_id = ? "
            "WHERE technical_id = ? AND status != 'accepted'",
            self._outcomes,
        )
        self._recorded.updated += self._db.total_changes - before
        self._recorded.seen += len(self._outcomes)
        self._outcomes.clear()

    def finish_report(self, report: ProcessingReport) -> Recorded:
        """Record the end of a report: the refusal of the whole file when it was refused,
        the treatment number on the passages it answered, and the report itself."""
        self._flush_outcomes()
        done, self._recorded = self._recorded, Recorded()
        treatment = report.treatment_id
        if report.file_refused:
            first = report.errors[0].message if report.errors else "fichier refusé"
            if report.id_flux:
                where, key = "id_flux = ?", report.id_flux
            else:
                name = re.split(r"[\\/]", report.file_name or "")[-1]  # also C:\dir\name
                where, key = "file = ?", name
            cursor = self._db.execute(
                "UPDATE passage SET status = 'file_refused', reason = ?, treatment_id = ? "
                f"WHERE {where} AND status != 'accepted'",
                (first, treatment, key),
            )
            done.updated += cursor.rowcount
        self._db.execute(
            "INSERT INTO treatment VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                report.id_flux,
                report.file_name,
                treatment,
                dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                report.accepted,
                report.refused,
                report.error_count,
            ),
        )
        return done

    # ----------------------------------------------------------------- status

    def summary(self, certification: str | None = None) -> StatusSummary:
        """Counts per certification and status; refusal reasons counted."""
        where, args = ("WHERE certification = ?", (certification,)) if certification else ("", ())
        summary = StatusSummary()
        for code, status, count in self._db.execute(
            f"SELECT certification, status, count(*) FROM passage {where} "
            "GROUP BY certification, status ORDER BY certification, status",
            args,
        ):
            summary.counts.setdefault(code, dict.fromkeys(STATUSES, 0))[status] = count
        for code, reason, count in self._db.execute(
            f"SELECT certification, coalesce(reason, ''), count(*) FROM passage {where} "
            f"{'AND' if where else 'WHERE'} status IN ('refused', 'file_refused') "
            "GROUP BY certification, reason ORDER BY count(*) DESC",
            args,
        ):
            summary.reasons.setdefault(code, {})[reason] = count
        return summary
