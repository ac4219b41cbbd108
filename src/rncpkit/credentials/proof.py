"""Proofs: Data Integrity ``eddsa-rdfc-2022`` (embedded) and VC-JWT (enveloping).

``eddsa-rdfc-2022``: the credential without ``proof`` and the proof options (with the
credential's ``@context``) are each canonicalised with RDFC-1.0 (URDNA2015, N-Quads) and
hashed with SHA-256; Ed25519 signs ``sha256(options) ‖ sha256(document)``; ``proofValue`` is
``z`` + base58btc(signature). Canonicalisation runs offline on the package's contexts.

VC-JWT: the credential is the JWT payload, with the registered claims ``iss``, ``jti``,
``sub``, ``nbf`` (and ``exp`` when ``validUntil``); header ``alg`` (RS256 or ES256), ``kid``,
``typ`` ``JWT``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from pyld import jsonld  # type: ignore[import-untyped]

from rncpkit.credentials import keys
from rncpkit.credentials.loader import load_document
from rncpkit.credentials.multibase import (
    b64url,
    from_b64url,
    from_multibase_b58,
    multibase_b58,
)
from rncpkit.errors import InputError

__all__ = [
    "Method",
    "Resolver",
    "canonical",
    "hash_data",
    "sign_data_integrity",
    "sign_jwt",
    "verify_data_integrity",
    "verify_jwt",
]

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"

Json = dict[str, Any]


def canonical(document: Json) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document, contexts served offline."""
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": load_document,
        "safe": True,
    }
    try:
        text: str = jsonld.normalize(document, options)
    except jsonld.JsonLdError as exc:
        raise InputError(f"cannot canonicalise the credential: {_jsonld_reason(exc)}") from None
    return text


def _jsonld_reason(exc: Exception) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, InputError):
            return cause.message
        details = getattr(cause, "details", None)
        nested = details.get("cause") if isinstance(details, dict) else None
        cause = nested if isinstance(nested, BaseException) else cause.__cause__
        if cause is None:
            break
    return str(exc).splitlines()[0]


@functools.lru_cache(maxsize=64)
def _options_hash(config_json: str) -> bytes:
    """SHA-256 of the canonical proof options. A run signs (or a batch verifies) every
    credential with the same options, so they are canonicalised once, keyed by their JSON."""
    return hashlib.sha256(canonical(json.loads(config_json)).encode()).digest()


def hash_data(document: Json, options: Json) -> bytes:
    """``sha256(canonical options) ‖ sha256(canonical document)``: the bytes signed."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    config = {"@context": document.get("@context"), **options}
    config.pop("proofValue", None)
    options_hash = _options_hash(json.dumps(config, sort_keys=True, ensure_ascii=False))
    return options_hash + hashlib.sha256(canonical(unsigned).encode()).digest()


def sign_data_integrity(
    document: Json, key: ed25519.Ed25519PrivateKey, verification_method: str, created: str
) -> Json:
    """The credential with an ``eddsa-rdfc-2022`` proof added."""
    options: Json = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(hash_data(document, options))
    return {**document, "proof": {**options, "proofValue": multibase_b58(signature)}}


# --------------------------------------------------------------------------- key resolution


@dataclass(frozen=True, slots=True)
class Method:
    """A resolved verification method: its key and the identifier that controls it."""

    id: str
    controller: str
    key: keys.PublicKey


class Resolver:
    """Resolves verification methods offline: ``did:key`` from the identifier itself, any
    other identifier (``did:web``, an https profile) from controller documents given locally.
    """

    def __init__(self, documents: Iterable[Json] = ()) -> None:
        self._documents = {str(d.get("id")): d for d in documents}

    def resolve(self, method_id: str, purpose: str = "assertionMethod") -> Method:
        """The method, or InputError saying why it cannot be trusted."""
        controller = method_id.split("#", 1)[0]
        if controller.startswith("did:key:"):
            fragment = method_id.partition("#")[2]
            if fragment and fragment != controller.removeprefix("did:key:"):
                raise InputError(f"verification method {method_id}: fragment is not the key")
            return Method(method_id, controller, keys.did_key_public(controller))
        document = self._documents.get(controller)
        if document is None:
            raise InputError(
                f"no local DID/controller document for {controller} (give it with "
                "--did-document; rncpkit never fetches it)"
            )
        for method in document.get("verificationMethod", []):
            if isinstance(method, dict) and method.get("id") in (
                method_id,
                "#" + method_id.partition("#")[2],
            ):
                break
        else:
            raise InputError(f"{controller}'s document has no verification method {method_id}")
        allowed = [m if isinstance(m, str) else m.get("id") for m in document.get(purpose, [])]
        if method.get("id") not in allowed and method_id not in allowed:
            raise InputError(f"{method_id} is not an {purpose} key of {controller}")
        owner = method.get("controller", controller)
        if "publicKeyMultibase" in method:
            key = keys.did_key_public("did:key:" + method["publicKeyMultibase"])
        elif isinstance(method.get("publicKeyJwk"), dict):
            jwk = {k: v for k, v in method["publicKeyJwk"].items() if k != "d"}
            found = keys.key_from_jwk(jwk)
            assert not isinstance(
                found, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
            )
            key = found
        else:
            raise InputError(f"{method_id}: no publicKeyMultibase or publicKeyJwk")
        return Method(method_id, str(owner), key)


def verify_data_integrity(document: Json, resolver: Resolver) -> Method:
    """Check the embedded proof; return the method that signed, or InputError (why not)."""
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        raise InputError("no proof (a single embedded DataIntegrityProof is expected)")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise InputError(
            f"unsupported proof {proof.get('type')}/{proof.get('cryptosuite')}: "
            f"expected {PROOF_TYPE}/{CRYPTOSUITE}"
        )
    if proof.get("proofPurpose") != "assertionMethod":
        raise InputError("proofPurpose is not assertionMethod")
    if "@context" in proof and proof["@context"] != document.get("@context"):
        raise InputError("the proof's @context differs from the credential's")
    method = resolver.resolve(str(proof.get("verificationMethod", "")))
    if not isinstance(method.key, ed25519.Ed25519PublicKey):
        raise InputError("eddsa-rdfc-2022 needs an Ed25519 key")
    try:
        signature = from_multibase_b58(str(proof.get("proofValue", "")))
    except ValueError as exc:
        raise InputError(f"proofValue: {exc}") from None
    options = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
    try:
        method.key.verify(signature, hash_data(document, options))
    except InvalidSignature:
        raise InputError("signature does not match: the credential was altered") from None
    return method


# --------------------------------------------------------------------------- VC-JWT


def _epoch(text: str | None) -> int | None:
    if not text:
        return None
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def sign_jwt(credential: Json, key: keys.IssuerKey, kid: str) -> str:
    """The credential as a compact JWS (RS256 or ES256)."""
    alg = key.algorithm
    if alg not in ("RS256", "ES256"):
        raise InputError(
            "--proof jwt needs an RSA (RS256) or P-256 (ES256) key: "
            "rncpkit credentials keygen --type rsa|p-256",
            file=key.path,
        )
    header = {"alg": alg, "typ": "JWT", "kid": kid}
    claims: Json = dict(credential)
    claims["iss"] = credential["issuer"]["id"]
    claims["jti"] = credential["id"]
    subject = credential.get("credentialSubject", {})
    if isinstance(subject, dict) and subject.get("id"):
        claims["sub"] = subject["id"]
    nbf = _epoch(credential.get("validFrom"))
    if nbf is not None:
        claims["nbf"] = nbf
    exp = _epoch(credential.get("validUntil"))
    if exp is not None:
        claims["exp"] = exp
    signing_input = (
        b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + b64url(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
    )
    data = signing_input.encode("ascii")
    private = key.private
    if isinstance(private, rsa.RSAPrivateKey):
        signature = private.sign(data, padding.PKCS1v15(), hashes.SHA256())
    else:
        assert isinstance(private, ec.EllipticCurvePrivateKey)
        r, s = decode_dss_signature(private.sign(data, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return signing_input + "." + b64url(signature)


def verify_jwt(token: str, resolver: Resolver) -> tuple[Json, Method]:
    """Check a VC-JWT; return (payload, signing method) or InputError."""
    try:
        head64, body64, sig64 = token.strip().split(".")
        header = json.loads(from_b64url(head64))
        payload = json.loads(from_b64url(body64))
        signature = from_b64url(sig64)
    except ValueError:
        raise InputError("not a compact JWS (three base64url parts)") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise InputError("malformed JWT")
    method = resolver.resolve(str(header.get("kid", "")))
    data = f"{head64}.{body64}".encode("ascii")
    alg = header.get("alg")
    try:
        if alg == "RS256" and isinstance(method.key, rsa.RSAPublicKey):
            method.key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif alg == "ES256" and isinstance(method.key, ec.EllipticCurvePublicKey):
            if len(signature) != 64:
                raise InvalidSignature
            der = encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            method.key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise InputError(f"JWT alg {alg!r} does not match the key (RS256 or ES256 expected)")
    except InvalidSignature:
        raise InputError("JWT signature does not match: the credential was altered") from None
    issuer = payload.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if payload.get("iss") != issuer_id or payload.get("jti") != payload.get("id"):
        raise InputError("JWT claims iss/jti differ from the credential's issuer/id")
    return payload, method
