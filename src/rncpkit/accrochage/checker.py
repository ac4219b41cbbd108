"""``check``: would the portal take this flux? The official XSD (when given), the model,
the portal's limits and known traps, and a summary of what the file declares.

The model check streams the file one passage at a time; the XSD check (libxml2, the engine
the certifiers' own tools use) loads the document. Messages never quote names or birth data:
a problem is located by line, ``idTechnique`` and element.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from pydantic import ValidationError

from rncpkit import xmlsafe
from rncpkit.accrochage.model import (
    MAX_BYTES_PER_FILE,
    MAX_PASSAGES_PER_FILE,
    NAMESPACE,
    CertificationRef,
    FluxHeader,
    reasons,
)
from rncpkit.accrochage.reader import local, read_passage
from rncpkit.accrochage.writer import paris_time
from rncpkit.errors import InputError

_HORODATAGE = re.compile(
    r"(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T(2[0-3]|[01][0-9]):[0-5][0-9]"
    r":[0-5][0-9](\+|-)(:2[0-3]|[01][0-9]):[0-5][0-9]"
)  # the XSD's pattern, verbatim (its offset part is odd, but it is what the portal applies)


@dataclass(frozen=True, slots=True)
class CheckProblem:
    """One problem of a flux: where (line, idTechnique, element) and why."""

    element: str
    reason_en: str
    reason_fr: str
    line: int | None = None
    technical_id: str | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = f"ligne/line {self.line}" if self.line else "flux"
        if self.technical_id:
            where += f" [idTechnique {self.technical_id}]"
        kind = "avertissement/warning" if self.warning else "erreur/error"
        return f"{where}: {kind}: {self.element}: {self.reason_fr} / {self.reason_en}"


@dataclass
class CertificationSummary:
    """What a flux declares for one certification."""

    code: str
    type: str
    depositor: str | None
    passages: int = 0
    access_modes: Counter[str] = field(default_factory=Counter)
    identifications: Counter[str] = field(default_factory=Counter)


@dataclass
class CheckReport:
    """The result of :func:`check`."""

    file: str
    size: int
    id_flux: str | None = None
    horodatage: str | None = None
    emitter: str | None = None
    certifier: str | None = None
    contract: str | None = None
    passages: int = 0
    certifications: list[CertificationSummary] = field(default_factory=list)
    problems: list[CheckProblem] = field(default_factory=list)
    xsd: str | None = None
    """Name of the XSD the file was validated against (None when not asked)."""

    @property
    def ok(self) -> bool:
        """No error (warnings allowed)."""
        return not any(not problem.warning for problem in self.problems)


def _redact(message: str) -> str:
    """libxml2 quotes the offending value in some messages; values may be personal."""
    message = re.sub(r"The value '[^']*'", "The value (hidden)", message)
    return re.sub(r"'[^']*' is not a valid value", "(hidden) is not a valid value", message)


def check_xsd(path: str | os.PathLike[str], xsd: str | os.PathLike[str]) -> list[CheckProblem]:
    """Validate against an XSD (e.g. the official ``cpf-accrochage-1.1.2.xsd``)."""
    try:
        schema = etree.XMLSchema(xmlsafe.parse_file(os.fspath(xsd)))
    except etree.XMLSchemaParseError as exc:
        raise InputError(f"not a usable XSD: {exc}", file=os.fspath(xsd)) from None
    document = xmlsafe.parse_file(os.fspath(path))
    if schema.validate(document):
        return []
    return [
        CheckProblem("XSD", _redact(error.message), _redact(error.message), line=error.line)
        for error in schema.error_log
    ]


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


_TAGS = tuple(
    _q(name)
    for name in (
        "flux",
        "idFlux",
        "horodatage",
        "idClient",
        "idContrat",
        "type",
        "code",
        "natureDeposant",
        "certification",
        "passageCertification",
    )
)


def check(
    path: str | os.PathLike[str],
    *,
    xsd: str | os.PathLike[str] | None = None,
    max_passages: int = MAX_PASSAGES_PER_FILE,
    max_bytes: int = MAX_BYTES_PER_FILE,
) -> CheckReport:
    """Check the flux at ``path``: model, limits, traps, and the XSD when ``xsd`` is given."""
    name = os.fspath(path)
    try:
        size = Path(name).stat().st_size
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror}", file=name) from None
    report = CheckReport(file=name, size=size)
    problems = report.problems
    if size > max_bytes:
        problems.append(
            CheckProblem(
                "flux",
                f"file exceeds the portal's {max_bytes} bytes",
                f"le fichier dépasse la limite du portail ({max_bytes} octets)",
            )
        )
    _stream_check(name, report)
    if report.passages > max_passages:
        problems.append(
            CheckProblem(
                "flux",
                f"{report.passages} passages, above the portal's {max_passages} per file",
                f"{report.passages} passages, au-delà des {max_passages} par fichier du portail",
            )
        )
    if xsd is not None:
        report.xsd = Path(os.fspath(xsd)).name
        problems.extend(check_xsd(name, xsd))
    return report


def _stream_check(name: str, report: CheckReport) -> None:
    problems = report.problems
    seen: dict[str, int] = {}
    header: dict[str, str | None] = {}
    current: dict[str, str | None] = {}
    modes: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    count = 0
    root_seen = False
    with open(name, "rb") as stream:
        try:
            for event, element in xmlsafe.iterparse(
                stream, tag=_TAGS, events=("start", "end"), name=name
            ):
                tag = local(element)
                if event == "start":
                    if tag == "flux" and not root_seen:
                        root_seen = element.getparent() is None
                    continue
                parent = element.getparent()
                owner = local(parent) if parent is not None else ""
                if tag == "passageCertification":
                    count += 1
                    _check_passage(element, seen, modes, kinds, problems)
                    element.clear()
                    while parent is not None and element.getprevious() is not None:
                        del parent[0]
                elif tag == "certification":
                    _close_certification(current, count, modes, kinds, report)
                    report.passages += count
                    count = 0
                    current = {}
                    modes, kinds = Counter(), Counter()
                    element.clear()
                elif owner == "certification":
                    current[tag] = element.text
                elif owner in ("flux", "emetteur", "certificateur"):
                    header[f"{owner}/{tag}"] = element.text
        except etree.XMLSyntaxError as exc:
            raise InputError(
                f"not well-formed XML: {exc.msg}", file=name, line=exc.lineno
            ) from None
    if not root_seen:
        problems.append(
            CheckProblem(
                "flux",
                f"the root must be cpf:flux in namespace {NAMESPACE}",
                f"la racine doit être cpf:flux dans l'espace de noms {NAMESPACE}",
            )
        )
        return
    _check_header(header, report)


def _check_passage(
    element: etree._Element,
    seen: dict[str, int],
    modes: Counter[str],
    kinds: Counter[str],
    problems: list[CheckProblem],
) -> None:
    passage, found = read_passage(element)
    line = element.sourceline
    tid: str | None = None
    for child in element:
        if isinstance(child.tag, str) and local(child) == "idTechnique":
            tid = (child.text or "").strip() or None
    for where, en, fr in found:
        problems.append(CheckProblem(where, en, fr, line=line, technical_id=tid))
    if tid is not None:
        if tid in seen:
            problems.append(
                CheckProblem(
                    "idTechnique",
                    f"already used on line {seen[tid]}",
                    f"déjà utilisé ligne {seen[tid]}",
                    line=line,
                    technical_id=tid,
                )
            )
        else:
            seen[tid] = line or 0
    if passage is not None:
        modes[passage.access_mode.value if passage.access_mode else "(nil)"] += 1
        kinds["dossierFormation" if passage.holder.kind == "cpf" else "titulaire"] += 1


def _close_certification(
    current: dict[str, str | None],
    count: int,
    modes: Counter[str],
    kinds: Counter[str],
    report: CheckReport,
) -> None:
    code = (current.get("code") or "").strip()
    kind = (current.get("type") or "").strip()
    nature = (current.get("natureDeposant") or "").strip() or None
    try:
        ref = CertificationRef.model_validate({"code": code, "depositor": nature})
    except ValidationError as exc:
        for field_name, en, fr in reasons(exc):
            element = "natureDeposant" if field_name == "depositor" else "code"
            report.problems.append(CheckProblem(f"certification/{element}", en, fr))
    else:
        if kind != ref.type:
            report.problems.append(
                CheckProblem(
                    "certification/type",
                    f"must be {ref.type} for {code}",
                    f"doit valoir {ref.type} pour {code}",
                )
            )
    if count == 0:
        report.problems.append(
            CheckProblem(
                "certification", f"{code or '?'} has no passage", f"{code or '?'} n'a aucun passage"
            )
        )
    report.certifications.append(CertificationSummary(code, kind, nature, count, modes, kinds))


def _check_header(header: dict[str, str | None], report: CheckReport) -> None:
    report.id_flux = header.get("flux/idFlux")
    report.horodatage = header.get("flux/horodatage")
    report.emitter = header.get("emetteur/idClient")
    report.certifier = header.get("certificateur/idClient")
    report.contract = header.get("certificateur/idContrat")
    problems = report.problems
    stamp = (report.horodatage or "").strip()
    timestamp: dt.datetime | None = None
    if not _HORODATAGE.fullmatch(stamp):
        problems.append(
            CheckProblem(
                "horodatage",
                "does not match the XSD pattern YYYY-MM-DDThh:mm:ss±hh:mm",
                "ne respecte pas le motif du XSD AAAA-MM-JJThh:mm:ss±hh:mm",
            )
        )
    else:
        timestamp = dt.datetime.fromisoformat(stamp)
        legal = paris_time(timestamp)
        if legal.utcoffset() != timestamp.utcoffset():
            problems.append(
                CheckProblem(
                    "horodatage",
                    f"offset differs from French legal time at that moment ({legal.isoformat()})",
                    f"le décalage diffère de l'heure légale française à cet instant "
                    f"({legal.isoformat()})",
                    warning=True,
                )
            )
    try:
        FluxHeader.model_validate(
            {
                "id_flux": report.id_flux or "",
                "timestamp": timestamp or dt.datetime.now(dt.UTC),
                "emitter_id_client": report.emitter or "",
                "certifier": {
                    "id_client": report.certifier or "",
                    "id_contract": report.contract or "",
                },
            }
        )
    except ValidationError as exc:
        names = {
            "id_flux": "idFlux",
            "emitter_id_client": "emetteur/idClient",
            "id_client": "certificateur/idClient",
            "id_contract": "idContrat",
            "timestamp": "horodatage",
        }
        for field_name, en, fr in reasons(exc):
            problems.append(CheckProblem(names.get(field_name, field_name), en, fr))
