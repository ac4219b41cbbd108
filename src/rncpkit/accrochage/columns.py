"""The columns of the holders file, declared once: name, help (fr/en), whether the value is
personal, how a cell is read, and which :class:`~.model.Passage` field(s) it fills.

The reader, the row mapping, the error locator (model field → column), the template and the
documentation all walk :data:`COLUMNS`. Another feature that reads the same spreadsheet
with columns of its own (an e-mail, a credential id…) declares them as :class:`Column`
objects and passes them as ``extra_columns`` to :func:`~.holders.read_rows`: the flux
ignores them, the header check accepts them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rncpkit.accrochage import cells
from rncpkit.accrochage.enums import (
    ExamMode,
    LanguageLevel,
    Mention,
    Obtention,
    RegistrationInitiative,
    Sex,
    VaeRoute,
)

__all__ = [
    "BY_NAME",
    "COLUMNS",
    "COLUMN_NAMES",
    "FIELD_COLUMNS",
    "PERSONAL",
    "REQUIRED_COLUMNS",
    "Column",
    "columns_markdown",
    "header_names",
    "holder_kind",
    "normalise_header",
    "rename_for",
]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the holders file."""

    name: str
    help_fr: str
    help_en: str
    personal: bool = False
    """Its values are never repeated in messages."""
    parse: Callable[[str], Any] = cells.text
    """Cell text (stripped, never empty) → value; raises :class:`~.cells.CellError`."""
    fields: tuple[str, ...] = ()
    """Model fields it fills, as dotted paths from :class:`~.model.Passage`
    (``holder.birth_name``); a parser returning a tuple fills several in order."""
    required: bool = False
    """The header must have it."""
    aliases: tuple[str, ...] = ()
    """Other header spellings (CDC element names), compared without ``_`` and case."""


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
_EXAM_MODES = {"DISTANCE": "A_DISTANCE", "PRESENTIEL": "EN_PRESENTIEL"}

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
        fields=("technical_id",),
        required=True,
        aliases=("idTechnique",),
    ),
    Column(
        "date_obtention",
        "OBLIGATOIRE date d'obtention JJ/MM/AAAA",
        "REQUIRED date obtained DD/MM/YYYY",
        parse=cells.date,
        fields=("valid_from",),
        required=True,
        aliases=("dateDebutValidite",),
    ),
    Column(
        "voie_acces",
        "FI, CA, FC, CQ, CL, VAE ou EQUIVALENCE_DIPLOME_ETRANGER ; vide = non renseignée",
        "FI, CA, FC, CQ, CL, VAE or EQUIVALENCE_DIPLOME_ETRANGER; empty = not given",
        parse=cells.access_mode,
        fields=("access_mode",),
        aliases=("modaliteAcces",),
    ),
    Column(
        "id_dossier_cpf",
        "n° de dossier CPF (si rempli : identification par le dossier, avec nom et prénom)",
        "CPF dossier number (if filled, identifies the holder with last and first name)",
        personal=True,
        fields=("holder.file_id",),
        aliases=("idDossier",),
    ),
    Column(
        "nir",
        "NIR, 13 ou 15 caractères (si rempli : identification par le NIR et le nom de "
        "naissance ; schéma 1.1.5 seulement)",
        "NIR, 13 or 15 characters (if filled, identifies the holder by NIR and birth name; "
        "schema 1.1.5 only)",
        personal=True,
        parse=cells.nir,
        fields=("holder.nir",),
    ),
    Column(
        "nom_naissance",
        "OBLIGATOIRE nom de naissance",
        "REQUIRED birth name",
        personal=True,
        fields=("holder.birth_name",),
        required=True,
        aliases=("nomNaissance",),
    ),
    Column(
        "nom_usage",
        "nom d'usage",
        "usage name",
        personal=True,
        fields=("holder.usage_name",),
        aliases=("nomUsage",),
    ),
    Column(
        "prenom1",
        "OBLIGATOIRE premier prénom (sauf identification par NIR)",
        "REQUIRED first given name (except with a NIR)",
        personal=True,
        fields=("holder.first_name",),
        required=True,
    ),
    Column(
        "prenom2",
        "deuxième prénom",
        "second given name",
        personal=True,
        fields=("holder.second_first_name",),
    ),
    Column(
        "prenom3",
        "troisième prénom",
        "third given name",
        personal=True,
        fields=("holder.third_first_name",),
    ),
    Column(
        "date_naissance",
        "JJ/MM/AAAA, MM/AAAA ou AAAA (obligatoire sans dossier CPF ni NIR)",
        "DD/MM/YYYY, MM/YYYY or YYYY (required without a CPF dossier or NIR)",
        personal=True,
        parse=cells.birth,
        fields=("holder.birth_year", "holder.birth_month", "holder.birth_day"),
    ),
    Column(
        "sexe",
        "M ou F (H accepté pour M)",
        "M or F (H accepted for M)",
        personal=True,
        parse=cells.enum(Sex, _SEXES),
        fields=("holder.sex",),
    ),
    Column(
        "code_insee_naissance",
        "code commune INSEE de naissance (99xxx à l'étranger) ; ou bien code postal",
        "INSEE commune code of birth (99xxx abroad); or else the postal code",
        personal=True,
        parse=cells.insee,
        fields=("holder.birth_insee_code",),
        aliases=("codeInsee",),
    ),
    Column(
        "code_postal_naissance",
        "code postal de la commune de naissance, si pas de code INSEE",
        "postal code of the birth town, when no INSEE code",
        personal=True,
        fields=("holder.birth_postcode",),
        aliases=("codePostal",),
    ),
    Column(
        "commune_naissance",
        "commune de naissance",
        "birth town",
        personal=True,
        fields=("holder.birth_town",),
    ),
    Column(
        "code_pays_naissance",
        "code pays INSEE (3 chiffres)",
        "INSEE country code",
        personal=True,
        fields=("holder.birth_country_code",),
    ),
    Column(
        "pays_naissance",
        "pays de naissance",
        "birth country",
        personal=True,
        fields=("holder.birth_country",),
    ),
    Column(
        "obtention",
        "PAR_ADMISSION (défaut) ou PAR_SCORING",
        "PAR_ADMISSION (default) or PAR_SCORING",
        parse=cells.enum(Obtention, _OBTENTIONS),
        fields=("obtained_by",),
        aliases=("obtentionCertification",),
    ),
    Column(
        "donnee_certifiee",
        "résultat définitif : oui (défaut) ou non",
        "final result: yes (default) or no",
        parse=cells.boolean,
        fields=("definitive",),
    ),
    Column(
        "date_fin_validite",
        "fin de validité JJ/MM/AAAA ; vide = sans fin",
        "end of validity DD/MM/YYYY; empty = none",
        parse=cells.date,
        fields=("valid_until",),
        aliases=("dateFinValidite",),
    ),
    Column(
        "date_debut_examen",
        "début de l'examen JJ/MM/AAAA",
        "exam start DD/MM/YYYY",
        parse=cells.date,
        fields=("exam_start",),
    ),
    Column(
        "date_fin_examen",
        "fin de l'examen JJ/MM/AAAA",
        "exam end DD/MM/YYYY",
        parse=cells.date,
        fields=("exam_end",),
    ),
    Column(
        "modalite_examen",
        "A_DISTANCE, EN_PRESENTIEL ou MIXTE",
        "A_DISTANCE, EN_PRESENTIEL or MIXTE",
        parse=cells.enum(ExamMode, _EXAM_MODES),
        fields=("exam_mode",),
    ),
    Column(
        "code_postal_centre_examen",
        "code postal du centre d'examen",
        "postal code of the exam centre",
        fields=("exam_postcode",),
    ),
    Column(
        "voie_acces_vae",
        "pour la VAE : CONGES_VAE ou VAE_CLASSIQUE",
        "for VAE: CONGES_VAE or VAE_CLASSIQUE",
        parse=cells.enum(VaeRoute),
        fields=("vae_route",),
    ),
    Column(
        "initiative_inscription",
        "CERTIFIE, OF, POLE_EMPLOI, EMPLOYEUR ou AUTRE",
        "who initiated the registration: CERTIFIE, OF, POLE_EMPLOI, EMPLOYEUR or AUTRE",
        parse=cells.enum(RegistrationInitiative),
        fields=("registration_initiative",),
    ),
    Column(
        "date_inscription",
        "date d'inscription JJ/MM/AAAA",
        "registration date DD/MM/YYYY",
        parse=cells.date,
        fields=("registration_date",),
    ),
    Column(
        "niveau_langue",
        "niveau CECRL : A1…C2 ou INSUFFISANT",
        "CEFR level: A1…C2 or INSUFFISANT",
        parse=cells.enum(LanguageLevel),
        fields=("language_level",),
    ),
    Column(
        "score_numerique",
        "score général numérique (1 à 1000)",
        "digital general score (1 to 1000)",
        parse=cells.integer,
        fields=("digital_level.general_score",),
    ),
    Column(
        "resultats_numeriques",
        "résultats numériques niveau:domaine:compétence séparés par | (ex. 4:2:1|3:1:2)",
        "digital results level:domain:competence separated by | (e.g. 4:2:1|3:1:2)",
        parse=cells.digital_results,
        fields=("digital_level.results",),
    ),
    Column(
        "scoring",
        "score obtenu (obligatoire si PAR_SCORING)",
        "score obtained (required with PAR_SCORING)",
        fields=("scoring",),
    ),
    Column(
        "mention",
        "SANS_MENTION, ASSEZ_BIEN, BIEN, TRES_BIEN, TRES_BIEN_AVEC_FELICITATIONS_DU_JURY",
        "honours: SANS_MENTION, ASSEZ_BIEN, BIEN, TRES_BIEN, TRES_BIEN_AVEC_FELICITATIONS_DU_JURY",
        parse=cells.enum(Mention, _MENTIONS),
        fields=("mention",),
        aliases=("mentionValidee",),
    ),
    Column(
        "libelle_option",
        "option obtenue",
        "option obtained",
        fields=("option_label",),
    ),
    Column(
        "url_preuve",
        "URL de la preuve",
        "proof URL",
        personal=True,
        fields=("proof_url",),
    ),
    Column(
        "verbatim",
        "texte libre",
        "free text",
        personal=True,
        fields=("verbatim",),
    ),
    Column(
        "commentaires_men",
        "commentaires (Éducation nationale)",
        "comments (Éducation nationale)",
        personal=True,
        fields=("holder.comments_men",),
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
PERSONAL = frozenset(column.name for column in COLUMNS if column.personal)
REQUIRED_COLUMNS = tuple(column.name for column in COLUMNS if column.required)
BY_NAME = {column.name: column for column in COLUMNS}

_KIND_RENAMES = {"cpf": {"birth_name": "last_name"}}
"""Holder fields a CPF dossier names differently (``nomTitulaire`` is the birth name column)."""

FIELD_COLUMNS: dict[str, str] = {
    path.rsplit(".", 1)[-1]: column.name for column in COLUMNS for path in column.fields
}
"""Model field → the column that fills it (where a model error is reported); derived."""
FIELD_COLUMNS.update(
    {
        renamed: FIELD_COLUMNS[field]
        for renames in _KIND_RENAMES.values()
        for field, renamed in renames.items()
    }
)
FIELD_COLUMNS.update(
    {
        "code": "certification",
        "holder": "nom_naissance",
        "kind": "nom_naissance",
        "digital_level": "score_numerique",
        "level": "resultats_numeriques",
        "domain_id": "resultats_numeriques",
        "competence_id": "resultats_numeriques",
    }
)


def _squash(text: str) -> str:
    return text.replace("_", "").lower()


def header_names(columns: Iterable[Column]) -> dict[str, str]:
    """Squashed spelling (``datedebutvalidite``) → column name, aliases included."""
    names: dict[str, str] = {}
    for column in columns:
        names[_squash(column.name)] = column.name
        for alias in column.aliases:
            names[_squash(alias)] = column.name
    return names


_HEADER_NAMES = header_names(COLUMNS)


def normalise_header(name: str, known: dict[str, str] | None = None) -> str:
    """``Date d'obtention `` → ``date_obtention``; ``idTechnique`` → ``id_technique``."""
    text = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff"))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return (known or _HEADER_NAMES).get(_squash(text), text)


def holder_kind(filled: Iterable[str]) -> str:
    """Which identification a row's filled columns ask for (read or not): ``cpf`` (CPF
    dossier), ``nir`` (1.1.5) or ``civil``."""
    names = set(filled)
    if "id_dossier_cpf" in names:
        return "cpf"
    if "nir" in names:
        return "nir"
    return "civil"


def rename_for(kind: str) -> dict[str, str]:
    """Holder field renames of one identification kind."""
    return _KIND_RENAMES.get(kind, {})


def columns_markdown() -> str:
    """The column table as Markdown, for ``docs/accrochage.md`` (a test keeps it current)."""
    lines = [
        "| column | required | personal | fills (model field) | help |",
        "|---|---|---|---|---|",
    ]
    for column in COLUMNS:
        fields = ", ".join(f"`{path}`" for path in column.fields) or "certification code"
        help_en = column.help_en.replace("|", "\\|")
        lines.append(
            f"| `{column.name}` | {'yes' if column.required else ''} | "
            f"{'yes' if column.personal else ''} | {fields} | {help_en} |"
        )
    return "\n".join(lines)
