"""The typed model of one certification fiche (RNCP or RS).

Each field documents the France Compétences flux V4.1 element it carries. The model knows
nothing of XML, CSV or JSON: readers and writers in :mod:`rncpkit.formats` do the mapping.
Repeated elements are always lists; absent optional elements are ``None`` or ``[]``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt

from rncpkit.model.enums import (
    AccessRouteCode,
    CertifierState,
    FicheState,
    HabilitationKind,
    HabilitationState,
    Level,
    RegistrationType,
    Repertoire,
)
from rncpkit.model.types import FicheNumber, FormacodeCode, NsfCode, RomeCode, Siret


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class CodeLabel(_Model):
    """A code with its label, as the register repeats it beside every nomenclature code."""

    code: str
    label: str | None = None


class Formacode(_Model):
    """``FORMACODES/FORMACODE``: training field code."""

    code: FormacodeCode  # CODE
    label: str | None = None  # LIBELLE


class NsfSpecialty(_Model):
    """``CODES_NSF/NSF``: specialty of the French training nomenclature."""

    code: NsfCode  # CODE
    label: str | None = None  # LIBELLE


class RomeOccupation(_Model):
    """``CODES_ROME/ROME``: occupation of France Travail's ROME."""

    code: RomeCode  # CODE
    label: str | None = None  # LIBELLE


class Abbreviation(_Model):
    """``ABREGE``: the kind of title (``BTS``, ``TP``, ``CQP``…), RNCP only."""

    code: str  # CODE
    label: str | None = None  # LIBELLE


class Certifier(_Model):
    """``CERTIFICATEURS/CERTIFICATEUR``: a body that awards the certification."""

    siret: Siret | None = None  # SIRET_CERTIFICATEUR
    name: str  # NOM_CERTIFICATEUR
    state: CertifierState | None = None  # ETAT_CERTIFICATEUR
    state_changed_on: dt.date | None = None  # DATE_DERNIERE_MODIFICATION_ETAT
    trade_name: str | None = None  # NOM_COMMERCIAL
    website: str | None = None  # SITE_INTERNET


class Partner(_Model):
    """``PARTENAIRES/PARTENAIRE``: a body habilitated by a certifier to train or assess."""

    name: str  # NOM_PARTENAIRE
    siret: Siret | None = None  # SIRET_PARTENAIRE
    habilitation: HabilitationKind | None = None  # HABILITATION_PARTENAIRE
    habilitation_state: HabilitationState | None = None  # ETAT_HABILITATION
    active_since: dt.date | None = None  # DATE_ACTIF
    state_changed_on: dt.date | None = None  # DATE_DERNIERE_MODIFICATION_ETAT


class AccessRoute(_Model):
    """``SI_JURY_FI`` … ``SI_JURY_VAE``: whether a route is open and who sits on its jury."""

    open: bool  # ACTIF
    jury: str | None = None  # COMPOSITION
    changed_on: dt.date | None = None  # DATE_DERNIERE_MODIFICATION


class JournalPublication(_Model):
    """``PUBLICATION_DECRET_*/PUBLICATION_JO``: a text published in the Journal officiel."""

    title: str  # TITRE
    published_on: dt.date | None = None  # DATE_PUBLICATION_JO


class PromotionStatistics(_Model):
    """``STATISTIQUES_PROMOTIONS/STATISTIQUES_PROMOTION``: outcomes of one cohort."""

    year: NonNegativeInt  # ANNEE
    certified: NonNegativeInt | None = None  # NOMBRE_CERTIFIES
    certified_by_vae: NonNegativeInt | None = None  # NOMBRE_CERTIFIES_VAE
    employment_rate_6_months: NonNegativeInt | None = None  # TAUX_INSERTION_GLOBAL_6MOIS (percent)
    occupation_rate_2_years: NonNegativeInt | None = None  # TAUX_INSERTION_METIER_2ANS (percent)


class CompetenceBlock(_Model):
    """``BLOCS_COMPETENCES/BLOC_COMPETENCES``: a separately certifiable block of competences."""

    code: str  # CODE, normally NUMERO_FICHE + "BC" + two digits
    label: str  # LIBELLE
    competences: str | None = None  # LISTE_COMPETENCES
    assessment_methods: str | None = None  # MODALITES_EVALUATION
    entry_prerequisites: str | None = None  # PREREQUIS_ENTREE_FORMATION_BLOC
    validation_prerequisites: str | None = None  # PREREQUIS_VALIDATION_BLOC


class Correspondence(_Model):
    """``CORRESPONDANCES/CORRESPONDANCE``: equivalence with another fiche or its blocks."""

    source_blocks: list[str] = Field(default_factory=list)  # SOURCE/BLOC_COMPETENCES/CODE
    target_number: FicheNumber  # DESTINATION/NUMERO_FICHE
    target_blocks: list[str] = Field(default_factory=list)  # DESTINATION/BLOC_COMPETENCES/CODE


class CollectiveAgreement(_Model):
    """``CCN_1`` … ``CCN_3``: a collective labour agreement (brochure number and title)."""

    number: str  # NUMERO
    label: str | None = None  # LIBELLE


class UnknownElement(_Model):
    """An element the model does not know, kept verbatim so that nothing vanishes.

    ``parent`` is a path such as ``FICHE`` or ``FICHE/CERTIFICATEURS/CERTIFICATEUR[2]``;
    ``position`` the element's index among its parent's children; ``xml`` its markup.
    """

    parent: str
    position: NonNegativeInt
    xml: str


class Certification(_Model):
    """One fiche of the RNCP or of the Répertoire spécifique (``FICHE``)."""

    fiche_id: NonNegativeInt | None = None  # ID_FICHE (internal France Compétences id)
    number: FicheNumber  # NUMERO_FICHE
    successors: list[FicheNumber] = Field(default_factory=list)
    """NOUVELLES_CERTIFICATIONS/NOUVELLE_CERTIFICATION/ID_FICHE_NOUVELLE_CERTIFICATION."""
    predecessors: list[FicheNumber] = Field(default_factory=list)
    """ANCIENNES_CERTIFICATIONS/ANCIENNE_CERTIFICATION/ID_FICHE_ANCIENNE_CERTIFICATION."""
    title: str  # INTITULE
    abbreviation: Abbreviation | None = None  # ABREGE
    state: FicheState | None = None  # ETAT_FICHE
    formacodes: list[Formacode] = Field(default_factory=list)  # FORMACODES
    level: Level | None = None  # NOMENCLATURE_EUROPE/NIVEAU (None on RS fiches)
    level_label: str | None = None  # NOMENCLATURE_EUROPE/LIBELLE
    nsf: list[NsfSpecialty] = Field(default_factory=list)  # CODES_NSF
    certifiers: list[Certifier] = Field(default_factory=list)  # CERTIFICATEURS
    has_partners: bool | None = None  # EXISTENCE_PARTENAIRES
    partners: list[Partner] = Field(default_factory=list)  # PARTENAIRES
    activities: str | None = None  # ACTIVITES_VISEES
    attested_skills: str | None = None  # CAPACITES_ATTESTEES
    sectors: str | None = None  # SECTEURS_ACTIVITE
    job_types: str | None = None  # TYPE_EMPLOI_ACCESSIBLES
    rome: list[RomeOccupation] = Field(default_factory=list)  # CODES_ROME
    collective_agreements: list[CollectiveAgreement] = Field(default_factory=list)
    """CCN_1, CCN_2, CCN_3 (reported in the flux, position unverified)."""
    idcc: list[CodeLabel] = Field(default_factory=list)  # CODES_IDCC/IDCC
    activity_regulations: str | None = None  # REGLEMENTATIONS_ACTIVITES
    access_routes: dict[AccessRouteCode, AccessRoute] = Field(default_factory=dict)
    """SI_JURY_FI, SI_JURY_CA, SI_JURY_FC, SI_JURY_CQ, SI_JURY_CL, SI_JURY_VAE."""
    new_caledonia: bool | None = None  # ACCESSIBLE_NOUVELLE_CALEDONIE
    french_polynesia: bool | None = None  # ACCESSIBLE_POLYNESIE_FRANCAISE
    general_decree: list[JournalPublication] = Field(default_factory=list)
    """PUBLICATION_DECRET_GENERAL/PUBLICATION_JO."""
    creation_decree: list[JournalPublication] = Field(default_factory=list)
    """PUBLICATION_DECRET_CREATION/PUBLICATION_JO."""
    other_decree: list[JournalPublication] = Field(default_factory=list)
    """PUBLICATION_DECRET_AUTRE/PUBLICATION_JO."""
    last_journal_date: dt.date | None = None  # DATE_DERNIER_JO
    decision_date: dt.date | None = None  # DATE_DECISION
    registration_years: NonNegativeInt | None = None  # DUREE_ENREGISTREMENT
    statistics: list[PromotionStatistics] = Field(default_factory=list)
    """STATISTIQUES_PROMOTIONS/STATISTIQUES_PROMOTION."""
    description_url: str | None = None  # LIEN_URL_DESCRIPTION (free text, not always a URL)
    registration_end: dt.date | None = None  # DATE_FIN_ENREGISTREMENT
    effective_date: dt.date | None = None  # DATE_EFFET
    level_granted_years: list[NonNegativeInt] = Field(default_factory=list)
    """ANNEES_PROMOTIONS_NIVEAU/ANNEE: cohorts to which the level was granted."""
    registration_type: RegistrationType | None = None  # TYPE_ENREGISTREMENT
    blocks: list[CompetenceBlock] = Field(default_factory=list)  # BLOCS_COMPETENCES
    objectives: str | None = None  # OBJECTIFS_CONTEXTE
    mastery_level: str | None = None  # NIVEAU_MAITRISE_COMPETENCES (RS)
    partial_validation: bool | None = None  # VALIDATION_PARTIELLE (RS)
    partial_validation_scope: str | None = None  # VALIDATION_PARTIELLE_PERIMETRE (RS)
    active: bool | None = None  # ACTIF
    entry_prerequisites: str | None = None  # PREREQUIS_ENTREE_FORMATION
    publication_date: dt.date | None = None  # DATE_DE_PUBLICATION
    certification_prerequisites: str | None = None  # PREREQUIS_VALIDATION_CERTIFICATION
    issuance_deadline: dt.date | None = None  # DATE_LIMITE_DELIVRANCE
    validity_duration: str | None = None  # DUREE_VALIDITE (RS)
    renewal_terms: str | None = None  # MODALITES_RENOUVELLEMENT (RS)
    correspondences: list[Correspondence] = Field(default_factory=list)  # CORRESPONDANCES
    unknown_elements: list[UnknownElement] = Field(default_factory=list)
    """Elements of the source that no field above carries, kept for a lossless round trip."""

    @property
    def repertoire(self) -> Repertoire:
        """RNCP or RS, from the fiche number."""
        return Repertoire.RS if self.number.startswith("RS") else Repertoire.RNCP

    @property
    def page_url(self) -> str:
        """The fiche's public page on France Compétences' site (``…/rncp/35080/``)."""
        register = self.repertoire.value.lower()
        return (
            f"https://www.francecompetences.fr/recherche/{register}/{self.number[len(register) :]}/"
        )

    @property
    def eqf_level(self) -> int | None:
        """European Qualifications Framework level (3…8), equal to the national level since
        the decree of 8 January 2019; None for RS fiches and legacy ``REPRISE`` fiches."""
        return self.level.number if self.level is not None else None

    @property
    def block_codes(self) -> list[str]:
        """Codes of the competence blocks, in fiche order."""
        return [block.code for block in self.blocks]

    @property
    def registration_start(self) -> dt.date | None:
        """Decision date (on request) or effective date (by right)."""
        return self.decision_date or self.effective_date

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the registration covers ``day``: from its start (when known) to
        ``registration_end`` inclusive (France Compétences turns ``ACTIF`` off the day after)."""
        if self.registration_end is None or day > self.registration_end:
            return False
        start = self.registration_start
        return start is None or day >= start

    def open_routes(self) -> list[AccessRouteCode]:
        """The access routes whose flag is open, in France Compétences order."""
        return [code for code in AccessRouteCode if (r := self.access_routes.get(code)) and r.open]
