"""Benchmark: the full default indicator set on a large store, against a pandas group-by.

Generates N incidents and a survey of M respondents directly into a temporary SQLite store
(executemany), then times, in the same process:

* baseline: reading the incident columns into pandas and doing only the counts
  (``groupby([...]).size()`` for each default table) — no intervals, no disclosure control;
* marsad: ``compute_indicators`` on the store (GROUP BY pushed down to SQLite, intervals,
  survey design, rate ratios, growth regressions, secondary suppression with its audit).

Prints wall and CPU seconds, the ratio marsad / baseline (wall) and the peak memory
(tracemalloc for Python allocations, and the process's max RSS), and the load average of the
machine (on a shared machine wall time depends on the other processes; CPU time much less).

    .venv/bin/python benchmarks/indicators.py            # 1,000,000 incidents, 50,000 respondents
    .venv/bin/python benchmarks/indicators.py --small    # 100,000 and 10,000

``--backend postgresql`` generates the same distributions server-side instead (``INSERT ...
SELECT ... FROM generate_series``, 64-hex victim keys as the ingest writes them, secondary
indexes rebuilt after the load, ``VACUUM ANALYZE``) into a new database
``marsad_bench<N>_<random>`` on ``--server`` (10M incidents in ~6 minutes instead of the
ingest's 40), times ``compute_indicators`` only (``--repeat`` runs) and drops the database
unless ``--keep``; ``--reuse URL`` times an already generated store (docs/scale.md):

    .venv/bin/python benchmarks/indicators.py --backend postgresql --incidents 10000000
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from marsad.config import Settings
from marsad.stats import compute_indicators
from marsad.store import Store
from marsad.taxonomy import load_taxonomy

BANDS = ["0-11", "12-14", "15-17", "18-24", "25-34", "35-44", "45-59", "60+"]
BAND_P = [0.04, 0.1, 0.16, 0.26, 0.2, 0.12, 0.09, 0.03]


def generate(path: Path, n: int, m: int, seed: int = 1) -> None:
    """Write n incidents, a population table and an m-respondent survey with executemany."""
    store = Store.open(f"sqlite:///{path}")
    store.close()
    tax = load_taxonomy()
    cats = list(tax.categories)
    spaces = list(tax.spaces)
    regions = list(tax.regions)
    rng = np.random.default_rng(seed)
    now = datetime.now(UTC).isoformat()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute(
        "INSERT INTO sources (id, code, name, kind, created_at) VALUES (1,'police','police','police',?)",
        (now,),
    )
    con.execute(
        "INSERT INTO sources (id, code, name, kind, created_at) VALUES (2,'survey','survey','survey',?)",
        (now,),
    )
    for bid, sid in ((1, 1), (2, 2), (3, 2)):
        con.execute(
            "INSERT INTO import_batches (id, source_id, file_name, sha256, profile, status, rows_read, rows_accepted,"
            " rows_quarantined, rows_duplicate, started_at) VALUES (?,?,?,?,?,?,0,0,0,0,?)",
            (bid, sid, f"f{bid}", f"{bid:064d}", "bench", "complete", now),
        )
    cat_p = rng.dirichlet(np.ones(len(cats)) * 2)
    space_p = rng.dirichlet(np.ones(len(spaces)) * 2)
    chunk = 200_000
    for start in range(0, n, chunk):
        k = min(chunk, n - start)
        year = rng.integers(2021, 2026, k)
        month = rng.integers(1, 13, k)
        band = rng.choice(len(BANDS), k, p=BAND_P)
        lows = np.array([5, 12, 15, 18, 25, 35, 45, 60])[band]
        highs = np.array([11, 14, 17, 24, 34, 44, 59, 80])[band]
        age = rng.integers(lows, highs + 1)
        gender = np.where(
            rng.random(k) < 0.68, "female", np.where(rng.random(k) < 0.95, "male", "unknown")
        )
        victim = rng.integers(0, int(n * 0.8), k)
        has_victim = rng.random(k) < 0.9
        region = rng.integers(0, len(regions), k)
        cat = rng.choice(len(cats), k, p=cat_p)
        space = rng.choice(len(spaces), k, p=space_p)
        dup = rng.random(k) < 0.02
        rows = [
            (
                start + i + 1,
                1,
                1,
                start + i,
                f"r{start + i}",
                f"v{victim[i]}" if has_victim[i] else None,
                f"{year[i]}-{month[i]:02d}-01",
                "month",
                int(year[i]),
                int(month[i]),
                regions[region[i]],
                spaces[space[i]],
                cats[cat[i]],
                "reported",
                int(age[i]),
                BANDS[band[i]],
                "analysis",
                0,
                int(age[i] < 18),
                str(gender[i]),
                (start + i) if dup[i] and start + i > 0 else None,
                now,
            )
            for i in range(k)
        ]
        con.executemany(
            "INSERT INTO incidents (id, source_id, batch_id, source_row, record_key, victim_key, incident_date,"
            " incident_date_precision, incident_year, incident_month, region, space, category, category_origin,"
            " victim_age, age_band, age_band_scheme, age_unknown, minor, gender, duplicate_of, created_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    pop_rows = [
        (2, year, r, b, "analysis", sex, int(rng.integers(50_000, 400_000)), 1)
        for year in range(2021, 2026)
        for r in regions
        for b in BANDS
        for sex in ("female", "male")
    ]
    con.executemany(
        "INSERT INTO population (batch_id, year, region, age_band, age_band_scheme, sex, population, synthetic)"
        " VALUES (?,?,?,?,?,?,?,?)",
        pop_rows,
    )
    strata = rng.integers(0, 24, m)
    psu = rng.integers(0, 40, m)
    sage = rng.integers(15, 75, m)
    sfem = rng.random(m) < 0.5
    p12 = np.where(sfem, 0.22, 0.14) * np.where(sage < 25, 1.5, 1.0)
    cv12 = rng.random(m) < p12
    life = cv12 | (rng.random(m) < 0.2)
    con.executemany(
        "INSERT INTO survey_responses (batch_id, survey, respondent_key, year, stratum, psu, weight, region,"
        " urban_rural, age, gender, cv_past_12m, cv_lifetime) VALUES (3,'enq',?,2024,?,?,?,?,?,?,?,?,?)",
        [
            (
                f"s{i}",
                f"S{strata[i]}",
                f"S{strata[i]}-P{psu[i]}",
                float(rng.uniform(50, 300)),
                regions[strata[i] % len(regions)],
                "urban" if strata[i] % 3 else "rural",
                int(sage[i]),
                "female" if sfem[i] else "male",
                int(cv12[i]),
                int(life[i]),
            )
            for i in range(m)
        ],
    )
    con.commit()
    con.execute("ANALYZE")
    con.close()


def generate_postgresql(url: str, n: int, m: int, seed: int = 1) -> None:
    """Fill the (upgraded, empty) PostgreSQL store at ``url`` with ``INSERT ... SELECT ... FROM
    generate_series``: the distributions of :func:`generate`, drawn by the server (no rows go
    through Python), secondary indexes dropped during the load and rebuilt after it, then
    ``VACUUM ANALYZE``. Victim keys are 64-hex pseudonyms as the ingest writes them."""
    import sqlalchemy as sa

    tax = load_taxonomy()
    cats = list(tax.categories)
    spaces = list(tax.spaces)
    regions = list(tax.regions)
    rng = np.random.default_rng(seed)
    cat_cum = np.cumsum(rng.dirichlet(np.ones(len(cats)) * 2))[:-1].tolist()
    space_cum = np.cumsum(rng.dirichlet(np.ones(len(spaces)) * 2))[:-1].tolist()
    band_cum = np.cumsum(BAND_P)[:-1].tolist()
    LOWS = "ARRAY[5,12,15,18,25,35,45,60]"  # bounds of BANDS, as in generate
    HIGHS = "ARRAY[11,14,17,24,34,44,59,80]"

    def arr(values: list[Any]) -> str:
        if isinstance(values[0], str):
            return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"
        return "ARRAY[" + ",".join(repr(float(v)) for v in values) + "]::float8[]"

    def pick(values: list[str], cum: list[float]) -> str:  # categorical draw, 1-based index
        return f"({arr(values)})[width_bucket(random(), {arr(cum)}) + 1]"

    store = Store.open(url)
    engine = store.engine
    with engine.begin() as conn:
        now = datetime.now(UTC)
        conn.execute(sa.text(f"SELECT setseed({1 / (seed + 1)})"))
        conn.execute(
            sa.text(
                "INSERT INTO sources (id, code, name, kind, created_at) VALUES"
                " (1,'police','police','police',:now), (2,'survey','survey','survey',:now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO import_batches (id, source_id, file_name, sha256, profile, status,"
                " rows_read, rows_accepted, rows_quarantined, rows_duplicate, started_at)"
                " SELECT b, s, 'f' || b, lpad(b::text, 64, '0'), 'bench', 'complete', 0, 0, 0, 0,"
                " :now FROM (VALUES (1, 1), (2, 2), (3, 2)) AS v(b, s)"
            ),
            {"now": now},
        )
        indexes = conn.execute(
            sa.text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'incidents'"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint"
                " WHERE conrelid = 'incidents'::regclass)"
            )
        ).all()
        for name, _ in indexes:
            conn.execute(sa.text(f'DROP INDEX "{name}"'))
        # the self-reference duplicate_of is checked row by row by a trigger: off for the load
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(
            sa.text(
                "INSERT INTO incidents (id, source_id, batch_id, source_row, record_key, victim_key,"
                " incident_date, incident_date_precision, incident_year, incident_month, region,"
                " space, category, category_origin, victim_age, age_band, age_band_scheme,"
                " age_unknown, minor, gender, duplicate_of, created_at)"
                " SELECT g, 1, 1, g - 1, 'r' || (g - 1),"
                "  CASE WHEN random() < 0.9"
                "   THEN encode(sha256(('v' || floor(random() * :nv)::bigint)::bytea), 'hex') END,"
                "  make_date(y, mo, 1), 'month', y, mo,"
                f"  ({arr(regions)})[1 + floor(random() * {len(regions)})::int],"
                f"  {pick(spaces, space_cum)}, {pick(cats, cat_cum)}, 'reported',"
                f"  age, ({arr(BANDS)})[b], 'analysis', false, age < 18, gender,"
                "  CASE WHEN random() < 0.02 AND g > 1 THEN g - 1 END, :now"
                " FROM (SELECT g, y, mo, b, age,"
                "   CASE WHEN random() < 0.68 THEN 'female'"
                "    WHEN random() < 0.95 THEN 'male' ELSE 'unknown' END AS gender"
                "  FROM (SELECT g, y, mo, b,"
                f"    ({LOWS})[b] + floor(random() * (({HIGHS})[b] - ({LOWS})[b] + 1))::int AS age"
                "   FROM (SELECT g, 2021 + floor(random() * 5)::int AS y,"
                "     1 + floor(random() * 12)::int AS mo,"
                f"     width_bucket(random(), {arr(band_cum)}) + 1 AS b"
                "    FROM generate_series(1, :n) AS g OFFSET 0) AS a OFFSET 0) AS c OFFSET 0) AS d"
            ),
            {
                "n": n,
                "nv": int(n * 0.8),
                "now": now,
            },
        )
        conn.execute(sa.text("SET LOCAL maintenance_work_mem = '512MB'"))
        for _, ddl in indexes:
            conn.execute(sa.text(ddl))
        conn.execute(
            sa.text("SELECT setval(pg_get_serial_sequence('incidents', 'id'), :n)"), {"n": n}
        )
        pop = [
            {"y": year, "r": r, "b": b, "s": sex, "p": int(rng.integers(50_000, 400_000))}
            for year in range(2021, 2026)
            for r in regions
            for b in BANDS
            for sex in ("female", "male")
        ]
        conn.execute(
            sa.text(
                "INSERT INTO population (batch_id, year, region, age_band, age_band_scheme, sex,"
                " population, synthetic) VALUES (2, :y, :r, :b, 'analysis', :s, :p, true)"
            ),
            pop,
        )
        conn.execute(
            sa.text(
                "INSERT INTO survey_responses (batch_id, survey, respondent_key, year, stratum, psu,"
                " weight, region, urban_rural, age, gender, cv_past_12m, cv_lifetime)"
                " SELECT 3, 'enq', 's' || i, 2024, 'S' || st, 'S' || st || '-P' || p,"
                f"  50 + random() * 250, ({arr(regions)})[1 + st % {len(regions)}],"
                "  CASE WHEN st % 3 = 0 THEN 'rural' ELSE 'urban' END, age,"
                "  CASE WHEN fem THEN 'female' ELSE 'male' END, cv12, cv12 OR random() < 0.2"
                " FROM (SELECT i, st, p, age, fem, random() < CASE WHEN fem THEN 0.22 ELSE 0.14 END"
                "   * CASE WHEN age < 25 THEN 1.5 ELSE 1.0 END AS cv12"
                "  FROM (SELECT i - 1 AS i, floor(random() * 24)::int AS st,"
                "    floor(random() * 40)::int AS p, 15 + floor(random() * 60)::int AS age,"
                "    random() < 0.5 AS fem FROM generate_series(1, :m) AS i OFFSET 0) AS a"
                "  OFFSET 0) AS b"
            ),
            {"m": m},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    store.close()


def baseline(path: Path) -> int:
    """pandas: read the columns, then only the counts of the default tables."""
    con = sqlite3.connect(path)
    inc = pd.read_sql_query(
        "SELECT incident_year, incident_month, category, space, region, gender, age_band, minor, victim_key"
        " FROM incidents WHERE duplicate_of IS NULL",
        con,
    )
    sur = pd.read_sql_query(
        "SELECT year, age, gender, urban_rural, cv_past_12m, cv_lifetime FROM survey_responses", con
    )
    con.close()
    sizes = [
        inc.groupby(["incident_year", "category", "space"]).size(),
        inc.groupby(["incident_year", "incident_month", "category"]).size(),
        inc.groupby(["incident_year", "age_band", "gender", "region"]).size(),
        inc.groupby(["incident_year", "category", "minor"]).size(),
        inc.groupby(["incident_year", "category", "gender"]).size(),
        inc.groupby(["incident_year", "incident_month", "category", "space"]).size(),
        sur.groupby(["year", "gender", "urban_rural", "cv_past_12m"]).size(),
        sur.groupby(["year", "gender", "urban_rural", "cv_lifetime"]).size(),
    ]
    return sum(len(s) for s in sizes)


def _report_load() -> None:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average (1, 5, 15 min): {load} on {os.cpu_count()} CPUs")


def run_postgresql(args: argparse.Namespace, n: int, m: int) -> None:
    """Generate into a fresh database (or reuse one), time ``compute_indicators``, drop it.

    No pandas baseline here: at 10 M rows reading the columns into pandas is the memory test of
    another benchmark, not this one's yardstick."""
    import secrets

    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    created = None
    server = sa.create_engine(args.server, isolation_level="AUTOCOMMIT")
    if args.reuse:
        url = args.reuse
    else:
        created = f"marsad_bench{n // 1_000_000 or n // 1000}{'m' if n >= 1_000_000 else 'k'}_{secrets.token_hex(4)}"
        with server.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{created}"'))
        url = make_url(args.server).set(database=created).render_as_string(hide_password=False)
    ok = False
    try:
        if created:
            t0 = time.perf_counter()
            generate_postgresql(url, n, m)
            print(
                f"generated {n:,} incidents and {m:,} respondents in PostgreSQL "
                f"({created}) in {time.perf_counter() - t0:.1f} s"
            )
        settings = Settings.from_env({}, database_url=url)
        store = Store.open(url, upgrade=False)
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            table = compute_indicators(store, settings)
            t_marsad, c_marsad = time.perf_counter() - t0, time.process_time() - c0
            print(
                f"marsad    full default set:           {t_marsad:6.2f} s wall, "
                f"{c_marsad:6.2f} s CPU of this process ({len(table):,} cells, "
                f"{int(table['suppressed'].sum()):,} withheld, "
                f"{table['indicator'].nunique()} indicators)"
            )
            _report_load()
        store.close()
        ok = True
    finally:
        if created and not (args.keep and ok):
            with server.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE "{created}" WITH (FORCE)'))
        elif created:
            print(f"kept: {url}")
        server.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--small", action="store_true", help="100,000 incidents and 10,000 respondents"
    )
    parser.add_argument("--incidents", type=int, default=None)
    parser.add_argument("--respondents", type=int, default=None)
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: generate into a new database on --server, time marsad only",
    )
    parser.add_argument(
        "--server",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server (any database of it) where the benchmark database is created",
    )
    parser.add_argument(
        "--reuse", metavar="URL", help="PostgreSQL store already generated: time only"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the generated PostgreSQL database (prints its URL)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of marsad (PostgreSQL)")
    args = parser.parse_args()
    n = args.incidents or (100_000 if args.small else 1_000_000)
    m = args.respondents or (10_000 if args.small else 50_000)
    if args.backend == "postgresql" or args.reuse:
        run_postgresql(args, n, m)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        generate(path, n, m)
        print(
            f"generated {n:,} incidents and {m:,} respondents in {time.perf_counter() - t0:.1f} s"
        )
        t0, c0 = time.perf_counter(), time.process_time()
        groups = baseline(path)
        t_base, c_base = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"baseline  pandas group-by counts only: {t_base:6.2f} s wall, {c_base:6.2f} s CPU "
            f"({groups:,} groups)"
        )
        settings = Settings.from_env({}, data_dir=tmp, database_url=f"sqlite:///{path}")
        store = Store.open(settings.db_url, upgrade=False)
        t0, c0 = time.perf_counter(), time.process_time()
        table = compute_indicators(store, settings)
        t_marsad, c_marsad = time.perf_counter() - t0, time.process_time() - c0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # tracemalloc slows every allocation (2-3x here), so the Python peak is taken on a
        # second, untimed run after the timed one
        tracemalloc.start()
        compute_indicators(store, settings)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        store.close()
        print(
            f"marsad    full default set:           {t_marsad:6.2f} s wall, {c_marsad:6.2f} s CPU "
            f"({len(table):,} cells, {int(table['suppressed'].sum()):,} withheld, "
            f"{table['indicator'].nunique()} indicators)"
        )
        print(f"ratio marsad / baseline: {t_marsad / t_base:.2f} wall, {c_marsad / c_base:.2f} CPU")
        print(
            f"peak Python memory during compute (tracemalloc, second run): {peak / 2**20:.0f} MiB; "
            f"process max RSS after the timed run: {rss:.0f} MiB"
        )
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"load average (1, 5, 15 min): {load} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
