"""The embedded example certification (RNCP35080), wherever rncpkit is installed.

In a wheel the repository's ``samples/`` folder ships as ``rncpkit/_samples``; in a source
checkout (editable install) it is read from the repository itself.
"""

from __future__ import annotations

from pathlib import Path

SEED_NUMBER = "RNCP35080"
"""The fiche number of the embedded example."""

_PACKAGED = Path(__file__).resolve().parent / "_samples"
_CHECKOUT = Path(__file__).resolve().parents[2] / "samples"


def sample_path(name: str = f"{SEED_NUMBER}.xml") -> Path:
    """Path of an embedded sample file; FileNotFoundError if this install lacks it."""
    for folder in (_PACKAGED, _CHECKOUT):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"embedded sample {name!r} not found in {_PACKAGED} or {_CHECKOUT}")
