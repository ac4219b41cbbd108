"""Validation benchmark: reading alone (the baseline) against reading plus every rule,
on the same synthetic export, in the same run.

Each task runs in a fresh process ``--repeat`` times; the median is reported with the
cost of the rules per fiche.

    python benchmarks/bench_validate.py --fiches 2700      # ≈ 60 MB
"""

from __future__ import annotations

import datetime as dt

import harness

TASKS = ("read-models", "validate")


def run_task(task: str, path: str) -> dict[str, float]:
    """Run one task in this process; returns seconds, fiche and finding counts, peak RSS."""
    import rncpkit

    def work() -> dict[str, float]:
        if task == "read-models":
            return {"fiches": sum(1 for _cert in rncpkit.read(path, "fc-xml")), "findings": 0}
        today = dt.date(2026, 8, 16)
        findings = sum(1 for _finding in rncpkit.validate(path, "fc-xml", today=today))
        return {"fiches": 0, "findings": findings}

    return harness.run_measured(work)


def main(argv: list[str] | None = None) -> int:
    args = harness.export_args(__doc__.splitlines()[0], TASKS, run_task, argv)
    if args is None:
        return 0
    path = args.file
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    results = harness.measure_all(__file__, TASKS, path, args.repeat)
    fiches = results["read-models"]["fiches"]
    base = results["read-models"]["seconds"]
    harness.print_table(
        results,
        [
            harness.task_column(12),
            harness.seconds_column(),
            ("fiches/s", 9, lambda _task, result: f"{fiches / result['seconds']:.0f}"),
            ("findings", 9, lambda _task, result: f"{int(result['findings']):d}"),
            harness.peak_column(),
        ],
    )
    extra = results["validate"]["seconds"] - base
    print(f"rules: +{extra:.2f} s over reading alone, {extra / fiches * 1e6:.0f} µs per fiche")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
