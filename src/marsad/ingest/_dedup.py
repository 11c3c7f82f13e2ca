"""Cross-source de-duplication of incidents, in SQL (SQLite and PostgreSQL).

Deterministic record linkage on the keyed victim pseudonym (exact-match blocking, as in
Christen, *Data Matching*, Springer 2012, ch. 4): two incidents from **different sources** are
the same incident when

- they have the same ``victim_key``;
- their incident dates are at most ``window_days`` apart (default 30);
- their categories are equal when both are known (``other`` counts as unknown);
- their digital spaces are equal when both are known (``other`` counts as unknown).

Each new incident of the batch is linked (``incident_links``) to every earlier matching incident,
and ``incidents.duplicate_of`` points to the earliest record of the group, that is the one first
recorded in the store (lowest id), following earlier records' own ``duplicate_of``. Nothing is
deleted: estimates that need every report (multiple-systems estimation) use the links, counts of
distinct incidents use ``duplicate_of IS NULL``.
"""

from __future__ import annotations

from sqlalchemy import Connection, DateTime, bindparam, text

from marsad.store import utcnow

__all__ = ["RULE", "link_duplicates"]

RULE = "victim_date_category_space"


def _within(dialect: str) -> str:
    if dialect == "postgresql":
        return "abs(n.incident_date - o.incident_date) <= :window"
    return "abs(julianday(n.incident_date) - julianday(o.incident_date)) <= :window"


def link_duplicates(conn: Connection, batch_id: int, window_days: int = 30) -> int:
    """Link the incidents of ``batch_id`` to earlier matching incidents of other sources.

    Returns the number of new links. Safe to run again: existing links are kept, not repeated.
    """
    dialect = conn.dialect.name
    sql = f"""
        INSERT INTO incident_links (incident_id, linked_id, rule, score, created_at)
        SELECT n.id, o.id, :rule, 1.0, :now
        FROM incidents n
        JOIN incidents o
          ON o.victim_key = n.victim_key
         AND o.source_id <> n.source_id
         AND o.id < n.id
        WHERE n.batch_id = :batch
          AND n.victim_key IS NOT NULL
          AND n.incident_date IS NOT NULL
          AND o.incident_date IS NOT NULL
          AND {_within(dialect)}
          AND (n.category IS NULL OR o.category IS NULL OR n.category = 'other'
               OR o.category = 'other' OR n.category = o.category)
          AND (n.space IS NULL OR o.space IS NULL OR n.space = 'other'
               OR o.space = 'other' OR n.space = o.space)
          AND NOT EXISTS (
              SELECT 1 FROM incident_links l WHERE l.incident_id = n.id AND l.linked_id = o.id
          )
    """
    stmt = text(sql).bindparams(bindparam("now", type_=DateTime(timezone=True)))
    linked = conn.execute(
        stmt, {"rule": RULE, "now": utcnow(), "batch": batch_id, "window": window_days}
    ).rowcount
    conn.execute(
        text(
            """
            UPDATE incidents SET duplicate_of = (
                SELECT MIN(COALESCE(o.duplicate_of, o.id))
                FROM incident_links l JOIN incidents o ON o.id = l.linked_id
                WHERE l.incident_id = incidents.id
            )
            WHERE batch_id = :batch AND duplicate_of IS NULL
              AND EXISTS (SELECT 1 FROM incident_links l WHERE l.incident_id = incidents.id)
            """
        ),
        {"batch": batch_id},
    )
    return int(linked or 0)
