"""Confidence intervals for counts, rates, proportions and rate ratios, and p-value adjustment.

Every function is vectorised over numpy arrays and returns plain arrays; :class:`Estimate`
carries one estimate with its interval and the method that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

__all__ = [
    "Estimate",
    "adjust_pvalues",
    "clopper_pearson",
    "exact_rate_ratio",
    "garwood",
    "poisson_homogeneity",
    "ratio_heterogeneity",
    "wilson",
]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Estimate:
    """One estimate with its ``level`` confidence interval.

    ``method`` names the interval (e.g. ``"garwood"``, ``"wilson"``); ``n`` is the count or
    sample size it rests on; ``suppressed`` is True when disclosure control withheld it.
    """

    estimate: float
    lower: float
    upper: float
    method: str
    n: int
    level: float = 0.95
    suppressed: bool = False


def garwood(count: ArrayLike, level: float = 0.95) -> tuple[Array, Array]:
    """Exact (Garwood 1936) interval for the mean of a Poisson count.

    lower = chi2.ppf(a/2, 2n)/2 (0 when n = 0), upper = chi2.ppf(1-a/2, 2n+2)/2.
    Garwood, F. (1936) Biometrika 28:437-442; tabulated in Ulm, K. (1990) Am J Epidemiol
    131:373-375. Divide both limits by the person-time to get a rate interval.
    """
    n = np.asarray(count, dtype=float)
    a = 1.0 - level
    with np.errstate(invalid="ignore"):
        lower = np.where(n > 0, stats.chi2.ppf(a / 2, 2 * np.maximum(n, 1e-300)) / 2, 0.0)
        upper = stats.chi2.ppf(1 - a / 2, 2 * n + 2) / 2
    return np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)


def wilson(successes: ArrayLike, trials: ArrayLike, level: float = 0.95) -> tuple[Array, Array]:
    """Wilson (1927) score interval for a binomial proportion (no continuity correction).

    Newcombe, R.G. (1998) Stat Med 17:857-872, method 3. NaN where ``trials`` is 0.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        lower = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        upper = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return lower, upper


def clopper_pearson(
    successes: ArrayLike, trials: ArrayLike, level: float = 0.95
) -> tuple[Array, Array]:
    """Clopper & Pearson (1934) exact interval from beta quantiles. NaN where trials is 0."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    a = 1 - level
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(x > 0, stats.beta.ppf(a / 2, np.maximum(x, 1e-300), n - x + 1), 0.0)
        upper = np.where(x < n, stats.beta.ppf(1 - a / 2, x + 1, np.maximum(n - x, 1e-300)), 1.0)
    bad = ~(n > 0)
    return np.where(bad, np.nan, lower), np.where(bad, np.nan, upper)


def exact_rate_ratio(
    count1: ArrayLike,
    exposure1: ArrayLike,
    count2: ArrayLike,
    exposure2: ArrayLike,
    level: float = 0.95,
) -> tuple[Array, Array, Array, Array]:
    """Rate ratio (rate1 / rate2) with the exact conditional interval and p-value.

    Conditional on the total ``count1 + count2``, ``count1`` is binomial with probability
    ``pi = RR*E1 / (RR*E1 + E2)``; the Clopper-Pearson interval for ``pi`` is mapped back to RR
    and the p-value is the two-sided exact conditional test of RR = 1 (doubled smaller tail) (Breslow & Day 1987,
    *Statistical Methods in Cancer Research II*, section 2.2; Rothman & Greenland, *Modern
    Epidemiology*, ch. 14). Returns (ratio, lower, upper, p_value); NaN when undefined.
    """
    a = np.asarray(count1, dtype=float)
    b = np.asarray(count2, dtype=float)
    e1 = np.asarray(exposure1, dtype=float)
    e2 = np.asarray(exposure2, dtype=float)
    a, b, e1, e2 = np.broadcast_arrays(a, b, e1, e2)
    n = a + b
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (a / e1) / (b / e2)
        plo, phi = clopper_pearson(a, n, level)
        scale = e2 / e1
        lower = plo / (1 - plo) * scale
        upper = np.where(phi >= 1, np.inf, phi / (1 - phi) * scale)
        p0 = e1 / (e1 + e2)
    # two-sided exact p-value by doubling the smaller tail: the test whose inversion is the
    # Clopper-Pearson interval above, so p < 0.05 exactly when the interval excludes 1
    with np.errstate(invalid="ignore", divide="ignore"):
        lower_tail = stats.binom.cdf(a, n, p0)
        upper_tail = stats.binom.sf(a - 1, n, p0)
        pvals = np.minimum(1.0, 2 * np.minimum(lower_tail, upper_tail))
    pvals = np.where((n > 0) & (p0 > 0) & (p0 < 1), pvals, np.nan)
    bad = ~((n > 0) & (e1 > 0) & (e2 > 0))
    ratio = np.where(bad | (b == 0), np.nan, ratio)
    return (
        ratio,
        np.where(bad, np.nan, lower),
        np.where(bad, np.nan, upper),
        pvals,
    )


def poisson_homogeneity(counts: ArrayLike, exposures: ArrayLike) -> tuple[float, int, float]:
    """Chi-square test that several Poisson rates are equal (e.g. across age bands).

    Expected counts are ``total * E_i / sum(E)``; X2 = sum((O - E)^2 / E) on k-1 degrees of
    freedom (Breslow & Day 1987, section 3.4). Returns (statistic, df, p_value).
    """
    o = np.asarray(counts, dtype=float)
    e = np.asarray(exposures, dtype=float)
    keep = e > 0
    o, e = o[keep], e[keep]
    if o.size < 2 or o.sum() == 0:
        return float("nan"), 0, float("nan")
    expected = o.sum() * e / e.sum()
    stat = float(((o - expected) ** 2 / expected).sum())
    df = int(o.size - 1)
    return stat, df, float(stats.chi2.sf(stat, df))


def ratio_heterogeneity(counts1: ArrayLike, counts2: ArrayLike) -> tuple[float, int, float]:
    """Cochran's Q test that several log rate ratios are equal (inverse-variance weights).

    ``var(log RR_i) = 1/a_i + 1/b_i``; Q = sum(w_i (log RR_i - pooled)^2), k-1 df (Cochran
    1954, Biometrics 10:101-129). Strata with a zero count are left out. Exposures cancel in Q
    because they shift each log RR by a constant only when they are equal across strata; pass
    the exposure-adjusted counts if not. Returns (Q, df, p_value).
    """
    a = np.asarray(counts1, dtype=float)
    b = np.asarray(counts2, dtype=float)
    keep = (a > 0) & (b > 0)
    a, b = a[keep], b[keep]
    if a.size < 2:
        return float("nan"), 0, float("nan")
    y = np.log(a / b)
    w = 1 / (1 / a + 1 / b)
    pooled = (w * y).sum() / w.sum()
    q = float((w * (y - pooled) ** 2).sum())
    df = int(a.size - 1)
    return q, df, float(stats.chi2.sf(q, df))


def adjust_pvalues(pvalues: ArrayLike, method: str = "holm") -> Array:
    """Holm (1979) step-down or Benjamini-Hochberg (1995) step-up adjusted p-values.

    ``method`` is ``"holm"`` (family-wise error) or ``"bh"`` (false discovery rate). NaN
    entries are left out of the family and stay NaN.
    """
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = q.size
    if m == 0:
        return out
    order = np.argsort(q, kind="mergesort")
    ranked = q[order]
    if method == "holm":
        adj = np.maximum.accumulate((m - np.arange(m)) * ranked)
    elif method == "bh":
        adj = np.minimum.accumulate((m / np.arange(m, 0, -1)) * ranked[::-1])[::-1]
    else:
        raise ValueError(f"Unknown p-value adjustment {method!r}; use 'holm' or 'bh'.")
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out
