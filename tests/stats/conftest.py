"""Seeded data for the stats tests, inserted with SQLAlchemy Core into the store's public tables
(the ingest stage is not needed to test statistics)."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa

from marsad.store import Store, tables, utcnow

CATS = ["cyberharassment", "sextortion", "grooming", "ncii"]
SPACES = ["social_network", "messaging", "video_game"]
REGIONS = ["MA-06", "MA-04", "MA-01"]
BANDS = ["0-11", "12-14", "15-17", "18-24", "25-34", "35-44", "45-59", "60+"]
BAND_AGES = [(5, 11), (12, 14), (15, 17), (18, 24), (25, 34), (35, 44), (45, 59), (60, 80)]


def make_batch(
    conn: sa.Connection, store: Store, code: str, kind: str, name: str = "f.csv"
) -> tuple[int, int]:
    sid = store.ensure_source(code, code, kind, conn=conn)
    bid = conn.execute(
        sa.insert(tables.import_batches).values(
            source_id=sid,
            file_name=name,
            sha256=(code * 64)[:64],
            profile=code,
            status="complete",
            rows_read=0,
            rows_accepted=0,
            rows_quarantined=0,
            rows_duplicate=0,
            started_at=utcnow(),
        )
    ).inserted_primary_key[0]
    return sid, int(bid)


def incident_rows(
    n: int, seed: int, sid: int, bid: int, start_year: int = 2022, years: int = 3
) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        y = start_year + int(rng.integers(0, years))
        m = int(rng.integers(1, 13))
        b = int(rng.choice(len(BANDS), p=[0.05, 0.12, 0.18, 0.25, 0.2, 0.1, 0.07, 0.03]))
        age = int(rng.integers(BAND_AGES[b][0], BAND_AGES[b][1] + 1))
        gender = "female" if rng.random() < 0.7 else ("male" if rng.random() < 0.95 else "unknown")
        rows.append(
            dict(
                source_id=sid,
                batch_id=bid,
                source_row=i,
                record_key=f"r{seed}-{i}",
                victim_key=f"v{int(rng.integers(0, n * 0.9))}" if rng.random() < 0.9 else None,
                incident_date=date(y, m, 1),
                incident_year=y,
                incident_month=m,
                region=REGIONS[int(rng.integers(0, 3))] if rng.random() < 0.97 else None,
                space=SPACES[int(rng.integers(0, 3))],
                category=str(rng.choice(CATS, p=[0.6, 0.2, 0.1, 0.1])),
                victim_age=age,
                age_band=BANDS[b],
                age_band_scheme="analysis",
                age_unknown=False,
                minor=age < 18,
                gender=gender,
                created_at=utcnow(),
            )
        )
    return rows


def population_rows(bid: int | None, years: range) -> list[dict[str, Any]]:
    rows = []
    for y in years:
        for r_i, r in enumerate(REGIONS):
            for b_i, b in enumerate(BANDS):
                for sex in ("female", "male"):
                    rows.append(
                        dict(
                            batch_id=bid,
                            year=y,
                            region=r,
                            age_band=b,
                            age_band_scheme="analysis",
                            sex=sex,
                            population=200_000 + 10_000 * b_i + 50_000 * r_i,
                            synthetic=True,
                        )
                    )
    return rows


def survey_rows(n: int, seed: int, bid: int, year: int = 2024) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        stratum = f"S{int(rng.integers(0, 4))}"
        psu = f"{stratum}-P{int(rng.integers(0, 6))}"
        age = int(rng.integers(15, 75))
        gender = "female" if rng.random() < 0.5 else "male"
        p12 = 0.25 if gender == "female" else 0.15
        cv12 = bool(rng.random() < p12 * (1.5 if age < 25 else 1.0))
        rows.append(
            dict(
                batch_id=bid,
                survey="enq",
                respondent_key=f"s{i}",
                year=year,
                stratum=stratum,
                psu=psu,
                weight=float(rng.uniform(50, 150)),
                urban_rural="urban" if rng.random() < 0.6 else "rural",
                age=age,
                gender=gender,
                cv_past_12m=cv12,
                cv_lifetime=cv12 or bool(rng.random() < 0.2),
            )
        )
    return rows


def fill(store: Store, n_incidents: int = 3000, seed: int = 11, survey: int = 2000) -> None:
    with store.begin() as conn:
        sid, bid = make_batch(conn, store, "police", "police")
        rows = incident_rows(n_incidents, seed, sid, bid)
        conn.execute(sa.insert(tables.incidents), rows)
        _, pbid = make_batch(conn, store, "hcp_pop", "population", "pop.csv")
        conn.execute(sa.insert(tables.population), population_rows(pbid, range(2022, 2025)))
        if survey:
            _, sbid = make_batch(conn, store, "enq", "survey", "enq.csv")
            conn.execute(sa.insert(tables.survey_responses), survey_rows(survey, seed, sbid))


@pytest.fixture
def filled_store(store: Store) -> Store:
    fill(store)
    return store
