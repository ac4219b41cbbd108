"""Bulk benchmark: national-size conversion (jsonl, fc-csv; 1 and 2 jobs) and diff.

Every task runs in a fresh process and is compared with raw lxml ``iterparse`` of the same
file measured in the same run. Peak memory is the larger of the task process and of its
worker processes (``--jobs``), both from ``getrusage``.

    python benchmarks/bench_bulk.py --fiches 30000          # the national export
    python benchmarks/bench_bulk.py --fiches 3000 --repeat 1

Targets (issue 6): conversion with 2 jobs ≥ 0.5 × raw iterparse throughput; diff of two
national files differing in 1 % of the fiches < 3 × the time of reading both; peak < 200 MB.
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
TASKS = (
    "raw-iterparse",
    "read-both",
    "jsonl-1",
    "jsonl-2",
    "fc-csv-1",
    "fc-csv-2",
    "diff",
)


def run_task(task: str, old: str, new: str) -> dict[str, float]:
    """Run one task here; returns seconds, fiches handled and peak RSS (MB)."""
    start = time.perf_counter()
    count = 0
    if task == "raw-iterparse":
        from lxml import etree

        for _event, element in etree.iterparse(
            old,
            events=("end",),
            tag="FICHE",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        ):
            count += 1
            element.clear(keep_tail=False)
            parent = element.getparent()
            while element.getprevious() is not None and parent is not None:
                del parent[0]
    elif task == "read-both":
        import rncpkit

        for path in (old, new):
            for _cert in rncpkit.read(path, "fc-xml"):
                count += 1
    elif task.startswith(("jsonl-", "fc-csv-")):
        import rncpkit

        to, jobs = task.rsplit("-", 1)
        summary = rncpkit.convert(old, os.devnull, to, from_format="fc-xml", jobs=int(jobs))
        assert summary.read == summary.written + summary.filtered + summary.rejected
        count = summary.written
    elif task == "diff":
        from rncpkit.diff import compare

        with compare(old, new) as result:
            changed = sum(1 for _ in result.changes())
            count = result.old.compared + result.new.compared
        print(f"changes: {changed}", file=sys.stderr)
    else:
        raise SystemExit(f"unknown task {task}")
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        "fiches": count,
        "peak_mb": max(own.ru_maxrss, children.ru_maxrss) / 1024,
        "cpu_parent": own.ru_utime + own.ru_stime,
        "cpu_workers": children.ru_utime + children.ru_stime,
    }


def measure(task: str, old: Path, new: Path, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--task", task, str(old), str(new)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(out))
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "fiches": runs[0]["fiches"],
        "peak_mb": max(r["peak_mb"] for r in runs),
        "cpu_parent": statistics.median(r["cpu_parent"] for r in runs),
        "cpu_workers": statistics.median(r["cpu_workers"] for r in runs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="OLD NEW exports (else generated)")
    parser.add_argument("--fiches", type=int, default=30000, help="fiches to generate")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--task", choices=TASKS, help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", choices=TASKS, help="run only these tasks")
    args = parser.parse_args(argv)
    if args.task:
        print(json.dumps(run_task(args.task, str(args.files[0]), str(args.files[1]))))
        return 0
    if args.files:
        old, new = args.files
    else:
        sys.path.insert(0, str(HERE))
        from generate_export import generate

        old = HERE / "data" / f"synthetic-{args.fiches}.xml"
        new = HERE / "data" / f"synthetic-{args.fiches}-mutated-1pct.xml"
        for path, mutate in ((old, 0.0), (new, 1.0)):
            if not path.exists():
                generate(path, args.fiches, mutate=mutate)
    size_mb = old.stat().st_size / 1e6
    print(f"files: {old} ({size_mb:.1f} MB), {new} ({new.stat().st_size / 1e6:.1f} MB)")
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start")
    results = {}
    for task in args.only or TASKS:
        results[task] = measure(task, old, new, args.repeat)
        print(f"  {task}: {results[task]['seconds']:.2f} s", flush=True)
    floor = results.get("raw-iterparse", {}).get("seconds")
    print(
        f"{'task':14} {'seconds':>8} {'MB/s':>7} {'fiches/s':>9} {'vs raw':>7} {'peak MB':>8}"
        f" {'cpu s':>7} {'parent':>7} {'idle-2c':>8}"
    )
    for task, result in results.items():
        seconds = result["seconds"]
        cpu = result["cpu_parent"] + result["cpu_workers"]
        # What two idle cores would take at best: all the CPU time shared by two cores,
        # but never less than the parent's own (sequential) part.
        bound = max(result["cpu_parent"], cpu / 2) if result["cpu_workers"] else cpu
        volume = size_mb * (2 if task in ("read-both", "diff") else 1)
        ratio = f"{floor * volume / size_mb / seconds:7.2f}" if floor else "      -"
        print(
            f"{task:14} {seconds:8.2f} {volume / seconds:7.1f} "
            f"{result['fiches'] / seconds:9.0f} {ratio} {result['peak_mb']:8.0f}"
            f" {cpu:7.1f} {result['cpu_parent']:7.1f} {bound:8.1f}"
        )
    print("vs raw = throughput relative to raw lxml iterparse in this run (target ≥ 0.5 for -2)")
    print("cpu s = CPU seconds of the task and its workers; idle-2c = the wall time two idle")
    print("cores would need at best (the machine is shared: wall times vary with its load)")
    if "diff" in results and "read-both" in results:
        factor = results["diff"]["seconds"] / results["read-both"]["seconds"]
        print(f"diff / read-both = {factor:.2f} (target < 3)")
    print(f"load average {os.getloadavg()[0]:.2f} at end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
