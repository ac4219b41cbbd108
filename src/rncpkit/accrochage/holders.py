"""The holders file a certifier fills: CSV (as Excel saves it) or JSON, one row per holder.

Rows are read one at a time and turned into :class:`~.model.Passage` objects; every problem
of a row is reported with its row number, column, value and a reason in French and English.
Columns that hold names, birth data or free text about the person never have their value
repeated in a message: only the row number and ``id_technique`` identify the row.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any, TypeVar

from pydantic import ValidationError

from rncpkit.accrochage.enums import (
    AccessMode,
    ExamMode,
    LanguageLevel,
    Mention,
    Obtention,
    RegistrationInitiative,
    Sex,
    VaeRoute,
)
from rncpkit.accrochage.model import CertificationRef, Passage, reasons
from rncpkit.errors import InputError
from rncpkit.io import InputFile, Source, open_input, text_stream
from rncpkit.model import AccessRouteCode


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the holders file."""

    name: str
    help_fr: str
    help_en: str
    personal: bool = False
    """Its values are never repeated in messages."""


COLUMNS: tuple[Column, ...] = (
    Column(
        "certification",
        "code RNCP/RS obtenu (ex. RNCP35080) ; vide = --certification",
        "RNCP/RS code obtained (e.g. RNCP35080); empty = --certification",
    ),
    Column(
        "id_technique",
        "OBLIGATOIRE identifiant unique et stable du passage (repris dans les accusés)",
        "REQUIRED unique, stable id of the award (quoted in the receipts)",
    ),
    Column(
        "date_obtention",
        "OBLIGATOIRE date d'obtention JJ/MM/AAAA",
        "REQUIRED date obtained DD/MM/YYYY",
    ),
    Column(
        "voie_acces",
        "FI, CA, FC, CQ, CL, VAE ou EQUIVALENCE_DIPLOME_ETRANGER ; vide = non renseignée",
        "FI, CA, FC, CQ, CL, VAE or EQUIVALENCE_DIPLOME_ETRANGER; empty = not given",
    ),
    Column(
        "id_dossier_cpf",
        "n° de dossier CPF (si rempli : identification par le dossier, avec nom et prénom)",
        "CPF dossier number (if filled, identifies the holder with last and first name)",
        personal=True,
    ),
    Column("nom_naissance", "OBLIGATOIRE nom de naissance", "REQUIRED birth name", True),
    Column("nom_usage", "nom d'usage", "usage name", True),
    Column("prenom1", "OBLIGATOIRE premier prénom", "REQUIRED first given name", True),
    Column("prenom2", "deuxième prénom", "second given name", True),
    Column("prenom3", "troisième prénom", "third given name", True),
    Column(
        "date_naissance",
        "JJ/MM/AAAA, MM/AAAA ou AAAA (obligatoire sans dossier CPF)",
        "DD/MM/YYYY, MM/YYYY or YYYY (required without a CPF dossier)",
        True,
    ),
    Column("sexe", "M ou F (H accepté pour M)", "M or F (H accepted for M)", True),
    Column(
        "code_insee_naissance",
        "code commune INSEE de naissance (99xxx à l'étranger) ; ou bien code postal",
        "INSEE commune code of birth (99xxx abroad); or else the postal code",
        True,
    ),
    Column(
        "code_postal_naissance",
        "code postal de la commune de naissance, si pas de code INSEE",
        "postal code of the birth town, when no INSEE code",
        True,
    ),
    Column("commune_naissance", "commune de naissance", "birth town", True),
    Column("code_pays_naissance", "code pays INSEE (3 chiffres)", "INSEE country code", True),
    Column("pays_naissance", "pays de naissance", "birth country", True),
    Column(
        "obtention",
        "PAR_ADMISSION (défaut) ou PAR_SCORING",
        "PAR_ADMISSION (default) or PAR_SCORING",
    ),
    Column(
        "donnee_certifiee",
        "résultat définitif : oui (défaut) ou non",
        "final result: yes (default) or no",
    ),
    Column("date_fin_validite", "fin de validité JJ/MM/AAAA ; vide = sans fin", "validity end"),
    Column("date_debut_examen", "début de l'examen JJ/MM/AAAA", "exam start"),
    Column("date_fin_examen", "fin de l'examen JJ/MM/AAAA", "exam end"),
    Column("modalite_examen", "A_DISTANCE, EN_PRESENTIEL ou MIXTE", "exam mode"),
    Column("code_postal_centre_examen", "code postal du centre d'examen", "exam centre postcode"),
    Column("voie_acces_vae", "pour la VAE : CONGES_VAE ou VAE_CLASSIQUE", "VAE route"),
    Column(
        "initiative_inscription",
        "CERTIFIE, OF, POLE_EMPLOI, EMPLOYEUR ou AUTRE",
        "who initiated the registration",
    ),
    Column("date_inscription", "date d'inscription JJ/MM/AAAA", "registration date"),
    Column("niveau_langue", "niveau CECRL : A1…C2 ou INSUFFISANT", "CEFR level"),
    Column("score_numerique", "score général numérique (1 à 1000)", "digital general score"),
    Column(
        "resultats_numeriques",
        "résultats numériques niveau:domaine:compétence séparés par | (ex. 4:2:1|3:1:2)",
        "digital results level:domain:competence separated by |",
    ),
    Column("scoring", "score obtenu (obligatoire si PAR_SCORING)", "score (required by scoring)"),
    Column(
        "mention",
        "SANS_MENTION, ASSEZ_BIEN, BIEN, TRES_BIEN, TRES_BIEN_AVEC_FELICITATIONS_DU_JURY",
        "honours",
    ),
    Column("libelle_option", "option obtenue", "option obtained"),
    Column("url_preuve", "URL de la preuve", "proof URL", True),
    Column("verbatim", "texte libre", "free text", True),
    Column("commentaires_men", "commentaires (Éducation nationale)", "comments", True),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
PERSONAL = frozenset(column.name for column in COLUMNS if column.personal)
REQUIRED_COLUMNS = ("id_technique", "date_obtention", "nom_naissance", "prenom1")

_ALIASES = {
    "idtechnique": "id_technique",
    "datedebutvalidite": "date_obtention",
    "datefinvalidite": "date_fin_validite",
    "obtentioncertification": "obtention",
    "modaliteacces": "voie_acces",
    "iddossier": "id_dossier_cpf",
    "nomnaissance": "nom_naissance",
    "nomusage": "nom_usage",
    "codeinsee": "code_insee_naissance",
    "codepostal": "code_postal_naissance",
    "mentionvalidee": "mention",
}

FIELD_COLUMNS: dict[str, str] = {
    "technical_id": "id_technique",
    "proof_url": "url_preuve",
    "option_label": "libelle_option",
    "obtained_by": "obtention",
    "definitive": "donnee_certifiee",
    "exam_start": "date_debut_examen",
    "exam_end": "date_fin_examen",
    "exam_mode": "modalite_examen",
    "exam_postcode": "code_postal_centre_examen",
    "valid_from": "date_obtention",
    "valid_until": "date_fin_validite",
    "language_level": "niveau_langue",
    "digital_level": "score_numerique",
    "general_score": "score_numerique",
    "results": "resultats_numeriques",
    "level": "resultats_numeriques",
    "domain_id": "resultats_numeriques",
    "competence_id": "resultats_numeriques",
    "scoring": "scoring",
    "mention": "mention",
    "access_mode": "voie_acces",
    "vae_route": "voie_acces_vae",
    "registration_initiative": "initiative_inscription",
    "registration_date": "date_inscription",
    "verbatim": "verbatim",
    "holder": "nom_naissance",
    "kind": "id_dossier_cpf",
    "file_id": "id_dossier_cpf",
    "last_name": "nom_naissance",
    "first_name": "prenom1",
    "birth_name": "nom_naissance",
    "usage_name": "nom_usage",
    "second_first_name": "prenom2",
    "third_first_name": "prenom3",
    "birth_year": "date_naissance",
    "birth_month": "date_naissance",
    "birth_day": "date_naissance",
    "sex": "sexe",
    "birth_insee_code": "code_insee_naissance",
    "birth_postcode": "code_postal_naissance",
    "birth_town": "commune_naissance",
    "birth_country_code": "code_pays_naissance",
    "birth_country": "pays_naissance",
    "comments_men": "commentaires_men",
    "code": "certification",
}
"""Model field → column that fills it (where a model error is reported)."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem of one row: where, which value (unless personal), why (fr/en)."""

    row: int
    technical_id: str | None
    column: str
    value: str | None
    reason_en: str
    reason_fr: str

    @property
    def hidden(self) -> bool:
        """Whether the value is withheld because it is personal data."""
        return self.column in PERSONAL

    def shown_value(self) -> str:
        """The value as messages show it."""
        if self.hidden:
            return "(valeur masquée / value hidden)"
        if not self.value:
            return "(vide / empty)"
        return json.dumps(self.value, ensure_ascii=False)

    def __str__(self) -> str:
        who = f" [idTechnique {self.technical_id}]" if self.technical_id else ""
        return (
            f"ligne/row {self.row}{who}: {self.column or '-'} {self.shown_value()}: "
            f"{self.reason_fr} / {self.reason_en}"
        )

    def as_dict(self) -> dict[str, str | int | None]:
        """Report form; personal values are left out."""
        return {
            "ligne": self.row,
            "id_technique": self.technical_id,
            "colonne": self.column,
            "valeur": None if self.hidden else self.value,
            "raison": self.reason_fr,
            "reason": self.reason_en,
        }


@dataclass(slots=True)
class Row:
    """One holder's row, as text cells by column name."""

    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """The stripped cell (empty when the column is absent)."""
        return self.cells.get(column, "").strip()

    @property
    def technical_id(self) -> str | None:
        """``id_technique``, the one identifier messages may show."""
        return self.get("id_technique") or None


# ---------------------------------------------------------------------------------------
# reading rows


def normalise_header(name: str) -> str:
    """``Date d'obtention `` → ``date_d_obtention``; ``idTechnique`` → ``id_technique``."""
    text = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff"))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    squashed = text.replace("_", "")
    if squashed in _ALIASES:
        return _ALIASES[squashed]
    for column in COLUMN_NAMES:
        if column.replace("_", "") == squashed:
            return column
    return text


def read_rows(source: Source, *, delimiter: str | None = None) -> Iterator[Row]:
    """Yield the rows of a holders file (CSV, JSON array or JSON lines), one at a time.

    Raises :class:`InputError` for a file that cannot be read as a whole (not UTF-8,
    unknown or missing columns); problems of single rows are left to :func:`to_passage`.
    """
    with open_input(source) as opened:
        head = opened.head.lstrip(codecs.BOM_UTF8).lstrip()
        name = opened.name
        if name.lower().endswith((".json", ".jsonl")) or head[:1] in (b"[", b"{"):
            yield from _json_rows(opened, name)
        else:
            yield from _csv_rows(opened, name, delimiter or _sniff_delimiter(opened.head))


def _sniff_delimiter(head: bytes) -> str:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    for line in text.splitlines():
        if line.lower().startswith("sep=") and len(line) > 4:
            return "\t" if line[4:].startswith("\\t") else line[4]  # Excel's "sep=;" line
        if line.strip() and not line.lstrip('"').startswith("#"):
            counts = {sep: line.count(sep) for sep in (";", ",", "\t")}
            best = max(counts, key=lambda sep: counts[sep])
            return best if counts[best] else ";"
    return ";"


def _check_header(names: list[str], file: str, line: int) -> list[str]:
    columns = [normalise_header(name) for name in names]
    while columns and not columns[-1]:
        columns.pop()  # Excel's trailing empty cells
    unknown = [
        raw for raw, col in zip(names, columns, strict=False) if col and col not in COLUMN_NAMES
    ]
    if unknown and not any(col in COLUMN_NAMES for col in columns):
        # Probably a data row (the header is missing): never echo its cells, they are personal.
        raise InputError(
            "pas de ligne d'en-tête (aucun nom de colonne connu) / no header row (no known "
            "column name): see `rncpkit accrochage template`",
            file=file,
            line=line,
        )
    if unknown:
        raise InputError(
            f"colonne(s) inconnue(s) / unknown column(s): {', '.join(unknown)} "
            f"(voir / see `rncpkit accrochage template`)",
            file=file,
            line=line,
        )
    duplicated = sorted({col for col in columns if col and columns.count(col) > 1})
    if duplicated:
        raise InputError(
            f"colonne(s) en double / duplicated column(s): {', '.join(duplicated)}",
            file=file,
            line=line,
        )
    missing = [col for col in REQUIRED_COLUMNS if col not in columns]
    if missing:
        raise InputError(
            f"colonne(s) obligatoire(s) absente(s) / missing required column(s): "
            f"{', '.join(missing)}",
            file=file,
            line=line,
        )
    return columns


_NOT_UTF8 = (
    "le fichier n'est pas en UTF-8 : dans Excel, enregistrer sous « CSV UTF-8 » / "
    "the file is not UTF-8: in Excel, save as 'CSV UTF-8'"
)


def _csv_rows(opened: InputFile, name: str, delimiter: str) -> Iterator[Row]:
    text = text_stream(opened)  # UTF-8 or --encoding; a bad byte is reported on its line
    reader = csv.reader(text, delimiter=delimiter)
    columns: list[str] | None = None
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
                continue
            if columns is None:
                if cells[0].strip().lower().startswith("sep="):
                    continue  # Excel's delimiter hint line
                columns = _check_header(cells, name, start)
                continue
            row = Row(start, {})
            extra = False
            for index, cell in enumerate(cells):
                if index < len(columns) and columns[index]:
                    row.cells[columns[index]] = cell
                elif cell.strip():
                    extra = True
            if extra:
                row.cells["\0extra"] = "1"
            yield row
    except UnicodeDecodeError:
        raise InputError(_NOT_UTF8, file=name, line=line + 1) from None
    except csv.Error as exc:
        raise InputError(f"CSV illisible / unreadable CSV: {exc}", file=name, line=line) from None
    finally:
        text.detach()
    if columns is None:
        raise InputError("fichier vide / empty file: no header row", file=name)


def _json_cell(value: Any) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | str):
        return str(value)
    return None


def _json_rows(opened: InputFile, name: str) -> Iterator[Row]:
    """A JSON array of objects (streamed, one object at a time) or JSON lines."""
    try:
        text = text_stream(opened, newline=None)
        for number, value in _json_values(text, name):
            if not isinstance(value, dict):
                raise InputError(
                    "un objet par titulaire attendu / expected one object per holder",
                    file=name,
                    line=number,
                )
            cells: dict[str, str] = {}
            bad: list[str] = []
            for key, raw in value.items():
                column = normalise_header(str(key))
                if column not in COLUMN_NAMES:
                    raise InputError(f"clé inconnue / unknown key: {key}", file=name, line=number)
                cell = _json_cell(raw)
                if cell is None:
                    bad.append(column)
                    continue
                cells[column] = cell
            row = Row(number, cells)
            for column in bad:
                row.cells[f"\0bad:{column}"] = "1"
            yield row
    except UnicodeDecodeError:
        raise InputError(_NOT_UTF8, file=name) from None


def _json_values(text: IO[str], name: str) -> Iterator[tuple[int, Any]]:
    """(number, value): array elements numbered from 1 (streamed), or JSON lines by line."""
    buffer = text.read(1 << 16)
    stripped = buffer.lstrip()
    if not stripped.startswith("["):
        for number, line in enumerate(itertools.chain(io.StringIO(buffer), text), 1):
            if line.strip():
                yield number, _decode(line, name, number)
        return
    yield from _array_values(text, stripped[1:], name)


def _decode(line: str, name: str, number: int) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"JSON invalide / invalid JSON: {exc.msg}", file=name, line=number
        ) from None


def _array_values(text: IO[str], buffer: str, name: str) -> Iterator[tuple[int, Any]]:
    decoder = json.JSONDecoder()
    count = 0
    while True:
        buffer = buffer.lstrip()
        while not buffer or (buffer[0] == "," and count):
            buffer = buffer[1:].lstrip() if buffer else buffer
            if not buffer:
                more = text.read(1 << 16)
                if not more:
                    raise InputError("JSON tronqué / truncated JSON", file=name, line=count + 1)
                buffer = more.lstrip()
        if buffer[0] == "]":
            return
        while True:
            try:
                value, end = decoder.raw_decode(buffer)
                break
            except json.JSONDecodeError as exc:
                more = text.read(1 << 16)
                if not more:
                    raise InputError(
                        f"JSON invalide / invalid JSON: {exc.msg}", file=name, line=count + 1
                    ) from None
                buffer += more
        count += 1
        yield count, value
        buffer = buffer[end:]


# ---------------------------------------------------------------------------------------
# cells → passage


class CellError(ValueError):
    """A cell that cannot be converted: its reason in English and French."""

    def __init__(self, en: str, fr: str) -> None:
        super().__init__(en)
        self.en = en
        self.fr = fr


_PLAIN = re.compile(r"[A-Z0-9]+(_[A-Z0-9]+)*")


@functools.lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """``très bien`` → ``TRES_BIEN``: how enumerated cells are compared (cached: the
    values of a column repeat)."""
    text = text.strip()
    if _PLAIN.fullmatch(text):
        return text
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).upper()
    return re.sub(r"[^A-Z0-9]+", "_", text).strip("_")


E = TypeVar("E", bound=StrEnum)


def _enum(kind: type[E], aliases: dict[str, str] | None = None) -> Callable[[str], E]:
    def parse(text: str) -> E:
        folded = _fold(text)
        folded = (aliases or {}).get(folded, folded)
        try:
            return kind(folded)
        except ValueError:
            values = ", ".join(member.value for member in kind)
            raise CellError(f"expected one of {values}", f"valeurs possibles : {values}") from None

    return parse


_DATE = re.compile(r"(?:(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{2})-(\d{2}))(?:[ T]00:00(?::00)?)?")


@functools.lru_cache(maxsize=4096)
def _date(text: str) -> dt.date:
    """``JJ/MM/AAAA`` (what French Excel writes) or ``AAAA-MM-JJ``; a midnight time that
    Excel may append is ignored."""
    match = _DATE.fullmatch(text.strip())
    if match:
        day, month, year = (match[1], match[2], match[3]) if match[1] else match.group(6, 5, 4)
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            pass
    raise CellError("expected a date DD/MM/YYYY", "date JJ/MM/AAAA attendue")


def _birth(text: str) -> tuple[int, int | None, int | None]:
    text = re.sub(r"[ T]00:00(:00)?$", "", text.strip())
    if re.fullmatch(r"\d{4}", text):
        return int(text), None, None
    match = re.fullmatch(r"(\d{1,2})/(\d{4})", text)
    if match:
        return int(match[2]), int(match[1]), None
    try:
        day = _date(text)
    except CellError:
        raise CellError(
            "expected DD/MM/YYYY, MM/YYYY or YYYY", "JJ/MM/AAAA, MM/AAAA ou AAAA attendu"
        ) from None
    return day.year, day.month, day.day


_TRUE = {"OUI", "O", "VRAI", "TRUE", "1", "YES", "Y", "X"}
_FALSE = {"NON", "N", "FAUX", "FALSE", "0", "NO"}


def _bool(text: str) -> bool:
    folded = _fold(text)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError("expected yes or no", "oui ou non attendu")


def _int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise CellError("expected a whole number", "nombre entier attendu") from None


def _results(text: str) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for part in text.split("|"):
        pieces = [piece.strip() for piece in part.split(":")]
        if len(pieces) != 3 or not pieces[0].isdigit():
            raise CellError(
                "expected level:domain:competence entries separated by |",
                "format niveau:domaine:compétence séparés par | attendu",
            )
        results.append(
            {
                "level": int(pieces[0]),
                "domain_id": pieces[1] or None,
                "competence_id": pieces[2] or None,
            }
        )
    return results


def _access(text: str) -> AccessMode:
    folded = _fold(text)
    if folded in AccessRouteCode.__members__:
        return AccessMode.from_rncp_route(AccessRouteCode(folded))
    if folded == "EQUIVALENCE":
        return AccessMode.FOREIGN_DIPLOMA_EQUIVALENCE
    try:
        return AccessMode(folded)
    except ValueError:
        raise CellError(
            "expected FI, CA, FC, CQ, CL, VAE or EQUIVALENCE_DIPLOME_ETRANGER",
            "FI, CA, FC, CQ, CL, VAE ou EQUIVALENCE_DIPLOME_ETRANGER attendu",
        ) from None


def _insee(text: str) -> str:
    text = text.strip().upper()
    return "0" + text if re.fullmatch(r"\d{4}", text) else text  # Excel drops leading zeros


def _text(text: str) -> str:
    return text.strip()


_MENTIONS = {
    "ASSEZ_BIEN": "MENTION_ASSEZ_BIEN",
    "BIEN": "MENTION_BIEN",
    "TRES_BIEN": "MENTION_TRES_BIEN",
    "TRES_BIEN_AVEC_FELICITATIONS_DU_JURY": "MENTION_TRES_BIEN_AVEC_FELICITATIONS_DU_JURY",
    "FELICITATIONS": "MENTION_TRES_BIEN_AVEC_FELICITATIONS_DU_JURY",
    "AUCUNE": "SANS_MENTION",
}
_SEXES = {"H": "M", "HOMME": "M", "MASCULIN": "M", "FEMME": "F", "FEMININ": "F"}
_OBTENTIONS = {"ADMISSION": "PAR_ADMISSION", "SCORING": "PAR_SCORING", "SCORE": "PAR_SCORING"}

_PARSERS: dict[str, Callable[[str], Any]] = {
    "date_obtention": _date,
    "date_fin_validite": _date,
    "date_debut_examen": _date,
    "date_fin_examen": _date,
    "date_inscription": _date,
    "date_naissance": _birth,
    "donnee_certifiee": _bool,
    "obtention": _enum(Obtention, _OBTENTIONS),
    "modalite_examen": _enum(ExamMode, {"DISTANCE": "A_DISTANCE", "PRESENTIEL": "EN_PRESENTIEL"}),
    "voie_acces": _access,
    "voie_acces_vae": _enum(VaeRoute),
    "initiative_inscription": _enum(RegistrationInitiative),
    "niveau_langue": _enum(LanguageLevel),
    "score_numerique": _int,
    "resultats_numeriques": _results,
    "mention": _enum(Mention, _MENTIONS),
    "sexe": _enum(Sex, _SEXES),
    "code_insee_naissance": _insee,
}


def to_passage(
    row: Row, default_certification: str | None = None
) -> tuple[CertificationRef | None, Passage | None, list[RowProblem]]:
    """Convert one row; return its certification, its passage and its problems (the
    passage is None when there is any problem)."""
    problems: list[RowProblem] = []
    tid = row.technical_id

    def report(column: str, en: str, fr: str) -> None:
        problems.append(RowProblem(row.number, tid, column, row.get(column) or None, en, fr))

    if "\0extra" in row.cells:
        report("", "more cells than columns in the header", "plus de cellules que de colonnes")
    values: dict[str, Any] = {}
    for column, cell in row.cells.items():
        if column.startswith("\0bad:"):
            column = column[5:]
            report(column, "expected text, a number or true/false", "texte ou nombre attendu")
            continue
        text = cell.strip()
        if not text or column.startswith("\0"):
            continue
        try:
            values[column] = _PARSERS.get(column, _text)(text)
        except CellError as exc:
            report(column, exc.en, exc.fr)

    ref: CertificationRef | None = None
    code = values.get("certification") or default_certification
    if not code:
        report(
            "certification",
            "no certification code (column or --certification)",
            "aucun code de certification (colonne ou --certification)",
        )
    else:
        try:
            ref = CertificationRef(code=str(code).upper())
        except ValidationError as exc:
            for _field, en, fr in reasons(exc):
                report("certification", en, fr)
    if problems:
        return ref, None, problems

    try:
        passage = Passage.model_validate(_passage_data(values))
    except ValidationError as exc:
        for field, en, fr in reasons(exc):
            report(FIELD_COLUMNS.get(field, field), en, fr)
        return ref, None, problems
    return ref, passage, problems


def _passage_data(v: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "technical_id": v.get("id_technique"),
        "proof_url": v.get("url_preuve"),
        "option_label": v.get("libelle_option"),
        "exam_start": v.get("date_debut_examen"),
        "exam_end": v.get("date_fin_examen"),
        "exam_mode": v.get("modalite_examen"),
        "exam_postcode": v.get("code_postal_centre_examen"),
        "valid_from": v.get("date_obtention"),
        "valid_until": v.get("date_fin_validite"),
        "language_level": v.get("niveau_langue"),
        "scoring": v.get("scoring"),
        "mention": v.get("mention"),
        "access_mode": v.get("voie_acces"),
        "vae_route": v.get("voie_acces_vae"),
        "registration_initiative": v.get("initiative_inscription"),
        "registration_date": v.get("date_inscription"),
        "verbatim": v.get("verbatim"),
    }
    if "obtention" in v:
        data["obtained_by"] = v["obtention"]
    if "donnee_certifiee" in v:
        data["definitive"] = v["donnee_certifiee"]
    if "score_numerique" in v or "resultats_numeriques" in v:
        data["digital_level"] = {
            "general_score": v.get("score_numerique"),
            "results": v.get("resultats_numeriques", []),
        }
    if "id_dossier_cpf" in v:
        data["holder"] = {
            "kind": "cpf",
            "file_id": v["id_dossier_cpf"],
            "last_name": v.get("nom_naissance"),
            "first_name": v.get("prenom1"),
        }
    else:
        year, month, day = v.get("date_naissance", (None, None, None))
        data["holder"] = {
            "kind": "civil",
            "birth_name": v.get("nom_naissance"),
            "usage_name": v.get("nom_usage"),
            "first_name": v.get("prenom1"),
            "second_first_name": v.get("prenom2"),
            "third_first_name": v.get("prenom3"),
            "birth_year": year,
            "birth_month": month,
            "birth_day": day,
            "sex": v.get("sexe"),
            "birth_insee_code": v.get("code_insee_naissance"),
            "birth_postcode": v.get("code_postal_naissance"),
            "birth_town": v.get("commune_naissance"),
            "birth_country_code": v.get("code_pays_naissance"),
            "birth_country": v.get("pays_naissance"),
            "comments_men": v.get("commentaires_men"),
        }
        if year is None:
            del data["holder"]["birth_year"]
        if data["holder"]["sex"] is None:
            del data["holder"]["sex"]
    return {key: value for key, value in data.items() if value is not None}


# ---------------------------------------------------------------------------------------
# template


def template(delimiter: str = ";") -> str:
    """An empty holders file: a comment row explaining each column, then the header."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    helps = [f"# {COLUMNS[0].name} : {COLUMNS[0].help_fr}"]
    helps += [f"{column.name} : {column.help_fr}" for column in COLUMNS[1:]]
    writer.writerow(helps)
    writer.writerow(COLUMN_NAMES)
    return out.getvalue()
