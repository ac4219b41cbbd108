"""Other content: unknown elements kept verbatim, plausible promotion statistics."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rncpkit.model import Certification
from rncpkit.validation.findings import Severity
from rncpkit.validation.rules.engine import Context, Issue, rule

# Its rules register themselves in the catalogue when the package imports it;
# nothing is imported from here by name.
__all__: list[str] = []

_TAG = re.compile(r"<([^\s/>]+)")


@rule(
    "UNKNOWN-ELEMENT",
    Severity.ERROR,
    "The fiche holds no element unknown to the flux (kept verbatim by convert)",
    "La fiche ne contient aucun élément inconnu du flux (conservé tel quel par convert)",
)
def _unknown(cert: Certification, context: Context) -> Iterator[Issue]:
    for item in cert.unknown_elements:
        match = _TAG.match(item.xml)
        tag = match.group(1)[:60] if match else "?"
        yield Issue(
            f"{item.parent}/{tag}",
            f"unknown element <{tag}> in {item.parent}",
            f"élément inconnu <{tag}> dans {item.parent}",
        )


@rule(
    "STATS-RANGE",
    Severity.ERROR,
    "Promotion statistics are plausible: VAE ≤ total, rates 0–100 (the model refuses negatives)",
    "Les statistiques de promotion sont plausibles : VAE ≤ total, taux 0–100",
)
def _stats_range(cert: Certification, context: Context) -> Iterator[Issue]:
    for index, stats in enumerate(cert.statistics):
        where = f"statistics[{index}]"
        for name in ("employment_rate_6_months", "occupation_rate_2_years"):
            value = getattr(stats, name)
            if value is not None and not 0 <= value <= 100:
                yield Issue(
                    f"{where}.{name}",
                    f"rate {value} is not a percentage",
                    f"le taux {value} n'est pas un pourcentage",
                )
        if (
            stats.certified is not None
            and stats.certified_by_vae is not None
            and stats.certified_by_vae > stats.certified
        ):
            yield Issue(
                f"{where}.certified_by_vae",
                f"{stats.certified_by_vae} certified by VAE out of {stats.certified}",
                f"{stats.certified_by_vae} certifiés par VAE sur {stats.certified}",
            )
