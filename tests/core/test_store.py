from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from marsad.errors import StoreError
from marsad.store import Store, tables


def test_migrations_match_the_schema(store: Store) -> None:
    assert store.revision() == "0004"
    with store.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), tables.metadata
        )
    assert diff == []


def test_ensure_source_is_idempotent(store: Store) -> None:
    a = store.ensure_source("police", "Police", "police")
    b = store.ensure_source("police", "Police", "police")
    assert a == b and store.count("sources") == 1


def test_transaction_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.begin() as conn:
        store.ensure_source("ngo", "NGO", "ngo", conn=conn)
        raise RuntimeError("boom")
    assert store.count("sources") == 0


def test_audit_log_records_actor_and_resource(store: Store) -> None:
    store.audit("alice", "export", "indicators.csv", {"rows": 3})
    with store.connect() as c:
        row = c.execute(tables.audit_log.select()).one()
    assert (row.actor, row.action, row.resource, row.detail) == (
        "alice",
        "export",
        "indicators.csv",
        {"rows": 3},
    )


def test_bad_urls_get_clear_errors() -> None:
    with pytest.raises(StoreError, match="Not a database URL"):
        Store.open("not a url")
    with pytest.raises(StoreError, match="Unsupported database"):
        Store.open("mysql://root@127.0.0.1/test")
    with pytest.raises(StoreError, match="Cannot connect"):
        Store.open("postgresql+psycopg://nobody@127.0.0.1:1/none")
