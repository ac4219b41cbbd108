"""Europass benchmark: europass-xml / europass-jsonld / openbadges conversion throughput,
against raw lxml ``iterparse`` and plain model reading of the same file, in the same run.

Each task runs in a fresh process (so peak RSS is its own), ``--repeat`` times; the median is
reported with the throughput ratio to the raw-parse floor. RS fiches have no level: the run
passes ``eqf_level=5`` so that every fiche is converted, as ``--eqf-level 5`` would.

    python benchmarks/bench_europass.py --fiches 2700          # ≈ 60 MB
    python benchmarks/bench_europass.py --fiches 27000         # ≈ 600 MB, the national size
    python benchmarks/bench_europass.py --baseline-src /tmp/old/src   # two versions, same load
"""

from __future__ import annotations

import os
from pathlib import Path

import harness

TASKS = ("raw-iterparse", "read-models", "europass-xml", "europass-jsonld", "openbadges")


def run_task(task: str, path: str) -> dict[str, float]:
    """Run one task in this process; returns seconds, fiche count, output size and peak RSS."""

    def work() -> dict[str, float]:
        if task == "raw-iterparse":
            return {"fiches": harness.raw_iterparse(path), "output_mb": 0.0}
        import rncpkit

        if task == "read-models":
            return {"fiches": sum(1 for _cert in rncpkit.read(path, "fc-xml")), "output_mb": 0.0}
        import tempfile

        from rncpkit.formats import WriteOptions

        with tempfile.TemporaryDirectory() as scratch:
            target = Path(scratch) / "out"
            summary = rncpkit.convert(
                path, target, task, from_format="fc-xml", options=WriteOptions(eqf_level=5)
            )
            return {"fiches": summary.written, "output_mb": target.stat().st_size / 1e6}

    return harness.run_measured(work)


def main(argv: list[str] | None = None) -> int:
    args = harness.export_args(__doc__.splitlines()[0], TASKS, run_task, argv)
    if args is None:
        return 0
    path = args.file
    size_mb = path.stat().st_size / 1e6
    print(f"file: {path} ({size_mb:.1f} MB), {os.cpu_count()} CPUs, median of {args.repeat}")
    for title, results in harness.measure_versions(
        __file__, TASKS, path, args.repeat, args.baseline_src
    ):
        print(f"\n{title}")
        harness.print_table(
            results,
            [
                harness.task_column(16),
                harness.seconds_column(),
                harness.mb_per_second_column(size_mb),
                harness.per_second_column("fiches/s", "fiches"),
                harness.ratio_column("ratio", results["raw-iterparse"]["seconds"]),
                harness.cpu_ratio_column(results["raw-iterparse"]["cpu"]),
                ("out MB", 7, lambda _task, result: f"{result['output_mb']:.0f}"),
                harness.peak_column(),
            ],
        )
    print("ratio = throughput relative to raw lxml iterparse in this run (1.00 = the floor)")
    print("cpu ratio = the same in CPU seconds of the task's process")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
