"""The measured burden per threat category, for the legal stage's priorities (contract in
docs/development.md, "Stats → legal")."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from marsad.config import Settings
from marsad.stats import _query as Q
from marsad.stats._intervals import garwood, wilson
from marsad.stats._threats import monthly_series
from marsad.stats._trends import fit_growth
from marsad.store import Store
from marsad.store import tables as T

__all__ = ["CategoryBurden", "category_burden", "latest_full_year"]


@dataclass(frozen=True)
class CategoryBurden:
    """Burden of one category in the latest full year (``period``).

    ``incidents``: non-duplicate incidents of the year; ``rate_per_100k`` incidents per
    100,000 inhabitants with the exact Poisson (Garwood) interval; ``growth`` annual relative
    growth (0.25 = +25 %/year) from the seasonal Poisson/negative-binomial regression on the
    whole monthly series, with its 95 % Wald interval; ``share_minors`` share of minors among
    victims whose age is known, with the Wilson interval. ``suppressed`` is True when
    ``incidents`` is below the disclosure threshold; with ``publish=True`` the values are then
    withheld (incidents 0, the rest None).
    """

    category: str
    incidents: int
    rate_per_100k: float | None
    rate_lower: float | None
    rate_upper: float | None
    growth: float | None
    growth_lower: float | None
    growth_upper: float | None
    share_minors: float | None
    share_minors_lower: float | None
    share_minors_upper: float | None
    period: str
    suppressed: bool


def latest_full_year(store: Store) -> int | None:
    """The latest year with incidents in all 12 months (else the latest year with any)."""
    inc = T.incidents
    q = (
        sa.select(inc.c.incident_year, sa.func.count(sa.distinct(inc.c.incident_month)))
        .where(inc.c.duplicate_of.is_(None), inc.c.incident_year.is_not(None))
        .group_by(inc.c.incident_year)
    )
    with store.connect() as c:
        rows = [(int(y), int(m)) for y, m in c.execute(q).all()]
    if not rows:
        return None
    full = [y for y, m in rows if m == 12]
    return max(full) if full else max(y for y, _ in rows)


def _population_total(store: Store, year: int) -> float | None:
    p = T.population
    q = sa.select(
        p.c.year, p.c.age_band_scheme, sa.cast(sa.func.sum(p.c.population), sa.Float)
    ).group_by(p.c.year, p.c.age_band_scheme)
    with store.connect() as c:
        rows = c.execute(q).all()
    if not rows:
        return None
    best = min(rows, key=lambda r: (abs(int(r[0]) - year), int(r[0]), r[1] != "analysis"))
    return float(best[2])


def category_burden(
    store: Store, settings: Settings, publish: bool = True
) -> dict[str, CategoryBurden]:
    """Burden of every category with incidents, keyed by category id."""
    year = latest_full_year(store)
    if year is None:
        return {}
    counts = Q.incident_counts(store, ["category"], "year", "incidents", {})
    counts = counts[counts["year"] == year]
    minors = Q.incident_counts(
        store,
        ["category"],
        "year",
        "victims",
        {"minor": (True, False)},
        numerator_filters={"minor": (True,)},
    )
    minors = minors[minors["year"] == year].set_index("category")
    pop = _population_total(store, year)
    periods, series = monthly_series(store, ("category",))
    first_month = int(periods[0][5:7]) if periods else 1
    out: dict[str, CategoryBurden] = {}
    for category, n in zip(counts["category"], counts["num"], strict=True):
        if category is None:
            continue
        n = int(n)
        suppressed = 0 < n < settings.min_cell
        lo, hi = garwood(n)
        rate = rlo = rhi = None
        if pop:
            rate, rlo, rhi = n / pop * 1e5, float(lo) / pop * 1e5, float(hi) / pop * 1e5
        g = fit_growth(series[(category,)], first_month) if (category,) in series else None
        share = slo = shi = None
        if category in minors.index:
            num, den = float(minors.loc[category, "num"]), float(minors.loc[category, "den"])
            if den > 0:
                wl, wh = wilson(num, den)
                share, slo, shi = num / den, float(wl), float(wh)
                if publish and (0 < num < settings.min_cell or 0 < den - num < settings.min_cell):
                    share = slo = shi = None
        b = CategoryBurden(
            category=str(category),
            incidents=n,
            rate_per_100k=rate,
            rate_lower=rlo,
            rate_upper=rhi,
            growth=g.growth if g else None,
            growth_lower=g.lower if g else None,
            growth_upper=g.upper if g else None,
            share_minors=share,
            share_minors_lower=slo,
            share_minors_upper=shi,
            period=str(year),
            suppressed=suppressed,
        )
        if publish and suppressed:
            b = CategoryBurden(
                str(category),
                0,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                str(year),
                True,
            )
        out[str(category)] = b
    return out


_ = np  # numpy is used through the interval helpers
