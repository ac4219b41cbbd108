"""The Europass Digital Credential (ELM 3.2) of one holder's award, unsigned.

The qualification is the fiche's (or a block's) ``Qualification`` of the LOQ/JSON-LD writers
(:class:`rncpkit.europass.graph.Builder`, serialised by
:mod:`rncpkit.formats.europass_jsonld`), nested under ``specifiedBy`` with the nodes it
refers to (each embedded where it first appears, referred to by id after). The credential
conforms to the ``EDC-generic-full`` shapes except ``issued`` and the issuer's
``eIDASIdentifier``, which the Europass sealing service (or the qualified e-seal) adds.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Any

from rncpkit.credentials import image
from rncpkit.credentials.fiches import same_name
from rncpkit.credentials.holders import Holder
from rncpkit.credentials.loader import VC_V1
from rncpkit.europass import vocab
from rncpkit.europass.graph import Builder, Concept, Graph, Organisation
from rncpkit.formats import europass_jsonld
from rncpkit.model import Certification

__all__ = [
    "credential",
    "upload_wrapper",
]

Json = dict[str, Any]

EDC_SCHEMA = "http://data.europa.eu/snb/model/ap/edc-generic-full"
CONTEXT = [VC_V1, vocab.EDC_CONTEXT]
GENERIC_PROFILE = vocab.Term(
    f"{vocab.SNB}credential/e34929035b", f"{vocab.SNB}credential/25831c2", "Generic"
)
BASE64 = vocab.Term(f"{vocab.SNB}encoding/6146cde7dd", f"{vocab.SNB}encoding/25831c2", "base64")
PNG = vocab.Term(f"{vocab.AUTHORITY}file-type/PNG", f"{vocab.AUTHORITY}file-type", "PNG")
LANGUAGES = {
    "fr": vocab.FRENCH,
    "en": vocab.Term(f"{vocab.AUTHORITY}language/ENG", f"{vocab.AUTHORITY}language", "English"),
}


def _concept(term: vocab.Term) -> Json:
    return europass_jsonld.concept(Concept.of(term))


def _sub_id(credential_id: str, part: str) -> str:
    """A stable id for a part of the credential (same credential id → same ids)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, credential_id + '#' + part)}"


def _embed(value: Any, index: dict[str, Json], done: set[str], key: str = "") -> Any:
    """Replace ids of graph nodes by the nodes themselves, each once (then ids remain)."""
    if isinstance(value, dict):
        return {k: v if k == "id" else _embed(v, index, done, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_embed(v, index, done, key) for v in value]
    if isinstance(value, str) and value in index and value not in done:
        done.add(value)
        return _embed(index[value], index, done, key)
    return value


def _fit(value: Any) -> Any:
    """What EDC allows fewer of than LOQ: one ``dcType`` per assessment specification (the
    LOQ writer may guess several from the text; the first is kept)."""
    if isinstance(value, list):
        return [_fit(v) for v in value]
    if not isinstance(value, dict):
        return value
    node = {k: _fit(v) for k, v in value.items()}
    kinds = node.get("dcType")
    if node.get("type") == "LearningAssessmentSpecification" and isinstance(kinds, list):
        node["dcType"] = kinds[:1]
    return node


def _date_time(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00"


def issuer_organisation(graph: Graph, issuer_id: str | None, name: str, builder: Builder) -> Json:
    """The issuer: the fiche's certifier of that name when there is one, else a new node."""
    for org in graph.organisations:
        if same_name(org.name, name) or (org.alt_name and same_name(org.alt_name, name)):
            return europass_jsonld.organisation(org)
    location = builder.uris.france
    org = Organisation(
        id=issuer_id or f"{builder.uris.base}organisation/issuer",
        name=name,
        alt_name=None,
        siret=None,
        homepage=None,
        location=location,
    )
    return europass_jsonld.organisation(org)


def credential(
    *,
    cert: Certification,
    graph: Graph,
    builder: Builder,
    holder: Holder,
    credential_id: str,
    issuer_name: str,
    issuer_id: str | None,
    valid_from: str,
    block_code: str | None = None,
    include_birth_date: bool = False,
    langs: tuple[image.Lang, ...] = ("fr",),
) -> Json:
    """The unsigned ``EuropeanDigitalCredential``."""
    nodes = europass_jsonld.nodes(graph, set())
    index = {node["id"]: node for node in nodes if "id" in node}
    for org in graph.locations:
        index.setdefault(org.id, europass_jsonld.location(org))
    qualification_id = builder.uris.fiche(block_code or cert.number)
    issuer = issuer_organisation(graph, issuer_id, issuer_name, builder)
    done: set[str] = set()
    issuer = _embed(issuer, index, done)
    done.add(issuer["id"])
    qualification = index[qualification_id]
    title = qualification["title"]
    person: Json = {
        "id": _sub_id(credential_id, "person"),
        "type": "Person",
        "givenName": {"fr": holder.given_name},
        "familyName": {"fr": holder.family_name},
        "fullName": {"fr": f"{holder.given_name} {holder.family_name}"},
    }
    if include_birth_date and holder.birth_date is not None:
        person["dateOfBirth"] = _date_time(holder.birth_date)
    done.add(qualification_id)
    person["hasClaim"] = [
        {
            "id": _sub_id(credential_id, "achievement"),
            "type": "LearningAchievement",
            "title": title,
            "awardedBy": {
                "id": _sub_id(credential_id, "awarding"),
                "type": "AwardingProcess",
                "awardingBody": [issuer["id"]],
                "awardingDate": _date_time(holder.award_date),
            },
            "specifiedBy": _fit(_embed(qualification, index, done)),
        }
    ]
    page = image.Page(
        holder=f"{holder.given_name} {holder.family_name}",
        title=title["fr"],
        number=block_code or cert.number,
        repertoire=cert.repertoire.value,
        award_date=holder.award_date,
        issuer=issuer_name,
        credential_id=credential_id,
        page_url=cert.page_url,
        eqf_level=cert.eqf_level,
        block_code=block_code,
        certification_number=cert.number,
    )
    displays = []
    for lang in langs:
        png = image.render(page, lang)
        displays.append(
            {
                "id": _sub_id(credential_id, f"display/{lang}"),
                "type": "IndividualDisplay",
                "language": _concept(LANGUAGES[lang]),
                "displayDetail": [
                    {
                        "id": _sub_id(credential_id, f"display/{lang}/1"),
                        "type": "DisplayDetail",
                        "image": {
                            "id": _sub_id(credential_id, f"display/{lang}/1/image"),
                            "type": "MediaObject",
                            "content": base64.b64encode(png).decode("ascii"),
                            "contentEncoding": _concept(BASE64),
                            "contentType": _concept(PNG),
                        },
                        "page": 1,
                    }
                ],
            }
        )
    document: Json = {
        "@context": list(CONTEXT),
        "id": credential_id,
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialProfiles": [_concept(GENERIC_PROFILE)],
        "credentialSchema": [{"id": EDC_SCHEMA, "type": "ShaclValidator2017"}],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": person,
        "displayParameter": {
            "id": _sub_id(credential_id, "display"),
            "type": "DisplayParameter",
            "title": title,
            "language": [_concept(LANGUAGES[lang]) for lang in langs],
            "primaryLanguage": _concept(LANGUAGES[langs[-1]]),
            "individualDisplay": displays,
        },
    }
    return document


def upload_wrapper(document: Json) -> Json:
    """The ``{"credential": …}`` object the Europass issuing interface takes."""
    return {"credential": document}
