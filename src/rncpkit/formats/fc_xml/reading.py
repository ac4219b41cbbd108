"""Reading the flux: one ``FICHE`` at a time through the hardened ``iterparse``, each
mapped by the table of its ``VERSION_FLUX`` and freed at once."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from lxml import etree
from pydantic import ValidationError

from rncpkit import xmlsafe
from rncpkit.errors import FicheError, InputError, UnsupportedVersionError
from rncpkit.formats.base import Piece, ReadResult, Record, fiche_error
from rncpkit.formats.xmltable import Group, Problem, locate
from rncpkit.formats.xmltable.compiled_reader import read_record
from rncpkit.io import InputFile, single_member
from rncpkit.model import Certification

__all__ = ["fragments", "read", "read_fiche", "read_fragments"]


def _validate(values: dict[str, Any]) -> Certification:
    """The model's compiled validator, called once per fiche with the whole nested dict."""
    certification: Certification = _VALIDATOR(values)
    return certification


_VALIDATOR = Certification.__pydantic_validator__.validate_python


def fiche_number(fiche: etree._Element) -> str | None:
    """The fiche's ``NUMERO_FICHE``, trimmed (None if absent or blank), for messages. A
    direct look at the children: ``findtext`` walks ElementPath in Python, twice as slow."""
    for child in fiche:
        if child.tag == "NUMERO_FICHE":
            return (child.text or "").strip() or None
    return None


def read_fiche(fiche: etree._Element, spec: Group, name: str) -> Certification | FicheError:
    """Map one ``FICHE`` element to a validated :class:`Certification`."""
    try:
        values, unknown = read_record(fiche, spec)
    except Problem as problem:
        return problem.fiche_error(fiche, name, fiche_number(fiche))
    if unknown:
        values["unknown_elements"] = unknown
    try:
        return _validate(values)
    except ValidationError as exc:
        number = fiche_number(fiche)
        return fiche_error(
            exc,
            file=name,
            line=fiche.sourceline,
            fiche=number,
            locate=lambda loc: locate(fiche, spec, loc),
        )


def _version(element: etree._Element, tables: Mapping[str, Group], name: str) -> str:
    version = (element.text or "").strip()
    if version not in tables:
        supported = ", ".join(sorted(tables))
        raise UnsupportedVersionError(
            f"VERSION_FLUX {version!r} is not supported (supported: {supported})",
            file=name,
            line=element.sourceline,
            field="VERSION_FLUX",
        )
    return version


def _fiches(opened: InputFile, tables: Mapping[str, Group]) -> Iterator[tuple[str, etree._Element]]:
    """``(VERSION_FLUX, FICHE element)`` for each fiche; the element is freed after use."""
    name = opened.name
    version: str | None = None
    number: str | None = None
    try:
        events = xmlsafe.iterparse(opened.stream, tag=("VERSION_FLUX", "FICHE"), name=name)
        for _event, element in events:
            if element.tag == "FICHE":
                if version is None:
                    raise InputError(
                        "<VERSION_FLUX> missing before the first <FICHE>",
                        file=name,
                        line=element.sourceline,
                    )
                yield version, element
                number = fiche_number(element) or number
                element.clear(keep_tail=False)
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
            elif element.tag == "VERSION_FLUX":
                version = _version(element, tables, name)
    except etree.XMLSyntaxError as exc:
        after = f" (after fiche {number})" if number else ""
        raise InputError(
            f"not well-formed XML: {exc.msg}{after}", file=name, line=exc.lineno, fiche=None
        ) from None
    if version is None:
        raise InputError("no <VERSION_FLUX> found: not a France Compétences flux", file=name)


def read(opened: InputFile, tables: Mapping[str, Group]) -> Iterator[ReadResult]:
    """Stream the fiches of a flux (plain XML or the zip France Compétences publishes)."""
    if opened.archive is not None:
        opened = single_member(opened, ".xml")
    for version, element in _fiches(opened, tables):
        result = read_fiche(element, tables[version], opened.name)
        if isinstance(result, Certification):
            yield Record(result, element.sourceline)
        else:
            yield result


def fragments(opened: InputFile, tables: Mapping[str, Group]) -> Iterator[Piece]:
    """The flux cut into one :class:`Piece` per fiche (its version, line and bytes), for
    worker processes to read with :func:`read_fragments`; memory freed as it goes."""
    for version, element in _fiches(opened, tables):
        yield Piece(version, element.sourceline or 0, etree.tostring(element, with_tail=False))


def read_fragments(
    pieces: Sequence[Piece], name: str, tables: Mapping[str, Group]
) -> Iterator[ReadResult]:
    """Read fiches cut by :func:`fragments` (in a worker): parsed together in one document,
    each error's line shifted back to the line of the whole file."""
    document = xmlsafe.parse_bytes(
        b"<FICHES>" + b"".join(piece.data for piece in pieces) + b"</FICHES>", name=name
    )
    for element, piece in zip(document, pieces, strict=True):
        shift = piece.line - (element.sourceline or piece.line)
        result = read_fiche(element, tables[piece.context], name)
        if isinstance(result, FicheError):
            for problem in result.all_problems():
                if problem.line is not None:
                    problem.line += shift
            yield result
        else:
            yield Record(result, piece.line)
