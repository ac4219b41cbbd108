"""The register: an embedded SQLite copy of the national register, kept current from the
nightly exports, queried from the CLI and the library (docs/register.md).

Names are loaded on first use: the format registry imports :mod:`rncpkit.register.format`
while :mod:`rncpkit.api` is still loading, and the query side needs that module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'rncpkit.register' has no attribute {name!r}")
    return getattr(importlib.import_module(f"rncpkit.register.{home}"), name)


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
