"""The supplement's XML mapping, declared once: every element of the document, in order,
with the model field it carries, its cardinality and its attributes.

The ``supplement-xml`` writer and reader walk this tree (:mod:`rncpkit.formats.
supplement_xml`); a test checks that ``schemas/certificate-supplement.xsd`` has the same
element names, order, cardinalities and enumerations; ``docs/supplement.md``'s mapping
table is generated from it. Adding a fiche field to the supplement is one line here (and
the XSD, which the test then asks for).

Elements with ``derived`` set hold what the writer works out (France compétences'
statement, the translated title, the registration's state…): the reader skips them. The
few irregular ones (the six routes, the Journal officiel texts, acquisition by blocks)
name a ``custom`` pair of functions in the format module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Literal

from rncpkit.model import AccessRouteCode, CertifierState, Level, RegistrationType
from rncpkit.supplement.content import NOT_APPLICABLE, NOT_IN_REGISTER, NOT_IN_RNCP, NOT_PROVIDED

__all__ = [
    "SELF",
    "SUPPLEMENT",
    "Node",
    "mapping_markdown",
    "walk",
]

SELF: Final = "."
"""``text`` of a node whose items are plain strings: the item itself is the text."""

STATUSES: Final = (NOT_IN_REGISTER, NOT_PROVIDED, NOT_APPLICABLE, NOT_IN_RNCP)

Kind = Literal["text", "date", "int", "bool"]


@dataclass(frozen=True)
class Attr:
    """An attribute: from a field of the current object, or ``derived`` by the writer."""

    name: str
    field: str | None = None
    kind: Kind = "text"
    required: bool = False
    values: tuple[str, ...] = ()
    """Enumeration of allowed values (checked against the XSD)."""
    derived: str | None = None


@dataclass(frozen=True)
class Node:
    """One element of the supplement.

    ``field`` is read on the current object (the fiche, or the list item being written):
    a scalar, an object, or a list when ``many``. ``text`` names the object's field that
    gives the element's text (:data:`SELF` for a scalar). ``status`` elements are written
    empty with ``status="…"`` (why, see :func:`~rncpkit.supplement.content.absence`)
    when the field is empty; other optional ones are left out.
    """

    tag: str
    field: str | None = None
    text: str | None = SELF
    kind: Kind = "text"
    occurs: tuple[int, int | None] = (1, 1)
    status: bool = False
    attrs: tuple[Attr, ...] = ()
    children: tuple[Node, ...] = ()
    derived: str | None = None
    custom: str | None = None
    source: str = ""
    """The France Compétences element (documentation)."""
    doc: str = ""

    @property
    def many(self) -> bool:
        return self.occurs[1] is None or self.occurs[1] > 1

    @property
    def optional(self) -> bool:
        return self.occurs[0] == 0


def _text(tag: str, field: str, source: str, **kw: object) -> Node:
    return Node(tag, field, source=source, **kw)  # type: ignore[arg-type]


def _opt(tag: str, field: str, source: str, **kw: object) -> Node:
    return Node(tag, field, occurs=(0, 1), source=source, **kw)  # type: ignore[arg-type]


def _status(tag: str, field: str, source: str) -> Node:
    return Node(tag, field, status=True, source=source)


def _code_label(tag: str, field: str, source: str) -> Node:
    return Node(
        tag,
        field,
        text="label",
        occurs=(0, None),
        attrs=(Attr("code", "code", required=True),),
        source=source,
    )


def _missing(tag: str, doc: str) -> Node:
    """A template slot the register never fills."""
    return Node(tag, text=None, derived="not-in-register", doc=doc)


BLOCK: Final = Node(
    "CompetenceBlock",
    "blocks",
    text=None,
    occurs=(0, None),
    attrs=(Attr("code", "code", required=True),),
    source="BLOCS_COMPETENCES/BLOC_COMPETENCES",
    children=(
        _text("Label", "label", "LIBELLE"),
        _status("Competences", "competences", "LISTE_COMPETENCES"),
        _status("AssessmentMethods", "assessment_methods", "MODALITES_EVALUATION"),
        _opt("EntryPrerequisites", "entry_prerequisites", "PREREQUIS_ENTREE_FORMATION_BLOC"),
        _opt("ValidationPrerequisites", "validation_prerequisites", "PREREQUIS_VALIDATION_BLOC"),
    ),
)

AWARDING_BODY: Final = Node(
    "AwardingBody",
    "certifiers",
    text=None,
    occurs=(0, None),
    attrs=(
        Attr("siret", "siret"),
        Attr("state", "state", values=tuple(s.value for s in CertifierState)),
    ),
    source="CERTIFICATEURS/CERTIFICATEUR",
    children=(
        _text("Name", "name", "NOM_CERTIFICATEUR"),
        _opt("TradeName", "trade_name", "NOM_COMMERCIAL"),
        _opt("Website", "website", "SITE_INTERNET"),
    ),
)

SUPPLEMENT: Final = Node(
    "CertificateSupplement",
    text=None,
    attrs=(
        Attr("fiche", "number", required=True),
        Attr("register", derived="register", required=True, values=("RNCP", "RS")),
        Attr("country", derived="country"),
        Attr("lang", derived="lang"),
    ),
    source="FICHE",
    doc="One fiche's supplement (several: inside CertificateSupplements).",
    children=(
        _text("Title", "title", "INTITULE", attrs=(Attr("lang", derived="lang", required=True),)),
        Node(
            "Abbreviation",
            "abbreviation",
            text="label",
            occurs=(0, 1),
            attrs=(Attr("code", "code", required=True),),
            source="ABREGE",
            doc="§1 kind of title (CODE, LIBELLE)",
        ),
        Node("TranslatedTitle", text=None, derived="translated-title", doc="§2, from -O options"),
        Node(
            "SkillsProfile",
            text=None,
            doc="§3",
            children=(
                _opt("Activities", "activities", "ACTIVITES_VISEES"),
                _opt("AttestedSkills", "attested_skills", "CAPACITES_ATTESTEES"),
                BLOCK,
            ),
        ),
        Node(
            "RangeOfOccupations",
            text=None,
            doc="§4",
            children=(
                _status("JobTypes", "job_types", "TYPE_EMPLOI_ACCESSIBLES"),
                _status("Sectors", "sectors", "SECTEURS_ACTIVITE"),
                _code_label("RomeOccupation", "rome", "CODES_ROME/ROME"),
                _opt("ActivityRegulations", "activity_regulations", "REGLEMENTATIONS_ACTIVITES"),
            ),
        ),
        Node(
            "OfficialBasis",
            text=None,
            doc="§5",
            children=(
                Node(
                    "AwardingBodies",
                    text=None,
                    attrs=(Attr("status", derived="bodies-status", values=STATUSES),),
                    doc="(a)",
                    children=(AWARDING_BODY,),
                ),
                Node(
                    "RecognitionAuthority",
                    text=None,
                    derived="authority",
                    doc="(b) France compétences and the registration's statement, fr and en",
                    children=(
                        Node("Name", text=None, derived="authority"),
                        Node("Address", text=None, derived="authority"),
                        Node("Status", text=None, occurs=(1, None), derived="authority"),
                    ),
                ),
                Node(
                    "Level",
                    text=None,
                    attrs=(
                        Attr("national", "level", values=tuple(v.value for v in Level)),
                        Attr("eqf", derived="eqf", values=tuple(str(n) for n in range(1, 9))),
                        Attr("status", derived="level-status", values=STATUSES),
                    ),
                    source="NOMENCLATURE_EUROPE",
                    doc="(c) national and EQF level; RS: not-applicable, with a note",
                    children=(
                        _opt("NationalLabel", "level_label", "NOMENCLATURE_EUROPE/LIBELLE"),
                        Node("Note", text=None, occurs=(0, None), derived="level-note"),
                    ),
                ),
                Node(
                    "GradingScale",
                    text=None,
                    derived="grading",
                    attrs=(Attr("status", derived="grading", values=STATUSES),),
                    doc="(d) the blocks' distinct assessment texts",
                    children=(
                        Node("AssessmentMethods", text=None, occurs=(0, None), derived="grading"),
                    ),
                ),
                _missing("AccessToNextLevel", "(e)"),
                _missing("InternationalAgreements", "(f)"),
                Node(
                    "LegalBasis",
                    text=None,
                    attrs=(
                        Attr(
                            "registrationType",
                            "registration_type",
                            values=tuple(t.value for t in RegistrationType),
                        ),
                        Attr("active", "active", kind="bool"),
                    ),
                    doc="(g)",
                    children=(
                        _opt("DecisionDate", "decision_date", "DATE_DECISION", kind="date"),
                        _opt("EffectiveDate", "effective_date", "DATE_EFFET", kind="date"),
                        _opt(
                            "RegistrationYears",
                            "registration_years",
                            "DUREE_ENREGISTREMENT",
                            kind="int",
                        ),
                        _opt(
                            "RegistrationEnd",
                            "registration_end",
                            "DATE_FIN_ENREGISTREMENT",
                            kind="date",
                        ),
                        _opt(
                            "IssuanceDeadline",
                            "issuance_deadline",
                            "DATE_LIMITE_DELIVRANCE",
                            kind="date",
                        ),
                        _opt(
                            "LastJournalDate", "last_journal_date", "DATE_DERNIER_JO", kind="date"
                        ),
                        Node(
                            "Publication",
                            text=None,
                            occurs=(0, None),
                            custom="publications",
                            attrs=(
                                Attr(
                                    "kind",
                                    required=True,
                                    derived="kind",
                                    values=("general", "creation", "other"),
                                ),
                                Attr("date", derived="date"),
                            ),
                            source="PUBLICATION_DECRET_GENERAL|CREATION|AUTRE/PUBLICATION_JO",
                        ),
                        Node("State", text=None, occurs=(0, None), derived="state", source="ACTIF"),
                    ),
                ),
            ),
        ),
        Node(
            "WaysOfAcquiring",
            text=None,
            doc="§6",
            children=(
                Node(
                    "Route",
                    text=None,
                    occurs=(6, 6),
                    custom="routes",
                    attrs=(
                        Attr(
                            "code",
                            derived="code",
                            required=True,
                            values=tuple(c.value for c in AccessRouteCode),
                        ),
                        Attr("open", derived="open", kind="bool"),
                    ),
                    source="SI_JURY_FI|CA|FC|CQ|CL|VAE",
                    children=(
                        Node("Label", text=None, occurs=(2, 2), derived="route-label"),
                        _opt("Jury", "jury", "COMPOSITION"),
                        _opt("ChangedOn", "changed_on", "DATE_DERNIERE_MODIFICATION", kind="date"),
                    ),
                ),
                _missing("Duration", "total duration"),
                _status("EntryRequirements", "entry_prerequisites", "PREREQUIS_ENTREE_FORMATION"),
                Node(
                    "AcquisitionByBlocks",
                    text=None,
                    custom="by-blocks",
                    attrs=(
                        Attr("blocks", derived="by-blocks", required=True),
                        Attr("status", derived="by-blocks", values=STATUSES),
                    ),
                    children=(
                        _opt(
                            "Description",
                            "certification_prerequisites",
                            "PREREQUIS_VALIDATION_CERTIFICATION",
                        ),
                        Node(
                            "PartialValidation",
                            "partial_validation_scope",
                            occurs=(0, 1),
                            attrs=(Attr("allowed", "partial_validation", "bool", required=True),),
                            source="VALIDATION_PARTIELLE, VALIDATION_PARTIELLE_PERIMETRE",
                        ),
                    ),
                ),
            ),
        ),
        Node(
            "AdditionalInformation",
            text=None,
            doc="§7",
            children=(
                Node("FicheLink", text=None, derived="fiche-link", doc="the public fiche page"),
                _opt("DescriptionLink", "description_url", "LIEN_URL_DESCRIPTION"),
                Node(
                    "Successor", "successors", occurs=(0, None), source="NOUVELLES_CERTIFICATIONS"
                ),
                Node(
                    "Predecessor",
                    "predecessors",
                    occurs=(0, None),
                    source="ANCIENNES_CERTIFICATIONS",
                ),
                _code_label("Nsf", "nsf", "CODES_NSF/NSF"),
                _code_label("Formacode", "formacodes", "FORMACODES/FORMACODE"),
                Node("MoreInformation", text=None, derived="more-information"),
                Node("NationalEuropassCentre", text=None, derived="europass-centre"),
            ),
        ),
    ),
)
"""The whole document, in XSD order."""


def walk(node: Node = SUPPLEMENT, path: str = "") -> Iterator[tuple[str, Node]]:
    """Every node with its path (``OfficialBasis/LegalBasis/DecisionDate``), in order."""
    here = f"{path}/{node.tag}" if path else node.tag
    yield here, node
    for child in node.children:
        yield from walk(child, here)


def mapping_markdown() -> str:
    """The mapping table of ``docs/supplement.md``: element path, cardinality, fiche field
    and France Compétences element, generated from :data:`SUPPLEMENT`."""
    rows = [
        "| Element | Occurs | Model field | France Compétences | Notes |",
        "|---|---|---|---|---|",
    ]
    for path, node in walk():
        low, high = node.occurs
        occurs = f"{low}..{'n' if high is None else high}"
        field = f"`{node.field}`" if node.field else ""
        attrs = [
            f"@{a.name}" + (f" = `{a.field}`" if a.field else " (derived)") for a in node.attrs
        ]
        notes = "; ".join(
            part
            for part in (
                node.doc,
                "derived by the writer, skipped by the reader" if node.derived else "",
                "status when empty" if node.status else "",
                ", ".join(attrs),
            )
            if part
        )
        source = f"`{node.source}`" if node.source else ""
        rows.append(f"| `{path}` | {occurs} | {field} | {source} | {notes} |")
    return "\n".join(rows) + "\n"
