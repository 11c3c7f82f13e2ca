"""One SQL pass per grain: every indicator's counts are marginals of a shared cell table.

The distinct-victim counts the engine derives in numpy are checked against the database's own
``COUNT(DISTINCT victim_key)`` per cell (written here, independently of the engine), for
indicators that share one grain in a single run; and on SQLite the grain queries must be
answered from the covering indexes of migration 0003 without a sort.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from marsad.config import Settings
from marsad.stats import compute_indicators, load_definitions
from marsad.store import Store, tables

from .conftest import fill

inc = tables.incidents

DEFS = {
    "v_cat_gender": "[category, gender]",
    "v_region": "[region]",
    "v_cat_minor": "[category, minor]",
}


def _sql_victims(store: Store, dims: list[str]) -> pd.DataFrame:
    """Distinct victims per (year, dims) straight from the database."""
    cols = [inc.c.incident_year.label("year"), *(inc.c[d].label(d) for d in dims)]
    victims = sa.func.count(sa.distinct(inc.c.victim_key)) + sa.func.sum(
        sa.case((inc.c.victim_key.is_(None), 1), else_=0)
    )
    q = (
        sa.select(*cols, victims.label("n"))
        .where(inc.c.duplicate_of.is_(None), inc.c.incident_year.is_not(None))
        .group_by(*cols)
    )
    with store.connect() as c:
        out = pd.DataFrame(c.execute(q).all(), columns=["year", *dims, "n"])
    for d in dims:
        if d == "minor":
            out[d] = out[d].map({True: "minor", False: "adult"}).fillna("unknown")
        else:
            out[d] = out[d].fillna("unknown").astype(str)
    out["year"] = out["year"].astype(int).astype(str)
    return out


@pytest.fixture
def repeat_victims(store: Store) -> Store:
    """Many victims with several incidents in different cells (what the dedup must handle)."""
    fill(store, n_incidents=2500, seed=7, survey=0)
    with store.begin() as c:
        ids = [r[0] for r in c.execute(sa.select(inc.c.id).order_by(inc.c.id))]
        for i, ident in enumerate(ids[:1200]):
            c.execute(sa.update(inc).where(inc.c.id == ident).values(victim_key=f"rv{i % 150}"))
    return store


def test_shared_grain_gives_the_databases_distinct_victims(
    repeat_victims: Store, settings: Settings, tmp_path: Path
) -> None:
    for ident, dims in DEFS.items():
        (tmp_path / f"{ident}.yaml").write_text(
            f"id: {ident}\nkind: count\nlabels: {{en: {ident}, fr: {ident}, ar: {ident}}}\n"
            f"numerator: {{count: victims}}\nperiod: year\ndisaggregations: {dims}\n",
            encoding="utf-8",
        )
    defs = {k: v for k, v in load_definitions(tmp_path).items() if k in DEFS}
    table = compute_indicators(repeat_victims, settings, defs, publish=False)
    for ident, dims_text in DEFS.items():
        dims = dims_text.strip("[]").replace(" ", "").split(",")
        rows = table[table["indicator"] == ident]
        interior = rows
        for d in dims:
            interior = interior[interior[d] != "all"]
        got = interior[interior["numerator"] > 0][["period", *dims, "numerator"]]
        want = _sql_victims(repeat_victims, dims).rename(columns={"year": "period"})
        merged = got.merge(want, on=["period", *dims], how="outer", indicator=True)
        assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
        assert (merged["numerator"] == merged["n"]).all(), ident
        # a victim seen in several cells counts in each cell, so a margin is the sum of its cells
        total = rows
        for d in dims:
            total = total[total[d] == "all"]
        sums = interior.groupby("period")["numerator"].sum()
        assert (total.set_index("period")["numerator"] == sums).all()


def test_grain_queries_use_the_covering_indexes(sqlite_settings: Settings) -> None:
    store = Store.open(sqlite_settings.db_url)
    try:
        fill(store, n_incidents=300, seed=2, survey=0)
        with store.connect() as c:
            c.exec_driver_sql("ANALYZE")
            for cols, measures, name in (
                (
                    "incident_year, incident_month, category, space",
                    "count(*)",
                    "ix_incidents_stats_incident_grain",
                ),
                (
                    "incident_year, category, gender, age_band, age_band_scheme, region, minor",
                    "count(*), count(victim_key), group_concat(victim_key)",
                    "ix_incidents_stats_victim_grain",
                ),
            ):
                plan = " ".join(
                    str(r[-1])
                    for r in c.exec_driver_sql(
                        f"EXPLAIN QUERY PLAN SELECT {cols}, {measures} FROM incidents "
                        f"WHERE duplicate_of IS NULL GROUP BY {cols}"
                    )
                )
                assert f"COVERING INDEX {name}" in plan, plan
                assert "TEMP B-TREE" not in plan, plan
    finally:
        store.close()


@pytest.mark.parametrize("width", [64, 16])
def test_distinct_victims_with_keys_of_one_width(
    repeat_victims: Store, settings: Settings, tmp_path: Path, width: int
) -> None:
    """Keyed pseudonyms all have one width (64 hex digits): the engine numbers such keys from
    their bytes; the counts must still be the database's COUNT(DISTINCT) in every cell, also
    when keys differ only in their last bytes (zero-padded counters, width 16)."""
    with repeat_victims.begin() as c:
        keyed = c.execute(
            sa.select(inc.c.id, inc.c.victim_key).where(inc.c.victim_key.is_not(None))
        ).all()
        for ident, key in keyed:
            digits = "".join(ch for ch in key if ch.isdigit())
            new = (
                hashlib.sha256(key.encode()).hexdigest()
                if width == 64
                else f"{key[:2]}{int(digits):0{width - 2}d}"
            )
            c.execute(sa.update(inc).where(inc.c.id == ident).values(victim_key=new))
    test_shared_grain_gives_the_databases_distinct_victims(repeat_victims, settings, tmp_path)


def test_victim_grain_streams_from_the_covering_index_on_postgresql(
    filled_store: Store, settings: Settings
) -> None:
    """PostgreSQL only sees the index order when the GROUP BY leads with ``duplicate_of``: the
    engine's victim-grain statement must then need neither a sort nor a hash table (at 10M
    incidents those spilled a gigabyte to disk)."""
    if filled_store.dialect != "postgresql":
        pytest.skip("PostgreSQL plan")
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "string_agg" in statement:
            statements.append((statement, params))

    sa.event.listen(filled_store.engine, "before_cursor_execute", capture)
    try:
        compute_indicators(filled_store, settings)
    finally:
        sa.event.remove(filled_store.engine, "before_cursor_execute", capture)
    assert statements
    with filled_store.connect() as c:
        c.exec_driver_sql("ANALYZE incidents")
        # a small table would be scanned whole and hashed in memory: ask whether the plan can
        # stream in index order at all (without the leading duplicate_of it needs a Sort)
        c.exec_driver_sql("SET enable_seqscan = off")
        c.exec_driver_sql("SET enable_hashagg = off")
        for statement, params in statements:
            plan = "\n".join(r[0] for r in c.exec_driver_sql("EXPLAIN " + statement, params).all())
            assert "ix_incidents_stats_victim_grain" in plan, plan
            assert "Sort" not in plan, plan
