"""The France Compétences CSV export as one table: its ten files, each column and the model
field it fills. The reader (:mod:`.reading`), the writer (:mod:`.writing`) and
docs/mapping-fc.md all walk :data:`FILES`; to map a new column, add it here.

The CSV carries a subset of the XML flux: no texts, jury compositions, partner states,
statistics or publications. Spellings (dates ``JJ/MM/AAAA``, ``Oui``/``Non``) are the flux's.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from rncpkit.formats.fc_xml.codecs import BOOL, DATE, INT
from rncpkit.formats.xmltable import BadValue

__all__ = [
    "AGREEMENTS",
    "BLOCKS",
    "CERTIFIERS",
    "CHILDREN",
    "FILES",
    "FORMACODES",
    "LINKS",
    "NSF",
    "PARTNERS",
    "ROME",
    "ROUTES",
    "STANDARD",
    "Cell",
    "Column",
    "CsvFile",
    "Shape",
    "key",
]


@dataclass(frozen=True, slots=True)
class Cell:
    """How a value is spelled in a cell: ``parse`` (raising BadValue) and ``format``; an
    absent value is ``None`` on the model side and an empty cell on the CSV side."""

    parse: Callable[[str], Any]
    format: Callable[[Any], str | None]


def _enum_value(value: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    return str(getattr(value, "value", value))


def _blank_or(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda text: parse(text) if text.strip() else None


def _or_none(format: Callable[[Any], str]) -> Callable[[Any], str | None]:
    return lambda value: None if value is None else format(value)


def _active(text: str) -> bool | None:
    value = text.strip()
    if not value:
        return None
    if value not in ("ACTIVE", "INACTIVE"):
        raise BadValue(f"expected ACTIVE or INACTIVE, got {text!r:.60}")
    return value == "ACTIVE"


def _siret(text: str) -> str | None:
    return text.strip(" \t\u00a0") or None


TEXT = Cell(lambda text: text, _enum_value)
"""Text as written (an empty cell is empty text)."""
OPTIONAL = Cell(lambda text: text or None, _enum_value)
"""Text, absent when the cell is empty."""
CODE = Cell(str.strip, _enum_value)
"""A code, spaces trimmed."""
OPTIONAL_CODE = Cell(lambda text: text.strip() or None, _enum_value)
NUMBER = Cell(_blank_or(INT.parse), _or_none(INT.format))
DAY = Cell(_blank_or(DATE.parse), _or_none(DATE.format))
YES_NO = Cell(_blank_or(BOOL.parse), _or_none(BOOL.format))
ACTIVE = Cell(_active, lambda value: None if value is None else ("ACTIVE" if value else "INACTIVE"))
SIRET = Cell(_siret, lambda value: "\t" + value if value else None)
"""A SIRET, which the export prefixes with a TAB (so that spreadsheets keep it as text)."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its header and the model field it fills (``abbreviation.code`` for a
    field of a sub-model; a field of the list item in files of items)."""

    header: str
    field: str
    cell: Cell = TEXT
    slot: int = 0
    """Which item of the row a column belongs to, in files with several per row (CCN)."""
    prefixed: str | None = None
    """The item field whose value prefixes this label in the CSV (``"251 : Mécanique"``)."""


class Shape(Enum):
    """How the rows of a file map to a fiche."""

    FICHE = "one row per fiche: columns are fields of the fiche"
    ITEMS = "one row per item of the list field"
    SLOTS = "one row per fiche holding up to N items of the list field side by side"
    PAIRS = "rows pairing values of several lists of numbers, each column its own list"
    OPEN_ROUTES = "one row per open access route, named by its French label"


@dataclass(frozen=True)
class CsvFile:
    """One of the ten files: ``export_fiches_CSV_<name>_AAAA_MM_JJ.csv``."""

    name: str
    shape: Shape
    cells: tuple[Column, ...]
    field: str | None = None
    """The list field of the fiche the rows fill (files other than ``Standard``)."""
    description: str = ""
    columns: tuple[str, ...] = dataclasses.field(init=False)
    """The header row: child files start with the fiche number they belong to."""
    slots: tuple[tuple[tuple[int, Column], ...], ...] = dataclasses.field(init=False, repr=False)
    """The columns of each item of a row, with their index among the row's cells (computed
    once: the reader and the writer walk them for every row)."""

    def __post_init__(self) -> None:
        headers = tuple(column.header for column in self.cells)
        columns = headers if self.shape is Shape.FICHE else ("Numero_Fiche", *headers)
        object.__setattr__(self, "columns", columns)
        count = 1 + max(column.slot for column in self.cells)
        slots = tuple(
            tuple((i, c) for i, c in enumerate(self.cells) if c.slot == slot)
            for slot in range(count)
        )
        object.__setattr__(self, "slots", slots)


STANDARD = CsvFile(
    "Standard",
    Shape.FICHE,
    (
        Column("Id_Fiche", "fiche_id", NUMBER),
        Column("Numero_Fiche", "number", CODE),
        Column("Intitule", "title"),
        Column("Abrege_Libelle", "abbreviation.code"),
        Column("Abrege_Intitule", "abbreviation.label", OPTIONAL),
        Column("Nomenclature_Europe_Niveau", "level", OPTIONAL_CODE),
        Column("Nomenclature_Europe_Intitule", "level_label", OPTIONAL),
        Column("Accessible_Nouvelle_Caledonie", "new_caledonia", YES_NO),
        Column("Accessible_Polynesie_Francaise", "french_polynesia", YES_NO),
        Column("Date_dernier_jo", "last_journal_date", DAY),
        Column("Date_Decision", "decision_date", DAY),
        Column("Date_Fin_Enregistrement", "registration_end", DAY),
        Column("Date_Effet", "effective_date", DAY),
        Column("Type_Enregistrement", "registration_type", OPTIONAL_CODE),
        Column("Validation_Partielle", "partial_validation", YES_NO),
        Column("Actif", "active", ACTIVE),
    ),
    description="one row per fiche",
)
LINKS = CsvFile(
    "Ancienne_Nouvelle_Certification",
    Shape.PAIRS,
    (
        Column("Ancienne_Certification", "predecessors", CODE),
        Column("Nouvelle_Certification", "successors", CODE),
    ),
)
BLOCKS = CsvFile(
    "Blocs_De_Compétences",
    Shape.ITEMS,
    (Column("Bloc_Competences_Code", "code"), Column("Bloc_Competences_Libelle", "label")),
    field="blocks",
)
AGREEMENTS = CsvFile(
    "CCN",
    Shape.SLOTS,
    tuple(
        column
        for slot in range(3)
        for column in (
            Column(f"Ccn_{slot + 1}_Numero", "number", CODE, slot=slot),
            Column(f"Ccn_{slot + 1}_Libelle", "label", OPTIONAL, slot=slot),
        )
    ),
    field="collective_agreements",
)
CERTIFIERS = CsvFile(
    "Certificateurs",
    Shape.ITEMS,
    (Column("Siret_Certificateur", "siret", SIRET), Column("Nom_Certificateur", "name")),
    field="certifiers",
)
FORMACODES = CsvFile(
    "Formacode",
    Shape.ITEMS,
    (
        Column("Formacode_Code", "code", CODE),
        Column("Formacode_Libelle", "label", OPTIONAL, prefixed="code"),
    ),
    field="formacodes",
)
NSF = CsvFile(
    "Nsf",
    Shape.ITEMS,
    (Column("Nsf_Code", "code", CODE), Column("Nsf_Intitule", "label", OPTIONAL, prefixed="code")),
    field="nsf",
)
PARTNERS = CsvFile(
    "Partenaires",
    Shape.ITEMS,
    (
        Column("Nom_Partenaire", "name"),
        Column("Siret_Partenaire", "siret", SIRET),
        Column("Habilitation_Partenaire", "habilitation", OPTIONAL_CODE),
    ),
    field="partners",
)
ROME = CsvFile(
    "Rome",
    Shape.ITEMS,
    (Column("Codes_Rome_Code", "code", CODE), Column("Codes_Rome_Libelle", "label", OPTIONAL)),
    field="rome",
)
ROUTES = CsvFile(
    "VoixdAccès",
    Shape.OPEN_ROUTES,
    (Column("Si_Jury", "open"),),
    field="access_routes",
    description="the routes not listed are closed",
)

FILES: tuple[CsvFile, ...] = (
    LINKS,
    BLOCKS,
    AGREEMENTS,
    CERTIFIERS,
    FORMACODES,
    NSF,
    PARTNERS,
    ROME,
    STANDARD,
    ROUTES,
)
"""The ten files, in the order of the official zip (alphabetical)."""
CHILDREN: tuple[CsvFile, ...] = tuple(f for f in FILES if f is not STANDARD)


def key(name: str) -> str:
    """How member names compare: NFC, case-folded."""
    return unicodedata.normalize("NFC", name).casefold()
