"""A finding: one problem found in one fiche, located and explained."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

__all__ = [
    "Finding",
    "Severity",
]


class Severity(StrEnum):
    """An error makes a fiche unfit for use; a warning deserves a look."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """What ``rncpkit validate`` reports (``--format json`` prints these fields)."""

    rule: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    fiche: str | None = None
    field: str | None = None
    message_fr: str | None = None

    def as_dict(self) -> dict[str, str | int | None]:
        """JSON-ready form, severity as its name."""
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.fiche:
            parts.append(f"fiche {self.fiche}")
        if self.field:
            parts.append(f"field {self.field}")
        return f"{': '.join(parts)}: {self.severity.value} [{self.rule}] {self.message}"
