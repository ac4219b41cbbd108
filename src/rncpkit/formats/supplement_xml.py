"""The Europass Certificate Supplement as XML, in the project's own namespace and XSD.

No official schema exists for the supplement, so ``schemas/certificate-supplement.xsd``
defines one element per section and sub-field of the 2004 template. One fiche gives a
``CertificateSupplement`` document; several, a ``CertificateSupplements`` wrapper (decided
at the second fiche, as the JSON writer does). Reading gives back every fiche field the
supplement carries; the derived slots (authority, grading summary, fixed links) are skipped.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree
from pydantic import ValidationError

from rncpkit import xmlsafe
from rncpkit.errors import FicheError, InputError, OutputError
from rncpkit.formats.base import Format, ReadResult, Record, WriteOptions
from rncpkit.io import InputFile, single_member
from rncpkit.model import AccessRouteCode, Certification, JournalPublication
from rncpkit.supplement import labels
from rncpkit.supplement.content import (
    EUROPASS_CENTRE,
    EUROPASS_CENTRE_URL,
    FRANCE_COMPETENCES,
    FRANCE_COMPETENCES_ADDRESS,
    MORE_INFO_URL,
    NAMESPACE,
    NOT_IN_RNCP,
    NOT_PROVIDED,
    SupplementOptions,
    Translations,
    assessment_summary,
    schema_path,
)

_NS = f"{{{NAMESPACE}}}"
_ROOT = f"{_NS}CertificateSupplement"
_COLLECTION = f"{_NS}CertificateSupplements"
_PUBLICATIONS = (
    ("general", "general_decree"),
    ("creation", "creation_decree"),
    ("other", "other_decree"),
)
_INDENT = "  "


@functools.cache
def schema() -> etree.XMLSchema:
    """The project XSD, parsed once with the hardened parser."""
    return etree.XMLSchema(xmlsafe.parse_file(str(schema_path())))


# --------------------------------------------------------------------------- writing


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, **attrib: str
) -> etree._Element:
    element = etree.SubElement(parent, _NS + tag, attrib)
    if text is not None:
        element.text = text
    return element


def _optional(parent: etree._Element, tag: str, text: str | None, missing: str) -> None:
    """A slot that holds the text, or says why it is empty."""
    if text is not None and text.strip():
        _sub(parent, tag, text)
    else:
        _sub(parent, tag, status=missing)


def _maybe(parent: etree._Element, tag: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, dt.date):
        value = value.isoformat()
    _sub(parent, tag, str(value))


def supplement_element(
    certification: Certification, translated_title: str | None = None
) -> etree._Element:
    """The ``CertificateSupplement`` element of one fiche (valid against the project XSD)."""
    c = certification
    root = etree.Element(
        _ROOT,
        {"fiche": c.number, "register": c.repertoire.value, "country": "FR", "lang": "fr"},
        nsmap={None: NAMESPACE},
    )
    # §1, §2
    _sub(root, "Title", c.title, lang="fr")
    if c.abbreviation is not None:
        _sub(root, "Abbreviation", c.abbreviation.label or "", code=c.abbreviation.code)
    if translated_title:
        _sub(root, "TranslatedTitle", translated_title, lang="en", legalStatus="none")
    else:
        _sub(root, "TranslatedTitle", status=NOT_IN_RNCP)
    # §3
    profile = _sub(root, "SkillsProfile")
    _maybe(profile, "Activities", c.activities)
    _maybe(profile, "AttestedSkills", c.attested_skills)
    for block in c.blocks:
        element = _sub(profile, "CompetenceBlock", code=block.code)
        _sub(element, "Label", block.label)
        _optional(element, "Competences", block.competences, NOT_PROVIDED)
        _optional(element, "AssessmentMethods", block.assessment_methods, NOT_PROVIDED)
        _maybe(element, "EntryPrerequisites", block.entry_prerequisites)
        _maybe(element, "ValidationPrerequisites", block.validation_prerequisites)
    # §4
    occupations = _sub(root, "RangeOfOccupations")
    _optional(occupations, "JobTypes", c.job_types, NOT_PROVIDED)
    _optional(occupations, "Sectors", c.sectors, NOT_PROVIDED)
    for rome in c.rome:
        _sub(occupations, "RomeOccupation", rome.label or "", code=rome.code)
    _maybe(occupations, "ActivityRegulations", c.activity_regulations)
    # §5
    basis = _sub(root, "OfficialBasis")
    bodies = _sub(basis, "AwardingBodies")
    if not c.certifiers:
        bodies.set("status", NOT_PROVIDED)
    for certifier in c.certifiers:
        attrib = {}
        if certifier.siret:
            attrib["siret"] = certifier.siret
        if certifier.state:
            attrib["state"] = certifier.state.value
        body = _sub(bodies, "AwardingBody", **attrib)
        _sub(body, "Name", certifier.name)
        _maybe(body, "TradeName", certifier.trade_name)
        _maybe(body, "Website", certifier.website)
    authority = _sub(basis, "RecognitionAuthority")
    _sub(authority, "Name", FRANCE_COMPETENCES)
    _sub(authority, "Address", FRANCE_COMPETENCES_ADDRESS)
    registration = c.registration_type.value if c.registration_type else None
    for lang in labels.LANGUAGES:
        _sub(authority, "Status", labels.authority_status(registration, lang), lang=lang)
    level = _sub(basis, "Level")
    if c.level is not None:
        level.set("national", c.level.value)
        if c.eqf_level is not None:
            level.set("eqf", str(c.eqf_level))
    else:
        level.set("status", NOT_PROVIDED)
    _maybe(level, "NationalLabel", c.level_label)
    grading = _sub(basis, "GradingScale")
    methods = assessment_summary(c)
    if not methods:
        grading.set("status", NOT_PROVIDED)
    for text in methods:
        _sub(grading, "AssessmentMethods", text)
    _sub(basis, "AccessToNextLevel", status=NOT_IN_RNCP)
    _sub(basis, "InternationalAgreements", status=NOT_IN_RNCP)
    legal = _sub(basis, "LegalBasis")
    if registration:
        legal.set("registrationType", registration)
    _maybe(legal, "DecisionDate", c.decision_date)
    _maybe(legal, "EffectiveDate", c.effective_date)
    _maybe(legal, "RegistrationYears", c.registration_years)
    _maybe(legal, "RegistrationEnd", c.registration_end)
    _maybe(legal, "IssuanceDeadline", c.issuance_deadline)
    _maybe(legal, "LastJournalDate", c.last_journal_date)
    for kind, field in _PUBLICATIONS:
        for publication in getattr(c, field):
            attrib = {"kind": kind}
            if publication.published_on:
                attrib["date"] = publication.published_on.isoformat()
            _sub(legal, "Publication", publication.title, **attrib)
    # §6
    ways = _sub(root, "WaysOfAcquiring")
    for code in AccessRouteCode:
        route = c.access_routes.get(code)
        element = _sub(ways, "Route", code=code.value)
        if route is not None:
            element.set("open", "true" if route.open else "false")
        _sub(element, "Label", code.label_fr, lang="fr")
        _sub(element, "Label", code.label_en, lang="en")
        if route is not None:
            _maybe(element, "Jury", route.jury)
            _maybe(element, "ChangedOn", route.changed_on)
    _sub(ways, "Duration", status=NOT_IN_RNCP)
    _optional(ways, "EntryRequirements", c.entry_prerequisites, NOT_PROVIDED)
    by_blocks = _sub(ways, "AcquisitionByBlocks", blocks=str(len(c.blocks)))
    _maybe(by_blocks, "Description", c.certification_prerequisites)
    if c.partial_validation is not None:
        _sub(
            by_blocks,
            "PartialValidation",
            c.partial_validation_scope,
            allowed="true" if c.partial_validation else "false",
        )
    if c.certification_prerequisites is None and c.partial_validation is None:
        by_blocks.set("status", NOT_PROVIDED)
    # §7
    more = _sub(root, "AdditionalInformation")
    _sub(more, "FicheLink", c.page_url)
    _maybe(more, "DescriptionLink", c.description_url)
    for number in c.successors:
        _sub(more, "Successor", number)
    for number in c.predecessors:
        _sub(more, "Predecessor", number)
    for nsf in c.nsf:
        _sub(more, "Nsf", nsf.label or "", code=nsf.code)
    for formacode in c.formacodes:
        _sub(more, "Formacode", formacode.label or "", code=formacode.code)
    _sub(more, "MoreInformation", href=MORE_INFO_URL)
    _sub(more, "NationalEuropassCentre", EUROPASS_CENTRE, href=EUROPASS_CENTRE_URL)
    return root


def _serialise(element: etree._Element, level: int) -> bytes:
    etree.indent(element, space=_INDENT, level=level)
    return etree.tostring(element, encoding="UTF-8")


class SupplementXmlWriter:
    """Streams supplements: one document per fiche, or a wrapper around several."""

    def __init__(self, stream: IO[bytes], options: WriteOptions) -> None:
        self._stream = stream
        self._translations = Translations.from_options(options)
        self._first: etree._Element | None = None
        self._count = 0

    def _element(self, certification: Certification) -> etree._Element:
        try:
            return supplement_element(certification, self._translations.title(certification))
        except ValueError as exc:  # lxml refuses characters XML cannot carry
            raise OutputError(
                f"cannot be written as XML: {exc}", fiche=certification.number
            ) from None

    def write(self, certification: Certification) -> None:
        element = self._element(certification)
        self._count += 1
        if self._count == 1:
            self._first = element
            return
        if self._count == 2:
            assert self._first is not None
            self._stream.write(
                b'<?xml version="1.0" encoding="UTF-8"?>\n'
                + f'<CertificateSupplements xmlns="{NAMESPACE}">\n'.encode()
            )
            self._write_member(self._first)
            self._first = None
        self._write_member(element)

    def _write_member(self, element: etree._Element) -> None:
        self._stream.write(_INDENT.encode() + _serialise(element, 1) + b"\n")

    def close(self) -> None:
        header = b'<?xml version="1.0" encoding="UTF-8"?>\n'
        if self._count == 0:
            self._stream.write(header + f'<CertificateSupplements xmlns="{NAMESPACE}"/>\n'.encode())
        elif self._count == 1:
            assert self._first is not None
            self._stream.write(header + _serialise(self._first, 0) + b"\n")
        else:
            self._stream.write(b"</CertificateSupplements>\n")


def to_bytes(certification: Certification, translated_title: str | None = None) -> bytes:
    """One fiche's supplement as a standalone XML document."""
    element = supplement_element(certification, translated_title)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + _serialise(element, 0) + b"\n"


# --------------------------------------------------------------------------- reading


def _find(element: etree._Element, tag: str) -> etree._Element | None:
    return element.find(_NS + tag)


def _text(element: etree._Element | None) -> str | None:
    """Text of a slot; None when absent or marked with a status."""
    if element is None or element.get("status") is not None:
        return None
    return element.text or ""


def _child_text(parent: etree._Element | None, tag: str) -> str | None:
    return None if parent is None else _text(_find(parent, tag))


def _code_labels(parent: etree._Element | None, tag: str) -> list[dict[str, Any]]:
    if parent is None:
        return []
    return [
        {"code": item.get("code"), "label": item.text or None}
        for item in parent.iterfind(_NS + tag)
    ]


def _values(root: etree._Element) -> dict[str, Any]:
    """The model fields a supplement carries, as a dict for ``model_validate``."""
    profile = _find(root, "SkillsProfile")
    occupations = _find(root, "RangeOfOccupations")
    basis = _find(root, "OfficialBasis")
    ways = _find(root, "WaysOfAcquiring")
    more = _find(root, "AdditionalInformation")
    values: dict[str, Any] = {"number": root.get("fiche"), "title": _child_text(root, "Title")}
    abbreviation = _find(root, "Abbreviation")
    if abbreviation is not None:
        values["abbreviation"] = {"code": abbreviation.get("code"), "label": abbreviation.text}
    if profile is not None:
        values["activities"] = _child_text(profile, "Activities")
        values["attested_skills"] = _child_text(profile, "AttestedSkills")
        values["blocks"] = [
            {
                "code": block.get("code"),
                "label": _child_text(block, "Label") or "",
                "competences": _child_text(block, "Competences"),
                "assessment_methods": _child_text(block, "AssessmentMethods"),
                "entry_prerequisites": _child_text(block, "EntryPrerequisites"),
                "validation_prerequisites": _child_text(block, "ValidationPrerequisites"),
            }
            for block in profile.iterfind(_NS + "CompetenceBlock")
        ]
    if occupations is not None:
        values["job_types"] = _child_text(occupations, "JobTypes")
        values["sectors"] = _child_text(occupations, "Sectors")
        values["rome"] = _code_labels(occupations, "RomeOccupation")
        values["activity_regulations"] = _child_text(occupations, "ActivityRegulations")
    if basis is not None:
        _read_basis(basis, values)
    if ways is not None:
        _read_ways(ways, values)
    if more is not None:
        values["description_url"] = _child_text(more, "DescriptionLink")
        values["successors"] = [e.text for e in more.iterfind(_NS + "Successor")]
        values["predecessors"] = [e.text for e in more.iterfind(_NS + "Predecessor")]
        values["nsf"] = _code_labels(more, "Nsf")
        values["formacodes"] = _code_labels(more, "Formacode")
    return values


def _read_basis(basis: etree._Element, values: dict[str, Any]) -> None:
    bodies = _find(basis, "AwardingBodies")
    values["certifiers"] = [
        {
            "siret": body.get("siret"),
            "state": body.get("state"),
            "name": _child_text(body, "Name") or "",
            "trade_name": _child_text(body, "TradeName"),
            "website": _child_text(body, "Website"),
        }
        for body in ([] if bodies is None else bodies.iterfind(_NS + "AwardingBody"))
    ]
    level = _find(basis, "Level")
    if level is not None:
        values["level"] = level.get("national")
        values["level_label"] = _child_text(level, "NationalLabel")
    legal = _find(basis, "LegalBasis")
    if legal is None:
        return
    values["registration_type"] = legal.get("registrationType")
    for tag, key in (
        ("DecisionDate", "decision_date"),
        ("EffectiveDate", "effective_date"),
        ("RegistrationYears", "registration_years"),
        ("RegistrationEnd", "registration_end"),
        ("IssuanceDeadline", "issuance_deadline"),
        ("LastJournalDate", "last_journal_date"),
    ):
        values[key] = _child_text(legal, tag)
    publications: dict[str, list[JournalPublication | dict[str, Any]]] = {
        field: [] for _kind, field in _PUBLICATIONS
    }
    fields = dict(_PUBLICATIONS)
    for item in legal.iterfind(_NS + "Publication"):
        field = fields.get(item.get("kind") or "")
        if field is not None:
            publications[field].append({"title": item.text or "", "published_on": item.get("date")})
    values.update(publications)


def _read_ways(ways: etree._Element, values: dict[str, Any]) -> None:
    routes: dict[str, Any] = {}
    for route in ways.iterfind(_NS + "Route"):
        flag = route.get("open")
        if flag is None:
            continue
        routes[route.get("code") or ""] = {
            "open": flag in ("true", "1"),
            "jury": _child_text(route, "Jury"),
            "changed_on": _child_text(route, "ChangedOn"),
        }
    values["access_routes"] = routes
    values["entry_prerequisites"] = _child_text(ways, "EntryRequirements")
    by_blocks = _find(ways, "AcquisitionByBlocks")
    if by_blocks is not None:
        values["certification_prerequisites"] = _child_text(by_blocks, "Description")
        partial = _find(by_blocks, "PartialValidation")
        if partial is not None:
            values["partial_validation"] = partial.get("allowed") in ("true", "1")
            values["partial_validation_scope"] = partial.text


def read_supplement(element: etree._Element, name: str) -> Certification | FicheError:
    """Validate one ``CertificateSupplement`` against the XSD and map it to the model."""
    number = element.get("fiche")
    xsd = schema()
    if not xsd.validate(etree.ElementTree(element)):
        error = xsd.error_log.last_error
        message = error.message if error is not None else "schema validation failed"
        return FicheError(
            f"not a valid certificate supplement: {message}",
            file=name,
            line=element.sourceline,
            fiche=number,
        )
    try:
        return Certification.model_validate(_values(element))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        return FicheError(
            first["msg"],
            file=name,
            line=element.sourceline,
            fiche=number,
            field=".".join(str(part) for part in first["loc"]) or None,
        )


def read(opened: InputFile) -> Iterator[ReadResult]:
    """Stream the supplements of a file, one fiche at a time."""
    if opened.archive is not None:
        opened = single_member(opened, ".xml")
    name = opened.name
    seen_root = False
    try:
        for event, element in xmlsafe.iterparse(
            opened.stream, tag=(_ROOT, _COLLECTION), events=("start", "end"), name=name
        ):
            seen_root = True
            if event != "end" or element.tag != _ROOT:
                continue
            result = read_supplement(element, name)
            yield (
                Record(result, element.sourceline) if isinstance(result, Certification) else result
            )
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not well-formed XML: {exc.msg}", file=name, line=exc.lineno) from None
    if not seen_root:
        raise InputError(f"no CertificateSupplement element in namespace {NAMESPACE}", file=name)


def sniff(opened: InputFile) -> bool:
    """A document in the project's supplement namespace."""
    return opened.archive is None and NAMESPACE.encode() in opened.head[:4096]


FORMAT = Format(
    name="supplement-xml",
    description="Europass Certificate Supplement as XML (rncpkit namespace and XSD)",
    extensions=(".supplement.xml",),
    sniff=sniff,
    reader=read,
    writer=SupplementXmlWriter,
    options=SupplementOptions,
)
