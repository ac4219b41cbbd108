"""Reading a flux back: one ``passageCertification`` element → :class:`~.model.Passage`, by
walking the element table of :mod:`.elements` (the one the writer walks).

The checker streams a flux with :func:`rncpkit.xmlsafe.iterparse` and hands each passage
element here. Every problem of the passage is collected (unknown, repeated, missing
elements; then the model's), located by element, never by value.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from pydantic import ValidationError

from rncpkit.accrochage.elements import (
    BOOLEAN,
    PASSAGE,
    XSI,
    Choice,
    Element,
    Flag,
    Nil,
    field_elements,
)
from rncpkit.accrochage.model import NAMESPACE, Passage, reasons
from rncpkit.formats.xmltable import Group, ListOf

__all__ = [
    "local",
    "read_passage",
]

_NIL = f"{{{XSI}}}nil"
_FIELD_ELEMENTS = field_elements(PASSAGE)
"""Model field → element, derived from the table (where a model error is reported)."""

Problem = tuple[str, str, str]
"""(element, English reason, French reason)."""


def local(element: etree._Element) -> str:
    """The element's name without namespace ('' for elements of another namespace)."""
    qname = etree.QName(element)
    return qname.localname if qname.namespace == NAMESPACE else ""


def _children(element: etree._Element, problems: list[Problem]) -> dict[str, etree._Element]:
    found: dict[str, etree._Element] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        name = local(child)
        if not name:
            problems.append(
                (
                    str(child.tag),
                    "element of another namespace",
                    "élément d'un autre espace de noms",
                )
            )
        elif name in found:
            problems.append((name, "element repeated", "élément répété"))
        else:
            found[name] = child
    return found


def _value(element: etree._Element, strip: bool) -> str | None:
    if element.get(_NIL) in ("true", "1"):
        return None
    text = element.text or ""
    return text.strip() if strip else text


_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def _scalar(node: Element | Nil, element: etree._Element) -> Any:
    raw = _value(element, strip=not node.text)
    if node.codec is BOOLEAN and raw is not None:
        return _BOOLEANS.get(raw, raw)  # only what xsd:boolean accepts
    return raw


_MISSING_NIL = (
    'required element missing (write it xsi:nil="true" when unknown)',
    'élément obligatoire absent (l\'écrire xsi:nil="true" si inconnu)',
)


def _read_group(
    element: etree._Element, group: Group, data: dict[str, Any], problems: list[Problem]
) -> None:
    """Read ``element``'s children as ``group`` describes them into ``data``; report what
    the table does not know and the required elements that are missing."""
    found = _children(element, problems)
    known = {child.tag for child in group.children}
    for name in found:
        if name not in known:
            problems.append((name, "unknown element", "élément inconnu"))
    for node in group.children:
        child = found.get(node.tag)
        if isinstance(node, Element):
            if child is not None:
                data[str(node.key)] = _scalar(node, child)
        elif isinstance(node, Nil):
            if child is None:
                problems.append((node.tag, *_MISSING_NIL))
            else:
                data[str(node.key)] = _scalar(node, child)
        elif isinstance(node, Flag):
            present = _BOOLEANS.get(_value(child, True) or "") if child is not None else None
            given = next(n.tag for n in group.children if n.key == node.of and n is not node)
            if present is None:
                problems.append((node.tag, "required", "obligatoire"))
            elif present is not (given in found):
                problems.append(
                    (
                        node.tag,
                        f"must be true exactly when {given} is given",
                        f"doit valoir true exactement quand {given} est présent",
                    )
                )
        elif isinstance(node, Choice):
            _read_choice(node, child, data, problems)
        elif isinstance(node, ListOf):
            if child is not None:
                items = []
                for item in child:
                    if isinstance(item.tag, str) and local(item) == node.item:
                        values: dict[str, Any] = {}
                        _read_group(item, node, values, problems)
                        items.append(values)
                data[str(node.key)] = items
        elif isinstance(node, Group):
            if child is None:
                if node.key is None:
                    problems.append((node.tag, "required", "obligatoire"))
            elif node.key is None:
                _read_group(child, node, data, problems)
            else:
                inner: dict[str, Any] = {}
                _read_group(child, node, inner, problems)
                data[str(node.key)] = inner


def _read_choice(
    node: Choice, element: etree._Element | None, data: dict[str, Any], problems: list[Problem]
) -> None:
    if element is None:
        return  # the model says "required" (or the XSD, for a choice without a field)
    found = _children(element, problems)
    names = [branch.tag for branch in node.branches]
    if len(found) != 1 or not set(found) <= set(names):
        problems.append(
            (
                node.tag,
                f"needs exactly one of {', '.join(names)}",
                f"demande exactement un de {', '.join(names)}",
            )
        )
    target = data if node.key is None else data.setdefault(str(node.key), {})
    for index, branch in enumerate(node.branches):
        if branch.tag in found:
            kind = node.kinds[index] if index < len(node.kinds) else None
            if kind is not None:
                target["kind"] = kind
            _read_group(found[branch.tag], branch, target, problems)
            break


def read_passage(element: etree._Element) -> tuple[Passage | None, list[Problem]]:
    """The passage an element carries, and what is wrong with it (element path, reasons)."""
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    _read_group(element, PASSAGE, data, problems)
    try:
        passage = Passage.model_validate(data)
    except ValidationError as exc:
        for field, en, fr in reasons(exc):
            problems.append((_FIELD_ELEMENTS.get(field, field), en, fr))
        return None, problems
    return passage, problems
