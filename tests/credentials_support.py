"""An independent verifier of eddsa-rdfc-2022 proofs and VC-JWTs, for the tests.

Written straight from the specifications with pyld and cryptography, sharing no code with
``rncpkit.credentials``: its own document loader (the published contexts from the reference
folder when present, else the JSON files shipped in the package read as plain data), its
own base58, did:key and JWS decoding. A credential rncpkit issues must pass it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from tests.conftest import REFERENCE

pyld = __import__("pytest").importorskip("pyld")
cryptography = __import__("pytest").importorskip("cryptography")

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature  # noqa: E402
from pyld import jsonld  # noqa: E402

PACKAGE_CONTEXTS = (
    Path(__file__).resolve().parents[1] / "src" / "rncpkit" / "credentials" / "contexts"
)
PUBLISHED = {
    "https://www.w3.org/ns/credentials/v2": (
        REFERENCE / "credentials" / "contexts" / "credentials-v2.jsonld",
        "credentials-v2.json",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": (
        REFERENCE / "europass" / "openbadges-context-3.0.3.json",
        "ob-3.0.3.json",
    ),
}
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def loader(url: str, options: Any = None) -> dict[str, Any]:
    published, shipped = PUBLISHED[url]  # KeyError: any other URL is refused
    path = published if published.exists() else PACKAGE_CONTEXTS / shipped
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(path.read_text())}


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + number.to_bytes((number.bit_length() + 7) // 8, "big")


def nquads(document: dict[str, Any]) -> str:
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    return str(jsonld.normalize(document, options))


def did_key_ed25519(did: str) -> ed25519.Ed25519PublicKey:
    data = b58decode(did.removeprefix("did:key:").split("#")[0][1:])
    assert data[:2] == b"\xed\x01"
    return ed25519.Ed25519PublicKey.from_public_bytes(data[2:])


def verify_eddsa_rdfc_2022(credential: dict[str, Any], public_key: Any = None) -> bool:
    """True when the embedded proof checks (key from did:key unless given)."""
    proofs = credential["proof"]
    proof = proofs[0] if isinstance(proofs, list) else proofs
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    document = {k: v for k, v in credential.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = credential["@context"]
    data = hashlib.sha256(nquads(options).encode()).digest()
    data += hashlib.sha256(nquads(document).encode()).digest()
    if public_key is None:
        method = proof["verificationMethod"]
        if method.split("#")[0] != credential["issuer"]["id"]:
            return False  # the key is not the issuer's
        public_key = did_key_ed25519(method)
    try:
        public_key.verify(b58decode(proof["proofValue"][1:]), data)
    except Exception:
        return False
    return True


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwk_public(jwk: dict[str, str]) -> Any:
    if jwk["kty"] == "RSA":
        n = int.from_bytes(b64url_decode(jwk["n"]), "big")
        e = int.from_bytes(b64url_decode(jwk["e"]), "big")
        return rsa.RSAPublicNumbers(e, n).public_key()
    x = int.from_bytes(b64url_decode(jwk["x"]), "big")
    y = int.from_bytes(b64url_decode(jwk["y"]), "big")
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()


def verify_jwt(token: str, jwk: dict[str, str]) -> dict[str, Any] | None:
    """The payload when the RS256/ES256 signature checks with ``jwk``, else None."""
    head, body, signature = token.strip().split(".")
    header = json.loads(b64url_decode(head))
    data = f"{head}.{body}".encode()
    raw = b64url_decode(signature)
    key = jwk_public(jwk)
    try:
        if header["alg"] == "RS256":
            key.verify(raw, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            assert header["alg"] == "ES256"
            der = encode_dss_signature(
                int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
            )
            key.verify(der, data, ec.ECDSA(hashes.SHA256()))
    except Exception:
        return None
    payload: dict[str, Any] = json.loads(b64url_decode(body))
    return payload
