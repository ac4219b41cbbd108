"""Reading benchmark: rncpkit against raw lxml ``iterparse`` on the same file, same run.

Each task runs in a fresh process (so peak RSS is its own), ``--repeat`` times; the median
is reported with the throughput ratio to the raw-parse floor.

    python benchmarks/bench_read.py --fiches 2700          # ≈ 60 MB
    python benchmarks/bench_read.py --fiches 27000         # ≈ 600 MB
"""

from __future__ import annotations

import os

import harness

TASKS = ("raw-iterparse", "read-models", "convert-jsonl")


def run_task(task: str, path: str) -> dict[str, float]:
    """Run one task in this process; returns seconds, fiche count and peak RSS."""

    def work() -> dict[str, float]:
        if task == "raw-iterparse":
            return {"fiches": harness.raw_iterparse(path)}
        import rncpkit

        if task == "read-models":
            return {"fiches": sum(1 for _cert in rncpkit.read(path, "fc-xml"))}
        summary = rncpkit.convert(path, os.devnull, "jsonl", from_format="fc-xml")
        return {"fiches": summary.written}

    return harness.run_measured(work)


def main(argv: list[str] | None = None) -> int:
    args = harness.export_args(__doc__.splitlines()[0], TASKS, run_task, argv)
    if args is None:
        return 0
    path = args.file
    size_mb = path.stat().st_size / 1e6
    print(f"file: {path} ({size_mb:.1f} MB)")
    results = harness.measure_all(__file__, TASKS, path, args.repeat)
    harness.print_table(
        results,
        [
            harness.task_column(16),
            harness.seconds_column(),
            harness.mb_per_second_column(size_mb),
            harness.per_second_column("fiches/s", "fiches"),
            harness.ratio_column("ratio", results["raw-iterparse"]["seconds"]),
            harness.peak_column(),
        ],
    )
    print("ratio = throughput relative to raw lxml iterparse in this run (1.00 = the floor)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
