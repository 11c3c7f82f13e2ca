"""Move a store to another database and prove that every row arrived.

:func:`copy_store` copies every table in dependency order, keeping primary keys, then compares
per-table row counts and an order-independent checksum computed the same way on both sides.
:func:`table_checksums` is usable on its own to compare two stores.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from marsad.errors import StoreError
from marsad.store import _schema as s
from marsad.store._store import Store

__all__ = ["CopyReport", "TableCheck", "copy_store", "table_checksums"]

_MASK = (1 << 64) - 1


@dataclass(frozen=True)
class TableCheck:
    """Row count and checksum of one table on the source and on the destination."""

    table: str
    source_rows: int
    target_rows: int
    source_checksum: str
    target_checksum: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_checksum == self.target_checksum


@dataclass(frozen=True)
class CopyReport:
    tables: tuple[TableCheck, ...]

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    @property
    def rows(self) -> int:
        return sum(t.target_rows for t in self.tables)


def _canon(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return value


def _row_hash(row: Iterable[Any]) -> int:
    payload = json.dumps([_canon(v) for v in row], sort_keys=True, ensure_ascii=False, default=str)
    return int.from_bytes(hashlib.sha256(payload.encode()).digest()[:8], "big")


def _checksum(store: Store, table: Table, chunk: int) -> tuple[int, str]:
    """(rows, checksum): the sum modulo 2**64 of a SHA-256 prefix of each canonical row."""
    total = 0
    n = 0
    with store.connect() as conn:
        result = conn.execution_options(yield_per=chunk).execute(select(*table.columns))
        for part in result.partitions():
            for row in part:
                total = (total + _row_hash(row)) & _MASK
                n += 1
    return n, f"{total:016x}"


def table_checksums(store: Store, chunk: int = 10_000) -> dict[str, tuple[int, str]]:
    """Row count and checksum of every table of the schema."""
    return {t.name: _checksum(store, t, chunk) for t in s.metadata.sorted_tables}


def copy_store(
    source: Store,
    target: Store,
    *,
    chunk: int = 10_000,
    progress: Callable[[str, int], None] | None = None,
) -> CopyReport:
    """Copy every row of ``source`` into the empty, migrated ``target`` and verify it.

    Raises :class:`StoreError` if the target already holds data or if any table's count or
    checksum differs after the copy.
    """
    for t in s.metadata.sorted_tables:
        with target.connect() as c:
            if c.execute(select(func.count()).select_from(t)).scalar_one():
                raise StoreError(
                    f"The destination store already has rows in table '{t.name}'; "
                    "copy only into an empty store (create a new database first).",
                    code="store.copy_target_not_empty",
                    table=t.name,
                )
    for t in s.metadata.sorted_tables:
        _copy_table(source, target, t, chunk, progress)
    if target.dialect == "postgresql":
        _reset_sequences(target)
    checks = []
    for t in s.metadata.sorted_tables:
        n1, c1 = _checksum(source, t, chunk)
        n2, c2 = _checksum(target, t, chunk)
        checks.append(TableCheck(t.name, n1, n2, c1, c2))
    report = CopyReport(tuple(checks))
    if not report.ok:
        bad = ", ".join(c.table for c in checks if not c.ok)
        raise StoreError(
            f"Copy verification failed for table(s) {bad}: counts or checksums differ.",
            code="store.copy_mismatch",
        )
    return report


def _copy_table(
    source: Store,
    target: Store,
    table: Table,
    chunk: int,
    progress: Callable[[str, int], None] | None,
) -> None:
    pk = list(table.primary_key.columns)
    query = select(*table.columns).order_by(*pk)
    self_ref = [c for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]
    deferred: list[dict[str, Any]] = []
    with source.connect() as src, target.begin() as dst:
        result = src.execution_options(yield_per=chunk).execute(query)
        for part in result.partitions():
            rows = [dict(r._mapping) for r in part]
            if self_ref:  # e.g. incidents.duplicate_of: set after all rows exist
                for r in rows:
                    refs = {c.name: r[c.name] for c in self_ref if r[c.name] is not None}
                    if refs:
                        deferred.append({**{c.name: r[c.name] for c in pk}, **refs})
                        for name in refs:
                            r[name] = None
            dst.execute(insert(table), rows)
            if progress:
                progress(table.name, len(rows))
        for d in deferred:
            key = {c.name: d.pop(c.name) for c in pk}
            dst.execute(
                table.update().where(*(table.c[k] == v for k, v in key.items())).values(**d)
            )


def _reset_sequences(target: Store) -> None:
    with target.begin() as conn:
        for t in s.metadata.sorted_tables:
            if "id" in t.c and t.c.id.autoincrement is True:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {t.name}), 0) + 1, false)"
                    )
                )
