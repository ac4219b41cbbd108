"""From a holders file to the flux file(s) the certifier uploads: all or nothing.

Pass 1 reads the rows one at a time, checks each (model, fiche routes and dates,
duplicate ``idTechnique``) and spools the serialised passage of each valid row in a
temporary file per certification: the passages are never all in memory, and their exact
sizes are known. Only when every row is valid (or with ``skip_invalid``) does pass 2 copy
them into the output, grouped by certification, starting a new numbered file before the
portal's limits (200,000 passages, 200 MB) would be crossed. Every file is written to a
temporary name and renamed at the very end, so a failed run leaves nothing behind.

With a ledger (:mod:`.ledger`), pass 1 also refuses what was already declared, each
spooled passage carries its ledger entry, and pass 2 records each passage with the file
and ``idFlux`` it lands in; the ledger commits right after the files are renamed.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import struct
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from pydantic import ValidationError

from rncpkit.accrochage.checks import against_ledger, check_against_fiche, problem
from rncpkit.accrochage.enums import DepositorKind, FluxAction
from rncpkit.accrochage.fiches import FicheIndex
from rncpkit.accrochage.holders import read_rows
from rncpkit.accrochage.ledger import (
    FILE_REFUSED,
    REFUSED,
    Declared,
    Ledger,
)
from rncpkit.accrochage.model import (
    MAX_BYTES_PER_FILE,
    MAX_PASSAGES_PER_FILE,
    SCHEMA_VERSIONS,
    XSD_VERSION,
    CertificationRef,
    Certifier,
    FluxHeader,
    reasons,
)
from rncpkit.accrochage.outputs import Outputs, stale_files
from rncpkit.accrochage.rows import Row, RowProblem, convert_row
from rncpkit.accrochage.writer import FragmentWriter, new_flux_id, paris_time, render_head
from rncpkit.errors import InputError, OutputError, UsageError
from rncpkit.io import Source, display_name

if TYPE_CHECKING:
    from rncpkit.api import Progress

__all__ = [
    "BuildReport",
    "build",
    "write_report",
]

_RECORD = struct.Struct(">III")  # row number, length of the passage, length of its entry
_SEP = "\x1f"


@dataclass
class BuildReport:
    """What a build did. ``files`` is empty when nothing was written."""

    rows: int = 0
    written: int = 0
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    """Every problem that refuses a row (a row may have several)."""
    warnings: list[RowProblem] = field(default_factory=list)
    """What deserves a look but does not refuse the row (award before the registration)."""
    files: list[Path] = field(default_factory=list)
    per_certification: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    """Rows left out by ``only_refused`` (the ledger does not record them as refused)."""
    recorded: int = 0
    """Passages recorded in the ledger."""
    stale_files: list[Path] = field(default_factory=list)
    """Files beside the output that look like an earlier run's (``NAME.xml``, ``NAME-007.xml``)
    and were not written now: uploading them with the new ones would declare holders twice."""

    @property
    def ok(self) -> bool:
        """Every row was valid."""
        return not self.problems

    def line(self) -> str:
        """One-line summary (no personal data)."""
        return (
            f"{self.rows} rows read, {self.written} passages written in "
            f"{len(self.files)} file(s), {self.rejected} rows rejected"
        )


class _Spool:
    """The serialised passages of one certification, in a temporary file."""

    def __init__(self, ref: CertificationRef, fragments: FragmentWriter) -> None:
        self.ref = ref
        self.opening, self.closing = fragments.certification(ref)
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the builder
        self.count = 0
        self.size = 0

    def add(self, row: int, data: bytes, entry: bytes = b"") -> None:
        """A passage and, with a ledger, its entry (idTechnique, code, award date, digest)."""
        self.file.write(_RECORD.pack(row, len(data), len(entry)))
        self.file.write(entry)
        self.file.write(data)
        self.count += 1
        self.size += len(data)

    def records(self) -> Iterator[tuple[int, bytes, bytes]]:
        self.file.flush()
        self.file.seek(0)
        reader = io.BufferedReader(self.file, 1 << 20)
        while header := reader.read(_RECORD.size):
            row, length, extra = _RECORD.unpack(header)
            entry = reader.read(extra)
            yield row, reader.read(length), entry
        reader.detach()


@dataclass(slots=True)
class _Seen:
    row: int
    code: str | None
    size: int | None  # serialised size when spooled
    flagged: bool = False


def certifier_of(id_client: str, id_contract: str) -> Certifier:
    """The certifier, or a :class:`UsageError` saying which identifier is wrong."""
    try:
        return Certifier(id_client=id_client, id_contract=id_contract)
    except ValidationError as exc:
        names = {"id_client": "--id-client", "id_contract": "--id-contrat"}
        details = "; ".join(f"{names.get(f, f)}: {en} / {fr}" for f, en, fr in reasons(exc))
        raise UsageError(details) from None


def build(
    source: Source,
    output: str | os.PathLike[str],
    *,
    id_client: str,
    id_contract: str,
    certification: str | None = None,
    fiches: FicheIndex | None = None,
    emitter_id_client: str | None = None,
    depositor: DepositorKind | None = None,
    skip_invalid: bool = False,
    max_passages: int = MAX_PASSAGES_PER_FILE,
    max_bytes: int = MAX_BYTES_PER_FILE,
    now: dt.datetime | None = None,
    delimiter: str | None = None,
    compact: bool = False,
    schema: str = XSD_VERSION,
    ledger: str | os.PathLike[str] | None = None,
    resend: bool = False,
    only_refused: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Turn the holders file ``source`` into the flux ``output`` (``-`` for stdout).

    ``certification`` is the code for rows without one; ``fiches`` gives the routes each
    certification opens (the embedded sample RNCP35080 by default). Nothing is written
    unless every row is valid, or ``skip_invalid`` is set (then only the valid rows are).
    Above ``max_passages`` or ``max_bytes``, the output is split into ``NAME-001.xml``,
    ``NAME-002.xml``… Each file gets its own ``idFlux``. ``compact`` leaves out the
    indentation (about 30 % smaller files, so more passages fit in one). ``schema`` is the
    XSD version written: ``1.1.2`` (default) or ``1.1.5`` (``action`` CREATION, and holders
    identified by NIR accepted).

    With ``ledger`` (a SQLite file, created when absent), a row whose ``idTechnique`` was
    already declared is refused before anything is written — unless ``resend`` is set and
    the passage was refused or never answered (an accepted one is never sent again) — and
    the passages written are recorded. ``only_refused`` takes only the rows the ledger
    records as refused (a corrected resend); it needs ``ledger``.

    ``progress`` is called as the rows are read (bytes read, total bytes or None).
    """
    if only_refused and ledger is None:
        raise UsageError("--only-refused needs --ledger (the ledger knows what was refused)")
    if schema not in SCHEMA_VERSIONS:
        raise UsageError(f"schema {schema!r}: expected one of {', '.join(SCHEMA_VERSIONS)}")
    certifier = certifier_of(id_client, id_contract)
    emitter = certifier_of(emitter_id_client, id_contract).id_client if emitter_id_client else None
    if depositor is None:
        trusted = emitter is not None and emitter != certifier.id_client
        depositor = DepositorKind.TRUSTED_THIRD_PARTY if trusted else DepositorKind.CERTIFIER
    instant = paris_time(now)
    if certification is not None:
        try:
            certification = CertificationRef(code=certification.strip().upper()).code
        except ValidationError:
            raise UsageError(
                f"--certification {certification!r}: expected a code like RNCP35080 or RS5875"
            ) from None
    fiches = fiches if fiches is not None else FicheIndex.load()
    report = BuildReport()
    with contextlib.ExitStack() as stack:
        book = stack.enter_context(Ledger(ledger, write=True)) if ledger is not None else None
        checks = _Checks(certification, depositor, fiches, instant.date(), schema, book)
        checks.resend = resend or only_refused
        checks.only_refused = only_refused
        checks.progress = progress
        return _build(
            source,
            output,
            report,
            checks,
            delimiter,
            skip_invalid,
            compact,
            (instant, emitter, certifier),
            (max_passages, max_bytes),
        )
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class _Checks:
    """What every row is checked against."""

    certification: str | None
    depositor: DepositorKind
    fiches: FicheIndex
    today: dt.date
    schema: str
    ledger: Ledger | None
    resend: bool = False
    only_refused: bool = False
    progress: Progress | None = None


def _build(
    source: Source,
    output: str | os.PathLike[str],
    report: BuildReport,
    checks: _Checks,
    delimiter: str | None,
    skip_invalid: bool,
    compact: bool,
    who: tuple[dt.datetime, str | None, Certifier],
    limits: tuple[int, int],
) -> BuildReport:
    instant, emitter, certifier = who
    max_passages, max_bytes = limits
    schema = checks.schema
    fragments = FragmentWriter(compact=compact)
    spools: dict[str, _Spool] = {}
    try:
        excluded = _first_pass(source, checks, delimiter, report, fragments, spools)
        report.problems.sort(key=lambda p: p.row)
        report.rejected = len({problem.row for problem in report.problems})
        if report.rows == 0:
            raise InputError("aucune ligne de titulaire / no holder row", file=display_name(source))
        if checks.only_refused and report.rows == report.skipped:
            raise InputError(
                "aucune ligne refusée selon le registre / no row the ledger records as refused",
                file=display_name(source),
            )
        if report.problems and not skip_invalid:
            return report
        for code, spool in spools.items():
            if spool.count:
                report.per_certification[code] = spool.count
        report.written = sum(report.per_certification.values())
        if not report.written:
            return report

        def header() -> FluxHeader:
            return FluxHeader(
                id_flux=new_flux_id(),
                timestamp=instant,
                emitter_id_client=emitter or certifier.id_client,
                certifier=certifier,
                action=FluxAction.CREATION if schema == "1.1.5" else None,
            )

        kept = [spool for spool in spools.values() if spool.count]
        head, tail = render_head(header(), compact=compact)
        total = len(head) + len(tail)
        total += sum(len(s.opening) + len(s.closing) + s.size for s in kept)
        numbered = report.written > max_passages or total > max_bytes
        target = Path(os.fspath(output))
        outputs = _assemble(
            kept,
            excluded,
            target,
            numbered,
            header,
            max_passages,
            max_bytes,
            compact,
            checks.ledger,
        )
        try:
            report.files = outputs.commit()
        except BaseException:
            outputs.abort()
            raise
        # The files, then the ledger: if the ledger cannot commit, the new files are removed,
        # so an interrupted run leaves neither (a file the ledger does not know could be
        # uploaded twice).
        if checks.ledger is not None:
            report.recorded = checks.ledger.recorded
            try:
                checks.ledger.commit()
            except BaseException:
                for path in report.files:
                    if os.fspath(path) != "-":
                        with contextlib.suppress(OSError):
                            path.unlink()
                raise
        report.stale_files = stale_files(target, report.files)
    finally:
        fragments.close()
        for spool in spools.values():
            spool.file.close()
    return report


def _first_pass(
    source: Source,
    checks: _Checks,
    delimiter: str | None,
    report: BuildReport,
    fragments: FragmentWriter,
    spools: dict[str, _Spool],
) -> set[int]:
    """Check and spool every row; return the rows to leave out (duplicates)."""
    seen: dict[str, _Seen] = {}
    excluded: set[int] = set()
    for row in read_rows(source, delimiter=delimiter, progress=checks.progress):
        report.rows += 1
        declared = _declared(row, checks)
        refused = declared is not None and declared.status in (REFUSED, FILE_REFUSED)
        if checks.only_refused and not refused:
            report.skipped += 1  # not refused: not part of a corrected resend
            continue
        result = convert_row(row, checks.certification, schema=checks.schema)
        ref, passage, problems = result.ref, result.passage, result.problems
        if ref is not None:
            for found in check_against_fiche(row, ref, result.data, checks.fiches, checks.today):
                (report.warnings if found.warning else problems).append(found)
        digest = None
        if checks.ledger is not None and passage is not None:
            digest = checks.ledger.digest(passage)
            if declared is not None:
                problems.extend(against_ledger(row, declared, digest, checks.resend))
        if problems:
            passage = None
        tid = row.technical_id
        first = seen.get(tid) if tid else None
        if tid and first is not None:
            problems.append(
                problem(
                    row,
                    "id_technique",
                    f"idTechnique already used on row {first.row}",
                    f"idTechnique déjà utilisé ligne {first.row}",
                )
            )
            if not first.flagged:
                first.flagged = True
                excluded.add(first.row)
                report.problems.append(
                    RowProblem(
                        first.row,
                        tid,
                        "id_technique",
                        tid,
                        f"idTechnique used again on row {row.number}",
                        f"idTechnique réutilisé ligne {row.number}",
                    )
                )
                if first.code is not None and first.size is not None:
                    spools[first.code].count -= 1
                    spools[first.code].size -= first.size
        if problems or ref is None or passage is None:
            report.problems.extend(problems)
            if tid and first is None:
                seen[tid] = _Seen(row.number, None, None)
            continue
        ref = ref.model_copy(update={"depositor": checks.depositor})
        spool = spools.get(ref.code)
        if spool is None:
            spool = spools[ref.code] = _Spool(ref, fragments)
        data = fragments.passage(passage)
        entry = b""
        if digest is not None:
            fields = (passage.technical_id, ref.code, passage.valid_from.isoformat(), digest)
            entry = _SEP.join(fields).encode()
        spool.add(row.number, data, entry)
        seen[passage.technical_id] = _Seen(row.number, ref.code, len(data))
    return excluded


def _declared(row: Row, checks: _Checks) -> Declared | None:
    tid = row.technical_id
    return checks.ledger.lookup(tid) if checks.ledger is not None and tid else None


def _assemble(
    spools: list[_Spool],
    excluded: set[int],
    target: Path,
    numbered: bool,
    header: Callable[[], FluxHeader],
    max_passages: int,
    max_bytes: int,
    compact: bool,
    ledger: Ledger | None,
) -> Outputs:
    """Write the spooled passages into the output file(s), not yet renamed (with a ledger,
    record each passage written, not yet committed)."""
    outputs = Outputs(target, numbered)
    flux_ids: list[str] = []
    entries: list[tuple[str, ...]] = []
    try:
        stream: IO[bytes] | None = None
        tail = b""
        size = count = 0
        for spool in spools:
            opened = False
            for row, data, entry in spool.records():
                if row in excluded:
                    continue
                extra = len(data) + len(spool.closing) + len(tail)
                extra += 0 if opened else len(spool.opening)
                if stream is None or count >= max_passages or size + extra > max_bytes:
                    if stream is not None:
                        if opened:
                            stream.write(spool.closing)
                        stream.write(tail)
                    stream = outputs.open()
                    flux_header = header()
                    flux_ids.append(flux_header.id_flux)
                    head, tail = render_head(flux_header, compact=compact)
                    stream.write(head)
                    size, count, opened = len(head), 0, False
                    if (
                        size + len(spool.opening) + len(data) + len(spool.closing) + len(tail)
                        > max_bytes
                    ):
                        raise OutputError("a passage does not fit in a file of max_bytes")
                if not opened:
                    stream.write(spool.opening)
                    size += len(spool.opening)
                    opened = True
                stream.write(data)
                size += len(data)
                count += 1
                if ledger is not None:
                    entries.append((*entry.decode().split(_SEP), flux_ids[-1], outputs.name()))
                    if len(entries) >= 5000:
                        ledger.record_passages(entries)
                        entries.clear()
            if opened and stream is not None:
                stream.write(spool.closing)
                size += len(spool.closing)
        if stream is not None:
            stream.write(tail)
        if ledger is not None:
            ledger.record_passages(entries)
        return outputs
    except BaseException:
        outputs.abort()
        raise


def write_report(problems: list[RowProblem], destination: str | os.PathLike[str]) -> None:
    """The rejected rows as a CSV (``;``, UTF-8 with BOM for Excel), personal values left
    out: ligne, id_technique, colonne, valeur, raison, reason."""
    from rncpkit.io import atomic_output

    with atomic_output(destination, private=True) as stream:  # row ids: personal data
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(["ligne", "id_technique", "colonne", "valeur", "raison", "reason"])
        for problem in problems:
            writer.writerow(
                ["" if value is None else value for value in problem.as_dict().values()]
            )
        text.flush()
        text.detach()
