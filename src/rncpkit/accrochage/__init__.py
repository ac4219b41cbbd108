"""The certifiers' "accrochage" flux: declaring holders to the Caisse des Dépôts.

Every certifier of an RNCP or RS certification declares who obtained it by uploading an
XML file (namespace ``urn:cdc:cpf:pc5:schema:1.0.0``, XSD 1.1.2) that the portal rejects
whole if anything is wrong. This package turns a holders spreadsheet into that file::

    from rncpkit import accrochage

    report = accrochage.build(
        "holders.csv", "flux.xml",
        id_client="03VML243", id_contract="MCFCER000209", certification="RNCP35080",
    )
    if not report.ok:
        for problem in report.problems:
            print(problem)          # row, column, reason in French and English

and checks one (:func:`check`). Then, for each file deposited, the portal's processing
report is read (:func:`read_report`, :func:`reconcile`: refused rows back to the
spreadsheet) and a ledger (:class:`Ledger`) keeps what was declared and what became of it.
"""

from rncpkit.accrochage.builder import BuildReport, build, write_report
from rncpkit.accrochage.checker import CheckProblem, CheckReport, check
from rncpkit.accrochage.columns import Column
from rncpkit.accrochage.enums import (
    RNCP_TO_CDC,
    AccessMode,
    DepositorKind,
    ExamMode,
    FluxAction,
    LanguageLevel,
    Mention,
    Obtention,
    RegistrationInitiative,
    Sex,
    VaeRoute,
)
from rncpkit.accrochage.fiches import FicheFacts, FicheIndex, sample_path
from rncpkit.accrochage.holders import COLUMNS, read_rows, template
from rncpkit.accrochage.ledger import Ledger, LedgerBusyError
from rncpkit.accrochage.model import (
    MAX_BYTES_PER_FILE,
    MAX_PASSAGES_PER_FILE,
    NAMESPACE,
    SCHEMA_VERSIONS,
    XSD_VERSION,
    CertificationRef,
    Certifier,
    CivilIdentity,
    CpfFile,
    DigitalLevel,
    DigitalResult,
    FluxHeader,
    NationalId,
    Passage,
)
from rncpkit.accrochage.nir import Nir, NirError, nir_key, parse_nir
from rncpkit.accrochage.reader import read_passage
from rncpkit.accrochage.receipt import (
    KNOWN_MESSAGES,
    Explanation,
    FileError,
    Outcome,
    ProcessingReport,
    explain,
    read_report,
)
from rncpkit.accrochage.reconcile import Reconciliation, reconcile
from rncpkit.accrochage.rows import Row, RowProblem, RowResult, convert_row, to_passage
from rncpkit.accrochage.writer import new_flux_id, paris_time, write_flux

__all__ = [
    "COLUMNS",
    "KNOWN_MESSAGES",
    "MAX_BYTES_PER_FILE",
    "MAX_PASSAGES_PER_FILE",
    "NAMESPACE",
    "RNCP_TO_CDC",
    "SCHEMA_VERSIONS",
    "XSD_VERSION",
    "AccessMode",
    "BuildReport",
    "CertificationRef",
    "Certifier",
    "CheckProblem",
    "CheckReport",
    "CivilIdentity",
    "Column",
    "CpfFile",
    "DepositorKind",
    "DigitalLevel",
    "DigitalResult",
    "ExamMode",
    "Explanation",
    "FicheFacts",
    "FicheIndex",
    "FileError",
    "FluxAction",
    "FluxHeader",
    "LanguageLevel",
    "Ledger",
    "LedgerBusyError",
    "Mention",
    "NationalId",
    "Nir",
    "NirError",
    "Obtention",
    "Outcome",
    "Passage",
    "ProcessingReport",
    "Reconciliation",
    "RegistrationInitiative",
    "Row",
    "RowProblem",
    "RowResult",
    "Sex",
    "VaeRoute",
    "build",
    "check",
    "convert_row",
    "explain",
    "new_flux_id",
    "nir_key",
    "paris_time",
    "parse_nir",
    "read_passage",
    "read_report",
    "read_rows",
    "reconcile",
    "sample_path",
    "template",
    "to_passage",
    "write_flux",
    "write_report",
]
