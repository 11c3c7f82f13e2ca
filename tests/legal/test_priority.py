"""Ranking on hand-built burdens: a higher burden ranks higher; every input is shown."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from marsad.legal import (
    Gap,
    coverage_matrix,
    find_gaps,
    priorities_rows,
    prioritise,
    to_csv,
    to_json,
)


@dataclass(frozen=True)
class Burden:
    """Same fields as marsad.stats.CategoryBurden (docs/development.md)."""

    category: str
    incidents: int
    rate_per_100k: float | None = None
    rate_lower: float | None = None
    rate_upper: float | None = None
    growth: float | None = None
    growth_lower: float | None = None
    growth_upper: float | None = None
    share_minors: float | None = None
    share_minors_lower: float | None = None
    share_minors_upper: float | None = None
    period: str = "2025"
    suppressed: bool = False


def _gap(cat: str, weight: float = 0.5) -> Gap:
    return Gap(
        cat,
        "std",
        "partial",
        weight,
        "partial",
        "explicit",
        ("forum",),
        ("women",),
        1,
        ("nat:1",),
        ("std:A",),
        ("electronic_not_named",),
        True,
        (),
    )


def test_formula_by_hand() -> None:
    # ncii severity 5; gap 0.5; I = 10/20; G = 0.3; M = 0.2 -> 5/5*0.5*(1+0.5+0.3+0.2) = 1.0
    burden = {
        "ncii": Burden("ncii", 100, 10.0, 8.0, 12.0, 0.3, 0.1, 0.5, 0.2, 0.1, 0.3),
        "threats": Burden("threats", 200, 20.0, 18.0, 22.0, 0.0, -0.1, 0.1, 0.0, 0.0, 0.1),
    }
    p = {x.category: x for x in prioritise([_gap("ncii"), _gap("threats")], burden)}
    assert p["ncii"].score == pytest.approx(1.0)
    assert p["ncii"].incidence_index == pytest.approx(0.5)
    assert p["ncii"].burden_factor == pytest.approx(2.0)
    # threats severity 4: 4/5*0.5*(1+1+0+0) = 0.8
    assert p["threats"].score == pytest.approx(0.8)


def test_higher_burden_ranks_higher() -> None:
    gaps = [_gap("threats"), _gap("cyberstalking")]  # both severity 4, same gap
    low = Burden("threats", 50, 2.0, 1.5, 2.5, 0.0, None, None, 0.1, None, None)
    high = Burden("cyberstalking", 300, 12.0, 10.0, 14.0, 0.6, 0.4, 0.8, 0.4, 0.3, 0.5)
    ranked = prioritise(gaps, {"threats": low, "cyberstalking": high})
    assert [p.category for p in ranked] == ["cyberstalking", "threats"]
    swapped = prioritise(
        gaps,
        {
            "threats": high.__class__(**{**high.__dict__, "category": "threats"}),
            "cyberstalking": low.__class__(**{**low.__dict__, "category": "cyberstalking"}),
        },
    )
    assert [p.category for p in swapped] == ["threats", "cyberstalking"]
    assert [p.rank for p in ranked] == [1, 2]


def test_growth_is_clipped_and_negative_growth_adds_nothing() -> None:
    b = {
        "threats": Burden("threats", 10, 5.0, None, None, 3.0, None, None, 0.0),
        "cyberstalking": Burden("cyberstalking", 10, 5.0, None, None, -0.5, None, None, 0.0),
    }
    p = {x.category: x for x in prioritise([_gap("threats"), _gap("cyberstalking")], b)}
    assert p["threats"].growth_term == 1.0 and p["cyberstalking"].growth_term == 0.0


def test_without_burden_severity_and_gap_decide() -> None:
    ranked = prioritise([_gap("cyberharassment", 1.0), _gap("ncii", 0.25), _gap("csam", 0.5)])
    assert [p.category for p in ranked] == ["csam", "cyberharassment", "ncii"]  # 0.5, 0.4, 0.25
    assert all(p.burden_status == "unavailable" and p.burden_factor == 1.0 for p in ranked)


def test_suppressed_or_small_burden_is_withheld() -> None:
    b = {
        "ncii": Burden("ncii", 100, 9.0, 8.0, 10.0, suppressed=True),
        "threats": Burden("threats", 3, 9.0, 8.0, 10.0),
    }
    p = {x.category: x for x in prioritise([_gap("ncii"), _gap("threats")], b, min_cell=5)}
    for x in p.values():
        assert x.burden_status == "suppressed" and x.rate_per_100k is None and x.incidents is None
        assert x.burden_factor == 1.0


def test_incident_counts_used_when_no_rates() -> None:
    b = {"ncii": Burden("ncii", 100), "threats": Burden("threats", 50)}
    p = {x.category: x for x in prioritise([_gap("ncii"), _gap("threats")], b)}
    assert p["ncii"].incidence_index == 1.0 and p["threats"].incidence_index == 0.5


def test_every_input_appears_in_csv_and_json() -> None:
    b = {"ncii": Burden("ncii", 100, 10.0, 8.0, 12.0, 0.3, 0.1, 0.5, 0.2, 0.1, 0.3)}
    rows = priorities_rows(prioritise([_gap("ncii")], b))
    inputs = (
        "score",
        "severity",
        "gap_weight",
        "burden_factor",
        "incidence_index",
        "growth_term",
        "minors_term",
        "incidents",
        "rate_per_100k",
        "rate_lower",
        "rate_upper",
        "growth",
        "growth_lower",
        "growth_upper",
        "share_minors",
        "share_minors_lower",
        "share_minors_upper",
        "period",
        "burden_status",
        "verified",
        "unverified",
    )
    header = to_csv(rows).splitlines()[0].split(",")
    data = json.loads(to_json(rows))[0]
    for key in inputs:
        assert key in header and key in data, key
    assert data["rate_lower"] == 8.0 and data["growth_upper"] == 0.5


def test_shipped_gaps_prioritised_with_burden() -> None:
    gaps = find_gaps(coverage_matrix())
    b = {"grooming": Burden("grooming", 400, 30.0, 25.0, 35.0, 0.8, 0.5, 1.1, 0.9, 0.8, 0.95)}
    ranked = prioritise(gaps, b)
    assert ranked[0].category == "grooming" and ranked[0].burden_status == "measured"
    assert {p.category for p in ranked} == {g.category for g in gaps}
