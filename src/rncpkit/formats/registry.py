"""Every format rncpkit knows. Adding a format is one module and one line here."""

from __future__ import annotations

from rncpkit.errors import UsageError
from rncpkit.formats import (
    europass_jsonld,
    europass_xml,
    fc_csv,
    fc_xml,
    json_format,
    openbadges,
    supplement_html,
    supplement_pdf,
    supplement_xml,
)
from rncpkit.formats.base import Format
from rncpkit.io import InputFile
from rncpkit.register import format as register_format

__all__ = ["FORMATS", "detect_format", "get_format", "readable_formats", "writable_formats"]

FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        fc_xml.FORMAT,
        fc_csv.FORMAT,
        json_format.JSON,
        json_format.JSONL,
        supplement_xml.FORMAT,
        supplement_html.FORMAT,
        supplement_pdf.FORMAT,
        europass_xml.FORMAT,
        europass_jsonld.FORMAT,
        openbadges.FORMAT,
        register_format.FORMAT,
    )
}


def get_format(name: str) -> Format:
    """The format called ``name``, or a :class:`UsageError` listing the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(FORMATS)
        raise UsageError(f"unknown format {name!r} (known: {known})") from None


def readable_formats() -> list[str]:
    """Names of the formats rncpkit can read."""
    return [name for name, fmt in FORMATS.items() if fmt.reader is not None]


def writable_formats() -> list[str]:
    """Names of the formats rncpkit can write."""
    return [
        name
        for name, fmt in FORMATS.items()
        if fmt.writer is not None or fmt.directory_writer is not None
    ]


def detect_format(opened: InputFile) -> Format:
    """Recognise the input's format from its content first, then its file extension."""
    for fmt in FORMATS.values():
        if fmt.reader is not None and fmt.sniff is not None and fmt.sniff(opened):
            return fmt
    lowered = opened.name.lower()
    for fmt in FORMATS.values():
        if fmt.reader is not None and lowered.endswith(fmt.extensions):
            return fmt
    from rncpkit.errors import InputError

    if not opened.head.strip():
        raise InputError("empty input", file=opened.name)
    raise InputError(
        f"cannot recognise the input format; name it with --from ({', '.join(readable_formats())})",
        file=opened.name,
    )
