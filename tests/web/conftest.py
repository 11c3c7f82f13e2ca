"""Fixtures for the web tests: an app on the parametrised store, users of every role, a client."""

from __future__ import annotations

import re
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import insert

from marsad.config import Settings
from marsad.store import Store, tables, utcnow
from marsad.web import add_user, create_app, create_token

with warnings.catch_warnings():  # starlette's TestClient warns about httpx at import time
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SECRET = "test-session-secret-0123456789abcdef"
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free port of 127.0.0.1; yields its base URL."""
    import uvicorn

    port = free_port()
    srv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@dataclass(frozen=True)
class Tokens:
    admin: str
    analyst: str
    viewer: str

    def header(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, role)}"}


@pytest.fixture(autouse=True, scope="session")
def _cheap_argon2() -> Iterator[None]:
    """Argon2id with small parameters so the suite stays fast on a shared 2-core machine."""
    from argon2 import PasswordHasher

    from marsad.web import _users

    before = _users._hasher
    _users.set_password_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    _users.set_password_hasher(before)


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    return settings.replace(session_secret=SECRET)


def seed(store: Store) -> dict[str, int]:
    """A source, a batch, two incidents with narratives and one quarantined row."""
    now = utcnow()
    with store.begin() as c:
        src = c.execute(
            insert(tables.sources).values(
                code="hotline", name="Hotline", kind="hotline", created_at=now
            )
        ).inserted_primary_key[0]
        batch = c.execute(
            insert(tables.import_batches).values(
                source_id=src,
                file_name="hotline.csv",
                sha256="a" * 64,
                profile="hotline_log",
                status="complete",
                rows_read=3,
                rows_accepted=2,
                rows_quarantined=1,
                rows_duplicate=0,
                started_at=now,
                finished_at=now,
            )
        ).inserted_primary_key[0]
        for i, text in enumerate(
            ["SECRET-NARRATIVE-1 elle reçoit des menaces", "SECRET-NARRATIVE-2 chantage"]
        ):
            c.execute(
                insert(tables.incidents).values(
                    source_id=src,
                    batch_id=batch,
                    source_row=i + 1,
                    record_key=f"r{i}",
                    incident_date=date(2025, 3, 1),
                    incident_year=2025,
                    incident_month=3,
                    region="MA-06",
                    space="social_network",
                    category="threats",
                    gender="female",
                    age_band="15-19",
                    age_unknown=False,
                    narrative=text,
                    created_at=now,
                )
            )
        q = c.execute(
            insert(tables.quarantine).values(
                batch_id=batch,
                row_number=3,
                raw={"age": "1O", "note": '=HYPERLINK("x")'},
                errors=[
                    {
                        "column": "age",
                        "code": "ingest.bad_int",
                        "message": "must be a whole number; got '1O'",
                    }
                ],
                status="open",
                created_at=now,
            )
        ).inserted_primary_key[0]
    return {"source": int(src), "batch": int(batch), "quarantine": int(q)}


@pytest.fixture
def app_store(web_settings: Settings, store: Store) -> Iterator[tuple[object, Store]]:
    app = create_app(web_settings, store=store)  # the fixture's store is migrated already
    yield app, store


@pytest.fixture
def tokens(app_store: tuple[object, Store]) -> Tokens:
    _, store = app_store
    for name, role in (("ada", "admin"), ("ana", "analyst"), ("vic", "viewer")):
        add_user(store, name, PASSWORD, role)
    return Tokens(
        create_token(store, "ada"), create_token(store, "ana"), create_token(store, "vic")
    )


@pytest.fixture
def seeded(app_store: tuple[object, Store]) -> dict[str, int]:
    return seed(app_store[1])


@pytest.fixture
def client(app_store: tuple[object, Store]) -> Iterator[TestClient]:
    app, _ = app_store
    with TestClient(app, base_url="http://127.0.0.1") as c:  # type: ignore[arg-type]
        yield c


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    page = client.get("/login")
    r = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf": csrf_of(page.text),
            "next": "/indicators",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
