"""Intervals against scipy/statsmodels and published worked examples (sources in each test)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from marsad.stats import (
    adjust_pvalues,
    clopper_pearson,
    exact_rate_ratio,
    garwood,
    poisson_homogeneity,
    ratio_heterogeneity,
    wilson,
)


def test_garwood_matches_published_table() -> None:
    # Exact 95 % Poisson limits tabulated by Ulm (1990), Am J Epidemiol 131:373-375, and in
    # Sahai & Khurshid (1993) table 1: n=0 -> (0, 3.689); n=1 -> (0.0253, 5.572);
    # n=5 -> (1.624, 11.668); n=10 -> (4.795, 18.390).
    lo, hi = garwood([0, 1, 5, 10])
    np.testing.assert_allclose(lo, [0, 0.0253, 1.6235, 4.7954], atol=6e-4)
    np.testing.assert_allclose(hi, [3.6889, 5.5716, 11.6683, 18.3904], atol=6e-4)


def test_garwood_coverage_is_at_least_nominal() -> None:
    for mu in (0.5, 3.0, 12.0):
        ks = np.arange(0, 80)
        lo, hi = garwood(ks)
        covered = (lo <= mu) & (mu <= hi)
        assert stats.poisson.pmf(ks[covered], mu).sum() >= 0.95


def test_wilson_matches_newcombe_and_statsmodels() -> None:
    # Newcombe (1998) Stat Med 17:857-872, table II: 81/263 -> Wilson 0.2553 to 0.3662.
    lo, hi = wilson(81, 263)
    assert float(lo) == pytest.approx(0.2553, abs=1e-4)
    assert float(hi) == pytest.approx(0.3662, abs=1e-4)
    x = np.array([0, 1, 7, 15, 40])
    n = np.array([10, 10, 33, 15, 100])
    lo, hi = wilson(x, n)
    slo, shi = proportion_confint(x, n, method="wilson")
    np.testing.assert_allclose(lo, slo, atol=1e-12)
    np.testing.assert_allclose(hi, shi, atol=1e-12)


def test_clopper_pearson_matches_statsmodels_beta() -> None:
    x = np.array([0, 1, 7, 15])
    n = np.array([10, 10, 33, 15])
    lo, hi = clopper_pearson(x, n)
    slo, shi = proportion_confint(x, n, method="beta")
    np.testing.assert_allclose(lo, slo, atol=1e-10)
    np.testing.assert_allclose(hi, shi, atol=1e-10)
    assert np.isnan(wilson(0, 0)[0]) and np.isnan(clopper_pearson(0, 0)[0])


def test_exact_rate_ratio_is_the_conditional_binomial() -> None:
    # By definition (Breslow & Day 1987, section 2.2): conditional on a+b, a ~ Bin(a+b, pi),
    # RR = pi/(1-pi) * E2/E1. Checked against scipy's exact binomial interval and test.
    a, e1, b, e2 = 30, 10_000.0, 15, 12_000.0
    rr, lo, hi, p = exact_rate_ratio(a, e1, b, e2)
    ci = stats.binomtest(a, a + b, e1 / (e1 + e2)).proportion_ci(0.95, method="exact")
    assert float(rr) == pytest.approx((30 / 10_000) / (15 / 12_000))
    assert float(lo) == pytest.approx(ci.low / (1 - ci.low) * e2 / e1)
    assert float(hi) == pytest.approx(ci.high / (1 - ci.high) * e2 / e1)
    pi0 = e1 / (e1 + e2)  # doubled smaller tail, the test the Clopper-Pearson interval inverts
    tail = min(stats.binom.cdf(a, a + b, pi0), stats.binom.sf(a - 1, a + b, pi0))
    assert float(p) == pytest.approx(min(1.0, 2 * tail))
    assert (float(p) < 0.05) == (not lo <= 1 <= hi)
    assert lo < rr < hi


def test_exact_rate_ratio_close_to_statsmodels_score_for_large_counts() -> None:
    from statsmodels.stats.rates import confint_poisson_2indep

    _, lo, hi, _ = exact_rate_ratio(900, 1e6, 600, 1.1e6)
    slo, shi = confint_poisson_2indep(900, 1e6, 600, 1.1e6, method="score", compare="ratio")
    assert float(lo) == pytest.approx(slo, rel=0.01)
    assert float(hi) == pytest.approx(shi, rel=0.01)


def test_poisson_homogeneity_equals_scipy_chisquare() -> None:
    counts = np.array([30, 45, 12, 60])
    exposure = np.array([1e5, 1.2e5, 0.8e5, 1.1e5])
    stat, df, p = poisson_homogeneity(counts, exposure)
    expected = counts.sum() * exposure / exposure.sum()
    ref = stats.chisquare(counts, expected)
    assert stat == pytest.approx(ref.statistic) and p == pytest.approx(ref.pvalue) and df == 3


def test_ratio_heterogeneity_equals_statsmodels_cochran_q() -> None:
    a = np.array([40, 25, 60, 12])
    b = np.array([20, 22, 25, 10])
    q, df, p = ratio_heterogeneity(a, b)
    res = combine_effects(np.log(a / b), 1 / a + 1 / b)
    assert q == pytest.approx(res.q) and df == 3
    assert p == pytest.approx(stats.chi2.sf(res.q, 3))


@pytest.mark.parametrize(("ours", "theirs"), [("holm", "holm"), ("bh", "fdr_bh")])
def test_adjust_pvalues_matches_statsmodels(ours: str, theirs: str) -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.2, np.nan, 0.049])
    got = adjust_pvalues(p, ours)
    ref = multipletests(p[~np.isnan(p)], method=theirs)[1]
    np.testing.assert_allclose(got[~np.isnan(p)], ref)
    assert np.isnan(got[5])
    with pytest.raises(ValueError, match="holm"):
        adjust_pvalues(p, "bonferonni")
