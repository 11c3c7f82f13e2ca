"""Bulk writes of validated records: Core ``insert()`` executemany, or COPY on PostgreSQL.

Records are inserted with ``ON CONFLICT DO NOTHING`` on the target's unique key (source and
record key for incidents, respondent for surveys, cell for population, turn for chat), so a
record already in the store is skipped, never duplicated. Incidents with a reported category
also get their ``incident_categories`` row, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, text
from sqlalchemy.dialects import postgresql, sqlite

from marsad.store import Store
from marsad.store import tables as s

__all__ = ["Writer"]

_HAS_UNIQUE = {"incidents", "survey_responses", "population", "chat_messages"}


class Writer:
    """Writes chunks of records of one batch into ``table``."""

    def __init__(self, store: Store, table: Table, batch_id: int, source_id: int) -> None:
        self.table = table
        self.batch_id = batch_id
        self.source_id = source_id
        self.dialect = store.dialect
        self.columns = {c.name for c in table.columns}
        ins = postgresql.insert(table) if self.dialect == "postgresql" else sqlite.insert(table)
        self.stmt = ins.on_conflict_do_nothing() if table.name in _HAS_UNIQUE else ins

    def write(self, conn: Connection, records: list[dict[str, Any]], now: datetime) -> int:
        """Insert ``records``; returns how many were new."""
        extra: dict[str, Any] = {}
        if "batch_id" in self.columns:
            extra["batch_id"] = self.batch_id
        if "source_id" in self.columns:
            extra["source_id"] = self.source_id
        if "created_at" in self.columns:
            extra["created_at"] = now
        for r in records:
            r.update(extra)
        floor = None
        if self.table is s.incidents:
            floor = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM incidents")).scalar_one()
        inserted = conn.execute(self.stmt, records).rowcount
        if floor is not None:
            conn.execute(
                text(
                    """
                    INSERT INTO incident_categories (incident_id, category, origin)
                    SELECT i.id, i.category, 'reported' FROM incidents i
                    WHERE i.batch_id = :batch AND i.id > :floor AND i.category IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM incident_categories c
                                      WHERE c.incident_id = i.id AND c.category = i.category)
                    """
                ),
                {"batch": self.batch_id, "floor": floor},
            )
        return int(inserted if inserted is not None and inserted >= 0 else len(records))
