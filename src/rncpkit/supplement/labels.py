"""Fixed wording of the Europass Certificate Supplement, in French and English.

French labels follow the supplement France Compétences prints from the RNCP; English ones
the 2004 Europass template. Kept apart from the writers so both languages stay complete.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "LANGUAGES",
    "all_keys",
    "label",
]

LANGUAGES: Final = ("fr", "en")

_LABELS: Final[dict[str, tuple[str, str]]] = {
    # key: (fr, en)
    "document": ("Supplément Europass au certificat", "Europass Certificate Supplement"),
    "documents": ("Suppléments Europass au certificat", "Europass Certificate Supplements"),
    "country": ("France", "France"),
    "fiche": ("Fiche", "Fiche"),
    "s1": ("1. Intitulé de la certification", "1. Title of the certificate"),
    "s1_note": ("Dans la langue d’origine.", "In the original language."),
    "abbreviation": ("Type de certification", "Kind of certificate"),
    "s2": (
        "2. Traduction de l’intitulé de la certification",
        "2. Translated title of the certificate",
    ),
    "s2_note": (
        "Le cas échéant. Cette traduction n’a aucune valeur légale.",
        "If applicable. This translation has no legal status.",
    ),
    "no_translation": (
        "Aucune traduction de l’intitulé n’est fournie.",
        "No translation of the title is provided.",
    ),
    "translation_badge": ("traduction sans valeur légale", "translation, no legal status"),
    "s3": ("3. Descriptif des compétences attestées", "3. Profile of skills and competences"),
    "activities": ("Activités visées", "Activities covered"),
    "attested_skills": ("Capacités attestées", "Skills and competences attested"),
    "block": ("Bloc de compétences", "Competence block"),
    "competences": ("Compétences", "Competences"),
    "assessment": ("Modalités d’évaluation", "Assessment methods"),
    "block_entry": ("Prérequis d’entrée dans le bloc", "Entry requirements for the block"),
    "block_validation": ("Prérequis de validation du bloc", "Requirements to validate the block"),
    "s4": (
        "4. Secteurs d’activité ou types d’emplois accessibles par le détenteur du certificat",
        "4. Range of occupations accessible to the holder of the certificate",
    ),
    "job_types": ("Type d’emploi accessibles", "Types of jobs accessible"),
    "sectors": ("Secteurs d’activité", "Sectors of activity"),
    "rome": ("Code(s) ROME", "ROME code(s)"),
    "rome_code": ("Code", "Code"),
    "rome_label": ("Libellé", "Occupation"),
    "regulations": (
        "Références juridiques des réglementations d’activité",
        "Legal references of regulated activities",
    ),
    "s5": ("5. Base officielle du certificat", "5. Official basis of the certificate"),
    "s5a": (
        "Organisme(s) certificateur(s)",
        "Name and status of the body awarding the certificate",
    ),
    "legal_name": ("Nom légal certificateur(s)", "Legal name of the awarding body(ies)"),
    "siret": ("SIRET", "SIRET"),
    "trade_name": ("Nom commercial", "Trade name"),
    "website": ("Site internet", "Website"),
    "s5b": (
        "Autorité responsable de l’habilitation du certificat",
        "Name and status of the national authority providing recognition of the certificate",
    ),
    "s5c": ("Niveau (national ou européen) du certificat", "Level of the certificate"),
    "national_level": (
        "Niveau national (Décret n° 2019-14 du 8 janvier 2019 relatif au cadre national des "
        "certifications professionnelles)",
        "National level (Decree No. 2019-14 of 8 January 2019 on the national framework of "
        "professional certifications)",
    ),
    "eqf_level": (
        "Niveau du Cadre européen des certifications (CEC)",
        "European Qualifications Framework (EQF) level",
    ),
    "level_n": ("Niveau {n}", "Level {n}"),
    "s5d": ("Système de notation / conditions d’octroi", "Grading scale / Pass requirements"),
    "s5e": (
        "Accès au niveau suivant d’éducation / de formation",
        "Access to next level of education / training",
    ),
    "s5f": (
        "Accords internationaux de reconnaissance des qualifications",
        "International agreements",
    ),
    "s5g": ("Base légale", "Legal basis"),
    "registration_type": ("Type d’enregistrement", "Type of registration"),
    "decision_date": ("Date de décision d’enregistrement", "Date of the registration decision"),
    "effective_date": ("Date d’effet de l’enregistrement", "Registration effective from"),
    "registration_years": ("Durée de l’enregistrement", "Duration of the registration"),
    "years": ("{n} ans", "{n} years"),
    "year": ("{n} an", "{n} year"),
    "registration_end": ("Date d’échéance de l’enregistrement", "Registration ends on"),
    "issuance_deadline": ("Date limite de délivrance", "Last date of award"),
    "last_journal_date": ("Date du dernier Journal officiel", "Date of the last Journal officiel"),
    "publication_general": ("Décret général", "General decree"),
    "publication_creation": ("Texte de création", "Text creating the certificate"),
    "publication_other": ("Autre texte", "Other text"),
    "published_on": (
        "publié au Journal officiel le {d}",
        "published in the Journal officiel on {d}",
    ),
    "s6": (
        "6. Modes d’accès à la certification officiellement reconnus",
        "6. Officially recognised ways of acquiring the certificate",
    ),
    "routes_caption": (
        "Voies d’accès à la certification et composition des jurys",
        "Ways of acquiring the certificate and composition of the juries",
    ),
    "route": ("Mode d’accès", "Way of acquiring"),
    "route_open": ("Accessible", "Open"),
    "jury": ("Composition des jurys", "Composition of the jury"),
    "jury_note": ("Jury ({n})", "Jury ({n})"),
    "see_note": ("voir jury ({n}) ci-dessous", "see jury ({n}) below"),
    "yes": ("Oui", "Yes"),
    "no": ("Non", "No"),
    "route_closed": ("Sans objet : voie d’accès non ouverte", "Not applicable: route not open"),
    "registration_state": ("État de l’enregistrement", "Status of the registration"),
    "no_level": ("Sans niveau", "No level"),
    "index_level_rs": (
        "Sans objet (Répertoire spécifique)",
        "Not applicable (Répertoire spécifique)",
    ),
    "index_level_unknown": ("Non renseigné", "Not given"),
    "duration": (
        "Durée totale de l’enseignement / de la formation",
        "Total duration of the education / training",
    ),
    "entry": ("Niveau d’entrée requis (Le cas échéant)", "Entry requirements (if applicable)"),
    "by_blocks": (
        "Description des modalités d’acquisition de la certification par capitalisation des "
        "blocs de compétences et/ou par équivalence",
        "Acquisition of the certificate by accumulating competence blocks and/or by equivalence",
    ),
    "partial_validation": ("Validation partielle", "Partial validation"),
    "s7": ("7. Information complémentaire", "7. Additional information"),
    "fiche_link": ("Fiche au {register}", "Fiche in the {register}"),
    "description_link": ("Description par le certificateur", "Description by the awarding body"),
    "successors": ("Nouvelle(s) certification(s)", "Succeeded by"),
    "predecessors": ("Ancienne(s) certification(s)", "Replaces"),
    "nsf": ("Code(s) NSF", "NSF code(s)"),
    "formacode": ("Formacode(s)", "Formacode(s)"),
    "more_info": (
        "Pour toute information complémentaire, notamment sur le système national de "
        "qualifications :",
        "More information (including a description of the national qualifications system) "
        "available at:",
    ),
    "europass_centre": ("Centre national Europass", "National Europass Centre"),
    "not_in_register": (
        "Information absente des données publiées par France compétences",
        "Not available in the data published by France compétences",
    ),
    "not_published_for": (
        "Non publié par France compétences pour les fiches du {register}",
        "Not published by France compétences for {register} fiches",
    ),
    "not_provided": ("Non renseigné dans la fiche", "Not given in the fiche"),
    "french_content": (
        "",
        "Descriptive content is quoted from the fiche, in French.",
    ),
    "disclaimer": (
        "Ce supplément a pour objet de fournir des informations complémentaires sur la "
        "certification ; il n’a en lui-même aucune valeur légale. Établi à partir de la fiche "
        "{number} publiée par France compétences.",
        "This supplement provides additional information about the certificate and has no "
        "legal status in itself. Produced from fiche {number} published by France compétences.",
    ),
    "index_title": ("Index des suppléments", "Index of supplements"),
    "index_number": ("Fiche", "Fiche"),
    "index_title_col": ("Intitulé", "Title"),
    "index_level": ("Niveau", "Level"),
    "index_certifiers": ("Certificateur(s)", "Awarding body(ies)"),
    "index_empty": ("Aucune fiche.", "No fiche."),
    "contents": ("Sommaire", "Contents"),
}


def _index(lang: str) -> int:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r} (supported: {', '.join(LANGUAGES)})")
    return LANGUAGES.index(lang)


def label(key: str, lang: str, **values: object) -> str:
    """The wording of ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    text = _LABELS[key][_index(lang)]
    return text.format(**values) if values else text


def all_keys() -> list[str]:
    """Every label key (tests check both languages are filled)."""
    return list(_LABELS)
