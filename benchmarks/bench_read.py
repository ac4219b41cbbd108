"""Per-fiche paths against raw lxml ``iterparse`` of the same file, in the same run.

Reading into models, ``stats``, ``validate``, conversion to jsonl / fc-xml / fc-csv (one job,
to a real file), jsonl with ``--jobs 2`` (peak memory of the whole process tree, output
checked byte-identical to one job) and ``show`` of the last fiche (plain and zipped). Each
task runs in a fresh process ``--repeat`` times (median); rncpkit and lxml are imported
before the clock starts, so the figures are throughput, not start-up.

    python benchmarks/bench_read.py --fiches 2700                  # ≈ 60 MB, national shape
    python benchmarks/bench_read.py --fiches 1000 --shape large    # ≈ 60 MB, 60 KB fiches
    python benchmarks/bench_read.py --fiches 27000 --only raw-iterparse read-models

Targets (issue 14), as ratios to raw iterparse: read ≥ 0.7, jsonl ≥ 0.6, fc-xml ≥ 0.5,
fc-csv ≥ 0.5, validate ≥ 0.55, jsonl --jobs 2 ≥ 1.0 with the process tree ≤ 200 MB,
show ≤ 0.2 × the time of a full read; every single process ≤ 150 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import resource
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

import harness

TASKS = (
    "raw-iterparse",
    "read-models",
    "stats",
    "validate",
    "jsonl",
    "fc-xml",
    "fc-csv",
    "jsonl-jobs2",
    "show-last",
    "read-zip",
    "show-last-zip",
)


def _digest(path: Path) -> float:
    """The first 48 bits of the file's SHA-256 (exact in a JSON float)."""
    return float(int(hashlib.sha256(path.read_bytes()).hexdigest()[:12], 16))


def _last_number(path: str) -> str:
    with open(path, "rb") as handle:
        handle.seek(max(0, os.path.getsize(path) - 200_000))
        tail = handle.read()
    start = tail.rindex(b"<NUMERO_FICHE>") + len(b"<NUMERO_FICHE>")
    return tail[start : tail.index(b"<", start)].decode()


def _zipped(path: str) -> str:
    target = Path(path).with_suffix(".zip")
    if not target.exists():
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(path, Path(path).name)
    return str(target)


def run_task(task: str, path: str) -> dict[str, float]:
    """Run one task in this process; returns seconds, fiche count and peak RSS."""
    from lxml import etree  # noqa: F401  (imported before timing, as rncpkit)

    import rncpkit
    import rncpkit.cli
    import rncpkit.stats

    number = _last_number(path) if task.startswith("show") else ""
    source = _zipped(path) if task.endswith("-zip") else path
    scratch = Path(tempfile.mkdtemp(prefix="rncpkit-bench-"))
    output = scratch / "out"

    def work() -> dict[str, float]:
        if task == "raw-iterparse":
            return {"fiches": harness.raw_iterparse(path)}
        if task in ("read-models", "read-zip"):
            return {"fiches": sum(1 for _cert in rncpkit.read(source, "fc-xml"))}
        if task == "stats":
            return {"fiches": rncpkit.stats.compute(path, "fc-xml").counted}
        if task == "validate":
            today = dt.date(2026, 8, 16)
            findings = sum(1 for _finding in rncpkit.validate(path, "fc-xml", today=today))
            return {"fiches": 0, "findings": findings}
        if task.startswith("show"):
            captured = io.StringIO()
            with contextlib.redirect_stdout(captured):
                rncpkit.cli.cli(["show", number, source], standalone_mode=False)
            assert number in captured.getvalue(), captured.getvalue()[:200]
            return {"fiches": 1}
        to, _, jobs = task.partition("-jobs")
        summary = rncpkit.convert(path, output, to, from_format="fc-xml", jobs=int(jobs or 1))
        return {"fiches": summary.written}

    try:
        result = harness.run_measured(work, children=True, tree=True)
        result["cpu_children"] = harness.cpu_seconds(resource.RUSAGE_CHILDREN)
        if output.exists():
            result["output_mb"] = output.stat().st_size / 1e6
            result["digest"] = _digest(output)
    finally:
        for item in scratch.iterdir():
            item.unlink()
        scratch.rmdir()
    return result


def _print(results: dict[str, harness.Result], size_mb: float) -> None:
    floor = results["raw-iterparse"]["seconds"]
    cpu_floor = results["raw-iterparse"]["cpu"]
    read = results.get("read-models", {}).get("seconds")
    read_zip = results.get("read-zip", {}).get("seconds")

    def vs_read(task: str, result: Mapping[str, float]) -> str:
        base = read_zip if task.endswith("-zip") else read
        return f"{result['seconds'] / base:.2f}" if base else "-"

    def cpu_ratio(task: str, result: Mapping[str, float]) -> str:
        cpu = result["cpu"]
        if "jobs" in task:  # the work is in the workers
            cpu = max(cpu, (cpu + result.get("cpu_children", 0.0)) / 2)
        return f"{cpu_floor / cpu:.2f}" if cpu else "-"

    harness.print_table(
        results,
        [
            harness.task_column(14),
            harness.seconds_column(),
            harness.mb_per_second_column(size_mb),
            harness.ratio_column("vs raw", floor, 7),
            ("cpu vs raw", 11, cpu_ratio),
            ("vs read", 8, vs_read),
            harness.peak_column(),
            ("tree MB", 8, lambda _t, r: f"{r.get('tree_mb', 0):.0f}"),
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, help="an existing export (else generated)")
    parser.add_argument("--fiches", type=int, default=2700, help="fiches to generate")
    parser.add_argument("--shape", choices=("national", "large"), default="national")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=TASKS, help="run only these tasks")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--baseline-src",
        help="the src/ directory of another rncpkit version: each task alternates runs of "
        "both (same machine load), and both tables are printed",
    )
    parser.add_argument("--task", choices=TASKS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        print(json.dumps(run_task(args.task, str(args.file))))
        return 0
    path = args.file or harness.synthetic_export(args.fiches, shape=args.shape)
    size_mb = path.stat().st_size / 1e6
    tasks = list(args.only or TASKS)
    if "raw-iterparse" not in tasks:
        tasks.insert(0, "raw-iterparse")
    print(f"file: {path} ({size_mb:.1f} MB, {args.fiches} fiches requested, {args.shape})")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results: dict[str, harness.Result] = {}
    baselines: dict[str, harness.Result] = {}
    for task in tasks:
        if args.baseline_src:
            baselines[task], results[task] = harness.measure_pair(
                __file__, task, path, args.repeat, args.baseline_src
            )
        else:
            results[task] = harness.measure(__file__, task, path, args.repeat)
        print(f"  {task}: {results[task]['seconds']:.2f} s", flush=True)
    for title, table in ((f"baseline {args.baseline_src}", baselines), ("this checkout", results)):
        if table:
            print(f"\n{title}")
            _print(table, size_mb)
    print("vs raw = throughput relative to raw lxml iterparse in the same run (1.00 = the floor)")
    print("cpu vs raw = the same on CPU seconds (steadier on a loaded machine); for --jobs, on")
    print("max(parent CPU, all CPU / 2): what two idle cores would reach at best")
    print("vs read = time relative to reading into models (of the zip for *-zip tasks);")
    print("the show target is ≤ 0.20")
    if "jsonl" in results and "jsonl-jobs2" in results:
        same = results["jsonl"].get("digest") == results["jsonl-jobs2"].get("digest")
        print(f"jsonl --jobs 2 output identical to one job: {same}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        record = {"file": str(path), "size_mb": size_mb, "results": results}
        args.json.write_text(json.dumps({**record, "baseline": baselines}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
