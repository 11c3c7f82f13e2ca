"""ingest: quarantine entries carry the row's record key and the batch that resolved them

A later import of the same source closes earlier open entries of the same record: ``fixed``
when it accepts the record, ``superseded`` when it quarantines it again (only the latest entry
stays open). ``record_key`` is the same keyed pseudonym as ``incidents.record_key`` (NULL for
entries created before this revision, which are never matched); ``resolved_batch_id`` is the
batch that fixed or superseded the entry.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 04:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    key = sa.String(length=64).with_variant(sa.String(length=64, collation="C"), "postgresql")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_key", key, nullable=True))
        batch_op.add_column(
            sa.Column(
                "resolved_batch_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.create_index("ix_quarantine_record_key", ["record_key"], unique=False)
        batch_op.create_foreign_key(
            "fk_quarantine_resolved_batch_id_import_batches",
            "import_batches",
            ["resolved_batch_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_quarantine_resolved_batch_id_import_batches", type_="foreignkey"
        )
        batch_op.drop_index("ix_quarantine_record_key")
        batch_op.drop_column("resolved_batch_id")
        batch_op.drop_column("record_key")
