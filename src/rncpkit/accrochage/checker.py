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
from rncpkit.accrochage.elements import CERTIFICATION, HEADER, XSI, Element, walk
from rncpkit.accrochage.enums import FluxAction
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

__all__ = [
    "CheckProblem",
    "CheckReport",
    "check",
    "check_xsd",
]

_NIL = f"{{{XSI}}}nil"
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
    xsd: bool = False
    """Found by the XSD (and by nothing else: a value the model already refused is not
    reported twice)."""

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
    version: str = "1.1.2"
    """Schema version the file is written in: 1.1.5 when it has an ``action``."""
    action: str | None = None
    """``action`` (1.1.5)."""
    _spans: list[tuple[int, int, frozenset[str]]] = field(default_factory=list, repr=False)
    """(first line, last line, elements with a problem) of each passage: where an XSD
    complaint repeats a problem already found."""

    @property
    def ok(self) -> bool:
        """No error (warnings allowed)."""
        return not any(not problem.warning for problem in self.problems)


def _redact(message: str) -> str:
    """libxml2 quotes the offending value in some messages; values may be personal."""
    message = re.sub(r"The value '[^']*'", "The value (hidden)", message)
    return re.sub(r"'[^']*' is not a valid value", "(hidden) is not a valid value", message)


_ELEMENT = re.compile(r"^Element '(?:\{[^}]*\})?(?:[\w.-]+:)?([\w.-]+)'(?:, attribute '[^']*')?: ")
_XSD_FRENCH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), french)
    for pattern, french in (
        (
            r"\[facet 'enumeration'\] The value \(hidden\) is not an element of the set (\{.*\})",
            "la valeur n'est pas une des valeurs permises {0}",
        ),
        (
            r"\[facet 'maxLength'\] The value has a length of '(\d+)'; this exceeds the "
            r"allowed maximum length of '(\d+)'",
            "la valeur a {0} caractères, au-delà du maximum de {1}",
        ),
        (
            r"\[facet 'minLength'\] The value has a length of '(\d+)'; this underruns the "
            r"allowed minimum length of '(\d+)'",
            "la valeur a {0} caractère(s), en deçà du minimum de {1}",
        ),
        (
            r"\[facet 'length'\] The value has a length of '(\d+)'; this differs from the "
            r"allowed length of '(\d+)'",
            "la valeur a {0} caractères au lieu de {1}",
        ),
        (
            r"\[facet 'pattern'\] The value \(hidden\) is not accepted by the pattern",
            "la valeur ne respecte pas le motif du XSD",
        ),
        (
            r"less than the minimum value allowed \('([^']*)'\)",
            "la valeur est inférieure au minimum {0}",
        ),
        (
            r"greater than the maximum value allowed \('([^']*)'\)",
            "la valeur dépasse le maximum {0}",
        ),
        (
            r"is not a valid value of the (?:local )?atomic type",
            "la valeur n'a pas le type attendu",
        ),
        (
            r"^This element is not expected\. Expected is (.*)\.$",
            "élément inattendu ; attendu : {0}",
        ),
        (r"^This element is not expected", "élément inattendu ici"),
        (
            r"^Missing child element\(s\)\. Expected is (.*)\.$",
            "élément(s) enfant(s) manquant(s) : {0}",
        ),
        (r"^Missing child element", "élément(s) enfant(s) manquant(s)"),
        (
            r"Character content other than whitespace is not allowed",
            "texte interdit dans cet élément",
        ),
        (r"No matching global declaration available", "la racine n'est pas un élément du schéma"),
        (r"is not a valid value of the atomic type 'xs:boolean'", "true ou false attendu"),
    )
)


def xsd_french(message: str) -> str:
    """A French wording of a libxml2 XSD message (its English kept when unknown)."""
    for pattern, french in _XSD_FRENCH:
        match = pattern.search(message)
        if match:
            return french.format(*match.groups())
    return f"refusé par le XSD : {message}"


def check_xsd(path: str | os.PathLike[str], xsd: str | os.PathLike[str]) -> list[CheckProblem]:
    """Validate against an XSD (e.g. the official ``cpf-accrochage-1.1.2.xsd``): one finding
    per libxml2 complaint, located by line and element, in English and French, values
    hidden."""
    try:
        schema = etree.XMLSchema(xmlsafe.parse_file(os.fspath(xsd)))
    except etree.XMLSchemaParseError as exc:
        raise InputError(f"not a usable XSD: {exc}", file=os.fspath(xsd)) from None
    document = xmlsafe.parse_file(os.fspath(path))
    if schema.validate(document):
        return []
    problems: list[CheckProblem] = []
    for error in schema.error_log:
        message = _redact(error.message)
        match = _ELEMENT.match(message)
        element = match[1] if match else "XSD"
        message = message[match.end() :] if match else message
        problems.append(
            CheckProblem(element, message, xsd_french(message), line=error.line, xsd=True)
        )
    return problems


def _repeated(problem: CheckProblem, report: CheckReport, flux_elements: set[str]) -> bool:
    """Whether an XSD complaint says again what the model check already said."""
    line = problem.line or 0
    for first, last, elements in report._spans:
        if first <= line <= last:
            return problem.element in elements
    return problem.element in flux_elements


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


_TAGS = tuple(
    _q(name)
    for name in (
        "flux",
        *(child.tag for _parent, child in walk(HEADER) if isinstance(child, Element)),
        "certification",
        *(child.tag for child in CERTIFICATION.children if isinstance(child, Element)),
        "passageCertification",
    )
)
"""The elements the streaming check stops at: the header's and certification's text
elements (from the table), and each certification and passage."""


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
        flux_elements = {p.element for p in problems if p.line is None}
        problems.extend(p for p in check_xsd(name, xsd) if not _repeated(p, report, flux_elements))
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
                    _check_passage(element, seen, modes, kinds, report)
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
    report: CheckReport,
) -> None:
    problems = report.problems
    _passage, found = read_passage(element)
    line = element.sourceline
    tid: str | None = None
    mode, kind = "(absent)", "(absente)"
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = local(child)
        if name == "idTechnique":
            tid = (child.text or "").strip() or None
        elif name == "modalitesInscription":
            for inner in child:
                if isinstance(inner.tag, str) and local(inner) == "modaliteAcces":
                    mode = (
                        "(nil)" if inner.get(_NIL) in ("true", "1") else (inner.text or "").strip()
                    )
        elif name == "identificationTitulaire":
            chosen = [local(inner) for inner in child if isinstance(inner.tag, str)]
            kind = chosen[0] if len(chosen) == 1 else "(invalide)"
    # counted whatever the passage's validity, so the breakdown adds up to the passages
    modes[mode] += 1
    kinds[kind] += 1
    last = max((e.sourceline or 0) for e in element.iter())
    report._spans.append((line or 0, last, frozenset(where for where, _en, _fr in found)))
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
    _check_version(header, report)
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


def _check_version(header: dict[str, str | None], report: CheckReport) -> None:
    """1.1.2 has no ``action``; 1.1.5 has one, and alone allows ``identifiantNational``."""
    if "flux/action" in header:
        report.version = "1.1.5"
        report.action = (header["flux/action"] or "").strip()
        if report.action not in {action.value for action in FluxAction}:
            values = ", ".join(action.value for action in FluxAction)
            report.problems.append(
                CheckProblem(
                    "action", f"must be one of {values}", f"doit être une des valeurs {values}"
                )
            )
        elif report.action == FluxAction.DELETION:
            report.problems.append(
                CheckProblem(
                    "action",
                    "a SUPPRESSION file: its expected content is not published, passages were "
                    "checked as for a declaration",
                    "fichier SUPPRESSION : son contenu attendu n'est pas publié, les passages "
                    "ont été vérifiés comme pour une déclaration",
                    warning=True,
                )
            )
        return
    national = sum(c.identifications.get("identifiantNational", 0) for c in report.certifications)
    if national:
        report.problems.append(
            CheckProblem(
                "identifiantNational",
                f"{national} passage(s) identify the holder by NIR, which only schema 1.1.5 "
                "allows, and a 1.1.5 flux declares its action (cpf:action CREATION)",
                f"{national} passage(s) identifient le titulaire par NIR, ce que seul le schéma "
                "1.1.5 permet, et un flux 1.1.5 déclare son action (cpf:action CREATION)",
            )
        )
