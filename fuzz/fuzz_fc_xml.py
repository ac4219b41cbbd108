"""Coverage-guided fuzzing of the France Compétences XML reader (atheris / libFuzzer).

Run it with ``make fuzz`` (FUZZ_TIME=seconds). Each input is read; each fiche read is then
checked by every rule and written back to fc-xml, and must read back unchanged. Any
exception other than rncpkit's own documented errors, a failed round trip, a crash, and an
input slower than the per-input timeout is a finding: libFuzzer stops and writes the input
to ``build/fuzz-crash-*``.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["rncpkit"]):
    import rncpkit
    from rncpkit.errors import OutputError, RncpkitError
    from rncpkit.formats import Record
    from rncpkit.validation import check

ROOT = Path(__file__).resolve().parents[1]

_SEEDS = {
    "sample.xml": (ROOT / "samples" / "RNCP35080.xml").read_bytes(),
    "minimal.xml": b"<FICHES><VERSION_FLUX>4.1</VERSION_FLUX><FICHE><NUMERO_FICHE>RS1"
    b"</NUMERO_FICHE><INTITULE>T</INTITULE></FICHE></FICHES>",
    "latin1.xml": b'<?xml version="1.0" encoding="ISO-8859-1"?><FICHES><VERSION_FLUX>4.1'
    b"</VERSION_FLUX><FICHE><NUMERO_FICHE>RS1</NUMERO_FICHE><INTITULE>caf\xe9</INTITULE>"
    b"</FICHE></FICHES>",
    "doctype.xml": b'<?xml version="1.0"?><!DOCTYPE FICHES [<!ENTITY e "x">]><FICHES/>',
    "utf16.xml": '<?xml version="1.0" encoding="UTF-16"?><FICHES><VERSION_FLUX>4.1'
    "</VERSION_FLUX></FICHES>".encode("utf-16"),
}


def seed(corpus: Path) -> None:
    """Give an empty corpus a few starting points written by this project."""
    corpus.mkdir(parents=True, exist_ok=True)
    if not any(corpus.iterdir()):
        for name, data in _SEEDS.items():
            (corpus / name).write_bytes(data)


TODAY = dt.date(2026, 8, 16)


def test_one_input(data: bytes) -> None:
    """Read every fiche of ``data``, check it and write it back; only rncpkit's documented
    errors may come out, and what is written must read back the same."""
    try:
        for result in rncpkit.read_records(data, "fc-xml"):
            if isinstance(result, Record):
                cert = result.certification
                for _finding in check(cert, today=TODAY):
                    pass
                buffer = io.BytesIO()
                try:
                    rncpkit.write([cert], buffer, to="fc-xml")
                except OutputError:
                    continue
                [again] = rncpkit.read(buffer.getvalue(), "fc-xml")
                assert again == cert, cert.number
    except RncpkitError:
        pass


def main() -> None:
    corpora = [Path(arg) for arg in sys.argv[1:] if not arg.startswith("-")]
    for corpus in corpora:
        seed(corpus)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
