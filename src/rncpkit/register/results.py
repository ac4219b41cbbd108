"""The small typed results of register queries (fiches themselves are ``Certification``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = [
    "ChangeEntry",
    "ExportEntry",
    "Habilitation",
    "HabilitationAnswer",
    "Lineage",
    "LineageEdge",
    "LineageNode",
    "SearchHit",
]


def _with_iso_dates(result: Any) -> dict[str, Any]:
    """A result as a dict for JSON output: its fields, dates as ISO text (None stays None)."""
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in asdict(result).items()
    }


@dataclass(frozen=True)
class SearchHit:
    """One fiche found by :meth:`Register.search`, best first (``score``: bm25, lower is better;
    None when no text was searched)."""

    number: str
    title: str
    repertoire: str
    level: str | None
    active: bool | None
    registration_end: dt.date | None
    present: bool
    score: float | None

    def as_dict(self) -> dict[str, Any]:
        return _with_iso_dates(self)


@dataclass(frozen=True)
class ChangeEntry:
    """One line of the change feed: a fiche ``added``/``removed``, or one ``changed`` field
    with its old and new values (JSON values, None when absent)."""

    as_of: dt.date
    export_id: int
    number: str
    change: Literal["added", "removed", "changed"]
    field: str | None = None
    old: Any = None
    new: Any = None

    def as_dict(self) -> dict[str, Any]:
        out = _with_iso_dates(self)
        if self.change != "changed":
            for key in ("field", "old", "new"):
                del out[key]
        return out

    def __str__(self) -> str:
        mark = {"added": "+", "removed": "-", "changed": "~"}[self.change]
        text = f"{self.as_of.isoformat()} {mark} {self.number}"
        return text + (f" {self.field}" if self.field else "")


@dataclass(frozen=True)
class ExportEntry:
    """One export applied to the register."""

    id: int
    kind: str
    as_of: dt.date
    applied_at: str
    repertoires: tuple[str, ...]
    files: tuple[str, ...]
    fiches: int
    added: int
    removed: int
    changed: int
    rejected: int


@dataclass(frozen=True)
class LineageNode:
    """A fiche of a lineage graph; ``in_register`` False for a dangling link's target."""

    number: str
    in_register: bool
    title: str | None = None
    present: bool = False
    active: bool | None = None
    registration_end: dt.date | None = None
    in_force: bool = False

    def as_dict(self) -> dict[str, Any]:
        return _with_iso_dates(self)


@dataclass(frozen=True)
class LineageEdge:
    """``successor`` replaces ``predecessor``; ``declared_by`` the fiches that state it
    (the predecessor's NOUVELLE_CERTIFICATION, the successor's ANCIENNE_CERTIFICATION)."""

    predecessor: str
    successor: str
    declared_by: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "declared_by": list(self.declared_by)}


@dataclass(frozen=True)
class Lineage:
    """The predecessors and successors of ``number``, reached both ways through the links.

    ``current`` is the newest fiche in force on ``on`` reached by following successors from
    ``number`` (itself included), ``chain`` the path to it; ``cycles`` and ``dangling``
    (link targets absent from the register) are reported, never looped on.
    """

    number: str
    on: dt.date
    nodes: tuple[LineageNode, ...]
    edges: tuple[LineageEdge, ...]
    current: str | None
    chain: tuple[str, ...]
    cycles: tuple[tuple[str, ...], ...] = ()
    dangling: tuple[str, ...] = ()
    truncated: bool = False

    def node(self, number: str) -> LineageNode:
        return next(n for n in self.nodes if n.number == number)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "on": self.on.isoformat(),
            "current": self.current,
            "chain": list(self.chain),
            "nodes": [n.as_dict() for n in self.nodes],
            "edges": [e.as_dict() for e in self.edges],
            "cycles": [list(c) for c in self.cycles],
            "dangling": list(self.dangling),
            "truncated": self.truncated,
        }


@dataclass(frozen=True)
class Habilitation:
    """An organisation's role on one fiche: ``certifier``, or ``partner`` with its
    habilitation kind (HABILITATION_FORMER: to train; HABILITATION_ORGA_FORM: to train and
    organise the assessment; HABILITATION_ORGANISER: to organise it) and state."""

    number: str
    title: str
    role: Literal["certifier", "partner"]
    name: str
    siret: str | None
    kind: str | None
    state: str | None
    in_force: bool
    present: bool

    @property
    def active(self) -> bool:
        """Whether the role itself is in effect (state ``Actif`` or not given)."""
        return self.state in (None, "Actif")

    @property
    def description(self) -> str:
        """The role in words: ``certifier``, ``partner: to train``…"""
        if self.role == "certifier":
            return "certifier"
        return "partner: " + _KINDS.get(self.kind or "", self.kind or "habilitation not given")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "active": self.active, "description": self.description}


_KINDS = {
    "HABILITATION_FORMER": "to train",
    "HABILITATION_ORGA_FORM": "to train and organise the assessment",
    "HABILITATION_ORGANISER": "to organise the assessment",
}
"""What each HABILITATION_PARTENAIRE value allows."""


@dataclass(frozen=True)
class HabilitationAnswer:
    """Yes or no: may organisation ``siret`` award (certifier) or prepare for (partner)
    fiche ``number`` on ``on``; ``reason`` says why, ``roles`` what the register holds."""

    number: str
    siret: str
    on: dt.date
    yes: bool
    reason: str
    roles: tuple[Habilitation, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "siret": self.siret,
            "on": self.on.isoformat(),
            "yes": self.yes,
            "reason": self.reason,
            "roles": [r.as_dict() for r in self.roles],
        }
