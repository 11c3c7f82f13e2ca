"""Hand-built national tables for the compare tests (made-up numbers: only the logic is tested)."""

from __future__ import annotations

from typing import Any

# Analysis bands: prevalence (%), half-width of the 95 % interval, cell population estimate.
BANDS: dict[str, tuple[float, float, float]] = {
    "12-14": (30.0, 3.0, 2000.0),
    "15-17": (28.0, 2.0, 2100.0),
    "18-24": (22.0, 2.0, 4000.0),
    "25-34": (14.0, 1.0, 5000.0),
    "35-44": (10.0, 1.0, 4500.0),
    "45-59": (7.0, 1.0, 5000.0),
    "60+": (3.0, 1.0, 3000.0),
}


def survey_rows(indicator: str = "survey_cv_12m", year: str = "2024") -> list[dict[str, Any]]:
    """Fully crossed age band × gender cells, as marsad.stats publishes them."""
    rows = []
    for gender in ("female", "male"):
        for band, (v, h, d) in BANDS.items():
            rows.append(
                {
                    "indicator": indicator,
                    "period": year,
                    "age_band": band,
                    "gender": gender,
                    "value": v,
                    "lower": v - h,
                    "upper": v + h,
                    "denominator": d,
                    "unit": "percent",
                }
            )
    return rows


REF_HEADER = (
    "id,indicator,construct,measure,area,iso3,subgroup,sex,age_band,base,period,period_inferred,"
    "year,value,range_low,range_high,value_text,unit,sample_size,source,publisher,release,status,"
    "caveat,superseded_by\n"
)


def ref_row(**overrides: Any) -> str:
    """One reference CSV row (a valid, made-up figure unless overridden)."""
    row = {
        "id": "TEST_FIG",
        "indicator": "Test figure",
        "construct": "cyberviolence_any",
        "measure": "prevalence",
        "area": "Testland",
        "iso3": "TST",
        "subgroup": "",
        "sex": "female",
        "age_band": "18-24",
        "base": "all_women",
        "period": "past_12m",
        "period_inferred": "false",
        "year": "2023",
        "value": "20",
        "range_low": "",
        "range_high": "",
        "value_text": "",
        "unit": "%",
        "sample_size": "1000",
        "source": "Test source, table 1",
        "publisher": "Test publisher",
        "release": "2023",
        "status": "VERIFIED",
        "caveat": "",
        "superseded_by": "",
    }
    row.update({k: str(v) for k, v in overrides.items()})
    return ",".join(f'"{v}"' if "," in v else v for v in row.values()) + "\n"
