"""Serialising the flux with lxml's incremental writer (``etree.xmlfile``).

Every piece of a file — the head, each certification's opening and closing, each passage —
is rendered to bytes on its own, so a builder knows the exact size of what it is about to
write and can split files at the portal's limits before crossing them. All pieces are
rendered inside a ``cpf:flux`` root that declares ``cpf`` and ``xsi`` once, so no element
repeats a namespace declaration.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import uuid
from collections.abc import Iterable
from typing import IO, Any

from lxml import etree

from rncpkit.accrochage.model import (
    NAMESPACE,
    CertificationRef,
    CivilIdentity,
    CpfFile,
    FluxHeader,
    NationalId,
    Passage,
)

XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"cpf": NAMESPACE, "xsi": XSI}
_NIL = {f"{{{XSI}}}nil": "true"}
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_IND = ["\n" + "  " * depth for depth in range(16)]
"""Indentation before an element at each depth (two spaces, like the CDC example)."""
_FLAT = [""] * 16
"""No indentation (``compact``): about 30 % smaller files, so more passages per file."""


@functools.cache
def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


# ---------------------------------------------------------------------------------------
# horodatage and idFlux


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _eu_paris_offset(instant: dt.datetime) -> dt.timedelta:
    """CET/CEST by the EU rule (since 1996): summer time from the last Sunday of March to
    the last Sunday of October, switching at 01:00 UTC. Used only without tz data."""
    utc = instant.astimezone(dt.UTC).replace(tzinfo=None)
    start = dt.datetime.combine(_last_sunday(utc.year, 3), dt.time(1))
    end = dt.datetime.combine(_last_sunday(utc.year, 10), dt.time(1))
    return dt.timedelta(hours=2 if start <= utc < end else 1)


def paris_time(instant: dt.datetime | None = None) -> dt.datetime:
    """``instant`` (default: now) in French legal time, with its real UTC offset
    (+01:00 in winter, +02:00 in summer), to the second."""
    instant = (instant or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    if instant.tzinfo is None:
        raise ValueError("paris_time needs an aware datetime")
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover - Python always has zoneinfo since 3.9
        return instant.astimezone(dt.timezone(_eu_paris_offset(instant)))
    try:
        return instant.astimezone(ZoneInfo("Europe/Paris"))
    except ZoneInfoNotFoundError:  # no tz database on this machine (e.g. minimal images)
        return instant.astimezone(dt.timezone(_eu_paris_offset(instant)))


def new_flux_id() -> str:
    """A unique ``idFlux`` (a random UUID: 36 characters, within the XSD's 50)."""
    return str(uuid.uuid4())


# ---------------------------------------------------------------------------------------
# rendering


def _text(value: object) -> str:
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def render_head(header: FluxHeader, *, compact: bool = False) -> tuple[bytes, bytes]:
    """(head, tail) of one file: everything before the first ``certification`` and
    everything after the last one."""
    ind = _FLAT if compact else _IND
    buffer = io.BytesIO()
    buffer.write(DECLARATION)
    with etree.xmlfile(buffer, encoding="UTF-8") as xf, xf.element(_q("flux"), nsmap=NSMAP):
        _leaf(xf, ind[1], "idFlux", header.id_flux)
        _leaf(xf, ind[1], "horodatage", header.horodatage)
        _optional(xf, ind[1], "action", header.action)  # 1.1.5 only
        xf.write(ind[1])
        with xf.element(_q("emetteur")):
            _leaf(xf, ind[2], "idClient", header.emitter_id_client)
            xf.write(ind[2])
            with xf.element(_q("certificateurs")):
                xf.write(ind[3])
                with xf.element(_q("certificateur")):
                    _leaf(xf, ind[4], "idClient", header.certifier.id_client)
                    _leaf(xf, ind[4], "idContrat", header.certifier.id_contract)
                    xf.write(ind[4])
                    with xf.element(_q("certifications")):
                        xf.flush()
                        head = buffer.getvalue()
                        xf.write(ind[4])
                    xf.write(ind[3])
                xf.write(ind[2])
            xf.write(ind[1])
        xf.write(ind[0])
    return head, buffer.getvalue()[len(head) :] + b"\n"


def _leaf(xf: Any, indent: str, name: str, value: object) -> None:
    xf.write(indent)
    if value is None:
        with xf.element(_q(name), _NIL):
            pass
    else:
        with xf.element(_q(name)):
            xf.write(_text(value))


def _optional(xf: Any, indent: str, name: str, value: object) -> None:
    if value is not None:
        _leaf(xf, indent, name, value)


class FragmentWriter:
    """Renders certifications and passages to bytes, one piece at a time, in a
    long-lived ``xmlfile`` whose ``cpf:flux`` root stays open (so no piece redeclares
    the namespaces)."""

    def __init__(self, *, compact: bool = False) -> None:
        self._ind = _FLAT if compact else _IND
        self._buffer = io.BytesIO()
        self._stack = contextlib.ExitStack()
        self._xf = self._stack.enter_context(etree.xmlfile(self._buffer, encoding="UTF-8"))
        self._stack.enter_context(self._xf.element(_q("flux"), nsmap=NSMAP))
        self._take()

    def _take(self) -> bytes:
        self._xf.flush()
        data = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return data

    def close(self) -> None:
        """Release the writer (its own output is discarded)."""
        with contextlib.suppress(Exception):
            self._stack.close()

    def certification(self, ref: CertificationRef) -> tuple[bytes, bytes]:
        """(opening, closing) of a ``certification`` around its passages."""
        xf = self._xf
        ind = self._ind
        xf.write(ind[5])
        with xf.element(_q("certification")):
            _leaf(xf, ind[6], "type", ref.type)
            _leaf(xf, ind[6], "code", ref.code)
            _optional(xf, ind[6], "natureDeposant", ref.depositor)
            xf.write(ind[6])
            with xf.element(_q("passageCertifications")):
                opening = self._take()
                xf.write(ind[6])
            xf.write(ind[5])
        return opening, self._take()

    def passage(self, passage: Passage) -> bytes:
        """One ``passageCertification``, with its leading indentation."""
        xf = self._xf
        ind = self._ind
        p = passage
        xf.write(ind[7])
        with xf.element(_q("passageCertification")):
            _leaf(xf, ind[8], "idTechnique", p.technical_id)
            _optional(xf, ind[8], "urlPreuve", p.proof_url)
            _optional(xf, ind[8], "libelleOption", p.option_label)
            _leaf(xf, ind[8], "obtentionCertification", p.obtained_by.value)
            _leaf(xf, ind[8], "donneeCertifiee", p.definitive)
            _optional(xf, ind[8], "dateDebutExamen", p.exam_start)
            _optional(xf, ind[8], "dateFinExamen", p.exam_end)
            _optional(xf, ind[8], "modalitePassageExamen", p.exam_mode)
            _optional(xf, ind[8], "codePostalCentreExamen", p.exam_postcode)
            _leaf(xf, ind[8], "dateDebutValidite", p.valid_from)
            _leaf(xf, ind[8], "dateFinValidite", p.valid_until)
            _leaf(xf, ind[8], "presenceNiveauLangueEuro", p.language_level is not None)
            _optional(xf, ind[8], "niveauLangueEuropeen", p.language_level)
            _leaf(xf, ind[8], "presenceNiveauNumeriqueEuro", p.digital_level is not None)
            if p.digital_level is not None:
                self._digital(p)
            _leaf(xf, ind[8], "scoring", p.scoring)
            _leaf(xf, ind[8], "mentionValidee", p.mention)
            xf.write(ind[8])
            with xf.element(_q("modalitesInscription")):
                _leaf(xf, ind[9], "modaliteAcces", p.access_mode)
                _optional(xf, ind[9], "voieAccessVAE", p.vae_route)
                _optional(xf, ind[9], "initiativeInscription", p.registration_initiative)
                _optional(xf, ind[9], "dateInscription", p.registration_date)
                xf.write(ind[8])
            xf.write(ind[8])
            with xf.element(_q("identificationTitulaire")):
                if isinstance(p.holder, CpfFile):
                    self._cpf_file(p.holder)
                elif isinstance(p.holder, NationalId):
                    self._national(p.holder)
                else:
                    self._civil(p.holder)
                xf.write(ind[8])
            _optional(xf, ind[8], "verbatim", p.verbatim)
            xf.write(ind[7])
        return self._take()

    def _digital(self, p: Passage) -> None:
        xf = self._xf
        ind = self._ind
        assert p.digital_level is not None
        xf.write(ind[8])
        with xf.element(_q("niveauNumeriqueEuropeen")):
            _optional(xf, ind[9], "scoreGeneral", p.digital_level.general_score)
            if p.digital_level.results:
                xf.write(ind[9])
                with xf.element(_q("resultats")):
                    for result in p.digital_level.results:
                        xf.write(ind[10])
                        with xf.element(_q("resultat")):
                            _optional(xf, ind[11], "niveau", result.level)
                            _optional(xf, ind[11], "domaineCompetenceId", result.domain_id)
                            _optional(xf, ind[11], "competenceId", result.competence_id)
                            xf.write(ind[10])
                    xf.write(ind[9])
            xf.write(ind[8])

    def _cpf_file(self, holder: CpfFile) -> None:
        xf = self._xf
        ind = self._ind
        xf.write(ind[9])
        with xf.element(_q("dossierFormation")):
            _leaf(xf, ind[10], "idDossier", holder.file_id)
            _leaf(xf, ind[10], "nomTitulaire", holder.last_name)
            _leaf(xf, ind[10], "prenom1Titulaire", holder.first_name)
            xf.write(ind[9])

    def _national(self, holder: NationalId) -> None:
        xf = self._xf
        ind = self._ind
        xf.write(ind[9])
        with xf.element(_q("identifiantNational")):
            _leaf(xf, ind[10], "nir", holder.nir)
            _leaf(xf, ind[10], "nomNaissance", holder.birth_name)
            xf.write(ind[9])

    def _civil(self, h: CivilIdentity) -> None:
        xf = self._xf
        ind = self._ind
        xf.write(ind[9])
        with xf.element(_q("titulaire")):
            _leaf(xf, ind[10], "nomNaissance", h.birth_name)
            _leaf(xf, ind[10], "nomUsage", h.usage_name)
            _leaf(xf, ind[10], "prenom1", h.first_name)
            _optional(xf, ind[10], "prenom2", h.second_first_name)
            _optional(xf, ind[10], "prenom3", h.third_first_name)
            _leaf(xf, ind[10], "anneeNaissance", h.birth_year)
            _leaf(xf, ind[10], "moisNaissance", h.birth_month)
            _leaf(xf, ind[10], "jourNaissance", h.birth_day)
            _leaf(xf, ind[10], "sexe", h.sex)
            xf.write(ind[10])
            with xf.element(_q("codeCommuneNaissance")):
                xf.write(ind[11])
                if h.birth_insee_code is not None:
                    with xf.element(_q("codeInseeNaissance")):
                        _leaf(xf, ind[12], "codeInsee", h.birth_insee_code)
                        xf.write(ind[11])
                else:
                    with xf.element(_q("codePostalNaissance")):
                        _leaf(xf, ind[12], "codePostal", h.birth_postcode)
                        xf.write(ind[11])
                xf.write(ind[10])
            _optional(xf, ind[10], "libelleCommuneNaissance", h.birth_town)
            _optional(xf, ind[10], "codePaysNaissance", h.birth_country_code)
            _optional(xf, ind[10], "libellePaysNaissance", h.birth_country)
            _optional(xf, ind[10], "commentairesMEN", h.comments_men)
            xf.write(ind[9])


def write_flux(
    stream: IO[bytes],
    header: FluxHeader,
    certifications: Iterable[tuple[CertificationRef, Iterable[Passage]]],
    *,
    compact: bool = False,
) -> int:
    """Write one whole flux to ``stream``, streaming; return the number of passages.

    The low-level writer: no size limits, no splitting (see :func:`rncpkit.accrochage.build`
    for that). Each certification must bring at least one passage (the XSD requires it).
    """
    head, tail = render_head(header, compact=compact)
    fragments = FragmentWriter(compact=compact)
    count = 0
    try:
        stream.write(head)
        for ref, passages in certifications:
            opening, closing = fragments.certification(ref)
            stream.write(opening)
            before = count
            for passage in passages:
                if isinstance(passage.holder, NationalId) and header.action is None:
                    raise ValueError("a holder identified by NIR needs schema 1.1.5 (an action)")
                stream.write(fragments.passage(passage))
                count += 1
            if count == before:
                raise ValueError(f"certification {ref.code} has no passage")
            stream.write(closing)
        stream.write(tail)
    finally:
        fragments.close()
    return count
