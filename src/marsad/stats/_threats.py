"""Emerging threats: which category × space series rise beyond what their own history predicts.

Each monthly series of non-duplicate incidents is tested with :func:`detect_change` (a GLM
prediction rule after Farrington et al. 1996 and Noufaily et al. 2013) on its last ``window``
months; its p-values get Benjamini-Hochberg q-values across all series tested in the run
(Benjamini & Hochberg 1995, JRSS B 57:289-300). Each series also gets its annual growth over
the whole series and over its recent ``baseline + window`` months (:func:`fit_growth`).

The flag rule (:class:`FlagRule`, one rule for the library, the CLI, the report and the API):
a series is flagged when its window sum is at least ``min_count`` **and** either

* ``q <= alpha`` ("prediction": the window exceeds what the earlier 24 months predict, with the
  false discovery rate across the run held at ``alpha``), or
* the lower bound of the 95 % interval of its recent growth is at least ``min_growth``
  ("growth": a steep, sustained rise, which the 24-month baseline absorbs when the threat
  started inside it, e.g. zero for years then tripling every year).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from marsad.config import Settings
from marsad.stats import _query as Q
from marsad.stats._intervals import adjust_pvalues
from marsad.stats._trends import detect_change, fit_growth
from marsad.store import Store

__all__ = [
    "EmergingThreat",
    "FlagRule",
    "ThreatSeries",
    "assess_series",
    "emerging_threats",
    "monthly_series",
]

BASELINE_MONTHS = 24


@dataclass(frozen=True)
class FlagRule:
    """When a series is called an emerging threat (see the module docstring).

    ``alpha``: false discovery rate level for the q-values of the prediction rule;
    ``min_growth``: floor for the lower 95 % bound of the recent annual growth (0.5 = +50 %/year);
    ``min_count``: the window sum must be at least this; ``recent_months``: months of the
    recent growth fit (the 24-month baseline plus the window).
    """

    alpha: float = 0.05
    min_growth: float = 0.5
    min_count: int = 5
    recent_months: int = BASELINE_MONTHS + 3

    def reasons(
        self, observed: int, q_value: float, recent_growth_lower: float | None
    ) -> tuple[str, ...]:
        """The clauses met: ``"prediction"`` and/or ``"growth"``; empty when not flagged."""
        if observed < self.min_count:
            return ()
        out: list[str] = []
        if q_value <= self.alpha:
            out.append("prediction")
        if recent_growth_lower is not None and recent_growth_lower >= self.min_growth:
            out.append("growth")
        return tuple(out)

    @property
    def text(self) -> str:
        """The rule in one line (English; the CLI prints its translation)."""
        return (
            f"window sum >= {self.min_count} and (BH q <= {self.alpha:g} "
            f"or lower 95% bound of growth over the last {self.recent_months} months "
            f">= {self.min_growth * 100:+.0f}%/year)"
        )


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
    ``threshold`` is the window sum above which the prediction clause flags the series whatever
    the other series (its predictive quantile at ``alpha / (2 m)``, m series tested: Bonferroni,
    sufficient for ``q <= alpha``; the last month alone is the rule's second look);
    ``p_value`` is the upper-tail predictive p-value and ``q_value`` its Benjamini-Hochberg
    adjustment across the run;
    ``growth`` (0.25 = +25 %/year) with its 95 % interval comes from the seasonal count
    regression on the whole series, ``recent_growth`` from the same regression on the last
    ``rule.recent_months`` months. ``flagged`` is ``bool(reasons)``: ``reasons`` names the
    clauses of ``rule`` (:class:`FlagRule`) that the series meets. With ``publish=True``
    monthly counts below the disclosure threshold are None, and so is ``observed`` when it
    rests on a withheld month.
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
    recent_growth: float | None = None
    recent_growth_lower: float | None = None
    recent_growth_upper: float | None = None
    reasons: tuple[str, ...] = ()
    rule: FlagRule = FlagRule()


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
    alpha: float = 0.05,
    publish: bool = True,
    min_history: int = 12,
    min_growth: float = 0.5,
) -> list[EmergingThreat]:
    """Every category × space series of the store (and each category over all spaces,
    ``space="all"``) assessed by :func:`assess_series`, flagged ones first."""
    periods, series = monthly_series(store)
    if not periods:
        return []
    # each category over all spaces too: a threat spread thinly over spaces still shows
    for (category, _space), y in list(series.items()):
        key = (category, "all")
        series[key] = series.get(key, np.zeros(len(periods))) + y
    return assess_series(
        periods,
        {(c, s): y for (c, s), y in series.items()},
        window=window,
        alpha=alpha,
        min_growth=min_growth,
        min_history=min_history,
        publish=publish,
        min_cell=settings.min_cell,
    )


def assess_series(
    periods: Sequence[str],
    series: Mapping[tuple[str, str], ArrayLike],
    window: int = 3,
    alpha: float = 0.05,
    min_growth: float = 0.5,
    min_history: int = 12,
    publish: bool = False,
    min_cell: int = 5,
) -> list[EmergingThreat]:
    """Assess monthly series keyed by (category, space) over the months ``periods``
    (``"YYYY-MM"``, consecutive) with the rule of :class:`FlagRule`, flagged ones first
    (smallest p-value first).

    The q-values are taken across all the series given (those with at least ``min_history``
    months before the window). ``rank`` is the position within its space among flagged series
    (0 when not flagged). With ``publish`` monthly counts 1 … ``min_cell - 1`` are withheld.
    """
    if not periods:
        return []
    rule = FlagRule(alpha=alpha, min_growth=min_growth, recent_months=BASELINE_MONTHS + window)
    first_month = int(periods[0][5:7])
    n_months = len(periods)
    recent = min(rule.recent_months, n_months)
    recent_first = (first_month - 1 + n_months - recent) % 12 + 1
    k = min_cell
    # the series that get a test (same months for all); the prediction threshold is taken at
    # alpha / m (Bonferroni): a window sum above it has q <= alpha whatever the other series
    m = len(series) if n_months - window >= min_history else 0
    tested = []
    for (category, space), values in sorted(series.items()):
        y = np.asarray(values, dtype=float)
        res = detect_change(
            y,
            first_month=first_month,
            window=window,
            alpha=alpha / max(m, 1),
            min_history=min_history,
            min_count=rule.min_count,
            baseline_months=BASELINE_MONTHS,
        )
        if res is None:
            continue
        growth = fit_growth(y, first_month)
        recent_growth = fit_growth(y[-recent:], recent_first)
        tested.append((category, space, y, res, growth, recent_growth))
    qs = adjust_pvalues([r[3].p_value for r in tested], "bh")
    out: list[EmergingThreat] = []
    for (category, space, y, res, growth, recent_growth), q in zip(tested, qs, strict=True):
        months: list[int | None] = [int(v) for v in y]
        withheld = [publish and 0 < v < k for v in y]
        shown = [None if w else m for w, m in zip(withheld, months, strict=True)]
        observed: int | None = res.observed
        if publish and (any(withheld[-window:]) or 0 < res.observed < k):
            observed = None
        reasons = rule.reasons(
            res.observed, float(q), recent_growth.lower if recent_growth else None
        )
        out.append(
            EmergingThreat(
                category=category,
                space=space,
                flagged=bool(reasons),
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
                recent_growth=recent_growth.growth if recent_growth else None,
                recent_growth_lower=recent_growth.lower if recent_growth else None,
                recent_growth_upper=recent_growth.upper if recent_growth else None,
                reasons=reasons,
                rule=rule,
            )
        )
    out.sort(key=lambda e: (not e.flagged, e.p_value, e.category, e.space))
    ranks: dict[str, int] = {}
    ranked: list[EmergingThreat] = []
    for e in out:
        if e.flagged:
            ranks[e.space] = ranks.get(e.space, 0) + 1
            e = dataclasses.replace(e, rank=ranks[e.space])
        ranked.append(e)
    return ranked
