"""Checks of what the library functions are given, so that a wrong kind of argument is a
clear :class:`~rncpkit.errors.ArgumentTypeError` saying what was expected, not a traceback
from deep inside a reader or a writer."""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from rncpkit.errors import ArgumentTypeError, UsageError
from rncpkit.formats.base import WriteOptions

__all__ = [
    "check_certifications",
    "check_destination",
    "check_options",
    "check_source",
    "format_argument",
    "format_name",
    "from_format_argument",
]

_SOURCE = "a path ('-' for stdin), the file's bytes or a binary file object"


def check_source(source: Any, function: str) -> None:
    """``source`` must be what :data:`rncpkit.io.Source` says."""
    if isinstance(source, bytes | os.PathLike):
        return
    if isinstance(source, str):
        content = source.lstrip()[:1]
        if content in ("<", "{", "[") or "\n" in source:
            raise ArgumentTypeError(
                f"{function}() takes {_SOURCE}, and this string looks like the content of a "
                f"file ({source.strip()[:40]!r}…): pass it as bytes, e.g. text.encode()"
            )
        return
    if isinstance(source, io.TextIOBase):
        raise ArgumentTypeError(f"{function}() takes a binary file: open it with 'rb'")
    if isinstance(source, BaseModel) or (
        isinstance(source, list | tuple) and source and isinstance(source[0], BaseModel)
    ):
        raise ArgumentTypeError(
            f"{function}() takes {_SOURCE}, not {type(source).__name__} models "
            "(rncpkit.validation.check() checks one Certification)"
        )
    if not callable(getattr(source, "read", None)):
        raise ArgumentTypeError(f"{function}() takes {_SOURCE}, not {type(source).__name__}")


def check_destination(destination: Any, function: str) -> None:
    """A path (``-`` for stdout, a directory for one-file-per-fiche formats) or a binary
    stream."""
    if isinstance(destination, str | os.PathLike):
        return
    if isinstance(destination, io.TextIOBase):
        raise ArgumentTypeError(
            f"{function}() writes bytes: give a binary stream (sys.stdout.buffer, open(…, 'wb'))"
        )
    if not callable(getattr(destination, "write", None)):
        raise ArgumentTypeError(
            f"{function}() writes to a path or a binary stream, not {type(destination).__name__}"
        )


def check_certifications(certifications: Any, function: str) -> None:
    """An iterable of certifications, not one (its fields would be iterated)."""
    if isinstance(certifications, BaseModel):
        raise ArgumentTypeError(
            f"{function}() takes an iterable of Certification, not one "
            f"{type(certifications).__name__}: pass [certification]"
        )
    if isinstance(certifications, str | bytes) or not isinstance(certifications, Iterable):
        raise ArgumentTypeError(
            f"{function}() takes an iterable of Certification, not "
            f"{type(certifications).__name__} (rncpkit.read() turns a file into one)"
        )


def check_options(options: Any, function: str) -> None:
    if options is not None and not isinstance(options, WriteOptions):
        raise ArgumentTypeError(
            f"{function}() takes options=WriteOptions(…), not {type(options).__name__}"
        )


def format_name(value: Any, argument: str, function: str) -> str | None:
    """A format argument: a name or None."""
    if value is None or isinstance(value, str):
        return value
    raise UsageError(f"{function}(): {argument} must be a format name such as 'fc-xml'")


def format_argument(
    legacy: tuple[str | None, ...], keyword: str | None, name: str, function: str
) -> str | None:
    """The format given by keyword ``name``, or positionally (deprecated)."""
    if len(legacy) > 1:
        raise ArgumentTypeError(f"{function}() takes the format as {name}=, once")
    if legacy and keyword is not None:
        raise UsageError(f"{function}(): format given twice (positionally and as {name}=)")
    value = legacy[0] if legacy else keyword
    return format_name(value, name, function)


def from_format_argument(
    legacy: tuple[str | None, ...], from_format: str | None, format: str | None, function: str
) -> str | None:
    if format is not None:
        warnings.warn(
            f"{function}(format=…) is deprecated: use from_format=…", DeprecationWarning, 3
        )
        if from_format is not None:
            raise UsageError(f"{function}(): give from_format= only")
        from_format = format
    return format_argument(legacy, from_format, "from_format", function)
