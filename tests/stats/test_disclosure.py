"""Disclosure control: try to recover suppressed cells from the published margins, and fail."""

from __future__ import annotations

import numpy as np
import pytest

from marsad.stats import add_margins, controlled_round, protect, recoverable
from marsad.stats._disclosure import PRIMARY, SECONDARY


def attack_by_subtraction(published: np.ndarray) -> np.ndarray:
    """What an intruder gets by repeated subtraction along rows, columns and margins.

    ``published`` holds NaN for withheld cells; its last index on every axis is the margin.
    Returns the table with every cell the intruder could fill in.
    """
    t = published.copy()
    progress = True
    while progress:
        progress = False
        for ax in range(t.ndim):
            moved = np.moveaxis(t, ax, -1)
            for line in np.ndindex(moved.shape[:-1]):
                vals = moved[line]
                missing = np.flatnonzero(np.isnan(vals))
                if missing.size != 1:
                    continue
                i = missing[0]
                if i == vals.size - 1:
                    vals[i] = np.nansum(vals[:-1])
                else:
                    vals[i] = vals[-1] - (np.nansum(vals[:-1]))
                moved[line] = vals
                progress = True
    return t


def attack_by_algebra(published: np.ndarray) -> np.ndarray:
    """Cells uniquely determined by the whole linear system (least squares + null space)."""
    mask = np.isnan(published)
    return recoverable(mask)


def random_table(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    small = rng.random(shape) < 0.2
    return np.where(small, rng.integers(1, 5, shape), rng.integers(0, 60, shape)).astype(float)


@pytest.mark.parametrize("seed", range(12))
def test_no_suppressed_cell_recoverable_2d(seed: int) -> None:
    rng = np.random.default_rng(seed)
    table = add_margins(random_table(rng, (int(rng.integers(2, 8)), int(rng.integers(2, 7)))))
    codes = protect(table, k=5)
    assert ((table > 0) & (table < 5) <= (codes == PRIMARY)).all()
    published = np.where(codes > 0, np.nan, table)
    recovered = attack_by_subtraction(published)
    assert np.isnan(recovered[codes > 0]).all(), "a suppressed cell was recovered by subtraction"
    assert not attack_by_algebra(published).any()


@pytest.mark.parametrize("seed", range(6))
def test_no_suppressed_cell_recoverable_3d(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    table = add_margins(random_table(rng, (3, 4, 3)))
    codes = protect(table, k=5)
    published = np.where(codes > 0, np.nan, table)
    assert np.isnan(attack_by_subtraction(published)[codes > 0]).all()
    assert not attack_by_algebra(published).any()


def test_primary_only_would_leak_so_the_attack_is_real() -> None:
    table = add_margins(np.array([[20.0, 3.0, 40.0], [30.0, 25.0, 18.0]]))
    primary_only = np.where((table > 0) & (table < 5), np.nan, table)
    assert attack_by_subtraction(primary_only)[0, 1] == 3.0
    codes = protect(table, k=5)
    assert codes[0, 1] == PRIMARY and (codes == SECONDARY).sum() >= 3
    assert np.isnan(attack_by_subtraction(np.where(codes > 0, np.nan, table))[0, 1])


def test_bridge_between_cycles_is_caught_by_the_audit() -> None:
    # Every line holds 0 or 2+ suppressed cells, yet the cell (1, 2) linking two blocks of
    # suppressions lies on no cycle, so the line equations determine it: the line heuristic
    # alone is not enough and the null-space audit must find it.
    mask = np.zeros((5, 5), dtype=bool)
    for cell in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]:
        mask[cell] = True
    found = recoverable(mask)
    assert found[1, 2] and found.sum() == 1
    table = add_margins(np.full((4, 4), 20.0))
    values = table.copy()
    values[mask] = 3.0  # make them all primary: the audit must add protection
    values = add_margins(values[:-1, :-1])
    codes = protect(values, k=5)
    assert not recoverable(codes > 0).any()
    assert np.isnan(attack_by_subtraction(np.where(codes > 0, np.nan, values))[codes > 0]).all()


def test_zero_is_published_and_threshold_is_configurable() -> None:
    table = add_margins(np.array([0.0, 6.0, 9.0, 12.0]))
    assert (protect(table, k=5) == 0).all()
    codes = protect(table, k=10)
    assert codes[1] == PRIMARY and codes[2] == PRIMARY and codes[0] == 0


def test_complement_rule() -> None:
    num = add_margins(np.array([30.0, 40.0, 50.0]))
    den = add_margins(np.array([32.0, 60.0, 70.0]))
    comp = den - num
    codes = protect(num, 5, (comp > 0) & (comp < 5))
    assert codes[0] == 3 and (codes > 0).sum() >= 2


def test_controlled_rounding_keeps_additivity_and_base() -> None:
    rng = np.random.default_rng(9)
    table = add_margins(rng.integers(0, 40, (4, 5)).astype(float))
    rounded = controlled_round(table, 5)
    assert (rounded % 5 == 0).all()
    np.testing.assert_allclose(rounded, add_margins(rounded[:-1, :-1]))
    assert (np.abs(rounded[:-1, :-1] - table[:-1, :-1]) < 5).all()
    one_way = controlled_round(add_margins(np.array([3.0, 7.0, 12.0, 1.0])), 5)
    assert one_way[-1] == 25.0 and one_way[:-1].sum() == 25.0
