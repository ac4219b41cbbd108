"""Shared fixtures: the embedded sample and the real reference files (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SCHEMAS = ROOT / "schemas"
REFERENCE = ROOT.parent / "shared" / "reference"
FC_REFERENCE = REFERENCE / "france-competences"
SEED = ROOT.parent / "shared" / "seed" / "000_456503fa35bbe4b9.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

REAL_V41_SAMPLES = [
    "export_fiches_RNCP_V4_1_sample.xml",
    "export_fiches_RS_V4_1_sample.xml",
]


def reference(*parts: str) -> Path:
    """A file of ../shared/reference, or skip the test when it is not there (user machines)."""
    path = REFERENCE.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference file absent: {path}")
    return path


@pytest.fixture
def seed_xml() -> Path:
    return SAMPLES / "RNCP35080.xml"


@pytest.fixture
def seed_json() -> Path:
    return SAMPLES / "RNCP35080.json"
