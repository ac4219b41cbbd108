"""Decoding text inputs (CSV, JSON) in the encoding the user named, one way for every
reader, with a decoding error reported on its real line."""

from __future__ import annotations

import codecs
import io
from typing import IO

from rncpkit.errors import InputError
from rncpkit.io.inputs import InputFile

__all__ = [
    "text_stream",
]


class _CheckedText(io.RawIOBase):
    """The bytes of a text input, passed through unchanged but checked against their
    encoding as they go, counting lines: a byte that does not decode is reported on its
    real line, with what the encoding seems to be (a decoding text stream would only say
    "line 1", the first chunk it decodes)."""

    def __init__(self, stream: IO[bytes], name: str, encoding: str) -> None:
        self._stream = stream
        self._name = name
        self._encoding = encoding
        self._decoder = codecs.getincrementaldecoder(encoding)("strict")
        self._line = 1

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        data = self._stream.read(len(view))
        pending = self._decoder.getstate()[0]
        try:
            self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise self._error(pending + data, exc.start, len(pending)) from None
        self._line += data.count(b"\n")
        view[: len(data)] = data
        return len(data)

    def _error(self, data: bytes, start: int, carried: int) -> InputError:
        line = self._line + data.count(b"\n", carried, max(start, carried))
        begin = data.rfind(b"\n", 0, start) + 1
        end = data.find(b"\n", start)
        text = data[begin : end if end >= 0 else len(data)]
        byte = data[start]
        seems_en, seems_fr, option = _guess_encoding(text, self._encoding)
        shown = bytes([byte]).decode("cp1252", "replace")
        name = self._encoding.upper()
        # the byte and what it is, never the line itself (a holder's name, birth date…)
        return InputError(
            f"not {name}: byte 0x{byte:02X} ({shown!r} in Windows-1252); the file seems to be "
            f"{seems_en}: save it as 'CSV UTF-8' in Excel, or pass --encoding {option} / "
            f"pas en {name} : le fichier semble en {seems_fr} ; dans Excel, enregistrer sous "
            f"« CSV UTF-8 », ou --encoding {option}",
            file=self._name,
            line=line,
        )


def _guess_encoding(text: bytes, tried: str) -> tuple[str, str, str]:
    """What a line that failed to decode seems to be encoded in (English, French) and
    the ``--encoding`` that reads it."""
    if text.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in text:
        return "UTF-16 (Excel's 'Unicode text')", "UTF-16 (« texte Unicode » d'Excel)", "utf-16"
    try:
        text.decode("cp1252")
    except UnicodeDecodeError:
        return "an 8-bit encoding other than Windows-1252", "un autre codage 8 bits", "ENCODING"
    if tried != "utf-8":
        return "UTF-8 or another encoding", "UTF-8 ou un autre codage", "utf-8"
    if any(0x80 <= byte <= 0x9F for byte in text):
        return (
            "Windows-1252 (Excel's 'CSV' on Windows)",
            "Windows-1252 (« CSV » d'Excel sous Windows)",
            "cp1252",
        )
    return "Latin-1 (ISO-8859-1) or Windows-1252", "Latin-1 (ISO-8859-1) ou Windows-1252", "cp1252"


def text_stream(
    opened: InputFile, *, name: str | None = None, newline: str | None = ""
) -> io.TextIOWrapper:
    """The text of a CSV or JSON input, in the encoding the user named (UTF-8 with or
    without BOM by default). Bytes that do not decode raise an :class:`InputError` naming
    their line and the encoding the file seems to be in. Call ``detach()`` on the result
    to leave ``opened.stream`` open."""
    encoding = opened.encoding or "utf-8"
    checked = io.BufferedReader(_CheckedText(opened.stream, name or opened.name, encoding), 1 << 16)
    return io.TextIOWrapper(
        checked, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline=newline
    )
