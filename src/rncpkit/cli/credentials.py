"""``rncpkit credentials``: a signed Open Badge or a Europass credential for every holder.

The library lives in :mod:`rncpkit.credentials` and needs the ``credentials`` extra; it is
imported inside each command, so ``rncpkit --help`` works without it and a missing extra
is one clear message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from rncpkit.cli._common import (
    EXIT_INVALID,
    encoding_option,
    fail,
    handle_errors,
    progress_bar,
    with_encoding,
)
from rncpkit.credentials.columns import columns_help

__all__ = [
    "credentials",
]

INSTALL = "pip install 'rncpkit[credentials]'"


def _require_extra() -> None:
    """Exit 1 with the install command when cryptography, pyld or Pillow is missing."""
    missing = []
    for module, package in (("cryptography", "cryptography"), ("pyld", "PyLD"), ("PIL", "Pillow")):
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    if missing:
        fail(
            f"error: `rncpkit credentials` needs {', '.join(missing)}: install the extra "
            f"with: {INSTALL}"
        )


def _read_json(path: str) -> dict[str, Any]:
    from rncpkit.errors import InputError

    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read JSON: {exc}", file=path) from None
    if not isinstance(data, dict):
        raise InputError("expected a JSON object", file=path)
    return data


@click.group(name="credentials")
def credentials() -> None:
    """Verifiable credentials for each holder: Open Badges 3.0 (signed) and Europass.

    \b
    rncpkit credentials keygen -o issuer.jwk --did-web example.fr
    rncpkit credentials issue titulaires.csv --certification RNCP35080 \\
        --key issuer.jwk --issuer-name "Le Cnam" --to ob3 -o badges/
    rncpkit credentials verify badges/*.json

    Needs the credentials extra: pip install 'rncpkit[credentials]'.
    """


@credentials.command(name="keygen")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the private key (JWK, readable by its owner only).",
)
@click.option(
    "--type",
    "kind",
    type=click.Choice(["ed25519", "p-256", "rsa"]),
    default="ed25519",
    show_default=True,
    help="ed25519 for Data Integrity proofs; p-256 (ES256) or rsa (RS256) for --proof jwt.",
)
@click.option(
    "--did-web",
    metavar="HOST[:PATH]",
    help="Also write the DID document of did:web:HOST[:PATH] (beside the key, "
    "did.json) to host at its .well-known URL.",
)
@handle_errors
def keygen(output: str, kind: str, did_web: str | None) -> None:
    """Create an issuer key; print its did:key (and the did:web document's URL)."""
    _require_extra()
    from rncpkit.credentials import keys

    key = keys.generate(kind)  # type: ignore[arg-type]
    did_doc = None
    if did_web:
        did = keys.did_web(did_web)
        did_doc = keys.did_document(did, key.public_key())
    keys.write_key(output, key)
    click.echo(f"rncpkit: wrote {output} ({kind}, private: keep it secret)", err=True)
    if kind != "rsa":
        click.echo(keys.did_key(key.public_key()))
    if did_doc is not None:
        target = Path(output).with_name("did.json")
        from rncpkit.io import atomic_output

        with atomic_output(target) as stream:
            stream.write((json.dumps(did_doc, indent=2) + "\n").encode())
        click.echo(did_doc["id"])
        click.echo(
            f"rncpkit: wrote {target}: publish it at {keys.did_web_url(did_doc['id'])}", err=True
        )


_ISSUE_COLUMNS = (
    "Columns of HOLDERS: every column of `rncpkit accrochage template` (what `accrochage "
    "build` reads), plus these optional ones, which only `credentials issue` reads "
    "(`accrochage build` refuses a column it does not know):\n\n"
    f"\b\n{columns_help()}"
)


@credentials.command(name="issue", epilog=_ISSUE_COLUMNS)
@click.argument("holders", type=click.Path(allow_dash=True))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False),
    help="New directory: one file per credential and manifest.csv (private).",
)
@click.option(
    "--to",
    "target",
    type=click.Choice(["ob3", "edc"]),
    default="ob3",
    show_default=True,
    help="ob3: signed Open Badges 3.0; edc: unsigned Europass Digital Credential.",
)
@click.option("--certification", help="Code for rows whose certification cell is empty.")
@click.option(
    "--fiche",
    "fiches",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="File(s) holding the fiches (any format rncpkit reads; default: the embedded RNCP35080).",
)
@click.option(
    "--key",
    "key_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Issuer private key (JWK from keygen); required for ob3.",
)
@click.option("--issuer-name", required=True, help="The issuer's name, as on the fiche.")
@click.option("--issuer-id", help="Issuer id: did:key:… (default: the key's) or did:web:….")
@click.option("--issuer-url", help="The issuer's web site (Profile url).")
@click.option("--siret", help="The issuer's SIRET (default: the fiche's certifier of that name).")
@click.option(
    "--proof",
    "proof_kind",
    type=click.Choice(["data-integrity", "jwt"]),
    default="data-integrity",
    show_default=True,
    help="Embedded eddsa-rdfc-2022 proof, or a VC-JWT (RS256/ES256 key).",
)
@click.option(
    "--blocks", is_flag=True, help="Also one credential per block listed in the 'blocs' column."
)
@click.option(
    "--include-name",
    is_flag=True,
    help="ob3: add the holder's name as an identifier (hashed unless --plain-name).",
)
@click.option("--plain-name", is_flag=True, help="ob3: with --include-name, the name in clear.")
@click.option("--include-birth-date", is_flag=True, help="edc: add the holder's birth date.")
@click.option(
    "--edc-upload",
    is_flag=True,
    help='edc: write the {"credential": …} wrapper the Europass upload takes.',
)
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="edc: language of the certificate image (en adds an English page).",
)
@click.option("--base-uri", help="Base of the fiche/qualification URIs (as convert).")
@click.option("--eqf-level", type=click.IntRange(1, 8), help="EQF level of RS fiches (edc).")
@encoding_option
@handle_errors
def issue_command(
    holders: str,
    output: str,
    target: str,
    certification: str | None,
    fiches: tuple[str, ...],
    key_path: str | None,
    issuer_name: str,
    issuer_id: str | None,
    issuer_url: str | None,
    siret: str | None,
    proof_kind: str,
    blocks: bool,
    include_name: bool,
    plain_name: bool,
    include_birth_date: bool,
    edc_upload: bool,
    lang: str,
    base_uri: str | None,
    eqf_level: int | None,
    encoding: str | None,
) -> None:
    """Issue one credential per holder of HOLDERS ('-' for stdin): the accrochage
    spreadsheet (CSV or JSON), plus the optional columns listed below.

    Every row is checked first; when any is wrong, all problems are listed and nothing
    is written (exit 1). Personal values are never printed.
    """
    _require_extra()
    from rncpkit.credentials import keys
    from rncpkit.credentials.issuing import IssueOptions, issue

    options = IssueOptions(
        issuer_name=issuer_name,
        to=target,  # type: ignore[arg-type]
        certification=certification,
        fiches=list(fiches),
        key=keys.read_key(key_path) if key_path else None,
        issuer_id=issuer_id,
        issuer_url=issuer_url,
        siret=siret,
        proof=proof_kind,  # type: ignore[arg-type]
        blocks=blocks,
        include_name=include_name,
        plain_name=plain_name,
        include_birth_date=include_birth_date,
        edc_upload=edc_upload,
        langs=("fr", "en") if lang == "en" else ("fr",),
        base_uri=base_uri,
        eqf_level=eqf_level,
    )
    with progress_bar("credentials") as progress:
        report = issue(with_encoding(holders, encoding), output, options, progress=progress)
    for problem in report.problems:
        click.echo(f"rncpkit: {problem}", err=True)
    click.echo(f"rncpkit: {report.line()}", err=True)
    if not report.ok:
        sys.exit(EXIT_INVALID)


@credentials.command(name="verify")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option(
    "--did-document",
    "did_documents",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Local DID/controller document of a did:web (or https) issuer.",
)
@click.option(
    "--fiche",
    "fiches",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Check the fiche could be awarded on the award date (any format).",
)
@click.option(
    "--schema",
    "schema_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Also validate against this JSON Schema (the official OB 3.0 one).",
)
@handle_errors
def verify_command(
    files: tuple[str, ...],
    did_documents: tuple[str, ...],
    fiches: tuple[str, ...],
    schema_path: str | None,
) -> None:
    """Verify Open Badges 3.0 credentials offline; exit 0 when all are valid, 1 otherwise."""
    _require_extra()
    from rncpkit.credentials.fiches import load_windows
    from rncpkit.credentials.verification import verify

    documents = [_read_json(path) for path in did_documents]
    windows = load_windows(fiches) if fiches else None
    schema = _read_json(schema_path) if schema_path else None
    invalid = 0
    for path in files:
        verdict = verify(path, did_documents=documents, windows=windows, schema=schema)
        click.echo(str(verdict))
        invalid += not verdict.ok
    click.echo(
        f"rncpkit: {len(files)} checked, {len(files) - invalid} valid, {invalid} invalid", err=True
    )
    if invalid:
        sys.exit(EXIT_INVALID)
