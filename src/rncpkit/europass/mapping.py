"""The RNCP → LOQ → JSON-LD → Open Badges table of ``docs/europass.md``, derived from the
code that writes them, never kept by hand.

Each :class:`~rncpkit.model.Certification` field of a probe fiche (the embedded sample
``RNCP35080``, with its empty fields filled) is changed in turn: cleared, given another
value, or each other member of its enumeration. The fiche is then mapped again by the graph
builder (:class:`~rncpkit.europass.graph.Builder`) and by the badge writer
(:class:`~rncpkit.formats.openbadges.Badges`), and the LOQ elements
(:mod:`rncpkit.europass.loq_table`, whose nodes carry each element's LOQ tag and JSON-LD
property) and badge keys whose values moved are that field's row. References (``ref`` /
``refs`` elements) are left out: they follow the fiche number, not the field. A field whose
probing moves nothing is listed as not carried.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from rncpkit.errors import OutputError
from rncpkit.europass import loq_table
from rncpkit.europass.graph import Builder, Graph
from rncpkit.formats.base import WriteOptions
from rncpkit.formats.xmltable import Node
from rncpkit.model import Certification

__all__ = ["mapping_markdown", "probe"]

_TEXTS = ("Texte de sonde", "https://exemple.fr/sonde")
"""Probe values of a text field: a plain text and a URL (some fields map differently)."""

_ELEMENT = re.compile(r"France Compétences element: ([A-Z_/]+(?: … [A-Z_/]+)?)")


def _seed() -> Certification:
    from rncpkit.api import read
    from rncpkit.samples import sample_path

    return next(iter(read(sample_path(), from_format="fc-xml")))


def _base_type(annotation: Any) -> tuple[Any, bool]:
    """The type of a field without ``| None``, and whether it allowed None."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else annotation), True
    return annotation, False


def _probe_values(annotation: Any, current: Any) -> Iterator[Any]:
    """Values that differ from ``current`` for a field of that type."""
    kind, optional = _base_type(annotation)
    if optional and current is not None:
        yield None
    origin = typing.get_origin(kind)
    if origin is list:
        if current:
            yield []
            yield current[:1]
        else:
            (item,) = typing.get_args(kind)
            if isinstance(item, type) and issubclass(item, BaseModel):
                try:
                    yield [item.model_validate({"code": "X1", "label": _TEXTS[0]})]
                except ValueError:
                    return
        return
    if origin is dict:
        if current:
            yield {}
        return
    if kind is bool:
        yield not current
    elif kind is int:
        yield (current or 0) + 3
    elif kind is str:
        yield from (text for text in _TEXTS if text != current)
    elif kind is dt.date:
        yield dt.date(2021, 1, 2)
    elif isinstance(kind, type) and issubclass(kind, enum.Enum):
        yield from (member for member in kind if member != current)
    elif isinstance(kind, type) and issubclass(kind, BaseModel):
        try:
            yield kind.model_validate({"code": "X1", "label": _TEXTS[0]})
        except ValueError:
            return


def _filled(cert: Certification) -> Certification:
    """The probe fiche: the seed with each empty text, date or coded field given a value."""
    update: dict[str, Any] = {}
    for name, info in Certification.model_fields.items():
        value = getattr(cert, name)
        if value is None:
            update[name] = next(_probe_values(info.annotation, None), None)
    return cert.model_copy(update=update)


def _key(element: Node) -> str:
    """An element's key within its entity, ``title/lang``: its tag and kind (two elements
    may share a tag, not both)."""
    return f"{element.tag}/{loq_table.kind(element)}"


def _graph_values(graph: Graph) -> dict[tuple[str, str], Any]:
    """Each (entity, element key) with the values of every entity of that kind; an entity
    kind whose count changes is keyed (entity, "")."""
    values: dict[tuple[str, str], Any] = {}
    for entity, container in loq_table.ENTITIES.items():
        items = getattr(graph, str(container.key))
        values[entity, ""] = len(items)
        for element in loq_table.elements(entity):
            if element.key is None or loq_table.kind(element) in ("ref", "refs"):
                continue
            attr = str(element.key)
            values[entity, _key(element)] = [getattr(i, attr) for i in items]
    return values


def _badge_values(badges: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {"block": len(badges) - 1}
    for index, badge in enumerate(badges):
        prefix = "" if index == 0 else "block "
        for key, value in badge.items():
            if key not in ("id", "related", "@context", "type"):
                values.setdefault(prefix + key, []).append(value)
    return values


def _changed(before: dict[Any, Any], after: dict[Any, Any]) -> list[Any]:
    return [key for key in {**before, **after} if before.get(key) != after.get(key)]


def probe() -> list[tuple[str, list[tuple[str, str]], list[str]]]:
    """Each model field with the LOQ elements (entity, element key) and the badge keys it
    moves."""
    from rncpkit.formats.openbadges import Badges

    builder = Builder("https://rncpkit.invalid/", None)
    badges = Badges(WriteOptions(base_uri="https://rncpkit.invalid/"))
    cert = _filled(_seed())
    graph_before = _graph_values(builder.build(cert))
    badges_before = _badge_values(badges.achievements(cert))
    rows = []
    for name, info in Certification.model_fields.items():
        elements: set[tuple[str, str]] = set()
        keys: set[str] = set()
        for value in _probe_values(info.annotation, getattr(cert, name)):
            changed = cert.model_copy(update={name: value})
            try:
                graph = builder.build(changed)
            except OutputError:
                continue
            elements.update(_changed(graph_before, _graph_values(graph)))
            keys.update(_changed(badges_before, _badge_values(badges.achievements(changed))))
        rows.append((name, sorted(elements, key=_element_order), sorted(keys, key=_key_order)))
    return rows


_ELEMENTS = {
    (entity, _key(element)): element
    for entity in loq_table.ENTITIES
    for element in loq_table.elements(entity)
}
"""Each element of the tables by (entity, element key), in table order."""
_ORDER = {key: index for index, key in enumerate(_ELEMENTS)}


def _element_order(key: tuple[str, str]) -> tuple[int, int]:
    entity, element = key
    return list(loq_table.ENTITIES).index(entity), -1 if not element else _ORDER[key]


def _key_order(key: str) -> tuple[bool, str]:
    return key.startswith("block "), key


def _element(name: str) -> str:
    description = Certification.model_fields[name].description or ""
    found = _ELEMENT.search(description)
    return f" ← {found.group(1)}" if found else ""


def _cells(elements: list[tuple[str, str]]) -> tuple[str, str]:
    """The LOQ and JSON-LD cells of a row: whole entities, then single elements."""
    whole = {entity for entity, element in elements if not element}
    loq: list[str] = []
    jsonld: list[str] = []
    for entity, key in elements:
        kind = loq_table.JSONLD_TYPES[entity]
        if not key:
            loq.append(f"`{entity}` (entities)")
            jsonld.append(f"`{kind}` (nodes)")
        elif entity not in whole:
            element = _ELEMENTS[entity, key]
            tag = f"`{entity}/{element.tag}`" + (" (en)" if loq_table.is_english(element) else "")
            if tag not in loq:
                loq.append(tag)
            name = f"`{kind}.{loq_table.json_name(element)}`"
            if name not in jsonld:
                jsonld.append(name)
    return ", ".join(loq) or "–", ", ".join(jsonld) or "–"


def mapping_markdown() -> str:
    """The mapping table of ``docs/europass.md``: one row per model field the outputs carry,
    then the fields they do not carry."""
    rows = [
        "| RNCP (model field ← element) | LOQ XML (entity/element) | JSON-LD (class.property) "
        "| Open Badges (`Achievement` key) |",
        "|---|---|---|---|",
    ]
    uncarried = []
    for name, elements, keys in probe():
        if not elements and not keys:
            uncarried.append(f"`{name}`")
            continue
        loq, jsonld = _cells(elements)
        badge = ", ".join(f"`{key}`" if key != "block" else "block `Achievement`s" for key in keys)
        rows.append(f"| `{name}`{_element(name)} | {loq} | {jsonld} | {badge or '–'} |")
    rows.append("")
    rows.append("Not carried by any of the three outputs: " + ", ".join(uncarried) + ".")
    return "\n".join(rows) + "\n"
