"""Benchmark: synthetic dataset generation speed and memory.

Runs ``marsad.synth.generate`` at a given size and, in the same process, a baseline: pandas
writing a CSV with the same number of rows and as many plain columns as the police register
(random numbers and short strings, no narratives, no logic). The ratio says how close the
generator, which builds every row with narratives, personal data and dirty rows, comes to
merely writing a CSV of that size.

    .venv/bin/python benchmarks/synth.py            # 200,000 incidents
    .venv/bin/python benchmarks/synth.py --small    # 20,000 incidents
    .venv/bin/python benchmarks/synth.py --size 1000000
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from marsad.synth import generate


def _peak_mib() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def baseline(rows: int, out: Path) -> float:
    """Seconds for pandas to build and write a plain CSV of ``rows`` rows, 18 columns."""
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    chunk = 100_000
    with out.open("w", encoding="utf-8", newline="") as fh:
        for i, lo in enumerate(range(0, rows, chunk)):
            n = min(chunk, rows - lo)
            df = pd.DataFrame(
                {f"c{k}": rng.integers(0, 10**6, n) for k in range(12)}
                | {f"s{k}": rng.choice(["alpha", "beta", "gamma", "delta"], n) for k in range(6)}
            )
            df.to_csv(fh, sep=";", index=False, header=i == 0)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=200_000)
    ap.add_argument("--small", action="store_true", help="20,000 incidents")
    args = ap.parse_args()
    size = 20_000 if args.small else args.size
    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), time.process_time()
        m = generate(Path(tmp) / "synth", size=size, seed=2026)
        gen_s, gen_cpu = time.perf_counter() - t0, time.process_time() - c0
        rows = m.incident_rows
        total = sum(f.rows for f in m.files)
        peak = _peak_mib()
        c1 = time.process_time()
        base_s = baseline(rows, Path(tmp) / "baseline.csv")
        base_cpu = time.process_time() - c1
        mib = sum(f.path.stat().st_size for f in m.files) / 2**20
    print(
        f"size {size:,}: {rows:,} incident rows, {total:,} rows in {len(m.files)} files, {mib:.1f} MiB"
    )
    print(
        f"marsad synth     {gen_s:8.2f} s wall {gen_cpu:8.2f} s CPU {rows / gen_cpu:>9,.0f} rows/CPU-s"
    )
    print(
        f"baseline pandas  {base_s:8.2f} s wall {base_cpu:8.2f} s CPU {rows / base_cpu:>9,.0f} rows/CPU-s"
    )
    print(f"ratio synth/baseline speed: CPU {base_cpu / gen_cpu:.2f}, wall {base_s / gen_s:.2f}")
    print(f"peak RSS during generation: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
