"""docs/mapping-fc.md, rendered from the tables the readers and writers walk: every element
of the France Compétences XML flux and every column of its CSV export, with the model
field it fills and the field's description. Never edit the page by hand::

    python -m rncpkit.formats.mapping_docs > docs/mapping-fc.md

(tests/test_mapping_docs.py fails when the committed page is not current).
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from rncpkit.formats import fc_csv, fc_xml
from rncpkit.formats.fc_csv.table import Shape
from rncpkit.formats.xmltable import Attribute, Custom, Group, Leaf, ListOf, Node, Repeated, Values
from rncpkit.model import AccessRoute, Certification

__all__ = ["render"]


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in reversed(typing.get_args(annotation)):
        found = _model_of(argument)
        if found is not None:
            return found
    return None


def _describe(model: type[BaseModel] | None, name: str) -> str:
    field = model.model_fields.get(name) if model is not None else None
    return (field.description or "") if field is not None else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _xml_rows(
    group: Group, model: type[BaseModel], path: str, field: str
) -> Iterator[tuple[str, str, str, str]]:
    for node in group.children:
        yield from _xml_node(node, model, path, field)


def _xml_node(
    node: Node, model: type[BaseModel], path: str, field: str
) -> Iterator[tuple[str, str, str, str]]:
    here = f"{path}/{'@' if isinstance(node, Attribute) else ''}{node.tag}"
    key = node.key
    name = key[0] if isinstance(key, tuple) else key
    target = f"{field}{name}" if name else field.rstrip(".")
    if isinstance(key, tuple):
        target += f"[{key[1]}]"
    if isinstance(node, Leaf | Attribute):
        codec = node.codec.name
        description = node.description or _describe(model, name or "")
        yield here, target, codec, description
    elif isinstance(node, Values):
        yield f"{here}/{node.item}", f"{target}[]", node.codec.name, _describe(model, name or "")
    elif isinstance(node, ListOf | Repeated):
        sub = _model_of(model.model_fields[name].annotation) if name else None
        item = f"{here}/{node.item}" if isinstance(node, ListOf) else here
        if node.scalar:
            [leaf] = node.children
            assert isinstance(leaf, Leaf)
            yield f"{item}/{leaf.tag}", f"{target}[]", leaf.codec.name, _describe(model, name or "")
        else:
            index = (
                f"[{node.slot}]" if isinstance(node, Repeated) and node.slot is not None else "[]"
            )
            yield from _xml_rows(node, sub or model, item, f"{target}{index}.")
    elif isinstance(node, Group):
        if name is None:
            yield from _xml_rows(node, model, here, field)
        else:
            sub = _model_of(model.model_fields[name].annotation)
            if isinstance(key, tuple) and sub is None:
                sub = AccessRoute
            yield from _xml_rows(node, sub or model, here, f"{target}.")
    elif isinstance(node, Custom):
        yield here, target, "custom", ""


def _csv_rows() -> Iterator[tuple[str, str, str, str]]:
    for csv_file in fc_csv.FILES:
        list_field = csv_file.field
        item_model = (
            _model_of(Certification.model_fields[list_field].annotation) if list_field else None
        )
        for column in csv_file.cells:
            model: type[BaseModel]
            if csv_file.shape is Shape.FICHE:
                target, model = column.field, Certification
            elif csv_file.shape is Shape.PAIRS:
                target, model = f"{column.field}[]", Certification
            elif csv_file.shape is Shape.OPEN_ROUTES:
                target, model = "access_routes[<route>].open", AccessRoute
            else:
                slot = f"[{column.slot}]" if csv_file.shape is Shape.SLOTS else "[]"
                target, model = f"{list_field}{slot}.{column.field}", item_model or Certification
            name = column.field.split(".")[-1]
            note = f"prefixed by {column.prefixed} in the CSV" if column.prefixed else ""
            description = _describe(model, name) or csv_file.description
            yield (
                csv_file.name,
                column.header,
                target,
                "; ".join(part for part in (description, note) if part),
            )


def render() -> str:
    """The whole page, as Markdown."""
    lines = [
        "# France Compétences formats: element and column mapping",
        "",
        "Generated from the tables rncpkit's readers and writers walk "
        "(`src/rncpkit/formats/fc_xml/table.py`, `src/rncpkit/formats/fc_csv/table.py`) by "
        "`python -m rncpkit.formats.mapping_docs > docs/mapping-fc.md`. Do not edit by hand.",
        "",
        "## XML flux V4.1 (`fc-xml`)",
        "",
        "Older flux versions (V3.0, V2.0) are the same table with a few nodes swapped: see "
        "`src/rncpkit/formats/fc_xml/legacy.py`. `[]` is one item of a list; "
        "`access_routes[FI]` the route whose code is FI.",
        "",
        "| Element | Model field | Spelling | Description |",
        "|---|---|---|---|",
    ]
    for element, target, codec, description in _xml_rows(fc_xml.V41, Certification, "FICHE", ""):
        lines.append(f"| `{element}` | `{target}` | {codec} | {_cell(description)} |")
    lines += [
        "",
        "## CSV export (`fc-csv`)",
        "",
        "Ten `;`-separated files `export_fiches_CSV_<File>_AAAA_MM_JJ.csv` in one zip; every "
        "file but `Standard` starts with `Numero_Fiche`, the fiche its row belongs to.",
        "",
        "| File | Column | Model field | Description |",
        "|---|---|---|---|",
    ]
    for name, header, target, description in _csv_rows():
        lines.append(f"| {name} | `{header}` | `{target}` | {_cell(description)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
