"""How one fiche is stored: its row, its child rows and its full-text entry, each declared once.

:data:`CHILDREN` is the table of the normalised child tables: their columns, how each row is
drawn from a :class:`~rncpkit.model.Certification`, and their indexes. The DDL, the inserts,
the deletes and docs/register.md's schema all come from it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from rncpkit.model import Certification
from rncpkit.register.schema import FTS_COLUMNS, TABLES
from rncpkit.register.writer import Statements

__all__ = [
    "DATA_BY_NUMBER",
    "Inserts",
    "Prepared",
    "Rows",
    "ddl",
    "ddl_tables_then_indexes",
    "facet",
    "iter_fiches",
    "load",
]


@dataclass(frozen=True)
class Child:
    """A child table: one row per item of the fiche, keyed by (fiche_id, position).

    Its rows are drawn by SQLite from the stored JSON (``select``), in the process that
    writes the file: no Python object per row is made, nor crosses between processes."""

    name: str
    columns: tuple[tuple[str, str], ...]
    """(column, comment: the France Compétences element it carries)."""
    fields: tuple[str, ...]
    """The fiche's fields (top-level keys of its JSON) the rows come from."""
    select: str
    """``fiche_id, position, *columns`` from :data:`PARTS` (the fiches being stored)."""
    indexes: tuple[str, ...] = ()

    def ddl(self) -> str:
        cols = "".join(f"    {col} TEXT,  -- {comment}\n" for col, comment in self.columns)
        out = [
            f"CREATE TABLE {self.name} (\n    fiche_id INTEGER NOT NULL REFERENCES fiches(id),\n"
            f"    position INTEGER NOT NULL,\n{cols}    PRIMARY KEY (fiche_id, position)\n"
            ") WITHOUT ROWID;"
        ]
        out += [f"CREATE INDEX {self.name}_{col} ON {self.name} ({col});" for col in self.indexes]
        return "\n".join(out)

    @property
    def insert(self) -> str:
        return f"INSERT INTO {self.name} {self.select}"


def _value(enum: StrEnum | None) -> str | None:
    """One of the model's codes as stored: its text, a plain ``str`` (a member would be
    pickled as a reference to rncpkit's model, which the writing process does not load)."""
    return None if enum is None else enum.value


PARTS = (
    "CREATE TEMP TABLE IF NOT EXISTS parts (key TEXT, fiche_id INTEGER, value)",
    "CREATE INDEX IF NOT EXISTS temp.parts_key ON parts (key, fiche_id)",
)
"""The top-level fields of the fiches being stored (a batch of new ones, or one being
rewritten): each fiche's JSON is parsed once, by :data:`PARTS_FILL`, and its child rows and
texts are drawn from these parts (a list or an object is a small JSON text of its own)."""
PARTS_CLEAR = "DELETE FROM temp.parts"


def _each(field: str, *values: str) -> str:
    """One row per item of the list ``field`` (its index is the position); the ``values``
    are SQL over ``e.value`` (the item)."""
    return (
        f"SELECT p.fiche_id, e.key, {', '.join(values)} "
        f"FROM temp.parts p, json_each(p.value) e WHERE p.key = '{field}'"
    )


CHILDREN: tuple[Child, ...] = (
    Child(
        "certifiers",
        (
            ("siret", "SIRET_CERTIFICATEUR"),
            ("siren", "first 9 digits of the SIRET"),
            ("name", "NOM_CERTIFICATEUR"),
            ("state", "ETAT_CERTIFICATEUR: Actif | Inactif"),
        ),
        ("certifiers",),
        _each(
            "certifiers",
            "e.value ->> 'siret'",
            "substr(e.value ->> 'siret', 1, 9)",
            "e.value ->> 'name'",
            "e.value ->> 'state'",
        ),
        ("siret", "siren"),
    ),
    Child(
        "partners",
        (
            ("siret", "SIRET_PARTENAIRE"),
            ("siren", "first 9 digits of the SIRET"),
            ("name", "NOM_PARTENAIRE"),
            ("habilitation", "HABILITATION_PARTENAIRE: HABILITATION_FORMER | _ORGA_FORM | …"),
            ("state", "ETAT_HABILITATION: Actif | Inactif | Supprimé"),
        ),
        ("partners",),
        _each(
            "partners",
            "e.value ->> 'siret'",
            "substr(e.value ->> 'siret', 1, 9)",
            "e.value ->> 'name'",
            "e.value ->> 'habilitation'",
            "e.value ->> 'habilitation_state'",
        ),
        ("siret", "siren"),
    ),
    Child(
        "rome",
        (("code", "CODES_ROME/ROME/CODE"),),
        ("rome",),
        _each("rome", "e.value ->> 'code'"),
        ("code",),
    ),
    Child(
        "nsf",
        (("code", "CODES_NSF/NSF/CODE"),),
        ("nsf",),
        _each("nsf", "e.value ->> 'code'"),
        ("code",),
    ),
    Child(
        "formacodes",
        (("code", "FORMACODES/FORMACODE/CODE"),),
        ("formacodes",),
        _each("formacodes", "e.value ->> 'code'"),
        ("code",),
    ),
    Child(
        "blocks",
        (("code", "BLOC_COMPETENCES/CODE"), ("label", "BLOC_COMPETENCES/LIBELLE")),
        ("blocks",),
        _each("blocks", "e.value ->> 'code'", "e.value ->> 'label'"),
    ),
    Child(
        "links",
        (
            (
                "relation",
                "successor (NOUVELLE_CERTIFICATION) | predecessor (ANCIENNE_CERTIFICATION)",
            ),
            ("target", "the other fiche's number"),
        ),
        ("successors", "predecessors"),
        # the successors, then the predecessors (numbered after them)
        "SELECT p.fiche_id, row_number() OVER (PARTITION BY p.fiche_id "
        "ORDER BY p.key = 'predecessors', e.key) - 1, "
        "CASE p.key WHEN 'successors' THEN 'successor' ELSE 'predecessor' END, e.value "
        "FROM temp.parts p, json_each(p.value) e WHERE p.key IN ('successors', 'predecessors')",
        ("target",),
    ),
    Child(
        "routes",
        (
            ("code", "SI_JURY_FI … SI_JURY_VAE: FI, CA, FC, CQ, CL, VAE"),
            ("open", "ACTIF: 1 open, 0 closed"),
        ),
        ("access_routes",),
        # an object: its keys in the fiche's order
        "SELECT p.fiche_id, row_number() OVER (PARTITION BY p.fiche_id ORDER BY e.id) - 1, "
        "e.key, e.value ->> 'open' FROM temp.parts p, json_each(p.value) e "
        "WHERE p.key = 'access_routes'",
    ),
)


def ddl() -> str:
    """The whole schema."""
    return TABLES + "\n".join(child.ddl() for child in CHILDREN) + "\n"


def ddl_tables_then_indexes() -> tuple[str, str]:
    """:func:`ddl` in two parts: a build creates the indexes once the fiches are in (one
    sort per index instead of as many scattered B-tree inserts as rows)."""
    lines = ddl().splitlines(keepends=True)
    index = [line.startswith("CREATE INDEX") for line in lines]
    return (
        "".join(line for line, is_index in zip(lines, index, strict=True) if not is_index),
        "".join(line for line, is_index in zip(lines, index, strict=True) if is_index),
    )


def facet(kind: str, value: str) -> str:
    """The facet word of one filter value (as :data:`FACETS` writes it)."""
    return f"zz{kind}{value}".lower()


def _part(key: str, value: str = "p.value") -> str:
    """SQL: ``value`` from the part ``key`` of the fiche ``j.fiche_id``, else ``''``."""
    return (
        f"coalesce((SELECT {value} FROM temp.parts p "
        f"WHERE p.key = '{key}' AND p.fiche_id = j.fiche_id), '')"
    )


FTS_TEXTS = (
    "coalesce(j.data ->> 'title', '')",
    "coalesce((j.data ->> '$.abbreviation.code') || ' ' "
    "|| coalesce(j.data ->> '$.abbreviation.label', ''), '')",
    "coalesce(j.data ->> 'activities', '')",
    "coalesce(j.data ->> 'attested_skills', '')",
    "coalesce(j.data ->> 'job_types', '')",
    _part(
        "blocks",
        "(SELECT group_concat((b.value ->> 'label') || ' ' || "
        "coalesce(b.value ->> 'competences', ''), ' ') FROM json_each(p.value) b)",
    ),
)
"""The texts of :data:`FTS_COLUMNS` but the facets, in SQL: the title, the abbreviation's
code and label, the activities, skills and job types (from the JSON ``j.data``, which
SQLite parses once for the five), each block's label and competences (from
:data:`PARTS`)."""
assert len(FTS_TEXTS) + 1 == len(FTS_COLUMNS)


def _words(field: str, word: str, condition: str = "") -> str:
    """SQL: `` word…`` for each item ``e`` of the list ``field`` of the fiche (or ``''``)."""
    return (
        f"coalesce((SELECT ' ' || group_concat({word}, ' ') FROM temp.parts p, "
        f"json_each(p.value) e WHERE p.key = '{field}' AND p.fiche_id = j.fiche_id{condition}), '')"
    )


FACET_FIELDS = ("rome", "nsf", "formacodes", "certifiers")
FACETS = (
    "lower((SELECT 'zzr' || f.repertoire || coalesce(' zzl' || f.level, '') "
    "|| coalesce(' zza' || f.active, '') FROM fiches f WHERE f.id = j.fiche_id) || "
    + " || ".join(
        [
            _words("rome", "'zzrome' || (e.value ->> 'code')"),
            _words("nsf", "'zznsf' || (e.value ->> 'code')"),
            "coalesce((SELECT ' ' || group_concat('zznsf' || x, ' ') FROM (SELECT DISTINCT "
            "substr(e.value ->> 'code', 1, 3) AS x FROM temp.parts p, json_each(p.value) e "
            "WHERE p.key = 'nsf' AND p.fiche_id = j.fiche_id AND length(e.value ->> 'code') > 3 "
            "ORDER BY x)), '')",
            _words("formacodes", "'zzfc' || (e.value ->> 'code')"),
            _words(
                "certifiers", "'zzsiret' || (e.value ->> 'siret')", " AND e.value ->> 'siret' <> ''"
            ),
        ]
    )
    + ")"
)
"""The last column of the index, ``facets``: a fiche's filter values as words (its
répertoire ``zzrrncp``, level ``zzlniv7``, ACTIF ``zza1``, ROME codes ``zzromek1206``, NSF
codes ``zznsf332n`` and, for a code with a letter, its three digits ``zznsf332``, Formacodes
``zzfc32135``, certifiers' SIRETs ``zzsiret…``), so that a search with filters intersects
short word lists inside FTS5 instead of ranking every fiche that has the words. In SQL over
:data:`PARTS` and the fiche's ``fiches`` row."""
FTS_FIELDS = ("blocks", *FACET_FIELDS)
"""The fields of :data:`PARTS` the full-text entry reads."""

_PART_FIELDS = sorted({*FTS_FIELDS, *(name for child in CHILDREN for name in child.fields)})
PARTS_FILL = (
    "INSERT INTO temp.parts SELECT t.key, j.fiche_id, t.value "
    "FROM fiche_json j, json_each(j.data) t WHERE j.fiche_id BETWEEN ? AND ? "
    f"AND t.key IN ({', '.join(repr(name) for name in _PART_FIELDS)})"
)
"""The fields the child rows and texts read, of the fiches ``?`` to ``?`` (everything else
of the JSON, e.g. the long texts not indexed, stays out of the parts)."""

_FTS_NAMES = ", ".join(name for name, _ in FTS_COLUMNS)
_FICHES = "(SELECT fiche_id, data FROM fiche_json WHERE fiche_id BETWEEN ? AND ?) j"
FTS_INSERT = (
    f"INSERT INTO fiche_text (rowid, {_FTS_NAMES}) "
    f"SELECT j.fiche_id, {', '.join(FTS_TEXTS)}, {FACETS} FROM {_FICHES}"
)
"""The full-text entries of the fiches ``?`` to ``?``: one statement for a batch (FTS5
writes what it holds at each statement that may be undone in part, so one per fiche would
write a segment each)."""
FTS_DELETE = (
    f"INSERT INTO fiche_text (fiche_text, rowid, {_FTS_NAMES}) "
    f"SELECT 'delete', j.fiche_id, {', '.join(FTS_TEXTS)}, {FACETS} FROM {_FICHES}"
)
"""Its removal (a contentless index is told the very texts indexed): before the JSON
changes."""


def fiche_values(
    cert: Certification, digest: bytes, raw_digest: bytes | None
) -> tuple[object, ...]:
    """The queried columns of ``fiches`` (everything but ids, presence and exports)."""
    start = cert.registration_start
    end = cert.registration_end
    return (
        cert.number,
        cert.repertoire.value,
        cert.title,
        _value(cert.level),
        None if cert.active is None else int(cert.active),
        _value(cert.state),
        start.isoformat() if start else None,
        end.isoformat() if end else None,
        digest,
        raw_digest,
    )


def digest_of(data: bytes) -> bytes:
    """The content digest of a stored fiche (its JSON, UTF-8): 16 bytes of SHA-256, which
    processors compute in hardware (half the time of BLAKE2b on the build's megabytes).
    A register whose digests were taken otherwise stays right: a fiche whose digest
    differs is compared field by field, and rewritten only if a field differs."""
    return hashlib.sha256(data).digest()[:16]


def dump(cert: Certification) -> tuple[bytes, bytes]:
    """A fiche's stored JSON (the model's, fields at their default left out) and its
    digest, serialised once: the digest is taken on the serialiser's own UTF-8 bytes,
    which are also what is stored (:data:`JSON_TEXT`: never decoded in Python)."""
    data = cert.__pydantic_serializer__.to_json(cert, exclude_defaults=True)
    return data, digest_of(data)


JSON_TEXT = "CAST(? AS TEXT)"
"""How the JSON's UTF-8 bytes are bound: stored as TEXT as they are (the file is UTF-8),
without decoding them to a Python string for the driver to encode again."""


@dataclass(frozen=True)
class Prepared:
    """A fiche ready to store: its JSON and digest, computed once."""

    cert: Certification
    data: bytes
    """The JSON, UTF-8."""
    digest: bytes
    raw_digest: bytes | None = None

    @classmethod
    def of(cls, cert: Certification, raw_digest: bytes | None = None) -> Prepared:
        return cls(cert, *dump(cert), raw_digest)


@dataclass(frozen=True)
class Rows:
    """A new fiche as what stores it, ids aside: its ``fiches`` row and its JSON (from
    which SQLite draws its child rows and texts). What a worker process of a parallel
    build hands the main one (plain values, cheap to pickle)."""

    number: str
    values: tuple[object, ...]
    """:func:`fiche_values`."""
    data: bytes
    """The JSON, UTF-8."""

    @classmethod
    def of(
        cls, cert: Certification, raw_digest: bytes | None, prepared: Prepared | None = None
    ) -> Rows:
        data, digest = dump(cert) if prepared is None else (prepared.data, prepared.digest)
        return cls(cert.number, fiche_values(cert, digest, raw_digest), data)


class Inserts:
    """New fiches gathered and written a batch at a time: their rows and JSON, then each
    child table and the full-text entries drawn from the JSON by one statement each."""

    def __init__(self, db: Statements, next_id: int) -> None:
        self.db = db
        self.next_id = next_id
        for statement in PARTS:
            db.execute(statement)
        self.fiches: list[tuple[object, ...]] = []
        self.data: list[tuple[int, bytes]] = []

    def add(self, fiche: Prepared, export_id: int) -> int:
        return self.add_rows(Rows.of(fiche.cert, fiche.raw_digest, fiche), export_id)

    def add_rows(self, rows: Rows, export_id: int) -> int:
        """Queue a new fiche's rows; its id."""
        fiche_id = self.next_id
        self.next_id += 1
        self.fiches.append((fiche_id, *rows.values, export_id, export_id))
        self.data.append((fiche_id, rows.data))
        return fiche_id

    def replace(self, fiche_id: int, new: Prepared, export_id: int) -> None:
        """Rewrite a stored fiche (children and text included), keeping its id."""
        values = fiche_values(new.cert, new.digest, new.raw_digest)
        self.db.execute(PARTS_FILL, (fiche_id, fiche_id))
        self.db.execute(FTS_DELETE, (fiche_id, fiche_id))
        self.db.execute(PARTS_CLEAR)
        for child in CHILDREN:
            self.db.execute(f"DELETE FROM {child.name} WHERE fiche_id = ?", (fiche_id,))
        self.db.execute(
            "UPDATE fiches SET number = ?, repertoire = ?, title = ?, level = ?, active = ?, "
            "state = ?, registration_start = ?, registration_end = ?, digest = ?, raw_digest = ?, "
            "present = 1, changed_export = ?, removed_export = NULL WHERE id = ?",
            (*values, export_id, fiche_id),
        )
        self.db.execute(
            f"UPDATE fiche_json SET data = {JSON_TEXT} WHERE fiche_id = ?", (new.data, fiche_id)
        )
        self._derived(fiche_id, fiche_id)

    def _derived(self, first: int, last: int) -> None:
        """The child rows and full-text entries of the stored fiches ``first`` to ``last``,
        drawn from their JSON parsed once."""
        self.db.execute(PARTS_FILL, (first, last))
        for child in CHILDREN:
            self.db.execute(child.insert)
        self.db.execute(FTS_INSERT, (first, last))
        self.db.execute(PARTS_CLEAR)

    def flush(self) -> None:
        if not self.fiches:
            return
        self.db.executemany(
            "INSERT INTO fiches (id, number, repertoire, title, level, active, state, "
            "registration_start, registration_end, digest, raw_digest, present, "
            "first_export, changed_export) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            self.fiches,
        )
        self.db.executemany(f"INSERT INTO fiche_json VALUES (?, {JSON_TEXT})", self.data)
        self._derived(self.data[0][0], self.data[-1][0])
        self.fiches.clear()
        self.data.clear()


def load(data: str) -> Certification:
    """A stored fiche back as the model."""
    return Certification.model_validate_json(data)


DATA_BY_NUMBER = (
    "SELECT j.data FROM fiches f JOIN fiche_json j ON j.fiche_id = f.id WHERE f.number = ?"
)
"""The stored JSON of one fiche, by number."""


def iter_fiches(
    db: sqlite3.Connection, where: str = "f.present = 1", params: tuple[object, ...] = ()
) -> Iterator[Certification]:
    """Stored fiches in the order they were first read, one at a time."""
    query = (
        "SELECT j.data FROM fiches f JOIN fiche_json j ON j.fiche_id = f.id "
        f"WHERE {where} ORDER BY f.id"
    )
    for (data,) in db.execute(query, params):
        yield load(data)
