"""France Compétences XML flux V1.2 (2019–2020 exports), read by fc-xml into the V4.1 model."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

import rncpkit
from rncpkit.errors import UsageError
from rncpkit.formats import WriteOptions
from rncpkit.model import AccessRouteCode, HabilitationKind, Level, RegistrationType
from tests.conftest import FIXTURES

V12 = FIXTURES / "flux_v1_2.xml"


def _fiches() -> list[rncpkit.Certification]:
    return list(rncpkit.read(V12))  # format detected, version dispatched on VERSION_FLUX


def test_v12_fixture_maps_every_fact() -> None:
    cert, bare = _fiches()
    assert cert.number == "RNCP30120" and cert.fiche_id == 31522
    assert cert.title == "Responsable de l'animation socioculturelle"
    assert cert.abbreviation is not None and cert.abbreviation.code == "Autre"
    assert (cert.level, cert.level_label) == (Level.NIV6, "niveau6")
    assert [(n.code, n.label) for n in cert.nsf] == [("335t", "Animation socioculturelle")]
    # name before SIRET, SIRET absent on the repeated certifier: both kept as exported
    assert [(c.name, c.siret) for c in cert.certifiers] == [
        ("ASSOCIATION EXEMPLE FORMATION", "19753471200017"),
        ("ASSOCIATION EXEMPLE FORMATION", None),
    ]
    # raw HTML in CDATA becomes V4.1's plain single-line text
    assert cert.activities == (
        "Le responsable conçoit des projets d'animation.    Il encadre une équipe :"
        "    - d'animateurs ;    - de bénévoles."
    )
    assert cert.attested_skills == (
        "Concevoir un projet    Conduire une équipe d'animateurs    Voir la fiche"
    )
    assert [(r.code, r.label) for r in cert.rome] == [("K1206", "Intervention socioculturelle")]
    routes = {code: (r.open, r.jury) for code, r in cert.access_routes.items()}
    assert routes == {
        AccessRouteCode.FI: (True, "Cinq membres dont le président"),
        AccessRouteCode.CA: (False, None),
        AccessRouteCode.FC: (True, "Idem formation initiale"),
        AccessRouteCode.CQ: (False, None),
        AccessRouteCode.CL: (False, None),
        AccessRouteCode.VAE: (True, "Jury de VAE\u00a0: trois membres"),
    }
    assert [p.title for p in cert.creation_decree] == [
        "Arrêté du 17 juillet 2018 publié au Journal Officiel du 26 juillet 2018"
    ]
    assert cert.last_journal_date == dt.date(2018, 7, 26)
    assert cert.registration_end == dt.date(2023, 7, 26)
    assert cert.registration_type is RegistrationType.ON_REQUEST
    assert (cert.partial_validation, cert.active) == (True, True)
    # children late in the fiche, in V1.2's order
    assert [(f.code, f.label) for f in cert.formacodes] == [("44028", "Animation socioculturelle")]
    assert [(p.siret, p.habilitation) for p in cert.partners] == [
        ("12345678900011", HabilitationKind.TRAIN)  # "HABILITATION_FORMER\n\t\t\t\t" trimmed
    ]
    assert [(s.year, s.certified, s.employment_rate_6_months) for s in cert.statistics] == [
        (2019, 24, 80)
    ]
    assert [(b.code, b.competences) for b in cert.blocks] == [
        ("RNCP30120BC01", "- Diagnostiquer un territoire    - Écrire le projet")
    ]
    assert [(a.number, a.label) for a in cert.collective_agreements] == [("3246", "Animation")]
    assert cert.successors == ["RNCP35080"]
    assert cert.predecessors == ["RNCP12345", "RS1234"]
    # what later versions and the model do not have is kept verbatim
    assert [u.xml for u in cert.unknown_elements] == [
        "<LIEN_STATISTIQUES>&lt;p&gt;Statistiques disponibles auprès du certificateur&lt;/p&gt;"
        "</LIEN_STATISTIQUES>",
        "<DATE_PREMIER_JO>26/07/2018</DATE_PREMIER_JO>",
    ]
    # no NIVEAU: no level, and the label on one line
    assert bare.level is None
    assert bare.level_label == (
        "Sans niveau – le positionnement dans le cadre national des certifications "
        "professionnelles est non déterminé"
    )
    assert bare.registration_type is RegistrationType.BY_RIGHT and bare.objectives == ""


def test_v12_converts_to_v41_and_reads_back_the_same() -> None:
    fiches = _fiches()
    out = io.BytesIO()
    rncpkit.write(fiches, out, "fc-xml")
    assert b"<VERSION_FLUX>4.1</VERSION_FLUX>" in out.getvalue()
    assert list(rncpkit.read(out.getvalue())) == fiches


def test_v12_is_readable_but_not_writable() -> None:
    with pytest.raises(UsageError, match=r"cannot write flux version '1\.2'"):
        rncpkit.write(_fiches(), io.BytesIO(), "fc-xml", options=WriteOptions(flux_version="1.2"))


def test_a_register_starts_from_a_v12_export(tmp_path: Path) -> None:
    archive = tmp_path / "export_fiches_RNCP_V1_2_2020-12-01.xml"
    archive.write_bytes(V12.read_bytes())
    summary = rncpkit.Register.build(tmp_path / "r.sqlite", [archive])
    assert (summary.as_of, summary.added, summary.rejected) == (dt.date(2020, 12, 1), 2, 0)
    with rncpkit.Register(tmp_path / "r.sqlite") as reg:
        assert reg.get("RNCP30120") == _fiches()[0]
        assert [h.number for h in reg.search("animation socioculturelle")] == ["RNCP30120"]
