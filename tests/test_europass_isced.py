"""The NSF → ISCED-F crosswalk and the controlled vocabularies, checked against the real lists."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

import rncpkit
from rncpkit.errors import UsageError
from rncpkit.europass import vocab
from rncpkit.europass.isced import ENV_VAR, NSF_TO_ISCED, Crosswalk, load_crosswalk
from tests.conftest import REAL_V41_SAMPLES, SAMPLES, reference

NSF_GROUPS = [
    *("100", "110", "111", "112", "113", "114", "115", "116", "117", "118"),
    *("120", "121", "122", "123", "124", "125", "126", "127", "128"),
    *("130", "131", "132", "133", "134", "135", "136"),
    *("200", "201", "210", "211", "212", "213", "214"),
    *("220", "221", "222", "223", "224", "225", "226", "227"),
    *("230", "231", "232", "233", "234", "240", "241", "242", "243"),
    *("250", "251", "252", "253", "254", "255"),
    *("300", "310", "311", "312", "313", "314", "315"),
    *("320", "321", "322", "323", "324", "325", "326"),
    *("330", "331", "332", "333", "334", "335", "336"),
    *("340", "341", "342", "343", "344", "345", "346"),
    *("410", "411", "412", "413", "414", "415"),
]
"""The specialty groups of the NSF (1994), by domain."""


def _tsv(*parts: str) -> dict[str, str]:
    path = reference("europass", "vocab", *parts)
    rows = [line.split("\t") for line in path.read_text("utf-8").splitlines()]
    return {row[0]: row[1] for row in rows if not row[0].startswith("#")}


def test_every_nsf_group_maps() -> None:
    assert len(NSF_GROUPS) == len(set(NSF_GROUPS)) == 90
    assert sorted(NSF_TO_ISCED) == sorted(NSF_GROUPS)
    assert all(NSF_TO_ISCED[group] for group in NSF_GROUPS)


def test_lookup_ignores_the_function_letter() -> None:
    walk = Crosswalk()
    assert walk.lookup("332n") == ("0923",)
    assert walk.lookup("326t") == ("0613", "0612")
    assert walk.lookup("999") == ()
    assert walk.lookup("337") == ("0988",)  # not a listed group: falls back on its domain
    assert walk.lookup("abc") == ()
    assert walk.fields(["326", "326t", "114b"]) == ["0613", "0612", "0541"]


def test_override_file_and_forced_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = tmp_path / "nsf.tsv"
    table.write_text("# our own choices\n332n\t0923,0314\n326\t0613  # software only\n", "utf-8")
    assert load_crosswalk(table) == {"332n": ("0923", "0314"), "326": ("0613",)}
    walk = Crosswalk.from_options({"nsf-isced": str(table)})
    assert walk.fields(["332n", "332", "326t", "310"]) == ["0923", "0314", "0613", "0413"]
    assert Crosswalk.from_options({"isced": "0413, 0311"}).fields(["326"]) == ["0413", "0311"]
    assert walk.fields([]) == []
    default = tmp_path / "default.tsv"
    default.write_text("*\t0413\n", "utf-8")
    assert Crosswalk.from_options({"nsf-isced": str(default)}).fields([]) == ["0413"]
    assert Crosswalk.from_options({"nsf-isced": str(default)}).fields(["326"]) == ["0613", "0612"]
    with pytest.raises(UsageError, match="ISCED-F codes"):
        Crosswalk.from_options({"isced": "management"})
    monkeypatch.setenv(ENV_VAR, str(table))
    assert Crosswalk.from_options({}).lookup("326") == ("0613",)
    table.write_text("326\n", "utf-8")
    with pytest.raises(UsageError, match=r"nsf\.tsv:1"):
        load_crosswalk(table)
    with pytest.raises(UsageError, match="cannot read"):
        load_crosswalk(tmp_path / "absent.tsv")


@pytest.mark.conformance
def test_crosswalk_targets_exist_in_the_official_isced_list() -> None:
    official = _tsv("isced-f.tsv")
    targets = {code for codes in NSF_TO_ISCED.values() for code in codes}
    for code in sorted(targets):
        term = vocab.isced(code)
        assert term.uri in official, code
        assert term.label_en == official[term.uri], code


@pytest.mark.conformance
def test_every_nsf_code_of_the_real_samples_maps() -> None:
    codes = {n.code for n in next(rncpkit.read(SAMPLES / "RNCP35080.xml")).nsf}
    for name in REAL_V41_SAMPLES:
        for cert in rncpkit.read(reference("france-competences", name)):
            codes.update(n.code for n in cert.nsf)
    archive = reference("france-competences", "export-fiches-csv-2024-02-22.zip")
    with zipfile.ZipFile(archive) as zipped:
        member = next(n for n in zipped.namelist() if "_Nsf_" in n)
        text = zipped.read(member).decode("utf-8-sig")
    codes.update(row["Nsf_Code"] for row in csv.DictReader(io.StringIO(text), delimiter=";"))
    assert {"332n", "326t", "212t", "221w", "114b", "333r"} <= codes
    walk = Crosswalk()
    unmapped = sorted(code for code in codes if not walk.lookup(code))
    assert unmapped == []


@pytest.mark.conformance
def test_vocabulary_uris_are_in_the_official_lists() -> None:
    eqf = _tsv("eqf.tsv")
    assert all(vocab.eqf(n).uri in eqf for n in range(1, 9))
    nqf = _tsv("nqf.tsv")
    for number, term in vocab.NQF_FRANCE.items():
        assert nqf[term.uri] == term.label_en, number
    assert nqf["http://data.europa.eu/snb/qdr/c_828fbcc3"] == "NQF RNCP Level I-Master"
    lists = {
        "europass-learning-activity-types.tsv": [
            vocab.APPRENTICESHIP,
            vocab.EDUCATIONAL_PROGRAMME,
            vocab.JOB_EXPERIENCE,
        ],
        "europass-learning-assessment-types.tsv": [term for term, _ in vocab.ASSESSMENT_PATTERNS],
        "europass-learning-entitlement-types.tsv": [vocab.OCCUPATION],
        "europass-learning-entitlement-statuses.tsv": [vocab.ACTUAL],
        "europass-accreditation-types.tsv": [vocab.PROGRAM_LICENSE],
        "europass-learning-setting-types.tsv": [vocab.FORMAL],
        "skill-types.tsv": [vocab.SKILL],
    }
    for name, terms in lists.items():
        official = _tsv(name)
        for term in terms:
            assert official.get(term.uri) == term.label_en, (name, term.uri)
            scheme_line = reference("europass", "vocab", name).read_text("utf-8").splitlines()[0]
            assert scheme_line.endswith(term.scheme), (name, term.scheme)


def test_assessment_types_from_free_text() -> None:
    def kinds(text: str) -> list[str]:
        return [t.label_en for t in vocab.assessment_types(text)]

    assert kinds("Soutenance orale devant un jury et rédaction d'un mémoire") == [
        "written examination",
        "oral examination",
        "project work",
    ]
    assert kinds("Mises en situation reconstituées (jeux de rôle)") == ["practical assessment"]
    assert kinds("QCM de 40 questions") == ["quiz"]
    assert kinds("Les enjeux du secteur") == []  # no false match inside words
    assert kinds("") == []
