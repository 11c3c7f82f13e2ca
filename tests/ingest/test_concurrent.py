"""Two processes importing the same file at once: the second stops at once with a clear error
(exit status 2) and stores nothing; the first completes. Real processes, SQLite and PostgreSQL."""

from __future__ import annotations

import os
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

ROWS = 6_000
# a real import that, after its first chunk, waits until the test lets it go on (the file
# named by argv[3] appears), so it surely holds its lock while the second process runs
SLOW_IMPORT = """
import os, sys, time
from marsad.config import Settings
from marsad.store import Store
from marsad.ingest import ingest_file
from marsad.ingest import _writer
write = _writer.Writer.write
def gated_write(self, *args):
    deadline = time.monotonic() + 300
    while self.written and not os.path.exists(sys.argv[3]) and time.monotonic() < deadline:
        time.sleep(0.05)
    self.written = True
    return write(self, *args)
_writer.Writer.written = False
_writer.Writer.write = gated_write
settings = Settings.from_env()
with Store.open(settings.db_url, upgrade=False) as store:
    ingest_file(store, settings, sys.argv[1], sys.argv[2], progress=False, chunk_size=500)
"""
CLI = "import sys; from marsad.cli import app; sys.exit(app())"


def _rows_read(store: Store) -> int:
    with store.connect() as c:
        got = c.execute(sa.select(tables.import_batches.c.rows_read)).scalar()
    return int(got or 0)


def test_a_second_process_importing_the_same_file_gets_a_clear_error(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    path = write_csv(tmp_path / "register.csv", [police_row(i) for i in range(ROWS)])
    go_on = tmp_path / "go-on"
    env = {**os.environ, "MARSAD_DATABASE_URL": settings.db_url, "MARSAD_PSEUDONYM_KEY": TEST_KEY}
    first = subprocess.Popen(
        [sys.executable, "-c", SLOW_IMPORT, str(path), str(police_profile), str(go_on)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while _rows_read(store) < 500:
            assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
            assert time.monotonic() < deadline, "the first import did not start"
            time.sleep(0.05)
        second = subprocess.run(
            [
                sys.executable,
                "-c",
                CLI,
                "ingest",
                str(path),
                "--profile",
                str(police_profile),
                "--no-progress",
                "--lang",
                "en",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        running = first.poll() is None
        assert second.returncode == 2, second.stdout + second.stderr
        assert (
            "register.csv is being imported with profile test_police by another process"
            in " ".join((second.stdout + second.stderr).split())
        )
        assert running, "the first import ended before the second one was refused"
        go_on.touch()
        assert first.wait(timeout=300) == 0, first.stderr.read().decode() if first.stderr else ""
    finally:
        if first.poll() is None:
            first.kill()
        if first.stderr:
            first.stderr.close()
    assert store.count("incidents") == ROWS
    with store.connect() as c:
        batches = c.execute(sa.select(tables.import_batches.c.status)).scalars().all()
    assert batches == ["complete"]
    # the lock is released: the same import now runs and finds the file already imported
    assert ingest_file(store, settings, path, police_profile, progress=False).already_imported
