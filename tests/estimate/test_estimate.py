from __future__ import annotations

import math

import numpy as np
import pytest

from marsad.config import Settings
from marsad.estimate import EstimateError, estimate_from_counts, estimate_population
from marsad.store import Store

from .conftest import make_victims, write_records


def _codes(est: object) -> set[str]:
    return {w.code for w in est.warnings}  # type: ignore[attr-defined]


def test_estimates_recover_the_simulated_population(
    store: Store, settings: Settings, rng: np.random.Generator
) -> None:
    n = 1500
    victims = make_victims(n, rng)
    probs = np.array([0.35, 0.25, 0.3])
    captured = rng.random((n, 3)) < probs
    write_records(store, victims, captured, ["police", "hotline", "ngo"])
    result = estimate_population(store, settings, by="gender")
    assert result.lists == ("hotline", "ngo", "police")
    pooled = result.rows[0]
    assert pooled.stratum == "all" and pooled.recorded == int(captured.any(axis=1).sum())
    assert pooled.lower <= n <= pooled.upper  # type: ignore[operator]
    assert abs(pooled.estimate - n) / n < 0.1  # type: ignore[operator]
    for row in result.rows[1:]:
        (gender,) = row.key
        truth = sum(v.gender == gender for v in victims)
        assert row.lower <= truth <= row.upper  # type: ignore[operator]
    # the overlap table sums to the recorded victims and hides nothing here (all cells large)
    pooled_cells = [c for c in result.overlaps if c.stratum == "all"]
    assert sum(c.count or 0 for c in pooled_cells) == pooled.recorded


def test_warnings_say_why(store: Store, settings: Settings, rng: np.random.Generator) -> None:
    victims = make_victims(200, rng)
    captured = np.zeros((200, 2), dtype=bool)
    captured[:80, 0] = True
    captured[120:, 1] = True  # two lists, no overlap at all
    write_records(store, victims, captured, ["police", "ngo"])
    (row,) = estimate_population(store, settings, by=()).rows
    assert row.estimate is None and "no_overlap" in _codes(row)
    assert row.recorded == 160


def test_small_stratum_is_suppressed() -> None:
    est = estimate_from_counts({(1, 0): 2, (0, 1): 1, (1, 1): 1}, ["a", "b"], min_cell=5)
    assert est.suppressed and est.recorded is None and est.estimate is None
    assert _codes(est) == {"small_stratum"}


def test_two_lists_and_few_overlaps_warn() -> None:
    est = estimate_from_counts({(1, 0): 60, (0, 1): 40, (1, 1): 12}, ["police", "ngo"])
    assert {"two_lists", "few_overlaps"} <= _codes(est)
    assert est.estimate == pytest.approx(112 + 60 * 40 / 12)


def test_nonoverlapping_list_is_dropped_and_empty_overlap_named() -> None:
    counts = {(1, 0, 0): 100, (0, 1, 0): 80, (1, 1, 0): 40, (0, 0, 1): 30}
    est = estimate_from_counts(counts, ["police", "hotline", "ngo"])
    assert "dropped_list" in _codes(est)
    assert est.lists == ("police", "hotline") and est.recorded == 250
    assert est.estimate == pytest.approx(max(250, 220 + 100 * 80 / 40))
    counts4 = {(1, 0, 0): 100, (0, 1, 0): 80, (0, 0, 1): 60, (1, 1, 0): 20, (0, 1, 1): 15}
    est4 = estimate_from_counts(counts4, ["a", "b", "c"])
    assert any(w.code == "empty_overlap" and w.detail == "a+c" for w in est4.warnings)


def test_exploding_estimate_is_flagged_unstable() -> None:
    est = estimate_from_counts({(1, 0): 400, (0, 1): 300, (1, 1): 1}, ["a", "b"])
    assert "unstable" in _codes(est)
    assert est.estimate is not None and est.estimate > 20 * 701


def test_more_than_six_lists_are_merged() -> None:
    rng = np.random.default_rng(5)
    caps = rng.random((3000, 7)) < 0.2
    counts: dict[tuple[int, ...], int] = {}
    for row in caps:
        if row.any():
            h = tuple(int(b) for b in row)
            counts[h] = counts.get(h, 0) + 1
    est = estimate_from_counts(counts, [f"s{i}" for i in range(7)], criterion="bic")
    assert "merged_lists" in _codes(est) and len(est.lists) == 6
    assert est.lower <= 3000 <= est.upper  # type: ignore[operator]
    assert not math.isinf(est.upper)  # type: ignore[arg-type]


def test_bad_criterion_is_refused() -> None:
    with pytest.raises(EstimateError, match="aic or bic"):
        estimate_from_counts({(1, 0): 1, (0, 1): 1, (1, 1): 1}, ["a", "b"], criterion="dic")
