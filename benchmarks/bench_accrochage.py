"""Accrochage benchmark: a holders file of N certifiers' rows → the CDC flux, same run as a
plain ``csv.reader`` pass over the same file (the floor); the build with a ledger against the
build without; a processing report of N passages against a bare lxml iterparse of it.

Each task runs in a fresh process (so its peak RSS is its own); the median of ``--repeat``
runs is reported. The holders are synthetic (generated, fictional), every route and both
identifications represented.

    python benchmarks/bench_accrochage.py                  # 200,000 holders
    python benchmarks/bench_accrochage.py --holders 20000 --repeat 1
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import tempfile
from pathlib import Path

import harness

TASKS = (
    "raw-csv",
    "validate-rows",
    "build",
    "build-ledger",
    "check",
    "build-compact",
    "raw-report",
    "report",
)
REFUSALS = (
    "Aucun titulaire ne correspond aux critères obligatoires",
    "Aucun titulaire ne correspond aux critères obligatoires enrichis du jour et du mois de "
    "naissance",
    "Le titulaire existe déjà en base",
)
NOW = dt.datetime(2025, 11, 26, 9, 0, tzinfo=dt.UTC)
HEADER = [
    "certification",
    "id_technique",
    "date_obtention",
    "voie_acces",
    "voie_acces_vae",
    "id_dossier_cpf",
    "nom_naissance",
    "nom_usage",
    "prenom1",
    "prenom2",
    "date_naissance",
    "sexe",
    "code_insee_naissance",
    "code_postal_naissance",
    "commune_naissance",
    "date_debut_examen",
    "date_fin_examen",
    "modalite_examen",
    "initiative_inscription",
    "date_inscription",
    "mention",
]
ROUTES = ["CA", "FC", "CQ", "VAE", "EQUIVALENCE_DIPLOME_ETRANGER", ""]
NAMES = ["MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS"]
FIRST = ["Léa", "Hugo", "Chloé", "Lucas", "Inès", "Jules", "Zoé", "Adam", "Jade", "Noé"]


def generate(path: Path, count: int, seed: int = 5) -> None:
    """Write ``count`` fictional holders of RNCP35080 as Excel saves them (BOM, ';', CRLF)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for index in range(count):
            route = ROUTES[index % len(ROUTES)]
            cpf = index % 4 == 3
            day = dt.date(2023, 1, 2) + dt.timedelta(days=rng.randrange(900))
            born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000))
            insee = index % 3 != 0
            writer.writerow(
                [
                    "RNCP35080",
                    f"BENCH-{index:07d}",
                    day.strftime("%d/%m/%Y"),
                    route,
                    "VAE_CLASSIQUE" if route == "VAE" else "",
                    f"{rng.randrange(10**10, 10**11)}" if cpf else "",
                    rng.choice(NAMES),
                    "",
                    rng.choice(FIRST),
                    rng.choice(["", "Marie"]),
                    born.strftime("%d/%m/%Y"),
                    rng.choice("MF"),
                    f"{rng.randrange(1, 96):02d}{rng.randrange(1, 999):03d}" if insee else "",
                    "" if insee else f"{rng.randrange(1000, 95999):05d}",
                    "Commune",
                    (day - dt.timedelta(days=20)).strftime("%d/%m/%Y"),
                    (day - dt.timedelta(days=18)).strftime("%d/%m/%Y"),
                    "EN_PRESENTIEL",
                    "OF",
                    (day - dt.timedelta(days=400)).strftime("%d/%m/%Y"),
                    "MENTION_BIEN",
                ]
            )


def generate_report(path: Path, count: int) -> None:
    """A processing report of ``count`` passages (one in four refused), as the portal
    writes it."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n')
        handle.write('<rapport xmlns:ns2="urn:cdc:cpf:pc5:rapport:schema">\n')
        handle.write(
            "    <nomFichier>flux.xml</nomFichier>\n    <idTraitement>4711</idTraitement>\n"
        )
        handle.write("    <PassagesKO>\n")
        for index in range(0, count, 4):
            handle.write(
                f"        <passage>\n            <idTechnique>BENCH-{index:07d}</idTechnique>\n"
                f"            <messageErreur>{REFUSALS[index % 3]}</messageErreur>\n"
                "        </passage>\n"
            )
        handle.write("    </PassagesKO>\n    <PassagesOK>\n")
        for index in range(count):
            if index % 4:
                handle.write(f"        <idTechnique>BENCH-{index:07d}</idTechnique>\n")
        handle.write("    </PassagesOK>\n</rapport>\n")


def raw_report(path: Path) -> int:
    """Count the passages of a report with bare lxml iterparse (the floor)."""
    from lxml import etree

    count = 0
    for _event, element in etree.iterparse(
        str(path),
        events=("end",),
        tag=("passage", "idTechnique"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
    ):
        parent = element.getparent()
        if element.tag == "passage" or (parent is not None and parent.tag == "PassagesOK"):
            count += 1
            element.clear(keep_tail=False)
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    return count


def run_task(task: str, path: str, out: str) -> dict[str, float]:
    """Run one task in this process; returns seconds, CPU seconds, rows and peak RSS."""
    from rncpkit.accrochage import build, check, read_report, read_rows, to_passage  # not timed

    report_path = Path(out).parent / "rapport.xml"
    ledger = Path(out).parent / "ledger.sqlite"
    if task == "build-ledger" and ledger.exists():
        ledger.unlink()  # a first declaration of every holder: the heavy case

    def work() -> dict[str, float]:
        count = 0
        if task == "raw-csv":
            with open(path, encoding="utf-8-sig", newline="") as handle:
                for _row in csv.reader(handle, delimiter=";"):
                    count += 1
            return {"rows": count - 1}
        if task == "validate-rows":
            for row in read_rows(path):
                _ref, passage, problems = to_passage(row, "RNCP35080")
                assert passage is not None and not problems
                count += 1
            return {"rows": count}
        if task == "raw-report":
            return {"rows": raw_report(report_path)}
        if task == "report":
            summary = read_report(report_path)
            return {"rows": summary.accepted + summary.refused}
        if task == "check":
            for flux in sorted(Path(out).parent.glob(Path(out).stem + "*.xml")):
                report = check(flux)
                assert report.ok, report.problems[:3]
                count += report.passages
            return {"rows": count}
        compact = task == "build-compact"
        target = out
        if compact:
            target = out.replace("flux.xml", "compact.xml")
        elif task == "build-ledger":
            target = out.replace("flux.xml", "ledger.xml")
        built = build(
            path,
            target,
            ledger=ledger if task == "build-ledger" else None,
            id_client="03VML243",
            id_contract="MCFCER000209",
            certification="RNCP35080",
            now=NOW,
            compact=compact,
        )
        assert built.ok, built.problems[:3]
        return {
            "rows": built.written,
            "files": len(built.files),
            "out_mb": sum(p.stat().st_size for p in built.files) / 1e6,
        }

    return harness.run_measured(work)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--holders", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--task", choices=TASKS, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        print(json.dumps(run_task(args.task, str(args.file), args.out)))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-accrochage-") as work:
        path = Path(work) / "titulaires.csv"
        generate(path, args.holders)
        generate_report(Path(work) / "rapport.xml", args.holders)
        out = ("--out", str(Path(work) / "flux.xml"))
        size_mb = path.stat().st_size / 1e6
        print(f"holders: {args.holders:,} rows, {size_mb:.1f} MB CSV (generated, fictional)")
        results = harness.measure_all(__file__, TASKS, path, args.repeat, out)

        def floor_of(task: str) -> float:
            name = "raw-report" if "report" in task else "raw-csv"
            return results[name]["seconds"]

        harness.print_table(
            results,
            [
                harness.task_column(14),
                harness.seconds_column(),
                ("cpu s", 7, lambda _task, result: f"{result['cpu']:.2f}"),
                harness.per_second_column("rows/s", "rows", 8),
                ("rows/cpu s", 10, lambda _task, result: f"{result['rows'] / result['cpu']:.0f}"),
                ("vs floor", 9, lambda task, result: f"{result['seconds'] / floor_of(task):.1f}x"),
                harness.peak_column(),
            ],
        )
        ratio = results["build-ledger"]["seconds"] / results["build"]["seconds"]
        cpu_ratio = results["build-ledger"]["cpu"] / results["build"]["cpu"]
        print(
            f"build with ledger / without: {ratio:.2f}x wall, {cpu_ratio:.2f}x cpu "
            f"(target <= 1.3x; peak {results['build-ledger']['peak_mb']:.0f} MB, target <= 150)"
        )
        report = results["report"]
        print(
            f"report of {report['rows']:,.0f} passages: {report['seconds']:.2f} s "
            f"(target <= 5 s), peak {report['peak_mb']:.0f} MB (target <= 100); "
            f"{report['seconds'] / results['raw-report']['seconds']:.1f}x bare iterparse"
        )
        for task in ("build", "build-compact"):
            built = results[task]
            print(
                f"{task} wrote {built['files']:.0f} file(s), {built['out_mb']:.1f} MB in all "
                f"(portal limits: 200,000 passages and 200 MB per file)"
            )
        print(
            "vs floor = wall time relative to a bare csv.reader pass over the same file "
            "(reports: a bare lxml iterparse of the same report);"
        )
        print("cpu s = user+system CPU of the task (steadier than wall time on a busy machine)")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
