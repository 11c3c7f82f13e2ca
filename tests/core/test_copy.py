from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from marsad.cli import app
from marsad.errors import StoreError
from marsad.store import Store, copy_store, table_checksums, tables, utcnow
from tests.conftest import PG_ADMIN_URL, _require_pg


def _fill(store: Store) -> None:
    src = store.ensure_source("police", "Police", "police")
    with store.begin() as c:
        b = c.execute(
            sa.insert(tables.import_batches).values(
                source_id=src,
                file_name="p.csv",
                sha256="0" * 64,
                profile="police_register",
                status="complete",
                started_at=utcnow(),
            )
        ).inserted_primary_key[0]
        for i in range(25):
            c.execute(
                sa.insert(tables.incidents).values(
                    source_id=src,
                    batch_id=b,
                    source_row=i + 1,
                    record_key=f"r{i}",
                    victim_key=f"v{i % 7}",
                    incident_date=date(2024, 1 + i % 12, 1),
                    incident_year=2024,
                    region="MA-06",
                    category="sextortion",
                    narrative="texte [PHONE] نص",
                    risk=i / 7,
                    age_unknown=False,
                    created_at=utcnow(),
                    duplicate_of=1 if i > 0 and i % 5 == 0 else None,
                )
            )
        c.execute(
            sa.insert(tables.quarantine).values(
                batch_id=b,
                row_number=3,
                raw={"age": "1O"},
                errors=[{"column": "age"}],
                status="open",
                created_at=utcnow(),
            )
        )


@pytest.fixture
def pg_url(pg_admin: sa.Engine | None) -> Iterator[str]:
    admin = _require_pg(pg_admin)
    name = f"marsad_copy_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield str(make_url(PG_ADMIN_URL).set(database=name))
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_copy_sqlite_to_postgresql_verifies_every_table(tmp_path: Path, pg_url: str) -> None:
    src = Store.open(f"sqlite:///{tmp_path}/a.db")
    _fill(src)
    dst = Store.open(pg_url)
    report = copy_store(src, dst)
    assert report.ok and report.rows == 25 + 1 + 1 + 1
    assert table_checksums(src) == table_checksums(dst)
    # sequences continue after the copied ids
    assert dst.ensure_source("ngo", "NGO", "ngo") == 2
    with pytest.raises(StoreError, match="already has rows"):
        copy_store(src, dst)


def test_checksum_detects_a_changed_row(tmp_path: Path) -> None:
    a = Store.open(f"sqlite:///{tmp_path}/a.db")
    b = Store.open(f"sqlite:///{tmp_path}/b.db")
    _fill(a)
    copy_store(a, b)
    with b.begin() as c:
        c.execute(
            sa.update(tables.incidents).where(tables.incidents.c.id == 3).values(region="MA-01")
        )
    assert table_checksums(a)["incidents"] != table_checksums(b)["incidents"]
    assert table_checksums(a)["sources"] == table_checksums(b)["sources"]


def test_cli_db_copy_and_info(tmp_path: Path, pg_url: str) -> None:
    src_url = f"sqlite:///{tmp_path}/a.db"
    _fill(Store.open(src_url))
    runner = CliRunner()
    r = runner.invoke(app, ["db", "copy", "--db", src_url, "--to", pg_url, "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "Copied 28 rows" in r.output
    r = runner.invoke(app, ["db", "info", "--db", pg_url, "--lang", "en"])
    assert r.exit_code == 0 and "incidents" in r.output and "25" in r.output
