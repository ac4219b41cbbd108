"""Closed vocabularies of the register. Values are the France Compétences spellings."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AccessRouteCode",
    "CertifierState",
    "FicheState",
    "HabilitationKind",
    "HabilitationState",
    "Level",
    "RegistrationType",
    "Repertoire",
]


class Repertoire(StrEnum):
    """The two registers: RNCP (national) and RS (Répertoire spécifique)."""

    RNCP = "RNCP"
    RS = "RS"


class Level(StrEnum):
    """National framework level (``NOMENCLATURE_EUROPE/NIVEAU``); ``REPRISE`` = legacy, no level."""

    NIV3 = "NIV3"
    NIV4 = "NIV4"
    NIV5 = "NIV5"
    NIV6 = "NIV6"
    NIV7 = "NIV7"
    NIV8 = "NIV8"
    REPRISE = "REPRISE"

    @classmethod
    def _missing_(cls, value: object) -> Level | None:
        """``7`` or ``"7"`` means ``NIV7`` (as ``--level 7``). Called only when the value is
        not a member's, so reading the register's own spellings costs nothing more."""
        if isinstance(value, bool):
            return None
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        if isinstance(value, int):
            member = cls.__members__.get(f"NIV{value}")
            return member if member is not None and member is not Level.REPRISE else None
        return None

    @property
    def number(self) -> int | None:
        """3…8, or None for ``REPRISE``."""
        return None if self is Level.REPRISE else int(self.value[3:])

    @property
    def default_label(self) -> str:
        """The label France Compétences prints beside the code."""
        if self is Level.REPRISE:
            return (
                "Sans niveau – le positionnement dans le cadre de national des "
                "certifications professionnelles est non déterminé"
            )
        return f"Niveau {self.number}"


class FicheState(StrEnum):
    """Editorial state of a fiche (``ETAT_FICHE``)."""

    PUBLISHED = "Publiée"
    CHANGES_TO_VALIDATE = "Modifications à valider"
    CHANGES_TO_VALIDATE_BY_MINISTRY = "Modifications à valider par le ministère"
    UNPUBLISHED_ARCHIVED = "Dépubliée/Archivée"


class RegistrationType(StrEnum):
    """How the certification entered the register (``TYPE_ENREGISTREMENT``)."""

    BY_RIGHT = "Enregistrement de droit"
    ON_REQUEST = "Enregistrement sur demande"


class CertifierState(StrEnum):
    """State of a certifier (``ETAT_CERTIFICATEUR``)."""

    ACTIVE = "Actif"
    INACTIVE = "Inactif"


class HabilitationState(StrEnum):
    """State of a partner's habilitation (``ETAT_HABILITATION``)."""

    ACTIVE = "Actif"
    INACTIVE = "Inactif"
    DELETED = "Supprimé"


class HabilitationKind(StrEnum):
    """What a partner is habilitated to do (``HABILITATION_PARTENAIRE``)."""

    TRAIN_AND_ORGANISE = "HABILITATION_ORGA_FORM"
    TRAIN = "HABILITATION_FORMER"
    ORGANISE = "HABILITATION_ORGANISER"


class AccessRouteCode(StrEnum):
    """The six ways to obtain a certification (suffix of ``SI_JURY_*``)."""

    FI = "FI"
    CA = "CA"
    FC = "FC"
    CQ = "CQ"
    CL = "CL"
    VAE = "VAE"

    @property
    def label_fr(self) -> str:
        """The wording France Compétences uses (CSV ``VoixdAccès``, supplement)."""
        return _ROUTE_LABELS_FR[self]

    @property
    def label_en(self) -> str:
        """English wording, as in the English Europass supplement."""
        return _ROUTE_LABELS_EN[self]


_ROUTE_LABELS_FR = {
    AccessRouteCode.FI: "Après un parcours de formation sous statut d’élève ou d’étudiant",
    AccessRouteCode.CA: "En contrat d’apprentissage",
    AccessRouteCode.FC: "Après un parcours de formation continue",
    AccessRouteCode.CQ: "En contrat de professionnalisation",
    AccessRouteCode.CL: "Par candidature individuelle",
    AccessRouteCode.VAE: "Par expérience",
}
_ROUTE_LABELS_EN = {
    AccessRouteCode.FI: "After a course of study as a pupil or student",
    AccessRouteCode.CA: "Under an apprenticeship contract",
    AccessRouteCode.FC: "After a course of continuing training",
    AccessRouteCode.CQ: "Under a professionalisation contract",
    AccessRouteCode.CL: "By individual application",
    AccessRouteCode.VAE: "By validation of prior experience (VAE)",
}
