"""``rncpkit accrochage``: the certifiers' holders file for the Caisse des Dépôts.

``template`` → the certifier fills it → ``build`` → ``check`` → upload.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from rncpkit.accrochage import (
    MAX_BYTES_PER_FILE,
    MAX_PASSAGES_PER_FILE,
    SCHEMA_VERSIONS,
    XSD_VERSION,
    CheckReport,
    DepositorKind,
    FicheIndex,
    build,
    check,
    template,
    write_report,
)
from rncpkit.accrochage.receipt import explain
from rncpkit.accrochage.reconcile import Reconciliation
from rncpkit.cli._common import (
    EXIT_INVALID,
    encoding_option,
    handle_errors,
    output_format_option,
    output_option,
    progress_bar,
    with_encoding,
)

__all__ = [
    "accrochage",
]

_DELIMITERS = {";": ";", ",": ",", "tab": "\t"}


@click.group(name="accrochage")
def accrochage() -> None:
    """Declare certification holders to the Caisse des Dépôts (CPF "accrochage" flux).

    \b
    rncpkit accrochage template -o titulaires.csv     # empty file to fill (Excel)
    rncpkit accrochage build titulaires.csv --certification RNCP35080 \\
        --id-client XXXXXXXX --id-contrat MCFCER000000 -o flux.xml
    rncpkit accrochage check flux.xml --xsd cpf-accrochage-1.1.2.xsd
    """


@accrochage.command(name="template")
@output_option("Where to write the template ('-' for stdout).")
@click.option(
    "--delimiter",
    type=click.Choice(sorted(_DELIMITERS)),
    default=";",
    show_default=True,
    help="Column separator (';' is what French Excel uses).",
)
@click.option(
    "--bom/--no-bom",
    default=None,
    help="Start with a UTF-8 BOM so Excel reads accents (default: yes for files, no for stdout).",
)
@handle_errors
def template_command(output: str, delimiter: str, bom: bool | None) -> None:
    """Print an empty holders file: a comment row explaining each column, then the header.

    Fill one row per holder (Excel: save as "CSV UTF-8"). Rows whose first cell starts
    with '#' are comments.

    These are the columns `accrochage build` reads; it refuses a column it does not
    know. `credentials issue` reads the same file plus a few optional columns of its own
    (listed by `rncpkit credentials issue --help`).
    """
    text = template(_DELIMITERS[delimiter])
    use_bom = bom if bom is not None else output != "-"
    data = ("\ufeff" if use_bom else "") + text
    if output == "-":
        sys.stdout.buffer.write(data.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        from rncpkit.io import atomic_output

        with atomic_output(output) as stream:
            stream.write(data.encode("utf-8"))
        click.echo(f"rncpkit: template written to {output}", err=True)


@accrochage.command(name="build")
@click.argument("holders", metavar="HOLDERS", type=click.Path(allow_dash=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(allow_dash=True),
    help="The flux to write ('-' for stdout); split files get -001, -002…",
)
@click.option(
    "--certification",
    metavar="CODE",
    help="Certification of the rows whose 'certification' cell is empty.",
)
@click.option("--id-client", required=True, help="The certifier's CDC idClient (8 characters).")
@click.option(
    "--id-contrat",
    "id_contract",
    required=True,
    help="The certifier's CDC idContrat (e.g. MCFCER000209).",
)
@click.option(
    "--emetteur",
    "emitter",
    metavar="ID_CLIENT",
    help="idClient of the emitter when a trusted third party deposits the file.",
)
@click.option(
    "--nature-deposant",
    "depositor",
    type=click.Choice([d.value for d in DepositorKind]),
    help="natureDeposant (default: CERTIFICATEUR, or TIERS_CONFIANCE with --emetteur).",
)
@click.option(
    "--fiche",
    "fiches",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Fiche(s) of the certifications, any format rncpkit reads "
    "(default: the embedded RNCP35080 sample). Repeatable.",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Write the valid rows and a report of the others, instead of nothing. "
    "The exit code is still 1 when any row was rejected.",
)
@click.option(
    "--schema",
    type=click.Choice(list(SCHEMA_VERSIONS)),
    default=XSD_VERSION,
    show_default=True,
    help="XSD version to write. 1.1.5 (2026 kit) adds the file's action and accepts holders "
    "identified by NIR (the 'nir' column); its XSD is reconstructed, not official.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    help="Where --skip-invalid writes the rejected rows "
    "(default: OUTPUT without .xml + '-rejets.csv').",
)
@click.option(
    "--delimiter",
    type=click.Choice(sorted(_DELIMITERS)),
    help="CSV column separator (detected when omitted).",
)
@click.option(
    "--max-passages",
    type=click.IntRange(1, MAX_PASSAGES_PER_FILE),
    default=MAX_PASSAGES_PER_FILE,
    show_default=True,
    help="Passages per file.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(10_000, MAX_BYTES_PER_FILE),
    default=MAX_BYTES_PER_FILE,
    show_default=True,
    help="Bytes per file.",
)
@click.option(
    "--compact", is_flag=True, help="No indentation: about 30 % smaller, fewer split files."
)
@click.option(
    "--ledger",
    type=click.Path(dir_okay=False),
    help="SQLite ledger of declarations (created if absent): refuses an idTechnique already "
    "declared, records what is written.",
)
@click.option(
    "--resend",
    is_flag=True,
    help="With --ledger: send again passages refused or never answered (never accepted ones).",
)
@click.option(
    "--only-refused",
    is_flag=True,
    help="With --ledger: take only the rows the ledger records as refused (after correction).",
)
@encoding_option
@handle_errors
def build_command(
    holders: str,
    output: str,
    certification: str | None,
    id_client: str,
    id_contract: str,
    emitter: str | None,
    depositor: str | None,
    fiches: tuple[str, ...],
    skip_invalid: bool,
    report_path: str | None,
    delimiter: str | None,
    max_passages: int,
    max_bytes: int,
    compact: bool,
    schema: str,
    ledger: str | None,
    resend: bool,
    only_refused: bool,
    encoding: str | None,
) -> None:
    """Turn HOLDERS (CSV or JSON, '-' for stdin) into the XML flux to upload.

    All or nothing: unless every row is valid, every problem of every row is listed (row,
    column, reason in French and English; names, birth data and NIRs are never shown) and
    nothing is written. Each holder's access route must be open on the certification's
    fiche. With --skip-invalid the valid rows are written, the others reported in a CSV,
    and the exit code is 1 all the same (something was rejected).

    \b
    Example:
      rncpkit accrochage build samples/holders-RNCP35080.csv --certification RNCP35080 \\
          --id-client 03VML243 --id-contrat MCFCER000209 -o flux.xml
    """
    with progress_bar("Reading rows") as progress:
        report = build(
            with_encoding(holders, encoding),
            output,
            id_client=id_client,
            id_contract=id_contract,
            certification=certification,
            fiches=FicheIndex.load(fiches),
            emitter_id_client=emitter,
            depositor=DepositorKind(depositor) if depositor else None,
            skip_invalid=skip_invalid,
            max_passages=max_passages,
            max_bytes=max_bytes,
            delimiter=_DELIMITERS[delimiter] if delimiter else None,
            compact=compact,
            schema=schema,
            ledger=ledger,
            resend=resend,
            only_refused=only_refused,
            progress=progress,
        )
    for problem in sorted([*report.problems, *report.warnings], key=lambda p: p.row):
        click.echo(f"rncpkit: {problem}", err=True)
    if report.problems and not skip_invalid:
        click.echo(
            f"rncpkit: {report.rejected} of {report.rows} rows rejected: nothing written / "
            f"{report.rejected} ligne(s) sur {report.rows} refusée(s) : aucun fichier écrit "
            "(--skip-invalid writes the valid rows)",
            err=True,
        )
        raise SystemExit(EXIT_INVALID)
    if report.problems:
        if report_path is None and output != "-":
            path = Path(output)
            report_path = str(path.with_name(path.stem + "-rejets.csv"))
        if report_path is not None:
            write_report(report.problems, report_path)
            click.echo(f"rncpkit: rejected rows reported in {report_path}", err=True)
    for path in report.files:
        if str(path) != "-":
            click.echo(f"rncpkit: wrote {path}", err=True)
    for path in report.stale_files:
        click.echo(
            f"rncpkit: warning: {path} is from an earlier run, not this one: do not upload it / "
            "ce fichier vient d'une exécution précédente : ne pas le déposer",
            err=True,
        )
    click.echo(f"rncpkit: {report.line()}", err=True)
    if ledger is not None and report.files:
        skipped = f", {report.skipped} rows not refused left out" if only_refused else ""
        click.echo(f"rncpkit: {report.recorded} passages recorded in {ledger}{skipped}", err=True)
    if report.problems:
        click.echo(
            "rncpkit: rows were rejected: exit code 1 although the valid rows were written / "
            "des lignes ont été refusées : code de sortie 1 bien que les lignes valides "
            "soient écrites",
            err=True,
        )
    if report.problems or not report.files:
        raise SystemExit(EXIT_INVALID)


@accrochage.command(name="check")
@click.argument("flux", metavar="FLUX", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--xsd",
    type=click.Path(exists=True, dir_okay=False),
    help="The official XSD to validate against (e.g. cpf-accrochage-1.1.2.xsd).",
)
@output_format_option("Summary as text or JSON.")
@handle_errors
def check_command(flux: str, xsd: str | None, output_format: str) -> None:
    """Check FLUX (model, portal limits and traps, and the XSD with --xsd); summarise it.

    Exit code 1 when the portal would reject it.
    """
    report = check(flux, xsd=xsd)
    if output_format == "json":
        click.echo(json.dumps(_as_json(report), ensure_ascii=False, indent=2))
    else:
        _print_text(report)
    if not report.ok:
        raise SystemExit(EXIT_INVALID)


@accrochage.command(name="report")
@click.argument("rapport", metavar="RAPPORT", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--holders",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True),
    help="The holders file the flux was built from: refused passages are mapped to its rows.",
)
@click.option(
    "--corrections",
    type=click.Path(dir_okay=False),
    help="Where --holders writes the refused rows to correct and resend "
    "(default: HOLDERS without extension + '-a-corriger.csv').",
)
@click.option(
    "--ledger",
    type=click.Path(exists=True, dir_okay=False),
    help="Record each passage's outcome in this ledger.",
)
@output_format_option("Summary as text or JSON.")
@handle_errors
def report_command(
    rapport: str,
    holders: str | None,
    corrections: str | None,
    ledger: str | None,
    output_format: str,
) -> None:
    """Read a Caisse des Dépôts processing report (accusé de traitement) RAPPORT.xml.

    Summary: file, treatment, accepted, refused with reasons grouped and counted (known
    portal messages explained in French and English), XSD errors with line and column.
    With --holders, the refused passages are mapped to the rows of the spreadsheet and
    exactly those rows are written to a CSV to correct and resend (owner-only
    permissions: it holds personal data). With --ledger, outcomes are recorded.

    Exit code 1 when a passage or the file was refused.

    \b
    Example:
      rncpkit accrochage report accuse.xml --holders titulaires.csv --ledger registre.sqlite
    """
    from rncpkit.accrochage.reconcile import reconcile

    result = reconcile(rapport, holders=holders, corrections=corrections, ledger=ledger)
    if output_format == "json":
        click.echo(json.dumps(_reconciliation_json(result), ensure_ascii=False, indent=2))
    else:
        _print_reconciliation(result, ledger)
    if not result.report.ok:
        raise SystemExit(EXIT_INVALID)


def _reconciliation_json(result: Reconciliation) -> dict[str, object]:
    report = result.report
    return {
        "rapport": report.source,
        "nomFichier": report.file_name,
        "idFlux": report.id_flux,
        "idTraitement": report.treatment_id,
        "fichierRefuse": report.file_refused,
        "acceptes": report.accepted,
        "refuses": report.refused,
        "raisons": [
            {
                "message": message,
                "passages": count,
                "explication": None if (e := explain(message)) is None else e.fr,
                "explanation": None if e is None else e.en,
            }
            for message, count in report.reasons.most_common()
        ],
        "erreurs": [
            {"type": e.type, "message": e.message, "ligne": e.line, "colonne": e.column}
            for e in report.errors
        ],
        "nombreErreurs": report.error_count,
        "lignes": [
            {"ligne": r.row, "idTechnique": r.technical_id, "raison": r.reason} for r in result.rows
        ],
        "absentsDuFichier": result.missing,
        "aCorriger": None if result.corrections is None else str(result.corrections),
        "registre": None if result.ledger is None else {"misAJour": result.ledger.updated},
    }


def _print_reconciliation(result: Reconciliation, ledger: str | None) -> None:
    report = result.report
    name = report.file_name or report.id_flux or "?"
    click.echo(f"{report.source}: fichier/file {name}, traitement/treatment {report.treatment_id}")
    if report.file_refused:
        click.echo(
            f"  FICHIER REFUSÉ / FILE REFUSED: {report.error_count} erreur(s) XSD / XSD "
            "error(s); no passage was treated / aucun passage traité"
        )
        for error in report.errors:
            click.echo(
                f"    ligne/line {error.line}, colonne/column {error.column}: "
                f"[{error.type}] {error.message}"
            )
    click.echo(f"  acceptés/accepted: {report.accepted}")
    click.echo(f"  refusés/refused: {report.refused}")
    for message, count in report.reasons.most_common():
        click.echo(f"    {count} × {message or '-'}")
        explanation = explain(message)
        if explanation is not None:
            click.echo(f"      → {explanation.fr}")
            click.echo(f"      → {explanation.en}")
    for row in result.rows:
        click.echo(f"  ligne/row {row.row} [idTechnique {row.technical_id}]: {row.reason}")
    if result.missing:
        click.echo(
            f"  {result.missing} passage(s) refusé(s) absent(s) du fichier des titulaires / "
            "refused passage(s) not in the holders file"
        )
    if result.corrections is not None:
        click.echo(
            f"  {len(result.rows)} ligne(s) à corriger puis renvoyer / row(s) to correct "
            f"and resend: {result.corrections}"
        )
    if result.ledger is not None:
        click.echo(
            f"  registre/ledger {ledger}: {result.ledger.updated} passage(s) mis à jour/updated"
        )


@accrochage.command(name="status")
@click.option(
    "--ledger", required=True, type=click.Path(exists=True, dir_okay=False), help="The ledger."
)
@click.option("--certification", metavar="CODE", help="Only this certification.")
@output_format_option("Text or JSON.")
@handle_errors
def status_command(ledger: str, certification: str | None, output_format: str) -> None:
    """What the ledger records: passages sent, accepted, refused (with reasons) and never
    answered, per certification."""
    from rncpkit.accrochage.ledger import Ledger

    with Ledger(ledger) as book:
        summary = book.summary(certification.strip().upper() if certification else None)
    if output_format == "json":
        click.echo(
            json.dumps(
                {"counts": summary.counts, "reasons": summary.reasons},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not summary.counts:
        click.echo("aucun passage enregistré / no passage recorded")
    labels = {
        "sent": "sans réponse / never answered",
        "accepted": "acceptés / accepted",
        "refused": "refusés / refused",
        "file_refused": "fichier refusé / file refused",
    }
    for code, counts in summary.counts.items():
        click.echo(f"{code}: {sum(counts.values())} passages envoyés / sent")
        for status, label in labels.items():
            click.echo(f"  {label}: {counts.get(status, 0)}")
        for reason, count in summary.reasons.get(code, {}).items():
            click.echo(f"    {count} × {reason or '-'}")


def _as_json(report: CheckReport) -> dict[str, object]:
    return {
        "file": report.file,
        "size": report.size,
        "ok": report.ok,
        "idFlux": report.id_flux,
        "horodatage": report.horodatage,
        "emetteur": report.emitter,
        "certificateur": report.certifier,
        "idContrat": report.contract,
        "passages": report.passages,
        "version": report.version,
        "action": report.action,
        "xsd": report.xsd,
        "certifications": [
            {
                "code": c.code,
                "type": c.type,
                "natureDeposant": c.depositor,
                "passages": c.passages,
                "modaliteAcces": dict(c.access_modes),
                "identification": dict(c.identifications),
            }
            for c in report.certifications
        ],
        "problems": [
            {
                "line": p.line,
                "idTechnique": p.technical_id,
                "element": p.element,
                "warning": p.warning,
                "xsd": p.xsd,
                "reason": p.reason_en,
                "raison": p.reason_fr,
            }
            for p in report.problems
        ],
    }


def _print_text(report: CheckReport) -> None:
    click.echo(
        f"{report.file}: {report.passages} passages, {len(report.certifications)} "
        f"certification(s), {report.size:,} bytes"
    )
    action = f"  action {report.action}" if report.action else ""
    click.echo(
        f"  schéma/schema {report.version}  idFlux {report.id_flux}  "
        f"horodatage {report.horodatage}{action}"
    )
    click.echo(
        f"  émetteur {report.emitter}  certificateur {report.certifier}  contrat {report.contract}"
    )
    for cert in report.certifications:
        nature = f", {cert.depositor}" if cert.depositor else ""
        click.echo(f"  {cert.code} ({cert.type}{nature}): {cert.passages} passages")
        modes = ", ".join(f"{mode} {n}" for mode, n in sorted(cert.access_modes.items()))
        click.echo(f"    modaliteAcces: {modes}")
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(cert.identifications.items()))
        click.echo(f"    identification: {kinds}")
    for problem in report.problems:
        click.echo(f"  {problem}")
    errors = sum(not p.warning for p in report.problems)
    warnings = len(report.problems) - errors
    xsd_ok = not any(p.xsd for p in report.problems)
    xsd = f"XSD {report.xsd}: " + ("valide / valid" if xsd_ok else "invalide / invalid")
    verdict = "OK" if report.ok else "REJETÉ / REJECTED"
    click.echo(
        f"{verdict}: {errors} erreur(s)/error(s), {warnings} avertissement(s)/warning(s)"
        + (f"; {xsd}" if report.xsd else "; XSD not checked (give --xsd)")
    )
