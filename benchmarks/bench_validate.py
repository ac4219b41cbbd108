"""Validation benchmark: reading alone (the baseline) against reading plus every rule,
on the same synthetic export, in the same run.

Each task runs in a fresh process ``--repeat`` times; the median is reported with the
cost of the rules per fiche.

    python benchmarks/bench_validate.py --fiches 2700      # ≈ 60 MB
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TASKS = ("read-models", "validate")


def run_task(task: str, path: str) -> dict[str, float]:
    """Run one task in this process; returns seconds, fiche and finding counts, peak RSS."""
    import rncpkit

    start = time.perf_counter()
    count = findings = 0
    if task == "read-models":
        for _cert in rncpkit.read(path, "fc-xml"):
            count += 1
    elif task == "validate":
        for _finding in rncpkit.validate(path, "fc-xml", today=dt.date(2026, 8, 16)):
            findings += 1
    else:
        raise SystemExit(f"unknown task {task}")
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "fiches": count, "findings": findings, "peak_mb": peak_kb / 1024}


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
        "findings": runs[0]["findings"],
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
            generate(path, args.fiches)
    size_mb = path.stat().st_size / 1e6
    print(f"file: {path} ({size_mb:.1f} MB)")
    results = {task: measure(task, path, args.repeat) for task in TASKS}
    fiches = results["read-models"]["fiches"]
    base = results["read-models"]["seconds"]
    print(f"{'task':12} {'seconds':>8} {'fiches/s':>9} {'findings':>9} {'peak MB':>8}")
    for task, result in results.items():
        seconds = result["seconds"]
        print(
            f"{task:12} {seconds:8.2f} {fiches / seconds:9.0f} "
            f"{int(result['findings']):9d} {result['peak_mb']:8.0f}"
        )
    extra = results["validate"]["seconds"] - base
    print(f"rules: +{extra:.2f} s over reading alone, {extra / fiches * 1e6:.0f} µs per fiche")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
