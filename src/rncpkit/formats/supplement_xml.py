"""The Europass Certificate Supplement as XML, in the project's own namespace and XSD.

No official schema exists for the supplement, so ``schemas/certificate-supplement.xsd``
defines one element per section and sub-field of the 2004 template. One fiche gives a
``CertificateSupplement`` document; several, a ``CertificateSupplements`` wrapper (decided
at the second fiche, as the JSON writer does). Reading gives back every fiche field the
supplement carries; the derived slots (authority, grading summary, fixed links) are skipped.

Writer and reader walk one table, :data:`rncpkit.supplement.table.SUPPLEMENT` (which the
XSD is tested against); the writer writes through :class:`rncpkit.xmlwrite.XmlWriter`.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Iterator
from enum import Enum
from typing import IO, Any

from lxml import etree
from pydantic import ValidationError

from rncpkit import xmlsafe
from rncpkit.errors import FicheError, InputError, OutputError
from rncpkit.formats.base import Format, ReadResult, Record, WriteOptions
from rncpkit.io import InputFile, single_member
from rncpkit.model import AccessRouteCode, Certification
from rncpkit.supplement import registration
from rncpkit.supplement.content import (
    EUROPASS_CENTRE,
    EUROPASS_CENTRE_URL,
    FRANCE_COMPETENCES,
    FRANCE_COMPETENCES_ADDRESS,
    MORE_INFO_URL,
    NAMESPACE,
    NOT_IN_REGISTER,
    NOT_PROVIDED,
    SupplementOptions,
    Translations,
    absence,
    assessment_summary,
    schema_path,
)
from rncpkit.supplement.table import SELF, SUPPLEMENT, Node
from rncpkit.xmlwrite import XmlWriter

__all__ = [
    "FORMAT",
    "SupplementXmlWriter",
    "schema",
    "to_bytes",
]

_NS = f"{{{NAMESPACE}}}"
_ROOT = f"{_NS}CertificateSupplement"
_COLLECTION_TAG = "CertificateSupplements"
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


def _leaf(w: XmlWriter, tag: str, text: str | None = None, **attrib: str) -> None:
    w.leaf(tag, text, attrib or None)


def _string(value: Any) -> str:
    """A field's value as XML text: enums by value, dates in ISO form, booleans as XSD's."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _boolean(raw: str | None) -> bool:
    """An ``xs:boolean`` attribute read back (``true``/``1``; anything else is false)."""
    return raw in ("true", "1")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Context:
    """What derived slots need besides the current object: the fiche, the translation."""

    def __init__(self, certification: Certification, translated_title: str | None) -> None:
        self.c = certification
        self.translated_title = translated_title


def _derived_attr(name: str, attr: str, ctx: _Context) -> str | None:
    c = ctx.c
    if name == "register":
        return c.repertoire.value
    if name == "country":
        return "FR"
    if name == "lang":
        return "fr"
    if name == "bodies-status":
        return None if c.certifiers else NOT_PROVIDED
    if name == "eqf":
        return str(c.eqf_level) if c.level is not None and c.eqf_level is not None else None
    if name == "level-status":
        return absence(c, "level") if c.level is None else None
    raise AssertionError(f"no derived attribute {name!r}")  # pragma: no cover


def _attributes(node: Node, obj: Any, ctx: _Context) -> dict[str, str]:
    values: dict[str, str] = {}
    for attr in node.attrs:
        if attr.derived is not None:
            value: Any = _derived_attr(attr.derived, attr.name, ctx)
        else:
            assert attr.field is not None
            value = getattr(obj, attr.field)
        if value is not None:
            values[attr.name] = _string(value)
    return values


def _emit(w: XmlWriter, node: Node, obj: Any, ctx: _Context) -> None:
    """Write ``node`` for ``obj`` (the fiche, or the list item being written)."""
    if node.derived is not None:
        _DERIVED[node.derived](w, node, ctx)
        return
    if node.custom is not None:
        _CUSTOM[node.custom][0](w, node, ctx)
        return
    value = obj if node.field is None else getattr(obj, node.field)
    for item in value if node.many else [value]:
        _element(w, node, item, ctx)


def _element(w: XmlWriter, node: Node, value: Any, ctx: _Context) -> None:
    """One element of ``node`` for one value (an object, or a scalar text)."""
    if node.children:  # a group: its attributes and children come from ``value``
        w.start(node.tag, _attributes(node, value, ctx))
        for child in node.children:
            _emit(w, child, value, ctx)
        w.end()
        return
    if node.text != SELF:  # an object shown as text plus attributes (code and label…)
        if value is None:
            return
        text = getattr(value, node.text) if node.text else None
        shown = "" if text is None else _string(text)
        _leaf(w, node.tag, shown, **_attributes(node, value, ctx))
        return
    if node.status and _blank(value):
        assert node.field is not None
        _leaf(w, node.tag, status=absence(ctx.c, node.field))
    elif value is not None:
        _leaf(w, node.tag, _string(value), **_attributes(node, value, ctx))
    elif not node.optional:
        _leaf(w, node.tag, "", **_attributes(node, value, ctx))


# Derived slots: the writer works them out; the reader skips them.


def _not_in_register(w: XmlWriter, node: Node, ctx: _Context) -> None:
    _leaf(w, node.tag, status=NOT_IN_REGISTER)


def _translated_title(w: XmlWriter, node: Node, ctx: _Context) -> None:
    if ctx.translated_title:
        _leaf(w, node.tag, ctx.translated_title, lang="en", legalStatus="none")
    else:
        _leaf(w, node.tag, status=NOT_IN_REGISTER)


def _authority(w: XmlWriter, node: Node, ctx: _Context) -> None:
    w.start(node.tag)
    _leaf(w, "Name", FRANCE_COMPETENCES)
    _leaf(w, "Address", FRANCE_COMPETENCES_ADDRESS)
    for lang in registration.LANGUAGES:
        _leaf(w, "Status", registration.statement(ctx.c, lang), lang=lang)
    w.end()


def _per_language(text_in: Callable[[Certification, str], str | None]) -> Any:
    """The node once per language that has a text for the fiche (``registration``'s
    sentences: the level's absence, the fiche's state)."""

    def write(w: XmlWriter, node: Node, ctx: _Context) -> None:
        for lang in registration.LANGUAGES:
            text = text_in(ctx.c, lang)
            if text is not None:
                _leaf(w, node.tag, text, lang=lang)

    return write


def _grading(w: XmlWriter, node: Node, ctx: _Context) -> None:
    methods = assessment_summary(ctx.c)
    if not methods:
        _leaf(w, node.tag, status=absence(ctx.c, "blocks"))
        return
    w.start(node.tag)
    for text in methods:
        _leaf(w, "AssessmentMethods", text)
    w.end()


def _fixed(text: str | None = None, **attrib: str) -> Any:
    def write(w: XmlWriter, node: Node, ctx: _Context) -> None:
        _leaf(w, node.tag, text, **attrib)

    return write


def _fiche_link(w: XmlWriter, node: Node, ctx: _Context) -> None:
    _leaf(w, node.tag, ctx.c.page_url)


_DERIVED: dict[str, Any] = {
    "not-in-register": _not_in_register,
    "translated-title": _translated_title,
    "authority": _authority,
    "level-note": _per_language(registration.level_absence),
    "grading": _grading,
    "state": _per_language(registration.state),
    "fiche-link": _fiche_link,
    "more-information": _fixed(href=MORE_INFO_URL),
    "europass-centre": _fixed(EUROPASS_CENTRE, href=EUROPASS_CENTRE_URL),
}


# Irregular slots, written and read by a pair of functions.


def _write_publications(w: XmlWriter, node: Node, ctx: _Context) -> None:
    for kind, field in _PUBLICATIONS:
        for publication in getattr(ctx.c, field):
            attrib = {"kind": kind}
            if publication.published_on:
                attrib["date"] = publication.published_on.isoformat()
            _leaf(w, node.tag, publication.title, **attrib)


def _write_routes(w: XmlWriter, node: Node, ctx: _Context) -> None:
    for code in AccessRouteCode:
        route = ctx.c.access_routes.get(code)
        attrib = {"code": code.value}
        if route is not None:
            attrib["open"] = _string(route.open)
        w.start(node.tag, attrib)
        _leaf(w, "Label", code.label_fr, lang="fr")
        _leaf(w, "Label", code.label_en, lang="en")
        if route is not None:
            for child in node.children:
                if child.field is not None:
                    _emit(w, child, route, ctx)
        w.end()


def _write_by_blocks(w: XmlWriter, node: Node, ctx: _Context) -> None:
    c = ctx.c
    attrib = {"blocks": str(len(c.blocks))}
    if c.certification_prerequisites is None and c.partial_validation is None:
        attrib["status"] = NOT_PROVIDED
    w.start(node.tag, attrib)
    description, partial = node.children
    _emit(w, description, c, ctx)
    if c.partial_validation is not None:
        allowed = _string(c.partial_validation)
        _leaf(w, partial.tag, c.partial_validation_scope, allowed=allowed)
    w.end()


def write_supplement(
    w: XmlWriter, certification: Certification, translated_title: str | None = None
) -> None:
    """Write one fiche's ``CertificateSupplement`` (valid against the project XSD) by
    walking :data:`~rncpkit.supplement.table.SUPPLEMENT`. Raises OutputError, naming the
    fiche, for text XML cannot carry; inside ``w.record()`` nothing of it is then left."""
    ctx = _Context(certification, translated_title)
    try:
        w.start(
            SUPPLEMENT.tag,
            _attributes(SUPPLEMENT, certification, ctx),
            namespaces={None: NAMESPACE},
        )
        for child in SUPPLEMENT.children:
            _emit(w, child, certification, ctx)
        w.end()
    except OutputError as exc:
        exc.fiche = certification.number
        raise


def to_bytes(certification: Certification, translated_title: str | None = None) -> bytes:
    """One fiche's supplement as a standalone XML document."""
    buffer = io.BytesIO()
    w = XmlWriter(buffer, indent=_INDENT)
    w.declaration()
    write_supplement(w, certification, translated_title)
    w.close()
    return buffer.getvalue()


class SupplementXmlWriter:
    """Streams supplements: one document per fiche, or a wrapper around several (decided
    at the second fiche: the first is kept until then)."""

    def __init__(self, stream: IO[bytes], options: WriteOptions) -> None:
        self._stream = stream
        self._translations = Translations.from_options(options)
        self._first: tuple[Certification, bytes] | None = None
        self._writer: XmlWriter | None = None
        self._count = 0

    def write(self, certification: Certification) -> None:
        title = self._translations.title(certification)
        if self._count == 0:
            self._first = (certification, to_bytes(certification, title))
            self._count = 1
            return
        if self._writer is None:
            assert self._first is not None
            self._writer = XmlWriter(self._stream, indent=_INDENT)
            self._writer.declaration()
            self._writer.start(_COLLECTION_TAG, namespaces={None: NAMESPACE})
            first = self._first[0]
            with self._writer.record():
                write_supplement(self._writer, first, self._translations.title(first))
            self._first = None
        with self._writer.record():
            write_supplement(self._writer, certification, title)
        self._count += 1

    def close(self) -> None:
        self._translations.warn_unused(FORMAT.name)
        if self._writer is not None:
            self._writer.close()
        elif self._first is not None:
            self._stream.write(self._first[1])
        else:
            w = XmlWriter(self._stream, indent=_INDENT)
            w.declaration()
            w.start(_COLLECTION_TAG, namespaces={None: NAMESPACE})
            w.close()


# --------------------------------------------------------------------------- reading


def _text_of(element: etree._Element | None) -> str | None:
    """Text of a slot; None when absent or marked with a status."""
    if element is None or element.get("status") is not None:
        return None
    return element.text or ""


def _read_attributes(node: Node, element: etree._Element, values: dict[str, Any]) -> None:
    for attr in node.attrs:
        if attr.field is None:
            continue
        raw = element.get(attr.name)
        if attr.kind == "bool":
            values[attr.field] = None if raw is None else _boolean(raw)
        else:
            values[attr.field] = raw


def _item(node: Node, element: etree._Element) -> Any:
    """The value one element of ``node`` gives back (a dict for objects)."""
    if node.children:
        values: dict[str, Any] = {}
        _read_attributes(node, element, values)
        _read_children(node, element, values)
        return values
    if node.text == SELF:
        return element.text
    values = {}
    _read_attributes(node, element, values)
    if node.text is not None:
        values[node.text] = element.text
    return values


def _read(node: Node, parent: etree._Element, values: dict[str, Any]) -> None:
    """Read ``node`` under ``parent`` into ``values`` (the fiche's or an item's fields)."""
    if node.derived is not None:
        return
    if node.custom is not None:
        _CUSTOM[node.custom][1](node, parent, values)
        return
    if node.many:
        assert node.field is not None
        values[node.field] = [_item(node, e) for e in parent.iterfind(_NS + node.tag)]
        return
    element = parent.find(_NS + node.tag)
    if node.field is None:  # a section: its fields are the fiche's
        if element is not None:
            _read_attributes(node, element, values)
            _read_children(node, element, values)
        return
    if node.children or node.text != SELF:
        if element is not None:
            values[node.field] = _item(node, element)
        return
    text = _text_of(element)
    values[node.field] = text if text is not None or node.optional or node.status else ""


def _read_children(node: Node, element: etree._Element, values: dict[str, Any]) -> None:
    for child in node.children:
        _read(child, element, values)


def _read_publications(node: Node, parent: etree._Element, values: dict[str, Any]) -> None:
    fields = dict(_PUBLICATIONS)
    publications: dict[str, list[dict[str, Any]]] = {field: [] for field in fields.values()}
    for item in parent.iterfind(_NS + node.tag):
        field = fields.get(item.get("kind") or "")
        if field is not None:
            publications[field].append({"title": item.text or "", "published_on": item.get("date")})
    values.update(publications)


def _read_routes(node: Node, parent: etree._Element, values: dict[str, Any]) -> None:
    routes: dict[str, Any] = {}
    for element in parent.iterfind(_NS + node.tag):
        flag = element.get("open")
        if flag is None:
            continue  # the fiche does not state this route
        route: dict[str, Any] = {"open": _boolean(flag)}
        _read_children(node, element, route)
        routes[element.get("code") or ""] = route
    values["access_routes"] = routes


def _read_by_blocks(node: Node, parent: etree._Element, values: dict[str, Any]) -> None:
    element = parent.find(_NS + node.tag)
    if element is None:
        return
    description, partial = node.children
    _read(description, element, values)
    found = element.find(_NS + partial.tag)
    if found is not None:
        values["partial_validation"] = _boolean(found.get("allowed"))
        values["partial_validation_scope"] = found.text


_CUSTOM: dict[str, tuple[Any, Any]] = {
    "publications": (_write_publications, _read_publications),
    "routes": (_write_routes, _read_routes),
    "by-blocks": (_write_by_blocks, _read_by_blocks),
}
"""The table's irregular slots (``Node.custom``): the function that writes each, then the
one that reads it back, declared together."""


def _values(root: etree._Element) -> dict[str, Any]:
    """The model fields a supplement carries, as a dict for ``model_validate``, read by
    walking :data:`~rncpkit.supplement.table.SUPPLEMENT`."""
    values: dict[str, Any] = {}
    _read_attributes(SUPPLEMENT, root, values)
    _read_children(SUPPLEMENT, root, values)
    return values


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
