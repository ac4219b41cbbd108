"""The France Compétences flux V4.1 as one table: every element of a ``FICHE``, in the
official order, and the model field it fills. The reader, the writer, the error locator,
the generated XSD (:mod:`.schema`) and docs/mapping-fc.md all walk :data:`V41`; older
versions (:mod:`.legacy`) are derived from it. To map a new element, add one node here (and
the field to the model)."""

from __future__ import annotations

from rncpkit.formats.fc_xml.codecs import BOOL, CODE, DATE, INT
from rncpkit.formats.xmltable import Group, Leaf, ListOf, Repeated, Values
from rncpkit.model import AccessRouteCode

__all__ = ["V41"]


def _code_label(key: str, wrapper: str, item: str) -> ListOf:
    return ListOf(wrapper, key, (Leaf("CODE", "code", CODE), Leaf("LIBELLE", "label")), item=item)


def _links(wrapper: str, item: str, leaf: str, key: str) -> ListOf:
    return ListOf(wrapper, key, (Leaf(leaf, "v", CODE),), item=item, scalar="v")


def _route(code: AccessRouteCode) -> Group:
    return Group(
        f"SI_JURY_{code.value}",
        ("access_routes", code.value),
        (
            Leaf("DATE_DERNIERE_MODIFICATION", "changed_on", DATE),
            Leaf("ACTIF", "open", BOOL),
            Leaf("COMPOSITION", "jury"),
        ),
    )


def _publications(tag: str, key: str) -> ListOf:
    return ListOf(
        tag,
        key,
        (Leaf("TITRE", "title"), Leaf("DATE_PUBLICATION_JO", "published_on", DATE)),
        item="PUBLICATION_JO",
    )


def _agreement(slot: int) -> Repeated:
    return Repeated(
        f"CCN_{slot + 1}",
        "collective_agreements",
        (Leaf("NUMERO", "number", CODE), Leaf("LIBELLE", "label")),
        slot=slot,
    )


V41 = Group(
    "FICHE",
    None,
    (
        Leaf("ID_FICHE", "fiche_id", INT),
        Leaf("NUMERO_FICHE", "number", CODE),
        _links(
            "NOUVELLES_CERTIFICATIONS",
            "NOUVELLE_CERTIFICATION",
            "ID_FICHE_NOUVELLE_CERTIFICATION",
            "successors",
        ),
        _links(
            "ANCIENNES_CERTIFICATIONS",
            "ANCIENNE_CERTIFICATION",
            "ID_FICHE_ANCIENNE_CERTIFICATION",
            "predecessors",
        ),
        Leaf("INTITULE", "title"),
        Group("ABREGE", "abbreviation", (Leaf("CODE", "code", CODE), Leaf("LIBELLE", "label"))),
        Leaf("ETAT_FICHE", "state", CODE),
        _code_label("formacodes", "FORMACODES", "FORMACODE"),
        Group(
            "NOMENCLATURE_EUROPE",
            None,
            (Leaf("NIVEAU", "level", CODE), Leaf("LIBELLE", "level_label")),
        ),
        _code_label("nsf", "CODES_NSF", "NSF"),
        ListOf(
            "CERTIFICATEURS",
            "certifiers",
            (
                Leaf("SIRET_CERTIFICATEUR", "siret", CODE),
                Leaf("NOM_CERTIFICATEUR", "name"),
                Leaf("ETAT_CERTIFICATEUR", "state", CODE),
                Leaf("DATE_DERNIERE_MODIFICATION_ETAT", "state_changed_on", DATE),
                Leaf("NOM_COMMERCIAL", "trade_name"),
                Leaf("SITE_INTERNET", "website"),
            ),
            item="CERTIFICATEUR",
        ),
        Leaf("EXISTENCE_PARTENAIRES", "has_partners", BOOL),
        ListOf(
            "PARTENAIRES",
            "partners",
            (
                Leaf("NOM_PARTENAIRE", "name"),
                Leaf("SIRET_PARTENAIRE", "siret", CODE),
                Leaf("HABILITATION_PARTENAIRE", "habilitation", CODE),
                Leaf("ETAT_HABILITATION", "habilitation_state", CODE),
                Leaf("DATE_ACTIF", "active_since", DATE),
                Leaf("DATE_DERNIERE_MODIFICATION_ETAT", "state_changed_on", DATE),
            ),
            item="PARTENAIRE",
        ),
        Leaf("ACTIVITES_VISEES", "activities"),
        Leaf("CAPACITES_ATTESTEES", "attested_skills"),
        Leaf("SECTEURS_ACTIVITE", "sectors"),
        Leaf("TYPE_EMPLOI_ACCESSIBLES", "job_types"),
        _code_label("rome", "CODES_ROME", "ROME"),
        # CCN_* and CODES_IDCC are reported in the flux but absent from every sample seen:
        # their position here is an assumption (said in the generated schemas/fc-flux-v4.1.xsd).
        _agreement(0),
        _agreement(1),
        _agreement(2),
        _code_label("idcc", "CODES_IDCC", "IDCC"),
        Leaf("REGLEMENTATIONS_ACTIVITES", "activity_regulations"),
        *(_route(code) for code in AccessRouteCode),
        Leaf("ACCESSIBLE_NOUVELLE_CALEDONIE", "new_caledonia", BOOL),
        Leaf("ACCESSIBLE_POLYNESIE_FRANCAISE", "french_polynesia", BOOL),
        _publications("PUBLICATION_DECRET_GENERAL", "general_decree"),
        _publications("PUBLICATION_DECRET_CREATION", "creation_decree"),
        _publications("PUBLICATION_DECRET_AUTRE", "other_decree"),
        Leaf("DATE_DERNIER_JO", "last_journal_date", DATE),
        Leaf("DATE_DECISION", "decision_date", DATE),
        Leaf("DUREE_ENREGISTREMENT", "registration_years", INT),
        ListOf(
            "STATISTIQUES_PROMOTIONS",
            "statistics",
            (
                Leaf("ANNEE", "year", INT),
                Leaf("NOMBRE_CERTIFIES", "certified", INT),
                Leaf("NOMBRE_CERTIFIES_VAE", "certified_by_vae", INT),
                Leaf("TAUX_INSERTION_GLOBAL_6MOIS", "employment_rate_6_months", INT),
                Leaf("TAUX_INSERTION_METIER_2ANS", "occupation_rate_2_years", INT),
            ),
            item="STATISTIQUES_PROMOTION",
        ),
        Leaf("LIEN_URL_DESCRIPTION", "description_url"),
        Leaf("DATE_FIN_ENREGISTREMENT", "registration_end", DATE),
        Leaf("DATE_EFFET", "effective_date", DATE),
        Values("ANNEES_PROMOTIONS_NIVEAU", "level_granted_years", item="ANNEE", codec=INT),
        Leaf("TYPE_ENREGISTREMENT", "registration_type", CODE),
        ListOf(
            "BLOCS_COMPETENCES",
            "blocks",
            (
                Leaf("CODE", "code", CODE),
                Leaf("LIBELLE", "label"),
                Leaf("LISTE_COMPETENCES", "competences"),
                Leaf("MODALITES_EVALUATION", "assessment_methods"),
                Leaf("PREREQUIS_ENTREE_FORMATION_BLOC", "entry_prerequisites"),
                Leaf("PREREQUIS_VALIDATION_BLOC", "validation_prerequisites"),
            ),
            item="BLOC_COMPETENCES",
        ),
        Leaf("OBJECTIFS_CONTEXTE", "objectives"),
        Leaf("NIVEAU_MAITRISE_COMPETENCES", "mastery_level"),
        Leaf("VALIDATION_PARTIELLE", "partial_validation", BOOL),
        Leaf("VALIDATION_PARTIELLE_PERIMETRE", "partial_validation_scope"),
        Leaf("ACTIF", "active", BOOL),
        Leaf("PREREQUIS_ENTREE_FORMATION", "entry_prerequisites"),
        Leaf("DATE_DE_PUBLICATION", "publication_date", DATE),
        Leaf("PREREQUIS_VALIDATION_CERTIFICATION", "certification_prerequisites"),
        Leaf("DATE_LIMITE_DELIVRANCE", "issuance_deadline", DATE),
        Leaf("DUREE_VALIDITE", "validity_duration"),
        Leaf("MODALITES_RENOUVELLEMENT", "renewal_terms"),
        ListOf(
            "CORRESPONDANCES",
            "correspondences",
            (
                _links("SOURCE", "BLOC_COMPETENCES", "CODE", "source_blocks"),
                Group(
                    "DESTINATION",
                    None,
                    (
                        Leaf("NUMERO_FICHE", "target_number", CODE),
                        Repeated(
                            "BLOC_COMPETENCES",
                            "target_blocks",
                            (Leaf("CODE", "v", CODE),),
                            scalar="v",
                        ),
                    ),
                ),
            ),
            item="CORRESPONDANCE",
        ),
    ),
)
"""Flux V4.1: every ``FICHE`` child in the order of the official XSD of the export."""
