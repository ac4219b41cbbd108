"""France Compétences XML flux V1.2 (the exports of 2019–2020), read into the same model.

V1.2 uses the element names of V3.0 (``INTITULE`` labels for the level and NSF codes,
``LIBELLE`` for Formacodes, ROME and ``ABREGE``; flat ``SI_JURY_*`` flags with ``JURY_*``
compositions; ``NOUVELLE_CERTIFICATION``/``ANCIENNE_CERTIFICATION`` text children), so its
table is V3.0's (:data:`rncpkit.formats.fc_xml.legacy.V30`) with one change. What else
differs is layout, which the reader already takes:

* tab indentation, and most texts in CDATA sections holding raw HTML (``<br />``, ``<p>``,
  ``<a href = "…">``, non-breaking spaces): turned into V4.1's plain single-line text by the
  same HTML rule as V2.0/V3.0;
* children in an order that varies between fiches (``FORMACODES``, ``PARTENAIRES``,
  ``BLOCS_COMPETENCES`` and the links come late): the reader goes by element name;
* ``CERTIFICATEUR`` lists the name before the SIRET, which is often absent; the same
  certifier may be listed twice (both kept, as exported);
* ``HABILITATION_PARTENAIRE`` values followed by a line break and tabs (trimmed, as codes);
* a fiche without level has no ``NIVEAU``: its level stays unset and the label France
  Compétences gives ("Sans niveau – …", with a line break inside) is kept on one line;
* ``PUBLICATION_JO`` items carry a ``TITRE`` only.

``DATE_PREMIER_JO`` (the first publication in the Journal officiel) and
``LIEN_STATISTIQUES`` (free HTML about statistics, not a URL) have no counterpart in later
versions nor in the model: they are kept verbatim in ``unknown_elements``, like any element
rncpkit does not map. V1.2 is read only.
"""

from __future__ import annotations

from dataclasses import replace

from rncpkit.formats.fc_xml.legacy import V30, html_to_text, text_to_html
from rncpkit.formats.xmltable import Codec, Group, Leaf, Node


def _one_line(value: str) -> str:
    return " ".join(html_to_text(value).split())


LABEL = Codec("label", _one_line, text_to_html)
"""A short label: HTML to text, every run of white space (line breaks too) one space."""


def _level_group(node: Node) -> Node:
    assert isinstance(node, Group)
    children = tuple(
        replace(child, codec=LABEL)
        if isinstance(child, Leaf) and child.tag == "INTITULE"
        else child
        for child in node.children
    )
    return replace(node, children=children)


V12 = replace(
    V30,
    children=tuple(
        _level_group(node) if node.tag == "NOMENCLATURE_EUROPE" else node for node in V30.children
    ),
)
"""Flux V1.2 (2019–2020)."""

__all__ = ["LABEL", "V12"]
