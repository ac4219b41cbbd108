"""Links between fiches: successors, predecessors, duplicates within a file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rncpkit.model import Certification
from rncpkit.validation.findings import Severity
from rncpkit.validation.graph import cycle_path, cycles
from rncpkit.validation.rules.engine import Context, Issue, Located, file_rule, rule

# Its rules register themselves in the catalogue when the package imports it;
# nothing is imported from here by name.
__all__: list[str] = []


@rule(
    "LINK-SELF",
    Severity.ERROR,
    "A fiche is not its own successor or predecessor",
    "Une fiche n'est ni sa propre nouvelle ni sa propre ancienne certification",
)
def _link_self(cert: Certification, context: Context) -> Iterator[Issue]:
    for name, links in (("successors", cert.successors), ("predecessors", cert.predecessors)):
        for index, number in enumerate(links):
            if number == cert.number:
                yield Issue(
                    f"{name}[{index}]",
                    f"the fiche lists itself among its {name}",
                    f"la fiche se cite elle-même parmi ses "
                    f"{'nouvelles' if name == 'successors' else 'anciennes'} certifications",
                )


@file_rule(
    "LINK-CYCLE",
    Severity.ERROR,
    "Successor links within one file form no cycle",
    "Les liens vers les nouvelles certifications d'un même fichier ne forment pas de cycle",
)
class _LinkCycles:
    """Keeps only the links (not the fiches) and looks for cycles once the file is read."""

    def __init__(self) -> None:
        self.edges: dict[str, set[str]] = {}
        self.where: dict[str, int | None] = {}

    def observe(self, cert: Certification, line: int | None) -> Iterable[Located]:
        self.where.setdefault(cert.number, line)
        for successor in cert.successors:
            if successor != cert.number:
                self.edges.setdefault(cert.number, set()).add(successor)
        for predecessor in cert.predecessors:
            if predecessor != cert.number:
                self.edges.setdefault(predecessor, set()).add(cert.number)
        return ()

    def finish(self) -> Iterable[Located]:
        for component in cycles(self.edges):
            start = min(component, key=lambda n: (n not in self.where, self.where.get(n) or 0, n))
            path = cycle_path(start, component, self.edges)
            shown = " → ".join(path)
            yield Located(
                start,
                self.where.get(start),
                Issue(
                    "successors",
                    f"successor links form a cycle: {shown}",
                    f"les liens de succession forment un cycle : {shown}",
                ),
            )


@file_rule(
    "FICHE-DUPLICATE",
    Severity.ERROR,
    "A fiche number appears once in a file",
    "Un numéro de fiche n'apparaît qu'une fois dans un fichier",
)
@dataclass
class _Duplicates:
    seen: dict[str, int | None] = field(default_factory=dict)

    def observe(self, cert: Certification, line: int | None) -> Iterable[Located]:
        if cert.number not in self.seen:
            self.seen[cert.number] = line
            return ()
        first = self.seen[cert.number]
        at = f" (first at line {first})" if first else ""
        at_fr = f" (d'abord ligne {first})" if first else ""
        return (
            Located(
                cert.number,
                line,
                Issue(
                    "number",
                    f"fiche {cert.number} appears again{at}",
                    f"la fiche {cert.number} apparaît de nouveau{at_fr}",
                ),
            ),
        )

    def finish(self) -> Iterable[Located]:
        return ()
