"""The store: tables, migrations and the repository layer (SQLite embedded, PostgreSQL server)."""

from marsad.store import _schema as tables
from marsad.store._copy import CopyReport, TableCheck, copy_store, table_checksums
from marsad.store._store import Store, utcnow

__all__ = ["CopyReport", "Store", "TableCheck", "copy_store", "table_checksums", "tables", "utcnow"]
