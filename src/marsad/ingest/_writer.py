"""Bulk writes of validated records: DBAPI ``executemany`` of one compiled Core ``insert()``,
or ``COPY`` through a staging table on PostgreSQL.

Records are inserted with ``ON CONFLICT DO NOTHING`` on the target's unique key (source and
record key for incidents, respondent for surveys, cell for population, turn for chat), so a
record already in the store is skipped, never duplicated. Incidents with a reported category
also get their ``incident_categories`` row, in the same transaction.

The statement is compiled once by SQLAlchemy for the store's dialect, and each value goes
through the column type's own bind processor, so what is stored is exactly what a Core
``insert()`` would store; only the per-row overhead of the generic execution path is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Float, Table, text
from sqlalchemy.dialects import postgresql, sqlite

from marsad.ingest._convert import Records
from marsad.store import Store
from marsad.store import tables as s

__all__ = ["Writer"]

_HAS_UNIQUE = {"incidents", "survey_responses", "population", "chat_messages"}
Method = Literal["auto", "executemany", "copy"]


class Writer:
    """Writes chunks of records of one batch into ``table``.

    Parameters
    ----------
    method
        ``auto`` (COPY on PostgreSQL, executemany on SQLite), ``executemany`` or ``copy``.
    """

    def __init__(
        self, store: Store, table: Table, batch_id: int, source_id: int, method: Method = "auto"
    ) -> None:
        self.table = table
        self.batch_id = batch_id
        self.source_id = source_id
        dialect = store.engine.dialect
        self.dialect = dialect.name
        self.method = (
            ("copy" if self.dialect == "postgresql" else "executemany")
            if method == "auto"
            else method
        )
        if self.method == "copy" and self.dialect != "postgresql":
            self.method = "executemany"
        self.cols = [c.name for c in table.columns if c.name != "id"]
        ins = postgresql.insert(table) if self.dialect == "postgresql" else sqlite.insert(table)
        stmt = ins.on_conflict_do_nothing() if table.name in _HAS_UNIQUE else ins
        compiled = stmt.compile(dialect=dialect, column_keys=self.cols)
        self.sql = str(compiled)
        self.positional = bool(compiled.positional)
        order = list(compiled.positiontup or []) if self.positional else self.cols
        self.order = order
        procs: list[Callable[[Any], Any] | None] = [
            table.c[name].type._cached_bind_processor(dialect) for name in order
        ]
        self.procs = [(i, proc) for i, proc in enumerate(procs) if proc is not None]
        # columns whose equal values always bind alike (not DateTime: equal instants in two
        # time zones are equal values that SQLite stores as different strings)
        self.memo = {
            i
            for i, name in enumerate(order)
            if isinstance(table.c[name].type, Date | Boolean | Float)
            and not isinstance(table.c[name].type, DateTime)
        }
        self.json_cols = {c.name for c in table.columns if isinstance(c.type, JSON)}
        self.extra: dict[str, Any] = {}
        self._types: list[str] | None = None  # the stage's column types, once known
        self._typed = False

    def write(self, conn: Connection, records: Records, now: datetime) -> int:
        """Insert ``records``; returns how many were new."""
        extra: dict[str, Any] = {}
        if "batch_id" in self.cols:
            extra["batch_id"] = self.batch_id
        if "source_id" in self.cols:
            extra["source_id"] = self.source_id
        if "created_at" in self.cols:
            extra["created_at"] = now
        floor = None
        if self.table is s.incidents and self.method != "copy":  # COPY does it in one statement
            floor = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM incidents")).scalar_one()
        if self.method == "copy":
            inserted = self._copy(conn, records, extra)
        else:
            inserted = self._executemany(conn, records, extra)
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
        return inserted

    def _executemany(self, conn: Connection, records: Records, extra: dict[str, Any]) -> int:
        # column by column: a constant (batch, source, time) is bound once, and each column's
        # bind processor runs once per distinct non-null value
        n = len(records)
        columns: list[list[Any]] = []
        procs = dict(self.procs)
        for i, name in enumerate(self.order):
            proc = procs.get(i)
            if name in extra:
                value = extra[name]
                columns.append([proc(value) if proc and value is not None else value] * n)
                continue
            col = records.column(name)
            if proc is not None:
                col = (
                    _apply(proc, col)
                    if i in self.memo
                    else [None if v is None else proc(v) for v in col]
                )
            columns.append(col)
        rows = zip(*columns, strict=True)
        params: list[Any] = (
            list(rows) if self.positional else [dict(zip(self.order, r, strict=True)) for r in rows]
        )
        cursor = conn.connection.cursor()
        if self.dialect == "sqlite":
            # a 64 MiB page cache for this connection: the indexes on random pseudonyms need it
            cursor.execute("PRAGMA cache_size=-65536")
        try:
            cursor.executemany(self.sql, params)
            count = cursor.rowcount
        finally:
            cursor.close()
        return int(count) if count is not None and count >= 0 else len(records)

    def _copy(self, conn: Connection, records: Records, extra: dict[str, Any]) -> int:
        from psycopg.types.json import Json

        cols = self.cols
        names = ", ".join(f'"{c}"' for c in cols)
        conflict = " ON CONFLICT DO NOTHING" if self.table.name in _HAS_UNIQUE else ""
        raw = conn.connection.driver_connection
        assert raw is not None
        n = len(records)
        columns: list[list[Any]] = []
        for c in cols:
            if c in extra:
                columns.append([extra[c]] * n)
                continue
            col = records.column(c)
            if c in self.json_cols:
                col = [None if v is None else Json(v) for v in col]
            columns.append(col)
        with raw.cursor() as cur:
            cur.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS _marsad_stage ON COMMIT DROP AS "
                f"SELECT {names} FROM {self.table.name} WITH NO DATA"
            )
            types = self._stage_types(cur)
            binary = types is not None and not _naive_times(columns, types)
            how = " (FORMAT BINARY)" if binary else ""
            with cur.copy(f"COPY _marsad_stage ({names}) FROM STDIN{how}") as copy:
                if binary:
                    copy.set_types(types)
                write_row = copy.write_row
                for row in zip(*columns, strict=True):
                    write_row(row)
            insert = f"INSERT INTO {self.table.name} ({names}) SELECT {names} FROM _marsad_stage{conflict}"
            if self.table is s.incidents:
                # the reported category of each new incident, from the rows the insert returns
                cur.execute(
                    f"WITH new AS ({insert} RETURNING id, category), "
                    "cats AS (INSERT INTO incident_categories (incident_id, category, origin) "
                    "SELECT id, category, 'reported' FROM new WHERE category IS NOT NULL) "
                    "SELECT count(*) FROM new"
                )
                row = cur.fetchone()
                count = int(row[0]) if row is not None else 0
            else:
                cur.execute(insert)
                count = cur.rowcount
            cur.execute("DROP TABLE _marsad_stage")
        return int(count)

    def _stage_types(self, cur: Any) -> list[str] | None:
        """The PostgreSQL type of each staged column, for a binary COPY (the server then
        parses no text: about half the time of a text COPY); None when a column has a type
        whose binary form is not certain to take what the converters produce."""
        if not self._typed:
            cur.execute(
                "SELECT a.attname, t.typname FROM pg_attribute a "
                "JOIN pg_type t ON t.oid = a.atttypid "
                "WHERE a.attrelid = '_marsad_stage'::regclass AND a.attnum > 0"
            )
            found = dict(cur.fetchall())
            types = [str(found.get(c)) for c in self.cols]
            self._types = types if all(t in _BINARY_TYPES for t in types) else None
            self._typed = True
        return self._types


# column types a binary COPY takes from the converters' values exactly as a text COPY would
_BINARY_TYPES = {"int2", "int4", "int8", "float8", "bool", "varchar", "text", "date", "timestamptz"}


def _naive_times(columns: list[list[Any]], types: list[str]) -> bool:
    """Whether a timestamptz column holds anything but an aware datetime, such as a naive one
    (a text COPY reads it in the session's time zone; the binary form has none, so such a
    chunk is sent as text)."""
    return any(
        v is not None and not (isinstance(v, datetime) and v.tzinfo is not None)
        for col, t in zip(columns, types, strict=True)
        if t == "timestamptz"
        for v in set(col)
    )


def _apply(proc: Callable[[Any], Any], col: list[Any]) -> list[Any]:
    """``proc`` of every non-null value of ``col``, computed once per distinct value (dates and
    flags repeat within a chunk)."""
    memo: dict[Any, Any] = {None: None}
    for v in set(col):
        if v is not None:
            memo[v] = proc(v)
    return [memo[v] for v in col]
