"""Rate cells outside the population strata (gender unknown or other: population 0).

Before: a handful of victims of unknown gender in a region and age band were withheld by the
minimum-frequency rule, and secondary suppression then withheld the male cell of the same line
(the smallest real cell), so whole male columns disappeared. An ``unknown`` level says nothing
about the persons counted, and when the margin over gender is publishable its count reveals
nothing the margin does not: it is published (with no rate), and real cells stay published.
A small ``other`` count (a real attribute) is still withheld, protected first by another cell
without population (positive) rather than by the male cell.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from marsad.config import Settings
from marsad.stats import compute_indicator, compute_indicators, recoverable, write_indicators
from marsad.store import Store, tables, utcnow

from .conftest import make_batch, population_rows

# (region, band, gender) -> victims in 2024
CELLS = {
    ("MA-06", "25-34", "female"): 40,
    ("MA-06", "25-34", "male"): 12,
    ("MA-06", "25-34", "unknown"): 2,
    ("MA-04", "25-34", "female"): 30,
    ("MA-04", "25-34", "male"): 9,
    ("MA-04", "25-34", "unknown"): 3,
    ("MA-04", "25-34", "other"): 2,
    ("MA-01", "60+", "female"): 1,
    ("MA-01", "60+", "unknown"): 2,
}


def _rows(sid: int, bid: int) -> list[dict[str, Any]]:
    rows = []
    for (region, band, gender), n in CELLS.items():
        for _ in range(n):
            i = len(rows)
            rows.append(
                dict(
                    source_id=sid,
                    batch_id=bid,
                    source_row=i,
                    record_key=f"r{i}",
                    victim_key=f"v{i}",
                    incident_date=date(2024, 5, 1),
                    incident_year=2024,
                    incident_month=5,
                    region=region,
                    space="social_network",
                    category="cyberharassment",
                    age_band=band,
                    age_band_scheme="analysis",
                    age_unknown=False,
                    gender=gender,
                    created_at=utcnow(),
                )
            )
    return rows


def test_unknown_gender_without_population_no_longer_withholds_male_cells(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    with store.begin() as conn:
        sid, bid = make_batch(conn, store, "police", "police")
        conn.execute(sa.insert(tables.incidents), _rows(sid, bid))
        _, pbid = make_batch(conn, store, "hcp_pop", "population", "pop.csv")
        conn.execute(sa.insert(tables.population), population_rows(pbid, range(2024, 2025)))
    rows = compute_indicator(store, settings, "victims_rate").rows
    rows = rows[rows["period"] == "2024"]

    def cell(region: str, band: str, gender: str) -> Any:
        hit = rows[
            (rows["region"] == region) & (rows["age_band"] == band) & (rows["gender"] == gender)
        ]
        assert len(hit) == 1
        return hit.iloc[0]

    # unknown gender, margin publishable: count published, no rate, real cells untouched
    unknown = cell("MA-06", "25-34", "unknown")
    assert not unknown["suppressed"] and unknown["numerator"] == 2
    assert np.isnan(unknown["value"]) and "no_denominator" in unknown["flags"]
    assert "unknown_exempt" in unknown["flags"]
    male = cell("MA-06", "25-34", "male")
    assert not male["suppressed"] and male["numerator"] == 12
    assert male["value"] > 0

    # 'other' (a real attribute) is withheld, and protected by the unknown cell, not by male
    other = cell("MA-04", "25-34", "other")
    assert other["suppressed"] and other["suppression_rule"] == "primary"
    assert cell("MA-04", "25-34", "unknown")["suppressed"]
    assert not cell("MA-04", "25-34", "male")["suppressed"]

    # unknown gender whose margin is itself small stays under the minimum-frequency rule
    assert cell("MA-01", "60+", "all")["suppressed"]
    assert cell("MA-01", "60+", "unknown")["suppressed"]

    # no male cell is withheld anywhere (the 'other' cell's sparse margins still cost one
    # female cell of its region, as any small cell of a sparse table would)
    assert not rows.loc[rows["gender"] == "male", "suppressed"].any()

    # attack: nothing withheld is recoverable from the published lines of the table
    genders = ["female", "male", "other", "unknown", "all"]
    regions = [*sorted(set(rows["region"]) - {"all"}), "all"]
    bands = [*sorted(set(rows["age_band"]) - {"all"}), "all"]
    mask = np.zeros((len(bands), len(genders), len(regions)), dtype=bool)
    for _, r in rows.iterrows():
        if r["gender"] in genders:
            mask[
                bands.index(r["age_band"]), genders.index(r["gender"]), regions.index(r["region"])
            ] = r["suppressed"]
    assert mask.any() and not recoverable(mask).any()

    # the export accepts the exempt cells, and only them
    table = compute_indicators(store, settings, only=["victims_rate"])
    write_indicators(table, tmp_path / "out")
    written = pd.read_csv(tmp_path / "out" / "indicators.csv")
    small = written[(written["numerator"] > 0) & (written["numerator"] < 5)]
    assert len(small) and (small["gender"] == "unknown").all()
    assert small["flags"].str.contains("unknown_exempt").all()
