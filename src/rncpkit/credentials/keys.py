"""Issuer keys: JWK files, ``did:key`` and ``did:web`` identifiers, DID documents.

Ed25519 keys sign Data Integrity proofs (``eddsa-rdfc-2022``); P-256 (ES256) and RSA (RS256)
keys sign VC-JWTs, the two algorithms the Open Badges validator takes. A ``did:key`` is the
public key itself (multicodec prefix + key, base58btc), so it resolves offline; a ``did:web``
names a DID document the publisher hosts at ``https://host/.well-known/did.json``
(``did:web:host:path`` → ``https://host/path/did.json``), which rncpkit writes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from rncpkit.credentials.multibase import (
    b64url,
    from_b64url,
    from_multibase_b58,
    multibase_b58,
)
from rncpkit.errors import InputError, UsageError

__all__ = [
    "IssuerKey",
    "PublicKey",
    "did_document",
    "did_key",
    "did_key_public",
    "did_web",
    "did_web_url",
    "generate",
    "key_from_jwk",
    "multikey",
    "private_jwk",
    "public_jwk",
    "read_key",
    "verification_method_id",
    "write_key",
]

KeyType = Literal["ed25519", "p-256", "rsa"]
PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub (varint 0xed)
P256_PUB = b"\x80\x24"  # multicodec p256-pub (varint 0x1200)
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


# --------------------------------------------------------------------------- JWK


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))


def _b64_int(text: str) -> int:
    return int.from_bytes(from_b64url(text), "big")


def public_jwk(key: PublicKey) -> dict[str, str]:
    """The public JWK (RFC 7517 / RFC 8037) of a key."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
    if isinstance(key, ec.EllipticCurvePublicKey):
        numbers = key.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
        }
    numbers_rsa = key.public_numbers()
    return {"kty": "RSA", "n": _int_b64(numbers_rsa.n), "e": _int_b64(numbers_rsa.e)}


def private_jwk(key: PrivateKey) -> dict[str, str]:
    """The private JWK of a key (public members + ``d`` and, for RSA, the CRT members)."""
    jwk = public_jwk(key.public_key())
    if isinstance(key, ed25519.Ed25519PrivateKey):
        raw = key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        jwk["d"] = b64url(raw)
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        jwk["d"] = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    else:
        n = key.private_numbers()
        jwk.update(
            d=_int_b64(n.d),
            p=_int_b64(n.p),
            q=_int_b64(n.q),
            dp=_int_b64(n.dmp1),
            dq=_int_b64(n.dmq1),
            qi=_int_b64(n.iqmp),
        )
    return jwk


def key_from_jwk(jwk: dict[str, Any]) -> PrivateKey | PublicKey:
    """A private key when the JWK has ``d``, else a public key; InputError when unusable."""
    try:
        kty, crv = jwk.get("kty"), jwk.get("crv")
        if kty == "OKP" and crv == "Ed25519":
            if "d" in jwk:
                return ed25519.Ed25519PrivateKey.from_private_bytes(from_b64url(jwk["d"]))
            return ed25519.Ed25519PublicKey.from_public_bytes(from_b64url(jwk["x"]))
        if kty == "EC" and crv == "P-256":
            public = ec.EllipticCurvePublicNumbers(
                _b64_int(jwk["x"]), _b64_int(jwk["y"]), ec.SECP256R1()
            )
            if "d" in jwk:
                return ec.EllipticCurvePrivateNumbers(_b64_int(jwk["d"]), public).private_key()
            return public.public_key()
        if kty == "RSA":
            public_rsa = rsa.RSAPublicNumbers(_b64_int(jwk["e"]), _b64_int(jwk["n"]))
            if "d" in jwk:
                return rsa.RSAPrivateNumbers(
                    p=_b64_int(jwk["p"]),
                    q=_b64_int(jwk["q"]),
                    d=_b64_int(jwk["d"]),
                    dmp1=_b64_int(jwk["dp"]),
                    dmq1=_b64_int(jwk["dq"]),
                    iqmp=_b64_int(jwk["qi"]),
                    public_numbers=public_rsa,
                ).private_key()
            return public_rsa.public_key()
    except (KeyError, ValueError, TypeError) as exc:
        raise InputError(f"unusable JWK: {exc}") from None
    raise InputError(f"unsupported JWK (kty {kty!r}, crv {crv!r}): use Ed25519, P-256 or RSA")


def generate(kind: KeyType = "ed25519") -> PrivateKey:
    """A new private key."""
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if kind == "p-256":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)


# --------------------------------------------------------------------------- DIDs


def did_key(key: PublicKey) -> str:
    """``did:key`` of an Ed25519 or P-256 public key (RSA has no short did:key: use did:web)."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return "did:key:" + multibase_b58(ED25519_PUB + raw)
    if isinstance(key, ec.EllipticCurvePublicKey):
        raw = key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )
        return "did:key:" + multibase_b58(P256_PUB + raw)
    raise UsageError("an RSA key has no did:key here: give the issuer a did:web (--did-web)")


def did_key_public(did: str) -> PublicKey:
    """The public key a ``did:key`` (or its ``#fragment``) encodes; InputError otherwise."""
    ident = did.split("#", 1)[0].removeprefix("did:key:")
    try:
        data = from_multibase_b58(ident)
        if data.startswith(ED25519_PUB) and len(data) == 34:
            return ed25519.Ed25519PublicKey.from_public_bytes(data[2:])
        if data.startswith(P256_PUB) and len(data) == 35:
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data[2:])
    except ValueError as exc:
        raise InputError(f"malformed did:key {did}: {exc}") from None
    raise InputError(f"did:key {did} is neither an Ed25519 nor a P-256 key")


def multikey(key: PublicKey) -> str:
    """``publicKeyMultibase`` of a Multikey verification method (Ed25519)."""
    return did_key(key).removeprefix("did:key:")


def did_web(domain_path: str) -> str:
    """``example.fr`` or ``example.fr:path`` → ``did:web:example.fr[:path]`` (port as %3A)."""
    text = domain_path.removeprefix("did:web:").strip()
    if not text or "/" in text or any(c.isspace() for c in text):
        raise UsageError(f"--did-web expects a host and optional :path segments, not {text!r}")
    return "did:web:" + text


def did_web_url(did: str) -> str:
    """Where a ``did:web`` document must be hosted."""
    parts = [p.replace("%3A", ":") for p in did.removeprefix("did:web:").split(":")]
    if len(parts) == 1:
        return f"https://{parts[0]}/.well-known/did.json"
    return "https://" + "/".join(parts) + "/did.json"


def verification_method_id(issuer_id: str, key: PublicKey) -> str:
    """The id of the issuer's key: ``did:key:X#X`` or ``did:web:…#key-1``."""
    if issuer_id.startswith("did:key:"):
        return f"{issuer_id}#{issuer_id.removeprefix('did:key:')}"
    return f"{issuer_id}#key-1"


def did_document(did: str, key: PublicKey) -> dict[str, Any]:
    """The DID document of ``did`` with ``key`` as its assertion (and authentication) key."""
    vm_id = verification_method_id(did, key)
    method: dict[str, Any] = {"id": vm_id, "controller": did}
    if isinstance(key, ed25519.Ed25519PublicKey):
        method.update(type="Multikey", publicKeyMultibase=multikey(key))
        contexts = DID_CONTEXTS
    else:
        method.update(type="JsonWebKey", publicKeyJwk=public_jwk(key))
        contexts = [DID_CONTEXTS[0], "https://w3id.org/security/jwk/v1"]
    return {
        "@context": contexts,
        "id": did,
        "verificationMethod": [method],
        "assertionMethod": [vm_id],
        "authentication": [vm_id],
    }


# --------------------------------------------------------------------------- key files


@dataclass(frozen=True, slots=True)
class IssuerKey:
    """A private key read from a JWK file."""

    private: PrivateKey
    path: str

    @property
    def public(self) -> PublicKey:
        return self.private.public_key()

    @property
    def algorithm(self) -> str:
        """The JWS ``alg`` of the key."""
        if isinstance(self.private, ed25519.Ed25519PrivateKey):
            return "EdDSA"
        if isinstance(self.private, ec.EllipticCurvePrivateKey):
            return "ES256"
        return "RS256"


def write_key(path: str | os.PathLike[str], key: PrivateKey) -> None:
    """Write the private JWK, readable by its owner only (refuses to overwrite a key)."""
    target = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(target, flags, 0o600)
    except FileExistsError:
        raise UsageError(f"{target} exists: rncpkit never overwrites a key") from None
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(private_jwk(key), handle, indent=2)
        handle.write("\n")


def read_key(path: str | os.PathLike[str]) -> IssuerKey:
    """Read a private JWK file; InputError when it is not one."""
    name = os.fspath(path)
    try:
        jwk = json.loads(Path(name).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the key: {exc}", file=name) from None
    if not isinstance(jwk, dict):
        raise InputError("a key file holds one JWK object", file=name)
    try:
        key = key_from_jwk(jwk)
    except InputError as exc:
        raise InputError(exc.message, file=name) from None
    if not isinstance(
        key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    ):
        raise InputError("the JWK has no private part ('d'): a signing key is needed", file=name)
    return IssuerKey(key, name)
