"""Files in and out, the same way for every command: opening inputs (paths, ``-``, bytes,
file objects, zips), recognising a file that is not what it claims (an HTML page saved as
.xml…), decoding text inputs with a located error when they are not in the expected
encoding, and replacing an output only when the run succeeds, with every I/O failure turned
into one :class:`~rncpkit.errors.OutputFileError` naming the path.

One module per idea: :mod:`~rncpkit.io.inputs`, :mod:`~rncpkit.io.kinds`,
:mod:`~rncpkit.io.text`, :mod:`~rncpkit.io.outputs`.
"""

from __future__ import annotations

from rncpkit.io.inputs import (
    HEAD_SIZE,
    MAX_RATIO,
    MAX_UNCOMPRESSED,
    ZIP_MAGIC,
    Encoded,
    InputFile,
    Source,
    check_encoding,
    display_name,
    open_input,
    open_member,
    reopenable,
    single_member,
)
from rncpkit.io.kinds import what_it_seems
from rncpkit.io.outputs import atomic_output, discard, open_temporary, output_error
from rncpkit.io.text import text_stream

__all__ = [
    "HEAD_SIZE",
    "MAX_RATIO",
    "MAX_UNCOMPRESSED",
    "ZIP_MAGIC",
    "Encoded",
    "InputFile",
    "Source",
    "atomic_output",
    "check_encoding",
    "discard",
    "display_name",
    "open_input",
    "open_member",
    "open_temporary",
    "output_error",
    "reopenable",
    "single_member",
    "text_stream",
    "what_it_seems",
]
