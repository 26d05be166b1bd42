"""The store's tables, as SQLAlchemy Core metadata (the single definition of the schema)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .types import UTCDateTime

metadata = MetaData()

#: The largest id the store's tables hold: ``Integer`` is 32-bit on PostgreSQL (64-bit in
#: SQLite). An id beyond it from a URL or a cursor names no row; checked before it reaches the
#: driver, which would refuse to bind it (a 500).
MAX_ID = 2**31 - 1

#: Bumped whenever ``migrations.STEPS`` gains a step.
SCHEMA_VERSION = 3

meta = Table(
    "pydbpro_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(150), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    # admin or viewer (pydbpro.roles); auth/permissions.py decides what each may do.
    Column("role", String(32), nullable=False, server_default="viewer"),
    Column("is_active", Boolean, nullable=False, server_default="1"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("password_changed_at", UTCDateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    # sha256 of the session secret: a leaked store does not yield usable cookies.
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("client_addr", String(64), nullable=True),
    Index("ix_sessions_user_id", "user_id"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False, server_default=""),
    Column("prefix", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("last_used_at", UTCDateTime, nullable=True),
)

login_counters = Table(
    "login_counters",
    metadata,
    # "pair" (username and address), "user" or "addr": see auth.throttle.
    Column("scope", String(8), primary_key=True),
    Column("subject", String(220), primary_key=True),
    Column("failures", Integer, nullable=False),
    # For "user" and "addr" the start of the counting window, for "pair" the last attempt.
    Column("window_start", UTCDateTime, nullable=False),
    Column("blocked_until", UTCDateTime, nullable=True),
    Index("ix_login_counters_window_start", "window_start"),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("event", String(40), nullable=False),
    Column("username", String(150), nullable=True),
    Column("client_addr", String(64), nullable=True),
    Column("request_id", String(64), nullable=True),
    # The event's own fields as a JSON object: their set differs per event type.
    Column("fields", Text, nullable=False, server_default="{}"),
    Index("ix_audit_events_at", "at"),
    Index("ix_audit_events_user_at", "username", "at"),
)

query_history = Table(
    "query_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("sql", Text, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("row_count", Integer, nullable=True),
    Column("elapsed_ms", Float, nullable=True),
    # The error's stable code (READ_ONLY_VIOLATION, SQL_ERROR...) when the run failed.
    Column("error_code", String(64), nullable=True),
    # Pages and the per-user cap both walk one user's entries by id.
    Index("ix_query_history_user_id", "user_id", "id"),
)

saved_queries = Table(
    "saved_queries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("sql", Text, nullable=False),
    # [{"name", "default"}] as JSON: a list whose shape only queries/saved.py reads.
    Column("parameters", Text, nullable=False, server_default="[]"),
    Column("shared", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # {"type", "x", "y", "stacked"} as JSON, or NULL: the chart shown with its result.
    Column("chart", Text, nullable=True),
    UniqueConstraint("user_id", "name", name="uq_saved_queries_user_name"),
    Index("ix_saved_queries_shared", "shared"),
)
