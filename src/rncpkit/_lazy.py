"""Names of a package loaded on first use (a module ``__getattr__``, PEP 562).

For packages whose modules must not all be imported with the package: the register (its
format module is imported while :mod:`rncpkit.api` is still loading) and the credentials
(their column table is read by the CLI without the optional extra installed).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: a name of ``homes`` is taken from the
    module ``package.<home>``, imported then; any other name is an AttributeError."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{home}"), name)

    return __getattr__
