"""Supplement benchmark: writing Europass Certificate Supplements against raw lxml
``iterparse`` and the JSON Lines writer on the same export, in the same run.

Each task runs in a fresh process (so peak RSS is its own), ``--repeat`` times; the median
is reported with its throughput ratio to the raw-parse floor (the issue-14 target for
``supplement-html -o DIR/`` is 0.35) and its time relative to ``jsonl`` (read + model +
write). The PDF task runs only with ``RNCPKIT_BENCH_PDF=1`` and WeasyPrint installed.

    python benchmarks/bench_supplement.py --fiches 2700
    python benchmarks/bench_supplement.py --baseline-src /tmp/old/src   # two versions, same load
"""

from __future__ import annotations

import os
import shutil
import tempfile

import harness

TASKS = (
    "raw-iterparse",
    "jsonl",
    "supplement-xml",
    "supplement-html",
    "supplement-html-dir",
    "supplement-pdf-dir",
)


def run_task(task: str, path: str) -> dict[str, float]:
    """Run one conversion in this process; returns seconds, fiches and peak RSS."""
    import rncpkit

    workdir = tempfile.mkdtemp(prefix="bench-supplement-")

    def work() -> dict[str, float]:
        if task == "raw-iterparse":
            return {"fiches": harness.raw_iterparse(path)}
        if task == "supplement-pdf-dir":
            summary = rncpkit.convert(path, f"{workdir}/pdf/", "supplement-pdf")
        elif task == "supplement-html-dir":
            summary = rncpkit.convert(path, f"{workdir}/pages/", "supplement-html")
        else:
            summary = rncpkit.convert(path, os.devnull, task)
        return {"fiches": summary.written}

    try:
        return harness.run_measured(work)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _has_weasyprint() -> bool:
    import importlib.util

    return importlib.util.find_spec("weasyprint") is not None


def main(argv: list[str] | None = None) -> int:
    args = harness.export_args(__doc__.splitlines()[0], TASKS, run_task, argv)
    if args is None:
        return 0
    path = args.file
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    # PDF pages take about a second each: measured only on request (RNCPKIT_BENCH_PDF=1)
    wanted = os.environ.get("RNCPKIT_BENCH_PDF") == "1" and _has_weasyprint()
    tasks = [t for t in TASKS if t != "supplement-pdf-dir" or wanted]
    for title, results in harness.measure_versions(
        __file__, tasks, path, args.repeat, args.baseline_src
    ):
        base = results["jsonl"]["seconds"]
        print(f"\n{title}")
        harness.print_table(
            results,
            [
                harness.task_column(20),
                harness.seconds_column(),
                harness.per_second_column("fiches/s", "fiches"),
                harness.ratio_column("ratio", results["raw-iterparse"]["seconds"]),
                harness.cpu_ratio_column(results["raw-iterparse"]["cpu"]),
                ("× jsonl", 8, lambda _task, result, base=base: f"{result['seconds'] / base:.2f}"),
                harness.peak_column(),
            ],
        )
    print("ratio = throughput relative to raw lxml iterparse in this run (1.00 = the floor)")
    print("cpu ratio = the same in CPU seconds of the task's process")
    print("× jsonl = time relative to converting the same file to JSON Lines in this run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
