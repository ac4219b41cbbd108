"""A JSON array of objects read one object at a time (a holders file may be large), or
JSON lines. Values are yielded with their number (array position or line), for messages.
"""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from typing import IO, Any

from rncpkit.errors import InputError

__all__ = [
    "json_values",
]


def json_values(text: IO[str], name: str) -> Iterator[tuple[int, Any]]:
    """(number, value): array elements numbered from 1 (streamed), or JSON lines by line."""
    buffer = text.read(1 << 16)
    stripped = buffer.lstrip()
    if not stripped.startswith("["):
        if not buffer.endswith("\n"):
            buffer += text.readline()  # the line the first read cut in two
        for number, line in enumerate(itertools.chain(io.StringIO(buffer), text), 1):
            if line.strip():
                yield number, _decode(line, name, number)
        return
    yield from _array_values(text, stripped[1:], name)


def _decode(line: str, name: str, number: int) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"JSON invalide / invalid JSON: {exc.msg}", file=name, line=number
        ) from None


def _array_values(text: IO[str], buffer: str, name: str) -> Iterator[tuple[int, Any]]:
    decoder = json.JSONDecoder()
    count = 0
    while True:
        buffer = buffer.lstrip()
        while not buffer or (buffer[0] == "," and count):
            buffer = buffer[1:].lstrip() if buffer else buffer
            if not buffer:
                more = text.read(1 << 16)
                if not more:
                    raise InputError("JSON tronqué / truncated JSON", file=name, line=count + 1)
                buffer = more.lstrip()
        if buffer[0] == "]":
            return
        while True:
            try:
                value, end = decoder.raw_decode(buffer)
                break
            except json.JSONDecodeError as exc:
                more = text.read(1 << 16)
                if not more:
                    raise InputError(
                        f"JSON invalide / invalid JSON: {exc.msg}", file=name, line=count + 1
                    ) from None
                buffer += more
        count += 1
        yield count, value
        buffer = buffer[end:]
