"""Alembic environment: runs on the connection handed over by marsad.store.Store."""

from alembic import context

from marsad.store._schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when alembic is called by hand
    raise RuntimeError("Run migrations through `marsad db upgrade`.")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
