"""National scale on PostgreSQL: ingest N synthetic incidents, then indicators, legal, estimates.

    .venv/bin/python benchmarks/scale.py                  # 10,000,000 vs a 1,000,000 baseline
    .venv/bin/python benchmarks/scale.py --rows 1000000   # baseline = rows / 10
    .venv/bin/python benchmarks/scale.py --small          # 200,000 vs 20,000 (a few minutes)
    .venv/bin/python benchmarks/scale.py --rows 1000000 --explain   # + EXPLAIN ANALYZE of the slowest statements

Each run creates its own database on 127.0.0.1 (dropped at the end unless --keep), ingests
two incident registers written by a vectorised generator in the exact layout of the shipped
``police_register`` (60 % of the rows, CP1252, ';') and ``ngo_register`` (40 %, Windows-1256,
Arabic headers) profiles, with 25 % of NGO cases also reported to the police (same phone, date
within 10 days: cross-source duplicates for de-duplication and multiple-systems estimation),
plus the population and survey files of a small ``marsad synth`` run, all through
``marsad.ingest.ingest_file`` (COPY path). It then times ``marsad.stats.compute_indicators``,
``marsad.legal.analyse(load_burden(...))`` and ``marsad.estimate.estimate_population`` /
``reporting_gap``, and prints every time with its ratio to the baseline run (linear scaling
gives the row ratio).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import make_url

from marsad.config import Settings
from marsad.store import Store

ADMIN_URL = os.environ.get(
    "MARSAD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PROFILES = Path(__file__).resolve().parents[1] / "src" / "marsad" / "ingest" / "profiles"
KEY = "benchmark-pseudonym-key-0123456789abcdef"
YEARS = np.arange(2019, 2026)
CHUNK = 500_000

# Category and space mixes (shares; roughly the synthetic generator's national mix).
CATEGORIES = {
    "cyberharassment": 30,
    "sexual_harassment": 14,
    "threats": 10,
    "ncii": 7,
    "sextortion": 8,
    "cyberstalking": 6,
    "impersonation": 8,
    "doxxing": 4,
    "gendered_hate": 5,
    "grooming": 3,
    "sexual_deepfakes": 2,
    "csam": 1,
    "virtual_sexual_assault": 1,
    "other": 1,
}
SPACES = {
    "social_network": 45,
    "messaging": 30,
    "video_game": 8,
    "virtual_world": 2,
    "dating_app": 5,
    "forum": 3,
    "email_sms": 5,
    "other": 2,
}
PLATFORMS = ["Facebook", "Instagram", "TikTok", "WhatsApp", "Snapchat", "Messenger", "Telegram"]
NARRATIVES = {
    "police_register": [
        "Je reçois des messages injurieux tous les jours.",
        "Il menace de publier mes photos si je ne paie pas.",
        "Un faux compte utilise mes photos et mon nom.",
        "Il me suit partout en ligne et commente tout.",
        "Des inconnus m'envoient des images obscènes.",
        "",
    ],
    "ngo_register": [
        "تتلقى رسائل سب وشتم يوميا.",
        "يهددها بنشر صورها إن لم تدفع.",
        "حساب مزيف ينتحل هويتها.",
        "",
    ],
}


# -- data generation ---------------------------------------------------------------------------


def _invert(field: dict[str, Any]) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for label, code in (field.get("map") or {}).items():
        out.setdefault(code, label)
    return out


def _choice(rng: np.random.Generator, mix: dict[str, int], n: int) -> np.ndarray:
    keys = np.array(list(mix))
    p = np.array(list(mix.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def _date_table(fmt: str) -> tuple[np.ndarray, np.datetime64]:
    start = np.datetime64("2019-01-01")
    days = pd.date_range("2019-01-01", "2026-12-31", freq="D")
    return np.array(days.strftime(fmt)), start


class Incidents:
    """Draws the incidents of both registers (victim, date, category, space...) in blocks."""

    def __init__(self, rows: int, seed: int) -> None:
        self.rows = rows
        self.rng = np.random.default_rng(seed)
        self.police = int(rows * 0.6)
        self.ngo = rows - self.police
        self.pool = max(10, int(rows * 0.55))  # distinct phones: ~1.1 police reports per victim
        growth = 1.18 ** (YEARS - YEARS[0])
        self.year_p = growth / growth.sum()

    def draw(self, n: int, offset: int) -> dict[str, np.ndarray]:
        rng = self.rng
        year = YEARS[rng.choice(len(YEARS), size=n, p=self.year_p)]
        doy = rng.integers(0, 365, size=n)
        day = (np.datetime64("2019-01-01") + ((year - 2019) * 365.25).astype(int)).astype(
            "datetime64[D]"
        ) + doy
        victim = rng.integers(0, self.pool, size=n)
        gender = np.where(rng.random(n) < 0.78, "female", "male")
        age = np.clip(rng.gamma(4.0, 6.5, size=n).astype(int) + 8, 8, 80)
        return {
            "row": np.arange(offset, offset + n),
            "day": day,
            "report_delay": rng.integers(0, 60, size=n),
            "victim": victim,
            "gender": gender,
            "age": age,
            "category": _choice(rng, CATEGORIES, n),
            "space": _choice(rng, SPACES, n),
            "platform": np.array(PLATFORMS)[rng.integers(0, len(PLATFORMS), size=n)],
            "region": np.array([f"MA-{i:02d}" for i in range(1, 13)])[
                rng.choice(12, size=n, p=_REGION_P)
            ],
            "relationship": np.array(["partner_family", "other_known", "unknown_to_victim"])[
                rng.choice(3, size=n, p=[0.2, 0.3, 0.5])
            ],
        }


_REGION_P = np.array([11, 7, 12, 14, 7, 20, 13, 5, 8, 1.2, 1, 0.8]) / 100.0


def _phones(victim: np.ndarray) -> pd.Series:
    base = pd.Series(600_000_000 + victim % 200_000_000).astype(str)  # 06xx / 07xx mobiles
    return (
        "0"
        + base.str.slice(0, 1)
        + " "
        + base.str.slice(1, 3)
        + " "
        + base.str.slice(3, 5)
        + " "
        + (base.str.slice(5, 7) + " " + base.str.slice(7, 9))
    )


def _frame(
    profile: dict[str, Any], d: dict[str, np.ndarray], prefix: str, rng: np.random.Generator
) -> pd.DataFrame:
    fields = profile["fields"]
    out: dict[str, Any] = {profile["record_id"]["column"]: [f"{prefix}{i:09d}" for i in d["row"]]}
    for name, spec in fields.items():
        col, typ = spec["column"], spec.get("type")
        if typ == "date":
            fmt = spec["formats"][0]
            table, start = _DATES.setdefault(fmt, _date_table(fmt))
            day = d["day"] if name == "incident_date" else d["day"] + d["report_delay"]
            out[col] = table[(day - start).astype(int)]
        elif typ == "code":
            inv = _invert(spec)
            values = d[name]
            out[col] = pd.Series(values).map(inv).fillna(pd.Series(values)).to_numpy()
        elif typ == "int":
            out[col] = d["age"]
        elif typ == "pseudonym":
            out[col] = _phones(d["victim"]).to_numpy()
        elif typ == "str":
            out[col] = d["platform"]
        elif typ == "text":
            texts = NARRATIVES[profile["id"]]
            out[col] = np.array(texts)[rng.integers(0, len(texts), size=len(d["row"]))]
        elif typ == "bool":
            inv = _invert(spec)
            out[col] = np.where(rng.random(len(d["row"])) < 0.3, inv[True], inv[False])
    for col in profile.get("scrub_names_from", []):
        out[col] = "X"
    return pd.DataFrame(out)


_DATES: dict[str, tuple[np.ndarray, np.datetime64]] = {}


def write_registers(
    rows: int, folder: Path, seed: int = 2026, tag: str = ""
) -> list[tuple[Path, str]]:
    """Police and NGO registers of ``rows`` incidents in total, in the shipped profiles' layouts
    (``tag`` goes into record ids and file names, for extra batches)."""
    gen = Incidents(rows, seed)
    police = yaml.safe_load((PROFILES / "police_register.yaml").read_text(encoding="utf-8"))
    ngo = yaml.safe_load((PROFILES / "ngo_register.yaml").read_text(encoding="utf-8"))
    out = []
    shared: list[dict[str, np.ndarray]] = []
    for profile, total, prefix in ((police, gen.police, f"PJ{tag}"), (ngo, gen.ngo, f"NGO{tag}")):
        path = folder / f"{profile['id']}_{rows}{tag}.csv"
        fmt = profile.get("format", {})
        first = True
        for offset in range(0, total, CHUNK):
            n = min(CHUNK, total - offset)
            d = gen.draw(n, offset)
            if profile is police:
                keep = gen.rng.random(n) < 0.25 * gen.ngo / max(gen.police, 1)
                shared.append({k: v[keep] for k, v in d.items()})
            elif shared:  # NGO cases also reported to the police: same victim and incident
                src = shared.pop()
                m = min(len(src["row"]), n)
                for k in ("victim", "category", "space", "gender", "age", "region", "relationship"):
                    d[k][:m] = src[k][:m]
                d["day"][:m] = src["day"][:m] + gen.rng.integers(0, 10, size=m)
            frame = _frame(profile, d, prefix, gen.rng)
            frame.to_csv(
                path,
                sep=fmt.get("delimiter", ","),
                encoding=fmt.get("encoding", "utf-8"),
                index=False,
                header=first,
                mode="w" if first else "a",
            )
            first = False
        out.append((path, profile["id"]))
    return out


# -- runs ---------------------------------------------------------------------------------------


@contextmanager
def database(keep: bool) -> Iterator[str]:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"marsad_scale_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(make_url(ADMIN_URL).set(database=name))
    finally:
        if not keep:
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Timer:
    """Wall time of each step, and this process's CPU time (the database server's is apart):
    on a shared machine the CPU time shows the work when the wall time mostly shows waiting."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def __call__(self, name: str, fn: Callable[[], Any]) -> Any:
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        self.times[name] = time.perf_counter() - start
        self.cpu[name] = time.process_time() - cpu
        print(
            f"  {name:<24} {self.times[name]:9.1f} s wall {self.cpu[name]:9.1f} s CPU", flush=True
        )
        return result


class StatementLog:
    """Times every SQL statement a store runs (for --explain)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.entries: list[tuple[float, str, Any]] = []
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(
        self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        conn.info["t0"] = time.perf_counter()

    def _after(
        self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        if not many and statement.lstrip().upper().startswith("SELECT"):
            self.entries.append((time.perf_counter() - conn.info.pop("t0"), statement, params))

    def slowest(self, n: int) -> list[tuple[float, str, Any]]:
        seen: dict[str, tuple[float, str, Any]] = {}
        for e in sorted(self.entries, key=lambda e: -e[0]):
            seen.setdefault(e[1], e)
        return list(seen.values())[:n]


def explain(store: Store, statements: list[tuple[float, str, Any]]) -> None:
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        for seconds, sql, params in statements:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
            plan = "\n".join("    " + r[0] for r in cur.fetchall())
            print(f"\n  -- {seconds:.2f} s: {' '.join(sql.split())[:300]}\n{plan}")
        raw.rollback()
    finally:
        raw.close()


def run(rows: int, work: Path, synth_dir: Path, keep: bool, do_explain: bool) -> dict[str, float]:
    from marsad.ingest import ingest_file
    from marsad.synth import generate

    print(f"\n== {rows:,} incidents", flush=True)
    timer = Timer()
    files = timer("generate CSV", lambda: write_registers(rows, work))
    if not (synth_dir / "population_synthetic.csv").exists():
        generate(synth_dir, size=5_000)
    with database(keep) as url:
        settings = Settings.from_env(
            {}, data_dir=str(work / "data"), database_url=url, pseudonym_key=KEY
        )
        store = Store.open(url)
        try:
            ingest_file(store, settings, synth_dir / "population_synthetic.csv", "population")
            ingest_file(
                store,
                settings,
                synth_dir / "survey_microdata_synthetic.parquet",
                "survey_microdata",
            )
            for path, profile in files:
                report = timer(
                    f"ingest {profile}",
                    lambda p=path, pr=profile: ingest_file(store, settings, p, pr),
                )
                print(
                    f"    accepted {report.accepted:,}, quarantined {report.quarantined:,}, "
                    f"duplicate links {report.duplicates_linked:,}",
                    flush=True,
                )
            with store.begin() as c:
                c.execute(sa.text("ANALYZE"))
            log = StatementLog(store.engine) if do_explain else None
            from marsad.estimate import estimate_population, reporting_gap
            from marsad.legal import analyse, load_burden
            from marsad.stats import compute_indicators

            table = timer("indicators", lambda: compute_indicators(store, settings))
            print(f"    {len(table):,} published cells", flush=True)
            timer(
                "legal priorities",
                lambda: analyse(load_burden(store, settings), min_cell=settings.min_cell),
            )
            est = timer("estimates (MSE)", lambda: estimate_population(store, settings))
            print(f"    {len(est.rows)} strata estimated from {len(est.lists)} lists", flush=True)
            timer("reporting gap", lambda: reporting_gap(store, settings))
            if log is not None:
                print("\n  Slowest SELECT statements, with their plans:")
                explain(store, log.slowest(6))
        finally:
            store.close()
    for path, _ in files:
        path.unlink()
    return timer.times


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rows", type=int, default=10_000_000, help="incidents of the main run")
    ap.add_argument(
        "--baseline", type=int, default=None, help="incidents of the baseline run (default rows/10)"
    )
    ap.add_argument("--small", action="store_true", help="200,000 vs 20,000: a quick run")
    ap.add_argument("--keep", action="store_true", help="keep the databases (prints their names)")
    ap.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest statements")
    ap.add_argument("--skip-baseline", action="store_true", help="run only --rows")
    args = ap.parse_args(argv)
    rows = 200_000 if args.small else args.rows
    base = 20_000 if args.small else (args.baseline or max(1, rows // 10))
    with tempfile.TemporaryDirectory(prefix="marsad-scale-") as tmp:
        work = Path(tmp)
        synth_dir = work / "synth"
        b = None if args.skip_baseline else run(base, work, synth_dir, args.keep, False)
        m = run(rows, work, synth_dir, args.keep, args.explain)
    if b is None:
        return
    print(f"\n== ratio {rows:,} / {base:,} (linear = {rows / base:.1f})")
    for name, seconds in m.items():
        print(
            f"  {name:<24} {seconds / max(b[name], 1e-9):6.2f}x   ({b[name]:.1f} s -> {seconds:.1f} s)"
        )


if __name__ == "__main__":
    sys.exit(main())
