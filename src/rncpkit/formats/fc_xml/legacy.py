"""France Compétences XML flux V3.0 and V2.0, read into the same model as V4.1.

The older flux differ from V4.1 in a few places only (compared on France Compétences'
V2.0 and V3.0 exports), so their tables are the V4.1 table
(:data:`rncpkit.formats.fc_xml.table.V41`) with those nodes swapped:

* labels of the level and of NSF codes are ``INTITULE`` (and of Formacodes too in V2.0);
* access routes are flat: ``SI_JURY_FI`` is ``Oui``/``Non`` text and the jury composition a
  sibling ``JURY_FI`` (placed right after it when writing: the real order is not attested);
* successor/predecessor links are repeated text children ``NOUVELLE_CERTIFICATION`` /
  ``ANCIENNE_CERTIFICATION`` of ``FICHE``;
* free texts hold HTML (V2.0 escaped it, with ``&amp;eacute;`` and ``&#13;``; CDATA occurs):
  it is converted to the plain, single-line text V4.1 uses (:func:`html_to_text`);
* V2.0 may carry an empty ``<PUBLICATION_JO/>``, which is skipped.

Elements only V4.1 is known to have are kept in these tables: nothing is dropped when a
fiche is written as V3.0, and an older file that already has them is read as is. The
``fc-xml`` format declares these versions (:data:`rncpkit.formats.fc_xml.VERSIONS`): it
reads any of the three, dispatching on ``VERSION_FLUX``, and writes V3.0 with
``WriteOptions(flux_version="3.0")``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from lxml import etree

from rncpkit.formats.fc_xml.codecs import BOOL
from rncpkit.formats.fc_xml.table import V41
from rncpkit.formats.xmltable import TEXT, BadValue, Codec, Custom, Group, Leaf, ListOf, Node
from rncpkit.model import AccessRouteCode
from rncpkit.xmlwrite import XmlWriter

# --------------------------------------------------------------------------- HTML → text

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
_BREAKS = frozenset(
    [
        *("br", "p", "div", "ul", "ol", "dl", "dt", "dd", "tr", "table", "blockquote"),
        *("section", "article", "header", "footer", "pre", "hr"),
        *(f"h{n}" for n in range(1, 7)),
    ]
)
_NEWLINES = re.compile(r"[\r\n\f\v]+|\u2028|\u2029")
LINE_JOIN = "    "
"""How separate lines are joined: V4.1 flattens line breaks into runs of spaces."""


def _tag(match: re.Match[str]) -> str:
    closing, name = match.group(1), match.group(2).lower()
    if name == "li":
        return "\n" if closing else "\n- "
    return "\n" if name in _BREAKS else ""


def html_to_text(value: str) -> str:
    """The plain text of an HTML fragment, the way V4.1 writes texts: tags removed, entities
    decoded, one line with paragraphs and list items (``- item``) joined by four spaces.

    Text with no markup and no line break is only unescaped, so plain V4.1-like text comes
    back unchanged (leading/trailing spaces included); ``html_to_text(text_to_html(t)) == t``
    for any ``t`` without line breaks (CR, LF, VT, FF, U+2028, U+2029).
    """
    if "<" not in value and "&" not in value and "\r" not in value and "\n" not in value:
        return value
    stripped, tags = _TAG.subn(_tag, value)
    if not tags and not _NEWLINES.search(value):
        return html.unescape(value)
    lines = (" ".join(line.split()) for line in _NEWLINES.split(html.unescape(stripped)))
    return LINE_JOIN.join(line for line in lines if line)


def text_to_html(value: str) -> str:
    """Plain text as the HTML text content of an older flux (``&``, ``<``, ``>`` escaped)."""
    return html.escape(value, quote=False)


HTML = Codec("html", html_to_text, text_to_html)
"""Free text of V2.0/V3.0: HTML on the wire, plain text in the model."""

# --------------------------------------------------------------------------- custom nodes


def _text_of(element: etree._Element) -> str:
    if len(element):
        raise BadValue(f"<{element.tag!s}> holds markup where text is expected")
    return element.text or ""


def _route_flag(code: AccessRouteCode) -> Custom:
    def read(element: etree._Element, values: dict[str, Any]) -> None:
        route = values.setdefault("access_routes", {}).setdefault(code.value, {})
        if "open" in route:
            raise BadValue(f"<{element.tag!s}> appears more than once")
        route["open"] = BOOL.parse(_text_of(element))

    def write(writer: XmlWriter, obj: Any) -> None:
        route = obj.access_routes.get(code)
        if route is not None:
            writer.leaf(f"SI_JURY_{code.value}", BOOL.format(route.open))

    return Custom(f"SI_JURY_{code.value}", ("access_routes", code.value), read, write)


def _route_jury(code: AccessRouteCode) -> Custom:
    def read(element: etree._Element, values: dict[str, Any]) -> None:
        route = values.setdefault("access_routes", {}).setdefault(code.value, {})
        if "jury" in route:
            raise BadValue(f"<{element.tag!s}> appears more than once")
        route["jury"] = html_to_text(_text_of(element))  # kept even empty: nothing shifts

    def write(writer: XmlWriter, obj: Any) -> None:
        route = obj.access_routes.get(code)
        if route is not None and route.jury is not None:
            writer.leaf(f"JURY_{code.value}", text_to_html(route.jury))

    return Custom(f"JURY_{code.value}", ("access_routes", code.value), read, write)


def _link(tag: str, key: str) -> Custom:
    def read(element: etree._Element, values: dict[str, Any]) -> None:
        values.setdefault(key, []).append(_text_of(element).strip())

    def write(writer: XmlWriter, obj: Any) -> None:
        for number in getattr(obj, key):
            writer.leaf(tag, number)

    return Custom(tag, key, read, write)


def _publications(node: ListOf) -> Custom:
    """``PUBLICATION_DECRET_*`` whose empty ``<PUBLICATION_JO/>`` items (V2.0) are skipped."""
    titre, date = node.children[0], node.children[1]
    assert isinstance(titre, Leaf) and isinstance(date, Leaf)

    def read(element: etree._Element, values: dict[str, Any]) -> None:
        items: list[dict[str, Any]] = []
        for item in element:
            if not isinstance(item.tag, str):
                continue
            if item.tag != node.item:
                raise BadValue(f"unexpected <{item.tag!s}> in <{element.tag!s}>")
            found: dict[str, Any] = {}
            for child in item:
                if child.tag == titre.tag:
                    found["title"] = titre.codec.parse(_text_of(child))
                elif child.tag == date.tag:
                    found["published_on"] = date.codec.parse(_text_of(child))
                elif isinstance(child.tag, str):
                    raise BadValue(f"unexpected <{child.tag!s}> in <{item.tag!s}>")
            if found:
                items.append(found)
        if node.key in values:
            raise BadValue(f"<{element.tag!s}> appears more than once")
        values[str(node.key)] = items

    def write(writer: XmlWriter, obj: Any) -> None:
        publications = getattr(obj, str(node.key))
        if publications:
            writer.start(node.tag)
            for publication in publications:
                writer.start(node.item)
                writer.leaf(titre.tag, titre.codec.format(publication.title))
                if publication.published_on is not None:
                    writer.leaf(date.tag, date.codec.format(publication.published_on))
                writer.end()
            writer.end()

    return Custom(node.tag, node.key, read, write)


# --------------------------------------------------------------------------- tables


def _html_texts(node: Node) -> Node:
    """The same node with every free-text leaf read as HTML."""
    if isinstance(node, Leaf):
        return replace(node, codec=HTML) if node.codec is TEXT else node
    if isinstance(node, Group):
        return replace(node, children=tuple(_html_texts(child) for child in node.children))
    return node


def _relabel(node: Node, tag: str) -> Node:
    """``LIBELLE`` → ``INTITULE`` in a code/label group."""
    assert isinstance(node, Group)
    children = tuple(
        replace(child, tag="INTITULE") if child.tag == "LIBELLE" else child
        for child in node.children
    )
    return replace(node, children=children)


def _route_swap(code: AccessRouteCode) -> Callable[[Node], list[Node]]:
    return lambda _node: [_route_flag(code), _route_jury(code)]


def _publications_swap(node: Node) -> list[Node]:
    assert isinstance(node, ListOf)
    return [_publications(node)]


def _legacy(version: str) -> Group:
    relabelled = {"NOMENCLATURE_EUROPE", "CODES_NSF"} | (
        {"FORMACODES"} if version == "2.0" else set()
    )
    swaps: dict[str, Callable[[Node], list[Node]]] = {
        "NOUVELLES_CERTIFICATIONS": lambda _n: [_link("NOUVELLE_CERTIFICATION", "successors")],
        "ANCIENNES_CERTIFICATIONS": lambda _n: [_link("ANCIENNE_CERTIFICATION", "predecessors")],
        **{f"SI_JURY_{code.value}": _route_swap(code) for code in AccessRouteCode},
        **{tag: lambda n: [_relabel(n, "INTITULE")] for tag in relabelled},
        **{
            tag: _publications_swap
            for tag in (
                "PUBLICATION_DECRET_GENERAL",
                "PUBLICATION_DECRET_CREATION",
                "PUBLICATION_DECRET_AUTRE",
            )
        },
    }
    children: list[Node] = []
    for node in V41.children:
        swap = swaps.get(node.tag)
        children.extend(swap(node) if swap else [node])
    spec = _html_texts(Group("FICHE", None, tuple(children)))
    assert isinstance(spec, Group)
    return spec


V30 = _legacy("3.0")
"""Flux V3.0 (2023 → at least December 2025)."""
V20 = _legacy("2.0")
"""Flux V2.0 (about 2020 → 2023)."""

__all__ = ["HTML", "V20", "V30", "html_to_text", "text_to_html"]
