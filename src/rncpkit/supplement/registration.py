"""What a fiche's registration is, in words that are true for both registers.

An RNCP fiche is registered in the répertoire national des certifications professionnelles
under article L. 6113-5 of the Code du travail: *by right* (``Enregistrement de droit``) for
the diplomas and titles awarded in the name of the State, at the request of the ministry
that awards them, for as long as they are valid; *on request* (``Enregistrement sur
demande``) by decision of France compétences' director general after the opinion of the
commission de la certification professionnelle, for at most five years. An RS fiche is
registered in the Répertoire spécifique under article L. 6113-6: it has no qualification
level by nature (the national framework of decree 2019-14 grades RNCP certifications only).

The supplement (HTML, XML, PDF) and the LOQ accreditation title all take their sentences
from here, so that a wording fix reaches every output.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Final

from rncpkit.model import Certification, RegistrationType, Repertoire

__all__ = [
    "LANGUAGES",
    "date_text",
    "level_absence",
    "register_short",
    "state",
    "statement",
    "type_name",
]

LANGUAGES: Final = ("fr", "en")

_REGISTER: Final[dict[Repertoire, tuple[str, str]]] = {
    Repertoire.RNCP: (
        "répertoire national des certifications professionnelles (RNCP)",
        "national register of professional certifications (RNCP, répertoire national des "
        "certifications professionnelles)",
    ),
    Repertoire.RS: ("Répertoire spécifique (RS)", "Répertoire spécifique (RS)"),
}
_SHORT: Final[dict[Repertoire, tuple[str, str]]] = {
    Repertoire.RNCP: ("RNCP", "RNCP"),
    Repertoire.RS: ("Répertoire spécifique", "Répertoire spécifique"),
}
_ARTICLE: Final[dict[Repertoire, str]] = {Repertoire.RNCP: "L. 6113-5", Repertoire.RS: "L. 6113-6"}

_CODE: Final = ("article {a} du code du travail", "article {a} of the French Labour Code")

_ON_REQUEST: Final = (
    "Enregistrement sur demande au {register}, par décision du directeur général de France "
    "compétences après avis de la commission de la certification professionnelle, pour une "
    "durée limitée de cinq ans au plus ({code}).",
    "Registered on request in the {register} by decision of the director general of France "
    "compétences, after the opinion of its professional certification committee (commission "
    "de la certification professionnelle), for a limited period of at most five years ({code}).",
)
_BY_RIGHT: Final[dict[Repertoire, tuple[str, str]]] = {
    Repertoire.RNCP: (
        "Enregistrement de droit au {register}, à la demande du ministère qui la délivre : les "
        "diplômes et titres à finalité professionnelle délivrés au nom de l’État y sont "
        "enregistrés pour la durée de leur validité ({code}).",
        "Registered by right in the {register}, at the request of the ministry awarding it: "
        "the vocational diplomas and titles awarded in the name of the State are registered "
        "for as long as they are valid ({code}).",
    ),
    Repertoire.RS: (
        "Enregistrement de droit au {register} ({code}).",
        "Registered by right in the {register} ({code}).",
    ),
}
_UNKNOWN: Final = (
    "Enregistrement au {register}, tenu par France compétences ({code}) ; le type "
    "d’enregistrement n’est pas renseigné dans la fiche.",
    "Registered in the {register}, kept by France compétences ({code}); the type of "
    "registration is not given in the fiche.",
)
_TYPE_NAMES: Final[dict[RegistrationType, tuple[str, str]]] = {
    RegistrationType.ON_REQUEST: ("Enregistrement sur demande", "Registered on request"),
    RegistrationType.BY_RIGHT: ("Enregistrement de droit", "Registered by right"),
}
_ENDED: Final = (
    "L’enregistrement a pris fin : il était valable jusqu’au {d}.",
    "The registration has ended: it was valid until {d}.",
)
_ENDED_UNDATED: Final = (
    "L’enregistrement a pris fin ; sa date de fin n’est pas renseignée dans la fiche.",
    "The registration has ended; its end date is not given in the fiche.",
)
_IN_FORCE: Final = (
    "Enregistrement en vigueur jusqu’au {d}.",
    "Registration in force until {d}.",
)
_IN_FORCE_UNDATED: Final = (
    "Enregistrement en vigueur ; sa date de fin n’est pas renseignée dans la fiche.",
    "Registration in force; its end date is not given in the fiche.",
)
_NO_LEVEL: Final = (
    "Sans objet : une certification du Répertoire spécifique n’a pas de niveau de "
    "qualification ; le cadre national des certifications professionnelles (décret "
    "n° 2019-14) ne classe que les certifications du RNCP.",
    "Not applicable: a certification registered in the Répertoire spécifique has no "
    "qualification level; the national framework of professional certifications (Decree "
    "No. 2019-14) grades RNCP certifications only.",
)
_UNDETERMINED_LEVEL: Final = (
    "Sans niveau : le positionnement dans le cadre national des certifications "
    "professionnelles n’est pas déterminé (fiche reprise de l’ancien répertoire).",
    "No level: the position in the national framework of professional certifications has "
    "not been determined (fiche carried over from the former register).",
)


def _i(lang: str) -> int:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r} (supported: {', '.join(LANGUAGES)})")
    return LANGUAGES.index(lang)


@functools.lru_cache(maxsize=4096)
def date_text(day: dt.date) -> str:
    """JJ/MM/AAAA, as the register and the French supplement print dates (memoised: a
    fiche prints several, few distinct, and ``strftime`` is slow)."""
    return day.strftime("%d/%m/%Y")


def register_name(repertoire: Repertoire, lang: str) -> str:
    """The register's full name, in running text."""
    return _REGISTER[repertoire][_i(lang)]


def register_short(repertoire: Repertoire, lang: str) -> str:
    """The register's short name (``RNCP``, ``Répertoire spécifique``)."""
    return _SHORT[repertoire][_i(lang)]


def legal_article(repertoire: Repertoire, lang: str) -> str:
    """``article L. 6113-5 du code du travail`` (RNCP) or ``L. 6113-6`` (RS)."""
    return _CODE[_i(lang)].format(a=_ARTICLE[repertoire])


def type_name(registration_type: RegistrationType, lang: str) -> str:
    """``TYPE_ENREGISTREMENT`` in ``lang``."""
    return _TYPE_NAMES[registration_type][_i(lang)]


def statement(certification: Certification, lang: str) -> str:
    """How the fiche is registered: register, by right or on request, legal basis."""
    repertoire = certification.repertoire
    values = {
        "register": register_name(repertoire, lang),
        "code": legal_article(repertoire, lang),
    }
    kind = certification.registration_type
    if kind is RegistrationType.ON_REQUEST:
        text = _ON_REQUEST[_i(lang)]
    elif kind is RegistrationType.BY_RIGHT:
        text = _BY_RIGHT[repertoire][_i(lang)]
    else:
        text = _UNKNOWN[_i(lang)]
    return text.format(**values)


def state(certification: Certification, lang: str) -> str | None:
    """Whether the registration is in force (``ACTIF``), with its end date; None when the
    fiche does not say."""
    end = certification.registration_end
    if certification.active is False:
        return _ENDED[_i(lang)].format(d=date_text(end)) if end else _ENDED_UNDATED[_i(lang)]
    if certification.active is True:
        return _IN_FORCE[_i(lang)].format(d=date_text(end)) if end else _IN_FORCE_UNDATED[_i(lang)]
    return None


def level_absence(certification: Certification, lang: str) -> str | None:
    """Why the fiche has no level, when that is its nature (RS) or the register's own
    statement (``REPRISE``); None when it has a level or simply leaves it empty."""
    if certification.repertoire is Repertoire.RS:
        return _NO_LEVEL[_i(lang)]
    if certification.level is not None and certification.level.number is None:
        return _UNDETERMINED_LEVEL[_i(lang)]
    return None
