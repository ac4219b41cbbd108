"""Fiche filters: the predicate, its parsing, and the CLI options on every bulk command."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import rncpkit
from rncpkit.cli import cli
from rncpkit.cli._filters import build_filter
from rncpkit.errors import UsageError
from rncpkit.filters import FicheFilter, parse_level, parse_numbers, parse_siret
from rncpkit.model import Certification, Level, Repertoire
from tests.conftest import FIXTURES, SAMPLES, reference

V30 = FIXTURES / "flux_v3_0.xml"


def _cert(**values: object) -> Certification:
    return Certification.model_validate({"number": "RNCP35080", "title": "T", **values})


def test_each_criterion() -> None:
    cert = _cert(
        level="NIV7",
        active=False,
        certifiers=[{"siret": "19753471200017", "name": "CNAM"}],
        decision_date="2020-11-18",
        registration_end="2025-11-18",
    )
    assert FicheFilter()(cert) and FicheFilter().empty
    assert FicheFilter(numbers=frozenset({"RNCP35080"}))(cert)
    assert not FicheFilter(numbers=frozenset({"RS5000"}))(cert)
    assert FicheFilter(repertoire=Repertoire.RNCP)(cert)
    assert not FicheFilter(repertoire=Repertoire.RS)(cert)
    assert FicheFilter(active=False)(cert) and not FicheFilter(active=True)(cert)
    assert FicheFilter(levels=frozenset({Level.NIV6, Level.NIV7}))(cert)
    assert not FicheFilter(levels=frozenset({Level.NIV6}))(cert)
    assert FicheFilter(certifiers=frozenset({"19753471200017"}))(cert)
    assert not FicheFilter(certifiers=frozenset({"11004301500012"}))(cert)
    assert FicheFilter(in_force_on=dt.date(2025, 11, 18))(cert)  # last day included
    assert not FicheFilter(in_force_on=dt.date(2025, 11, 19))(cert)
    assert not FicheFilter(in_force_on=dt.date(2020, 11, 17))(cert)  # before the decision
    both = FicheFilter(active=False, levels=frozenset({Level.NIV6}))
    assert not both(cert)  # criteria are ANDed
    assert not FicheFilter(levels=frozenset({Level.NIV7}))(_cert(number="RS5000"))


def test_unknown_activity_matches_neither_flag() -> None:
    cert = _cert()
    assert not FicheFilter(active=True)(cert) and not FicheFilter(active=False)(cert)


def test_parsing(tmp_path: Path) -> None:
    listing = tmp_path / "numbers.txt"
    listing.write_text("# wanted\nrncp35080\n\nRS5000  # a comment\n", encoding="utf-8")
    assert parse_numbers(["RNCP1,rs2", f"@{listing}"]) == {"RNCP1", "RS2", "RNCP35080", "RS5000"}
    with pytest.raises(UsageError, match="not a fiche number"):
        parse_numbers(["35080"])
    with pytest.raises(UsageError, match="cannot read"):
        parse_numbers([f"@{tmp_path / 'absent.txt'}"])
    assert [parse_level(v) for v in ("7", "niv3", "REPRISE")] == [
        Level.NIV7,
        Level.NIV3,
        Level.REPRISE,
    ]
    with pytest.raises(UsageError, match="not a level"):
        parse_level("9")
    assert parse_siret(" 197 534 712 00017\t") == "19753471200017"
    with pytest.raises(UsageError, match="not a SIRET"):
        parse_siret("1975347120001")
    built = build_filter(numero=("RNCP1",), repertoire="rs", level=("5",), active=True)
    assert built == FicheFilter(
        numbers=frozenset({"RNCP1"}),
        repertoire=Repertoire.RS,
        levels=frozenset({Level.NIV5}),
        active=True,
    )
    assert pickle.loads(pickle.dumps(built)) == built  # --jobs ships it to workers
    assert built.describe() == "numero in 1 values, repertoire RS, active, level NIV5"


def test_library_convert_counts_filtered(tmp_path: Path) -> None:
    summary = rncpkit.convert(
        V30, tmp_path / "out.jsonl", "jsonl", where=FicheFilter(repertoire=Repertoire.RS)
    )
    # RNCP35080 filtered, RS5841 written, RS6010 rejected (invalid): nothing lost.
    assert (summary.read, summary.written, summary.filtered, summary.rejected) == (3, 1, 1, 1)
    assert summary.read == summary.written + summary.filtered + summary.rejected


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--numero", "RNCP35809,RS5000"], ["RNCP35809", "RS5000"]),
        (["--repertoire", "rs"], ["RS6232", "RS5719", "RS6547", "RS5000", "RS7485"]),
        (["--level", "7", "--level", "NIV6"], None),
        (["--inactive", "--repertoire", "RNCP"], None),
        (["--in-force-on", "2026-08-16"], None),
    ],
)
def test_convert_cli_filters_real_samples(
    tmp_path: Path, options: list[str], expected: list[str] | None
) -> None:
    rncp = reference("france-competences", "export_fiches_RNCP_V4_1_sample.xml")
    rs = reference("france-competences", "export_fiches_RS_V4_1_sample.xml")
    everything = [*rncpkit.read(rncp), *rncpkit.read(rs)]
    predicate = build_filter(
        numero=tuple(options[1:2]) if options[0] == "--numero" else (),
        repertoire="rs" if "rs" in options else ("rncp" if "RNCP" in options else None),
        active=False if "--inactive" in options else None,
        level=("7", "NIV6") if options[0] == "--level" else (),
        in_force_on=dt.date(2026, 8, 16) if options[0] == "--in-force-on" else None,
    )
    wanted = expected or [c.number for c in everything if predicate(c)]
    kept: list[str] = []
    for source in (rncp, rs):
        out = tmp_path / f"{source.stem}.jsonl"
        result = CliRunner().invoke(
            cli, ["convert", str(source), "--to", "jsonl", "-o", str(out), *options]
        )
        assert result.exit_code == 0, result.output
        kept += [json.loads(line)["number"] for line in out.read_text().splitlines()]
        total = sum(1 for _ in rncpkit.read(source))
        written = sum(1 for _ in out.read_text().splitlines())
        assert f"{total} fiches read, {written} written, {total - written} skipped" in result.output
    assert kept == wanted and kept


def test_filters_on_validate_and_stats() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["stats", str(V30), "--numero", "RS5841", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "3 fiches read, 1 counted, 1 skipped by filter, 1 rejected" in result.output
    result = runner.invoke(cli, ["validate", str(SAMPLES / "RNCP35080.xml"), "--numero", "RS1"])
    assert result.exit_code == 0 and "0 errors, 0 warnings" in result.output


def test_bad_filter_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["stats", str(V30), "--level", "12"])
    assert result.exit_code == 2 and "not a level" in result.output


_certs = st.builds(
    lambda number, level, active, siret, end: _cert(
        number=number,
        level=level,
        active=active,
        certifiers=[{"siret": siret, "name": "C"}] if siret else [],
        registration_end=end,
    ),
    number=st.sampled_from(["RNCP1", "RNCP35080", "RS5000"]),
    level=st.none() | st.sampled_from(["NIV3", "NIV7", "REPRISE"]),
    active=st.none() | st.booleans(),
    siret=st.none() | st.sampled_from(["19753471200017", "11004301500012"]),
    end=st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
)
_filters = st.builds(
    FicheFilter,
    numbers=st.none() | st.frozensets(st.sampled_from(["RNCP1", "RS5000", "RS9"])),
    repertoire=st.none() | st.sampled_from(list(Repertoire)),
    active=st.none() | st.booleans(),
    levels=st.none() | st.frozensets(st.sampled_from([Level.NIV7, Level.REPRISE])),
    certifiers=st.none() | st.frozensets(st.sampled_from(["19753471200017"])),
    in_force_on=st.none() | st.dates(dt.date(2019, 1, 1), dt.date(2031, 1, 1)),
)


@settings(max_examples=300, deadline=None)
@given(cert=_certs, fiche_filter=_filters)
def test_a_filter_is_the_and_of_its_criteria(
    cert: Certification, fiche_filter: FicheFilter
) -> None:
    singles = [
        FicheFilter(**{name: value})  # type: ignore[arg-type]
        for name, value in vars(fiche_filter).items()
        if value is not None
    ]
    assert fiche_filter(cert) == all(single(cert) for single in singles)
    if fiche_filter.repertoire is not None:
        assert FicheFilter(repertoire=fiche_filter.repertoire)(cert) == (
            cert.number.startswith("RS") == (fiche_filter.repertoire is Repertoire.RS)
        )
