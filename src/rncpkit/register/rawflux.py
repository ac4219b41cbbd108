"""Fast path for the France Compétences XML flux: unchanged fiches are never parsed.

Each ``FICHE`` is cut from the flux at the byte level (the cutter ``convert --jobs`` uses,
about 7 times cheaper than ``iterparse``) and its bytes digested; the register keeps that
digest, so a fiche whose bytes are the same as last night is known unchanged without
building its tree or its model. Other fiches are parsed by the hardened parser and read
by the fc-xml reader's own :func:`~rncpkit.formats.fc_xml.read_fiche`, exactly as a
whole-file read would.

The digest is salted with rncpkit's version and the flux version, so a newer rncpkit (whose
reader might map the same bytes differently) reads every fiche again once. Anything the
cutter does not accept (unusual layout, not UTF-8, malformed XML) raises :class:`Fallback`:
the caller then starts again with the ordinary reader, which reports problems exactly.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rncpkit import xmlsafe
from rncpkit._version import __version__
from rncpkit.errors import FicheError, InputError
from rncpkit.formats import fc_xml
from rncpkit.formats.registry import detect_format
from rncpkit.io import InputFile, Source, open_input, single_member
from rncpkit.model import Certification
from rncpkit.parallel import _Fallback, _raw_fragments

_NUMBER = re.compile(rb"<NUMERO_FICHE>\s*((?:RNCP|RS)[0-9]+)\s*</NUMERO_FICHE>")
_SALT = f"rncpkit {__version__} flux ".encode()


class Fallback(Exception):
    """The input cannot take the fast path; read it with the ordinary reader."""


@dataclass(frozen=True)
class RawFiche:
    """One fiche's bytes, with what is known before parsing it."""

    name: str
    version: str
    line: int
    raw: bytes
    number: str | None
    digest: bytes

    def parse(self) -> Certification | FicheError:
        """The fiche read as the fc-xml reader reads it, line numbers included."""
        try:
            document = xmlsafe.parse_bytes(b"<FICHES>" + self.raw + b"</FICHES>", name=self.name)
        except InputError as exc:
            raise Fallback(str(exc)) from None
        element = document[0]
        result = fc_xml.read_fiche(element, fc_xml.SPECS[self.version], self.name)
        if isinstance(result, FicheError):
            shift = self.line - (element.sourceline or self.line)
            for problem in result.all_problems():
                if problem.line is not None:
                    problem.line += shift
        return result


def _fiches(opened: InputFile) -> Iterator[RawFiche]:
    member = single_member(opened, ".xml") if opened.archive is not None else opened
    try:
        for version, line, raw in _raw_fragments(member.stream, member.name):
            found = _NUMBER.search(raw)
            yield RawFiche(
                member.name,
                version,
                line,
                raw,
                found.group(1).decode() if found else None,
                hashlib.blake2b(_SALT + version.encode() + b"\n" + raw, digest_size=16).digest(),
            )
    except _Fallback as exc:
        raise Fallback(str(exc)) from None


@contextlib.contextmanager
def raw_fiches(source: Source) -> Iterator[tuple[InputFile, Iterator[RawFiche]] | None]:
    """The fiches of ``source`` as :class:`RawFiche`, or None when it is not an XML flux
    (or not a file that can be read twice, should the fast path have to give up)."""
    if not isinstance(source, str | os.PathLike) or os.fspath(source) == "-":
        yield None
        return
    with open_input(source) as opened:
        try:
            fmt = detect_format(opened)
        except InputError:
            fmt = None
        if fmt is None or fmt.name != "fc-xml":
            yield None
            return
        yield opened, _fiches(opened)
