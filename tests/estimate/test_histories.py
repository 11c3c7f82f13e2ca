from __future__ import annotations

import numpy as np
import pytest

from marsad.config import Settings
from marsad.estimate import EstimateError, capture_histories, parse_by
from marsad.store import Store

from .conftest import make_victims, write_records


def test_histories_count_each_victim_once_per_stratum(
    store: Store, settings: Settings, rng: np.random.Generator
) -> None:
    victims = make_victims(300, rng)
    captured = rng.random((300, 3)) < np.array([0.4, 0.3, 0.5])
    write_records(store, victims, captured, ["police", "hotline", "ngo"], blank_gender_in=1)
    hist = capture_histories(store, settings, by=("gender",))
    assert hist.lists == ("hotline", "ngo", "police")  # ordered by source code
    seen = captured.any(axis=1)
    # expected counts computed in Python from the simulated truth
    order = [1, 2, 0]
    for st in hist.strata:
        (gender,) = st.key
        expected: dict[tuple[int, ...], int] = {}
        for v, victim in enumerate(victims):
            known = captured[v, 0] or captured[v, 2]
            if seen[v] and (victim.gender if known else "unknown") == gender:
                h = tuple(int(captured[v, s]) for s in order)
                expected[h] = expected.get(h, 0) + 1
        assert dict(st.counts) == expected
    # the hotline never gives the gender, yet no victim lands in an 'unknown' stratum unless
    # the hotline was the only source that recorded them
    unknown = [st for st in hist.strata if st.key == ("unknown",)]
    only_hotline = int((captured[:, 1] & ~captured[:, 0] & ~captured[:, 2]).sum())
    assert (unknown[0].recorded if unknown else 0) == only_hotline
    assert sum(st.recorded for st in hist.strata) == int(seen.sum())


def test_unit_dimension_splits_victims_and_year_filter(
    store: Store, settings: Settings, rng: np.random.Generator
) -> None:
    victims = make_victims(120, rng)
    captured = rng.random((120, 2)) < 0.5
    write_records(store, victims, captured, ["police", "ngo"])
    hist = capture_histories(store, settings, by="category_group,minor")
    groups = {st.key[0] for st in hist.strata}
    assert groups <= {"harassment", "sexual", "child_sexual"}
    assert sum(st.recorded for st in hist.strata) == int(captured.any(axis=1).sum())
    assert capture_histories(store, settings, by=(), year=2024).strata == ()


def test_overlap_table_suppresses_small_cells(
    store: Store, settings: Settings, rng: np.random.Generator
) -> None:
    victims = make_victims(40, rng)
    captured = np.zeros((40, 2), dtype=bool)
    captured[:30, 0] = True
    captured[27:, 1] = True  # 3 on both lists, 10 on the second only
    write_records(store, victims, captured, ["police", "ngo"])
    cells = {c.history: c for c in capture_histories(store, settings, by=()).overlap_table(5)}
    assert cells[("ngo", "police")].suppressed and cells[("ngo", "police")].count is None
    # secondary suppression: the next smallest cell goes too, so 3 cannot be recovered
    assert cells[("ngo",)].suppressed
    assert cells[("police",)].count == 27 and not cells[("police",)].suppressed


def test_unknown_dimension_is_a_clear_error() -> None:
    with pytest.raises(EstimateError, match="Unknown stratification dimension 'age'"):
        parse_by("gender,age")
