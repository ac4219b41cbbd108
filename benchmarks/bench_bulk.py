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
import sys
from collections.abc import Mapping
from pathlib import Path

import harness

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

    def work() -> dict[str, float]:
        if task == "raw-iterparse":
            return {"fiches": harness.raw_iterparse(old)}
        if task == "read-both":
            import rncpkit

            return {"fiches": sum(1 for path in (old, new) for _ in rncpkit.read(path, "fc-xml"))}
        if task.startswith(("jsonl-", "fc-csv-")):
            import rncpkit

            to, jobs = task.rsplit("-", 1)
            summary = rncpkit.convert(old, os.devnull, to, from_format="fc-xml", jobs=int(jobs))
            assert summary.read == summary.written + summary.filtered + summary.rejected
            return {"fiches": summary.written}
        from rncpkit.diff import compare

        with compare(old, new) as result:
            changed = sum(1 for _ in result.changes())
            count = result.old.compared + result.new.compared
        print(f"changes: {changed}", file=sys.stderr)
        return {"fiches": count}

    result = harness.run_measured(work, children=True)
    result["cpu_parent"] = harness.cpu_seconds()
    result["cpu_workers"] = harness.cpu_seconds(resource.RUSAGE_CHILDREN)
    return result


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
        old = harness.synthetic_export(args.fiches)
        new = harness.synthetic_export(args.fiches, mutate=1.0)
    size_mb = old.stat().st_size / 1e6
    print(f"files: {old} ({size_mb:.1f} MB), {new} ({new.stat().st_size / 1e6:.1f} MB)")
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start")
    results = {}
    for task in args.only or TASKS:
        results[task] = harness.measure(__file__, task, old, args.repeat, (str(new),))
        print(f"  {task}: {results[task]['seconds']:.2f} s", flush=True)
    floor = results.get("raw-iterparse", {}).get("seconds")

    def volume(task: str) -> float:
        return size_mb * (2 if task in ("read-both", "diff") else 1)

    def vs_raw(task: str, result: Mapping[str, float]) -> str:
        return f"{floor * volume(task) / size_mb / result['seconds']:.2f}" if floor else "-"

    def cpu(result: Mapping[str, float]) -> float:
        return result["cpu_parent"] + result["cpu_workers"]

    def idle_two_cores(result: Mapping[str, float]) -> float:
        # What two idle cores would take at best: all the CPU time shared by two cores,
        # but never less than the parent's own (sequential) part.
        if not result["cpu_workers"]:
            return cpu(result)
        return max(result["cpu_parent"], cpu(result) / 2)

    harness.print_table(
        results,
        [
            harness.task_column(14),
            harness.seconds_column(),
            ("MB/s", 7, lambda task, result: f"{volume(task) / result['seconds']:.1f}"),
            harness.per_second_column("fiches/s", "fiches"),
            ("vs raw", 7, vs_raw),
            harness.peak_column(),
            ("cpu s", 7, lambda _task, result: f"{cpu(result):.1f}"),
            ("parent", 7, lambda _task, result: f"{result['cpu_parent']:.1f}"),
            ("idle-2c", 8, lambda _task, result: f"{idle_two_cores(result):.1f}"),
        ],
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
