"""The one lookup of files shipped beside the code (samples, schemas), wheel or checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from rncpkit import samples
from rncpkit.accrochage import fiches
from rncpkit.supplement import content

from .conftest import SAMPLES, SCHEMAS


def test_checkout_files_are_found() -> None:
    assert samples.sample_path() == SAMPLES / "RNCP35080.xml"
    assert samples.schema_path("fc-flux-v4.1.xsd") == SCHEMAS / "fc-flux-v4.1.xsd"
    assert content.schema_path() == SCHEMAS / "certificate-supplement.xsd"
    assert fiches.sample_path is samples.sample_path


def test_wheel_files_come_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "_samples").mkdir()
    (tmp_path / "_samples" / "RNCP35080.xml").write_text("<FICHES/>")
    monkeypatch.setattr(samples.resources, "files", lambda _package: tmp_path)
    assert samples.sample_path() == tmp_path / "_samples" / "RNCP35080.xml"
    assert samples.schema_path("fc-flux-v4.1.xsd") == SCHEMAS / "fc-flux-v4.1.xsd"


def test_a_missing_file_says_so() -> None:
    with pytest.raises(FileNotFoundError, match=r"samples/absent\.xml is not installed"):
        samples.sample_path("absent.xml")
