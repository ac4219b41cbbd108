"""Supplement benchmark: writing Europass Certificate Supplements against the JSON Lines
writer on the same export, in the same run.

Each task runs in a fresh process (so peak RSS is its own), ``--repeat`` times; the median
is reported with the time relative to the ``jsonl`` baseline (read + model + write).

    python benchmarks/bench_supplement.py --fiches 2700
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TASKS = ("jsonl", "supplement-xml", "supplement-html", "supplement-html-dir")


def run_task(task: str, path: str) -> dict[str, float]:
    """Run one conversion in this process; returns seconds, fiches and peak RSS."""
    import rncpkit

    workdir = tempfile.mkdtemp(prefix="bench-supplement-")
    try:
        start = time.perf_counter()
        if task == "supplement-html-dir":
            summary = rncpkit.convert(path, f"{workdir}/pages/", "supplement-html")
        else:
            summary = rncpkit.convert(path, os.devnull, task)
        seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "fiches": summary.written, "peak_mb": peak_kb / 1024}


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
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    results = {task: measure(task, path, args.repeat) for task in TASKS}
    base = results["jsonl"]["seconds"]
    print(f"{'task':20} {'seconds':>8} {'fiches/s':>9} {'× jsonl':>8} {'peak MB':>8}")
    for task, result in results.items():
        seconds = result["seconds"]
        print(
            f"{task:20} {seconds:8.2f} {result['fiches'] / seconds:9.0f} "
            f"{seconds / base:8.2f} {result['peak_mb']:8.0f}"
        )
    print("× jsonl = time relative to converting the same file to JSON Lines in this run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
