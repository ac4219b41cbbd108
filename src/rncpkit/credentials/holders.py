"""The holders spreadsheet, read for credentials: the accrochage columns plus three of ours.

Every accrochage column is read and checked by :mod:`rncpkit.accrochage` itself
(``read_rows`` and ``to_passage``: dates, names, identifiers, with the same messages). That
reader refuses columns it does not know, so the credential columns below are taken out
first: the file is copied, minus them, into a private temporary file (owner-only, deleted
at the end) that keeps every physical line where it was, so row numbers in messages are the
spreadsheet's own.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from rncpkit.accrochage import (
    CivilIdentity,
    CpfFile,
    Passage,
    RowProblem,
    read_rows,
    to_passage,
)
from rncpkit.errors import InputError
from rncpkit.io import Source, open_input


@dataclass(frozen=True, slots=True)
class ExtraColumn:
    """A column the credentials read on top of the accrochage ones."""

    name: str
    aliases: tuple[str, ...]
    help_fr: str
    help_en: str
    personal: bool = False


EXTRA_COLUMNS: tuple[ExtraColumn, ...] = (
    ExtraColumn(
        "email",
        ("e_mail", "courriel", "mail", "adresse_email"),
        "adresse e-mail du titulaire (identifiant haché dans le badge)",
        "holder's e-mail address (hashed identifier in the badge)",
        personal=True,
    ),
    ExtraColumn(
        "credential_id",
        ("id_credential", "id_badge"),
        "identifiant (URI) du badge, pour réémettre le même ; vide = urn:uuid aléatoire",
        "credential id (a URI), to re-issue the same one; empty = random urn:uuid",
    ),
    ExtraColumn(
        "blocs",
        ("blocs_obtenus", "blocks", "codes_blocs"),
        "codes des blocs obtenus (ex. RNCP35080BC01 RNCP35080BC02), avec --blocks",
        "codes of the blocks obtained (e.g. RNCP35080BC01 RNCP35080BC02), with --blocks",
    ),
)
_BY_NAME = {key: column.name for column in EXTRA_COLUMNS for key in (column.name, *column.aliases)}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_BLOCK = re.compile(r"(?:RNCP|RS)\d+BC\d+", re.IGNORECASE)


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff"))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def extra_column(name: str) -> str | None:
    """The credential column a header names, if any."""
    return _BY_NAME.get(_key(name))


@dataclass(slots=True)
class Holder:
    """One holder's award, as the credentials need it (never printed: personal data)."""

    row: int
    technical_id: str
    certification: str
    award_date: dt.date
    given_name: str
    family_name: str
    birth_date: dt.date | None
    email: str | None = None
    credential_id: str | None = None
    blocks: list[str] = field(default_factory=list)
    valid_until: dt.date | None = None
    """``date_fin_validite``: last day the certification is valid, when it expires."""


@dataclass(slots=True)
class _Extras:
    cells: dict[int, dict[str, str]] = field(default_factory=dict)


_NOT_UTF8 = (
    "le fichier n'est pas en UTF-8 : dans Excel, enregistrer sous « CSV UTF-8 » / "
    "the file is not UTF-8: in Excel, save as 'CSV UTF-8'"
)


def _sniff(head: str) -> str:
    for line in head.splitlines():
        if line.lower().startswith("sep=") and len(line) > 4:
            return "\t" if line[4:].startswith("\\t") else line[4]
        if line.strip() and not line.lstrip('"').startswith("#"):
            counts = {sep: line.count(sep) for sep in (";", ",", "\t")}
            best = max(counts, key=lambda sep: counts[sep])
            return best if counts[best] else ";"
    return ";"


def _split_csv(text: IO[str], out: IO[str], extras: _Extras, delimiter: str) -> None:
    """Copy the CSV without the credential columns."""
    reader = csv.reader(text, delimiter=delimiter)
    # CRLF terminators make the writer quote any cell holding a CR or an LF
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    keep: list[int] | None = None
    mine: dict[int, str] = {}
    line = 0
    for cells in reader:
        start, line = line + 1, reader.line_num
        blank = not any(cell.strip() for cell in cells)
        if blank or cells[0].lstrip().startswith("#") or cells[0].lower().startswith("sep="):
            writer.writerow(cells)
            _pad(out, reader.line_num - start - _newlines(cells))
            continue
        if keep is None:
            mine = {i: c for i, name in enumerate(cells) if (c := extra_column(name))}
            keep = [i for i in range(len(cells)) if i not in mine]
        else:
            values = {mine[i]: cells[i] for i in mine if i < len(cells) and cells[i].strip()}
            if values:
                extras.cells[start] = values
        writer.writerow([cells[i] for i in keep if i < len(cells)] + cells[len(keep) + len(mine) :])
        _pad(out, reader.line_num - start - _newlines(cells))


_BREAK = re.compile(r"\r\n|\r|\n")


def _newlines(cells: list[str]) -> int:
    """Line breaks inside the cells, counted as the reader counts lines (CR, LF, CRLF)."""
    return sum(len(_BREAK.findall(cell)) for cell in cells)


def _pad(out: IO[str], missing: int) -> None:
    """Keep physical line numbers where the copy has fewer lines than the source."""
    out.write("\r\n" * max(missing, 0))


def _split_json(text: IO[str], out: IO[str], extras: _Extras, name: str) -> None:
    """Copy JSON (array or lines) as JSON lines without the credential keys; line n of the
    copy is object n of an array, or line n of JSON lines."""
    data = text.read()
    stripped = data.lstrip()
    if stripped.startswith("["):
        try:
            values: list[tuple[int, Any]] = list(enumerate(json.loads(stripped), start=1))
        except ValueError as exc:
            raise InputError(f"JSON illisible / unreadable JSON: {exc}", file=name) from None
    else:
        values = []
        for number, line in enumerate(data.splitlines(), start=1):
            if line.strip():
                try:
                    values.append((number, json.loads(line)))
                except ValueError as exc:
                    raise InputError(
                        f"JSON illisible / unreadable JSON: {exc}", file=name, line=number
                    ) from None
    written = 0
    for number, value in values:
        out.write("\n" * (number - 1 - written))
        written = number
        if isinstance(value, dict):
            mine = {c: str(v) for k, v in value.items() if (c := extra_column(str(k))) and v}
            if mine:
                extras.cells[number] = mine
            value = {k: v for k, v in value.items() if not extra_column(str(k))}
        out.write(json.dumps(value, ensure_ascii=False) + "\n")


@contextlib.contextmanager
def _without_extras(source: Source) -> Iterator[tuple[str, str, str | None, _Extras]]:
    """(path of the private copy, name of the source, its delimiter, the credential cells by
    row)."""
    extras = _Extras()
    with open_input(source) as opened:
        raw = opened.head.lstrip(b"\xef\xbb\xbf").lstrip()
        is_json = opened.name.lower().endswith((".json", ".jsonl")) or raw[:1] in (b"[", b"{")
        fd, path = tempfile.mkstemp(
            prefix=".rncpkit-holders-", suffix=".json" if is_json else ".csv"
        )
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                text = io.TextIOWrapper(opened.stream, encoding="utf-8-sig", newline="")
                try:
                    if is_json:
                        _split_json(text, out, extras, opened.name)
                        delimiter = None
                    else:
                        delimiter = _sniff(opened.head.decode("utf-8", "replace").lstrip("\ufeff"))
                        _split_csv(text, out, extras, delimiter)
                except UnicodeDecodeError:
                    raise InputError(_NOT_UTF8, file=opened.name) from None
                except csv.Error as exc:
                    raise InputError(
                        f"CSV illisible / unreadable CSV: {exc}", file=opened.name
                    ) from None
                finally:
                    text.detach()
            yield path, opened.name, delimiter, extras
        finally:
            with contextlib.suppress(OSError):
                os.unlink(path)


@dataclass(frozen=True, slots=True)
class PersonalProblem(RowProblem):
    """A problem of a personal credential column (``email``): its value is never shown."""

    @property
    def hidden(self) -> bool:
        return True


def _problem(
    row: int, tid: str | None, column: str, value: str | None, en: str, fr: str
) -> RowProblem:
    if any(c.name == column and c.personal for c in EXTRA_COLUMNS):
        return PersonalProblem(row, tid, column, value, en, fr)
    return RowProblem(row, tid, column, value, en, fr)


def _names(passage: Passage) -> tuple[str, str, dt.date | None]:
    holder = passage.holder
    if isinstance(holder, CpfFile):
        return holder.first_name, holder.last_name, None
    assert isinstance(holder, CivilIdentity)
    birth = None
    if holder.birth_month and holder.birth_day:
        with contextlib.suppress(ValueError):
            birth = dt.date(holder.birth_year, holder.birth_month, holder.birth_day)
    return holder.first_name, holder.usage_name or holder.birth_name, birth


@contextlib.contextmanager
def open_holders(
    source: Source, certification: str | None = None
) -> Iterator[Callable[[], Iterator[tuple[Holder | None, list[RowProblem]]]]]:
    """A function giving the rows of ``source`` afresh at each call (stdin included), as
    (holder, problems); holder is None when the row has any problem."""
    with _without_extras(source) as (path, name, delimiter, extras):
        yield lambda: _holders(path, name, delimiter, extras, certification)


def read_holders(
    source: Source, certification: str | None = None
) -> Iterator[tuple[Holder | None, list[RowProblem]]]:
    """Each data row as (holder, problems), read once."""
    with open_holders(source, certification) as rows:
        yield from rows()


def _holders(
    path: str, name: str, delimiter: str | None, extras: _Extras, certification: str | None
) -> Iterator[tuple[Holder | None, list[RowProblem]]]:
    try:
        yield from _checked(path, delimiter, extras, certification)
    except InputError as exc:
        if exc.file == path:
            exc.file = name  # the user's file, not the private copy
        raise


def _checked(
    path: str, delimiter: str | None, extras: _Extras, certification: str | None
) -> Iterator[tuple[Holder | None, list[RowProblem]]]:
    for row in read_rows(path, delimiter=delimiter):
        ref, passage, problems = to_passage(row, certification)
        tid = row.technical_id
        mine = extras.cells.get(row.number, {})
        email = mine.get("email", "").strip() or None
        if email and not _EMAIL.fullmatch(email):
            problems.append(
                _problem(
                    row.number,
                    tid,
                    "email",
                    email,
                    "not an e-mail address",
                    "adresse e-mail invalide",
                )
            )
        cid = mine.get("credential_id", "").strip() or None
        if cid and not _URI.fullmatch(cid):
            problems.append(
                _problem(
                    row.number,
                    tid,
                    "credential_id",
                    cid,
                    "not a URI (e.g. urn:uuid:… or https://…)",
                    "pas une URI (ex. urn:uuid:… ou https://…)",
                )
            )
        blocks_text = mine.get("blocs", "")
        blocks = [b.upper() for b in re.split(r"[\s,;|]+", blocks_text) if b]
        bad = [b for b in blocks if not _BLOCK.fullmatch(b)]
        if bad:
            problems.append(
                _problem(
                    row.number,
                    tid,
                    "blocs",
                    blocks_text,
                    f"not block codes: {', '.join(bad)}",
                    f"codes de blocs invalides : {', '.join(bad)}",
                )
            )
        if problems or ref is None or passage is None:
            yield None, problems
            continue
        given, family, birth = _names(passage)
        yield (
            Holder(
                row=row.number,
                technical_id=passage.technical_id,
                certification=ref.code,
                award_date=passage.valid_from,
                given_name=given,
                family_name=family,
                birth_date=birth,
                email=email,
                credential_id=cid,
                blocks=blocks,
                valid_until=passage.valid_until,
            ),
            [],
        )
