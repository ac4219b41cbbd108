"""The accrochage flux as one element table: each CDC element, declared once with the model
field it carries, in the order rncpkit writes it.

The writer (:mod:`.writer`, through :func:`rncpkit.formats.xmltable.write_children` and
:class:`rncpkit.xmlwrite.XmlWriter`), the reader and checker (:mod:`.reader`), the error
locator (model field → element) and the test of the XSDs in ``schemas/`` all walk these
tables. Node kinds are the shared ones (:mod:`rncpkit.formats.xmltable`); the flux adds what
its XSD has and France Compétences' flux has not: elements written ``xsi:nil="true"`` when
unknown (:class:`Nil`), booleans derived from another field (:class:`Flag`), and exclusive
branches (:class:`Choice`).

Tags are local names; every element is in namespace ``urn:cdc:cpf:pc5:schema:1.0.0``,
written with the ``cpf`` prefix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from rncpkit.formats.xmltable import TEXT, Codec, Custom, Group, Leaf, ListOf, Node
from rncpkit.xmlwrite import XmlWriter

__all__ = [
    "BOOLEAN",
    "CERTIFICATION",
    "HEADER",
    "ONLY_1_1_5",
    "PASSAGE",
    "SLOT",
    "XSI",
    "Choice",
    "Element",
    "Flag",
    "Nil",
    "Slot",
    "field_elements",
    "prefixed",
    "walk",
]

XSI = "http://www.w3.org/2001/XMLSchema-instance"
PREFIX = "cpf:"
_NIL_ATTRIBUTE = {"xsi:nil": "true"}


def _no_parse(text: str) -> str:
    return text  # the model parses (and reports in both languages)


def _date(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _boolean(value: Any) -> str:
    return "true" if value else "false"


DATE = Codec("date", _no_parse, _date)
BOOLEAN = Codec("boolean", _no_parse, _boolean)
INTEGER = Codec("integer", _no_parse, str)


@dataclass(frozen=True)
class Element(Leaf):
    """A text element. ``optional`` (``minOccurs="0"``): left out when the value is absent;
    ``text``: free text, kept exactly as written (other values are read stripped)."""

    optional: bool = False
    text: bool = False


def _write_nil(node: Nil) -> Callable[[XmlWriter, Any], None]:
    def write(writer: XmlWriter, obj: Any) -> None:
        value = getattr(obj, node.key)  # type: ignore[arg-type]
        if value is None:
            writer.leaf(node.tag, None, _NIL_ATTRIBUTE)
        else:
            writer.leaf(node.tag, node.codec.format(value))

    return write


@dataclass(frozen=True)
class Nil(Custom):
    """A required element written ``xsi:nil="true"`` when its value is unknown (None)."""

    codec: Codec = TEXT
    text: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "write", _write_nil(self))


def _write_flag(node: Flag) -> Callable[[XmlWriter, Any], None]:
    def write(writer: XmlWriter, obj: Any) -> None:
        writer.leaf(node.tag, _boolean(getattr(obj, node.of) is not None))

    return write


@dataclass(frozen=True)
class Flag(Custom):
    """A required boolean that says whether field ``of`` is given (``presence…``)."""

    of: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "write", _write_flag(self))


def _write_choice(node: Choice) -> Callable[[XmlWriter, Any], None]:
    def write(writer: XmlWriter, obj: Any) -> None:
        from rncpkit.formats.xmltable import write_children

        value = obj if node.key is None else getattr(obj, node.key)  # type: ignore[arg-type]
        branch = node.branches[node.pick(value)]
        writer.start(node.tag)
        writer.start(branch.tag)
        write_children(writer, branch, value)
        writer.end()
        writer.end()

    return write


@dataclass(frozen=True)
class Choice(Custom):
    """An element holding exactly one of ``branches``; ``pick(value)`` says which one to
    write, ``kinds`` the model's discriminator value read for each (when it has one)."""

    branches: tuple[Group, ...] = ()
    pick: Callable[[Any], int] = field(default=lambda _value: 0, compare=False)
    kinds: tuple[str | None, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "write", _write_choice(self))


SLOT = "__slot__"
"""Where a :class:`Slot`'s items go: the writer cuts the rendered text there."""


def _write_slot(node: Slot) -> Callable[[XmlWriter, Any], None]:
    def write(writer: XmlWriter, _obj: Any) -> None:
        writer.start(node.tag)
        writer.leaf(SLOT, None)
        writer.end()

    return write


@dataclass(frozen=True)
class Slot(Custom):
    """A wrapper whose items (``item``, described by table ``of``) are written apart, one
    at a time, so a file can be split between any two of them."""

    item: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "write", _write_slot(self))


_HOLDER_KINDS = ("cpf", "civil", "nir")

PASSAGE = Group(
    "passageCertification",
    None,
    children=(
        Element("idTechnique", "technical_id", text=True),
        Element("urlPreuve", "proof_url", optional=True, text=True),
        Element("libelleOption", "option_label", optional=True, text=True),
        Element("obtentionCertification", "obtained_by"),
        Element("donneeCertifiee", "definitive", BOOLEAN),
        Element("dateDebutExamen", "exam_start", DATE, optional=True),
        Element("dateFinExamen", "exam_end", DATE, optional=True),
        Element("modalitePassageExamen", "exam_mode", optional=True),
        Element("codePostalCentreExamen", "exam_postcode", optional=True, text=True),
        Element("dateDebutValidite", "valid_from", DATE),
        Nil("dateFinValidite", "valid_until", codec=DATE),
        Flag("presenceNiveauLangueEuro", None, of="language_level"),
        Element("niveauLangueEuropeen", "language_level", optional=True),
        Flag("presenceNiveauNumeriqueEuro", None, of="digital_level"),
        Group(
            "niveauNumeriqueEuropeen",
            "digital_level",
            children=(
                Element("scoreGeneral", "general_score", INTEGER, optional=True),
                ListOf(
                    "resultats",
                    "results",
                    item="resultat",
                    children=(
                        Element("niveau", "level", INTEGER, optional=True),
                        Element("domaineCompetenceId", "domain_id", optional=True, text=True),
                        Element("competenceId", "competence_id", optional=True, text=True),
                    ),
                ),
            ),
        ),
        Nil("scoring", "scoring", text=True),
        Nil("mentionValidee", "mention"),
        Group(
            "modalitesInscription",
            None,
            children=(
                Nil("modaliteAcces", "access_mode"),
                Element("voieAccessVAE", "vae_route", optional=True),
                Element("initiativeInscription", "registration_initiative", optional=True),
                Element("dateInscription", "registration_date", DATE, optional=True),
            ),
        ),
        Choice(
            "identificationTitulaire",
            "holder",
            branches=(
                Group(
                    "dossierFormation",
                    None,
                    children=(
                        Element("idDossier", "file_id", text=True),
                        Element("nomTitulaire", "last_name", text=True),
                        Element("prenom1Titulaire", "first_name", text=True),
                    ),
                ),
                Group(
                    "titulaire",
                    None,
                    children=(
                        Element("nomNaissance", "birth_name", text=True),
                        Nil("nomUsage", "usage_name", text=True),
                        Element("prenom1", "first_name", text=True),
                        Element("prenom2", "second_first_name", optional=True, text=True),
                        Element("prenom3", "third_first_name", optional=True, text=True),
                        Element("anneeNaissance", "birth_year", INTEGER),
                        Nil("moisNaissance", "birth_month", codec=INTEGER),
                        Nil("jourNaissance", "birth_day", codec=INTEGER),
                        Element("sexe", "sex"),
                        Choice(
                            "codeCommuneNaissance",
                            None,
                            branches=(
                                Group(
                                    "codeInseeNaissance",
                                    None,
                                    children=(Element("codeInsee", "birth_insee_code"),),
                                ),
                                Group(
                                    "codePostalNaissance",
                                    None,
                                    children=(Nil("codePostal", "birth_postcode", text=True),),
                                ),
                            ),
                            pick=lambda holder: 0 if holder.birth_insee_code is not None else 1,
                            kinds=(None, None),
                        ),
                        Element("libelleCommuneNaissance", "birth_town", optional=True, text=True),
                        Element("codePaysNaissance", "birth_country_code", optional=True),
                        Element("libellePaysNaissance", "birth_country", optional=True, text=True),
                        Element("commentairesMEN", "comments_men", optional=True, text=True),
                    ),
                ),
                Group(
                    "identifiantNational",
                    None,
                    children=(
                        Element("nir", "nir"),
                        Element("nomNaissance", "birth_name", text=True),
                    ),
                ),
            ),
            pick=lambda holder: _HOLDER_KINDS.index(holder.kind),
            kinds=_HOLDER_KINDS,
        ),
        Element("verbatim", "verbatim", optional=True, text=True),
    ),
)
"""``passageCertification``: one holder who obtained the certification."""

CERTIFICATION = Group(
    "certification",
    None,
    children=(
        Element("type", "type"),
        Element("code", "code"),
        Element("natureDeposant", "depositor", optional=True),
        Slot("passageCertifications", None, item="passageCertification"),
    ),
)
"""``certification``: its passages are written one by one (see :mod:`.writer`)."""

HEADER = Group(
    "flux",
    None,
    children=(
        Element("idFlux", "id_flux"),
        Element("horodatage", "horodatage"),
        Element("action", "action"),  # 1.1.5 only: left out of 1.1.2 (no value)
        Group(
            "emetteur",
            None,
            children=(
                Element("idClient", "emitter_id_client"),
                Group(
                    "certificateurs",
                    None,
                    children=(
                        Group(
                            "certificateur",
                            "certifier",
                            children=(
                                Element("idClient", "id_client"),
                                Element("idContrat", "id_contract"),
                                Slot("certifications", None, item="certification"),
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
)
"""``flux`` and its header; certifications are written one by one (see :mod:`.writer`)."""


ONLY_1_1_5 = frozenset({"action", "identifiantNational"})
"""Elements schema 1.1.5 adds; a 1.1.2 flux has none (its header has no ``action``)."""


# --------------------------------------------------------------------------- views


G = TypeVar("G", bound=Node)


def prefixed(node: G) -> G:
    """The same table with ``cpf:`` tags, as the writer spells them."""
    changes: dict[str, Any] = {"tag": PREFIX + node.tag}
    if isinstance(node, ListOf | Slot):
        changes["item"] = PREFIX + node.item
    if isinstance(node, Group):
        changes["children"] = tuple(prefixed(child) for child in node.children)
    if isinstance(node, Choice):
        changes["branches"] = tuple(prefixed(branch) for branch in node.branches)
    return replace(node, **changes)


def walk(node: Node) -> Iterator[tuple[str, Node]]:
    """(parent tag, node) of every element under ``node``, depth first, in order."""
    children: tuple[Node, ...] = ()
    if isinstance(node, Group):
        children = node.children
    elif isinstance(node, Choice):
        children = node.branches
    for child in children:
        yield node.tag, child
        yield from walk(child)


def field_elements(node: Node) -> dict[str, str]:
    """Model field → element that carries it (where a model error is located)."""
    found: dict[str, str] = {}
    for _parent, child in walk(node):
        key = child.key
        if isinstance(key, str):
            found[key] = child.tag  # a later branch wins: prenom1 over prenom1Titulaire
    found["kind"] = found.get("holder", "identificationTitulaire")
    return found


def nillable(node: Node) -> dict[str, tuple[str, ...]]:
    """Parent tag → its required nillable children."""
    found: dict[str, list[str]] = {}
    for parent, child in walk(node):
        if isinstance(child, Nil):
            found.setdefault(parent, []).append(child.tag)
    return {parent: tuple(tags) for parent, tags in found.items()}
