"""Where the time goes per fiche: parsing, mapping, validation, and each writer, in µs.

CPU time of this process (steadier than wall time on a shared machine), best of
``--repeat`` rounds, on the first ``--fiches`` fiches of an export. Parsing is raw lxml
``iterparse``; "read" is ``rncpkit.read`` (parse + table walk + validation);
"walk" is parse + the table walk into dicts, less parse; "validate" is read less parse
and walk; each writer encodes models already in memory.

    python benchmarks/bench_breakdown.py                    # 2700-fiche national shape
    python benchmarks/bench_breakdown.py --shape large --fiches 1000
"""

from __future__ import annotations

import argparse
import io
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness

WRITERS = ("jsonl", "fc-xml", "fc-csv")


def _walker() -> Callable[[Any], dict[str, Any]]:
    """The fc-xml table walk (element → the dict handed to pydantic), in this version of
    rncpkit (compiled, or generic before the compiler existed) or in 0.1, whose walk
    lived elsewhere."""
    try:
        from rncpkit.formats.fc_xml import V41

        try:  # the compiled walk the reader uses, where there is one
            from rncpkit.formats.xmltable.compiled_reader import read_record
        except ImportError:
            from rncpkit.formats.xmltable import read_record

        def walk(fiche: Any) -> dict[str, Any]:
            return read_record(fiche, V41)[0]
    except ImportError:  # rncpkit 0.1
        from rncpkit.formats import fc_xml

        def walk(fiche: Any) -> dict[str, Any]:
            values: dict[str, Any] = {}
            fc_xml._read_group(fiche, fc_xml.V41, values, [])  # type: ignore[attr-defined]
            return values

    return walk


def _parse_and_walk(path: Path) -> int:
    """Raw iterparse, each fiche walked into its dict (no validation), memory freed."""
    from lxml import etree

    walk = _walker()
    count = 0
    for _event, fiche in etree.iterparse(str(path), tag="FICHE", resolve_entities=False):
        walk(fiche)
        count += 1
        fiche.clear(keep_tail=False)
        parent = fiche.getparent()
        while fiche.getprevious() is not None and parent is not None:
            del parent[0]
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--fiches", type=int, default=2700)
    parser.add_argument("--shape", choices=("national", "large"), default="national")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    path = args.file or harness.synthetic_export(args.fiches, shape=args.shape)

    import rncpkit

    count = sum(1 for _ in rncpkit.read(path, "fc-xml"))
    parse = harness.best_cpu(lambda: harness.raw_iterparse(path), args.repeat) / count
    read = (
        harness.best_cpu(lambda: sum(1 for _ in rncpkit.read(path, "fc-xml")), args.repeat) / count
    )
    walked = harness.best_cpu(lambda: _parse_and_walk(path), args.repeat) / count
    certs = list(itertools.islice(rncpkit.read(path, "fc-xml"), 400))
    rows = [
        ("parse (raw iterparse)", parse),
        ("walk the table into dicts", walked - parse),
        ("validate + reader plumbing (read - walk)", read - walked),
        ("read into models (rncpkit.read)", read),
    ]
    for to in WRITERS:
        options = rncpkit.WriteOptions(extra={"export_date": "2026-08-16"})

        def encode(to: str = to, options: rncpkit.WriteOptions = options) -> None:
            rncpkit.write(certs, io.BytesIO(), to, options=options)

        rows.append((f"write {to}", harness.best_cpu(encode, args.repeat) / len(certs)))
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB, {count} fiches)")
    print(f"{'stage':44} {'µs/fiche':>9} {'vs parse':>9}")
    for label, seconds in rows:
        print(f"{label:44} {seconds * 1e6:9.0f} {seconds / parse:9.2f}")
    print("CPU seconds, best of the rounds; the reading ratio vs raw iterparse is parse / read")
    print(f"= {parse / read:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
