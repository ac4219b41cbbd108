"""The public surface: what ``import rncpkit`` promises (a change here is an API change)."""

from __future__ import annotations

import rncpkit

EXPECTED = {
    "FORMATS",
    "AccessRouteCode",
    "Certification",
    "FicheError",
    "Finding",
    "InputError",
    "Level",
    "OutputError",
    "Record",
    "Repertoire",
    "RncpkitError",
    "Severity",
    "Summary",
    "UnsafeInputError",
    "UnsupportedVersionError",
    "UsageError",
    "WriteOptions",
    "__version__",
    "convert",
    "find",
    "read",
    "read_records",
    "validate",
    "write",
}


def test_all_is_exactly_the_documented_surface() -> None:
    assert set(rncpkit.__all__) == EXPECTED
    assert len(rncpkit.__all__) == len(EXPECTED)
    for name in rncpkit.__all__:
        assert hasattr(rncpkit, name), name


def test_error_hierarchy() -> None:
    assert issubclass(rncpkit.FicheError, rncpkit.InputError)
    assert issubclass(rncpkit.InputError, rncpkit.RncpkitError)
    assert issubclass(rncpkit.UnsafeInputError, rncpkit.InputError)
    assert issubclass(rncpkit.UnsupportedVersionError, rncpkit.InputError)
    assert issubclass(rncpkit.OutputError, rncpkit.RncpkitError)
    assert issubclass(rncpkit.UsageError, rncpkit.RncpkitError)


def test_core_formats_are_registered() -> None:
    assert {"fc-xml", "json", "jsonl"} <= set(rncpkit.FORMATS)
