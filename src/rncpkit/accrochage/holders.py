"""The holders file a certifier fills: CSV (as Excel saves it) or JSON, one row per holder.

Rows are read one at a time (:func:`read_rows`) and turned into :class:`~.model.Passage`
objects by :func:`~.rows.to_passage`; every problem of a row is reported with its row
number, column, value and a reason in French and English. Columns that hold names, birth
data, the NIR or free text about the person never have their value repeated in a message:
only the row number and ``id_technique`` identify the row.

The columns are declared once in :mod:`.columns`; the cells are read by :mod:`.cells`.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from rncpkit.accrochage.cells import CellError
from rncpkit.accrochage.columns import (
    COLUMN_NAMES,
    COLUMNS,
    FIELD_COLUMNS,
    PERSONAL,
    REQUIRED_COLUMNS,
    Column,
    header_names,
    normalise_header,
)
from rncpkit.accrochage.jsonstream import json_values
from rncpkit.accrochage.rows import Row, RowProblem, RowResult, convert_row, to_passage
from rncpkit.errors import InputError
from rncpkit.io import InputFile, Source, open_input, text_stream

if TYPE_CHECKING:
    from rncpkit.api import Progress

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "FIELD_COLUMNS",
    "PERSONAL",
    "REQUIRED_COLUMNS",
    "CellError",
    "Column",
    "Row",
    "RowProblem",
    "RowResult",
    "convert_row",
    "normalise_header",
    "read_rows",
    "template",
    "to_passage",
]


class _Header:
    """The columns a read accepts: the flux's and a caller's ``extra_columns``."""

    def __init__(self, extra: Iterable[Column]) -> None:
        extra = tuple(extra)
        self.names = frozenset(COLUMN_NAMES) | {column.name for column in extra}
        self.spellings = header_names((*COLUMNS, *extra))

    def normalise(self, name: str) -> str:
        return normalise_header(name, self.spellings)


def read_rows(
    source: Source,
    *,
    delimiter: str | None = None,
    extra_columns: Iterable[Column] = (),
    progress: Progress | None = None,
) -> Iterator[Row]:
    """Yield the rows of a holders file (CSV, JSON array or JSON lines), one at a time.

    ``extra_columns`` are columns another feature reads from the same file (their cells
    are kept in :attr:`Row.cells`; the flux ignores them). Raises :class:`InputError` for a
    file that cannot be read as a whole (not UTF-8, unknown or missing columns); problems
    of single rows are left to :func:`~.rows.to_passage`. ``progress`` is called after
    each row with (bytes read, total bytes or None), as :func:`rncpkit.read_records`
    does after each fiche.
    """
    header = _Header(extra_columns)
    with open_input(source) as opened:
        head = opened.head.lstrip(codecs.BOM_UTF8).lstrip()
        name = opened.name
        if name.lower().endswith((".json", ".jsonl")) or head[:1] in (b"[", b"{"):
            rows = _json_rows(opened, name, header)
        else:
            sep = delimiter or _sniff_delimiter(opened.head)
            rows = _csv_rows(opened, name, sep, header)
        for row in rows:
            yield row
            if progress is not None:
                progress(opened.bytes_read, opened.size)


def _sniff_delimiter(head: bytes) -> str:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    for line in text.splitlines():
        if line.lower().startswith("sep=") and len(line) > 4:
            return "\t" if line[4:].startswith("\\t") else line[4]  # Excel's "sep=;" line
        if line.strip() and not line.lstrip('"').startswith("#"):
            counts = {sep: line.count(sep) for sep in (";", ",", "\t")}
            best = max(counts, key=lambda sep: counts[sep])
            return best if counts[best] else ";"
    return ";"


def _check_header(names: list[str], file: str, line: int, header: _Header) -> list[str]:
    columns = [header.normalise(name) for name in names]
    while columns and not columns[-1]:
        columns.pop()  # Excel's trailing empty cells
    unknown = [
        raw for raw, col in zip(names, columns, strict=False) if col and col not in header.names
    ]
    if unknown and not any(col in header.names for col in columns):
        # Probably a data row (the header is missing): never echo its cells, they are personal.
        raise InputError(
            "pas de ligne d'en-tête (aucun nom de colonne connu) / no header row (no known "
            "column name): see `rncpkit accrochage template`",
            file=file,
            line=line,
        )
    if unknown:
        raise InputError(
            f"colonne(s) inconnue(s) / unknown column(s): {', '.join(unknown)} "
            f"(voir / see `rncpkit accrochage template`)",
            file=file,
            line=line,
        )
    duplicated = sorted({col for col in columns if col and columns.count(col) > 1})
    if duplicated:
        raise InputError(
            f"colonne(s) en double / duplicated column(s): {', '.join(duplicated)}",
            file=file,
            line=line,
        )
    missing = [col for col in REQUIRED_COLUMNS if col not in columns]
    if missing:
        raise InputError(
            f"colonne(s) obligatoire(s) absente(s) / missing required column(s): "
            f"{', '.join(missing)}",
            file=file,
            line=line,
        )
    return columns


_NOT_UTF8 = (
    "le fichier n'est pas en UTF-8 : dans Excel, enregistrer sous « CSV UTF-8 » / "
    "the file is not UTF-8: in Excel, save as 'CSV UTF-8'"
)


def _csv_rows(opened: InputFile, name: str, delimiter: str, header: _Header) -> Iterator[Row]:
    text = text_stream(opened)  # UTF-8 or --encoding; a bad byte is reported on its line
    reader = csv.reader(text, delimiter=delimiter)
    columns: list[str] | None = None
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
                continue
            if columns is None:
                if cells[0].strip().lower().startswith("sep="):
                    continue  # Excel's delimiter hint line
                columns = _check_header(cells, name, start, header)
                continue
            row = Row(start, {})
            extra = False
            for index, cell in enumerate(cells):
                if index < len(columns) and columns[index]:
                    row.cells[columns[index]] = cell
                elif cell.strip():
                    extra = True
            if extra:
                row.cells["\0extra"] = "1"
            yield row
    except UnicodeDecodeError:
        raise InputError(_NOT_UTF8, file=name, line=line + 1) from None
    except csv.Error as exc:
        raise InputError(f"CSV illisible / unreadable CSV: {exc}", file=name, line=line) from None
    finally:
        text.detach()
    if columns is None:
        raise InputError("fichier vide / empty file: no header row", file=name)


def _json_cell(value: Any) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | str):
        return str(value)
    return None


def _json_rows(opened: InputFile, name: str, header: _Header) -> Iterator[Row]:
    """A JSON array of objects (streamed, one object at a time) or JSON lines."""
    try:
        text = text_stream(opened, newline=None)
        for number, value in json_values(text, name):
            if not isinstance(value, dict):
                raise InputError(
                    "un objet par titulaire attendu / expected one object per holder",
                    file=name,
                    line=number,
                )
            cells: dict[str, str] = {}
            bad: list[str] = []
            for key, raw in value.items():
                column = header.normalise(str(key))
                if column not in header.names:
                    raise InputError(f"clé inconnue / unknown key: {key}", file=name, line=number)
                cell = _json_cell(raw)
                if cell is None:
                    bad.append(column)
                    continue
                cells[column] = cell
            row = Row(number, cells)
            for column in bad:
                row.cells[f"\0bad:{column}"] = "1"
            yield row
    except UnicodeDecodeError:
        raise InputError(_NOT_UTF8, file=name) from None


# ---------------------------------------------------------------------------------------
# template


def template(delimiter: str = ";") -> str:
    """An empty holders file: a comment row explaining each column, then the header."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    helps = [f"# {COLUMNS[0].name} : {COLUMNS[0].help_fr}"]
    helps += [f"{column.name} : {column.help_fr}" for column in COLUMNS[1:]]
    writer.writerow(helps)
    writer.writerow(COLUMN_NAMES)
    return out.getvalue()
