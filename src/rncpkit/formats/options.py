"""Typed per-format options: what ``-O key=value`` may set, declared by each format.

A format declares one small frozen dataclass deriving from :class:`FormatOptions`; each
field is one option, declared with :func:`option` (its ``-O`` key, how its text is parsed,
a one-line help). :meth:`FormatOptions.parse` turns ``key=value`` pairs into an instance:
an unknown key or a bad value is a :class:`~rncpkit.errors.UsageError` that lists the
known keys, so a typo never passes silently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from rncpkit.errors import UsageError

__all__ = ["FormatOptions", "NoOptions", "option"]

OptionsT = TypeVar("OptionsT", bound="FormatOptions")


def option(
    default: Any = None,
    *,
    help: str,
    key: str | None = None,
    parse: Callable[[str], Any] = str,
    prefix: bool = False,
) -> Any:
    """One option of a :class:`FormatOptions` class.

    ``key`` is its ``-O`` name (the field name by default); ``parse`` turns the text into
    the field's value (raising ``ValueError`` with a message on bad input). With
    ``prefix``, the option is a family ``key.NAME=value`` gathered in a dict by ``NAME``
    (``title_en.RNCP35080=…``).
    """
    metadata = {"key": key, "parse": parse, "prefix": prefix, "help": help}
    if prefix:
        return dataclasses.field(default_factory=dict, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclass(frozen=True)
class FormatOptions:
    """Base of a format's options; an instance holds parsed, typed values."""

    @classmethod
    def keys(cls) -> list[str]:
        """The ``-O`` keys, as a user writes them (``title_en.<NUMERO>`` for a family)."""
        out = []
        for item in dataclasses.fields(cls):
            key = item.metadata.get("key") or item.name
            out.append(f"{key}.<NAME>" if item.metadata.get("prefix") else key)
        return out

    @classmethod
    def help(cls) -> dict[str, str]:
        """Each ``-O`` key with its one-line help."""
        return {
            key: item.metadata.get("help", "")
            for key, item in zip(cls.keys(), dataclasses.fields(cls), strict=True)
        }

    @classmethod
    def parse(
        cls: type[OptionsT], pairs: Mapping[str, str] | Iterable[tuple[str, str]], *, fmt: str = ""
    ) -> OptionsT:
        """An instance from ``key=value`` pairs; :class:`UsageError` on any fault (``fmt``,
        the format's name, is shown in the message)."""
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        fields = {(f.metadata.get("key") or f.name): f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, text in items:
            name, _, member = key.partition(".")
            found = fields.get(key) or fields.get(name)
            if found is None or bool(found.metadata.get("prefix")) != bool(member):
                raise UsageError(cls._unknown(key, fmt))
            try:
                value = found.metadata.get("parse", str)(text)
            except (ValueError, TypeError) as exc:
                raise UsageError(f"option {key}: {exc}") from None
            if member:
                values.setdefault(found.name, {})[member] = value
            else:
                values[found.name] = value
        return cls(**values)

    @classmethod
    def _unknown(cls, key: str, fmt: str) -> str:
        known = cls.keys()
        if not known:
            return f"unknown option {key!r}: the {fmt or 'output'} format takes no -O option"
        where = f" for {fmt}" if fmt else ""
        return f"unknown option {key!r}{where} (known: {', '.join(known)})"


@dataclass(frozen=True)
class NoOptions(FormatOptions):
    """For formats that take no ``-O`` option."""
