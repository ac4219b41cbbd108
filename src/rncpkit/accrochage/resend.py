"""Back from the portal's report to the certifier's spreadsheet: which rows were refused, and
a file of exactly those rows, ready to be corrected and built again.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rncpkit.accrochage.columns import COLUMN_NAMES
from rncpkit.accrochage.holders import read_rows
from rncpkit.accrochage.rows import Row
from rncpkit.io import Source, atomic_output

__all__ = [
    "RefusedRow",
    "refused_rows",
    "write_rows",
]


@dataclass(frozen=True, slots=True)
class RefusedRow:
    """A refused passage found in the holders file: its row, idTechnique and reason."""

    row: int
    technical_id: str
    reason: str


def refused_rows(
    holders: Source, refused: dict[str, str], *, delimiter: str | None = None
) -> Iterator[tuple[Row, str]]:
    """The rows of ``holders`` whose ``id_technique`` the report refused (``refused``:
    idTechnique → portal message), in file order, read one at a time."""
    for row in read_rows(holders, delimiter=delimiter):
        tid = row.technical_id
        if tid is not None and tid in refused:
            yield row, refused[tid]


def write_rows(rows: Iterable[Row], destination: str | os.PathLike[str]) -> int:
    """Write ``rows`` as a holders CSV (``;``, UTF-8 with BOM for Excel, CRLF), columns named
    as the build reads them; owner-only permissions, the rows being personal data. Returns
    the number of rows written."""
    count = 0
    with atomic_output(destination, private=True) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        writer: csv.DictWriter[str] | None = None
        for row in rows:
            cells = {name: value for name, value in row.cells.items() if not name.startswith("\0")}
            if writer is None:  # the first row's columns, then any other the build reads
                names = list(cells) + [name for name in COLUMN_NAMES if name not in cells]
                writer = csv.DictWriter(
                    text,
                    fieldnames=names,
                    delimiter=";",
                    lineterminator="\r\n",
                    extrasaction="ignore",
                )
                writer.writeheader()
            writer.writerow(cells)
            count += 1
        text.flush()
        text.detach()
    return count
