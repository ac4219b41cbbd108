"""Europass benchmark: europass-xml / europass-jsonld / openbadges conversion throughput,
against raw lxml ``iterparse`` and plain model reading of the same file, in the same run.

Each task runs in a fresh process (so peak RSS is its own), ``--repeat`` times; the median is
reported with the throughput ratio to the raw-parse floor. RS fiches have no level: the run
passes ``eqf_level=5`` so that every fiche is converted, as ``--eqf-level 5`` would.

    python benchmarks/bench_europass.py --fiches 2700          # ≈ 60 MB
    python benchmarks/bench_europass.py --fiches 27000         # ≈ 600 MB, the national size
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TASKS = ("raw-iterparse", "read-models", "europass-xml", "europass-jsonld", "openbadges")


def run_task(task: str, path: str) -> dict[str, float]:
    """Run one task in this process; returns seconds, fiche count, output size and peak RSS."""
    start = time.perf_counter()
    count = 0
    output_mb = 0.0
    if task == "raw-iterparse":
        from lxml import etree

        for _event, element in etree.iterparse(
            path,
            events=("end",),
            tag="FICHE",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        ):
            count += 1
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]  # type: ignore[union-attr]
    elif task == "read-models":
        import rncpkit

        for _cert in rncpkit.read(path, "fc-xml"):
            count += 1
    else:
        import tempfile

        import rncpkit
        from rncpkit.formats import WriteOptions

        with tempfile.TemporaryDirectory() as scratch:
            target = Path(scratch) / "out"
            summary = rncpkit.convert(
                path, target, task, from_format="fc-xml", options=WriteOptions(eqf_level=5)
            )
            count = summary.written
            output_mb = target.stat().st_size / 1e6
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "fiches": count, "output_mb": output_mb, "peak_mb": peak_kb / 1024}


def measure(task: str, path: Path, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--task", task, str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(out))
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "fiches": runs[0]["fiches"],
        "output_mb": runs[0]["output_mb"],
        "peak_mb": max(r["peak_mb"] for r in runs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, help="an existing export (else generated)")
    parser.add_argument("--fiches", type=int, default=2700, help="fiches to generate")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--task", choices=TASKS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        print(json.dumps(run_task(args.task, str(args.file))))
        return 0
    path = args.file
    if path is None:
        sys.path.insert(0, str(HERE))
        from generate_export import generate

        path = HERE / "data" / f"synthetic-{args.fiches}.xml"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            generate(path, args.fiches)
    size_mb = path.stat().st_size / 1e6
    print(f"file: {path} ({size_mb:.1f} MB), {os.cpu_count()} CPUs, median of {args.repeat}")
    results = {task: measure(task, path, args.repeat) for task in TASKS}
    floor = results["raw-iterparse"]["seconds"]
    header = f"{'task':16} {'seconds':>8} {'MB/s':>7} {'fiches/s':>9} {'ratio':>6}"
    print(f"{header} {'out MB':>7} {'peak MB':>8}")
    for task, result in results.items():
        seconds = result["seconds"]
        print(
            f"{task:16} {seconds:8.2f} {size_mb / seconds:7.1f} "
            f"{result['fiches'] / seconds:9.0f} {floor / seconds:6.2f} "
            f"{result['output_mb']:7.0f} {result['peak_mb']:8.0f}"
        )
    print("ratio = throughput relative to raw lxml iterparse in this run (1.00 = the floor)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
