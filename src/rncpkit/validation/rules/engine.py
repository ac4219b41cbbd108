"""The rule engine's types and registry: what a rule is, what it sees, where it is catalogued.

A rule is a function ``(certification, context) -> iterable of Issue`` registered with
:func:`rule`; rules that need the whole file (duplicates, link cycles) are collectors
registered with :func:`file_rule`. The catalogue is what ``rncpkit validate --rules``
lists; codes never change meaning once published."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from rncpkit.model import Certification
from rncpkit.validation import text
from rncpkit.validation.findings import Severity

__all__ = [
    "CATALOGUE",
    "INACTIVE",
    "Check",
    "Collector",
    "Context",
    "Issue",
    "Located",
    "Rule",
    "add_rule",
    "file_rule",
    "rule",
]


@dataclass(frozen=True, slots=True)
class Issue:
    """What a rule reports; the engine adds the rule code, severity and location."""

    field: str
    message_en: str
    message_fr: str


@dataclass(frozen=True)
class Context:
    """Facts a rule may need beyond the fiche: the day the export describes, the fields
    the source format cannot carry (its ``Format.uncarried``: a rule does not call
    "missing" what the file had no place for), and the fiche's text digest, computed
    once by the engine for the text rules (a context built without one, as in tests,
    computes it on demand)."""

    today: dt.date
    uncarried: frozenset[str] = frozenset()
    digest: text.Digest | None = None

    def carries(self, field_name: str) -> bool:
        """Whether the source format has a place for ``field_name``."""
        return field_name not in self.uncarried

    def text_digest(self, cert: Certification) -> text.Digest:
        """The digest of ``cert``'s free text: the engine's, else computed now."""
        return self.digest if self.digest is not None else text.digest(cert)


Check = Callable[[Certification, Context], Iterable[Issue]]


@dataclass(frozen=True, slots=True)
class Located:
    """An issue a file-level rule found, with the fiche and line it belongs to."""

    fiche: str
    line: int | None
    issue: Issue


class Collector(Protocol):
    """A file-level rule: sees each fiche in turn, reports as it goes and at the end."""

    def observe(self, cert: Certification, line: int | None) -> Iterable[Located]: ...

    def finish(self) -> Iterable[Located]: ...


@dataclass(frozen=True)
class Legacy:
    """When an error rule reports only a warning: on fiches that France Compétences
    publishes as history, registered before the rule existed or no longer in force. A
    national run must not fail on the register's own past."""

    applies: Callable[[Certification], bool]
    when_en: str
    """Which fiches, as the rule catalogue says it (docs/rules.md)."""
    when_fr: str
    note_en: str
    """Appended to the finding's message, so that the warning says why it is one."""
    note_fr: str


def _inactive(cert: Certification) -> bool:
    return cert.active is False


INACTIVE = Legacy(
    _inactive,
    "on an inactive fiche (ACTIF Non: registration ended), published as it was registered",
    "sur une fiche inactive (ACTIF Non : enregistrement échu), publiée telle qu'enregistrée",
    "inactive fiche: warning only",
    "fiche inactive : simple avertissement",
)
"""The era test shared by the presence rules: an inactive fiche keeps what it was
registered with (the V3 flux and the pre-2019 registrations had no partner flag, no
decision date, no blocks, no ROME codes), and nobody can correct it any more."""


@dataclass(frozen=True)
class Rule:
    """A catalogued rule: a per-fiche ``check``, a file-level ``collector``, or neither
    (findings raised while reading, such as ``READ-INVALID``). ``legacy`` says on which
    fiches an error is only a warning; ``reads_text`` asks the engine for the text digest."""

    code: str
    severity: Severity
    summary_en: str
    summary_fr: str
    check: Check | None = None
    collector: Callable[[], Collector] | None = None
    legacy: Legacy | None = None
    reads_text: bool = False

    def severity_for(self, cert: Certification | None) -> Severity:
        """The severity of this rule's finding on ``cert``."""
        if cert is not None and self.legacy is not None and self.legacy.applies(cert):
            return Severity.WARNING
        return self.severity


CATALOGUE: dict[str, Rule] = {}


def add_rule(item: Rule) -> None:
    """Put ``item`` in the catalogue; a code is registered once."""
    if item.code in CATALOGUE:
        raise ValueError(f"duplicate rule code {item.code}")
    CATALOGUE[item.code] = item


def rule(
    code: str,
    severity: Severity,
    summary_en: str,
    summary_fr: str,
    *,
    legacy: Legacy | None = None,
    reads_text: bool = False,
) -> Callable[[Check], Check]:
    """Register a per-fiche rule in the catalogue under its stable code."""

    def register(check: Check) -> Check:
        add_rule(
            Rule(
                code,
                severity,
                summary_en,
                summary_fr,
                check=check,
                legacy=legacy,
                reads_text=reads_text,
            )
        )
        return check

    return register


def file_rule(
    code: str, severity: Severity, summary_en: str, summary_fr: str
) -> Callable[[type[Collector]], type[Collector]]:
    """Register a file-level rule (a :class:`Collector` class) under its stable code."""

    def register(cls: type[Collector]) -> type[Collector]:
        add_rule(Rule(code, severity, summary_en, summary_fr, collector=cls))
        return cls

    return register
