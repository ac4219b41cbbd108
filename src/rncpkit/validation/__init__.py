"""Validation: reading errors (types, formats) plus catalogued business rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from rncpkit import _arguments
from rncpkit.errors import FicheError, InputError
from rncpkit.formats import ReadResult
from rncpkit.io import Source, display_name
from rncpkit.model import Certification
from rncpkit.pipeline import open_records
from rncpkit.validation import text
from rncpkit.validation.findings import Finding, Severity
from rncpkit.validation.rules import (
    CATALOGUE,
    INPUT_UNREADABLE,
    Collector,
    Context,
    Located,
    Rule,
    read_rule,
)

__all__ = [
    "CATALOGUE",
    "INPUT_UNREADABLE",
    "Finding",
    "Rule",
    "Severity",
    "Tally",
    "check",
    "export_date",
    "finding_from_error",
    "validate",
]

_READ_TIME = frozenset(
    code for code, item in CATALOGUE.items() if item.check is None and item.collector is None
)
_NAME_DATE = re.compile(r"(\d{4})[-_](\d{2})[-_](\d{2})")


def export_date(name: str) -> dt.date | None:
    """The date in a France Compétences export name (``…_V4_1_2026-08-16.xml``), if any."""
    for match in reversed(list(_NAME_DATE.finditer(name))):
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            continue
    return None


def _selected(select: Iterable[str] | None, ignore: Iterable[str] | None) -> list[Rule]:
    chosen = set(select) if select else set(CATALOGUE)
    chosen -= set(ignore or ())
    return [rule for code, rule in CATALOGUE.items() if code in chosen]


def _finding(
    rule: Rule, located: Located, file: str | None, cert: Certification | None = None
) -> Finding:
    """``cert`` (the fiche a per-fiche rule judged) may turn an error into a warning."""
    issue = located.issue
    severity = rule.severity_for(cert)
    message_en, message_fr = issue.message_en, issue.message_fr
    if severity is not rule.severity and rule.legacy is not None:
        message_en = f"{message_en} ({rule.legacy.note_en})"
        message_fr = f"{message_fr} ({rule.legacy.note_fr})"
    return Finding(
        rule=rule.code,
        severity=severity,
        message=message_en,
        message_fr=message_fr,
        file=file,
        line=located.line,
        fiche=located.fiche,
        field=issue.field,
    )


def check(
    certification: Certification,
    *,
    today: dt.date | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    file: str | None = None,
    line: int | None = None,
) -> Iterator[Finding]:
    """Run the catalogued per-fiche rules on one certification (``today``: the date the
    export describes, for the active flag; the system date by default)."""
    rules = [rule for rule in _selected(select, ignore) if rule.check is not None]
    context = _fiche_context(Context(today=today or dt.date.today()), certification, rules)
    for rule in rules:
        assert rule.check is not None
        for issue in rule.check(certification, context):
            yield _finding(rule, Located(certification.number, line, issue), file, certification)


def _fiche_context(base: Context, cert: Certification, rules: list[Rule]) -> Context:
    """``base`` with ``cert``'s text digest when a rule reads it: computed once per fiche,
    passed explicitly (no cache that a model changed in place could outlive)."""
    if any(rule.reads_text for rule in rules):
        return dataclasses.replace(base, digest=text.digest(cert))
    return base


def finding_from_error(error: InputError, rule: str | None = None) -> Finding:
    """A reading problem as a finding: a malformed code gets its format rule, a file that
    cannot be read at all ``INPUT-UNREADABLE``, anything else ``READ-INVALID``."""
    if rule is None:
        rule = (
            read_rule(error.field, error.message)
            if isinstance(error, FicheError)
            else INPUT_UNREADABLE
        )
    return Finding(
        rule=rule,
        severity=Severity.ERROR,
        message=error.message,
        file=error.file,
        line=error.line,
        fiche=error.fiche,
        field=error.field,
    )


@dataclass
class Tally:
    """What a validation run went through, so that its summary accounts for every fiche:
    ``read == checked + unreadable + filtered``."""

    read: int = 0
    checked: int = 0
    unreadable: int = 0
    filtered: int = 0

    def line(self) -> str:
        """The fiche counts of the one-line summary ``rncpkit validate`` prints."""
        return (
            f"{self.read} fiches read, {self.checked} checked, {self.unreadable} unreadable, "
            f"{self.filtered} skipped by filter"
        )


def validate(
    source: Source,
    *legacy: str | None,
    from_format: str | None = None,
    today: dt.date | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    where: Callable[[Certification], bool] | None = None,
    tally: Tally | None = None,
    format: str | None = None,
) -> Iterator[Finding]:
    """Every problem of every fiche in ``source``: reading errors, then rule findings,
    then the file-level findings (duplicates, link cycles) once the file is read.
    ``tally``, when given, counts the fiches as they go.

    ``today`` is the date the export describes; by default the date in the file name
    (``export_fiches_RNCP_V4_1_2026-08-16.xml``), else the system date. Problems found
    while reading are reported unless their code is in ``ignore`` (``select`` does not
    hide them: a fiche that cannot be read cannot be checked). Input that cannot be read
    at all (not XML, unsafe, wrong version) raises :class:`~rncpkit.errors.InputError`.
    ``from_format`` names the input format (``format=`` and a positional format are
    deprecated spellings); a source of the wrong kind raises ArgumentTypeError.
    """
    _arguments.check_source(source, "validate")
    format = _arguments.from_format_argument(legacy, from_format, format, "validate")
    name = display_name(source)
    day = today or export_date(name) or dt.date.today()
    ignored = set(ignore or ())
    rules = _selected(select, ignored)
    per_fiche = [rule for rule in rules if rule.check is not None]
    collectors = [(rule, rule.collector()) for rule in rules if rule.collector is not None]
    with open_records(source, format) as opened:
        context = Context(today=day, uncarried=opened.format.uncarried)
        yield from _findings(
            opened.records, name, context, per_fiche, collectors, ignored, where, tally or Tally()
        )


def _findings(
    results: Iterator[ReadResult],
    name: str,
    context: Context,
    per_fiche: list[Rule],
    collectors: list[tuple[Rule, Collector]],
    ignored: set[str],
    where: Callable[[Certification], bool] | None,
    tally: Tally,
) -> Iterator[Finding]:
    digest = any(rule.reads_text for rule in per_fiche)
    for result in results:
        tally.read += 1
        if isinstance(result, FicheError):
            tally.unreadable += 1
            for problem in result.all_problems():
                finding = finding_from_error(problem)
                if finding.rule not in ignored:
                    yield finding
            continue
        cert, line = result.certification, result.line
        if where is not None and not where(cert):
            tally.filtered += 1
            continue  # filtered out (rncpkit validate --numero, --level…)
        tally.checked += 1
        fiche_context = (
            dataclasses.replace(context, digest=text.digest(cert)) if digest else context
        )
        for rule in per_fiche:
            assert rule.check is not None
            for issue in rule.check(cert, fiche_context):
                yield _finding(rule, Located(cert.number, line, issue), name, cert)
        for rule, collector in collectors:
            for located in collector.observe(cert, line):
                yield _finding(rule, located, name)
    for rule, collector in collectors:
        for located in collector.finish():
            yield _finding(rule, located, name)
