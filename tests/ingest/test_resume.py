"""An import killed mid-way (SIGKILL of a real process) leaves nothing half-written, and running
it again completes it without duplicates. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from marsad.config import Settings
from marsad.ingest import ingest_file
from marsad.store import Store, tables
from tests.conftest import TEST_KEY
from tests.ingest.conftest import police_row, write_csv

ROWS = 12_000
SCRIPT = """
import sys
from marsad.config import Settings
from marsad.store import Store
from marsad.ingest import ingest_file
settings = Settings.from_env()
with Store.open(settings.db_url, upgrade=False) as store:
    ingest_file(store, settings, sys.argv[1], sys.argv[2], progress=False, chunk_size=500)
"""


def _batch(store: Store) -> sa.Row | None:
    with store.connect() as c:
        return c.execute(sa.select(tables.import_batches)).first()


def test_killed_import_resumes_without_duplicates(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    rows = [police_row(i, age="1O" if i % 1000 == 7 else str(10 + i % 50)) for i in range(ROWS)]
    path = write_csv(tmp_path / "big.csv", rows)
    env = {**os.environ, "MARSAD_DATABASE_URL": settings.db_url, "MARSAD_PSEUDONYM_KEY": TEST_KEY}
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(path), str(police_profile)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            b = _batch(store)
            if b is not None and b.rows_read >= 2_000:
                break
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        if proc.stderr:
            proc.stderr.close()
    b = _batch(store)
    assert b is not None and b.status == "running"
    assert 2_000 <= b.rows_read < ROWS, "the import was not interrupted mid-way"
    with store.connect() as c:
        stored = c.execute(sa.select(sa.func.count()).select_from(tables.incidents)).scalar_one()
        quarantined = c.execute(
            sa.select(sa.func.count()).select_from(tables.quarantine)
        ).scalar_one()
    # nothing half-written: the counters are exactly what the store holds
    assert (stored, quarantined) == (b.rows_accepted, b.rows_quarantined)
    assert stored + quarantined == b.rows_read

    report = ingest_file(store, settings, path, police_profile, progress=False)
    assert report.resumed and report.batch_id == b.id
    bad = sum(1 for i in range(ROWS) if i % 1000 == 7)
    assert (report.rows_read, report.accepted, report.quarantined) == (ROWS, ROWS - bad, bad)
    assert store.count("incidents") == ROWS - bad and store.count("quarantine") == bad
    assert store.count("incident_categories") == ROWS - bad
    with store.connect() as c:
        status = c.execute(sa.select(tables.import_batches.c.status)).scalar_one()
        rows_seen = c.execute(
            sa.select(sa.func.count(sa.distinct(tables.incidents.c.source_row)))
        ).scalar_one()
    assert status == "complete" and rows_seen == ROWS - bad
    assert ingest_file(store, settings, path, police_profile, progress=False).already_imported
