"""Log-linear multiple-systems estimation (capture-recapture) for 2 to 6 lists.

The observed part of the ``2^k`` contingency table of capture histories (every cell but the
all-zero one) is fitted by a Poisson GLM with log link: an intercept, a main effect per list and
a chosen set of pairwise interactions (Fienberg 1972; Bishop, Fienberg & Holland 1975, ch. 6;
IWGDMF 1995). The unobserved cell is ``exp(intercept)``. Models are ranked by AIC or BIC and
averaged with Akaike weights (Buckland, Burnham & Augustin 1997). Intervals come from the
multinomial profile likelihood of the population size (Cormack 1992) and, for the averaged
estimate, from the model-averaged tail area of those profile likelihoods (MATA-PL: Fletcher &
Turek 2012).

References
----------
Fienberg, S. E. (1972). The multiple recapture census for closed populations and incomplete
    2^k contingency tables. Biometrika 59(3), 591-603.
Cormack, R. M. (1992). Interval estimation for mark-recapture studies of closed populations.
    Biometrics 48(2), 567-576.
Buckland, S. T., Burnham, K. P. & Augustin, N. H. (1997). Model selection: an integral part of
    inference. Biometrics 53(2), 603-618.
Fletcher, D. & Turek, D. (2012). Model-averaged profile likelihood intervals. Journal of
    Agricultural, Biological, and Environmental Statistics 17(1), 38-51.
Chan, L., Silverman, B. W. & Vincent, K. (2021). Multiple systems estimation for sparse capture
    data: inferential challenges when there are nonoverlapping lists. JASA 116(535), 1297-1306.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

__all__ = [
    "MAX_LISTS",
    "MSEFit",
    "ModelFit",
    "design_matrix",
    "fit_loglinear",
    "histories",
]

MAX_LISTS = 6
_CHI2_95 = float(stats.chi2.ppf(0.95, 1))
_MAX_BETA = 25.0
_AVERAGE_DELTA = 10.0  # models within this IC distance of the best are averaged
_AVERAGE_MAX_MODELS = 8
_MIN_WEIGHT = 0.01  # models below this Akaike weight are left out of the average
_EXHAUSTIVE_MAX_PAIRS = 10  # 2^10 = 1024 models (5 lists); 6 lists use a stepwise search


def histories(k: int) -> np.ndarray:
    """All ``2^k`` capture histories as rows of 0/1, row ``i`` = bits of ``i`` (list 0 = bit 0)."""
    idx = np.arange(2**k)
    return ((idx[:, None] >> np.arange(k)[None, :]) & 1).astype(float)


def design_matrix(k: int, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    """Design of all ``2^k`` cells: intercept, main effects, then the given pairwise products."""
    h = histories(k)
    cols = [np.ones(2**k), *(h[:, i] for i in range(k)), *(h[:, i] * h[:, j] for i, j in pairs)]
    return np.column_stack(cols)


@dataclass(frozen=True)
class ModelFit:
    """One log-linear model fitted to the observed cells.

    ``pairs`` are the pairwise interactions (list indices); ``estimate`` is ``n + exp(b0)``;
    ``lower``/``upper`` the 95 % profile-likelihood interval (Cormack 1992), filled only for the
    models that enter the average; ``upper`` is ``inf`` when the likelihood stays flat.
    """

    pairs: tuple[tuple[int, int], ...]
    params: int
    loglik: float
    aic: float
    bic: float
    deviance: float
    df: int
    estimate: float
    interactions: tuple[float, ...]
    weight: float = 0.0
    lower: float | None = None
    upper: float | None = None

    @property
    def gof_pvalue(self) -> float | None:
        """Goodness of fit: P(chi2_df >= deviance); None for a saturated model (df = 0)."""
        if self.df <= 0:
            return None
        return float(stats.chi2.sf(self.deviance, self.df))


@dataclass(frozen=True)
class MSEFit:
    """Model-averaged multiple-systems estimate for one table of capture histories.

    ``estimate`` = sum of Akaike (or BIC) weights times model estimates (Buckland et al. 1997);
    ``lower``/``upper`` = model-averaged tail-area profile-likelihood interval (Fletcher & Turek
    2012), which is the plain profile-likelihood interval (Cormack 1992) when one model carries
    all the weight. ``models`` holds every model that was fitted, best first.
    """

    observed: int
    lists: int
    estimate: float
    lower: float
    upper: float
    criterion: str
    models: tuple[ModelFit, ...]
    excluded_pairs: tuple[tuple[int, int], ...]
    level: float = 0.95

    @property
    def best(self) -> ModelFit:
        return self.models[0]

    @property
    def averaged(self) -> tuple[ModelFit, ...]:
        return tuple(m for m in self.models if m.weight > 0)


# -- Poisson GLM (IRLS) -----------------------------------------------------------------------


def _irls(
    x: np.ndarray,
    y: np.ndarray,
    start: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Poisson GLM with log link by iteratively reweighted least squares.

    Returns (beta, mu, converged). Tested against ``statsmodels.GLM`` in the test suite.
    """
    if start is None:
        mu = y + 0.5
        eta = np.log(mu)
        beta = np.linalg.lstsq(x, eta, rcond=None)[0]
    else:
        beta = start.copy()
    xt = x.T
    eta = x @ beta
    mu = np.exp(np.minimum(eta, 700.0))
    for _ in range(max_iter):
        info = (xt * mu) @ x
        score = xt @ (y - mu)
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(info, score, rcond=None)[0]
        if not np.all(np.isfinite(step)):
            return beta, mu, False
        biggest = float(np.abs(step).max())
        if biggest > 5.0:  # damped Newton: never jump by more than e^5 in one step
            step = step * (5.0 / biggest)
        beta = beta + step
        eta = x @ beta
        mu = np.exp(np.minimum(eta, 700.0))
        if float(np.abs(step).max()) < tol:
            return beta, mu, bool(np.all(np.abs(beta) < _MAX_BETA + 10))
    return beta, mu, False


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2.0 * np.sum(term - (y - mu)))


def _poisson_loglik(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(mu), 0.0)
    return float(np.sum(term - mu - special.gammaln(y + 1)))


# -- one model --------------------------------------------------------------------------------


class _Model:
    """A model's design over all cells, with its fit to the observed cells and its profile."""

    def __init__(self, k: int, pairs: tuple[tuple[int, int], ...], y_obs: np.ndarray) -> None:
        self.k = k
        self.pairs = pairs
        self.x_full = design_matrix(k, pairs)
        self.x_obs = self.x_full[1:]
        self.y_obs = y_obs
        self.n = float(y_obs.sum())
        self._profile_cache: dict[float, float] = {}
        self._warm: np.ndarray | None = None

    def fit(self) -> ModelFit | None:
        beta, mu, ok = _irls(self.x_obs, self.y_obs)
        if not ok or not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > _MAX_BETA:
            return None  # the MLE does not exist (a margin is zero) or is on the boundary
        p = self.x_obs.shape[1]
        ll = _poisson_loglik(self.y_obs, mu)
        n0 = float(math.exp(beta[0]))
        self._beta_obs = beta
        return ModelFit(
            pairs=self.pairs,
            params=p,
            loglik=ll,
            aic=-2 * ll + 2 * p,
            bic=-2 * ll + p * math.log(max(self.n, 2.0)),
            deviance=_deviance(self.y_obs, mu),
            df=len(self.y_obs) - p,
            estimate=self.n + n0,
            interactions=tuple(float(b) for b in beta[1 + self.k :]),
        )

    def profile(self, total: float) -> float:
        """Multinomial profile log-likelihood of the population size (Cormack 1992)."""
        if total in self._profile_cache:
            return self._profile_cache[total]
        y = np.concatenate([[total - self.n], self.y_obs])
        start = self._warm if self._warm is not None else self._start()
        beta, mu, ok = _irls(self.x_full, y, start=start, max_iter=60, tol=1e-6)
        if not ok or not np.all(np.isfinite(mu)):
            beta, mu, ok = _irls(self.x_full, y, max_iter=200, tol=1e-6)
        if ok and np.all(np.isfinite(beta)):
            self._warm = beta
        with np.errstate(divide="ignore", invalid="ignore"):
            kern = np.where(y > 0, y * np.log(mu / total), 0.0)
        value = float(special.gammaln(total + 1) - special.gammaln(total - self.n + 1) + kern.sum())
        self._profile_cache[total] = value
        return value

    def _start(self) -> np.ndarray:
        return self._beta_obs.copy()

    def maximise(self, guess: float) -> tuple[float, float]:
        """(argmax, max) of the profile over total >= n, bracketed around ``guess``."""
        # the profile maximum lies near the conditional estimate (Sanathanan 1972)
        lo = max(self.n, self.n + 0.5 * (guess - self.n))
        hi = max(self.n + 2.0 * (guess - self.n), self.n + 10.0)
        res = optimize.minimize_scalar(
            lambda t: -self.profile(t),
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 1e-3 * max(guess, 1.0)},
        )
        best_t, best_v = float(res.x), -float(res.fun)
        if self.profile(self.n) > best_v:
            best_t, best_v = self.n, self.profile(self.n)
        return best_t, best_v

    def signed_root(self, total: float, argmax: float, maximum: float) -> float:
        """sign(total - argmax) * sqrt(2 (max - profile(total))): ~ N(0, 1) at the truth."""
        d = max(0.0, 2.0 * (maximum - self.profile(total)))
        return math.copysign(math.sqrt(d), total - argmax)


def _norm_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _xtol(scale: float) -> float:
    """Root tolerance: a hundredth of a person, or 1e-5 of the size for large populations."""
    return max(1e-2, 1e-4 * abs(scale))


def _upper_search(fn: Callable[[float], float], start: float, n: float, target: float) -> float:
    """Smallest total above ``start`` where the increasing function ``fn`` reaches ``target``."""
    lo = start
    if fn(lo) >= target:
        return lo
    step = max(start - n, 1.0)
    hi = start + step
    for _ in range(40):
        if fn(hi) >= target:
            return float(optimize.brentq(lambda t: fn(t) - target, lo, hi, xtol=_xtol(hi)))
        lo, step = hi, step * 2.0
        hi = lo + step
        if hi > n * 1e4 + 1e6:
            break
    return math.inf


def _profile_interval(
    model: _Model, argmax: float, maximum: float, n: float, target: float
) -> tuple[float, float]:
    """Where twice the profile log-likelihood drops by ``target`` on each side (Cormack 1992)."""

    def drop(t: float) -> float:
        return 2.0 * (maximum - model.profile(t))

    lo = n if drop(n) <= target else _lower_search(lambda t: -drop(t), argmax, n, -target)
    return lo, _upper_search(drop, argmax, n, target)


def _bracketed(fn: Callable[[float], float], a: float, b: float, target: float) -> float | None:
    """Root of the increasing ``fn = target`` in [a, b]; None when [a, b] does not bracket it."""
    fa = fn(a) - target
    if fa >= 0:
        return a if fa < 1e-12 or a == b else None
    if a == b:
        return None
    fb = fn(b) - target
    if fb < 0:
        return None
    return float(optimize.brentq(lambda t: fn(t) - target, a, b, xtol=_xtol(b)))


def _lower_search(fn: Callable[[float], float], start: float, n: float, target: float) -> float:
    """Largest total below ``start`` (at least ``n``) where ``fn`` reaches ``target``."""
    if fn(n) >= target:
        return n
    if fn(start) < target:
        return _upper_search(fn, start, n, target)
    return float(optimize.brentq(lambda t: fn(t) - target, n, start, xtol=_xtol(start)))


# -- model search -----------------------------------------------------------------------------


def _candidate_pairs(
    k: int, y_obs: np.ndarray
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Pairs whose two-way overlap is positive (an interaction on an empty overlap has no MLE)."""
    h = histories(k)[1:]
    allowed: list[tuple[int, int]] = []
    excluded: list[tuple[int, int]] = []
    for i, j in itertools.combinations(range(k), 2):
        overlap = float(y_obs[(h[:, i] == 1) & (h[:, j] == 1)].sum())
        (allowed if overlap > 0 else excluded).append((i, j))
    return allowed, excluded


def _ic(m: ModelFit, criterion: str) -> float:
    return m.aic if criterion == "aic" else m.bic


def _search(
    k: int, y_obs: np.ndarray, allowed: list[tuple[int, int]], criterion: str
) -> dict[tuple[tuple[int, int], ...], tuple[_Model, ModelFit]]:
    fitted: dict[tuple[tuple[int, int], ...], tuple[_Model, ModelFit]] = {}

    def fit(pairs: tuple[tuple[int, int], ...]) -> ModelFit | None:
        pairs = tuple(sorted(pairs))
        if pairs in fitted:
            return fitted[pairs][1]
        if 1 + k + len(pairs) > len(y_obs):
            return None
        model = _Model(k, pairs, y_obs)
        result = model.fit()
        if result is not None:
            fitted[pairs] = (model, result)
        return result

    if len(allowed) <= _EXHAUSTIVE_MAX_PAIRS:
        for r in range(len(allowed) + 1):
            for combo in itertools.combinations(allowed, r):
                fit(combo)
        return fitted
    # Stepwise (forward and backward) search from independence; every visited model is kept.
    current: tuple[tuple[int, int], ...] = ()
    cur_fit = fit(current)
    if cur_fit is None:
        return fitted
    improved = True
    while improved:
        improved = False
        moves = [tuple(sorted((*current, p))) for p in allowed if p not in current]
        moves += [tuple(q for q in current if q != p) for p in current]
        for mv in moves:
            f = fit(mv)
            if f is not None and _ic(f, criterion) < _ic(cur_fit, criterion) - 1e-9:
                current, cur_fit, improved = mv, f, True
    return fitted


def fit_loglinear(
    counts: Mapping[tuple[int, ...], int] | Sequence[int] | np.ndarray,
    k: int | None = None,
    *,
    criterion: str = "aic",
    level: float = 0.95,
) -> MSEFit | None:
    """Fit the log-linear models and return the averaged estimate with its interval.

    Parameters
    ----------
    counts
        Either a mapping from capture history (tuple of 0/1 per list) to count, or a sequence
        of ``2^k - 1`` counts for histories 1 .. 2^k - 1 in binary order (list 0 = lowest bit).
    k
        Number of lists (needed when ``counts`` is a sequence).
    criterion
        ``"aic"`` or ``"bic"``: ranks the models and gives the averaging weights.
    level
        Confidence level of the interval.

    Returns
    -------
    MSEFit or None
        None when no model can be fitted (no overlap at all, or every fit diverges).
    """
    if criterion not in ("aic", "bic"):
        raise ValueError(f"criterion must be 'aic' or 'bic'; got {criterion!r}")
    y_obs = _as_vector(counts, k)
    k = round(math.log2(len(y_obs) + 1))
    if not 2 <= k <= MAX_LISTS:
        raise ValueError(f"between 2 and {MAX_LISTS} lists are supported; got {k}")
    n = float(y_obs.sum())
    allowed, excluded = _candidate_pairs(k, y_obs)
    fitted = _search(k, y_obs, allowed, criterion)
    if not fitted or n <= 0:
        return None
    ranked = sorted(fitted.values(), key=lambda mf: _ic(mf[1], criterion))
    best_ic = _ic(ranked[0][1], criterion)
    chosen = [mf for mf in ranked if _ic(mf[1], criterion) - best_ic <= _AVERAGE_DELTA][
        :_AVERAGE_MAX_MODELS
    ]
    raw = np.array([math.exp(-0.5 * (_ic(f, criterion) - best_ic)) for _, f in chosen])
    keep = raw / raw.sum() >= _MIN_WEIGHT
    chosen = [mf for mf, k in zip(chosen, keep, strict=True) if k]
    weights = raw[keep] / raw[keep].sum()
    alpha = 1.0 - level
    target = float(stats.chi2.ppf(level, 1))
    profiles = []
    averaged: list[ModelFit] = []
    for (model, f), w in zip(chosen, weights, strict=True):
        argmax, maximum = model.maximise(f.estimate)
        lo, hi = _profile_interval(model, argmax, maximum, n, target)
        profiles.append((model, argmax, maximum))
        averaged.append(_replace(f, weight=float(w), lower=lo, upper=hi))
    estimate = float(sum(w * f.estimate for f, w in zip(averaged, weights, strict=True)))
    if len(averaged) == 1:
        lower = averaged[0].lower if averaged[0].lower is not None else n
        upper = averaged[0].upper if averaged[0].upper is not None else math.inf
    else:

        def cdf(t: float) -> float:
            return float(
                sum(
                    w * _norm_cdf(m.signed_root(t, a, mx))
                    for (m, a, mx), w in zip(profiles, weights, strict=True)
                )
            )

        # The mixture's quantile lies between the models' own limits (each model's tail area
        # is alpha/2 at its own limit), which brackets the root without a search.
        lows = [f.lower for f in averaged if f.lower is not None]
        highs = [f.upper for f in averaged if f.upper is not None]
        found = _bracketed(cdf, min(lows), max(lows), alpha / 2)
        lower = (
            found
            if found is not None
            else _lower_search(cdf, max(estimate, n + 1e-9), n, alpha / 2)
        )
        finite = [h for h in highs if math.isfinite(h)]
        found = None
        if finite and len(finite) == len(highs):
            found = _bracketed(cdf, min(finite), max(finite), 1 - alpha / 2)
        upper = (
            found if found is not None else _upper_search(cdf, max(estimate, n), n, 1 - alpha / 2)
        )
    others = [f for _, f in ranked[len(chosen) :]]
    return MSEFit(
        observed=int(n),
        lists=k,
        estimate=estimate,
        lower=float(lower),
        upper=float(upper),
        criterion=criterion,
        models=(*averaged, *others),
        excluded_pairs=tuple(excluded),
        level=level,
    )


def _replace(f: ModelFit, **changes: object) -> ModelFit:
    from dataclasses import replace

    return replace(f, **changes)  # type: ignore[arg-type]


def _as_vector(
    counts: Mapping[tuple[int, ...], int] | Sequence[int] | np.ndarray, k: int | None
) -> np.ndarray:
    if isinstance(counts, Mapping):
        if not counts:
            raise ValueError("no capture histories given")
        k = len(next(iter(counts)))
        y = np.zeros(2**k - 1)
        for hist, c in counts.items():
            if len(hist) != k:
                raise ValueError(f"history {hist} has {len(hist)} entries; expected {k}")
            idx = sum(int(b) << i for i, b in enumerate(hist))
            if idx == 0:
                continue  # the unobserved cell cannot be counted
            y[idx - 1] = c
        return y
    y = np.asarray(counts, dtype=float)
    if k is not None and len(y) != 2**k - 1:
        raise ValueError(f"{len(y)} counts given; {2**k - 1} expected for {k} lists")
    if len(y) + 1 & len(y):
        raise ValueError(f"{len(y)} counts given; expected 2^k - 1 for some k")
    return y
