"""Survey-weighted prevalence with design-based standard errors (Taylor linearisation).

The estimator of a domain proportion is the ratio ``p = sum(w d y) / sum(w d)``. Its
linearised variable for respondent i is ``z_i = w_i d_i (y_i - p) / sum(w d)``; PSU totals
``z_hj`` are summed within strata and the with-replacement variance of the first stage is

    V(p) = sum_h  n_h / (n_h - 1) * sum_j (z_hj - mean_h(z))^2

(Woodruff 1971, JASA 66:411-414; Wolter 2007, *Introduction to Variance Estimation*, ch. 6;
Lumley 2010, *Complex Surveys*, section 2.3 and appendix C; it is what R's ``survey::svymean``
computes for a design ``svydesign(ids=~psu, strata=~stratum, weights=~w)``). Domain estimates
keep every PSU of the sample (PSUs with nobody of the domain contribute z = 0), as a domain
estimate must.

A stratum with a single PSU has no within-stratum variance. ``lonely_psu="adjust"`` (default,
conservative) centres that PSU at the mean of all PSU totals instead of its stratum mean, as R's
``options(survey.lonely.psu = "adjust")``; ``"certainty"`` lets it contribute nothing;
``"fail"`` raises.

The design effect is Kish's ``deff = V(p) / V_srs(p)`` with ``V_srs = p (1 - p) / n`` the
variance of a simple random sample (with replacement) of the same number ``n`` of
respondents in the domain (Kish 1965, *Survey Sampling*, section 8.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from marsad.errors import MarsadError

__all__ = ["DesignEstimate", "PsuDesign", "ratio_variance", "survey_proportion"]

LONELY_PSU = ("adjust", "certainty", "fail")


@dataclass(frozen=True)
class DesignEstimate:
    """A survey-weighted proportion with its design-based uncertainty.

    ``se`` from Taylor linearisation with with-replacement PSUs; ``lower``/``upper`` a logit
    interval with ``df = #PSU - #strata`` t-quantiles (Lumley 2010, ``svyciprop`` method
    "logit"); ``deff`` Kish's design effect; ``n`` respondents in the domain; ``cases`` of them
    with the outcome.
    """

    estimate: float
    se: float
    lower: float
    upper: float
    deff: float
    n: int
    cases: int
    df: int
    method: str = "taylor-linearisation (with-replacement PSUs)"


@dataclass(frozen=True)
class PsuDesign:
    """The sample's PSUs: ``stratum_of[j]`` is the stratum index (0..H-1) of PSU j."""

    stratum_of: NDArray[np.int64]

    @property
    def n_psu(self) -> int:
        return int(self.stratum_of.size)

    @property
    def n_strata(self) -> int:
        return int(np.unique(self.stratum_of).size)

    @property
    def df(self) -> int:
        return max(self.n_psu - self.n_strata, 1)


def ratio_variance(
    wy: ArrayLike, w: ArrayLike, design: PsuDesign, lonely_psu: str = "adjust"
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Linearised variance of ``p = sum(wy)/sum(w)`` for each row of PSU-total matrices.

    ``wy`` and ``w`` are (cells x PSUs) arrays of PSU totals of ``w*d*y`` and ``w*d``.
    Returns (p, variance), one value per cell (NaN where the domain is empty).
    """
    if lonely_psu not in LONELY_PSU:
        raise ValueError(f"lonely_psu must be one of {', '.join(LONELY_PSU)}; got {lonely_psu!r}.")
    wy = np.atleast_2d(np.asarray(wy, dtype=float))
    w = np.atleast_2d(np.asarray(w, dtype=float))
    strata = design.stratum_of
    n_strata = int(strata.max()) + 1 if strata.size else 0
    n_h = np.bincount(strata, minlength=n_strata).astype(float)
    total_w = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = wy.sum(axis=1) / total_w
        z = (wy - p[:, None] * w) / total_w[:, None]
    z = np.nan_to_num(z)
    sums = np.zeros((z.shape[0], n_strata))
    for h in range(n_strata):
        sums[:, h] = z[:, strata == h].sum(axis=1)
    means = sums / np.maximum(n_h, 1)
    centred = z - means[:, strata]
    lonely = n_h[strata] == 1
    if lonely.any():
        if lonely_psu == "fail":
            raise MarsadError(
                "The survey has a stratum with a single PSU; its variance cannot be estimated. "
                "Merge it with a similar stratum or choose lonely_psu='adjust' or 'certainty'.",
                code="stats.lonely_psu",
            )
        if lonely_psu == "adjust":
            grand = z.mean(axis=1)
            centred[:, lonely] = z[:, lonely] - grand[:, None]
        else:
            centred[:, lonely] = 0.0
    factor = np.where(n_h > 1, n_h / np.maximum(n_h - 1, 1), 1.0)[strata]
    var = (factor * centred**2).sum(axis=1)
    var = np.where(total_w > 0, var, np.nan)
    return p, var


def survey_proportion(
    y: ArrayLike,
    weights: ArrayLike,
    strata: ArrayLike,
    psu: ArrayLike,
    domain: ArrayLike | None = None,
    level: float = 0.95,
    lonely_psu: str = "adjust",
) -> DesignEstimate:
    """Weighted proportion of ``y`` (0/1) in ``domain`` with a design-based interval.

    Respondent-level entry point (the indicator engine aggregates PSU totals in the database
    and calls :func:`ratio_variance` directly). PSU labels are nested in strata.
    """
    y_arr = np.asarray(y, dtype=float)
    w_arr = np.asarray(weights, dtype=float)
    d = np.ones_like(y_arr) if domain is None else np.asarray(domain, dtype=float)
    keys = list(zip(np.asarray(strata).tolist(), np.asarray(psu).tolist(), strict=True))
    psu_ids = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    stratum_ids = {s: i for i, s in enumerate(dict.fromkeys(k[0] for k in psu_ids))}
    idx = np.array([psu_ids[k] for k in keys])
    design = PsuDesign(np.array([stratum_ids[k[0]] for k in psu_ids], dtype=np.int64))
    wy = np.bincount(idx, weights=w_arr * d * y_arr, minlength=design.n_psu)
    ww = np.bincount(idx, weights=w_arr * d, minlength=design.n_psu)
    p, var = ratio_variance(wy[None, :], ww[None, :], design, lonely_psu)
    n = int((d > 0).sum())
    cases = int(((d > 0) & (y_arr > 0)).sum())
    lo, hi = logit_interval(p, np.sqrt(var), design.df, level)
    return DesignEstimate(
        estimate=float(p[0]),
        se=float(np.sqrt(var[0])),
        lower=float(lo[0]),
        upper=float(hi[0]),
        deff=float(design_effect(p, var, np.array([n]))[0]),
        n=n,
        cases=cases,
        df=design.df,
    )


def logit_interval(
    p: ArrayLike, se: ArrayLike, df: int, level: float = 0.95
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Interval on the logit scale, back-transformed (Lumley 2010, ``svyciprop`` "logit")."""
    p = np.asarray(p, dtype=float)
    se = np.asarray(se, dtype=float)
    t = stats.t.ppf(1 - (1 - level) / 2, df)
    with np.errstate(invalid="ignore", divide="ignore"):
        logit = np.log(p / (1 - p))
        half = t * se / (p * (1 - p))
        lo = 1 / (1 + np.exp(-(logit - half)))
        hi = 1 / (1 + np.exp(-(logit + half)))
    lo = np.where(p <= 0, 0.0, np.where(p >= 1, np.nan, lo))
    hi = np.where(p >= 1, 1.0, np.where(p <= 0, np.nan, hi))
    # at p = 0 or 1 the logit interval degenerates; fall back to the exact side
    return lo, hi


def design_effect(p: ArrayLike, var: ArrayLike, n: ArrayLike) -> NDArray[np.float64]:
    """Kish's design effect: design variance over ``p (1 - p) / n``."""
    p = np.asarray(p, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        srs = p * (1 - p) / np.asarray(n, dtype=float)
        return np.where(srs > 0, np.asarray(var, dtype=float) / srs, np.nan)
