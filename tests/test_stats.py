"""``rncpkit stats``: exact counts on our fixtures and the real samples."""

from __future__ import annotations

import io
import json
import sys

import pytest
from click.testing import CliRunner

from rncpkit.cli import cli
from rncpkit.stats import compute
from tests.conftest import FIXTURES, SAMPLES, reference


def test_counts_of_the_v30_fixture() -> None:
    stats = compute(FIXTURES / "flux_v3_0.xml")
    assert (stats.read, stats.counted, stats.filtered, stats.rejected) == (3, 2, 0, 1)
    assert stats.as_dict() == {
        "fiches": 2,
        "by_repertoire": {"RNCP": 1, "RS": 1},
        "by_level": {"(none)": 1, "NIV7": 1},
        "by_state": {"Publiée": 2},
        "by_registration_type": {"Enregistrement sur demande": 2},
        "by_active": {"active": 1, "inactive": 1},
        "totals": {"blocks": 1, "partners": 1, "certifiers": 1},
        "summary": {"read": 3, "counted": 2, "filtered": 0, "rejected": 1},
    }
    assert stats.errors[0].fiche == "RS6010"


def test_real_samples() -> None:
    rncp = compute(reference("france-competences", "export_fiches_RNCP_V4_1_sample.xml"))
    rs = compute(reference("france-competences", "export_fiches_RS_V4_1_sample.xml"))
    assert rncp.counted == 6 and rncp.repertoire == {"RNCP": 6}
    assert rs.counted == 5 and rs.repertoire == {"RS": 5} and rs.level == {"(none)": 5}
    assert rs.blocks == 0
    assert sum(rncp.level.values()) == 6 and rncp.blocks > 0 and rncp.partners > 0
    csv = compute(reference("france-competences", "export-fiches-csv-2024-02-22.zip"))
    assert csv.as_dict()["by_level"] == {"(none)": 2, "NIV3": 1, "NIV6": 5, "REPRISE": 1}
    assert csv.active == {"active": 2, "inactive": 7}
    assert (csv.blocks, csv.partners, csv.certifiers) == (6, 10, 6)
    assert csv.read == csv.counted + csv.filtered + csv.rejected == 10


def test_cli_text_and_json() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["stats", str(SAMPLES / "RNCP35080.xml")])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "fiches                 1"
    assert "  NIV7                                            1" in lines
    assert "  blocks                                          4" in lines
    assert lines[-1] == "rncpkit: 1 fiches read, 1 counted, 0 skipped by filter, 0 rejected"
    result = runner.invoke(
        cli, ["stats", str(SAMPLES / "RNCP35080.xml"), "--format", "json"], catch_exceptions=False
    )
    body = result.output[: result.output.rindex("}") + 1]
    assert json.loads(body)["by_active"] == {"inactive": 1}


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    fake = Terminal()
    monkeypatch.setattr(sys, "stderr", fake)
    cli.main(["stats", str(SAMPLES / "RNCP35080.xml")], standalone_mode=False)
    assert "Counting" in fake.getvalue() and "100%" in fake.getvalue()
    # Not a terminal (CliRunner, pipes, CI): no bar, only the summary line.
    result = CliRunner().invoke(cli, ["stats", str(SAMPLES / "RNCP35080.xml")])
    assert "Counting" not in result.output
