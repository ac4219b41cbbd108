"""France Compétences CSV export (``export-fiches-csv-AAAA-MM-JJ.zip``), read and written.

The export is a zip of ten ``;``-separated UTF-8 files: ``Standard`` has one row
per fiche, the nine others one row per item of a fiche (blocks, certifiers, partners…),
joined on ``Numero_Fiche``. Reading indexes the nine child files in a temporary SQLite file
(on disk, so memory stays flat whatever the export size and whatever their row order), then
streams ``Standard`` and assembles one fiche at a time. Writing spools each file's rows to a
temporary file and assembles the zip at the end, in the official layout: CRLF, every
non-empty value double-quoted, SIRETs prefixed by a TAB, NSF and Formacode labels prefixed
by their code, ``Actif`` as ``ACTIVE``/``INACTIVE``, one ``VoixdAccès`` row per open route.

The CSV carries a subset of the XML flux: no texts, jury compositions, partner states,
statistics or publications. A CSV export read and written back gives the same rows; rows of
the child files come out grouped per fiche, in ``Standard`` order.
"""

from __future__ import annotations

from rncpkit.formats.base import Format
from rncpkit.formats.fc_csv.reading import MEMBER, member_name, read
from rncpkit.formats.fc_csv.table import FILES, STANDARD, key
from rncpkit.formats.fc_csv.writing import CsvExportWriter, CsvOptions, encode_rows
from rncpkit.io import InputFile

__all__ = ["FILES", "FORMAT", "STANDARD", "CsvOptions", "encode_rows", "member_name", "read"]


def sniff(opened: InputFile) -> bool:
    """A zip holding ``export_fiches_CSV_Standard_*.csv``, or that file alone."""
    if opened.archive is not None:
        return any(
            (match := MEMBER.search(member_name(info))) is not None
            and key(match.group("name")) == key(STANDARD.name)
            for info in opened.archive.infolist()
        )
    head = opened.head.removeprefix(b"\xef\xbb\xbf")
    return head.startswith((b'"Id_Fiche";"Numero_Fiche"', b"Id_Fiche;Numero_Fiche"))


FORMAT = Format(
    name="fc-csv",
    description="France Compétences CSV export (export-fiches-csv-*.zip, ten CSV files)",
    extensions=(".csv",),
    sniff=sniff,
    reader=read,
    writer=CsvExportWriter,
    options=CsvOptions,
    # The CSV export has no ETAT_FICHE, EXISTENCE_PARTENAIRES, texts, registration
    # duration, jury compositions or publication date: presence rules are moot there.
    uncarried=frozenset(
        {
            "state",
            "has_partners",
            "activities",
            "attested_skills",
            "sectors",
            "job_types",
            "registration_years",
            "jury",
            "publication_date",
        }
    ),
)
