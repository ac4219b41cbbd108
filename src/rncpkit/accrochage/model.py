"""Typed model of the CDC "accrochage" flux (namespace ``urn:cdc:cpf:pc5:schema:1.0.0``):
XSD 1.1.2 (official, in use since 2021) and 1.1.5 (kit of March 2026, which adds the
``action`` of the file and the holder identified by NIR, ``identifiantNational``).

Field names are English; each comment names the XSD element it carries. The XSD's lengths,
patterns, ranges and enumerations are enforced here, plus the traps the portal is known to
reject (blank or control-character text, a birth place given twice, years outside the XSD
date pattern). The model knows no file format: :mod:`.writer` and :mod:`.reader` map it.

Error messages come in English and French: every custom error carries ``ctx['fr']``, and
:func:`reasons` translates pydantic's own errors.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from rncpkit.accrochage.enums import (
    AccessMode,
    DepositorKind,
    ExamMode,
    FluxAction,
    LanguageLevel,
    Mention,
    Obtention,
    RegistrationInitiative,
    Sex,
    VaeRoute,
)

__all__ = [
    "MAX_BYTES_PER_FILE",
    "MAX_PASSAGES_PER_FILE",
    "NAMESPACE",
    "NO_SUCH_DATE",
    "SCHEMA_VERSIONS",
    "XSD_VERSION",
    "CertificationRef",
    "Certifier",
    "CivilIdentity",
    "CpfFile",
    "DigitalLevel",
    "DigitalResult",
    "FluxHeader",
    "NationalId",
    "Passage",
    "civil_conflicts",
    "passage_conflicts",
    "reasons",
]

NAMESPACE = "urn:cdc:cpf:pc5:schema:1.0.0"
XSD_VERSION = "1.1.2"
"""The default schema version: the official XSD 1.1.2, validated here against the real file.
1.1.5 is written from what is known of the 2026 kit (see :data:`SCHEMA_VERSIONS`)."""
SCHEMA_VERSIONS = ("1.1.2", "1.1.5")
"""Versions rncpkit writes and checks. 1.1.5 adds ``action`` (after ``horodatage``) and the
``identifiantNational`` branch; its XSD is reconstructed (``schemas/accrochage-1.1.5.xsd``)."""
MAX_PASSAGES_PER_FILE = 200_000
"""Portal limit: passages in one file."""
MAX_BYTES_PER_FILE = 200 * 1000 * 1000
"""Portal limit: 200 MB per file (decimal megabytes, the stricter reading)."""


def problem(en: str, fr: str, field: str | None = None) -> PydanticCustomError:
    """A validation error with its French wording (and the field it concerns, if not the
    one being validated)."""
    context: dict[str, Any] = {"en": en, "fr": fr}
    if field:
        context["field"] = field
    return PydanticCustomError("rncpkit", "{en}", context)


_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    if not value.strip():
        raise problem("must not be blank", "ne doit pas être vide")
    if _XML_INVALID.search(value):
        raise problem(
            "contains a control character that XML cannot carry",
            "contient un caractère de contrôle interdit en XML",
        )
    return value


def _token(value: str) -> str:
    _text(value)
    if any(char.isspace() for char in value):
        raise problem("must not contain spaces", "ne doit pas contenir d'espace")
    return value


def _xsd_year(value: dt.date) -> dt.date:
    if not 1900 <= value.year <= 2099:
        raise problem(
            "year must be between 1900 and 2099 (XSD date pattern)",
            "l'année doit être comprise entre 1900 et 2099 (motif de date du XSD)",
        )
    return value


_CHECK_TEXT = AfterValidator(_text)
Text1 = Annotated[str, StringConstraints(min_length=1, max_length=1), _CHECK_TEXT]
Text9 = Annotated[str, StringConstraints(min_length=1, max_length=9), _CHECK_TEXT]
Text13 = Annotated[str, StringConstraints(min_length=1, max_length=13), _CHECK_TEXT]
Text20 = Annotated[str, StringConstraints(min_length=1, max_length=20), _CHECK_TEXT]
Text30 = Annotated[str, StringConstraints(min_length=1, max_length=30), _CHECK_TEXT]
Text60 = Annotated[str, StringConstraints(min_length=1, max_length=60), _CHECK_TEXT]
Text250 = Annotated[str, StringConstraints(min_length=1, max_length=250), _CHECK_TEXT]
Text255 = Annotated[str, StringConstraints(min_length=1, max_length=255), _CHECK_TEXT]
IdClient = Annotated[str, StringConstraints(min_length=8, max_length=8), AfterValidator(_token)]
"""``idClient``: the 8-character identifier the Caisse des Dépôts gives a certifier."""
IdContract = Annotated[str, StringConstraints(min_length=1, max_length=20), AfterValidator(_token)]
"""``idContrat``: e.g. ``MCFCER000209``."""
IdFlux = Annotated[str, StringConstraints(min_length=1, max_length=50), AfterValidator(_token)]
CertificationCode = Annotated[
    str, StringConstraints(pattern=r"^(RNCP|RS)\d+$", max_length=100), AfterValidator(_token)
]
InseeCode = Annotated[str, StringConstraints(pattern=r"^\d[\dAB]\d{3}$")]
"""A commune code of the INSEE (five characters, ``2A``/``2B`` for Corsica, ``99xxx`` abroad)."""
CountryCode = Annotated[str, StringConstraints(pattern=r"^\d{3}$")]
"""INSEE country code without its ``99`` prefix (``109`` = Germany)."""
XsdDate = Annotated[dt.date, AfterValidator(_xsd_year)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Certifier(_Model):
    """``certificateur``: the certifier the file declares holders for (one per file)."""

    id_client: IdClient  # idClient
    id_contract: IdContract  # idContrat


class FluxHeader(_Model):
    """``flux`` minus its certifications: what each file of a submission says first."""

    id_flux: IdFlux  # idFlux
    timestamp: dt.datetime  # horodatage
    action: FluxAction | None = None
    """action: 1.1.5 only (``CREATION``); None writes a 1.1.2 flux, which has no action."""
    emitter_id_client: IdClient  # emetteur/idClient
    certifier: Certifier  # emetteur/certificateurs/certificateur

    @model_validator(mode="after")
    def _timestamp_has_offset(self) -> FluxHeader:
        offset = self.timestamp.utcoffset()
        if offset is None:
            raise problem(
                "horodatage needs a UTC offset (e.g. +02:00)",
                "l'horodatage doit porter un décalage UTC (par ex. +02:00)",
                "timestamp",
            )
        if not 1900 <= self.timestamp.year <= 2099 or abs(offset) >= dt.timedelta(hours=20):
            raise problem(
                "horodatage is outside the XSD pattern",
                "l'horodatage ne respecte pas le motif du XSD",
                "timestamp",
            )
        return self

    @property
    def version(self) -> str:
        """The schema version this header is written in."""
        return "1.1.2" if self.action is None else "1.1.5"

    @property
    def horodatage(self) -> str:
        """``YYYY-MM-DDThh:mm:ss±hh:mm``: seconds, never ``Z`` nor fractions (XSD pattern)."""
        text = self.timestamp.replace(microsecond=0).isoformat()
        return text if not text.endswith("Z") else text[:-1] + "+00:00"


class CertificationRef(_Model):
    """``certification`` minus its passages: which certification the holders obtained."""

    code: CertificationCode  # code
    depositor: DepositorKind | None = None  # natureDeposant

    @property
    def type(self) -> str:
        """``type``: ``RNCP`` or ``RS``, from the code."""
        return "RS" if self.code.startswith("RS") else "RNCP"


class DigitalResult(_Model):
    """``resultat``: one competence of the European digital framework."""

    level: int | None = Field(default=None, ge=1, le=8)  # niveau
    domain_id: Text1 | None = None  # domaineCompetenceId
    competence_id: Text1 | None = None  # competenceId


class DigitalLevel(_Model):
    """``niveauNumeriqueEuropeen`` (its presence sets ``presenceNiveauNumeriqueEuro``)."""

    general_score: int | None = Field(default=None, ge=1, le=1000)  # scoreGeneral
    results: list[DigitalResult] = Field(default_factory=list)  # resultats/resultat


class CpfFile(_Model):
    """``dossierFormation``: the holder identified by a CPF training dossier."""

    kind: Literal["cpf"] = "cpf"
    file_id: Text13  # idDossier
    last_name: Text30  # nomTitulaire
    first_name: Text20  # prenom1Titulaire


NirNumber = Annotated[str, StringConstraints(pattern=r"^[12]\d{4}(2[AB]|\d{2})\d{6}$")]
"""The first 13 characters of a NIR, without its key (pattern of ``identifiantNational/nir``)."""


class NationalId(_Model):
    """``identifiantNational`` (schema 1.1.5 only): the holder identified by NIR."""

    kind: Literal["nir"] = "nir"
    nir: NirNumber = Field(repr=False)  # nir (sensitive: never shown)
    birth_name: Text60  # nomNaissance


class CivilIdentity(_Model):
    """``titulaire``: the holder identified by civil identity and birth place."""

    kind: Literal["civil"] = "civil"
    birth_name: Text60  # nomNaissance
    usage_name: Text60 | None = None  # nomUsage (xsi:nil when None)
    first_name: Text60  # prenom1
    second_first_name: Text60 | None = None  # prenom2
    third_first_name: Text60 | None = None  # prenom3
    birth_year: int = Field(ge=1900, le=2099)  # anneeNaissance
    birth_month: int | None = Field(default=None, ge=1, le=12)  # moisNaissance (nil)
    birth_day: int | None = Field(default=None, ge=1, le=31)  # jourNaissance (nil)
    sex: Sex  # sexe
    birth_insee_code: InseeCode | None = None
    """codeCommuneNaissance/codeInseeNaissance/codeInsee."""
    birth_postcode: Text9 | None = None
    """codeCommuneNaissance/codePostalNaissance/codePostal; when neither code is known the
    postal code is written ``xsi:nil`` (the XSD's only way to say "unknown")."""
    birth_town: Text60 | None = None  # libelleCommuneNaissance
    birth_country_code: CountryCode | None = None  # codePaysNaissance
    birth_country: Text60 | None = None  # libellePaysNaissance
    comments_men: Text250 | None = None  # commentairesMEN

    @model_validator(mode="after")
    def _coherent(self) -> CivilIdentity:
        for field, en, fr in civil_conflicts(self.__dict__):
            raise problem(en, fr, field)
        return self


def civil_conflicts(v: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(field, English, French) for each rule between a civil identity's fields that ``v``
    breaks. Used by the model and, on whatever cells parsed, by the holders file."""
    found: list[tuple[str, str, str]] = []
    if v.get("birth_insee_code") is not None and v.get("birth_postcode") is not None:
        found.append(
            (
                "birth_postcode",
                "give the birth place by INSEE code or by postal code, not both (XSD choice)",
                "donner le lieu de naissance par code INSEE ou par code postal, pas les deux "
                "(choix exclusif du XSD)",
            )
        )
    year, month, day = v.get("birth_year"), v.get("birth_month"), v.get("birth_day")
    if day is not None and month is None:
        found.append(
            ("birth_day", "a birth day needs a birth month", "un jour de naissance demande un mois")
        )
    if isinstance(year, int) and isinstance(month, int) and isinstance(day, int):
        try:
            dt.date(year, month, day)
        except ValueError:
            found.append(
                ("birth_day", "the birth date does not exist", "la date de naissance n'existe pas")
            )
    return found


Holder = Annotated[CpfFile | CivilIdentity | NationalId, Field(discriminator="kind")]
"""``identificationTitulaire``: a CPF dossier, a civil identity or (1.1.5) a NIR (XSD choice)."""


class Passage(_Model):
    """``passageCertification``: one holder who obtained the certification."""

    technical_id: Text255  # idTechnique (the certifier's stable id, quoted in the receipts)
    proof_url: Text255 | None = None  # urlPreuve
    option_label: Text255 | None = None  # libelleOption
    obtained_by: Obtention = Obtention.BY_ADMISSION  # obtentionCertification
    definitive: bool = True  # donneeCertifiee (the result is final)
    exam_start: XsdDate | None = None  # dateDebutExamen
    exam_end: XsdDate | None = None  # dateFinExamen
    exam_mode: ExamMode | None = None  # modalitePassageExamen
    exam_postcode: Text9 | None = None  # codePostalCentreExamen
    valid_from: XsdDate  # dateDebutValidite (date the certification was obtained)
    valid_until: XsdDate | None = None  # dateFinValidite (xsi:nil when None)
    language_level: LanguageLevel | None = None
    """niveauLangueEuropeen; presenceNiveauLangueEuro is true exactly when it is given."""
    digital_level: DigitalLevel | None = None
    """niveauNumeriqueEuropeen; presenceNiveauNumeriqueEuro is true exactly when given."""
    scoring: Text255 | None = None  # scoring (nil)
    mention: Mention | None = None  # mentionValidee (nil)
    access_mode: AccessMode | None = None  # modalitesInscription/modaliteAcces (nil)
    vae_route: VaeRoute | None = None  # modalitesInscription/voieAccessVAE
    registration_initiative: RegistrationInitiative | None = None
    """modalitesInscription/initiativeInscription."""
    registration_date: XsdDate | None = None  # modalitesInscription/dateInscription
    holder: Holder  # identificationTitulaire
    verbatim: Text255 | None = None  # verbatim

    @property
    def language_level_present(self) -> bool:
        """``presenceNiveauLangueEuro``."""
        return self.language_level is not None

    @property
    def digital_level_present(self) -> bool:
        """``presenceNiveauNumeriqueEuro``."""
        return self.digital_level is not None

    @model_validator(mode="after")
    def _coherent(self) -> Passage:
        for field, en, fr in passage_conflicts(self.__dict__):
            raise problem(en, fr, field)
        return self


def passage_conflicts(v: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(field, English, French) for each rule between a passage's fields that ``v`` (field
    name → parsed value, absent when unknown) breaks. The model applies them; the holders
    file applies them to whatever cells parsed, so a row's problems all come in one run."""
    found: list[tuple[str, str, str]] = []

    def day(name: str) -> dt.date | None:
        value = v.get(name)
        return value if isinstance(value, dt.date) else None

    start, end = day("exam_start"), day("exam_end")
    valid_from, valid_until, registered = (
        day("valid_from"),
        day("valid_until"),
        day("registration_date"),
    )
    if start and end and end < start:
        found.append(
            ("exam_end", "the exam ends before it starts", "la fin de l'examen précède son début")
        )
    if valid_from and valid_until and valid_until < valid_from:
        found.append(
            (
                "valid_until",
                "validity ends before it starts",
                "la fin de validité précède la date d'obtention",
            )
        )
    if valid_from and registered and registered > valid_from:
        found.append(
            (
                "registration_date",
                "registration is dated after the certification was obtained",
                "l'inscription est datée après l'obtention de la certification",
            )
        )
    if v.get("vae_route") is not None and v.get("access_mode") not in (AccessMode.VAE, "VAE"):
        found.append(
            (
                "vae_route",
                "a VAE route is only given for the VAE access mode",
                "la voie d'accès VAE ne se donne que pour la modalité d'accès VAE",
            )
        )
    scoring_mode = v.get("obtained_by") in (Obtention.BY_SCORING, "PAR_SCORING")
    if scoring_mode and v.get("scoring") is None:
        found.append(
            (
                "scoring",
                "a certification obtained by scoring needs its score",
                "une certification obtenue par score doit indiquer le score",
            )
        )
    return found


# ---------------------------------------------------------------------------------------
# Bilingual reasons for pydantic's own errors

_REASONS: dict[str, tuple[str, str]] = {
    "missing": ("required", "obligatoire"),
    "string_too_short": (
        "must have at least {min_length} character(s)",
        "doit contenir au moins {min_length} caractère(s)",
    ),
    "string_too_long": (
        "must have at most {max_length} characters",
        "doit contenir au plus {max_length} caractères",
    ),
    "string_pattern_mismatch": ("has the wrong format", "n'a pas le bon format"),
    "enum": ("must be one of {expected}", "doit être une des valeurs {expected}"),
    "literal_error": ("must be one of {expected}", "doit être une des valeurs {expected}"),
    "greater_than_equal": ("must be at least {ge}", "doit valoir au moins {ge}"),
    "less_than_equal": ("must be at most {le}", "doit valoir au plus {le}"),
    "int_parsing": ("must be a whole number", "doit être un nombre entier"),
    "int_type": ("must be a whole number", "doit être un nombre entier"),
    "bool_parsing": ("must be true or false", "doit être vrai ou faux"),
    "date_parsing": ("must be a date", "doit être une date"),
    "date_from_datetime_parsing": ("must be a date", "doit être une date"),
    "date_type": ("must be a date", "doit être une date"),
    "extra_forbidden": ("is not an element of the flux", "n'est pas un élément du flux"),
    "string_type": ("must be text", "doit être du texte"),
    "union_tag_invalid": ("unknown holder identification", "identification inconnue"),
    "none_required": ("must be empty", "doit être vide"),
}

_PATTERN_HINTS: dict[str, tuple[str, str]] = {
    r"^\d[\dAB]\d{3}$": (
        "an INSEE commune code has five characters (e.g. 75056, 2A004, 99109)",
        "un code commune INSEE a cinq caractères (par ex. 75056, 2A004, 99109)",
    ),
    r"^\d{3}$": (
        "an INSEE country code has three digits (e.g. 109)",
        "un code pays INSEE a trois chiffres (par ex. 109)",
    ),
    r"^[12]\d{4}(2[AB]|\d{2})\d{6}$": (
        "a NIR (without key) has 13 characters: 1 or 2, year, month, département, commune, order",
        "un NIR (sans clé) a 13 caractères : 1 ou 2, année, mois, département, commune, ordre",
    ),
    r"^(RNCP|RS)\d+$": (
        "a certification code looks like RNCP35080 or RS5875",
        "un code de certification s'écrit RNCP35080 ou RS5875",
    ),
}


_DATE_ERRORS = {"date_parsing", "date_from_datetime_parsing"}
NO_SUCH_DATE = (
    "this date does not exist in the calendar (check day and month)",
    "cette date n'existe pas dans le calendrier (vérifier le jour et le mois)",
)


def reason(error: ErrorDetails) -> tuple[str, str]:
    """(English, French) reason of one pydantic error, never quoting the input value."""
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if error["type"] == "rncpkit":
        return str(ctx["en"]), str(ctx["fr"])
    if error["type"] in _DATE_ERRORS and "outside expected range" in str(ctx.get("error", "")):
        return NO_SUCH_DATE  # the format is right, the day or month does not exist
    if error["type"] in _DATE_ERRORS:
        return ("must be a date YYYY-MM-DD", "doit être une date AAAA-MM-JJ")
    if error["type"] == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERN_HINTS:
        return _PATTERN_HINTS[ctx["pattern"]]
    if error["type"] == "value_error" and isinstance(ctx.get("error"), PydanticCustomError):
        inner = ctx["error"].context or {}
        return str(inner.get("en", error["msg"])), str(inner.get("fr", error["msg"]))
    known = _REASONS.get(error["type"])
    if known is None:
        return error["msg"], "valeur invalide"
    french = {k: v.replace(" or ", " ou ") if isinstance(v, str) else v for k, v in ctx.items()}
    try:
        return known[0].format(**ctx), known[1].format(**french)
    except (KeyError, IndexError):
        return error["msg"], known[1]


def error_field(error: ErrorDetails) -> str:
    """The model field an error is about: the custom ``field`` or the last name of its loc."""
    ctx = error.get("ctx") or {}
    if "field" in ctx:
        return str(ctx["field"])
    loc = [part for part in error["loc"] if isinstance(part, str)]
    names = [
        part
        for index, part in enumerate(loc)
        if not (part in _TAGS and index and loc[index - 1] == "holder")  # union tag
    ]
    return names[-1] if names else ""


_TAGS = {"cpf", "civil", "nir"}


def reasons(exc: ValidationError) -> list[tuple[str, str, str]]:
    """(field, English reason, French reason) for every error of ``exc``."""
    return [(error_field(e), *reason(e)) for e in exc.errors(include_input=False)]
