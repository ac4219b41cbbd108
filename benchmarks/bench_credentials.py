"""Credentials benchmark: issuing and verifying N signed Open Badges 3.0 (eddsa-rdfc-2022),
with the same run's floor: reading and checking the same holders file (accrochage rows).

Each task runs in a fresh process (its peak RSS is its own). Canonicalisation (RDFC-1.0 by
pyld) is timed inside the issue and verify tasks: its share of the task's time is printed.
The holders are synthetic (fictional) rows of RNCP35080.

    python benchmarks/bench_credentials.py                       # 10,000 badges
    python benchmarks/bench_credentials.py --holders 1000 --edc-holders 100
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import harness
from bench_accrochage import generate

TASKS = ("validate-rows", "issue-ob3", "verify-ob3", "issue-edc")
NOW = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)


def _timed_canonical() -> list[float]:
    """Wrap the canonicalisation so that its total time is known; returns the accumulator."""
    from rncpkit.credentials import proof

    spent = [0.0, 0.0]
    canonical = proof.canonical

    def timed(document: dict[str, object]) -> str:
        start = time.perf_counter()
        try:
            return canonical(document)
        finally:
            spent[0] += time.perf_counter() - start
            spent[1] += 1

    proof.canonical = timed  # type: ignore[assignment]
    return spent


def run_task(task: str, path: str, work: str, edc_holders: int) -> dict[str, float]:
    """Run one task in this process."""
    from rncpkit.accrochage import read_rows, to_passage
    from rncpkit.credentials import keys
    from rncpkit.credentials.issuing import IssueOptions, issue
    from rncpkit.credentials.verification import verify

    spent = _timed_canonical()
    key = Path(work) / "issuer.jwk"
    out = Path(work) / task

    def work_fn() -> dict[str, float]:
        count = 0
        if task == "validate-rows":
            for row in read_rows(path):
                _ref, passage, problems = to_passage(row, "RNCP35080")
                assert passage is not None and not problems
                count += 1
            return {"credentials": count}
        if task == "verify-ob3":
            for file in sorted((Path(work) / "issue-ob3").glob("*.json")):
                verdict = verify(file, now=NOW)
                assert verdict.ok, verdict.reasons
                count += 1
            return {"credentials": count}
        source = path
        if task == "issue-edc":
            source = str(Path(work) / "edc-holders.csv")
            with open(path, encoding="utf-8-sig") as full, open(source, "w") as part:
                for index, line in enumerate(full):
                    if index > edc_holders:
                        break
                    part.write(line)
        report = issue(
            source,
            out,
            IssueOptions(
                issuer_name="Le Cnam",
                to="edc" if task == "issue-edc" else "ob3",
                certification="RNCP35080",
                key=keys.read_key(key) if task == "issue-ob3" else None,
                now=NOW,
            ),
        )
        assert report.ok, [str(p) for p in report.problems[:3]]
        size = sum(p.stat().st_size for p in out.iterdir()) / 1e6
        return {"credentials": report.credentials, "out_mb": size}

    result = harness.run_measured(work_fn)
    result["canonical_s"] = spent[0]
    result["canonicalisations"] = spent[1]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--holders", type=int, default=10_000)
    parser.add_argument("--edc-holders", type=int, default=1_000)
    parser.add_argument("--task", choices=TASKS, help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        print(json.dumps(run_task(args.task, str(args.file), args.work, args.edc_holders)))
        return 0
    from rncpkit.credentials import keys

    work = tempfile.mkdtemp(prefix="bench-credentials-")
    try:
        path = Path(work) / "titulaires.csv"
        generate(path, args.holders)
        keys.write_key(Path(work) / "issuer.jwk", keys.generate())
        extra = ("--work", work, "--edc-holders", str(args.edc_holders))
        print(
            f"holders: {args.holders:,} rows (generated, fictional); EDC: first "
            f"{min(args.edc_holders, args.holders):,}"
        )
        results = {task: harness.measure(__file__, task, path, 1, extra) for task in TASKS}
        floor = results["validate-rows"]["seconds"] / results["validate-rows"]["credentials"]
        harness.print_table(
            results,
            [
                harness.task_column(14),
                ("credentials", 11, lambda _t, r: f"{r['credentials']:.0f}"),
                harness.seconds_column(),
                ("ms/cred", 8, lambda _t, r: f"{1000 * r['seconds'] / r['credentials']:.2f}"),
                ("vs floor", 9, lambda _t, r: f"{r['seconds'] / r['credentials'] / floor:.0f}x"),
                ("canon s", 8, lambda _t, r: f"{r['canonical_s']:.2f}"),
                ("canon %", 8, lambda _t, r: f"{100 * r['canonical_s'] / r['seconds']:.0f}"),
                harness.peak_column(),
            ],
        )
        for task in ("issue-ob3", "issue-edc"):
            print(f"{task}: {results[task]['out_mb']:.1f} MB written")
        print("vs floor = time per credential relative to reading+checking one holder row;")
        print("canon = RDFC-1.0 canonicalisation (pyld): the credential's, once per signature or")
        print("verification; the proof options', once per run (the same for every credential)")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
