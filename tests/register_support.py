"""Small exports for the register tests, made from the embedded sample fiche."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import rncpkit
from rncpkit.model import Certification

ROOT = Path(__file__).resolve().parents[1]
SEED_XML = ROOT / "samples" / "RNCP35080.xml"


def seed() -> Certification:
    return next(rncpkit.read(SEED_XML))


def fiche(number: str, **changes: Any) -> Certification:
    """The sample fiche renumbered (blocks too) with ``changes``, validated."""
    base = seed()
    data = base.model_dump()
    data["number"] = number
    data["blocks"] = [
        {**block, "code": block["code"].replace("RNCP35080", number)} for block in data["blocks"]
    ]
    data.update(changes)
    return Certification.model_validate(data)


def export(path: Path, fiches: Iterable[Certification]) -> Path:
    """Write ``fiches`` as a flux V4.1 file (named with its date by the caller)."""
    rncpkit.write(fiches, path, to="fc-xml")
    return path
