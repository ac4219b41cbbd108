"""France Compétences XML flux (``export_fiches_{RNCP,RS}_V4_1_*.xml``), read and written.

One declarative table (:data:`V41`) maps every element of a ``FICHE`` to a model field; the
reader, the writer and the error locator all walk that table, so they cannot disagree.
Reading streams one ``FICHE`` at a time with a hardened ``iterparse`` and frees it at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree
from pydantic import ValidationError

from rncpkit import xmlsafe
from rncpkit.errors import FicheError, InputError, OutputError, UnsupportedVersionError
from rncpkit.formats import fc_xml_scan
from rncpkit.formats.base import (
    Format,
    Piece,
    ReadResult,
    Record,
    Split,
    WriteOptions,
    fiche_error,
)
from rncpkit.io import InputFile, single_member
from rncpkit.model import AccessRouteCode, Certification, UnknownElement

# --------------------------------------------------------------------------- value codecs


class ValueError_(Exception):
    """A value that does not parse; the reader turns it into a located FicheError."""


@dataclass(frozen=True, slots=True)
class Codec:
    """How a scalar is spelled in the flux."""

    name: str
    parse: Callable[[str], Any]
    format: Callable[[Any], str]


_DATE = re.compile(r"\s*(\d{2})/(\d{2})/(\d{4})\s*\Z")


def _parse_date(text: str) -> dt.date:
    if len(text) == 10 and text[2] == "/" and text[5] == "/":  # fast path: JJ/MM/AAAA
        day, month, year = text[:2], text[3:5], text[6:]
        if day.isdigit() and month.isdigit() and year.isdigit() and text.isascii():
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError as exc:
                raise ValueError_(f"invalid date {text!r}: {exc}") from None
    match = _DATE.match(text)
    if match is None:
        raise ValueError_(f"expected a date JJ/MM/AAAA, got {text!r:.60}")
    day, month, year = match.groups()
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise ValueError_(f"invalid date {text!r}: {exc}") from None


def _parse_bool(text: str) -> bool:
    value = text.strip()
    if value == "Oui":
        return True
    if value == "Non":
        return False
    raise ValueError_(f"expected Oui or Non, got {text!r:.60}")


def _parse_int(text: str) -> int:
    value = text.strip()
    if not (value.isascii() and value.isdigit()):
        raise ValueError_(f"expected a whole number, got {text!r:.60}")
    return int(value)


def _format_enum_or_text(value: Any) -> str:
    return str(getattr(value, "value", value))


TEXT = Codec("text", str, _format_enum_or_text)
CODE = Codec("code", str.strip, _format_enum_or_text)
INT = Codec("int", _parse_int, str)
# strftime("%Y") does not pad years below 1000, which the reader would then refuse
DATE = Codec("date", _parse_date, lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}")
BOOL = Codec("bool", _parse_bool, lambda b: "Oui" if b else "Non")

# --------------------------------------------------------------------------- the table

Key = str | tuple[str, str]
"""A model field, or (dict field, dict key) for ``access_routes``."""


@dataclass(frozen=True)
class Node:
    """One element of the flux and the field it fills."""

    tag: str
    key: Key | None


@dataclass(frozen=True)
class Leaf(Node):
    """A text element: ``<DATE_DECISION>18/11/2020</DATE_DECISION>``."""

    codec: Codec = TEXT


@dataclass(frozen=True)
class Group(Node):
    """A container read into a sub-model (``key``) or into the parent itself (key None)."""

    children: tuple[Node, ...] = ()
    table: dict[str, Node] = field(init=False, repr=False, compare=False)
    leaves: dict[str, tuple[str, Callable[[str], Any] | None]] = field(
        init=False, repr=False, compare=False
    )
    """Fast path of the reader: text child tag → (field, parser or None for plain text)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", {child.tag: child for child in self.children})
        leaves = {
            child.tag: (child.key, None if child.codec is TEXT else child.codec.parse)
            for child in self.children
            if isinstance(child, Leaf) and isinstance(child.key, str)
        }
        object.__setattr__(self, "leaves", leaves)


@dataclass(frozen=True)
class ListOf(Group):
    """A wrapper of repeated items: ``<CODES_ROME><ROME>…</ROME>…</CODES_ROME>``.

    With ``scalar``, each item contributes only that value (``NOUVELLE_CERTIFICATION``).
    """

    item: str = ""
    scalar: str | None = None


@dataclass(frozen=True)
class Repeated(Group):
    """Items repeated directly under the parent, with no wrapper; ``slot`` picks which
    item of the list a numbered tag holds (``CCN_1`` … ``CCN_3``)."""

    scalar: str | None = None
    slot: int | None = None


@dataclass(frozen=True)
class Values(Node):
    """A wrapper of repeated scalars: ``<ANNEES_PROMOTIONS_NIVEAU><ANNEE>…``."""

    item: str = ""
    codec: Codec = TEXT


@dataclass(frozen=True)
class Custom(Node):
    """An element no generic node maps, as in older flux versions (``fc_xml_legacy``):
    ``read(element, values)`` stores its value in the fiche's values (raising
    ``ValueError_`` on bad input); ``write(parent, obj)`` appends its elements, if any."""

    read: Callable[[etree._Element, dict[str, Any]], None] = lambda _element, _values: None
    write: Callable[[etree._Element, Any], None] = lambda _parent, _obj: None


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
        # their position here is an assumption (documented in schemas/fc-flux-v4.1.xsd).
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
"""Flux V4.1: every ``FICHE`` child in the official order (notes §2.2)."""

SPECS: dict[str, Group] = {"4.1": V41}
"""Fiche tables by ``VERSION_FLUX``; older flux versions register theirs here."""

# --------------------------------------------------------------------------- reading


class _Problem(Exception):
    def __init__(self, message: str, element: etree._Element) -> None:
        super().__init__(message)
        self.message = message
        self.element = element


def _name(element: etree._Element) -> str:
    tag = element.tag
    return tag if isinstance(tag, str) else repr(tag)


def _text(element: etree._Element) -> str:
    if len(element):
        raise _Problem(f"<{_name(element)}> holds markup where text is expected", element)
    return element.text or ""


def _store(out: dict[str, Any], key: Key, value: Any, element: etree._Element) -> None:
    if isinstance(key, tuple):
        target = out.setdefault(key[0], {})
        name = key[1]
    else:
        target, name = out, key
    if name in target:
        raise _Problem(f"<{_name(element)}> appears more than once", element)
    target[name] = value


def _read_group(
    element: etree._Element, group: Group, out: dict[str, Any], unknown: list[dict[str, Any]]
) -> None:
    # The hot loop of the reader: one pass over the children, text leaves inlined.
    leaves = group.leaves
    table = group.table
    for child in element:
        tag = child.tag
        leaf = leaves.get(tag)  # type: ignore[arg-type]
        if leaf is not None:
            key, parse = leaf
            if len(child):
                raise _Problem(f"<{_name(child)}> holds markup where text is expected", child)
            if key in out:
                raise _Problem(f"<{_name(child)}> appears more than once", child)
            text = child.text or ""
            if parse is None:
                out[key] = text
            else:
                try:
                    out[key] = parse(text)
                except ValueError_ as exc:
                    raise _Problem(str(exc), child) from None
            continue
        if not isinstance(tag, str):
            continue  # comments and processing instructions carry no data
        node = table.get(tag)
        if node is None:
            unknown.append(_unknown(element, child))
        else:
            _read_node(child, node, out, unknown)


def _read_node(
    child: etree._Element, node: Node, out: dict[str, Any], unknown: list[dict[str, Any]]
) -> None:
    if isinstance(node, ListOf):
        items: list[Any] = []
        for item in child:
            if item.tag != node.item:
                if isinstance(item.tag, str):
                    unknown.append(_unknown(child, item))
                continue
            values: dict[str, Any] = {}
            _read_group(item, node, values, unknown)
            items.append(values.get(node.scalar) if node.scalar else values)
        _store(out, node.key, items, child)  # type: ignore[arg-type]
    elif isinstance(node, Repeated):
        values = {}
        _read_group(child, node, values, unknown)
        assert isinstance(node.key, str)
        bucket = out.setdefault(node.key, [])
        bucket.append(values.get(node.scalar) if node.scalar else values)
    elif isinstance(node, Group):
        if node.key is None:
            _read_group(child, node, out, unknown)
        else:
            values = {}
            _read_group(child, node, values, unknown)
            _store(out, node.key, values, child)
    elif isinstance(node, Values):
        scalars: list[Any] = []
        for item in child:
            if not isinstance(item.tag, str):
                continue
            if item.tag != node.item:
                raise _Problem(f"unexpected <{_name(item)}> in <{_name(child)}>", item)
            try:
                scalars.append(node.codec.parse(_text(item)))
            except ValueError_ as exc:
                raise _Problem(str(exc), item) from None
        _store(out, node.key, scalars, child)  # type: ignore[arg-type]
    elif isinstance(node, Custom):
        try:
            node.read(child, out)
        except ValueError_ as exc:
            raise _Problem(str(exc), child) from None


_FICHE_PREFIX = re.compile(r"^/[^/]+/FICHE(\[\d+\])?")


def _unknown(parent: etree._Element, child: etree._Element) -> dict[str, Any]:
    position = [c for c in parent if isinstance(c.tag, str)].index(child)
    path = _FICHE_PREFIX.sub("FICHE", parent.getroottree().getpath(parent))
    xml = etree.tostring(child, encoding="unicode", with_tail=False)
    return {"parent": path, "position": position, "xml": xml}


def _locate(fiche: etree._Element, spec: Group, loc: Sequence[int | str]) -> tuple[str, int | None]:
    """Map a model error location such as ``('rome', 2, 'code')`` back to the flux."""
    path: list[str] = []
    element: etree._Element | None = fiche
    group: Group = spec
    steps = list(loc)
    while steps and element is not None:
        step = steps.pop(0)
        node = _node_for_key(group, step, steps)
        if node is None:
            break
        found = _find_node_element(element, group, node)
        path.append(node.tag)
        if found is None:
            break
        element = found
        if isinstance(node, ListOf | Values) and steps and isinstance(steps[0], int):
            index = int(steps.pop(0))
            item_tag = node.item
            items = [c for c in element if c.tag == item_tag]
            if index >= len(items):
                break
            element = items[index]
            path[-1] += f"/{item_tag}[{index + 1}]"
            if isinstance(node, ListOf) and node.scalar:
                scalar_node = node.table.get(next(iter(node.table)))
                if scalar_node is not None:
                    element = element.find(scalar_node.tag)
                    path.append(scalar_node.tag)
                break
        if isinstance(node, Group):
            group = node
            if node.key is None:
                steps.insert(0, step)  # an inline container: the field lives inside it
        else:
            break
    return "/".join(path) or "FICHE", (element.sourceline if element is not None else None)


def _node_for_key(group: Group, step: int | str, rest: list[int | str]) -> Node | None:
    for child in group.children:
        key = child.key
        if key is None and isinstance(child, Group):
            if _node_for_key(child, step, rest) is not None:
                return child
            continue
        if isinstance(key, tuple):
            if key[0] == step and rest and rest[0] == key[1]:
                rest.pop(0)
                return child
        elif key == step:
            return child
    return None


def _find_node_element(element: etree._Element, group: Group, node: Node) -> etree._Element | None:
    if node.key is None and isinstance(node, Group):
        return element.find(node.tag)
    return element.find(node.tag)


def read_fiche(fiche: etree._Element, spec: Group, name: str) -> Certification | FicheError:
    """Map one ``FICHE`` element to a validated :class:`Certification`."""
    number = fiche.findtext("NUMERO_FICHE")
    number = number.strip() if number else None
    values: dict[str, Any] = {}
    unknown: list[dict[str, Any]] = []
    try:
        _read_group(fiche, spec, values, unknown)
    except _Problem as problem:
        return FicheError(
            problem.message,
            file=name,
            line=problem.element.sourceline,
            fiche=number,
            field=_FICHE_PREFIX.sub("FICHE", fiche.getroottree().getpath(problem.element)),
        )
    if unknown:
        values["unknown_elements"] = unknown
    try:
        return Certification.model_validate(values)
    except ValidationError as exc:
        return fiche_error(
            exc,
            file=name,
            line=fiche.sourceline,
            fiche=number,
            locate=lambda loc: _locate(fiche, spec, loc),
        )


def read(opened: InputFile) -> Iterator[ReadResult]:
    """Stream the fiches of a flux (plain XML or the zip France Compétences publishes)."""
    if opened.archive is not None:
        opened = single_member(opened, ".xml")
    name = opened.name
    spec: Group | None = None
    number: str | None = None
    try:
        events = xmlsafe.iterparse(
            opened.stream,
            tag=("VERSION_FLUX", "FICHE"),
            name=name,
        )
        for _event, element in events:
            tag = element.tag
            if tag == "FICHE":
                if spec is None:
                    raise InputError(
                        "<VERSION_FLUX> missing before the first <FICHE>",
                        file=name,
                        line=element.sourceline,
                    )
                result = read_fiche(element, spec, name)
                if isinstance(result, Certification):
                    number = result.number
                    yield Record(result, element.sourceline)
                else:
                    number = result.fiche or number
                    yield result
                element.clear(keep_tail=False)
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
            elif tag == "VERSION_FLUX":
                version = (element.text or "").strip()
                spec = SPECS.get(version)
                if spec is None:
                    supported = ", ".join(sorted(SPECS))
                    raise UnsupportedVersionError(
                        f"VERSION_FLUX {version!r} is not supported (supported: {supported})",
                        file=name,
                        line=element.sourceline,
                        field="VERSION_FLUX",
                    )
    except etree.XMLSyntaxError as exc:
        after = f" (after fiche {number})" if number else ""
        raise InputError(
            f"not well-formed XML: {exc.msg}{after}", file=name, line=exc.lineno, fiche=None
        ) from None
    if spec is None:
        raise InputError("no <VERSION_FLUX> found: not a France Compétences flux", file=name)


# --------------------------------------------------------------------------- writing

_INDENT = "    "
_HEADER = b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<FICHES>\n'


def _get(obj: Any, key: Key) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    if isinstance(key, tuple):
        mapping = getattr(obj, key[0])
        return next((v for k, v in mapping.items() if getattr(k, "value", k) == key[1]), None)
    return getattr(obj, key)


def _write_group(parent: etree._Element, group: Group, obj: Any) -> None:
    sub = etree.SubElement
    for node in group.children:
        if isinstance(node, Leaf):
            value = _get(obj, node.key)  # type: ignore[arg-type]
            if value is not None:
                sub(parent, node.tag).text = node.codec.format(value)
        elif isinstance(node, ListOf):
            items = _get(obj, node.key)  # type: ignore[arg-type]
            if items:
                wrapper = sub(parent, node.tag)
                for item in items:
                    element = sub(wrapper, node.item)
                    _write_group(element, node, {node.scalar: item} if node.scalar else item)
        elif isinstance(node, Repeated):
            items = _get(obj, node.key)  # type: ignore[arg-type]
            if node.slot is not None:
                items = items[node.slot : node.slot + 1]
            for item in items:
                _write_group(
                    sub(parent, node.tag), node, {node.scalar: item} if node.scalar else item
                )
        elif isinstance(node, Group):
            if node.key is None:
                element = etree.Element(node.tag)
                _write_group(element, node, obj)
                if len(element):
                    parent.append(element)
            else:
                value = _get(obj, node.key)
                if value is not None:
                    _write_group(sub(parent, node.tag), node, value)
        elif isinstance(node, Values):
            values = _get(obj, node.key)  # type: ignore[arg-type]
            if values:
                wrapper = sub(parent, node.tag)
                for value in values:
                    sub(wrapper, node.item).text = node.codec.format(value)
        elif isinstance(node, Custom):
            node.write(parent, obj)


def _reinsert(fiche: etree._Element, unknown: list[UnknownElement], number: str) -> None:
    for item in sorted(unknown, key=lambda u: (u.parent.count("/"), u.position)):
        parent_path = item.parent.removeprefix("FICHE").lstrip("/")
        parent = fiche if not parent_path else fiche.find(parent_path)
        if parent is None:
            raise OutputError(
                f"cannot place unknown element: no {item.parent} in the fiche",
                fiche=number,
                field="unknown_elements",
            )
        element = xmlsafe.parse_bytes(item.xml.encode("utf-8"), name="unknown_elements")
        parent.insert(item.position, element)


def fiche_element(certification: Certification, spec: Group = V41) -> etree._Element:
    """Build the ``FICHE`` element of a certification (official order, no empty tags)."""
    fiche = etree.Element("FICHE")
    try:
        _write_group(fiche, spec, certification)
    except ValueError as exc:  # lxml refuses characters XML cannot carry
        raise OutputError(f"cannot be written as XML: {exc}", fiche=certification.number) from None
    if certification.unknown_elements:
        _reinsert(fiche, certification.unknown_elements, certification.number)
    return fiche


class FluxWriter:
    """Writes a flux incrementally: header, then one indented ``FICHE`` per call."""

    def __init__(self, stream: IO[bytes], options: WriteOptions) -> None:
        spec = SPECS.get(options.flux_version)
        if spec is None or options.flux_version not in WRITABLE_VERSIONS:
            raise OutputError(
                f"cannot write flux version {options.flux_version!r} "
                f"(writable: {', '.join(WRITABLE_VERSIONS)})"
            )
        self._stream = stream
        self._spec = spec
        self._stream.write(_HEADER)
        self._stream.write(
            f"{_INDENT}<VERSION_FLUX>{options.flux_version}</VERSION_FLUX>\n".encode()
        )

    def write(self, certification: Certification) -> None:
        fiche = fiche_element(certification, self._spec)
        etree.indent(fiche, space=_INDENT, level=1)
        self._stream.write(_INDENT.encode())
        self._stream.write(etree.tostring(fiche, encoding="UTF-8"))
        self._stream.write(b"\n")

    def close(self) -> None:
        self._stream.write(b"</FICHES>\n")


WRITABLE_VERSIONS: list[str] = ["4.1"]


def sniff(opened: InputFile) -> bool:
    """A France Compétences flux: root ``FICHES`` (directly or as the zip's XML member)."""
    if opened.archive is not None:
        names = [n.lower() for n in opened.archive.namelist()]
        return sum(n.endswith(".xml") for n in names) >= 1 and not any(
            n.endswith(".csv") for n in names
        )
    return b"<FICHES" in opened.head[:4096]


def _pieces(opened: InputFile) -> Iterator[Piece]:
    """The flux cut into one :class:`Piece` per fiche by the parser (any layout)."""
    if opened.archive is not None:
        opened = single_member(opened, ".xml")
    name = opened.name
    version: str | None = None
    try:
        for _event, element in xmlsafe.iterparse(
            opened.stream, tag=("VERSION_FLUX", "FICHE"), name=name
        ):
            if element.tag == "VERSION_FLUX":
                version = (element.text or "").strip()
                if version not in SPECS:
                    supported = ", ".join(sorted(SPECS))
                    raise UnsupportedVersionError(
                        f"VERSION_FLUX {version!r} is not supported (supported: {supported})",
                        file=name,
                        line=element.sourceline,
                        field="VERSION_FLUX",
                    )
                continue
            if version is None:
                raise InputError(
                    "<VERSION_FLUX> missing before the first <FICHE>",
                    file=name,
                    line=element.sourceline,
                )
            yield Piece(version, element.sourceline or 0, etree.tostring(element, with_tail=False))
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not well-formed XML: {exc.msg}", file=name, line=exc.lineno) from None
    if version is None:
        raise InputError("no <VERSION_FLUX> found: not a France Compétences flux", file=name)


def _quick_pieces(opened: InputFile) -> Iterator[Piece]:
    if opened.archive is not None:
        opened = single_member(opened, ".xml")
    return fc_xml_scan.fragments(opened.stream, opened.name, SPECS.__contains__)


def _read_pieces(pieces: Sequence[Piece], name: str) -> Iterator[ReadResult]:
    """Read fiches cut by :func:`_pieces` (in a worker): parsed together in one document,
    each error's line shifted back to the line of the whole file."""
    document = xmlsafe.parse_bytes(
        b"<FICHES>" + b"".join(piece.data for piece in pieces) + b"</FICHES>", name=name
    )
    for element, piece in zip(document, pieces, strict=True):
        shift = piece.line - (element.sourceline or piece.line)
        result = read_fiche(element, SPECS[piece.context], name)
        if isinstance(result, FicheError):
            for problem in result.all_problems():
                if problem.line is not None:
                    problem.line += shift
            yield result
        else:
            yield Record(result, piece.line)


def _find(opened: InputFile, number: str) -> Record | None:
    return fc_xml_scan.find(opened, number, read)


FORMAT = Format(
    name="fc-xml",
    description="France Compétences XML flux V4.1, V3.0, V2.0 (export_fiches_*.xml, or .zip)",
    extensions=(".xml",),
    sniff=sniff,
    reader=read,
    writer=FluxWriter,
    media_type="application/xml",
    split=Split(_pieces, _read_pieces, quick=_quick_pieces),
    concatenable=True,
    find=_find,
)
