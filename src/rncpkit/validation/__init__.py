"""Validation: reading errors (types, formats) plus catalogued business rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from rncpkit.api import read_records
from rncpkit.errors import FicheError, InputError
from rncpkit.io import Source, display_name
from rncpkit.model import Certification
from rncpkit.validation.findings import Finding, Severity
from rncpkit.validation.rules import CATALOGUE, Context, Rule

__all__ = ["CATALOGUE", "Finding", "Rule", "Severity", "check", "validate"]

READ_ERROR = "READ-INVALID"
"""Rule code of the problems found while reading (types, formats, structure)."""


def _selected(select: Iterable[str] | None, ignore: Iterable[str] | None) -> list[Rule]:
    chosen = set(select) if select else set(CATALOGUE)
    chosen -= set(ignore or ())
    return [rule for code, rule in CATALOGUE.items() if code in chosen]


def check(
    certification: Certification,
    *,
    today: dt.date | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    file: str | None = None,
    line: int | None = None,
) -> Iterator[Finding]:
    """Run the catalogued rules on one certification."""
    context = Context(today=today or dt.date.today())
    for rule in _selected(select, ignore):
        for issue in rule.check(certification, context):
            yield Finding(
                rule=rule.code,
                severity=rule.severity,
                message=issue.message_en,
                message_fr=issue.message_fr,
                file=file,
                line=line,
                fiche=certification.number,
                field=issue.field,
            )


def _from_error(error: InputError) -> Finding:
    return Finding(
        rule=READ_ERROR,
        severity=Severity.ERROR,
        message=error.message,
        file=error.file,
        line=error.line,
        fiche=error.fiche,
        field=error.field,
    )


def validate(
    source: Source,
    format: str | None = None,
    *,
    today: dt.date | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
) -> Iterator[Finding]:
    """Every problem of every fiche in ``source``: reading errors, then rule findings.

    Input that cannot be read at all (not XML, unsafe, wrong version) raises
    :class:`~rncpkit.errors.InputError`.
    """
    name = display_name(source)
    for result in read_records(source, format):
        if isinstance(result, FicheError):
            for problem in result.all_problems():
                yield _from_error(problem)
            continue
        yield from check(
            result.certification,
            today=today,
            select=select,
            ignore=ignore,
            file=name,
            line=result.line,
        )
