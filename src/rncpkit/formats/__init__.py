"""File formats: one module per format, each with its reader and writer."""

from rncpkit.formats.base import Format, ReadResult, Record, RecordWriter, WriteOptions
from rncpkit.formats.registry import (
    FORMATS,
    detect_format,
    get_format,
    readable_formats,
    writable_formats,
)

__all__ = [
    "FORMATS",
    "Format",
    "ReadResult",
    "Record",
    "RecordWriter",
    "WriteOptions",
    "detect_format",
    "get_format",
    "readable_formats",
    "writable_formats",
]
