"""What each format declares: typed ``-O`` options, fields carried, versions, splitting."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import io
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import rncpkit
from rncpkit.cli import cli
from rncpkit.errors import RncpkitWarning, UsageError
from rncpkit.europass.isced import EuropassOptions
from rncpkit.formats import FORMATS, WriteOptions, fc_xml, get_format
from rncpkit.formats.base import Record
from rncpkit.formats.fc_csv import CsvOptions
from rncpkit.formats.options import FormatOptions, NoOptions
from rncpkit.io import open_input
from rncpkit.model import AccessRoute, Certification
from rncpkit.supplement.content import SupplementOptions

# --------------------------------------------------------------------------- options


def test_every_format_declares_a_frozen_options_class() -> None:
    for fmt in FORMATS.values():
        assert issubclass(fmt.options, FormatOptions), fmt.name
        assert fmt.options.__dataclass_params__.frozen, fmt.name  # type: ignore[attr-defined]
        instance = fmt.options.parse({})
        with pytest.raises(dataclasses.FrozenInstanceError):
            instance.x = 1  # type: ignore[attr-defined]


def test_options_are_parsed_into_typed_values() -> None:
    assert CsvOptions.parse({"export_date": "2026-08-16"}).export_date == dt.date(2026, 8, 16)
    europass = EuropassOptions.parse([("nsf-isced", "map.tsv"), ("isced", "0413, 0311")])
    assert europass == EuropassOptions(nsf_isced=Path("map.tsv"), isced=("0413", "0311"))
    supplement = SupplementOptions.parse(
        [
            ("title_en.RNCP35080", "Manager"),
            ("title_en.RS5000", "Safety"),
            ("translations", "t.json"),
        ]
    )
    assert supplement.title_en == {"RNCP35080": "Manager", "RS5000": "Safety"}
    assert supplement.translations == Path("t.json")


@pytest.mark.parametrize(
    ("kind", "pairs", "message"),
    [
        (
            SupplementOptions,
            {"titel_en.RNCP35080": "x"},
            r"unknown option 'titel_en\.RNCP35080'.*"
            r"known: translations, title_en\.<NAME>",
        ),
        (SupplementOptions, {"title_en": "x"}, "unknown option 'title_en'"),
        (CsvOptions, {"export-date": "2026-08-16"}, "known: export_date"),
        (CsvOptions, {"export_date": "16/08/2026"}, "export_date: expected a date AAAA-MM-JJ"),
        (EuropassOptions, {"isced": "management"}, "isced: expected ISCED-F codes"),
        (NoOptions, {"lang": "en"}, "takes no -O option"),
    ],
)
def test_option_faults_are_usage_errors_listing_known_keys(
    kind: type[FormatOptions], pairs: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        kind.parse(pairs)


def test_write_options_give_the_format_its_own_options() -> None:
    given = CsvOptions(export_date=dt.date(2024, 2, 22))
    assert WriteOptions(format=given).of(CsvOptions) is given
    assert WriteOptions().of(CsvOptions) == CsvOptions()
    with pytest.raises(UsageError, match="CsvOptions given where SupplementOptions"):
        WriteOptions(format=given).of(SupplementOptions)
    # the deprecated untyped form is still checked
    assert WriteOptions(extra={"export_date": "2024-02-22"}).of(CsvOptions) == given
    with pytest.raises(UsageError, match="unknown option 'exportdate'"):
        WriteOptions(extra={"exportdate": "2024-02-22"}).of(CsvOptions)


def test_cli_option_typo_is_exit_2_listing_known_keys(seed_xml: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["convert", str(seed_xml), "--to", "supplement-html", "-O", "titel_en.RNCP35080=Manager"],
    )
    assert result.exit_code == 2
    assert "unknown option 'titel_en.RNCP35080' for supplement-html" in result.output
    assert "translations, title_en.<NAME>" in result.output


@pytest.mark.parametrize(
    ("to", "option", "message"),
    [
        ("fc-xml", "lang=en", "the fc-xml format takes no -O option"),
        ("fc-csv", "export_date=tomorrow", "expected a date AAAA-MM-JJ"),
        ("europass-xml", "isced=x", "expected ISCED-F codes"),
        ("json", "novalue", "expected KEY=VALUE"),
    ],
)
def test_cli_option_faults_are_exit_2(seed_xml: Path, to: str, option: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["convert", str(seed_xml), "--to", to, "-O", option])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_cli_typed_option_reaches_the_writer(seed_xml: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.zip"
    result = CliRunner().invoke(
        cli,
        [
            "convert",
            str(seed_xml),
            "--to",
            "fc-csv",
            "-O",
            "export_date=2024-02-22",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(out).namelist()
    assert names and all("2024_02_22" in name for name in names)


# --------------------------------------------------------------------------- capabilities


def test_uncarried_fields_are_model_fields() -> None:
    known = set(Certification.model_fields) | set(AccessRoute.model_fields)
    for fmt in FORMATS.values():
        assert fmt.uncarried <= known, fmt.name
        assert all(not fmt.carries(name) for name in fmt.uncarried)
    assert get_format("fc-csv").uncarried >= {"state", "activities", "jury"}
    assert get_format("fc-xml").uncarried == frozenset()


def test_flux_versions_are_declared_by_the_format_not_patched_on_import() -> None:
    versions = get_format("fc-xml").versions
    assert versions is not None
    assert versions.reads == ("4.1", "3.0", "2.0", "1.2")
    assert versions.writes == ("4.1", "3.0")
    assert versions.default == "4.1"
    before = dict(fc_xml.VERSIONS)
    importlib.reload(importlib.import_module("rncpkit.formats.fc_xml.legacy"))
    assert before == fc_xml.VERSIONS  # importing the older tables registers nothing


def test_splitting_reads_the_same_records_as_the_reader(seed_xml: Path) -> None:
    fmt = get_format("fc-xml")
    assert fmt.split is not None and fmt.concatenable
    data = seed_xml.read_bytes()
    flux = data.replace(b"</FICHES>", b"") + data.split(b"<FICHE>", 1)[1].join(
        [b"    <FICHE>", b""]
    ).replace(b"RNCP35080", b"RNCP35081")
    with open_input(flux) as opened:
        pieces = list(fmt.split.pieces(opened))
    assert [piece.context for piece in pieces] == ["4.1", "4.1"]
    split = list(fmt.split.read(pieces, "flux.xml"))
    whole = list(rncpkit.read_records(flux))
    assert all(isinstance(r, Record) for r in split)
    assert [(r.certification, r.line) for r in split] == [  # type: ignore[union-attr]
        (r.certification, r.line)
        for r in whole  # type: ignore[union-attr]
    ]
    assert [r.certification.number for r in split] == ["RNCP35080", "RNCP35081"]  # type: ignore[union-attr]


def test_only_independent_writers_are_concatenable() -> None:
    assert {name for name, fmt in FORMATS.items() if fmt.concatenable} == {"fc-xml", "jsonl"}


# --------------------------------------------------------------------------- translations


def test_translation_for_a_fiche_not_in_the_input_is_a_warning(seed_xml: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "convert",
            str(seed_xml),
            "--to",
            "supplement-xml",
            "-O",
            "title_en.RNCP35080=Manager",
            "-O",
            "title_en.RNCP3508=Typo",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "rncpkit: warning: supplement-xml: title_en given for fiches not among those converted: "
        "RNCP3508\n" in result.stderr
    )
    assert "RNCP35080" not in result.stderr.split("warning:")[1]


@pytest.mark.parametrize("to", ["supplement-html", "supplement-xml"])
def test_library_users_get_the_warning_too(seed_xml: Path, to: str) -> None:
    options = WriteOptions(format=SupplementOptions(title_en={"RS1": "x", "RNCP35080": "y"}))
    with pytest.warns(RncpkitWarning, match="not among those converted: RS1$"):
        rncpkit.write(rncpkit.read(seed_xml), io.BytesIO(), to=to, options=options)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        used = WriteOptions(format=SupplementOptions(title_en={"RNCP35080": "y"}))
        rncpkit.write(rncpkit.read(seed_xml), io.BytesIO(), to=to, options=used)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"lang": "de"}, "lang must be one of fr, en"),
        ({"eqf_level": 9}, "eqf_level must be a whole number from 1 to 8"),
        ({"eqf_level": "7"}, "eqf_level must be"),
        ({"base_uri": "not a uri"}, "base_uri must be an absolute URI"),
    ],
)
def test_shared_option_faults_are_usage_errors(settings: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        WriteOptions(**settings)  # type: ignore[arg-type]


def test_unwritable_flux_version_is_a_usage_error_exit_2(seed_xml: Path) -> None:
    result = CliRunner().invoke(
        cli, ["convert", str(seed_xml), "--to", "fc-xml", "--flux-version", "9.9"]
    )
    assert result.exit_code == 2
    assert "cannot write flux version '9.9' (writable: 4.1, 3.0)" in result.output
