"""The Europass Certificate Supplement as XML, in the project's own namespace and XSD.

No official schema exists for the supplement, so ``schemas/certificate-supplement.xsd``
defines one element per section and sub-field of the 2004 template. One fiche gives a
``CertificateSupplement`` document; several, a ``CertificateSupplements`` wrapper (decided
at the second fiche, as the JSON writer does). Reading gives back every fiche field the
supplement carries; the derived slots (authority, grading summary, fixed links) are skipped.

Writer and reader walk one table, :data:`rncpkit.supplement.table.SUPPLEMENT` (which the
XSD is tested against), with the generic walks of :mod:`rncpkit.formats.xmltable`; the
writer writes through :class:`rncpkit.xmlwrite.XmlWriter`.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree
from pydantic import ValidationError

from rncpkit import xmlsafe
from rncpkit.errors import FicheError, InputError, OutputError
from rncpkit.formats.base import Format, ReadResult, Record, WriteOptions
from rncpkit.formats.xmltable import (
    Context,
    Group,
    Problem,
    attribute_values,
    qualified,
    read_group,
    write_children,
)
from rncpkit.io import InputFile, single_member
from rncpkit.model import Certification
from rncpkit.supplement.content import (
    NAMESPACE,
    SupplementOptions,
    Translations,
    schema_path,
)
from rncpkit.supplement.table import SUPPLEMENT, Options
from rncpkit.xmlwrite import XmlWriter

__all__ = [
    "FORMAT",
    "SupplementXmlWriter",
    "read_supplement",
    "schema",
    "to_bytes",
    "write_supplement",
]

_NS = f"{{{NAMESPACE}}}"
_ROOT = f"{_NS}CertificateSupplement"
_COLLECTION_TAG = "CertificateSupplements"
_COLLECTION = f"{_NS}CertificateSupplements"
_INDENT = "  "


@functools.cache
def schema() -> etree.XMLSchema:
    """The project XSD, parsed once with the hardened parser."""
    return etree.XMLSchema(xmlsafe.parse_file(str(schema_path())))


# --------------------------------------------------------------------------- writing


def write_supplement(
    w: XmlWriter, certification: Certification, translated_title: str | None = None
) -> None:
    """Write one fiche's ``CertificateSupplement`` (valid against the project XSD) by
    walking :data:`~rncpkit.supplement.table.SUPPLEMENT` with xmltable's writer walk.
    Raises OutputError, naming the fiche, for text XML cannot carry; inside
    ``w.record()`` nothing of it is then left."""
    context = Context(certification, Options(translated_title))
    try:
        w.start(
            SUPPLEMENT.tag,
            attribute_values(SUPPLEMENT.attributes, certification, context),
            namespaces={None: NAMESPACE},
        )
        write_children(w, SUPPLEMENT, certification, context)
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


_READ_TABLE = qualified(SUPPLEMENT, NAMESPACE)
"""The same table with its tags in the supplement's namespace, as the reader meets them."""


def _values(root: etree._Element) -> dict[str, Any]:
    """The model fields a supplement carries, as a dict for ``model_validate``, read by
    walking :data:`~rncpkit.supplement.table.SUPPLEMENT` with xmltable's reader walk (the
    derived slots are skipped). Raises :class:`~rncpkit.formats.xmltable.Problem`."""
    values: dict[str, Any] = {}
    assert isinstance(_READ_TABLE, Group)
    read_group(root, _READ_TABLE, values, [])
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
    except Problem as exc:
        return exc.fiche_error(element, name, number)
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
