"""Errors rncpkit raises. Every one a caller may see derives from :class:`RncpkitError`.

RncpkitError
├── InputError            – the input cannot be read or is invalid (CLI exit code 1)
│   ├── UnsafeInputError  – refused for safety: DOCTYPE, entities, zip bomb, oversize
│   ├── UnsupportedVersionError – a France Compétences flux version rncpkit does not read
│   └── FicheError        – one fiche is invalid; the others of the file may still be read
├── OutputError           – a record cannot be expressed in the target format
└── UsageError            – the call itself is wrong (unknown format, bad option)
"""

from __future__ import annotations

import typing


class RncpkitError(Exception):
    """Base of every error rncpkit raises on purpose."""


class InputError(RncpkitError):
    """Invalid or unreadable input, located as precisely as the input allows."""

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
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        parts.append(where)
        if self.fiche:
            parts.append(f"fiche {self.fiche}")
        if self.field:
            parts.append(f"field {self.field}")
        return ": ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"

    def as_dict(self) -> dict[str, str | int | None]:
        """Machine-readable form (``--format json``)."""
        return {
            "file": self.file,
            "line": self.line,
            "fiche": self.fiche,
            "field": self.field,
            "message": self.message,
        }


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


class OutputError(RncpkitError):
    """A certification cannot be written in the requested format.

    ``file`` and ``line`` locate the fiche in the input when the caller knows them
    (:func:`rncpkit.convert` fills them in from the record being written).
    """

    def __init__(
        self,
        message: str,
        *,
        fiche: str | None = None,
        field: str | None = None,
        file: str | None = None,
        line: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.fiche = fiche
        self.field = field
        self.file = file
        self.line = line

    def location(self) -> str:
        """``file:line: fiche RNCP1: field X`` — the parts that are known."""
        parts: list[str] = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line is not None else ""))
        if self.fiche:
            parts.append(f"fiche {self.fiche}")
        if self.field:
            parts.append(f"field {self.field}")
        return ": ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, str | int | None]:
        """Machine-readable form, as :meth:`InputError.as_dict`."""
        return {
            "file": self.file,
            "line": self.line,
            "fiche": self.fiche,
            "field": self.field,
            "message": self.message,
        }


class RncpkitWarning(UserWarning):
    """Something the user should know that does not stop the run (issued through
    :mod:`warnings`; the command line prints it as ``rncpkit: warning: …``)."""


class UsageError(RncpkitError):
    """The call is wrong: unknown format, incompatible options."""
