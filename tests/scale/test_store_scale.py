"""Migration 0002: the batch index exists and pseudonym keys compare bytewise on PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from marsad.store import Store

KEYS = [
    ("incidents", "record_key"),
    ("incidents", "victim_key"),
    ("incidents", "perpetrator_key"),
    ("survey_responses", "respondent_key"),
    ("chat_messages", "conversation_key"),
    ("chat_messages", "speaker_key"),
    ("quarantine", "record_key"),  # migration 0004
]


def test_batch_index_and_bytewise_keys(store: Store) -> None:
    assert store.revision() == "0004"
    names = {
        ix["name"]: ix["column_names"] for ix in sa.inspect(store.engine).get_indexes("incidents")
    }
    assert names["ix_incidents_batch_id"] == ["batch_id"]
    if store.dialect != "postgresql":
        return
    with store.connect() as conn:
        rows = dict(
            conn.execute(
                sa.text(
                    "SELECT table_name || '.' || column_name, collation_name "
                    "FROM information_schema.columns WHERE column_name LIKE '%\\_key' ESCAPE '\\'"
                )
            ).all()
        )
    for table, column in KEYS:
        assert rows[f"{table}.{column}"] == "C", (table, column)
