"""The first schema: subscribers, what they follow, events, the delivery queue, replay and
rate-limit records.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(43), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("address", sa.String(2048), nullable=False),
        sa.Column("all_components", sa.Boolean, nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("confirmed_at", INSTANT, nullable=True),
        sa.Column("confirm_nonce", sa.String(43), nullable=True),
        sa.UniqueConstraint("kind", "address", name="uq_subscribers_kind_address"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "subscriber_components",
        sa.Column(
            "subscriber_id",
            sa.Integer,
            sa.ForeignKey("subscribers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("component", sa.String(100), primary_key=True),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(400), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("received_at", INSTANT, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("recipients", sa.Integer, nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "subscriber_id",
            sa.Integer,
            sa.ForeignKey("subscribers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "event_id",
            sa.String(400),
            sa.ForeignKey("events.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text, nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("due_at", INSTANT, nullable=False),
        sa.Column("lease_owner", sa.String(32), nullable=True),
        sa.Column("lease_until", INSTANT, nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("finished_at", INSTANT, nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.UniqueConstraint("event_id", "subscriber_id", name="uq_deliveries_event_subscriber"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_deliveries_due", "deliveries", ["state", "channel", "due_at"])
    op.create_index("ix_deliveries_subscriber", "deliveries", ["subscriber_id"])
    op.create_table(
        "seen_signatures",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("seen_at", INSTANT, nullable=False),
    )
    op.create_index("ix_seen_signatures_seen_at", "seen_signatures", ["seen_at"])
    op.create_table(
        "rate_hits",
        sa.Column("bucket", sa.String(80), primary_key=True),
        sa.Column("slot", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("hits", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rate_hits")
    op.drop_index("ix_seen_signatures_seen_at", "seen_signatures")
    op.drop_table("seen_signatures")
    op.drop_index("ix_deliveries_subscriber", "deliveries")
    op.drop_index("ix_deliveries_due", "deliveries")
    op.drop_table("deliveries")
    op.drop_table("events")
    op.drop_table("subscriber_components")
    op.drop_table("subscribers")
