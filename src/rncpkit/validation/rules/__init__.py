"""The catalogue of business rules, one module per area.

Importing an area module registers its rules; the order of ``AREAS`` is the catalogue's order
(``rncpkit validate --rules``, docs/rules.md) and the order findings of one fiche come in.
"""

from __future__ import annotations

import importlib

AREAS = (
    "read",
    "fiche",
    "registration",
    "partners",
    "routes",
    "codes",
    "links",
    "texts",
    "content",
)
"""The area modules, in catalogue order (imported here by name so that no import sorter can
reorder the catalogue)."""
for _area in AREAS:
    importlib.import_module(f"{__name__}.{_area}")

from rncpkit.validation.rules.engine import (  # noqa: E402
    CATALOGUE,
    Check,
    Collector,
    Context,
    Issue,
    Located,
    Rule,
    file_rule,
    rule,
)
from rncpkit.validation.rules.read import (  # noqa: E402
    INPUT_UNREADABLE,
    READ_INVALID,
    read_rule,
)
from rncpkit.validation.rules.registration import add_years  # noqa: E402

__all__ = [
    "CATALOGUE",
    "INPUT_UNREADABLE",
    "READ_INVALID",
    "Check",
    "Collector",
    "Context",
    "Issue",
    "Located",
    "Rule",
    "add_years",
    "file_rule",
    "read_rule",
    "rule",
]
