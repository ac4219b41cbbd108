"""``rncpkit.Register``: the register file as a library object."""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, Literal

from rncpkit.api import Progress
from rncpkit.errors import UsageError
from rncpkit.filters import FicheFilter
from rncpkit.io import Source
from rncpkit.model import Certification
from rncpkit.model.numbers import fiche_number_candidates
from rncpkit.register import ingest, store
from rncpkit.register.results import (
    ChangeEntry,
    ExportEntry,
    Habilitation,
    HabilitationAnswer,
    Lineage,
    LineageEdge,
    LineageNode,
    SearchHit,
)
from rncpkit.register.schema import FTS_COLUMNS, connect

__all__ = [
    "RANKED",
    "Register",
    "normalise_siret",
    "number_candidates",
]

_WORD = re.compile(r"\w+")
_NSF = re.compile(r"^[0-9]{3}[a-zA-Z]?$")
"""An NSF code or specialty group, which the index holds as facet words."""
_BM25 = ", ".join(str(weight) for _, weight in FTS_COLUMNS)
RANKED = 64
"""Fiches ranked beyond ``4 × limit`` before the presence filter applies
(:meth:`Register._ranked`)."""
PRESENT = "f.present = 1"
MAX_LINEAGE = 500
"""Fiches a lineage graph may hold before it is cut (real chains hold a handful)."""


def number_candidates(text: str) -> tuple[str, ...]:
    """The fiche numbers a user means (:func:`rncpkit.model.numbers.fiche_number_candidates`),
    or () for text that is not a fiche number (a search query, say)."""
    try:
        return fiche_number_candidates(text)
    except ValueError:
        return ()


def normalise_siret(value: str) -> str:
    """A SIRET (14 digits) or SIREN (9 digits), spaces and TABs removed."""
    digits = "".join(value.split())
    if not (digits.isascii() and digits.isdigit() and len(digits) in (9, 14)):
        raise UsageError(f"{value!r} is not a SIRET (14 digits) or a SIREN (9 digits)")
    return digits


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _in_force(start: str | None, end: str | None, present: int, on: dt.date) -> bool:
    """:meth:`Certification.in_force_on` on the stored columns, for a fiche still exported."""
    day = on.isoformat()
    return bool(present) and end is not None and day <= end and (start is None or day >= start)


class Register:
    """A register file: build it with :meth:`build`, open it with ``Register(path)``.

    Opened read-only by default (any number of processes may read while one updates);
    ``write=True`` is only needed by :meth:`update`, which opens its own connection anyway.
    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._db: sqlite3.Connection = connect(self.path)

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def build(
        cls,
        path: str | os.PathLike[str],
        sources: Iterable[Source],
        *,
        as_of: dt.date | None = None,
        progress: Progress | None = None,
        jobs: int | None = None,
        from_format: str | None = None,
    ) -> ingest.UpdateSummary:
        """Build a register at ``path`` from exports (any format rncpkit reads); ``jobs``
        processes (default: one reading and one writing when there are two cores; 1: this
        one only; see :func:`rncpkit.register.ingest.build`); ``from_format`` names the
        exports' format when it cannot be detected (a stream)."""
        return ingest.build(
            path, sources, as_of=as_of, progress=progress, jobs=jobs, from_format=from_format
        )

    def update(
        self,
        sources: Iterable[Source],
        *,
        as_of: dt.date | None = None,
        force: bool = False,
        progress: Progress | None = None,
        from_format: str | None = None,
    ) -> ingest.UpdateSummary:
        """Apply newer exports: one transaction, recorded in the change feed."""
        return ingest.update(
            self.path,
            sources,
            as_of=as_of,
            force=force,
            progress=progress,
            from_format=from_format,
        )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ fiches

    def resolve(self, number: str) -> str | None:
        """The stored fiche number ``number`` means (``35080`` → ``RNCP35080``), if any."""
        for candidate in number_candidates(number):
            if self._db.execute("SELECT 1 FROM fiches WHERE number = ?", (candidate,)).fetchone():
                return candidate
        return None

    def get(self, number: str) -> Certification | None:
        """The fiche as last read (also when it has since left the exports), or None."""
        for candidate in number_candidates(number):
            row = self._db.execute(store.DATA_BY_NUMBER, (candidate,)).fetchone()
            if row is not None:
                return store.load(row[0])
        return None

    def is_present(self, number: str) -> bool:
        """Whether the fiche is in the last export of its répertoire."""
        row = self._db.execute("SELECT present FROM fiches WHERE number = ?", (number,)).fetchone()
        return bool(row and row[0])

    def fiches(self, *, include_removed: bool = False) -> Iterator[Certification]:
        """Every fiche, in the order they were first read (present ones only by default)."""
        return store.iter_fiches(self._db, "1 = 1" if include_removed else "f.present = 1")

    def __len__(self) -> int:
        (count,) = self._db.execute("SELECT count(*) FROM fiches WHERE present = 1").fetchone()
        return int(count)

    def exports(self) -> list[ExportEntry]:
        """The exports applied, oldest first."""
        return [
            ExportEntry(
                row[0],
                row[1],
                dt.date.fromisoformat(row[2]),
                row[3],
                tuple(filter(None, row[4].split(","))),
                tuple(json.loads(row[5])),
                *row[6:],
            )
            for row in self._db.execute(
                "SELECT id, kind, as_of, applied_at, repertoires, files, fiches, added, "
                "removed, changed, rejected FROM exports ORDER BY id"
            )
        ]

    # ------------------------------------------------------------------ search

    def search(
        self,
        text: str = "",
        *,
        where: FicheFilter | None = None,
        rome: Iterable[str] = (),
        nsf: Iterable[str] = (),
        formacode: Iterable[str] = (),
        certifier_name: str | None = None,
        include_removed: bool = False,
        limit: int = 20,
    ) -> list[SearchHit]:
        """Fiches matching every word of ``text`` (titles, abbreviation, activities, skills,
        job types, blocks; case and accents ignored), best first (bm25), and every filter.

        ``text`` is searched as words only: quotes, ``*``, ``-``, ``NEAR`` and the like
        typed by a user are plain text, never FTS syntax. A fiche number (``35080``,
        ``rncp35080``) finds that fiche. ``nsf`` codes match as prefixes (``332`` → ``332n``).
        """
        numbers = number_candidates(text)
        words = [] if numbers else _WORD.findall(text)
        facets: list[str] | None = [] if words else None
        conditions, params = self._conditions(
            where, rome, nsf, formacode, certifier_name, include_removed, facets
        )
        columns = (
            "f.number, f.title, f.repertoire, f.level, f.active, f.registration_end, f.present"
        )
        limit = max(0, limit)
        if numbers:
            marks = ", ".join("?" * len(numbers))
            conditions.insert(0, f"f.number IN ({marks})")
            params[:0] = numbers
            query = f"SELECT {columns}, NULL FROM fiches f WHERE {' AND '.join(conditions)}"
        elif words:
            phrase = " ".join('"' + word.replace('"', '""') + '"' for word in words)
            # no column filter on the words: it makes FTS5 decode every position list, and
            # a user's words cannot be facet words (those start with "zz" and a code)
            match = " AND ".join([f"({phrase})", *(facets or [])])
            return self._ranked(match, columns, conditions, params, limit)
        else:
            query = (
                f"SELECT {columns}, NULL FROM fiches f WHERE {' AND '.join(conditions) or '1'} "
                "ORDER BY f.id"
            )
        return self._hits(query + " LIMIT ?", [*params, limit])

    def _ranked(
        self, match: str, columns: str, conditions: list[str], params: list[Any], limit: int
    ) -> list[SearchHit]:
        """The ``limit`` best fiches for an FTS5 expression that pass ``conditions``.

        FTS5 scores every fiche the expression matches (bm25 needs them all; the filters
        that are facet words are in the expression, so it only matches fiches that pass
        them). Then two plans, both exact:

        - only the presence condition left (nearly every fiche passes it): the ranking is
          done on the index alone, capped to the best ``4 × limit + RANKED`` by score (ties
          by id), which are then joined to ``fiches`` and filtered; if too few pass, the
          search is run again uncapped. Joining each match would cost as much as scoring it.
        - other conditions (dates, names…), which may reject half the matches: each match is
          joined and filtered first, so only fiches that pass are scored; the sort carries
          ids and scores only, the columns of the hits are read for the best ones.
        """
        score = f"bm25(fiche_text, {_BM25})"
        columns_of = f"SELECT {columns}, t.score FROM ({{}}) t JOIN fiches f ON f.id = t.id"
        if [c for c in conditions if c != PRESENT]:
            ranked = (
                f"SELECT fiche_text.rowid AS id, {score} AS score FROM fiche_text "
                "JOIN fiches f ON f.id = fiche_text.rowid "
                f"WHERE fiche_text MATCH ? AND {' AND '.join(conditions)} "
                "ORDER BY score, id LIMIT ?"
            )
            query = columns_of.format(ranked) + " ORDER BY t.score, t.id"
            return self._hits(query, [match, *params, limit])
        ranked = (
            f"SELECT rowid AS id, {score} AS score FROM fiche_text "
            "WHERE fiche_text MATCH ? ORDER BY score, id LIMIT ?"
        )
        query = (
            columns_of.format(ranked)
            + f" WHERE {' AND '.join(conditions) or '1'} ORDER BY t.score, t.id LIMIT ?"
        )
        hits = self._hits(query, [match, limit * 4 + RANKED, *params, limit])
        if len(hits) < limit and conditions:  # the cap may have cut fiches that pass
            hits = self._hits(query, [match, -1, *params, limit])
        return hits

    def _hits(self, query: str, params: list[Any]) -> list[SearchHit]:
        return [
            SearchHit(
                number,
                title,
                repertoire,
                level,
                None if active is None else bool(active),
                _day(end),
                bool(present),
                score,
            )
            for number, title, repertoire, level, active, end, present, score in self._db.execute(
                query, params
            )
        ]

    @staticmethod
    def _conditions(
        where: FicheFilter | None,
        rome: Iterable[str],
        nsf: Iterable[str],
        formacode: Iterable[str],
        certifier_name: str | None,
        include_removed: bool,
        facets: list[str] | None = None,
    ) -> tuple[list[str], list[Any]]:
        """SQL for the filters: the same criteria as :class:`FicheFilter` on the columns.

        With ``facets`` (a full-text search), the filters that are facet words of the index
        are added there instead, as FTS5 expressions: FTS5 then intersects word lists before
        any fiche is ranked.
        """
        sql: list[str] = [] if include_removed else [PRESENT]
        params: list[Any] = []

        def among(column: str, values: Iterable[str]) -> None:
            items = sorted(values)
            sql.append(f"{column} IN ({', '.join('?' * len(items))})")
            params.extend(items)

        def child(table: str, test: str, values: list[str]) -> None:
            sql.append(
                f"EXISTS (SELECT 1 FROM {table} c WHERE c.fiche_id = f.id AND ("
                + " OR ".join([test] * len(values))
                + "))"
            )
            params.extend(values)

        def facet(kind: str, values: Iterable[str]) -> bool:
            """Add the filter as facet words when searching text; False otherwise."""
            if facets is None:
                return False
            words = " OR ".join(f'"{store.facet(kind, value)}"' for value in sorted(values))
            facets.append(f"facets : ({words})")
            return True

        if where is not None:
            if where.numbers is not None:
                among("f.number", where.numbers)
            if where.repertoire is not None and not facet("r", [where.repertoire.value]):
                sql.append("f.repertoire = ?")
                params.append(where.repertoire.value)
            if where.active is not None and not facet("a", [str(int(where.active))]):
                sql.append("f.active = ?")
                params.append(int(where.active))
            if where.levels is not None and not facet("l", (lv.value for lv in where.levels)):
                among("f.level", (level.value for level in where.levels))
            if where.certifiers is not None and not facet("siret", where.certifiers):
                child("certifiers", "c.siret = ?", sorted(where.certifiers))
            if where.in_force_on is not None:
                day = where.in_force_on.isoformat()
                sql.append(
                    "f.registration_end >= ? AND (f.registration_start IS NULL "
                    "OR f.registration_start <= ?)"
                )
                params += [day, day]
        if (codes := [code.strip().upper() for code in rome]) and not facet("rome", codes):
            child("rome", "c.code = ?", codes)
        if codes := [code.strip() for code in nsf]:
            whole = all(_NSF.match(code) for code in codes)
            if not (whole and facet("nsf", codes)):
                child("nsf", "c.code GLOB ?", [_glob_prefix(code) for code in codes])
        if (codes := [code.strip() for code in formacode]) and not facet("fc", codes):
            child("formacodes", "c.code = ?", codes)
        if certifier_name:
            child("certifiers", "c.name LIKE ? ESCAPE '\\'", [f"%{_like(certifier_name)}%"])
        return sql, params

    # ------------------------------------------------------------------ change feed

    def changes(
        self,
        *,
        since: dt.date | None = None,
        numbers: Iterable[str] = (),
        fields: Iterable[str] = (),
    ) -> Iterator[ChangeEntry]:
        """The change feed, oldest first: exports of ``since`` or later, these fiches,
        these fields (a fiche's added/removed lines are kept when fields are asked)."""
        sql = ["1 = 1"]
        params: list[Any] = []
        if since is not None:
            sql.append("as_of >= ?")
            params.append(since.isoformat())
        wanted = [c for n in numbers for c in (number_candidates(n) or (n.strip().upper(),))]
        if wanted:
            sql.append(f"number IN ({', '.join('?' * len(wanted))})")
            params += wanted
        names = list(fields)
        if names:
            sql.append(f"(field IS NULL OR field IN ({', '.join('?' * len(names))}))")
            params += names
        query = (
            "SELECT as_of, export_id, number, change, field, old, new FROM changes "
            f"WHERE {' AND '.join(sql)} ORDER BY id"
        )
        for as_of, export_id, number, change, name, old, new in self._db.execute(query, params):
            yield ChangeEntry(
                dt.date.fromisoformat(as_of),
                export_id,
                number,
                change,
                name,
                None if old is None else json.loads(old),
                None if new is None else json.loads(new),
            )

    # ------------------------------------------------------------------ lineage

    def _node(self, number: str, on: dt.date) -> LineageNode:
        row = self._db.execute(
            "SELECT title, present, active, registration_start, registration_end FROM fiches "
            "WHERE number = ?",
            (number,),
        ).fetchone()
        if row is None:
            return LineageNode(number, in_register=False)
        title, present, active, start, end = row
        return LineageNode(
            number,
            True,
            title,
            bool(present),
            None if active is None else bool(active),
            _day(end),
            _in_force(start, end, present, on),
        )

    def _links(self, number: str) -> list[tuple[str, str, str]]:
        """(predecessor, successor, declared by) for every link touching ``number``."""
        out: list[tuple[str, str, str]] = []
        for relation, target in self._db.execute(
            "SELECT l.relation, l.target FROM links l JOIN fiches f ON f.id = l.fiche_id "
            "WHERE f.number = ?",
            (number,),
        ):
            out.append(
                (number, target, number) if relation == "successor" else (target, number, number)
            )
        for relation, source in self._db.execute(
            "SELECT l.relation, f.number FROM links l JOIN fiches f ON f.id = l.fiche_id "
            "WHERE l.target = ?",
            (number,),
        ):
            out.append(
                (source, number, source) if relation == "successor" else (number, source, source)
            )
        return out

    def lineage(self, number: str, *, on: dt.date | None = None) -> Lineage:
        """Predecessors and successors of ``number`` (RNCP↔RS links included) and the chain
        to the current certification in force on ``on`` (default today)."""
        day = on or dt.date.today()
        root = self.resolve(number)
        if root is None:
            raise UsageError(f"{number!r}: no such fiche in the register")
        edges: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
        seen = {root}
        queue = collections.deque([root])
        truncated = False
        while queue:
            current = queue.popleft()
            for before, after, declarer in self._links(current):
                edges[(before, after)].add(declarer)
                for other in (before, after):
                    if other not in seen:
                        if len(seen) >= MAX_LINEAGE:
                            truncated = True
                            continue
                        seen.add(other)
                        queue.append(other)
        nodes = {n: self._node(n, day) for n in sorted(seen)}
        successors: dict[str, list[str]] = collections.defaultdict(list)
        for before, after in sorted(edges):
            successors[before].append(after)
        # newest fiche in force reached from the root by successor links (BFS: shortest chains)
        parent: dict[str, str | None] = {root: None}
        order = [root]
        walk = collections.deque([root])
        while walk:
            current = walk.popleft()
            for after in successors.get(current, []):
                if after not in parent:
                    parent[after] = current
                    order.append(after)
                    walk.append(after)
        candidates = [n for n in order if nodes[n].in_force]
        current_number: str | None = None
        chain: tuple[str, ...] = ()
        if candidates:
            depth = {n: i for i, n in enumerate(order)}
            current_number = max(candidates, key=lambda n: (self._start(n), depth[n]))
            path = [current_number]
            while (up := parent[path[-1]]) is not None:
                path.append(up)
            chain = tuple(reversed(path))
        return Lineage(
            number=root,
            on=day,
            nodes=tuple(nodes.values()),
            edges=tuple(LineageEdge(b, a, tuple(sorted(d))) for (b, a), d in sorted(edges.items())),
            current=current_number,
            chain=chain,
            cycles=tuple(_cycles(successors)),
            dangling=tuple(n for n, node in nodes.items() if not node.in_register),
            truncated=truncated,
        )

    def _start(self, number: str) -> str:
        row = self._db.execute(
            "SELECT coalesce(registration_start, '') FROM fiches WHERE number = ?", (number,)
        ).fetchone()
        return str(row[0]) if row else ""

    # ------------------------------------------------------------------ habilitation

    def habilitations(
        self, siret: str, *, number: str | None = None, on: dt.date | None = None
    ) -> list[Habilitation]:
        """Every fiche whose certifier or partner is this SIRET (or any establishment of this
        SIREN), with the partner's habilitation, and whether the fiche is in force on ``on``."""
        digits = normalise_siret(siret)
        column = "siret" if len(digits) == 14 else "siren"
        day = on or dt.date.today()
        extra, params = "", [digits]
        if number is not None:
            extra = " AND f.number = ?"
            params.append(self.resolve(number) or number.strip().upper())
        out: list[Habilitation] = []
        roles: tuple[tuple[str, Literal["certifier", "partner"]], ...] = (
            ("certifiers", "certifier"),
            ("partners", "partner"),
        )
        for table, role in roles:
            kind = "c.habilitation" if table == "partners" else "NULL"
            query = (
                f"SELECT f.number, f.title, c.name, c.siret, {kind}, c.state, f.present, "
                f"f.registration_start, f.registration_end FROM {table} c "
                f"JOIN fiches f ON f.id = c.fiche_id WHERE c.{column} = ?{extra} "
                "ORDER BY f.id, c.position"
            )
            for num, title, name, found, hab, state, present, start, end in self._db.execute(
                query, params
            ):
                out.append(
                    Habilitation(
                        num,
                        title,
                        role,
                        name,
                        found,
                        hab,
                        state,
                        _in_force(start, end, present, day),
                        bool(present),
                    )
                )
        return out

    def habilitation(
        self, siret: str, number: str, *, on: dt.date | None = None
    ) -> HabilitationAnswer:
        """Whether this organisation certifies or is habilitated for fiche ``number`` on
        ``on``, with the reason."""
        day = on or dt.date.today()
        digits = normalise_siret(siret)
        resolved = self.resolve(number)
        if resolved is None:
            shown = number.strip().upper()
            return HabilitationAnswer(shown, digits, day, False, f"{shown} is not in the register")
        roles = tuple(self.habilitations(digits, number=resolved, on=day))
        node = self._node(resolved, day)
        if not roles:
            reason = f"{digits} is neither a certifier nor a partner of {resolved}"
            return HabilitationAnswer(resolved, digits, day, False, reason)
        if not node.present:
            reason = f"{resolved} is no longer in the exports of its répertoire"
            return HabilitationAnswer(resolved, digits, day, False, reason, roles)
        if not node.in_force:
            end = node.registration_end.isoformat() if node.registration_end else "unknown"
            reason = f"{resolved} is not in force on {day.isoformat()} (registration end: {end})"
            return HabilitationAnswer(resolved, digits, day, False, reason, roles)
        active = [r for r in roles if r.active]
        if not active:
            states = ", ".join(sorted({str(r.state) for r in roles}))
            reason = f"its role on {resolved} is not active ({states})"
            return HabilitationAnswer(resolved, digits, day, False, reason, roles)
        best = active[0]
        what = best.description + (f" ({best.kind})" if best.kind else "")
        reason = f"{best.name} is {what} of {resolved}, in force on {day.isoformat()}"
        return HabilitationAnswer(resolved, digits, day, True, reason, roles)


def _glob_prefix(code: str) -> str:
    return re.sub(r"([*?\[\]])", r"[\1]", code) + "*"


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _cycles(successors: dict[str, list[str]]) -> Iterator[tuple[str, ...]]:
    """Each cycle of the successor graph once (from a back edge of a depth-first walk)."""
    state: dict[str, int] = {}
    found: set[frozenset[str]] = set()
    for start in sorted(successors):
        if start in state:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(successors.get(start, [])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                cycle = tuple(path[path.index(child) :])
                if frozenset(cycle) not in found:
                    found.add(frozenset(cycle))
                    yield (*cycle, child)
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(successors.get(child, []))))
