"""The typed model of one certification fiche (RNCP or RS).

Every field carries a short description naming the France Compétences flux V4.1 element it
holds (``Field(description=…)``), so ``help()``, IDE hovers, the JSON Schema and
``rncpkit schema`` show it. The model knows nothing of XML, CSV or JSON: readers and writers in
:mod:`rncpkit.formats` do the mapping. Repeated elements are always lists; absent optional
elements are ``None`` or ``[]``. Assignments are validated (``cert.level = "bogus"`` fails at
once). Long texts come flattened from the register; the ``*_items`` properties give their
lines as a list, by the one reading of :func:`rncpkit.model.text.flattened_lines`.
"""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

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
from rncpkit.model.text import flattened_items
from rncpkit.model.types import FicheNumber, FormacodeCode, NsfCode, RomeCode, Siret

__all__ = [
    "Abbreviation",
    "AccessRoute",
    "Certification",
    "Certifier",
    "CodeLabel",
    "CollectiveAgreement",
    "CompetenceBlock",
    "Correspondence",
    "Formacode",
    "JournalPublication",
    "NsfSpecialty",
    "Partner",
    "PromotionStatistics",
    "RomeOccupation",
    "UnknownElement",
]


def _schema_description(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The JSON Schema describes a model by its own docstring, not the field list below."""
    schema["description"] = inspect.cleandoc(getattr(model, "__summary__", "") or "")


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=False,
        validate_assignment=True,
        json_schema_extra=_schema_description,
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Append the fields' descriptions to the class docstring, so that ``help()`` lists
        each field with its France Compétences element."""
        super().__pydantic_init_subclass__(**kwargs)
        summary = cls.__doc__ or ""
        type.__setattr__(cls, "__summary__", summary)
        fields = [
            f"    {name}: {info.description}"
            for name, info in cls.model_fields.items()
            if info.description
        ]
        cls.__doc__ = summary.rstrip() + "\n\nFields:\n\n" + "\n".join(fields) + "\n"


class CodeLabel(_Model):
    """A code with its label, as the register repeats it beside every nomenclature code."""

    code: str = Field(description="The code. France Compétences element: CODE.")
    label: str | None = Field(None, description="Its label. France Compétences element: LIBELLE.")


class Formacode(_Model):
    """``FORMACODES/FORMACODE``: training field code."""

    code: FormacodeCode = Field(
        description="Formacode of the Centre Inffo thesaurus, five digits. "
        "France Compétences element: FORMACODE/CODE."
    )
    label: str | None = Field(
        None, description="Its label. France Compétences element: FORMACODE/LIBELLE."
    )


class NsfSpecialty(_Model):
    """``CODES_NSF/NSF``: specialty of the French training nomenclature."""

    code: NsfCode = Field(
        description="NSF specialty code: three digits and an optional letter (332n). "
        "France Compétences element: NSF/CODE."
    )
    label: str | None = Field(
        None, description="Its label. France Compétences element: NSF/LIBELLE."
    )


class RomeOccupation(_Model):
    """``CODES_ROME/ROME``: occupation of France Travail's ROME."""

    code: RomeCode = Field(
        description="ROME occupation code: a letter and four digits (K1206). "
        "France Compétences element: ROME/CODE."
    )
    label: str | None = Field(
        None, description="Its label. France Compétences element: ROME/LIBELLE."
    )


class Abbreviation(_Model):
    """``ABREGE``: the kind of title (``BTS``, ``TP``, ``CQP``…), RNCP only."""

    code: str = Field(
        description="Kind of title (BTS, TP, CQP…). France Compétences element: ABREGE/CODE."
    )
    label: str | None = Field(
        None, description="Its label. France Compétences element: ABREGE/LIBELLE."
    )


class Certifier(_Model):
    """``CERTIFICATEURS/CERTIFICATEUR``: a body that awards the certification."""

    siret: Siret | None = Field(
        None,
        description="SIRET establishment number, 14 digits. "
        "France Compétences element: SIRET_CERTIFICATEUR.",
    )
    name: str = Field(
        description="Name of the certifying body. France Compétences element: NOM_CERTIFICATEUR."
    )
    state: CertifierState | None = Field(
        None,
        description="Whether the certifier is active. "
        "France Compétences element: ETAT_CERTIFICATEUR.",
    )
    state_changed_on: dt.date | None = Field(
        None,
        description="When that state last changed. "
        "France Compétences element: DATE_DERNIERE_MODIFICATION_ETAT.",
    )
    trade_name: str | None = Field(
        None, description="Trade name. France Compétences element: NOM_COMMERCIAL."
    )
    website: str | None = Field(
        None, description="Web site. France Compétences element: SITE_INTERNET."
    )


class Partner(_Model):
    """``PARTENAIRES/PARTENAIRE``: a body habilitated by a certifier to train or assess."""

    name: str = Field(
        description="Name of the habilitated body. France Compétences element: NOM_PARTENAIRE."
    )
    siret: Siret | None = Field(
        None,
        description="SIRET establishment number, 14 digits. "
        "France Compétences element: SIRET_PARTENAIRE.",
    )
    habilitation: HabilitationKind | None = Field(
        None,
        description="What it is habilitated to do (train, organise the assessment, or both). "
        "France Compétences element: HABILITATION_PARTENAIRE.",
    )
    habilitation_state: HabilitationState | None = Field(
        None,
        description="State of the habilitation. France Compétences element: ETAT_HABILITATION.",
    )
    active_since: dt.date | None = Field(
        None, description="Habilitated since. France Compétences element: DATE_ACTIF."
    )
    state_changed_on: dt.date | None = Field(
        None,
        description="When the state last changed. "
        "France Compétences element: DATE_DERNIERE_MODIFICATION_ETAT.",
    )


class AccessRoute(_Model):
    """``SI_JURY_FI`` … ``SI_JURY_VAE``: whether a route is open and who sits on its jury."""

    open: bool = Field(
        description="Whether the certification can be obtained by this route. "
        "France Compétences element: SI_JURY_*/ACTIF."
    )
    jury: str | None = Field(
        None,
        description="Composition of the jury for this route. "
        "France Compétences element: SI_JURY_*/COMPOSITION.",
    )
    changed_on: dt.date | None = Field(
        None,
        description="When this route last changed. "
        "France Compétences element: SI_JURY_*/DATE_DERNIERE_MODIFICATION.",
    )


class JournalPublication(_Model):
    """``PUBLICATION_DECRET_*/PUBLICATION_JO``: a text published in the Journal officiel."""

    title: str = Field(
        description="Title of the published text. France Compétences element: PUBLICATION_JO/TITRE."
    )
    published_on: dt.date | None = Field(
        None,
        description="Date of publication in the Journal officiel. "
        "France Compétences element: PUBLICATION_JO/DATE_PUBLICATION_JO.",
    )


class PromotionStatistics(_Model):
    """``STATISTIQUES_PROMOTIONS/STATISTIQUES_PROMOTION``: outcomes of one cohort."""

    year: NonNegativeInt = Field(description="Cohort year. France Compétences element: ANNEE.")
    certified: NonNegativeInt | None = Field(
        None, description="People certified. France Compétences element: NOMBRE_CERTIFIES."
    )
    certified_by_vae: NonNegativeInt | None = Field(
        None,
        description="Of whom certified by validation of prior experience (VAE). "
        "France Compétences element: NOMBRE_CERTIFIES_VAE.",
    )
    employment_rate_6_months: NonNegativeInt | None = Field(
        None,
        description="Percent in employment six months after. "
        "France Compétences element: TAUX_INSERTION_GLOBAL_6MOIS.",
    )
    occupation_rate_2_years: NonNegativeInt | None = Field(
        None,
        description="Percent working in the targeted occupation two years after. "
        "France Compétences element: TAUX_INSERTION_METIER_2ANS.",
    )


class CompetenceBlock(_Model):
    """``BLOCS_COMPETENCES/BLOC_COMPETENCES``: a separately certifiable block of competences."""

    code: str = Field(
        description="Block code, normally the fiche number + BC + two digits (RNCP35080BC01). "
        "France Compétences element: BLOC_COMPETENCES/CODE."
    )
    label: str = Field(
        description="Title of the block. France Compétences element: BLOC_COMPETENCES/LIBELLE."
    )
    competences: str | None = Field(
        None,
        description="The competences, as one flattened text (see competence_items). "
        "France Compétences element: LISTE_COMPETENCES.",
    )
    assessment_methods: str | None = Field(
        None,
        description="How the block is assessed, flattened text (see assessment_items). "
        "France Compétences element: MODALITES_EVALUATION.",
    )
    entry_prerequisites: str | None = Field(
        None,
        description="Prerequisites to enter training for the block. "
        "France Compétences element: PREREQUIS_ENTREE_FORMATION_BLOC.",
    )
    validation_prerequisites: str | None = Field(
        None,
        description="Prerequisites to validate the block. "
        "France Compétences element: PREREQUIS_VALIDATION_BLOC.",
    )

    @property
    def competence_items(self) -> list[str]:
        """The competences as a list: one entry per line of the flattened text, bullets
        removed, headings kept (:func:`~rncpkit.model.text.flattened_items`)."""
        return flattened_items(self.competences)

    @property
    def assessment_items(self) -> list[str]:
        """The assessment methods as a list, by the same reading as ``competence_items``."""
        return flattened_items(self.assessment_methods)


class Correspondence(_Model):
    """``CORRESPONDANCES/CORRESPONDANCE``: equivalence with another fiche or its blocks."""

    source_blocks: list[str] = Field(
        default_factory=list,
        description="Codes of this fiche's blocks the equivalence covers. "
        "France Compétences element: SOURCE/BLOC_COMPETENCES/CODE.",
    )
    target_number: FicheNumber = Field(
        description="The equivalent fiche. France Compétences element: DESTINATION/NUMERO_FICHE."
    )
    target_blocks: list[str] = Field(
        default_factory=list,
        description="Codes of the equivalent fiche's blocks. "
        "France Compétences element: DESTINATION/BLOC_COMPETENCES/CODE.",
    )


class CollectiveAgreement(_Model):
    """``CCN_1`` … ``CCN_3``: a collective labour agreement (brochure number and title)."""

    number: str = Field(
        description="Brochure number of the agreement. France Compétences element: CCN_*/NUMERO."
    )
    label: str | None = Field(
        None, description="Its title. France Compétences element: CCN_*/LIBELLE."
    )


class UnknownElement(_Model):
    """An element the model does not know, kept verbatim so that nothing vanishes.

    ``parent`` is a path such as ``FICHE`` or ``FICHE/CERTIFICATEURS/CERTIFICATEUR[2]``;
    ``position`` the element's index among its parent's children; ``xml`` its markup.
    """

    parent: str = Field(
        description="Path of the parent element in the fiche "
        "(FICHE, FICHE/CERTIFICATEURS/CERTIFICATEUR[2]). Not a France Compétences element."
    )
    position: NonNegativeInt = Field(
        description="Index of the element among its parent's children. "
        "Not a France Compétences element."
    )
    xml: str = Field(
        description="The element's markup, verbatim. Not a France Compétences element."
    )


class Certification(_Model):
    """One fiche of the RNCP or of the Répertoire spécifique (``FICHE``)."""

    fiche_id: NonNegativeInt | None = Field(
        None,
        description="France Compétences' internal id of the fiche. "
        "France Compétences element: ID_FICHE.",
    )
    number: FicheNumber = Field(
        description="Fiche number: RNCP or RS followed by digits (RNCP35080, RS5000). "
        "France Compétences element: NUMERO_FICHE."
    )
    successors: list[FicheNumber] = Field(
        default_factory=list,
        description="Fiches that replace this one. France Compétences element: "
        "NOUVELLES_CERTIFICATIONS/NOUVELLE_CERTIFICATION/ID_FICHE_NOUVELLE_CERTIFICATION.",
    )
    predecessors: list[FicheNumber] = Field(
        default_factory=list,
        description="Fiches this one replaces. France Compétences element: "
        "ANCIENNES_CERTIFICATIONS/ANCIENNE_CERTIFICATION/ID_FICHE_ANCIENNE_CERTIFICATION.",
    )
    title: str = Field(
        description="Title of the certification. France Compétences element: INTITULE."
    )
    abbreviation: Abbreviation | None = Field(
        None,
        description="Kind of title (BTS, TP, CQP…), RNCP only. France Compétences element: ABREGE.",
    )
    state: FicheState | None = Field(
        None,
        description="Editorial state of the fiche (Publiée…). "
        "France Compétences element: ETAT_FICHE.",
    )
    formacodes: list[Formacode] = Field(
        default_factory=list,
        description="Training field codes. France Compétences element: FORMACODES.",
    )
    level: Level | None = Field(
        None,
        description="National framework level, NIV3…NIV8 or REPRISE (legacy, no level); "
        "None on RS fiches. 7 or '7' is read as NIV7. "
        "France Compétences element: NOMENCLATURE_EUROPE/NIVEAU.",
    )
    level_label: str | None = Field(
        None,
        description="Label of the level (Niveau 7). "
        "France Compétences element: NOMENCLATURE_EUROPE/LIBELLE.",
    )
    nsf: list[NsfSpecialty] = Field(
        default_factory=list,
        description="Specialties of the NSF training nomenclature. "
        "France Compétences element: CODES_NSF.",
    )
    certifiers: list[Certifier] = Field(
        default_factory=list,
        description="Bodies that award the certification. "
        "France Compétences element: CERTIFICATEURS.",
    )
    has_partners: bool | None = Field(
        None,
        description="Whether the certifiers habilitate partners. "
        "France Compétences element: EXISTENCE_PARTENAIRES.",
    )
    partners: list[Partner] = Field(
        default_factory=list,
        description="Bodies habilitated to train or assess. "
        "France Compétences element: PARTENAIRES.",
    )
    activities: str | None = Field(
        None,
        description="Activities the certification prepares for, flattened text "
        "(see activity_items). France Compétences element: ACTIVITES_VISEES.",
    )
    attested_skills: str | None = Field(
        None,
        description="Skills the certification attests, flattened text "
        "(see attested_skill_items). France Compétences element: CAPACITES_ATTESTEES.",
    )
    sectors: str | None = Field(
        None,
        description="Sectors of activity, flattened text (see sector_items). "
        "France Compétences element: SECTEURS_ACTIVITE.",
    )
    job_types: str | None = Field(
        None,
        description="Types of jobs accessible, flattened text (see job_type_items). "
        "France Compétences element: TYPE_EMPLOI_ACCESSIBLES.",
    )
    rome: list[RomeOccupation] = Field(
        default_factory=list,
        description="Occupations of France Travail's ROME. France Compétences element: CODES_ROME.",
    )
    collective_agreements: list[CollectiveAgreement] = Field(
        default_factory=list,
        description="Collective labour agreements (reported in the flux, position unverified). "
        "France Compétences element: CCN_1, CCN_2, CCN_3.",
    )
    idcc: list[CodeLabel] = Field(
        default_factory=list,
        description="IDCC codes of collective agreements. "
        "France Compétences element: CODES_IDCC/IDCC.",
    )
    activity_regulations: str | None = Field(
        None,
        description="Regulations of the activities. "
        "France Compétences element: REGLEMENTATIONS_ACTIVITES.",
    )
    access_routes: dict[AccessRouteCode, AccessRoute] = Field(
        default_factory=dict,
        description="Ways to obtain the certification (FI, CA, FC, CQ, CL, VAE) and their "
        "juries. France Compétences element: SI_JURY_FI … SI_JURY_VAE.",
    )
    new_caledonia: bool | None = Field(
        None,
        description="Accessible in New Caledonia. "
        "France Compétences element: ACCESSIBLE_NOUVELLE_CALEDONIE.",
    )
    french_polynesia: bool | None = Field(
        None,
        description="Accessible in French Polynesia. "
        "France Compétences element: ACCESSIBLE_POLYNESIE_FRANCAISE.",
    )
    general_decree: list[JournalPublication] = Field(
        default_factory=list,
        description="General decree published in the Journal officiel. "
        "France Compétences element: PUBLICATION_DECRET_GENERAL/PUBLICATION_JO.",
    )
    creation_decree: list[JournalPublication] = Field(
        default_factory=list,
        description="Decree creating the certification. "
        "France Compétences element: PUBLICATION_DECRET_CREATION/PUBLICATION_JO.",
    )
    other_decree: list[JournalPublication] = Field(
        default_factory=list,
        description="Other published texts. "
        "France Compétences element: PUBLICATION_DECRET_AUTRE/PUBLICATION_JO.",
    )
    last_journal_date: dt.date | None = Field(
        None,
        description="Date of the last Journal officiel publication. "
        "France Compétences element: DATE_DERNIER_JO.",
    )
    decision_date: dt.date | None = Field(
        None,
        description="Date of France Compétences' registration decision (registration on "
        "request). France Compétences element: DATE_DECISION.",
    )
    registration_years: NonNegativeInt | None = Field(
        None,
        description="Length of the registration in years. "
        "France Compétences element: DUREE_ENREGISTREMENT.",
    )
    statistics: list[PromotionStatistics] = Field(
        default_factory=list,
        description="Outcomes of past cohorts. France Compétences element: "
        "STATISTIQUES_PROMOTIONS/STATISTIQUES_PROMOTION.",
    )
    description_url: str | None = Field(
        None,
        description="Link to a description (free text, not always a URL). "
        "France Compétences element: LIEN_URL_DESCRIPTION.",
    )
    registration_end: dt.date | None = Field(
        None,
        description="Last day of the registration. "
        "France Compétences element: DATE_FIN_ENREGISTREMENT.",
    )
    effective_date: dt.date | None = Field(
        None,
        description="Date the registration takes effect (registration by right). "
        "France Compétences element: DATE_EFFET.",
    )
    level_granted_years: list[NonNegativeInt] = Field(
        default_factory=list,
        description="Cohorts to which the level was granted. "
        "France Compétences element: ANNEES_PROMOTIONS_NIVEAU/ANNEE.",
    )
    registration_type: RegistrationType | None = Field(
        None,
        description="By right (de droit) or on request (sur demande). "
        "France Compétences element: TYPE_ENREGISTREMENT.",
    )
    blocks: list[CompetenceBlock] = Field(
        default_factory=list,
        description="Blocks of competences. France Compétences element: BLOCS_COMPETENCES.",
    )
    objectives: str | None = Field(
        None,
        description="Objectives and context of the certification. "
        "France Compétences element: OBJECTIFS_CONTEXTE.",
    )
    mastery_level: str | None = Field(
        None,
        description="Level of mastery of the competences (RS). "
        "France Compétences element: NIVEAU_MAITRISE_COMPETENCES.",
    )
    partial_validation: bool | None = Field(
        None,
        description="Whether the certification can be partly validated (RS). "
        "France Compétences element: VALIDATION_PARTIELLE.",
    )
    partial_validation_scope: str | None = Field(
        None,
        description="What a partial validation covers (RS). "
        "France Compétences element: VALIDATION_PARTIELLE_PERIMETRE.",
    )
    active: bool | None = Field(
        None,
        description="Whether the registration is in force (France Compétences turns it off "
        "the day after the end of registration). France Compétences element: ACTIF.",
    )
    entry_prerequisites: str | None = Field(
        None,
        description="Prerequisites to enter training. "
        "France Compétences element: PREREQUIS_ENTREE_FORMATION.",
    )
    publication_date: dt.date | None = Field(
        None,
        description="Date the fiche was published. "
        "France Compétences element: DATE_DE_PUBLICATION.",
    )
    certification_prerequisites: str | None = Field(
        None,
        description="Prerequisites to obtain the certification. "
        "France Compétences element: PREREQUIS_VALIDATION_CERTIFICATION.",
    )
    issuance_deadline: dt.date | None = Field(
        None,
        description="Last date the certification may be awarded. "
        "France Compétences element: DATE_LIMITE_DELIVRANCE.",
    )
    validity_duration: str | None = Field(
        None,
        description="How long the certification is valid (RS). "
        "France Compétences element: DUREE_VALIDITE.",
    )
    renewal_terms: str | None = Field(
        None,
        description="How the certification is renewed (RS). "
        "France Compétences element: MODALITES_RENOUVELLEMENT.",
    )
    correspondences: list[Correspondence] = Field(
        default_factory=list,
        description="Equivalences with other fiches or their blocks. "
        "France Compétences element: CORRESPONDANCES.",
    )
    unknown_elements: list[UnknownElement] = Field(
        default_factory=list,
        description="Elements of the source that no other field carries, kept for a lossless "
        "round trip. Not a France Compétences element.",
    )

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

    @property
    def activity_items(self) -> list[str]:
        """``activities`` as a list: one entry per line of the flattened text, bullets
        removed (:func:`~rncpkit.model.text.flattened_items`)."""
        return flattened_items(self.activities)

    @property
    def attested_skill_items(self) -> list[str]:
        """``attested_skills`` as a list, by the same reading."""
        return flattened_items(self.attested_skills)

    @property
    def sector_items(self) -> list[str]:
        """``sectors`` as a list, by the same reading."""
        return flattened_items(self.sectors)

    @property
    def job_type_items(self) -> list[str]:
        """``job_types`` as a list, by the same reading."""
        return flattened_items(self.job_types)

    def open_routes(self) -> list[AccessRouteCode]:
        """The access routes whose flag is open, in France Compétences order."""
        return [code for code in AccessRouteCode if (r := self.access_routes.get(code)) and r.open]
