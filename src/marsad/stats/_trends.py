"""Trends: growth from a seasonal count regression, and emerging-threat detection.

Growth: a log-linear Poisson GLM ``log E[y_t] = a + b * t/12 + month-of-year effects`` (the
seasonal terms only with 24 months or more) fitted by statsmodels. When the Pearson dispersion
exceeds 1.5 the model is refitted as a negative binomial (NB2) GLM with the dispersion
``alpha`` from the moment estimator of Cameron & Trivedi (2013, *Regression Analysis of Count
Data*, 2nd ed., section 3.2.3). Annual growth is ``exp(b) - 1`` with a Wald interval on ``b``.

Emerging threats: a GLM prediction rule in the spirit of Farrington et al. (1996, JRSS A
159:547-563) and its improved version (Noufaily et al. 2013, Stat Med 32:1206-1222). The
last 24 months before the last ``window`` months are fitted by a Poisson GLM with one annual
harmonic (sine and cosine of the month, a compact form of Noufaily et al.'s seasonal terms),
optionally a linear trend kept only when significant at 5 % (off by default: a threat that
keeps growing must be flagged, not absorbed as "expected growth"), and the quasi-Poisson
dispersion ``phi >= 1``; the expected window sum
``S_hat`` gets the predictive variance ``phi * S_hat + Var(S_hat)`` (parameter uncertainty by the
delta method) and the threshold is the ``1 - alpha`` quantile of the negative binomial with that
mean and variance (Poisson when not overdispersed). A series is flagged when the observed window
sum, or its last month alone, exceeds its threshold (each tested at ``alpha / 2``,
Bonferroni) and the window sum is at least ``min_count``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import statsmodels.api as sm
from numpy.typing import ArrayLike, NDArray
from scipy import stats

__all__ = ["ChangeTest", "GrowthEstimate", "detect_change", "fit_growth", "fit_growth_many"]

DISPERSION_LIMIT = 1.5


@dataclass(frozen=True)
class GrowthEstimate:
    """Annual relative growth (0.25 = +25 %/year) with its ``level`` Wald interval.

    ``model`` is ``"poisson"`` or ``"negative_binomial"``; ``dispersion`` the Pearson
    chi-square over residual df of the Poisson fit; ``months`` and ``total`` describe the series.
    """

    growth: float
    lower: float
    upper: float
    model: str
    dispersion: float
    months: int
    total: int
    level: float = 0.95


@dataclass(frozen=True)
class ChangeTest:
    """Result of the emerging-threat rule on one series (see the module docstring)."""

    flagged: bool
    observed: int
    expected: float
    threshold: float
    p_value: float
    dispersion: float
    fitted: tuple[float, ...] = ()
    band_lower: tuple[float, ...] = ()
    band_upper: tuple[float, ...] = ()


def _design(
    t: NDArray[np.float64], moy: NDArray[np.int64], trend: bool, seasonal: bool
) -> NDArray[np.float64]:
    cols = [np.ones(t.size)]
    if trend:
        cols.append(t / 12.0)
    if seasonal:
        cols += [(moy == m).astype(float) for m in range(2, 13)]
    return np.column_stack(cols)


def _harmonic(t: NDArray[np.float64], trend: bool) -> NDArray[np.float64]:
    """Intercept, optional linear trend (per year) and one annual harmonic (sin, cos)."""
    cols = [np.ones(t.size)]
    if trend:
        cols.append(t / 12.0)
    cols += [np.sin(2 * np.pi * t / 12), np.cos(2 * np.pi * t / 12)]
    return np.column_stack(cols)


def _fit(
    y: NDArray[np.float64], x: NDArray[np.float64], family: Any, scale: str | None = None
) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = sm.GLM(y, x, family=family).fit(scale=scale)
        except (ValueError, np.linalg.LinAlgError, FloatingPointError):
            return None
    if not np.all(np.isfinite(res.params)) or not np.all(np.isfinite(res.bse)):
        return None
    return res


def _months(n: int, first_month: int) -> NDArray[np.int64]:
    return ((np.arange(n) + first_month - 1) % 12 + 1).astype(np.int64)


def fit_growth(
    counts: ArrayLike, first_month: int = 1, level: float = 0.95, min_months: int = 12
) -> GrowthEstimate | None:
    """Annual growth of a monthly count series starting in calendar month ``first_month``.

    Returns None when the series is shorter than ``min_months`` or has fewer than 10 events.
    """
    y = np.asarray(counts, dtype=float)
    n = y.size
    if n < min_months or y.sum() < 10:
        return None
    t = np.arange(n, dtype=float)
    x = _design(t, _months(n, first_month), True, n >= 24)
    pois = _fit(y, x, sm.families.Poisson())
    if pois is None:
        return None
    mu = pois.fittedvalues
    df_resid = max(n - x.shape[1], 1)
    dispersion = float(((y - mu) ** 2 / mu).sum() / df_resid)
    res, model = pois, "poisson"
    if dispersion > DISPERSION_LIMIT:
        alpha = float((((y - mu) ** 2 - y) / mu**2).sum() / df_resid)
        if alpha > 0:
            nb = _fit(y, x, sm.families.NegativeBinomial(alpha=alpha))
            if nb is not None:
                res, model = nb, "negative_binomial"
    b, se = float(res.params[1]), float(res.bse[1])
    z = stats.norm.ppf(1 - (1 - level) / 2)
    return GrowthEstimate(
        growth=float(np.expm1(b)),
        lower=float(np.expm1(b - z * se)),
        upper=float(np.expm1(b + z * se)),
        model=model,
        dispersion=dispersion,
        months=n,
        total=int(y.sum()),
        level=level,
    )


def _irls_many(
    y: NDArray[np.float64], x: NDArray[np.float64], alpha: NDArray[np.float64] | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Log-link Poisson (``alpha`` None) or NB2 GLMs of every row of ``y`` on one design ``x``.

    The IRLS of statsmodels' ``GLM.fit()`` run on all series at once: same start
    (``mu = (y + mean(y)) / 2``), same working response and weights, the same convergence rule
    (deviance change <= 1e-8, at most 100 iterations, each series frozen once converged), and
    standard errors from the weights of the last iteration (``scale = 1``). Returns
    (params, bse, ok); ``ok`` is False where the fit did not converge or is not finite, and
    the caller then falls back to statsmodels for that series.
    """
    n_series = y.shape[0]
    a = np.zeros(n_series) if alpha is None else np.asarray(alpha, dtype=float)
    eps = np.finfo(float).eps

    def deviance(mu: NDArray[np.float64]) -> NDArray[np.float64]:
        ym = np.clip(y / mu, eps, np.inf)
        if alpha is None:
            return (2 * (y * np.log(ym) - (y - mu))).sum(axis=1)
        inv = 1 / a[:, None]
        return (2 * (y * np.log(ym) - (y + inv) * np.log((y + inv) / (mu + inv)))).sum(axis=1)

    def weights(mu: NDArray[np.float64], a: NDArray[np.float64]) -> NDArray[np.float64]:
        if alpha is None:
            var = np.abs(mu)
        else:
            m = np.clip(mu, eps, np.inf)
            var = m + a[:, None] * m**2
        return 1.0 / ((1.0 / mu) ** 2 * var)

    mu = (y + y.mean(axis=1, keepdims=True)) / 2.0
    eta = np.log(mu)
    dev = deviance(mu)
    params = np.zeros((n_series, x.shape[1]))
    w_last = weights(mu, a)
    active = np.ones(n_series, dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(100):
            idx = np.flatnonzero(active)
            if idx.size == 0:
                break
            w = weights(mu[idx], a[idx])
            z = eta[idx] + (y[idx] - mu[idx]) / mu[idx]
            xtwx = np.einsum("ni,sn,nj->sij", x, w, x)
            xtwz = np.einsum("ni,sn->si", x, w * z)
            try:
                beta = np.linalg.solve(xtwx, xtwz[..., None])[..., 0]
            except np.linalg.LinAlgError:
                return params, np.full_like(params, np.nan), np.zeros(n_series, dtype=bool)
            w_last[idx] = w
            params[idx] = beta
            eta[idx] = beta @ x.T
            mu[idx] = np.exp(eta[idx])
            new_dev = np.full(n_series, np.nan)
            new_dev[idx] = deviance(mu)[idx]
            done = np.abs(new_dev[idx] - dev[idx]) <= 1e-8
            dev[idx] = new_dev[idx]
            active[idx[done]] = False
        xtwx = np.einsum("ni,sn,nj->sij", x, w_last, x)
        try:
            cov = np.linalg.inv(xtwx)
        except np.linalg.LinAlgError:
            return params, np.full_like(params, np.nan), np.zeros(n_series, dtype=bool)
        bse = np.sqrt(np.einsum("sii->si", cov))
        cond = np.linalg.cond(xtwx)
    ok = ~active & np.isfinite(params).all(axis=1) & np.isfinite(bse).all(axis=1) & (cond < 1e10)
    return params, bse, ok


def fit_growth_many(
    series: ArrayLike, first_month: int = 1, level: float = 0.95, min_months: int = 12
) -> list[GrowthEstimate | None]:
    """:func:`fit_growth` for every row of ``series`` (same months), fitted together.

    Series are fitted by the vectorised IRLS of :func:`_irls_many` (the statsmodels algorithm
    on all series at once; ``tests/stats/test_trends.py`` checks it against statsmodels);
    a series whose batched fit is not clean is fitted alone by :func:`fit_growth`.
    """
    y = np.atleast_2d(np.asarray(series, dtype=float))
    n_series, n = y.shape
    out: list[GrowthEstimate | None] = [None] * n_series
    if n < min_months:
        return out
    fit = np.flatnonzero(y.sum(axis=1) >= 10)
    if fit.size == 0:
        return out
    t = np.arange(n, dtype=float)
    x = _design(t, _months(n, first_month), True, n >= 24)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    df_resid = max(n - x.shape[1], 1)
    yf = y[fit]
    params, bse, ok = _irls_many(yf, x)
    mu = np.exp(params @ x.T)
    dispersion = ((yf - mu) ** 2 / mu).sum(axis=1) / df_resid
    model = np.array(["poisson"] * fit.size, dtype=object)
    alpha = (((yf - mu) ** 2 - yf) / mu**2).sum(axis=1) / df_resid
    nb = ok & (dispersion > DISPERSION_LIMIT) & (alpha > 0)
    if nb.any():
        nb_params, nb_bse, nb_ok = _irls_many(yf[nb], x, alpha[nb])
        ok[np.flatnonzero(nb)[~nb_ok]] = False
        rows = np.flatnonzero(nb)[nb_ok]
        params[rows], bse[rows] = nb_params[nb_ok], nb_bse[nb_ok]
        model[rows] = "negative_binomial"
    for j, i in enumerate(fit):
        if not ok[j]:
            out[i] = fit_growth(y[i], first_month, level, min_months)
            continue
        b, se = float(params[j, 1]), float(bse[j, 1])
        out[i] = GrowthEstimate(
            growth=float(np.expm1(b)),
            lower=float(np.expm1(b - z * se)),
            upper=float(np.expm1(b + z * se)),
            model=str(model[j]),
            dispersion=float(dispersion[j]),
            months=n,
            total=int(y[i].sum()),
            level=level,
        )
    return out


def _upper(
    observed: int, expected: float, var_pred: float, alpha: float, min_count: int
) -> tuple[float, float]:
    """The 1 - alpha predictive quantile and the upper-tail p-value of ``observed``."""
    if expected <= 0:
        return float(min_count - 1), (0.0 if observed > 0 else 1.0)
    if var_pred > expected * (1 + 1e-9):
        r = expected**2 / (var_pred - expected)
        prob = r / (r + expected)
        return float(stats.nbinom.ppf(1 - alpha, r, prob)), float(
            stats.nbinom.sf(observed - 1, r, prob)
        )
    return float(stats.poisson.ppf(1 - alpha, expected)), float(
        stats.poisson.sf(observed - 1, expected)
    )


def detect_change(
    counts: ArrayLike,
    first_month: int = 1,
    window: int = 3,
    alpha: float = 0.01,
    min_history: int = 12,
    min_count: int = 5,
    baseline_months: int | None = 24,
    trend_term: bool = False,
) -> ChangeTest | None:
    """Test whether the last ``window`` months exceed what the earlier history predicts.

    The baseline is the ``baseline_months`` months before the window (all history if None).
    With ``trend_term`` a linear trend significant at 5 % is extrapolated (Farrington's
    choice); by default it is not, so a threat that keeps growing is flagged as rising above
    its recent level rather than absorbed as "expected growth".
    Returns None when there are fewer than ``min_history`` months before the window.
    """
    y = np.asarray(counts, dtype=float)
    n = y.size
    hist = n - window
    if hist < min_history or window < 1:
        return None
    # calendar time in months, so the harmonic terms follow the months of the year
    t = np.arange(n, dtype=float) + (first_month - 1)
    yb = y[:hist]
    observed = int(y[hist:].sum())
    if yb.sum() == 0:
        mu_w = np.zeros(window)
        var_w = var_1 = 0.0
        dispersion = 1.0
        mu_all = np.zeros(n)
        var_all = np.zeros(n)
    else:
        res = None
        dispersion = 1.0
        has_trend = False
        first = max(0, hist - baseline_months) if baseline_months else 0
        yb = y[first:hist]
        for trend in (True, False) if trend_term else (False,):
            xb = _harmonic(t[first:hist], trend)
            res = _fit(yb, xb, sm.families.Poisson())
            if res is None:
                continue
            dof = max(hist - first - xb.shape[1], 1)
            dispersion = max(float((res.resid_pearson**2).sum() / dof), 1.0)
            if trend and abs(res.params[1] / (res.bse[1] * np.sqrt(dispersion))) < 1.96:
                continue
            has_trend = trend
            break
        if res is None:
            return None
        xw = _harmonic(t[hist:], has_trend)
        mu_w = np.exp(xw @ res.params)
        cov = res.cov_params() * dispersion
        g = (mu_w[:, None] * xw).sum(axis=0)
        g1 = mu_w[-1] * xw[-1]
        var_w = dispersion * mu_w.sum() + float(g @ cov @ g)
        var_1 = dispersion * mu_w[-1] + float(g1 @ cov @ g1)
        x_all = _harmonic(t, has_trend)
        mu_all = np.exp(x_all @ res.params)
        grad = mu_all[:, None] * x_all
        var_all = dispersion * mu_all + np.einsum("ij,jk,ik->i", grad, cov, grad)
    expected = float(mu_w.sum())
    # two looks at the window (its sum, and its last month alone), Bonferroni-split alpha
    threshold, p_value = _upper(observed, expected, var_w, alpha / 2, min_count)
    last = int(y[-1])
    threshold_1, p_1 = _upper(last, float(mu_w[-1]), var_1, alpha / 2, min_count)
    flagged = (observed > threshold or last > threshold_1) and observed >= min_count
    p_value = min(1.0, 2 * min(p_value, p_1))
    lo, hi = _band(mu_all, var_all)
    return ChangeTest(
        flagged=bool(flagged),
        observed=observed,
        expected=expected,
        threshold=threshold,
        p_value=p_value,
        dispersion=dispersion,
        fitted=tuple(float(v) for v in mu_all),
        band_lower=tuple(float(v) for v in lo),
        band_upper=tuple(float(v) for v in hi),
    )


def _band(
    mu: NDArray[np.float64], var: NDArray[np.float64], level: float = 0.95
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per-month predictive band: negative binomial quantiles matching mean and variance."""
    a = (1 - level) / 2
    lo = stats.poisson.ppf(a, mu)
    hi = stats.poisson.ppf(1 - a, mu)
    over = var > mu * (1 + 1e-9)
    if over.any():
        r = mu[over] ** 2 / (var[over] - mu[over])
        prob = r / (r + mu[over])
        lo[over] = stats.nbinom.ppf(a, r, prob)
        hi[over] = stats.nbinom.ppf(1 - a, r, prob)
    return np.nan_to_num(lo), np.nan_to_num(hi)
