"""France Compétences CSV export (``export-fiches-csv-AAAA-MM-JJ.zip``), read and written.

The export is a zip of ten ``;``-separated UTF-8 files (notes §4): ``Standard`` has one row
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

import contextlib
import csv
import datetime as dt
import io
import itertools
import os
import re
import sqlite3
import stat
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from pydantic import ValidationError

from rncpkit.errors import FicheError, InputError
from rncpkit.formats.base import Format, ReadResult, Record, WriteOptions, fiche_error
from rncpkit.formats.fc_xml import BOOL, DATE, INT, ValueError_
from rncpkit.formats.options import FormatOptions, option
from rncpkit.io import InputFile, open_member
from rncpkit.model import AccessRouteCode, Certification

# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class CsvFile:
    """One of the ten files: its name in ``export_fiches_CSV_<name>_AAAA_MM_JJ.csv``."""

    name: str
    columns: tuple[str, ...]


STANDARD = CsvFile(
    "Standard",
    (
        "Id_Fiche",
        "Numero_Fiche",
        "Intitule",
        "Abrege_Libelle",
        "Abrege_Intitule",
        "Nomenclature_Europe_Niveau",
        "Nomenclature_Europe_Intitule",
        "Accessible_Nouvelle_Caledonie",
        "Accessible_Polynesie_Francaise",
        "Date_dernier_jo",
        "Date_Decision",
        "Date_Fin_Enregistrement",
        "Date_Effet",
        "Type_Enregistrement",
        "Validation_Partielle",
        "Actif",
    ),
)
LINKS = CsvFile(
    "Ancienne_Nouvelle_Certification",
    ("Numero_Fiche", "Ancienne_Certification", "Nouvelle_Certification"),
)
BLOCKS = CsvFile(
    "Blocs_De_Compétences", ("Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle")
)
AGREEMENTS = CsvFile(
    "CCN",
    (
        "Numero_Fiche",
        "Ccn_1_Numero",
        "Ccn_1_Libelle",
        "Ccn_2_Numero",
        "Ccn_2_Libelle",
        "Ccn_3_Numero",
        "Ccn_3_Libelle",
    ),
)
CERTIFIERS = CsvFile("Certificateurs", ("Numero_Fiche", "Siret_Certificateur", "Nom_Certificateur"))
FORMACODES = CsvFile("Formacode", ("Numero_Fiche", "Formacode_Code", "Formacode_Libelle"))
NSF = CsvFile("Nsf", ("Numero_Fiche", "Nsf_Code", "Nsf_Intitule"))
PARTNERS = CsvFile(
    "Partenaires",
    ("Numero_Fiche", "Nom_Partenaire", "Siret_Partenaire", "Habilitation_Partenaire"),
)
ROME = CsvFile("Rome", ("Numero_Fiche", "Codes_Rome_Code", "Codes_Rome_Libelle"))
ROUTES = CsvFile("VoixdAccès", ("Numero_Fiche", "Si_Jury"))

FILES: tuple[CsvFile, ...] = (
    LINKS,
    BLOCKS,
    AGREEMENTS,
    CERTIFIERS,
    FORMACODES,
    NSF,
    PARTNERS,
    ROME,
    STANDARD,
    ROUTES,
)
"""The ten files, in the order of the official zip (alphabetical)."""
CHILDREN: tuple[CsvFile, ...] = tuple(f for f in FILES if f is not STANDARD)
_WIDTH = max(len(f.columns) for f in CHILDREN) - 1

_MEMBER = re.compile(
    r"(?:^|/)export_fiches_CSV_(?P<name>.+?)_(?P<date>\d{4}_\d{2}_\d{2})\.csv\Z", re.IGNORECASE
)


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


_BY_KEY = {_key(f.name): f for f in FILES}
_ACTIVE = {"ACTIVE": True, "INACTIVE": False}
_ROUTE_BY_LABEL = {_key(code.label_fr.replace("’", "'")): code for code in AccessRouteCode}


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's real name: zips made without the UTF-8 flag (as France Compétences'
    are) hold UTF-8 bytes that :mod:`zipfile` decodes as cp437; undo that, then NFC."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeError):
            name = name.encode("cp437").decode("utf-8")
    return unicodedata.normalize("NFC", name)


def _members(opened: InputFile) -> dict[str, zipfile.ZipInfo]:
    assert opened.archive is not None
    found: dict[str, zipfile.ZipInfo] = {}
    for info in opened.archive.infolist():
        if info.is_dir():
            continue
        name = member_name(info)
        match = _MEMBER.search(name)
        csv_file = _BY_KEY.get(_key(match.group("name"))) if match else None
        if csv_file is None:
            raise InputError(
                f"unexpected member {name!r} in a France Compétences CSV export "
                f"(expected export_fiches_CSV_<{'|'.join(f.name for f in FILES)}>_AAAA_MM_JJ.csv)",
                file=opened.name,
            )
        if csv_file.name in found:
            raise InputError(f"two {csv_file.name} files in the export", file=opened.name)
        found[csv_file.name] = info
    if STANDARD.name not in found:
        raise InputError("no Standard file in the CSV export", file=opened.name)
    return found


# --------------------------------------------------------------------------- reading


class _Rows:
    """CSV rows of one file, with their line numbers, header checked."""

    def __init__(self, stream: IO[bytes], csv_file: CsvFile, name: str) -> None:
        self.name = name
        self.csv_file = csv_file
        self._text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        self._reader = csv.reader(self._text, delimiter=";", quotechar='"', strict=False)
        try:
            header = next(self._reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"unreadable CSV: {exc}", file=name, line=1) from None
        if header is None:
            raise InputError("empty file (no header row)", file=name)
        if tuple(h.strip() for h in header) != csv_file.columns:
            raise InputError(
                f"unexpected header {';'.join(header)!r} (expected {';'.join(csv_file.columns)!r})",
                file=name,
                line=1,
            )

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        line = self._reader.line_num + 1
        while True:
            try:
                row = next(self._reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid UTF-8: {exc.reason}", file=self.name) from None
            except csv.Error as exc:
                raise InputError(f"unreadable CSV: {exc}", file=self.name, line=line) from None
            if row:
                yield line, row
            line = self._reader.line_num + 1


class _Index:
    """The child files' rows, on disk, by fiche number (bounded memory, any row order)."""

    def __init__(self, directory: str) -> None:
        self._db = sqlite3.connect(os.path.join(directory, "rows.sqlite"))
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        columns = ", ".join(f"c{i} TEXT" for i in range(_WIDTH))
        self._db.execute(
            f"CREATE TABLE rows (numero TEXT, kind INTEGER, line INTEGER, width INTEGER, {columns})"
        )
        self._placeholders = ", ".join("?" * (4 + _WIDTH))
        self._cells = ", ".join(f"c{i}" for i in range(_WIDTH))

    def add(self, kind: int, rows: _Rows) -> None:
        def records() -> Iterator[tuple[Any, ...]]:
            for line, row in rows:
                values = row[1 : 1 + _WIDTH]
                values += [""] * (_WIDTH - len(values))
                yield (row[0].strip(), kind, line, len(row), *values)

        self._db.executemany(f"INSERT INTO rows VALUES ({self._placeholders})", records())

    def seal(self) -> None:
        self._db.execute("CREATE INDEX by_numero ON rows (numero, kind, line)")

    def rows(self, numero: str) -> list[tuple[Any, ...]]:
        return self._db.execute(
            f"SELECT kind, line, width, {self._cells} FROM rows WHERE numero = ? "
            "ORDER BY kind, line",
            (numero,),
        ).fetchall()

    def numbers(self) -> Iterator[tuple[str, int, int]]:
        """Every fiche number with its first (kind, line)."""
        yield from self._db.execute(
            "SELECT numero, kind, MIN(line) FROM rows GROUP BY numero, kind ORDER BY kind, 3"
        )

    def close(self) -> None:
        self._db.close()


class _Bad(Exception):
    def __init__(self, message: str, field: str, file: str, line: int) -> None:
        super().__init__(message)
        self.message, self.field, self.file, self.line = message, field, file, line


def _opt(value: str) -> str | None:
    return value if value else None


def _parse(codec_parse: Callable[[str], Any], value: str) -> Any:
    return codec_parse(value) if value.strip() else None


def _siret(value: str) -> str | None:
    stripped = value.strip(" \t\u00a0")
    return stripped or None


def _unprefix(code: str, label: str) -> str | None:
    """``"251 : Mécanique…"`` → ``"Mécanique…"`` (the CSV prefixes labels with the code)."""
    if not label:
        return None
    prefix = f"{code} : "
    return label[len(prefix) :] if label.startswith(prefix) else label


def _standard(row: list[str]) -> dict[str, Any]:
    (
        fiche_id,
        number,
        title,
        abbreviation_code,
        abbreviation_label,
        level,
        level_label,
        new_caledonia,
        french_polynesia,
        last_journal,
        decision,
        end,
        effective,
        registration_type,
        partial,
        active,
    ) = row
    values: dict[str, Any] = {
        "fiche_id": _parse(INT.parse, fiche_id),
        "number": number.strip(),
        "title": title,
        "level": _opt(level.strip()),
        "level_label": _opt(level_label),
        "new_caledonia": _parse(BOOL.parse, new_caledonia),
        "french_polynesia": _parse(BOOL.parse, french_polynesia),
        "last_journal_date": _parse(DATE.parse, last_journal),
        "decision_date": _parse(DATE.parse, decision),
        "registration_end": _parse(DATE.parse, end),
        "effective_date": _parse(DATE.parse, effective),
        "registration_type": _opt(registration_type.strip()),
        "partial_validation": _parse(BOOL.parse, partial),
    }
    if abbreviation_code or abbreviation_label:
        values["abbreviation"] = {"code": abbreviation_code, "label": _opt(abbreviation_label)}
    if active.strip():
        if active.strip() not in _ACTIVE:
            raise ValueError_(f"expected ACTIVE or INACTIVE, got {active!r:.60}")
        values["active"] = _ACTIVE[active.strip()]
    return values


def _add_child(values: dict[str, Any], csv_file: CsvFile, cells: Sequence[str]) -> None:
    if csv_file is BLOCKS:
        values.setdefault("blocks", []).append({"code": cells[0], "label": cells[1]})
    elif csv_file is CERTIFIERS:
        values.setdefault("certifiers", []).append({"siret": _siret(cells[0]), "name": cells[1]})
    elif csv_file is PARTNERS:
        values.setdefault("partners", []).append(
            {"name": cells[0], "siret": _siret(cells[1]), "habilitation": _opt(cells[2].strip())}
        )
    elif csv_file is ROME:
        values.setdefault("rome", []).append({"code": cells[0].strip(), "label": _opt(cells[1])})
    elif csv_file is NSF or csv_file is FORMACODES:
        code = cells[0].strip()
        key = "nsf" if csv_file is NSF else "formacodes"
        values.setdefault(key, []).append({"code": code, "label": _unprefix(code, cells[1])})
    elif csv_file is AGREEMENTS:
        agreements = values.setdefault("collective_agreements", [])
        for number, label in zip(cells[0:6:2], cells[1:6:2], strict=True):
            if number or label:
                agreements.append({"number": number.strip(), "label": _opt(label)})
    elif csv_file is LINKS:
        for key, number in (("predecessors", cells[0]), ("successors", cells[1])):
            links = values.setdefault(key, [])
            if number.strip() and number.strip() not in links:
                links.append(number.strip())
    elif csv_file is ROUTES:
        route = _ROUTE_BY_LABEL.get(_key(cells[0].strip().replace("’", "'")))
        if route is None:
            raise ValueError_(f"unknown access route {cells[0]!r:.80}")
        values.setdefault("access_routes", {})[route.value] = {"open": True}


def _fiche(
    row: list[str],
    children: list[tuple[Any, ...]],
    names: dict[int, str],
    standard_name: str,
    line: int,
) -> dict[str, Any]:
    try:
        values = _standard(row)
    except ValueError_ as exc:
        raise _Bad(str(exc), "Standard", standard_name, line) from None
    for kind, child_line, width, *rest in children:
        csv_file = CHILDREN[kind]
        cells = rest
        if width != len(csv_file.columns):
            raise _Bad(
                f"{width} columns where {len(csv_file.columns)} are expected",
                csv_file.name,
                names[kind],
                child_line,
            )
        try:
            _add_child(values, csv_file, cells)
        except ValueError_ as exc:
            raise _Bad(str(exc), csv_file.name, names[kind], child_line) from None
    routes = values.pop("access_routes", {})
    # The CSV lists open routes only: the others are closed. Open ones keep the file's order.
    values["access_routes"] = {
        **routes,
        **{code.value: {"open": False} for code in AccessRouteCode if code.value not in routes},
    }
    return {k: v for k, v in values.items() if v is not None and v != []}


def _field_of(exc: ValidationError) -> str:
    loc = exc.errors(include_url=False)[0]["loc"]
    return ".".join(str(part) for part in loc)


def read(opened: InputFile) -> Iterator[ReadResult]:
    """Stream the fiches of a CSV export zip (or of a lone ``Standard`` CSV file)."""
    if opened.archive is None:
        yield from _read_standard_only(opened)
        return
    members = _members(opened)
    with tempfile.TemporaryDirectory(prefix="rncpkit-csv-") as directory:
        index = _Index(directory)
        try:
            names: dict[int, str] = {}
            for kind, csv_file in enumerate(CHILDREN):
                info = members.get(csv_file.name)
                if info is None:
                    continue
                member = open_member(opened, info)
                names[kind] = f"{opened.name}!{member_name(info)}"
                index.add(kind, _Rows(member.stream, csv_file, names[kind]))
            index.seal()
            standard = open_member(opened, members[STANDARD.name])
            standard_name = f"{opened.name}!{member_name(members[STANDARD.name])}"
            seen: set[str] = set()
            for line, row in _Rows(standard.stream, STANDARD, standard_name):
                number = row[0 if len(row) < 2 else 1].strip()
                if len(row) != len(STANDARD.columns):
                    yield FicheError(
                        f"{len(row)} columns where {len(STANDARD.columns)} are expected",
                        file=standard_name,
                        line=line,
                        fiche=number or None,
                        field="Standard",
                    )
                    continue
                if number in seen:
                    yield FicheError(
                        "fiche listed twice in Standard",
                        file=standard_name,
                        line=line,
                        fiche=number,
                        field="Standard.Numero_Fiche",
                    )
                    continue
                seen.add(number)
                yield _result(row, index.rows(number), names, standard_name, line, number)
            yield from _orphans(index, seen, names)
        finally:
            index.close()


def _result(
    row: list[str],
    children: list[tuple[Any, ...]],
    names: dict[int, str],
    standard_name: str,
    line: int,
    number: str,
) -> ReadResult:
    try:
        values = _fiche(row, children, names, standard_name, line)
        return Record(Certification.model_validate(values), line)
    except _Bad as bad:
        return FicheError(bad.message, file=bad.file, line=bad.line, fiche=number, field=bad.field)
    except ValidationError as exc:
        return fiche_error(exc, file=standard_name, line=line, fiche=number)


def _orphans(index: _Index, seen: set[str], names: dict[int, str]) -> Iterator[FicheError]:
    """Rows whose fiche is not in ``Standard``: each such fiche is reported, never dropped."""
    reported: set[str] = set()
    for number, kind, line in index.numbers():
        if number in seen or number in reported:
            continue
        reported.add(number)
        yield FicheError(
            f"rows in {CHILDREN[kind].name} for a fiche absent from Standard",
            file=names[kind],
            line=line,
            fiche=number,
            field=CHILDREN[kind].name,
        )


def _read_standard_only(opened: InputFile) -> Iterator[ReadResult]:
    seen: set[str] = set()
    for line, row in _Rows(opened.stream, STANDARD, opened.name):
        number = row[1].strip() if len(row) > 1 else ""
        if len(row) != len(STANDARD.columns) or number in seen:
            yield FicheError(
                "fiche listed twice"
                if number in seen
                else f"{len(row)} columns where {len(STANDARD.columns)} are expected",
                file=opened.name,
                line=line,
                fiche=number or None,
                field="Standard",
            )
            continue
        seen.add(number)
        yield _result(row, [], {}, opened.name, line, number)


# --------------------------------------------------------------------------- writing


def _q(value: str | None) -> str:
    if not value:
        return ""
    return '"' + value.replace('"', '""') + '"'


def _line(values: Sequence[str | None]) -> str:
    return ";".join(_q(v) for v in values) + "\r\n"


def _date(value: dt.date | None) -> str | None:
    return DATE.format(value) if value is not None else None


def _bool(value: bool | None) -> str | None:
    return BOOL.format(value) if value is not None else None


def _enum(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def _tab(siret: str | None) -> str | None:
    return "\t" + siret if siret else None


def _prefixed(code: str, label: str | None) -> str | None:
    return None if label is None else f"{code} : {label}"


def encode_rows(cert: Certification) -> tuple[str, ...]:
    """The rows of one fiche in each of the ten files (:data:`FILES` order), as CSV text."""
    number = cert.number
    abbreviation = cert.abbreviation
    standard = _line(
        (
            None if cert.fiche_id is None else str(cert.fiche_id),
            number,
            cert.title,
            abbreviation.code if abbreviation else None,
            abbreviation.label if abbreviation else None,
            _enum(cert.level),
            cert.level_label,
            _bool(cert.new_caledonia),
            _bool(cert.french_polynesia),
            _date(cert.last_journal_date),
            _date(cert.decision_date),
            _date(cert.registration_end),
            _date(cert.effective_date),
            _enum(cert.registration_type),
            _bool(cert.partial_validation),
            None if cert.active is None else ("ACTIVE" if cert.active else "INACTIVE"),
        )
    )
    links = "".join(
        _line((number, old, new))
        for old, new in itertools.zip_longest(cert.predecessors, cert.successors)
    )
    blocks = "".join(_line((number, b.code, b.label)) for b in cert.blocks)
    agreements = ""
    if cert.collective_agreements:
        cells: list[str | None] = []
        for agreement in cert.collective_agreements[:3]:
            cells += [agreement.number, agreement.label]
        cells += [None] * (6 - len(cells))
        agreements = _line((number, *cells))
    certifiers = "".join(_line((number, _tab(c.siret), c.name)) for c in cert.certifiers)
    formacodes = "".join(
        _line((number, f.code, _prefixed(f.code, f.label))) for f in cert.formacodes
    )
    nsf = "".join(_line((number, n.code, _prefixed(n.code, n.label))) for n in cert.nsf)
    partners = "".join(
        _line((number, p.name, _tab(p.siret), _enum(p.habilitation))) for p in cert.partners
    )
    rome = "".join(_line((number, r.code, r.label)) for r in cert.rome)
    routes = "".join(
        _line((number, code.label_fr)) for code, route in cert.access_routes.items() if route.open
    )
    return links, blocks, agreements, certifiers, formacodes, nsf, partners, rome, standard, routes


def _export_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"expected a date AAAA-MM-JJ, got {text!r}") from None


@dataclass(frozen=True)
class CsvOptions(FormatOptions):
    """Options of the ``fc-csv`` writer."""

    export_date: dt.date | None = option(
        help="date of the export (AAAA-MM-JJ) in the member names; today by default",
        parse=_export_date,
    )


class CsvExportWriter:
    """Writes the ten-file zip: rows spooled per file, zip assembled on ``close``.

    :attr:`CsvOptions.export_date` dates the member names (today by default). Member
    timestamps are that date at midnight, so output is reproducible.
    """

    def __init__(self, stream: IO[bytes], options: WriteOptions) -> None:
        self._stream = stream
        self._date = options.of(CsvOptions).export_date or dt.date.today()
        self._spools = [
            tempfile.SpooledTemporaryFile(max_size=4 << 20, mode="w+b")  # noqa: SIM115
            for _ in FILES
        ]

    def encode(self, certification: Certification) -> bytes:
        """One fiche's rows, self-contained (for parallel conversion)."""
        parts = [p.encode("utf-8") for p in encode_rows(certification)]
        return b"\x00".join(parts)

    def write_encoded(self, data: bytes) -> None:
        for spool, part in zip(self._spools, data.split(b"\x00"), strict=True):
            if part:
                spool.write(part)

    def write(self, certification: Certification) -> None:
        for spool, part in zip(self._spools, encode_rows(certification), strict=True):
            if part:
                spool.write(part.encode("utf-8"))

    def close(self) -> None:
        stamp = self._date.strftime("%Y_%m_%d")
        when = (self._date.year, self._date.month, self._date.day, 0, 0, 0)
        with zipfile.ZipFile(_zip_target(self._stream), "w", zipfile.ZIP_DEFLATED) as archive:
            for csv_file, spool in zip(FILES, self._spools, strict=True):
                info = zipfile.ZipInfo(f"export_fiches_CSV_{csv_file.name}_{stamp}.csv", when)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with archive.open(info, "w", force_zip64=True) as member:
                    member.write(_line(csv_file.columns).encode("utf-8"))
                    spool.seek(0)
                    while chunk := spool.read(1 << 20):
                        member.write(chunk)
                spool.close()


class _WriteOnly(io.RawIOBase):
    """Hides ``seek``/``tell`` so that zipfile streams with data descriptors (a pipe,
    ``/dev/null``: their ``tell`` lies, and zipfile would seek back into nothing)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._stream.write(data)
        return len(data)

    def flush(self) -> None:
        self._stream.flush()


def _zip_target(stream: IO[bytes]) -> IO[bytes]:
    """The stream itself when it is a real file or memory, else a write-only view of it."""
    if isinstance(stream, io.BytesIO):
        return stream
    try:
        regular = stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):
        regular = False
    return stream if regular else _WriteOnly(stream)  # type: ignore[return-value]


def sniff(opened: InputFile) -> bool:
    """A zip holding ``export_fiches_CSV_Standard_*.csv``, or that file alone."""
    if opened.archive is not None:
        return any(
            (match := _MEMBER.search(member_name(info))) is not None
            and _key(match.group("name")) == _key(STANDARD.name)
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
