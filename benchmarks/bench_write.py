"""Writing benchmark: the fc-xml writer against lxml's own serialisation of the same fiches.

Reads the export once into models, then times writing them all as a flux (best of
``--repeat``, CPU seconds); the floor is ``etree.tostring`` of the parsed ``FICHE`` elements.

    python benchmarks/bench_write.py --fiches 1000
"""

from __future__ import annotations

import argparse
import io
import time

import harness


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    path = harness.synthetic_export(args.fiches)

    from lxml import etree

    import rncpkit

    certifications = list(rncpkit.read(path, "fc-xml"))
    best = float("inf")
    for _ in range(args.repeat):
        start = time.process_time()
        rncpkit.write(certifications, io.BytesIO(), to="fc-xml")
        best = min(best, time.process_time() - start)
    fiches = etree.parse(str(path)).getroot().findall("FICHE")
    floor = float("inf")
    for _ in range(args.repeat):
        start = time.process_time()
        for fiche in fiches:
            etree.tostring(fiche, encoding="UTF-8")
        floor = min(floor, time.process_time() - start)
    size = path.stat().st_size / 1e6
    print(f"file: {path} ({size:.1f} MB, {len(certifications)} fiches)")
    print(f"write fc-xml   {best:6.3f} s  {len(certifications) / best:8.0f} fiches/s")
    print(f"lxml tostring  {floor:6.3f} s  ratio {floor / best:.2f} (1.00 = the floor)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
