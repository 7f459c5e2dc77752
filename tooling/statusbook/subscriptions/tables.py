"""The database's tables, in SQLAlchemy Core: one description for SQLite and PostgreSQL.

The migrations in ``migrations/versions`` create exactly these (a test compares them), so
the schema has one written form for the code and one history for the databases.

* ``subscribers`` — one row per address (an email address, or a webhook URL); ``key`` is a
  random name the signed links carry, so a link names neither the row's number (numbers
  can come back) nor the address. ``confirm_nonce`` is the one confirmation link that
  works right now: using it clears it, so a link cannot be used twice.
* ``subscriber_components`` — what a subscriber follows, unless ``all_components``.
* ``events`` — each event ``notify`` posted, once: its id is the key, so a second post of
  the same event fans out to nobody.
* ``deliveries`` — the queue: one row per message to send. ``(event_id, subscriber_id)`` is
  unique, so an event reaches a subscriber at most once whatever crashes and retries
  happen; a worker leases rows before sending and marks each sent right after.
* ``seen_signatures`` — the signatures of accepted event posts, to refuse replays.
* ``rate_hits`` — counters per client or address per window (keys are keyed hashes, never
  the address itself).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC instant on both databases (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            value = datetime.fromisoformat(str(value))
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

subscribers = Table(
    "subscribers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(43), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("address", String(2048), nullable=False),
    Column("all_components", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("confirmed_at", UtcDateTime, nullable=True),
    Column("confirm_nonce", String(43), nullable=True),
    UniqueConstraint("kind", "address", name="uq_subscribers_kind_address"),
    sqlite_autoincrement=True,
)

subscriber_components = Table(
    "subscriber_components",
    metadata,
    Column(
        "subscriber_id",
        Integer,
        ForeignKey("subscribers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("component", String(100), primary_key=True),
)

events = Table(
    "events",
    metadata,
    Column("id", String(400), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("payload", Text, nullable=False),
    Column("recipients", Integer, nullable=False, default=0),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "subscriber_id",
        Integer,
        ForeignKey("subscribers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("event_id", String(400), ForeignKey("events.id", ondelete="CASCADE"), nullable=True),
    #: ``event``, ``confirm`` (the confirmation mail) or ``challenge`` (a webhook's).
    Column("purpose", String(16), nullable=False),
    #: ``email`` or ``webhook``: which workers take it.
    Column("channel", String(16), nullable=False),
    #: JSON: what a confirmation asks for, or a webhook's challenge.
    Column("detail", Text, nullable=True),
    #: ``pending``, ``sent`` or ``failed``.
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("due_at", UtcDateTime, nullable=False),
    Column("lease_owner", String(32), nullable=True),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    #: Why the last attempt failed; never an address.
    Column("last_error", String(200), nullable=True),
    UniqueConstraint("event_id", "subscriber_id", name="uq_deliveries_event_subscriber"),
    Index("ix_deliveries_due", "state", "channel", "due_at"),
    Index("ix_deliveries_subscriber", "subscriber_id"),
    sqlite_autoincrement=True,
)

seen_signatures = Table(
    "seen_signatures",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("seen_at", UtcDateTime, nullable=False, index=True),
)

rate_hits = Table(
    "rate_hits",
    metadata,
    Column("bucket", String(80), primary_key=True),
    Column("slot", Integer, primary_key=True, autoincrement=False),
    Column("hits", Integer, nullable=False),
)
