"""Emerging threats: which category × space series rise beyond what their own history predicts.

Each monthly series of non-duplicate incidents is tested with :func:`detect_change` (a GLM
prediction rule after Farrington et al. 1996 and Noufaily et al. 2013) on its last ``window``
months, with its annual growth from :func:`fit_growth`. False-discovery-rate q-values
(Benjamini-Hochberg) are given across all series tested in the run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsad.config import Settings
from marsad.stats import _query as Q
from marsad.stats._intervals import adjust_pvalues
from marsad.stats._trends import detect_change, fit_growth
from marsad.store import Store

__all__ = ["EmergingThreat", "ThreatSeries", "emerging_threats", "monthly_series"]


@dataclass(frozen=True)
class ThreatSeries:
    """The evidence chart: months, observed counts (None = withheld), expected and its band."""

    periods: tuple[str, ...]
    observed: tuple[int | None, ...]
    expected: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]


@dataclass(frozen=True)
class EmergingThreat:
    """One category × space series tested for an emerging rise.

    ``observed`` and ``expected`` are sums over the test ``window`` (the last months);
    ``threshold`` is the count above which the rule flags; ``p_value`` is the upper-tail
    predictive p-value and ``q_value`` its Benjamini-Hochberg adjustment across the run;
    ``growth`` (0.25 = +25 %/year) with its 95 % interval comes from the seasonal count
    regression on the whole series. With ``publish=True`` monthly counts below the disclosure
    threshold are None, and so is ``observed`` when it rests on a withheld month.
    """

    category: str
    space: str
    flagged: bool
    rank: int
    observed: int | None
    expected: float
    threshold: float
    ratio: float | None
    p_value: float
    q_value: float
    window: tuple[str, ...]
    growth: float | None
    growth_lower: float | None
    growth_upper: float | None
    growth_model: str | None
    series: ThreatSeries
    method: str = "glm-prediction (Farrington 1996; Noufaily 2013)"


def monthly_series(
    store: Store, by: tuple[str, ...] = ("category", "space")
) -> tuple[list[str], dict[tuple[str, ...], np.ndarray]]:
    """Monthly counts per cell of ``by`` over the store's full month range (zeros filled)."""
    frame = Q.monthly_counts(store, list(by))
    if frame.empty:
        return [], {}
    t = frame["year"].astype(int) * 12 + frame["month"].astype(int) - 1
    t0, t1 = int(t.min()), int(t.max())
    periods = [f"{m // 12}-{m % 12 + 1:02d}" for m in range(t0, t1 + 1)]
    out: dict[tuple[str, ...], np.ndarray] = {}
    keys = frame[list(by)].astype(object).where(frame[list(by)].notna(), "unknown")
    for key, ti, n in zip(keys.itertuples(index=False, name=None), t, frame["num"], strict=True):
        arr = out.setdefault(tuple(str(k) for k in key), np.zeros(t1 - t0 + 1))
        arr[int(ti) - t0] += float(n)
    return periods, out


def emerging_threats(
    store: Store,
    settings: Settings,
    window: int = 3,
    alpha: float = 0.01,
    publish: bool = True,
    min_history: int = 12,
) -> list[EmergingThreat]:
    """Every category × space series (and each category over all spaces, ``space="all"``)
    tested, flagged ones first (smallest p-value first).

    ``rank`` is the position within its space among flagged series (0 when not flagged).
    """
    periods, series = monthly_series(store)
    if not periods:
        return []
    # each category over all spaces too: a threat spread thinly over spaces still shows
    for (category, _space), y in list(series.items()):
        key = (category, "all")
        series[key] = series.get(key, np.zeros(len(periods))) + y
    first_month = int(periods[0][5:7])
    k = settings.min_cell
    tested = []
    for (category, space), y in sorted(series.items()):
        res = detect_change(
            y, first_month=first_month, window=window, alpha=alpha, min_history=min_history
        )
        if res is None:
            continue
        growth = fit_growth(y, first_month)
        tested.append((category, space, y, res, growth))
    qs = adjust_pvalues([r[3].p_value for r in tested], "bh")
    out: list[EmergingThreat] = []
    for (category, space, y, res, growth), q in zip(tested, qs, strict=True):
        months: list[int | None] = [int(v) for v in y]
        withheld = [publish and 0 < v < k for v in y]
        shown = [None if w else m for w, m in zip(withheld, months, strict=True)]
        observed: int | None = res.observed
        if publish and (any(withheld[-window:]) or 0 < res.observed < k):
            observed = None
        out.append(
            EmergingThreat(
                category=category,
                space=space,
                flagged=res.flagged,
                rank=0,
                observed=observed,
                expected=res.expected,
                threshold=res.threshold,
                ratio=(res.observed / res.expected if res.expected > 0 else None)
                if observed is not None
                else None,
                p_value=res.p_value,
                q_value=float(q),
                window=tuple(periods[-window:]),
                growth=growth.growth if growth else None,
                growth_lower=growth.lower if growth else None,
                growth_upper=growth.upper if growth else None,
                growth_model=growth.model if growth else None,
                series=ThreatSeries(
                    periods=tuple(periods),
                    observed=tuple(shown),
                    expected=res.fitted,
                    lower=res.band_lower,
                    upper=res.band_upper,
                ),
            )
        )
    out.sort(key=lambda e: (not e.flagged, e.p_value, e.category, e.space))
    ranks: dict[str, int] = {}
    ranked: list[EmergingThreat] = []
    for e in out:
        if e.flagged:
            ranks[e.space] = ranks.get(e.space, 0) + 1
            e = EmergingThreat(**{**e.__dict__, "rank": ranks[e.space]})
        ranked.append(e)
    return ranked
