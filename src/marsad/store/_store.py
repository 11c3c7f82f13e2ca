"""The repository layer: one :class:`Store` object over a SQLAlchemy engine.

The embedded default is a SQLite file (WAL mode); PostgreSQL is chosen by URL. The schema is
managed by Alembic migrations shipped in the package; :meth:`Store.open` brings a store up to
date unless told not to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from marsad.errors import StoreError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
from marsad.store import _schema as s

__all__ = ["Store", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Store:
    """A Marsad store at ``url``. Use :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- lifecycle ---------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> Store:
        """Open (and by default create or migrate) the store at ``url``."""
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise StoreError(
                f"Not a database URL: {url!r}. Use sqlite:///path/to/marsad.db or "
                "postgresql+psycopg://user@host:5432/dbname.",
                code="store.bad_url",
            ) from None
        kwargs: dict[str, Any] = {}
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        elif parsed.get_backend_name() == "postgresql":
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            kwargs["pool_pre_ping"] = True
        else:
            raise StoreError(
                f"Unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL.",
                code="store.bad_url",
            )
        engine = create_engine(parsed, **kwargs)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except OperationalError as exc:
            raise StoreError(
                f"Cannot connect to the store at {parsed.render_as_string(hide_password=True)}: "
                f"{exc.orig}",
                code="store.unreachable",
            ) from None
        if upgrade:
            store.upgrade()
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # -- migrations --------------------------------------------------------------------------
    def _alembic_config(self, conn: Connection) -> Any:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option(
            "script_location", str(resources.files("marsad.store").joinpath("migrations"))
        )
        cfg.attributes["connection"] = conn
        return cfg

    def upgrade(self, revision: str = "head") -> None:
        """Run the Alembic migrations up to ``revision``."""
        from alembic import command

        with self.engine.begin() as conn:
            command.upgrade(self._alembic_config(conn), revision)

    def revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def table_names(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    # -- transactions ------------------------------------------------------------------------
    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction: committed on success, rolled back on error."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    # -- small shared queries ----------------------------------------------------------------
    def ensure_source(self, code: str, name: str, kind: str, conn: Connection | None = None) -> int:
        """The id of source ``code``, creating it if needed."""

        def run(c: Connection) -> int:
            found = c.execute(select(s.sources.c.id).where(s.sources.c.code == code)).scalar()
            if found is not None:
                return int(found)
            key = c.execute(
                insert(s.sources).values(code=code, name=name, kind=kind, created_at=utcnow())
            ).inserted_primary_key
            assert key is not None
            return int(key[0])

        if conn is not None:
            return run(conn)
        with self.begin() as c:
            return run(c)

    # -- locks between processes ---------------------------------------------------------------
    @contextmanager
    def try_lock(self, name: str) -> Iterator[bool]:
        """Hold the lock ``name`` for the block, across processes, without waiting: yields False
        when another process holds it. PostgreSQL: a session advisory lock (released by the
        server if the process dies); SQLite: a byte-range lock (``fcntl``) in the file
        ``<database>-locks`` beside the store, released by the system with the process."""
        digest = hashlib.sha256(name.encode()).digest()
        if self.dialect == "postgresql":
            key = int.from_bytes(digest[:8], "big", signed=True)
            with self.engine.connect() as conn:
                got = bool(
                    conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
                )
                conn.commit()
                try:
                    yield got
                finally:
                    if got:
                        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                        conn.commit()
            return
        database = self.engine.url.database
        if not database or database == ":memory:" or fcntl is None:
            yield True  # a private in-memory store, or no POSIX locks on this system
            return
        offset = int.from_bytes(digest[:4], "big") >> 1
        with open(f"{database}-locks", "a+b") as handle:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset)
            except OSError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.lockf(handle, fcntl.LOCK_UN, 1, offset)

    # -- bulk loads ----------------------------------------------------------------------------
    def drop_secondary_indexes(self, table: str) -> list[str]:
        """Drop the non-unique indexes of ``table`` before a bulk load (returns their names).

        Building an index once over the loaded rows (a sort) is much cheaper than maintaining it
        row by row with random insertions; :meth:`restore_indexes` builds them again. Unique
        indexes and primary keys stay: they enforce what the load relies on.
        """
        t = s.metadata.tables[table]
        names = [str(ix.name) for ix in t.indexes if not ix.unique]
        with self.begin() as conn:
            for name in names:
                conn.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
        return names

    def restore_indexes(self, table: str) -> list[str]:
        """Create every index of ``table`` the schema declares and the database lacks (after a
        bulk load, or after one was interrupted); returns the names created."""
        t = s.metadata.tables[table]
        with self.begin() as conn:
            present = {ix["name"] for ix in inspect(conn).get_indexes(table)}
            missing = [ix for ix in t.indexes if ix.name not in present]
            for ix in missing:
                ix.create(conn)
        return [str(ix.name) for ix in missing]

    def drop_foreign_keys(self, tables: list[str]) -> list[str]:
        """PostgreSQL: drop the foreign keys of ``tables`` before a bulk load (returns their
        names; SQLite: none, its checks are cheap look-ups).

        PostgreSQL checks a foreign key with one trigger query per inserted row, which is most
        of the server's time in a bulk insert; :meth:`restore_foreign_keys` adds them back and
        checks every row once, with one join per key. Each key is dropped in its own short
        transaction, so a concurrent import never waits on locks held across several tables.
        """
        if self.dialect != "postgresql":
            return []
        names: list[str] = []
        for table in tables:
            for fk in s.metadata.tables[table].foreign_key_constraints:
                with self.begin() as conn:
                    conn.execute(
                        text(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{fk.name}"')
                    )
                names.append(str(fk.name))
        return names

    def restore_foreign_keys(self, tables: list[str]) -> list[str]:
        """Add back the foreign keys of ``tables`` the schema declares and the database lacks
        (after a bulk load, or after one was interrupted); returns the names added.

        Each key is added ``NOT VALID`` (enforced from then on, without reading the table) and
        then validated, which reads the table once without blocking writers; a row that breaks
        it raises an error and the key stays, enforced, for the next validation (a key left
        not validated by an interruption is validated here too).
        """
        if self.dialect != "postgresql":
            return []
        from sqlalchemy.schema import AddConstraint

        added: list[str] = []
        for table in tables:
            with self.connect() as conn:
                present: dict[str, bool] = dict(
                    conn.execute(
                        text(
                            "SELECT conname, convalidated FROM pg_constraint "
                            "WHERE conrelid = CAST(:t AS regclass) AND contype = 'f'"
                        ),
                        {"t": table},
                    ).all()
                )
            for fk in s.metadata.tables[table].foreign_key_constraints:
                name = str(fk.name)
                if present.get(name) is True:
                    continue
                if name not in present:
                    with self.begin() as conn:
                        ddl = str(AddConstraint(fk).compile(dialect=conn.dialect))
                        conn.execute(text(ddl + " NOT VALID"))
                with self.begin() as conn:
                    conn.execute(text(f'ALTER TABLE "{table}" VALIDATE CONSTRAINT "{name}"'))
                added.append(name)
        return added

    def analyze(self, table: str) -> None:
        """Refresh the planner's statistics of ``table`` (after a bulk load)."""
        name = s.metadata.tables[table].name
        with self.begin() as conn:
            conn.execute(text(f'ANALYZE "{name}"'))

    def count(self, table: str) -> int:
        t = s.metadata.tables[table]
        with self.connect() as c:
            return int(c.execute(select(func.count()).select_from(t)).scalar_one())

    def audit(
        self, actor: str, action: str, resource: str, detail: dict[str, Any] | None = None
    ) -> None:
        """Record who read or exported what, and when."""
        with self.begin() as c:
            c.execute(
                insert(s.audit_log).values(
                    at=utcnow(), actor=actor, action=action, resource=resource, detail=detail
                )
            )
