"""Errors rncpkit raises. Every one a caller may see derives from :class:`RncpkitError`.

RncpkitError
├── InputError            – the input cannot be read or is invalid (CLI exit code 1)
│   ├── UnsafeInputError  – refused for safety: DOCTYPE, entities, zip bomb, oversize
│   ├── UnsupportedVersionError – a France Compétences flux version rncpkit does not read
│   └── FicheError        – one fiche is invalid; the others of the file may still be read
├── OutputError           – a record cannot be expressed in the target format
├── OutputFileError       – the output cannot be written (permission, disk full, read-only
│                           file system, a directory in the way): nothing is left behind
└── UsageError            – the call itself is wrong (unknown format, bad option)

Every error has ``location()`` (where, as ``file:line: fiche X: field Y``, empty when the
error is about no place) and ``as_dict()`` (the ``--format json`` form: file, line, fiche,
field, message), so that a caller reports any of them the same way.
"""

from __future__ import annotations

import typing


class RncpkitError(Exception):
    """Base of every error rncpkit raises on purpose."""

    def location(self) -> str:
        """Where the problem is; empty for an error about no file (a wrong call)."""
        return ""

    def as_dict(self) -> dict[str, str | int | None]:
        """Machine-readable form (``--format json``), the same keys for every error."""
        return {"file": None, "line": None, "fiche": None, "field": None, "message": str(self)}


class _LocatedError(RncpkitError):
    """An error about one place of the input: file, line, fiche and field, each when known.

    ``_unnamed`` names the file in :meth:`location` when it is not known (None: leave it out).
    """

    _unnamed: typing.ClassVar[str | None] = None

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        fiche: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.fiche = fiche
        self.field = field

    def location(self) -> str:
        """``file:line: fiche RNCP1: field X`` — the parts that are known."""
        parts: list[str] = []
        where = self.file or self._unnamed
        if where:
            parts.append(where + (f":{self.line}" if self.line is not None else ""))
        if self.fiche:
            parts.append(f"fiche {self.fiche}")
        if self.field:
            parts.append(f"field {self.field}")
        return ": ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, str | int | None]:
        """Machine-readable form (``--format json``)."""
        return {
            "file": self.file,
            "line": self.line,
            "fiche": self.fiche,
            "field": self.field,
            "message": self.message,
        }


class InputError(_LocatedError):
    """Invalid or unreadable input, located as precisely as the input allows."""

    _unnamed = "<input>"


class UnsafeInputError(InputError):
    """Input refused because parsing it could leak data or exhaust resources."""


class UnsupportedVersionError(InputError):
    """A France Compétences flux whose ``VERSION_FLUX`` rncpkit cannot read."""


class FicheError(InputError):
    """One fiche of a file is invalid; a bulk reader can report it and go on.

    ``others`` holds the further problems found in the same fiche.
    """

    others: list[FicheError]

    def __init__(self, message: str, **location: typing.Any) -> None:
        super().__init__(message, **location)
        self.others = []

    def all_problems(self) -> list[FicheError]:
        """This problem and the others of the same fiche."""
        return [self, *self.others]


class OutputError(_LocatedError):
    """A certification cannot be written in the requested format.

    ``file`` and ``line`` locate the fiche in the input when the caller knows them
    (:func:`rncpkit.convert` fills them in from the record being written).
    """


class RncpkitWarning(UserWarning):
    """Something the user should know that does not stop the run (issued through
    :mod:`warnings`; the command line prints it as ``rncpkit: warning: …``)."""


class OutputFileError(RncpkitError):
    """The output file or directory cannot be written. ``path`` is the file the user asked
    for (never the temporary ``.part`` file), ``errno`` the system's error number."""

    def __init__(self, message: str, *, path: str, errno: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.errno = errno

    def location(self) -> str:
        """The output path."""
        return self.path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def as_dict(self) -> dict[str, str | int | None]:
        """Machine-readable form (``--format json``)."""
        return {
            "file": self.path,
            "line": None,
            "fiche": None,
            "field": None,
            "message": self.message,
        }


class UsageError(RncpkitError):
    """The call is wrong: unknown format, incompatible options."""


class ArgumentTypeError(UsageError, TypeError):
    """An argument of the wrong kind: one Certification where an iterable of them is
    expected, XML text where a path is, a text stream where a binary one is. It is both a
    :class:`UsageError` and the :class:`TypeError` Python code expects."""


__all__ = [
    "ArgumentTypeError",
    "FicheError",
    "InputError",
    "OutputError",
    "RncpkitError",
    "RncpkitWarning",
    "UnsafeInputError",
    "UnsupportedVersionError",
    "UsageError",
]
