"""scale: index incidents by batch; bytewise collation for pseudonym keys on PostgreSQL

Chosen from measured plans on 1,000,000 incidents (docs/scale.md, benchmarks/scale.py):

* ``ix_incidents_batch_id``: de-duplication (``marsad.ingest._dedup``) selects the rows of
  the new batch; without the index that is a sequential scan of the whole table per import
  (1M rows: link query 0.74-1.1 s -> 0.34-0.38 s, duplicate_of update 0.7-0.85 s -> 0.03 s,
  and the gap grows with the store).
* ``COLLATE "C"`` on keyed pseudonyms (hex strings): sorting them is what dominates the
  indicator and capture-history queries (COUNT(DISTINCT victim_key)); bytewise comparison
  took 3.9 s instead of 12.5 s for a COUNT(DISTINCT) over 1M keys, and the whole indicator
  set 19-20 s instead of 23-26 s (estimates 5-6 s instead of 7-9 s) on the same data.
  Equality and uniqueness are unchanged (hex keys). SQLite already compares bytes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 01:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEYS = (
    ("incidents", "record_key", False),
    ("incidents", "victim_key", True),
    ("incidents", "perpetrator_key", True),
    ("survey_responses", "respondent_key", False),
    ("chat_messages", "conversation_key", False),
    ("chat_messages", "speaker_key", False),
)


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_batch_id", ["batch_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for table, column, nullable in KEYS:
            op.alter_column(
                table,
                column,
                type_=sa.String(length=64, collation="C"),
                existing_type=sa.String(length=64),
                existing_nullable=nullable,
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, column, nullable in KEYS:
            op.alter_column(
                table,
                column,
                type_=sa.String(length=64),
                existing_type=sa.String(length=64, collation="C"),
                existing_nullable=nullable,
            )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_batch_id")
