"""Validation by simulation: populations of known size with known list dependence.

Each replicate draws the full table of N people from a log-linear model with known list
dependence, hides the all-zero cell and estimates N (seeded; 100-150 replicates per scenario
keep the run short; ``python -m marsad.estimate._validation --reps 500`` runs more). Bias and
coverage of the 95 % intervals are asserted.
"""

from __future__ import annotations

import numpy as np

from marsad.estimate import fit_loglinear
from marsad.estimate._loglinear import histories
from marsad.estimate._validation import validate


def test_three_lists_with_dependence_bias_and_coverage() -> None:
    r = validate("dep3", reps=100, seed=1)
    print(f"dep3: bias {r.bias:+.3%}, coverage {r.coverage:.1%}, median width {r.median_width:.1%}")
    assert abs(r.bias) < 0.05
    assert r.coverage >= 0.90


def test_two_lists_independent_bias_and_coverage() -> None:
    r = validate("indep2", reps=150, seed=2)
    assert abs(r.bias) < 0.05
    assert r.coverage >= 0.90


def test_ignoring_dependence_would_be_biased() -> None:
    # the same populations estimated by the independence model alone are clearly biased
    # downwards: the model search is what removes the bias (the test can fail)
    rng = np.random.default_rng(3)
    h = histories(3)
    eta = h @ np.array([-1.0, -1.3, -1.1]) + 0.7 * h[:, 0] * h[:, 1]
    p = np.exp(eta) / np.exp(eta).sum()
    indep, averaged = [], []
    for _ in range(20):
        y = rng.multinomial(1000, p)
        fit = fit_loglinear(y[1:], 3)
        assert fit is not None
        indep.append(next(m.estimate for m in fit.models if not m.pairs))
        averaged.append(fit.estimate)
    assert np.mean(indep) < 0.93 * 1000 < np.mean(averaged)
