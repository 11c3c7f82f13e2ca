"""The store's tables (SQLAlchemy Core). Changes go through an Alembic migration.

Nothing here holds a raw identifier: person keys are keyed pseudonyms (HMAC-SHA-256) and free
text is scrubbed before it reaches these tables (see :mod:`marsad.ingest`).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)
Id = BigInteger().with_variant(Integer, "sqlite")
# Keyed pseudonyms (64 hex characters) compare bytewise on PostgreSQL: the "C" collation makes
# the sorts behind COUNT(DISTINCT victim_key) and capture histories faster than a locale
# collation (3.2x for the sort alone, ~20 % on the whole indicator set: docs/scale.md);
# SQLite compares bytes already.
Key = String(64).with_variant(String(64, collation="C"), "postgresql")

sources = Table(
    "sources",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column(
        "kind", String(32), nullable=False
    ),  # police, justice, hotline, ngo, survey, platform, population
    Column("created_at", DateTime(timezone=True), nullable=False),
)

import_batches = Table(
    "import_batches",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source_id", ForeignKey("sources.id"), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("profile", String(100), nullable=False),
    Column("status", String(16), nullable=False),  # running, complete, failed
    Column("rows_read", Integer, nullable=False, default=0),
    Column("rows_accepted", Integer, nullable=False, default=0),
    Column("rows_quarantined", Integer, nullable=False, default=0),
    Column("rows_duplicate", Integer, nullable=False, default=0),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("message", Text),
    UniqueConstraint("sha256", "profile", name="uq_import_batches_sha256_profile"),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source_id", ForeignKey("sources.id"), nullable=False),
    Column("batch_id", ForeignKey("import_batches.id"), nullable=False),
    Column("source_row", Integer, nullable=False),
    # keyed pseudonym of the source's own record id: makes re-imports idempotent
    Column("record_key", Key, nullable=False),
    Column("victim_key", Key),
    Column("perpetrator_key", Key),
    Column("incident_date", Date),
    Column("incident_date_precision", String(8)),  # day, month, year
    Column("incident_year", SmallInteger, index=True),
    Column("incident_month", SmallInteger),
    Column("report_date", Date),
    Column("reporting_delay_days", Integer),
    Column("region", String(8), index=True),
    Column("space", String(32), index=True),
    Column("platform", String(64)),
    Column("category", String(32), index=True),  # primary category; None until detection
    Column("category_origin", String(16)),  # reported, detected
    Column("medium", String(16)),
    Column("victim_age", SmallInteger),
    Column("age_band", String(8)),  # band of the 'analysis' scheme, or the band the source gave
    Column("age_band_scheme", String(32)),
    Column("age_unknown", Boolean, nullable=False, default=False),
    Column("minor", Boolean),
    Column("gender", String(8), index=True),
    Column("relationship", String(24)),
    Column("perpetrator_online_only", Boolean),
    Column("consent_statistical_use", Boolean),
    Column("takedown_requested", Boolean),
    Column("takedown_obtained", Boolean),
    Column("narrative", Text),  # scrubbed
    Column("language", String(16)),
    Column("detector_version", String(64)),
    Column("risk", Float),
    Column("duplicate_of", ForeignKey("incidents.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source_id", "record_key", name="uq_incidents_source_record"),
    Index("ix_incidents_victim_key", "victim_key"),
    # de-duplication and batch bookkeeping select one batch's rows (migration 0002)
    Index("ix_incidents_batch_id", "batch_id"),
    Index("ix_incidents_cat_space_year", "category", "space", "incident_year"),
    # covering indexes of the indicator engine's incident and victim grains (migration 0003)
    Index(
        "ix_incidents_stats_incident_grain",
        "duplicate_of",
        "incident_year",
        "incident_month",
        "category",
        "space",
    ),
    Index(
        "ix_incidents_stats_victim_grain",
        "duplicate_of",
        "incident_year",
        "category",
        "gender",
        "age_band",
        "age_band_scheme",
        "region",
        "minor",
        "victim_key",
    ),
)

incident_categories = Table(
    "incident_categories",
    metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("category", String(32), primary_key=True),
    Column("origin", String(16), nullable=False),  # reported, detected
    Column("score", Float),
    Column("evidence", JSON),
)

incident_links = Table(
    "incident_links",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("linked_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("rule", String(64), nullable=False),
    Column("score", Float),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("incident_id", "linked_id", name="uq_incident_links_pair"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("batch_id", ForeignKey("import_batches.id"), nullable=False, index=True),
    Column("row_number", Integer, nullable=False),
    Column("raw", JSON, nullable=False),  # the row as read, identifiers pseudonymised
    Column("errors", JSON, nullable=False),  # [{column, code, message}]
    # open, fixed (a later import of the source accepted the record), superseded (a later
    # import quarantined the record again), dismissed
    Column("status", String(16), nullable=False, default="open"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # the row's pseudonymised record id (same HMAC as incidents.record_key; NULL when the
    # profile has no record id or the row could not be read): matches later imports' rows
    Column("record_key", Key, index=True),
    # the batch that made the entry fixed or superseded
    Column("resolved_batch_id", ForeignKey("import_batches.id")),
)

survey_responses = Table(
    "survey_responses",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("batch_id", ForeignKey("import_batches.id"), nullable=False),
    Column("survey", String(64), nullable=False),
    Column("respondent_key", Key, nullable=False),
    Column("year", SmallInteger),
    Column("stratum", String(64), nullable=False),
    Column("psu", String(64), nullable=False),
    Column("weight", Float, nullable=False),
    Column("region", String(8)),
    Column("urban_rural", String(8)),  # urban, rural
    Column("age", SmallInteger),
    Column("age_band", String(8)),
    Column("gender", String(8)),
    Column("internet_user", Boolean),
    Column("cv_past_12m", Boolean),  # any cyberviolence in the past 12 months
    Column("cv_lifetime", Boolean),
    Column("reported_any", Boolean),  # told police, hotline or NGO
    Column("answers", JSON),
    UniqueConstraint("survey", "respondent_key", name="uq_survey_responses_respondent"),
)

population = Table(
    "population",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("batch_id", ForeignKey("import_batches.id")),
    Column("year", SmallInteger, nullable=False),
    Column("region", String(8), nullable=False),
    Column("age_band", String(8), nullable=False),
    Column("age_band_scheme", String(32), nullable=False),
    Column("sex", String(8), nullable=False),
    Column("population", BigInteger, nullable=False),
    Column("synthetic", Boolean, nullable=False, default=False),
    UniqueConstraint(
        "year", "region", "age_band_scheme", "age_band", "sex", name="uq_population_cell"
    ),
)

aggregates = Table(
    "aggregates",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("batch_id", ForeignKey("import_batches.id"), nullable=False),
    Column("source_id", ForeignKey("sources.id"), nullable=False),
    Column("measure", String(64), nullable=False),
    Column("period", String(16), nullable=False),
    Column("region", String(8)),
    Column("category", String(32)),
    Column("space", String(32)),
    Column("age_band", String(8)),
    Column("gender", String(8)),
    Column("value", Float, nullable=False),
)

chat_messages = Table(
    "chat_messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("batch_id", ForeignKey("import_batches.id"), nullable=False),
    Column("source_id", ForeignKey("sources.id"), nullable=False),
    Column("conversation_key", Key, nullable=False),
    Column("turn", Integer, nullable=False),
    Column("speaker_key", Key, nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("declared_age", SmallInteger),
    Column("space", String(32)),
    Column("platform", String(64)),
    Column("text", Text, nullable=False),  # scrubbed
    UniqueConstraint("source_id", "conversation_key", "turn", name="uq_chat_messages_turn"),
)

conversation_results = Table(
    "conversation_results",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source_id", ForeignKey("sources.id"), nullable=False),
    Column("conversation_key", String(64), nullable=False),
    Column("grooming_risk", Float),
    Column("sextortion_risk", Float),
    Column("harmful", Boolean),
    Column("stages", JSON),
    Column("driver_key", String(64)),
    Column("detector_version", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source_id", "conversation_key", name="uq_conversation_results_conv"),
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),  # admin, analyst, viewer
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked", Boolean, nullable=False, default=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),  # read, export, import, login, admin...
    Column("resource", String(200), nullable=False),
    Column("detail", JSON),
)
