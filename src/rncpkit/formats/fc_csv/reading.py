"""Reading the CSV export: the nine child files indexed on disk by fiche number, then
``Standard`` streamed and each fiche assembled by walking the table (:mod:`.table`)."""

from __future__ import annotations

import contextlib
import csv
import os
import re
import sqlite3
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import ValidationError

from rncpkit.errors import FicheError, InputError
from rncpkit.formats.base import ReadResult, Record, fiche_error
from rncpkit.formats.fc_csv.table import CHILDREN, FILES, STANDARD, TEXT, CsvFile, Shape, key
from rncpkit.formats.xmltable import BadValue
from rncpkit.io import InputFile, open_member, text_stream
from rncpkit.model import AccessRouteCode, Certification

__all__ = ["member_name", "read"]

_WIDTH = max(len(f.columns) for f in CHILDREN) - 1
MEMBER = re.compile(
    r"(?:^|/)export_fiches_CSV_(?P<name>.+?)_(?P<date>\d{4}_\d{2}_\d{2})\.csv\Z", re.IGNORECASE
)


_BY_KEY = {key(f.name): f for f in FILES}
_ROUTE_BY_LABEL = {key(code.label_fr.replace("’", "'")): code for code in AccessRouteCode}


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's real name: zips made without the UTF-8 flag (as France Compétences'
    are) hold UTF-8 bytes that :mod:`zipfile` decodes as cp437; undo that, then NFC."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeError):
            name = name.encode("cp437").decode("utf-8")
    return unicodedata.normalize("NFC", name)


def _members(opened: InputFile) -> dict[str, zipfile.ZipInfo]:
    assert opened.archive is not None
    found: dict[str, zipfile.ZipInfo] = {}
    for info in opened.archive.infolist():
        if info.is_dir():
            continue
        name = member_name(info)
        match = MEMBER.search(name)
        csv_file = _BY_KEY.get(key(match.group("name"))) if match else None
        if csv_file is None:
            raise InputError(
                f"unexpected member {name!r} in a France Compétences CSV export "
                f"(expected export_fiches_CSV_<{'|'.join(f.name for f in FILES)}>_AAAA_MM_JJ.csv)",
                file=opened.name,
            )
        if csv_file.name in found:
            raise InputError(f"two {csv_file.name} files in the export", file=opened.name)
        found[csv_file.name] = info
    if STANDARD.name not in found:
        raise InputError("no Standard file in the CSV export", file=opened.name)
    return found


class _Rows:
    """CSV rows of one file, with their line numbers, header checked."""

    def __init__(self, opened: InputFile, csv_file: CsvFile, name: str) -> None:
        self.name = name
        self.csv_file = csv_file
        self._text = text_stream(opened, name=name)  # UTF-8 or --encoding, errors located
        self._reader = csv.reader(self._text, delimiter=";", quotechar='"', strict=False)
        try:
            header = next(self._reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"unreadable CSV: {exc}", file=name, line=1) from None
        if header is None:
            raise InputError("empty file (no header row)", file=name)
        if tuple(h.strip() for h in header) != csv_file.columns:
            raise InputError(
                f"unexpected header {';'.join(header)!r} (expected {';'.join(csv_file.columns)!r})",
                file=name,
                line=1,
            )

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        line = self._reader.line_num + 1
        while True:
            try:
                row = next(self._reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid UTF-8: {exc.reason}", file=self.name) from None
            except csv.Error as exc:
                raise InputError(f"unreadable CSV: {exc}", file=self.name, line=line) from None
            if row:
                yield line, row
            line = self._reader.line_num + 1


class _Index:
    """The child files' rows, on disk, by fiche number (bounded memory, any row order)."""

    def __init__(self, directory: str) -> None:
        self._db = sqlite3.connect(os.path.join(directory, "rows.sqlite"))
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        columns = ", ".join(f"c{i} TEXT" for i in range(_WIDTH))
        self._db.execute(
            f"CREATE TABLE rows (numero TEXT, kind INTEGER, line INTEGER, width INTEGER, {columns})"
        )
        self._placeholders = ", ".join("?" * (4 + _WIDTH))
        self._cells = ", ".join(f"c{i}" for i in range(_WIDTH))

    def add(self, kind: int, rows: _Rows) -> None:
        def records() -> Iterator[tuple[Any, ...]]:
            for line, row in rows:
                values = row[1 : 1 + _WIDTH]
                values += [""] * (_WIDTH - len(values))
                yield (row[0].strip(), kind, line, len(row), *values)

        self._db.executemany(f"INSERT INTO rows VALUES ({self._placeholders})", records())

    def seal(self) -> None:
        self._db.execute("CREATE INDEX by_numero ON rows (numero, kind, line)")

    def rows(self, numero: str) -> list[tuple[Any, ...]]:
        return self._db.execute(
            f"SELECT kind, line, width, {self._cells} FROM rows WHERE numero = ? "
            "ORDER BY kind, line",
            (numero,),
        ).fetchall()

    def numbers(self) -> Iterator[tuple[str, int, int]]:
        """Every fiche number with its first (kind, line)."""
        yield from self._db.execute(
            "SELECT numero, kind, MIN(line) FROM rows GROUP BY numero, kind ORDER BY kind, 3"
        )

    def close(self) -> None:
        self._db.close()


class _Bad(Exception):
    def __init__(self, message: str, field: str, file: str, line: int) -> None:
        super().__init__(message)
        self.message, self.field, self.file, self.line = message, field, file, line


def _set(values: dict[str, Any], field: str, value: Any) -> None:
    head, _, rest = field.partition(".")
    if rest:
        values.setdefault(head, {})[rest] = value
    else:
        values[field] = value


_PLANS = {
    csv_file.name: tuple(
        tuple(
            (column.field, None if column.cell is TEXT else column.cell.parse, i)
            for i, column in columns
        )
        for columns in csv_file.slots
    )
    for csv_file in FILES
}
"""For each file and slot: (field, parser or None for text as is, cell index), built once."""
_PREFIXED = {
    csv_file.name: tuple(
        (column.field, column.prefixed) for column in csv_file.cells if column.prefixed is not None
    )
    for csv_file in FILES
}
"""Labels the CSV prefixes with their code (``"251 : Mécanique"``): (label, code) fields."""


def _item(csv_file: CsvFile, cells: Sequence[str], slot: int) -> dict[str, Any] | None:
    """The item a row holds (in ``slot``); for side-by-side items (CCN), None when all its
    cells are empty."""
    plan = _PLANS[csv_file.name][slot]
    if csv_file.shape is Shape.SLOTS and not any(cells[i] for _field, _parse, i in plan):
        return None
    item = {field: cells[i] if parse is None else parse(cells[i]) for field, parse, i in plan}
    for label, code in _PREFIXED[csv_file.name]:
        if item[label]:
            item[label] = item[label].removeprefix(f"{item[code]} : ")
    return item


def _standard(row: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    given: set[str] = set()
    for column, text in zip(STANDARD.cells, row, strict=True):
        _set(values, column.field, column.cell.parse(text))
        if text:
            given.add(column.field.partition(".")[0])
    # a sub-model (the abbreviation) exists when one of its cells is not empty
    for name in [name for name, value in values.items() if isinstance(value, dict)]:
        if name not in given:
            del values[name]
    return values


def _add_child(values: dict[str, Any], csv_file: CsvFile, cells: Sequence[str]) -> None:
    shape = csv_file.shape
    if shape is Shape.ITEMS or shape is Shape.SLOTS:
        assert csv_file.field is not None
        items = values.setdefault(csv_file.field, [])
        if shape is Shape.ITEMS:
            items.append(_item(csv_file, cells, 0))
            return
        for slot in range(len(csv_file.slots)):
            item = _item(csv_file, cells, slot)
            if item is not None:
                items.append(item)
    elif shape is Shape.PAIRS:
        for column, text in zip(csv_file.cells, cells, strict=False):
            number = column.cell.parse(text)
            numbers = values.setdefault(column.field, [])
            if number and number not in numbers:
                numbers.append(number)
    elif shape is Shape.OPEN_ROUTES:
        route = _ROUTE_BY_LABEL.get(key(cells[0].strip().replace("’", "'")))
        if route is None:
            raise BadValue(f"unknown access route {cells[0]!r:.80}")
        values.setdefault("access_routes", {})[route.value] = {"open": True}


def _fiche(
    row: list[str],
    children: list[tuple[Any, ...]],
    names: dict[int, str],
    standard_name: str,
    line: int,
) -> dict[str, Any]:
    try:
        values = _standard(row)
    except BadValue as exc:
        raise _Bad(str(exc), STANDARD.name, standard_name, line) from None
    for kind, child_line, width, *rest in children:
        csv_file = CHILDREN[kind]
        cells = rest
        if width != len(csv_file.columns):
            raise _Bad(
                f"{width} columns where {len(csv_file.columns)} are expected",
                csv_file.name,
                names[kind],
                child_line,
            )
        try:
            _add_child(values, csv_file, cells)
        except BadValue as exc:
            raise _Bad(str(exc), csv_file.name, names[kind], child_line) from None
    routes = values.pop("access_routes", {})
    # The CSV lists open routes only: the others are closed. Open ones keep the file's order.
    values["access_routes"] = {
        **routes,
        **{code.value: {"open": False} for code in AccessRouteCode if code.value not in routes},
    }
    return {k: v for k, v in values.items() if v is not None and v != []}


def read(opened: InputFile) -> Iterator[ReadResult]:
    """Stream the fiches of a CSV export zip (or of a lone ``Standard`` CSV file)."""
    if opened.archive is None:
        yield from _read_standard_only(opened)
        return
    members = _members(opened)
    with tempfile.TemporaryDirectory(prefix="rncpkit-csv-") as directory:
        index = _Index(directory)
        try:
            names: dict[int, str] = {}
            for kind, csv_file in enumerate(CHILDREN):
                info = members.get(csv_file.name)
                if info is None:
                    continue
                member = open_member(opened, info)
                names[kind] = f"{opened.name}!{member_name(info)}"
                index.add(kind, _Rows(member, csv_file, names[kind]))
            index.seal()
            standard = open_member(opened, members[STANDARD.name])
            standard_name = f"{opened.name}!{member_name(members[STANDARD.name])}"
            seen: set[str] = set()
            for line, row in _Rows(standard, STANDARD, standard_name):
                number = row[0 if len(row) < 2 else 1].strip()
                if len(row) != len(STANDARD.columns):
                    yield FicheError(
                        f"{len(row)} columns where {len(STANDARD.columns)} are expected",
                        file=standard_name,
                        line=line,
                        fiche=number or None,
                        field=STANDARD.name,
                    )
                    continue
                if number in seen:
                    yield FicheError(
                        "fiche listed twice in Standard",
                        file=standard_name,
                        line=line,
                        fiche=number,
                        field="Standard.Numero_Fiche",
                    )
                    continue
                seen.add(number)
                yield _result(row, index.rows(number), names, standard_name, line, number)
            yield from _orphans(index, seen, names)
        finally:
            index.close()


def _result(
    row: list[str],
    children: list[tuple[Any, ...]],
    names: dict[int, str],
    standard_name: str,
    line: int,
    number: str,
) -> ReadResult:
    try:
        values = _fiche(row, children, names, standard_name, line)
        return Record(Certification.model_validate(values), line)
    except _Bad as bad:
        return FicheError(bad.message, file=bad.file, line=bad.line, fiche=number, field=bad.field)
    except ValidationError as exc:
        return fiche_error(exc, file=standard_name, line=line, fiche=number)


def _orphans(index: _Index, seen: set[str], names: dict[int, str]) -> Iterator[FicheError]:
    """Rows whose fiche is not in ``Standard``: each such fiche is reported, never dropped."""
    reported: set[str] = set()
    for number, kind, line in index.numbers():
        if number in seen or number in reported:
            continue
        reported.add(number)
        yield FicheError(
            f"rows in {CHILDREN[kind].name} for a fiche absent from Standard",
            file=names[kind],
            line=line,
            fiche=number,
            field=CHILDREN[kind].name,
        )


def _read_standard_only(opened: InputFile) -> Iterator[ReadResult]:
    seen: set[str] = set()
    for line, row in _Rows(opened, STANDARD, opened.name):
        number = row[1].strip() if len(row) > 1 else ""
        if len(row) != len(STANDARD.columns) or number in seen:
            yield FicheError(
                "fiche listed twice"
                if number in seen
                else f"{len(row)} columns where {len(STANDARD.columns)} are expected",
                file=opened.name,
                line=line,
                fiche=number or None,
                field=STANDARD.name,
            )
            continue
        seen.add(number)
        yield _result(row, [], {}, opened.name, line, number)
