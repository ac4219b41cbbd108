"""The register: an embedded SQLite copy of the national register, kept current from the
nightly exports, queried from the CLI and the library (docs/register.md).

Names are loaded on first use: the format registry imports :mod:`rncpkit.register.format`
while :mod:`rncpkit.api` is still loading, and the query side needs that module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rncpkit._lazy import lazy_names

if TYPE_CHECKING:
    from rncpkit.register.api import Register, normalise_siret, number_candidates
    from rncpkit.register.ingest import UpdateSummary
    from rncpkit.register.results import (
        ChangeEntry,
        ExportEntry,
        Habilitation,
        HabilitationAnswer,
        Lineage,
        LineageEdge,
        LineageNode,
        SearchHit,
    )
    from rncpkit.register.schema import SCHEMA_VERSION, RegisterError

_HOMES = {
    "Register": "api",
    "normalise_siret": "api",
    "number_candidates": "api",
    "UpdateSummary": "ingest",
    "ChangeEntry": "results",
    "ExportEntry": "results",
    "Habilitation": "results",
    "HabilitationAnswer": "results",
    "Lineage": "results",
    "LineageEdge": "results",
    "LineageNode": "results",
    "SearchHit": "results",
    "SCHEMA_VERSION": "schema",
    "RegisterError": "schema",
}


__getattr__ = lazy_names(__name__, _HOMES)

__all__ = [
    "SCHEMA_VERSION",
    "ChangeEntry",
    "ExportEntry",
    "Habilitation",
    "HabilitationAnswer",
    "Lineage",
    "LineageEdge",
    "LineageNode",
    "Register",
    "RegisterError",
    "SearchHit",
    "UpdateSummary",
    "normalise_siret",
    "number_candidates",
]
