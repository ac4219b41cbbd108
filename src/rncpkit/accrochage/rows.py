"""One row of the holders file → one :class:`~.model.Passage`, with every problem of the row.

Each cell is read on its own (a bad date does not hide a bad sex code), then the model and
the rules between fields (exam dates, VAE route, birth date…) run on whatever cells were
read, so a certifier sees all the problems of all the rows in one run. A cell that could
not be read is reported once: the model's "required" for the field it would have filled is
not repeated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from rncpkit.accrochage.cells import CellError
from rncpkit.accrochage.columns import (
    BY_NAME,
    COLUMNS,
    FIELD_COLUMNS,
    PERSONAL,
    holder_kind,
    rename_for,
)
from rncpkit.accrochage.model import (
    XSD_VERSION,
    CertificationRef,
    CivilIdentity,
    CpfFile,
    NationalId,
    Passage,
    civil_conflicts,
    passage_conflicts,
    reasons,
)
from rncpkit.accrochage.nir import Nir, contradictions

_HOLDER_MODELS: dict[str, type[CivilIdentity | CpfFile | NationalId]] = {
    "civil": CivilIdentity,
    "cpf": CpfFile,
    "nir": NationalId,
}


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem of one row: where, which value (unless personal), why (fr/en).

    ``warning`` problems (e.g. an award dated before the fiche's registration) are shown
    but do not refuse the row."""

    row: int
    technical_id: str | None
    column: str
    value: str | None
    reason_en: str
    reason_fr: str
    warning: bool = False

    @property
    def hidden(self) -> bool:
        """Whether the value is withheld because it is personal data."""
        return self.column in PERSONAL

    def shown_value(self) -> str:
        """The value as messages show it."""
        if self.hidden:
            return "(valeur masquée / value hidden)"
        if not self.value:
            return "(vide / empty)"
        return json.dumps(self.value, ensure_ascii=False)

    def __str__(self) -> str:
        who = f" [idTechnique {self.technical_id}]" if self.technical_id else ""
        kind = "avertissement/warning: " if self.warning else ""
        return (
            f"ligne/row {self.row}{who}: {kind}{self.column or '-'} {self.shown_value()}: "
            f"{self.reason_fr} / {self.reason_en}"
        )

    def as_dict(self) -> dict[str, str | int | None]:
        """Report form; personal values are left out."""
        return {
            "ligne": self.row,
            "id_technique": self.technical_id,
            "colonne": self.column,
            "valeur": None if self.hidden else self.value,
            "raison": self.reason_fr,
            "reason": self.reason_en,
        }


@dataclass(slots=True)
class Row:
    """One holder's row, as text cells by column name."""

    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """The stripped cell (empty when the column is absent)."""
        return self.cells.get(column, "").strip()

    @property
    def technical_id(self) -> str | None:
        """``id_technique``, the one identifier messages may show."""
        return self.get("id_technique") or None


@dataclass(slots=True)
class RowResult:
    """What a row gave: its certification, its passage (None when refused), the model
    fields that could be read (for the checks against the fiche) and its problems."""

    ref: CertificationRef | None
    passage: Passage | None
    data: dict[str, Any]
    problems: list[RowProblem] = field(default_factory=list)


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, name = path.split(".")
    for parent in parents:
        data = data.setdefault(parent, {})
    if value is not None:
        data[name] = value


def convert_row(
    row: Row, default_certification: str | None = None, *, schema: str = XSD_VERSION
) -> RowResult:
    """Read every cell of ``row``, then check the row as a whole (see the module doc)."""
    problems: list[RowProblem] = []
    tid = row.technical_id
    failed: set[str] = set()

    def report(column: str, en: str, fr: str) -> None:
        if any(p.column == column and p.reason_en == en for p in problems):
            return
        problems.append(RowProblem(row.number, tid, column, row.get(column) or None, en, fr))

    if "\0extra" in row.cells:
        report("", "more cells than columns in the header", "plus de cellules que de colonnes")
    values: dict[str, Any] = {}
    for name, cell in row.cells.items():
        if name.startswith("\0bad:"):
            failed.add(name[5:])
            report(
                name[5:],
                "expected text, a number or true/false",
                "texte, nombre ou vrai/faux attendu",
            )
            continue
        declared = BY_NAME.get(name)
        text = cell.strip()
        if declared is None or not text:
            continue  # markers, and columns another feature reads
        try:
            values[name] = declared.parse(text)
        except CellError as exc:
            failed.add(name)
            report(name, exc.en, exc.fr)

    ref = _certification(values, default_certification, report)
    filled = {name for name, cell in row.cells.items() if cell.strip()}
    kind = holder_kind(filled)
    if kind == "cpf" and "nir" in filled:
        report(
            "nir",
            "give a CPF dossier or a NIR, not both (the flux takes one identification)",
            "donner un dossier CPF ou un NIR, pas les deux (le flux prend une identification)",
        )
    if "nir" in filled and schema == "1.1.2":
        report(
            "nir",
            "identification by NIR exists only in schema 1.1.5 (use --schema 1.1.5)",
            "l'identification par NIR n'existe que dans le schéma 1.1.5 (--schema 1.1.5)",
        )
    nir = values.get("nir")
    if isinstance(nir, Nir):
        sex = values.get("sexe")
        year, month, _day = values.get("date_naissance", (None, None, None))
        for column, en, fr in contradictions(nir, sex.value if sex else None, year, month):
            report(column, en, fr)

    data = _passage_data(values, kind)
    try:
        passage: Passage | None = Passage.model_validate(data)
    except ValidationError as exc:
        passage = None
        for name, en, fr in reasons(exc):
            column = FIELD_COLUMNS.get(name, name)
            if column not in failed:
                report(column, en, fr)
    if passage is None:  # the rules between fields, on whatever was read
        rules = passage_conflicts(data)
        if kind == "civil":
            rules += civil_conflicts(data.get("holder", {}))
        for name, en, fr in rules:
            report(FIELD_COLUMNS.get(name, name), en, fr)
    return RowResult(ref, None if problems else passage, data, problems)


def _certification(
    values: dict[str, Any], default: str | None, report: Any
) -> CertificationRef | None:
    code = values.get("certification") or default
    if not code:
        report(
            "certification",
            "no certification code (column or --certification)",
            "aucun code de certification (colonne ou --certification)",
        )
        return None
    try:
        return CertificationRef(code=str(code).upper())
    except ValidationError as exc:
        for _field, en, fr in reasons(exc):
            report("certification", en, fr)
        return None


def _passage_data(values: dict[str, Any], kind: str) -> dict[str, Any]:
    """The model's input, built by walking the column table (absent values left out, so a
    missing required value reads "required", not "must be text")."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        column = BY_NAME[name]
        if isinstance(value, Nir):
            value = value.number
        if len(column.fields) > 1:
            for path, part in zip(column.fields, value, strict=True):
                _put(data, path, part)
        else:
            for path in column.fields:
                _put(data, path, value)
    holder = data.get("holder", {})
    renames = rename_for(kind)
    allowed = _HOLDER_MODELS[kind].model_fields
    data["holder"] = {
        renames.get(key, key): value
        for key, value in holder.items()
        if renames.get(key, key) in allowed
    }
    data["holder"]["kind"] = kind
    return data


def to_passage(
    row: Row, default_certification: str | None = None, *, schema: str = XSD_VERSION
) -> tuple[CertificationRef | None, Passage | None, list[RowProblem]]:
    """Convert one row; return its certification, its passage and its problems (the
    passage is None when there is any problem)."""
    result = convert_row(row, default_certification, schema=schema)
    return result.ref, result.passage, result.problems


__all__ = ["COLUMNS", "Row", "RowProblem", "RowResult", "convert_row", "to_passage"]
