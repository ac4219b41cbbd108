"""Reading a flux back: one ``passageCertification`` element → :class:`~.model.Passage`.

The checker streams a flux with :func:`rncpkit.xmlsafe.iterparse` and hands each passage
element here. Problems are located by element path, never by value.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from pydantic import ValidationError

from rncpkit.accrochage.model import NAMESPACE, Passage, reasons
from rncpkit.accrochage.writer import XSI

_NIL = f"{{{XSI}}}nil"

_PASSAGE: dict[str, str] = {
    "idTechnique": "technical_id",
    "urlPreuve": "proof_url",
    "libelleOption": "option_label",
    "obtentionCertification": "obtained_by",
    "donneeCertifiee": "definitive",
    "dateDebutExamen": "exam_start",
    "dateFinExamen": "exam_end",
    "modalitePassageExamen": "exam_mode",
    "codePostalCentreExamen": "exam_postcode",
    "dateDebutValidite": "valid_from",
    "dateFinValidite": "valid_until",
    "niveauLangueEuropeen": "language_level",
    "scoring": "scoring",
    "mentionValidee": "mention",
    "verbatim": "verbatim",
}
_INSCRIPTION = {
    "modaliteAcces": "access_mode",
    "voieAccessVAE": "vae_route",
    "initiativeInscription": "registration_initiative",
    "dateInscription": "registration_date",
}
_CPF = {"idDossier": "file_id", "nomTitulaire": "last_name", "prenom1Titulaire": "first_name"}
_NATIONAL = {"nir": "nir", "nomNaissance": "birth_name"}
_CIVIL = {
    "nomNaissance": "birth_name",
    "nomUsage": "usage_name",
    "prenom1": "first_name",
    "prenom2": "second_first_name",
    "prenom3": "third_first_name",
    "anneeNaissance": "birth_year",
    "moisNaissance": "birth_month",
    "jourNaissance": "birth_day",
    "sexe": "sex",
    "libelleCommuneNaissance": "birth_town",
    "codePaysNaissance": "birth_country_code",
    "libellePaysNaissance": "birth_country",
    "commentairesMEN": "comments_men",
}
_RESULT = {"niveau": "level", "domaineCompetenceId": "domain_id", "competenceId": "competence_id"}
_REQUIRED_NILLABLE = {
    "passageCertification": ("dateFinValidite", "scoring", "mentionValidee"),
    "modalitesInscription": ("modaliteAcces",),
    "titulaire": ("nomUsage", "moisNaissance", "jourNaissance"),
}
_FIELD_ELEMENTS = {
    field: element
    for table in (_PASSAGE, _INSCRIPTION, _CPF, _NATIONAL, _CIVIL, _RESULT)
    for element, field in table.items()
}
_FIELD_ELEMENTS.update(
    {
        "digital_level": "niveauNumeriqueEuropeen",
        "general_score": "scoreGeneral",
        "results": "resultats",
        "holder": "identificationTitulaire",
        "birth_insee_code": "codeInsee",
        "birth_postcode": "codePostal",
        "kind": "identificationTitulaire",
    }
)

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


def _bool(text: str | None) -> bool | str | None:
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    return text


def _fill(
    found: dict[str, etree._Element],
    table: dict[str, str],
    data: dict[str, Any],
    parent: str,
    problems: list[Problem],
    others: tuple[str, ...] = (),
) -> None:
    """Copy the values of ``table``'s elements into ``data``; report unknown and missing ones."""
    for name in found:
        if name not in table and name not in others:
            problems.append((name, "unknown element", "élément inconnu"))
    for name, field in table.items():
        if name in found:
            raw = _value(found[name], strip=field not in _TEXT_FIELDS)
            data[field] = _bool(raw) if field == "definitive" else raw
    for name in _REQUIRED_NILLABLE.get(parent, ()):
        if name not in found:
            problems.append(
                (
                    name,
                    'required element missing (write it xsi:nil="true" when unknown)',
                    'élément obligatoire absent (l\'écrire xsi:nil="true" si inconnu)',
                )
            )


_TEXT_FIELDS = {
    "technical_id",
    "proof_url",
    "option_label",
    "exam_postcode",
    "scoring",
    "verbatim",
    "file_id",
    "last_name",
    "first_name",
    "birth_name",
    "usage_name",
    "second_first_name",
    "third_first_name",
    "birth_town",
    "birth_country",
    "comments_men",
    "domain_id",
    "competence_id",
}


def read_passage(element: etree._Element) -> tuple[Passage | None, list[Problem]]:
    """The passage an element carries, and what is wrong with it (element path, reasons)."""
    problems: list[Problem] = []
    found = _children(element, problems)
    data: dict[str, Any] = {}
    structure = (
        "presenceNiveauLangueEuro",
        "presenceNiveauNumeriqueEuro",
        "niveauNumeriqueEuropeen",
        "modalitesInscription",
        "identificationTitulaire",
    )
    _fill(found, _PASSAGE, data, "passageCertification", problems, structure)
    for flag, level in (
        ("presenceNiveauLangueEuro", "niveauLangueEuropeen"),
        ("presenceNiveauNumeriqueEuro", "niveauNumeriqueEuropeen"),
    ):
        present = _bool(_value(found[flag], True)) if flag in found else None
        if present is None:
            problems.append((flag, "required", "obligatoire"))
        elif present is not (level in found):
            problems.append(
                (
                    flag,
                    f"must be true exactly when {level} is given",
                    f"doit valoir true exactement quand {level} est présent",
                )
            )
    if "niveauNumeriqueEuropeen" in found:
        digital = _children(found["niveauNumeriqueEuropeen"], problems)
        digital_data: dict[str, Any] = {}
        if "scoreGeneral" in digital:
            digital_data["general_score"] = _value(digital["scoreGeneral"], True)
        if "resultats" in digital:
            digital_data["results"] = []
            for result in digital["resultats"]:
                if isinstance(result.tag, str):
                    item: dict[str, Any] = {}
                    _fill(_children(result, problems), _RESULT, item, "resultat", problems)
                    digital_data["results"].append(item)
        data["digital_level"] = digital_data
    if "modalitesInscription" in found:
        _fill(
            _children(found["modalitesInscription"], problems),
            _INSCRIPTION,
            data,
            "modalitesInscription",
            problems,
        )
    else:
        problems.append(("modalitesInscription", "required", "obligatoire"))
    if "identificationTitulaire" in found:
        data["holder"] = _holder(found["identificationTitulaire"], problems)
    try:
        passage = Passage.model_validate(data)
    except ValidationError as exc:
        for field, en, fr in reasons(exc):
            problems.append((_FIELD_ELEMENTS.get(field, field), en, fr))
        return None, problems
    return passage, problems


def _holder(element: etree._Element, problems: list[Problem]) -> dict[str, Any]:
    found = _children(element, problems)
    holder: dict[str, Any] = {}
    if len(found) != 1:
        problems.append(
            (
                "identificationTitulaire",
                "needs exactly one of dossierFormation, titulaire, identifiantNational",
                "demande exactement un de dossierFormation, titulaire, identifiantNational",
            )
        )
    if "identifiantNational" in found:
        holder["kind"] = "nir"
        _fill(
            _children(found["identifiantNational"], problems),
            _NATIONAL,
            holder,
            "identifiantNational",
            problems,
        )
    elif "dossierFormation" in found:
        holder["kind"] = "cpf"
        _fill(
            _children(found["dossierFormation"], problems),
            _CPF,
            holder,
            "dossierFormation",
            problems,
        )
    elif "titulaire" in found:
        holder["kind"] = "civil"
        person = _children(found["titulaire"], problems)
        _fill(person, _CIVIL, holder, "titulaire", problems, ("codeCommuneNaissance",))
        place = person.get("codeCommuneNaissance")
        chosen = _children(place, problems) if place is not None else {}
        if len(chosen) != 1:
            problems.append(
                (
                    "codeCommuneNaissance",
                    "needs exactly one of codeInseeNaissance, codePostalNaissance",
                    "demande exactement un de codeInseeNaissance, codePostalNaissance",
                )
            )
        for name, inner, field in (
            ("codeInseeNaissance", "codeInsee", "birth_insee_code"),
            ("codePostalNaissance", "codePostal", "birth_postcode"),
        ):
            if name in chosen:
                code = _children(chosen[name], problems).get(inner)
                if code is None:
                    problems.append((inner, "required", "obligatoire"))
                else:
                    holder[field] = _value(code, strip=False)
    return holder
