"""Supplement benchmark: writing Europass Certificate Supplements against the JSON Lines
writer on the same export, in the same run.

Each task runs in a fresh process (so peak RSS is its own), ``--repeat`` times; the median
is reported with the time relative to the ``jsonl`` baseline (read + model + write).

    python benchmarks/bench_supplement.py --fiches 2700
"""

from __future__ import annotations

import os
import shutil
import tempfile

import harness

TASKS = ("jsonl", "supplement-xml", "supplement-html", "supplement-html-dir")


def run_task(task: str, path: str) -> dict[str, float]:
    """Run one conversion in this process; returns seconds, fiches and peak RSS."""
    import rncpkit

    workdir = tempfile.mkdtemp(prefix="bench-supplement-")

    def work() -> dict[str, float]:
        if task == "supplement-html-dir":
            summary = rncpkit.convert(path, f"{workdir}/pages/", "supplement-html")
        else:
            summary = rncpkit.convert(path, os.devnull, task)
        return {"fiches": summary.written}

    try:
        return harness.run_measured(work)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = harness.export_args(__doc__.splitlines()[0], TASKS, run_task, argv)
    if args is None:
        return 0
    path = args.file
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    results = harness.measure_all(__file__, TASKS, path, args.repeat)
    base = results["jsonl"]["seconds"]
    harness.print_table(
        results,
        [
            harness.task_column(20),
            harness.seconds_column(),
            harness.per_second_column("fiches/s", "fiches"),
            ("× jsonl", 8, lambda _task, result: f"{result['seconds'] / base:.2f}"),
            harness.peak_column(),
        ],
    )
    print("× jsonl = time relative to converting the same file to JSON Lines in this run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
