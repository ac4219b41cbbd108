"""docs/mapping-fc.md is generated from the tables, and the committed copy is current."""

from __future__ import annotations

from rncpkit.formats import fc_csv
from rncpkit.formats.fc_xml import V41
from rncpkit.formats.mapping_docs import render
from rncpkit.formats.xmltable import Group, Node

from .conftest import ROOT

PAGE = ROOT / "docs" / "mapping-fc.md"


def _tags(node: Node) -> set[str]:
    tags = {node.tag}
    if isinstance(node, Group):
        for child in node.children:
            tags |= _tags(child)
    return tags


def test_committed_mapping_page_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(), (
        "regenerate: python -m rncpkit.formats.mapping_docs > docs/mapping-fc.md"
    )


def test_every_element_and_column_is_on_the_page() -> None:
    page = render()
    for tag in _tags(V41) - {"FICHE"}:
        assert f"/{tag}" in page, tag
    for csv_file in fc_csv.FILES:
        for column in csv_file.cells:
            assert f"| {csv_file.name} | `{column.header}` |" in page
