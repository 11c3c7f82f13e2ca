"""Benchmark: rows/s and peak memory of ``marsad.ingest`` against pandas ``read_csv`` + ``to_sql``.

Usage::

    .venv/bin/python benchmarks/ingest.py              # 1,000,000 rows, SQLite and PostgreSQL
    .venv/bin/python benchmarks/ingest.py --small      # 50,000 rows
    .venv/bin/python benchmarks/ingest.py --rows 200000 --backends sqlite

A police-register-like CSV (``;``-separated, French headers, dd/mm/yyyy dates, phone numbers in
their usual written forms, CIN numbers, names, narratives holding personal data) is generated
once. Each measurement runs in its own child process, so its peak resident memory
(``ru_maxrss``) is its own. Marsad validates every row against the taxonomy, scrubs the
narrative, pseudonymises three identifiers (HMAC-SHA-256) and links duplicates; the baseline
only loads the strings as they are, into a table without indexes. Wall time and the client
process's CPU time are both reported: on a shared machine CPU time is the steadier of the two.
On PostgreSQL the server's CPU is reported beside it: the CPU time of the database's backend
processes still connected at the end (Linux ``/proc``; parallel workers and connections closed
earlier are not counted, so it is a lower bound). The load average is printed before and after.
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

PG_ADMIN = os.environ.get(
    "MARSAD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
KEY = "benchmark-pseudonym-key-0123456789abcdef"
HEADER = [
    "num_plainte",
    "date_faits",
    "date_plainte",
    "region",
    "sexe",
    "age",
    "infraction",
    "espace",
    "tel_victime",
    "cin_suspect",
    "nom_victime",
    "recit",
]
PROFILE = """
id: bench_police
source: {code: police, name: Police register, kind: police}
target: incidents
format: {delimiter: ";"}
record_id: {column: num_plainte}
fields:
  incident_date: {column: date_faits, type: date, formats: ["%d/%m/%Y"], required: true}
  report_date: {column: date_plainte, type: date, formats: ["%d/%m/%Y"]}
  region: {column: region, type: code, dimension: regions, map: {"Casablanca-Settat": MA-06, "Rabat-Salé-Kénitra": MA-04, "Fès-Meknès": MA-03, "Marrakech-Safi": MA-07}}
  gender: {column: sexe, type: code, dimension: genders, map: {F: female, M: male}}
  victim_age: {column: age, type: int, min: 0, max: 120}
  category: {column: infraction, type: code, dimension: categories, map: {"harcèlement": cyberharassment, "sextorsion": sextortion, "menaces": threats, "usurpation": impersonation}}
  space: {column: espace, type: code, dimension: spaces, map: {"réseau social": social_network, "messagerie": messaging, "jeu": video_game}}
  victim_key: {column: tel_victime, type: pseudonym, kind: phone}
  perpetrator_key: {column: cin_suspect, type: pseudonym, kind: cin}
  narrative: {column: recit, type: text}
scrub_names_from: [nom_victime]
defaults: {space: other}
"""
FIRST = ["Salma", "Nadia", "Yasmine", "Khadija", "Imane", "Sara", "Omar", "Youssef", "Hajar", "Aya"]
LAST = ["Bennani", "Alaoui", "Berrada", "El Idrissi", "Tazi", "Chraibi", "Amrani", "Fassi"]
STORIES = [
    "{name} reçoit des messages menaçants depuis le {phone}, il exige des photos.",
    "La victime {name} est harcelée sur Instagram par {handle}; contact: {email}",
    "{name} signale un faux compte à son nom, l'auteur a laissé le numéro {phone}.",
    "Menaces répétées par messagerie, la victime a 15 ans. Suspect CIN {cin}.",
    "تتلقى {name} رسائل تهديد من الرقم {phone} منذ شهر",
    "khoya {handle} kay sift liha msajat kol nhar, 3awd lih ghadi nfda7ha",
]


def generate(path: Path, rows: int, seed: int = 2026) -> None:
    """Write ``rows`` police-register rows, streaming (memory stays flat)."""
    rng = random.Random(seed)
    regions = ["Casablanca-Settat", "Rabat-Salé-Kénitra", "Fès-Meknès", "Marrakech-Safi", "MA-09"]
    cats = ["harcèlement", "sextorsion", "menaces", "usurpation"]
    spaces = ["réseau social", "messagerie", "jeu", ""]
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(";".join(HEADER) + "\n")
        for i in range(rows):
            digits = f"6{rng.randrange(10**8):08d}"
            phone = rng.choice(
                [
                    f"0{digits}",
                    f"+212 {digits[0]} {digits[1:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}",
                    f"0{digits[0]} {digits[1:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}",
                ]
            )
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            cin = f"{rng.choice(['BE', 'BK', 'JA', 'X'])}{rng.randrange(10**5, 10**6)}"
            story = rng.choice(STORIES).format(
                name=name,
                phone=phone,
                handle=f"@user{i % 997}",
                email=f"u{i % 991}@gmail.com",
                cin=cin,
            )
            day, month, year = 1 + rng.randrange(28), 1 + rng.randrange(12), 2019 + rng.randrange(7)
            age = str(rng.randrange(10, 70)) if i % 500 else "1O"  # a few dirty rows
            f.write(
                ";".join(
                    [
                        f"PL-{i:08d}",
                        f"{day:02d}/{month:02d}/{year}",
                        f"{min(28, day + 3):02d}/{month:02d}/{year}",
                        rng.choice(regions),
                        rng.choice("FFFM"),
                        age,
                        rng.choice(cats),
                        rng.choice(spaces),
                        phone,
                        cin,
                        name,
                        story.replace(";", ","),
                    ]
                )
                + "\n"
            )


# -- children: one measurement each, in its own process ------------------------------------------
def child_marsad(csv_path: str, url: str, profile_path: str) -> dict[str, float]:
    from marsad.config import Settings
    from marsad.ingest import ingest_file
    from marsad.store import Store

    settings = Settings.from_env({}, pseudonym_key=KEY, database_url=url)
    with Store.open(url) as store:
        server = _server_cpu(url)
        t, cpu = time.perf_counter(), time.process_time()
        report = ingest_file(store, settings, csv_path, profile_path, progress=False)
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        server = _server_cpu(url) - server
    return {
        "seconds": seconds,
        "cpu": cpu,
        "server_cpu": server,
        "rows": report.rows_read,
        "accepted": report.accepted,
        "quarantined": report.quarantined,
    }


def child_pandas(csv_path: str, url: str) -> dict[str, float]:
    import pandas as pd
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as c:  # the connection to_sql will use, so its server CPU counts
        c.execute(sa.text("SELECT 1"))
    server = _server_cpu(url)
    t, cpu = time.perf_counter(), time.process_time()
    df = pd.read_csv(csv_path, sep=";", dtype=str, keep_default_na=False)
    df.to_sql("police_raw", engine, index=False, chunksize=10_000, if_exists="replace")
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    server = _server_cpu(url) - server
    engine.dispose()
    return {"seconds": seconds, "cpu": cpu, "server_cpu": server, "rows": len(df)}


def _server_cpu(url: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends connected to ``url``'s database
    (0 for SQLite, or where ``/proc`` is not available)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not Path("/proc").is_dir():
        return 0.0
    tag = f" {parsed.database} ".encode()
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if tag not in (entry / "cmdline").read_bytes():
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def _run_child(kind: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{kind} child failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- databases -----------------------------------------------------------------------------------
def _new_db(backend: str, folder: Path, tag: str) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{folder / (tag + '.db')}", None
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"marsad_bench_{tag}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return str(make_url(PG_ADMIN).set(database=name)), name


def _drop_db(name: str | None) -> None:
    if name is None:
        return
    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", action="store_true", help="50,000 rows")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = child_marsad(*rest) if kind == "marsad" else child_pandas(*rest)
        result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    rows = 50_000 if args.small else args.rows
    with tempfile.TemporaryDirectory(prefix="marsad-bench-") as tmp:
        folder = Path(tmp)
        csv_path = folder / "police.csv"
        t = time.perf_counter()
        generate(csv_path, rows)
        profile_path = folder / "bench_police.yaml"
        profile_path.write_text(PROFILE, encoding="utf-8")
        size_mib = csv_path.stat().st_size / 2**20
        print(f"Generated {rows:,} rows ({size_mib:,.1f} MiB) in {time.perf_counter() - t:.1f} s")
        print(_load())
        print(
            f"{'backend':<11} {'method':<26} {'rows/s':>10} {'seconds':>9} {'client CPU s':>13} "
            f"{'server CPU s':>13} {'peak MiB':>9}"
        )
        for backend in args.backends.split(","):
            results = {}
            for kind in ("pandas", "marsad"):
                url, name = _new_db(backend, folder, kind)
                try:
                    extra = [str(profile_path)] if kind == "marsad" else []
                    results[kind] = r = _run_child(kind, str(csv_path), url, *extra)
                finally:
                    _drop_db(name)
                label = "pandas read_csv+to_sql" if kind == "pandas" else "marsad ingest_file"
                server = f"{r['server_cpu']:>13.1f}" if backend == "postgresql" else f"{'-':>13}"
                print(
                    f"{backend:<11} {label:<26} {r['rows'] / r['seconds']:>10,.0f} "
                    f"{r['seconds']:>9.1f} {r['cpu']:>13.1f} {server} {r['peak_mib']:>9.0f}"
                )
            m, p = results["marsad"], results["pandas"]
            print(
                f"{backend:<11} ratio marsad/pandas speed: {p['seconds'] / m['seconds']:.2f}x wall, "
                f"{p['cpu'] / m['cpu']:.2f}x client CPU; peak memory {m['peak_mib']:.0f} vs "
                f"{p['peak_mib']:.0f} MiB; accepted {m['accepted']:,}, quarantined {m['quarantined']:,}"
            )
        print(_load())


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return (
        f"load average (1, 5, 15 min): {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
