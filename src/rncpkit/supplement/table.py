"""The supplement's XML mapping, declared once with :mod:`rncpkit.formats.xmltable`'s node
kinds: every element of the document, in order, with the model field it carries, its
cardinality and its attributes.

The ``supplement-xml`` writer and reader walk this tree through xmltable's generic walks
(:mod:`rncpkit.formats.supplement_xml`); a test checks that
``schemas/certificate-supplement.xsd`` has the same element names, order, cardinalities and
enumerations; ``docs/supplement.md``'s mapping table is generated from it. Adding a fiche
field to the supplement is one line here (and the XSD, which the test then asks for).

What the writer works out rather than copies (France compétences' statement, the
translated title, the registration's state…) is a :class:`~rncpkit.formats.xmltable.Derived`
node or a derived attribute: it sees the whole fiche and the options through the walk's
:class:`~rncpkit.formats.xmltable.Context`, and the reader skips it. The three irregular
elements (the six routes, the Journal officiel texts, acquisition by blocks) are
``Derived`` nodes that also read themselves back. A slot the fiche leaves empty is written
with ``status="…"`` saying why (:func:`~rncpkit.supplement.content.absence`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from lxml import etree

from rncpkit.formats.xmltable import (
    Absence,
    Attribute,
    Codec,
    Context,
    Derived,
    Group,
    Leaf,
    Node,
    Repeated,
    Text,
    attribute_values,
    read_group,
    write_children,
)
from rncpkit.model import AccessRouteCode, Certification, CertifierState, Level, RegistrationType
from rncpkit.supplement import registration
from rncpkit.supplement.content import (
    EUROPASS_CENTRE,
    EUROPASS_CENTRE_URL,
    FRANCE_COMPETENCES,
    FRANCE_COMPETENCES_ADDRESS,
    MORE_INFO_URL,
    NOT_APPLICABLE,
    NOT_IN_REGISTER,
    NOT_IN_RNCP,
    NOT_PROVIDED,
    absence,
    assessment_summary,
)
from rncpkit.xmlwrite import XmlWriter

__all__ = [
    "SUPPLEMENT",
    "Options",
    "attributes_of",
    "elements_of",
    "is_derived",
    "mapping_markdown",
    "walk",
]

STATUSES: Final = (NOT_IN_REGISTER, NOT_PROVIDED, NOT_APPLICABLE, NOT_IN_RNCP)

# How the supplement spells scalars (read back as text: the model parses them).
DATE: Final = Codec("date", str, lambda day: day.isoformat())
INT: Final = Codec("int", str, str)
BOOL: Final = Codec("bool", lambda text: text in ("true", "1"), lambda v: "true" if v else "false")


class Options:
    """What the walk's context carries besides the fiche: the title's translation."""

    __slots__ = ("translated_title",)

    def __init__(self, translated_title: str | None) -> None:
        self.translated_title = translated_title


def _fiche(context: Context) -> Certification:
    fiche: Certification = context.root
    return fiche


def _leaf(w: XmlWriter, tag: str, text: str | None = None, **attrib: str) -> None:
    w.leaf(tag, text, attrib or None)


# --------------------------------------------------------------------------- node helpers

_STATUS: Final = Absence("status", lambda node, _obj, ctx: absence(_fiche(ctx), str(node.key)))
"""An empty slot says why: not applicable to an RS fiche, or not provided."""


def _derive(name: str, value: Any, values: tuple[str, ...] = ()) -> Attribute:
    """An attribute the writer works out: ``value(context)``."""
    return Attribute(name, None, derive=lambda _obj, ctx: value(ctx), values=values)


def _written(name: str, values: tuple[str, ...] = ()) -> Attribute:
    """An attribute its element's own ``write`` function writes (declared for the schema
    comparison and the docs)."""
    return Attribute(name, None, values=values)


_LANG_FR: Final = _derive("lang", lambda _ctx: "fr")


def _text(tag: str, key: str, source: str, **kw: Any) -> Leaf:
    return Leaf(tag, key, occurs=(1, 1), source=source, **kw)


def _opt(tag: str, key: str, source: str, **kw: Any) -> Leaf:
    return Leaf(tag, key, source=source, **kw)


def _status(tag: str, key: str, source: str) -> Leaf:
    return Leaf(tag, key, occurs=(1, 1), absence=_STATUS, source=source)


def _code_label(tag: str, key: str, source: str) -> Repeated:
    return Repeated(
        tag, key, children=(Attribute("code", "code"), Text("", "label")), source=source
    )


def _plain(tag: str, key: str, source: str) -> Repeated:
    """Repeated plain strings (fiche numbers)."""
    return Repeated(tag, key, children=(Text("", "text"),), scalar="text", source=source)


def _derived(
    tag: str, write: Any = None, occurs: tuple[int, int | None] = (1, 1), **kw: Any
) -> Derived:
    """A slot the writer works out (``write`` None: one its parent's ``write`` writes)."""
    if write is not None:
        kw["write"] = write
    return Derived(tag, None, occurs=occurs, **kw)


def _section(tag: str, *children: Node, note: str = "", **kw: Any) -> Group:
    """A container of the fiche's fields, always written."""
    return Group(tag, None, children=children, occurs=(1, 1), note=note, **kw)


# --------------------------------------------------------------------------- derived slots


def _not_in_register(w: XmlWriter, node: Derived, _obj: Any, _ctx: Context) -> None:
    _leaf(w, node.tag, status=NOT_IN_REGISTER)


def _missing(tag: str, note: str) -> Derived:
    """A template slot the register never fills."""
    return _derived(tag, _not_in_register, note=note)


def _translated_title(w: XmlWriter, node: Derived, _obj: Any, ctx: Context) -> None:
    title = ctx.options.translated_title if ctx.options is not None else None
    if title:
        _leaf(w, node.tag, title, lang="en", legalStatus="none")
    else:
        _leaf(w, node.tag, status=NOT_IN_REGISTER)


def _authority(w: XmlWriter, node: Derived, _obj: Any, ctx: Context) -> None:
    name, address, status = (child.tag for child in node.children)
    w.start(node.tag)
    _leaf(w, name, FRANCE_COMPETENCES)
    _leaf(w, address, FRANCE_COMPETENCES_ADDRESS)
    for lang in registration.LANGUAGES:
        _leaf(w, status, registration.statement(_fiche(ctx), lang), lang=lang)
    w.end()


def _level_note(w: XmlWriter, node: Derived, _obj: Any, ctx: Context) -> None:
    for lang in registration.LANGUAGES:
        text = registration.level_absence(_fiche(ctx), lang)
        if text is not None:
            _leaf(w, node.tag, text, lang=lang)


def _grading(w: XmlWriter, node: Derived, _obj: Any, ctx: Context) -> None:
    methods = assessment_summary(_fiche(ctx))
    if not methods:
        _leaf(w, node.tag, status=absence(_fiche(ctx), "blocks"))
        return
    (item,) = node.children[1:]
    w.start(node.tag)
    for text in methods:
        _leaf(w, item.tag, text)
    w.end()


def _state(w: XmlWriter, node: Derived, _obj: Any, ctx: Context) -> None:
    for lang in registration.LANGUAGES:
        text = registration.state(_fiche(ctx), lang)
        if text is not None:
            _leaf(w, node.tag, text, lang=lang)


def _fixed(text: str | None = None, **attrib: str) -> Any:
    def write(w: XmlWriter, node: Derived, _obj: Any, _ctx: Context) -> None:
        _leaf(w, node.tag, text, **attrib)

    return write


def _fiche_link(w: XmlWriter, node: Derived, _obj: Any, ctx: Context) -> None:
    _leaf(w, node.tag, _fiche(ctx).page_url)


# --------------------------------------------------------------------------- irregular slots

_PUBLICATIONS: Final = (
    ("general", "general_decree"),
    ("creation", "creation_decree"),
    ("other", "other_decree"),
)


def _write_publications(w: XmlWriter, node: Derived, _obj: Any, ctx: Context) -> None:
    for kind, field in _PUBLICATIONS:
        for publication in getattr(_fiche(ctx), field):
            attrib = {"kind": kind}
            if publication.published_on:
                attrib["date"] = publication.published_on.isoformat()
            _leaf(w, node.tag, publication.title, **attrib)


def _read_publication(element: etree._Element, _node: Derived, values: dict[str, Any]) -> None:
    field = dict(_PUBLICATIONS).get(element.get("kind") or "")
    if field is not None:
        item = {"title": element.text or "", "published_on": element.get("date")}
        values.setdefault(field, []).append(item)


_FIELDS: dict[int, Group] = {}


def _fields(node: Derived) -> Group:
    """The part of an irregular node the generic walks can take: its keyed leaves."""
    group = _FIELDS.get(id(node))
    if group is None:
        leaves = tuple(c for c in node.children if isinstance(c, Leaf) and c.key is not None)
        group = _FIELDS[id(node)] = Group(node.tag, None, children=leaves)
    return group


def _write_routes(w: XmlWriter, node: Derived, _obj: Any, ctx: Context) -> None:
    label = next(c for c in node.children if isinstance(c, Derived)).tag
    for code in AccessRouteCode:
        route = _fiche(ctx).access_routes.get(code)
        attrib = {"code": code.value}
        if route is not None:
            attrib["open"] = "true" if route.open else "false"
        w.start(node.tag, attrib)
        _leaf(w, label, code.label_fr, lang="fr")
        _leaf(w, label, code.label_en, lang="en")
        if route is not None:
            write_children(w, _fields(node), route, ctx)
        w.end()


def _read_route(element: etree._Element, node: Derived, values: dict[str, Any]) -> None:
    flag = element.get("open")
    if flag is None:
        return  # the fiche does not state this route
    route: dict[str, Any] = {"open": flag in ("true", "1")}
    read_group(element, _fields(node), route, [])
    values.setdefault("access_routes", {})[element.get("code") or ""] = route


def _write_by_blocks(w: XmlWriter, node: Derived, obj: Any, ctx: Context) -> None:
    c = _fiche(ctx)
    attributes = [c for c in node.children if isinstance(c, Attribute)]
    w.start(node.tag, attribute_values(tuple(attributes), obj, ctx))
    description, partial = (c for c in node.children if isinstance(c, Leaf))
    if c.certification_prerequisites is not None:
        _leaf(w, description.tag, c.certification_prerequisites)
    if c.partial_validation is not None:
        allowed = "true" if c.partial_validation else "false"
        _leaf(w, partial.tag, c.partial_validation_scope, allowed=allowed)
    w.end()


def _read_by_blocks(element: etree._Element, node: Derived, values: dict[str, Any]) -> None:
    description, partial = (c for c in node.children if isinstance(c, Leaf))
    found = element.find(description.tag)
    if found is not None:
        values["certification_prerequisites"] = found.text or ""
    found = element.find(partial.tag)
    if found is not None:
        values["partial_validation"] = found.get("allowed") in ("true", "1")
        values["partial_validation_scope"] = found.text


def _by_blocks_status(ctx: Context) -> str | None:
    c = _fiche(ctx)
    if c.certification_prerequisites is None and c.partial_validation is None:
        return NOT_PROVIDED
    return None


# --------------------------------------------------------------------------- the table

BLOCK: Final = Repeated(
    "CompetenceBlock",
    "blocks",
    source="BLOCS_COMPETENCES/BLOC_COMPETENCES",
    children=(
        Attribute("code", "code"),
        _text("Label", "label", "LIBELLE"),
        _status("Competences", "competences", "LISTE_COMPETENCES"),
        _status("AssessmentMethods", "assessment_methods", "MODALITES_EVALUATION"),
        _opt("EntryPrerequisites", "entry_prerequisites", "PREREQUIS_ENTREE_FORMATION_BLOC"),
        _opt("ValidationPrerequisites", "validation_prerequisites", "PREREQUIS_VALIDATION_BLOC"),
    ),
)

AWARDING_BODY: Final = Repeated(
    "AwardingBody",
    "certifiers",
    source="CERTIFICATEURS/CERTIFICATEUR",
    children=(
        Attribute("siret", "siret"),
        Attribute("state", "state", values=tuple(s.value for s in CertifierState)),
        _text("Name", "name", "NOM_CERTIFICATEUR"),
        _opt("TradeName", "trade_name", "NOM_COMMERCIAL"),
        _opt("Website", "website", "SITE_INTERNET"),
    ),
)

SUPPLEMENT: Final = Group(
    "CertificateSupplement",
    None,
    occurs=(1, 1),
    source="FICHE",
    note="One fiche's supplement (several: inside CertificateSupplements).",
    children=(
        Attribute("fiche", "number"),
        _derive("register", lambda ctx: _fiche(ctx).repertoire.value, ("RNCP", "RS")),
        _derive("country", lambda _ctx: "FR"),
        _LANG_FR,
        _text("Title", "title", "INTITULE", attributes=(_LANG_FR,)),
        Group(
            "Abbreviation",
            "abbreviation",
            children=(Attribute("code", "code"), Text("", "label")),
            source="ABREGE",
            note="§1 kind of title (CODE, LIBELLE)",
        ),
        _derived("TranslatedTitle", _translated_title, note="§2, from -O options"),
        _section(
            "SkillsProfile",
            _opt("Activities", "activities", "ACTIVITES_VISEES"),
            _opt("AttestedSkills", "attested_skills", "CAPACITES_ATTESTEES"),
            BLOCK,
            note="§3",
        ),
        _section(
            "RangeOfOccupations",
            _status("JobTypes", "job_types", "TYPE_EMPLOI_ACCESSIBLES"),
            _status("Sectors", "sectors", "SECTEURS_ACTIVITE"),
            _code_label("RomeOccupation", "rome", "CODES_ROME/ROME"),
            _opt("ActivityRegulations", "activity_regulations", "REGLEMENTATIONS_ACTIVITES"),
            note="§4",
        ),
        _section(
            "OfficialBasis",
            _section(
                "AwardingBodies",
                _derive(
                    "status",
                    lambda ctx: None if _fiche(ctx).certifiers else NOT_PROVIDED,
                    STATUSES,
                ),
                AWARDING_BODY,
                note="(a)",
            ),
            _derived(
                "RecognitionAuthority",
                _authority,
                note="(b) France compétences and the registration's statement, fr and en",
                children=(
                    _derived("Name"),
                    _derived("Address"),
                    _derived("Status", occurs=(1, None)),
                ),
            ),
            _section(
                "Level",
                Attribute("national", "level", values=tuple(v.value for v in Level)),
                _derive(
                    "eqf",
                    lambda ctx: (
                        str(_fiche(ctx).eqf_level)
                        if _fiche(ctx).level is not None and _fiche(ctx).eqf_level is not None
                        else None
                    ),
                    tuple(str(n) for n in range(1, 9)),
                ),
                _derive(
                    "status",
                    lambda ctx: (
                        absence(_fiche(ctx), "level") if _fiche(ctx).level is None else None
                    ),
                    STATUSES,
                ),
                _opt("NationalLabel", "level_label", "NOMENCLATURE_EUROPE/LIBELLE"),
                _derived("Note", _level_note, occurs=(0, None)),
                source="NOMENCLATURE_EUROPE",
                note="(c) national and EQF level; RS: not-applicable, with a note",
            ),
            _derived(
                "GradingScale",
                _grading,
                note="(d) the blocks' distinct assessment texts",
                children=(
                    _written("status", STATUSES),
                    _derived("AssessmentMethods", occurs=(0, None)),
                ),
            ),
            _missing("AccessToNextLevel", "(e)"),
            _missing("InternationalAgreements", "(f)"),
            _section(
                "LegalBasis",
                Attribute(
                    "registrationType",
                    "registration_type",
                    values=tuple(t.value for t in RegistrationType),
                ),
                Attribute("active", "active", BOOL),
                _opt("DecisionDate", "decision_date", "DATE_DECISION", codec=DATE),
                _opt("EffectiveDate", "effective_date", "DATE_EFFET", codec=DATE),
                _opt("RegistrationYears", "registration_years", "DUREE_ENREGISTREMENT", codec=INT),
                _opt("RegistrationEnd", "registration_end", "DATE_FIN_ENREGISTREMENT", codec=DATE),
                _opt("IssuanceDeadline", "issuance_deadline", "DATE_LIMITE_DELIVRANCE", codec=DATE),
                _opt("LastJournalDate", "last_journal_date", "DATE_DERNIER_JO", codec=DATE),
                Derived(
                    "Publication",
                    None,
                    write=_write_publications,
                    read=_read_publication,
                    occurs=(0, None),
                    children=(
                        _written("kind", ("general", "creation", "other")),
                        _written("date"),
                    ),
                    source="PUBLICATION_DECRET_GENERAL|CREATION|AUTRE/PUBLICATION_JO",
                ),
                _derived("State", _state, occurs=(0, None), source="ACTIF"),
                note="(g)",
            ),
            note="§5",
        ),
        _section(
            "WaysOfAcquiring",
            Derived(
                "Route",
                None,
                write=_write_routes,
                read=_read_route,
                occurs=(6, 6),
                children=(
                    _written("code", tuple(c.value for c in AccessRouteCode)),
                    _written("open"),
                    _derived("Label", occurs=(2, 2)),
                    _opt("Jury", "jury", "COMPOSITION"),
                    _opt("ChangedOn", "changed_on", "DATE_DERNIERE_MODIFICATION", codec=DATE),
                ),
                source="SI_JURY_FI|CA|FC|CQ|CL|VAE",
            ),
            _missing("Duration", "total duration"),
            _status("EntryRequirements", "entry_prerequisites", "PREREQUIS_ENTREE_FORMATION"),
            Derived(
                "AcquisitionByBlocks",
                None,
                write=_write_by_blocks,
                read=_read_by_blocks,
                occurs=(1, 1),
                children=(
                    _derive("blocks", lambda ctx: str(len(_fiche(ctx).blocks))),
                    _derive("status", _by_blocks_status, STATUSES),
                    _opt(
                        "Description",
                        "certification_prerequisites",
                        "PREREQUIS_VALIDATION_CERTIFICATION",
                    ),
                    _opt(
                        "PartialValidation",
                        "partial_validation_scope",
                        "VALIDATION_PARTIELLE, VALIDATION_PARTIELLE_PERIMETRE",
                        attributes=(Attribute("allowed", "partial_validation", BOOL),),
                    ),
                ),
            ),
            note="§6",
        ),
        _section(
            "AdditionalInformation",
            _derived("FicheLink", _fiche_link, note="the public fiche page"),
            _opt("DescriptionLink", "description_url", "LIEN_URL_DESCRIPTION"),
            _plain("Successor", "successors", "NOUVELLES_CERTIFICATIONS"),
            _plain("Predecessor", "predecessors", "ANCIENNES_CERTIFICATIONS"),
            _code_label("Nsf", "nsf", "CODES_NSF/NSF"),
            _code_label("Formacode", "formacodes", "FORMACODES/FORMACODE"),
            _derived("MoreInformation", _fixed(href=MORE_INFO_URL)),
            _derived("NationalEuropassCentre", _fixed(EUROPASS_CENTRE, href=EUROPASS_CENTRE_URL)),
            note="§7",
        ),
    ),
)
"""The whole document, in XSD order."""


# --------------------------------------------------------------------------- walking it


def attributes_of(node: Node) -> tuple[Attribute, ...]:
    """The attributes declared on an element node."""
    if isinstance(node, Leaf):
        return node.attributes
    if isinstance(node, Group):
        return node.attributes
    return ()


def elements_of(node: Node) -> tuple[Node, ...]:
    """The child elements of a node, in order (attributes and text left out)."""
    if not isinstance(node, Group):
        return ()
    return tuple(c for c in node.children if not isinstance(c, Attribute | Text))


def is_derived(node: Node) -> bool:
    """Worked out by the writer and skipped by the reader."""
    return isinstance(node, Derived) and node.read is None


def walk(node: Node = SUPPLEMENT, path: str = "") -> Iterator[tuple[str, Node]]:
    """Every element node with its path (``OfficialBasis/LegalBasis/DecisionDate``)."""
    here = f"{path}/{node.tag}" if path else node.tag
    yield here, node
    for child in elements_of(node):
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
        field = f"`{node.key}`" if node.key else ""
        attrs = [
            f"@{a.tag}" + (f" = `{a.key}`" if a.key else " (derived)") for a in attributes_of(node)
        ]
        notes = "; ".join(
            part
            for part in (
                node.note,
                "derived by the writer, skipped by the reader" if is_derived(node) else "",
                "status when empty" if isinstance(node, Leaf) and node.absence else "",
                ", ".join(attrs),
            )
            if part
        )
        source = f"`{node.source}`" if node.source else ""
        rows.append(f"| `{path}` | {occurs} | {field} | {source} | {notes} |")
    return "\n".join(rows) + "\n"
