"""Benchmark: harmonise a large national table with the shipped reference figures.

Runs ``marsad.compare.compare`` on a synthetic national table (survey prevalence by age band
× gender × region × urban/rural for several years, plus recorded counts by category × space)
beside a baseline in the same process: a plain pandas merge of the same table with the
reference figures on construct (no checks, no re-banding). Prints seconds and the ratio.

    .venv/bin/python benchmarks/compare.py [--small] [--years N]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from marsad.compare import compare, load_reference, national_table
from marsad.taxonomy import load_taxonomy


def national(years: int, seed: int = 2026) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tax = load_taxonomy()
    bands = [b.label for b in tax.scheme("analysis").bands]
    regions = ["all", *tax.regions]
    rows = []
    for year in range(2025 - years + 1, 2026):
        for ind in ("survey_cv_12m", "survey_cv_lifetime"):
            for band in bands:
                for gender in ("female", "male", "all"):
                    for region in regions:
                        for ur in ("urban", "rural", "all"):
                            v = float(rng.uniform(2, 40))
                            rows.append(
                                {
                                    "indicator": ind,
                                    "period": str(year),
                                    "age_band": band,
                                    "gender": gender,
                                    "region": region,
                                    "urban_rural": ur,
                                    "value": v,
                                    "lower": v - 2,
                                    "upper": v + 2,
                                    "denominator": float(rng.integers(50, 5000)),
                                    "unit": "percent",
                                }
                            )
        for cat in tax.categories:
            for space in ["all", *tax.spaces]:
                k = float(rng.poisson(200))
                rows.append(
                    {
                        "indicator": "incidents_recorded",
                        "period": str(year),
                        "category": cat,
                        "space": space,
                        "value": k,
                        "lower": None,
                        "upper": None,
                        "unit": "count",
                    }
                )
    return pd.DataFrame(rows)


def baseline(table: pd.DataFrame) -> int:
    cells = national_table(table)
    left = pd.DataFrame(
        {"indicator": [c.indicator for c in cells], "construct": [c.construct for c in cells]}
    )
    right = pd.DataFrame(
        {
            "id": [f.id for f in load_reference()],
            "construct": [f.construct for f in load_reference()],
        }
    )
    return len(left.merge(right, on="construct"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="one year instead of ten")
    ap.add_argument("--years", type=int, default=None)
    args = ap.parse_args()
    years = args.years or (1 if args.small else 10)
    table = national(years)
    load_reference()  # warm caches for both sides
    t0 = time.perf_counter()
    n_base = baseline(table)
    t_base = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = compare(table)
    t_cmp = time.perf_counter() - t0
    print(
        f"national cells: {len(table):,}  years: {years}  reference figures: {len(load_reference())}"
    )
    print(
        f"baseline (parse + pandas merge on construct, no checks): {t_base:.2f} s, {n_base:,} joined rows"
    )
    print(
        f"compare (parse + harmonise + re-band + verdicts):          {t_cmp:.2f} s, {len(result.pairs)} pairs, {len(result.comparable)} comparable"
    )
    print(f"ratio compare / baseline: {t_cmp / t_base:.2f}")


if __name__ == "__main__":
    main()
