"""The holders file: CSV as Excel saves it, JSON, column names, cell formats, row problems."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rncpkit.accrochage import (
    COLUMNS,
    AccessMode,
    CivilIdentity,
    CpfFile,
    Mention,
    Sex,
    read_rows,
    template,
    to_passage,
)
from rncpkit.accrochage.holders import PERSONAL, Row, normalise_header
from rncpkit.errors import InputError
from tests.accrochage_support import flux_bytes
from tests.conftest import SAMPLES

HEADER = [
    "id_technique",
    "date_obtention",
    "nom_naissance",
    "prenom1",
    "date_naissance",
    "sexe",
    "code_insee_naissance",
    "voie_acces",
]
ROW = ["T-1", "04/07/2025", "EXEMPLE", "Zoé", "03/05/1990", "F", "75056", "CA"]


def csv_bytes(rows: list[list[str]], sep: str = ";", eol: str = "\r\n", bom: bool = True) -> bytes:
    text = eol.join(sep.join(row) for row in rows) + eol
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def convert(cells: dict[str, str], certification: str | None = "RNCP35080") -> object:
    row = Row(7, {**dict(zip(HEADER, ROW, strict=True)), **cells})
    return to_passage(row, certification)


# --------------------------------------------------------------------------- CSV flavours


@pytest.mark.parametrize(
    ("sep", "eol", "bom"),
    [
        (";", "\r\n", True),
        (";", "\n", False),
        (",", "\r\n", True),
        (",", "\n", False),
        ("\t", "\r\n", False),
    ],
)
def test_csv_as_excel_or_others_save_it(sep: str, eol: str, bom: bool) -> None:
    rows = list(read_rows(csv_bytes([HEADER, ROW, ROW], sep, eol, bom)))
    assert [row.number for row in rows] == [2, 3]
    assert rows[0].cells == dict(zip(HEADER, ROW, strict=True))


def test_excel_file_with_bom_semicolons_and_crlf_builds_a_passage(tmp_path: Path) -> None:
    path = tmp_path / "titulaires.csv"
    path.write_bytes(csv_bytes([HEADER, ROW]))
    [row] = read_rows(path)
    ref, passage, problems = to_passage(row, "RNCP35080")
    assert problems == []
    assert ref is not None and ref.code == "RNCP35080"
    assert passage is not None
    assert passage.technical_id == "T-1"
    assert passage.valid_from == dt.date(2025, 7, 4)
    assert passage.access_mode is AccessMode.APPRENTICESHIP
    assert passage.holder == CivilIdentity(
        birth_name="EXEMPLE",
        first_name="Zoé",
        birth_year=1990,
        birth_month=5,
        birth_day=3,
        sex=Sex.FEMALE,
        birth_insee_code="75056",
    )


@pytest.mark.parametrize("sep", [";", ","])
def test_excel_sep_hint_line(sep: str) -> None:
    data = f"sep={sep}\r\n".encode() + csv_bytes([HEADER, ROW], sep=sep, bom=False)
    [row] = read_rows(data)
    assert row.number == 3 and row.cells == dict(zip(HEADER, ROW, strict=True))


def test_comment_rows_blank_rows_and_trailing_empty_cells_are_skipped() -> None:
    data = csv_bytes(
        [["# une explication", "", ""], [*HEADER, "", ""], ["", "", ""], ROW, ["#note"], ROW]
    )
    assert [row.number for row in read_rows(data)] == [4, 6]


def test_quoted_cells_with_separators_and_line_breaks() -> None:
    data = csv_bytes([[*HEADER, "verbatim"], [*ROW, '"a;b\r\nc"'], ROW])
    rows = list(read_rows(data))
    assert rows[0].cells["verbatim"] == "a;b\r\nc"
    assert [row.number for row in rows] == [2, 4]  # the row numbers a spreadsheet shows


def test_header_names_are_forgiving() -> None:
    assert normalise_header("\ufeffID Technique ") == "id_technique"
    assert normalise_header("Date d'obtention") == "date_d_obtention"
    assert normalise_header("Date_Obtention") == "date_obtention"
    assert normalise_header("idTechnique") == "id_technique"
    assert normalise_header("dateDebutValidite") == "date_obtention"
    assert normalise_header("Prénom1") == "prenom1"


def test_unknown_column_is_refused_with_its_name() -> None:
    with pytest.raises(InputError) as caught:
        list(read_rows(csv_bytes([[*HEADER, "couleur"], [*ROW, "bleu"]])))
    assert "couleur" in str(caught.value) and caught.value.line == 1


def test_missing_header_row_never_echoes_the_data() -> None:
    with pytest.raises(InputError) as caught:
        list(read_rows(csv_bytes([ROW, ROW])))
    assert "no header row" in str(caught.value)
    assert "EXEMPLE" not in str(caught.value) and "1990" not in str(caught.value)


def test_missing_required_column_is_refused() -> None:
    with pytest.raises(InputError, match="prenom1"):
        list(read_rows(csv_bytes([HEADER[:3], ROW[:3]])))


def test_duplicated_column_is_refused() -> None:
    with pytest.raises(InputError, match="id_technique"):
        list(read_rows(csv_bytes([[*HEADER, "idTechnique"], [*ROW, "x"]])))


def test_not_utf8_is_refused_with_excel_advice() -> None:
    data = csv_bytes([HEADER]) + ";".join(ROW).encode("cp1252") + b"\r\n"
    with pytest.raises(InputError) as caught:
        list(read_rows(data))
    assert "CSV UTF-8" in str(caught.value)


def test_empty_file_is_refused() -> None:
    with pytest.raises(InputError, match="header"):
        list(read_rows(b"\xef\xbb\xbf"))


def test_more_cells_than_columns_is_a_row_problem() -> None:
    [row] = read_rows(csv_bytes([HEADER, [*ROW, "", "surplus"]]))
    _ref, passage, problems = to_passage(row, "RNCP35080")
    assert passage is None
    assert [p.reason_en for p in problems] == ["more cells than columns in the header"]


# --------------------------------------------------------------------------- JSON


def test_json_array_and_json_lines() -> None:
    objects = [
        dict(zip(HEADER, ROW, strict=True)),
        {**dict(zip(HEADER, ROW, strict=True)), "id_technique": 42, "prenom2": None},
    ]
    array = list(read_rows(json.dumps(objects, ensure_ascii=False).encode()))
    lines = list(read_rows("\n".join(json.dumps(o) for o in objects).encode() + b"\n"))
    assert [row.number for row in array] == [1, 2]
    assert [row.number for row in lines] == [1, 2]
    for rows in (array, lines):
        assert rows[1].cells["id_technique"] == "42"
        assert rows[1].cells["prenom2"] == ""
        assert to_passage(rows[0], "RNCP35080")[2] == []


def test_json_array_is_streamed_across_chunks() -> None:
    objects = [
        {**dict(zip(HEADER, ROW, strict=True)), "id_technique": f"T-{i}", "verbatim": "x" * 200}
        for i in range(600)
    ]
    data = json.dumps(objects, indent=2).encode()
    assert len(data) > 3 * (1 << 16)
    rows = list(read_rows(data))
    assert [row.cells["id_technique"] for row in rows] == [f"T-{i}" for i in range(600)]


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_json_lines_longer_than_one_read(eol: str) -> None:
    """A JSON-lines file beyond the first 64 KiB read: the line that read cuts in two is
    read whole (it used to be split into two invalid lines), numbers stay line numbers."""
    lines = []
    for i in range(900):
        obj = {
            **dict(zip(HEADER, ROW, strict=True)),
            "id_technique": f"T-{i}",
            "verbatim": "x" * 90,
        }
        lines.append(json.dumps(obj, ensure_ascii=False))
        if i % 100 == 0:
            lines.append("")  # blank lines are skipped, not renumbered
    data = (eol.join(lines) + eol).encode()
    assert len(data) > 2 * (1 << 16)
    rows = list(read_rows(data))
    assert [row.cells["id_technique"] for row in rows] == [f"T-{i}" for i in range(900)]
    assert [row.number for row in rows] == [n for n, line in enumerate(lines, 1) if line]


def test_json_booleans_and_nested_values() -> None:
    [row] = read_rows(
        json.dumps(
            [
                {
                    **dict(zip(HEADER, ROW, strict=True)),
                    "donnee_certifiee": False,
                    "verbatim": {"a": 1},
                }
            ]
        ).encode()
    )
    _ref, passage, problems = to_passage(row, "RNCP35080")
    assert passage is None
    assert [(p.column, p.value) for p in problems] == [("verbatim", None)]
    row.cells.pop("\0bad:verbatim")
    _ref, passage, problems = to_passage(row, "RNCP35080")
    assert passage is not None and passage.definitive is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'[{"id_technique": "a"', "JSON"),
        (b'[{"couleur": 1}]', "couleur"),
        (b"[1, 2]", "object"),
        (b'{"id_technique": "a"}\n{oops}\n', "JSON"),
    ],
)
def test_bad_json_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        list(read_rows(data))


# --------------------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("cells", "check"),
    [
        ({"voie_acces": "fi"}, lambda p: p.access_mode is AccessMode.INITIAL_TRAINING),
        ({"voie_acces": "VAE"}, lambda p: p.access_mode is AccessMode.VAE),
        ({"voie_acces": "cl"}, lambda p: p.access_mode is AccessMode.INDIVIDUAL_APPLICATION),
        (
            {"voie_acces": "Equivalence"},
            lambda p: p.access_mode is AccessMode.FOREIGN_DIPLOMA_EQUIVALENCE,
        ),
        (
            {"voie_acces": "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION"},
            lambda p: p.access_mode is AccessMode.PROFESSIONALISATION_CONTRACT,
        ),
        ({"voie_acces": ""}, lambda p: p.access_mode is None),
        ({"date_obtention": "2025-07-04"}, lambda p: p.valid_from == dt.date(2025, 7, 4)),
        ({"date_obtention": "04/07/2025 00:00"}, lambda p: p.valid_from == dt.date(2025, 7, 4)),
        (
            {"date_naissance": "05/1990"},
            lambda p: (
                (p.holder.birth_year, p.holder.birth_month, p.holder.birth_day) == (1990, 5, None)
            ),
        ),
        ({"date_naissance": "1990"}, lambda p: p.holder.birth_month is None),
        ({"sexe": "H"}, lambda p: p.holder.sex is Sex.MALE),
        ({"sexe": "femme"}, lambda p: p.holder.sex is Sex.FEMALE),
        ({"code_insee_naissance": "1053"}, lambda p: p.holder.birth_insee_code == "01053"),
        ({"code_insee_naissance": "2a004"}, lambda p: p.holder.birth_insee_code == "2A004"),
        (
            {"code_insee_naissance": "", "code_postal_naissance": "69003"},
            lambda p: p.holder.birth_postcode == "69003",
        ),
        ({"mention": "très bien"}, lambda p: p.mention is Mention.VERY_GOOD),
        ({"mention": "Félicitations"}, lambda p: p.mention is Mention.VERY_GOOD_WITH_HONOURS),
        ({"mention": "sans mention"}, lambda p: p.mention is Mention.NONE),
        ({"donnee_certifiee": "non"}, lambda p: p.definitive is False),
        ({"donnee_certifiee": ""}, lambda p: p.definitive is True),
        ({"obtention": "scoring", "scoring": "812"}, lambda p: p.scoring == "812"),
        (
            {"resultats_numeriques": "4:2:1|3::"},
            lambda p: (
                [(r.level, r.domain_id, r.competence_id) for r in p.digital_level.results]
                == [(4, "2", "1"), (3, None, None)]
            ),
        ),
        ({"score_numerique": "324"}, lambda p: p.digital_level.general_score == 324),
        ({"niveau_langue": "b2"}, lambda p: p.language_level_present),
        (
            {"id_dossier_cpf": "12345678901"},
            lambda p: (
                p.holder == CpfFile(file_id="12345678901", last_name="EXEMPLE", first_name="Zoé")
            ),
        ),
        ({"nom_naissance": "  EXEMPLE  "}, lambda p: p.holder.birth_name == "EXEMPLE"),
    ],
)
def test_cell_formats(cells: dict[str, str], check: object) -> None:
    _ref, passage, problems = convert(cells)  # type: ignore[misc]
    assert problems == []
    assert check(passage)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("cells", "column", "fragment"),
    [
        ({"date_obtention": "31/02/2025"}, "date_obtention", "does not exist"),
        ({"date_obtention": "31/09/2025"}, "date_obtention", "does not exist"),
        ({"date_obtention": "demain"}, "date_obtention", "DD/MM/YYYY"),
        ({"date_obtention": "4 juillet 2025"}, "date_obtention", "DD/MM/YYYY"),
        ({"nom_naissance": ""}, "nom_naissance", "required"),
        ({"prenom1": "   "}, "prenom1", "required"),
        ({"id_dossier_cpf": "1", "prenom1": ""}, "prenom1", "required"),
        ({"date_obtention": ""}, "date_obtention", "required"),
        ({"id_technique": ""}, "id_technique", "required"),
        ({"voie_acces": "apprentissage"}, "voie_acces", "FI, CA"),
        ({"sexe": "X"}, "sexe", "M, F"),
        ({"sexe": ""}, "sexe", "required"),
        ({"date_naissance": ""}, "date_naissance", "required"),
        ({"date_naissance": "1990-13-01"}, "date_naissance", "does not exist"),
        ({"date_naissance": "13/1990"}, "date_naissance", "month does not exist"),
        ({"date_naissance": "le 3 mai"}, "date_naissance", "MM/YYYY"),
        ({"code_postal_naissance": "75001"}, "code_postal_naissance", "not both"),
        ({"code_insee_naissance": "123"}, "code_insee_naissance", "five characters"),
        ({"nom_naissance": "X" * 61}, "nom_naissance", "at most 60"),
        ({"id_dossier_cpf": "1", "nom_naissance": "X" * 31}, "nom_naissance", "at most 30"),
        ({"id_dossier_cpf": "1", "prenom1": "X" * 21}, "prenom1", "at most 20"),
        ({"obtention": "PAR_SCORING"}, "scoring", "score"),
        ({"voie_acces_vae": "CONGES_VAE"}, "voie_acces_vae", "VAE access mode"),
        ({"score_numerique": "douze"}, "score_numerique", "whole number"),
        ({"score_numerique": "1001"}, "score_numerique", "at most 1000"),
        ({"resultats_numeriques": "9:1:1"}, "resultats_numeriques", "at most 8"),
        ({"resultats_numeriques": "4-2-1"}, "resultats_numeriques", "level:domain"),
        ({"donnee_certifiee": "peut-être"}, "donnee_certifiee", "yes or no"),
        ({"certification": "CNAM35080"}, "certification", "RNCP35080"),
        ({"niveau_langue": "D1"}, "niveau_langue", "A1"),
    ],
)
def test_row_problems_name_the_column_with_both_languages(
    cells: dict[str, str], column: str, fragment: str
) -> None:
    _ref, passage, problems = convert(cells)  # type: ignore[misc]
    assert passage is None
    assert [p.column for p in problems] == [column]
    problem = problems[0]
    assert problem.row == 7 and fragment in problem.reason_en and problem.reason_fr
    text = str(problem)
    assert text.startswith("ligne/row 7") and problem.reason_fr in text
    assert ("[idTechnique T-1]" in text) == (column != "id_technique")


def test_no_certification_at_all() -> None:
    _ref, passage, problems = convert({}, certification=None)
    assert passage is None and [p.column for p in problems] == ["certification"]


def test_every_problem_of_a_row_is_reported() -> None:
    _ref, _passage, problems = convert(
        {"date_obtention": "demain", "sexe": "?", "voie_acces": "??", "score_numerique": "x"}
    )
    assert sorted(p.column for p in problems) == sorted(
        ["date_obtention", "sexe", "voie_acces", "score_numerique"]
    )


@pytest.mark.parametrize(
    "column",
    [
        "nom_naissance",
        "prenom1",
        "date_naissance",
        "sexe",
        "code_insee_naissance",
        "id_dossier_cpf",
    ],
)
def test_personal_values_are_never_shown(column: str) -> None:
    secret = {
        "nom_naissance": "X" * 61,
        "prenom1": "\x01SECRET",
        "date_naissance": "SECRET",
        "sexe": "SECRET",
        "code_insee_naissance": "SECRET",
        "id_dossier_cpf": "SECRET-SECRET-SECRET",
    }[column]
    _ref, _passage, problems = convert({column: secret})
    assert [p.column for p in problems] == [column]
    assert problems[0].hidden
    assert secret not in str(problems[0]) and "SECRET" not in json.dumps(problems[0].as_dict())
    assert "valeur masquée" in str(problems[0])


def test_non_personal_values_are_shown() -> None:
    _ref, _passage, problems = convert({"voie_acces": "apprentissage"})
    assert '"apprentissage"' in str(problems[0])
    assert problems[0].as_dict()["valeur"] == "apprentissage"


# --------------------------------------------------------------------------- template


def test_template_is_a_comment_row_then_the_header() -> None:
    text = template()
    lines = text.split("\r\n")
    assert lines[0].startswith('"# certification')
    assert lines[1] == ";".join(column.name for column in COLUMNS)
    assert lines[2] == ""
    assert all(f"{column.name} : " in lines[0] for column in COLUMNS)


def test_template_filled_is_read_back() -> None:
    filled = (
        template(",")
        + ",".join(
            {
                "id_technique": "T-9",
                "date_obtention": "04/07/2025",
                "nom_naissance": "EXEMPLE",
                "prenom1": "Zoé",
                "date_naissance": "1990",
                "sexe": "F",
                "code_insee_naissance": "75056",
            }.get(column.name, "")
            for column in COLUMNS
        )
        + "\r\n"
    )
    [row] = read_rows(("\ufeff" + filled).encode())
    assert row.number == 3
    assert to_passage(row, "RNCP35080")[2] == []


def test_sample_holders_file_reads_without_problem() -> None:
    rows = list(read_rows(SAMPLES / "holders-RNCP35080.csv"))
    assert len(rows) == 12
    converted = [to_passage(row, None) for row in rows]
    assert all(problems == [] for _ref, _p, problems in converted)
    passages = [p for _ref, p, _problems in converted]
    modes = {p.access_mode for p in passages if p is not None}
    assert modes == {
        None,
        AccessMode.APPRENTICESHIP,
        AccessMode.CONTINUING_TRAINING,
        AccessMode.PROFESSIONALISATION_CONTRACT,
        AccessMode.VAE,
        AccessMode.FOREIGN_DIPLOMA_EQUIVALENCE,
    }
    kinds = {type(p.holder).__name__ for p in passages if p is not None}
    assert kinds == {"CpfFile", "CivilIdentity"}


# --------------------------------------------------------------------------- any input

_cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=70)


@given(st.dictionaries(st.sampled_from([c.name for c in COLUMNS]), _cells, max_size=12))
@settings(max_examples=300, deadline=None)
def test_any_row_gives_a_passage_or_located_problems_never_personal_data(
    cells: dict[str, str],
) -> None:
    row = Row(9, {**dict(zip(HEADER, ROW, strict=True)), **cells})
    ref, passage, problems = to_passage(row, "RNCP35080")
    assert (passage is None) == bool(problems)
    if passage is not None:
        assert ref is not None
        assert flux_bytes(passage, code=ref.code)  # writable, and XSD-valid when checkable
    for problem in problems:
        assert problem.row == 9 and problem.reason_en and problem.reason_fr
        assert problem.column in {c.name for c in COLUMNS} | {""}
        if problem.column in PERSONAL:
            assert problem.as_dict()["valeur"] is None
            assert "(valeur masquée / value hidden)" in str(problem)
        for value in row.cells.values():  # reasons never quote a cell
            # (only values no reason could spell by chance: with a character beyond Latin)
            if len(value.strip()) >= 4 and any(ord(c) > 0x2FF and c != "’" for c in value):
                assert value not in problem.reason_en and value not in problem.reason_fr


# --------------------------------------------------------------------------- the column table


def test_another_feature_reads_its_own_columns_from_the_same_file() -> None:
    from rncpkit.accrochage import Column

    email = Column("email", "courriel du titulaire", "holder's e-mail", personal=True)
    blocs = Column("blocs", "blocs obtenus", "blocks obtained", aliases=("blocsCompetences",))
    data = csv_bytes([[*HEADER, "E-mail", "blocsCompetences"], [*ROW, "zoe@example.org", "1|2"]])
    with pytest.raises(InputError, match="unknown column"):
        list(read_rows(data))
    [row] = read_rows(data, extra_columns=[email, blocs])
    assert row.cells["email"] == "zoe@example.org" and row.cells["blocs"] == "1|2"
    _ref, passage, problems = to_passage(row, "RNCP35080")
    assert problems == [] and passage is not None  # the flux ignores them


def test_field_columns_are_derived_from_the_table() -> None:
    from rncpkit.accrochage.columns import BY_NAME, FIELD_COLUMNS

    for column in COLUMNS:
        for path in column.fields:
            assert FIELD_COLUMNS[path.rsplit(".", 1)[-1]] == column.name
    assert FIELD_COLUMNS["last_name"] == "nom_naissance"  # CPF dossier's nomTitulaire
    assert set(FIELD_COLUMNS.values()) <= set(BY_NAME)


def test_every_model_field_is_filled_by_some_column() -> None:
    from rncpkit.accrochage import CivilIdentity, CpfFile, NationalId, Passage
    from rncpkit.accrochage.columns import FIELD_COLUMNS

    derived = {"language_level_present", "digital_level_present", "kind", "holder"}
    for model in (Passage, CivilIdentity, CpfFile, NationalId):
        for name in model.model_fields:
            assert name in FIELD_COLUMNS or name in derived, name


def test_the_documented_column_table_is_current() -> None:
    from rncpkit.accrochage.columns import columns_markdown
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "accrochage.md").read_text(encoding="utf-8")
    start = text.index("<!-- columns:start -->\n") + len("<!-- columns:start -->\n")
    end = text.index("\n<!-- columns:end -->")
    assert text[start:end] == columns_markdown()


@pytest.mark.parametrize(
    "column",
    ["nom_naissance", "prenom1", "id_technique", "date_obtention", "sexe", "date_naissance"],
)
def test_an_empty_required_cell_says_required_never_must_be_text(column: str) -> None:
    _ref, passage, problems = convert({column: "  "})
    assert passage is None
    assert [(p.column, p.reason_fr, p.reason_en) for p in problems] == [
        (column, "obligatoire", "required")
    ]
