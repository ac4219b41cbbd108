"""Issuing one credential per holder (and per block obtained) into a new directory.

Three passes over the holders file, so that nothing is written unless every row is right:
the certification codes the rows name (to read only those fiches), then every row checked
(accrochage's checks, the credential columns, the fiche: award date, blocks), and only then
the credentials, into a temporary directory renamed to the target at the end (a failure
leaves no partial directory). The manifest (row → file, credential id, hashed identifier
type and salt) is private: it is how the certifier tells each holder how to prove the
identifier in their credential.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric import ed25519

from rncpkit.accrochage import RowProblem
from rncpkit.credentials import edc, keys, ob3, proof
from rncpkit.credentials.fiches import AwardWindow, load_fiches, same_name
from rncpkit.credentials.holders import Holder, open_holders
from rncpkit.credentials.image import Lang
from rncpkit.errors import OutputError, UsageError
from rncpkit.europass.graph import Builder, Graph, slug
from rncpkit.europass.isced import Crosswalk
from rncpkit.formats.base import WriteOptions
from rncpkit.formats.openbadges import Badges
from rncpkit.io import Source
from rncpkit.model import Certification

__all__ = [
    "IssueOptions",
    "IssueReport",
    "issue",
]

Target = Literal["ob3", "edc"]
ProofKind = Literal["data-integrity", "jwt"]
MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = (
    "ligne",
    "id_technique",
    "certification",
    "obtenu",
    "fichier",
    "credential_id",
    "identifiant",
    "sel",
)
"""Manifest columns: row, id_technique, certification, what was obtained (fiche or block
code), file, credential id, type of the hashed identifier, its salt."""


@dataclass(slots=True)
class IssueOptions:
    """Everything a run needs besides the holders file and the output directory."""

    issuer_name: str
    to: Target = "ob3"
    certification: str | None = None
    fiches: list[str] = field(default_factory=list)
    key: keys.IssuerKey | None = None
    issuer_id: str | None = None
    issuer_url: str | None = None
    siret: str | None = None
    proof: ProofKind = "data-integrity"
    blocks: bool = False
    include_name: bool = False
    plain_name: bool = False
    include_birth_date: bool = False
    edc_upload: bool = False
    langs: tuple[Lang, ...] = ("fr",)
    base_uri: str | None = None
    eqf_level: int | None = None
    now: dt.datetime | None = None
    """The issue instant (``validFrom``, proof ``created``); default: now."""


@dataclass(slots=True)
class IssueReport:
    """What a run did: rows read, credentials written, every bad row."""

    rows: int = 0
    credentials: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    directory: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        rejected = len({p.row for p in self.problems})
        if self.problems:
            return (
                f"{rejected} of {self.rows} rows rejected: nothing written / "
                f"{rejected} ligne(s) sur {self.rows} refusée(s) : aucun fichier écrit"
            )
        return f"{self.rows} rows read, {self.credentials} credentials written to {self.directory}"


@dataclass(slots=True)
class _Issuer:
    """The signer: id, verification method, key."""

    id: str
    method: str | None
    key: keys.IssuerKey | None


def _issuer(options: IssueOptions) -> _Issuer:
    if options.to == "edc":
        return _Issuer(options.issuer_id or "", None, None)
    key = options.key
    if key is None:
        raise UsageError("--key is required to sign Open Badges (rncpkit credentials keygen)")
    if options.proof == "data-integrity" and not isinstance(key.private, ed25519.Ed25519PrivateKey):
        raise UsageError("eddsa-rdfc-2022 proofs need an Ed25519 key (keygen --type ed25519)")
    if options.proof == "jwt" and key.algorithm not in ("RS256", "ES256"):
        raise UsageError("--proof jwt needs an RSA or P-256 key (keygen --type rsa|p-256)")
    issuer_id = options.issuer_id
    if issuer_id is None:
        issuer_id = keys.did_key(key.public)
    elif issuer_id.startswith("did:key:") and issuer_id != keys.did_key(key.public):
        raise UsageError(f"--issuer-id {issuer_id} is not the did:key of {key.path}")
    elif ":" not in issuer_id:
        raise UsageError("--issuer-id must be a URI (did:key:…, did:web:…)")
    return _Issuer(issuer_id, keys.verification_method_id(issuer_id, key.public), key)


def _problem(holder: Holder, column: str, value: str | None, en: str, fr: str) -> RowProblem:
    return RowProblem(holder.row, holder.technical_id, column, value, en, fr)


def _file_stem(holder: Holder) -> str:
    return slug(holder.technical_id)


class _Run:
    """One issue run: fiches, mapping builders and per-fiche caches."""

    def __init__(self, options: IssueOptions, issuer: _Issuer, now: dt.datetime) -> None:
        self.options = options
        self.issuer = issuer
        self.now = now
        self.today = now.date()
        write_options = WriteOptions(base_uri=options.base_uri, eqf_level=options.eqf_level)
        self.badges = Badges(write_options)
        self.builder = Builder(options.base_uri, options.eqf_level, Crosswalk())
        self.fiches: dict[str, Certification] = {}
        self._achievements: dict[str, dict[str, Any]] = {}
        self._graphs: dict[str, Graph | OutputError] = {}
        self._profiles: dict[str, dict[str, Any]] = {}

    def achievement(self, cert: Certification, code: str) -> dict[str, Any]:
        """The Achievement of the fiche or of one of its blocks, as --to openbadges."""
        if cert.number not in self._achievements:
            for node in self.badges.achievements(cert):
                self._achievements[node["humanCode"]] = node
        return self._achievements[code]

    def graph(self, cert: Certification) -> Graph | OutputError:
        if cert.number not in self._graphs:
            try:
                self._graphs[cert.number] = self.builder.build(cert)
            except OutputError as exc:
                self._graphs[cert.number] = exc
        return self._graphs[cert.number]

    def profile(self, cert: Certification) -> dict[str, Any]:
        """The issuer Profile; its SIRET from --siret or the fiche's certifier of that name."""
        if cert.number not in self._profiles:
            siret = self.options.siret
            for certifier in cert.certifiers:
                names = (certifier.name, certifier.trade_name or "")
                if siret is None and any(same_name(self.options.issuer_name, n) for n in names):
                    siret = certifier.siret
            self._profiles[cert.number] = ob3.issuer_profile(
                self.issuer.id, self.options.issuer_name, siret, self.options.issuer_url
            )
        return self._profiles[cert.number]

    def check(self, holder: Holder) -> list[RowProblem]:
        """The checks that need the fiche and today's date."""
        problems = []
        if holder.award_date > self.today:
            problems.append(
                _problem(
                    holder, "date_obtention", None, "date is in the future", "date dans le futur"
                )
            )
        cert = self.fiches.get(holder.certification)
        if cert is None:
            problems.append(
                _problem(
                    holder,
                    "certification",
                    holder.certification,
                    f"no fiche for {holder.certification}: give it with --fiche",
                    f"aucune fiche pour {holder.certification} : la donner avec --fiche",
                )
            )
            return problems
        why = AwardWindow.of(cert).why_not(holder.award_date)
        if why is not None:
            problems.append(_problem(holder, "date_obtention", None, *why))
        if self.options.blocks:
            unknown = [b for b in holder.blocks if b not in cert.block_codes]
            if unknown:
                problems.append(
                    _problem(
                        holder,
                        "blocs",
                        " ".join(holder.blocks),
                        f"not blocks of {cert.number}: {', '.join(unknown)}",
                        f"pas des blocs de {cert.number} : {', '.join(unknown)}",
                    )
                )
        if self.options.to == "edc":
            graph = self.graph(cert)
            if isinstance(graph, OutputError):
                problems.append(
                    _problem(
                        holder,
                        "certification",
                        cert.number,
                        f"no Europass qualification: {graph.message}",
                        f"pas de qualification Europass : {graph.message}",
                    )
                )
        return problems


@contextlib.contextmanager
def _new_directory(target: Path) -> Iterator[Path]:
    """A private temporary directory beside ``target``, renamed to it on success."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} exists and is not an empty directory: choose a new one")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        yield temporary
        if target.exists():
            target.rmdir()
        os.chmod(temporary, 0o700)
        os.rename(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def issue(
    source: Source,
    directory: str | os.PathLike[str],
    options: IssueOptions,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> IssueReport:
    """Issue the credentials of every row of ``source`` into the new ``directory``.

    Nothing is written when any row has a problem: the report lists them all.
    """
    issuer = _issuer(options)
    now = (options.now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    run = _Run(options, issuer, now)
    with open_holders(source, options.certification) as rows:
        return _issue(rows, Path(directory), run, progress)


def _issue(
    rows: Callable[[], Iterator[tuple[Holder | None, list[RowProblem]]]],
    target: Path,
    run: _Run,
    progress: Callable[[int, int], None] | None,
) -> IssueReport:
    options = run.options
    report = IssueReport()
    codes = {h.certification for h, _ in rows() if h is not None}
    run.fiches = load_fiches(options.fiches, codes)

    seen: dict[str, int] = {}
    for holder, problems in rows():
        report.rows += 1
        if holder is not None:
            problems = run.check(holder)
        tid = (
            holder.technical_id
            if holder
            else next((p.technical_id for p in problems if p.technical_id), None)
        )
        row = holder.row if holder else problems[0].row
        stem = slug(tid) if tid else None
        if stem is not None and stem in seen:
            problems.append(
                RowProblem(
                    row,
                    tid,
                    "id_technique",
                    tid,
                    f"idTechnique already used on row {seen[stem]}",
                    f"idTechnique déjà utilisé ligne {seen[stem]}",
                )
            )
        elif stem is not None:
            seen[stem] = row
        report.problems.extend(problems)
    if report.problems:
        return report
    del seen

    valid_from = run.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    with _new_directory(target) as temporary:
        fd = os.open(temporary / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as manifest:
            writer = csv.writer(manifest, delimiter=";", lineterminator="\r\n")
            writer.writerow(MANIFEST_COLUMNS)
            for done, (holder, _problems) in enumerate(rows(), start=1):
                assert holder is not None
                cert = run.fiches[holder.certification]
                obtained = [cert.number, *(holder.blocks if options.blocks else [])]
                for code in obtained:
                    cid = _credential_id(holder, code, cert.number)
                    name, data, kind, salt = _one(run, holder, cert, code, cid, valid_from)
                    _write_private(temporary / name, data)
                    writer.writerow(
                        [holder.row, holder.technical_id, cert.number, code, name, cid, kind, salt]
                    )
                    report.credentials += 1
                if progress is not None:
                    progress(done, report.rows)
    report.directory = target
    return report


def _credential_id(holder: Holder, code: str, number: str) -> str:
    """The row's ``credential_id`` for the fiche; ids derived from it for blocks; random
    ``urn:uuid`` otherwise."""
    if holder.credential_id is None:
        return f"urn:uuid:{uuid.uuid4()}"
    if code == number:
        return holder.credential_id
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, holder.credential_id + '#' + code)}"


def _one(
    run: _Run, holder: Holder, cert: Certification, code: str, cid: str, valid_from: str
) -> tuple[str, bytes, str, str]:
    """(file name, bytes, identifier type, salt) of one credential."""
    options = run.options
    stem = _file_stem(holder) + ("" if code == cert.number else f"-{code}")
    if options.to == "edc":
        graph = run.graph(cert)
        assert not isinstance(graph, OutputError)
        document = edc.credential(
            cert=cert,
            graph=graph,
            builder=run.builder,
            holder=holder,
            credential_id=cid,
            issuer_name=options.issuer_name,
            issuer_id=options.issuer_id,
            valid_from=valid_from,
            block_code=None if code == cert.number else code,
            include_birth_date=options.include_birth_date,
            langs=options.langs,
        )
        if options.edc_upload:
            document = edc.upload_wrapper(document)
        return f"{stem}.json", _json(document), "", ""
    salt = ob3.new_salt()
    identifiers, kind = ob3.subject_identifiers(
        holder, salt, include_name=options.include_name, plain_name=options.plain_name
    )
    document = ob3.credential(
        credential_id=cid,
        issuer=run.profile(cert),
        achievement=run.achievement(cert, code),
        identifiers=identifiers,
        award_date=holder.award_date,
        valid_from=valid_from,
        valid_until=holder.valid_until,
    )
    key, method = run.issuer.key, run.issuer.method
    assert key is not None and method is not None
    if options.proof == "jwt":
        token = proof.sign_jwt(document, key, method)
        return f"{stem}.jwt", (token + "\n").encode("ascii"), kind, salt
    assert isinstance(key.private, ed25519.Ed25519PrivateKey)
    signed = proof.sign_data_integrity(document, key.private, method, valid_from)
    signed["proof"] = [signed["proof"]]  # a set of proofs: what both OB 3.0 schemas accept
    return f"{stem}.json", _json(signed), kind, salt


def _json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
