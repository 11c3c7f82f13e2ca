"""The log-linear engine against outside references: statsmodels' GLM and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm

from marsad.estimate import fit_loglinear
from marsad.estimate._loglinear import _irls, design_matrix


def test_irls_matches_statsmodels_glm() -> None:
    y = np.array([376, 206, 104, 273, 112, 62, 33], dtype=float)
    for pairs in [(), ((0, 1),), ((0, 1), (1, 2))]:
        x = design_matrix(3, pairs)[1:]
        ref = sm.GLM(y, x, family=sm.families.Poisson()).fit()
        beta, _, ok = _irls(x, y)
        assert ok
        np.testing.assert_allclose(beta, ref.params, rtol=1e-7, atol=1e-9)
    fit = fit_loglinear(y, 3)
    assert fit is not None
    by_pairs = {m.pairs: m for m in fit.models}
    ref = sm.GLM(y, design_matrix(3, ((0, 1),))[1:], family=sm.families.Poisson()).fit()
    assert by_pairs[((0, 1),)].aic == pytest.approx(ref.aic, rel=1e-9)
    assert by_pairs[((0, 1),)].deviance == pytest.approx(ref.deviance, rel=1e-7)


def test_two_lists_is_lincoln_petersen() -> None:
    # independence on two lists: N = n1 * n2 / m  (Petersen; Bishop, Fienberg & Holland 1975, 6.2)
    n10, n01, n11 = 60, 40, 20
    fit = fit_loglinear({(1, 0): n10, (0, 1): n01, (1, 1): n11})
    assert fit is not None and len(fit.models) == 1
    assert fit.estimate == pytest.approx((n10 + n11) * (n01 + n11) / n11, rel=1e-9)
    assert fit.lower < fit.estimate < fit.upper


def test_saturated_three_list_closed_form() -> None:
    # all pairwise interactions on 3 lists: n000 = n100 n010 n001 n111 / (n110 n101 n011)
    # (Bishop, Fienberg & Holland 1975, section 6.4)
    c = {
        (1, 0, 0): 120,
        (0, 1, 0): 90,
        (0, 0, 1): 70,
        (1, 1, 0): 30,
        (1, 0, 1): 25,
        (0, 1, 1): 20,
        (1, 1, 1): 8,
    }
    fit = fit_loglinear(c)
    assert fit is not None
    sat = next(m for m in fit.models if len(m.pairs) == 3)
    n0 = 120 * 90 * 70 * 8 / (30 * 25 * 20)
    assert sat.estimate == pytest.approx(sum(c.values()) + n0, rel=1e-8)
    assert sat.df == 0 and sat.gof_pvalue is None


def test_profile_interval_is_where_the_likelihood_drops_by_chi2() -> None:
    fit = fit_loglinear([60, 40, 20])
    assert fit is not None
    # Cormack (1992): the multinomial profile likelihood of N, checked by brute force on a grid
    n1, n2, _m, n = 80, 60, 20, 120

    def prof(total: float) -> float:
        p1, p2 = n1 / total, n2 / total  # independence MLEs given N
        y = [total - n, 60, 40, 20]
        p = [(1 - p1) * (1 - p2), p1 * (1 - p2), (1 - p1) * p2, p1 * p2]
        return (
            math.lgamma(total + 1)
            - math.lgamma(total - n + 1)
            + sum(yy * math.log(pp) for yy, pp in zip(y, p, strict=True) if yy > 0)
        )

    grid = np.linspace(n + 0.01, 600, 60000)
    values = np.array([prof(g) for g in grid])
    inside = grid[2 * (values.max() - values) <= 3.841458820694124]
    assert fit.lower == pytest.approx(inside.min(), abs=0.05)
    assert fit.upper == pytest.approx(inside.max(), abs=0.05)


def test_no_overlap_gives_no_model_and_bad_input_is_refused() -> None:
    assert fit_loglinear([10, 5, 0]) is None
    with pytest.raises(ValueError, match="2\\^k - 1"):
        fit_loglinear([1, 2, 3, 4])
    with pytest.raises(ValueError, match="criterion"):
        fit_loglinear([1, 2, 3], criterion="dic")


def test_seber_two_sample_example() -> None:
    """Two-sample data of Seber (1982), *The Estimation of Animal Abundance*, 2nd ed., p. 107:
    167 marked in both samples, 781 only in the first, 254 only in the second (counts as given
    in the documentation of R package Rcapture, ``closedp`` examples). The expected value is the
    Petersen estimate n1 n2 / m = 948 x 421 / 167, which the independence log-linear model must
    reproduce exactly; the printed page itself was not checked (see docs/estimate.md)."""
    fit = fit_loglinear({(1, 1): 167, (1, 0): 781, (0, 1): 254})
    assert fit is not None
    assert fit.estimate == pytest.approx(948 * 421 / 167, rel=1e-9)  # 2389.86
    assert round(fit.estimate) == 2390
    assert fit.lower < fit.estimate < fit.upper
