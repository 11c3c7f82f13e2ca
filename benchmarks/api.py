"""p50/p95 latency of GET /api/v1/indicators under 20 concurrent clients on 127.0.0.1.

The store is generated directly (N synthetic incidents in SQLite, default 1,000,000), the app is
served by uvicorn on a free port in a thread, and 20 httpx async clients send requests until a
request count or a time budget is reached. The baseline, run in the same process and the same
way, is GET /api/v1/me (authentication and one audit-free round trip), so the ratio shows what
the indicator endpoint adds to the framework's own cost. The first (cold) computation of the
indicator table is timed separately: the API answers from a cache keyed on the store's state.

    .venv/bin/python benchmarks/api.py [--incidents N] [--small] [--requests R] [--seconds S]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import insert

from marsad.config import Settings
from marsad.store import Store, tables
from marsad.taxonomy import load_taxonomy
from marsad.web import add_user, create_app, create_token


def generate(store: Store, n: int, seed: int = 2026) -> None:
    tax = load_taxonomy()
    rng = np.random.default_rng(seed)
    cats, spaces, regions = list(tax.categories), list(tax.spaces), list(tax.regions)
    bands = ["0-11", "12-14", "15-17", "18-24", "25-34", "35-44", "45-59", "60+"]
    now = datetime.now(UTC)
    with store.begin() as c:
        src = c.execute(
            insert(tables.sources).values(
                code="bench", name="Benchmark", kind="police", created_at=now
            )
        ).inserted_primary_key[0]
        batch = c.execute(
            insert(tables.import_batches).values(
                source_id=src,
                file_name="bench.csv",
                sha256="0" * 64,
                profile="bench",
                status="complete",
                rows_read=n,
                rows_accepted=n,
                started_at=now,
                finished_at=now,
            )
        ).inserted_primary_key[0]
    chunk = 50_000
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        year = rng.integers(2019, 2026, m)
        month = rng.integers(1, 13, m)
        cat = rng.choice(len(cats), m, p=np.r_[np.full(len(cats) - 1, 0.9 / (len(cats) - 1)), 0.1])
        rows = [
            {
                "source_id": src,
                "batch_id": batch,
                "source_row": start + i + 1,
                "record_key": f"{start + i:064d}",
                "incident_date": date(int(year[i]), int(month[i]), 1),
                "incident_date_precision": "month",
                "incident_year": int(year[i]),
                "incident_month": int(month[i]),
                "region": regions[int(rng.integers(len(regions)))],
                "space": spaces[int(rng.integers(len(spaces)))],
                "category": cats[int(cat[i])],
                "category_origin": "reported",
                "gender": "female" if rng.random() < 0.7 else "male",
                "age_band": bands[int(rng.integers(len(bands)))],
                "age_band_scheme": "analysis",
                "age_unknown": False,
                "created_at": now,
            }
            for i in range(m)
        ]
        with store.begin() as c:
            c.execute(insert(tables.incidents), rows)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(url: str, token: str, clients: int, total: int, seconds: float) -> list[float]:
    import httpx

    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    sent = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal sent
        while sent < total and time.perf_counter() < deadline:
            sent += 1
            t0 = time.perf_counter()
            r = await client.get(url, headers={"Authorization": f"Bearer {token}"})
            latencies.append(time.perf_counter() - t0)
            r.raise_for_status()

    async with httpx.AsyncClient(timeout=300) as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    return latencies


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs), q)) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=1_000_000)
    ap.add_argument("--small", action="store_true", help="50,000 incidents, 200 requests")
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--clients", type=int, default=20)
    args = ap.parse_args()
    if args.small:
        args.incidents, args.requests = 50_000, 200
    import uvicorn

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(
            {},
            data_dir=tmp,
            session_secret="bench-session-secret-0123456789",
            pseudonym_key="bench-key-0123456789abcdef",
        )
        store = Store.open(settings.db_url)
        t0 = time.perf_counter()
        generate(store, args.incidents)
        gen_s = time.perf_counter() - t0
        add_user(store, "bench", "bench-password-long", "viewer")
        token = create_token(store, "bench")
        app = create_app(settings, store=store)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}/api/v1"
        t0 = time.perf_counter()
        cold = asyncio.run(load(f"{base}/indicators?limit=1", token, 1, 1, 3600))
        cold_s = time.perf_counter() - t0
        query = f"{base}/indicators?indicator=incidents_recorded&space=social_network&limit=100"
        baseline = asyncio.run(load(f"{base}/me", token, args.clients, args.requests, args.seconds))
        measured = asyncio.run(load(query, token, args.clients, args.requests, args.seconds))
        server.should_exit = True
        thread.join(timeout=10)
        store.close()
    print(
        f"store: {args.incidents:,} incidents generated in {gen_s:.1f} s (SQLite, {Path(tmp).name})"
    )
    print(
        f"cold: first indicator request (computes the full indicator table) {cold_s:.1f} s ({cold[0]:.1f} s latency)"
    )
    for name, xs in (
        ("baseline GET /me", baseline),
        ("GET /indicators (filtered, limit 100)", measured),
    ):
        print(
            f"{name:40s} n={len(xs):5d}  p50={pct(xs, 50):8.1f} ms  p95={pct(xs, 95):8.1f} ms  mean={statistics.mean(xs) * 1000:8.1f} ms"
        )
    print(
        f"ratio indicators/baseline: p50 {pct(measured, 50) / pct(baseline, 50):.2f}x, p95 {pct(measured, 95) / pct(baseline, 95):.2f}x ({args.clients} concurrent clients)"
    )


if __name__ == "__main__":
    main()
