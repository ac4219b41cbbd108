"""Counts over a whole export, in one streaming pass (memory independent of its size)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rncpkit.errors import FicheError
from rncpkit.io import Source
from rncpkit.model import Certification
from rncpkit.pipeline import Progress, open_records

__all__ = [
    "compute",
]

NONE = "(none)"
"""The key under which fiches without a value are counted (RS fiches have no level)."""


@dataclass
class Stats:
    """What :func:`compute` counted. Invariant: ``read == counted + filtered + rejected``."""

    read: int = 0
    counted: int = 0
    filtered: int = 0
    rejected: int = 0
    errors: list[FicheError] = field(default_factory=list)
    repertoire: Counter[str] = field(default_factory=Counter)
    level: Counter[str] = field(default_factory=Counter)
    state: Counter[str] = field(default_factory=Counter)
    registration_type: Counter[str] = field(default_factory=Counter)
    active: Counter[str] = field(default_factory=Counter)
    blocks: int = 0
    partners: int = 0
    certifiers: int = 0

    def add(self, cert: Certification) -> None:
        """Count one fiche."""
        self.counted += 1
        self.repertoire[cert.repertoire.value] += 1
        self.level[cert.level.value if cert.level else NONE] += 1
        self.state[cert.state.value if cert.state else NONE] += 1
        self.registration_type[
            cert.registration_type.value if cert.registration_type else NONE
        ] += 1
        self.active[{True: "active", False: "inactive", None: NONE}[cert.active]] += 1
        self.blocks += len(cert.blocks)
        self.partners += len(cert.partners)
        self.certifiers += len(cert.certifiers)

    def line(self) -> str:
        """The bulk-run summary line."""
        return (
            f"{self.read} fiches read, {self.counted} counted, "
            f"{self.filtered} skipped by filter, {self.rejected} rejected"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (``rncpkit stats --format json``); counters sorted by key."""
        return {
            "fiches": self.counted,
            "by_repertoire": dict(sorted(self.repertoire.items())),
            "by_level": dict(sorted(self.level.items())),
            "by_state": dict(sorted(self.state.items())),
            "by_registration_type": dict(sorted(self.registration_type.items())),
            "by_active": dict(sorted(self.active.items())),
            "totals": {
                "blocks": self.blocks,
                "partners": self.partners,
                "certifiers": self.certifiers,
            },
            "summary": {
                "read": self.read,
                "counted": self.counted,
                "filtered": self.filtered,
                "rejected": self.rejected,
            },
        }

    def render(self) -> str:
        """Aligned text for people."""
        lines = [f"fiches                 {self.counted}"]
        sections: list[tuple[str, Counter[str]]] = [
            ("by répertoire", self.repertoire),
            ("by level", self.level),
            ("by état", self.state),
            ("by registration type", self.registration_type),
            ("by active", self.active),
        ]
        for title, counter in sections:
            lines.append(title)
            lines += [f"  {key:40} {count:>8}" for key, count in sorted(counter.items())]
        lines.append("totals")
        lines += [
            f"  {'blocks':40} {self.blocks:>8}",
            f"  {'partners':40} {self.partners:>8}",
            f"  {'certifiers':40} {self.certifiers:>8}",
        ]
        return "\n".join(lines)


def compute(
    source: Source,
    format: str | None = None,
    *,
    where: Callable[[Certification], bool] | None = None,
    progress: Progress | None = None,
) -> Stats:
    """Count the fiches of ``source`` (those ``where`` keeps); invalid fiches are counted as
    rejected and kept in :attr:`Stats.errors`."""
    stats = Stats()
    with open_records(source, format, progress=progress) as opened:
        for result in opened.records:
            stats.read += 1
            if isinstance(result, FicheError):
                stats.rejected += 1
                stats.errors.append(result)
            elif where is not None and not where(result.certification):
                stats.filtered += 1
            else:
                stats.add(result.certification)
    return stats
