"""The Open Badges 3.0 ``OpenBadgeCredential`` of one holder's award.

The achievement is the fiche's (or a block's) ``Achievement`` exactly as ``--to openbadges``
writes it (:class:`rncpkit.formats.openbadges.Badges`), without its own ``@context`` (the
credential declares the same one). The holder is identified by salted SHA-256 hashes only
(``IdentityObject``): of the e-mail address when the spreadsheet gives one, else of the
certifier's ``id_technique``; the name only when asked. The salt is not in the credential:
the certifier hands it to the holder (manifest), who proves the identifier with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from rncpkit.accrochage import paris_time
from rncpkit.credentials.holders import Holder
from rncpkit.credentials.loader import OB_V3, VC_V2

__all__ = [
    "credential",
    "issuer_profile",
    "new_salt",
    "subject_identifiers",
]

OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
CREDENTIAL_SCHEMA = [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}]
CONTEXT = [VC_V2, OB_V3]

Json = dict[str, Any]


def new_salt() -> str:
    """A random salt (128 bits, hex)."""
    return secrets.token_hex(16)


def identity_hash(identifier: str, salt: str) -> str:
    """``sha256$`` + hex(sha256(identifier + salt)), the OB 3.0 hashed identity."""
    return "sha256$" + hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()


def identity(kind: str, value: str, salt: str | None) -> Json:
    """An ``IdentityObject``: hashed with ``salt``, or plain when ``salt`` is None."""
    return {
        "type": "IdentityObject",
        "identityHash": identity_hash(value, salt) if salt is not None else value,
        "identityType": kind,
        "hashed": salt is not None,
    }


def normalised_email(email: str) -> str:
    """The form hashed: trimmed and lower-cased (what a holder types may differ in case)."""
    return email.strip().lower()


def french_midnight(day: dt.date) -> str:
    """A date as the start of that day in French legal time (real offset)."""
    start = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
    offset = paris_time(start).utcoffset() or dt.timedelta()
    local = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone(offset))
    return local.isoformat()


def subject_identifiers(
    holder: Holder, salt: str, *, include_name: bool, plain_name: bool
) -> tuple[list[Json], str]:
    """The subject's ``identifier`` list and the ``identityType`` of its main entry."""
    if holder.email:
        main, kind = identity("emailAddress", normalised_email(holder.email), salt), "emailAddress"
    else:
        main, kind = identity("sourcedId", holder.technical_id, salt), "sourcedId"
    found = [main]
    if include_name:
        name = f"{holder.given_name} {holder.family_name}"
        found.append(identity("name", name, None if plain_name else salt))
    return found, kind


def issuer_profile(issuer_id: str, name: str, siret: str | None, url: str | None) -> Json:
    """The issuer ``Profile``; the SIRET as an ``otherIdentifier`` when known."""
    profile: Json = {"id": issuer_id, "type": ["Profile"], "name": name}
    if url:
        profile["url"] = url
    if siret:
        profile["otherIdentifier"] = [
            {"type": "IdentifierEntry", "identifier": siret, "identifierType": "ext:SIRET"}
        ]
    return profile


def credential(
    *,
    credential_id: str,
    issuer: Json,
    achievement: Json,
    identifiers: list[Json],
    award_date: dt.date,
    valid_from: str,
    valid_until: dt.date | None = None,
) -> Json:
    """The unsigned ``OpenBadgeCredential``."""
    embedded = {k: v for k, v in achievement.items() if k != "@context"}
    document: Json = {
        "@context": list(CONTEXT),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "awardedDate": french_midnight(award_date),
        "name": achievement["name"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "achievement": embedded,
        },
        "credentialSchema": [dict(s) for s in CREDENTIAL_SCHEMA],
    }
    if valid_until is not None:
        document["validUntil"] = french_midnight(valid_until + dt.timedelta(days=1))
    return document
