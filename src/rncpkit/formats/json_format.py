"""JSON (one fiche, or an array of fiches) and JSON Lines (one fiche per line).

Field names are the model's; dates are ISO 8601. Both directions stream: an array is
decoded element by element, so a national-size JSON file never sits whole in memory.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import IO, Any

from pydantic import ValidationError

from rncpkit.errors import FicheError, InputError, OutputError
from rncpkit.formats.base import Format, ReadResult, Record, WriteOptions, fiche_error
from rncpkit.io import InputFile, single_member
from rncpkit.model import Certification

__all__ = [
    "JSON",
    "JSONL",
    "MAX_VALUE_SIZE",
    "JsonLinesWriter",
    "JsonWriter",
    "read_json",
    "read_jsonl",
    "sniff_json",
    "sniff_jsonl",
]

_CHUNK = 1 << 16
MAX_VALUE_SIZE = 64 * 1024 * 1024
"""A single fiche larger than this (in characters) is refused rather than buffered."""
_WHITESPACE = " \t\r\n"


def _reason(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "values nested too deeply"
    return str(exc).split(";")[0]


def _to_result(value: Any, name: str, line: int) -> ReadResult:
    number = value.get("number") if isinstance(value, dict) else None
    if not isinstance(value, dict):
        return FicheError("expected a JSON object for a fiche", file=name, line=line)
    try:
        return Record(Certification.model_validate(value), line)
    except ValidationError as exc:
        return fiche_error(
            exc, file=name, line=line, fiche=number if isinstance(number, str) else None
        )


def _text_chunks(stream: IO[bytes], name: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    while True:
        data = stream.read(_CHUNK)
        try:
            yield decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise InputError(f"invalid UTF-8: {exc.reason}", file=name) from None
        if not data:
            return


def read_json(opened: InputFile) -> Iterator[ReadResult]:
    """Read one fiche object or an array of them, decoding the array incrementally."""
    if opened.archive is not None:
        opened = single_member(opened, ".json")
    name = opened.name
    chunks = _text_chunks(opened.stream, name)
    decoder = json.JSONDecoder()
    buffer = ""
    line = 1
    eof = False

    def fill() -> bool:
        nonlocal buffer, eof
        if eof:
            return False
        piece = next(chunks, None)
        if piece is None:
            eof = True
            return False
        buffer += piece
        return True

    def skip_ws(pos: int) -> int:
        nonlocal line
        while True:
            while pos < len(buffer) and buffer[pos] in _WHITESPACE:
                if buffer[pos] == "\n":
                    line += 1
                pos += 1
            if pos < len(buffer) or not fill():
                return pos

    def decode(pos: int) -> tuple[Any, int]:
        while True:
            try:
                return decoder.raw_decode(buffer, pos)
            except json.JSONDecodeError as exc:
                if len(buffer) - pos > MAX_VALUE_SIZE:
                    raise InputError(
                        f"a JSON value exceeds {MAX_VALUE_SIZE} characters", file=name, line=line
                    ) from None
                if not fill():
                    raise InputError(
                        f"invalid JSON: {exc.msg}", file=name, line=line + exc.lineno - 1
                    ) from None
            except (RecursionError, ValueError) as exc:  # nesting too deep, 5000-digit number
                raise InputError(f"unreadable JSON: {_reason(exc)}", file=name, line=line) from None

    pos = skip_ws(0)
    if pos >= len(buffer):
        raise InputError("empty input: no JSON value", file=name)
    if buffer[pos] != "[":
        value, end = decode(pos)
        yield _to_result(value, name, line)
        line += buffer.count("\n", pos, end)
        if skip_ws(end) < len(buffer):
            raise InputError("unexpected data after the JSON value", file=name, line=line)
        return
    pos = skip_ws(pos + 1)
    if pos < len(buffer) and buffer[pos] == "]":
        return
    while True:
        value, end = decode(pos)
        yield _to_result(value, name, line)
        line += buffer.count("\n", pos, end)
        pos = skip_ws(end)
        if pos >= len(buffer):
            raise InputError("unterminated JSON array", file=name, line=line)
        if buffer[pos] == "]":
            return
        if buffer[pos] != ",":
            raise InputError("expected ',' or ']' in the JSON array", file=name, line=line)
        pos = skip_ws(pos + 1)
        buffer = buffer[pos:]  # drop what has been consumed: memory stays flat
        pos = 0


def read_jsonl(opened: InputFile) -> Iterator[ReadResult]:
    """Read one fiche per line; blank lines are ignored."""
    if opened.archive is not None:
        opened = single_member(opened, ".jsonl")
    name = opened.name
    for line_number, raw in enumerate(opened.stream, start=1):
        text = raw.strip()
        if line_number == 1:
            text = text.removeprefix(codecs.BOM_UTF8)
        if not text:
            continue
        try:
            value = json.loads(text)
        except UnicodeDecodeError as exc:
            raise InputError(f"invalid UTF-8: {exc.reason}", file=name, line=line_number) from None
        except json.JSONDecodeError as exc:
            yield FicheError(f"invalid JSON: {exc.msg}", file=name, line=line_number)
            continue
        except (RecursionError, ValueError) as exc:  # nesting too deep, 5000-digit number
            yield FicheError(f"unreadable JSON: {_reason(exc)}", file=name, line=line_number)
            continue
        yield _to_result(value, name, line_number)


_TO_JSON = Certification.__pydantic_serializer__.to_json
"""The model's compiled serializer: UTF-8 bytes straight from pydantic-core
(``model_dump_json`` decodes them to a str, which the writer would encode back)."""


def _dump(certification: Certification, indent: int | None) -> bytes:
    try:
        data: bytes = _TO_JSON(certification, indent=indent)
        return data
    except ValueError as exc:  # a lone surrogate (from a JSON "\ud800" escape) has no UTF-8
        raise OutputError(f"cannot be written as JSON: {exc}", fiche=certification.number) from None


class JsonWriter:
    """One fiche → one object; several → an array. Decided at the second fiche."""

    def __init__(self, stream: IO[bytes], options: WriteOptions) -> None:
        self._stream = stream
        self._first: bytes | None = None
        self._count = 0

    def write(self, certification: Certification) -> None:
        data = _dump(certification, 2)
        self._count += 1
        if self._count == 1:
            self._first = data
            return
        if self._count == 2:
            assert self._first is not None
            self._stream.write(b"[\n" + self._first)
            self._first = None
        self._stream.write(b",\n" + data)

    def close(self) -> None:
        if self._count == 0:
            self._stream.write(b"[]\n")
        elif self._count == 1:
            assert self._first is not None
            self._stream.write(self._first + b"\n")
        else:
            self._stream.write(b"\n]\n")


class JsonLinesWriter:
    """One compact JSON object per line."""

    def __init__(self, stream: IO[bytes], options: WriteOptions) -> None:
        self._stream = stream

    def write(self, certification: Certification) -> None:
        self._stream.write(_dump(certification, None) + b"\n")

    def close(self) -> None:
        pass


def _first_char(opened: InputFile) -> str:
    head = opened.head.lstrip(codecs.BOM_UTF8).lstrip()
    return chr(head[0]) if head else ""


def sniff_json(opened: InputFile) -> bool:
    """An object or array that does not look like JSON Lines."""
    if opened.archive is not None:
        return False
    return _first_char(opened) in ("[", "{") and not sniff_jsonl(opened)  # "" is in any str


def sniff_jsonl(opened: InputFile) -> bool:
    """Several lines that each start an object."""
    if opened.archive is not None or _first_char(opened) != "{":
        return False
    lines = [line.strip() for line in opened.head.splitlines() if line.strip()]
    return (
        len(lines) >= 2
        and all(line.startswith(b"{") for line in lines[:2])
        and (lines[0].endswith(b"}"))
    )


JSON = Format(
    name="json",
    description="JSON: one fiche object, or an array of fiches (model field names, ISO dates)",
    extensions=(".json",),
    sniff=sniff_json,
    reader=read_json,
    writer=JsonWriter,
)

JSONL = Format(
    name="jsonl",
    description="JSON Lines: one fiche per line, streamed",
    extensions=(".jsonl", ".ndjson"),
    sniff=sniff_jsonl,
    reader=read_jsonl,
    writer=JsonLinesWriter,
    concatenable=True,
)
