"""The one way rncpkit encodes JSON nodes that it streams one by one (JSON-LD, Open Badges).

:func:`encoder` gives what ``json.JSONEncoder(ensure_ascii=False).encode`` gives, byte for
byte, for the dicts, lists, strings, numbers, booleans and None a writer builds, but builds
the C encoder once instead of once per call: ``JSONEncoder.encode`` makes a new
``c_make_encoder`` and a new circular-reference dict for every node. The writers encode one
node per entity (about 45 a fiche in Europass JSON-LD), so that per-call set-up was half of
the encoding time (40 small nodes: 166 µs → 75 µs, same run). Circular references are not
checked: the nodes are trees the writers build, and a cycle would end in ``RecursionError``
instead of ``ValueError``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["encoder"]


def encoder() -> Callable[[Any], str]:
    """A function encoding one JSON value on one line, non-ASCII kept (``ensure_ascii=False``),
    ``", "`` and ``": "`` as separators, keys in insertion order."""
    reference = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: the standard encoder
        return reference.encode
    iterencode = make(
        None,  # markers: no circular-reference check
        reference.default,  # unknown types raise the same TypeError
        json.encoder.encode_basestring,  # ensure_ascii=False
        None,  # indent
        reference.key_separator,
        reference.item_separator,
        reference.sort_keys,
        reference.skipkeys,
        reference.allow_nan,
    )

    def encode(value: Any) -> str:
        if isinstance(value, str):
            return json.encoder.encode_basestring(value)
        return "".join(iterencode(value, 0))

    return encode
