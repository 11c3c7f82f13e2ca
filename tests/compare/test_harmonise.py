"""Harmonisation on hand-built cases: comparable, re-banded, refused with their reasons."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from scipy import stats
from tests.compare._helpers import BANDS, REF_HEADER, ref_row, survey_rows

from marsad.compare import Comparison, compare, load_reference


def _pair(result: Comparison, indicator: str, ref_id: str) -> Any:
    found = [p for p in result.pairs if p.indicator == indicator and p.reference.id == ref_id]
    assert len(found) == 1, f"{indicator} × {ref_id}: {len(found)} pairs"
    return found[0]


def _codes(pair: Any) -> set[str]:
    return {r.code for r in pair.reasons}


def _refs(tmp_path: Path, *rows: str) -> Any:
    path = tmp_path / "refs.csv"
    path.write_text(REF_HEADER + "".join(rows), encoding="utf-8")
    return load_reference([path], include_builtin=False)


def test_comparable_pair_same_band(tmp_path: Path) -> None:
    refs = _refs(tmp_path, ref_row(id="T_1824", age_band="18-24"))
    pair = _pair(compare(survey_rows(), refs), "survey_cv_12m", "T_1824")
    assert pair.comparable, pair.reasons
    assert pair.national.value == pytest.approx(22.0)
    assert (pair.national.lower, pair.national.upper) == (20.0, 24.0)
    assert pair.national.parts == ()  # one cell, no aggregation


def test_rebanded_pair_is_comparable_with_weighted_value(tmp_path: Path) -> None:
    refs = _refs(tmp_path, ref_row(id="T_1524", age_band="15-24"))
    pair = _pair(compare(survey_rows(), refs), "survey_cv_12m", "T_1524")
    assert pair.comparable, pair.reasons
    assert "rebanded" in {n.code for n in pair.notes}
    (v1, h1, d1), (v2, h2, d2) = BANDS["15-17"], BANDS["18-24"]
    w1, w2 = d1 / (d1 + d2), d2 / (d1 + d2)
    assert pair.national.value == pytest.approx(w1 * v1 + w2 * v2)
    z = stats.norm.ppf(0.975)
    half = z * math.sqrt((w1 * h1 / z) ** 2 + (w2 * h2 / z) ** 2)
    assert pair.national.upper - pair.national.value == pytest.approx(half)
    assert len(pair.national.parts) == 2


def test_open_ended_band_rebands_to_18_plus(tmp_path: Path) -> None:
    refs = _refs(tmp_path, ref_row(id="T_18P", age_band="18+"))
    pair = _pair(compare(survey_rows(), refs), "survey_cv_12m", "T_18P")
    assert pair.comparable, pair.reasons
    assert len(pair.national.parts) == 5


def test_straddling_band_refused(tmp_path: Path) -> None:
    refs = _refs(
        tmp_path, ref_row(id="T_1519", age_band="15-19"), ref_row(id="T_1574", age_band="15-74")
    )
    result = compare(survey_rows(), refs)
    p1519 = _pair(result, "survey_cv_12m", "T_1519")
    assert not p1519.comparable and _codes(p1519) == {"age_straddles"}
    assert p1519.reasons[0].values["bands"] == "18-24"
    p1574 = _pair(result, "survey_cv_12m", "T_1574")
    assert _codes(p1574) == {"age_straddles"} and p1574.reasons[0].values["bands"] == "60+"
    assert p1519.national is None


def test_period_mismatch_refused(tmp_path: Path) -> None:
    refs = _refs(
        tmp_path, ref_row(id="T_LIFE", period="lifetime"), ref_row(id="T_S15", period="since_15")
    )
    result = compare(survey_rows(), refs)
    for rid in ("T_LIFE", "T_S15"):
        assert _codes(_pair(result, "survey_cv_12m", rid)) == {"different_period"}
    lifetime = compare(survey_rows("survey_cv_lifetime"), refs)
    assert _pair(lifetime, "survey_cv_lifetime", "T_LIFE").comparable
    assert _codes(_pair(lifetime, "survey_cv_lifetime", "T_S15")) == {"different_period"}


def test_unstated_period_refused(tmp_path: Path) -> None:
    refs = _refs(tmp_path, ref_row(id="T_EVER", period="ever_unspecified"))
    assert _codes(_pair(compare(survey_rows(), refs), "survey_cv_12m", "T_EVER")) == {
        "period_not_stated"
    }


def test_base_mismatch_refused(tmp_path: Path) -> None:
    refs = _refs(
        tmp_path,
        ref_row(id="T_NET", base="internet_users"),
        ref_row(id="T_ALL", base="all_persons"),
    )
    result = compare(survey_rows(), refs)
    assert _codes(_pair(result, "survey_cv_12m", "T_NET")) == {"different_base"}
    assert _pair(result, "survey_cv_12m", "T_ALL").comparable  # all persons, female = all women


def test_counts_never_compared_with_prevalence(tmp_path: Path) -> None:
    refs = _refs(tmp_path, ref_row(id="T_PREV", construct="sextortion", iso3="MAR"))
    counts = [
        {
            "indicator": "incidents_recorded",
            "period": "2024",
            "category": "sextortion",
            "value": 120,
            "lower": 99.5,
            "upper": 143.5,
            "unit": "count",
        }
    ]
    pair = _pair(compare(counts, refs), "incidents_recorded", "T_PREV")
    assert not pair.comparable
    assert "counts_vs_prevalence" in _codes(pair)


def test_counts_compared_only_within_the_same_population(tmp_path: Path) -> None:
    refs = _refs(
        tmp_path,
        ref_row(
            id="T_MA",
            construct="sextortion",
            measure="count",
            unit="count",
            base="reports",
            period="calendar_year",
            iso3="MAR",
            sex="all",
            age_band="",
            value="391",
            year="2024",
        ),
        ref_row(
            id="T_US",
            construct="sextortion",
            measure="count",
            unit="count",
            base="reports",
            period="calendar_year",
            iso3="USA",
            sex="all",
            age_band="",
            value="26718",
        ),
    )
    counts = [
        {
            "indicator": "incidents_recorded",
            "period": "2024",
            "category": "sextortion",
            "space": sp,
            "value": v,
            "lower": None,
            "upper": None,
            "unit": "count",
        }
        for sp, v in (("social_network", 300), ("messaging", 100))
    ]
    result = compare(counts, refs)
    ma = _pair(result, "incidents_recorded", "T_MA")
    assert ma.comparable, ma.reasons
    assert ma.national.value == 400  # summed over spaces
    k = 400
    assert ma.national.lower == pytest.approx(stats.chi2.ppf(0.025, 2 * k) / 2)  # Garwood
    assert ma.national.upper == pytest.approx(stats.chi2.ppf(0.975, 2 * (k + 1)) / 2)
    assert _codes(_pair(result, "incidents_recorded", "T_US")) == {"different_population_counts"}


def test_sex_not_available_refused(tmp_path: Path) -> None:
    refs = _refs(tmp_path, ref_row(id="T_MALE", sex="male"), ref_row(id="T_BOTH", sex="all"))
    female_only = [r for r in survey_rows() if r["gender"] == "female"]
    result = compare(female_only, refs)
    assert _codes(_pair(result, "survey_cv_12m", "T_MALE")) == {"different_sex"}
    assert _codes(_pair(result, "survey_cv_12m", "T_BOTH")) == {"different_sex"}
    both = _pair(compare(survey_rows(), refs), "survey_cv_12m", "T_BOTH")
    assert both.comparable and both.national.value == pytest.approx(22.0)


def test_suppressed_cell_is_never_reconstructed(tmp_path: Path) -> None:
    rows = survey_rows()
    for r in rows:
        if r["age_band"] == "15-17" and r["gender"] == "female":
            r.update(value=None, lower=None, upper=None, suppressed=True)
    refs = _refs(tmp_path, ref_row(id="T_1524", age_band="15-24"))
    pair = _pair(compare(rows, refs), "survey_cv_12m", "T_1524")
    assert _codes(pair) == {"national_suppressed"} and pair.national is None


def test_shipped_hcp_figures_on_hand_built_survey() -> None:
    result = compare(survey_rows())
    assert _pair(result, "survey_cv_12m", "MA_HCP19_CYB_1524").comparable
    assert _codes(_pair(result, "survey_cv_12m", "MA_HCP19_CYB_1519")) == {"age_straddles"}
    assert "different_base" in _codes(_pair(result, "survey_cv_12m", "ARAB_UNW21_OV_12M"))
    # A superseded release (first results, rounded) is not paired by default.
    assert not [p for p in result.pairs if p.reference.id == "MA_HCP19_CYB_ALL_FIRST"]
    inferred = _pair(result, "survey_cv_12m", "MA_HCP19_CYB_1524")
    assert "period_inferred" in {n.code for n in inferred.notes}
