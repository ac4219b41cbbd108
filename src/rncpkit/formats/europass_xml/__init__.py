"""Europass ELM 3 "LOQ" XML 3.1.0 (Qualification Dataset Register upload format).

Writing (:mod:`.writing`): each fiche becomes a ``qualification`` and each block a partial
``qualification``, every entity in its LOQ container. Reading (:mod:`.reading`): the reverse
mapping for documents rncpkit wrote. Writer and reader walk the same element tables, one
per LOQ entity (:mod:`rncpkit.europass.loq_table`).
"""

from __future__ import annotations

from rncpkit.europass.isced import EuropassOptions
from rncpkit.formats.base import Format
from rncpkit.formats.europass_xml.reading import CONTAINERS, NS, read
from rncpkit.formats.europass_xml.writing import FORMAT_NAME, LoqWriter
from rncpkit.io import InputFile

__all__ = [
    "CONTAINERS",
    "FORMAT",
    "NS",
    "LoqWriter",
]


def sniff(opened: InputFile) -> bool:
    """A LOQ document: root ``Courses`` in the LOQ namespace."""
    head = opened.head[:4096]
    return opened.archive is None and b"<Courses" in head and NS.encode() in head


FORMAT = Format(
    name=FORMAT_NAME,
    description="Europass ELM 3 LOQ XML 3.1.0 (QDR): one qualification per fiche, blocks as "
    "partial qualifications",
    extensions=(".loq.xml",),
    sniff=sniff,
    reader=read,
    writer=LoqWriter,
    options=EuropassOptions,
)
