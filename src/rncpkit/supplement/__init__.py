"""What the Europass Certificate Supplement says about a fiche, shared by its XML and HTML
writers: fixed wording (:mod:`.labels`) and the mapping from the model (:mod:`.content`)."""

from rncpkit.supplement.content import (
    EUROPASS_CENTRE,
    EUROPASS_CENTRE_URL,
    FRANCE_COMPETENCES,
    FRANCE_COMPETENCES_ADDRESS,
    MORE_INFO_URL,
    NAMESPACE,
    Translations,
    assessment_summary,
    schema_path,
    text_items,
)

__all__ = [
    "EUROPASS_CENTRE",
    "EUROPASS_CENTRE_URL",
    "FRANCE_COMPETENCES",
    "FRANCE_COMPETENCES_ADDRESS",
    "MORE_INFO_URL",
    "NAMESPACE",
    "Translations",
    "assessment_summary",
    "schema_path",
    "text_items",
]
