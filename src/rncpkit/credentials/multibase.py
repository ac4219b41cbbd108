"""base58btc multibase and base64url, the encodings of keys, DIDs and proof values."""

from __future__ import annotations

import base64

__all__ = [
    "b58decode",
    "b58encode",
    "b64url",
    "from_b64url",
    "from_multibase_b58",
    "multibase_b58",
]

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: index for index, char in enumerate(_ALPHABET)}


def b58encode(data: bytes) -> str:
    """Bitcoin base58 (no checksum): leading zero bytes become leading '1's."""
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`; ValueError on a character outside the alphabet."""
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError(f"not base58btc: {char!r}")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_b58(data: bytes) -> str:
    """Multibase base58btc: ``z`` + base58."""
    return "z" + b58encode(data)


def from_multibase_b58(text: str) -> bytes:
    """Decode a ``z``-prefixed multibase value (ValueError otherwise)."""
    if not text.startswith("z"):
        raise ValueError("expected a base58btc multibase value starting with 'z'")
    return b58decode(text[1:])


def b64url(data: bytes) -> str:
    """base64url without padding (JWK, JWS)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: str) -> bytes:
    """Inverse of :func:`b64url`."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
