"""Benchmark: derive the coverage matrix, gaps and priorities from a large provision corpus.

Builds a corpus of the shipped provisions plus N synthetic copies of every instrument
(each copy a new instrument of the same framework, so cells have N+1 times the candidates),
then times ``coverage_matrix`` + ``find_gaps`` + ``prioritise`` beside a baseline in the
same process: reading and validating the same files with ``load_provisions`` (the YAML
parse every command pays anyway). Prints seconds and the ratio.

    .venv/bin/python benchmarks/legal.py [--small] [--copies N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml

from marsad.legal import coverage_matrix, find_gaps, load_provisions, prioritise, shipped_files


def write_copies(folder: Path, copies: int) -> list[Path]:
    paths = []
    for src in shipped_files():
        data = yaml.safe_load(src.read_text(encoding="utf-8"))
        for i in range(copies):
            d = dict(data)
            d["instrument"] = dict(data["instrument"], id=f"{data['instrument']['id']}_copy{i}")
            d["instrument"].pop("findings", None)
            path = folder / f"{d['instrument']['id']}.yaml"
            path.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
            paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="2 copies instead of the default")
    ap.add_argument("--copies", type=int, default=10)
    args = ap.parse_args()
    copies = 2 if args.small else args.copies
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_copies(Path(tmp), copies)
        t0 = time.perf_counter()
        corpus = load_provisions(paths)
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        matrix = coverage_matrix(corpus)
        gaps = find_gaps(matrix)
        prios = prioritise(gaps)
        t_an = time.perf_counter() - t0
    print(
        f"copies={copies} instruments={len(corpus.instruments)} provisions={len(corpus.provisions)} "
        f"cells={len(matrix.cells)} gaps={len(gaps)} priorities={len(prios)}"
    )
    print(f"baseline load_provisions (parse + validate): {t_load:.3f} s")
    print(f"coverage_matrix + find_gaps + prioritise:    {t_an:.3f} s")
    print(f"ratio analysis / load: {t_an / t_load:.2f}")


if __name__ == "__main__":
    main()
