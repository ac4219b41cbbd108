"""The public surface: what ``import rncpkit`` promises, derived from the package itself (as
httpx's test does), and how the entry points treat their arguments."""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
import sys
import types
import warnings
from pathlib import Path

import pytest

import rncpkit
from rncpkit.errors import ArgumentTypeError, OutputError, UsageError
from rncpkit.model import Certification


def _public_modules() -> list[types.ModuleType]:
    found = []
    for info in pkgutil.walk_packages(rncpkit.__path__, "rncpkit."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        found.append(importlib.import_module(info.name))
    return found


def test_all_is_every_public_name_of_the_package() -> None:
    """``rncpkit.__all__`` lists exactly the package's public, non-module members."""
    members = {
        name
        for name, value in vars(rncpkit).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert sorted(rncpkit.__all__, key=str.casefold) == sorted(
        members | {"__version__"}, key=str.casefold
    )


def test_every_public_module_declares_its_surface() -> None:
    for module in _public_modules():
        exported = getattr(module, "__all__", None)
        assert exported is not None, f"{module.__name__} has no __all__ (or make it private)"
        for name in exported:
            assert hasattr(module, name), f"{module.__name__}.__all__ lists absent {name}"


def test_error_hierarchy() -> None:
    assert issubclass(rncpkit.FicheError, rncpkit.InputError)
    assert issubclass(rncpkit.InputError, rncpkit.RncpkitError)
    assert issubclass(rncpkit.UnsafeInputError, rncpkit.InputError)
    assert issubclass(rncpkit.UnsupportedVersionError, rncpkit.InputError)
    assert issubclass(rncpkit.OutputError, rncpkit.RncpkitError)
    assert issubclass(rncpkit.UsageError, rncpkit.RncpkitError)
    assert issubclass(rncpkit.ArgumentTypeError, rncpkit.UsageError)
    assert issubclass(rncpkit.ArgumentTypeError, TypeError)


def test_core_formats_are_registered() -> None:
    assert {"fc-xml", "json", "jsonl"} <= set(rncpkit.FORMATS)


# --------------------------------------------------------------------------- naming


def test_format_arguments_are_keyword_only_and_named_alike() -> None:
    """``from_format=`` for what is read, ``to=`` for what is written, everywhere."""
    for function, names in [
        (rncpkit.read, {"from_format"}),
        (rncpkit.read_records, {"from_format"}),
        (rncpkit.write, {"to"}),
        (rncpkit.convert, {"to", "from_format"}),
        (rncpkit.validate, {"from_format"}),
    ]:
        parameters = inspect.signature(function).parameters
        for name in names:
            assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY, (function, name)


def test_keyword_formats_work(seed_xml: Path, tmp_path: Path) -> None:
    certs = list(rncpkit.read(seed_xml, from_format="fc-xml"))
    out = tmp_path / "x.jsonl"
    assert rncpkit.write(certs, out, to="jsonl") == 1
    assert [c.number for c in rncpkit.read(out, from_format="jsonl")] == ["RNCP35080"]
    summary = rncpkit.convert(out, tmp_path / "y.json", to="json", from_format="jsonl")
    assert summary.written == 1
    assert list(rncpkit.validate(seed_xml, from_format="fc-xml")) is not None


def test_deprecated_spellings_still_work(seed_xml: Path, tmp_path: Path) -> None:
    certs = list(rncpkit.read(seed_xml, "fc-xml"))  # positional: deprecated, documented
    assert rncpkit.write(certs, tmp_path / "a.jsonl", "jsonl") == 1
    with pytest.warns(DeprecationWarning, match="use from_format="):
        assert len(list(rncpkit.read(tmp_path / "a.jsonl", format="jsonl"))) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        list(rncpkit.read(tmp_path / "a.jsonl", from_format="jsonl"))


def test_a_format_given_twice_is_a_usage_error(seed_xml: Path) -> None:
    with pytest.raises(UsageError, match="format given twice"):
        rncpkit.read(seed_xml, "fc-xml", from_format="fc-xml")
    with pytest.raises(UsageError, match="needs the output format"):
        rncpkit.write([], io.BytesIO())


# --------------------------------------------------------------------------- wrong arguments


def test_write_one_certification_instead_of_an_iterable() -> None:
    cert = Certification(number="RNCP1", title="A")
    with pytest.raises(ArgumentTypeError, match=r"iterable of Certification, not one.*\[cert"):
        rncpkit.write(cert, io.BytesIO(), to="json")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="takes Certification models, got dict"):
        rncpkit.write([{"number": "RNCP1"}], io.BytesIO(), to="json")  # type: ignore[list-item]
    with pytest.raises(ArgumentTypeError, match="not str"):
        rncpkit.write("fiches.xml", io.BytesIO(), to="json")  # type: ignore[arg-type]


def test_validate_or_read_a_model_instead_of_a_source() -> None:
    cert = Certification(number="RNCP1", title="A")
    with pytest.raises(ArgumentTypeError, match=r"not Certification models.*validation\.check"):
        list(rncpkit.validate(cert))  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="not list models"):
        rncpkit.read([cert])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", ["<FICHES><VERSION_FLUX>4.1</VERSION_FLUX></FICHES>", '[{"a": 1}]']
)
def test_read_file_content_given_as_text(text: str) -> None:
    with pytest.raises(ArgumentTypeError, match=r"looks like the content of a file.*encode\(\)"):
        rncpkit.read(text)
    with pytest.raises(ArgumentTypeError):
        rncpkit.convert(text, io.BytesIO(), to="json")


def test_text_streams_are_refused_with_the_fix() -> None:
    with pytest.raises(ArgumentTypeError, match="open it with 'rb'"):
        rncpkit.read(io.StringIO("<FICHES/>"))
    with pytest.raises(ArgumentTypeError, match=r"sys\.stdout\.buffer"):
        rncpkit.write([], sys.stdout, to="json")  # type: ignore[arg-type]


def test_bad_options_and_jobs_are_usage_errors(seed_xml: Path) -> None:
    with pytest.raises(ArgumentTypeError, match=r"options=WriteOptions"):
        rncpkit.write([], io.BytesIO(), to="json", options={"lang": "en"})  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="jobs must be"):
        rncpkit.convert(seed_xml, io.BytesIO(), to="json", jobs=0)
    with pytest.raises(UsageError, match="format name"):
        rncpkit.read(seed_xml, from_format=3)  # type: ignore[arg-type]


def test_output_error_is_located_like_input_errors() -> None:
    error = OutputError("cannot be written", fiche="RNCP1", field="INTITULE", file="out.xml")
    assert error.location() == "out.xml: fiche RNCP1: field INTITULE"
    assert str(error) == "out.xml: fiche RNCP1: field INTITULE: cannot be written"
    assert error.as_dict() == {
        "file": "out.xml",
        "line": None,
        "fiche": "RNCP1",
        "field": "INTITULE",
        "message": "cannot be written",
    }
    assert set(error.as_dict()) == set(rncpkit.InputError("x").as_dict())
    assert str(OutputError("bare")) == "bare"
