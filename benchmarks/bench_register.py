"""Register benchmark: build, next-night update, and query latencies, on a national-shaped
export, against ``convert --to jsonl`` of the same file measured in the same run.

    python benchmarks/bench_register.py --fiches 27000        # the national export
    python benchmarks/bench_register.py --fiches 2700         # a quick look

The "next night" export is written here from the generator's own fiches: 1 % of the fiches
changed (title and ACTIF flag), 0.5 % removed, 0.5 % added; the change feed the update
records is then compared with exactly those fiches and fields.

Targets (issue 10): build ≤ 1.5 × convert-to-jsonl time; register ≤ 1.2 × the XML's size;
peak ≤ 150 MB; update ≤ 0.6 × build; search with two filters median ≤ 20 ms and 95th
percentile ≤ 100 ms over 200 varied queries; get, lineage and habilitation median ≤ 5 ms.

``build`` is the one-process build (``--jobs 1``), ``build-2`` the default on two cores
(this process reads, a second one writes the file). ``cpu`` is the CPU of the whole process
tree (``cpu main`` this process's, ``cpu child`` the others'), ``peak MB`` the peak of the
summed RSS of the tree (sampled every 20 ms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import harness
from generate_export import NSF, ROMES, WORDS, fiche

TASKS = (
    "raw-iterparse",
    "convert-jsonl",
    "build",
    "update",
    "convert-jsonl-2",
    "build-2",
    "queries",
)
DAY1 = dt.date(2026, 8, 16)
DAY2 = dt.date(2026, 8, 17)
SEED = 35080


# --------------------------------------------------------------------------- the next night


def next_night(path: Path, fiches: int) -> dict[str, list[str]]:
    """Write the next night's export; return the expected changes by kind."""
    picker = random.Random(SEED + 7)
    expected: dict[str, list[str]] = {"added": [], "removed": [], "changed": []}
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<FICHES>\n')
        out.write("    <VERSION_FLUX>4.1</VERSION_FLUX>\n")
        for index in range(fiches):
            text = fiche(index, random.Random(SEED * 1_000_003 + index))
            number = re.search(r"<NUMERO_FICHE>(\w+)</NUMERO_FICHE>", text)
            assert number is not None
            roll = picker.random()
            if roll < 0.005:
                expected["removed"].append(number.group(1))
                continue
            if roll < 0.015:
                text = fiche(index, random.Random(SEED * 1_000_003 + index), mutated=True)
                at = text.rfind("<ACTIF>") + len("<ACTIF>")  # the fiche's own flag is last
                flipped = "Non" if text[at : at + 3] == "Oui" else "Oui"
                text = text[:at] + flipped + text[at + 3 :]
                expected["changed"].append(number.group(1))
            out.write(text)
        for index in range(fiches, fiches + max(1, fiches // 200)):
            text = fiche(index, random.Random(SEED * 1_000_003 + index))
            number = re.search(r"<NUMERO_FICHE>(\w+)</NUMERO_FICHE>", text)
            assert number is not None
            expected["added"].append(number.group(1))
            out.write(text)
        out.write("</FICHES>\n")
    return expected


# --------------------------------------------------------------------------- tasks


def _percentiles(samples: list[float], cpu: list[float]) -> dict[str, float]:
    """Wall-clock median and 95th percentile, and the median CPU time (what the query
    costs, whatever the load of the shared machine)."""
    ordered = sorted(samples)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
        "cpu_median_ms": statistics.median(cpu) * 1000,
    }


def _queries(register: str, count: int) -> dict[str, float]:
    from rncpkit import Register
    from rncpkit.filters import FicheFilter
    from rncpkit.model import Level, Repertoire

    rng = random.Random(SEED)
    out: dict[str, float] = {}
    with Register(register) as reg:
        numbers = [
            n
            for (n,) in reg._db.execute(
                "SELECT number FROM fiches ORDER BY random() LIMIT ?", (count,)
            )
        ]
        sirets = [
            s
            for (s,) in reg._db.execute(
                "SELECT siret FROM partners WHERE siret IS NOT NULL ORDER BY random() LIMIT ?",
                (count,),
            )
        ]
        filters: list[Callable[[], dict[str, object]]] = [
            lambda: {
                "where": FicheFilter(
                    levels=frozenset({Level(f"NIV{rng.randint(3, 8)}")}), active=True
                )
            },
            lambda: {
                "where": FicheFilter(levels=frozenset({Level(f"NIV{rng.randint(3, 8)}")})),
                "rome": [rng.choice(ROMES)],
            },
            lambda: {"nsf": [rng.choice(NSF)[:3]], "where": FicheFilter(active=rng.random() < 0.5)},
            lambda: {
                "where": FicheFilter(
                    repertoire=Repertoire.RNCP, in_force_on=dt.date(2026, rng.randint(1, 12), 1)
                )
            },
            lambda: {
                "rome": [rng.choice(ROMES)],
                "where": FicheFilter(in_force_on=dt.date(2027, 1, 1)),
            },
        ]
        timings: list[float] = []
        cpu: list[float] = []
        found = 0
        for index in range(count):
            words = " ".join(rng.sample(WORDS, rng.randint(1, 3)))
            if index % 10 == 9:
                words = numbers[index].removeprefix("RNCP")  # a bare number
            if index % 10 == 8:
                words += ' "NEAR* -'  # syntax typed by a user
            kwargs = filters[index % len(filters)]()
            start, cpu_start = time.perf_counter(), time.process_time()
            hits = reg.search(words, limit=20, **kwargs)  # type: ignore[arg-type]
            timings.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
            found += len(hits)
        out.update({f"search_{k}": v for k, v in _percentiles(timings, cpu).items()})
        out["search_hits"] = found
        for name, call in (
            ("get", lambda i: reg.get(numbers[i])),
            ("lineage", lambda i: reg.lineage(numbers[i], on=DAY2)),
            ("habilitation", lambda i: reg.habilitations(sirets[i % len(sirets)], on=DAY2)),
            (
                "habilitation_yes_no",
                lambda i: reg.habilitation(sirets[i % len(sirets)], numbers[i], on=DAY2),
            ),
        ):
            timings, cpu = [], []
            for index in range(count):
                start, cpu_start = time.perf_counter(), time.process_time()
                call(index)
                timings.append(time.perf_counter() - start)
                cpu.append(time.process_time() - cpu_start)
            out.update({f"{name}_{k}": v for k, v in _percentiles(timings, cpu).items()})
    return out


def run_task(task: str, export: str, other: str, register: str, queries: int) -> dict[str, float]:
    def work() -> dict[str, float]:
        if task == "raw-iterparse":
            return {"fiches": harness.raw_iterparse(export)}
        import rncpkit

        if task.startswith("convert-jsonl"):
            jobs = 2 if task.endswith("-2") else 1
            out = register + ".jsonl"
            summary = rncpkit.convert(export, out, "jsonl", from_format="fc-xml", jobs=jobs)
            return {"fiches": summary.written, "bytes": os.path.getsize(out)}
        if task.startswith("build"):
            jobs = 2 if task.endswith("-2") else 1
            summary = rncpkit.Register.build(register, [export], as_of=DAY1, jobs=jobs)
            return {"fiches": summary.added, "bytes": os.path.getsize(register)}
        if task == "update":
            with rncpkit.Register(register) as reg:
                summary = reg.update([other], as_of=DAY2)
            return {
                "fiches": summary.read,
                "added": summary.added,
                "removed": summary.removed,
                "changed": summary.changed,
            }
        return _queries(register, queries)

    result = harness.run_measured(work, children=True, tree=True)
    result["cpu_main"] = result["cpu"]
    result["cpu_child"] = harness.cpu_seconds(resource.RUSAGE_CHILDREN)  # the other processes
    result["cpu"] += result["cpu_child"]
    result["peak_mb"] = max(result["peak_mb"], result["tree_mb"])
    return result


def _check_feed(register: Path, expected: dict[str, list[str]]) -> str:
    from rncpkit import Register

    got: dict[str, set[str]] = {"added": set(), "removed": set(), "changed": set()}
    fields: dict[str, set[str]] = {}
    with Register(register) as reg:
        for entry in reg.changes(since=DAY2):
            got[entry.change].add(entry.number)
            if entry.field:
                fields.setdefault(entry.number, set()).add(entry.field)
    problems = [
        f"{kind}: {len(got[kind] ^ set(numbers))} differ"
        for kind, numbers in expected.items()
        if got[kind] != set(numbers)
    ]
    wrong = [n for n, f in fields.items() if f != {"title", "active"}]
    if wrong:
        problems.append(f"{len(wrong)} fiches with other fields than title+active")
    counts = ", ".join(f"{len(v)} {k}" for k, v in expected.items())
    return ("exact" if not problems else "WRONG: " + "; ".join(problems)) + f" ({counts})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", type=int, default=27000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--task", choices=TASKS, help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        export, other, register = args.paths
        print(json.dumps(run_task(args.task, export, other, register, args.queries)))
        return 0
    export = harness.synthetic_export(args.fiches)
    started = os.popen("uptime").read().strip()
    other = harness.DATA / f"synthetic-{args.fiches}-next-night.xml"
    expected = next_night(other, args.fiches)
    work = harness.DATA / f"register-{args.fiches}"
    work.mkdir(parents=True, exist_ok=True)
    built = work / "built.sqlite"
    updated = work / "updated.sqlite"
    results: dict[str, dict[str, float]] = {}

    def measure(task: str, register: Path, prepare: Callable[[], None] = lambda: None) -> None:
        runs = []
        for _ in range(args.repeat):
            prepare()
            command = [
                sys.executable,
                __file__,
                "--task",
                task,
                "--queries",
                str(args.queries),
                str(export),
                str(other),
                str(register),
            ]
            runs.append(
                json.loads(
                    subprocess.run(command, check=True, capture_output=True, text=True).stdout
                )
            )
        result = dict(runs[0])
        result["seconds"] = statistics.median(r["seconds"] for r in runs)
        for key in ("cpu", "cpu_main", "cpu_child"):
            result[key] = statistics.median(r[key] for r in runs)
        result["peak_mb"] = max(r["peak_mb"] for r in runs)
        results[task] = result

    def fresh_copy() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{updated}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(built, updated)

    measure("raw-iterparse", built)
    measure("convert-jsonl", work / "convert")
    measure("build", built)
    measure("update", updated, fresh_copy)
    measure("convert-jsonl-2", work / "convert")
    measure("build-2", work / "built-2.sqlite")
    measure("queries", updated)

    size = export.stat().st_size
    convert = results["convert-jsonl"]
    build = results["build"]
    update = results["update"]
    print(f"uptime at the start: {started}")
    print(f"uptime at the end:   {os.popen('uptime').read().strip()}")
    print(f"export: {export.name}, {args.fiches} fiches, {size / 1e6:.0f} MB")
    convert2 = results["convert-jsonl-2"]
    print(
        f"{'task':16} {'seconds':>8} {'cpu':>7} {'cpu main':>9} {'cpu child':>9} {'peak MB':>8}"
        "  ratio (wall; cpu)"
    )
    for task in TASKS[:-1]:
        r = results[task]
        ratio = {
            "convert-jsonl": "1.00 (baseline)",
            "build": f"{r['seconds'] / convert['seconds']:.2f} × convert; "
            f"{r['cpu'] / convert['cpu']:.2f} × (target ≤ 1.5)",
            "update": f"{r['seconds'] / build['seconds']:.2f} × build (target ≤ 0.6)",
            "raw-iterparse": f"{r['seconds'] / convert['seconds']:.2f} × convert",
            "convert-jsonl-2": f"{r['seconds'] / convert['seconds']:.2f} × convert",
            "build-2": f"{r['seconds'] / convert['seconds']:.2f} × convert; "
            f"{r['cpu'] / convert['cpu']:.2f} × (target ≤ 1.5); "
            f"{r['seconds'] / convert2['seconds']:.2f} × convert-jsonl-2",
        }[task]
        print(
            f"{task:16} {r['seconds']:8.2f} {r['cpu']:7.2f} {r['cpu_main']:9.2f} "
            f"{r['cpu_child']:9.2f} {r['peak_mb']:8.0f}  {ratio}"
        )
    print(
        f"register size: {build['bytes'] / 1e6:.0f} MB = {build['bytes'] / size:.2f} × the XML "
        "(target ≤ 1.2)"
    )
    print(
        f"update: {update['added']:.0f} added, {update['removed']:.0f} removed, "
        f"{update['changed']:.0f} changed"
    )
    print(f"change feed: {_check_feed(updated, expected)}")
    q = results["queries"]
    print(f"{'query':22} {'median ms':>10} {'p95 ms':>8} {'cpu median ms':>14}")
    for name in ("search", "get", "lineage", "habilitation", "habilitation_yes_no"):
        print(
            f"{name:22} {q[name + '_median_ms']:10.2f} {q[name + '_p95_ms']:8.2f} "
            f"{q[name + '_cpu_median_ms']:14.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
