"""Synthetic population denominators: year × region × analysis age band × sex, 2019-2026.

Columns follow the shipped ``population`` profile (year, region, age_band_scheme, age_band,
sex, population, synthetic).

Magnitudes follow rounded regional totals of Morocco's 2024 census (about 36.8 million) and
an age pyramid close to Morocco's; they are **synthetic** (every row says so) and must never
be published as official figures.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from marsad.synth import _tables as T

YEARS = tuple(range(2019, 2027))
HEADER = ("year", "region", "age_band_scheme", "age_band", "sex", "population", "synthetic")


def band_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high}"


def table(rng: np.random.Generator) -> np.ndarray:
    """Populations, shape (years, regions, bands, sexes[female, male]), integers."""
    # Less urban regions are a little younger: shift weight from 60+ to under-18 bands.
    young = (0.70 - T.REGION_URBAN)[:, None] * np.array([0.06, 0.015, 0.015, 0, 0, 0, 0, -0.09])
    shares = np.clip(T.BAND_SHARE[None, :] + young, 0.01, None)
    shares /= shares.sum(axis=1, keepdims=True)
    noise = rng.normal(1.0, 0.01, size=shares.shape)
    base = T.REGION_POP_2024[:, None] * shares * noise  # (regions, bands)
    female = np.full(len(T.ANALYSIS_BANDS), T.FEMALE_POP_SHARE)
    female[-1] = 0.52  # women live longer
    sexes = np.stack([female, 1 - female], axis=-1)  # (bands, 2)
    growth = (1 + T.POP_GROWTH) ** (np.array(YEARS) - 2024)
    out = growth[:, None, None, None] * base[None, :, :, None] * sexes[None, None, :, :]
    return np.rint(out).astype(np.int64)


def write(path: Path, rng: np.random.Generator) -> tuple[int, dict[str, int]]:
    """Write the CSV; return (rows, national total per year)."""
    pop = table(rng)
    labels = [band_label(lo, hi) for lo, hi in T.ANALYSIS_BANDS]
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        for yi, year in enumerate(YEARS):
            for ri, region in enumerate(T.REGIONS):
                for bi, band in enumerate(labels):
                    for si, sex in enumerate(("F", "M")):
                        w.writerow(
                            (year, region, "analysis", band, sex, int(pop[yi, ri, bi, si]), "true")
                        )
                        n += 1
    totals = {str(y): int(pop[i].sum()) for i, y in enumerate(YEARS)}
    return n, totals
