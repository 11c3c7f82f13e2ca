"""The store: tables, migrations and the repository layer (SQLite embedded, PostgreSQL server)."""

from marsad.store import _schema as tables
from marsad.store._store import Store, utcnow

__all__ = ["Store", "tables", "utcnow"]
