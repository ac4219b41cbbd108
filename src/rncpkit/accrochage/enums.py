"""The closed vocabularies of the CDC "accrochage" XSDs (1.1.2, and 1.1.5's ``action``),
spelled as the XSD spells them.

Also the one place that maps the six RNCP access routes (``SI_JURY_*``) to the CDC
``modaliteAcces`` values.
"""

from __future__ import annotations

from enum import StrEnum

from rncpkit.model.enums import AccessRouteCode

__all__ = [
    "RNCP_TO_CDC",
    "AccessMode",
    "DepositorKind",
    "ExamMode",
    "FluxAction",
    "LanguageLevel",
    "Mention",
    "Obtention",
    "RegistrationInitiative",
    "Sex",
    "VaeRoute",
]


class DepositorKind(StrEnum):
    """``natureDeposant``: who deposits the file for the certifier."""

    CERTIFIER = "CERTIFICATEUR"
    TRUSTED_THIRD_PARTY = "TIERS_CONFIANCE"


class FluxAction(StrEnum):
    """``action`` (schema 1.1.5 only): what the file asks of the portal. ``CREATION``
    declares passages; the kit also has a ``SUPPRESSION`` example whose content is not
    known, so rncpkit writes only ``CREATION``."""

    CREATION = "CREATION"
    DELETION = "SUPPRESSION"


class Obtention(StrEnum):
    """``obtentionCertification``: how the holder obtained the certification."""

    BY_ADMISSION = "PAR_ADMISSION"
    BY_SCORING = "PAR_SCORING"


class ExamMode(StrEnum):
    """``modalitePassageExamen``."""

    REMOTE = "A_DISTANCE"
    IN_PERSON = "EN_PRESENTIEL"
    MIXED = "MIXTE"


class LanguageLevel(StrEnum):
    """``niveauLangueEuropeen``: CEFR level (type ``niveauCECRL``)."""

    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"
    INSUFFICIENT = "INSUFFISANT"


class Mention(StrEnum):
    """``mentionValidee`` (type ``mention``)."""

    NONE = "SANS_MENTION"
    FAIRLY_GOOD = "MENTION_ASSEZ_BIEN"
    GOOD = "MENTION_BIEN"
    VERY_GOOD = "MENTION_TRES_BIEN"
    VERY_GOOD_WITH_HONOURS = "MENTION_TRES_BIEN_AVEC_FELICITATIONS_DU_JURY"


class AccessMode(StrEnum):
    """``modaliteAcces``: the route by which the holder came to the certification."""

    INITIAL_TRAINING = "FORMATION_INITIALE_HORS_APPRENTISSAGE"
    APPRENTICESHIP = "FORMATION_INITIALE_APPRENTISSAGE"
    CONTINUING_TRAINING = "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION"
    PROFESSIONALISATION_CONTRACT = "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION"
    VAE = "VAE"
    FOREIGN_DIPLOMA_EQUIVALENCE = "EQUIVALENCE_DIPLOME_ETRANGER"
    INDIVIDUAL_APPLICATION = "CANDIDAT_LIBRE"

    @property
    def rncp_route(self) -> AccessRouteCode | None:
        """The fiche's route that must be open for this mode; None for the foreign-diploma
        equivalence, which is not one of the six jury routes of a fiche (never checked)."""
        return _CDC_TO_RNCP.get(self)

    @classmethod
    def from_rncp_route(cls, route: AccessRouteCode) -> AccessMode:
        """The CDC ``modaliteAcces`` of an RNCP jury route (``SI_JURY_FI`` → initial training
        outside apprenticeship, ``CA`` → apprenticeship, ``FC`` → continuing training outside a
        professionalisation contract, ``CQ`` → that contract, ``VAE``, ``CL`` → individual
        application): each of the six routes has one mode, as :data:`RNCP_TO_CDC` lists."""
        return RNCP_TO_CDC[route]


RNCP_TO_CDC: dict[AccessRouteCode, AccessMode] = {
    AccessRouteCode.FI: AccessMode.INITIAL_TRAINING,
    AccessRouteCode.CA: AccessMode.APPRENTICESHIP,
    AccessRouteCode.FC: AccessMode.CONTINUING_TRAINING,
    AccessRouteCode.CQ: AccessMode.PROFESSIONALISATION_CONTRACT,
    AccessRouteCode.VAE: AccessMode.VAE,
    AccessRouteCode.CL: AccessMode.INDIVIDUAL_APPLICATION,
}
"""RNCP route (``SI_JURY_*`` suffix) → CDC ``modaliteAcces``."""

_CDC_TO_RNCP = {mode: route for route, mode in RNCP_TO_CDC.items()}


class VaeRoute(StrEnum):
    """``voieAccessVAE`` (sic, type ``voieAccesVAE``)."""

    VAE_LEAVE = "CONGES_VAE"
    STANDARD_VAE = "VAE_CLASSIQUE"


class RegistrationInitiative(StrEnum):
    """``initiativeInscription``: who initiated the registration."""

    HOLDER = "CERTIFIE"
    TRAINING_ORGANISATION = "OF"
    EMPLOYMENT_SERVICE = "POLE_EMPLOI"
    EMPLOYER = "EMPLOYEUR"
    OTHER = "AUTRE"


class Sex(StrEnum):
    """``sexe`` (type ``genre``)."""

    MALE = "M"
    FEMALE = "F"
