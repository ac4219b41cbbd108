"""One processing report against what the certifier holds: the spreadsheet's rows that were
refused (and a file of exactly those rows to correct), and the ledger's statuses.

The report is streamed once; only the refused passages are kept (to find their rows), and
only when a holders file is given.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rncpkit.accrochage.ledger import Ledger, Recorded
from rncpkit.accrochage.receipt import Outcome, ProcessingReport, read_report
from rncpkit.accrochage.resend import RefusedRow, refused_rows, write_rows
from rncpkit.accrochage.rows import Row
from rncpkit.io import Source

__all__ = [
    "Reconciliation",
    "reconcile",
]


@dataclass
class Reconciliation:
    """A processing report, and what it meant for the holders file and the ledger."""

    report: ProcessingReport
    rows: list[RefusedRow] = field(default_factory=list)
    """The refused passages found in the holders file, in file order."""
    missing: int = 0
    """Refused passages whose idTechnique is not in the holders file."""
    corrections: Path | None = None
    """The CSV of the refused rows, when written."""
    ledger: Recorded | None = None


def default_corrections(holders: str | os.PathLike[str]) -> Path:
    """``titulaires.csv`` → ``titulaires-a-corriger.csv`` beside it."""
    path = Path(os.fspath(holders))
    return path.with_name(path.stem + "-a-corriger.csv")


def reconcile(
    rapport: str | os.PathLike[str],
    *,
    holders: Source | None = None,
    corrections: str | os.PathLike[str] | None = None,
    ledger: str | os.PathLike[str] | None = None,
) -> Reconciliation:
    """Read ``rapport``; with ``holders`` map the refused passages to its rows and write
    them to ``corrections``; with ``ledger`` record every outcome (all or nothing)."""
    refused: dict[str, str] = {}
    book = Ledger(ledger, write=True) if ledger is not None else None

    def seen(outcome: Outcome, report: ProcessingReport) -> None:
        if holders is not None and not outcome.accepted:
            refused[outcome.technical_id] = outcome.message or ""
        if book is not None:
            book.record_outcome(outcome, report.treatment_id)

    if book is None:
        result = Reconciliation(read_report(rapport, seen))
    else:
        with book:
            report = read_report(rapport, seen)
            result = Reconciliation(report, ledger=book.finish_report(report))
    if holders is not None and refused:
        target = corrections
        if target is None:
            named = isinstance(holders, str | os.PathLike) and os.fspath(holders) != "-"
            target = default_corrections(holders) if named else "a-corriger.csv"  # type: ignore[arg-type]

        def rows() -> Iterator[Row]:
            for row, message in refused_rows(holders, refused):
                result.rows.append(RefusedRow(row.number, row.technical_id or "", message))
                yield row

        found = rows()
        first = next(found, None)
        if first is not None:
            write_rows(itertools.chain([first], found), target)
            result.corrections = Path(os.fspath(target))
        result.missing = len(refused) - len({r.technical_id for r in result.rows})
    return result
