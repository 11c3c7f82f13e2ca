"""stats: covering indexes for the indicator engine's two GROUP BYs over incidents

``marsad.stats`` reads incidents once per grain (``marsad.stats._query.cell_table``): the
incident grain (year, month, category, space) for counts, quarterly series and growth, and the
victim grain (year, category, gender, age band and its scheme, region, minor) with the victim
keys of each cell for distinct-victim counts. Each index starts with ``duplicate_of`` (the
query keeps ``duplicate_of IS NULL``), then the grain's columns in the order the query groups
them, so SQLite answers from the index alone and aggregates in index order without a sort
(``SEARCH incidents USING COVERING INDEX``). Measured on the 1,000,000-incident benchmark
store (benchmarks/indicators.py): incident grain 2.3 s -> 0.15 s CPU, victim grain
(with COUNT(DISTINCT)-equivalent keys) 3.7 s -> 0.8 s CPU.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 02:45:00
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_incidents_stats_incident_grain": [
        "duplicate_of",
        "incident_year",
        "incident_month",
        "category",
        "space",
    ],
    "ix_incidents_stats_victim_grain": [
        "duplicate_of",
        "incident_year",
        "category",
        "gender",
        "age_band",
        "age_band_scheme",
        "region",
        "minor",
        "victim_key",
    ],
}


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
