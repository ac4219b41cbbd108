"""The Caisse des Dépôts processing report ("accusé de traitement") of a deposited flux.

What the portal returns for each file (XML, elements in no namespace)::

    rapport
    ├─ nomFichier?        the deposited file's name
    ├─ idFlux?            its idFlux
    ├─ idTraitement?      the portal's treatment number
    ├─ erreurs?/erreur*   {type, message, ligne, colonne}: the file was refused whole (XSD)
    ├─ PassagesKO?/passage*  {idTechnique, messageErreur}: passages refused one by one
    └─ PassagesOK?/idTechnique*  passages accepted

A report may list 200,000 passages: it is streamed (:func:`rncpkit.xmlsafe.iterparse`), each
outcome handed to a callback and forgotten; the summary keeps counts, not passages.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from rncpkit import xmlsafe
from rncpkit.errors import InputError

__all__ = [
    "KNOWN_MESSAGES",
    "Explanation",
    "FileError",
    "Outcome",
    "ProcessingReport",
    "explain",
    "read_report",
]

MAX_KEPT_ERRORS = 1000
"""File-level errors kept in the summary (all are counted)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the portal did with one passage."""

    technical_id: str
    accepted: bool
    message: str | None = None
    """``messageErreur`` of a refused passage."""


@dataclass(frozen=True, slots=True)
class FileError:
    """``erreur``: why the file was refused whole (``type`` is ``XSD`` in the reports seen)."""

    type: str
    message: str
    line: int | None
    column: int | None


@dataclass
class ProcessingReport:
    """The summary of one processing report."""

    source: str
    file_name: str | None = None
    id_flux: str | None = None
    treatment_id: str | None = None
    accepted: int = 0
    refused: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    """``messageErreur`` → number of passages refused with it."""
    errors: list[FileError] = field(default_factory=list)
    error_count: int = 0

    @property
    def file_refused(self) -> bool:
        """The whole file was refused (no passage was treated)."""
        return self.error_count > 0

    @property
    def ok(self) -> bool:
        """Every passage was accepted."""
        return not self.file_refused and not self.refused


@dataclass(frozen=True, slots=True)
class Explanation:
    """What a known portal message means and what to check, in French and English."""

    fr: str
    en: str


KNOWN_MESSAGES: tuple[tuple[str, Explanation], ...] = (
    # the longer message first: it begins with the shorter one
    (
        "Aucun titulaire ne correspond aux critères obligatoires enrichis du jour et du mois "
        "de naissance",
        Explanation(
            fr="Le portail a cherché la personne avec les critères obligatoires complétés du "
            "jour et du mois de naissance, sans la trouver : vérifier la date de naissance "
            "complète (jour et mois, pas seulement l'année), puis le nom de naissance, le "
            "premier prénom, le sexe et la commune de naissance.",
            en="The portal looked for the person with the required criteria plus the day and "
            "month of birth and found no one: check the full birth date (day and month, not "
            "only the year), then the birth name, first given name, sex and birth place.",
        ),
    ),
    (
        "Aucun titulaire ne correspond aux critères obligatoires",
        Explanation(
            fr="Aucune personne ne correspond à l'identité déclarée : vérifier le nom de "
            "naissance (pas le nom d'usage), le premier prénom, l'année de naissance, le sexe "
            "et le code INSEE de la commune de naissance (99xxx à l'étranger), ou le numéro "
            "de dossier CPF et le nom et prénom qui l'accompagnent.",
            en="No person matches the identity declared: check the birth name (not the usage "
            "name), the first given name, the birth year, the sex and the INSEE code of the "
            "birth town (99xxx abroad), or the CPF dossier number and the names given with it.",
        ),
    ),
    (
        "Le titulaire existe déjà en base",
        Explanation(
            fr="Ce passage est déjà enregistré pour ce titulaire (déclaré dans un fichier "
            "précédent ou saisi sur le portail) : ne pas le renvoyer ; vérifier qu'il ne "
            "s'agit pas d'un doublon dans vos fichiers.",
            en="This award is already recorded for this holder (declared in an earlier file "
            "or entered on the portal): do not send it again; check your files for a "
            "duplicate.",
        ),
    ),
)


def explain(message: str | None) -> Explanation | None:
    """The explanation of a portal message, when it is one rncpkit knows."""
    text = " ".join((message or "").split())
    for known, explanation in KNOWN_MESSAGES:
        if text.startswith(known):
            return explanation
    return None


_TAGS = ("nomFichier", "idFlux", "idTraitement", "erreur", "passage", "idTechnique", "rapport")


def _child_text(element: etree._Element, name: str) -> str | None:
    for child in element:
        if child.tag == name:
            return (child.text or "").strip() or None
    return None


def _integer(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


OnOutcome = Callable[[Outcome, "ProcessingReport"], None]
"""Called with each passage's outcome and the report read so far (its header is known: it
comes first in the file)."""


def read_report(
    path: str | os.PathLike[str], on_outcome: OnOutcome | None = None
) -> ProcessingReport:
    """Read the processing report at ``path`` in bounded memory; each passage's outcome is
    given to ``on_outcome`` as it is read."""
    name = os.fspath(path)
    report = ProcessingReport(source=name)
    root_seen = False
    try:
        stream = open(name, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror}", file=name) from None
    with stream:
        try:
            for event, element in xmlsafe.iterparse(
                stream, tag=_TAGS, events=("start", "end"), name=name
            ):
                if event == "start":
                    if element.getparent() is None:
                        root_seen = element.tag == "rapport"
                        if not root_seen:
                            break
                    continue
                _end(element, report, on_outcome)
        except etree.XMLSyntaxError as exc:
            raise InputError(
                f"not well-formed XML: {exc.msg}", file=name, line=exc.lineno
            ) from None
    if not root_seen:
        raise InputError(
            "not a Caisse des Dépôts processing report (root element 'rapport' expected) / "
            "pas un accusé de traitement (élément racine 'rapport' attendu)",
            file=name,
        )
    return report


def _end(
    element: etree._Element,
    report: ProcessingReport,
    on_outcome: OnOutcome | None,
) -> None:
    parent = element.getparent()
    owner = parent.tag if parent is not None else None
    tag = element.tag
    if tag == "rapport":
        return
    if owner == "rapport":
        value = (element.text or "").strip() or None
        if tag == "nomFichier":
            report.file_name = value
        elif tag == "idFlux":
            report.id_flux = value
        elif tag == "idTraitement":
            report.treatment_id = value
        return
    if tag == "erreur":
        report.error_count += 1
        if len(report.errors) < MAX_KEPT_ERRORS:
            report.errors.append(
                FileError(
                    type=_child_text(element, "type") or "",
                    message=_child_text(element, "message") or "",
                    line=_integer(_child_text(element, "ligne")),
                    column=_integer(_child_text(element, "colonne")),
                )
            )
    elif tag == "passage" and owner == "PassagesKO":
        tid = _child_text(element, "idTechnique") or ""
        message = " ".join((_child_text(element, "messageErreur") or "").split())
        report.refused += 1
        report.reasons[message] += 1
        if on_outcome is not None:
            on_outcome(Outcome(tid, False, message), report)
    elif tag == "idTechnique" and owner == "PassagesOK":
        report.accepted += 1
        if on_outcome is not None:
            on_outcome(Outcome((element.text or "").strip(), True), report)
    else:
        return  # an idTechnique inside a refused passage: read with it
    element.clear()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
