"""Simulation check of the estimator: bias and coverage on populations of known size.

Run more replicates than the test suite does with::

    .venv/bin/python -m marsad.estimate._validation --reps 500

Scenarios draw the full ``2^k`` table of ``N`` people from a log-linear model with known list
dependence (the models' own assumptions hold), except ``hetero3``: two latent classes of
people with different capture probabilities, which pairwise log-linear models cannot capture
(Chao et al. 2001), to show what heterogeneity does to the estimate.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np

from marsad.estimate._loglinear import fit_loglinear, histories

__all__ = ["SCENARIOS", "ValidationResult", "validate"]

#: name -> (N, main effects, {pair: interaction}) of the generating log-linear model
SCENARIOS: dict[str, tuple[int, list[float], dict[tuple[int, int], float]]] = {
    "indep2": (800, [-0.8, -1.0], {}),
    "dep3": (1000, [-1.0, -1.3, -1.1], {(0, 1): 0.7}),
    "dep4": (2000, [-1.2, -1.5, -1.0, -1.8], {(0, 1): 0.7, (2, 3): -0.5}),
}


@dataclass(frozen=True)
class ValidationResult:
    """Mean relative bias, coverage of the 95 % intervals and median relative width."""

    scenario: str
    reps: int
    bias: float
    coverage: float
    median_width: float
    seconds: float


def _table(rng: np.random.Generator, scenario: str) -> tuple[int, np.ndarray, int]:
    if scenario == "hetero3":
        n = 1500
        shy = rng.random(n) < 0.5  # half the people are half as likely to reach any list
        p = np.where(shy[:, None], [0.1, 0.08, 0.12], [0.4, 0.35, 0.45])
        caps = rng.random((n, 3)) < p
        idx = (caps * (1 << np.arange(3))).sum(axis=1)
        return n, np.bincount(idx, minlength=8), 3
    n, main, inter = SCENARIOS[scenario]
    k = len(main)
    h = histories(k)
    eta = h @ np.array(main)
    for (i, j), lam in inter.items():
        eta = eta + lam * h[:, i] * h[:, j]
    p = np.exp(eta) / np.exp(eta).sum()
    return n, rng.multinomial(n, p), k


def validate(
    scenario: str, reps: int = 100, seed: int = 1, criterion: str = "aic"
) -> ValidationResult:
    """Run ``reps`` seeded replicates of ``scenario`` and summarise bias and coverage."""
    if scenario not in (*SCENARIOS, "hetero3"):
        raise ValueError(f"unknown scenario {scenario!r}; use {', '.join((*SCENARIOS, 'hetero3'))}")
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    errors, widths, covered = [], [], 0
    for _ in range(reps):
        n, table, k = _table(rng, scenario)
        fit = fit_loglinear(table[1:], k, criterion=criterion)
        if fit is None:
            errors.append(np.nan)
            continue
        errors.append(fit.estimate / n - 1)
        widths.append((fit.upper - fit.lower) / n)
        covered += fit.lower <= n <= fit.upper
    return ValidationResult(
        scenario=scenario,
        reps=reps,
        bias=float(np.nanmean(errors)),
        coverage=covered / reps,
        median_width=float(np.median(widths)) if widths else float("nan"),
        seconds=time.perf_counter() - start,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--criterion", default="aic", choices=("aic", "bic"))
    parser.add_argument("--scenario", action="append", help="default: all")
    args = parser.parse_args(argv)
    for name in args.scenario or [*SCENARIOS, "hetero3"]:
        r = validate(name, args.reps, args.seed, args.criterion)
        print(
            f"{r.scenario:8s} reps={r.reps:5d} bias={r.bias:+.2%} coverage={r.coverage:.1%} "
            f"median width={r.median_width:.1%} ({r.seconds:.1f} s)"
        )


if __name__ == "__main__":
    main()
