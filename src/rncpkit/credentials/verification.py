"""Verifying an Open Badges 3.0 credential offline: proof, issuer, shape, dates, fiche.

A credential is valid when its proof (``eddsa-rdfc-2022`` embedded, or a VC-JWT) checks with
a key its issuer controls (``did:key`` resolved from the identifier, any other issuer from a
local DID/controller document), it has what OB 3.0 requires, ``validFrom`` is not in the
future and ``validUntil`` not past, and, when fiches are given, the achievement's fiche could
be awarded on the award date. ``schema`` adds the official JSON Schema (``jsonschema``).
Every reason is collected, not only the first.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rncpkit.credentials import proof
from rncpkit.credentials.fiches import AwardWindow
from rncpkit.credentials.loader import OB_V3, VC_V1, VC_V2
from rncpkit.errors import InputError

__all__ = [
    "Verification",
    "verify",
]

Json = dict[str, Any]

REQUIRED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("", ("@context", "id", "type", "issuer", "credentialSubject")),
    ("issuer", ("id", "type")),
    ("credentialSubject", ("achievement",)),
    ("credentialSubject.achievement", ("id", "type", "criteria", "description", "name")),
)
"""Properties OB 3.0 requires, by path (the data model's cardinality 1 entries)."""


@dataclass(slots=True)
class Verification:
    """The verdict on one credential."""

    source: str
    reasons: list[str] = field(default_factory=list)
    credential_id: str | None = None
    issuer: str | None = None
    proof: str | None = None

    @property
    def ok(self) -> bool:
        return not self.reasons

    def __str__(self) -> str:
        if self.ok:
            return f"{self.source}: valid ({self.proof}, issuer {self.issuer})"
        return f"{self.source}: invalid: " + "; ".join(self.reasons)


def _at(document: Json, path: str) -> Any:
    node: Any = document
    for part in filter(None, path.split(".")):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _types(node: Any) -> list[str]:
    value = node.get("type") if isinstance(node, dict) else None
    return [value] if isinstance(value, str) else list(value or [])


def _instant(text: Any) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def shape_reasons(document: Json) -> list[str]:
    """What OB 3.0 requires and the credential lacks."""
    reasons = []
    context = document.get("@context")
    if not isinstance(context, list) or context[:1] not in ([VC_V2], [VC_V1]):
        reasons.append(f"@context must be a list starting with {VC_V2}")
    elif OB_V3 not in context and not any(
        isinstance(c, str) and "/spec/ob/v3p0/context" in c for c in context
    ):
        reasons.append("@context lacks the Open Badges 3.0 context")
    for path, names in REQUIRED:
        node = _at(document, path)
        for name in names:
            if not isinstance(node, dict) or name not in node:
                reasons.append(f"missing {'.'.join(filter(None, (path, name)))}")
    types = _types(document)
    if "VerifiableCredential" not in types or not (
        {"OpenBadgeCredential", "AchievementCredential"} & set(types)
    ):
        reasons.append("type must hold VerifiableCredential and OpenBadgeCredential")
    if "Profile" not in _types(document.get("issuer")):
        reasons.append("issuer must be a Profile")
    subject = document.get("credentialSubject")
    if isinstance(subject, dict) and not subject.get("id") and not subject.get("identifier"):
        reasons.append("credentialSubject needs an id or at least one identifier")
    if _instant(document.get("validFrom") or document.get("issuanceDate")) is None:
        reasons.append("validFrom missing or not a date-time with a time zone")
    return reasons


def date_reasons(document: Json, now: dt.datetime) -> list[str]:
    """``validFrom`` (or VC 1.1 ``issuanceDate``) not in the future, ``validUntil``
    (``expirationDate``) not past."""
    reasons = []
    start = _instant(document.get("validFrom") or document.get("issuanceDate"))
    if start is not None and start > now:
        reasons.append(f"not yet valid (validFrom {start.isoformat()})")
    end_text = document.get("validUntil") or document.get("expirationDate")
    end = _instant(end_text)
    if end_text is not None and end is None:
        reasons.append("validUntil is not a date-time with a time zone")
    elif end is not None and end < now:
        reasons.append(f"expired (validUntil {end.isoformat()})")
    return reasons


def fiche_reasons(document: Json, windows: Mapping[str, AwardWindow]) -> list[str]:
    """Whether the achievement's fiche could be awarded on the award date."""
    achievement = _at(document, "credentialSubject.achievement") or {}
    code = achievement.get("humanCode") if isinstance(achievement, dict) else None
    if not isinstance(code, str):
        return ["the achievement has no humanCode (fiche or block number) to check"]
    window = windows.get(code)
    if window is None:
        return [f"fiche {code} is not in the given fiches"]
    awarded = _instant(document.get("awardedDate") or document.get("validFrom"))
    if awarded is None:
        return ["no awardedDate to check against the fiche"]
    why = window.why_not(awarded.date())
    return [f"awarded {awarded.date().isoformat()}: {why[0]}"] if why else []


def schema_reasons(document: Json, schema: Json) -> list[str]:
    """The official JSON Schema's complaints (needs ``jsonschema``)."""
    try:
        jsonschema: Any = importlib.import_module("jsonschema")
    except ImportError:
        raise InputError("--schema needs the jsonschema package (pip install jsonschema)") from None
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [
        f"JSON Schema: {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def verify(
    credential: str | os.PathLike[str] | bytes | Json,
    *,
    did_documents: Iterable[Json] = (),
    windows: Mapping[str, AwardWindow] | None = None,
    schema: Json | None = None,
    now: dt.datetime | None = None,
) -> Verification:
    """Verify one credential (a path, its bytes, or the parsed JSON object); never raises
    for a bad credential: the verdict lists why."""
    if isinstance(credential, dict):
        source, data = "<credential>", None
        document: Json | None = credential
    elif isinstance(credential, bytes):
        source, data, document = "<credential>", credential, None
    else:
        source = os.fspath(credential)
        try:
            data, document = Path(source).read_bytes(), None
        except OSError as exc:
            return Verification(source, [f"unreadable: {exc.strerror}"])
    result = Verification(source)
    resolver = proof.Resolver(did_documents)
    method: proof.Method | None = None
    try:
        if document is None:
            assert data is not None
            text = data.decode("utf-8").strip()
            if text.startswith("{"):
                parsed = json.loads(text)
                if not isinstance(parsed, dict):
                    raise InputError("not a JSON object")
                document = parsed
            else:
                result.proof = "VC-JWT"
                document, method = proof.verify_jwt(text, resolver)
        if method is None:
            result.proof = "DataIntegrityProof eddsa-rdfc-2022"
            method = proof.verify_data_integrity(document, resolver)
    except (InputError, ValueError) as exc:
        result.reasons.append(exc.message if isinstance(exc, InputError) else f"not JSON: {exc}")
    if document is None:
        return result
    result.credential_id = document.get("id")
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    result.issuer = issuer_id if isinstance(issuer_id, str) else None
    if method is not None and method.controller != issuer_id:
        result.reasons.append(
            f"the signing key is controlled by {method.controller}, not by the issuer {issuer_id}"
        )
    result.reasons.extend(shape_reasons(document))
    result.reasons.extend(date_reasons(document, now or dt.datetime.now(dt.UTC)))
    if windows is not None:
        result.reasons.extend(fiche_reasons(document, windows))
    if schema is not None:
        result.reasons.extend(schema_reasons(document, schema))
    return result
