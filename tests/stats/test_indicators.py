"""The indicator engine on a real store (SQLite and PostgreSQL), checked against pandas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from marsad.config import Settings
from marsad.errors import NotFoundError
from marsad.stats import DefinitionError, compute_indicator, compute_indicators, load_definitions
from marsad.store import Store, tables

from .conftest import fill


def _incidents(store: Store) -> pd.DataFrame:
    with store.connect() as c:
        return pd.DataFrame(c.execute(sa.select(tables.incidents)).mappings().all())


@pytest.fixture
def small_store(store: Store) -> Store:
    fill(store, n_incidents=1500, seed=3, survey=800)
    with store.begin() as c:  # one linked duplicate, which must not be counted
        first = c.execute(sa.select(tables.incidents).limit(1)).mappings().one()
        dup = {k: v for k, v in first.items() if k != "id"}
        dup.update(record_key="dup-1", duplicate_of=first["id"], source_row=99999)
        c.execute(sa.insert(tables.incidents), [dup])
    return store


def test_counts_match_pandas_and_skip_duplicates(small_store: Store, settings: Settings) -> None:
    res = compute_indicator(small_store, settings, "incidents_recorded", publish=False)
    raw = _incidents(small_store)
    raw = raw[raw["duplicate_of"].isna()]
    ref = raw.groupby(["incident_year", "category", "space"]).size()
    rows = res.rows.set_index(["period", "category", "space"])
    for (year, cat, space), n in ref.items():
        assert rows.loc[(str(year), cat, space), "numerator"] == n
    totals = rows.xs("all", level="category").xs("all", level="space")
    assert totals.loc["2023", "value"] == (raw["incident_year"] == 2023).sum()
    # unobserved combinations are published as zeros with their exact upper limit
    zero = rows.loc[("2023", "csam", "forum")]
    assert zero["value"] == 0 and zero["upper"] == pytest.approx(3.6889, abs=1e-3)


def test_publish_withholds_small_cells_and_their_intervals(
    small_store: Store, settings: Settings
) -> None:
    settings = settings.replace(min_cell=20)  # the fixture's smallest cells hold about 15
    raw = compute_indicator(small_store, settings, "incidents_recorded", publish=False).rows
    pub = compute_indicator(small_store, settings, "incidents_recorded", publish=True).rows
    small = (raw["numerator"] > 0) & (raw["numerator"] < settings.min_cell)
    assert small.any() and pub.loc[small, "suppressed"].all()
    for col in ("value", "lower", "upper", "numerator"):
        assert pub.loc[pub["suppressed"], col].isna().all()
    assert raw.loc[small, "value"].notna().all()  # analysts still see them, marked
    assert (pub["suppressed"] == raw["suppressed"]).all()
    # no published cell below the threshold
    shown = pub.loc[~pub["suppressed"], "numerator"]
    assert not ((shown > 0) & (shown < settings.min_cell)).any()


def test_victim_rates_use_distinct_victims_and_population(
    small_store: Store, settings: Settings
) -> None:
    rows = compute_indicator(
        small_store, settings, "victims_rate", by=["gender"], publish=False
    ).rows
    raw = _incidents(small_store)
    raw = raw[
        (raw["duplicate_of"].isna()) & (raw["incident_year"] == 2024) & (raw["gender"] == "female")
    ]
    victims = raw["victim_key"].nunique() + raw["victim_key"].isna().sum()
    female = rows[(rows["period"] == "2024") & (rows["gender"] == "female")].iloc[0]
    assert female["numerator"] == victims
    with small_store.connect() as c:
        pop = c.execute(
            sa.select(sa.func.sum(tables.population.c.population)).where(
                tables.population.c.year == 2024, tables.population.c.sex == "female"
            )
        ).scalar_one()
    pop = int(pop)  # PostgreSQL SUM(bigint) is NUMERIC
    assert female["denominator"] == pop
    assert female["value"] == pytest.approx(victims / pop * 1e5)
    assert female["lower"] < female["value"] < female["upper"]
    assert "synthetic_population" in female["flags"]
    unknown = rows[(rows["period"] == "2024") & (rows["gender"] == "unknown")].iloc[0]
    assert np.isnan(unknown["value"]) and "no_denominator" in unknown["flags"]


def test_full_default_set_has_every_indicator_and_column(
    small_store: Store, settings: Settings
) -> None:
    table = compute_indicators(small_store, settings)
    assert set(table["indicator"]) == set(load_definitions())
    for col in (
        "indicator",
        "value",
        "lower",
        "upper",
        "numerator",
        "denominator",
        "unit",
        "suppressed",
        "flags",
    ):
        assert col in table.columns
    assert table.attrs["published"] is True
    assert len(table.attrs["suppression"]) == int(table["suppressed"].sum())
    share = table[(table["indicator"] == "minors_share") & (table["category"] == "all")]
    assert share["value"].between(0, 100).all()
    survey = table[
        (table["indicator"] == "survey_cv_12m")
        & (table["age_band"] == "all")
        & (table["gender"] == "all")
        & (table["urban_rural"] == "all")
    ].iloc[0]
    assert (
        10 < survey["value"] < 35
        and survey["deff"] > 0
        and survey["lower"] < survey["value"] < survey["upper"]
    )
    fm = table[(table["indicator"] == "female_male_ratio") & (table["category"] == "all")]
    assert (
        fm["value"].dropna() > 1
    ).all()  # the fixture has 70 % female victims, equal populations


def test_definitions_errors_name_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "id: bad\nkind: count\nlabels: {en: B, fr: B, ar: ب}\nnumerator: {filters: {category: [nope]}}\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as err:
        load_definitions(tmp_path)
    assert "bad.yaml" in str(err.value) and "numerator.filters.category" in str(err.value)
    assert "'nope'" in str(err.value)
    with pytest.raises(NotFoundError, match="incidents_recorded"):
        compute_indicator(None, Settings(), "no_such_indicator")  # type: ignore[arg-type]


def test_user_definition_with_filters(
    small_store: Store, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "sext.yaml").write_text(
        "id: sextortion_minors\nkind: count\n"
        "labels: {en: Sextortion of minors, fr: Sextorsion de mineurs, ar: الابتزاز الجنسي للقاصرين}\n"
        "numerator: {count: incidents, filters: {category: [sextortion], minor: true}}\n"
        "period: all\ndisaggregations: [gender]\n",
        encoding="utf-8",
    )
    defs = load_definitions(tmp_path)
    res = compute_indicator(small_store, settings, defs["sextortion_minors"], publish=False)
    raw = _incidents(small_store)
    raw = raw[
        raw["duplicate_of"].isna() & (raw["category"] == "sextortion") & (raw["minor"].astype(bool))
    ]
    total = res.rows[res.rows["gender"] == "all"].iloc[0]
    assert total["numerator"] == len(raw) and total["period"] == "all"
