"""A toy format, as a newcomer would add one: this module, and one line in the registry.

``toy`` is one fiche per line, ``NUMBER|TITLE``; it carries nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from rncpkit.errors import FicheError
from rncpkit.formats.base import Format, ReadResult, Record, WriteOptions
from rncpkit.io import InputFile
from rncpkit.model import Certification


def read(opened: InputFile) -> Iterator[ReadResult]:
    for line, raw in enumerate(opened.stream, start=1):
        number, sep, title = raw.decode("utf-8").rstrip("\n").partition("|")
        if not sep:
            yield FicheError("expected NUMBER|TITLE", file=opened.name, line=line)
            continue
        yield Record(Certification(number=number, title=title), line)


class Writer:
    def __init__(self, stream: IO[bytes], options: WriteOptions) -> None:
        self._stream = stream

    def write(self, certification: Certification) -> None:
        self._stream.write(f"{certification.number}|{certification.title}\n".encode())

    def close(self) -> None:
        pass


FORMAT = Format(
    name="toy",
    description="one fiche per line: NUMBER|TITLE",
    extensions=(".toy",),
    reader=read,
    writer=Writer,
    concatenable=True,
    uncarried=frozenset({"level", "blocks"}),
)
