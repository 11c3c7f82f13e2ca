"""Exports refuse unsuppressed tables; threats find a planted rise; the burden contract."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from marsad.config import Settings
from marsad.errors import DisclosureError
from marsad.stats import (
    CategoryBurden,
    category_burden,
    compute_indicators,
    emerging_threats,
    safe_cell,
    safe_frame,
    write_indicators,
)
from marsad.store import Store, tables, utcnow

from .conftest import fill, make_batch


def test_safe_cell_neutralises_formulas() -> None:
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for s in ("+1", "-cmd", "@SUM(A1)", "\tx"):
        assert safe_cell(s) == "'" + s
    assert safe_cell(-3.5) == -3.5 and safe_cell("cyberharassment") == "cyberharassment"
    frame = safe_frame(pd.DataFrame({"a": ["=1+1", "ok"], "b": [1, -2]}))
    assert frame["a"].tolist() == ["'=1+1", "ok"] and frame["b"].tolist() == [1, -2]


def test_export_refuses_unpublished_table(store: Store, settings: Settings, tmp_path: Path) -> None:
    fill(store, n_incidents=600, seed=8, survey=0)
    raw = compute_indicators(store, settings, publish=False, only=["incidents_recorded"])
    with pytest.raises(DisclosureError, match="publish=False"):
        write_indicators(raw, tmp_path / "x")
    assert not (tmp_path / "x").exists()
    tampered = compute_indicators(store, settings, publish=True, only=["incidents_recorded"])
    i = tampered.index[tampered["suppressed"]][0]
    tampered.loc[i, "value"] = 3.0
    with pytest.raises(DisclosureError, match="suppressed row"):
        write_indicators(tampered, tmp_path / "y")
    pub = compute_indicators(store, settings, publish=True, only=["incidents_recorded"])
    paths = write_indicators(pub, tmp_path / "z", xlsx=True)
    assert paths["xlsx"].exists() and paths["csv"].exists()


def _insert_series(
    store: Store, category: str, space: str, monthly: list[int], start: tuple[int, int]
) -> None:
    with store.begin() as conn:
        sid, bid = make_batch(conn, store, f"s-{category}-{space}", "hotline")
        rows = []
        y, m = start
        for i, n in enumerate(monthly):
            mm = (m - 1 + i) % 12 + 1
            yy = y + (m - 1 + i) // 12
            for j in range(n):
                rows.append(
                    dict(
                        source_id=sid,
                        batch_id=bid,
                        source_row=len(rows),
                        record_key=f"{category}{space}{i}-{j}",
                        incident_date=date(yy, mm, 1),
                        incident_year=yy,
                        incident_month=mm,
                        space=space,
                        category=category,
                        gender="female",
                        age_unknown=True,
                        created_at=utcnow(),
                    )
                )
        conn.execute(sa.insert(tables.incidents), rows)


def test_emerging_threat_is_found_and_ranked_by_space(store: Store, settings: Settings) -> None:
    rng = np.random.default_rng(4)
    steady = [int(v) for v in rng.poisson(12, 36)]
    rising = [int(v) for v in rng.poisson(12, 33)] + [34, 38, 41]
    _insert_series(store, "sextortion", "video_game", rising, (2022, 1))
    _insert_series(store, "cyberharassment", "social_network", steady, (2022, 1))
    _insert_series(store, "doxxing", "forum", [0] * 30 + [1, 0, 2, 0, 1, 3], (2022, 1))
    threats = emerging_threats(store, settings)
    assert {(e.category, e.space) for e in threats if e.flagged} == {
        ("sextortion", "video_game"),
        ("sextortion", "all"),  # the category over all spaces is tested too
    }
    top = next(e for e in threats if e.space == "video_game")
    assert (top.category, top.flagged, top.rank) == ("sextortion", True, 1)
    assert top.observed == 113 and top.expected < 60 and top.threshold < 113
    assert top.series.periods[0] == "2022-01" and len(top.series.observed) == 36
    assert top.window == ("2024-10", "2024-11", "2024-12")
    steady_row = next(e for e in threats if e.category == "cyberharassment")
    assert not steady_row.flagged
    sparse = next(e for e in threats if e.category == "doxxing")
    assert sparse.observed is None and None in sparse.series.observed  # small counts withheld
    raw = next(
        e for e in emerging_threats(store, settings, publish=False) if e.category == "doxxing"
    )
    assert raw.observed == 4


def test_category_burden_contract(store: Store, settings: Settings) -> None:
    fill(store, n_incidents=1500, seed=12, survey=0)
    burden = category_burden(store, settings)
    assert set(burden) == {"cyberharassment", "sextortion", "grooming", "ncii"}
    fields = [f.name for f in dataclasses.fields(CategoryBurden)]
    assert fields == [
        "category",
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
        "suppressed",
    ]
    b = burden["cyberharassment"]
    with store.connect() as c:
        n = c.execute(
            sa.select(sa.func.count()).where(
                tables.incidents.c.category == "cyberharassment",
                tables.incidents.c.incident_year == 2024,
            )
        ).scalar_one()
    assert b.period == "2024" and b.incidents == n and not b.suppressed
    assert b.rate_lower < b.rate_per_100k < b.rate_upper
    assert b.growth_lower < b.growth < b.growth_upper  # type: ignore[operator]
    assert 0 < b.share_minors_lower < b.share_minors < b.share_minors_upper < 1  # type: ignore[operator]
    small = category_burden(store, settings.replace(min_cell=10_000))["grooming"]
    assert small.suppressed and small.incidents == 0 and small.rate_per_100k is None
