"""Disclosure control across linked tables: the same counts published by two indicators.

``incidents_recorded`` gives each category's incidents per year (its cell over all spaces);
``incidents_quarterly`` gives them per quarter. Protected one by one, a quarter withheld in the
quarterly table is recovered as the year's total minus the published quarters. The attack
below first shows the leak with each table computed alone, then that the run that computes
both suppresses consistently so the attack recovers nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from marsad.config import Settings
from marsad.stats import compute_indicators
from marsad.store import Store, tables, utcnow

from .conftest import make_batch

QUARTERS = {
    "sextortion": (3, 10, 10, 10),
    "cyberharassment": (20, 20, 20, 20),
    "grooming": (20,) * 4,
}


def _rows(sid: int, bid: int) -> list[dict[str, Any]]:
    rows = []
    for cat, per_quarter in QUARTERS.items():
        for q, n in enumerate(per_quarter):
            for i in range(n):
                rows.append(
                    dict(
                        source_id=sid,
                        batch_id=bid,
                        source_row=len(rows),
                        record_key=f"r{len(rows)}",
                        victim_key=f"v{len(rows)}",
                        incident_date=date(2024, 3 * q + 1, 1),
                        incident_year=2024,
                        incident_month=3 * q + 1 + i % 3,
                        space="social_network",
                        category=cat,
                        age_unknown=False,
                        created_at=utcnow(),
                    )
                )
    return rows


def _attack(recorded: pd.DataFrame, quarterly: pd.DataFrame) -> dict[str, float]:
    """Year total (recorded, all spaces) minus the published quarters, when one is withheld."""
    found = {}
    year = recorded[(recorded["space"] == "all") & (recorded["period"] == "2024")]
    for _, row in year.iterrows():
        if row["suppressed"] or row["category"] == "all":
            continue
        qs = quarterly[quarterly["category"] == row["category"]]
        withheld = qs[qs["suppressed"]]
        if len(withheld) == 1 and len(qs) == 4:
            found[str(row["category"])] = row["numerator"] - qs["numerator"].sum(skipna=True)
    return found


def test_linked_tables_do_not_give_away_a_withheld_quarter(
    store: Store, settings: Settings
) -> None:
    with store.begin() as conn:
        sid, bid = make_batch(conn, store, "police", "police")
        conn.execute(sa.insert(tables.incidents), _rows(sid, bid))
    alone_r = compute_indicators(store, settings, only=["incidents_recorded"])
    alone_q = compute_indicators(store, settings, only=["incidents_quarterly"])
    # protected one table at a time, the withheld first quarter of sextortion is recovered
    leaks = _attack(alone_r, alone_q)
    assert leaks["sextortion"] == 3.0  # (and its complementary cell with it)

    both = compute_indicators(store, settings, only=["incidents_recorded", "incidents_quarterly"])
    recorded = both[both["indicator"] == "incidents_recorded"]
    quarterly = both[both["indicator"] == "incidents_quarterly"]
    assert _attack(recorded, quarterly) == {}
    q1 = quarterly[(quarterly["category"] == "sextortion") & (quarterly["period"] == "2024-Q1")]
    assert q1["suppressed"].all() and q1["numerator"].isna().all()
    # the extra suppression is recorded with its reason, and published values are blanked
    extra = [r for r in both.attrs["suppression"] if "linked table" in r["reason"]]
    assert extra, both.attrs["suppression"]
    assert both.loc[both["suppressed"], "numerator"].isna().all()
    # linear-algebra attack: no withheld sextortion count is fixed by the published ones
    sext_q = quarterly[quarterly["category"] == "sextortion"].sort_values("period")
    total = recorded[
        (recorded["category"] == "sextortion")
        & (recorded["space"] == "all")
        & (recorded["period"] == "2024")
    ]
    unknown = list(sext_q["suppressed"]) + list(total["suppressed"])
    assert sum(unknown) >= 2  # one equation (quarters sum to the year) cannot fix two unknowns
    assert np.isfinite(sext_q.loc[~sext_q["suppressed"], "numerator"]).all()


def _yearly_rows(sid: int, bid: int) -> list[dict[str, Any]]:
    """Per category and space, incidents in 2023 and 2024 spread over the months."""
    plan = {
        ("sextortion", "social_network"): (3, 30),
        ("sextortion", "messaging"): (12, 12),
        ("cyberharassment", "social_network"): (40, 40),
        ("cyberharassment", "messaging"): (25, 25),
    }
    rows = []
    for (cat, space), per_year in plan.items():
        for year, n in zip((2023, 2024), per_year, strict=True):
            for i in range(n):
                rows.append(
                    dict(
                        source_id=sid,
                        batch_id=bid,
                        source_row=len(rows),
                        record_key=f"y{len(rows)}",
                        victim_key=f"w{len(rows)}",
                        incident_date=date(year, i % 12 + 1, 1),
                        incident_year=year,
                        incident_month=i % 12 + 1,
                        space=space,
                        category=cat,
                        age_unknown=False,
                        created_at=utcnow(),
                    )
                )
    return rows


def _growth_attack(recorded: pd.DataFrame, growth: pd.DataFrame) -> dict[tuple[str, str], float]:
    """Growth total over the series minus the published years, when one year is withheld."""
    found = {}
    for _, row in growth.iterrows():
        if row["suppressed"]:
            continue
        years = recorded[
            (recorded["category"] == row["category"]) & (recorded["space"] == row["space"])
        ]
        if len(years) == 2 and int(years["suppressed"].sum()) == 1:
            key = (str(row["category"]), str(row["space"]))
            found[key] = row["numerator"] - years["numerator"].sum(skipna=True)
    return found


def test_growth_totals_do_not_give_away_a_withheld_year(store: Store, settings: Settings) -> None:
    with store.begin() as conn:
        sid, bid = make_batch(conn, store, "police", "police")
        conn.execute(sa.insert(tables.incidents), _yearly_rows(sid, bid))
    alone_r = compute_indicators(store, settings, only=["incidents_recorded"])
    alone_g = compute_indicators(store, settings, only=["growth"])
    leaks = _growth_attack(alone_r, alone_g)
    assert leaks[("sextortion", "social_network")] == 3.0
    both = compute_indicators(store, settings, only=["incidents_recorded", "growth"])
    recorded = both[both["indicator"] == "incidents_recorded"]
    growth = both[both["indicator"] == "growth"]
    assert _growth_attack(recorded, growth) == {}
    cell = recorded[
        (recorded["category"] == "sextortion")
        & (recorded["space"] == "social_network")
        & (recorded["period"] == "2023")
    ]
    assert cell["suppressed"].all() and cell["numerator"].isna().all()
