"""Quarantine entries closed by a corrected re-import: ``fixed`` when a later import of the
same source accepts the record, ``superseded`` when it quarantines it again (only the newest
entry stays open). On SQLite and PostgreSQL, through ``ingest_file``, the CLI and the REST API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from marsad.cli import app as cli
from marsad.config import Settings
from marsad.ingest import Pseudonymiser, ingest_file
from marsad.store import Store, tables
from marsad.web import add_user, create_app, create_token
from marsad.web._records import store_overview
from tests.conftest import TEST_KEY
from tests.ingest.conftest import POLICE_PROFILE, police_row, write_csv, write_profile

runner = CliRunner()


def _entries(store: Store, settings: Settings) -> list[tuple[str, int, str, int | None]]:
    """(record id, batch, status, resolved batch) of every quarantine entry, in id order."""
    keys = {
        Pseudonymiser(settings.get_pseudonym_key()).record_key(
            "police", f"PL-{i:06d}"
        ): f"PL-{i:06d}"
        for i in range(ROWS)
    }
    q = tables.quarantine
    with store.connect() as c:
        rows = c.execute(
            sa.select(q.c.record_key, q.c.batch_id, q.c.status, q.c.resolved_batch_id).order_by(
                q.c.id
            )
        ).all()
    return [
        (keys.get(r.record_key, r.record_key), r.batch_id, r.status, r.resolved_batch_id)
        for r in rows
    ]


def _open_via_api(settings: Settings, store: Store) -> int:
    web = create_app(settings.replace(session_secret="s" * 48), store=store)
    if not any(u == "qa" for u in _users(store)):
        add_user(store, "qa", "correct horse battery", "analyst")
    with TestClient(web, base_url="http://127.0.0.1") as client:  # type: ignore[arg-type]
        got = client.get(
            "/api/v1/quarantine",
            params={"status": "open"},
            headers={"Authorization": f"Bearer {create_token(store, 'qa')}"},
        )
    assert got.status_code == 200, got.text
    body: dict[str, Any] = got.json()
    return int(body["total"])


def _users(store: Store) -> list[str]:
    with store.connect() as c:
        return [r[0] for r in c.execute(sa.select(tables.users.c.username))]


def test_a_corrected_reimport_fixes_and_supersedes_the_open_entries(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    first = write_csv(
        tmp_path / "reg.csv",
        [police_row(1), police_row(2, age="1O"), police_row(3, date_faits="31/02/2024")],
    )
    a = ingest_file(store, settings, first, police_profile, progress=False)
    assert (a.accepted, a.quarantined) == (1, 2)
    assert _entries(store, settings) == [
        ("PL-000002", a.batch_id, "open", None),
        ("PL-000003", a.batch_id, "open", None),
    ]

    # row 3 (PL-000002) corrected, row 4 (PL-000003) still wrong, one new row
    second = write_csv(
        tmp_path / "reg_v2.csv",
        [police_row(1), police_row(2), police_row(3, date_faits="30/02/2024"), police_row(4)],
    )
    b = ingest_file(store, settings, second, police_profile, progress=False)
    assert (b.accepted, b.quarantined, b.skipped_existing) == (2, 1, 1)
    assert (b.quarantine_fixed, b.quarantine_superseded, b.quarantine_open) == (1, 1, 1)
    assert _entries(store, settings) == [
        ("PL-000002", a.batch_id, "fixed", b.batch_id),
        ("PL-000003", a.batch_id, "superseded", b.batch_id),
        ("PL-000003", b.batch_id, "open", None),
    ]
    overview = store_overview(store)  # what the report annex and the home page show
    assert (overview["quarantine"], overview["quarantine_open"]) == (3, 1)
    assert _open_via_api(settings, store) == 1

    # the same corrected file again: nothing changes; a third export fixes the last one
    again = ingest_file(store, settings, second, police_profile, progress=False)
    assert again.already_imported
    third = write_csv(tmp_path / "reg_v3.csv", [police_row(3), police_row(5)])
    c = ingest_file(store, settings, third, police_profile, progress=False)
    assert _entries(store, settings)[-1] == ("PL-000003", b.batch_id, "fixed", c.batch_id)
    assert store_overview(store)["quarantine_open"] == 0
    assert _open_via_api(settings, store) == 0


def test_another_source_and_a_profile_without_record_id_leave_entries_open(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    bad = write_csv(tmp_path / "reg.csv", [police_row(1), police_row(2, age="1O")])
    a = ingest_file(store, settings, bad, police_profile, progress=False)
    other = write_profile(
        tmp_path / "other.yaml",
        {
            **POLICE_PROFILE,
            "id": "other_police",
            "source": {"code": "gendarmerie", "name": "Gendarmerie", "kind": "police"},
        },
    )
    fixed = write_csv(tmp_path / "reg_ok.csv", [police_row(2), police_row(3, age="1O")])
    ingest_file(store, settings, fixed, other, progress=False)  # same record ids, other source
    assert _entries(store, settings)[0] == ("PL-000002", a.batch_id, "open", None)
    assert store_overview(store)["quarantine_open"] == 2


def test_the_cli_reimport_closes_entries(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    env = {"MARSAD_PSEUDONYM_KEY": TEST_KEY, "MARSAD_DATABASE_URL": settings.db_url}
    first = write_csv(tmp_path / "reg.csv", [police_row(1), police_row(2, age="1O")])
    second = write_csv(tmp_path / "reg_v2.csv", [police_row(1), police_row(2)])
    for path in (first, second):
        result = runner.invoke(
            cli,
            ["ingest", str(path), "-p", str(police_profile), "--no-progress", "--lang", "en"],
            env=env,
        )
        assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert (
        "Earlier quarantine entries closed by this import: 1 fixed (the record is now "
        "accepted), 0 superseded (quarantined again). Open entries of source police: 0." in out
    )
    assert [e[2] for e in _entries(store, settings)] == ["fixed"]
    assert store_overview(store)["quarantine_open"] == 0


KILL_SCRIPT = """
import sys
from marsad.config import Settings
from marsad.store import Store
from marsad.ingest import Pseudonymiser, ingest_file
settings = Settings.from_env()
with Store.open(settings.db_url, upgrade=False) as store:
    ingest_file(store, settings, sys.argv[1], sys.argv[2], progress=False, chunk_size=200)
"""
ROWS = 6_000


def _rows(bad: set[int]) -> list[dict[str, Any]]:
    return [police_row(i, age="1O" if i in bad else str(10 + i % 50)) for i in range(ROWS)]


def test_a_killed_corrected_reimport_gives_the_same_result_when_run_again(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    first_bad = {i for i in range(ROWS) if i % 500 == 7}  # 12 rows
    still_bad = {i for i in first_bad if i % 1000 == 7}  # 6 of them stay wrong
    first = write_csv(tmp_path / "reg.csv", _rows(first_bad))
    a = ingest_file(store, settings, first, police_profile, progress=False)
    assert a.quarantined == len(first_bad)
    second = write_csv(tmp_path / "reg_v2.csv", _rows(still_bad))
    env = {**os.environ, "MARSAD_DATABASE_URL": settings.db_url, "MARSAD_PSEUDONYM_KEY": TEST_KEY}
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(second), str(police_profile)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    b = tables.import_batches
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with store.connect() as c:
                read = c.execute(
                    sa.select(b.c.rows_read).where(b.c.id != a.batch_id)
                ).scalar_one_or_none()
            if read is not None and read >= 1_600:
                break
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        if proc.stderr:
            proc.stderr.close()
    with store.connect() as c:
        read = c.execute(sa.select(b.c.rows_read).where(b.c.id != a.batch_id)).scalar_one()
    assert 1_600 <= read < ROWS, "the import was not interrupted mid-way"
    # what is committed is consistent: every entry closed so far was closed with its chunk
    partial = _entries(store, settings)
    done = {f"PL-{i:06d}" for i in first_bad if i + 2 <= read + 1}  # rows already committed
    closed = {e[0] for e in partial if e[1] == a.batch_id and e[2] != "open"}
    assert closed == done

    report = ingest_file(store, settings, second, police_profile, progress=False)
    assert report.resumed
    entries = _entries(store, settings)
    expected = sorted(
        [
            (
                f"PL-{i:06d}",
                a.batch_id,
                "superseded" if i in still_bad else "fixed",
                report.batch_id,
            )
            for i in first_bad
        ]
        + [(f"PL-{i:06d}", report.batch_id, "open", None) for i in still_bad]
    )
    assert sorted(entries) == expected
    assert store_overview(store)["quarantine_open"] == len(still_bad)
