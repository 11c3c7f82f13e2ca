from __future__ import annotations

import hashlib

import numpy as np
import pytest
from sqlalchemy import insert

from marsad.config import Settings
from marsad.estimate import reporting_gap
from marsad.estimate._gap import _taylor_proportion
from marsad.store import Store, tables, utcnow

BANDS = [
    ("0-11", 0, 11),
    ("12-14", 12, 14),
    ("15-17", 15, 17),
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-59", 45, 59),
    ("60+", 60, 120),
]


def _survey(store: Store, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n_strata, n_psu, take = 8, 4, 15
    n = n_strata * n_psu * take
    strata = np.repeat(np.arange(n_strata), n_psu * take)
    psu = np.repeat(np.arange(n_strata * n_psu), take)
    effect = rng.normal(0, 0.5, n_strata * n_psu)[psu]
    age = rng.integers(15, 75, n)
    female = rng.random(n) < 0.5
    p = 1 / (1 + np.exp(-(-1.5 + 0.5 * female + effect)))
    cv = rng.random(n) < p
    weight = rng.uniform(500, 3000, n)
    with store.begin() as c:
        sid = store.ensure_source("survey", "Survey", "survey", conn=c)
        bid = c.execute(
            insert(tables.import_batches).values(
                source_id=sid,
                file_name="s.parquet",
                sha256="0" * 64,
                profile="t",
                status="complete",
                started_at=utcnow(),
            )
        ).inserted_primary_key[0]
        c.execute(
            insert(tables.survey_responses),
            [
                dict(
                    batch_id=bid,
                    survey="cv",
                    respondent_key=f"r{i}",
                    year=2025,
                    stratum=f"S{strata[i]}",
                    psu=f"P{psu[i]}",
                    weight=float(weight[i]),
                    age=int(age[i]),
                    gender="female" if female[i] else "male",
                    cv_past_12m=bool(cv[i]),
                )
                for i in range(n)
            ],
        )
        c.execute(
            insert(tables.population),
            [
                dict(
                    year=2024,
                    region="MA-06",
                    age_band=b,
                    age_band_scheme="analysis",
                    sex=s,
                    population=100_000 + 1000 * k,
                    synthetic=True,
                )
                for k, (b, _, _) in enumerate(BANDS)
                for s in ("female", "male")
            ],
        )
        pol = store.ensure_source("police", "Police", "police", conn=c)
        pb = c.execute(
            insert(tables.import_batches).values(
                source_id=pol,
                file_name="p.csv",
                sha256="1" * 64,
                profile="t",
                status="complete",
                started_at=utcnow(),
            )
        ).inserted_primary_key[0]
        rows = []
        for v in range(60):  # 60 victims aged 18-24, female, each recorded twice (same pseudonym)
            key = hashlib.sha256(f"v{v}".encode()).hexdigest()
            for rep in range(2):
                rows.append(
                    dict(
                        source_id=pol,
                        batch_id=pb,
                        source_row=len(rows) + 1,
                        record_key=f"{v}-{rep}",
                        victim_key=key,
                        victim_age=20,
                        gender="female",
                        incident_year=2025,
                        age_unknown=False,
                        created_at=utcnow(),
                    )
                )
        rows.append(
            dict(
                source_id=pol,
                batch_id=pb,
                source_row=999,
                record_key="x",
                victim_key="k2",
                victim_age=30,
                gender="male",
                incident_year=2025,
                age_unknown=False,
                created_at=utcnow(),
            )
        )
        rows.append(
            dict(
                source_id=pol,
                batch_id=pb,
                source_row=1000,
                record_key="y",
                victim_key="k3",
                victim_age=10,
                gender="male",
                incident_year=2025,
                age_unknown=False,
                created_at=utcnow(),
            )
        )
        c.execute(insert(tables.incidents), rows)
    return {"strata": strata, "psu": psu, "age": age, "female": female, "cv": cv, "weight": weight}


def test_gap_prevalence_victims_and_share(store: Store, settings: Settings) -> None:
    d = _survey(store, np.random.default_rng(4))
    gap = reporting_gap(store, settings)
    assert gap.year == 2025 and gap.scheme == "analysis"
    assert [r.age_band for r in gap.rows][:2] == [
        "15-17",
        "15-17",
    ]  # bands under 15 are outside the survey
    row = next(r for r in gap.rows if r.age_band == "18-24" and r.gender == "female")
    dom = (d["age"] >= 18) & (d["age"] <= 24) & d["female"]
    p = float((d["weight"] * d["cv"])[dom].sum() / d["weight"][dom].sum())
    assert row.prevalence == pytest.approx(p, rel=1e-9)
    assert row.prevalence_lower < p < row.prevalence_upper  # type: ignore[operator]
    assert row.population == 103_000 and row.victims == pytest.approx(p * 103_000)
    assert row.recorded == 60  # distinct pseudonyms, not records
    assert row.share_reached == pytest.approx(60 / (p * 103_000))
    assert row.share_lower <= row.share_reached <= row.share_upper  # type: ignore[operator]
    assert row.hidden == pytest.approx(p * 103_000 - 60)
    small = next(r for r in gap.rows if r.age_band == "25-34" and r.gender == "male")
    assert small.suppressed and small.recorded is None and small.share_reached is None
    assert gap.recorded_unbanded == 1  # the 10-year-old is outside the survey's ages


def test_local_taylor_fallback_matches_stats() -> None:
    stats_mod = pytest.importorskip("marsad.stats")
    rng = np.random.default_rng(9)
    n = 600
    strata = [f"h{i // 60}" for i in range(n)]
    psu = [f"p{i // 15}" for i in range(n)]
    y = (rng.random(n) < 0.3).astype(float)
    w = rng.uniform(1, 5, n)
    dom = (rng.random(n) < 0.5).astype(float)
    mine = _taylor_proportion(y, w, strata, psu, dom)
    ref = stats_mod.survey_proportion(y, w, strata, psu, domain=dom)
    assert mine[0] == pytest.approx(ref.estimate) and mine[3] == ref.df
    assert mine[1] == pytest.approx(ref.lower, rel=1e-9) and mine[2] == pytest.approx(
        ref.upper, rel=1e-9
    )


def test_gap_missing_population_and_scheme(store: Store, settings: Settings) -> None:
    _survey(store, np.random.default_rng(5))
    with store.begin() as c:
        c.execute(tables.population.delete().where(tables.population.c.age_band == "60+"))
    gap = reporting_gap(store, settings, year=2025)
    old = [r for r in gap.rows if r.age_band == "60+"]
    assert len(old) == 2 and all(r.population is None and r.victims is None for r in old)
    assert all(r.respondents > 0 for r in old)
    from marsad.estimate import EstimateError

    with pytest.raises(EstimateError, match="age scheme 'legal'"):
        reporting_gap(store, settings, scheme="legal")
    with pytest.raises(EstimateError, match="No survey responses for year 2019"):
        reporting_gap(store, settings, year=2019)
