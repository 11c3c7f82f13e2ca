"""Design-based variance: a hand computation, statsmodels' cluster-robust WLS, and SRS."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from marsad.errors import MarsadError
from marsad.stats import survey_proportion

# A tiny stratified two-PSU-per-stratum sample, small enough to compute by hand.
Y = [1, 0, 1, 1, 0, 0, 1, 0]
W = [10, 10, 20, 20, 15, 15, 5, 5]
H = ["a", "a", "a", "a", "b", "b", "b", "b"]
PSU = ["1", "1", "2", "2", "3", "3", "4", "4"]


def test_matches_hand_computation() -> None:
    # p = sum(w y)/sum(w) = (10 + 20 + 20 + 5) / 100 = 0.55
    # z_i = w_i (y_i - p) / 100; PSU totals: psu1 = (10*.45 + 10*-.55)/100 = -0.01,
    # psu2 = (20*.45*2)/100 = 0.18, psu3 = (15*-.55*2)/100 = -0.165, psu4 = (5*.45 + 5*-.55)/100 = -0.005
    # stratum a: mean 0.085, sum sq dev = 2 * 0.095^2; stratum b: mean -0.085, 2 * 0.08^2
    # V = 2/1 * (2 * 0.095^2) + 2/1 * (2 * 0.08^2) = 0.0361 + 0.0256 = 0.0617
    est = survey_proportion(Y, W, H, PSU)
    assert est.estimate == pytest.approx(0.55)
    assert est.se**2 == pytest.approx(0.0617)
    # Kish deff against p(1-p)/n = 0.2475/8
    assert est.deff == pytest.approx(0.0617 / (0.55 * 0.45 / 8))
    assert est.df == 2 and est.n == 8 and est.cases == 4
    assert 0 < est.lower < est.estimate < est.upper < 1


def test_single_stratum_equals_statsmodels_cluster_robust_wls() -> None:
    # With one stratum, the linearised variance of the weighted mean is the cluster-robust
    # sandwich of an intercept-only WLS with the G/(G-1) correction (Lumley 2010, section 2.3;
    # statsmodels' cov_type="cluster" applies G/(G-1) * (N-1)/(N-K), and K = 1 here).
    rng = np.random.default_rng(3)
    n = 400
    psu = rng.integers(0, 25, n)
    y = (rng.random(n) < 0.2 + 0.02 * (psu % 5)).astype(float)
    w = rng.uniform(1, 4, n)
    est = survey_proportion(y, w, ["s"] * n, psu.astype(str))
    res = sm.WLS(y, np.ones(n), weights=w).fit(cov_type="cluster", cov_kwds={"groups": psu})
    assert est.estimate == pytest.approx(res.params[0])
    assert est.se == pytest.approx(res.bse[0], rel=1e-9)


def test_simple_random_sample_gives_binomial_variance() -> None:
    # Equal weights, one respondent per PSU, one stratum: V = p(1-p)/(n-1), deff = n/(n-1).
    y = np.array([1] * 30 + [0] * 70)
    est = survey_proportion(y, np.ones(100), ["s"] * 100, [str(i) for i in range(100)])
    assert est.se**2 == pytest.approx(0.3 * 0.7 / 99)
    assert est.deff == pytest.approx(100 / 99)


def test_domain_keeps_all_psus() -> None:
    # A domain estimate must use every PSU (zeros where the domain is absent): compare the
    # domain estimate with the same computation done by hand on the full design.
    d = [1, 0, 1, 0, 1, 1, 0, 0]
    est = survey_proportion(Y, W, H, PSU, domain=d)
    wd = np.array(W) * np.array(d)
    p = (wd * np.array(Y)).sum() / wd.sum()
    z = wd * (np.array(Y) - p) / wd.sum()
    tot = np.array([z[0:2].sum(), z[2:4].sum(), z[4:6].sum(), z[6:8].sum()])
    v = 2 * ((tot[0] - tot[:2].mean()) ** 2 + (tot[1] - tot[:2].mean()) ** 2)
    v += 2 * ((tot[2] - tot[2:].mean()) ** 2 + (tot[3] - tot[2:].mean()) ** 2)
    assert est.estimate == pytest.approx(p) and est.se**2 == pytest.approx(v)
    assert est.n == 4


def test_lonely_psu_options() -> None:
    h = ["a", "a", "a", "a", "b", "b", "c", "c"]  # strata b and c have a single PSU each
    psu = ["1", "1", "2", "2", "3", "3", "4", "4"]
    adjust = survey_proportion(Y, W, h, psu, lonely_psu="adjust")
    certainty = survey_proportion(Y, W, h, psu, lonely_psu="certainty")
    assert adjust.se > certainty.se > 0
    with pytest.raises(MarsadError, match="single PSU"):
        survey_proportion(Y, W, h, psu, lonely_psu="fail")
