"""What every benchmark script shares: the raw-parse floor, one measured task per process,
the median of ``--repeat`` runs, the synthetic export and the results table.

A script runs as ``python benchmarks/bench_X.py``; it re-runs itself with ``--task NAME`` in a
fresh process for every task (so the peak RSS is that task's own), the child prints
:func:`run_measured`'s JSON and the parent gathers it with :func:`measure`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

#: Keys :func:`measure` takes the median of (when the task reports them); ``peak_mb`` is the
#: maximum over the runs and every other key (counts, sizes) comes from the first run.
TIMINGS = ("seconds", "cpu", "cpu_parent", "cpu_workers", "cpu_children")

Result = dict[str, float]
#: A table column: title, width, and the cell text for (task, result).
Column = tuple[str, int, Callable[[str, Mapping[str, float]], str]]


def raw_iterparse(path: str | Path) -> int:
    """Count the ``FICHE`` elements of ``path`` with bare lxml ``iterparse`` (the floor).

    Same safe parser settings as rncpkit; every element is cleared and its finished
    siblings dropped, so memory stays flat whatever the file size.
    """
    from lxml import etree

    count = 0
    for _event, element in etree.iterparse(
        str(path),
        events=("end",),
        tag="FICHE",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    ):
        count += 1
        element.clear(keep_tail=False)
        parent = element.getparent()
        while element.getprevious() is not None and parent is not None:
            del parent[0]
    return count


def peak_mb(*, children: bool = False) -> float:
    """Peak RSS of this process in MB; with ``children``, the larger of it and its waited-for
    children's (``ru_maxrss`` is in KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if children:
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return peak / 1024


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    children = [int(child) for child in handle.read().split()]
            except OSError:
                continue
            found += children
            stack += children
    return found


class TreePeak:
    """Samples the summed RSS of this process and all its descendants (``--jobs`` workers)
    every ``interval`` seconds; :attr:`peak_mb` is the largest sum seen. Linux only (reads
    ``/proc``); elsewhere it stays at 0."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            total = sum(_rss_kib(pid) for pid in [me, *_descendants(me)])
            self.peak_mb = max(self.peak_mb, total / 1024)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def best_cpu(fn: Callable[[], object], repeat: int) -> float:
    """The least CPU time of ``repeat`` calls of ``fn`` in this process (the run least
    disturbed by the machine's other work)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """User + system CPU seconds used so far by this process (or ``RUSAGE_CHILDREN``)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_measured(
    fn: Callable[[], Mapping[str, float]], *, children: bool = False, tree: bool = False
) -> Result:
    """Call ``fn`` and return what it reports (counts, sizes) plus ``seconds`` (wall time of
    the call), ``cpu`` (this process's CPU seconds during the call) and ``peak_mb``; with
    ``tree``, also ``tree_mb``: the peak of the summed RSS of the process and its workers.

    Whatever ``fn`` imports is timed; import beforehand what should not be.
    """
    sampler = TreePeak() if tree else None
    if sampler is not None:
        sampler.__enter__()
    start = time.perf_counter()
    cpu_start = cpu_seconds()
    try:
        counts = fn()
    finally:
        seconds = time.perf_counter() - start
        if sampler is not None:
            sampler.__exit__()
    cpu = cpu_seconds() - cpu_start
    result = {"seconds": seconds, "cpu": cpu, **counts, "peak_mb": peak_mb(children=children)}
    if sampler is not None:
        result["tree_mb"] = sampler.peak_mb
    return result


def _summarise(runs: list[Result]) -> Result:
    result = dict(runs[0])
    for key in TIMINGS:
        if key in result:
            result[key] = statistics.median(run[key] for run in runs)
    result["peak_mb"] = max(run["peak_mb"] for run in runs)
    if "tree_mb" in result:
        result["tree_mb"] = max(run["tree_mb"] for run in runs)
    return result


def _run_once(command: list[str], src: str | None = None) -> Result:
    env = None
    if src is not None:  # another version of rncpkit, first on the path
        env = {**os.environ, "PYTHONPATH": src}
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    result: Result = json.loads(done.stdout)
    return result


def measure(
    script: str | Path, task: str, path: str | Path, repeat: int, extra_args: Iterable[str] = ()
) -> Result:
    """Run ``script --task TASK PATH *extra_args`` ``repeat`` times, each in a fresh process
    printing a JSON result; return the median of the :data:`TIMINGS`, the largest
    ``peak_mb`` and the first run's other values."""
    command = [sys.executable, str(script), "--task", task, str(path), *extra_args]
    return _summarise([_run_once(command) for _ in range(repeat)])


def measure_pair(
    script: str | Path, task: str, path: str | Path, repeat: int, baseline_src: str
) -> tuple[Result, Result]:
    """Like :func:`measure` for this checkout and for the rncpkit sources in
    ``baseline_src``, their runs alternated (baseline, current, baseline…) so that both
    meet the same machine load; returns (baseline, current)."""
    command = [sys.executable, str(script), "--task", task, str(path)]
    baseline: list[Result] = []
    current: list[Result] = []
    for _ in range(repeat):
        baseline.append(_run_once(command, baseline_src))
        current.append(_run_once(command))
    return _summarise(baseline), _summarise(current)


def synthetic_export(fiches: int, mutate: float = 0.0, shape: str = "national") -> Path:
    """``benchmarks/data/synthetic-N.xml`` (``large-N.xml`` for the ``large`` shape;
    ``-mutated-Mpct`` when ``mutate`` percent of the fiches differ), generated by
    ``generate_export`` the first time it is asked for."""
    from generate_export import generate

    suffix = f"-mutated-{mutate:g}pct" if mutate else ""
    stem = "synthetic" if shape == "national" else shape
    path = DATA / f"{stem}-{fiches}{suffix}.xml"
    if not path.exists():
        generate(path, fiches, mutate=mutate, shape=shape)
    return path


def export_args(
    description: str,
    tasks: Sequence[str],
    run_task: Callable[[str, str], Mapping[str, float]],
    argv: list[str] | None = None,
    *,
    fiches: int = 2700,
) -> argparse.Namespace | None:
    """Parse the command line of a single-export benchmark:
    ``[FILE] --fiches --repeat --baseline-src``.

    In a child process (the hidden ``--task``), run ``run_task(task, FILE)``, print its JSON
    and return ``None``. Otherwise return the arguments, ``file`` being the synthetic export
    of ``--fiches`` fiches when none was given.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("file", nargs="?", type=Path, help="an existing export (else generated)")
    parser.add_argument("--fiches", type=int, default=fiches, help="fiches to generate")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--baseline-src",
        metavar="DIR",
        help="the src/ of another rncpkit version, whose runs alternate with this checkout's",
    )
    parser.add_argument("--task", choices=tasks, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        print(json.dumps(run_task(args.task, str(args.file))))
        return None
    if args.file is None:
        args.file = synthetic_export(args.fiches)
    return args


def measure_all(
    script: str | Path,
    tasks: Iterable[str],
    path: str | Path,
    repeat: int,
    extra_args: Iterable[str] = (),
) -> dict[str, Result]:
    """:func:`measure` every task in turn, keyed by task name (in ``tasks`` order)."""
    extra = tuple(extra_args)
    return {task: measure(script, task, path, repeat, extra) for task in tasks}


def measure_versions(
    script: str | Path,
    tasks: Iterable[str],
    path: str | Path,
    repeat: int,
    baseline: str | None,
) -> list[tuple[str, dict[str, Result]]]:
    """Each task's median for this checkout and, alternated run by run so that both meet
    the same machine load, for the ``baseline`` src/ if one is given: (title, results)."""
    if baseline is None:
        return [("this checkout", measure_all(script, tasks, path, repeat))]
    pairs = {task: measure_pair(script, task, path, repeat, baseline) for task in tasks}
    return [
        (f"baseline {baseline}", {task: pair[0] for task, pair in pairs.items()}),
        ("this checkout", {task: pair[1] for task, pair in pairs.items()}),
    ]


def print_table(results: Mapping[str, Mapping[str, float]], columns: Sequence[Column]) -> None:
    """Print a header and one row per task; the first column (the task name) is left-aligned,
    the others right-aligned to their width."""
    (title, width, _cell), *rest = columns
    print(" ".join([f"{title:{width}}", *(f"{t:>{w}}" for t, w, _ in rest)]))
    for task, result in results.items():
        cells = [f"{task:{width}}", *(f"{cell(task, result):>{w}}" for _, w, cell in rest)]
        print(" ".join(cells))


def task_column(width: int) -> Column:
    return ("task", width, lambda task, _result: task)


def seconds_column() -> Column:
    return ("seconds", 8, lambda _task, result: f"{result['seconds']:.2f}")


def per_second_column(title: str, key: str, width: int = 9) -> Column:
    """``result[key] / seconds``, whole numbers (``fiches/s``, ``rows/s``)."""
    return (title, width, lambda _task, result: f"{result[key] / result['seconds']:.0f}")


def ratio_column(title: str, floor: float, width: int = 6) -> Column:
    """Throughput relative to the floor's (``floor / seconds``); 1.00 is the floor itself."""
    return (title, width, lambda _task, result: f"{floor / result['seconds']:.2f}")


def cpu_ratio_column(floor: float, title: str = "cpu ratio") -> Column:
    """Throughput relative to the floor in CPU seconds: on a shared, loaded machine the
    wall clock measures the neighbours as much as the task."""
    return (title, max(9, len(title)), lambda _task, result: f"{floor / result['cpu']:.2f}")


def peak_column() -> Column:
    return ("peak MB", 8, lambda _task, result: f"{result['peak_mb']:.0f}")


def mb_per_second_column(size_mb: float) -> Column:
    """The input file's MB read per second."""
    return ("MB/s", 7, lambda _task, result: f"{size_mb / result['seconds']:.1f}")
