"""An offline JSON-LD document loader: the known contexts from the package, nothing else.

Canonicalising a credential expands it with its contexts; fetching them at issue or verify
time would make a signature depend on the network (and leak who verifies what). Every
context URL rncpkit signs with is served from ``contexts/``; any other URL is refused.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from rncpkit.errors import InputError

__all__ = [
    "CONTEXT_FILES",
    "DATA_INTEGRITY",
    "DID_V1",
    "OB_V3",
    "VC_V1",
    "VC_V2",
    "ContextRefused",
    "context_document",
    "load_document",
]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY = "https://w3id.org/security/data-integrity/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"

CONTEXT_FILES: dict[str, str] = {
    VC_V2: "credentials-v2.json",
    VC_V1: "credentials-v1.json",
    OB_V3: "ob-3.0.3.json",
    DATA_INTEGRITY: "data-integrity-v1.json",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v1.json",
    DID_V1: "did-v1.json",
}
"""Context URL → file of ``contexts/`` holding its term definitions."""


class ContextRefused(InputError):
    """A document names a context rncpkit does not serve offline."""


@functools.cache
def context_document(url: str) -> dict[str, Any]:
    """The context document served for ``url`` (parsed once per process)."""
    name = CONTEXT_FILES.get(url.split("#", 1)[0])
    if name is None:
        raise ContextRefused(
            f"context {url} is not one rncpkit serves offline (known: "
            f"{', '.join(sorted(CONTEXT_FILES))}); remote documents are never fetched"
        )
    text = resources.files(__package__).joinpath("contexts").joinpath(name).read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def load_document(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document-loader protocol over :func:`context_document`."""
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}
