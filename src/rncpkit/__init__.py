"""rncpkit: typed models, validation and conversion of French certification records.

Read any supported file into :class:`Certification` models, one at a time::

    import rncpkit
    for cert in rncpkit.read("export_fiches_RNCP_V4_1_2026-08-16.zip"):
        print(cert.number, cert.title, cert.eqf_level)

and write them in another format::

    rncpkit.write(rncpkit.read("fiches.xml"), "fiches.jsonl", to="jsonl")

Everything public is listed in ``__all__`` here or in the ``__all__`` of a public module;
modules whose name starts with ``_`` are internal.
"""

from rncpkit._version import __version__
from rncpkit.api import Summary, convert, find, read, read_records, write
from rncpkit.errors import (
    ArgumentTypeError,
    FicheError,
    InputError,
    OutputError,
    RncpkitError,
    RncpkitWarning,
    UnsafeInputError,
    UnsupportedVersionError,
    UsageError,
)
from rncpkit.formats import FORMATS, Record, WriteOptions
from rncpkit.model import AccessRouteCode, Certification, Level, Repertoire
from rncpkit.register.api import Register
from rncpkit.validation import Finding, Severity, validate

__all__ = [
    "FORMATS",
    "AccessRouteCode",
    "ArgumentTypeError",
    "Certification",
    "FicheError",
    "Finding",
    "InputError",
    "Level",
    "OutputError",
    "Record",
    "Register",
    "Repertoire",
    "RncpkitError",
    "RncpkitWarning",
    "Severity",
    "Summary",
    "UnsafeInputError",
    "UnsupportedVersionError",
    "UsageError",
    "WriteOptions",
    "__version__",
    "convert",
    "find",
    "read",
    "read_records",
    "validate",
    "write",
]
