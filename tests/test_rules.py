"""The business-rule catalogue: each rule has a fiche that breaks it and one that does not."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import rncpkit
from rncpkit.cli import cli
from rncpkit.formats import get_format
from rncpkit.model import (
    AccessRoute,
    AccessRouteCode,
    Certification,
    CompetenceBlock,
    Level,
    Partner,
    PromotionStatistics,
    RegistrationType,
    RomeOccupation,
    UnknownElement,
)
from rncpkit.validation import CATALOGUE, Severity, check, export_date, validate
from rncpkit.validation.catalogue import markdown
from rncpkit.validation.rules import Context, add_years

from .conftest import FC_REFERENCE, REAL_V41_SAMPLES, SAMPLES, reference

TODAY = dt.date(2025, 6, 1)
"""Inside RNCP35080's registration (2020-11-18 → 2025-11-18)."""


def rncp() -> Certification:
    """The embedded sample, active on TODAY and with its juries described: breaks no rule."""
    cert = next(rncpkit.read(SAMPLES / "RNCP35080.json"))
    routes = {
        code: AccessRoute(open=route.open, jury="Jury de 5 membres" if route.open else None)
        for code, route in cert.access_routes.items()
    }
    return cert.model_copy(update={"access_routes": routes, "active": True})


def rs() -> Certification:
    """An RS fiche written for these tests, breaking no rule."""
    return Certification.model_validate(
        {
            "number": "RS9001",
            "title": "Conduite d'entretiens professionnels",
            "state": "Publiée",
            "formacodes": [{"code": "32154", "label": "Gestion des compétences"}],
            "nsf": [{"code": "315p", "label": "Ressources humaines"}],
            "certifiers": [{"siret": "19753471200017", "name": "ORGANISME TEST"}],
            "has_partners": True,
            "partners": [{"name": "PARTENAIRE TEST", "siret": "35600000010000"}],
            "attested_skills": "Préparer et conduire un entretien.",
            "access_routes": {
                "FI": {"open": False},
                "FC": {"open": True, "jury": "Deux évaluateurs"},
                "CQ": {"open": False},
                "CL": {"open": False},
                "VAE": {"open": False},
            },
            "decision_date": "2024-02-29",
            "registration_years": 3,
            "registration_end": "2027-02-28",
            "registration_type": "Enregistrement sur demande",
            "partial_validation": False,
            "active": True,
        }
    )


def codes(cert: Certification, today: dt.date = TODAY) -> dict[str, list[str]]:
    """Fired rule codes → the fields they name."""
    fired: dict[str, list[str]] = {}
    for finding in check(cert, today=today):
        fired.setdefault(finding.rule, []).append(finding.field or "")
    return fired


def test_the_base_fiches_break_no_rule() -> None:
    assert codes(rncp()) == {}
    assert codes(rs()) == {}


def _with(**update: Any) -> Callable[[Certification], Certification]:
    return lambda cert: cert.model_copy(update=update)


def _block(code: str) -> CompetenceBlock:
    return CompetenceBlock(code=code, label="Bloc")


def _route(code: AccessRouteCode, route: AccessRoute) -> Callable[[Certification], Certification]:
    return lambda cert: cert.model_copy(
        update={"access_routes": {**cert.access_routes, code: route}}
    )


def _first_label(text: str) -> Callable[[Certification], Certification]:
    def mutate(cert: Certification) -> Certification:
        block = cert.blocks[0].model_copy(update={"competences": text})
        return cert.model_copy(update={"blocks": [block, *cert.blocks[1:]]})

    return mutate


def _constructed(**update: Any) -> Callable[[Certification], Certification]:
    """Values the model's own types refuse, as a caller's model_construct may hold them."""

    def mutate(cert: Certification) -> Certification:
        data = {name: getattr(cert, name) for name in type(cert).model_fields}
        data.update(update)
        return Certification.model_construct(**data)

    return mutate


BROKEN: list[tuple[str, Callable[[], Certification], Callable[[Certification], Certification], str]]
BROKEN = [
    ("RNCP-LEVEL-REQUIRED", rncp, _with(level=None), "level"),
    ("RNCP-ROME-REQUIRED", rncp, _with(rome=[]), "rome"),
    ("RNCP-ACTIVITIES-REQUIRED", rncp, _with(activities="   "), "activities"),
    ("RNCP-JOBS-REQUIRED", rncp, _with(job_types=None), "job_types"),
    ("RNCP-BLOC-REQUIRED", rncp, _with(blocks=[]), "blocks"),
    (
        "RNCP-BLOC-PREFIX",
        rncp,
        _with(blocks=[_block("RNCP35080BC01"), _block("02")]),
        "blocks[1].code",
    ),
    ("RNCP-BLOC-PREFIX", rncp, _with(blocks=[_block("RNCP3508BC01")]), "blocks[0].code"),
    ("RNCP-BLOC-PREFIX", rncp, _with(blocks=[_block("RNCP35080BC1")]), "blocks[0].code"),
    (
        "RNCP-BLOC-UNIQUE",
        rncp,
        _with(blocks=[_block("RNCP35080BC01"), _block("RNCP35080BC01")]),
        "blocks[1].code",
    ),
    ("RS-RNCP-ONLY", rs, _with(level=Level.NIV5), "level"),
    ("RS-RNCP-ONLY", rs, _with(blocks=[_block("RS9001BC01")]), "blocks"),
    ("RS-RNCP-ONLY", rs, _route(AccessRouteCode.CA, AccessRoute(open=True)), "access_routes.CA"),
    ("RS-RNCP-ONLY", rs, _with(new_caledonia=True), "new_caledonia"),
    ("FICHE-REQUIRED", rncp, _with(registration_end=None), "registration_end"),
    ("FICHE-REQUIRED", rs, _with(active=None), "active"),
    ("CERTIFIER-MISSING", rs, _with(certifiers=[]), "certifiers"),
    ("REG-REQUEST-DATES", rncp, _with(decision_date=None), "decision_date"),
    ("REG-REQUEST-DATES", rs, _with(registration_years=None), "registration_years"),
    ("REG-END-DATE", rncp, _with(registration_end=dt.date(2025, 11, 17)), "registration_end"),
    ("REG-END-DATE", rs, _with(registration_years=2), "registration_end"),
    (
        "REG-RIGHT-EFFECTIVE",
        rncp,
        _with(
            registration_type=RegistrationType.BY_RIGHT, decision_date=None, registration_years=None
        ),
        "effective_date",
    ),
    ("REG-MIXED-DATES", rncp, _with(effective_date=dt.date(2020, 11, 18)), "effective_date"),
    ("ACTIVE-FLAG", rncp, _with(active=False), "active"),
    ("PARTNERS-FLAG", rncp, _with(has_partners=True), "has_partners"),
    ("PARTNERS-FLAG", rs, _with(has_partners=False), "has_partners"),
    (
        "PARTNER-SIRET-REQUIRED",
        rs,
        _with(partners=[Partner(name="SANS SIRET")]),
        "partners[0].siret",
    ),
    (
        "SIRET-FORMAT",
        rs,
        _constructed(partners=[Partner.model_construct(name="X", siret="123")]),
        "partners[0].siret",
    ),
    (
        "SIRET-CHECKSUM",
        rs,
        _with(partners=[Partner(name="CLÉ FAUSSE", siret="19753471200018")]),
        "partners[0].siret",
    ),
    ("ROUTE-MISSING", rncp, _with(access_routes={}), "access_routes.FI"),
    (
        "ROUTE-JURY-CLOSED",
        rncp,
        _route(AccessRouteCode.CL, AccessRoute(open=False, jury="Un jury")),
        "access_routes.CL.jury",
    ),
    (
        "ROUTE-JURY-MISSING",
        rs,
        _route(AccessRouteCode.FC, AccessRoute(open=True, jury=" ")),
        "access_routes.FC.jury",
    ),
    (
        "ROME-FORMAT",
        rncp,
        _constructed(rome=[rncp().rome[0].model_construct(code="Z1234")]),
        "rome[0].code",
    ),
    (
        "NSF-FORMAT",
        rncp,
        _constructed(nsf=[rncp().nsf[0].model_construct(code="999")]),
        "nsf[0].code",
    ),
    (
        "FORMACODE-FORMAT",
        rncp,
        _constructed(formacodes=[rncp().formacodes[0].model_construct(code="3213")]),
        "formacodes[0].code",
    ),
    ("NUMBER-FORMAT", rncp, _with(number="RNCP３５０８０"), "number"),
    ("NUMBER-FORMAT", rs, _with(successors=["RS١٢"]), "successors[0]"),
    ("LINK-SELF", rncp, _with(successors=["RNCP41336", "RNCP35080"]), "successors[1]"),
    ("LINK-SELF", rs, _with(predecessors=["RS9001"]), "predecessors[0]"),
    ("TEXT-CONTROL", rncp, _with(title="Manager\x07 d'organismes"), "title"),
    ("TEXT-CONTROL", rncp, _first_label("admin\u202eevil"), "blocks[0].competences"),
    ("TEXT-CONTROL", rs, _with(attested_skills="texte\x85suite"), "attested_skills"),
    ("TEXT-HTML", rncp, _with(objectives="<p>Objectifs</p>"), "objectives"),
    ("TEXT-HTML", rs, _with(attested_skills="Param&eacute;trer<br/>"), "attested_skills"),
    ("TEXT-MOJIBAKE", rncp, _with(title="Manager dâ€™organismes"), "title"),
    ("TEXT-MOJIBAKE", rs, _with(attested_skills="compÃ©tences"), "attested_skills"),
    ("TEXT-MOJIBAKE", rs, _with(title="r\ufffdsum\ufffd"), "title"),
    ("TEXT-LENGTH", rncp, _with(title="T" * 1001), "title"),
    ("TEXT-LENGTH", rs, _with(attested_skills="x" * 100_001), "attested_skills"),
    (
        "UNKNOWN-ELEMENT",
        rncp,
        _with(
            unknown_elements=[UnknownElement(parent="FICHE", position=3, xml="<EXTRA>1</EXTRA>")]
        ),
        "FICHE/EXTRA",
    ),
    (
        "STATS-RANGE",
        rncp,
        _with(statistics=[PromotionStatistics(year=2022, certified=10, certified_by_vae=11)]),
        "statistics[0].certified_by_vae",
    ),
    (
        "STATS-RANGE",
        rncp,
        _with(statistics=[PromotionStatistics(year=2022, employment_rate_6_months=120)]),
        "statistics[0].employment_rate_6_months",
    ),
]


@pytest.mark.parametrize(
    ("code", "base", "mutate", "field"), BROKEN, ids=lambda v: v if isinstance(v, str) else ""
)
def test_a_broken_fiche_fires_its_rule(
    code: str,
    base: Callable[[], Certification],
    mutate: Callable[[Certification], Certification],
    field: str,
) -> None:
    good = base()
    assert code not in codes(good)
    fired = codes(mutate(good))
    assert field in fired.get(code, []), fired


def test_every_per_fiche_rule_has_a_breaking_case() -> None:
    per_fiche = {code for code, rule in CATALOGUE.items() if rule.check is not None}
    assert per_fiche == {case[0] for case in BROKEN}


def test_rs_may_say_no_to_rncp_only_elements() -> None:
    """The CSV export gives RS fiches a closed apprenticeship route and "Non" overseas."""
    closed = rs().model_copy(
        update={
            "access_routes": {**rs().access_routes, AccessRouteCode.CA: AccessRoute(open=False)},
            "new_caledonia": False,
            "french_polynesia": False,
        }
    )
    assert codes(closed) == {}


def test_blocks_are_not_required_of_legacy_fiches() -> None:
    old = rncp().model_copy(
        update={
            "blocks": [],
            "decision_date": dt.date(2017, 3, 1),
            "registration_years": 5,
            "registration_end": dt.date(2022, 3, 1),
            "active": False,
        }
    )
    assert "RNCP-BLOC-REQUIRED" not in codes(old)
    assert "RNCP-BLOC-REQUIRED" not in codes(
        rncp().model_copy(update={"blocks": [], "level": Level.REPRISE})
    )
    assert "RNCP-BLOC-REQUIRED" in codes(rncp().model_copy(update={"blocks": []}))


def test_presence_rules_skip_what_the_csv_export_cannot_carry() -> None:
    bare = rncp().model_copy(
        update={
            "state": None,
            "has_partners": None,
            "activities": None,
            "job_types": None,
            "registration_years": None,
            "access_routes": {code: AccessRoute(open=True) for code in AccessRouteCode},
        }
    )
    xml = Context(today=TODAY)
    csv = Context(today=TODAY, uncarried=get_format("fc-csv").uncarried)
    for code in (
        "FICHE-REQUIRED",
        "RNCP-ACTIVITIES-REQUIRED",
        "RNCP-JOBS-REQUIRED",
        "REG-REQUEST-DATES",
        "ROUTE-JURY-MISSING",
    ):
        check_rule = CATALOGUE[code].check
        assert check_rule is not None
        assert list(check_rule(bare, xml)), code
        assert not list(check_rule(bare, csv)), code


def test_findings_are_located_and_bilingual() -> None:
    cert = rncp().model_copy(update={"registration_end": dt.date(2026, 1, 1)})
    [finding] = check(cert, today=TODAY, file="f.xml", line=7)
    assert finding.as_dict() == {
        "rule": "REG-END-DATE",
        "severity": "error",
        "message": "registration ends 2026-01-01 but decision 2020-11-18 + 5 years gives "
        "2025-11-18",
        "message_fr": "l'enregistrement finit le 2026-01-01 mais décision 2020-11-18 + 5 ans "
        "donne 2025-11-18",
        "file": "f.xml",
        "line": 7,
        "fiche": "RNCP35080",
        "field": "registration_end",
    }
    assert str(finding) == (
        "f.xml:7: fiche RNCP35080: field registration_end: error [REG-END-DATE] "
        "registration ends 2026-01-01 but decision 2020-11-18 + 5 years gives 2025-11-18"
    )


def test_active_flag_follows_the_export_date() -> None:
    cert = rncp()  # active, ends 2025-11-18
    assert "ACTIVE-FLAG" not in codes(cert, dt.date(2025, 11, 18))
    assert "ACTIVE-FLAG" not in codes(cert, dt.date(2025, 11, 19))  # flag flips overnight
    assert "ACTIVE-FLAG" in codes(cert, dt.date(2025, 11, 20))
    ended = cert.model_copy(update={"active": False})
    assert "ACTIVE-FLAG" not in codes(ended, dt.date(2025, 11, 19))
    assert "ACTIVE-FLAG" not in codes(ended, dt.date(2025, 11, 18))  # last day: either way
    assert "ACTIVE-FLAG" in codes(ended, dt.date(2025, 11, 17))


def test_severities() -> None:
    assert CATALOGUE["SIRET-CHECKSUM"].severity is Severity.WARNING
    assert CATALOGUE["ROUTE-JURY-CLOSED"].severity is Severity.WARNING
    assert CATALOGUE["ACTIVE-FLAG"].severity is Severity.WARNING
    assert CATALOGUE["RNCP-BLOC-PREFIX"].severity is Severity.ERROR
    assert all(rule.summary_fr and rule.summary_en for rule in CATALOGUE.values())


def test_la_poste_siret_exception() -> None:
    assert "SIRET-CHECKSUM" not in codes(rs())  # 35600000010000 fails Luhn, passes La Poste's
    other = rs().model_copy(update={"partners": [Partner(name="P", siret="35600000010001")]})
    assert codes(other)["SIRET-CHECKSUM"] == ["partners[0].siret"]


def test_add_years() -> None:
    assert add_years(dt.date(2021, 3, 17), 5) == dt.date(2026, 3, 17)
    assert add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


def test_export_date_from_the_file_name() -> None:
    assert export_date("export_fiches_RNCP_V4_1_2026-08-16.xml") == dt.date(2026, 8, 16)
    assert export_date("x/export-fiches-rs-v4-1-2026-08-16.zip!e.xml") == dt.date(2026, 8, 16)
    assert export_date("export_fiches_CSV_Standard_2024_02_22.csv") == dt.date(2024, 2, 22)
    assert export_date("fiches.xml") is None
    assert export_date("9999-99-99.xml") is None


# --------------------------------------------------------------------------- whole files


def _flux(tmp_path: Path, certs: list[Certification], name: str = "f.xml") -> Path:
    path = tmp_path / name
    rncpkit.write(certs, path, to="fc-xml")
    return path


def test_link_cycle_within_a_file(tmp_path: Path) -> None:
    def fiche(number: str, **links: list[str]) -> Certification:
        return rncp().model_copy(update={"number": number, "blocks": [], **links})

    a = fiche("RNCP1", successors=["RNCP2"], predecessors=["RNCP9"])
    b = fiche("RNCP2", successors=["RNCP3"])
    c = fiche("RNCP3", successors=["RNCP9"])
    d = fiche("RNCP9")
    path = _flux(tmp_path, [a, b, c, d])
    findings = [f for f in validate(path, today=TODAY) if f.rule == "LINK-CYCLE"]
    assert [(f.fiche, f.field, f.message) for f in findings] == [
        (
            "RNCP1",
            "successors",
            "successor links form a cycle: RNCP1 → RNCP2 → RNCP3 → RNCP9 → RNCP1",
        )
    ]
    assert findings[0].line == 4
    # a successor that lists its predecessor back is no cycle
    b = b.model_copy(update={"successors": [], "predecessors": ["RNCP1"]})
    assert not [f for f in validate(_flux(tmp_path, [a, b]), today=TODAY) if f.rule == "LINK-CYCLE"]


def test_duplicate_fiche_in_a_file(tmp_path: Path) -> None:
    path = _flux(tmp_path, [rncp(), rs(), rncp()])
    [finding] = [f for f in validate(path, today=TODAY) if f.rule == "FICHE-DUPLICATE"]
    assert finding.fiche == "RNCP35080"
    assert finding.message == "fiche RNCP35080 appears again (first at line 4)"
    assert finding.line is not None and finding.line > 4


def test_malformed_codes_read_from_a_file_get_their_rule(tmp_path: Path) -> None:
    data = json.loads((SAMPLES / "RNCP35080.json").read_text())
    data["rome"][1]["code"] = "K12"
    data["nsf"][0]["code"] = "33"
    data["registration_end"] = "2025-13-01"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    found = sorted((f.rule, f.field) for f in validate(path))
    assert found == [
        ("NSF-FORMAT", "nsf.0.code"),
        ("READ-INVALID", "registration_end"),
        ("ROME-FORMAT", "rome.1.code"),
    ]
    assert [f.rule for f in validate(path, ignore=["ROME-FORMAT", "READ-INVALID"])] == [
        "NSF-FORMAT"
    ]


def test_select_and_ignore() -> None:
    cert = rncp().model_copy(update={"rome": [], "title": "a\x01"})
    assert {f.rule for f in check(cert, today=TODAY)} == {"RNCP-ROME-REQUIRED", "TEXT-CONTROL"}
    assert {f.rule for f in check(cert, today=TODAY, select=["TEXT-CONTROL"])} == {"TEXT-CONTROL"}
    assert {f.rule for f in check(cert, today=TODAY, ignore=["TEXT-CONTROL"])} == {
        "RNCP-ROME-REQUIRED"
    }


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_cli_lists_the_catalogue(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "--rules"])
    assert result.exit_code == 0
    for code in CATALOGUE:
        assert code in result.stdout
    assert "Un code de bloc est le numéro de fiche" in result.stdout
    listed = json.loads(runner.invoke(cli, ["validate", "--rules", "--format", "json"]).stdout)
    assert [item["rule"] for item in listed] == list(CATALOGUE)


def _bad_and_warned(tmp_path: Path) -> Path:
    warned = rncp().model_copy(update={"partners": [], "title": "<b>Titre</b>"})
    broken = rs().model_copy(update={"number": "RS9002", "registration_years": 9})
    return _flux(tmp_path, [warned, broken], "export_fiches_RNCP_V4_1_2025-06-01.xml")


def test_cli_json_findings_and_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    path = _bad_and_warned(tmp_path)
    result = runner.invoke(cli, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert [(f["rule"], f["severity"], f["fiche"], f["field"]) for f in findings] == [
        ("TEXT-HTML", "warning", "RNCP35080", "title"),
        ("REG-END-DATE", "error", "RS9002", "registration_end"),
    ]
    assert set(findings[0]) == {
        "file",
        "line",
        "fiche",
        "field",
        "rule",
        "severity",
        "message",
        "message_fr",
    }
    assert "1 errors, 1 warnings" in result.stderr
    only_warnings = runner.invoke(cli, ["validate", str(path), "--ignore", "REG-END-DATE"])
    assert only_warnings.exit_code == 0
    assert "[TEXT-HTML]" in only_warnings.stdout
    strict = runner.invoke(cli, ["validate", str(path), "--ignore", "REG-END-DATE", "--strict"])
    assert strict.exit_code == 1
    selected = runner.invoke(cli, ["validate", str(path), "--select", "TEXT-HTML,REG-END-DATE"])
    assert selected.exit_code == 1 and selected.stdout.count("\n") == 2


def test_cli_summary_accounts_for_every_fiche(runner: CliRunner, tmp_path: Path) -> None:
    path = _bad_and_warned(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("<NUMERO_FICHE>RS9002", "<NUMERO_FICHE>XX9002"), "utf-8")
    result = runner.invoke(cli, ["validate", str(path), "--today", "2025-06-01"])
    assert result.stderr.splitlines()[-1] == (
        "rncpkit: 2 fiches read, 1 checked, 1 unreadable, 0 skipped by filter; 1 errors, 1 warnings"
    )


def test_cli_unknown_rule_code_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["validate", str(_bad_and_warned(tmp_path)), "--ignore", "NOPE"])
    assert result.exit_code == 2
    assert "unknown rule code(s): NOPE" in result.stderr


def test_cli_fail_fast_stops_at_the_first_error(runner: CliRunner, tmp_path: Path) -> None:
    certs = [rs().model_copy(update={"number": f"RS{n}", "registration_years": 9}) for n in (1, 2)]
    path = _flux(tmp_path, certs)
    full = runner.invoke(cli, ["validate", str(path), "--today", "2025-06-01"])
    fast = runner.invoke(cli, ["validate", str(path), "--today", "2025-06-01", "--fail-fast"])
    assert full.stdout.count("[REG-END-DATE]") == 2
    assert fast.stdout.count("[REG-END-DATE]") == 1
    assert fast.exit_code == 1


# --------------------------------------------------------------------------- real data


@pytest.mark.conformance
@pytest.mark.parametrize("name", REAL_V41_SAMPLES)
def test_real_samples_break_no_rule_on_their_export_date(name: str) -> None:
    path = reference("france-competences", name)
    assert FC_REFERENCE in path.parents
    findings = [str(f) for f in validate(path, today=dt.date(2026, 8, 16))]
    assert findings == []


@pytest.mark.conformance
def test_real_csv_export_findings_are_about_the_data_not_the_format() -> None:
    path = reference("france-competences", "export-fiches-csv-2024-02-22.zip")
    found = {(f.rule, f.fiche) for f in validate(path, today=dt.date(2024, 2, 22))}
    fired = {rule for rule, _fiche in found}
    # the CSV has no column for these: they must not fire on it
    assert not fired & {"FICHE-REQUIRED", "ROUTE-JURY-MISSING", "RNCP-ACTIVITIES-REQUIRED"}
    assert not fired & {"RS-RNCP-ONLY", "RNCP-JOBS-REQUIRED"}
    # what remains is about the data: a by-right fiche without DATE_EFFET, …
    assert ("REG-RIGHT-EFFECTIVE", "RNCP509") in found


@pytest.mark.conformance
def test_stale_export_is_noticed_by_the_active_flag() -> None:
    path = reference("france-competences", "export_fiches_RNCP_V4_1_sample.xml")
    late = [(f.rule, f.fiche) for f in validate(path, today=dt.date(2026, 11, 26))]
    assert late == [("ACTIVE-FLAG", "RNCP35809")]  # ended 2026-08-31, still flagged active


# --------------------------------------------------------------------------- legacy fiches

_LEGACY_RULES = {
    "RNCP-LEVEL-REQUIRED",
    "RNCP-ROME-REQUIRED",
    "RNCP-ACTIVITIES-REQUIRED",
    "RNCP-JOBS-REQUIRED",
    "RNCP-BLOC-REQUIRED",
    "FICHE-REQUIRED",
    "REG-REQUEST-DATES",
    "REG-RIGHT-EFFECTIVE",
    "PARTNER-SIRET-REQUIRED",
}


def test_the_legacy_policy_is_declared_on_exactly_the_presence_rules() -> None:
    declared = {code for code, item in CATALOGUE.items() if item.legacy is not None}
    assert declared == _LEGACY_RULES
    assert all(CATALOGUE[code].severity is Severity.ERROR for code in declared)


def _bare(active: bool) -> Certification:
    """An RNCP fiche registered on request, as old fiches are published: no decision date,
    no blocks, no ROME, a partner without SIRET, no activities."""
    return rncp().model_copy(
        update={
            "active": active,
            "registration_end": dt.date(2022, 4, 21) if not active else dt.date(2026, 1, 1),
            "decision_date": None,
            "registration_years": None,
            "blocks": [],
            "rome": [],
            "activities": None,
            "job_types": None,
            "state": None,
            "has_partners": True,
            "partners": [Partner(name="PARTENAIRE", siret=None)],
        }
    )


def test_presence_rules_are_warnings_on_an_inactive_fiche() -> None:
    inactive = {f.rule: f for f in check(_bare(False), today=TODAY)}
    active = {f.rule: f for f in check(_bare(True), today=TODAY)}
    expected = {
        "RNCP-ROME-REQUIRED",
        "RNCP-ACTIVITIES-REQUIRED",
        "RNCP-JOBS-REQUIRED",
        "RNCP-BLOC-REQUIRED",
        "FICHE-REQUIRED",
        "REG-REQUEST-DATES",
        "PARTNER-SIRET-REQUIRED",
    }
    assert expected <= set(inactive) and expected <= set(active)
    for code in expected:
        assert active[code].severity is Severity.ERROR, code
        assert inactive[code].severity is Severity.WARNING, code
        assert inactive[code].message.endswith("(inactive fiche: warning only)"), code
        assert inactive[code].message_fr is not None
        assert inactive[code].message_fr.endswith("(fiche inactive : simple avertissement)")
    # a malformed code stays an error on an inactive fiche: it is wrong, not old
    broken = _bare(False).model_copy(
        update={"rome": [RomeOccupation.model_construct(code="M18", label="x")]}
    )
    assert {f.rule: f.severity for f in check(broken, today=TODAY)}["ROME-FORMAT"] is (
        Severity.ERROR
    )


def test_an_unknown_active_flag_is_not_legacy() -> None:
    unknown = {f.rule: f.severity for f in check(_bare(True).model_copy(update={"active": None}))}
    assert unknown["RNCP-ROME-REQUIRED"] is Severity.ERROR


@pytest.mark.conformance
@pytest.mark.parametrize(
    "name", ["export-fiches-csv-2024-02-22.zip", "export_fiches_V3_0_fragment.xml"]
)
def test_official_legacy_data_gives_only_read_errors(name: str) -> None:
    """What France Compétences publishes for its old fiches is reported as warnings; what
    remains an error is a file that cannot be read as the model (a fiche without a title,
    a link row for a fiche absent from the extract)."""
    path = reference("france-competences", name)
    findings = list(validate(path))
    errors = {f.rule for f in findings if f.severity is Severity.ERROR}
    assert errors == {"READ-INVALID"}
    legacy = [f for f in findings if f.rule in _LEGACY_RULES]
    assert legacy and all(f.severity is Severity.WARNING for f in legacy)


def test_catalogue_order_is_the_published_one() -> None:
    """Findings of one fiche come in catalogue order: it must not depend on import order."""
    codes = list(CATALOGUE)
    assert codes[:3] == ["INPUT-UNREADABLE", "READ-INVALID", "RNCP-LEVEL-REQUIRED"]
    assert codes.index("FICHE-REQUIRED") < codes.index("REG-REQUEST-DATES")
    assert codes.index("TEXT-LENGTH") < codes.index("UNKNOWN-ELEMENT") == len(codes) - 2
    assert codes[-1] == "STATS-RANGE"


def test_docs_rule_catalogue_is_current() -> None:
    """docs/rules.md is generated from the registry: regenerate it with
    ``python -m rncpkit.validation.catalogue > docs/rules.md``."""
    committed = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text("utf-8")
    assert committed == markdown()
    for code, item in CATALOGUE.items():
        assert f"| `{code}` | {item.severity.value} |" in committed
        if item.legacy is not None:
            assert item.legacy.when_en in committed


def test_cli_rules_json_says_when_a_rule_is_a_warning_on_legacy_fiches(
    runner: CliRunner,
) -> None:
    result = runner.invoke(cli, ["validate", "--rules", "--format", "json"])
    by_code = {item["rule"]: item for item in json.loads(result.output)}
    assert by_code["REG-REQUEST-DATES"]["legacy"].startswith("on an inactive fiche")
    assert by_code["ROME-FORMAT"]["legacy"] is None


@pytest.mark.parametrize("make", [rncp, rs], ids=["rncp", "rs"])
def test_text_digest_holds_every_text_of_the_fiche_once(make: Callable[[], Certification]) -> None:
    """The digest the text rules pre-check with holds exactly the strings that
    ``text.strings`` walks (the per-field scan), and the longest short and long ones."""
    from rncpkit.validation import text

    cert = make().model_copy(
        update={"partners": [Partner(name="N" * 1200, siret="35600000010000")]}
    )
    found = [(path, name, value) for path, name, value in text.strings(cert)]
    digest = text.digest(cert)
    values = [value for _path, _name, value in found]
    assert len(digest.joined) == sum(map(len, values)) + len(values) - 1
    assert all(value in digest.joined for value in values)
    shorts = [v for p, n, v in found if n in text.LIMITS and not p.endswith("]")]
    longs = [v for p, n, v in found if not (n in text.LIMITS and not p.endswith("]"))]
    assert digest.longest_short == max(map(len, shorts)) == 1200
    assert digest.longest == max(map(len, longs))
    assert digest.may_be_too_long()


def test_mojibake_precheck_finds_the_two_character_mark() -> None:
    """``â€`` (a ’ read as windows-1252) is looked for only where ``€`` is: still found."""
    from rncpkit.validation import text

    garbled = rncp().model_copy(update={"objectives": "l\u00e2\u20ac\u2122objectif"})
    assert text.digest(garbled).may_match(text.MOJIBAKE)
    assert not text.digest(rncp()).may_match(text.MOJIBAKE)
