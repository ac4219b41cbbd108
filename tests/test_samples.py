"""The embedded sample is found from the package, whatever the install."""

from __future__ import annotations

import pytest

import rncpkit
from rncpkit.samples import SEED_NUMBER, sample_path


def test_embedded_sample_is_the_seed_certification() -> None:
    [cert] = list(rncpkit.read(sample_path()))
    assert cert.number == SEED_NUMBER == "RNCP35080"
    assert [c.number for c in rncpkit.read(sample_path("RNCP35080.json"))] == ["RNCP35080"]


def test_missing_sample_is_a_clear_error() -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.xml"):
        sample_path("nope.xml")
