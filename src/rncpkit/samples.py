"""The files rncpkit ships beside its code: the embedded example certification (RNCP35080)
in ``samples/`` and the project XSDs in ``schemas/``, wherever rncpkit is installed.

In a wheel those folders ship inside the package as ``rncpkit/_samples`` and
``rncpkit/_schemas`` (pyproject's ``force-include``), found through
:mod:`importlib.resources`; in a source checkout (editable install) they are read from
the repository itself. :func:`data_file` is the one lookup every caller uses.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["SEED_NUMBER", "data_file", "sample_path", "schema_path"]

SEED_NUMBER = "RNCP35080"
"""The fiche number of the embedded example."""

_CHECKOUT = Path(__file__).resolve().parents[2]


def data_file(folder: str, name: str) -> Path:
    """``folder/name`` (``samples`` or ``schemas``) as shipped with this install;
    FileNotFoundError if it lacks it."""
    packaged = resources.files("rncpkit") / f"_{folder}" / name
    if packaged.is_file():
        return Path(str(packaged))
    checkout = _CHECKOUT / folder / name
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(f"{folder}/{name} is not installed with rncpkit")


def sample_path(name: str = f"{SEED_NUMBER}.xml") -> Path:
    """Path of an embedded sample file; FileNotFoundError if this install lacks it."""
    return data_file("samples", name)


def schema_path(name: str) -> Path:
    """Path of one of the project's XSDs (``certificate-supplement.xsd``, ``fc-flux-v4.1.xsd``)."""
    return data_file("schemas", name)
