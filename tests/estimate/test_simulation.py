"""Validation by simulation: populations of known size with known list dependence.

Each replicate draws the full 2^3 table of N people from a log-linear model (three lists, a
positive dependence between lists 0 and 1), hides the all-zero cell, and estimates N. The
replicates are seeded; 100-150 per scenario keep the run short (``scripts`` in docs/estimate.md
run more). Bias and coverage of the 95 % intervals are asserted.
"""

from __future__ import annotations

import numpy as np

from marsad.estimate import fit_loglinear
from marsad.estimate._loglinear import histories


def _run(
    n_people: int,
    main: list[float],
    interactions: dict[tuple[int, int], float],
    reps: int,
    seed: int,
) -> tuple[float, float, float]:
    rng = np.random.default_rng(seed)
    k = len(main)
    h = histories(k)
    eta = h @ np.array(main)
    for (i, j), lam in interactions.items():
        eta = eta + lam * h[:, i] * h[:, j]
    p = np.exp(eta) / np.exp(eta).sum()
    rel_err, covered, widths = [], 0, []
    for _ in range(reps):
        y = rng.multinomial(n_people, p)
        fit = fit_loglinear(y[1:], k)
        assert fit is not None
        rel_err.append(fit.estimate / n_people - 1)
        covered += fit.lower <= n_people <= fit.upper
        widths.append((fit.upper - fit.lower) / n_people)
    return float(np.mean(rel_err)), covered / reps, float(np.median(widths))


def test_three_lists_with_dependence_bias_and_coverage() -> None:
    bias, coverage, width = _run(1000, [-1.0, -1.3, -1.1], {(0, 1): 0.7}, reps=100, seed=1)
    print(
        f"3 lists, lambda01=0.7: bias {bias:+.3%}, coverage {coverage:.1%}, median width {width:.1%}"
    )
    assert abs(bias) < 0.05
    assert coverage >= 0.90


def test_two_lists_independent_bias_and_coverage() -> None:
    bias, coverage, _ = _run(800, [-0.8, -1.0], {}, reps=150, seed=2)
    assert abs(bias) < 0.05
    assert coverage >= 0.90


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
