"""What each writer costs per fiche, in CPU µs, against raw lxml ``iterparse`` of the export.

Reads ``--sample`` fiches of the export into models once, then times every writer on them
(best of ``--repeat`` rounds, CPU seconds of this process): the writer's own cost, the
reading excluded. The same run measures raw ``iterparse`` and ``rncpkit.read`` per fiche, so
that "read + write" can be set against the parse floor: the ratio a conversion reaches is
``parse / (read + write)``. RS fiches have no level: the Europass and Open Badges writers get
``eqf_level=5``, as ``--eqf-level 5`` would give. ``--profile WRITER`` prints the cProfile
top entries of one writer instead.

    python benchmarks/bench_write.py                           # 2,700-fiche national shape
    python benchmarks/bench_write.py --profile europass-xml
    python benchmarks/bench_write.py --baseline-src /tmp/old/src   # both versions alternated
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness

WRITERS = (
    "fc-xml",
    "europass-xml",
    "europass-jsonld",
    "openbadges",
    "supplement-html",
    "supplement-html-dir",
)


def _writer(name: str, certs: list[Any]) -> Callable[[], object]:
    """A call writing ``certs`` with writer ``name`` (to memory, or to a scratch directory)."""
    import rncpkit

    options = rncpkit.WriteOptions(eqf_level=5)
    if name == "supplement-html-dir":

        def to_directory() -> None:
            scratch = tempfile.mkdtemp(prefix="bench-write-")
            try:
                rncpkit.write(certs, f"{scratch}/pages/", to="supplement-html", options=options)
            finally:
                shutil.rmtree(scratch)

        return to_directory
    return lambda: rncpkit.write(certs, io.BytesIO(), to=name, options=options)


def measure(path: Path, sample: int, repeat: int, writers: list[str]) -> dict[str, float]:
    """µs per fiche of parsing, reading and each writer (CPU, best of ``repeat``)."""
    import rncpkit

    count = sum(1 for _ in rncpkit.read(path, "fc-xml"))
    result = {
        "parse": harness.best_cpu(lambda: harness.raw_iterparse(path), repeat) / count * 1e6,
        "read": harness.best_cpu(lambda: sum(1 for _ in rncpkit.read(path, "fc-xml")), repeat)
        / count
        * 1e6,
    }
    certs = list(itertools.islice(rncpkit.read(path, "fc-xml"), sample))
    for name in writers:
        result[name] = harness.best_cpu(_writer(name, certs), repeat) / len(certs) * 1e6
    return result


def profile(path: Path, sample: int, name: str, top: int) -> None:
    import rncpkit

    certs = list(itertools.islice(rncpkit.read(path, "fc-xml"), sample))
    write = _writer(name, certs)
    write()  # caches warm, as in a long run
    profiler = cProfile.Profile()
    profiler.runcall(write)
    stats = pstats.Stats(profiler)
    print(f"{name}: {len(certs)} fiches, cProfile, tottime order")
    stats.sort_stats("tottime").print_stats(top)


def _print(title: str, result: dict[str, float]) -> None:
    parse, read = result["parse"], result["read"]
    print(f"\n{title}")
    print(f"{'stage':22} {'µs/fiche':>9} {'read+write vs raw':>18}")
    print(f"{'parse (raw iterparse)':22} {parse:9.0f} {'1.00':>18}")
    print(f"{'read into models':22} {read:9.0f} {parse / read:18.2f}")
    for name, cost in result.items():
        if name not in ("parse", "read"):
            print(f"{'write ' + name:22} {cost:9.0f} {parse / (read + cost):18.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, help="an existing export (else generated)")
    parser.add_argument("--fiches", type=int, default=2700, help="fiches to generate")
    parser.add_argument("--sample", type=int, default=400, help="fiches the writers write")
    parser.add_argument("--repeat", type=int, default=5, help="rounds in each process")
    parser.add_argument("--rounds", type=int, default=2, help="processes per version")
    parser.add_argument("--only", nargs="*", choices=WRITERS, help="these writers only")
    parser.add_argument("--profile", choices=WRITERS, help="cProfile one writer instead")
    parser.add_argument("--top", type=int, default=25, help="profile entries shown")
    parser.add_argument("--baseline-src", help="the src/ of another rncpkit, measured too")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    path = args.file or harness.synthetic_export(args.fiches)
    writers = list(args.only or WRITERS)
    if args.profile:
        profile(path, args.sample, args.profile, args.top)
        return 0
    if args.json:  # a child measuring one version
        print(json.dumps(measure(path, args.sample, args.repeat, writers)))
        return 0
    command = [sys.executable, __file__, str(path), "--json", "--sample", str(args.sample)]
    command += ["--repeat", str(args.repeat), "--only", *writers]
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB), writers on {args.sample} fiches")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    runs: list[tuple[str, str | None]] = [("this checkout", None)]
    if args.baseline_src:
        runs.insert(0, (f"baseline {args.baseline_src}", args.baseline_src))
    # each version measured in --rounds child processes, the versions alternated so that
    # both meet the same machine load; the best round of each stage is kept
    best: dict[str, dict[str, float]] = {title: {} for title, _src in runs}
    for _round in range(args.rounds):
        for title, src in runs:
            env = {**os.environ, "PYTHONPATH": src} if src else None
            done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
            for stage, cost in json.loads(done.stdout).items():
                best[title][stage] = min(cost, best[title].get(stage, cost))
    for title, result in best.items():
        _print(title, result)
    print("\nCPU µs per fiche, best of the rounds; the last column is what a conversion")
    print("(read + this writer) reaches against raw iterparse: parse / (read + write)")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
