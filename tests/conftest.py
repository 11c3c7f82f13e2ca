"""Shared fixtures. The store fixture runs each test on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from marsad.config import Settings
from marsad.store import Store

PG_ADMIN_URL = os.environ.get(
    "MARSAD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TEST_KEY = "test-pseudonym-key-0123456789abcdef"


def _pg_admin() -> sa.Engine | None:
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as c:
            c.execute(sa.text("SELECT 1"))
    except Exception:
        engine.dispose()
        return None
    return engine


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine | None]:
    engine = _pg_admin()
    yield engine
    if engine is not None:
        engine.dispose()


def _require_pg(pg_admin: sa.Engine | None) -> sa.Engine:
    if pg_admin is None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL} (CI must provide it).")
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN_URL}")
    return pg_admin


@pytest.fixture(scope="session")
def _templates(
    tmp_path_factory: pytest.TempPathFactory, pg_admin: sa.Engine | None
) -> Iterator[dict[str, str]]:
    """One migrated template per backend and per test worker; each test copies it."""
    out: dict[str, str] = {}
    sqlite_tpl = tmp_path_factory.mktemp("tpl") / "template.db"
    Store.open(f"sqlite:///{sqlite_tpl}").close()
    out["sqlite"] = str(sqlite_tpl)
    names: list[str] = []
    if pg_admin is not None:
        name = f"marsad_tpl_{uuid.uuid4().hex[:10]}"
        with pg_admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        Store.open(str(make_url(PG_ADMIN_URL).set(database=name))).close()
        out["postgresql"] = name
        names.append(name)
    yield out
    if pg_admin is not None:
        with pg_admin.connect() as c:
            for n in names:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    pg_admin: sa.Engine | None,
    _templates: dict[str, str],
) -> Iterator[str]:
    """A fresh, migrated, empty store URL: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "marsad.db"
        shutil.copy(_templates["sqlite"], path)
        yield f"sqlite:///{path}"
        return
    admin = _require_pg(pg_admin)
    name = f"marsad_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{_templates["postgresql"]}"'))
    try:
        yield str(make_url(PG_ADMIN_URL).set(database=name))
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url, upgrade=False)
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path: Path, store_url: str) -> Settings:
    """Settings for a test: its own data folder, the parametrised store and a test key."""
    return Settings.from_env(
        {}, data_dir=str(tmp_path / "data"), database_url=store_url, pseudonym_key=TEST_KEY
    )


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    """Settings on the embedded store only, for tests where the backend does not matter."""
    return Settings.from_env({}, data_dir=str(tmp_path / "data"), pseudonym_key=TEST_KEY)


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.exists():
        pytest.skip(f"../shared is not beside the checkout ({SHARED})")
    return SHARED
